#!/bin/sh
# Writes the extraction test documents into the directory given (made if
# missing): text in several character sets, HTML and XML, OOXML and ODF,
# RTF, legacy Word (.doc), mail, archives, and hostile inputs (a zip bomb,
# a 50-deep nested zip, a 10000-part mail, a truncated zip, an encrypted
# zip).
# Usage: sh tests/make-fixtures.sh DIR
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
out=$1
here=$(dirname "$0")
mkdir -p "$out"
python3 "$here/gen/fixtures.py" "$out"
python3 "$here/gen/mkdoc.py" "$out/zh.doc" "本合同项下乙方向甲方转让稀土萃取分离工艺技术及全套工艺文件。"
python3 "$here/gen/mkdoc.py" --compressed "$out/en.doc" "Licensor shall transfer the rare earth solvent extraction separation process know-how."

# 7z and encrypted zip: python cannot write them; libarchive (already a
# build dependency) can, through a small generator.
cc -std=c11 -O1 -o "$out/mkarchive" "$here/gen/mkarchive.c" \
	$(pkg-config --cflags --libs libarchive)
"$out/mkarchive" 7z "$out/zh.7z" "docs/zh.txt=$out/zh.txt" "docs/en.txt=$out/en.txt"
"$out/mkarchive" zipcrypt "$out/encrypted.zip" "secret.txt=$out/zh.txt"
rm -f "$out/mkarchive"
