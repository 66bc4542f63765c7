#!/usr/bin/env bash
# mkfont.sh — build the CJK font that xunbang embeds (assets/fonts/).
#
# Extracts the WenQuanYi Micro Hei face (face 0) from Debian's fonts-wqy-microhei
# collection and subsets it with python3-fonttools to the characters an officials'
# desktop tool needs. The result is one TrueType-outline (glyf) .ttf, because:
#   - Fyne cannot use a .ttc collection (it crashes in the font painter);
#   - the PDF writer (gopdf) embeds only TrueType outlines, so CFF fonts such as
#     Noto CJK are no use for the printed need cards.
#
# Kept: ASCII, Latin-1, Latin Extended-A and the pinyin letters of Extended-B,
# spacing modifiers, Greek (μm, Ω in technical indicators), general punctuation,
# super/subscripts (CO₂), currency, letterlike symbols (℃ №), number forms (Ⅳ),
# arrows, mathematical operators, enclosed alphanumerics (①), box drawing,
# block elements, geometric shapes (● ○ ▲ ▼), miscellaneous symbols (★ ☆),
# dingbats (✓ ✔ ✘ ✕ — note the font has no ✗ U+2717), CJK symbols and
# punctuation, enclosed CJK letters, CJK compatibility (㎡ ㎏), CJK Unified
# Ideographs U+4E00–U+9FFF (all of it, so rare characters in company names such
# as 堃 犇 淼 render), CJK compatibility forms and full-width forms.
# Dropped: Hangul, kana, and everything else the font covers.
#
# TrueType hinting (fpgm/prep/cvt/gasp) and the default OpenType layout
# features are kept; the head table's timestamp is not recalculated, so the
# output is byte-for-byte reproducible and running the script twice changes
# nothing.
#
# The licence file is Debian's copyright file of fonts-wqy-microhei followed by
# the full Apache-2.0 text it refers to, so that it stands on its own.
#
# Needs the Debian packages fonts-wqy-microhei and python3-fonttools, run with
# Debian's /usr/bin/python3 (not a pyenv or virtualenv python, which lacks the
# fontTools module). The output is committed, so CI and other developers need
# neither.
#
# Usage: tools/mkfont/mkfont.sh   (from anywhere inside the repository)
set -euo pipefail

SRC=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
LICENSE_SRC=/usr/share/doc/fonts-wqy-microhei/copyright
APACHE_SRC=/usr/share/common-licenses/Apache-2.0 # Debian's copyright file only points at it
PYTHON=/usr/bin/python3

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out_dir=$repo_root/assets/fonts
out_font=$out_dir/wqy-microhei-subset.ttf
out_license=$out_dir/LICENSE-wqy-microhei.txt

missing=()
[[ -r $SRC ]] || missing+=("font $SRC (Debian package fonts-wqy-microhei)")
[[ -r $LICENSE_SRC ]] || missing+=("licence $LICENSE_SRC (Debian package fonts-wqy-microhei)")
[[ -r $APACHE_SRC ]] || missing+=("licence text $APACHE_SRC (Debian package base-files)")
if [[ ! -x $PYTHON ]]; then
	missing+=("$PYTHON (Debian package python3)")
elif ! "$PYTHON" -c 'import fontTools.subset' 2>/dev/null; then
	missing+=("the fontTools module for $PYTHON (Debian package python3-fonttools)")
fi
if ((${#missing[@]} > 0)); then
	echo "mkfont: cannot build the font; missing:" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	echo "install with: apt-get install -y --no-install-recommends fonts-wqy-microhei python3-fonttools" >&2
	exit 1
fi

unicodes=(
	U+0020-007E # ASCII
	U+00A0-00FF # Latin-1 Supplement
	U+0100-017F # Latin Extended-A (ā ē ī ō ū)
	U+01CD-01DC # pinyin letters of Latin Extended-B (ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ)
	U+02B0-02FF # spacing modifier letters (ˇ ˉ ˊ ˋ)
	U+0370-03FF # Greek (α β μ Ω)
	U+2000-206F # General Punctuation
	U+2070-209F # superscripts and subscripts
	U+20A0-20CF # currency symbols
	U+2100-214F # letterlike symbols (℃ №)
	U+2150-218F # number forms (Ⅰ Ⅱ Ⅲ)
	U+2190-21FF # arrows
	U+2200-22FF # mathematical operators
	U+2460-24FF # enclosed alphanumerics (① ②)
	U+2500-257F # box drawing
	U+2580-259F # block elements
	U+25A0-25FF # geometric shapes (● ○ ▲ ▼ ■ □)
	U+2600-26FF # miscellaneous symbols (★ ☆)
	U+2700-27BF # dingbats (✓ ✔ ✘ ✕)
	U+3000-303F # CJK Symbols and Punctuation
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
trap 'rm -f "$tmp" "$tmp.license"' EXIT

# --font-number=0: the proportional "WenQuanYi Micro Hei" face (1 is the Mono face).
"$PYTHON" -m fontTools.subset "$SRC" \
	--font-number=0 \
	--unicodes="$unicode_list" \
	--hinting \
	--notdef-outline \
	--name-IDs='*' \
	--name-languages='*' \
	--name-legacy \
	--no-recalc-timestamp \
	--drop-tables+=FFTM \
	--output-file="$tmp"

# Check what we wrote: one TrueType-outline face that has the glyphs we promise.
"$PYTHON" - "$tmp" <<'PY'
import sys
from fontTools.ttLib import TTFont

font = TTFont(sys.argv[1])
if "glyf" not in font or "CFF " in font:
    sys.exit("mkfont: subset has no TrueType (glyf) outlines")
cmap = font.getBestCmap()
want = "寻榜技术需求走访诊断确认堃犇淼龘ABCxyz019，。、：；（）【】《》￥✓●○▲▼★"
lost = [c for c in want if ord(c) not in cmap]
if lost:
    sys.exit("mkfont: subset lacks " + " ".join(lost))
PY

chmod 0644 "$tmp"
mv -f "$tmp" "$out_font"

{
	cat "$LICENSE_SRC"
	printf '\n\n%s\n\n' "----- $APACHE_SRC (the Apache-2.0 text the copyright file refers to) -----"
	cat "$APACHE_SRC"
} >"$tmp.license"
chmod 0644 "$tmp.license"
mv -f "$tmp.license" "$out_license"

size=$(stat -c %s "$out_font")
echo "mkfont: wrote $out_font ($size bytes, $(numfmt --to=iec-i --suffix=B "$size"))"
echo "mkfont: wrote $out_license"
