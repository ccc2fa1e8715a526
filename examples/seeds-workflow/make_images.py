"""Makes the example's test images: four 32x32 RGB PNGs of seeds on light and dark trays.

Standard library only (zlib + struct), so the images can be remade anywhere:
    python3 examples/seeds-workflow/make_images.py
Each image is a tray colour plus deterministic noise and a darker "seed" blob in the middle, so the
stand-in classifier's mean brightness (and therefore its confidence) differs from image to image.
"""
import os, random, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))

def png(path, width, height, pixel):
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in pixel(x, y)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

# (name, tray brightness): confidence ~ |mean - 128| / 128, so 0.5 separates clear from doubtful.
TRAYS = [("light-tray-1", 235), ("light-tray-2", 165), ("dark-tray-1", 20), ("dark-tray-2", 100)]

for seed, (name, tray) in enumerate(TRAYS):
    rng = random.Random(seed)
    def pixel(x, y):
        inside = (x - 16) ** 2 + (y - 16) ** 2 < 36
        base = tray - 40 if inside and tray > 128 else tray + 40 if inside else tray
        return tuple(max(0, min(255, base + rng.randint(-12, 12))) for _ in range(3))
    png(os.path.join(HERE, "images", name + ".png"), 32, 32, pixel)
