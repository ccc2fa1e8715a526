"""Checks the classifier Aviary exports from the tiny CNN backbone and records ONNX Runtime's answers.

tiny_cnn_classifier.onnx is written by Aviary itself: ONNXBackboneTrainingTests, run with
AVIARY_WRITE_EXPORT_FIXTURES=1, registers tiny_cnn.onnx as a backbone, puts the fixed head of
make_tiny_cnn.py on it and saves the model artifact, whose graph this is. This script passes it
through onnx.checker (full check), runs it in ONNX Runtime on tiny_cnn_x.npy with a batch of 2 (the
export's batch is dynamic), checks the answer against PyTorch's logits and the class names in the
model's metadata, and saves Runtime's logits as tiny_cnn_classifier_ort.npy. From the repository root:

    .venv/bin/python Tests/AviaryONNXTests/Fixtures/backbone/check_classifier.py
"""
import json
import os

import numpy as np
import onnx
import onnxruntime

HERE = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(HERE, "tiny_cnn_classifier.onnx")
model = onnx.load(path)
onnx.checker.check_model(model, full_check=True)
assert json.loads({p.key: p.value for p in model.metadata_props}["classes"]) == ["robin", "wren", "finch"]
x = np.load(os.path.join(HERE, "tiny_cnn_x.npy"))
session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
assert [i.name for i in session.get_inputs()] == ["image"], session.get_inputs()
(logits,) = session.run(["logits"], {"image": x})
torch_logits = np.load(os.path.join(HERE, "tiny_cnn_logits.npy"))
assert np.allclose(logits, torch_logits, atol=1e-5), np.abs(logits - torch_logits).max()
np.save(os.path.join(HERE, "tiny_cnn_classifier_ort.npy"), logits)
print("tiny_cnn_classifier.onnx passes onnx.checker; ONNX Runtime logits", logits.shape,
      "max |Runtime - PyTorch|", float(np.abs(logits - torch_logits).max()))
