"""PyTorch CPU (and ONNX Runtime) peer for EngineBench: the same models, batch sizes and thread
count, timed the same way. Prints one JSON object on its last line.

    python torch_peer.py --threads 2 --configs resnet18:32:224,efficientnet_lite0:32:224 --repeats 3

EngineBench drives it with --rounds-from-stdin, one config at a time, alternating rounds with its own.
"""
import argparse
import ctypes
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class MBConv(nn.Module):
    def __init__(self, cin, cout, k, s, e):
        super().__init__()
        h = cin * e
        layers = []
        if e != 1:
            layers += [nn.Conv2d(cin, h, 1, bias=False), nn.BatchNorm2d(h, 1e-3, 0.01), nn.ReLU6()]
        layers += [nn.Conv2d(h, h, k, s, (k - 1) // 2, groups=h, bias=False), nn.BatchNorm2d(h, 1e-3, 0.01), nn.ReLU6(),
                   nn.Conv2d(h, cout, 1, bias=False), nn.BatchNorm2d(cout, 1e-3, 0.01)]
        self.body = nn.Sequential(*layers)
        self.skip = s == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.skip else self.body(x)


def efficientnet_lite0(classes=1000):
    """The same architecture as AviaryNN.EfficientNetLite0 (no SE, ReLU6, fixed stem and head)."""
    stages = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]
    layers = [nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32, 1e-3, 0.01), nn.ReLU6()]
    c = 32
    for r, k, s, e, o in stages:
        for i in range(r):
            layers.append(MBConv(c, o, k, s if i == 0 else 1, e))
            c = o
    layers += [nn.Conv2d(c, 1280, 1, bias=False), nn.BatchNorm2d(1280, 1e-3, 0.01), nn.ReLU6(),
               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)


def build(name):
    if name == "resnet18":
        return torchvision.models.resnet18()
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2()
    return efficientnet_lite0()


def timed(fn, repeats, samples):
    """Appends the wall and CPU (all threads) seconds of `repeats` calls after one warm-up to
    `samples` ([walls], [cpus])."""
    fn()  # warm-up: each round starts after the other engine has had the caches
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        samples[0].append(time.perf_counter() - start)
        samples[1].append(time.process_time() - cpu_start)


def torch_round(name, batch, size, channels_last, train_steps, infer_passes, samples):
    """One round of PyTorch in one memory format, on a freshly built model (so that only one
    format's model is resident at a time)."""
    model = build(name)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    x = torch.randn(batch, 3, size, size).to(memory_format=fmt)
    y = torch.randint(0, 1000, (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train():
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    def infer():
        model.eval()
        with torch.no_grad():
            model(x)

    if train_steps:
        timed(train, train_steps, samples["train"])
    timed(infer, infer_passes, samples["infer"])


def ort_session(name, batch, size, threads):
    """An ONNX Runtime session on the exported model with all graph optimisations, and its feed;
    None where ONNX Runtime is missing or the export fails."""
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    model = build(name).eval()
    x = torch.randn(batch, 3, size, size)
    with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
        try:
            with warnings.catch_warnings():
                # The TorchScript exporter is the one that writes what ONNX Runtime optimises fully here.
                warnings.simplefilter("ignore", DeprecationWarning)
                torch.onnx.export(model, x, f.name, dynamo=False, opset_version=17)
        except Exception:
            return None
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        if threads_sleep():
            # OpenMP's passive policy does not reach ONNX Runtime's own pool: ask it to sleep too.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(f.name, options, providers=["CPUExecutionProvider"])
        return session, {session.get_inputs()[0].name: x.numpy()}


class ConfigRounds:
    """One config measured in rounds: PyTorch (NCHW, then channels-last) and ONNX Runtime, each
    round on the pass counts asked for. EngineBench runs its own round between two of ours, so
    both sides of a ratio see the same minutes of a shared machine's load."""

    def __init__(self, config, threads):
        name, batch, size = config.split(":")
        self.name, self.batch, self.size, self.threads = name, int(batch), int(size), threads
        self.samples = {key: {"train": ([], []), "infer": ([], [])} for key in ("nchw", "nhwc", "ort")}
        # Each round's median wall time, for the per-round ratios EngineBench prints.
        self.round_medians = {key: {"train": [], "infer": []} for key in self.samples}
        self.session = None
        self.peak = None

    def round(self, train_steps, infer_passes):
        train_steps = train_steps if self.batch > 1 else 0
        starts = {(key, phase): len(walls) for key, phases in self.samples.items() for phase, (walls, _) in phases.items()}
        if self.peak is None:
            reset_peak_rss()
        for key in ("nchw", "nhwc"):
            torch_round(self.name, self.batch, self.size, key == "nhwc", train_steps, infer_passes, self.samples[key])
        if self.peak is None:
            self.peak = peak_rss_mb()  # the first round's, before ONNX Runtime, which is not PyTorch's memory
            self.session = ort_session(self.name, self.batch, self.size, self.threads)
        if self.session:
            session, feed = self.session
            timed(lambda: session.run(None, feed), infer_passes, self.samples["ort"]["infer"])
        for (key, phase), start in starts.items():
            walls = self.samples[key][phase][0][start:]
            if walls:
                self.round_medians[key][phase].append(statistics.median(walls))

    def results(self):
        def medians(key, phase):
            walls, cpus = self.samples[key][phase]
            return (statistics.median(walls), statistics.median(cpus)) if walls else None
        # The better layout by wall time, and that same layout's CPU time and rounds.
        train_layout = min((k for k in ("nchw", "nhwc") if medians(k, "train")), key=lambda k: medians(k, "train")[0], default=None)
        infer_layout = min(("nchw", "nhwc"), key=lambda k: medians(k, "infer")[0])
        train = medians(train_layout, "train") if train_layout else None
        infer = medians(infer_layout, "infer")
        ort = medians("ort", "infer")
        return {
            "torch_train_round_s": self.round_medians[train_layout]["train"] if train_layout else None,
            "torch_infer_round_s": self.round_medians[infer_layout]["infer"],
            "ort_infer_round_s": self.round_medians["ort"]["infer"] or None,
            "torch_train_s": train[0] if train else None,
            "torch_train_cpu_s": train[1] if train else None,
            "torch_infer_s": infer[0],
            "torch_infer_cpu_s": infer[1],
            "ort_infer_s": ort[0] if ort else None,
            "ort_infer_cpu_s": ort[1] if ort else None,
            "torch_peak_rss_mb": self.peak,
        }


def threads_sleep():
    """Whether this run compares engines whose idle threads sleep at once (OMP_WAIT_POLICY=passive)
    rather than spin a while first, each engine's default."""
    return os.environ.get("OMP_WAIT_POLICY", "").lower() == "passive"


def reset_peak_rss():
    """Returns freed memory to the system (as EngineBench does between configs), then resets VmHWM
    to the current resident size (Linux 4.0+), so each config gets its own peak."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb():
    """VmHWM of this process. Not ru_maxrss: Linux carries the parent's high-water mark across
    fork+exec into it, so it reported EngineBench's own peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--configs", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--inference-only", action="store_true", help="skip the training measurements")
    parser.add_argument("--rounds-from-stdin", action="store_true",
                        help="one config, measured in rounds: prints 'ready', then each line 'TRAIN_STEPS INFER_PASSES' "
                             "runs one round and is answered with a line 'done'; end of input prints the results")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = {}
    train_steps = 0 if args.inference_only else args.repeats
    for config in args.configs.split(","):
        rounds = ConfigRounds(config, args.threads)
        if args.rounds_from_stdin:
            print("ready", flush=True)  # imports done: from here on the peer is idle between rounds
            for line in sys.stdin:
                train, infer = (int(v) for v in line.split())
                rounds.round(train, infer)
                print("done", flush=True)
        else:
            rounds.round(train_steps, args.repeats)
        results[config] = rounds.results()
    results["torch_peak_rss_mb"] = max(r["torch_peak_rss_mb"] or 0 for r in results.values())
    results["torch_version"] = torch.__version__
    results["ort_spinning"] = not threads_sleep()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
