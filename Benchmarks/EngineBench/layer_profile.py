"""Per-layer times of one inference pass: Aviary's oneDNN primitives (from a DNNL_VERBOSE log)
beside ONNX Runtime's nodes (its profiler), in execution order, to find which layers lose.

    DNNL_VERBOSE=1 EngineBench --python /bin/false --threads 2 --repeats 5 --inference-only \\
        --configs efficientnet_lite0:32:112 > /tmp/aviary.log
    .venv/bin/python Benchmarks/EngineBench/layer_profile.py /tmp/aviary.log efficientnet_lite0 32 112

Aviary's times are the median over the passes after the first (which builds primitives and touches
fresh memory); ONNX Runtime's the mean over five profiled runs after one warm-up. Both include the
fused post-ops. The two lists line up for the zoo models, whose convolutions come in the same order;
a 1×1 convolution with a depthwise post-op (`+dw:` in the log, `DNNLPointwiseDepthwise`) stands
for two of ONNX Runtime's nodes, and its line shows their sum.
"""
import collections
import json
import os
import statistics
import sys
import tempfile


def verbose_passes(text):
    """The oneDNN calls of each inference pass in a `DNNL_VERBOSE` log, in order:
    [[(primitive, implementation, shape, ms)]]; a convolution with a fused depthwise layer reads
    `…+dw`. A pass starts at each call of the first convolution."""
    calls = []
    for line in text.splitlines():
        if line.startswith(("onednn_verbose,exec", "dnnl_verbose,exec")):
            fields = line.strip().split(",")
            implementation = fields[4].split(":")[0] + ("+dw" if "+dw:" in line else "")
            calls.append((fields[3], implementation, fields[-2], float(fields[-1])))
    convolutions = [c for c in calls if c[0] == "convolution"]
    if not convolutions:
        return []
    first = convolutions[0][2]
    passes = []
    for call in calls:
        if call[0] == "convolution" and call[2] == first:
            passes.append([])
        if passes:
            passes[-1].append(call)
    return passes


def aviary_layers(log_path):
    """[(primitive, implementation, shape, median ms)] of the primitives of one pass, in order."""
    with open(log_path) as log:
        passes = verbose_passes(log.read())
    if not passes:
        sys.exit(f"{log_path}: no oneDNN convolution calls; run with DNNL_VERBOSE=1")
    steady = passes[1:] or passes
    return [steady[0][i][:3] + (statistics.median(p[i][3] for p in steady if len(p) > i),) for i in range(len(steady[0]))]


def ort_layers(name, batch, size, threads):
    """[(op, output shape, mean ms)] of ONNX Runtime's nodes, in order."""
    import onnxruntime as ort
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_peer import build
    model = build(name).eval()
    x = torch.randn(batch, 3, size, size)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.onnx")
        torch.onnx.export(model, x, path, dynamo=False, opset_version=17)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.enable_profiling = True
        options.profile_file_prefix = os.path.join(folder, "profile")
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name: x.numpy()}
        runs = 5
        for _ in range(runs + 1):
            session.run(None, feed)
        with open(session.end_profiling()) as f:
            events = [e for e in json.load(f) if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]
    per_run = len(events) // (runs + 1)
    totals, order = collections.defaultdict(float), []
    for event in events[per_run:]:
        key = event["name"][: -len("_kernel_time")]
        if key not in totals:
            order.append((key, event["args"].get("op_name"), str(event["args"].get("output_type_shape"))))
        totals[key] += event["dur"] / 1000 / runs
    return [(op, shape, totals[key]) for key, op, shape in order]


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    log_path, name, batch, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    ours = [layer[1:] for layer in aviary_layers(log_path) if layer[0] == "convolution"]
    theirs = [layer for layer in ort_layers(name, batch, size, threads) if layer[0] == "Conv"]
    print(f"{'aviary ms':>9} {'ORT ms':>7} {'diff':>6}  aviary kernel  shape")
    position = 0
    for implementation, shape, ms in ours:
        nodes = 2 if implementation.endswith("+dw") else 1
        ort_ms = sum(layer[2] for layer in theirs[position:position + nodes])
        position += nodes
        print(f"{ms:9.2f} {ort_ms:7.2f} {ms - ort_ms:+6.2f}  {implementation:16s}  {shape[:70]}")
    print(f"{sum(l[2] for l in ours):9.2f} {sum(l[2] for l in theirs):7.2f}  total (ONNX Runtime's non-Conv nodes left out)")


if __name__ == "__main__":
    main()
