#!/usr/bin/env python3
"""Writes the extraction test documents into the directory given.

Every document carries short marker strings (Chinese and English) that
the unit tests look for, so a test can tell which part of a file its text
came from. Nothing here reads the network or the clock: the same run gives
the same bytes.
"""
import base64
import bz2
import gzip
import io
import lzma
import os
import sys
import tarfile
import zipfile

ZH = "本技术涉及稀土萃取分离工艺，包括离子型稀土原矿堆浸提取技术。"
EN = "This specification covers rare earth extraction and separation technology."
ZH_TRAD = "本技術涉及稀土萃取分離工藝，包括稀土金屬冶煉技術。"

# A 1x1 PNG (transparent) and a tiny valid JPEG are not needed: the image
# handler is not under test here, only that media become child parts.
PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

FIXED_TIME = (2024, 1, 1, 0, 0, 0)

def write(out, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

def zip_bytes(members, compress=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in members:
            if isinstance(data, str):
                data = data.encode("utf-8")
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compress
            z.writestr(info, data)
    return buf.getvalue()

# --- OOXML -----------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

def w_par(text):
    return "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>" % text

def docx(body_paras, extra=(), media=True, embed=None):
    ct = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    body = "".join(w_par(p) for p in body_paras)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document %s><w:body>%s</w:body></w:document>' % (W, body))
    members = [("[Content_Types].xml", ct), ("_rels/.rels", rels),
               ("word/document.xml", doc)]
    members += list(extra)
    if media:
        members.append(("word/media/image1.png", PNG_1x1))
    if embed:
        members.append(embed)
    return zip_bytes(members)

def docx_full():
    # Runs split inside a word and a table, as Word writes them.
    body = ('<w:p><w:r><w:t>正文：稀土</w:t></w:r><w:r><w:t>萃取分离</w:t></w:r>'
            '<w:r><w:tab/><w:t>工艺</w:t></w:r></w:p>'
            '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格：钕铁硼</w:t></w:r></w:p></w:tc>'
            '<w:tc><w:p><w:r><w:t>最大磁能积 50 MGOe</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
            + w_par("Body: rare earth separation &amp; refining")
            + '<w:p><w:r><w:delText>删除：离子吸附型</w:delText></w:r></w:p>'
            '<w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            '<mc:Choice Requires="wps"><w:r><w:t>文本框：选择</w:t></w:r></mc:Choice>'
            '<mc:Fallback><w:r><w:t>文本框：备用</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document %s><w:body>%s</w:body></w:document>' % (W, body))
    hdr = '<w:hdr %s>%s</w:hdr>' % (W, w_par("页眉：出口管制"))
    ftr = '<w:ftr %s>%s</w:ftr>' % (W, w_par("页脚：机密"))
    fn = ('<w:footnotes %s><w:footnote w:id="1">%s</w:footnote></w:footnotes>'
          % (W, w_par("脚注：离子型稀土")))
    en = ('<w:endnotes %s><w:endnote w:id="1">%s</w:endnote></w:endnotes>'
          % (W, w_par("尾注：稀土冶炼")))
    cm = ('<w:comments %s><w:comment w:id="0" w:author="A">%s</w:comment></w:comments>'
          % (W, w_par("批注：请审核出口许可")))
    extra = [("word/header1.xml", hdr), ("word/footer1.xml", ftr),
             ("word/footnotes.xml", fn), ("word/endnotes.xml", en),
             ("word/comments.xml", cm)]
    data = docx([], extra, media=True,
                embed=("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx()))
    # Replace the empty body with the full one.
    buf = io.BytesIO(data)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "word/document.xml":
                content = doc.encode("utf-8")
            zout.writestr(info, content)
    return out.getvalue()

def xlsx():
    ct = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Override PartName="/xl/workbook.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    wb = '<workbook %s><sheets><sheet name="s1" sheetId="1"/></sheets></workbook>' % S
    sst = ('<sst %s count="2" uniqueCount="2"><si><t>表格：稀土分离纯度</t></si>'
           '<si><r><t>Sheet: separation </t></r><r><t>purity</t></r>'
           '<rPh><t>ふりがな</t></rPh></si></sst>' % S)
    sheet = ('<worksheet %s><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>99.999</v></c></row>'
             '<row r="2"><c r="A2" t="s"><v>1</v></c>'
             '<c r="B2" t="inlineStr"><is><t>内联：萃取</t></is></c></row>'
             '</sheetData></worksheet>' % S)
    return zip_bytes([("[Content_Types].xml", ct), ("xl/workbook.xml", wb),
                      ("xl/sharedStrings.xml", sst),
                      ("xl/worksheets/sheet1.xml", sheet)])

def pptx():
    ct = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Override PartName="/ppt/presentation.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>')
    P = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
         'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')
    def slide(tag, text):
        return ('<p:%s %s><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>%s</a:t></a:r></a:p>'
                '</p:txBody></p:sp></p:spTree></p:cSld></p:%s>' % (tag, P, text, tag))
    return zip_bytes([
        ("[Content_Types].xml", ct),
        ("ppt/presentation.xml", '<p:presentation %s/>' % P),
        ("ppt/slides/slide1.xml", slide("sld", "幻灯片一：稀土萃取")),
        ("ppt/slides/slide2.xml", slide("sld", "Slide two: separation")),
        ("ppt/slides/slide10.xml", slide("sld", "幻灯片十：冶炼")),
        ("ppt/notesSlides/notesSlide1.xml", slide("notes", "备注：出口前审核")),
        ("ppt/media/image1.png", PNG_1x1),
    ])

# --- ODF ---------------------------------------------------------------

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"')

def odf(mime, body, styles_body="", pictures=True):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>'
               '<office:body>%s</office:body></office:document-content>' % (ODF_NS, body))
    styles = ('<?xml version="1.0" encoding="UTF-8"?><office:document-styles %s>'
              '<office:master-styles>%s</office:master-styles></office:document-styles>'
              % (ODF_NS, styles_body))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        # The mimetype member comes first and is stored, as ODF requires.
        z.writestr(zipfile.ZipInfo("mimetype", FIXED_TIME), mime, zipfile.ZIP_STORED)
        for name, data in [("content.xml", content), ("styles.xml", styles),
                           ("META-INF/manifest.xml", "<manifest/>")]:
            z.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
        if pictures:
            z.writestr(zipfile.ZipInfo("Pictures/1.png", FIXED_TIME), PNG_1x1)
    return buf.getvalue()

def odt():
    body = ('<office:text><text:h>标题：稀土分离</text:h>'
            '<text:p>正文：稀土<text:span>萃取</text:span>分离<text:s text:c="2"/>工艺</text:p>'
            '<text:p>Body text<text:tab/>separation</text:p>'
            '<office:annotation><text:p>批注：审核</text:p></office:annotation>'
            '<table:table><table:table-row><table:table-cell><text:p>表格：钕</text:p>'
            '</table:table-cell><table:table-cell><text:p>铁硼</text:p></table:table-cell>'
            '</table:table-row></table:table></office:text>')
    styles = ('<style:master-page><style:header><text:p>页眉：出口管制</text:p></style:header>'
              '</style:master-page>')
    return odf("application/vnd.oasis.opendocument.text", body, styles)

def ods():
    body = ('<office:spreadsheet><table:table><table:table-row>'
            '<table:table-cell><text:p>表格：稀土纯度</text:p></table:table-cell>'
            '<table:table-cell><text:p>99.99</text:p></table:table-cell>'
            '</table:table-row></table:table></office:spreadsheet>')
    return odf("application/vnd.oasis.opendocument.spreadsheet", body, pictures=False)

def odp():
    body = ('<office:presentation><draw:page><draw:frame><draw:text-box>'
            '<text:p>幻灯片一：稀土</text:p></draw:text-box></draw:frame>'
            '<presentation:notes><draw:frame><draw:text-box><text:p>备注：分离</text:p>'
            '</draw:text-box></draw:frame></presentation:notes></draw:page>'
            '<draw:page><draw:frame><draw:text-box><text:p>幻灯片二：冶炼</text:p>'
            '</draw:text-box></draw:frame></draw:page></office:presentation>')
    return odf("application/vnd.oasis.opendocument.presentation", body)

# --- markup --------------------------------------------------------------

def html(charset="utf-8"):
    return ('<!DOCTYPE html><html><head><meta charset="%s"><title>标题：稀土</title>'
            '<style>.x { content: "样式不应出现" }</style>'
            '<script>var s = "脚本不应出现";</script></head>'
            '<body><p>正文：稀土&#33795;取分离 &amp; refining &lt;tech&gt;</p>'
            '<div>离子型<b>稀土</b>原矿</div><p>nbsp&nbsp;here</p></body></html>' % charset)

XML_DOC = ('<?xml version="1.0" encoding="UTF-8"?><spec><title>稀土萃取分离</title>'
           '<item unit="MGOe">Separation &amp; purification &#x7A00;&#x571F;</item></spec>')

XML_GBK = ('<?xml version="1.0" encoding="GBK"?><spec><t>声明编码：稀土冶炼</t></spec>')

XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY ext SYSTEM "file:///etc/hostname">'
       '<!ENTITY inner "内部实体：稀土">]><r>before &inner; &ext; after</r>')

def billion_laughs():
    ents = ['<!ENTITY l0 "lol">']
    for i in range(1, 11):
        ents.append('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10))
    return ('<?xml version="1.0"?><!DOCTYPE lolz [%s]><lolz>&l10;</lolz>' % "".join(ents))

# --- RTF -----------------------------------------------------------------

def rtf_hex(text, codec):
    return "".join("\\'%02x" % b for b in text.encode(codec))

def rtf_gbk():
    # \'hh GBK bytes under \ansicpg936, a \uN run with \uc1 fallbacks, and
    # the destinations a reader must skip.
    uni = "".join("\\u%d?" % (ord(c) if ord(c) < 32768 else ord(c) - 65536) for c in "萃取分离")
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0"
            "{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}{\\f1\\fswiss Arial;}}"
            "{\\colortbl;\\red0\\green0\\blue0;}"
            "{\\stylesheet{\\s0 Normal;}}"
            "{\\*\\generator Riched20 10.0;}"
            "{\\info{\\title \\'b1\\'ea\\'cc\\'e2}}"
            "\\pard\\f0 " + rtf_hex("正文：稀土", "gbk") + "\\par\n"
            "{\\uc1 " + uni + "}\\par\n"
            "\\f1 English: rare earth \\{braces\\} separation\\tab done\\par\n"
            "{\\*\\fldinst HYPERLINK \"http://example.invalid\"}{\\fldrslt link text}\\par\n"
            "{\\pict\\pngblip\\picw1\\pich1 " + PNG_1x1.hex() + "}\n"
            "\\f0 " + rtf_hex("结尾：冶炼", "gbk") + "\\par}")

def rtf_big5():
    return ("{\\rtf1\\ansi\\ansicpg950{\\fonttbl{\\f0\\fcharset136 MingLiU;}}\\f0 "
            + rtf_hex("繁體：稀土分離", "big5") + "\\par}")

# --- mail ----------------------------------------------------------------

def b64_lines(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))

def qp(text, codec="utf-8"):
    out = []
    for b in text.encode(codec):
        if 33 <= b <= 126 and b != 61:
            out.append(chr(b))
        elif b == 32:
            out.append(" ")
        else:
            out.append("=%02X" % b)
    s = "".join(out)
    return "=\r\n".join(s[i:i + 72] for i in range(0, len(s), 72))

def eml():
    specs = zip_bytes([("laser.docx", docx(["附件正文：激光稀土"], media=False))])
    inner = ("From: a@example.invalid\r\nTo: b@example.invalid\r\n"
             "Subject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n"
             + b64_lines("转发邮件：稀土冶炼".encode()) + "\r\n")
    subj = "=?UTF-8?B?%s?=" % base64.b64encode("主题：稀土分离报价".encode()).decode()
    name = "=?UTF-8?B?%s?=" % base64.b64encode("张三".encode()).decode()
    return ("From: %s <zhang@example.invalid>\r\n"
            "To: buyer@example.invalid\r\n"
            "Subject: %s\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"B1\"\r\n\r\n"
            "--B1\r\n"
            "Content-Type: multipart/alternative; boundary=\"B2\"\r\n\r\n"
            "--B2\r\n"
            "Content-Type: text/plain; charset=gbk\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--B2\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n"
            "--B2--\r\n"
            "--B1\r\n"
            "Content-Type: application/zip; name=\"specs.zip\"\r\n"
            "Content-Disposition: attachment; filename=\"specs.zip\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--B1\r\n"
            "Content-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--B1\r\n"
            "Content-Type: message/rfc822\r\n\r\n%s\r\n"
            "--B1--\r\n") % (
                name, subj,
                b64_lines("纯文本：稀土萃取技术".encode("gbk")),
                qp("<html><body><p>网页：离子型稀土</p><script>x=1</script></body></html>"),
                b64_lines(specs),
                b64_lines("无名附件：钕铁硼".encode()),
                inner)

def signed_mail():
    return ("From: a@example.invalid\r\nTo: b@example.invalid\r\n"
            "Subject: signed\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
            "micalg=sha-256; boundary=\"S\"\r\n\r\n"
            "--S\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n签名邮件：稀土分离\r\n"
            "--S\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
            "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n"
            "--S--\r\n")

def encrypted_mail():
    return ("From: a@example.invalid\r\nTo: b@example.invalid\r\n"
            "Subject: encrypted\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
            "boundary=\"E\"\r\n\r\n"
            "--E\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
            "--E\r\nContent-Type: application/octet-stream\r\n\r\n"
            "-----BEGIN PGP MESSAGE-----\r\nhQEMA0000000\r\n-----END PGP MESSAGE-----\r\n"
            "--E--\r\n")

def many_parts(n):
    parts = ["From: a@example.invalid\r\nTo: b@example.invalid\r\n"
             "Subject: many\r\nMIME-Version: 1.0\r\n"
             "Content-Type: multipart/mixed; boundary=\"M\"\r\n\r\n"]
    for i in range(n):
        parts.append("--M\r\nContent-Type: application/octet-stream\r\n"
                     "Content-Disposition: attachment; filename=\"p%d.txt\"\r\n\r\n"
                     "part %d\r\n" % (i, i))
    parts.append("--M--\r\n")
    return "".join(parts)

# --- archives ------------------------------------------------------------

def tar_bytes(members, mode):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data in members:
            if isinstance(data, str):
                data = data.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def bomb():
    # 1 GiB of zeros deflates to about 1 MiB; zlib streams it so the
    # generator never holds the gigabyte.
    import zlib
    size = 1 << 30
    chunk = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [comp.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(comp.flush())
    raw = b"".join(parts)
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    # Hand-write the zip: zipfile would deflate the gigabyte again.
    import struct
    name = b"zeros.bin"
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0x21,
                        crc, len(raw), size, len(name), 0) + name
    body = local + raw
    cd = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0x21,
                     crc, len(raw), size, len(name), 0, 0, 0, 0, 0, 0) + name
    eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(cd), len(body), 0)
    return body + cd + eocd

def nested(depth):
    data = zip_bytes([("deep.txt", "最深处：稀土")])
    for i in range(depth, 0, -1):
        data = zip_bytes([("level%d.zip" % i, data)])
    return data

def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(out, "en.txt", EN + "\n")
    write(out, "zh.txt", ZH + "\n")
    write(out, "zh-utf8-bom.txt", b"\xef\xbb\xbf" + (ZH + "\n").encode())
    write(out, "zh-utf16le-bom.txt", b"\xff\xfe" + (ZH + "\n").encode("utf-16-le"))
    write(out, "zh-utf16be-bom.txt", b"\xfe\xff" + (ZH + "\n").encode("utf-16-be"))
    write(out, "zh-utf16le.txt", (ZH + "\n").encode("utf-16-le"))
    write(out, "zh-utf16be.txt", (ZH + "\n").encode("utf-16-be"))
    write(out, "zh-gb18030.txt", (ZH + "\n").encode("gb18030"))
    write(out, "zh-big5.txt", (ZH_TRAD + "\n").encode("big5"))
    write(out, "empty.txt", b"")
    write(out, "garbage.bin", bytes((i * 7919 + 13) % 256 for i in range(4096)))
    write(out, "zh.html", html())
    write(out, "zh-gbk.html", html("gbk").encode("gbk"))
    write(out, "zh.xml", XML_DOC)
    write(out, "zh-gbk.xml", XML_GBK.encode("gbk"))
    write(out, "xxe.xml", XXE)
    write(out, "laughs.xml", billion_laughs())
    write(out, "zh.docx", docx_full())
    write(out, "zh.xlsx", xlsx())
    write(out, "zh.pptx", pptx())
    write(out, "zh.odt", odt())
    write(out, "zh.ods", ods())
    write(out, "zh.odp", odp())
    write(out, "zh.rtf", rtf_gbk())
    write(out, "big5.rtf", rtf_big5())
    write(out, "mail.eml", eml())
    write(out, "many.eml", many_parts(10000))
    write(out, "signed.eml", signed_mail())
    write(out, "encrypted.eml", encrypted_mail())
    members = [("docs/zh.txt", ZH + "\n"), ("docs/en.txt", EN + "\n")]
    write(out, "zh.zip", zip_bytes(members))
    write(out, "zh.tar", tar_bytes(members, "w"))
    write(out, "zh.tar.gz", tar_bytes(members, "w:gz"))
    write(out, "zh.tar.bz2", tar_bytes(members, "w:bz2"))
    write(out, "zh.tar.xz", tar_bytes(members, "w:xz"))
    write(out, "zh.txt.gz", gzip.compress((ZH + "\n").encode(), mtime=0))
    write(out, "zh.txt.bz2", bz2.compress((ZH + "\n").encode()))
    write(out, "zh.txt.xz", lzma.compress((ZH + "\n").encode()))
    write(out, "bomb.zip", bomb())
    write(out, "nested.zip", nested(50))
    whole = zip_bytes(members + [("docs/big.txt", (EN + "\n") * 2000)])
    write(out, "truncated.zip", whole[: len(whole) * 2 // 3])

if __name__ == "__main__":
    main()
