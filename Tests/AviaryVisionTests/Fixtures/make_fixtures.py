#!/usr/bin/env python3
"""Makes every AviaryVision test fixture in this folder. Run: python3 make_fixtures.py
Needs Pillow, numpy, torch (reference resize values) and scikit-image (a real photo).
Tests never run Python; they read the committed outputs."""
import io, json, os, struct, zlib
import numpy as np
from PIL import Image, ImageOps
import torch
import torch.nn.functional as F
from skimage import data as skdata

HERE = os.path.dirname(os.path.abspath(__file__))
def path(name): return os.path.join(HERE, name)
expected = {}

# ---- real photos (scikit-image samples: chelsea the cat, coffee) ----
chelsea = Image.fromarray(skdata.chelsea()).resize((120, 80), Image.LANCZOS)
chelsea.save(path("photo-baseline.jpg"), quality=90)
chelsea.save(path("photo-progressive.jpg"), quality=90, progressive=True)
chelsea.convert("L").save(path("photo-gray.jpg"), quality=90)
chelsea.convert("CMYK").save(path("photo-cmyk.jpg"), quality=95)
for name in ["photo-baseline", "photo-progressive", "photo-gray"]:
    Image.open(path(name + ".jpg")).save(path(name + ".pillow.png"))  # Pillow's decode, lossless
Image.open(path("photo-cmyk.jpg")).convert("RGB").save(path("photo-cmyk.pillow.png"))
coffee = Image.fromarray(skdata.coffee()).resize((200, 150), Image.LANCZOS)
coffee.save(path("photo-200x150.jpg"), quality=85)

# ---- EXIF orientations: stored pixels are the inverse of the tag, so upright is always `base` ----
base = np.zeros((32, 48, 3), np.uint8)
base[:16, :24] = (230, 20, 20); base[:16, 24:] = (20, 230, 20)
base[16:, :24] = (20, 20, 230); base[16:, 24:] = (240, 240, 240)
base_image = Image.fromarray(base)
inverse = {1: None, 2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
           5: Image.TRANSPOSE, 6: Image.ROTATE_90, 7: Image.TRANSVERSE, 8: Image.ROTATE_270}
def exif_blob(orientation, little_endian):
    e = "<" if little_endian else ">"
    tiff = (b"II" if little_endian else b"MM") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", 1) + struct.pack(e + "HHI", 0x0112, 3, 1)
    tiff += struct.pack(e + "H", orientation) + b"\0\0" + struct.pack(e + "I", 0)
    return b"Exif\0\0" + tiff
for orientation, op in inverse.items():
    stored = base_image if op is None else base_image.transpose(op)
    for little in (True, False):
        name = f"orientation-{orientation}-{'le' if little else 'be'}.jpg"
        stored.save(path(name), quality=95, exif=exif_blob(orientation, little))
        upright = np.asarray(ImageOps.exif_transpose(Image.open(path(name))))
        centres = [(8, 12), (8, 36), (24, 12), (24, 36)]
        assert upright.shape == base.shape, name
        assert all(np.abs(upright[c].astype(int) - base[c]).max() < 16 for c in centres), name

# ---- PNG colour types, with expected pixels (after AviaryVision's documented rules) ----
rng = np.random.RandomState(7)
def save_expected(name, image_array, fmt):
    h, w = image_array.shape[:2]
    expected[name] = {"width": w, "height": h, "format": fmt, "pixels": image_array.reshape(-1).tolist()}
gray = rng.randint(0, 256, (6, 9)).astype(np.uint8)
Image.fromarray(gray, "L").save(path("gray8.png")); save_expected("gray8.png", gray, "gray")
bits = (rng.rand(6, 9) > 0.5)
Image.fromarray(bits).convert("1").save(path("gray1.png")); save_expected("gray1.png", bits.astype(np.uint8) * 255, "gray")
ga = rng.randint(0, 256, (6, 9, 2)).astype(np.uint8)
Image.fromarray(ga, "LA").save(path("gray-alpha.png"))
save_expected("gray-alpha.png", ga[..., 0], "gray")
save_expected("gray-alpha.png#keep", np.stack([ga[..., 0]] * 3 + [ga[..., 1]], -1), "rgba")
rgb = rng.randint(0, 256, (6, 9, 3)).astype(np.uint8)
Image.fromarray(rgb, "RGB").save(path("rgb8.png")); save_expected("rgb8.png", rgb, "rgb")
rgba = rng.randint(0, 256, (6, 9, 4)).astype(np.uint8)
Image.fromarray(rgba, "RGBA").save(path("rgba8.png"))
save_expected("rgba8.png", rgba[..., :3], "rgb"); save_expected("rgba8.png#keep", rgba, "rgba")
palette = np.array([[255, 0, 0], [0, 128, 0], [0, 0, 255], [250, 250, 10]], np.uint8)
indices = rng.randint(0, 4, (6, 9)).astype(np.uint8)
p = Image.fromarray(indices, "P"); p.putpalette(palette.reshape(-1).tolist())
p.save(path("palette.png")); save_expected("palette.png", palette[indices], "rgb")
p.save(path("palette-trns.png"), transparency=bytes([255, 0, 128, 255]))
alpha = np.array([255, 0, 128, 255], np.uint8)[indices]
save_expected("palette-trns.png#keep", np.concatenate([palette[indices], alpha[..., None]], -1), "rgba")
save_expected("palette-trns.png", palette[indices], "rgb")

def chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
def raw_png(width, height, bit_depth, color_type, rows, interlace=0):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
def scale16(v): return np.floor(v.astype(np.float64) * 255 / 65535 + 0.5).astype(np.uint8)
g16 = rng.randint(0, 65536, (5, 7)).astype(">u2")
open(path("gray16.png"), "wb").write(raw_png(7, 5, 16, 0, b"".join(b"\0" + r.tobytes() for r in g16)))
save_expected("gray16.png", scale16(g16), "gray")
c16 = rng.randint(0, 65536, (5, 7, 3)).astype(">u2")
c16[0, 0] = (128, 32895, 65535)  # values on and near rounding boundaries
open(path("rgb16.png"), "wb").write(raw_png(7, 5, 16, 2, b"".join(b"\0" + r.tobytes() for r in c16)))
save_expected("rgb16.png", scale16(c16), "rgb")
adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
interlaced = b""
for x0, y0, dx, dy in adam7:  # Pillow cannot write Adam7, so the passes are laid out by hand
    sub = rgb[y0::dy, x0::dx]
    if sub.size:
        interlaced += b"".join(b"\0" + row.tobytes() for row in sub)
open(path("rgb8-interlaced.png"), "wb").write(raw_png(9, 6, 8, 2, interlaced, interlace=1))
assert np.array_equal(np.asarray(Image.open(path("rgb8-interlaced.png"))), rgb)
save_expected("rgb8-interlaced.png", rgb, "rgb")
for key, value in expected.items():
    assert np.all(np.asarray(value["pixels"]) >= 0), key
for name in ["gray8.png", "rgb8.png", "palette.png", "gray16.png", "rgb16.png"]:
    pil = np.asarray(Image.open(path(name)).convert("L" if "gray" in name else "RGB"))
    if "16" not in name:
        assert pil.reshape(-1).tolist() == expected[name]["pixels"], name

# ---- broken files ----
jpeg = open(path("photo-baseline.jpg"), "rb").read()
open(path("broken-truncated.jpg"), "wb").write(jpeg[: len(jpeg) * 6 // 10])
corrupt = bytearray(jpeg)
sof = corrupt.find(b"\xff\xc0"); corrupt[sof + 4] = 13  # sample precision 13: impossible for baseline
open(path("broken-corrupt.jpg"), "wb").write(bytes(corrupt))
sos = jpeg.find(b"\xff\xda"); middle = sos + (len(jpeg) - sos) // 2
open(path("broken-scan.jpg"), "wb").write(jpeg[:middle] + b"\xff\xd3" + jpeg[middle + 2:])  # stray marker in the scan
open(path("extraneous-bytes.jpg"), "wb").write(jpeg[:sos] + b"\0\0\0" + jpeg[sos:])  # harmless, common in the wild
png = open(path("rgb8.png"), "rb").read()
open(path("broken-truncated.png"), "wb").write(png[: len(png) * 6 // 10])
corrupt = bytearray(png); idat = corrupt.find(b"IDAT"); corrupt[idat + 6] ^= 0xFF  # CRC no longer matches
open(path("broken-corrupt.png"), "wb").write(bytes(corrupt))
open(path("bomb.png"), "wb").write(raw_png(100000, 100000, 8, 0, b"\0" * 16))
bomb_jpeg = bytearray(jpeg); sof = bomb_jpeg.find(b"\xff\xc0")
bomb_jpeg[sof + 5:sof + 9] = struct.pack(">HH", 60000, 60000)
open(path("bomb.jpg"), "wb").write(bytes(bomb_jpeg))  # the scans follow, so the header parses
open(path("not-an-image.jpg"), "wb").write(b"hello, I am text pretending to be a JPEG\n")
Image.fromarray(rgb).save(path("actually-gif.png"), format="GIF")
open(path("png-named.jpg"), "wb").write(png)  # decoding goes by content, not by name

# ---- resize references: PyTorch (bilinear, area) and Pillow (antialiased bilinear) ----
pattern = rng.randint(0, 256, (11, 13, 3)).astype(np.uint8)
Image.fromarray(pattern).save(path("pattern.png"))
t = torch.from_numpy(pattern).permute(2, 0, 1)[None].double()
resize = {}
for (w, h) in [(7, 5), (20, 17), (13, 6), (5, 11)]:
    key = f"{w}x{h}"
    out = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False, antialias=False)
    resize["bilinear " + key] = out[0].permute(1, 2, 0).reshape(-1).tolist()
    out = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False, antialias=True)
    resize["torch-antialiased " + key] = out[0].permute(1, 2, 0).reshape(-1).tolist()
    resize["pillow-antialiased " + key] = np.asarray(Image.fromarray(pattern).resize((w, h), Image.BILINEAR)).reshape(-1).astype(float).tolist()
    if w <= 13 and h <= 11:
        out = F.adaptive_avg_pool2d(t, (h, w))
        resize["area " + key] = out[0].permute(1, 2, 0).reshape(-1).tolist()
expected["resize"] = resize

with open(path("expected.json"), "w") as f:
    json.dump(expected, f, separators=(",", ":"))
total = sum(os.path.getsize(path(n)) for n in os.listdir(HERE))
print(f"fixtures written, {total} bytes in total")
