// gzip/zlib inflate for IDX files (Fashion-MNIST ships them gzipped). zlib never longjmps.
#include "image_codecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int aviary_gunzip(const uint8_t *data, size_t length, size_t max_output,
                  uint8_t **out, size_t *out_length, char *message) {
    message[0] = 0;
    *out = NULL;
    *out_length = 0;
    z_stream stream;
    memset(&stream, 0, sizeof(stream));
    // 15 + 32: accept both gzip and zlib headers.
    if (inflateInit2(&stream, 15 + 32) != Z_OK) {
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "zlib could not start");
        return AVIARY_CODEC_OUT_OF_MEMORY;
    }
    size_t capacity = length * 4 + 1024;
    if (capacity > max_output + 1) capacity = max_output + 1;
    uint8_t *buffer = malloc(capacity);
    size_t produced = 0;
    int status = Z_OK;
    stream.next_in = (Bytef *)data;
    stream.avail_in = (uInt)length;
    while (buffer != NULL) {
        if (produced == capacity) {
            if (capacity > max_output) break;
            size_t grown_capacity = capacity * 2 > max_output + 1 ? max_output + 1 : capacity * 2;
            uint8_t *grown = realloc(buffer, grown_capacity);
            if (grown == NULL) { free(buffer); buffer = NULL; break; }
            buffer = grown;
            capacity = grown_capacity;
        }
        stream.next_out = buffer + produced;
        stream.avail_out = (uInt)(capacity - produced);
        status = inflate(&stream, Z_NO_FLUSH);
        produced = capacity - stream.avail_out;
        if (status == Z_STREAM_END) break;
        if (status == Z_BUF_ERROR && stream.avail_in == 0) { status = Z_DATA_ERROR + 100; break; }
        if (status != Z_OK && status != Z_BUF_ERROR) break;
    }
    inflateEnd(&stream);
    if (buffer == NULL) {
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "not enough memory to inflate");
        return AVIARY_CODEC_OUT_OF_MEMORY;
    }
    if (status == Z_STREAM_END) {
        if (produced > max_output) {
            free(buffer);
            snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "inflates to more than %zu bytes", max_output);
            return AVIARY_CODEC_TOO_MANY_PIXELS;
        }
        *out = buffer;
        *out_length = produced;
        return AVIARY_CODEC_OK;
    }
    free(buffer);
    if (produced > max_output) {
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "inflates to more than %zu bytes", max_output);
        return AVIARY_CODEC_TOO_MANY_PIXELS;
    }
    if (status == Z_DATA_ERROR + 100) {
        snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "the compressed stream ends early");
        return AVIARY_CODEC_TRUNCATED;
    }
    snprintf(message, AVIARY_CODEC_MESSAGE_CAPACITY, "%s", stream.msg ? stream.msg : "corrupt compressed stream");
    return AVIARY_CODEC_CORRUPT;
}
