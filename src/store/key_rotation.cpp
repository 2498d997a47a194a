// Reading and replacing sealed values: for a master-key rotation (`citygrid key rotate`,
// docs/operations.md "Master key"), and one case field for the audited unmask route. The same
// SQL serves both backends.
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

Result<std::vector<SealedCaseField>> BaseDataStore::ListSealedCaseFields(std::int64_t after_case,
                                                                         const std::string& after_code,
                                                                         std::int64_t limit) {
  if (limit <= 0 || limit > 100000) return MakeError(ErrorCode::kInvalid, "limit must be 1..100000");
  return internal::Guard([&]() -> Result<std::vector<SealedCaseField>> {
    std::vector<SealedCaseField> out;
    RunBaseTx(false, [&](internal::SqlTx& tx) {
      auto rows = tx.Run(
          "SELECT s.case_id, s.code, c.public_id, s.cipher FROM case_sealed_fields s JOIN cases c ON c.id = s.case_id "
          "WHERE s.case_id > ?1 OR (s.case_id = ?1 AND s.code > ?2) ORDER BY s.case_id, s.code LIMIT ?3",
          {P::Int(after_case), P::Text(after_code), P::Int(limit)});
      for (const auto& r : rows) out.push_back({internal::ToInt(r[0]), r[1].value_or(""), r[2].value_or(""), Bytes(r[3])});
    });
    return out;
  });
}

Status BaseDataStore::ResealCaseFields(const std::vector<SealedCaseField>& rows) {
  return internal::Guard([&]() -> Status {
    RunBaseTx(true, [&](internal::SqlTx& tx) {
      for (const auto& r : rows) {
        tx.Run("UPDATE case_sealed_fields SET cipher = ?3 WHERE case_id = ?1 AND code = ?2",
               {P::Int(r.case_id), P::Text(r.code), P::Text(internal::Hex(r.cipher))});
      }
    });
    return Status();
  });
}

Result<SealedCaseField> BaseDataStore::GetSealedCaseField(std::int64_t case_id, const std::string& code) {
  return internal::Guard([&]() -> Result<SealedCaseField> {
    std::optional<SealedCaseField> out;
    RunBaseTx(false, [&](internal::SqlTx& tx) {
      auto rows = tx.Run(
          "SELECT s.case_id, s.code, c.public_id, s.cipher FROM case_sealed_fields s JOIN cases c ON c.id = s.case_id "
          "WHERE s.case_id = ?1 AND s.code = ?2",
          {P::Int(case_id), P::Text(code)});
      if (!rows.empty()) out = SealedCaseField{internal::ToInt(rows[0][0]), rows[0][1].value_or(""), rows[0][2].value_or(""), Bytes(rows[0][3])};
    });
    if (!out) return MakeError(ErrorCode::kNotFound, "this case has no sealed " + code);
    return *out;
  });
}

}  // namespace cg::store
