#!/usr/bin/env bash
# Fuzzes the PyTorch checkpoint and .npy readers (AviaryONNX) with libFuzzer and AddressSanitizer,
# starting from the committed fixtures. Usage: scripts/fuzz-onnx-readers.sh [SECONDS, default 60].
# The readers need no protobuf, so their sources are compiled directly with swiftc, outside SwiftPM.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
work="$root/.build-fuzz"
mkdir -p "$work/corpus"
sources=("$root"/Sources/AviaryONNX/Torch/*.swift "$root"/Sources/AviaryONNX/Arrays/*.swift "$root"/Sources/AviaryONNX/FileContents.swift)
swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name ONNXReadersFuzz \
  "${sources[@]}" "$root/Fuzz/ONNXReaders/main.swift" -o "$work/fuzz-onnx-readers"
cp "$root"/Tests/AviaryONNXTests/Fixtures/pth/* "$root"/Tests/AviaryONNXTests/Fixtures/tensors/*.npy "$work/corpus/"
cd "$work"
./fuzz-onnx-readers -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=4096 corpus
