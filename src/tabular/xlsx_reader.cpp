#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>

#include "tabular/internal/ooxml.hpp"
#include "tabular/internal/zip_archive.hpp"
#include "tabular/xlsx.hpp"

namespace cg::tabular {
namespace {

using internal::ZipArchive;
using internal::ZipStream;

constexpr std::size_t kMaxWarnings = 1000;
constexpr std::size_t kChunk = 1 << 20;
constexpr unsigned kParseFlags = pugi::parse_default | pugi::parse_ws_pcdata_single;

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

const char* LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? colon + 1 : name;
}
bool Is(const pugi::xml_node& node, const char* local) {
  return std::strcmp(LocalName(node.name()), local) == 0;
}
pugi::xml_node Child(const pugi::xml_node& node, const char* local) {
  for (auto c : node.children()) {
    if (c.type() == pugi::node_element && Is(c, local)) return c;
  }
  return {};
}
// An attribute by local name ("r:id" matches "id" only when `local` says so).
pugi::xml_attribute Attr(const pugi::xml_node& node, const char* local) {
  for (auto a : node.attributes()) {
    if (std::strcmp(LocalName(a.name()), local) == 0) return a;
  }
  return {};
}

bool HasDoctype(std::string_view xml) {
  return xml.find("<!DOCTYPE") != std::string_view::npos ||
         xml.find("<!ENTITY") != std::string_view::npos;
}

// Parses a whole (small) part after refusing any DOCTYPE: no entity is ever declared or expanded.
Status ParsePart(std::string& xml, const std::string& name, pugi::xml_document& doc) {
  if (HasDoctype(xml)) return Invalid("part " + name + " has a DOCTYPE, which is not allowed");
  auto r = doc.load_buffer_inplace(xml.data(), xml.size(), kParseFlags);
  if (!r) {
    return Invalid("part " + name + " is not well-formed XML (" + r.description() +
                   " at byte " + std::to_string(r.offset) + ")");
  }
  return Status::Ok();
}

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// Resolves a relationship target against the source part's folder; refuses escapes.
Result<std::string> ResolveTarget(const std::string& base_dir, const std::string& target) {
  std::string joined = !target.empty() && target[0] == '/' ? target.substr(1) : base_dir + target;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    std::string seg = joined.substr(start, end - start);
    if (seg == "..") {
      if (parts.empty()) return Invalid("relationship target '" + target + "' leaves the package");
      parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct Relationship {
  std::string type;
  std::string target;  // resolved part name
};

// Reads "<dir>/_rels/<file>.rels" for `part`; a missing rels part gives an empty map.
Result<std::map<std::string, Relationship>> ReadRels(ZipArchive& zip, const std::string& part) {
  std::string dir = DirOf(part);
  std::string rels = dir + "_rels/" + part.substr(dir.size()) + ".rels";
  std::map<std::string, Relationship> out;
  if (!zip.Has(rels)) return out;
  auto xml = zip.ReadEntry(rels);
  if (!xml.ok()) return xml.error();
  pugi::xml_document doc;
  CG_RETURN_IF_ERROR(ParsePart(*xml, rels, doc));
  for (auto rel : doc.document_element().children()) {
    if (!Is(rel, "Relationship")) continue;
    if (std::string_view(rel.attribute("TargetMode").value()) == "External") continue;
    auto target = ResolveTarget(dir, rel.attribute("Target").value());
    if (!target.ok()) return target.error();
    out[rel.attribute("Id").value()] = {rel.attribute("Type").value(), *target};
  }
  return out;
}

const Relationship* FindByType(const std::map<std::string, Relationship>& rels,
                               std::string_view suffix) {
  for (const auto& [id, rel] : rels) {
    if (rel.type.size() >= suffix.size() &&
        rel.type.compare(rel.type.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return &rel;
    }
  }
  return nullptr;
}

// Streams the <item> children of the <container> element of a part in batches, each batch
// parsed by pugixml on its own, so a sheet of millions of rows is never one DOM.
class ElementStream {
 public:
  ElementStream(std::unique_ptr<ZipStream> in, std::string container, std::string item,
                std::size_t max_item_bytes)
      : in_(std::move(in)), container_(std::move(container)), item_(std::move(item)),
        max_item_bytes_(max_item_bytes) {}

  // Parses the next batch into `doc` (root element <b>); false when the container is done.
  Result<bool> NextBatch(pugi::xml_document& doc) {
    if (done_) return false;
    if (!started_) {
      auto s = FindContainer();
      if (!s.ok()) return s.error();
      if (done_) return false;
    }
    while (true) {
      std::size_t close = buf_.find(container_close_);
      if (close != std::string::npos) {
        batch_.assign(buf_, 0, close);
        buf_.clear();
        done_ = true;
        break;
      }
      std::size_t item_end = buf_.rfind(item_close_);
      if (item_end != std::string::npos && buf_.size() >= kChunk) {
        std::size_t cut = item_end + item_close_.size();
        batch_.assign(buf_, 0, cut);
        buf_.erase(0, cut);
        break;
      }
      if (buf_.size() > max_item_bytes_ + kChunk) {
        return MakeError(ErrorCode::kTooLarge, "an element <" + item_ + "> in " + in_->name() +
                                                   " is longer than " +
                                                   std::to_string(max_item_bytes_) + " bytes");
      }
      auto n = in_->Read(buf_, kChunk);
      if (!n.ok()) return n.error();
      if (*n == 0) {
        return Invalid("part " + in_->name() + " ends inside <" + container_ + ">");
      }
    }
    if (HasDoctype(batch_)) return Invalid("part " + in_->name() + " has a DOCTYPE");
    batch_.insert(0, "<b>");
    batch_.append("</b>");
    auto r = doc.load_buffer_inplace(batch_.data(), batch_.size(), kParseFlags);
    if (!r) {
      return Invalid("part " + in_->name() + " is not well-formed XML (" + r.description() + ")");
    }
    return true;
  }

 private:
  Status FindContainer() {
    started_ = true;
    while (true) {
      // Find "<container" or "<prefix:container" followed by a space, '/' or '>'.
      std::size_t at = 0;
      while ((at = buf_.find('<', at)) != std::string::npos) {
        std::size_t name_end = buf_.find_first_of(" \t\r\n/>", at + 1);
        if (name_end == std::string::npos) break;
        std::string_view name(buf_.data() + at + 1, name_end - at - 1);
        std::size_t colon = name.find(':');
        std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
        if (local == container_) {
          std::size_t tag_end = buf_.find('>', name_end);
          if (tag_end == std::string::npos) break;
          if (HasDoctype(std::string_view(buf_).substr(0, at))) {
            return Invalid("part " + in_->name() + " has a DOCTYPE, which is not allowed");
          }
          std::string prefix(name.substr(0, colon == std::string_view::npos ? 0 : colon + 1));
          container_close_ = "</" + prefix + container_ + ">";
          item_close_ = "</" + prefix + item_ + ">";
          if (buf_[tag_end - 1] == '/') {
            done_ = true;
          } else {
            buf_.erase(0, tag_end + 1);
          }
          return Status::Ok();
        }
        at = name_end;
      }
      if (buf_.size() > (16u << 20)) {
        return MakeError(ErrorCode::kTooLarge, "no <" + container_ + "> in the first 16 MiB of " +
                                                   in_->name());
      }
      auto n = in_->Read(buf_, kChunk);
      if (!n.ok()) return n.error();
      if (*n == 0) {  // no container: nothing to read
        if (HasDoctype(buf_)) return Invalid("part " + in_->name() + " has a DOCTYPE");
        done_ = true;
        return Status::Ok();
      }
    }
  }

  std::unique_ptr<ZipStream> in_;
  std::string container_, item_;
  std::size_t max_item_bytes_;
  std::string container_close_, item_close_;
  std::string buf_, batch_;
  bool started_ = false, done_ = false;
};

// Text of a shared or inline string: <t>, or the <t> of each rich-text run <r>; phonetic runs
// (<rPh>) are not part of the value.
std::string StringItemText(const pugi::xml_node& si) {
  std::string text;
  for (auto c : si.children()) {
    if (c.type() != pugi::node_element) continue;
    if (Is(c, "t")) {
      text += c.text().get();
    } else if (Is(c, "r")) {
      if (auto t = Child(c, "t")) text += t.text().get();
    }
  }
  return internal::DecodeEscapes(std::move(text));
}

class XlsxReaderImpl : public XlsxReader {
 public:
  explicit XlsxReaderImpl(const XlsxOptions& options) : options_(options) {}

  Status Init(std::string bytes) {
    if (bytes.size() > options_.limits.max_file_bytes) {
      return MakeError(ErrorCode::kTooLarge, "the file is larger than " +
                                                 std::to_string(options_.limits.max_file_bytes) +
                                                 " bytes");
    }
    if (bytes.size() >= 4 && std::memcmp(bytes.data(), "\xD0\xCF\x11\xE0", 4) == 0) {
      return Invalid("not an xlsx file: this is an OLE2 file (a legacy .xls or a "
                     "password-protected workbook); save it as .xlsx without a password");
    }
    if (bytes.size() < 4 || std::memcmp(bytes.data(), "PK", 2) != 0) {
      return Invalid("not an xlsx file: it is not a zip archive");
    }
    auto zip = ZipArchive::Open(std::move(bytes), options_.limits);
    if (!zip.ok()) return zip.error();
    zip_ = std::move(*zip);

    // The workbook part, from the package relationships (or its usual name).
    std::string workbook = "xl/workbook.xml";
    auto root_rels = ReadRels(*zip_, "");
    if (!root_rels.ok()) return root_rels.error();
    if (auto* rel = FindByType(*root_rels, "/officeDocument")) workbook = rel->target;
    if (!zip_->Has(workbook)) return Invalid("not an xlsx file: missing part " + workbook);
    auto wb_xml = zip_->ReadEntry(workbook);
    if (!wb_xml.ok()) return wb_xml.error();
    pugi::xml_document wb;
    CG_RETURN_IF_ERROR(ParsePart(*wb_xml, workbook, wb));
    auto wb_root = wb.document_element();
    if (!Is(wb_root, "workbook")) return Invalid("part " + workbook + " is not a workbook");
    if (auto pr = Child(wb_root, "workbookPr")) {
      std::string_view v = pr.attribute("date1904").value();
      date1904_ = v == "1" || v == "true";
    }
    auto rels = ReadRels(*zip_, workbook);
    if (!rels.ok()) return rels.error();

    std::string sheet_part;
    for (auto s : Child(wb_root, "sheets").children()) {
      if (!Is(s, "sheet")) continue;
      std::string name = s.attribute("name").value();
      sheet_names_.push_back(name);
      bool wanted = options_.sheet.empty() ? sheet_names_.size() == 1 : name == options_.sheet;
      if (!wanted) continue;
      auto it = rels->find(Attr(s, "id").value());
      if (it == rels->end()) return Invalid("sheet '" + name + "' has no relationship");
      sheet_part = it->second.target;
    }
    if (sheet_names_.empty()) return Invalid("the workbook has no sheets");
    if (sheet_part.empty()) {
      return MakeError(ErrorCode::kNotFound, "no sheet named '" + options_.sheet + "'");
    }
    if (!zip_->Has(sheet_part)) return Invalid("missing part " + sheet_part);

    if (auto* rel = FindByType(*rels, "/sharedStrings")) {
      CG_RETURN_IF_ERROR(LoadSharedStrings(rel->target));
    } else if (zip_->Has("xl/sharedStrings.xml")) {
      CG_RETURN_IF_ERROR(LoadSharedStrings("xl/sharedStrings.xml"));
    }
    if (auto* rel = FindByType(*rels, "/styles")) {
      CG_RETURN_IF_ERROR(LoadStyles(rel->target));
    }

    auto stream = zip_->OpenEntry(sheet_part);
    if (!stream.ok()) return stream.error();
    rows_ = std::make_unique<ElementStream>(std::move(*stream), "sheetData", "row",
                                            options_.limits.max_row_xml_bytes);
    sheet_part_ = sheet_part;

    // Header: the row numbered header_row; rows above it are skipped.
    if (options_.header_row > 0) {
      Row row;
      while (true) {
        auto more = NextRaw(row);
        if (!more.ok()) return more.error();
        if (!*more) break;
        if (row.number < options_.header_row) continue;
        if (row.number == options_.header_row) {
          header_ = std::move(row.cells);
        } else {
          Warn(options_.header_row, -1, "header row " + std::to_string(options_.header_row) +
                                            " is empty");
          pending_ = std::move(row);
          has_pending_ = true;
        }
        break;
      }
    }
    return Status::Ok();
  }

  const std::vector<std::string>& header() const override { return header_; }
  const std::vector<Warning>& warnings() const override { return warnings_; }
  const std::vector<std::string>& sheet_names() const override { return sheet_names_; }

  Result<bool> Next(Row& row) override {
    if (failed_) return error_;
    if (has_pending_) {
      row = std::move(pending_);
      has_pending_ = false;
    } else {
      auto more = NextRaw(row);
      if (!more.ok()) {
        failed_ = true;
        error_ = more.error();
        return error_;
      }
      if (!*more) return false;
    }
    if (!header_.empty() && row.cells.size() < header_.size()) row.cells.resize(header_.size());
    total_cells_ += row.cells.size();
    for (const auto& cell : row.cells) total_text_bytes_ += cell.size();
    if (total_cells_ > options_.limits.max_total_cells ||
        total_text_bytes_ > options_.limits.max_total_text_bytes) {
      failed_ = true;
      error_ = MakeError(ErrorCode::kTooLarge,
                         "the sheet expands to more than " +
                             std::to_string(options_.limits.max_total_cells) + " cells or " +
                             std::to_string(options_.limits.max_total_text_bytes) +
                             " bytes of text (row " + std::to_string(row.number) + ")");
      return error_;
    }
    return true;
  }

 private:
  void Warn(std::size_t row, int column, std::string message) {
    if (warnings_.size() < kMaxWarnings) {
      warnings_.push_back({row, column, std::move(message)});
    } else if (warnings_.size() == kMaxWarnings) {
      warnings_.push_back({row, -1, "further warnings dropped"});
    }
  }

  Status LoadSharedStrings(const std::string& part) {
    has_shared_strings_ = true;
    auto stream = zip_->OpenEntry(part);
    if (!stream.ok()) return stream.error();
    ElementStream items(std::move(*stream), "sst", "si", options_.limits.max_cell_bytes * 4);
    pugi::xml_document doc;
    while (true) {
      auto more = items.NextBatch(doc);
      if (!more.ok()) return more.error();
      if (!*more) break;
      for (auto si : doc.document_element().children()) {
        if (si.type() != pugi::node_element || !Is(si, "si")) continue;
        if (shared_.size() >= options_.limits.max_shared_strings) {
          return MakeError(ErrorCode::kTooLarge, "more than " +
                                                     std::to_string(options_.limits.max_shared_strings) +
                                                     " shared strings");
        }
        shared_.push_back(StringItemText(si));
      }
    }
    return Status::Ok();
  }

  Status LoadStyles(const std::string& part) {
    auto xml = zip_->ReadEntry(part);
    if (!xml.ok()) return xml.error();
    pugi::xml_document doc;
    CG_RETURN_IF_ERROR(ParsePart(*xml, part, doc));
    auto root = doc.document_element();
    std::map<int, std::string> codes;
    for (auto f : Child(root, "numFmts").children()) {
      if (Is(f, "numFmt")) codes[f.attribute("numFmtId").as_int(-1)] = f.attribute("formatCode").value();
    }
    for (auto xf : Child(root, "cellXfs").children()) {
      if (!Is(xf, "xf")) continue;
      int id = xf.attribute("numFmtId").as_int(0);
      auto it = codes.find(id);
      style_kinds_.push_back(internal::ClassifyNumFmt(id, it == codes.end() ? "" : it->second));
      if (style_kinds_.size() > 65536) return Invalid("too many cell styles in " + part);
    }
    return Status::Ok();
  }

  Error CellError(std::uint32_t col, std::size_t row, const std::string& what) const {
    return Invalid("cell " + internal::ColumnName(col) + std::to_string(row) + " of " +
                   sheet_part_ + ": " + what);
  }

  // The next row with at least one non-empty cell, with gaps filled.
  Result<bool> NextRaw(Row& row) {
    while (true) {
      if (!batch_row_) {
        auto more = rows_->NextBatch(batch_);
        if (!more.ok()) return more.error();
        if (!*more) return false;
        batch_row_ = batch_.document_element().first_child();
        continue;
      }
      pugi::xml_node r = batch_row_;
      batch_row_ = batch_row_.next_sibling();
      if (r.type() != pugi::node_element || !Is(r, "row")) continue;
      std::size_t number = last_row_ + 1;
      if (auto a = r.attribute("r")) {
        std::string_view v = a.value();
        std::size_t n = 0;
        auto res = std::from_chars(v.data(), v.data() + v.size(), n);
        if (res.ec != std::errc() || res.ptr != v.data() + v.size() || n == 0 ||
            n > internal::kMaxRows) {
          return Invalid("row number '" + std::string(v.substr(0, 20)) + "' in " + sheet_part_ +
                         " is outside 1..1048576");
        }
        number = n;
      }
      if (number <= last_row_) {
        return Invalid("row " + std::to_string(number) + " of " + sheet_part_ +
                       " comes after row " + std::to_string(last_row_));
      }
      if (number > internal::kMaxRows) return Invalid("more than 1048576 rows in " + sheet_part_);
      last_row_ = number;
      row.number = number;
      row.cells.clear();
      bool any = false;
      std::int64_t last_col = -1;
      for (auto c : r.children()) {
        if (c.type() != pugi::node_element || !Is(c, "c")) continue;
        std::uint32_t col = static_cast<std::uint32_t>(last_col + 1);
        if (auto a = c.attribute("r")) {
          auto ref = internal::ParseCellRef(a.value());
          if (!ref.ok()) return Invalid(ref.error().message + " in " + sheet_part_);
          if (ref->row != number) {
            return Invalid("cell " + std::string(a.value()) + " is inside row " +
                           std::to_string(number) + " of " + sheet_part_);
          }
          col = ref->column;
        }
        if (col >= internal::kMaxColumns) {
          return CellError(col, number, "beyond the last column XFD");
        }
        if (static_cast<std::int64_t>(col) <= last_col) {
          return CellError(col, number, "out of order or repeated");
        }
        last_col = col;
        auto value = CellValue(c, col, number);
        if (!value.ok()) return value.error();
        if (value->empty()) continue;
        if (value->size() > options_.limits.max_cell_bytes) {
          return MakeError(ErrorCode::kTooLarge,
                           "cell " + internal::ColumnName(col) + std::to_string(number) +
                               " is longer than " + std::to_string(options_.limits.max_cell_bytes) +
                               " bytes");
        }
        if (row.cells.size() <= col) row.cells.resize(col + 1);
        row.cells[col] = std::move(*value);
        any = true;
      }
      if (any) return true;
    }
  }

  Result<std::string> CellValue(const pugi::xml_node& c, std::uint32_t col, std::size_t row) {
    std::string_view type = c.attribute("t").value();
    auto v = Child(c, "v");
    std::string_view text = v ? v.text().get() : "";
    if (type == "s") {
      if (!v) return std::string();
      std::size_t index = 0;
      auto res = std::from_chars(text.data(), text.data() + text.size(), index);
      if (res.ec != std::errc() || res.ptr != text.data() + text.size()) {
        return CellError(col, row, "bad shared string index");
      }
      if (!has_shared_strings_) {
        return CellError(col, row, "refers to shared string " + std::to_string(index) +
                                       " but the workbook has no sharedStrings part");
      }
      if (index >= shared_.size()) {
        return CellError(col, row, "refers to shared string " + std::to_string(index) +
                                       " of " + std::to_string(shared_.size()));
      }
      return shared_[index];
    }
    if (type == "inlineStr") {
      auto is = Child(c, "is");
      return is ? StringItemText(is) : std::string();
    }
    if (type == "str" || type == "e") return internal::DecodeEscapes(std::string(text));
    if (type == "b") return std::string(text == "1" ? "TRUE" : text == "0" ? "FALSE" : text);
    if (type == "d") {
      // ISO 8601 text; a date-only style keeps the date part.
      std::uint32_t s = c.attribute("s").as_uint(0);
      bool date_only = s < style_kinds_.size() && style_kinds_[s] == internal::NumFmtKind::kDate;
      std::string iso(text);
      if (date_only && iso.size() > 10) iso.resize(10);
      std::replace(iso.begin(), iso.end(), 'T', ' ');
      return iso;
    }
    if (!type.empty() && type != "n") return CellError(col, row, "unknown cell type");
    if (text.empty()) return std::string();
    double value = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), value);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size()) {
      Warn(row, static_cast<int>(col), "cell " + internal::ColumnName(col) + std::to_string(row) +
                                           ": '" + std::string(text.substr(0, 40)) +
                                           "' is not a number; kept as text");
      return std::string(text);
    }
    std::uint32_t s = c.attribute("s").as_uint(0);
    auto kind = s < style_kinds_.size() ? style_kinds_[s] : internal::NumFmtKind::kNumber;
    if (kind != internal::NumFmtKind::kNumber) {
      auto iso = internal::SerialToIso(value, date1904_, kind);
      if (iso.ok()) {
        if (!date1904_ && value >= 60 && value < 61) {
          Warn(row, static_cast<int>(col),
               "cell " + internal::ColumnName(col) + std::to_string(row) +
                   ": 1900-02-29 does not exist (Excel's 1900 leap-year bug)");
        }
        return *iso;
      }
      Warn(row, static_cast<int>(col), "cell " + internal::ColumnName(col) + std::to_string(row) +
                                           " has a date format but " + std::string(text) +
                                           " is not a valid date; kept as a number");
    }
    bool lost = false;
    std::string out = internal::FormatNumber(text, value, lost);
    if (lost) {
      Warn(row, static_cast<int>(col),
           "cell " + internal::ColumnName(col) + std::to_string(row) + " (" + out +
               ") is stored as a number, precision lost: Excel keeps only 15 significant digits; "
               "store ID and account numbers as text");
    }
    return out;
  }

  XlsxOptions options_;
  std::unique_ptr<ZipArchive> zip_;
  std::vector<std::string> sheet_names_;
  std::string sheet_part_;
  bool date1904_ = false;
  bool has_shared_strings_ = false;
  std::vector<std::string> shared_;
  std::vector<internal::NumFmtKind> style_kinds_;
  std::unique_ptr<ElementStream> rows_;
  pugi::xml_document batch_;
  pugi::xml_node batch_row_;
  std::size_t last_row_ = 0;
  std::vector<std::string> header_;
  Row pending_;
  bool has_pending_ = false;
  std::vector<Warning> warnings_;
  std::uint64_t total_cells_ = 0;
  std::uint64_t total_text_bytes_ = 0;
  bool failed_ = false;
  Error error_{ErrorCode::kInternal, {}};
};

}  // namespace

Result<std::unique_ptr<XlsxReader>> OpenXlsx(std::string bytes, const XlsxOptions& options) {
  auto reader = std::make_unique<XlsxReaderImpl>(options);
  CG_RETURN_IF_ERROR(reader->Init(std::move(bytes)));
  return std::unique_ptr<XlsxReader>(std::move(reader));
}

Result<std::unique_ptr<XlsxReader>> OpenXlsxFile(const std::string& path,
                                                 const XlsxOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  in.seekg(0, std::ios::end);
  auto end = in.tellg();
  if (end < 0) return MakeError(ErrorCode::kInvalid, "cannot read " + path + " as a file");
  auto size = static_cast<std::size_t>(end);
  if (size > options.limits.max_file_bytes) {
    return MakeError(ErrorCode::kTooLarge, path + " is larger than " +
                                               std::to_string(options.limits.max_file_bytes) +
                                               " bytes");
  }
  in.seekg(0);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) return MakeError(ErrorCode::kUnavailable, "cannot read " + path);
  return OpenXlsx(std::move(bytes), options);
}

}  // namespace cg::tabular
