#!/usr/bin/env bash
# mkfont.sh — build the CJK font that xunbang embeds (assets/fonts/).
#
# Extracts the WenQuanYi Micro Hei face (face 0) from Debian's fonts-wqy-microhei
# collection, subsets it with python3-fonttools to the characters an officials'
# desktop tool needs, and fills the subset's holes from two other fonts
# (tools/mkfont/merge.py). The result is one TrueType-outline (glyf) .ttf, because:
#   - Fyne cannot use a .ttc collection (it crashes in the font painter);
#   - the PDF writer (gopdf) embeds only TrueType outlines, so CFF fonts such as
#     Noto CJK are no use for the printed need cards.
#
# The font must draw (merge.py checks it, and so does assets' font test):
#   - GB 2312 (with its kana, Cyrillic, bopomofo and pinyin letters);
#   - the symbols engineers type, listed in tools/mkfont/symbols.txt (℃ ‰ Ω ± ≤ ①
#     Ⅻ ㎡ ½ → № and full-width ASCII);
#   - all of CJK Unified Ideographs U+4E00–U+9FA5 and the 8105 characters of the
#     通用规范汉字表 (tools/mkfont/tongyong-guifan-hanzi.txt), which hold the rare
#     characters of names that GB 2312 lacks (堃 犇 淼 喆 …, some in Extension A/B);
#   - every character of the region data, the field catalogue and the translations.
# Also kept from WenQuanYi: Latin-1 and Extended-A, Greek, general punctuation,
# super/subscripts, currency, letterlike symbols, number forms, arrows, mathematical
# operators, enclosed alphanumerics, box drawing, geometric shapes, miscellaneous
# symbols, dingbats (✓ ✔ ✘ ✕ — the font has no ✗ U+2717), CJK symbols, enclosed
# CJK letters, CJK compatibility, CJK compatibility forms and full-width forms.
#
# WenQuanYi draws nothing for ℃ ℉ Ⅴ Ⅹ ǎ ǐ ǒ ǔ ǘ ǚ ǜ and leaves a digit out of
# ½ ¼ ¾; those come from DejaVu Sans (fonts-dejavu-core). The CJK Extension A/B
# characters it lacks (in the region data: 㙍 㮾 䢺 …) come from Hanazono Mincho
# (fonts-hanazono), whose own licence allows modification and redistribution.
# The three licence files sit beside the font.
#
# TrueType hinting (fpgm/prep/cvt/gasp) and the default OpenType layout
# features are kept (copied glyphs carry no hinting); the head table's timestamp
# is not recalculated, so the output is byte-for-byte reproducible and running the
# script twice changes nothing.
#
# Needs the Debian packages fonts-wqy-microhei, fonts-dejavu-core, fonts-hanazono
# and python3-fonttools and python3-cffsubr, run with Debian's /usr/bin/python3 (not a pyenv or
# virtualenv python, which lacks the fontTools module). The output is committed,
# so CI and other developers need none of them.
#
# Usage: tools/mkfont/mkfont.sh   (from anywhere inside the repository)
set -euo pipefail

SRC=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
LICENSE_SRC=/usr/share/doc/fonts-wqy-microhei/copyright
APACHE_SRC=/usr/share/common-licenses/Apache-2.0 # Debian's copyright file only points at it
PYTHON=/usr/bin/python3
SYMBOLS=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
SYMBOLS_LICENSE=/usr/share/doc/fonts-dejavu-core/copyright
HAN=(/usr/share/fonts/truetype/hanazono/HanaMinA.ttf /usr/share/fonts/truetype/hanazono/HanaMinB.ttf)
HAN_LICENSE=/usr/share/doc/fonts-hanazono/copyright

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out_dir=$repo_root/assets/fonts
out_font=$out_dir/wqy-microhei-subset.ttf
out_cff=$out_dir/wqy-microhei-subset.otf
out_license=$out_dir/LICENSE-wqy-microhei.txt
out_symbols_license=$out_dir/LICENSE-dejavu.txt
out_han_license=$out_dir/LICENSE-hanazono.txt

missing=()
[[ -r $SRC ]] || missing+=("font $SRC (Debian package fonts-wqy-microhei)")
[[ -r $LICENSE_SRC ]] || missing+=("licence $LICENSE_SRC (Debian package fonts-wqy-microhei)")
[[ -r $APACHE_SRC ]] || missing+=("licence text $APACHE_SRC (Debian package base-files)")
[[ -r $SYMBOLS && -r $SYMBOLS_LICENSE ]] || missing+=("font $SYMBOLS and its licence (Debian package fonts-dejavu-core)")
for f in "${HAN[@]}" "$HAN_LICENSE"; do
	[[ -r $f ]] || missing+=("$f (Debian package fonts-hanazono)")
done
if [[ ! -x $PYTHON ]]; then
	missing+=("$PYTHON (Debian package python3)")
elif ! "$PYTHON" -c 'import fontTools.subset' 2>/dev/null; then
	missing+=("the fontTools module for $PYTHON (Debian package python3-fonttools)")
elif ! "$PYTHON" -c 'import cffsubr' 2>/dev/null; then
	missing+=("the cffsubr module for $PYTHON (Debian package python3-cffsubr)")
fi
if ((${#missing[@]} > 0)); then
	echo "mkfont: cannot build the font; missing:" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	echo "install with: apt-get install -y --no-install-recommends fonts-wqy-microhei fonts-dejavu-core fonts-hanazono python3-fonttools python3-cffsubr" >&2
	exit 1
fi

unicodes=(
	U+0020-007E # ASCII
	U+00A0-00FF # Latin-1 Supplement
	U+0100-017F # Latin Extended-A (ā ē ī ō ū)
	U+01CD-01DC # pinyin letters of Latin Extended-B (ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ)
	U+02B0-02FF # spacing modifier letters (ˇ ˉ ˊ ˋ)
	U+0250-02AF # IPA letters (ɑ ɡ of GBK)
	U+0370-03FF # Greek (α β μ Ω)
	U+0400-045F # Cyrillic (GB 2312 row 7)
	U+2000-206F # General Punctuation
	U+2070-209F # superscripts and subscripts
	U+20A0-20CF # currency symbols
	U+2100-214F # letterlike symbols (℃ №)
	U+2150-218F # number forms (Ⅰ Ⅱ Ⅲ)
	U+2190-21FF # arrows
	U+2200-22FF # mathematical operators
	U+2300-23FF # miscellaneous technical (⌒)
	U+2460-24FF # enclosed alphanumerics (① ②)
	U+2500-257F # box drawing
	U+2580-259F # block elements
	U+25A0-25FF # geometric shapes (● ○ ▲ ▼ ■ □)
	U+2600-26FF # miscellaneous symbols (★ ☆)
	U+2700-27BF # dingbats (✓ ✔ ✘ ✕)
	U+3000-303F # CJK Symbols and Punctuation
	U+3040-30FF # kana (GB 2312 rows 4 and 5)
	U+3100-312F # bopomofo (GB 2312 row 8)
	U+3200-32FF # enclosed CJK letters and months
	U+3300-33FF # CJK compatibility (㎡ ㎏)
	U+4E00-9FFF # CJK Unified Ideographs
	U+FE30-FE4F # CJK compatibility forms
	U+FF00-FFEF # Halfwidth and Fullwidth Forms
)
unicode_list=$(printf '%s,' "${unicodes[@]}")
unicode_list=${unicode_list%,}

mkdir -p "$out_dir"
tmp=$(mktemp "$out_dir/.wqy-microhei-subset.XXXXXX.ttf")
tmp_cff=$(mktemp "$out_dir/.wqy-microhei-subset.XXXXXX.otf")
work=$(mktemp -d)
trap 'rm -rf "$tmp" "$tmp_cff" "$tmp.license" "$work"' EXIT

# Every character the font must draw, for the subsetter too.
"$PYTHON" "$repo_root/tools/mkfont/merge.py" required "$repo_root" "$work/required.txt"

# --font-number=0: the proportional "WenQuanYi Micro Hei" face (1 is the Mono face).
"$PYTHON" -m fontTools.subset "$SRC" \
	--font-number=0 \
	--unicodes="$unicode_list" \
	--text-file="$work/required.txt" \
	--hinting \
	--notdef-outline \
	--name-IDs='*' \
	--name-languages='*' \
	--name-legacy \
	--no-recalc-timestamp \
	--drop-tables+=FFTM \
	--output-file="$work/subset.ttf"

# Fill the holes from the donors and check the result (see merge.py).
"$PYTHON" "$repo_root/tools/mkfont/merge.py" merge "$work/subset.ttf" "$tmp" "$repo_root" "$SYMBOLS" "${HAN[@]}"

# The window's copy: the same glyphs with CFF outlines, subroutinized (about
# two minutes).
"$PYTHON" "$repo_root/tools/mkfont/tocff.py" "$tmp" "$tmp_cff"

chmod 0644 "$tmp" "$tmp_cff"
mv -f "$tmp" "$out_font"
mv -f "$tmp_cff" "$out_cff"

{
	cat "$LICENSE_SRC"
	printf '\n\n%s\n\n' "----- $APACHE_SRC (the Apache-2.0 text the copyright file refers to) -----"
	cat "$APACHE_SRC"
} >"$tmp.license"
chmod 0644 "$tmp.license"
mv -f "$tmp.license" "$out_license"
install -m 0644 "$SYMBOLS_LICENSE" "$out_symbols_license"
install -m 0644 "$HAN_LICENSE" "$out_han_license"

size=$(stat -c %s "$out_font")
echo "mkfont: wrote $out_font ($size bytes, $(numfmt --to=iec-i --suffix=B "$size"))"
size=$(stat -c %s "$out_cff")
echo "mkfont: wrote $out_cff ($size bytes, $(numfmt --to=iec-i --suffix=B "$size"))"
echo "mkfont: wrote $out_license, $out_symbols_license, $out_han_license"
