// Notices, loudspeaker stations and plays, on both backends (store/notice_store.hpp).
#include "store/contract_fixture.hpp"

namespace cg::store {
namespace {

using namespace contract;  // NOLINT: the fixture and its helpers

class NoticeContract : public StoreContract {
 protected:
  BroadcastStation AddStation(const std::string& org, const std::string& name, const std::string& token) {
    BroadcastStation s;
    s.org_code = org;
    s.name = name;
    s.location = name + "门口";
    s.lon = 109.8312;
    s.lat = 40.6571;
    s.schedule = "07:00,18:30";
    s.created_at = 1000;
    auto r = store_->CreateStation(Scope::System(), s, token);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : s;
  }
  Notice Draft(const std::string& scope, const std::string& title, bool loudspeaker, bool urgent, Timestamp at) {
    Notice n;
    n.scope_code = scope;
    n.title = title;
    n.body = title + "的内容";
    n.category = "safety";
    n.loudspeaker = loudspeaker;
    n.urgent = urgent;
    n.play_by = at + 86'400'000;
    n.audio_ms = loudspeaker ? 5000 : 0;
    n.created_by = 7;
    n.created_at = at;
    return n;
  }
};

TEST_P(NoticeContract, NoticesReachTheirSubtreeAndStationsPlayThem) {
  LoadSmallTree();
  const auto a = AddStation("150203010008001", "金华一号站", "hash-a");
  const auto b = AddStation("150203010009", "九号社区站", "hash-b");
  const auto c = AddStation("150204", "青山区站", "hash-c");
  const std::string audio("OggS\0\x01\xff binary", 16);

  const Scope street = Scope::Subtree("150203010");
  const Scope jinhua = Scope::Subtree("150203010008");
  const Scope nine = Scope::Subtree("150203010009");
  // Refusals: outside the scope, no such unit, loudspeaker without audio.
  EXPECT_CODE(store_->CreateNotice(jinhua, Draft("150203010", "越权", false, false, 10), "", ""), ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateNotice(street, Draft("150203010777", "无此单位", false, false, 10), "", ""),
              ErrorCode::kNotFound);
  EXPECT_CODE(store_->CreateNotice(street, Draft("150203010", "无音频", true, false, 10), "", ""), ErrorCode::kInvalid);

  auto first = store_->CreateNotice(street, Draft("150203010", "防汛通知", true, false, 100), "audio/ogg", audio);
  ASSERT_OK(first);
  auto urgent = store_->CreateNotice(jinhua, Draft("150203010008", "燃气泄漏", true, true, 200), "audio/ogg", audio);
  ASSERT_OK(urgent);
  const std::string jpeg("\xff\xd8\xff\0 public copy", 17), thumb("\xff\xd8 thumb", 8);
  const store::NoticeImage image{jpeg, thumb, 1200, 800};
  auto text_only = store_->CreateNotice(nine, Draft("150203010009", "活动", false, false, 300), "", "", &image);
  ASSERT_OK(text_only);
  EXPECT_EQ(text_only->image_width, 1200);
  // The image is stored with the notice, read back byte for byte, and its size comes with it.
  auto read_back = store_->GetNotice(nine, text_only->id);
  ASSERT_OK(read_back);
  EXPECT_EQ(read_back->image_width, 1200);
  EXPECT_EQ(read_back->image_height, 800);
  auto stored_image = store_->GetNoticeImage(text_only->id, false);
  ASSERT_OK(stored_image);
  EXPECT_EQ(*stored_image, jpeg);
  auto stored_thumb = store_->GetNoticeImage(text_only->id, true);
  ASSERT_OK(stored_thumb);
  EXPECT_EQ(*stored_thumb, thumb);
  EXPECT_EQ(first->image_width, 0);
  EXPECT_CODE(store_->GetNoticeImage(first->id, false), ErrorCode::kNotFound);
  auto stored_audio = store_->GetNoticeAudio(first->id);
  ASSERT_OK(stored_audio);
  EXPECT_EQ(stored_audio->first, "audio/ogg");
  EXPECT_EQ(stored_audio->second, audio);
  EXPECT_CODE(store_->GetNoticeAudio(text_only->id), ErrorCode::kNotFound);

  // Playlists: urgent first; each station only what was sent to its area.
  auto pa = store_->StationPlaylist(a.id, 1000, 50);
  ASSERT_OK(pa);
  ASSERT_EQ(pa->size(), 2u);
  EXPECT_EQ((*pa)[0].id, urgent->id);
  EXPECT_EQ((*pa)[1].id, first->id);
  auto pb = store_->StationPlaylist(b.id, 1000, 50);
  ASSERT_OK(pb);
  ASSERT_EQ(pb->size(), 1u);
  EXPECT_EQ((*pb)[0].id, first->id);
  EXPECT_TRUE(store_->StationPlaylist(c.id, 1000, 50)->empty());
  EXPECT_TRUE(*store_->StationHasNotice(a.id, urgent->id));
  EXPECT_FALSE(*store_->StationHasNotice(b.id, urgent->id));
  EXPECT_CODE(store_->StationPlaylist(a.id, 1000, 0), ErrorCode::kInvalid);

  // Acknowledgements: the first time stays; a station without the copy is refused.
  auto ack = store_->AcknowledgePlay(a.id, urgent->id, 1500);
  ASSERT_OK(ack);
  EXPECT_EQ(ack->played_at, 1500);
  EXPECT_EQ(ack->fetched_at, 1000);
  EXPECT_EQ(store_->AcknowledgePlay(a.id, urgent->id, 9999)->played_at, 1500);
  EXPECT_CODE(store_->AcknowledgePlay(c.id, first->id, 1500), ErrorCode::kNotFound);
  pa = store_->StationPlaylist(a.id, 2000, 50);
  ASSERT_EQ(pa->size(), 1u);
  EXPECT_EQ((*pa)[0].id, first->id);
  // Past play_by: no longer served.
  EXPECT_TRUE(store_->StationPlaylist(a.id, 100 + 86'400'000, 50)->empty());

  // Deliveries: the street sees both stations; community nine, which received it, only its own.
  auto plays = store_->ListPlays(street, first->id);
  ASSERT_OK(plays);
  ASSERT_EQ(plays->size(), 2u);
  EXPECT_EQ((*plays)[0].station_name, "金华一号站");
  EXPECT_EQ((*plays)[1].station_id, b.id);
  auto own = store_->ListPlays(nine, first->id);
  ASSERT_OK(own);
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].station_id, b.id);
  EXPECT_CODE(store_->ListPlays(nine, urgent->id), ErrorCode::kNotFound);

  // Visibility: managed below, received from above, nothing sideways.
  ASSERT_OK(store_->GetNotice(nine, first->id));
  EXPECT_CODE(store_->GetNotice(nine, urgent->id), ErrorCode::kNotFound);
  EXPECT_CODE(store_->GetNotice(Scope::Subtree("150204"), first->id), ErrorCode::kNotFound);
  auto grid_list = store_->ListNotices(Scope::System(), "150203010008001", true, {50, 0});
  ASSERT_OK(grid_list);
  ASSERT_EQ(grid_list->total, 2);
  EXPECT_EQ(grid_list->items[0].id, urgent->id) << "newest first";
  auto street_list = store_->ListNotices(street, "150203010", false, {1, 1});
  ASSERT_OK(street_list);
  EXPECT_EQ(street_list->total, 3) << "its own and the two below it";
  ASSERT_EQ(street_list->items.size(), 1u);
  EXPECT_EQ(street_list->items[0].id, urgent->id);
  EXPECT_CODE(store_->ListNotices(nine, "150203010008", true, {}), ErrorCode::kNotFound);
  EXPECT_CODE(store_->ListNotices(Scope::System(), "9999", true, {}), ErrorCode::kNotFound);

  // Withdrawal: only by the managing scope, once; a withdrawn notice leaves the playlists.
  EXPECT_CODE(store_->WithdrawNotice(nine, first->id, "错发", 3000), ErrorCode::kNotFound);
  auto withdrawn = store_->WithdrawNotice(street, first->id, "错发", 3000);
  ASSERT_OK(withdrawn);
  EXPECT_EQ(withdrawn->status, "withdrawn");
  EXPECT_CODE(store_->WithdrawNotice(street, first->id, "again", 3001), ErrorCode::kConflict);
  EXPECT_TRUE(store_->StationPlaylist(b.id, 3500, 50)->empty());
  EXPECT_EQ(store_->GetNotice(street, first->id)->withdrawn_reason, "错发");
  EXPECT_EQ(store_->ListNotices(Scope::System(), "150203010008001", true, {50, 0})->total, 1);
  EXPECT_EQ(store_->ListNotices(Scope::System(), "150203010008001", false, {50, 0})->total, 2);

  // Stations: found by token hash, listed by scope.
  EXPECT_EQ(store_->FindStationByToken("hash-b")->id, b.id);
  EXPECT_CODE(store_->FindStationByToken("nope"), ErrorCode::kNotFound);
  EXPECT_GT(store_->FindStationByToken("hash-a")->last_seen_at, 0);
  auto mine = store_->ListStations(street, {50, 0});
  ASSERT_OK(mine);
  EXPECT_EQ(mine->total, 2);
  EXPECT_EQ(mine->items[0].lon, 109.8312);
  EXPECT_EQ(store_->ListStations(Scope::System(), {50, 0})->total, 3);
  BroadcastStation outside;
  outside.org_code = "150204";
  outside.name = "x";
  EXPECT_CODE(store_->CreateStation(street, outside, "hash-d"), ErrorCode::kNotFound);
  // A station registered later gets the notices published after it, not the old ones.
  const auto late = AddStation("150203010008002", "后装站", "hash-e");
  EXPECT_TRUE(store_->StationPlaylist(late.id, 4000, 50)->empty());
  ASSERT_OK(store_->CreateNotice(street, Draft("150203010", "新通知", true, false, 4000), "audio/ogg", audio));
  EXPECT_EQ(store_->StationPlaylist(late.id, 4001, 50)->size(), 1u);
  // Off: no token lookup, no copies of new notices; a new token replaces the old one.
  EXPECT_CODE(store_->GetStation(nine, late.id), ErrorCode::kNotFound);
  EXPECT_CODE(store_->UpdateStation(nine, late.id, false, ""), ErrorCode::kNotFound);
  ASSERT_OK(store_->UpdateStation(street, late.id, false, ""));
  EXPECT_CODE(store_->FindStationByToken("hash-e"), ErrorCode::kNotFound);
  ASSERT_OK(store_->CreateNotice(street, Draft("150203010", "停用时", true, false, 5000), "audio/ogg", audio));
  auto back = store_->UpdateStation(street, late.id, true, "hash-f");
  ASSERT_OK(back);
  EXPECT_TRUE(back->active);
  EXPECT_CODE(store_->FindStationByToken("hash-e"), ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindStationByToken("hash-f")->id, late.id);
  EXPECT_EQ(store_->StationPlaylist(late.id, 5001, 50)->size(), 1u) << "only the notice from before it was off";
  EXPECT_EQ(store_->GetStation(street, late.id)->name, "后装站");
}

INSTANTIATE_TEST_SUITE_P(Backends, NoticeContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cg::store
