"""Writes ops.avta: inputs, outputs and gradients of each op, computed by PyTorch CPU.

Run from the repository root with the private venv:
    python3 -m venv .venv && .venv/bin/pip install torch numpy
    .venv/bin/python Tests/AviaryTensorTests/Fixtures/make_fixtures.py

Each case `name` stores `name.in0`, `name.in1`… (inputs), `name.seed` (the weights R that turn
the output into the scalar sum(R * out)), `name.out`, and `name.grad0`… (d sum(R*out) / d input).
The format is Aviary's TensorArchive (see Sources/AviaryTensor/TensorArchive.swift).
"""
import os
import struct

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.use_deterministic_algorithms(True)
entries = []


def add(name, t):
    entries.append((name, t.detach().to(torch.float32).contiguous()))


def write(path, items):
    with open(path, "wb") as f:
        f.write(b"AVTA" + struct.pack("<II", 1, len(items)))
        for name, t in items:
            raw = name.encode()
            f.write(struct.pack("<I", len(raw)) + raw + struct.pack("<I", t.dim()))
            for d in t.shape:
                f.write(struct.pack("<q", d))
            f.write(t.numpy().astype("<f4").tobytes())


def case(name, fn, *inputs):
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    out = fn(*leaves)
    seed = torch.rand(out.shape) * 2 - 1
    (out * seed).sum().backward()
    for i, x in enumerate(inputs):
        add(f"{name}.in{i}", x)
        add(f"{name}.grad{i}", leaves[i].grad)
    add(f"{name}.seed", seed)
    add(f"{name}.out", out)


def tf_same(x, k, s, d=1):
    """TensorFlow SAME padding as an explicit F.pad (left, right, top, bottom)."""
    h, w = x.shape[2], x.shape[3]
    ext = (k - 1) * d + 1
    ph = max((-(-h // s) - 1) * s + ext - h, 0)
    pw = max((-(-w // s) - 1) * s + ext - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


r = torch.randn
case("conv.basic", lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1), r(2, 3, 6, 6), r(4, 3, 3, 3), r(4))
case("conv.asym", lambda x, w, b: F.conv2d(F.pad(x, (1, 2, 0, 1)), w, b, stride=2), r(2, 3, 7, 6), r(4, 3, 3, 3), r(4))
case("conv.same", lambda x, w: F.conv2d(tf_same(x, 3, 2), w, stride=2), r(1, 2, 6, 7), r(3, 2, 3, 3))
case("conv.dilated", lambda x, w, b: F.conv2d(x, w, b, padding=2, dilation=2), r(1, 2, 7, 7), r(2, 2, 3, 3), r(2))
case("conv.groups", lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2), r(2, 4, 5, 5), r(6, 2, 3, 3), r(6))
case("conv.depthwise", lambda x, w: F.conv2d(x, w, stride=2, padding=1, groups=4), r(2, 4, 6, 6), r(4, 1, 3, 3))


def bn_train(x, g, b):
    rm, rv = torch.zeros(3), torch.ones(3)
    y = F.batch_norm(x, rm, rv, g, b, training=True, momentum=0.1, eps=1e-5)
    add("bn.train.running_mean", rm)
    add("bn.train.running_var", rv)
    return y


case("bn.train", bn_train, r(4, 3, 3, 3), r(3), r(3))
case("bn.eval", lambda x, g, b: F.batch_norm(x, torch.tensor([0.1, -0.2, 0.3]), torch.tensor([0.5, 1.5, 2.0]), g, b, training=False, eps=1e-5), r(2, 3, 2, 2), r(3), r(3))

act_in = r(2, 3, 4) * 4
case("act.relu", F.relu, act_in)
case("act.relu6", F.relu6, act_in)
case("act.hardswish", F.hardswish, act_in)
case("act.hardsigmoid", F.hardsigmoid, act_in)
case("act.sigmoid", torch.sigmoid, act_in)
case("act.silu", F.silu, act_in)

case("pool.max", lambda x: F.max_pool2d(x, 3, stride=2, padding=1), r(2, 2, 7, 7))
case("pool.avg", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), r(2, 2, 7, 7))
case("pool.avg_nopad", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False), r(2, 2, 7, 7))
case("pool.global", lambda x: F.adaptive_avg_pool2d(x, 1), r(2, 3, 4, 5))

case("linear", F.linear, r(3, 5), r(4, 5), r(4))
case("matmul", torch.matmul, r(3, 5), r(5, 2))
case("add.broadcast", torch.add, r(2, 3, 4), r(3, 1))
case("mul.broadcast", torch.mul, r(2, 3, 4), r(4))
case("concat", lambda a, b: torch.cat([a, b], 1), r(2, 1, 3), r(2, 2, 3))
case("softmax", lambda x: F.softmax(x, 1), r(3, 4))

targets = torch.tensor([0, 3, 1, 1, 2])
class_weights = torch.tensor([1.0, 2.0, 0.5, 1.5])
add("ce.targets", targets.float())
add("ce.weights", class_weights)
case("ce.plain", lambda x: F.cross_entropy(x, targets), r(5, 4))
case("ce.smooth_weighted", lambda x: F.cross_entropy(x, targets, weight=class_weights, label_smoothing=0.1), r(5, 4))

write(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops.avta"), entries)
print(f"wrote {len(entries)} tensors with torch {torch.__version__}")
