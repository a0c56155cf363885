#include "geo/gpkg_rtree.h"

#include "geo/error.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

namespace townsite {

namespace {

struct Entry {
    std::int64_t id;   // the feature's fid in a leaf, the child node's place in its level above
    float box[4];      // minx, maxx, miny, maxy: the R-tree's column order
};

// SQLite's rounding of an R-tree coordinate to a float: minima down, maxima up, so that the box
// holds the geometry. The same factors as SQLite's rtree module (and GDAL's copy of it), so that
// the entries are the ones an R*-tree insertion would have stored.
constexpr double kTowardsZero = 1.0 - 1.0 / 8388608.0, kAwayFromZero = 1.0 + 1.0 / 8388608.0;

float value_down(double d) {
    float f = static_cast<float>(d);
    if (f > d) f = static_cast<float>(d * (d < 0 ? kAwayFromZero : kTowardsZero));
    return f;
}

float value_up(double d) {
    float f = static_cast<float>(d);
    if (f < d) f = static_cast<float>(d * (d < 0 ? kTowardsZero : kAwayFromZero));
    return f;
}

template <class T>
T read_as(const unsigned char* p, bool little) {
    unsigned char b[sizeof(T)];
    const bool swap = little != (std::endian::native == std::endian::little);
    for (std::size_t i = 0; i < sizeof(T); ++i) b[i] = swap ? p[sizeof(T) - 1 - i] : p[i];
    T v;
    std::memcpy(&v, b, sizeof(T));
    return v;
}

template <class T>
void write_big_endian(unsigned char* p, T v) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = std::endian::native == std::endian::little ? b[sizeof(T) - 1 - i] : b[i];
}

std::string quoted(const std::string& name) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// The box of a GeoPackage geometry blob (GeoPackage 1.2, 2.1.3): its header's envelope, or a
// point's coordinates (GDAL writes no envelope for points). False for an empty geometry.
bool blob_box(const unsigned char* b, int n, double box[4]) {
    if (n < 8 || b[0] != 'G' || b[1] != 'P') throw Error("a geometry that is not a GeoPackage geometry blob");
    const unsigned flags = b[3];
    if (flags & 0x10) return false;
    const bool little = flags & 1;
    const unsigned envelope = (flags >> 1) & 7;
    static constexpr int kEnvelopeBytes[] = {0, 32, 48, 48, 64};
    if (envelope > 4 || n < 8 + kEnvelopeBytes[envelope]) throw Error("a GeoPackage geometry blob with a bad envelope");
    if (envelope) {
        for (int k = 0; k < 4; ++k) box[k] = read_as<double>(b + 8 + 8 * k, little);   // minx, maxx, miny, maxy
        return true;
    }
    const unsigned char* wkb = b + 8;
    if (n < 8 + 21) throw Error("a GeoPackage geometry blob without an envelope that is not a point");
    const bool wkb_little = wkb[0] == 1;
    const std::uint32_t type = read_as<std::uint32_t>(wkb + 1, wkb_little);
    if (type % 1000 != 1) throw Error("a GeoPackage geometry blob without an envelope that is not a point");
    const double x = read_as<double>(wkb + 5, wkb_little), y = read_as<double>(wkb + 13, wkb_little);
    if (std::isnan(x) || std::isnan(y)) return false;   // POINT EMPTY
    box[0] = box[1] = x;
    box[2] = box[3] = y;
    return true;
}

struct Db {
    sqlite3* db = nullptr;
    std::string path;
    ~Db() { sqlite3_close(db); }
    void exec(const std::string& sql) const {
        char* message = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string m = message ? message : sqlite3_errmsg(db);
            sqlite3_free(message);
            throw Error("cannot write the spatial index of " + path + ": " + m);
        }
    }
};

struct Statement {
    sqlite3_stmt* st = nullptr;
    const Db& db;
    Statement(const Db& d, const std::string& sql) : db(d) {
        if (sqlite3_prepare_v2(db.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            throw Error("cannot write the spatial index of " + db.path + ": " + sqlite3_errmsg(db.db));
    }
    ~Statement() { sqlite3_finalize(st); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    // One row of an INSERT: binds, steps, resets.
    void insert(std::int64_t a, std::int64_t b) {
        sqlite3_bind_int64(st, 1, a);
        sqlite3_bind_int64(st, 2, b);
        done();
    }
    void insert(std::int64_t a, const std::vector<unsigned char>& blob) {
        sqlite3_bind_int64(st, 1, a);
        sqlite3_bind_blob(st, 2, blob.data(), int(blob.size()), SQLITE_STATIC);
        done();
    }
    void done() {
        if (sqlite3_step(st) != SQLITE_DONE) throw Error("cannot write the spatial index of " + db.path + ": " + sqlite3_errmsg(db.db));
        sqlite3_reset(st);
    }
};

// Every non-empty geometry's box, rounded outwards to floats, in fid order.
std::vector<Entry> read_entries(const Db& db, const RtreeTable& t) {
    Statement select(db, "SELECT " + quoted(t.fid_column) + ", " + quoted(t.geometry_column) + " FROM " + quoted(t.table) + " ORDER BY 1");
    std::vector<Entry> entries;
    entries.reserve(t.features);
    int rc;
    while ((rc = sqlite3_step(select.st)) == SQLITE_ROW) {
        if (sqlite3_column_type(select.st, 1) == SQLITE_NULL) continue;
        const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(select.st, 1));
        double box[4];
        if (!blob_box(blob, sqlite3_column_bytes(select.st, 1), box)) continue;
        entries.push_back({sqlite3_column_int64(select.st, 0), {value_down(box[0]), value_up(box[1]), value_down(box[2]), value_up(box[3])}});
    }
    if (rc != SQLITE_DONE) throw Error("cannot read back " + t.table + " from " + db.path + ": " + sqlite3_errmsg(db.db));
    return entries;
}

// One level of sort-tile-recursive packing: the entries ordered into runs of at most `cap`, each
// run a node; returns the runs' starts (and the end). Ties fall back on the id: the same input
// always gives the same tree.
std::vector<std::size_t> pack(std::vector<Entry>& e, std::size_t cap) {
    const std::size_t nodes = (e.size() + cap - 1) / cap;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(double(nodes))));
    const std::size_t slice = (nodes + slices - 1) / slices * cap;   // entries in a vertical slice
    auto by = [](int axis) {
        return [axis](const Entry& a, const Entry& b) {
            const double ca = double(a.box[axis]) + a.box[axis + 1], cb = double(b.box[axis]) + b.box[axis + 1];
            return ca != cb ? ca < cb : a.id < b.id;
        };
    };
    std::sort(e.begin(), e.end(), by(0));
    std::vector<std::size_t> starts;
    for (std::size_t s = 0; s < e.size(); s += slice) {
        const std::size_t end = std::min(e.size(), s + slice);
        std::sort(e.begin() + long(s), e.begin() + long(end), by(2));
        for (std::size_t k = s; k < end; k += cap) starts.push_back(k);
    }
    starts.push_back(e.size());
    return starts;
}

void write_rtree(const Db& db, const RtreeTable& t) {
    const std::string rtree = "rtree_" + t.table + "_" + t.geometry_column;
    db.exec("CREATE VIRTUAL TABLE " + quoted(rtree) + " USING rtree(id, minx, maxx, miny, maxy)");
    std::vector<Entry> leaves = read_entries(db, t);
    if (!leaves.empty()) {
        const std::int64_t lowest = leaves.front().id, highest = leaves.back().id;   // read in fid order
        // SQLite chose the node size from the page size when it made the (empty) root.
        std::size_t node_bytes = 0;
        {
            Statement size(db, "SELECT length(data) FROM " + quoted(rtree + "_node") + " WHERE nodeno = 1");
            if (sqlite3_step(size.st) == SQLITE_ROW) node_bytes = std::size_t(sqlite3_column_int64(size.st, 0));
        }
        constexpr std::size_t kCellBytes = 8 + 4 * 4;
        const std::size_t cap = node_bytes > 4 ? (node_bytes - 4) / kCellBytes : 0;
        if (cap < 2) throw Error("cannot write the spatial index of " + db.path + ": an R-tree node of " + std::to_string(node_bytes) + " bytes");

        // Levels from the leaves up: levels[0] the features, each level above one entry per node
        // of the level below, until one node (the root) holds them all.
        std::vector<std::vector<Entry>> levels;
        std::vector<std::vector<std::size_t>> runs;
        levels.push_back(std::move(leaves));
        for (;;) {
            runs.push_back(pack(levels.back(), cap));
            const std::vector<std::size_t>& r = runs.back();
            if (r.size() == 2) break;
            std::vector<Entry> up;
            up.reserve(r.size() - 1);
            const std::vector<Entry>& below = levels.back();
            for (std::size_t k = 0; k + 1 < r.size(); ++k) {
                Entry e{std::int64_t(k), {below[r[k]].box[0], below[r[k]].box[1], below[r[k]].box[2], below[r[k]].box[3]}};
                for (std::size_t i = r[k] + 1; i < r[k + 1]; ++i) {
                    e.box[0] = std::min(e.box[0], below[i].box[0]);
                    e.box[1] = std::max(e.box[1], below[i].box[1]);
                    e.box[2] = std::min(e.box[2], below[i].box[2]);
                    e.box[3] = std::max(e.box[3], below[i].box[3]);
                }
                up.push_back(e);
            }
            levels.push_back(std::move(up));
        }
        // Node numbers from the root (1, as SQLite requires) down, level by level.
        const std::size_t depth = levels.size() - 1;
        std::vector<std::int64_t> first_node(levels.size());
        std::int64_t next = 1;
        for (std::size_t l = levels.size(); l-- > 0;) first_node[l] = next, next += std::int64_t(runs[l].size() - 1);

        db.exec("DELETE FROM " + quoted(rtree + "_node"));
        Statement node(db, "INSERT INTO " + quoted(rtree + "_node") + " (nodeno, data) VALUES (?, ?)");
        Statement parent(db, "INSERT INTO " + quoted(rtree + "_parent") + " (nodeno, parentnode) VALUES (?, ?)");
        std::vector<unsigned char> blob(node_bytes);
        for (std::size_t l = levels.size(); l-- > 0;) {
            const std::vector<Entry>& e = levels[l];
            const std::vector<std::size_t>& r = runs[l];
            for (std::size_t k = 0; k + 1 < r.size(); ++k) {
                std::fill(blob.begin(), blob.end(), 0);
                const std::int64_t nodeno = first_node[l] + std::int64_t(k);
                if (nodeno == 1) write_big_endian(blob.data(), std::uint16_t(depth));
                write_big_endian(blob.data() + 2, std::uint16_t(r[k + 1] - r[k]));
                for (std::size_t i = r[k]; i < r[k + 1]; ++i) {
                    unsigned char* cell = blob.data() + 4 + (i - r[k]) * kCellBytes;
                    write_big_endian(cell, l == 0 ? e[i].id : first_node[l - 1] + e[i].id);
                    for (int c = 0; c < 4; ++c) write_big_endian(cell + 8 + 4 * c, std::bit_cast<std::uint32_t>(e[i].box[c]));
                }
                node.insert(nodeno, blob);
            }
        }
        // Each node's parent, and each leaf entry's node, in key order (appended to their B-trees).
        std::vector<std::pair<std::int64_t, std::int64_t>> parents;
        for (std::size_t l = levels.size() - 1; l-- > 0;) {
            const std::vector<Entry>& up = levels[l + 1];
            const std::vector<std::size_t>& r = runs[l + 1];
            for (std::size_t k = 0; k + 1 < r.size(); ++k)
                for (std::size_t i = r[k]; i < r[k + 1]; ++i) parents.push_back({first_node[l] + up[i].id, first_node[l + 1] + std::int64_t(k)});
        }
        std::sort(parents.begin(), parents.end());
        for (const auto& [child, of] : parents) parent.insert(child, of);
        // GDAL numbers a new table's features 1, 2, 3...: each one's leaf, by fid, takes 4 bytes.
        Statement rowid(db, "INSERT INTO " + quoted(rtree + "_rowid") + " (rowid, nodeno) VALUES (?, ?)");
        const std::vector<Entry>& leaf = levels[0];
        if (std::uint64_t(highest - lowest) < 2 * leaf.size() && first_node[0] + std::int64_t(runs[0].size()) < INT32_MAX) {
            std::vector<std::int32_t> leaf_of(std::size_t(highest - lowest) + 1, 0);
            for (std::size_t k = 0; k + 1 < runs[0].size(); ++k)
                for (std::size_t i = runs[0][k]; i < runs[0][k + 1]; ++i) leaf_of[std::size_t(leaf[i].id - lowest)] = std::int32_t(first_node[0] + std::int64_t(k));
            levels.clear();
            for (std::size_t i = 0; i < leaf_of.size(); ++i)
                if (leaf_of[i]) rowid.insert(lowest + std::int64_t(i), leaf_of[i]);
        } else {
            std::vector<std::pair<std::int64_t, std::int64_t>> rowids;
            rowids.reserve(leaf.size());
            for (std::size_t k = 0; k + 1 < runs[0].size(); ++k)
                for (std::size_t i = runs[0][k]; i < runs[0][k + 1]; ++i) rowids.push_back({leaf[i].id, first_node[0] + std::int64_t(k)});
            levels.clear();
            std::sort(rowids.begin(), rowids.end());
            for (const auto& [id, of] : rowids) rowid.insert(id, of);
        }
    }

    // The triggers that keep the index right when the layer is edited, word for word as GDAL
    // writes them (gpkg_rtree_index, GeoPackage 1.2); the test compares them with GDAL's.
    const std::string T = quoted(t.table), G = quoted(t.geometry_column), F = quoted(t.fid_column), R = quoted(rtree);
    const std::string insert_new = "INSERT OR REPLACE INTO " + R + " VALUES (NEW." + F + ",ST_MinX(NEW." + G + "), ST_MaxX(NEW." + G + "),ST_MinY(NEW." + G +
                                   "), ST_MaxY(NEW." + G + "));";
    auto trigger = [&](const std::string& suffix, const std::string& rest) { db.exec("CREATE TRIGGER " + quoted(rtree + "_" + suffix) + " " + rest); };
    trigger("insert", "AFTER INSERT ON " + T + " WHEN (new." + G + " NOT NULL AND NOT ST_IsEmpty(NEW." + G + ")) BEGIN " + insert_new + " END");
    trigger("update1", "AFTER UPDATE OF " + G + " ON " + T + " WHEN OLD." + F + " = NEW." + F + " AND (NEW." + G + " NOTNULL AND NOT ST_IsEmpty(NEW." + G +
                           ")) BEGIN " + insert_new + " END");
    trigger("update2", "AFTER UPDATE OF " + G + " ON " + T + " WHEN OLD." + F + " = NEW." + F + " AND (NEW." + G + " ISNULL OR ST_IsEmpty(NEW." + G +
                           ")) BEGIN DELETE FROM " + R + " WHERE id = OLD." + F + "; END");
    trigger("update3", "AFTER UPDATE ON " + T + " WHEN OLD." + F + " != NEW." + F + " AND (NEW." + G + " NOTNULL AND NOT ST_IsEmpty(NEW." + G +
                           ")) BEGIN DELETE FROM " + R + " WHERE id = OLD." + F + "; " + insert_new + " END");
    trigger("update4", "AFTER UPDATE ON " + T + " WHEN OLD." + F + " != NEW." + F + " AND (NEW." + G + " ISNULL OR ST_IsEmpty(NEW." + G +
                           ")) BEGIN DELETE FROM " + R + " WHERE id IN (OLD." + F + ", NEW." + F + "); END");
    trigger("delete", "AFTER DELETE ON " + T + " WHEN old." + G + " NOT NULL BEGIN DELETE FROM " + R + " WHERE id = OLD." + F + "; END");
    db.exec("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT,column_name TEXT,extension_name TEXT NOT NULL,definition TEXT NOT NULL,"
            "scope TEXT NOT NULL,CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
    Statement extension(db, "INSERT INTO gpkg_extensions (table_name,column_name,extension_name,definition,scope) VALUES (?, ?, 'gpkg_rtree_index', "
                            "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
    sqlite3_bind_text(extension.st, 1, t.table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(extension.st, 2, t.geometry_column.c_str(), -1, SQLITE_TRANSIENT);
    extension.done();
}

}  // namespace

void write_gpkg_rtrees(const std::string& path, const std::vector<RtreeTable>& tables) {
    if (tables.empty()) return;
    Db db;
    db.path = path;
    if (sqlite3_open_v2(path.c_str(), &db.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        throw Error("cannot open " + path + " to write its spatial index: " + (db.db ? sqlite3_errmsg(db.db) : "out of memory"));
    db.exec("BEGIN");
    for (const RtreeTable& t : tables) {
        try {
            write_rtree(db, t);
        } catch (Error& e) {
            throw e.with_file(path).with_layer(t.table);
        }
    }
    db.exec("COMMIT");
}

}  // namespace townsite
