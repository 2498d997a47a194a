#pragma once
// Byte sources and the decoder that turns CSV bytes in any supported encoding into UTF-8.
// Internal to cg_tabular.

#include <iconv.h>

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "tabular/csv.hpp"

namespace cg::tabular::internal {

// Where raw bytes come from: a string held in memory or an open file.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Appends up to `max` bytes to `out`; answers the count, 0 at the end.
  virtual Result<std::size_t> Read(std::string& out, std::size_t max) = 0;
  // Starts again from the first byte.
  virtual Status Rewind() = 0;
};

std::unique_ptr<ByteSource> MemorySource(std::string data);
Result<std::unique_ptr<ByteSource>> FileSource(const std::string& path);

// Length of the longest prefix of [p, p+n) that is valid UTF-8 without NUL bytes. When
// `allow_truncated_tail` the prefix may stop before a sequence cut off by the end of the buffer.
std::size_t ValidUtf8Prefix(const char* p, std::size_t n);

// Streams decoded UTF-8. Detects the encoding when asked to: a BOM, else NUL patterns of
// BOM-less UTF-16 in the first 4 KiB, else UTF-8 if the whole input is valid UTF-8 (one extra
// validating pass, then a rewind), else GB18030.
class TextDecoder {
 public:
  static constexpr std::size_t kChunk = 1 << 20;

  TextDecoder(std::unique_ptr<ByteSource> source, Encoding requested);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;

  // Appends the next decoded UTF-8 bytes to `out`; answers false at the end of input. Errors
  // (kInvalid) name the line (newlines decoded before the error, plus one) and the byte offset
  // in the source.
  Result<bool> Fill(std::string& out);
  Encoding encoding() const { return encoding_; }

 private:
  Status Start();
  Result<bool> WholeInputIsUtf8();
  Result<bool> FillUtf8(std::string& out);
  Result<bool> FillIconv(std::string& out);
  Error Invalid(const std::string& what, std::size_t raw_offset) const;

  std::unique_ptr<ByteSource> source_;
  Encoding encoding_;
  bool started_ = false;
  bool eof_ = false;
  bool failed_ = false;
  Error error_{ErrorCode::kInternal, {}};
  std::string raw_;             // undecoded bytes; raw_[0] is at source offset raw_offset_
  std::size_t raw_offset_ = 0;
  std::size_t lines_ = 0;       // newlines emitted so far
  iconv_t cd_ = reinterpret_cast<iconv_t>(-1);
};

}  // namespace cg::tabular::internal
