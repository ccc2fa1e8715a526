"""EXAMPLE STAND-IN for the classify step, not a model.

Aviary's model-backed built-in (`aviary.classify`, which runs an exported model on the image) needs
the neural engine, which is still being built; until it lands this small function takes its place so
the workflow runs end to end on real images. It labels an image "light" or "dark" from its mean
brightness, with confidence |mean - 128| / 128. Swap the Classify state's FunctionName to the
built-in once it exists; nothing else in the definition changes.

Event: {"blob": "sha256:..."} (the image travels by reference). The bytes are read with
`$AVIARY_EXECUTABLE blob get`, which Aviary passes to every function along with AVIARY_PROJECT.
Decodes 8-bit, non-interlaced PNGs (gray, RGB, gray+alpha, RGBA) with the standard library only.
"""
import os, struct, subprocess, zlib


def read_blob(blob_id):
    aviary = os.environ.get("AVIARY_EXECUTABLE", "aviary")
    # AVIARY_PROJECT in the environment points `aviary` at the project running this workflow.
    return subprocess.run([aviary, "blob", "get", blob_id],
                          check=True, capture_output=True).stdout


def png_luminance(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    pos, idat, header = 8, b"", None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise ValueError("truncated PNG chunk %r" % kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, color, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace:
        raise ValueError("only 8-bit non-interlaced gray/RGB(A) PNGs are supported by this stand-in")
    raw = zlib.decompress(idat)
    stride = width * channels
    previous, total = bytearray(stride), 0
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: row[i] = (row[i] + left) & 255
            elif kind == 2: row[i] = (row[i] + up) & 255
            elif kind == 3: row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        color_channels = channels if channels in (1, 3) else channels - 1
        for x in range(width):
            px = row[x * channels:x * channels + color_channels]
            total += sum(px) / len(px)
        previous = row
    return total / (width * height)


def lambda_handler(event, context):
    data = read_blob(event["blob"])
    try:
        mean = png_luminance(data)
    except (zlib.error, struct.error, IndexError) as error:
        raise ValueError("cannot decode the PNG: %s" % error)
    return {"label": "light" if mean >= 128 else "dark", "confidence": round(abs(mean - 128) / 128, 4),
            "model": "stand-in:mean-brightness"}
