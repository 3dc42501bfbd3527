# mashd: build, run, test and install.
#
#   make run       build and run mashd on its embedded defaults (state in ./state)
#   make test      install missing system packages, build, run every test
#   make bench     intake throughput through the real daemon (release build)
#   make deps      install the Debian packages the build and tests need

SWIFT      ?= swift
STATE      ?= $(CURDIR)/state
DEB_PKGS   := libsystemd-dev libsqlite3-dev pkg-config socat
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build release run test bench deps clean

all: build

# Installs only what is missing, so it is quick and idempotent.
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get install -y $$missing || { $(SUDO) apt-get update && $(SUDO) apt-get install -y $$missing; }; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

run: build
	$(SWIFT) run mashd --state-dir $(STATE)

test: deps
	$(SWIFT) test

bench: release
	.build/release/mashctl bench --lines 100000 --clients 1,8 --durability full,off

clean:
	rm -rf .build state
