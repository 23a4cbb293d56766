# podunit: build, test and demo. `make` alone lists the targets.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO ?= go
GOFMT ?= gofmt
# The one place for build tags: every build, vet and test passes them explicitly.
TAGS := containers_image_openpgp,exclude_graphdriver_btrfs
GOBUILD := CGO_ENABLED=0 $(GO) build -trimpath -tags $(TAGS)
# the race detector needs cgo (and gcc, which scripts/setup.sh installs). The
# timeout guards against a hang: the e2e package alone took 26.4 minutes on a
# machine whose page faults cost five times what they did before, so a 30-minute
# limit would turn a slow machine into a red run.
GOTEST := CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 45m -tags $(TAGS)

PREFIX ?= /usr
DESTDIR ?=
BINDIR := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/libexec/podunit
MANDIR := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
# Debian's zsh directory; Fedora and upstream zsh use site-functions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR := $(PREFIX)/share/fish/vendor_completions.d
# systemd's directories as `pkg-config systemd` names them (Debian 12: /lib/systemd/...),
# else /lib/systemd; each can be set on the command line.
systemd_dir = $(or $(shell pkg-config --variable=$(1) systemd 2>/dev/null),$(2))
UNITDIR ?= $(call systemd_dir,systemdsystemunitdir,/lib/systemd/system)
GENERATORDIR ?= $(call systemd_dir,systemdsystemgeneratordir,/lib/systemd/system-generators)
USERGENERATORDIR ?= $(call systemd_dir,systemdusergeneratordir,/lib/systemd/user-generators)
USERUNITDIR ?= $(call systemd_dir,systemduserunitdir,/usr/lib/systemd/user)
PRESETDIR ?= $(call systemd_dir,systemdsystempresetdir,/lib/systemd/system-preset)
TMPFILESDIR ?= $(call systemd_dir,tmpfilesdir,/usr/lib/tmpfiles.d)

VERSION := $(shell sed -n 's/^const version = "\(.*\)"/\1/p' cmd/podunit/app.go)
# man pages carry this date (cobra/doc reads SOURCE_DATE_EPOCH): the last commit's, for reproducible pages
export SOURCE_DATE_EPOCH ?= $(or $(shell git log -1 --format=%ct 2>/dev/null),1767225600)
# the package tree: make install with Debian 12's layout; packaging/nfpm.yaml maps
# its lib/systemd onto /usr/lib/systemd for the rpm
DIST ?= dist
STAGE := $(DIST)/root
STAGE_DIRS := PREFIX=/usr UNITDIR=/lib/systemd/system GENERATORDIR=/lib/systemd/system-generators \
	USERGENERATORDIR=/usr/lib/systemd/user-generators USERUNITDIR=/usr/lib/systemd/user PRESETDIR=/lib/systemd/system-preset \
	TMPFILESDIR=/usr/lib/tmpfiles.d ZSHCOMPDIR=/usr/share/zsh/vendor-completions

BINARIES := bin/podunit bin/podunit-full $(if $(wildcard cmd/podunit-generator/*.go),bin/podunit-generator) bin/podunit-console bin/podunit-start

.DEFAULT_GOAL := help
.PHONY: help setup build test fuzz vet demo man install uninstall package-root deb rpm clean FORCE

help: ## list the targets
	@echo "podunit make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10 | sed 's/^/  /'

setup: ## install what building and testing need (Debian 12, as root; idempotent)
	@date +'make setup: from %T'
	bash scripts/setup.sh

build: $(BINARIES) ## build bin/podunit (and bin/podunit-generator)

bin/%: FORCE # go decides what is stale
	$(GOBUILD) -o $@ ./cmd/$*

# podunit is two binaries from one package: bin/podunit, the hot path (tag hotpath: the
# verbs units and scripts run most, without containers/image's transports or Kubernetes,
# a third of the start-up), runs every other command line in bin/podunit-full, found
# beside it or in ../libexec/podunit (cmd/podunit/fullbinary.go).
bin/podunit: FORCE
	$(GOBUILD),hotpath -o $@ ./cmd/podunit

bin/podunit-full: FORCE
	$(GOBUILD) -o $@ ./cmd/podunit

# vet with make build's flags (CGO_ENABLED=0, -trimpath): what ships, and on a fresh
# machine the packages vet compiles are then the ones the e2e harness and make deb reuse.
vet: ## gofmt and go vet with the build tags
	@unformatted=$$($(GOFMT) -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './vendor/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l lists files not formatted:"; echo "$$unformatted"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet -trimpath -tags $(TAGS) ./...
	CGO_ENABLED=0 $(GO) vet -trimpath -tags $(TAGS),manpages ./cmd/podunit
	$(GOBUILD),hotpath -o /dev/null ./cmd/podunit # the hot-path binary's files (its tests are the full build's)

# Tests report through test/testsum: plain go test's output (failed tests in full) and then
# the slowest tests, so every CI log shows where the run's time goes.
test: setup vet ## setup, vet, then every test with -race (e2e tests need root: they boot systemd), then brief fuzzing
	$(GO) build -o bin/testsum ./test/testsum
	@date +'make test: go test from %T'
	set -o pipefail; $(GOTEST) -json ./... | bin/testsum
	@date +'make test: fuzzing from %T'
	$(MAKE) --no-print-directory fuzz
	@date +'make test: done at %T'

# The fuzz targets that guard unit files: no value may add a directive or a section
# or change the argv systemd runs; the name grammars match their regular expressions;
# containers.conf means the same with its comment lines blanked; the D-Bus signal filter
# drops no message godbus reads as one podunit needs. Their seed corpora run in every `go test`;
# this searches a little further each time. The budget is a count of executions
# (about 8 s each here), not a duration: Go 1.26's coordinator can fail a target
# with a bare "context deadline exceeded" when a -fuzztime duration ends
# (golang/go#75804, fixed in 1.27). FUZZTIME=2000000x (or a duration) for a longer look.
FUZZTIME ?=
FUZZ_TARGETS := FuzzContainerValues:./generator/quadlet:80000x FuzzAnyKey:./generator/quadlet:120000x \
	FuzzExecWord:./generator/unitfile:160000x FuzzParseRoundTrip:./generator/unitfile:500000x \
	FuzzValuesCannotAddDirectives:./generator/export:60000x FuzzGrammars:./engine/names:300000x \
	FuzzBlankComments:./engine/network:200000x FuzzSignalFilter:./engine/systemd:150000x \
	FuzzInstallDropins:./generator:100000x FuzzReference:./engine/image:60000x
fuzz: ## run each fuzz target for its execution budget (or FUZZTIME)
	@set -e; for t in $(FUZZ_TARGETS); do \
		name=$${t%%:*}; rest=$${t#*:}; pkg=$${rest%%:*}; budget=$${rest#*:}; \
		budget=$${FUZZTIME:-$$budget}; \
		echo "fuzz $$name ($$pkg, $$budget) at $$(date +%T)"; \
		$(GO) test -tags $(TAGS) -run '^$$' -fuzz "^$$name$$" -fuzztime $$budget $$pkg; \
	done

demo: setup build ## setup, build, then run test/demo.sh
	bash test/demo.sh

man: ## generate the man pages into bin/man (commands from the cobra tree, docs/man/*.md)
	CGO_ENABLED=0 $(GO) build -trimpath -tags $(TAGS),manpages -o bin/podunit-man ./cmd/podunit
	rm -rf bin/man
	bin/podunit-man internal man bin/man docs/man/*.md

install: build man ## install under DESTDIR and PREFIX (default /usr), systemd's parts where pkg-config says
	install -D -m 0755 bin/podunit $(DESTDIR)$(BINDIR)/podunit
	install -D -m 0755 bin/podunit-full $(DESTDIR)$(LIBEXECDIR)/podunit-full
	install -D -m 0755 bin/podunit-generator $(DESTDIR)$(LIBEXECDIR)/podunit-generator
	install -D -m 0755 bin/podunit-console $(DESTDIR)$(LIBEXECDIR)/podunit-console
	install -D -m 0755 bin/podunit-start $(DESTDIR)$(LIBEXECDIR)/podunit-start
	install -d $(DESTDIR)$(GENERATORDIR) $(DESTDIR)$(USERGENERATORDIR)
	ln -sfn $(LIBEXECDIR)/podunit-generator $(DESTDIR)$(GENERATORDIR)/podunit-system-generator
	ln -sfn $(LIBEXECDIR)/podunit-generator $(DESTDIR)$(USERGENERATORDIR)/podunit-user-generator
	install -D -m 0644 units/podunit-restart.service $(DESTDIR)$(UNITDIR)/podunit-restart.service
	install -D -m 0644 units/podunit-auto-update.service $(DESTDIR)$(UNITDIR)/podunit-auto-update.service
	install -D -m 0644 units/podunit-auto-update.timer $(DESTDIR)$(UNITDIR)/podunit-auto-update.timer
	for u in podunit-restart.service podunit-auto-update.service podunit-auto-update.timer; do \
		install -D -m 0644 units/user/$$u $(DESTDIR)$(USERUNITDIR)/$$u; done
	install -D -m 0644 units/90-podunit.preset $(DESTDIR)$(PRESETDIR)/90-podunit.preset
	install -D -m 0644 units/podunit.conf $(DESTDIR)$(TMPFILESDIR)/podunit.conf
	for page in bin/man/*.[158]; do \
		sec=$${page##*.}; install -d $(DESTDIR)$(MANDIR)/man$$sec; \
		gzip -9n < $$page > $(DESTDIR)$(MANDIR)/man$$sec/$${page##*/}.gz; \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$$sec/$${page##*/}.gz; \
	done
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	bin/podunit completion bash > $(DESTDIR)$(BASHCOMPDIR)/podunit
	bin/podunit completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_podunit
	bin/podunit completion fish > $(DESTDIR)$(FISHCOMPDIR)/podunit.fish
	chmod 0644 $(DESTDIR)$(BASHCOMPDIR)/podunit $(DESTDIR)$(ZSHCOMPDIR)/_podunit $(DESTDIR)$(FISHCOMPDIR)/podunit.fish

uninstall: ## remove what install installed (same DESTDIR, PREFIX and directories)
	rm -f $(DESTDIR)$(BINDIR)/podunit $(DESTDIR)$(LIBEXECDIR)/podunit-full $(DESTDIR)$(LIBEXECDIR)/podunit-generator $(DESTDIR)$(LIBEXECDIR)/podunit-console \
		$(DESTDIR)$(LIBEXECDIR)/podunit-start $(DESTDIR)$(GENERATORDIR)/podunit-system-generator $(DESTDIR)$(USERGENERATORDIR)/podunit-user-generator \
		$(DESTDIR)$(UNITDIR)/podunit-restart.service $(DESTDIR)$(PRESETDIR)/90-podunit.preset \
		$(DESTDIR)$(UNITDIR)/podunit-auto-update.service $(DESTDIR)$(UNITDIR)/podunit-auto-update.timer \
		$(DESTDIR)$(USERUNITDIR)/podunit-restart.service $(DESTDIR)$(USERUNITDIR)/podunit-auto-update.service \
		$(DESTDIR)$(USERUNITDIR)/podunit-auto-update.timer \
		$(DESTDIR)$(TMPFILESDIR)/podunit.conf $(DESTDIR)$(BASHCOMPDIR)/podunit \
		$(DESTDIR)$(ZSHCOMPDIR)/_podunit $(DESTDIR)$(FISHCOMPDIR)/podunit.fish \
		$(DESTDIR)$(MANDIR)/man1/podunit.1.gz $(DESTDIR)$(MANDIR)/man1/podunit-*.1.gz \
		$(DESTDIR)$(MANDIR)/man5/podunit-systemd.unit.5.gz $(DESTDIR)$(MANDIR)/man8/podunit-generator.8.gz
	-rmdir $(DESTDIR)$(LIBEXECDIR)

package-root: ## make install into $(DIST)/root with Debian 12's layout (what deb and rpm package)
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(STAGE)) $(STAGE_DIRS)
	strip --strip-unneeded $(STAGE)/usr/bin/podunit $(STAGE)/usr/libexec/podunit/podunit-full $(STAGE)/usr/libexec/podunit/podunit-generator \
		$(STAGE)/usr/libexec/podunit/podunit-console $(STAGE)/usr/libexec/podunit/podunit-start
	install -D -m 0644 packaging/copyright $(STAGE)/usr/share/doc/podunit/copyright
	gzip -9n < packaging/changelog > $(STAGE)/usr/share/doc/podunit/changelog.Debian.gz
	chmod 0644 $(STAGE)/usr/share/doc/podunit/changelog.Debian.gz

deb: package-root ## build $(DIST)/podunit_VERSION_ARCH.deb with nfpm (go tool)
	STAGE=$(abspath $(STAGE)) VERSION=$(VERSION) GOARCH=$$($(GO) env GOARCH) $(GO) tool nfpm pkg -f packaging/nfpm.yaml -p deb -t $(DIST)/

rpm: package-root ## build $(DIST)/podunit-VERSION-1.ARCH.rpm with nfpm (go tool)
	STAGE=$(abspath $(STAGE)) VERSION=$(VERSION) GOARCH=$$($(GO) env GOARCH) $(GO) tool nfpm pkg -f packaging/nfpm.yaml -p rpm -t $(DIST)/

clean: ## remove build output
	rm -rf bin dist
