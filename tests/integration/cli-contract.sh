#!/bin/sh
# The command-line contract: bad input gives a clear result or error, never
# a crash; exit codes follow DESIGN.md.
set -u
build=${1:-build}
cs="$build/catscan"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, expected exit, command...
	desc=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $desc: exit $got, expected $want"
		cat "$tmp/err"
		fail=1
	fi
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$tmp/out" "$1"; }

: >"$tmp/empty.txt"
check "empty file is clear" 0 "$cs" scan --local --json "$tmp/empty.txt"
[ "$(json_field verdict)" = clear ] || { echo "FAIL: empty file verdict"; fail=1; }

printf 'abc\377\376\000def \344\270' >"$tmp/bad.txt"
check "binary garbage is unscannable" 2 "$cs" scan --local --json "$tmp/bad.txt"
[ "$(json_field verdict)" = unscannable ] || { echo "FAIL: garbage verdict"; fail=1; }

# Text with a few invalid bytes and a NUL (damage, not binary) is still read.
{
	i=0
	while [ $i -lt 20 ]; do
		printf '本合同其他条款与附件具有同等法律效力，双方应共同遵守。\n'
		i=$((i + 1))
	done
	printf '乙方向甲方转让稀土萃取分离工艺技术及全套工艺文件。\377\376 Text.\000 更多。\344\270\n'
} >"$tmp/bad2.txt"
check "text with invalid UTF-8 and NUL" 1 "$cs" scan --local --json "$tmp/bad2.txt"
[ "$(json_field verdict)" = prohibited ] || { echo "FAIL: damaged text not read"; fail=1; }

check "missing file is an error" 2 "$cs" scan --local --json "$tmp/nope.txt"
grep -q "nope.txt" "$tmp/err" || { echo "FAIL: error does not name the file"; fail=1; }

check "bad as-of date" 2 "$cs" scan --local --as-of 2025-99-01 "$tmp/empty.txt"
check "no file" 2 "$cs" scan --local
check "unknown command" 2 "$cs" frobnicate
check "bad rule pack refused" 2 "$cs" scan --local --rules "$tmp/none.rules" "$tmp/empty.txt"

# A long single line (64 MiB) with a term at the far end is still read.
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("x" * (64 << 20))
    f.write(" 乙方转让稀土萃取分离工艺技术 ")' "$tmp/long.txt"
check "64 MiB line" 1 "$cs" scan --local --json "$tmp/long.txt"

# GB18030 text whose first byte libmagic takes for a DOS .COM program.
printf '附件：技术出口合同\n本合同项下乙方转让稀土萃取分离工艺技术。\n' |
	iconv -f UTF-8 -t GB18030 >"$tmp/gb.txt"
check "GB18030 text starting with 附件" 1 "$cs" scan --local --json "$tmp/gb.txt"
[ "$(json_field verdict)" = prohibited ] || { echo "FAIL: GB18030 text not read"; fail=1; }

# One rule phrase repeated past the classifier's match limit: what was
# matched counts, and the cut is reported, never a silent clear.
python3 -c 'import sys; sys.stdout.write("LFP " * 4300000)' >"$tmp/many.txt"
check "match limit" 2 "$cs" scan --local --json "$tmp/many.txt"
grep -q "match limit reached" "$tmp/out" || { echo "FAIL: match limit not reported"; fail=1; }
rm -f "$tmp/many.txt"

# A 1 GiB file (sparse: one long line of NULs) is over the input limit.
truncate -s 1G "$tmp/huge.txt"
check "1 GiB input" 2 "$cs" scan --local --json "$tmp/huge.txt"
grep -q "limit" "$tmp/err" || { echo "FAIL: 1 GiB input: no limit named"; fail=1; }
rm -f "$tmp/huge.txt"

# as-of: the 2025 battery item is not in force in 2024.
printf '本合同约定乙方向甲方转让电池用磷酸铁锂正极材料的制备工艺，压实密度2.65g/cm3，0.1C放电比容量162mAh/g，首次库伦效率97.6%%。\n' >"$tmp/lfp.txt"
check "LFP as of today" 1 "$cs" scan --local --json "$tmp/lfp.txt"
grep -q '"252604X"' "$tmp/out" || { echo "FAIL: 252604X not found today"; fail=1; }
"$cs" scan --local --json --as-of 2024-06-01 "$tmp/lfp.txt" >"$tmp/out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(1 if any(h["item"] == "252604X" for h in d["hits"]) else 0)' "$tmp/out" ||
	{ echo "FAIL: 252604X found as of 2024"; fail=1; }
grep -q '"as_of":"2024-06-01"' "$tmp/out" || { echo "FAIL: as_of not reported"; fail=1; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [o["item"] for o in d["other_editions"]] == ["252604X"] else 1)' "$tmp/out" ||
	{ echo "FAIL: as of 2024, 252604X not listed as another edition's hit"; fail=1; }

# rules check --data: every item must be in the Catalogue data.
mkdir "$tmp/data"
head -3 rules/data/catalogue-2025.jsonl >"$tmp/data/part.jsonl"
check "pack against partial data" 2 "$cs" rules check --data "$tmp/data"
grep -q ':6: item .* is not in the Catalogue data' "$tmp/err" ||
	{ echo "FAIL: rules check --data names no missing item"; fail=1; }
check "pack against the full data" 0 "$cs" rules check --data rules/data

[ "$fail" -eq 0 ] && echo "cli contract: ok"
exit "$fail"
