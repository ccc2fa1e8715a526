# The two commands: `make demo` and `make test`. Each installs what is missing, then builds.
SWIFT ?= swift
SWIFT_TEST_FLAGS ?=
export OMP_WAIT_POLICY ?= passive

.PHONY: deps build release demo test clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	@scripts/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/aviary"

test: deps
	$(SWIFT) build --build-tests $(SWIFT_TEST_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_TEST_FLAGS)

clean:
	rm -rf .build
