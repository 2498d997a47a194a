#!/usr/bin/env bash
# Spreadsheet import throughput (docs/benchmarks.md, "Import"): seeds the demo city's org tree
# (with a token population) into a fresh SQLite data directory, writes a CSV of N synthetic
# people (valid ID numbers, Chinese names, ethnicity and status labels, a care attribute, grid
# codes of 昆都仑区) and runs `citygrid import persons` twice: the first run creates everyone,
# the second matches every row by ID number and finds nothing new (the matching path).
# Usage: bench/run-import.sh [rows] (default 3000000). Environment: BUILD_DIR (default build),
# NO_BUILD=1 (use the binary as built), KEEP=1 (keep the data directory), BATCH (rows per batch).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
ROWS=${1:-3000000}
if [ -z "${NO_BUILD:-}" ]; then
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
  cmake --build "$BUILD_DIR" -j2 --target citygrid >&2
fi
CITYGRID=$BUILD_DIR/src/cli/citygrid
DIR=$(mktemp -d /var/tmp/cg-import-bench.XXXXXX)  # on disk, not tmpfs: fsync is measured
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT
export CITYGRID_ELEMENTS_DIR="$ROOT/data/elements" CITYGRID_LOG_LEVEL=warn
"$CITYGRID" seed --scale demo --people 10 --data-dir "$DIR" --source "$ROOT/data/baotou" >/dev/null

python3 - "$DIR/citygrid.db" "$DIR/people.csv" "$ROWS" <<'PY'
import random, sqlite3, sys
db, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
grids = [r[0] for r in sqlite3.connect(db).execute(
    "SELECT code FROM org_units WHERE kind = 'grid' AND code LIKE '150203%' ORDER BY code")]
rng = random.Random(2026)
surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红燕鹏辉玲建国建华志强"
ethnic = ["汉族"] * 17 + ["蒙古族", "回族", "满族"]
status = ["户籍"] * 6 + ["流动人口", "外出"]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
seen = set()
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("序号,姓名,公民身份号码,民族,人口类型,独居老人,网格编码\n")
    n = 0
    while n < rows:
        y, m, d = rng.randint(1930, 2024), rng.randint(1, 12), rng.randint(1, 28)
        body = "150203%04d%02d%02d%03d" % (y, m, d, rng.randint(0, 999))
        if body in seen:
            continue
        seen.add(body)
        check = "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))
        n += 1
        f.write(f"{n},{name},{body}{check},{rng.choice(ethnic)},{rng.choice(status)},"
                f"{'是' if y < 1950 and rng.random() < 0.3 else ''},{rng.choice(grids)}\n")
PY
echo "rows: $ROWS ($(du -h "$DIR/people.csv" | cut -f1) CSV)"
run() {
  local start end
  start=$(date +%s.%N)
  "$CITYGRID" import persons "$DIR/people.csv" --scope 150203 --data-dir "$DIR" ${BATCH:+--batch $BATCH} 2>/dev/null \
    | sed -n '1,6p'
  end=$(date +%s.%N)
  echo "$1 wall time: $(echo "$end - $start" | bc) s, $(echo "$ROWS / ($end - $start)" | bc) rows/s"
}
run "first import (creates)"
run "second import (all matched, unchanged)"
echo "database size: $(du -cb "$DIR"/citygrid.db* | tail -1 | cut -f1 | numfmt --to=iec)"
