"""Makes the tiny CNN that the ONNX-backbone tests register with `aviary backbone add`, and the
files that check what Aviary makes of it.

- tiny_cnn.onnx: a 3×32×32 → 10 classifier (two conv/batch-norm/ReLU stages, global average
  pooling, a linear classifier `fc`), seeded random weights and running statistics, exported by
  PyTorch with a dynamic batch. Aviary cuts it at the classifier's input (16 features).
- tiny_cnn_x.npy: a fixed input [2, 3, 32, 32].
- tiny_cnn_head_weight.npy, tiny_cnn_head_bias.npy: a fixed 3-way head on those 16 features.
- tiny_cnn_features.npy, tiny_cnn_logits.npy: PyTorch's features and head logits on that input.
- odd_*.onnx: small graphs that `backbone add` must refuse with a clear message (an operator the
  importer lacks, a channels-last input, a non-square input, a rank-2 input) or take only with
  --input-size (height and width left open).

Run from the repository root (then check_classifier.py, after the Swift test wrote the export):

    .venv/bin/python Tests/AviaryONNXTests/Fixtures/backbone/make_tiny_cnn.py
"""
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)


class TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def features(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        return torch.flatten(self.pool(x), 1)

    def forward(self, x):
        return self.fc(self.features(x))


model = TinyCNN()
with torch.no_grad():
    for bn in (model.bn1, model.bn2):
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 1.5)
        bn.weight.uniform_(0.8, 1.2)
        bn.bias.uniform_(-0.1, 0.1)
model.eval()
torch.onnx.export(model, torch.zeros(1, 3, 32, 32), os.path.join(HERE, "tiny_cnn.onnx"), input_names=["image"],
                  output_names=["scores"], dynamic_axes={"image": {0: "N"}, "scores": {0: "N"}}, opset_version=17,
                  dynamo=False, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
onnx.checker.check_model(onnx.load(os.path.join(HERE, "tiny_cnn.onnx")), full_check=True)

x = np.random.default_rng(3).uniform(-2, 2, (2, 3, 32, 32)).astype(np.float32)
rng = np.random.default_rng(4)
head_weight = (rng.standard_normal((3, 16)) * 0.5).astype(np.float32)
head_bias = (rng.standard_normal(3) * 0.1).astype(np.float32)
with torch.no_grad():
    features = model.features(torch.from_numpy(x)).numpy()
logits = features @ head_weight.T + head_bias
for name, array in [("x", x), ("head_weight", head_weight), ("head_bias", head_bias), ("features", features), ("logits", logits)]:
    np.save(os.path.join(HERE, f"tiny_cnn_{name}.npy"), array)


def odd(name, input_shape, nodes, initializers=(), output="y"):
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, input_shape)],
                              [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)], list(initializers))
    odd_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_tiny_cnn.py")
    odd_model.ir_version = 8
    onnx.save(odd_model, os.path.join(HERE, f"odd_{name}.onnx"))


kernel = helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], rng.standard_normal(108).astype(np.float32).tolist())
conv = helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1])
pool = helper.make_node("GlobalAveragePool", ["c"], ["p"], name="pool")
flatten = helper.make_node("Flatten", ["p"], ["y"], name="flatten")
# An operator the importer does not implement, between the convolution and the pooling.
odd("unsupported_op", ["N", 3, 16, 16], [conv, helper.make_node("Hardmax", ["c"], ["h"], name="mystery", axis=1),
                                          helper.make_node("GlobalAveragePool", ["h"], ["p"], name="pool"), flatten], [kernel])
odd("channels_last", ["N", 16, 16, 3], [helper.make_node("Transpose", ["x"], ["t"], name="to_nchw", perm=[0, 3, 1, 2]),
                                        helper.make_node("Conv", ["t", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]), pool, flatten], [kernel])
odd("not_square", ["N", 3, 16, 24], [conv, pool, flatten], [kernel])
odd("dynamic", ["N", 3, "H", "W"], [conv, pool, flatten], [kernel])
odd("rank2", ["N", 768], [helper.make_node("Relu", ["x"], ["y"], name="relu")])
print("wrote tiny_cnn.onnx", os.path.getsize(os.path.join(HERE, "tiny_cnn.onnx")), "bytes; features", features.shape)
