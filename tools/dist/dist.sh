#!/usr/bin/env bash
# dist.sh — `make dist`: the packages for real machines, built on this Debian machine.
#
#   dist/xunbang-$VERSION-linux-amd64.tar.xz   binary, .desktop entry, hicolor icon, font licence
#                                              and a Makefile (make user-install / sudo make install);
#                                              linked against Debian 11's glibc (runs on glibc >= 2.27)
#   dist/xunbang-$VERSION-windows-amd64.exe    PE32+ GUI, cross-compiled with Debian's mingw-w64,
#                                              icon, manifest and version resource embedded
#   dist/xunbang-$VERSION-linux-arm64.tar.xz   the same as amd64, cross-compiled with Debian's
#                                              gcc-aarch64-linux-gnu; skipped (not failed) when the
#                                              cross toolchain or the arm64 libraries cannot be had
#   dist/SHA256SUMS
#
# The tarball layout is made here rather than by `fyne package -os linux`: fyne package would
# compile the program a second time (with its own flags, not our tags and -X version), name the
# desktop file and icon after the display name (寻榜.desktop, 寻榜.png), put the icon in pixmaps
# rather than the hicolor theme, and offers no Name[en] or Categories without FyneApp.toml
# changes. Its Makefile's targets (install, uninstall, user-install, user-uninstall with
# DESTDIR/PREFIX) are kept, so the instructions people know still work.
#
# Everything is built from one snapshot of the work tree copied into a temporary directory, so
# that all artefacts come from the same source even while others edit the tree, and so that the
# Windows resource object (rsrc_windows_amd64.syso, which `go build` only picks up from the
# package directory) never appears in the repository.
#
# Called by the Makefile as `bash tools/dist/dist.sh` with GO, VERSION, TAGS and LDFLAGS in the
# environment; each has a default so the script also runs on its own. Further knobs:
#   DIST_TARGETS  which targets (default "linux-amd64 windows-amd64 linux-arm64")
#   DIST_JOBS     1 builds one target after the other; the default 3 builds them side by side,
#                 which on two cores saves minutes on a cold cache: most of a cold build is one
#                 single-threaded cgo compile (go-gl) per target.
#   DIST_STRIP    1 (default) links with -s -w: no symbol table or DWARF (panics still show
#                 file:line); 0 keeps them.
#   DIST_SYSROOT  the Debian release whose glibc and X11/GL libraries the Linux builds link
#                 against (default bullseye: glibc 2.31, binaries need glibc >= 2.27); "host"
#                 links against this machine's (Debian 12: binaries need glibc >= 2.34).
#   DIST_SYSROOT_CACHE  where the sysroots are kept (default ~/.cache/xunbang-dist, ~450 MB each)
#   DIST_MIRROR   the Debian mirror for the sysroots (default: the one apt uses)
# Installs the Debian packages it needs (like `make deps`); needs root or sudo for that.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD

toml() { sed -n "s/^ *$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" FyneApp.toml | head -n1; }

GO=${GO:-go}
VERSION=${VERSION:-$(toml Version)}
TAGS=${TAGS:-migrated_fynedo}
LDFLAGS=${LDFLAGS:--X github.com/xunbang/xunbang/cli.Version=$VERSION}
DIST_TARGETS=${DIST_TARGETS:-linux-amd64 windows-amd64 linux-arm64}
DIST_JOBS=${DIST_JOBS:-3}
DIST_STRIP=${DIST_STRIP:-1}
DIST_SYSROOT=${DIST_SYSROOT:-bullseye}
APP=xunbang
APP_ID=$(toml ID)
BUILD_NO=$(toml Build)
GOWINRES=github.com/tc-hib/go-winres@v0.3.3 # pinned; makes the .syso (icon, manifest, version)
OUT=$ROOT/dist

[ -n "$VERSION" ] || { echo "dist: 无法从 FyneApp.toml 读出版本号 / no version in FyneApp.toml" >&2; exit 1; }
[ -n "$APP_ID" ] || APP_ID=cn.xunbang.app
STRIP_FLAGS=""
[ "$DIST_STRIP" = 0 ] || STRIP_FLAGS="-s -w"

log() { printf 'dist: %s\n' "$*" >&2; }
die() { printf 'dist: %s\n' "$*" >&2; exit 1; }
want() { case " $DIST_TARGETS " in *" $1 "*) return 0 ;; esac; return 1; }
# elapsed START: seconds since START (from $SECONDS)
elapsed() { echo "$((SECONDS - $1))s"; }
human() { numfmt --to=iec --suffix=B --format=%.1f "$(stat -c %s "$1")"; }

# ---------------------------------------------------------------------------------------------
# Debian packages

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
APT_UPDATED=0

missing_debs() {
	local p m=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || m="$m $p"
	done
	echo "${m# }"
}

apt_update() {
	[ "$APT_UPDATED" = 1 ] && [ "${1:-}" != force ] && return 0
	$SUDO apt-get update -qq >&2 && APT_UPDATED=1
}

# ensure_debs WHAT PKG...: install what is missing; returns non-zero (with a message) if it cannot.
ensure_debs() {
	local what=$1 m
	shift
	m=$(missing_debs "$@")
	[ -z "$m" ] && return 0
	log "$what: installing $m"
	if ! command -v apt-get >/dev/null; then
		log "$what: 缺少软件包 $m，且本机没有 apt-get，请手动安装。/ missing packages: $m and no apt-get here; install them by hand."
		return 1
	fi
	if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
		log "$what: 缺少软件包 $m，需要 root 权限安装。/ missing packages: $m; installing them needs root."
		return 1
	fi
	# --no-remove: never let a multiarch install take away a package someone else relies on.
	# apt's chatter is shown only when it fails.
	local aptlog
	aptlog=$(mktemp)
	# shellcheck disable=SC2086
	if ! { apt_update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --no-remove $m; } >"$aptlog" 2>&1; then
		sed 's/^/    /' "$aptlog" | tail -n 20 >&2
		rm -f "$aptlog"
		log "$what: 无法安装 $m（需要 root 权限和软件源）。/ could not install: $m (needs root and a package mirror)."
		return 1
	fi
	rm -f "$aptlog"
}

HOST_DEBS="gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
	libxi-dev libxxf86vm-dev xz-utils file make binutils coreutils"
WIN_DEBS="gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64"
ARM64_CROSS_DEBS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu"
ARM64_LIB_DEBS="libgl1-mesa-dev:arm64 libx11-dev:arm64 libxcursor-dev:arm64 libxrandr-dev:arm64
	libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64"

# The Linux builds link against an older Debian's glibc and X11/GL libraries, unpacked into a
# sysroot, so that they start on the glibc of the systems officials use (UOS V20: 2.28, Kylin
# V10: 2.28/2.31) and not only on glibc >= 2.34 like a build against this machine's Debian 12.
# The sysroot is made once by debootstrap (only downloading and unpacking: nothing runs in it)
# from the mirror apt already uses, and kept in the cache dir. If it cannot be made, the build
# falls back to this machine's libraries and says what that costs. DIST_SYSROOT=host skips it.
SYSROOT_PKGS="libc6-dev libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
	libxi-dev libxxf86vm-dev"
SYSROOT_CACHE=${DIST_SYSROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xunbang-dist}
declare -A SYSROOT=()
SYSROOT_WHY=""

make_sysroot() { # ARCH: sets SYSROOT[ARCH], or returns 1 with SYSROOT_WHY
	local arch=$1 dir tmp mirror stamp pkgs l
	pkgs=$(echo $SYSROOT_PKGS)
	dir=$SYSROOT_CACHE/sysroot-$DIST_SYSROOT-$arch
	stamp="$DIST_SYSROOT $arch $pkgs"
	if [ -f "$dir/.xunbang-sysroot" ] && [ "$(cat "$dir/.xunbang-sysroot")" = "$stamp" ]; then
		SYSROOT[$arch]=$dir
		return 0
	fi
	ensure_debs sysroot debootstrap || { SYSROOT_WHY="无法安装 debootstrap / cannot install debootstrap"; return 1; }
	mirror=${DIST_MIRROR:-$(apt-cache policy 2>/dev/null | sed -n 's|^ *[0-9]* \(https\{0,1\}://[^ ]*\) [a-z]*/main .*|\1|p' | grep -v security | head -n1)}
	[ -n "$mirror" ] || { SYSROOT_WHY="apt 没有配置 Debian 软件源 / apt has no Debian mirror configured (set DIST_MIRROR)"; return 1; }
	tmp=$dir.tmp
	mkdir -p "$SYSROOT_CACHE"
	$SUDO rm -rf "$tmp"
	log "sysroot: $DIST_SYSROOT $arch: debootstrap --foreign (once, about a minute)"
	if ! $SUDO debootstrap --foreign --no-merged-usr --arch="$arch" --variant=minbase \
		--include="${pkgs// /,}" "$DIST_SYSROOT" "$tmp" "$mirror" >"$SYSROOT_CACHE/debootstrap-$arch.log" 2>&1; then
		tail -n 5 "$SYSROOT_CACHE/debootstrap-$arch.log" | sed 's/^/    /' >&2
		$SUDO rm -rf "$tmp"
		SYSROOT_WHY="debootstrap $DIST_SYSROOT $arch 失败（见上）/ debootstrap $DIST_SYSROOT $arch failed (see above)"
		return 1
	fi
	for l in "$tmp"/var/cache/apt/archives/*.deb; do $SUDO dpkg-deb -x "$l" "$tmp"; done
	$SUDO rm -f "$tmp"/var/cache/apt/archives/*.deb
	# Absolute symlinks (libm.so -> /lib/...) would point into this machine: make them relative.
	(cd "$tmp" && find . -type l -lname '/*' -print0 | while IFS= read -r -d '' l; do
		$SUDO ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" ".$(readlink "$l")")" "$l"
	done)
	[ -f "$tmp/usr/include/stdio.h" ] && [ -e "$tmp/usr/include/GL/gl.h" ] || {
		$SUDO rm -rf "$tmp"
		SYSROOT_WHY="sysroot $DIST_SYSROOT $arch 不完整 / the $DIST_SYSROOT $arch sysroot is incomplete"
		return 1
	}
	echo "$stamp" | $SUDO tee "$tmp/.xunbang-sysroot" >/dev/null
	$SUDO rm -rf "$dir"
	$SUDO mv "$tmp" "$dir"
	rm -f "$SYSROOT_CACHE/debootstrap-$arch.log"
	SYSROOT[$arch]=$dir
}

# linux_cc GCC TRIPLET [SYSROOT]: the C compiler command for a Linux target.
linux_cc() {
	local r=${3:-}
	if [ -z "$r" ]; then echo "$1"; return; fi
	# -isystem/-B/-L put the sysroot before the compiler's own default dirs (the cross compiler
	# would otherwise take the glibc 2.36 headers of libc6-dev-arm64-cross).
	echo "$1 --sysroot=$r -isystem $r/usr/include/$2 -isystem $r/usr/include -B$r/usr/lib/$2 -L$r/usr/lib/$2 -L$r/lib/$2"
}

ARM64_SKIP=""
setup_arm64() {
	local added=0
	if ! command -v dpkg >/dev/null; then
		ARM64_SKIP="本机不是 Debian（没有 dpkg）/ not a Debian machine (no dpkg)"
		return 1
	fi
	ensure_debs linux-arm64 $ARM64_CROSS_DEBS || {
		ARM64_SKIP="无法安装交叉编译器 gcc-aarch64-linux-gnu / cannot install the cross compiler gcc-aarch64-linux-gnu"
		return 1
	}
	# qemu-user only runs the arm64 binary as a check; without it the build goes on.
	ensure_debs linux-arm64 qemu-user || log "linux-arm64: 没有 qemu-user，arm64 程序不会试运行 / no qemu-user: the arm64 binary will not be test-run"
	if [ "$DIST_SYSROOT" != host ]; then
		make_sysroot arm64 && return 0
		log "linux-arm64: $SYSROOT_WHY; 改用本机 Debian 的 arm64 多架构库（要求 glibc >= 2.34）/ using this Debian's arm64 multiarch libraries instead (needs glibc >= 2.34)"
	fi
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "linux-arm64: dpkg --add-architecture arm64"
		if ! $SUDO dpkg --add-architecture arm64; then
			ARM64_SKIP="无法启用 arm64 多架构（需要 root）/ cannot enable the arm64 dpkg architecture (needs root)"
			return 1
		fi
		added=1
		if ! apt_update force; then
			# A mirror without arm64 would break every later apt-get update: take it back out.
			$SUDO dpkg --remove-architecture arm64 || true
			$SUDO apt-get update -qq || true
			ARM64_SKIP="软件源没有 arm64 软件包列表 / the package mirror has no arm64 package lists"
			return 1
		fi
	fi
	if ! ensure_debs linux-arm64 $ARM64_LIB_DEBS; then
		if [ "$added" = 1 ] && [ -z "$(dpkg-query -W -f='${binary:Package}\n' 2>/dev/null | grep ':arm64$' || true)" ]; then
			$SUDO dpkg --remove-architecture arm64 || true
		fi
		ARM64_SKIP="无法安装 arm64 的 GL/X11 开发库（多架构软件包冲突或缺失）/ cannot install the arm64 GL/X11 -dev libraries (multiarch packages missing or in conflict with the amd64 ones)"
		return 1
	fi
}

T0=$SECONDS
want linux-amd64 || want linux-arm64 || want windows-amd64 || die "DIST_TARGETS 里没有可构建的目标 / nothing to build in DIST_TARGETS=\"$DIST_TARGETS\""
# shellcheck disable=SC2086
ensure_debs dist $HOST_DEBS || die "无法安装构建所需的软件包 / cannot install the packages the build needs"
if want windows-amd64; then
	# shellcheck disable=SC2086
	ensure_debs windows-amd64 $WIN_DEBS || die "无法安装 mingw-w64 交叉编译器，Windows 版无法构建 / cannot install the mingw-w64 cross compiler, so no Windows build"
fi
if want linux-amd64 && [ "$DIST_SYSROOT" != host ] && ! make_sysroot amd64; then
	log "linux-amd64: $SYSROOT_WHY; 改用本机的库构建，程序将要求 glibc >= 2.34 / building against this machine's libraries instead: the program will need glibc >= 2.34"
fi
if want linux-arm64; then
	if ! setup_arm64; then
		log "linux-arm64: 跳过 / skipped: $ARM64_SKIP"
		DIST_TARGETS=${DIST_TARGETS//linux-arm64/}
	fi
fi
log "toolchains ready ($(elapsed "$T0"))"

# ---------------------------------------------------------------------------------------------
# Snapshot and build

WORK=$(mktemp -d "${TMPDIR:-/tmp}/xunbang-dist.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SRC=$WORK/src
mkdir -p "$SRC" "$WORK/logs" "$WORK/out"
tar -C "$ROOT" --exclude=./.git --exclude=./dist --exclude=./bin --exclude=./bench --exclude=./_scratch \
	--exclude='*.syso' -cf - . | tar -C "$SRC" -xf -
for f in assets/icon.png assets/fonts/LICENSE-wqy-microhei.txt; do
	[ -f "$SRC/$f" ] || die "缺少 $f / $f is missing"
done

# Windows version numbers are four integers: 0.1.0 + Build 1 -> 0.1.0.1.
winver() {
	local v n
	v=$(printf '%s' "$VERSION" | grep -oE '^[0-9]+(\.[0-9]+){0,3}' || echo 0)
	n=$(printf '%s' "$v" | tr -cd . | wc -c)
	if [ "$n" -eq 2 ] && [ -n "$BUILD_NO" ]; then v="$v.$BUILD_NO"; n=3; fi
	while [ "$n" -lt 3 ]; do v="$v.0"; n=$((n + 1)); done
	echo "$v"
}

build_linux() { # ARCH GCC TRIPLET
	local arch=$1 cc t=$SECONDS r=${SYSROOT[$1]:-}
	cc=$(linux_cc "$2" "$3" "$r")
	mkdir -p "$WORK/out/linux-$arch"
	if [ -n "$r" ]; then echo "linking against the sysroot $r"; else echo "linking against this machine's libraries: needs glibc >= 2.34"; fi
	(cd "$SRC" && CGO_ENABLED=1 GOOS=linux GOARCH="$arch" CC="$cc" \
		PKG_CONFIG_SYSROOT_DIR="$r" PKG_CONFIG_LIBDIR="$r/usr/lib/$3/pkgconfig:$r/usr/share/pkgconfig" \
		"$GO" build -tags "$TAGS" -ldflags "$LDFLAGS $STRIP_FLAGS" -o "$WORK/out/linux-$arch/$APP" .)
	echo "go build linux/$arch: $(elapsed "$t")"
}

build_windows() {
	local t=$SECONDS fv
	fv=$(winver)
	# The .syso goes into the snapshot only: go build links every *_windows_amd64.syso of the
	# main package's directory.
	(cd "$WORK" && "$GO" run "$GOWINRES" simply --arch amd64 --out "$SRC/rsrc" --manifest gui \
		--icon "$SRC/assets/icon.png" --product-name "寻榜" --product-version "$fv" \
		--file-version "$fv" --file-description "寻榜 Xunbang $VERSION" --original-filename "$APP.exe")
	[ -f "$SRC/rsrc_windows_amd64.syso" ] || { echo "go-winres made no rsrc_windows_amd64.syso"; return 1; }
	echo "go-winres: $(elapsed "$t")"
	t=$SECONDS
	mkdir -p "$WORK/out/windows-amd64"
	(cd "$SRC" && CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
		"$GO" build -tags "$TAGS" -ldflags "$LDFLAGS $STRIP_FLAGS -H=windowsgui" -o "$WORK/out/windows-amd64/$APP.exe" .)
	echo "go build windows/amd64: $(elapsed "$t")"
}

run_target() { # TARGET: build it, output in $WORK/logs/TARGET.log
	case $1 in
	linux-amd64) build_linux amd64 gcc x86_64-linux-gnu ;;
	linux-arm64) build_linux arm64 aarch64-linux-gnu-gcc aarch64-linux-gnu ;;
	windows-amd64) build_windows ;;
	esac >"$WORK/logs/$1.log" 2>&1
}

TARGETS=()
for t in linux-amd64 windows-amd64 linux-arm64; do want "$t" && TARGETS+=("$t"); done
log "building ${TARGETS[*]} (VERSION=$VERSION TAGS=$TAGS, $DIST_JOBS at a time; a cold build takes minutes)"
T1=$SECONDS
declare -A PID=() STATUS=()
FAILED=""
finish() { # TARGET: wait for its build and report it
	if wait "${PID[$1]}"; then STATUS[$1]=0; else STATUS[$1]=$?; fi
	if [ "${STATUS[$1]}" = 0 ]; then
		sed "s/^/dist: $1: /" "$WORK/logs/$1.log" >&2
		return
	fi
	log "$1: 构建失败 / build failed:"
	tail -n 40 "$WORK/logs/$1.log" | sed "s/^/    /" >&2
	if [ "$1" = linux-arm64 ]; then
		ARM64_SKIP="交叉编译失败（见上）/ the cross build failed (see above)"
		log "linux-arm64: 跳过 / skipped: $ARM64_SKIP"
	else
		FAILED="$FAILED $1"
	fi
}
running=()
for t in "${TARGETS[@]}"; do
	if [ "${#running[@]}" -ge "$DIST_JOBS" ]; then
		finish "${running[0]}"
		running=("${running[@]:1}")
	fi
	run_target "$t" &
	PID[$t]=$!
	running+=("$t")
done
for t in "${running[@]}"; do finish "$t"; done
[ -z "$FAILED" ] || die "构建失败 / build failed:$FAILED"
log "builds done ($(elapsed "$T1"))"

# ---------------------------------------------------------------------------------------------
# Package

mkdir -p "$OUT"
rm -f "$OUT"/"$APP-$VERSION"-* "$OUT/SHA256SUMS"
ARTEFACTS=()

desktop_entry() {
	cat <<EOF
[Desktop Entry]
Type=Application
Name=寻榜
Name[en]=Xunbang
Name[zh_CN]=寻榜
GenericName=Technology needs of enterprises
GenericName[zh_CN]=企业技术需求征集
Comment=Record, diagnose and confirm enterprises' technology needs offline, and sync them to the provincial platform
Comment[zh_CN]=在企业现场离线记录、诊断和确认技术需求，并同步到省级平台
Exec=$APP
Icon=$APP_ID
Terminal=false
Categories=Office;
Keywords=xunbang;needs;enterprise;technology;
Keywords[zh_CN]=寻榜;科技镇长团;技术需求;企业;
EOF
}

# The Makefile inside the tarball: the targets of the one `fyne package -os linux` writes.
tar_makefile() {
	cat <<'EOF'
# 寻榜 (xunbang) for Linux.
#
#   make user-install      安装到 ~/.local（不需要 root）/ install into ~/.local (no root needed)
#   sudo make install      安装到 /usr/local（PREFIX=/usr 可改）/ install into /usr/local (or PREFIX=...)
#   make user-uninstall    卸载 / remove the user install
#   sudo make uninstall    卸载 / remove the system install
#
# DESTDIR is honoured for staged installs. Data is kept in ~/.config/xunbang and is never
# touched by uninstall.

APP := xunbang
ID := @ID@
PREFIX ?= /usr/local
USER_PREFIX ?= $(HOME)/.local

SRC_BIN := usr/local/bin/$(APP)
SRC_DESKTOP := usr/local/share/applications/$(ID).desktop
SRC_ICON := usr/local/share/icons/hicolor/512x512/apps/$(ID).png
SRC_LICENSE := usr/local/share/doc/$(APP)/LICENSE-wqy-microhei.txt

define install_to
	install -Dm0755 $(SRC_BIN) $(DESTDIR)$(1)/bin/$(APP)
	install -Dm0644 $(SRC_ICON) $(DESTDIR)$(1)/share/icons/hicolor/512x512/apps/$(ID).png
	install -Dm0644 $(SRC_LICENSE) $(DESTDIR)$(1)/share/doc/$(APP)/LICENSE-wqy-microhei.txt
	install -d $(DESTDIR)$(1)/share/applications
	sed -e 's,^Exec=.*,Exec=$(1)/bin/$(APP),' $(SRC_DESKTOP) > $(DESTDIR)$(1)/share/applications/$(ID).desktop
	chmod 0644 $(DESTDIR)$(1)/share/applications/$(ID).desktop
	-@[ -n "$(DESTDIR)" ] || ! command -v update-desktop-database >/dev/null || update-desktop-database -q $(1)/share/applications
	-@[ -n "$(DESTDIR)" ] || ! command -v gtk-update-icon-cache >/dev/null || [ ! -f $(1)/share/icons/hicolor/index.theme ] || gtk-update-icon-cache -q -t $(1)/share/icons/hicolor
	@echo "installed $(DESTDIR)$(1)/bin/$(APP)"
endef

define uninstall_from
	-rm -f $(DESTDIR)$(1)/bin/$(APP)
	-rm -f $(DESTDIR)$(1)/share/applications/$(ID).desktop
	-rm -f $(DESTDIR)$(1)/share/icons/hicolor/512x512/apps/$(ID).png
	-rm -rf $(DESTDIR)$(1)/share/doc/$(APP)
endef

.PHONY: default install uninstall user-install user-uninstall

default:
	@sed -n '3,7s/^# *//p' Makefile

install:
	$(call install_to,$(PREFIX))

uninstall:
	$(call uninstall_from,$(PREFIX))

user-install:
	$(call install_to,$(USER_PREFIX))
	@case ":$$PATH:" in *":$(USER_PREFIX)/bin:"*) ;; *) echo "note: $(USER_PREFIX)/bin is not in PATH; start 寻榜 from the applications menu or as $(USER_PREFIX)/bin/$(APP)";; esac

user-uninstall:
	$(call uninstall_from,$(USER_PREFIX))
EOF
}

package_linux() { # ARCH
	local arch=$1 name="$APP-$VERSION-linux-$1" stage
	stage=$WORK/pkg/$name
	install -Dm0755 "$WORK/out/linux-$arch/$APP" "$stage/usr/local/bin/$APP"
	install -d "$stage/usr/local/share/applications"
	desktop_entry >"$stage/usr/local/share/applications/$APP_ID.desktop"
	install -Dm0644 "$SRC/assets/icon.png" "$stage/usr/local/share/icons/hicolor/512x512/apps/$APP_ID.png"
	install -Dm0644 "$SRC/assets/fonts/LICENSE-wqy-microhei.txt" "$stage/usr/local/share/doc/$APP/LICENSE-wqy-microhei.txt"
	install -m0644 "$SRC/assets/fonts/LICENSE-wqy-microhei.txt" "$stage/LICENSE-wqy-microhei.txt"
	[ ! -f "$SRC/docs/install.md" ] || install -m0644 "$SRC/docs/install.md" "$stage/INSTALL.md"
	tar_makefile | sed "s/@ID@/$APP_ID/" >"$stage/Makefile"
	tar -C "$WORK/pkg" --sort=name --owner=0 --group=0 --numeric-owner -cJf "$OUT/$name.tar.xz" "$name"
	ARTEFACTS+=("$name.tar.xz")
}

for t in "${TARGETS[@]}"; do
	[ "${STATUS[$t]}" = 0 ] || continue
	case $t in
	linux-*) package_linux "${t#linux-}" ;;
	windows-amd64)
		cp "$WORK/out/windows-amd64/$APP.exe" "$OUT/$APP-$VERSION-windows-amd64.exe"
		ARTEFACTS+=("$APP-$VERSION-windows-amd64.exe")
		;;
	esac
done

# ---------------------------------------------------------------------------------------------
# Check

check_fail() { die "检查失败 / check failed: $*"; }

# The newest glibc symbol version an ELF binary needs.
glibc_floor() { readelf -W --dyn-syms -V "$1" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/GLIBC_//' | sort -uV | tail -n1; }
# Shared libraries and glibc an ELF binary needs.
elf_needs() { # BINARY
	echo "needs $(readelf -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')(glibc >= $(glibc_floor "$1"))"
}

check_linux() { # ARCH
	local arch=$1 name="$APP-$VERSION-linux-$1" x bin out want_file left
	x=$WORK/check-$arch
	mkdir -p "$x/root" "$x/home"
	tar -C "$x" -xJf "$OUT/$name.tar.xz"
	bin=$x/$name/usr/local/bin/$APP
	case $arch in amd64) want_file="x86-64" ;; arm64) want_file="ARM aarch64" ;; esac
	file -b "$bin" | grep -q "ELF 64-bit LSB .*$want_file" || check_fail "$name: $(file -b "$bin")"
	# Run `xunbang version`: natively, and with the sysroot's older glibc and libraries through
	# its own dynamic loader; the arm64 build under qemu-user (with the sysroot's or this Debian's
	# arm64 libraries, which also proves the dynamic linking).
	local r=${SYSROOT[$arch]:-} runs=() how cmd
	case $arch-$(uname -m) in
	amd64-x86_64)
		runs+=("natively")
		[ -z "$r" ] || runs+=("with the $DIST_SYSROOT glibc")
		;;
	arm64-aarch64) runs+=("natively") ;;
	arm64-*) if command -v qemu-aarch64 >/dev/null; then runs+=("under qemu-aarch64${r:+ with the $DIST_SYSROOT glibc}"); fi ;;
	esac
	[ "${#runs[@]}" -gt 0 ] || log "$name: 未试运行（没有 qemu-aarch64）/ not test-run (no qemu-aarch64)"
	for how in "${runs[@]}"; do
		case $how in
		natively) cmd=("$bin") ;;
		"with "*) cmd=("$r/lib64/ld-linux-x86-64.so.2" --library-path "$r/lib/x86_64-linux-gnu:$r/usr/lib/x86_64-linux-gnu" "$bin") ;;
		"under "*)
			cmd=(qemu-aarch64 "$bin")
			# The sysroot's own loader, told where its libraries are (qemu's -L alone would let
			# it pick this machine's newer arm64 libraries through /etc/ld.so.cache).
			[ -z "$r" ] || cmd=(qemu-aarch64 "$r/lib/ld-linux-aarch64.so.1" --library-path "$r/lib/aarch64-linux-gnu:$r/usr/lib/aarch64-linux-gnu" "$bin")
			;;
		esac
		out=$(HOME="$x/home" LANG=zh_CN.UTF-8 "${cmd[@]}" version 2>&1) || check_fail "$name: xunbang version ($how) failed: $out"
		case $out in "xunbang $VERSION "*linux/$arch*) ;; *) check_fail "$name: xunbang version ($how) said: $out" ;; esac
		log "$name: xunbang version ($how) -> $out"
	done
	# Linked against a sysroot, the binary must need no newer glibc than the sysroot's.
	if [ -n "$r" ]; then
		local have need
		have=$(find "$r/lib/" -maxdepth 2 -name 'libc-2.*.so' | sed 's/.*libc-\(2\.[0-9]*\)\.so/\1/' | head -n1)
		need=$(glibc_floor "$bin")
		[ -n "$have" ] && [ "$(printf '%s\n' "$need" "$have" | sort -V | tail -n1)" = "$have" ] ||
			check_fail "$name: needs glibc $need, newer than the $DIST_SYSROOT sysroot's ${have:-?}"
	fi
	# System install into a staging root, user install into a throwaway HOME.
	make -s -C "$x/$name" install DESTDIR="$x/root" PREFIX=/usr/local >/dev/null || check_fail "$name: make install"
	make -s -C "$x/$name" user-install HOME="$x/home" PATH="$x/home/.local/bin:$PATH" >/dev/null || check_fail "$name: make user-install"
	for f in "$x/root/usr/local/bin/$APP" "$x/root/usr/local/share/applications/$APP_ID.desktop" \
		"$x/root/usr/local/share/icons/hicolor/512x512/apps/$APP_ID.png" \
		"$x/root/usr/local/share/doc/$APP/LICENSE-wqy-microhei.txt" \
		"$x/home/.local/bin/$APP" "$x/home/.local/share/applications/$APP_ID.desktop" \
		"$x/home/.local/share/icons/hicolor/512x512/apps/$APP_ID.png"; do
		[ -f "$f" ] || check_fail "$name: install did not make ${f#"$x"/}"
	done
	[ -x "$x/root/usr/local/bin/$APP" ] || check_fail "$name: installed binary is not executable"
	grep -qx "Exec=/usr/local/bin/$APP" "$x/root/usr/local/share/applications/$APP_ID.desktop" || check_fail "$name: Exec line of the system install"
	grep -qx "Exec=$x/home/.local/bin/$APP" "$x/home/.local/share/applications/$APP_ID.desktop" || check_fail "$name: Exec line of the user install"
	if command -v desktop-file-validate >/dev/null; then
		desktop-file-validate "$x/root/usr/local/share/applications/$APP_ID.desktop" || check_fail "$name: desktop-file-validate"
	fi
	make -s -C "$x/$name" uninstall DESTDIR="$x/root" PREFIX=/usr/local >/dev/null
	make -s -C "$x/$name" user-uninstall HOME="$x/home" >/dev/null
	# (update-desktop-database and gtk-update-icon-cache, where present, leave their caches behind.)
	left=$(find "$x/root" "$x/home" -type f ! -name mimeinfo.cache ! -name icon-theme.cache)
	[ -z "$left" ] || check_fail "$name: uninstall left $left"
	log "$name: make install / user-install / uninstall OK; $(elf_needs "$bin")"
}

check_windows() {
	local exe="$OUT/$APP-$VERSION-windows-amd64.exe" fv rsrc kv ty
	fv=$(winver)
	file -b "$exe" | grep -q "PE32+ executable (GUI) x86-64" || check_fail "windows: $(file -b "$exe")"
	# The top level of the resource tree lists the resource types by number.
	rsrc=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^[0-9a-f]\{3\}   Entry: ID: 0x0*\([0-9a-f]*\),.*/\1/p' | tr '\n' ' ')
	for ty in 3:ICON e:GROUP_ICON 10:VERSION 18:MANIFEST; do
		case " $rsrc" in *" ${ty%%:*} "*) ;; *) check_fail "windows: no ${ty#*:} resource (types: $rsrc)" ;; esac
	done
	# VS_VERSIONINFO strings are UTF-16LE; with the NUL bytes dropped, key and value run together.
	# 寻榜 is U+5BFB U+699C: bytes fb 5b 9c 69.
	LC_ALL=C tr -d '\000' <"$exe" >"$WORK/exe.nonul"
	for kv in "FileVersion$fv" "ProductVersion$fv" "ProductName$(printf '\xfb\x5b\x9c\x69')" "OriginalFilename$APP.exe"; do
		LC_ALL=C grep -qaF "$kv" "$WORK/exe.nonul" || check_fail "windows: version resource lacks $kv"
	done
	log "$APP-$VERSION-windows-amd64.exe: PE32+ GUI, resources ICON GROUP_ICON VERSION ($fv, 寻榜) MANIFEST OK; needs $(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/.*DLL Name: //p' | sort -u | tr '\n' ' ')"
}

for t in "${TARGETS[@]}"; do
	[ "${STATUS[$t]}" = 0 ] || continue
	case $t in
	linux-*) check_linux "${t#linux-}" ;;
	windows-amd64) check_windows ;;
	esac
done

(cd "$OUT" && sha256sum "${ARTEFACTS[@]}" >SHA256SUMS)

log "done in $(elapsed "$T0"):"
for a in "${ARTEFACTS[@]}"; do log "  dist/$a ($(human "$OUT/$a"))"; done
log "  dist/SHA256SUMS"
if want linux-arm64 && [ "${STATUS[linux-arm64]:-1}" = 0 ]; then :; elif [ -n "$ARM64_SKIP" ]; then
	log "  linux/arm64 跳过 / skipped: $ARM64_SKIP"
fi
