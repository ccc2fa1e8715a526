"""A small PyTorch CNN exported to ONNX, and PyTorch's own training numbers on it, for the tests
of ImportedModule (an ONNX graph trained in Aviary) in ImportedModuleTests.swift.

Writes small_cnn_training.onnx (the same weights exported in training mode, with a Dropout
before fc), small_cnn.onnx (exported with the TorchScript exporter at opset 13, batch norm kept as its
own node, weights as initializers named like the state dict, the Flatten output renamed
"features"), and reference.pth (a state dict the Swift tests read with TorchCheckpoint):
  x, targets                    the batch
  grad.<name>                   d(cross-entropy)/d(parameter), training mode (batch statistics)
  sgd_loss [3]                  losses of 3 SGD steps (lr 0.1, momentum 0.9), all parameters
  after.<name>                  parameters and running statistics after those steps
  frozen_loss [3]               the same steps with only fc trained (the rest frozen)
  frozen_after.fc.weight        fc's weight after them
  adamw_loss [3]                losses of 3 AdamW steps (lr 0.01, weight decay 0.01), all parameters
  adamw_after.<name>            parameters after them
Made with torch 2.13.0 (CPU) and onnx 1.22.0. Run from the repository root (or `make onnx-fixtures`):
    .venv/bin/python Tests/AviaryONNXTests/Fixtures/imported/make_imported.py
"""
import os

import numpy as np
import onnx
import onnx.numpy_helper
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = nn.functional.hardswish(self.bn2(self.conv2(x)))
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def make():
    torch.manual_seed(0)
    model = SmallCNN()
    with torch.no_grad():  # non-trivial statistics, so eval and training modes differ
        for bn in (model.bn1, model.bn2):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
    model.eval()
    path = os.path.join(HERE, "small_cnn.onnx")
    # PRESERVE on an eval model: batch norm in inference form, not folded into the convolution.
    torch.onnx.export(model, torch.zeros(1, 3, 8, 8), path, dynamo=False, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    graph = onnx.load(path)
    (flatten,) = [node for node in graph.graph.node if node.op_type == "Flatten"]
    old = flatten.output[0]
    flatten.output[0] = "features"
    for node in graph.graph.node:
        node.input[:] = ["features" if name == old else name for name in node.input]
    onnx.checker.check_model(graph, full_check=True)
    onnx.save(graph, path)

    # The same weights exported as PyTorch does in training mode (opset 15): batch norm with
    # training_mode=1 and its moved statistics as extra outputs, and a Dropout whose training_mode
    # input is true, here in front of fc (so fc's weights are fc.1.*).
    state_before = {name: value.clone() for name, value in model.state_dict().items()}
    training_copy = SmallCNN()
    training_copy.load_state_dict(model.state_dict())
    training_copy.fc = nn.Sequential(nn.Dropout(0.3), training_copy.fc)
    training_copy.train()
    torch.onnx.export(training_copy, torch.zeros(2, 3, 8, 8), os.path.join(HERE, "small_cnn_training.onnx"), dynamo=False,
                      opset_version=15, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    # Tracing ran the copy in training mode, which moved its running statistics: put back the originals.
    training_graph = onnx.load(os.path.join(HERE, "small_cnn_training.onnx"))
    for initializer in training_graph.graph.initializer:
        if "running" in initializer.name:
            initializer.CopyFrom(onnx.numpy_helper.from_array(state_before[initializer.name].numpy(), initializer.name))
    onnx.checker.check_model(training_graph, full_check=True)
    onnx.save(training_graph, os.path.join(HERE, "small_cnn_training.onnx"))

    generator = torch.Generator().manual_seed(1)
    x = torch.randn(4, 3, 8, 8, generator=generator)
    targets = torch.tensor([0, 2, 1, 2])
    state = {name: value.clone() for name, value in model.state_dict().items()}
    reference = {"x": x, "targets": targets.float()}

    model.train()
    nn.functional.cross_entropy(model(x), targets).backward()
    for name, parameter in model.named_parameters():
        reference[f"grad.{name}"] = parameter.grad.clone()

    def steps(trained, optimizer=None):
        model.load_state_dict(state)
        model.train()
        for parameter in model.parameters():
            parameter.requires_grad_(any(parameter is p for p in trained))
        optimizer = optimizer(trained) if optimizer else torch.optim.SGD(trained, lr=0.1, momentum=0.9)
        losses = []
        for _ in range(3):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x), targets)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return torch.tensor(losses)

    reference["sgd_loss"] = steps(list(model.parameters()))
    for name, value in model.state_dict().items():
        if "num_batches" not in name:
            reference[f"after.{name}"] = value.clone()
    reference["frozen_loss"] = steps(list(model.fc.parameters()))
    reference["frozen_after.fc.weight"] = model.fc.weight.detach().clone()
    reference["adamw_loss"] = steps(list(model.parameters()), lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01))
    for name, parameter in model.named_parameters():
        reference[f"adamw_after.{name}"] = parameter.detach().clone()
    torch.save({k: v.detach().float().contiguous() for k, v in reference.items()}, os.path.join(HERE, "reference.pth"))
    print("initializers:", [i.name for i in graph.graph.initializer])
    print("sgd losses", reference["sgd_loss"].tolist(), "frozen", reference["frozen_loss"].tolist())


if __name__ == "__main__":
    make()
