#include "api/multipart.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "api/form.hpp"

namespace cg::api {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IsWs(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 7230 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars (space allowed, but not as the last character).
bool IsBoundaryChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalid, "multipart: " + message); }

// A header value "type; a=b; c=\"d\"" -> lower-cased type and parameters (names lower-cased).
// kInvalid on a malformed parameter or a parameter given twice.
struct HeaderValue {
  std::string type;
  std::map<std::string, std::string> params;
};

Result<HeaderValue> ParseHeaderValue(std::string_view v) {
  HeaderValue out;
  std::size_t i = 0;
  while (i < v.size() && v[i] != ';') ++i;
  out.type = LowerCopy(Trim(v.substr(0, i)));
  while (i < v.size()) {
    ++i;  // the ';'
    while (i < v.size() && IsWs(v[i])) ++i;
    if (i == v.size()) break;  // a trailing ';' is tolerated
    std::size_t name_start = i;
    while (i < v.size() && IsTokenChar(v[i])) ++i;
    std::string name = LowerCopy(v.substr(name_start, i - name_start));
    while (i < v.size() && IsWs(v[i])) ++i;
    if (name.empty() || i == v.size() || v[i] != '=') return Invalid("malformed header parameter");
    ++i;
    while (i < v.size() && IsWs(v[i])) ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < v.size()) c = v[i++];
        value += c;
      }
      if (!closed) return Invalid("unterminated quoted string in a header parameter");
    } else {
      std::size_t start = i;
      while (i < v.size() && IsTokenChar(v[i])) ++i;
      value = std::string(v.substr(start, i - start));
      if (value.empty()) return Invalid("empty header parameter '" + name + "'");
    }
    while (i < v.size() && IsWs(v[i])) ++i;
    if (i < v.size() && v[i] != ';') return Invalid("malformed header parameter '" + name + "'");
    if (!out.params.emplace(name, std::move(value)).second) {
      return Invalid("header parameter '" + name + "' given twice");
    }
  }
  return out;
}

std::string PartLabel(std::size_t index) { return "part " + std::to_string(index + 1); }

}  // namespace

bool IsMultipartFormData(std::string_view content_type) {
  std::string_view type = Trim(content_type.substr(0, content_type.find(';')));
  return LowerCopy(type) == "multipart/form-data";
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
  if (!IsMultipartFormData(content_type)) return Invalid("Content-Type is not multipart/form-data");
  auto parsed = ParseHeaderValue(content_type);
  if (!parsed.ok()) return parsed.error();
  auto it = parsed->params.find("boundary");
  if (it == parsed->params.end() || it->second.empty()) return Invalid("the Content-Type has no boundary");
  const std::string& b = it->second;
  if (b.size() > 70) return Invalid("the boundary is longer than 70 characters");
  if (!std::all_of(b.begin(), b.end(), IsBoundaryChar) || b.back() == ' ') {
    return Invalid("the boundary holds characters RFC 2046 does not allow");
  }
  return b;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits) {
  if (boundary.empty() || boundary.size() > 70) return Invalid("bad boundary");
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;
  const std::boyer_moore_horspool_searcher searcher(next_delimiter.begin(), next_delimiter.end());
  auto find_next = [&](std::size_t from) -> std::size_t {
    auto it = std::search(body.begin() + static_cast<std::ptrdiff_t>(from), body.end(), searcher);
    return it == body.end() ? std::string_view::npos : static_cast<std::size_t>(it - body.begin());
  };

  std::size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = 0;
  } else {
    std::size_t first = find_next(0);  // after a preamble
    if (first == std::string_view::npos) return Invalid("no boundary delimiter in the body");
    pos = first + 2;
  }

  std::vector<MultipartPart> parts;
  for (;;) {
    pos += delimiter.size();  // at a delimiter
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter; the epilogue is ignored
    while (pos < body.size() && IsWs(body[pos])) ++pos;  // transport padding
    if (body.substr(pos, 2) != "\r\n") return Invalid("a boundary delimiter is not followed by CRLF");
    pos += 2;
    if (parts.size() >= limits.max_parts) {
      return MakeError(ErrorCode::kTooLarge, "multipart: more than " + std::to_string(limits.max_parts) + " parts");
    }
    MultipartPart part;
    part.index = parts.size();
    const std::string label = PartLabel(part.index);

    // Header lines up to an empty line.
    const std::size_t header_start = pos;
    std::size_t header_count = 0;
    bool has_disposition = false;
    for (;;) {
      // Search only within the header limit, so a huge part without CRLF is not scanned.
      std::size_t eol = body.substr(0, header_start + limits.max_header_bytes).find("\r\n", pos);
      if (eol == std::string_view::npos || eol + 2 - header_start > limits.max_header_bytes) {
        if (body.size() - header_start > limits.max_header_bytes) {
          return MakeError(ErrorCode::kTooLarge, "multipart: " + label + ": headers longer than " +
                                                     std::to_string(limits.max_header_bytes) + " bytes");
        }
        return Invalid(label + ": headers are not terminated by an empty line");
      }
      std::string_view line = body.substr(pos, eol - pos);
      pos = eol + 2;
      if (line.empty()) break;
      if (++header_count > limits.max_headers) {
        return MakeError(ErrorCode::kTooLarge, "multipart: " + label + ": more than " +
                                                   std::to_string(limits.max_headers) + " header lines");
      }
      if (IsWs(line.front())) return Invalid(label + ": folded header lines are not allowed");
      if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
        return Invalid(label + ": bare CR, LF or NUL in a header");
      }
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return Invalid(label + ": malformed header line");
      std::string_view raw_name = line.substr(0, colon);
      if (!std::all_of(raw_name.begin(), raw_name.end(), IsTokenChar)) {
        return Invalid(label + ": malformed header name");
      }
      std::string name = LowerCopy(raw_name);
      std::string_view value = Trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        if (has_disposition) return Invalid(label + ": Content-Disposition given twice");
        has_disposition = true;
        auto v = ParseHeaderValue(value);
        if (!v.ok()) return Invalid(label + ": " + v.error().message.substr(11));
        if (v->type != "form-data") return Invalid(label + ": Content-Disposition is not form-data");
        auto n = v->params.find("name");
        if (n == v->params.end() || n->second.empty()) return Invalid(label + ": the part has no name");
        if (!IsValidUtf8(n->second) || n->second.size() > 200) return Invalid(label + ": bad part name");
        part.name = n->second;
        if (auto f = v->params.find("filename"); f != v->params.end()) part.filename = f->second;
      } else if (name == "content-type") {
        part.content_type = LowerCopy(Trim(value.substr(0, value.find(';'))));
      }
      // Other headers (Content-Transfer-Encoding is deprecated by RFC 7578) are ignored.
    }
    if (!has_disposition) return Invalid(label + ": no Content-Disposition header");

    // Content up to CRLF + the next delimiter.
    std::size_t end = find_next(pos);
    if (end == std::string_view::npos) {
      if (body.size() - pos > limits.max_part_bytes) {
        return MakeError(ErrorCode::kTooLarge, "multipart: " + label + " ('" + part.name + "') is larger than " +
                                                   std::to_string(limits.max_part_bytes) + " bytes");
      }
      return Invalid(label + " ('" + part.name + "') is not terminated by a boundary delimiter");
    }
    if (end - pos > limits.max_part_bytes) {
      return MakeError(ErrorCode::kTooLarge, "multipart: " + label + " ('" + part.name + "') is larger than " +
                                                 std::to_string(limits.max_part_bytes) + " bytes");
    }
    part.data = body.substr(pos, end - pos);
    parts.push_back(std::move(part));
    pos = end + 2;
  }
}

}  // namespace cg::api
