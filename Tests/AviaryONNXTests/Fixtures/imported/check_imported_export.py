"""Checks the ONNX files Aviary writes from imported graphs (ImportedExportTests, run with
AVIARY_WRITE_EXPORT_FIXTURES=1) with the ONNX tools, and records ONNX Runtime's outputs.

Each file passes onnx.checker (full check, with shape inference) and runs in ONNX Runtime on a
batch of 3 — the exports were made at batch 1, so this also checks the batch is dynamic. Input
and output are saved as <name>_x.npy and <name>_y.npy for the Swift tests. From the repository root:

    .venv/bin/python Tests/AviaryONNXTests/Fixtures/imported/check_imported_export.py
"""
import os

import numpy as np
import onnx
import onnxruntime

HERE = os.path.dirname(os.path.abspath(__file__))

for name in ("classifier", "sequential"):
    path = os.path.join(HERE, f"{name}.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    x = np.random.default_rng(7).standard_normal((3, 3, 8, 8)).astype(np.float32)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {session.get_inputs()[0].name: x})
    np.save(os.path.join(HERE, f"{name}_x.npy"), x)
    np.save(os.path.join(HERE, f"{name}_y.npy"), y)
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    print(name, "passes onnx.checker; ONNX Runtime output", y.shape, "opset", model.opset_import[0].version, metadata)
