#include <algorithm>
#include <array>
#include <cstring>

#include "tabular/csv.hpp"
#include "tabular/internal/text_decoder.hpp"

namespace cg::tabular {

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kAuto: return "auto";
    case Encoding::kUtf8: return "UTF-8";
    case Encoding::kUtf16Le: return "UTF-16LE";
    case Encoding::kUtf16Be: return "UTF-16BE";
    case Encoding::kGb18030: return "GB18030";
  }
  return "?";
}

namespace {

constexpr std::size_t kMaxWarnings = 1000;

class CsvReaderImpl : public CsvReader {
 public:
  CsvReaderImpl(std::unique_ptr<internal::ByteSource> source, const CsvOptions& options)
      : options_(options), decoder_(std::move(source), options.encoding) {}

  Status Init() {
    // Decode until the sample holds a few lines (or the input ends) to detect the delimiter.
    while (!eof_ && std::count(buf_.begin() + pos_, buf_.end(), '\n') < 20 &&
           buf_.size() < (4u << 20)) {
      CG_RETURN_IF_ERROR(Refill());
    }
    delimiter_ = options_.delimiter;
    // Excel's "sep=;" first line names the delimiter.
    if (buf_.size() - pos_ >= 5 && buf_.compare(pos_, 4, "sep=") == 0 &&
        (buf_.size() - pos_ == 5 || buf_[pos_ + 5] == '\n' || buf_[pos_ + 5] == '\r')) {
      if (delimiter_ == 0) delimiter_ = buf_[pos_ + 4];
      pos_ += 5;
      if (pos_ < buf_.size() && buf_[pos_] == '\r') ++pos_;
      if (pos_ < buf_.size() && buf_[pos_] == '\n') ++pos_;
      ++line_;
    }
    if (delimiter_ == 0) delimiter_ = DetectDelimiter();
    if (delimiter_ == '"' || delimiter_ == '\n' || delimiter_ == '\r') {
      return MakeError(ErrorCode::kInvalid, "the delimiter cannot be a quote or a line end");
    }
    if (options_.has_header) {
      std::vector<std::string> cells;
      auto got = ParseRecord(cells);
      if (!got.ok()) return got.error();
      if (*got) header_ = std::move(cells);
    }
    return Status::Ok();
  }

  const std::vector<std::string>& header() const override { return header_; }
  const std::vector<Warning>& warnings() const override { return warnings_; }
  Encoding encoding() const override { return decoder_.encoding(); }
  char delimiter() const override { return delimiter_; }

  Result<bool> Next(Row& row) override {
    if (failed_) return error_;
    auto got = ParseRecord(row.cells);
    if (!got.ok()) {
      failed_ = true;
      error_ = got.error();
      return error_;
    }
    if (!*got) return false;
    row.number = record_line_;
    if (!header_.empty()) {
      if (row.cells.size() < header_.size()) {
        row.cells.resize(header_.size());
      } else if (row.cells.size() > header_.size()) {
        bool extra = std::any_of(row.cells.begin() + header_.size(), row.cells.end(),
                                 [](const std::string& c) { return !c.empty(); });
        if (extra) {
          Warn(record_line_, -1, "row has " + std::to_string(row.cells.size()) +
                                     " cells but the header has " +
                                     std::to_string(header_.size()));
        } else {
          row.cells.resize(header_.size());
        }
      }
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

  Status Refill() {
    if (eof_) return Status::Ok();
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    auto more = decoder_.Fill(buf_);
    if (!more.ok()) return more.error();
    if (!*more) eof_ = true;
    return Status::Ok();
  }

  // Picks the candidate whose count per line is the same (and non-zero) over the sampled lines,
  // preferring the most fields; quoted text is skipped. Default ','.
  char DetectDelimiter() const {
    constexpr std::array<char, 3> kCandidates = {',', '\t', ';'};
    std::vector<std::array<std::size_t, 3>> lines(1, {0, 0, 0});
    bool quoted = false;
    std::size_t end = buf_.size();
    for (std::size_t i = pos_; i < end && lines.size() <= 20; ++i) {
      char c = buf_[i];
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '\n') {
        lines.push_back({0, 0, 0});
      } else if (!quoted) {
        for (std::size_t k = 0; k < kCandidates.size(); ++k) {
          if (c == kCandidates[k]) ++lines.back()[k];
        }
      }
    }
    if (lines.size() > 1 && (!eof_ || lines.back() == std::array<std::size_t, 3>{0, 0, 0})) {
      lines.pop_back();  // a partial (or empty last) line says nothing
    }
    char best = ',';
    std::size_t best_score = 0;
    bool best_consistent = false;
    for (std::size_t k = 0; k < kCandidates.size(); ++k) {
      std::size_t first = lines.front()[k];
      if (first == 0) continue;
      bool consistent = std::all_of(lines.begin(), lines.end(),
                                    [&](const auto& l) { return l[k] == first; });
      if ((consistent && !best_consistent) ||
          (consistent == best_consistent && first > best_score)) {
        best = kCandidates[k];
        best_score = first;
        best_consistent = consistent;
      }
    }
    return best;
  }

  Error TooLarge(const std::string& what) const {
    return MakeError(ErrorCode::kTooLarge, what);
  }

  // Parses one record into `cells`; answers false at the end of input.
  Result<bool> ParseRecord(std::vector<std::string>& cells) {
    while (true) {
      std::size_t used = 0;  // cells[0..used) hold this record's fields
      record_line_ = line_;
      std::size_t record_bytes = 0;
      if (pos_ >= buf_.size()) {
        CG_RETURN_IF_ERROR(Refill());
        if (pos_ >= buf_.size()) return false;
      }
      bool end_of_record = false;
      bool blank = true;
      while (!end_of_record) {
        if (used == cells.size()) cells.emplace_back();
        std::string& field = cells[used++];
        field.clear();
        if (used > options_.max_columns) {
          return TooLarge("line " + std::to_string(record_line_) + " has more than " +
                          std::to_string(options_.max_columns) + " columns");
        }
        std::size_t field_line = line_;
        bool quoted = false;
        if (pos_ >= buf_.size()) CG_RETURN_IF_ERROR(Refill());
        if (pos_ < buf_.size() && buf_[pos_] == '"') {
          quoted = true;
          blank = false;
          ++pos_;
          ++record_bytes;
        }
        // Field body.
        while (true) {
          if (pos_ >= buf_.size()) {
            CG_RETURN_IF_ERROR(Refill());
            if (pos_ >= buf_.size()) {
              if (quoted) {
                return MakeError(ErrorCode::kInvalid,
                                 "unterminated quoted field starting at line " +
                                     std::to_string(field_line) + " (column " +
                                     std::to_string(used) + ")");
              }
              end_of_record = true;
              break;
            }
          }
          const char* p = buf_.data() + pos_;
          const char* e = buf_.data() + buf_.size();
          const char* q = p;
          if (quoted) {
            while (q < e && *q != '"' && *q != '\n') ++q;
          } else {
            while (q < e && *q != delimiter_ && *q != '\n' && *q != '\r') ++q;
          }
          std::size_t n = static_cast<std::size_t>(q - p);
          if (field.size() + n > options_.max_field_bytes) {
            return TooLarge("field at line " + std::to_string(field_line) + ", column " +
                            std::to_string(used) + " is longer than " +
                            std::to_string(options_.max_field_bytes) + " bytes");
          }
          field.append(p, n);
          pos_ += n;
          record_bytes += n;
          if (n > 0) blank = false;
          if (record_bytes > options_.max_record_bytes) {
            return TooLarge("record starting at line " + std::to_string(record_line_) +
                            " is longer than " + std::to_string(options_.max_record_bytes) +
                            " bytes");
          }
          if (q == e) continue;  // need more input
          char c = *q;
          if (quoted) {
            if (c == '\n') {
              field.push_back('\n');
              ++pos_;
              ++line_;
              ++record_bytes;
              continue;
            }
            // A quote: doubled, or the end of the quoted part.
            if (pos_ + 1 >= buf_.size()) CG_RETURN_IF_ERROR(Refill());
            if (pos_ + 1 < buf_.size() && buf_[pos_ + 1] == '"') {
              field.push_back('"');
              pos_ += 2;
              record_bytes += 2;
              continue;
            }
            ++pos_;
            ++record_bytes;
            quoted = false;
            if (pos_ >= buf_.size()) CG_RETURN_IF_ERROR(Refill());
            if (pos_ < buf_.size()) {
              char next = buf_[pos_];
              if (next != delimiter_ && next != '\n' && next != '\r') {
                return MakeError(ErrorCode::kInvalid,
                                 "unexpected character after the closing quote at line " +
                                     std::to_string(line_) + ", column " +
                                     std::to_string(used));
              }
            }
            continue;
          }
          // Unquoted: delimiter or line end.
          if (c == delimiter_) {
            ++pos_;
            ++record_bytes;
            blank = false;
            break;
          }
          // '\r' or '\n': the record ends; "\r\n" counts as one line end.
          ++pos_;
          if (c == '\r') {
            if (pos_ >= buf_.size()) CG_RETURN_IF_ERROR(Refill());
            if (pos_ < buf_.size() && buf_[pos_] == '\n') ++pos_;
          }
          ++line_;
          end_of_record = true;
          break;
        }
      }
      if (blank && used == 1 && options_.skip_blank_lines) continue;
      cells.resize(used);
      return true;
    }
  }

  CsvOptions options_;
  internal::TextDecoder decoder_;
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  char delimiter_ = ',';
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
  std::vector<std::string> header_;
  std::vector<Warning> warnings_;
  bool failed_ = false;
  Error error_{ErrorCode::kInternal, {}};
};

Result<std::unique_ptr<CsvReader>> Open(std::unique_ptr<internal::ByteSource> source,
                                        const CsvOptions& options) {
  auto reader = std::make_unique<CsvReaderImpl>(std::move(source), options);
  CG_RETURN_IF_ERROR(reader->Init());
  return std::unique_ptr<CsvReader>(std::move(reader));
}

}  // namespace

Result<std::unique_ptr<CsvReader>> OpenCsv(std::string bytes, const CsvOptions& options) {
  return Open(internal::MemorySource(std::move(bytes)), options);
}

Result<std::unique_ptr<CsvReader>> OpenCsvFile(const std::string& path,
                                               const CsvOptions& options) {
  auto source = internal::FileSource(path);
  if (!source.ok()) return source.error();
  return Open(std::move(*source), options);
}

}  // namespace cg::tabular
