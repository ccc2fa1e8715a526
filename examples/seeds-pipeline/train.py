#!/usr/bin/env python3
"""A stand-in trainer for the seeds' pipeline: a nearest-centroid classifier, standard library only.

It follows the script-step contract (see ../../README.md, "Pipelines"): the training and validation
images arrive as class folders in $AVIARY_CHANNEL_TRAIN and $AVIARY_CHANNEL_VALIDATION, the model goes
to $AVIARY_MODEL_DIR, and metrics.json in $AVIARY_OUTPUT_DIR becomes the step's outputs. A PyTorch
script reads and writes the same folders.
"""
import json
import os
import struct
import sys
import zlib


def read_png(path):
    """Decodes an 8-bit, non-interlaced PNG to a list of grey levels (RGB is averaged)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, width, height, colour = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace:
                raise ValueError(f"{path}: only 8-bit non-interlaced PNGs")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    grey = 1 if channels < 3 else 3
    return [sum(row[x * channels:x * channels + grey]) / grey for row in rows for x in range(width)]


def load(folder):
    """(class name, pixels) for every image in a folder of class folders."""
    samples = []
    for label in sorted(os.listdir(folder)):
        for name in sorted(os.listdir(os.path.join(folder, label))):
            samples.append((label, read_png(os.path.join(folder, label, name))))
    return samples


def main():
    train = load(os.environ["AVIARY_CHANNEL_TRAIN"])
    validation = load(os.environ["AVIARY_CHANNEL_VALIDATION"])
    with open(os.environ["AVIARY_PARAMS_FILE"]) as f:
        params = json.load(f)
    print(f"training on {len(train)} images, validating on {len(validation)}; params {params}", flush=True)

    sums, counts = {}, {}
    for label, pixels in train:
        acc = sums.setdefault(label, [0.0] * len(pixels))
        for i, v in enumerate(pixels):
            acc[i] += v
        counts[label] = counts.get(label, 0) + 1
    centroids = {label: [v / counts[label] for v in acc] for label, acc in sums.items()}

    def predict(pixels):
        return min(centroids, key=lambda c: sum((a - b) ** 2 for a, b in zip(pixels, centroids[c])))

    correct = sum(1 for label, pixels in validation if predict(pixels) == label)
    accuracy = correct / len(validation) if validation else 0.0
    print(f"validation accuracy {accuracy:.4f} ({correct}/{len(validation)})", flush=True)

    model = os.environ["AVIARY_MODEL_DIR"]
    with open(os.path.join(model, "centroids.json"), "w") as f:
        json.dump({label: [round(v, 3) for v in c] for label, c in sorted(centroids.items())}, f)
    with open(os.path.join(model, "labels.txt"), "w") as f:
        f.write("\n".join(sorted(centroids)) + "\n")
    with open(os.path.join(os.environ["AVIARY_OUTPUT_DIR"], "metrics.json"), "w") as f:
        json.dump({"accuracy": round(accuracy, 4), "train_images": len(train), "validation_images": len(validation)}, f)


if __name__ == "__main__":
    sys.exit(main())
