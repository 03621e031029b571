// The public entry points of CMapBufferCodecs: argument checks, levels, the
// "none" codec, and the bounded output buffer every decoder writes into.

#include "codecs_internal.h"

#include <stdlib.h>
#include <string.h>

// MARK: - Bounded output buffer

size_t mb_mul_sat(size_t a, size_t b) {
  return (b != 0 && a > SIZE_MAX / b) ? SIZE_MAX : a * b;
}

size_t mb_default_hint(size_t src_size) {
  size_t hint = mb_mul_sat(src_size, 4);
  return hint < 256 ? 256 : hint;
}

mb_status mb_outbuf_init(mb_outbuf *buf, size_t hint, size_t max_output) {
  buf->size = 0;
  buf->max_output = max_output;
  buf->limit = max_output == SIZE_MAX ? SIZE_MAX : max_output + 1;
  if (hint < 64) hint = 64;  // avoid a series of tiny reallocations
  buf->capacity = hint < buf->limit ? hint : buf->limit;
  buf->data = malloc(buf->capacity);
  return buf->data ? MB_STATUS_OK : MB_STATUS_OUT_OF_MEMORY;
}

mb_status mb_outbuf_grow(mb_outbuf *buf) {
  // A full buffer at the limit holds max_output + 1 bytes: too many.
  if (buf->capacity >= buf->limit) return MB_STATUS_LIMIT_EXCEEDED;
  size_t capacity = buf->capacity > buf->limit / 2 ? buf->limit : buf->capacity * 2;
  uint8_t *data = realloc(buf->data, capacity);
  if (data == NULL) return MB_STATUS_OUT_OF_MEMORY;
  buf->data = data;
  buf->capacity = capacity;
  return MB_STATUS_OK;
}

uint8_t *mb_shrink(uint8_t *data, size_t size) {
  uint8_t *shrunk = realloc(data, size ? size : 1);
  return shrunk ? shrunk : data;
}

mb_status mb_outbuf_finish(mb_outbuf *buf, uint8_t **out, size_t *out_size) {
  if (buf->size > buf->max_output) {
    mb_outbuf_free(buf);
    return MB_STATUS_LIMIT_EXCEEDED;
  }
  *out = buf->size == buf->capacity ? buf->data : mb_shrink(buf->data, buf->size);
  *out_size = buf->size;
  buf->data = NULL;
  return MB_STATUS_OK;
}

void mb_outbuf_free(mb_outbuf *buf) {
  free(buf->data);
  buf->data = NULL;
}

// MARK: - Levels

int mb_default_level(mb_codec codec) {
  switch (codec) {
    case MB_CODEC_GZIP: return 9;
    case MB_CODEC_BROTLI: return 5;
    case MB_CODEC_ZSTD: return 3;
    case MB_CODEC_LZMA: return 6;
    default: return 0;
  }
}

int mb_level_range(mb_codec codec, int *min, int *max) {
  int lo, hi;
  switch (codec) {
    case MB_CODEC_NONE: lo = 0; hi = 0; break;
    case MB_CODEC_GZIP: lo = 0; hi = 9; break;
    case MB_CODEC_BROTLI: lo = 0; hi = 11; break;
    case MB_CODEC_ZSTD: lo = ZSTD_minCLevel(); hi = ZSTD_maxCLevel(); break;
    case MB_CODEC_LZMA: lo = 0; hi = 9; break;
    default: return -1;
  }
  if (min) *min = lo;
  if (max) *max = hi;
  return 0;
}

// MARK: - Entry points

/// The "none" codec: a bounded copy.
static mb_status copy_bytes(const uint8_t *src, size_t src_size, size_t max_output,
                            uint8_t **out, size_t *out_size, const char **message) {
  if (src_size > max_output) {
    *message = "none: input exceeds the output limit";
    return MB_STATUS_LIMIT_EXCEEDED;
  }
  uint8_t *copy = malloc(src_size ? src_size : 1);
  if (copy == NULL) {
    *message = "out of memory";
    return MB_STATUS_OUT_OF_MEMORY;
  }
  if (src_size) memcpy(copy, src, src_size);
  *out = copy;
  *out_size = src_size;
  return MB_STATUS_OK;
}

mb_status mb_decompress(mb_codec codec,
                        const uint8_t *src, size_t src_size,
                        size_t max_output,
                        uint8_t **out, size_t *out_size,
                        const char **message) {
  const char *ignored;
  if (message == NULL) message = &ignored;
  *message = NULL;
  if (out == NULL || out_size == NULL || (src == NULL && src_size != 0)) {
    if (out) *out = NULL;
    *message = "invalid argument";
    return MB_STATUS_INVALID_ARGUMENT;
  }
  *out = NULL;
  *out_size = 0;

  mb_status status;
  if (codec != MB_CODEC_NONE && codec != MB_CODEC_GZIP && codec != MB_CODEC_BROTLI &&
      codec != MB_CODEC_ZSTD && codec != MB_CODEC_LZMA) {
    *message = "unknown codec";
    status = MB_STATUS_INVALID_ARGUMENT;
  } else if (codec == MB_CODEC_NONE) {
    status = copy_bytes(src, src_size, max_output, out, out_size, message);
  } else if (src_size == 0) {
    *message = "empty input";
    status = MB_STATUS_TRUNCATED;
  } else if (codec == MB_CODEC_GZIP) {
    status = mb_gzip_decompress(src, src_size, max_output, out, out_size, message);
  } else if (codec == MB_CODEC_BROTLI) {
    status = mb_brotli_decompress(src, src_size, max_output, out, out_size, message);
  } else if (codec == MB_CODEC_ZSTD) {
    status = mb_zstd_decompress(src, src_size, max_output, out, out_size, message);
  } else {
    status = mb_lzma_decompress(src, src_size, max_output, out, out_size, message);
  }

  if (status != MB_STATUS_OK) {
    *out = NULL;
    *out_size = 0;
    if (*message == NULL) {
      *message = status == MB_STATUS_LIMIT_EXCEEDED ? "decoded size exceeds the output limit"
                 : status == MB_STATUS_OUT_OF_MEMORY ? "out of memory"
                                                     : "decompression failed";
    }
  } else {
    *message = NULL;
  }
  return status;
}

mb_status mb_compress(mb_codec codec, int level,
                      const uint8_t *src, size_t src_size,
                      uint8_t **out, size_t *out_size,
                      const char **message) {
  const char *ignored;
  if (message == NULL) message = &ignored;
  *message = NULL;
  if (out == NULL || out_size == NULL || (src == NULL && src_size != 0)) {
    if (out) *out = NULL;
    *message = "invalid argument";
    return MB_STATUS_INVALID_ARGUMENT;
  }
  *out = NULL;
  *out_size = 0;

  int min, max;
  mb_status status;
  if (mb_level_range(codec, &min, &max) != 0) {
    *message = "unknown codec";
    status = MB_STATUS_INVALID_ARGUMENT;
  } else if (level < min || level > max) {
    *message = "compression level out of range";
    status = MB_STATUS_INVALID_ARGUMENT;
  } else if (codec == MB_CODEC_NONE) {
    status = copy_bytes(src, src_size, SIZE_MAX, out, out_size, message);
  } else if (codec == MB_CODEC_GZIP) {
    status = mb_gzip_compress(level, src, src_size, out, out_size, message);
  } else if (codec == MB_CODEC_BROTLI) {
    status = mb_brotli_compress(level, src, src_size, out, out_size, message);
  } else if (codec == MB_CODEC_ZSTD) {
    status = mb_zstd_compress(level, src, src_size, out, out_size, message);
  } else {
    status = mb_lzma_compress(level, src, src_size, out, out_size, message);
  }

  if (status != MB_STATUS_OK) {
    *out = NULL;
    *out_size = 0;
    if (*message == NULL) {
      *message = status == MB_STATUS_OUT_OF_MEMORY ? "out of memory" : "compression failed";
    }
  } else {
    *message = NULL;
  }
  return status;
}
