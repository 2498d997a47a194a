#pragma once
// An append-only JSON writer for hot responses (the case queue), where building an
// nlohmann::json tree per item cost more than the database query. Strings are escaped as
// SafeJsonResponse does (<, > and & as \u003c, \u003e, \u0026; invalid UTF-8 replaced by
// U+FFFD, as Dump does), so the output is interchangeable with SafeJsonResponse(tree).
// The caller writes well-formed structure: keys only inside objects, one value per key.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cg::api {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Double(double value);  // as nlohmann::json would write it
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A value already serialised as JSON (e.g. SafeJsonResponse's body of a subtree).
  JsonWriter& Raw(std::string_view json);

  std::string& str() { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal with the escaping described above.
void AppendSafeJsonString(std::string& out, std::string_view s);

}  // namespace cg::api
