#!/usr/bin/env python3
"""Writes a minimal Word 97 binary document (.doc) holding a given text.

There is no word processor on the build machines, so the fixtures for the
.doc reader are built here from the specifications: [MS-CFB] for the
compound file (version 3, 512-byte sectors, one FAT, no mini stream) and
[MS-DOC] for the FIB and the piece table. The file has a Root Entry and
two streams, "WordDocument" (the FIB, then the text) and "1Table" (a Clx:
one Prc, then the Pcdt). Both streams are padded to 4096 bytes or more so
that they live in regular sectors, not the mini stream.

Usage: mkdoc.py [options] OUT TEXT
  --compressed   store the text as 8-bit cp1252 (fCompressed pieces);
                 the default is UTF-16LE
  --pieces N     split the text into N pieces, stored in the stream in
                 reverse order (as a fast save leaves them), so a reader
                 must follow the piece table rather than the file
  --mixed        alternate compressed and UTF-16 pieces (with --pieces)
  --encrypted    set fEncrypted in the FIB
  --no-word      write a compound file with a "Contents" stream and no
                 WordDocument
  --truncate N   keep only the first N bytes of the file

In TEXT, \\xHH stands for the character U+00HH, so that Word's control
characters (0x07 cell mark, 0x13-0x15 fields) can be given on a command
line. A paragraph mark (0x0D) is appended, as Word ends every document.
The same arguments always give the same bytes.
"""
import re
import struct
import sys

SECTOR = 512
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

# FIB layout for nFib 0x00C1: FibBase (32 bytes), csw + FibRgW97 (14
# words), cslw + FibRgLw97 (22 longs), cbRgFcLcb + FibRgFcLcb97 (93 pairs),
# cswNew (0).
CSW, CSLW, CB_RG_FC_LCB = 14, 22, 93
RGLW_OFF = 32 + 2 + 2 * CSW + 2
RGFCLCB_OFF = RGLW_OFF + 4 * CSLW + 2
FIB_SIZE = RGFCLCB_OFF + 8 * CB_RG_FC_LCB + 2
FC_CLX_INDEX = 33  # fcClx/lcbClx is the 34th pair of FibRgFcLcb97
TEXT_START = 0x400

F_ENCRYPTED = 0x0100
F_WHICH_TBL_STM = 0x0200
F_COMPLEX = 0x0004
F_EXT_CHAR = 0x1000


def pad(data, minimum=4096):
    size = max(minimum, (len(data) + SECTOR - 1) // SECTOR * SECTOR)
    return data + b"\0" * (size - len(data))


def split(text, n):
    step = max(1, (len(text) + n - 1) // n)
    parts = [text[i:i + step] for i in range(0, len(text), step)]
    return parts + [""] * (n - len(parts)) if len(parts) < n else parts


def word_streams(text, compressed, pieces, mixed, encrypted):
    """Returns (WordDocument, 1Table) for text."""
    parts = split(text, pieces)
    kinds = [(compressed if not mixed else i % 2 == 0) for i in range(len(parts))]
    # Reverse file order: the last piece is written first.
    body = bytearray()
    offsets = [0] * len(parts)
    for i in reversed(range(len(parts))):
        offsets[i] = TEXT_START + len(body)
        body += parts[i].encode("cp1252" if kinds[i] else "utf-16-le")
    cps = [0]
    for p in parts:
        cps.append(cps[-1] + len(p))
    pcds = b""
    for i in range(len(parts)):
        fc = (offsets[i] * 2) | 0x40000000 if kinds[i] else offsets[i]
        pcds += struct.pack("<HIH", 0, fc, 0)
    plc = b"".join(struct.pack("<I", cp) for cp in cps) + pcds
    prc = struct.pack("<BhHB", 0x01, 3, 0x0835, 1)  # sprmCFBold on
    clx = prc + struct.pack("<BI", 0x02, len(plc)) + plc
    table = pad(bytes(clx))

    flags = F_WHICH_TBL_STM | F_EXT_CHAR
    if pieces > 1:
        flags |= F_COMPLEX
    if encrypted:
        flags |= F_ENCRYPTED
    fib = bytearray(FIB_SIZE)
    struct.pack_into("<HHHHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0804, 0,
                     flags, 0x00BF)
    struct.pack_into("<H", fib, 32, CSW)
    struct.pack_into("<H", fib, RGLW_OFF - 2, CSLW)
    wd_len = len(pad(bytes(TEXT_START) + bytes(body)))
    struct.pack_into("<I", fib, RGLW_OFF, wd_len)          # cbMac
    struct.pack_into("<i", fib, RGLW_OFF + 12, len(text))  # ccpText
    struct.pack_into("<H", fib, RGFCLCB_OFF - 2, CB_RG_FC_LCB)
    struct.pack_into("<II", fib, RGFCLCB_OFF + 8 * FC_CLX_INDEX, 0, len(clx))
    wd = bytes(fib) + bytes(TEXT_START - FIB_SIZE) + bytes(body)
    return pad(wd), table


def dir_entry(name, kind, child=NOSTREAM, left=NOSTREAM, right=NOSTREAM,
              start=ENDOFCHAIN, size=0):
    if name is None:
        return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM,
                           NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0)
    raw = (name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, left,
                       right, child, b"", 0, 0, 0, start, size)


def compound_file(streams):
    """A CFB v3 file holding streams: a list of (name, bytes), 1 or 2."""
    counts = [len(data) // SECTOR for _, data in streams]
    nfat = 1
    while (nfat + 1 + sum(counts)) > nfat * (SECTOR // 4):
        nfat += 1
    assert nfat <= 109, "too large for a header-only DIFAT"
    fat = [FATSECT] * nfat + [ENDOFCHAIN]  # FAT sectors, then directory
    starts = []
    for n in counts:
        first = len(fat)
        starts.append(first)
        fat += [first + k + 1 for k in range(n - 1)] + [ENDOFCHAIN]
    fat += [FREESECT] * (nfat * (SECTOR // 4) - len(fat))

    # Siblings are ordered by name length, then name: "1Table" is left of
    # "WordDocument", which is the root's child.
    entries = [None] * 4
    names = [name for name, _ in streams]
    order = sorted(range(len(streams)),
                   key=lambda i: (len(names[i]), names[i].upper()))
    top = order[-1]
    entries[0] = dir_entry("Root Entry", 5, child=top + 1)
    for i, (name, data) in enumerate(streams):
        left = order[0] + 1 if i == top and len(order) > 1 else NOSTREAM
        entries[i + 1] = dir_entry(name, 2, left=left, start=starts[i],
                                   size=len(data))
    directory = b"".join(e if e else dir_entry(None, 0) for e in entries)

    header = bytearray(SECTOR)
    struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0,
                     bytes.fromhex("D0CF11E0A1B11AE1"), b"", 0x003E, 0x0003,
                     0xFFFE, 9, 6, b"", 0, nfat, nfat, 0, 4096, ENDOFCHAIN, 0,
                     ENDOFCHAIN, 0)
    difat = list(range(nfat)) + [FREESECT] * (109 - nfat)
    struct.pack_into("<109I", header, 76, *difat)
    fat_bytes = struct.pack("<%dI" % len(fat), *fat)
    return bytes(header) + fat_bytes + directory + b"".join(d for _, d in streams)


def main(argv):
    opts = {"compressed": False, "pieces": 1, "mixed": False,
            "encrypted": False, "no_word": False, "truncate": None}
    args = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("--compressed", "--mixed", "--encrypted", "--no-word"):
            opts[a[2:].replace("-", "_")] = True
        elif a in ("--pieces", "--truncate"):
            i += 1
            opts[a[2:]] = int(argv[i])
        else:
            args.append(a)
        i += 1
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    out, text = args
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    text += "\r"
    if opts["no_word"]:
        data = compound_file([("Contents", pad(text.encode("utf-16-le")))])
    else:
        wd, table = word_streams(text, opts["compressed"], opts["pieces"],
                                 opts["mixed"], opts["encrypted"])
        data = compound_file([("WordDocument", wd), ("1Table", table)])
    if opts["truncate"] is not None:
        data = data[:opts["truncate"]]
    with open(out, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
