"""Per-layer times of one training step: Aviary's oneDNN convolutions (from a DNNL_VERBOSE log of an
EngineBench run) beside PyTorch's (its profiler, grouped by input shape), to find where a step's time
goes and which side is faster on which layer.

    DNNL_VERBOSE=1 EngineBench --python /bin/false --threads 2 --repeats 6 --configs resnet18:32:112 > /tmp/aviary.log
    .venv/bin/python Benchmarks/EngineBench/train_profile.py /tmp/aviary.log resnet18 32 112 [threads] [nhwc|nchw]

Layers are matched by (input channels, output channels, input size, kernel size); both sides sum
the layers that share a key. Aviary's times are totals over its training steps divided by the
step count (forward, backward-data and backward-weights calls; oneDNN's reorders in training
listed apart). 1×1 convolutions that Aviary runs on sgemm and the 5×5 depthwise weight gradients it
computes in Swift do not appear in its log, so their rows read zero on Aviary's side. PyTorch's are
the profiler's self CPU times of `aten::mkldnn_convolution` and `aten::convolution_backward`,
per step, over three profiled steps after three warm-up ones.
"""
import collections
import re
import sys

PROBLEM = re.compile(r"(?:g(\d+))?mb(\d+)_ic(\d+)oc(\d+)_ih(\d+)oh(\d+)kh(\d+)")


def aviary_layers(log_path):
    """({key: {"fwd": ms, "bwd": ms}} per step, reorder ms per step, steps)."""
    calls, mode = [], None
    with open(log_path) as log:
        for line in log:
            if not line.startswith(("onednn_verbose,exec", "dnnl_verbose,exec")):
                continue
            fields = line.strip().split(",")
            primitive, prop = fields[3], fields[5]
            if primitive != "reorder":
                mode = "train" if prop.startswith(("forward_training", "backward")) else "infer"
            # wino_reorder transforms weights for inference, on the way out of training.
            if mode == "train" and not fields[4].startswith("wino_reorder"):
                calls.append((primitive, prop, fields[-2], float(fields[-1])))
    convolutions = [c for c in calls if c[0] == "convolution"]
    if not convolutions:
        sys.exit(f"{log_path}: no oneDNN training convolutions; run EngineBench with DNNL_VERBOSE=1 and training on")
    first = next(c[2] for c in convolutions if c[1] == "forward_training")
    steps = sum(1 for c in convolutions if c[1] == "forward_training" and c[2] == first)
    layers = collections.defaultdict(lambda: {"fwd": 0.0, "bwd": 0.0})
    for _, prop, problem, ms in convolutions:
        match = PROBLEM.match(problem)
        if match:
            _, _, ic, oc, ih, _, kh = match.groups()
            layers[(int(ic), int(oc), int(ih), int(kh))]["fwd" if prop == "forward_training" else "bwd"] += ms / steps
    reorders = sum(c[3] for c in calls if c[0] == "reorder") / steps
    return layers, reorders, steps


def torch_layers(name, batch, size, threads, channels_last):
    """({key: {"fwd": ms, "bwd": ms}} per step, all other ops' self CPU ms per step)."""
    import torch
    import torch.nn.functional as F
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from torch_peer import build
    torch.set_num_threads(threads)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = build(name).to(memory_format=fmt)
    x = torch.randn(batch, 3, size, size).to(memory_format=fmt)
    y = torch.randint(0, 1000, (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    for _ in range(3):
        step()
    profiled = 3
    with torch.profiler.profile(record_shapes=True) as profile:
        for _ in range(profiled):
            step()
    layers = collections.defaultdict(lambda: {"fwd": 0.0, "bwd": 0.0})
    other = 0.0
    for event in profile.key_averages(group_by_input_shape=True):
        ms = event.self_cpu_time_total / 1000 / profiled
        shapes = event.input_shapes
        if event.key == "aten::mkldnn_convolution":
            (_, ic, ih, _), weight = shapes[0], shapes[1]
            layers[(ic, weight[0], ih, weight[2])]["fwd"] += ms
        elif event.key == "aten::convolution_backward":
            (_, ic, ih, _), weight = shapes[1], shapes[2]
            layers[(ic, weight[0], ih, weight[2])]["bwd"] += ms
        elif not event.key.startswith(("autograd::", "Optimizer.", "aten::convolution", "aten::_convolution")):
            other += ms
    return layers, other


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    log_path, name, batch, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    channels_last = (sys.argv[6] if len(sys.argv) > 6 else "nhwc") == "nhwc"
    ours, reorders, steps = aviary_layers(log_path)
    theirs, other = torch_layers(name, batch, size, threads, channels_last)
    keys = sorted(set(ours) | set(theirs), key=lambda k: -(sum(ours.get(k, {}).values()) + sum(theirs.get(k, {}).values())))
    print(f"Aviary: {steps} training steps in the log; PyTorch: {'channels-last' if channels_last else 'NCHW'}, 3 profiled steps")
    print(f"{'ic':>5} {'oc':>5} {'in':>4} {'k':>2} | {'aviary fwd':>10} {'bwd':>7} | {'torch fwd':>9} {'bwd':>7} | {'diff':>7}")
    total_ours = total_theirs = 0.0
    for key in keys:
        a, t = ours.get(key, {"fwd": 0.0, "bwd": 0.0}), theirs.get(key, {"fwd": 0.0, "bwd": 0.0})
        total_ours += a["fwd"] + a["bwd"]
        total_theirs += t["fwd"] + t["bwd"]
        diff = a["fwd"] + a["bwd"] - t["fwd"] - t["bwd"]
        print(f"{key[0]:5d} {key[1]:5d} {key[2]:4d} {key[3]:2d} | {a['fwd']:10.2f} {a['bwd']:7.2f} | {t['fwd']:9.2f} {t['bwd']:7.2f} | {diff:+7.2f}")
    print(f"convolutions, ms per step: Aviary {total_ours:.1f}, PyTorch {total_theirs:.1f}")
    print(f"Aviary's oneDNN reorders in training: {reorders:.1f} ms per step; PyTorch's other ops (self CPU): {other:.1f} ms per step")


if __name__ == "__main__":
    main()
