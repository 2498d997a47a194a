#pragma once
// multipart/form-data bodies (RFC 7578 over RFC 2046): photo uploads with the 随手拍 intake and
// Open311 POST requests. The parser treats the body as hostile: strict CRLF framing, bounded
// part count, part size and header size, and it never decides anything from a file name.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace cg::api {

struct MultipartLimits {
  std::size_t max_parts = 32;             // parts in the body, fields and files together
  std::size_t max_part_bytes = 16 << 20;  // content of one part
  std::size_t max_header_bytes = 4096;    // header block of one part (all its lines)
  std::size_t max_headers = 8;            // header lines of one part
};

// One part. `data` points into the body given to ParseMultipart, which must outlive it.
struct MultipartPart {
  std::string name;                     // Content-Disposition name (required, non-empty)
  std::optional<std::string> filename;  // present when the part is a file upload; never trusted
  std::string content_type;             // as sent, lower-cased, parameters dropped; "" if absent
  std::string_view data;
  std::size_t index = 0;                // 0-based position in the body, for error messages
};

// True when the Content-Type header names multipart/form-data (case-insensitive).
bool IsMultipartFormData(std::string_view content_type);

// The boundary parameter of a multipart/form-data Content-Type (quoted or not). kInvalid when
// the type is not multipart/form-data or the boundary is missing, empty, longer than 70
// characters, holds characters RFC 2046 does not allow, or ends with a space.
Result<std::string> MultipartBoundary(std::string_view content_type);

// Splits `body` into parts. Framing per RFC 2046: an optional preamble, "--boundary" lines
// (transport padding of spaces/tabs allowed) ending in CRLF, each part's headers, an empty
// line, the content, CRLF before the next delimiter, and a closing "--boundary--". The
// epilogue is ignored. Each part needs `Content-Disposition: form-data; name="..."`; header
// folding, bare LF line ends, NUL bytes in headers, duplicate Content-Disposition headers and
// a body without a closing delimiter are refused. kInvalid for malformed input (the message
// names the part), kTooLarge when a limit is exceeded.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  const MultipartLimits& limits = {});

}  // namespace cg::api
