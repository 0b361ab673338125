#!/bin/sh
# Every format extraction reads, end to end: the fixtures made by
# tests/make-fixtures.sh and tests/make-scans.sh are scanned with
# `catscan scan --local --json`, and each must give its expected verdict,
# detected type and items (the text of each fixture is known: see the
# generators).
set -u
build=${1:-build}
formats=$build/fixtures-formats
scans=${CATSCAN_FIXTURES:-$build/fixtures}
if [ ! -f "$formats/zh.docx" ] || [ tests/gen/fixtures.py -nt "$formats/zh.docx" ] ||
	[ ! -f "$formats/zh.doc" ] || [ tests/gen/mkdoc.py -nt "$formats/zh.doc" ]; then
	sh tests/make-fixtures.sh "$formats" >/dev/null || exit 1
fi
if [ ! -f "$scans/scans.stamp" ] || [ tests/make-scans.sh -nt "$scans/scans.stamp" ]; then
	sh tests/make-scans.sh "$scans" >/dev/null || exit 1
	touch "$scans/scans.stamp"
fi

RE=x-J-rare-earth-refining-processing
bad=0
n=0
# dir file verdict type items(comma-separated, - for none)
while read -r dir file verdict type items; do
	case "$dir" in ''|'#'*) continue ;; esac
	[ "$dir" = F ] && path=$formats/$file || path=$scans/$file
	n=$((n + 1))
	got=$("$build/catscan" scan --local --json "$path" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = ",".join(sorted(set(h["item"] for h in d["hits"]))) or "-"
print(d["verdict"], d["type"], items)')
	want="$verdict $type $(echo "$items" | sed "s/RE/$RE/g")"
	if [ "$got" != "$want" ]; then
		echo "$file: got '$got', expected '$want'"
		bad=$((bad + 1))
	fi
done <<'TABLE'
# character sets
F zh.txt prohibited text/plain RE
F zh-utf8-bom.txt prohibited text/plain RE
F zh-utf16le.txt prohibited text/plain RE
F zh-utf16le-bom.txt prohibited text/plain RE
F zh-utf16be.txt prohibited text/plain RE
F zh-utf16be-bom.txt prohibited text/plain RE
F zh-gb18030.txt prohibited text/plain RE
F zh-big5.txt prohibited text/plain RE
F en.txt review text/plain RE
F empty.txt clear application/x-empty -
# markup (short labelled texts: some carry only the subject, hence review)
F zh.html review text/html RE
F zh-gbk.html review text/html RE
F zh.xml review text/xml RE
F xxe.xml clear text/xml -
F laughs.xml unscannable text/xml -
# office documents
F zh.docx prohibited application/vnd.openxmlformats-officedocument.wordprocessingml.document RE
F zh.xlsx review application/vnd.openxmlformats-officedocument.spreadsheetml.sheet RE
F zh.pptx review application/vnd.openxmlformats-officedocument.presentationml.presentation RE
F zh.odt prohibited application/vnd.oasis.opendocument.text RE
F zh.odp review application/vnd.oasis.opendocument.presentation RE
F zh.ods clear application/vnd.oasis.opendocument.spreadsheet -
F zh.rtf review text/rtf RE
F big5.rtf review text/rtf RE
F zh.doc prohibited application/msword RE
F en.doc prohibited application/msword RE
# mail
F mail.eml review message/rfc822 RE
F signed.eml review message/rfc822 RE
F encrypted.eml unscannable message/rfc822 -
F many.eml unscannable message/rfc822 -
# archives
F zh.zip prohibited application/zip RE
F zh.7z prohibited application/x-7z-compressed RE
F zh.tar prohibited application/x-tar RE
F zh.tar.gz prohibited application/gzip RE
F zh.tar.bz2 prohibited application/x-bzip2 RE
F zh.tar.xz prohibited application/x-xz RE
F zh.txt.gz prohibited application/gzip RE
F zh.txt.bz2 prohibited application/x-bzip2 RE
F zh.txt.xz prohibited application/x-xz RE
F truncated.zip prohibited application/zip RE
F encrypted.zip unscannable application/zip -
F bomb.zip unscannable application/zip -
F nested.zip unscannable application/zip -
F garbage.bin unscannable application/octet-stream -
# images (OCR) and PDFs
S page1.png prohibited image/png 252604X,RE
S page1.gif prohibited image/gif 252604X,RE
S page1.webp prohibited image/webp 252604X,RE
S photo.jpg prohibited image/jpeg 252604X,RE
S pages.tif prohibited image/tiff 203912X,252604X,RE
S blurred.jpg unscannable image/jpeg -
S text.pdf prohibited application/pdf 203912X,252604X,RE
S scan.pdf prohibited application/pdf 203912X,252604X,RE
S mixed.pdf prohibited application/pdf 203912X,252604X,RE
S attach.pdf prohibited application/pdf RE
S owner-only.pdf prohibited application/pdf 203912X,252604X,RE
S encrypted.pdf unscannable application/pdf -
S truncated.pdf unscannable application/pdf -
S huge.png unscannable image/png -
S huge.gif unscannable image/gif -
TABLE
echo "formats: $((n - bad)) of $n as expected"
[ "$bad" -eq 0 ]
