# athena-kafka — every target works on a fresh machine (Go 1.26, JDK 17 + Maven, Python 3 with moto).
SHELL := /bin/bash
GO    ?= go
PKGS  := ./...
BIN   := bin
# Fuzz targets run by `make fuzz`: every `func FuzzX` in a _test.go file, as ./dir:FuzzX.
FUZZ_TARGETS ?= $(shell grep -rlE '^func Fuzz' --include='*_test.go' . | sort | while read f; do for n in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' $$f | cut -c6-); do echo ./$$(dirname $${f#./}):$$n; done; done)
FUZZTIME ?= 60s

.PHONY: all generate check-generated build lambda test test-unit test-integration bench pgo lint fuzz demo clean

all: build

generate:
	$(GO) generate ./generated/...

check-generated:
	$(GO) run ./gen -schemas schemas -out generated -check

build:
	$(GO) build ./...
	$(GO) build -o $(BIN)/athena-kafka ./lambda

# The Lambda artifact: bootstrap for provided.al2023, amd64 and arm64, zipped.
lambda:
	@set -e; for arch in amd64 arm64; do \
	  mkdir -p dist/$$arch && \
	  CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w' -o dist/$$arch/bootstrap ./lambda && \
	  (cd dist/$$arch && rm -f ../athena-kafka-$$arch.zip && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); i=zipfile.ZipInfo("bootstrap"); i.external_attr=0o755<<16; i.compress_type=zipfile.ZIP_DEFLATED; z.writestr(i, open("bootstrap","rb").read()); z.close()' ../athena-kafka-$$arch.zip) && \
	  echo "dist/athena-kafka-$$arch.zip"; \
	done

# Fast: no services. Race detector on.
test-unit:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# Everything, with its own set-up: real Kafka, moto, the Lambda emulator, the Java SDK harness.
test:
	./test/run-all.sh

test-integration:
	./test/run-all.sh integration-only

# The benchmarks are built as the Lambda is: with its profile (see pgo).
bench:
	$(GO) run -pgo=lambda/default.pgo ./test/bench/decoders
	$(GO) run -pgo=lambda/default.pgo ./test/bench/e2e

# Profile-guided optimisation: lambda/default.pgo, a CPU profile of our
# decoders (generated and fallback, JSON and CSV) on the benchmark's
# messages, is applied to every build of ./lambda. The generated decoders'
# own frames are hidden from it, so that it tunes the runtime they all call
# (the same for every table, not just the benchmark's). Regenerate it after
# changing the decoders' hot paths.
pgo:
	@mkdir -p test/.run
	$(GO) run ./test/bench/decoders -only 'generated,fallback' -count 3 -benchtime 1s -cpuprofile test/.run/decoders.pprof
	$(GO) tool pprof -proto -hide='athena-kafka/generated\.' test/.run/decoders.pprof > lambda/default.pgo

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== fuzz $$pkg $$name ($(FUZZTIME))"; \
	  $(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) $$pkg; done

# The first run on a fresh machine downloads and compiles the dependencies: progress is shown.
demo:
	@echo "demo: building bin/athena-kafka (a first run downloads and compiles the dependencies: a few minutes on 2 cores)"
	@set -o pipefail; $(GO) build -v -o $(BIN)/athena-kafka ./lambda 2>&1 | \
	  awk '/^[A-Za-z0-9._-]+(\/[^ ]*)?$$/ { n++; if (n % 25 == 0) printf "demo: compiled %d packages\n", n; next } { print }'
	@$(BIN)/athena-kafka demo

clean:
	rm -rf $(BIN) dist test/.run
