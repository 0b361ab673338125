#!/bin/sh
# Renders an official-layout text fixture (tests/fixtures/official/*.txt,
# pages separated by form feeds) as a PDF, one page per page, with cairo
# through tests/gen/mkpdf.c: born-digital text by default, or with
# --outline the same lines as glyph outlines, a page with no text layer that
# must go through OCR, as a scanned copy does.
# Usage: sh tests/make-official-pdf.sh [--outline] TEXT OUT.pdf
set -eu
kind=text
if [ "${1:-}" = --outline ]; then
	kind=outline
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--outline] TEXT OUT.pdf" >&2; exit 2; }
text=$1
out=$2
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc -std=c11 -O1 -o "$work/mkpdf" "$here/gen/mkpdf.c" \
	$(pkg-config --cflags --libs cairo)

# one file per page, split at the form feeds
awk -v dir="$work" 'BEGIN { RS = "\f"; ORS = "" }
	{ n++; f = sprintf("%s/page-%03d.txt", dir, n); print > f; close(f) }' "$text"

set --
for page in "$work"/page-*.txt; do
	set -- "$@" "$kind:$page"
done
"$work/mkpdf" "$out" "$@"
