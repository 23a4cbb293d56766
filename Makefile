# podunit: build, test and demo. `make` alone lists the targets.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO ?= go
# The one place for build tags: every build, vet and test passes them explicitly.
TAGS := containers_image_openpgp,exclude_graphdriver_btrfs
GOBUILD := CGO_ENABLED=0 $(GO) build -trimpath -tags $(TAGS)
# the race detector needs cgo (and gcc, which scripts/setup.sh installs)
GOTEST := CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m -tags $(TAGS)

PREFIX ?= /usr
DESTDIR ?=
BINDIR := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/libexec/podunit
GENERATORDIR := $(PREFIX)/lib/systemd/system-generators

BINARIES := bin/podunit $(if $(wildcard cmd/podunit-generator/*.go),bin/podunit-generator)

.DEFAULT_GOAL := help
.PHONY: help setup build test vet demo install clean FORCE

help: ## list the targets
	@echo "podunit make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10 | sed 's/^/  /'

setup: ## install what building and testing need (Debian 12, as root; idempotent)
	bash scripts/setup.sh

build: $(BINARIES) ## build bin/podunit (and bin/podunit-generator)

bin/%: FORCE # go decides what is stale
	$(GOBUILD) -o $@ ./cmd/$*

vet: ## go vet with the build tags
	$(GO) vet -tags $(TAGS) ./...

test: setup vet ## setup, vet, then every test with -race (e2e tests need root: they boot systemd)
	$(GOTEST) ./...

demo: setup build ## setup, build, then run test/demo.sh
	bash test/demo.sh

install: build ## install under DESTDIR and PREFIX (default /usr)
	install -D -m 0755 bin/podunit $(DESTDIR)$(BINDIR)/podunit
ifneq ($(wildcard cmd/podunit-generator/*.go),)
	install -D -m 0755 bin/podunit-generator $(DESTDIR)$(LIBEXECDIR)/podunit-generator
	install -d $(DESTDIR)$(GENERATORDIR)
	ln -sfn $(LIBEXECDIR)/podunit-generator $(DESTDIR)$(GENERATORDIR)/podunit-system-generator
endif

clean: ## remove build output
	rm -rf bin dist
