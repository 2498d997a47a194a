// Reading and replacing sealed values for a master-key rotation (`citygrid key rotate`,
// docs/operations.md "Master key"). The same SQL serves both backends.
#include "store/base_store.hpp"
#include "store/internal/codec.hpp"
#include "store/internal/common.hpp"
#include "store/internal/sql_tx.hpp"

namespace cg::store {
namespace {

using P = internal::SqlParam;

std::string Bytes(const std::optional<std::string>& hex) { return hex ? internal::Unhex(*hex) : std::string(); }

}  // namespace

Result<std::vector<SealedPerson>> BaseDataStore::ListSealedPersons(std::int64_t after_id, std::int64_t limit) {
  if (limit <= 0 || limit > 100000) return MakeError(ErrorCode::kInvalid, "limit must be 1..100000");
  return internal::Guard([&]() -> Result<std::vector<SealedPerson>> {
    std::vector<SealedPerson> out;
    RunBaseTx(false, [&](internal::SqlTx& tx) {
      auto rows = tx.Run(
          "SELECT id, id_number_cipher, id_number_index, id_number_tail, phone_cipher, phone_index, phone_tail "
          "FROM persons WHERE id > ?1 ORDER BY id LIMIT ?2",
          {P::Int(after_id), P::Int(limit)});
      out.reserve(rows.size());
      for (const auto& r : rows) {
        SealedPerson p;
        p.id = internal::ToInt(r[0]);
        p.id_number = {Bytes(r[1]), Bytes(r[2]), Bytes(r[3]), ""};
        if (r[4]) p.phone = SealedValue{Bytes(r[4]), Bytes(r[5]), Bytes(r[6]), ""};
        out.push_back(std::move(p));
      }
    });
    return out;
  });
}

Status BaseDataStore::ResealPersons(const std::vector<SealedPerson>& rows) {
  return internal::Guard([&]() -> Status {
    RunBaseTx(true, [&](internal::SqlTx& tx) {
      for (const auto& p : rows) {
        auto opt = [&](std::string SealedValue::*m) { return p.phone ? P::Text(internal::Hex((*p.phone).*m)) : P::Null(); };
        auto changed = tx.Run(
            "UPDATE persons SET id_number_cipher = ?2, id_number_index = ?3, id_number_tail = ?4, "
            "phone_cipher = ?5, phone_index = ?6, phone_tail = ?7 WHERE id = ?1 RETURNING id",
            {P::Int(p.id), P::Text(internal::Hex(p.id_number.cipher)), P::Text(internal::Hex(p.id_number.index)),
             P::Text(internal::Hex(p.id_number.tail)), opt(&SealedValue::cipher), opt(&SealedValue::index),
             opt(&SealedValue::tail)});
        if (changed.empty()) internal::Fail(ErrorCode::kConflict, "person " + std::to_string(p.id) + " is gone");
      }
    });
    return Status();
  });
}

Result<std::vector<SealedImportPayload>> BaseDataStore::ListSealedImportPayloads(std::int64_t after_job,
                                                                                 std::int64_t after_row,
                                                                                 std::int64_t limit) {
  if (limit <= 0 || limit > 100000) return MakeError(ErrorCode::kInvalid, "limit must be 1..100000");
  return internal::Guard([&]() -> Result<std::vector<SealedImportPayload>> {
    std::vector<SealedImportPayload> out;
    RunBaseTx(false, [&](internal::SqlTx& tx) {
      auto rows = tx.Run(
          "SELECT job_id, row_number, payload FROM import_rows WHERE payload IS NOT NULL AND payload <> '' "
          "AND (job_id > ?1 OR (job_id = ?1 AND row_number > ?2)) ORDER BY job_id, row_number LIMIT ?3",
          {P::Int(after_job), P::Int(after_row), P::Int(limit)});
      for (const auto& r : rows) out.push_back({internal::ToInt(r[0]), internal::ToInt(r[1]), Bytes(r[2])});
    });
    return out;
  });
}

Status BaseDataStore::ResealImportPayloads(const std::vector<SealedImportPayload>& rows) {
  return internal::Guard([&]() -> Status {
    RunBaseTx(true, [&](internal::SqlTx& tx) {
      for (const auto& r : rows) {
        tx.Run("UPDATE import_rows SET payload = ?3 WHERE job_id = ?1 AND row_number = ?2",
               {P::Int(r.job_id), P::Int(r.row_number), P::Text(internal::Hex(r.payload))});
      }
    });
    return Status();
  });
}

}  // namespace cg::store
