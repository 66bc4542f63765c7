"""merge.py — fill the holes of the WenQuanYi Micro Hei subset (run by mkfont.sh).

Usage: merge.py required REPO_ROOT OUT.txt
       merge.py merge SUBSET.ttf OUT.ttf REPO_ROOT SYMBOL_DONOR.ttf HAN_DONOR.ttf...

"required" writes the characters the font must draw into OUT.txt (for the subsetter's
--text-file); "merge" fills the subset's holes from the donors.

WenQuanYi Micro Hei maps some characters to glyphs that draw nothing (℃ ℉ Ⅴ Ⅹ and the pinyin
letters ǎ ǐ ǒ ǔ ǘ ǚ ǜ have no contours) or draw the wrong thing (its ½ ¼ ¾ lack a digit: ½
is "1/"), and it has no glyph for the CJK Extension A and B characters of the region data and
of the 通用规范汉字表. This script takes every character the font must draw (REQUIRED below),
and for each one the subset cannot draw copies the glyph from a donor font: ideographs from the
Han donors (Hanazono Mincho A, then B), everything else from the symbol donor (DejaVu Sans).
Copied glyphs are decomposed, scaled to the subset's units per em, aligned on the subset's
ideographic em box (Han) and given their own name and cmap entry; they carry no hinting.

It fails, naming the characters, when a required character has no drawable glyph in any of the
fonts, and checks what it wrote. The output is reproducible: the same inputs give the same
bytes.
"""

import gzip
import json
import pathlib
import sys
import unicodedata

from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

# Glyphs of the subset that exist and have contours but are wrong: WenQuanYi's vulgar fractions
# are composites that leave out a digit.
BROKEN = {0x00BD, 0x00BC, 0x00BE}

# The minimum number of contours of a correct glyph, where a wrong one has fewer: 1 ⁄ 2 for ½,
# 1 ⁄ 4 (a 4 has two contours) for ¼, 3 ⁄ 4 for ¾.
MIN_CONTOURS = {0x00BD: 3, 0x00BC: 4, 0x00BE: 4}


def gb2312(repo):
    """The characters of GB 2312: rows 0xA1–0xA9 (symbols, kana, Greek, Cyrillic, pinyin,
    bopomofo, box drawing) and 0xB0–0xF7 (the 6763 hanzi), decoded as GB 2312 and as GB 18030
    (as Go's GBK decoder does), which maps a few symbols to other code points (A1A4 ・/·) and
    fills some holes (A8BF ǹ)."""
    out = set()
    for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
        for lo in range(0xA1, 0xFF):
            for codec in ("gb2312", "gb18030"):
                try:
                    c = bytes([hi, lo]).decode(codec)
                except UnicodeDecodeError:
                    continue
                if len(c) == 1 and not 0xE000 <= ord(c) <= 0xF8FF:  # not the user-defined area
                    out.add(c)
    return out


def listed(path):
    """The characters of a list file: lines that are not comments, whitespace aside; in a
    tab-separated line, the second column."""
    out = set()
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if "\t" in line:
            line = line.split("\t")[1]
        out.update(c for c in line if not c.isspace())
    return out


def required(repo):
    """Every character the font must draw (the assets' font test checks the same set)."""
    req = gb2312(repo)
    req |= listed(repo / "tools/mkfont/symbols.txt")
    req |= listed(repo / "tools/mkfont/tongyong-guifan-hanzi.txt")
    req |= set(chr(c) for c in range(0x4E00, 0x9FA6))  # CJK Unified Ideographs of Unicode 1.1
    req |= set(chr(c) for c in range(0x21, 0x7F))  # ASCII
    with gzip.open(repo / "forms/regions/data/regions.tsv.gz", "rt", encoding="utf-8") as f:
        req |= set(f.read())
    req |= set((repo / "forms/data/catalogue.json").read_text(encoding="utf-8"))
    for p in sorted((repo / "assets/translations").glob("*.json")):
        for v in json.loads(p.read_text(encoding="utf-8")).values():
            req |= set(json.dumps(v, ensure_ascii=False))
    return {ord(c) for c in req if drawn(c)}


def drawn(c):
    """Whether a character has ink: not a space, a control or a format character."""
    return unicodedata.category(c)[0] not in "ZC"


def han(cp):
    return unicodedata.category(chr(cp)) == "Lo" and (
        0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0x20000 <= cp <= 0x3FFFF)


def recording(font, name):
    pen = DecomposingRecordingPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return pen


def contours(font, name):
    return sum(1 for op, _ in recording(font, name).value if op in ("closePath", "endPath"))


def drawable(font, cp):
    name = font.getBestCmap().get(cp)
    if name is None:
        return False
    return contours(font, name) >= MIN_CONTOURS.get(cp, 1)


def em_box(font, chars="国永"):
    """Centre (x, y) and height of the ideographic em as a font draws it, from reference
    ideographs."""
    cmap, glyf = font.getBestCmap(), font["glyf"]
    xs, ys, hs = [], [], []
    for c in chars:
        g = glyf[cmap[ord(c)]]
        g.recalcBounds(glyf)
        xs.append((g.xMin + g.xMax) / 2)
        ys.append((g.yMin + g.yMax) / 2)
        hs.append(g.yMax - g.yMin)
    return sum(xs) / len(xs), sum(ys) / len(ys), sum(hs) / len(hs)


def main():
    if sys.argv[1] == "required":
        text = "".join(chr(c) for c in sorted(required(pathlib.Path(sys.argv[2]))))
        pathlib.Path(sys.argv[3]).write_text(text, encoding="utf-8")
        return
    subset_path, out_path, repo = sys.argv[2], sys.argv[3], pathlib.Path(sys.argv[4])
    symbol_donor = TTFont(sys.argv[5])
    han_donors = [TTFont(p) for p in sys.argv[6:]]
    font = TTFont(subset_path, recalcTimestamp=False)
    upm = font["head"].unitsPerEm

    need = sorted(required(repo))
    todo = [cp for cp in need if cp in BROKEN or not drawable(font, cp)]

    glyf, hmtx = font["glyf"], font["hmtx"]
    vmtx = font["vmtx"] if "vmtx" in font else None
    cx, cy, _ = em_box(font)
    order = list(font.getGlyphOrder())
    added, lost = {}, []
    for cp in todo:
        donors = han_donors if han(cp) else [symbol_donor]
        donor = next((d for d in donors if drawable(d, cp)), None)
        if donor is None:
            lost.append(cp)
            continue
        dname = donor.getBestCmap()[cp]
        s = upm / donor["head"].unitsPerEm
        dx = dy = 0
        if han(cp):
            dcx, dcy, _ = em_box(donor)
            dx, dy = cx - dcx * s, cy - dcy * s
        pen = TTGlyphPen(None)
        recording(donor, dname).replay(TransformPen(pen, (s, 0, 0, s, dx, dy)))
        g = pen.glyph()
        g.recalcBounds(glyf)
        name = "xb%05X" % cp
        glyf[name] = g
        adv, _ = donor["hmtx"][dname]
        hmtx[name] = (round(adv * s), g.xMin)
        if vmtx is not None:
            vmtx[name] = (upm, 0)
        if name not in order:
            order.append(name)
        added[cp] = name
    if lost:
        sys.exit("mkfont: no font draws " + " ".join("%s U+%04X" % (chr(c), c) for c in lost))
    font.setGlyphOrder(order)
    glyf.glyphOrder = order

    # Map the characters: every Unicode subtable for the BMP, and a format 12 subtable (created
    # when missing) for what lies beyond it.
    cmap = font["cmap"]
    if not any(t.format == 12 for t in cmap.tables):
        base = next(t for t in cmap.tables if t.platformID == 3 and t.platEncID == 1)
        t12 = CmapSubtable.newSubtable(12)
        t12.platformID, t12.platEncID, t12.language = 3, 10, 0
        t12.cmap = dict(base.cmap)
        cmap.tables.append(t12)
    for t in cmap.tables:
        if not t.isUnicode():
            continue
        for cp, name in added.items():
            if t.format == 12 or cp <= 0xFFFF:
                t.cmap[cp] = name
    cmap.tables.sort(key=lambda t: (t.platformID, t.platEncID, t.language))
    for tag in ("hdmx", "LTSH", "VDMX"):  # per-glyph caches the new glyphs would make wrong
        if tag in font:
            del font[tag]

    font.save(out_path, reorderTables=True)

    # Check what was written.
    out = TTFont(out_path, recalcTimestamp=False)
    if "glyf" not in out or "CFF " in out:
        sys.exit("mkfont: the font has no TrueType (glyf) outlines")
    bad = [cp for cp in need if not drawable(out, cp)]
    if bad:
        sys.exit("mkfont: the font does not draw " + " ".join("%s U+%04X" % (chr(c), c) for c in bad))
    by_donor = {}
    for cp in added:
        by_donor.setdefault("Han donors" if han(cp) else "symbol donor", []).append(chr(cp))
    for k, v in sorted(by_donor.items()):
        print("mkfont: %d glyphs from the %s: %s" % (len(v), k, "".join(v[:60]) + ("…" if len(v) > 60 else "")))
    print("mkfont: %d required characters, all drawn" % len(need))


if __name__ == "__main__":
    main()
