#ifndef AVIARY_IMAGE_CODECS_H
#define AVIARY_IMAGE_CODECS_H

#include <stddef.h>
#include <stdint.h>

/// Result codes shared by every function here. The message buffer says more.
enum {
    AVIARY_CODEC_OK = 0,
    AVIARY_CODEC_CORRUPT = 1,        ///< libpng/zlib rejected the bytes (bad CRC, bad chunk, bad stream)
    AVIARY_CODEC_TRUNCATED = 2,      ///< the data ended before the image did
    AVIARY_CODEC_TOO_MANY_PIXELS = 3,///< width × height exceeds the caller's limit
    AVIARY_CODEC_OUT_OF_MEMORY = 4,
    AVIARY_CODEC_UNSUPPORTED = 5
};

#define AVIARY_CODEC_MESSAGE_CAPACITY 200

/// A decoded PNG: 8-bit samples, `channels` of 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA),
/// rows packed without padding. `pixels` is malloc'ed; release it with aviary_codec_free.
typedef struct {
    uint32_t width;
    uint32_t height;
    uint32_t channels;
    uint32_t source_bit_depth;
    uint8_t *pixels;
} aviary_png_image;

/// Decodes a PNG held in memory. Palettes and tRNS expand to RGB(A); gray below 8 bits expands to
/// 8 bits; 16-bit samples scale to 8 bits as round(v × 255 / 65535) (libpng's png_set_scale_16).
/// Never longjmps to the caller: every libpng error becomes a return code and a message.
int aviary_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                      aviary_png_image *out, char *message);

/// Reads only the PNG header (IHDR) to report the dimensions.
int aviary_png_read_size(const uint8_t *data, size_t length, uint32_t *width, uint32_t *height,
                         char *message);

/// Encodes 8-bit pixels (channels 1, 2, 3 or 4) as PNG. `*out` is malloc'ed.
int aviary_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                      int compression_level, uint8_t **out, size_t *out_length, char *message);

/// Inflates a gzip (or zlib) stream, refusing to produce more than `max_output` bytes.
int aviary_gunzip(const uint8_t *data, size_t length, size_t max_output,
                  uint8_t **out, size_t *out_length, char *message);

void aviary_codec_free(void *pointer);

#endif
