// The search index: name parts, pinyin initials, traditional characters, ID tails by hash,
// grid-prefix scoping, updates and removals.
#include "base/search_index.hpp"

#include <gtest/gtest.h>

#include "base/han_text.hpp"

namespace cg::base {
namespace {

using model::BaseEntity;

std::vector<std::int64_t> Ids(const SearchHits& h) { return h.ids; }

TEST(HanText, SimplifiesFoldsAndTakesInitials) {
  EXPECT_EQ(NormalizeSearchText("張曉明"), "张晓明");
  EXPECT_EQ(NormalizeSearchText("ＡＢｃ１２"), "abc12");
  EXPECT_EQ(NormalizeSearchText("王\xff小明"), "王小明");  // invalid byte dropped
  EXPECT_EQ(PinyinInitials("王小明"), "wxm");
  EXPECT_EQ(PinyinInitials("曾国藩"), "zgf");  // surname reading (zeng), not ceng
  EXPECT_EQ(PinyinInitials("李a1"), "la1");
  EXPECT_EQ(PinyinInitials(""), "");
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    idx.Upsert(BaseEntity::kPerson, 1, "150203010008001", "王小明", "tail-AAAA");
    idx.Upsert(BaseEntity::kPerson, 2, "150203010008001", "张晓明", "tail-BBBB");
    idx.Upsert(BaseEntity::kPerson, 3, "150203010008002", "王晓红", "tail-AAAA");
    idx.Upsert(BaseEntity::kPerson, 4, "150203010009001", "李明", "");
    idx.Upsert(BaseEntity::kAddress, 5, "150203010008001", "钢铁大街12号", "");
  }
  SearchIndex idx;
};

TEST_F(SearchIndexTest, NamePartsInGridOrder) {
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "明", 0, 10)), (std::vector<std::int64_t>{1, 2, 4}));
  EXPECT_EQ(idx.SearchText(BaseEntity::kPerson, "", "明", 0, 10).total, 3);
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "小明", 0, 10)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "王", 0, 10)), (std::vector<std::int64_t>{1, 3}));
  // Characters present but not adjacent do not match.
  EXPECT_TRUE(Ids(idx.SearchText(BaseEntity::kPerson, "", "王明", 0, 10)).empty());
  // Paging keeps the total.
  auto page = idx.SearchText(BaseEntity::kPerson, "", "明", 1, 1);
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(Ids(page), (std::vector<std::int64_t>{2}));
}

TEST_F(SearchIndexTest, TraditionalQueryFindsSimplifiedAndBack) {
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "張曉明", 0, 10)), (std::vector<std::int64_t>{2}));
  idx.Upsert(BaseEntity::kPerson, 6, "150203010008001", "陳國強", "");
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "陈国", 0, 10)), (std::vector<std::int64_t>{6}));
}

TEST_F(SearchIndexTest, PinyinInitials) {
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "wxm", 0, 10)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "xm", 0, 10)), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "WXH", 0, 10)), (std::vector<std::int64_t>{3}));
  EXPECT_TRUE(Ids(idx.SearchText(BaseEntity::kPerson, "", "qq", 0, 10)).empty());
}

TEST_F(SearchIndexTest, GridPrefixScopesEverySearch) {
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "150203010008001", "明", 0, 10)),
            (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "150203010008", "王", 0, 10)), (std::vector<std::int64_t>{1, 3}));
  EXPECT_TRUE(Ids(idx.SearchText(BaseEntity::kPerson, "150203010009", "王", 0, 10)).empty());
  EXPECT_EQ(Ids(idx.SearchTail("150203010008002", "tail-AAAA", 0, 10)), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(Ids(idx.SearchTail("", "tail-AAAA", 0, 10)), (std::vector<std::int64_t>{1, 3}));
  EXPECT_TRUE(Ids(idx.SearchTail("", "tail-CCCC", 0, 10)).empty());
  // Entities are separate.
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kAddress, "", "钢铁", 0, 10)), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kAddress, "", "12号", 0, 10)), (std::vector<std::int64_t>{5}));
  EXPECT_TRUE(Ids(idx.SearchText(BaseEntity::kPerson, "", "钢铁", 0, 10)).empty());
}

TEST_F(SearchIndexTest, UpdatesMovesAndRemovals) {
  idx.Upsert(BaseEntity::kPerson, 1, "150203010009001", "王大明", "tail-CCCC");  // renamed, moved, new ID
  EXPECT_TRUE(Ids(idx.SearchText(BaseEntity::kPerson, "", "小明", 0, 10)).empty());
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "150203010009", "大明", 0, 10)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(Ids(idx.SearchTail("", "tail-AAAA", 0, 10)), (std::vector<std::int64_t>{3}));
  idx.Remove(BaseEntity::kPerson, 3);
  EXPECT_TRUE(Ids(idx.SearchTail("", "tail-AAAA", 0, 10)).empty());
  idx.Remove(BaseEntity::kPerson, 3);  // twice is harmless
  EXPECT_EQ(idx.size(), 4u);
  // Many updates of one shard compact it and keep answers right.
  for (int i = 0; i < 500; ++i) idx.Upsert(BaseEntity::kPerson, 2, "150203010008001", i % 2 ? "张晓明" : "赵晓明", "");
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "张晓明", 0, 10)), (std::vector<std::int64_t>{2}));  // the last
  EXPECT_TRUE(Ids(idx.SearchText(BaseEntity::kPerson, "", "赵", 0, 10)).empty());
  EXPECT_EQ(Ids(idx.SearchText(BaseEntity::kPerson, "", "晓明", 0, 10)), (std::vector<std::int64_t>{2}));
  // Bulk load agrees with single upserts.
  SearchIndex bulk;
  bulk.Load({{BaseEntity::kPerson, 7, "150203010008001", "孙悟空", ""},
             {BaseEntity::kPerson, 8, "150203010008001", "孫悟飯", "tail-DDDD"}});
  EXPECT_EQ(Ids(bulk.SearchText(BaseEntity::kPerson, "", "孙悟", 0, 10)), (std::vector<std::int64_t>{7, 8}));
  EXPECT_EQ(Ids(bulk.SearchText(BaseEntity::kPerson, "", "swk", 0, 10)), (std::vector<std::int64_t>{7}));
  EXPECT_EQ(Ids(bulk.SearchTail("", "tail-DDDD", 0, 10)), (std::vector<std::int64_t>{8}));
}

TEST(SearchIndexWide, CommunityCountsAgreeWithShardsAndPagesCrossCommunities) {
  SearchIndex idx;
  std::int64_t id = 0;
  for (const char* community : {"150203010008", "150203010009", "150203011001"})
    for (const char* grid : {"001", "002"})
      for (const char* name : {"王一", "王二", "李三"})
        idx.Upsert(BaseEntity::kPerson, ++id, std::string(community) + grid, name, "");
  // District scope (counted per community) and grid-by-grid agree.
  auto all = idx.SearchText(BaseEntity::kPerson, "150203", "王", 0, 100);
  EXPECT_EQ(all.total, 12);
  ASSERT_EQ(all.ids.size(), 12u);
  for (std::size_t offset : {0, 3, 5, 11, 12, 20}) {
    auto page = idx.SearchText(BaseEntity::kPerson, "150203", "王", offset, 4);
    EXPECT_EQ(page.total, 12) << offset;
    std::vector<std::int64_t> expect(all.ids.begin() + std::min<std::size_t>(offset, 12),
                                     all.ids.begin() + std::min<std::size_t>(offset + 4, 12));
    EXPECT_EQ(page.ids, expect) << offset;
  }
  EXPECT_EQ(idx.SearchText(BaseEntity::kPerson, "", "王", 0, 100).ids, all.ids);
  EXPECT_EQ(idx.SearchText(BaseEntity::kPerson, "150203010", "王", 0, 100).total, 8);
  // Counts follow removals and renames.
  idx.Remove(BaseEntity::kPerson, 1);
  idx.Upsert(BaseEntity::kPerson, 3, "150203010008001", "王三", "");  // 李三 -> 王三
  EXPECT_EQ(idx.SearchText(BaseEntity::kPerson, "150203", "王", 0, 100).total, 12);
  EXPECT_EQ(idx.SearchText(BaseEntity::kPerson, "150203", "李", 0, 100).total, 5);
  EXPECT_EQ(idx.SearchText(BaseEntity::kPerson, "150203", "wy", 0, 100).total, 5);  // 王一 x 5
}

TEST_F(SearchIndexTest, HostileQueries) {
  for (std::string q : {std::string(""), std::string("   "), std::string("\xff\xfe"), std::string(10000, 'a'),
                        std::string("%_'\";--"), std::string("\0x", 2)}) {
    auto h = idx.SearchText(BaseEntity::kPerson, "", q, 0, 10);
    EXPECT_TRUE(h.ids.empty()) << q.size();
  }
  EXPECT_TRUE(idx.SearchText(BaseEntity::kPerson, "\xff\xff", "王", 0, 10).ids.empty());
}

}  // namespace
}  // namespace cg::base
