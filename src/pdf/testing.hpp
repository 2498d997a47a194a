#pragma once
// For tests only: reads a PDF back with poppler-utils (pdftotext, pdfinfo, pdffonts), so a
// test asserts what a reader of the document gets, not what the writer meant.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace cg::pdf::testing {

// Runs `tool FILE [-]` on `pdf` and returns its standard output ("" if the tool is missing).
inline std::string Poppler(const std::string& tool, const std::string& pdf, bool stdout_dash = true) {
  static std::atomic<int> seq{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("cg-pdf-" + std::to_string(::getpid()) + "-" + std::to_string(seq++) + ".pdf");
  { std::ofstream(path, std::ios::binary) << pdf; }
  const std::string cmd = tool + " '" + path.string() + "'" + (stdout_dash ? " -" : "") + " 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  std::filesystem::remove(path);
  return out;
}

// The text of a PDF as pdftotext extracts it.
inline std::string PdfText(const std::string& pdf) { return Poppler("pdftotext", pdf); }

}  // namespace cg::pdf::testing
