#include "tabular/internal/zip_archive.hpp"

#include <algorithm>

namespace cg::tabular::internal {
namespace {

Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalid, std::move(message)); }

}  // namespace

bool SafeEntryName(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.size() > 1024) return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // C:...
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string_view seg(name.data() + start, end - start);
    bool last = end == name.size();
    if (seg.empty() && !last) return false;  // "a//b"
    if (seg == "." || seg == "..") return false;
    for (char c : seg) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '\\' || c == 0x7F) return false;
    }
    start = end + 1;
  }
  return true;
}

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(std::string bytes, const XlsxLimits& limits) {
  std::unique_ptr<ZipArchive> a(new ZipArchive());
  a->bytes_ = std::move(bytes);
  a->limits_ = limits;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(a->bytes_.data(), a->bytes_.size(), 0, &error);
  if (src == nullptr) {
    zip_error_fini(&error);
    return MakeError(ErrorCode::kInternal, "zip_source_buffer_create failed");
  }
  a->zip_ = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (a->zip_ == nullptr) {
    zip_source_free(src);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Invalid("not an xlsx file: the zip container is unreadable (" + why + ")");
  }
  zip_error_fini(&error);
  zip_int64_t n = zip_get_num_entries(a->zip_, 0);
  if (n < 0 || static_cast<std::uint64_t>(n) > limits.max_entries) {
    return Invalid("the zip has " + std::to_string(n) + " entries, more than " +
                   std::to_string(limits.max_entries));
  }
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(a->zip_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &st) != 0 ||
        (st.valid & ZIP_STAT_NAME) == 0) {
      return Invalid("unreadable zip entry " + std::to_string(i));
    }
    std::string name = st.name;
    if (!SafeEntryName(name)) {
      return Invalid("zip entry name '" + name.substr(0, 100) + "' is not a safe relative path");
    }
    if (!a->names_.insert(name).second) {
      return Invalid("zip entry '" + name.substr(0, 100) + "' appears twice");
    }
  }
  return a;
}

ZipArchive::~ZipArchive() {
  if (zip_ != nullptr) zip_discard(zip_);
}

Result<std::unique_ptr<ZipStream>> ZipArchive::OpenEntry(const std::string& name) {
  if (!Has(name)) return Invalid("missing part " + name);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(zip_, name.c_str(), ZIP_FL_ENC_RAW, &st) != 0) {
    return Invalid("unreadable zip entry " + name);
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
    return Invalid("zip entry " + name + " is encrypted");
  }
  if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
      st.comp_method != ZIP_CM_DEFLATE) {
    return Invalid("zip entry " + name + " uses an unsupported compression method");
  }
  std::uint64_t size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  std::uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  if (size > limits_.max_part_bytes) {
    return MakeError(ErrorCode::kTooLarge, "part " + name + " declares " + std::to_string(size) +
                                               " bytes, more than the limit of " +
                                               std::to_string(limits_.max_part_bytes));
  }
  if (total_inflated_ + size > limits_.max_total_uncompressed) {
    return MakeError(ErrorCode::kTooLarge, "the parts declare more than " +
                                               std::to_string(limits_.max_total_uncompressed) +
                                               " uncompressed bytes in total");
  }
  if (size > (1u << 20) && size / (comp == 0 ? 1 : comp) > limits_.max_ratio) {
    return MakeError(ErrorCode::kTooLarge,
                     "part " + name + " compresses " + std::to_string(size / (comp ? comp : 1)) +
                         ":1, more than the limit of " + std::to_string(limits_.max_ratio) +
                         ":1 (zip bomb?)");
  }
  zip_file_t* f = zip_fopen(zip_, name.c_str(), ZIP_FL_ENC_RAW);
  if (f == nullptr) return Invalid("cannot open zip entry " + name + ": " + zip_strerror(zip_));
  return std::unique_ptr<ZipStream>(new ZipStream(this, f, name, size));
}

Result<std::string> ZipArchive::ReadEntry(const std::string& name) {
  auto stream = OpenEntry(name);
  if (!stream.ok()) return stream.error();
  std::string out;
  while (true) {
    auto n = (*stream)->Read(out, 1 << 20);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
  }
  return out;
}

ZipStream::~ZipStream() { zip_fclose(file_); }

Result<std::size_t> ZipStream::Read(std::string& out, std::size_t max) {
  // Ask for at most one byte more than declared: enough to see a part that inflates beyond it,
  // without growing the buffer by `max` for every small part.
  if (declared_ - std::min(declared_, inflated_) < max) {
    max = static_cast<std::size_t>(declared_ - std::min(declared_, inflated_)) + 1;
  }
  std::size_t old = out.size();
  out.resize(old + max);
  zip_int64_t n = zip_fread(file_, out.data() + old, max);
  if (n < 0) {
    out.resize(old);
    return Invalid("corrupt zip entry " + name_ + ": " + zip_file_strerror(file_));
  }
  out.resize(old + static_cast<std::size_t>(n));
  inflated_ += static_cast<std::uint64_t>(n);
  archive_->total_inflated_ += static_cast<std::uint64_t>(n);
  if (inflated_ > declared_) {
    return Invalid("zip entry " + name_ + " inflates beyond its declared size");
  }
  if (archive_->total_inflated_ > archive_->limits_.max_total_uncompressed) {
    return MakeError(ErrorCode::kTooLarge, "more than " +
                                               std::to_string(archive_->limits_.max_total_uncompressed) +
                                               " uncompressed bytes in total (zip bomb?)");
  }
  return static_cast<std::size_t>(n);
}

}  // namespace cg::tabular::internal
