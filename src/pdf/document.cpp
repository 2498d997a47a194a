// Document layout and PDF rendering with cairo + pango (document.hpp).
#include "pdf/document.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "core/date.hpp"

namespace cg::pdf {
namespace {

// A4 in points, with the margins of an official letter (GB/T 9704 keeps about 25–37 mm).
constexpr double kPageW = 595.276;
constexpr double kPageH = 841.890;
constexpr double kLeft = 70, kRight = 70, kTop = 72, kBottom = 80;
constexpr double kTextW = kPageW - kLeft - kRight;
constexpr double kLabelW = 118;   // the label column of Fields
constexpr double kCellPad = 4;
constexpr int kMaxCellLines = 12; // a table cell longer than this ends in "…"

const char kSerif[] = "Noto Serif CJK SC";
const char kSans[] = "Noto Sans CJK SC";

struct LayoutFree {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutFree>;

// Printable text: C0 control characters other than newline become spaces (pango would draw
// them as boxes).
std::string Printable(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) c = ' ';
  }
  return out;
}

struct Font {
  const char* family;
  double size;
  bool bold;
};
constexpr Font kTitleFont{kSans, 20, true};
constexpr Font kSubtitleFont{kSerif, 10.5, false};
constexpr Font kHeadingFont{kSans, 13, true};
constexpr Font kBodyFont{kSerif, 11.5, false};
constexpr Font kLabelFont{kSans, 11, true};
constexpr Font kCellFont{kSerif, 10, false};
constexpr Font kHeadFont{kSans, 10, true};
constexpr Font kFooterFont{kSerif, 9, false};

class Renderer {
 public:
  explicit Renderer(cairo_surface_t* surface) : cr_(cairo_create(surface)) {
    pango_ = pango_cairo_create_context(cr_);
    StartPage();
  }
  ~Renderer() {
    g_object_unref(pango_);
    cairo_destroy(cr_);
  }
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  void Finish() { Footer(); }
  cairo_status_t Status() const { return cairo_status(cr_); }

  LayoutPtr Make(const std::string& text, const Font& f, double width, PangoAlignment align = PANGO_ALIGN_LEFT,
                 int max_lines = 0) {
    LayoutPtr l(pango_layout_new(pango_));
    PangoFontDescription* d = pango_font_description_new();
    pango_font_description_set_family(d, f.family);
    pango_font_description_set_size(d, static_cast<int>(f.size * PANGO_SCALE));
    pango_font_description_set_weight(d, f.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l.get(), d);
    pango_font_description_free(d);
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l.get(), align);
    pango_layout_set_spacing(l.get(), static_cast<int>(f.size * 0.35 * PANGO_SCALE));
    if (max_lines > 0) {
      pango_layout_set_height(l.get(), -max_lines);
      pango_layout_set_ellipsize(l.get(), PANGO_ELLIPSIZE_END);
    }
    const std::string t = Printable(text);
    pango_layout_set_text(l.get(), t.c_str(), static_cast<int>(t.size()));
    return l;
  }

  static double Height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // Starts a new page unless `h` points still fit on this one (or the page is empty).
  void Need(double h) {
    if (y_ + h > kPageH - kBottom && y_ > kTop) NewPage();
  }

  // Draws `l` at x, line by line, breaking pages between lines.
  void Flow(PangoLayout* l, double x) {
    PangoLayoutIter* it = pango_layout_get_iter(l);
    const double top = y_;
    double shift = 0;  // how far later lines moved down by page breaks
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double line_top = top + shift + static_cast<double>(logical.y) / PANGO_SCALE;
      const double line_h = static_cast<double>(logical.height) / PANGO_SCALE;
      double at = line_top;
      if (at + line_h > kPageH - kBottom && at > kTop) {
        NewPage();
        shift += kTop - at;
        at = kTop;
      }
      const double baseline = top + shift + static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
      cairo_move_to(cr_, x + static_cast<double>(logical.x) / PANGO_SCALE, baseline);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ = at + line_h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  void Draw(PangoLayout* l, double x, double y) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }

  void Rule(double x0, double x1, double y, double width = 0.6) {
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }

  void Box(double x, double y, double w, double h, bool fill) {
    cairo_rectangle(cr_, x, y, w, h);
    if (fill) {
      cairo_set_source_rgb(cr_, 0.92, 0.92, 0.92);
      cairo_fill_preserve(cr_);
      cairo_set_source_rgb(cr_, 0, 0, 0);
    }
    cairo_set_line_width(cr_, 0.5);
    cairo_stroke(cr_);
  }

  double y_ = kTop;

 private:
  void StartPage() {
    ++page_;
    y_ = kTop;
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }
  void Footer() {
    auto l = Make(fmt::format("第 {} 页", page_), kFooterFont, kTextW, PANGO_ALIGN_CENTER);
    Draw(l.get(), kLeft, kPageH - kBottom + 36);
  }
  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    StartPage();
  }

  cairo_t* cr_;
  PangoContext* pango_;
  int page_ = 0;
};

void RenderBlock(Renderer& r, const Document::Block& b) {
  using K = Document::Block::Kind;
  switch (b.kind) {
    case K::kTitle: {
      auto l = r.Make(b.texts[0], kTitleFont, kTextW, PANGO_ALIGN_CENTER);
      r.Need(Renderer::Height(l.get()));
      r.Flow(l.get(), kLeft);
      r.y_ += 10;
      break;
    }
    case K::kSubtitle: {
      auto l = r.Make(b.texts[0], kSubtitleFont, kTextW, PANGO_ALIGN_CENTER);
      r.Flow(l.get(), kLeft);
      r.y_ += 12;
      break;
    }
    case K::kHeading: {
      auto l = r.Make(b.texts[0], kHeadingFont, kTextW);
      r.Need(Renderer::Height(l.get()) + 30);  // never alone at the foot of a page
      r.y_ += 8;
      r.Flow(l.get(), kLeft);
      r.y_ += 5;
      break;
    }
    case K::kParagraph: {
      auto l = r.Make(b.texts[0], kBodyFont, kTextW);
      r.Flow(l.get(), kLeft);
      r.y_ += 6;
      break;
    }
    case K::kFields: {
      for (const auto& row : b.rows) {
        auto label = r.Make(row[0], kLabelFont, kLabelW - 8);
        auto value = r.Make(row[1], kBodyFont, kTextW - kLabelW);
        const double h = std::max(Renderer::Height(label.get()), Renderer::Height(value.get()));
        if (h <= kPageH - kTop - kBottom) {
          r.Need(h);
          r.Draw(label.get(), kLeft, r.y_ + 1);
          r.Draw(value.get(), kLeft + kLabelW, r.y_);
          r.y_ += h + 5;
        } else {  // longer than a page: the value flows on
          r.Draw(label.get(), kLeft, r.y_ + 1);
          r.Flow(value.get(), kLeft + kLabelW);
          r.y_ += 5;
        }
      }
      r.y_ += 4;
      break;
    }
    case K::kTable: {
      std::vector<double> xs{kLeft};
      double total = 0;
      for (double w : b.widths) total += w;
      for (double w : b.widths) xs.push_back(xs.back() + kTextW * w / total);
      auto row_layouts = [&](const std::vector<std::string>& cells, const Font& f) {
        std::vector<LayoutPtr> ls;
        double h = 0;
        for (std::size_t i = 0; i < b.widths.size(); ++i) {
          const std::string& text = i < cells.size() ? cells[i] : std::string();
          ls.push_back(r.Make(text, f, xs[i + 1] - xs[i] - 2 * kCellPad, PANGO_ALIGN_LEFT, kMaxCellLines));
          h = std::max(h, Renderer::Height(ls.back().get()));
        }
        return std::make_pair(std::move(ls), h + 2 * kCellPad);
      };
      auto draw_row = [&](const std::vector<LayoutPtr>& ls, double h, bool head) {
        for (std::size_t i = 0; i < ls.size(); ++i) {
          r.Box(xs[i], r.y_, xs[i + 1] - xs[i], h, head);
          r.Draw(ls[i].get(), xs[i] + kCellPad, r.y_ + kCellPad);
        }
        r.y_ += h;
      };
      auto [head, head_h] = row_layouts(b.texts, kHeadFont);
      bool first = true;
      for (const auto& row : b.rows) {
        auto [cells, h] = row_layouts(row, kCellFont);
        const double before = r.y_;
        r.Need(first ? head_h + h : h);
        if (first || r.y_ < before) draw_row(head, head_h, true);  // the header on each page
        draw_row(cells, h, false);
        first = false;
      }
      if (first) {
        r.Need(head_h);
        draw_row(head, head_h, true);
      }
      r.y_ += 10;
      break;
    }
    case K::kSignatures: {
      const std::size_t n = std::max<std::size_t>(1, b.texts.size());
      const double col = kTextW / static_cast<double>(n);
      std::vector<LayoutPtr> labels;
      double h = 0;
      for (const auto& t : b.texts) {
        labels.push_back(r.Make(t, kBodyFont, col - 16));
        h = std::max(h, Renderer::Height(labels.back().get()));
      }
      auto date = r.Make("日期：      年    月    日", kBodyFont, col - 16);
      const double total_h = h + 34 + Renderer::Height(date.get());
      r.Need(total_h + 10);
      r.y_ += 10;
      for (std::size_t i = 0; i < labels.size(); ++i) {
        const double x = kLeft + col * static_cast<double>(i);
        r.Draw(labels[i].get(), x, r.y_);
        r.Rule(x, x + col - 24, r.y_ + h + 22);
        r.Draw(date.get(), x, r.y_ + h + 30);
      }
      r.y_ += total_h + 8;
      break;
    }
    case K::kSpace:
      r.y_ += b.points;
      break;
  }
}

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Valid UTF-8 once control characters (NUL among them) are spaces.
bool Valid(const std::string& s) {
  const std::string p = Printable(s);
  return g_utf8_validate(p.data(), static_cast<gssize>(p.size()), nullptr);
}

}  // namespace

Document::Document(std::string title, Timestamp created_at) : title_(std::move(title)), created_at_(created_at) {}

void Document::Title(std::string text) { blocks_.push_back({Block::Kind::kTitle, {std::move(text)}, {}, {}, 0}); }
void Document::Subtitle(std::string text) {
  blocks_.push_back({Block::Kind::kSubtitle, {std::move(text)}, {}, {}, 0});
}
void Document::Heading(std::string text) {
  blocks_.push_back({Block::Kind::kHeading, {std::move(text)}, {}, {}, 0});
}
void Document::Paragraph(std::string text) {
  blocks_.push_back({Block::Kind::kParagraph, {std::move(text)}, {}, {}, 0});
}
void Document::Fields(std::vector<std::pair<std::string, std::string>> rows) {
  Block b{Block::Kind::kFields, {}, {}, {}, 0};
  for (auto& [k, v] : rows) b.rows.push_back({std::move(k), std::move(v)});
  blocks_.push_back(std::move(b));
}
void Document::Table(std::vector<std::string> header, std::vector<double> widths,
                     std::vector<std::vector<std::string>> rows) {
  widths.resize(header.size(), 1.0);
  for (double& w : widths) w = std::max(w, 0.01);
  blocks_.push_back({Block::Kind::kTable, std::move(header), std::move(widths), std::move(rows), 0});
}
void Document::Signatures(std::vector<std::string> labels) {
  blocks_.push_back({Block::Kind::kSignatures, std::move(labels), {}, {}, 0});
}
void Document::Space(double points) {
  blocks_.push_back({Block::Kind::kSpace, {}, {}, {}, std::clamp(points, 0.0, 400.0)});
}

Result<std::string> Document::Render() const {
  if (blocks_.size() > kMaxBlocks) return MakeError(ErrorCode::kInvalid, "document: too many blocks");
  if (!Valid(title_)) return MakeError(ErrorCode::kInvalid, "document: the title is not valid UTF-8");
  for (const auto& b : blocks_) {
    for (const auto& t : b.texts) {
      if (!Valid(t)) return MakeError(ErrorCode::kInvalid, "document: text is not valid UTF-8");
    }
    for (const auto& row : b.rows) {
      for (const auto& t : row) {
        if (!Valid(t)) return MakeError(ErrorCode::kInvalid, "document: text is not valid UTF-8");
      }
    }
  }
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, kPageW, kPageH);
  const std::string title = Printable(title_);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "citygrid");
  // ISO 8601 in Beijing time, as the document's date reads.
  const Timestamp local = created_at_ + 8 * 3600 * 1000LL;
  const std::int64_t day_ms = 86'400'000;
  const std::int64_t days = local >= 0 ? local / day_ms : (local - day_ms + 1) / day_ms;
  const std::int64_t ms = local - days * day_ms;
  const Date d = DateFromDays(days);
  const std::string when = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+08:00", d.year, d.month, d.day,
                                       ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, when.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, when.c_str());
  cairo_status_t status;
  {
    Renderer r(surface);
    for (const auto& b : blocks_) RenderBlock(r, b);
    r.Finish();
    status = r.Status();
  }
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return MakeError(ErrorCode::kInternal, std::string("pdf: ") + cairo_status_to_string(status));
  }
  return out;
}

}  // namespace cg::pdf
