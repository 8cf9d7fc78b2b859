# fastbase — common tasks. `make test` is what CI runs.

GO ?= go
FUZZTIME ?= 30s
# Every fuzz target, as package:Target. Their seed corpora run in `make test`.
FUZZ_TARGETS = ./codec/:FuzzParser ./codec/:FuzzScanLines ./codec/:FuzzDifferential ./codec/:FuzzChunked ./codec/:FuzzURLEncoded ./codec/:FuzzMultipart

.PHONY: test vet race fuzz-smoke test-browser bench bench-quick bench-codec run

test: vet race

vet:
	$(GO) vet ./...

race:
	$(GO) test -race ./...

# Runs each fuzz target for FUZZTIME (make fuzz-smoke FUZZTIME=10m).
fuzz-smoke:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -parallel 1 $$pkg; \
	done

# The headless-Chromium test of the form page; installs Debian's chromium.
test-browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(GO) test -tags browser -count=1 ./browsertest/

run:
	$(GO) run ./cmd/fastbase

bench:
	$(MAKE) -C bench bench

bench-quick:
	$(MAKE) -C bench bench-quick

bench-codec:
	$(MAKE) -C bench bench-codec
