#include "store/postgres/pg_base.hpp"

#include "store/internal/common.hpp"

namespace cg::store::postgres {
namespace {

class PgSqlTx final : public internal::SqlTx {
 public:
  explicit PgSqlTx(pqxx::transaction_base& tx) : tx_(tx) {}
  std::vector<internal::SqlRow> Run(const std::string& sql,
                                    const std::vector<internal::SqlParam>& params) override {
    std::vector<std::string> text;
    text.reserve(params.size());
    std::vector<const char*> ptrs;
    for (const auto& p : params) {
      if (p.type == internal::SqlParam::Type::kNull) {
        ptrs.push_back(nullptr);
        continue;
      }
      text.push_back(p.type == internal::SqlParam::Type::kInt ? std::to_string(p.i) : p.s);
      ptrs.push_back(text.back().c_str());
    }
    auto result = tx_.exec_params(internal::ToDollarParams(sql), pqxx::prepare::make_dynamic_params(ptrs));
    std::vector<internal::SqlRow> rows;
    rows.reserve(result.size());
    for (const auto& row : result) {
      internal::SqlRow out;
      for (const auto& field : row) {
        if (field.is_null()) out.emplace_back(std::nullopt);
        else out.emplace_back(field.as<std::string>());
      }
      rows.push_back(std::move(out));
    }
    return rows;
  }
  bool postgres() const override { return true; }

 private:
  pqxx::transaction_base& tx_;
};

[[noreturn]] void Rethrow() {
  try {
    throw;
  } catch (const internal::DbError&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    ErrorCode code = ErrorCode::kInternal;
    if (state == "23505" || state == "40001" || state == "40P01") code = ErrorCode::kConflict;
    else if (state.starts_with("23") || state.starts_with("22")) code = ErrorCode::kInvalid;
    else if (state.starts_with("08") || state.starts_with("57")) code = ErrorCode::kUnavailable;
    internal::Fail(code, std::string("PostgreSQL: ") + e.what());
  } catch (const pqxx::failure& e) {
    internal::Fail(ErrorCode::kUnavailable, std::string("PostgreSQL: ") + e.what());
  }
}

}  // namespace

void RunPgBaseTx(pqxx::connection& conn, bool write, const std::function<void(internal::SqlTx&)>& body) {
  try {
    if (write) {
      pqxx::work tx(conn);
      tx.exec("SELECT pg_advisory_xact_lock(hashtext('citygrid.base_data'))");
      PgSqlTx sql(tx);
      body(sql);
      tx.commit();
    } else {
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn);
      PgSqlTx sql(tx);
      body(sql);
      tx.commit();
    }
  } catch (...) {
    Rethrow();
  }
}

}  // namespace cg::store::postgres
