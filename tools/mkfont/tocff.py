"""tocff.py — write the embedded font again with CFF outlines, for the window (run by mkfont.sh).

Usage: tocff.py IN.ttf OUT.otf

The window's text engine (go-text, inside Fyne) parses the outline of every TrueType
glyph when it loads a font, and Fyne loads the font once for each text style it draws
(regular, bold, …). For the subset's 34,760 glyphs that is 13 MB of heap in 106,000
objects and 40 ms of CPU each time. A CFF font's glyphs stay bytes until one is drawn:
once subroutinized (by cffsubr, which runs AFDKO's tx), the same glyphs load in
7 MB of plain bytes and under 10 ms. The PDF writer keeps the TrueType file (gopdf
embeds only TrueType outlines).

Each quadratic outline becomes the cubic one that draws exactly the same curve
(T2CharStringPen converts on the way); the glyph set, glyph order, metrics, cmap,
names and OpenType layout tables are those of IN. TrueType hinting is dropped: CFF
has its own, and the window's renderer uses neither. The output is reproducible:
the same input gives the same bytes.
"""

import sys

import cffsubr
from fontTools.cffLib import (CFFFontSet, CharStrings, GlobalSubrsIndex, IndexedStrings,
                              PrivateDict, TopDict, TopDictIndex)
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont, newTable


def to_cff(src, dst):
    font = TTFont(src, recalcTimestamp=False)
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    hmtx = font["hmtx"]

    charstrings = {}
    for name in glyph_order:
        pen = T2CharStringPen(hmtx[name][0], glyph_set)
        glyph_set[name].draw(pen)
        charstrings[name] = pen.getCharString()

    ps_name = font["name"].getDebugName(6) or "WenQuanYiMicroHei"
    cff = newTable("CFF ")
    fs = CFFFontSet()
    fs.major, fs.minor = 1, 0
    fs.strings = IndexedStrings()
    fs.GlobalSubrs = GlobalSubrsIndex()
    fs.topDictIndex = TopDictIndex()
    top = TopDict(strings=fs.strings, GlobalSubrs=fs.GlobalSubrs)
    top.charset = glyph_order
    private = PrivateDict(strings=fs.strings)
    top.Private = private
    cs = CharStrings(None, top.charset, fs.GlobalSubrs, private, None, None)
    for name, c in charstrings.items():
        c.private = private
        c.globalSubrs = fs.GlobalSubrs
        cs[name] = c
    top.CharStrings = cs
    head = font["head"]
    top.FontBBox = [head.xMin, head.yMin, head.xMax, head.yMax]
    top.FontMatrix = [1.0 / head.unitsPerEm, 0, 0, 1.0 / head.unitsPerEm, 0, 0]
    fs.topDictIndex.append(top)
    fs.fontNames = [ps_name]
    fs.topDictIndex.items = [top]
    cff.cff = fs

    for tag in ("glyf", "loca", "fpgm", "prep", "cvt ", "gasp", "hdmx", "LTSH", "VDMX"):
        if tag in font:
            del font[tag]
    font["CFF "] = cff
    maxp = font["maxp"]
    maxp.tableVersion = 0x00005000
    for attr in list(vars(maxp)):
        if attr not in ("tableTag", "tableVersion", "numGlyphs"):
            delattr(maxp, attr)
    font.sfntVersion = "OTTO"
    font["post"].formatType = 3.0  # glyph names live in CFF's charset
    # Decomposed, the composite glyphs' shared parts are repeated in every
    # glyph; subroutines share them again (8.7 MB become 3.8 MB).
    cffsubr.subroutinize(font)
    font.save(dst, reorderTables=True)  # head's timestamp is IN's (not recalculated)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    to_cff(sys.argv[1], sys.argv[2])
