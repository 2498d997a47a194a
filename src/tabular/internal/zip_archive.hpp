#pragma once
// A read-only zip archive held in memory, with the defences an untrusted upload needs: entry
// names, encryption, declared sizes, compression ratio, and bytes actually inflated.
// Internal to cg_tabular.

#include <zip.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>

#include "core/result.hpp"
#include "tabular/xlsx.hpp"

namespace cg::tabular::internal {

class ZipArchive;

// One entry being inflated. Every byte is counted against the entry's declared size and the
// archive's total budget.
class ZipStream {
 public:
  ~ZipStream();
  ZipStream(const ZipStream&) = delete;
  ZipStream& operator=(const ZipStream&) = delete;
  // Appends up to `max` inflated bytes to `out`; answers the count, 0 at the end.
  Result<std::size_t> Read(std::string& out, std::size_t max);
  const std::string& name() const { return name_; }

 private:
  friend class ZipArchive;
  ZipStream(ZipArchive* archive, zip_file_t* file, std::string name, std::uint64_t declared)
      : archive_(archive), file_(file), name_(std::move(name)), declared_(declared) {}
  ZipArchive* archive_;
  zip_file_t* file_;
  std::string name_;
  std::uint64_t declared_;
  std::uint64_t inflated_ = 0;
};

class ZipArchive {
 public:
  // Opens `bytes` (kept by the archive). kInvalid when it is not a zip, has unsafe or duplicate
  // entry names, or too many entries.
  static Result<std::unique_ptr<ZipArchive>> Open(std::string bytes, const XlsxLimits& limits);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  bool Has(const std::string& name) const { return names_.count(name) != 0; }
  // Opens an entry for streaming; kInvalid if missing, encrypted or over the size/ratio limits.
  Result<std::unique_ptr<ZipStream>> OpenEntry(const std::string& name);
  // Inflates a whole entry.
  Result<std::string> ReadEntry(const std::string& name);

 private:
  friend class ZipStream;
  ZipArchive() = default;
  std::string bytes_;
  zip_t* zip_ = nullptr;
  XlsxLimits limits_;
  std::unordered_set<std::string> names_;
  std::uint64_t total_inflated_ = 0;
};

// True when `name` is a safe relative path: not empty, no leading '/', no '\\', no drive
// letter, no "." or ".." segment, no control characters.
bool SafeEntryName(const std::string& name);

}  // namespace cg::tabular::internal
