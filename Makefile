# fastbase — common tasks. `make test` is what CI runs.

GO ?= go

.PHONY: test vet race fuzz-smoke bench bench-quick run

test: vet race

vet:
	$(GO) vet ./...

race:
	$(GO) test -race ./...

# Runs each fuzz target briefly; the seed corpora already run in `make test`.
fuzz-smoke:
	$(GO) test -run '^$$' -fuzz '^FuzzParser$$' -fuzztime 30s ./codec/

run:
	$(GO) run ./cmd/fastbase

bench:
	$(MAKE) -C bench bench

bench-quick:
	$(MAKE) -C bench bench-quick
