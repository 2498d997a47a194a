#pragma once
// In-memory search over base records (docs/field-app.md): names and address text by character
// postings (any part of a Chinese name, including one character), pinyin initials by letter-pair
// postings ("wxm", "xm"), ID tails by their keyed Tail4Index hash (never the digits), traditional
// characters matched to simplified on both sides. Records are sharded by grid code, so a search
// scoped to a grid, community or district reads only that range of shards and answers in grid
// then id order. Thread-safe: many readers, one writer at a time.

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/base_data.hpp"

namespace cg::base {

struct SearchHits {
  std::vector<std::int64_t> ids;  // the requested page, in (grid code, id) order
  std::int64_t total = 0;         // every match in the range
};

class SearchIndex {
 public:
  SearchIndex();
  ~SearchIndex();

  // Adds or replaces the record's searchable text (raw: normalised here) and, for persons, the
  // Tail4Index hash of its ID number (binary; empty if none).
  void Upsert(model::BaseEntity entity, std::int64_t id, std::string_view grid_code, std::string_view text,
              std::string_view id_tail_hash);
  void Remove(model::BaseEntity entity, std::int64_t id);

  struct Entry {
    model::BaseEntity entity = model::BaseEntity::kPerson;
    std::int64_t id = 0;
    std::string grid_code;
    std::string text;
    std::string id_tail_hash;
  };
  // Upserts many records at once (start-up, rebuilds): postings are sorted once per shard.
  void Load(std::vector<Entry> entries);

  // Records of `entity` in grids starting with `grid_prefix` whose text contains `query`
  // (normalised) or, for a query of two or more ASCII letters, whose pinyin initials contain
  // it.
  SearchHits SearchText(model::BaseEntity entity, std::string_view grid_prefix, std::string_view query,
                        std::size_t offset, std::size_t limit) const;
  // Persons in the range whose ID tail hash is `tail_hash`.
  SearchHits SearchTail(std::string_view grid_prefix, std::string_view tail_hash, std::size_t offset,
                        std::size_t limit) const;

  std::size_t size() const;

 private:
  struct Shard;
  struct Location {
    Shard* shard;
    std::uint32_t doc;
  };
  struct Clause;
  struct Group;
  static constexpr std::size_t kGroupCodeLength = 12;  // a community's code
  Shard& ShardFor(std::string_view grid_code);
  void CollectShards(const std::vector<Clause>& clauses, std::string_view grid_prefix, std::size_t offset,
                     std::size_t limit, SearchHits& out) const;
  SearchHits Collect(const std::vector<Clause>& clauses, std::string_view grid_prefix, std::size_t offset,
                     std::size_t limit) const;
  void RemoveLocked(std::uint64_t key);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Shard>, std::less<>> shards_;  // by grid code
  std::map<std::string, Group, std::less<>> groups_;                    // by community code
  std::unordered_map<std::uint64_t, Location> where_;                   // (entity, id) -> doc
};

}  // namespace cg::base
