#!/bin/sh
# `catscan rules import` and `catscan rules coverage` end to end: the
# official-layout fixture as text, as a born-digital PDF and as a scan;
# the packs it writes pass `rules check` and `rules test` and scan
# documents; an adjustment notice turns the 2023 text into the 2025 one;
# coverage reads the result. Usage: sh tests/integration/import.sh BUILD
set -u
build=${1:-build}
cs=$build/catscan
fix=tests/fixtures/official
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
n=0

ok() { n=$((n + 1)); }
no() { n=$((n + 1)); bad=$((bad + 1)); echo "import: $*"; }

# exit code of a command, its output in $work/out
run() {
	"$@" >"$work/out" 2>&1
	echo $?
}

json() { # FILE EXPR: evaluates a python expression on the JSON in FILE
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

if ! "$cs" rules import --help >/dev/null 2>&1; then
	echo "import: catscan does not dispatch 'rules import' (cli/main.c)"
	exit 1
fi

# the text: every item, with its problems reported (exit 1), a pack that
# compiles and passes its own examples
code=$(run "$cs" rules import "$fix/catalogue-2025.txt" --edition 2025-07-15 \
	--no-curated -o "$work/txt.rules")
if [ "$code" -eq 1 ] && grep -q "7 items (0 prohibited, 7 restricted), 24 control points, 8 parameter conditions" "$work/out" &&
	grep -q "line 11: item 252604X point 1: \"≥0\" compares" "$work/out"; then ok; else no "text import: exit $code"; cat "$work/out"; fi
if "$cs" rules check "$work/txt.rules" >/dev/null && "$cs" rules test "$work/txt.rules" >"$work/test.out"; then ok; else no "text pack fails check or test"; cat "$work/test.out"; fi

# the same table as a PDF: the same pack
sh tests/make-official-pdf.sh "$fix/catalogue-2025.txt" "$work/catalogue-2025.pdf"
code=$(run "$cs" rules import "$work/catalogue-2025.pdf" --edition 2025-07-15 \
	--no-curated -o "$work/pdf.rules")
grep -v '^#' "$work/txt.rules" >"$work/a"
grep -v '^#' "$work/pdf.rules" >"$work/b" 2>/dev/null
if [ "$code" -eq 1 ] && cmp -s "$work/a" "$work/b"; then ok; else no "PDF import differs from the text import (exit $code)"; diff "$work/a" "$work/b" | head -20; fi

# a scanned copy (glyph outlines, read by OCR): every item is found, what
# OCR garbled is reported
sh tests/make-official-pdf.sh --outline "$fix/catalogue-2025.txt" "$work/scan.pdf"
code=$(run "$cs" rules import "$work/scan.pdf" --edition 2025-07-15 --no-curated \
	-o "$work/scan.rules")
if grep -q "unscannable" "$work/out"; then
	echo "import: no OCR here; the scanned copy is not tried"
elif [ "$code" -eq 1 ] && grep -q "^$work/scan.pdf: 7 items" "$work/out" &&
	"$cs" rules check "$work/scan.rules" >/dev/null; then ok
else no "scanned copy: exit $code"; cat "$work/out"; fi

# coverage of the imported pack: the whole edition, every item derived
"$cs" rules coverage "$work/pdf.rules" --json >"$work/cov.json"
if [ "$(json "$work/cov.json" 'd["complete"] and d["items_in_edition"] == 7 and d["items_derived"] == 7')" = True ] &&
	[ "$(json "$work/cov.json" 'sum(i["points"] for i in d["items"]), sum(i["params"] for i in d["items"]), sorted(set(i["class"] for i in d["items"]))')" = "(24, 8, ['restricted'])" ] &&
	[ "$(json "$work/cov.json" 'all(set(i) >= {"id","code","class","name_zh","points","params","derived"} for i in d["items"])')" = True ]; then ok
else no "coverage --json of the imported pack"; cat "$work/cov.json"; fi

# the shipped pack says plainly that it is partial
"$cs" rules coverage >"$work/cov.txt"
if grep -q "Items in the edition: 132." "$work/cov.txt" && grep -q "which this pack cannot name" "$work/cov.txt"; then ok; else no "coverage of the shipped pack"; cat "$work/cov.txt"; fi

# a derived rule scans a real document
printf '第二条 合作内容：乙方向境外氧化铝厂提供用树脂法从氧化铝母液中提取金属镓的全套工艺技术。\n' >"$work/gallium.txt"
"$cs" scan --local --json --rules "$work/txt.rules" "$work/gallium.txt" >"$work/scan.json"
if [ "$(json "$work/scan.json" '[(h["item"], h["point"], h["verdict"]) for h in d["hits"]]')" = "[('083201X', 2, 'restricted')]" ]; then ok; else no "derived rule on a document"; cat "$work/scan.json"; fi

# with the shipped pack as overlay (the default), the pack still passes
code=$(run "$cs" rules import "$fix/catalogue-2025.txt" --edition 2025-07-15 -o "$work/overlay.rules")
if [ "$code" -eq 1 ] && grep -q "7 overlaid with curated rules (7 by code, 0 by name)" "$work/out" &&
	"$cs" rules test "$work/overlay.rules" >/dev/null; then ok; else no "overlay import: exit $code"; cat "$work/out"; fi

# the 2023 text and the 2025 notice give the 2025 pack
"$cs" rules import "$fix/catalogue-2023.txt" --edition 2023-12-21 \
	--label "2023 (Announcement 2023 No. 57)" --no-curated -o "$work/2023.rules" >/dev/null
code=$(run "$cs" rules import --amend "$fix/notice-2025.txt" -o "$work/amended.rules" "$work/2023.rules")
if [ "$code" -eq 0 ] && grep -q "3 items deleted, 1 added" "$work/out" &&
	"$cs" rules test "$work/amended.rules" >/dev/null; then ok; else no "amend: exit $code"; cat "$work/out"; fi
printf '甲方向境外转让中国传统建筑技术及营造工艺。\n' >"$work/building.txt"
"$cs" scan --local --json --as-of 2024-06-01 --rules "$work/amended.rules" "$work/building.txt" >"$work/before.json"
"$cs" scan --local --json --as-of 2025-08-01 --rules "$work/amended.rules" "$work/building.txt" >"$work/after.json"
if [ "$(json "$work/before.json" 'd["verdict"]')" = prohibited ] && [ "$(json "$work/after.json" 'd["verdict"]')" = clear ]; then ok; else no "deleted item before and after the notice"; fi
"$cs" rules coverage "$work/amended.rules" --json --as-of 2025-08-01 >"$work/cov2.json"
if [ "$(json "$work/cov2.json" 'sorted(i["code"] for i in d["items"] if i["in_force"])')" = "$(json "$work/cov.json" 'sorted(i["code"] for i in d["items"])')" ]; then ok; else no "amended pack holds other items than the 2025 text"; fi

echo "import: $((n - bad)) of $n as expected"
[ "$bad" -eq 0 ]
