# mashd: build, run, test and install.
#
#   make run       build and run mashd on its embedded defaults (state in ./state)
#   make test      install missing system packages, build, run every test
#   make bench     intake throughput through the real daemon (release build)
#   make deps      install the Debian packages the build and tests need
#   make install   release build (Swift runtime linked statically) and the systemd units:
#                  PREFIX=/usr DESTDIR= by default
#   make check-units   systemd-analyze verify (must print nothing) and security (exposure <= 1.0)
#   make e2e       boot a Debian 12 systemd in systemd-nspawn and test the installed units
#   make man       remake docs/man/mashd.8 and mashctl.1 from the --help texts (after changing one)

SWIFT      ?= swift
STATE      ?= $(CURDIR)/state
DEB_PKGS   := libsystemd-dev libsqlite3-dev pkg-config socat systemd util-linux
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PREFIX     ?= /usr
BINDIR     ?= $(PREFIX)/bin
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DOCDIR     ?= $(PREFIX)/share/doc/mashd
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=
UNITS      := mashd.service mashd.socket mashd-merlin.socket mashd-la.socket

.PHONY: all build release release-static run test bench deps clean install check-units e2e man

all: build

# Installs only what is missing, so it is quick and idempotent.
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get install -y $$missing || { $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; }; \
	fi

# The products only: the tests' fixture harness imports Testing, which only test builds have.
build: deps
	$(SWIFT) build --product mashd && $(SWIFT) build --product mashctl

release: deps
	$(SWIFT) build -c release --product mashd && $(SWIFT) build -c release --product mashctl

# The Swift standard library and Foundation linked in: the binaries need only libc,
# libsystemd and libsqlite3 on the target.
release-static: deps
	$(SWIFT) build -c release --static-swift-stdlib --product mashd && $(SWIFT) build -c release --static-swift-stdlib --product mashctl

install: release-static
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 .build/release/mashd .build/release/mashctl $(DESTDIR)$(BINDIR)/
	for u in $(UNITS); do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	install -m 0644 systemd/mashd.sysusers $(DESTDIR)$(SYSUSERSDIR)/mashd.conf
	install -m 0644 systemd/mashd.tmpfiles $(DESTDIR)$(TMPFILESDIR)/mashd.conf
	install -m 0644 README.md docs/formats.md docs/MASH.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man1
	install -m 0644 docs/man/mashd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 docs/man/mashctl.1 $(DESTDIR)$(MANDIR)/man1/

# The pages are swift-argument-parser's rendering of each --help, committed so that an install
# needs no generator. mashd has no subcommands: the generator's generic "subcommand" and
# "help" entries are taken out of its page, and blank lines (which mdoc warns of) become
# paragraph breaks.
man: release
	$(SWIFT) build --product generate-manual
	mkdir -p docs/man
	$$($(SWIFT) build --show-bin-path)/generate-manual .build/release/mashctl --section 1 --output-directory docs/man
	$$($(SWIFT) build --show-bin-path)/generate-manual .build/release/mashd --section 8 --output-directory docs/man
	sed -i -e '/^\.Ar subcommand$$/d' -e '/^\.It Em help$$/,/^\.El$$/d' docs/man/mashd.8
	sed -i -e 's/^$$/.Pp/' docs/man/mashd.8 docs/man/mashctl.1

# systemd-analyze verify exits 0 on warnings: any output is a failure.
check-units: build
	@tmp=$$(mktemp -d); \
	for u in $(UNITS); do sed -e 's|@BINDIR@|$(CURDIR)/.build/debug|g' -e 's|@DOCDIR@|$(CURDIR)|g' systemd/$$u > $$tmp/$$u; done; \
	out=$$(cd $$tmp && systemd-analyze verify --man=no $(addprefix ./,$(UNITS)) 2>&1); \
	if [ -n "$$out" ]; then echo "systemd-analyze verify:"; echo "$$out"; rm -rf $$tmp; exit 1; fi; \
	echo "systemd-analyze verify: clean"; \
	score=$$(systemd-analyze security --offline=yes $$tmp/mashd.service 2>&1 | awk '/Overall exposure level/ { for (i = 1; i < NF; i++) if ($$i ~ /service:$$/) print $$(i+1) }'); \
	rm -rf $$tmp; \
	echo "systemd-analyze security: overall exposure $$score"; \
	awk -v s="$$score" 'BEGIN { exit !(s != "" && s + 0 <= 1.0) }' || { echo "exposure above 1.0"; exit 1; }

e2e: release-static
	tests/e2e/run.sh

run: build
	$(SWIFT) run --skip-build mashd --state-dir $(STATE)

test: deps
	$(SWIFT) test

bench: release
	.build/release/mashctl bench --lines 100000 --clients 1,8 --durability full,off

clean:
	rm -rf .build state
