// PNG decode and encode through libpng. libpng reports errors by longjmp; every setjmp lives here so
// that no longjmp ever crosses a Swift frame.
#include "image_codecs.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    const uint8_t *data;
    size_t length;
    size_t offset;
    int code;            // the code to return after the longjmp
    char *message;
} read_context;

static void record(read_context *context, int code, const char *text) {
    context->code = code;
    snprintf(context->message, AVIARY_CODEC_MESSAGE_CAPACITY, "%s", text);
}

static void on_error(png_structp png, png_const_charp text) {
    read_context *context = (read_context *)png_get_error_ptr(png);
    if (context->code == AVIARY_CODEC_OK) record(context, AVIARY_CODEC_CORRUPT, text);
    longjmp(context->jump, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // ancillary-chunk problems are survivable; the pixels are still right.
}

static void read_from_memory(png_structp png, png_bytep destination, size_t count) {
    read_context *context = (read_context *)png_get_io_ptr(png);
    if (context->length - context->offset < count) {
        record(context, AVIARY_CODEC_TRUNCATED, "the file ends before the image data does");
        png_error(png, "truncated");
    }
    memcpy(destination, context->data + context->offset, count);
    context->offset += count;
}

static int start_reading(read_context *context, png_structp *png, png_infop *info) {
    if (context->length < 8 || png_sig_cmp(context->data, 0, 8) != 0) {
        record(context, AVIARY_CODEC_UNSUPPORTED, "not a PNG signature");
        return context->code;
    }
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, context, on_error, on_warning);
    if (*png == NULL) { record(context, AVIARY_CODEC_OUT_OF_MEMORY, "libpng could not start"); return context->code; }
    *info = png_create_info_struct(*png);
    if (*info == NULL) { record(context, AVIARY_CODEC_OUT_OF_MEMORY, "libpng could not start"); return context->code; }
    // Our own pixel limit is the guard; lift libpng's 1,000,000-per-side default so that it is the one that speaks.
    png_set_user_limits(*png, 0x7fffffff, 0x7fffffff);
    png_set_read_fn(*png, context, read_from_memory);
    return AVIARY_CODEC_OK;
}

int aviary_png_read_size(const uint8_t *data, size_t length, uint32_t *width, uint32_t *height,
                         char *message) {
    read_context context = {.data = data, .length = length, .code = AVIARY_CODEC_OK, .message = message};
    png_structp png = NULL;
    png_infop info = NULL;
    message[0] = 0;
    if (start_reading(&context, &png, &info) != AVIARY_CODEC_OK) {
        png_destroy_read_struct(&png, &info, NULL);
        return context.code;
    }
    if (setjmp(context.jump)) {
        png_destroy_read_struct(&png, &info, NULL);
        return context.code;
    }
    png_read_info(png, info);
    *width = png_get_image_width(png, info);
    *height = png_get_image_height(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return AVIARY_CODEC_OK;
}

int aviary_png_decode(const uint8_t *data, size_t length, uint64_t max_pixels,
                      aviary_png_image *out, char *message) {
    read_context context = {.data = data, .length = length, .code = AVIARY_CODEC_OK, .message = message};
    png_structp png = NULL;
    png_infop info = NULL;
    // volatile: these change between setjmp and a possible longjmp.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    message[0] = 0;
    memset(out, 0, sizeof(*out));
    if (start_reading(&context, &png, &info) != AVIARY_CODEC_OK) {
        png_destroy_read_struct(&png, &info, NULL);
        return context.code;
    }
    if (setjmp(context.jump)) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return context.code;
    }
    png_read_info(png, info);
    uint32_t width = png_get_image_width(png, info);
    uint32_t height = png_get_image_height(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "%ux%u is %llu pixels, over the limit of %llu",
                 width, height, (unsigned long long)width * height, (unsigned long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return AVIARY_CODEC_TOO_MANY_PIXELS;
    }
    png_set_expand(png);                      // palette -> RGB, tRNS -> alpha, 1/2/4-bit gray -> 8-bit
    png_set_scale_16(png);                    // 16-bit -> 8-bit, rounded (not truncated)
    int passes = png_set_interlace_handling(png);
    (void)passes;
    png_read_update_info(png, info);
    uint32_t channels = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (row_bytes != (size_t)width * channels) {
        record(&context, AVIARY_CODEC_UNSUPPORTED, "unexpected row layout after transforms");
        png_error(png, "layout");
    }
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (pixels == NULL || rows == NULL) {
        record(&context, AVIARY_CODEC_OUT_OF_MEMORY, "not enough memory for the decoded image");
        png_error(png, "memory");
    }
    for (uint32_t y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->source_bit_depth = (uint32_t)bit_depth;
    out->pixels = pixels;
    return AVIARY_CODEC_OK;
}

typedef struct {
    jmp_buf jump;
    uint8_t *buffer;
    size_t length;
    size_t capacity;
    int failed;
    char *message;
} write_context;

static void on_write_error(png_structp png, png_const_charp text) {
    write_context *context = (write_context *)png_get_error_ptr(png);
    snprintf(context->message, AVIARY_CODEC_MESSAGE_CAPACITY, "%s", text);
    longjmp(context->jump, 1);
}

static void write_to_memory(png_structp png, png_bytep source, size_t count) {
    write_context *context = (write_context *)png_get_io_ptr(png);
    if (context->capacity - context->length < count) {
        size_t capacity = context->capacity ? context->capacity : 4096;
        while (capacity - context->length < count) capacity *= 2;
        uint8_t *grown = realloc(context->buffer, capacity);
        if (grown == NULL) { context->failed = 1; png_error(png, "out of memory while encoding"); }
        context->buffer = grown;
        context->capacity = capacity;
    }
    memcpy(context->buffer + context->length, source, count);
    context->length += count;
}

static void flush_nothing(png_structp png) { (void)png; }

int aviary_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, uint32_t channels,
                      int compression_level, uint8_t **out, size_t *out_length, char *message) {
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA};
    message[0] = 0;
    *out = NULL;
    *out_length = 0;
    if (channels < 1 || channels > 4 || width == 0 || height == 0) {
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "cannot encode %ux%u with %u channels", width, height, channels);
        return AVIARY_CODEC_UNSUPPORTED;
    }
    write_context context = {.message = message};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, on_write_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "libpng could not start");
        return AVIARY_CODEC_OUT_OF_MEMORY;
    }
    if (setjmp(context.jump)) {
        png_destroy_write_struct(&png, &info);
        free(context.buffer);
        return AVIARY_CODEC_OUT_OF_MEMORY;
    }
    png_set_write_fn(png, &context, write_to_memory, flush_nothing);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, width, height, 8, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * width * channels));
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = context.buffer;
    *out_length = context.length;
    return AVIARY_CODEC_OK;
}

void aviary_codec_free(void *pointer) { free(pointer); }
