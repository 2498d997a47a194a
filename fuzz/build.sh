#!/usr/bin/env bash
# Builds every fuzz/*_fuzz.cpp as a libFuzzer binary with clang (ASan + UBSan) into build-geo/fuzz/.
# Each harness's sources are listed below; add a line for a new harness.
#   fuzz/build.sh && build-geo/fuzz/geojson_fuzz fuzz/corpus-run/geojson fuzz/corpus/geojson -max_total_time=60
# (copy the seed corpus to fuzz/corpus-run/ first so libFuzzer's new inputs stay out of git).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/build-geo/fuzz}  # build*/ is git-ignored
CXX=${CXX_FUZZ:-clang++}
FLAGS=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$ROOT/src")
mkdir -p "$OUT"

declare -A SOURCES=(
  [geojson_fuzz]="src/geo/geojson.cpp"
  [wkb_fuzz]="src/geo/wkb.cpp"
  [id_number_fuzz]="src/model/id_number.cpp src/model/uscc.cpp src/model/phone.cpp src/model/masking.cpp"
  [request_fuzz]="src/api/request_target.cpp src/api/json_body.cpp src/api/http_types.cpp src/core/result.cpp"
  [image_fuzz]="src/media/media.cpp src/media/internal/container.cpp src/media/internal/exif_gps.cpp src/core/result.cpp"
  [csv_fuzz]="src/tabular/table.cpp src/tabular/csv_reader.cpp src/tabular/internal/text_decoder.cpp src/core/result.cpp"
  [xlsx_fuzz]="src/tabular/table.cpp src/tabular/xlsx_reader.cpp src/tabular/internal/zip_archive.cpp src/tabular/internal/ooxml.cpp src/core/result.cpp"
  [open311_form_fuzz]="src/api/form.cpp src/api/xml_writer.cpp src/core/result.cpp"
  [multipart_fuzz]="src/api/multipart.cpp src/api/form.cpp src/core/result.cpp"
  [import_cells_fuzz]="src/imports/mapping.cpp src/forms/dictionary.cpp src/model/base_data.cpp src/model/id_number.cpp src/model/phone.cpp src/model/uscc.cpp src/model/org_unit.cpp src/core/result.cpp"
)
declare -A LIBS=(
  [geojson_fuzz]=""
  [wkb_fuzz]=""
  [id_number_fuzz]=""
  [request_fuzz]=""
  [image_fuzz]="$(pkg-config --cflags --libs vips libexif)"
  [csv_fuzz]=""
  [xlsx_fuzz]="$(pkg-config --libs libzip pugixml)"
  [open311_form_fuzz]=""
  [multipart_fuzz]=""
  [import_cells_fuzz]="-ltomlplusplus"
)

for harness in "$ROOT"/fuzz/*_fuzz.cpp; do
  name=$(basename "$harness" .cpp)
  srcs=()
  for s in ${SOURCES[$name]:-}; do srcs+=("$ROOT/$s"); done
  echo "building $OUT/$name" >&2
  # shellcheck disable=SC2086
  $CXX "${FLAGS[@]}" "$harness" "${srcs[@]}" ${LIBS[$name]:-} -o "$OUT/$name"
done
