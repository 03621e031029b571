// .xz streams through liblzma.
//
// Several .xz streams decode to the concatenation of their contents, as
// LZMA_CONCATENATED and the reference (Python's lzma.decompress) do. Stream
// padding (NUL bytes in multiples of four, xz format 2.2), which the reference
// fails on, is refused. The
// streams are walked here instead, because with LZMA_CONCATENATED liblzma
// reports bytes after the last stream as LZMA_DATA_ERROR or as a truncated
// stream header, while this shim reports them as MB_STATUS_TRAILING_DATA.
//
// The decoder may use at most MB_LZMA_MEMLIMIT bytes (the largest preset, -9e,
// needs 65 MiB); a stream that needs more fails with MB_STATUS_LIBRARY_ERROR:
// it is a limit of this decoder, not of the output size.

#include "codecs_internal.h"

#include <stdlib.h>
#include <string.h>

#define MB_LZMA_MEMLIMIT ((uint64_t)256 << 20)

/// Maps a liblzma error to a status and a fixed message.
static mb_status lzma_failure(lzma_ret ret, const char **message) {
  switch (ret) {
    case LZMA_MEM_ERROR:
      *message = "lzma: out of memory";
      return MB_STATUS_OUT_OF_MEMORY;
    case LZMA_MEMLIMIT_ERROR:
      *message = "lzma: the stream needs more memory than the decoder allows";
      return MB_STATUS_LIBRARY_ERROR;
    case LZMA_FORMAT_ERROR:
      *message = "lzma: not an .xz stream";
      return MB_STATUS_CORRUPT;
    case LZMA_OPTIONS_ERROR:
      *message = "lzma: unsupported stream options";
      return MB_STATUS_CORRUPT;
    case LZMA_DATA_ERROR:
      *message = "lzma: corrupt data";
      return MB_STATUS_CORRUPT;
    case LZMA_BUF_ERROR:
      *message = "lzma: unexpected end of stream";
      return MB_STATUS_TRUNCATED;
    default:
      *message = "lzma: internal error";
      return MB_STATUS_LIBRARY_ERROR;
  }
}

static const uint8_t xz_magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};

/// After a stream ends: if another stream follows, restarts the decoder on it.
/// Leaves avail_in == 0 when the input is done. Stream padding is valid .xz, but
/// the reference fails on it, so it is refused: a file never reads as a value
/// here and an error there.
static mb_status next_stream(lzma_stream *strm, const char **message) {
  size_t rest = strm->avail_in;
  const uint8_t *next = strm->next_in;
  if (rest == 0) return MB_STATUS_OK;
  if (next[0] == 0) {
    *message = "lzma: stream padding after a stream (the reference cannot read it)";
    return MB_STATUS_TRAILING_DATA;
  }
  // A stream header, or the start of one (then the decoder finds it truncated).
  if (memcmp(next, xz_magic, rest < sizeof xz_magic ? rest : sizeof xz_magic) == 0) {
    lzma_ret ret = lzma_stream_decoder(strm, MB_LZMA_MEMLIMIT, 0);
    if (ret != LZMA_OK) return lzma_failure(ret, message);
    strm->next_in = next;
    strm->avail_in = rest;
    return MB_STATUS_OK;
  }
  *message = "lzma: trailing data after the last stream";
  return MB_STATUS_TRAILING_DATA;
}

mb_status mb_lzma_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                             uint8_t **out, size_t *out_size, const char **message) {
  lzma_stream *strm = mb_thread_lzma();
  if (strm == NULL) {
    *message = "lzma: cannot create a decoder";
    return MB_STATUS_OUT_OF_MEMORY;
  }
  // On a stream that already holds a decoder, this reuses its allocations.
  lzma_ret ret = lzma_stream_decoder(strm, MB_LZMA_MEMLIMIT, 0);
  if (ret != LZMA_OK) return lzma_failure(ret, message);

  mb_outbuf buf;
  mb_status status = mb_outbuf_init(&buf, mb_default_hint(src_size), max_output);
  if (status != MB_STATUS_OK) return status;
  strm->next_in = src;
  strm->avail_in = src_size;
  for (;;) {
    if (buf.size == buf.capacity && (status = mb_outbuf_grow(&buf)) != MB_STATUS_OK) break;
    strm->next_out = buf.data + buf.size;
    strm->avail_out = buf.capacity - buf.size;
    ret = lzma_code(strm, LZMA_FINISH);  // all the input is there
    buf.size = buf.capacity - strm->avail_out;
    if (ret == LZMA_STREAM_END) {
      status = next_stream(strm, message);
      if (status != MB_STATUS_OK || strm->avail_in == 0) break;
      continue;
    }
    if (ret == LZMA_OK) {
      // Output space left after consuming everything: the input ended early.
      // (liblzma would say LZMA_BUF_ERROR on the next call.)
      if (strm->avail_in == 0 && strm->avail_out > 0) ret = LZMA_BUF_ERROR;
      else continue;
    }
    status = lzma_failure(ret, message);
    break;
  }
  strm->next_in = NULL;  // do not keep pointers to the caller's buffers
  strm->next_out = NULL;
  strm->avail_in = strm->avail_out = 0;
  if (status != MB_STATUS_OK) {
    mb_outbuf_free(&buf);
    return status;
  }
  return mb_outbuf_finish(&buf, out, out_size);
}

mb_status mb_lzma_compress(int level, const uint8_t *src, size_t src_size,
                           uint8_t **out, size_t *out_size, const char **message) {
  size_t capacity = lzma_stream_buffer_bound(src_size);
  if (capacity == 0) {
    *message = "lzma: input too large";
    return MB_STATUS_LIBRARY_ERROR;
  }
  uint8_t *data = malloc(capacity);
  if (data == NULL) return MB_STATUS_OUT_OF_MEMORY;
  size_t size = 0;
  lzma_ret ret = lzma_easy_buffer_encode((uint32_t)level, LZMA_CHECK_CRC64, NULL,
                                         src, src_size, data, &size, capacity);
  if (ret != LZMA_OK) {
    free(data);
    mb_status status = lzma_failure(ret, message);
    if (status != MB_STATUS_OUT_OF_MEMORY) {
      *message = "lzma: compression failed";
      status = MB_STATUS_LIBRARY_ERROR;
    }
    return status;
  }
  *out = mb_shrink(data, size);
  *out_size = size;
  return MB_STATUS_OK;
}
