#include "tabular/internal/text_decoder.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace cg::tabular::internal {
namespace {

class MemoryByteSource : public ByteSource {
 public:
  explicit MemoryByteSource(std::string data) : data_(std::move(data)) {}
  Result<std::size_t> Read(std::string& out, std::size_t max) override {
    std::size_t n = std::min(max, data_.size() - pos_);
    out.append(data_, pos_, n);
    pos_ += n;
    return n;
  }
  Status Rewind() override {
    pos_ = 0;
    return Status::Ok();
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

class FileByteSource : public ByteSource {
 public:
  explicit FileByteSource(std::FILE* f) : f_(f) {}
  ~FileByteSource() override { std::fclose(f_); }
  Result<std::size_t> Read(std::string& out, std::size_t max) override {
    std::size_t old = out.size();
    out.resize(old + max);
    std::size_t n = std::fread(out.data() + old, 1, max, f_);
    out.resize(old + n);
    if (n == 0 && std::ferror(f_)) return MakeError(ErrorCode::kUnavailable, "read error");
    return n;
  }
  Status Rewind() override {
    if (std::fseek(f_, 0, SEEK_SET) != 0) {
      return MakeError(ErrorCode::kUnavailable, "cannot rewind the file");
    }
    std::clearerr(f_);
    return Status::Ok();
  }

 private:
  std::FILE* f_;
};

}  // namespace

std::unique_ptr<ByteSource> MemorySource(std::string data) {
  return std::make_unique<MemoryByteSource>(std::move(data));
}

Result<std::unique_ptr<ByteSource>> FileSource(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return MakeError(ErrorCode::kNotFound, "cannot open " + path + ": " + std::strerror(errno));
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FileByteSource>(f));
}

std::size_t ValidUtf8Prefix(const char* s, std::size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  std::size_t i = 0;
  while (i < n) {
    // ASCII fast path, eight bytes at a time (NUL bytes fall through to the checks below).
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) != 0) break;
      if (((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0) break;  // a zero byte
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c == 0) return i;
    if (c < 0x80) { ++i; continue; }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;        // no overlong forms
      if (c == 0xED) hi = 0x9F;        // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;        // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return i;
}

TextDecoder::TextDecoder(std::unique_ptr<ByteSource> source, Encoding requested)
    : source_(std::move(source)), encoding_(requested) {}

TextDecoder::~TextDecoder() {
  if (cd_ != reinterpret_cast<iconv_t>(-1)) iconv_close(cd_);
}

Error TextDecoder::Invalid(const std::string& what, std::size_t raw_offset) const {
  return MakeError(ErrorCode::kInvalid, std::string("invalid ") + what + " at line " +
                                            std::to_string(lines_ + 1) + ", byte offset " +
                                            std::to_string(raw_offset));
}

Status TextDecoder::Start() {
  started_ = true;
  auto n = source_->Read(raw_, kChunk);
  if (!n.ok()) return n.error();
  if (*n < kChunk) eof_ = true;
  auto starts = [&](const char* bom, std::size_t len) {
    return raw_.size() >= len && std::memcmp(raw_.data(), bom, len) == 0;
  };
  std::size_t bom = 0;
  if (starts("\xEF\xBB\xBF", 3)) {
    bom = 3;
    if (encoding_ == Encoding::kAuto) encoding_ = Encoding::kUtf8;
  } else if (starts("\xFF\xFE", 2) && !starts("\xFF\xFE\0\0", 4)) {
    bom = 2;
    if (encoding_ == Encoding::kAuto) encoding_ = Encoding::kUtf16Le;
  } else if (starts("\xFE\xFF", 2)) {
    bom = 2;
    if (encoding_ == Encoding::kAuto) encoding_ = Encoding::kUtf16Be;
  } else if (starts("\xFF\xFE\0\0", 4) || starts("\0\0\xFE\xFF", 4)) {
    return MakeError(ErrorCode::kInvalid, "UTF-32 text is not supported; save as UTF-8");
  }
  // Drop the BOM only when it belongs to the encoding in use.
  if (bom != 0 && ((bom == 3 && encoding_ == Encoding::kUtf8) ||
                   (bom == 2 && (encoding_ == Encoding::kUtf16Le ||
                                 encoding_ == Encoding::kUtf16Be)))) {
    raw_.erase(0, bom);
    raw_offset_ = bom;
  }
  if (encoding_ == Encoding::kAuto) {
    std::size_t sample = std::min<std::size_t>(raw_.size(), 4096);
    std::size_t even_nul = 0, odd_nul = 0;
    for (std::size_t i = 0; i < sample; ++i) {
      if (raw_[i] == '\0') ++((i % 2 == 0) ? even_nul : odd_nul);
    }
    std::size_t valid = ValidUtf8Prefix(raw_.data(), raw_.size());
    bool cut_tail = !eof_ && raw_.size() - valid < 4;  // a sequence split by the chunk end
    if (sample >= 2 && odd_nul * 3 > sample && even_nul * 10 < sample) {
      encoding_ = Encoding::kUtf16Le;
    } else if (sample >= 2 && even_nul * 3 > sample && odd_nul * 10 < sample) {
      encoding_ = Encoding::kUtf16Be;
    } else if (valid == raw_.size() || cut_tail) {
      // The first chunk is UTF-8; a GBK file can still start with a megabyte of ASCII.
      auto utf8 = eof_ ? Result<bool>(true) : WholeInputIsUtf8();
      if (!utf8.ok()) return utf8.error();
      encoding_ = *utf8 ? Encoding::kUtf8 : Encoding::kGb18030;
    } else if (raw_[valid] == '\0') {
      // A NUL byte is text in no encoding offered here: name it rather than blame GB18030.
      lines_ += std::count(raw_.begin(), raw_.begin() + valid, '\n');
      return Invalid("NUL byte", raw_offset_ + valid);
    } else {
      encoding_ = Encoding::kGb18030;
    }
  }
  if (encoding_ != Encoding::kUtf8) {
    const char* from = encoding_ == Encoding::kUtf16Le   ? "UTF-16LE"
                       : encoding_ == Encoding::kUtf16Be ? "UTF-16BE"
                                                         : "GB18030";
    cd_ = iconv_open("UTF-8", from);
    if (cd_ == reinterpret_cast<iconv_t>(-1)) {
      return MakeError(ErrorCode::kInternal, std::string("iconv cannot convert from ") + from);
    }
  }
  return Status::Ok();
}

// Reads the rest of the input once, validating, then rewinds and re-reads the first chunk.
Result<bool> TextDecoder::WholeInputIsUtf8() {
  std::string buf = raw_;
  bool utf8 = true;
  bool end = false;
  while (true) {
    std::size_t valid = ValidUtf8Prefix(buf.data(), buf.size());
    std::size_t tail = buf.size() - valid;
    if (tail > 0 && (end || tail >= 4 || buf[valid] == '\0')) {
      utf8 = false;
      break;
    }
    if (end) break;
    buf.erase(0, valid);
    auto n = source_->Read(buf, kChunk);
    if (!n.ok()) return n.error();
    if (*n == 0) end = true;
  }
  CG_RETURN_IF_ERROR(source_->Rewind());
  raw_.clear();
  raw_offset_ = 0;
  eof_ = false;
  auto n = source_->Read(raw_, kChunk);
  if (!n.ok()) return n.error();
  if (*n < kChunk) eof_ = true;
  return utf8;
}

Result<bool> TextDecoder::Fill(std::string& out) {
  if (failed_) return error_;
  if (!started_) {
    Status s = Start();
    if (!s.ok()) {
      failed_ = true;
      error_ = s.error();
      return error_;
    }
  }
  auto r = encoding_ == Encoding::kUtf8 ? FillUtf8(out) : FillIconv(out);
  if (!r.ok()) {
    failed_ = true;
    error_ = r.error();
  }
  return r;
}

#define CG_TABULAR_READ_MORE()                        \
  do {                                                \
    auto n_ = source_->Read(raw_, kChunk);            \
    if (!n_.ok()) return n_.error();                  \
    if (*n_ == 0) eof_ = true;                        \
  } while (0)

Result<bool> TextDecoder::FillUtf8(std::string& out) {
  while (true) {
    if (raw_.empty()) {
      if (eof_) return false;
      CG_TABULAR_READ_MORE();
      continue;
    }
    std::size_t valid = ValidUtf8Prefix(raw_.data(), raw_.size());
    std::size_t tail = raw_.size() - valid;
    // Fewer than 4 bytes left may be a sequence split by the chunk end; 4 or more cannot be.
    if (tail > 0 && (eof_ || tail >= 4 || raw_[valid] == '\0')) {
      lines_ += std::count(raw_.begin(), raw_.begin() + valid, '\n');
      const char* what = raw_[valid] == '\0' ? "NUL byte" : "UTF-8 byte sequence";
      return Invalid(what, raw_offset_ + valid);
    }
    if (valid == 0) {
      CG_TABULAR_READ_MORE();
      continue;
    }
    lines_ += std::count(raw_.begin(), raw_.begin() + valid, '\n');
    out.append(raw_, 0, valid);
    raw_.erase(0, valid);
    raw_offset_ += valid;
    return true;
  }
}

Result<bool> TextDecoder::FillIconv(std::string& out) {
  while (true) {
    if (raw_.empty()) {
      if (eof_) return false;
      CG_TABULAR_READ_MORE();
      continue;
    }
    std::size_t old = out.size();
    out.resize(old + raw_.size() * 2 + 16);
    char* in = raw_.data();
    std::size_t in_left = raw_.size();
    char* dst = out.data() + old;
    std::size_t dst_left = out.size() - old;
    std::size_t rc = iconv(cd_, &in, &in_left, &dst, &dst_left);
    int err = rc == static_cast<std::size_t>(-1) ? errno : 0;
    std::size_t consumed = raw_.size() - in_left;
    std::size_t produced = static_cast<std::size_t>(dst - (out.data() + old));
    out.resize(old + produced);
    raw_.erase(0, consumed);
    raw_offset_ += consumed;
    if (produced > 0 && std::memchr(out.data() + old, '\0', produced) != nullptr) {
      lines_ += std::count(out.begin() + old, out.begin() + old +
          (static_cast<const char*>(std::memchr(out.data() + old, '\0', produced)) - (out.data() + old)), '\n');
      return MakeError(ErrorCode::kInvalid, "invalid NUL character at line " +
                                                std::to_string(lines_ + 1));
    }
    lines_ += std::count(out.begin() + old, out.end(), '\n');
    if (err == EILSEQ || (err == EINVAL && eof_)) {
      return Invalid(std::string(EncodingName(encoding_)) + " byte sequence", raw_offset_);
    }
    if (err != 0 && err != EINVAL && err != E2BIG) {
      return MakeError(ErrorCode::kInternal, std::string("iconv: ") + std::strerror(err));
    }
    if (produced > 0) return true;
    if (err == EINVAL) CG_TABULAR_READ_MORE();  // a sequence split by the chunk end
  }
}

#undef CG_TABULAR_READ_MORE

}  // namespace cg::tabular::internal
