#!/bin/sh
# bench/ocr.sh BUILD_DIR: catscan's PDF and OCR extraction beside the tools
# a user would otherwise run, on the fixtures of tests/make-scans.sh:
#
#   1. text layer: 50 born-digital pages, catscan against pdftotext
#   2. OCR: ten 300 dpi A4 page images of Chinese and English contract
#      text, catscan's engine (one Tesseract kept loaded) against the
#      tesseract command (one process a page, as a script would run it),
#      seconds a page and character accuracy against the source text
#   2b. the same on nine degraded images (a shadow, a tilt with noise,
#      100 dpi), where catscan's preprocessing matters
#   3. a scanned 10-page PDF end to end, against pdftoppm -r 300 and
#      tesseract on each page
#
# Accuracy is 1 - edit distance / characters, whitespace removed ("raw"),
# and again after catscan's normaliser ("as matched": traditional forms
# mapped to simplified, case folded), which is what the rules see. Both
# sides use chi_sim+chi_tra+eng and one thread (OMP_THREAD_LIMIT=1 for the
# command; catscan sets it for itself); the command with its default
# threads is timed too. Needs BUILD_DIR/libcatscan.a (make); builds its two
# helpers into BUILD_DIR/bench.
set -eu

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
fx=${CATSCAN_FIXTURES:-$build/fixtures}
langs=chi_sim+chi_tra+eng
PKGS="libhs libutf8proc jansson libzmq libsystemd tesseract lept poppler-glib
libarchive libxml-2.0 gmime-3.0 uchardet"

[ -f "$build/libcatscan.a" ] || { echo "ocr.sh: build $build/libcatscan.a first (make)" >&2; exit 2; }
if ! [ "$fx/scans.stamp" -nt "$root/tests/make-scans.sh" ] ||
	! [ "$fx/scans.stamp" -nt "$root/tests/gen/mkpdf.c" ]; then
	sh "$root/tests/make-scans.sh" "$fx" >/dev/null
fi

mkdir -p "$build/bench"
bench=$build/bench/ocrbench
dist=$build/bench/ocrdist
# shellcheck disable=SC2046,SC2086
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-I"$root/common" -I"$root/classify" -I"$root/extract" \
	$(pkg-config --cflags $PKGS) -o "$bench" "$root/bench/ocrbench.c" \
	"$build/libcatscan.a" $(pkg-config --libs $PKGS) -lmagic -lm
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$dist" "$root/bench/ocrdist.c"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s.%N; }
# calc EXPR: floating point arithmetic
calc() { awk "BEGIN { printf $1 }"; }

# accuracy DIR NAMER ID...: "raw matched" accuracy of the readings in DIR
# (the file for page ID named by the function NAMER) against the source
# text bench-NN.txt, NN being ID up to its first "-".
accuracy() {
	dir=$1
	namer=$2
	shift 2
	rc=0 re=0 mc=0 me=0
	for id in "$@"; do
		ref="$fx/bench-${id%%-*}.txt"
		hyp="$dir/$($namer "$id")"
		[ -f "$hyp" ] || : >"$hyp"
		r=$("$dist" "$ref" "$hyp")
		rc=$((rc + $(echo "$r" | cut -d' ' -f1)))
		re=$((re + $(echo "$r" | cut -d' ' -f2)))
		"$bench" norm "$ref" >"$tmp/ref.n"
		"$bench" norm "$hyp" >"$tmp/hyp.n"
		r=$("$dist" "$tmp/ref.n" "$tmp/hyp.n")
		mc=$((mc + $(echo "$r" | cut -d' ' -f1)))
		me=$((me + $(echo "$r" | cut -d' ' -f2)))
	done
	calc "\"%.2f%% %.2f%%\", 100 * (1 - $re / $rc), 100 * (1 - $me / $mc)"
}
page_txt() { echo "bench-$1.txt"; }
page_doc() { echo "page-$1.txt"; }
page_cli() { echo "p-$1.txt"; }
TEN="01 02 03 04 05 06 07 08 09 10"
DEGRADED="01-shadow 02-shadow 03-shadow 01-tilt 02-tilt 03-tilt 01-lo100 02-lo100 03-lo100"

# tess OUTDIR IMAGE...: the tesseract command on each image, one thread;
# prints the seconds a page.
tess() {
	outdir=$1
	shift
	t0=$(now)
	for img in "$@"; do
		base=${img##*/}
		OMP_THREAD_LIMIT=1 tesseract "$img" "$outdir/${base%.*}" \
			-l "$langs" >/dev/null 2>&1
	done
	t1=$(now)
	calc "\"%.2f\", ($t1 - $t0) / $#"
}

echo "== 1. PDF text layer: $fx/bench-text.pdf (50 pages, 5 rounds)"
set -- $("$bench" text "$fx/bench-text.pdf" 5)
ours_pps=$3
t0=$(now)
for r in 1 2 3 4 5; do pdftotext -enc UTF-8 "$fx/bench-text.pdf" "$tmp/out.txt"; done
t1=$(now)
cli_pps=$(calc "\"%.1f\", 250 / ($t1 - $t0)")
printf '  catscan    %8s pages/s\n' "$ours_pps"
printf '  pdftotext  %8s pages/s\n' "$cli_pps"
printf '  ratio      %8s (catscan / pdftotext)\n' "$(calc "\"%.2f\", $ours_pps / $cli_pps")"

echo "== 2. OCR of ten 300 dpi A4 page images ($langs)"
mkdir -p "$tmp/ours" "$tmp/cli" "$tmp/clidef"
set -- $("$bench" ocr "$tmp/ours" "$fx"/bench-[01][0-9].png)
ours_spp=$(calc "\"%.2f\", $2 / $1")
ours_init=$3
cli_spp=$(tess "$tmp/cli" "$fx"/bench-[01][0-9].png)
# Tesseract's default of four OpenMP threads, on the first three pages.
t0=$(now)
for n in 01 02 03; do
	tesseract "$fx/bench-$n.png" "$tmp/clidef/bench-$n" -l "$langs" \
		>/dev/null 2>&1
done
t1=$(now)
def_spp=$(calc "\"%.2f\", ($t1 - $t0) / 3")
printf '  %-36s %6s %9s %11s\n' "" "s/page" "raw" "as matched"
printf '  %-36s %6s %9s %11s\n' "catscan (engine loaded once)" "$ours_spp" \
	$(accuracy "$tmp/ours" page_txt $TEN)
printf '  %-36s %6s %9s %11s\n' "tesseract, OMP_THREAD_LIMIT=1" "$cli_spp" \
	$(accuracy "$tmp/cli" page_txt $TEN)
printf '  %-36s %6s %9s %11s\n' "tesseract, default threads (3 pages)" \
	"$def_spp" $(accuracy "$tmp/clidef" page_txt 01 02 03)
printf '  catscan engine load: %s s once per process\n' "$ours_init"
printf '  speed ratio %s (tesseract 1 thread / catscan), %s (default threads / catscan)\n' \
	"$(calc "\"%.2f\", $cli_spp / $ours_spp")" \
	"$(calc "\"%.2f\", $def_spp / $ours_spp")"

echo "== 2b. OCR of degraded images: pages 1-3 shadowed, tilted and noisy, 100 dpi"
mkdir -p "$tmp/ours2" "$tmp/cli2"
imgs=""
for id in $DEGRADED; do imgs="$imgs $fx/bench-$id.jpg"; done
# shellcheck disable=SC2086
set -- $("$bench" ocr "$tmp/ours2" $imgs)
ours_spp=$(calc "\"%.2f\", $2 / $1")
# shellcheck disable=SC2086
cli_spp=$(tess "$tmp/cli2" $imgs)
printf '  %-36s %6s %9s %11s\n' "" "s/page" "raw" "as matched"
for kind in shadow tilt lo100; do
	ids="01-$kind 02-$kind 03-$kind"
	# shellcheck disable=SC2086
	printf '  %-36s %6s %9s %11s\n' "catscan, $kind" "" \
		$(accuracy "$tmp/ours2" page_txt $ids)
	# shellcheck disable=SC2086
	printf '  %-36s %6s %9s %11s\n' "tesseract, $kind" "" \
		$(accuracy "$tmp/cli2" page_txt $ids)
done
printf '  %-36s %6s\n' "catscan, all nine" "$ours_spp"
printf '  %-36s %6s\n' "tesseract (1 thread), all nine" "$cli_spp"

echo "== 3. Scanned PDF end to end: $fx/bench-scan.pdf (10 pages)"
mkdir -p "$tmp/doc" "$tmp/ppm"
set -- $("$bench" doc "$tmp/doc" "$fx/bench-scan.pdf")
ours_s=$2
ours_status=$3
t0=$(now)
pdftoppm -r 300 -gray "$fx/bench-scan.pdf" "$tmp/ppm/p"
for f in "$tmp"/ppm/p-*.pgm; do
	OMP_THREAD_LIMIT=1 tesseract "$f" "${f%.pgm}" -l "$langs" >/dev/null 2>&1
done
t1=$(now)
cli_s=$(calc "\"%.2f\", $t1 - $t0")
printf '  %-34s %8s %9s %11s\n' "" "seconds" "raw" "as matched"
printf '  %-34s %8s %9s %11s\n' "catscan ($ours_status, cold start)" "$ours_s" \
	$(accuracy "$tmp/doc" page_doc $TEN)
printf '  %-34s %8s %9s %11s\n' "pdftoppm -r 300 + tesseract" "$cli_s" \
	$(accuracy "$tmp/ppm" page_cli $TEN)
printf '  ratio      %s (pdftoppm+tesseract / catscan)\n' \
	"$(calc "\"%.2f\", $cli_s / $ours_s")"
