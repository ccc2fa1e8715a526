"""Checks Aviary's ONNX exports with the ONNX tools and records ONNX Runtime's answers.

The .onnx files here are written by Aviary itself (ONNXExportRuntimeTests, run with
AVIARY_WRITE_EXPORT_FIXTURES=1). This script passes each through onnx.checker (full check, with
shape inference), runs it in ONNX Runtime on a fixed input and saves input and output as .npy,
which the Swift tests compare with the engine. Run from the repository root:

    .venv/bin/pip install onnx==1.22.0 onnxruntime numpy
    .venv/bin/python Tests/AviaryONNXTests/Fixtures/export/check_export.py
"""
import os

import numpy as np
import onnx
import onnxruntime

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = {"small_cnn": (2, 1, 12, 12), "resnet_tiny": (2, 3, 16, 16)}

for name, shape in MODELS.items():
    model_path = os.path.join(HERE, f"{name}.onnx")
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
    x = np.random.default_rng(42).standard_normal(shape).astype(np.float32)
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (y,) = session.run(["logits"], {"input": x})
    np.save(os.path.join(HERE, f"{name}_x.npy"), x)
    np.save(os.path.join(HERE, f"{name}_y.npy"), y)
    print(name, "passes onnx.checker; ONNX Runtime output", y.shape)
