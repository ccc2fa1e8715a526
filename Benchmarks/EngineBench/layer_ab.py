"""Interleaved A/B of environment settings, layer by layer: runs EngineBench's inference under each
setting in turn, several times, and sums the 20th-percentile time of each oneDNN call of a pass
(`DNNL_VERBOSE`). On this shared machine whole-pass wall times of two settings drift apart with
the machine's fast and slow phases; per-call low percentiles over interleaved runs do not.

    .venv/bin/python Benchmarks/EngineBench/layer_ab.py .build/release/EngineBench \\
        efficientnet_lite0:32:224 8 AVIARY_INFERENCE_LAYOUT=nhwc AVIARY_INFERENCE_LAYOUT=blocked

Each SETTING is a comma-separated list of VAR=value. DETAIL=1 prints every call of a pass.
"""
import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from layer_profile import verbose_passes  # noqa: E402


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, config, runs, settings = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    times = {s: collections.defaultdict(list) for s in settings}
    names = {s: {} for s in settings}
    for _ in range(runs):
        for setting in settings:
            env = dict(os.environ, DNNL_VERBOSE="1")
            env.pop("OMP_WAIT_POLICY", None)
            for pair in filter(None, setting.split(",")):
                key, value = pair.split("=", 1)
                env[key] = value
            out = subprocess.run([binary, "--python", "/bin/false", "--threads", os.environ.get("THREADS", "2"), "--inference-only",
                                  "--configs", config, "--min-inference-round-seconds", "0.1", "--rounds", "1"],
                                 env=env, capture_output=True, text=True, check=True).stdout
            for one in verbose_passes(out)[2:]:
                for i, call in enumerate(one):
                    times[setting][i].append(call[3])
                    names[setting][i] = call

    def p20(values):
        return sorted(values)[len(values) // 5]

    for setting in settings:
        total = sum(p20(v) for v in times[setting].values())
        print(f"{setting}: {total:.2f} ms of oneDNN calls a pass ({len(times[setting])} calls)")
    if os.environ.get("DETAIL"):
        for setting in settings:
            print("==", setting)
            for i in sorted(times[setting]):
                primitive, kernel, shape, _ = names[setting][i]
                print(f"{i:3d} {p20(times[setting][i]):7.3f} ms  {primitive[:11]:11s} {kernel:13s} {shape}")


if __name__ == "__main__":
    main()
