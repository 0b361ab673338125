#!/bin/sh
# make-scans.sh OUTDIR: writes the image and PDF fixtures that the OCR and
# PDF tests and bench/ocr.sh read, from texts that mention technologies of
# the Catalogue, so that what OCR should find is known exactly.
#
#   page1.png page2.png   A4 pages at 300 dpi rendered from page1.txt, page2.txt
#   photo.jpg             page1 as a phone might take it: tilted, noisy, lossy
#   blurred.jpg           page1 small, blurred and lossy: OCR reads it badly
#   small.png             a few lines at screen resolution (about 100 dpi)
#   page1.gif page1.webp  page1 at 150 dpi in those formats
#   pages.tif             page1 and page2 as a two-page TIFF
#   scan.pdf              page1 and page2 as scanned pages (one image each)
#   text.pdf              the same texts as a born-digital text layer
#   mixed.pdf             a text page, a page of outlined text (no text
#                         layer), a scan under a junk private-use text layer,
#                         and a plain scan
#   encrypted.pdf         text.pdf with user password "secret"
#   owner-only.pdf        text.pdf encrypted with an owner password only
#   truncated.pdf         the first half of text.pdf
#   attach.pdf            one page and an attached file notes.txt
#   huge.png              a PNG header claiming 100000 x 100000 pixels
#   huge.gif              a GIF whose one frame claims 65535 x 65535 pixels
#   bench-NN.png/.txt     ten A4 pages of contract text at 300 dpi
#   bench-NN-shadow.jpg   pages 1-3 photographed under a shadow,
#   bench-NN-tilt.jpg     tilted with noise,
#   bench-NN-lo100.jpg    and scanned at 100 dpi
#   bench-scan.pdf        the ten pages as a scanned PDF
#   bench-text.pdf        fifty born-digital pages of the same texts
#
# Needs ImageMagick with the Noto CJK fonts, Ghostscript, python3, a C
# compiler and cairo (all in scripts/deps.sh). Takes a few seconds. The
# noise is seeded, so every run writes the same pictures. scans.stamp is
# written last: the tests look for it to know the set is complete.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"

FONT=Noto-Sans-CJK-SC
MKPDF="$out/mkpdf"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$MKPDF" \
	"$root/tests/gen/mkpdf.c" $(pkg-config --cflags --libs cairo)

# render TXT PNG [DENSITY WIDTH HEIGHT LEFT TOP]: the lines of TXT on a
# white page, by default A4 at 300 dpi with 2 cm margins.
render() {
	convert -density "${3:-300}" -units PixelsPerInch \
		-size "${4:-2480}x${5:-3508}" xc:white -font "$FONT" \
		-pointsize 12 -fill black -annotate "+${6:-236}+${7:-300}" "$(cat "$1")" \
		-colorspace Gray -depth 8 "$2"
}

cat >"$out/page1.txt" <<'EOF'
技术转让合同
第一条 合同标的
本合同项下乙方向甲方转让稀土萃取分离工艺技术及钕铁硼永磁材料制备技术。
Licensor shall transfer the lithium iron phosphate cathode preparation process.
EOF

cat >"$out/page2.txt" <<'EOF'
Annex 2: Scope of the licensed technology
The know-how includes the sintering temperatures and the carbon coating recipe.
附件二：许可技术范围包括无人机飞行控制技术
EOF

# Lines for the benchmark pages: contract language around real Catalogue
# items (rare earths, battery cathodes, drones, lidar, crop hybrids...).
cat >"$out/corpus-zh.txt" <<'EOF'
本合同项下乙方向甲方转让稀土萃取分离工艺技术。
转让内容包括钕铁硼永磁材料制备技术及相关图纸。
甲方应在合同生效后三十日内支付首期技术使用费。
乙方保证所转让的技术不侵犯任何第三方的知识产权。
磷酸铁锂正极材料的烧结温度曲线属于技术秘密。
三元正极材料前驱体的共沉淀工艺参数另行约定。
无人机飞行控制系统的源代码以加密方式交付。
激光雷达系统的点云处理算法不在本次许可范围内。
杂交水稻三系配套育种技术的亲本材料不得出口。
中药材资源及生产技术的种植规程作为附件三。
大型高速风洞设计建设技术的试验数据保密。
半导体器件制造技术的光刻工艺窗口由双方确认。
传感器制造技术的校准方法应符合国家标准。
通信传输技术的协议栈实现按模块分期交付。
信息处理技术中的语音合成模型权重不予转让。
计算机通用软件编制技术的开发文档随软件交付。
双方应遵守技术进出口管理条例的有关规定。
本合同须经商务主管部门登记后方可生效。
如涉及限制出口技术，乙方应先取得出口许可意向书。
技术资料交付清单见附件一，共计一百二十项。
培训期间乙方派遣工程师三名赴甲方现场指导。
验收标准以双方签署的技术指标确认书为准。
任何一方违约应向守约方支付合同总价百分之十的违约金。
因本合同引起的争议提交中国国际经济贸易仲裁委员会仲裁。
EOF

cat >"$out/corpus-en.txt" <<'EOF'
Licensor shall transfer the lithium iron phosphate cathode preparation process.
The rare earth solvent extraction and separation know-how is licensed exclusively.
Licensee may not sublicense the NdFeB magnet sintering technology.
All drawings of the unmanned aerial vehicle autopilot are confidential.
The lidar point cloud software is excluded from the scope of this licence.
Technical fees are payable within thirty days of each milestone.
Export of the licensed technology requires a licence from the competent authority.
The parties shall register this contract with the commerce department.
Training shall take place at the Licensee's plant for a period of four weeks.
Acceptance tests follow the technical specifications agreed in Annex 3.
Either party may terminate this agreement upon ninety days written notice.
Disputes shall be submitted to arbitration in Beijing under CIETAC rules.
The semiconductor lithography process window is defined in Annex 5.
Sensor calibration methods shall meet the applicable national standards.
Source code of the flight control system is delivered in encrypted form.
This agreement is governed by the laws of the People's Republic of China.
EOF

# bench_page N: writes bench-NN.txt, twelve Chinese and eight English
# lines starting at offsets that differ from page to page.
bench_page() {
	n=$1
	f=$(printf '%s/bench-%02d.txt' "$out" "$n")
	{
		awk -v s=$((n * 5)) 'NR > 0 { l[NR - 1] = $0 } END {
			for (i = 0; i < 12; i++) print l[(s + i) % NR] }' \
			"$out/corpus-zh.txt"
		awk -v s=$((n * 3)) 'NR > 0 { l[NR - 1] = $0 } END {
			for (i = 0; i < 8; i++) print l[(s + i) % NR] }' \
			"$out/corpus-en.txt"
	} >"$f"
}

render "$out/page1.txt" "$out/page1.png"
render "$out/page2.txt" "$out/page2.png"
render "$out/page1.txt" "$out/small.png" 100 1100 180 20 30
convert "$out/page1.png" -seed 7 -background white -rotate 2.5 \
	-attenuate 0.4 +noise Gaussian -blur 0x0.6 -quality 70 "$out/photo.jpg"
convert "$out/page1.png" -resize 40% -blur 0x2 -quality 20 "$out/blurred.jpg"
convert "$out/page1.png" -resize 50% "$out/page1.gif"
convert "$out/page1.png" -resize 50% "$out/page1.webp"
convert "$out/page1.png" "$out/page2.png" -compress lzw "$out/pages.tif"

"$MKPDF" "$out/scan.pdf" "image:$out/page1.png" "image:$out/page2.png"
"$MKPDF" "$out/text.pdf" "text:$out/page1.txt" "text:$out/page2.txt"
"$MKPDF" "$out/mixed.pdf" "text:$out/page1.txt" "outline:$out/page2.txt" \
	"junk:$out/page1.png" "image:$out/page2.png"

gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -dEncryptionR=3 \
	-dKeyLength=128 -sOwnerPassword=owner -sUserPassword=secret \
	-sOutputFile="$out/encrypted.pdf" "$out/text.pdf"
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -dEncryptionR=3 \
	-dKeyLength=128 -sOwnerPassword=owner \
	-sOutputFile="$out/owner-only.pdf" "$out/text.pdf"
size=$(wc -c <"$out/text.pdf")
head -c $((size / 2)) "$out/text.pdf" >"$out/truncated.pdf"

python3 - "$out" <<'EOF'
import struct, sys, zlib

out = sys.argv[1]

def chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xffffffff
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

# Only the header is ever read: one row of pixels is enough data.
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
with open(out + "/huge.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\0" * 100001)) + chunk(b"IEND", b""))

# A GIF: header, a logical screen of 16 x 16 without colour table, then
# one frame claiming 65535 x 65535 pixels, a code size, no data, trailer.
with open(out + "/huge.gif", "wb") as f:
    f.write(b"GIF89a" + struct.pack("<HHBBB", 16, 16, 0, 0, 0) +
            b"\x2c" + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0) +
            b"\x08\x00" + b"\x3b")

# A one-page PDF written by hand, since cairo cannot attach files.
note = "附件说明：稀土萃取分离工艺技术参数表\n".encode()
page = b"BT /F1 12 Tf 56 780 Td (Technical annex, see the attached notes.) Tj ET"
objs = [
    b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles"
    b" << /Names [(notes.txt) 5 0 R] >> >> >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    b" /Resources << /Font << /F1 6 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
    b"<< /Type /Filespec /F (notes.txt) /UF (notes.txt) /EF << /F 7 0 R >> >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(note) + note +
    b"\nendstream",
]
pdf = b"%PDF-1.7\n"
offsets = []
for i, o in enumerate(objs, 1):
    offsets.append(len(pdf))
    pdf += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
pdf += b"".join(b"%010d 00000 n \n" % off for off in offsets)
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
    len(objs) + 1, xref)
with open(out + "/attach.pdf", "wb") as f:
    f.write(pdf)
EOF

for n in 1 2 3 4 5 6 7 8 9 10; do
	bench_page "$n"
	b=$(printf '%s/bench-%02d' "$out" "$n")
	render "$b.txt" "$b.png"
done
for n in 01 02 03; do
	b="$out/bench-$n"
	convert "$b.png" -seed 11 -resize 60% \( -size 1488x2105 \
		gradient:'#ffffff-#555555' -rotate 90 -resize 1488x2105\! \) \
		-compose multiply -composite -attenuate 0.4 +noise Gaussian \
		-quality 70 "$b-shadow.jpg"
	convert "$b.png" -seed 12 -background white -rotate 2.5 \
		-attenuate 0.4 +noise Gaussian -blur 0x0.6 -quality 70 \
		"$b-tilt.jpg"
	convert "$b.png" -resize 33.3% -quality 80 "$b-lo100.jpg"
done
set --
for n in 1 2 3 4 5 6 7 8 9 10; do
	set -- "$@" "image:$(printf '%s/bench-%02d.png' "$out" "$n")"
done
"$MKPDF" "$out/bench-scan.pdf" "$@"
set --
for copy in 1 2 3 4 5; do
	for n in 1 2 3 4 5 6 7 8 9 10; do
		set -- "$@" "text:$(printf '%s/bench-%02d.txt' "$out" "$n")"
	done
done
"$MKPDF" "$out/bench-text.pdf" "$@"
touch "$out/scans.stamp"
