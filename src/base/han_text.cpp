#include "base/han_text.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>

namespace cg::base {
namespace {

// The CJK blocks the tables cover: Extension A and the Unified Ideographs.
constexpr char32_t kFirst = 0x3400, kLast = 0x9FFF;
constexpr std::size_t kSize = kLast - kFirst + 1;

bool IsHan(char32_t cp) { return cp >= kFirst && cp <= kLast; }

// One ICU transliterator behind a mutex; its answers are cached per code point by the tables.
class Translit {
 public:
  explicit Translit(const char* id) {
    UErrorCode status = U_ZERO_ERROR;
    t_.reset(icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !t_) t_.reset();  // ICU data missing: identity (logged nowhere; tested)
  }
  std::string Apply(char32_t cp) {
    std::string out;
    if (!t_) {
      AppendUtf8(out, cp);
      return out;
    }
    icu::UnicodeString u(static_cast<UChar32>(cp));
    {
      std::lock_guard lock(mu_);
      t_->transliterate(u);
    }
    u.toUTF8String(out);
    return out;
  }

 private:
  std::mutex mu_;
  std::unique_ptr<icu::Transliterator> t_;
};

// code point -> simplified code point (0: not computed yet).
std::array<std::atomic<char32_t>, kSize>& SimplifiedTable() {
  static auto* table = new std::array<std::atomic<char32_t>, kSize>();
  return *table;
}

// code point -> initial letter, for a surname and for any other position (0: not computed).
std::array<std::atomic<char>, kSize>& InitialTable(bool surname) {
  static auto* names = new std::array<std::atomic<char>, kSize>();
  static auto* plain = new std::array<std::atomic<char>, kSize>();
  return surname ? *names : *plain;
}

char32_t Simplify(char32_t cp) {
  if (!IsHan(cp)) return cp;
  auto& slot = SimplifiedTable()[cp - kFirst];
  char32_t v = slot.load(std::memory_order_relaxed);
  if (v) return v;
  static Translit t2s("Hant-Hans");
  std::string s = t2s.Apply(cp);
  char32_t out = cp;
  int count = 0;
  ForEachCodePoint(s, [&](char32_t c) {
    if (count++ == 0) out = c;
  });
  if (count != 1) out = cp;  // only one-to-one mappings
  slot.store(out, std::memory_order_relaxed);
  return out;
}

char Initial(char32_t cp, bool surname) {
  auto& slot = InitialTable(surname)[cp - kFirst];
  char v = slot.load(std::memory_order_relaxed);
  if (v) return v == '-' ? 0 : v;
  static Translit names("Han-Latin/Names; Latin-ASCII");
  static Translit plain("Han-Latin; Latin-ASCII");
  std::string s = (surname ? names : plain).Apply(cp);
  char out = 0;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') {
      out = c;
      break;
    }
  }
  slot.store(out ? out : '-', std::memory_order_relaxed);
  return out;
}

}  // namespace

std::string NormalizeSearchText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(text, [&](char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;  // full-width ASCII
    if (cp == 0x3000) cp = ' ';                                 // ideographic space
    if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
    AppendUtf8(out, Simplify(cp));
  });
  return out;
}

std::string PinyinInitials(std::string_view normalized) {
  std::string out;
  bool first_han = true;
  ForEachCodePoint(normalized, [&](char32_t cp) {
    if (IsHan(cp)) {
      if (char c = Initial(cp, first_han)) out += c;
      first_han = false;
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      out += static_cast<char>(cp);
    }
  });
  return out;
}

}  // namespace cg::base
