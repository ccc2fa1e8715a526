"""Makes Fixtures/decoder/: a small image decoder exported by torch.onnx (the resize and
upsampling patterns real segmentation and detection models use), an input, PyTorch's output and
PyTorch's gradient of sum(y · r) with respect to the input. Run from the repository root:

    .venv/bin/python Tests/AviaryONNXTests/Fixtures/make_decoder_fixture.py

Deterministic (fixed seeds, CPU); a few KB. ONNX Runtime is checked against PyTorch here.
"""
import os

import numpy as np
import onnxruntime
import torch
import torch.nn.functional as F

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "decoder")


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.up = torch.nn.ConvTranspose2d(4, 4, 4, stride=2, padding=1)
        self.up2 = torch.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        y = F.interpolate(y, scale_factor=2, mode="bilinear", align_corners=False)  # 10×12
        y = self.up(y)  # 20×24
        y = F.pad(y, (1, 2, 0, 1), mode="reflect")  # 21×27
        y = F.max_pool2d(y, 3, stride=2, ceil_mode=True)  # 10×13
        y = F.interpolate(y, size=(7, 9), mode="bilinear", align_corners=False)
        # align_corners by a size, not a fractional scale: ONNX defines align_corners with the
        # fractional width in·scale (onnx/onnx#2462) where PyTorch and ONNX Runtime use the whole one.
        y = F.interpolate(y, size=(10, 13), mode="bicubic", align_corners=True)
        y = F.interpolate(y, scale_factor=2, mode="nearest")  # 20×26
        y = F.avg_pool2d(y, 2)  # 10×13
        y = self.up2(y)  # 20×26
        return y.transpose(2, 3) @ y  # [1, 2, 26, 26]


def main():
    os.makedirs(HERE, exist_ok=True)
    torch.manual_seed(0)
    model = Decoder().eval()
    x = torch.randn(1, 3, 5, 6)
    path = os.path.join(HERE, "decoder.onnx")
    torch.onnx.export(model, (x,), path, input_names=["x"], output_names=["y"], opset_version=18, dynamo=False)
    leaf = x.clone().requires_grad_(True)
    y = model(leaf)
    r = torch.from_numpy(np.random.default_rng(1).uniform(-1, 1, y.shape).astype(np.float32))
    (y * r).sum().backward()
    runtime = onnxruntime.InferenceSession(path).run(None, {"x": x.numpy()})[0]
    assert np.allclose(runtime, y.detach().numpy(), rtol=1e-4, atol=1e-4), np.abs(runtime - y.detach().numpy()).max()
    np.save(os.path.join(HERE, "x.npy"), x.numpy())
    np.save(os.path.join(HERE, "y.npy"), y.detach().numpy())
    np.save(os.path.join(HERE, "r.npy"), r.numpy())
    np.save(os.path.join(HERE, "grad_x.npy"), leaf.grad.numpy())


if __name__ == "__main__":
    main()
