#include "tools/workbook.h"

#include "analysis/columns.h"
#include "analysis/coverage.h"
#include "analysis/selection.h"
#include "geo/error.h"
#include "geo/layer.h"
#include "geo/text.h"

#include <gdal_priv.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>

namespace townsite::tools {

namespace {

// A fixed creation time (2022-01-01): the same tables give the same bytes.
constexpr std::time_t kCreated = 1640995200;
constexpr std::size_t kWidthSample = 300;   // rows looked at for a column's width
constexpr double kMaxWidth = 48, kMinWidth = 6;

std::string number_format(int decimals) {
    if (decimals <= 0) return "#,##0";
    return "0." + std::string(std::size_t(decimals), '0');
}

// A {utility}_status or stability value in `lang`; any other value as it is.
std::string said_value(const std::string& field, const std::string& value, Lang lang) {
    const bool status = value == "served" || value == "partial" || value == "none" || value == "no data";
    if (status && field.ends_with("_status")) return status_text(lang, value);
    if (field == "stability") return stability_text(lang, value);
    if (field == "unit") return unit_text(lang, value);
    return value;
}

// A column that repeats another in the other language (reason_en beside reason_zh in a Chinese
// workbook, tier_zh beside tier_en in an English one): left out, unless both languages are asked for.
bool in_other_language(const std::string& field, const std::vector<std::string>& fields, Lang lang) {
    auto has = [&](const std::string& f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
    if (lang == Lang::zh && field.ends_with("_en")) {
        const std::string base = field.substr(0, field.size() - 3);
        return has(base) || has(base + "_zh");
    }
    if (lang == Lang::en && field.ends_with("_zh")) return has(field.substr(0, field.size() - 3) + "_en");
    if (lang == Lang::en && !field.ends_with("_en")) return has(field + "_en") && !has(field + "_zh");   // town_type_rule beside town_type_rule_en
    return false;
}

class Book {
public:
    Book(const std::string& path, const std::string& title) : m_path(path), m_title(title) {
        m_book = workbook_new(path.c_str());
        if (!m_book) throw Error("cannot create the workbook").with_file(path).with_hint("check that the folder is writable and has space.");
        lxw_doc_properties props{};
        props.title = m_title.data();
        props.author = const_cast<char*>("townsite");   // NOLINT: the C API takes char*
        props.created = kCreated;
        workbook_set_properties(m_book, &props);
        m_head = workbook_add_format(m_book);
        format_set_bold(m_head);
        format_set_text_wrap(m_head);
        format_set_align(m_head, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(m_head, 0xDCE6F1);
        format_set_border(m_head, LXW_BORDER_THIN);
    }
    ~Book() {
        if (m_book) workbook_close(m_book);   // after an error: frees it (the caller discards the file)
    }
    Book(const Book&) = delete;
    Book& operator=(const Book&) = delete;

    lxw_worksheet* sheet(const std::string& name) {
        lxw_worksheet* ws = workbook_add_worksheet(m_book, name.c_str());
        if (!ws) throw Error("cannot add the sheet \"" + name + "\"").with_file(m_path);
        return ws;
    }
    lxw_format* number(int decimals) {
        auto& f = m_numbers[decimals];
        if (!f) {
            f = workbook_add_format(m_book);
            m_formats.push_back(number_format(decimals));
            format_set_num_format(f, m_formats.back().c_str());
        }
        return f;
    }
    // One header row (the Chinese label with its unit; a comment gives the English name and what it
    // means), frozen with the first `frozen_cols` columns. One row, so that GDAL, QGIS and pandas read
    // the labels as the field names.
    void header(lxw_worksheet* ws, const std::vector<std::string>& zh, const std::vector<std::string>& notes, int frozen_cols) {
        for (std::size_t c = 0; c < zh.size(); ++c) {
            worksheet_write_string(ws, 0, lxw_col_t(c), zh[c].c_str(), m_head);
            if (!notes[c].empty()) worksheet_write_comment(ws, 0, lxw_col_t(c), notes[c].c_str());
        }
        worksheet_set_row(ws, 0, 32, nullptr);
        worksheet_freeze_panes(ws, 1, lxw_col_t(frozen_cols));
    }
    void close() {
        const lxw_error e = workbook_close(m_book);
        m_book = nullptr;
        if (e != LXW_NO_ERROR) throw Error(std::string("cannot write the workbook: ") + lxw_strerror(e)).with_file(m_path);
    }

private:
    std::string m_path, m_title;
    lxw_workbook* m_book = nullptr;
    lxw_format* m_head = nullptr;
    std::map<int, lxw_format*> m_numbers;
    std::vector<std::string> m_formats;   // kept alive until close (the format keeps a pointer)
};

struct ColumnInfo {
    std::string name, header;   // the field's name; the sheet's header (Chinese label and unit)
    Column column;
    int decimals = 2;
};

}  // namespace

int decimals_for_unit(const std::string& unit) {
    static const std::map<std::string, int> by_unit = {{"min", 1}, {"km", 2},      {"km²", 2}, {"%", 1},           {"m", 0},
                                                        {"ha", 1},  {"persons", 0}, {"places", 0}, {"points", 1}, {"persons/万元", 1},
                                                        {"万元", 1}, {"亿元", 2}};
    auto it = by_unit.find(unit);
    return it == by_unit.end() ? -1 : it->second;
}

void write_workbook(const std::string& path, const std::string& source, const std::vector<WorkbookSheet>& sheets, const std::string& title,
                    const GeosContext& geos, Lang lang) {
    Book book(path, title);
    std::vector<std::pair<std::string, std::vector<ColumnInfo>>> described;   // sheet title -> its columns
    GDALDatasetUniquePtr ds(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw Error("cannot read the tables for the workbook").with_file(source);
    for (const WorkbookSheet& s : sheets) {
        if (!ds->GetLayerByName(s.layer.c_str())) continue;
        const Table t = read_table(source, s.layer, geos);
        // A tier key (tier_by_score) in Chinese, as the sheet's own rows name it (tier beside tier_zh).
        std::map<std::string, std::string> tier_zh;
        for (const Record& r : t.rows)
            if (!r.text("tier").empty() && !r.text("tier_zh").empty()) tier_zh[r.text("tier")] = r.text("tier_zh");
        auto value_text = [&](const std::string& field, const std::string& value) {
            if (field == "tier_by_score" && tier_zh.count(value) && lang != Lang::en) return say(lang, tier_zh.at(value), value);
            return said_value(field, value, lang);
        };
        std::vector<ColumnInfo> cols;
        for (const std::string& f : t.fields) {
            if (in_other_language(f, t.fields, lang)) continue;
            ColumnInfo ci;
            ci.name = f;
            if (auto c = find_column(s.layer, f)) ci.column = *c;
            else ci.column.name = f, ci.column.type = ColumnType::Text;
            int d = decimals_for_unit(ci.column.unit);
            if (d < 0) {   // no rule: three significant figures of the column's largest value, 1 to 6 decimals
                double largest = 0;
                for (const Record& r : t.rows)
                    if (auto v = r.number(f)) largest = std::max(largest, std::abs(*v));
                d = largest > 0 ? std::clamp(2 - int(std::floor(std::log10(largest))), 1, 6) : 2;
            }
            ci.decimals = ci.column.type == ColumnType::Integer || ci.column.type == ColumnType::Integer64 ? 0 : d;
            cols.push_back(std::move(ci));
        }
        lxw_worksheet* ws = book.sheet(s.title);
        std::vector<std::string> zh, notes;
        std::vector<double> width;
        int frozen = 0;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const Column& col = cols[c].column;
            const std::string words = say(lang, col.zh, col.en);
            const std::string label = words.empty()      ? cols[c].name
                                      : lang == Lang::zh ? col.zh + (col.unit.empty() ? "" : "（" + unit_text(lang, col.unit) + "）")
                                                         : with_unit(lang, words, col.unit);
            zh.push_back(label);
            cols[c].header = label;
            notes.push_back(cols[c].name + (col.en.empty() ? "" : " (" + col.en + ")") + (col.description.empty() ? "" : ": " + col.description));
            width.push_back(std::max(text_width(label, 2, 1) / 2 + 2, text_width(cols[c].name, 2, 1) * 0.85));
            if (cols[c].name == "name" || cols[c].name == "town_name") frozen = int(c) + 1;
        }
        book.header(ws, zh, notes, frozen);
        lxw_row_t row = 1;
        for (const Record& r : t.rows) {
            for (std::size_t c = 0; c < cols.size(); ++c) {
                const ColumnInfo& ci = cols[c];
                auto it = r.values.find(ci.name);
                if (it == r.values.end() || std::holds_alternative<std::monostate>(it->second)) continue;
                const lxw_col_t col = lxw_col_t(c);
                std::string text;
                if (ci.column.type == ColumnType::Flag) {
                    const auto v = as_number(it->second);
                    text = v ? (*v != 0 ? say(lang, "是", "yes") : say(lang, "否", "no")) : "";
                    worksheet_write_string(ws, row, col, text.c_str(), nullptr);
                } else if (const auto v = std::holds_alternative<std::string>(it->second) ? std::nullopt : as_number(it->second)) {
                    const double scale = std::pow(10.0, ci.decimals);
                    const double rounded = std::round(*v * scale) / scale;
                    worksheet_write_number(ws, row, col, rounded == 0 ? 0.0 : rounded, book.number(ci.decimals));
                    text = std::to_string(std::llround(*v)) + (ci.decimals > 0 ? "." + std::string(std::size_t(ci.decimals), '0') : "");
                } else {
                    text = value_text(ci.name, as_text(it->second));
                    worksheet_write_string(ws, row, col, text.c_str(), nullptr);
                }
                if (row <= kWidthSample) width[c] = std::max(width[c], text_width(text, 2, 1) + 1);
            }
            ++row;
        }
        if (!cols.empty()) worksheet_autofilter(ws, 0, 0, std::max<lxw_row_t>(row - 1, 1), lxw_col_t(cols.size() - 1));
        for (std::size_t c = 0; c < cols.size(); ++c) worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), std::clamp(width[c], kMinWidth, kMaxWidth), nullptr);
        described.emplace_back(s.title, std::move(cols));
    }

    // The columns: what each one of each sheet is.
    lxw_worksheet* ws = book.sheet(say(lang, "字段说明", "columns"));
    book.header(ws,
                {say(lang, "工作表", "sheet"), say(lang, "列名", "column"), say(lang, "字段", "field"), say(lang, "中文名", "Chinese label"),
                 say(lang, "英文名", "English label"), say(lang, "单位", "unit"), say(lang, "计算步骤", "step"), say(lang, "说明（英文）", "meaning")},
                std::vector<std::string>(8), 3);
    lxw_row_t row = 1;
    for (const auto& [sheet, cols] : described)
        for (const ColumnInfo& ci : cols) {
            const Column& c = ci.column;
            const std::string cells[] = {sheet, ci.header, ci.name, c.zh, c.en, c.unit, c.step, c.description};
            for (std::size_t k = 0; k < std::size(cells); ++k) worksheet_write_string(ws, row, lxw_col_t(k), cells[k].c_str(), nullptr);
            ++row;
        }
    worksheet_autofilter(ws, 0, 0, std::max<lxw_row_t>(row - 1, 1), 7);
    const double widths[] = {16, 24, 28, 20, 28, 10, 12, 80};
    for (std::size_t k = 0; k < std::size(widths); ++k) worksheet_set_column(ws, lxw_col_t(k), lxw_col_t(k), widths[k], nullptr);
    book.close();
}

}  // namespace townsite::tools
