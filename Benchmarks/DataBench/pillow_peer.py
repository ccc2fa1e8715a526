#!/usr/bin/env python3
"""Pillow peer for DataBench: the same decode + resize + crop work, in the same run.

  pillow_peer.py prepare DIR [--count N]   write N photo JPEGs of 500x375 (scikit-image sample photos)
  pillow_peer.py run photos DIR            time Pillow on those files, print one JSON line
  pillow_peer.py run fashion IDX_GZ        time Pillow on Fashion-MNIST images, print one JSON line
  pillow_peer.py compare PHOTOS OURS       largest |Pillow − Aviary| over Aviary's outputs OURS/photo-*.png
  pillow_peer.py serve photos|fashion PATH  print "ready", then time one round per stdin line and print
                                           its images/s: DataBench alternates these rounds with its own,
                                           so both sides see the same machine load

Both tasks mirror DataBench's Swift side exactly: photos are read from disk, decoded (draft() lets
Pillow use DCT scaling whenever it keeps >= 256 px, as Aviary's minimumSize does), resized with the
shorter side to 256 (BILINEAR, which Pillow antialiases) and centre-cropped to 224x224; Fashion-MNIST
28x28 images are resized to 128x128, centre-cropped to 112x112 and converted to RGB.
Work is split over --workers processes (a persistent pool); the median of --repeats timed rounds counts.
"""
import argparse, gzip, io, json, os, statistics, sys, time
from multiprocessing import Pool
import numpy as np
from PIL import Image


def prepare(directory, count):
    from skimage import data as skdata  # only for making the benchmark photos
    os.makedirs(directory, exist_ok=True)
    sources = [skdata.chelsea(), skdata.coffee(), skdata.astronaut(), skdata.rocket(),
               skdata.hubble_deep_field(), skdata.immunohistochemistry()]
    rng = np.random.RandomState(2024)
    for i in range(count):
        photo = Image.fromarray(sources[i % len(sources)]).convert("RGB")
        scale = max(500 / photo.width, 375 / photo.height) * rng.uniform(1.0, 1.4)
        photo = photo.resize((max(500, round(photo.width * scale)), max(375, round(photo.height * scale))), Image.LANCZOS)
        left = rng.randint(0, photo.width - 500 + 1); top = rng.randint(0, photo.height - 375 + 1)
        photo = photo.crop((left, top, left + 500, top + 375))
        if rng.rand() < 0.5:
            photo = photo.transpose(Image.FLIP_LEFT_RIGHT)
        photo.save(os.path.join(directory, f"photo-{i:04d}.jpg"), quality=int(rng.randint(80, 96)))


def center_box(width, height, crop):
    left = int(round((width - crop) / 2.0)); top = int(round((height - crop) / 2.0))
    return (left, top, left + crop, top + crop)


def photo_task(path):
    with open(path, "rb") as f:
        image = Image.open(io.BytesIO(f.read()))
    image.draft("RGB", (256, 256))
    image = image.convert("RGB")
    w, h = image.size
    size = (256 * w // h, 256) if w >= h else (256, 256 * h // w)
    image = image.resize(size, Image.BILINEAR).crop(center_box(size[0], size[1], 224))
    assert image.size == (224, 224)
    return image


def photo_chunk(paths):
    for path in paths:
        photo_task(path)
    return len(paths)


def compare(photos, ours):
    """Proves both sides do the same work: the outputs agree to within rounding."""
    worst = 0
    for name in sorted(n for n in os.listdir(ours) if n.endswith(".png")):
        theirs = np.asarray(photo_task(os.path.join(photos, name[:-4] + ".jpg")), np.int16)
        mine = np.asarray(Image.open(os.path.join(ours, name)).convert("RGB"), np.int16)
        worst = max(worst, int(np.abs(theirs - mine).max()))
    print(json.dumps({"max_abs_difference": worst}))


FASHION = None
def load_fashion(path):
    global FASHION
    with gzip.open(path, "rb") as f:
        raw = f.read()
    count, rows, cols = int.from_bytes(raw[4:8], "big"), int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big")
    FASHION = np.frombuffer(raw, np.uint8, offset=16).reshape(count, rows, cols)


def fashion_chunk(index_range):
    start, stop = index_range
    for i in range(start, stop):
        image = Image.fromarray(FASHION[i], "L").resize((128, 128), Image.BILINEAR)
        image = image.crop(center_box(128, 128, 112)).convert("RGB")
        assert image.size == (112, 112)
    return stop - start


def setup(task, target, workers):
    if task == "photos":
        paths = sorted(os.path.join(target, n) for n in os.listdir(target) if n.endswith(".jpg"))
        chunks = [paths[w::workers] for w in range(workers)]
        function, initializer, arguments, total = photo_chunk, None, (), len(paths)
    else:
        load_fashion(target)
        total = len(FASHION)
        step = (total + workers - 1) // workers
        chunks = [(w * step, min(total, (w + 1) * step)) for w in range(workers)]
        function, initializer, arguments = fashion_chunk, load_fashion, (target,)
    pool = Pool(workers, initializer=initializer, initargs=arguments)
    pool.map(function, chunks)  # warm-up: imports, page cache, first-touch allocations

    def timed_round():
        start = time.perf_counter()
        done = sum(pool.map(function, chunks))
        return done / (time.perf_counter() - start)
    return pool, timed_round, total


def run(task, target, workers, repeats):
    pool, timed_round, total = setup(task, target, workers)
    with pool:
        rates = [timed_round() for _ in range(repeats)]
    print(json.dumps({"peer": "Pillow " + Image.__version__, "task": task, "workers": workers,
                      "images": total, "images_per_s": statistics.median(rates), "rounds": rates}))


def serve(task, target, workers):
    pool, timed_round, total = setup(task, target, workers)
    with pool:
        print(json.dumps({"peer": "Pillow " + Image.__version__, "images": total}), flush=True)
        for _ in sys.stdin:
            print(json.dumps({"images_per_s": timed_round()}), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["prepare", "run", "serve", "compare"])
    parser.add_argument("args", nargs="+")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    if options.command == "prepare":
        prepare(options.args[0], options.count)
    elif options.command == "compare":
        compare(options.args[0], options.args[1])
    elif options.command == "run":
        run(options.args[0], options.args[1], options.workers, options.repeats)
    else:
        serve(options.args[0], options.args[1], options.workers)
