#!/bin/sh
# catscan audit: every file under a folder, one report line each, links
# not followed, unreadable files reported, a second run resumes from the
# report, and --as-of-mtime screens each file as of its own date.
set -u
build=${1:-build}
cs="$build/catscan"
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
fail=0
failed() { echo "FAIL: $*"; fail=1; }
lines() { wc -l <"$1" | tr -d ' '; }

mkdir -p "$tmp/deals/2024" "$tmp/deals/2026"
printf '本合同约定乙方向甲方转让电池用磷酸铁锂正极材料的制备工艺，压实密度2.65g/cm3，0.1C放电比容量162mAh/g，首次库伦效率97.6%%。\n' \
	>"$tmp/deals/2024/lfp.txt"
cp "$tmp/deals/2024/lfp.txt" "$tmp/deals/2026/lfp.txt"
touch -d 2024-03-01 "$tmp/deals/2024/lfp.txt"
cp examples/laser-printer-lease-en.txt "$tmp/deals/2026/"
ln -s /etc "$tmp/deals/etc-link"
printf 'secret' >"$tmp/deals/locked.txt"
chmod 000 "$tmp/deals/locked.txt"

report="$tmp/report.jsonl"
"$cs" audit --report "$report" --as-of-mtime "$tmp/deals" >"$tmp/out" 2>&1
code=$?
# as root the locked file is readable; otherwise it is an unscannable line
[ "$(id -u)" -eq 0 ] && want=1 || want=2
[ $code -eq $want ] || failed "exit $code, expected $want"
[ "$(lines "$report")" -eq 4 ] || failed "report has $(lines "$report") lines, expected 4"
grep -q '/etc' "$report" && failed "followed a link out of the folder"
verdict_of() {
	python3 - "$report" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["file"].endswith(sys.argv[2]):
        print(d["verdict"], ",".join(h["item"] for h in d["hits"]),
              ",".join(o["item"] for o in d.get("other_editions", [])))
PY
}
# the 2024 copy predates 252604X: clear then, but another edition flags it
[ "$(verdict_of 2024/lfp.txt)" = "clear  252604X" ] || failed "2024 copy: $(verdict_of 2024/lfp.txt)"
case "$(verdict_of 2026/lfp.txt)" in restricted\ 252604X*) ;; *) failed "2026 copy: $(verdict_of 2026/lfp.txt)" ;; esac
[ "$(verdict_of laser-printer-lease-en.txt)" = "clear  " ] || failed "laser printer lease"
grep -q "4 files in the report" "$tmp/out" || failed "summary: $(head -1 "$tmp/out")"

# Resume: nothing new is scanned; a changed file is scanned again.
"$cs" audit --report "$report" --as-of-mtime "$tmp/deals" >"$tmp/out2" 2>&1
[ "$(lines "$report")" -eq 4 ] || failed "second run added lines"
grep -q "(0 scanned in this run, 4 from earlier runs)" "$tmp/out2" || failed "resume summary: $(head -1 "$tmp/out2")"
echo "更多内容。" >>"$tmp/deals/2026/lfp.txt"
"$cs" audit --report "$report" "$tmp/deals" >/dev/null 2>&1
[ "$(lines "$report")" -eq 5 ] || failed "a changed file was not scanned again"

"$cs" audit --report "$report" --as-of 2025-02-30 "$tmp/deals" >/dev/null 2>&1
[ $? -eq 2 ] || failed "a bad --as-of was accepted"
[ "$fail" -eq 0 ] && echo "audit: ok"
exit "$fail"
