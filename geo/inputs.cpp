#include "geo/inputs.h"

#include "geo/error.h"
#include "geo/layer.h"

#include <sys/stat.h>

#include <filesystem>

namespace townsite {

namespace fs = std::filesystem;

namespace {

struct Identity {
    bool exists = false;
    std::uint64_t device = 0, inode = 0, bytes = 0;
    std::int64_t modified_ns = 0;
    bool directory = false;
};

// stat(2) follows symbolic links: two paths that reach the same file (or folder, through a link or
// a bind mount) give the same device and inode.
Identity identify(const std::string& path) {
    struct stat st {};
    Identity id;
    if (::stat(path.c_str(), &st) != 0) return id;
    id.exists = true;
    id.device = std::uint64_t(st.st_dev);
    id.inode = std::uint64_t(st.st_ino);
    id.bytes = std::uint64_t(st.st_size);
    id.modified_ns = std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    id.directory = S_ISDIR(st.st_mode);
    return id;
}

}  // namespace

InputFiles InputFiles::of(const StudyConfig& config) {
    InputFiles out;
    for (const std::string& f : config.files) out.add(f, "config");
    for (const LayerSource& src : config.layers) {
        if (out.m_by_source.count(src.resolved)) continue;   // many layers of one file: opened once
        const std::vector<std::string>& files = out.m_by_source[src.resolved] = source_files(src);
        for (const std::string& f : files) out.add(f, src.role);
        out.add(src.resolved, src.role);   // also when GDAL cannot open it: it is still the user's file
    }
    return out;
}

std::vector<std::string> InputFiles::files_of(const LayerSource& source) const {
    const auto it = m_by_source.find(source.resolved);
    return it == m_by_source.end() ? std::vector<std::string>{} : it->second;
}

void InputFiles::add(const std::string& path, const std::string& role) {
    const Identity id = identify(path);
    if (!id.exists || id.directory) return;
    for (const InputFile& f : m_files)
        if (f.device == id.device && f.inode == id.inode) return;
    m_files.push_back({path, role, id.device, id.inode, id.bytes, id.modified_ns});
}

const InputFile* InputFiles::inside(const std::string& dir) const {
    const Identity target = identify(dir);
    if (!target.exists || !target.directory) return nullptr;
    for (const InputFile& f : m_files) {
        std::error_code ec;
        // Every folder above the file's real location, up to the root.
        fs::path p = fs::canonical(f.path, ec);
        if (ec) p = fs::absolute(f.path).lexically_normal();
        for (fs::path up = p.parent_path();; up = up.parent_path()) {
            const Identity a = identify(up.string());
            if (a.exists && a.device == target.device && a.inode == target.inode) return &f;
            if (up == up.root_path() || up.empty()) break;
        }
    }
    return nullptr;
}

const InputFile* InputFiles::same_as(const std::string& path) const {
    const Identity id = identify(path);
    if (!id.exists) return nullptr;
    for (const InputFile& f : m_files)
        if (f.device == id.device && f.inode == id.inode) return &f;
    return nullptr;
}

void InputFiles::check_unchanged() const {
    for (const InputFile& f : m_files) {
        const Identity now = identify(f.path);
        std::string what;
        if (!now.exists) what = "was removed";
        else if (now.device != f.device || now.inode != f.inode) what = "was replaced by another file";
        else if (now.bytes != f.bytes) what = "changed size from " + std::to_string(f.bytes) + " to " + std::to_string(now.bytes) + " bytes";
        else if (now.modified_ns != f.modified_ns) what = "was modified";
        if (what.empty()) continue;
        throw Error("this input (" + f.role + ") " + what + " while townsite read it; the outputs were not written")
            .with_file(f.path)
            .with_hint("run again once nothing else writes to the study's files (the previous outputs are as they were).");
    }
}

}  // namespace townsite
