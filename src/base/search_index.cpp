#include "base/search_index.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "base/han_text.hpp"

namespace cg::base {
namespace {

// Terms are 32-bit: the record's entity in the top 3 bits, a tag in the next 3, a value below.
// With the entity in the term, every posting of a term is a match of the right kind, so an
// exact one-term query is counted without reading the records.
constexpr std::uint32_t kCharTag = 0;      // a code point of the normalised text
constexpr std::uint32_t kInitialsTag = 1;  // two consecutive pinyin initials
constexpr std::uint32_t kTailTag = 2;      // 26 bits of the ID tail hash
constexpr std::uint32_t kValueMask = (1u << 26) - 1;

std::uint32_t Term(model::BaseEntity e, std::uint32_t tag, std::uint32_t value) {
  return (static_cast<std::uint32_t>(e) << 29) | (tag << 26) | (value & kValueMask);
}

std::uint64_t Key(model::BaseEntity e, std::int64_t id) {
  return (static_cast<std::uint64_t>(e) << 56) | static_cast<std::uint64_t>(id);
}

std::uint64_t TailBits(std::string_view hash) {
  std::uint64_t v = 0;
  std::memcpy(&v, hash.data(), std::min<std::size_t>(hash.size(), sizeof v));
  return v;
}

std::uint32_t TailTerm(std::uint64_t bits) {
  return Term(model::BaseEntity::kPerson, kTailTag, static_cast<std::uint32_t>(bits));
}

std::uint32_t PairTerm(model::BaseEntity e, char a, char b) {
  return Term(e, kInitialsTag,
              (static_cast<std::uint32_t>(static_cast<unsigned char>(a)) << 8) | static_cast<unsigned char>(b));
}

// Distinct terms of a normalised text and its initials.
std::vector<std::uint32_t> TextTerms(model::BaseEntity e, std::string_view text, std::string_view initials) {
  std::vector<std::uint32_t> terms;
  ForEachCodePoint(text, [&](char32_t cp) {
    if (cp != ' ') terms.push_back(Term(e, kCharTag, static_cast<std::uint32_t>(cp)));
  });
  for (std::size_t i = 0; i + 1 < initials.size(); ++i) terms.push_back(PairTerm(e, initials[i], initials[i + 1]));
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

// The exclusive upper bound of the codes starting with `prefix`.
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  return end;
}

}  // namespace

// Per community (the first 12 characters of the grid codes): how many records hold each
// non-tail term, so an exact one-term query over a district or the city counts ~1,000
// communities instead of reading ~10,000 shards.
struct SearchIndex::Group {
  std::unordered_map<std::uint32_t, std::uint32_t> counts;

  void Add(const std::vector<std::uint32_t>& terms, int delta) {
    for (std::uint32_t t : terms) {
      if (((t >> 26) & 7) == kTailTag) continue;
      auto& n = counts[t];
      n += delta;
      if (n == 0) counts.erase(t);
    }
  }
};

struct SearchIndex::Shard {
  Group* group = nullptr;
  struct Doc {
    std::int64_t id = 0;
    model::BaseEntity entity = model::BaseEntity::kPerson;
    bool live = false;
    std::uint64_t tail = 0;
    std::string text;      // normalised
    std::string initials;  // pinyin initials of text
  };
  std::vector<Doc> docs;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> postings;  // (term, doc), sorted
  // Postings of recent upserts, unsorted, merged into `postings` when they reach kRecentMax:
  // single upserts (the change feed's start snapshot is millions of them) cost no memmove.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> recent;
  std::size_t dead = 0;
  static constexpr std::size_t kRecentMax = 256;

  void Merge() {
    if (recent.empty()) return;
    std::sort(recent.begin(), recent.end());
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
    merged.reserve(postings.size() + recent.size());
    std::merge(postings.begin(), postings.end(), recent.begin(), recent.end(), std::back_inserter(merged));
    postings.swap(merged);
    recent.clear();
  }

  std::size_t CountWith(std::uint32_t term) const {
    auto range = std::equal_range(postings.begin(), postings.end(), std::pair{term, std::uint32_t{0}},
                                  [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t n = static_cast<std::size_t>(range.second - range.first);
    for (const auto& p : recent) n += p.first == term;
    return n;
  }

  // Docs holding `term`, ascending.
  void DocsWith(std::uint32_t term, std::vector<std::uint32_t>& out) const {
    out.clear();
    auto lo = std::lower_bound(postings.begin(), postings.end(), std::pair{term, std::uint32_t{0}});
    for (auto p = lo; p != postings.end() && p->first == term; ++p) out.push_back(p->second);
    std::size_t sorted = out.size();
    for (const auto& p : recent)
      if (p.first == term) out.push_back(p.second);
    if (out.size() != sorted) std::sort(out.begin(), out.end());
  }

  std::vector<std::uint32_t> TermsOf(const Doc& d) const {
    auto terms = TextTerms(d.entity, d.text, d.initials);
    if (d.tail) terms.push_back(TailTerm(d.tail));
    return terms;
  }
};

SearchIndex::SearchIndex() = default;
SearchIndex::~SearchIndex() = default;

SearchIndex::Shard& SearchIndex::ShardFor(std::string_view grid_code) {
  auto it = shards_.find(grid_code);
  if (it == shards_.end()) {
    it = shards_.emplace(std::string(grid_code), std::make_unique<Shard>()).first;
    it->second->group = &groups_[std::string(grid_code.substr(0, kGroupCodeLength))];
  }
  return *it->second;
}

void SearchIndex::RemoveLocked(std::uint64_t key) {
  auto it = where_.find(key);
  if (it == where_.end()) return;
  Shard& s = *it->second.shard;
  std::uint32_t doc = it->second.doc;
  const auto terms = s.TermsOf(s.docs[doc]);
  s.group->Add(terms, -1);
  for (std::uint32_t term : terms) {
    auto p = std::lower_bound(s.postings.begin(), s.postings.end(), std::pair{term, doc});
    if (p != s.postings.end() && *p == std::pair{term, doc}) s.postings.erase(p);
    auto r = std::find(s.recent.begin(), s.recent.end(), std::pair{term, doc});
    if (r != s.recent.end()) s.recent.erase(r);
  }
  s.docs[doc].live = false;
  s.docs[doc].text.clear();
  s.docs[doc].initials.clear();
  ++s.dead;
  where_.erase(it);
}

void SearchIndex::Upsert(model::BaseEntity entity, std::int64_t id, std::string_view grid_code, std::string_view text,
                         std::string_view id_tail_hash) {
  Shard::Doc d;
  d.id = id;
  d.entity = entity;
  d.live = true;
  d.tail = id_tail_hash.empty() ? 0 : TailBits(id_tail_hash) | 1;  // never 0 when present
  d.text = NormalizeSearchText(text);
  d.initials = PinyinInitials(d.text);
  std::unique_lock lock(mu_);
  RemoveLocked(Key(entity, id));
  Shard& s = ShardFor(grid_code);
  if (s.dead > 64 && s.dead * 2 > s.docs.size()) {
    // Compact: renumber live docs and rebuild the postings.
    std::vector<Shard::Doc> live;
    for (auto& doc : s.docs)
      if (doc.live) live.push_back(std::move(doc));
    s.docs = std::move(live);
    s.dead = 0;
    s.postings.clear();
    s.recent.clear();
    for (std::uint32_t i = 0; i < s.docs.size(); ++i) {
      for (std::uint32_t t : s.TermsOf(s.docs[i])) s.postings.emplace_back(t, i);
      where_[Key(s.docs[i].entity, s.docs[i].id)] = Location{&s, i};
    }
    std::sort(s.postings.begin(), s.postings.end());
  }
  auto doc = static_cast<std::uint32_t>(s.docs.size());
  const auto terms = s.TermsOf(d);
  s.group->Add(terms, +1);
  for (std::uint32_t t : terms) s.recent.emplace_back(t, doc);
  if (s.recent.size() >= Shard::kRecentMax) s.Merge();
  s.docs.push_back(std::move(d));
  where_[Key(entity, id)] = Location{&s, doc};
}

void SearchIndex::Load(std::vector<Entry> entries) {
  std::unique_lock lock(mu_);
  std::vector<Shard*> touched;
  where_.reserve(where_.size() + entries.size());
  for (auto& e : entries) {
    RemoveLocked(Key(e.entity, e.id));
    Shard& s = ShardFor(e.grid_code);
    Shard::Doc d;
    d.id = e.id;
    d.entity = e.entity;
    d.live = true;
    d.tail = e.id_tail_hash.empty() ? 0 : TailBits(e.id_tail_hash) | 1;
    d.text = NormalizeSearchText(e.text);
    d.initials = PinyinInitials(d.text);
    auto doc = static_cast<std::uint32_t>(s.docs.size());
    const auto terms = s.TermsOf(d);
    s.group->Add(terms, +1);
    for (std::uint32_t t : terms) s.recent.emplace_back(t, doc);  // merged below
    s.docs.push_back(std::move(d));
    where_[Key(e.entity, e.id)] = Location{&s, doc};
    touched.push_back(&s);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (Shard* s : touched) s->Merge();
}

void SearchIndex::Remove(model::BaseEntity entity, std::int64_t id) {
  std::unique_lock lock(mu_);
  RemoveLocked(Key(entity, id));
}

std::size_t SearchIndex::size() const {
  std::shared_lock lock(mu_);
  return where_.size();
}

// One way to match: every term present (intersection), then `Matches` on the record; `exact`
// when the single term is the whole condition.
struct SearchIndex::Clause {
  enum class Kind { kText, kInitials, kTail } kind = Kind::kText;
  std::vector<std::uint32_t> terms;
  std::string q;
  std::uint64_t tail = 0;
  bool exact = false;

  bool Matches(const Shard::Doc& d) const {
    switch (kind) {
      case Kind::kText: return d.text.find(q) != std::string::npos;
      case Kind::kInitials: return d.initials.find(q) != std::string::npos;
      case Kind::kTail: return d.tail == tail;
    }
    return false;
  }
};

void SearchIndex::CollectShards(const std::vector<Clause>& clauses, std::string_view grid_prefix, std::size_t offset,
                                std::size_t limit, SearchHits& out) const {
  auto first = shards_.lower_bound(grid_prefix);
  std::string end = PrefixEnd(grid_prefix);
  auto last = end.empty() ? shards_.end() : shards_.lower_bound(end);  // empty: no upper bound
  std::vector<std::uint32_t> cand, next, docs, matched, merged;
  std::vector<std::int64_t> ids;
  const bool countable = clauses.size() == 1 && clauses[0].exact && clauses[0].terms.size() == 1;
  for (auto it = first; it != last; ++it) {
    const Shard& s = *it->second;
    const auto total = static_cast<std::size_t>(out.total);
    if (countable) {
      // Count only, unless this shard holds part of the requested page.
      std::size_t n = s.CountWith(clauses[0].terms[0]);
      if (n == 0) continue;
      if (out.ids.size() >= limit || total + n <= offset) {
        out.total += static_cast<std::int64_t>(n);
        continue;
      }
    }
    matched.clear();
    for (const Clause& c : clauses) {
      bool first_term = true;
      for (std::uint32_t t : c.terms) {
        s.DocsWith(t, docs);
        if (first_term) {
          cand.swap(docs);
          first_term = false;
        } else {
          next.clear();
          std::set_intersection(cand.begin(), cand.end(), docs.begin(), docs.end(), std::back_inserter(next));
          cand.swap(next);
        }
        if (cand.empty()) break;
      }
      if (!c.exact) {
        std::erase_if(cand, [&](std::uint32_t d) { return !c.Matches(s.docs[d]); });
      }
      merged.clear();
      std::set_union(matched.begin(), matched.end(), cand.begin(), cand.end(), std::back_inserter(merged));
      matched.swap(merged);
    }
    if (out.ids.size() >= limit || total + matched.size() <= offset) {
      out.total += static_cast<std::int64_t>(matched.size());
      continue;
    }
    ids.clear();
    for (std::uint32_t d : matched) ids.push_back(s.docs[d].id);
    std::sort(ids.begin(), ids.end());
    for (std::int64_t id : ids) {
      auto n = static_cast<std::size_t>(out.total++);
      if (n >= offset && out.ids.size() < limit) out.ids.push_back(id);
    }
  }
}

SearchHits SearchIndex::Collect(const std::vector<Clause>& clauses, std::string_view grid_prefix, std::size_t offset,
                                std::size_t limit) const {
  SearchHits out;
  std::shared_lock lock(mu_);
  const bool countable = clauses.size() == 1 && clauses[0].exact && clauses[0].terms.size() == 1 &&
                         ((clauses[0].terms[0] >> 26) & 7) != kTailTag;
  if (!countable || grid_prefix.size() >= kGroupCodeLength) {
    CollectShards(clauses, grid_prefix, offset, limit, out);
    return out;
  }
  // Wide scope: count whole communities; read shards only where the page falls.
  const std::uint32_t term = clauses[0].terms[0];
  auto first = groups_.lower_bound(grid_prefix);
  std::string end = PrefixEnd(grid_prefix);
  auto last = end.empty() ? groups_.end() : groups_.lower_bound(end);
  for (auto it = first; it != last; ++it) {
    auto c = it->second.counts.find(term);
    if (c == it->second.counts.end()) continue;
    const auto total = static_cast<std::size_t>(out.total);
    if (out.ids.size() >= limit || total + c->second <= offset) {
      out.total += c->second;
      continue;
    }
    CollectShards(clauses, it->first, offset, limit, out);
  }
  return out;
}

SearchHits SearchIndex::SearchText(model::BaseEntity entity, std::string_view grid_prefix, std::string_view query,
                                   std::size_t offset, std::size_t limit) const {
  std::string q = NormalizeSearchText(query);
  while (!q.empty() && q.back() == ' ') q.pop_back();
  while (!q.empty() && q.front() == ' ') q.erase(q.begin());
  if (q.empty()) return {};
  std::vector<Clause> clauses(1);
  clauses[0].kind = Clause::Kind::kText;
  clauses[0].terms = TextTerms(entity, q, "");
  clauses[0].q = q;
  std::size_t code_points = 0;
  ForEachCodePoint(q, [&](char32_t) { ++code_points; });
  clauses[0].exact = code_points == 1;
  if (q.size() >= 2 && std::all_of(q.begin(), q.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    // Pinyin initials too: all pairs of the query present, then the initials contain it.
    Clause& c = clauses.emplace_back();
    c.kind = Clause::Kind::kInitials;
    for (std::size_t i = 0; i + 1 < q.size(); ++i) c.terms.push_back(PairTerm(entity, q[i], q[i + 1]));
    std::sort(c.terms.begin(), c.terms.end());
    c.terms.erase(std::unique(c.terms.begin(), c.terms.end()), c.terms.end());
    c.q = q;
    c.exact = q.size() == 2;
  }
  return Collect(clauses, grid_prefix, offset, limit);
}

SearchHits SearchIndex::SearchTail(std::string_view grid_prefix, std::string_view tail_hash, std::size_t offset,
                                   std::size_t limit) const {
  if (tail_hash.empty()) return {};
  Clause c;
  c.kind = Clause::Kind::kTail;
  c.tail = TailBits(tail_hash) | 1;
  c.terms = {TailTerm(c.tail)};
  return Collect({c}, grid_prefix, offset, limit);
}

}  // namespace cg::base
