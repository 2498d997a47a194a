#pragma once
// A printable A4 document (docs/pdf.md): a title, headings, paragraphs, label–value rows,
// tables and signature lines, laid out top to bottom over as many pages as it needs, each page
// numbered. Rendered to PDF by cairo with pango's text layout in Noto Serif/Sans CJK SC, so
// Chinese text is real text (searchable, extractable), never pictures of it. Nothing else in the
// project includes cairo or pango headers.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace cg::pdf {

class Document {
 public:
  // `title` is also the PDF's metadata title; `created_at` its creation date (injected time,
  // so the same input gives the same file).
  Document(std::string title, Timestamp created_at);

  void Title(std::string text);              // centred, large, bold
  void Subtitle(std::string text);           // centred, small (e.g. a document number)
  void Heading(std::string text);            // bold, a section
  void Paragraph(std::string text);          // wrapped; "\n" starts a new line
  // Label–value rows: the label bold in a column of its own, the value wrapped beside it.
  void Fields(std::vector<std::pair<std::string, std::string>> rows);
  // A table with a header row; column widths are shares of the text width (same count as
  // `header`). Rows split across pages; the header repeats on each page.
  void Table(std::vector<std::string> header, std::vector<double> widths,
             std::vector<std::vector<std::string>> rows);
  // Signature lines side by side, e.g. {"申请人（签名）", "被申请人（签名）"}: each a label, a rule
  // to sign on and a date line.
  void Signatures(std::vector<std::string> labels);
  void Space(double points);

  // The PDF. kInvalid when any text is not valid UTF-8 or the document holds more than
  // kMaxBlocks blocks; kInternal when cairo fails. The document can be rendered again.
  Result<std::string> Render() const;

  static constexpr std::size_t kMaxBlocks = 20000;

  struct Block {
    enum class Kind { kTitle, kSubtitle, kHeading, kParagraph, kFields, kTable, kSignatures, kSpace } kind;
    std::vector<std::string> texts;                // the text(s); table: the header
    std::vector<double> widths;                    // table column shares
    std::vector<std::vector<std::string>> rows;    // fields (2 columns) and table rows
    double points = 0;                             // space
  };

 private:
  std::string title_;
  Timestamp created_at_;
  std::vector<Block> blocks_;
};

}  // namespace cg::pdf
