"""Checks the fine-tuned PaddleOCR classifier that PaddleTransferTests exports (the real model,
cut before its classifier, with a new 3-class head): onnx.checker (full check) and ONNX Runtime
against the engine's own outputs, within 1e-4. The 585 KB model is not committed; make it with

    mkdir -p /tmp/paddle && AVIARY_PADDLE_EXPORT_DIR=/tmp/paddle swift test --skip-build --filter PaddleTransferTests
    .venv/bin/python Tests/AviaryONNXTests/Fixtures/imported/check_paddle_transfer.py /tmp/paddle
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/paddle"
path = os.path.join(folder, "paddle_transfer.onnx")
model = onnx.load(path)
onnx.checker.check_model(model, full_check=True)
x = np.load(os.path.join(folder, "paddle_transfer_x.npy"))
engine = np.load(os.path.join(folder, "paddle_transfer_y.npy"))
session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
(runtime,) = session.run(None, {session.get_inputs()[0].name: x})
difference = float(np.abs(runtime - engine).max())
metadata = {entry.key: entry.value for entry in model.metadata_props}
print(f"passes onnx.checker; opset {model.opset_import[0].version}; inputs {[(i.name, i.shape) for i in session.get_inputs()]}; "
      f"outputs {[(o.name, o.shape) for o in session.get_outputs()]}; metadata {metadata}")
print(f"ONNX Runtime vs engine on {x.shape[0]} images: max |difference| {difference:.2e}")
sys.exit(0 if difference <= 1e-4 else 1)
