// Brotli (RFC 7932) through libbrotlienc / libbrotlidec.
//
// Brotli 1.0.9 cannot reset a decoder instance for reuse, so each call creates
// (and destroys) its own; the instance is small, its ring buffer is allocated
// lazily and sized by the stream's window.

#include "codecs_internal.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdlib.h>

mb_status mb_brotli_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                               uint8_t **out, size_t *out_size, const char **message) {
  BrotliDecoderState *state = BrotliDecoderCreateInstance(NULL, NULL, NULL);
  if (state == NULL) {
    *message = "brotli: cannot create a decoder";
    return MB_STATUS_OUT_OF_MEMORY;
  }
  mb_outbuf buf;
  mb_status status = mb_outbuf_init(&buf, mb_default_hint(src_size), max_output);
  if (status != MB_STATUS_OK) {
    BrotliDecoderDestroyInstance(state);
    return status;
  }

  const uint8_t *next_in = src;
  size_t avail_in = src_size;
  for (;;) {
    if (buf.size == buf.capacity && (status = mb_outbuf_grow(&buf)) != MB_STATUS_OK) break;
    uint8_t *next_out = buf.data + buf.size;
    size_t avail_out = buf.capacity - buf.size;
    BrotliDecoderResult result =
        BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, NULL);
    buf.size = (size_t)(next_out - buf.data);

    if (result == BROTLI_DECODER_RESULT_SUCCESS) {
      if (avail_in != 0) {
        *message = "brotli: trailing data after the stream";
        status = MB_STATUS_TRAILING_DATA;
      }
      break;
    }
    if (result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) continue;
    if (result == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {  // all input was given
      *message = "brotli: unexpected end of stream";
      status = MB_STATUS_TRUNCATED;
      break;
    }
    BrotliDecoderErrorCode code = BrotliDecoderGetErrorCode(state);
    if (code <= BROTLI_DECODER_ERROR_FORMAT_EXUBERANT_NIBBLE &&
        code >= BROTLI_DECODER_ERROR_FORMAT_DISTANCE) {  // -1...-16: invalid input
      *message = "brotli: invalid stream";
      status = MB_STATUS_CORRUPT;
    } else if (code <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES &&
               code >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES) {  // -21...-30
      *message = "brotli: out of memory";
      status = MB_STATUS_OUT_OF_MEMORY;
    } else {
      *message = BrotliDecoderErrorString(code);  // a string literal
      status = MB_STATUS_LIBRARY_ERROR;
    }
    break;
  }
  BrotliDecoderDestroyInstance(state);
  if (status != MB_STATUS_OK) {
    mb_outbuf_free(&buf);
    return status;
  }
  return mb_outbuf_finish(&buf, out, out_size);
}

mb_status mb_brotli_compress(int level, const uint8_t *src, size_t src_size,
                             uint8_t **out, size_t *out_size, const char **message) {
  // 0 means the bound does not fit in size_t; no such input can exist in memory.
  size_t capacity = BrotliEncoderMaxCompressedSize(src_size);
  if (capacity == 0) {
    *message = "brotli: input too large";
    return MB_STATUS_LIBRARY_ERROR;
  }
  uint8_t *data = malloc(capacity);
  if (data == NULL) return MB_STATUS_OUT_OF_MEMORY;
  size_t size = capacity;
  if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                             src_size, src, &size, data)) {
    free(data);
    *message = "brotli: compression failed";  // the API does not say why (likely memory)
    return MB_STATUS_LIBRARY_ERROR;
  }
  *out = mb_shrink(data, size);
  *out_size = size;
  return MB_STATUS_OK;
}
