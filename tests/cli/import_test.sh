#!/usr/bin/env bash
# `citygrid import persons` as an operator uses it: suggested mapping, dry run, import, re-import
# (nothing changes), a differing value going to review instead of overwriting, --report, and
# broken files refused with a clear error and exit code 2. Usage: import_test.sh CITYGRID_BINARY
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CITYGRID=$1
. "$ROOT/tests/lib.sh"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CITYGRID" import persons --help >/dev/null || fail "import persons --help"
"$CITYGRID" seed --scale demo --people 10 --data-dir "$DIR" --source "$ROOT/data/baotou" >/dev/null

# Valid resident ID numbers (GB 11643 check character).
id() { python3 -c '
import sys
body = sys.argv[1]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11])' "$1"; }
A=$(id 15020319500304011); B=$(id 15020319600506022); C=$(id 15020319900708033)
GRID=150203010008001
cat > "$DIR/people.csv" <<CSV
序号,姓名,身份证号码,民族,联系电话,独居老人,人口类型,备注
1,王秀英,$A,汉族,13800000001,是,户籍,
2,李建国,$B,蒙古族,,否,流动人口,
3,张伟,$C,汉族,,,户籍,=HYPERLINK("http://x")
4,错号,150203195501010001,汉族,,,户籍,
CSV

out=$("$CITYGRID" import persons "$DIR/people.csv" --scope $GRID --dry-run --data-dir "$DIR" 2>"$DIR/err")
grep -q "3 身份证号码 -> person.id_number" "$DIR/err" || fail "mapping not shown: $(cat "$DIR/err")"
grep -q "1 序号 -> (ignored)" "$DIR/err" || fail "序号 mapped: $(cat "$DIR/err")"
grep -q "dry run: nothing written" <<<"$out" || fail "dry run: $out"
grep -Eq "created +3" <<<"$out" || fail "dry run counts: $out"
grep -q "row 5: invalid — person.id_number" <<<"$out" || fail "invalid row not reported: $out"

out=$("$CITYGRID" import persons "$DIR/people.csv" --scope $GRID --data-dir "$DIR" 2>"$DIR/err")
grep -Eq "created +3" <<<"$out" || fail "import: $out"
grep -Eq "invalid +1" <<<"$out" || fail "import: $out"
grep -q "import" "$DIR/err" || fail "no progress output"

# The same file again changes nothing; a differing phone goes to review, not into the record.
out=$("$CITYGRID" import persons "$DIR/people.csv" --scope $GRID --data-dir "$DIR" 2>/dev/null)
grep -Eq "unchanged +3" <<<"$out" || fail "re-import: $out"
sed -i "s/13800000001/13800000009/" "$DIR/people.csv"
out=$("$CITYGRID" import persons "$DIR/people.csv" --scope $GRID --data-dir "$DIR" \
  --report "$DIR/report.csv" 2>/dev/null)
grep -Eq "review +1" <<<"$out" || fail "conflict not sent to review: $out"
grep -q "^2,review,conflict," "$DIR/report.csv" || fail "report: $(cat "$DIR/report.csv")"
grep -q "existing.person.phone=138\*\*\*\*0001" "$DIR/report.csv" || fail "report masks: $(cat "$DIR/report.csv")"
grep -q "$A" "$DIR/report.csv" && fail "report holds an ID number"
[ "$(wc -l < "$DIR/report.csv")" -eq 5 ] || fail "report rows: $(cat "$DIR/report.csv")"

# --map overrides a suggestion; an unknown target is refused before anything is read.
set +e
err=$("$CITYGRID" import persons "$DIR/people.csv" --scope $GRID --map "备注=person.salary" --data-dir "$DIR" 2>&1)
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "unknown target" <<<"$err" || fail "bad --map: rc=$rc $err"

# Broken files: a clear message, exit code 2, no job.
printf 'PK\003\004broken' > "$DIR/cut.xlsx"
printf '\320\317\021\340\241\261\032\341%0600d' 0 > "$DIR/old.xls"
printf '姓名,身份证号码\n"张三,1\n' > "$DIR/open-quote.csv"
for f in cut.xlsx old.xls open-quote.csv; do
  set +e
  err=$("$CITYGRID" import persons "$DIR/$f" --scope $GRID --data-dir "$DIR" 2>&1)
  rc=$?
  set -e
  [ $rc -eq 2 ] && grep -q "^error: " <<<"$err" || fail "$f: rc=$rc $err"
done
set +e
err=$("$CITYGRID" import persons "$DIR/none.csv" --scope $GRID --data-dir "$DIR" 2>&1); rc=$?
set -e
[ $rc -ne 0 ] && grep -q "none.csv" <<<"$err" || fail "missing file: $err"
echo "import_test: ok"
