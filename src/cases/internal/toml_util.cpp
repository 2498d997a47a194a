#include "cases/internal/toml_util.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace cg::cases::internal {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, path + ": cannot open file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Result<std::vector<std::string>> ListFiles(const std::string& dir, std::string_view suffix) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return MakeError(ErrorCode::kNotFound, dir + ": cannot read folder: " + ec.message());
  std::vector<std::string> files;
  for (const auto& entry : it) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() && name.ends_with(suffix)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace cg::cases::internal
