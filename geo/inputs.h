// The files a study reads, identified by device and inode (not by how their path is spelt), with
// their size and modification time when first seen. Two guarantees rest on it:
//   - no output replaces a folder or file that holds an input, whatever path leads there
//     (symbolic links, "..", bind mounts, another spelling of the config's own folder);
//   - no output is committed when an input changed while the run read it.
//
//   InputFiles inputs = InputFiles::of(config);      // before anything is read
//   if (const InputFile* f = inputs.inside("out")) refuse(f->path);
//   ... read, compute, write into a temporary place ...
//   inputs.check_unchanged();                        // before the outputs are moved into place
//
// Sources that are not files (PG:..., other connection strings) have no files here; a source
// GDAL cannot open contributes its own path when that is a file.
#pragma once

#include "geo/config.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace townsite {

struct InputFile {
    std::string path;    // as GDAL or the config named it
    std::string role;    // layer role, "config" or what the caller said
    std::uint64_t device = 0, inode = 0;
    std::uint64_t bytes = 0;
    std::int64_t modified_ns = 0;  // modification time, nanoseconds since 1970
};

class InputFiles {
public:
    // The config file, every config its `extends` chain read, and every file of every layer source
    // (Shapefile side-cars included, through GDAL's file list).
    static InputFiles of(const StudyConfig& config);

    // Adds a file (a path that is not an existing file is ignored); one entry per device and inode.
    void add(const std::string& path, const std::string& role);
    const std::vector<InputFile>& files() const { return m_files; }
    // The files of one layer source as GDAL listed them in of() (sorted; empty for a database).
    std::vector<std::string> files_of(const LayerSource& source) const;

    // The input that lies inside the folder `dir` (at any depth), or nullptr; nullptr when `dir`
    // does not exist.
    const InputFile* inside(const std::string& dir) const;
    // The input that is the same file as `path`, or nullptr.
    const InputFile* same_as(const std::string& path) const;

    // Throws Error naming the first input whose size, modification time or identity differs from
    // when it was added, or that is gone.
    void check_unchanged() const;

private:
    std::vector<InputFile> m_files;
    std::map<std::string, std::vector<std::string>> m_by_source;   // LayerSource::resolved -> its files
};

}  // namespace townsite
