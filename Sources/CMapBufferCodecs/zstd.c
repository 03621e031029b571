// Zstandard (RFC 8878) through libzstd: one data frame and nothing else. The
// reference (python-zstandard's one-shot decompress) reads the first frame and
// ignores what follows, and fails on a skippable frame first, so a second
// frame, a skippable frame or trailing bytes are errors here: a file never
// reads as two different values. Only zstd's stable API is used.

#include "codecs_internal.h"

#include <stdlib.h>
#include <zstd_errors.h>

/// A 4-byte RLE block decodes to at most 128 KiB, so a recorded content size
/// above 32768 × the input size is a lie: such input takes the streaming path.
enum { MB_ZSTD_MAX_RATIO = 32768 };

/// Maps a zstd error code to a status; the message is zstd's (a string literal).
static mb_status zstd_failure(size_t code, const char **message) {
  *message = ZSTD_getErrorName(code);
  switch (ZSTD_getErrorCode(code)) {
    case ZSTD_error_memory_allocation:
      return MB_STATUS_OUT_OF_MEMORY;
    case ZSTD_error_prefix_unknown:
    case ZSTD_error_version_unsupported:
    case ZSTD_error_frameParameter_unsupported:
    case ZSTD_error_corruption_detected:
    case ZSTD_error_checksum_wrong:
    case ZSTD_error_literals_headerWrong:
    case ZSTD_error_dictionary_corrupted:
    case ZSTD_error_dictionary_wrong:  // the frame needs a dictionary: we have none
    case ZSTD_error_tableLog_tooLarge:
    case ZSTD_error_maxSymbolValue_tooLarge:
    case ZSTD_error_maxSymbolValue_tooSmall:
    case ZSTD_error_srcSize_wrong:
    case ZSTD_error_dstSize_tooSmall:  // one-shot path: the recorded content size was wrong
      return MB_STATUS_CORRUPT;
    default:
      // Includes frameParameter_windowTooLarge: the frame needs a window above
      // 2^27 bytes, a memory limit of this decoder rather than of the output.
      return MB_STATUS_LIBRARY_ERROR;
  }
}

/// The total decoded size of `src` when every frame records its content size
/// (skippable frames count 0); ZSTD_CONTENTSIZE_UNKNOWN when one does not;
/// ZSTD_CONTENTSIZE_ERROR when `src` is not a sequence of whole frames.
/// (ZSTD_findDecompressedSize does the same but is not stable API in 1.5.)
static unsigned long long total_content_size(const uint8_t *src, size_t size) {
  unsigned long long total = 0;
  while (size > 0) {
    unsigned long long n = ZSTD_getFrameContentSize(src, size);  // 0 for a skippable frame
    if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR) return n;
    size_t frame = ZSTD_findFrameCompressedSize(src, size);
    if (ZSTD_isError(frame) || total + n < total) return ZSTD_CONTENTSIZE_ERROR;
    total += n;
    src += frame;
    size -= frame;
  }
  return total;
}

mb_status mb_zstd_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                             uint8_t **out, size_t *out_size, const char **message) {
  ZSTD_DCtx *dctx = mb_thread_zstd_dctx();
  if (dctx == NULL) {
    *message = "zstd: cannot create a decompression context";
    return MB_STATUS_OUT_OF_MEMORY;
  }
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);  // keeps windowLogMax

  if (src_size >= 4) {
    uint32_t magic = (uint32_t)src[0] | (uint32_t)src[1] << 8 | (uint32_t)src[2] << 16 | (uint32_t)src[3] << 24;
    if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {  // ZSTD_MAGIC_SKIPPABLE_START
      *message = "zstd: a skippable frame where the value's frame should be";
      return MB_STATUS_CORRUPT;
    }
  }
  size_t first = ZSTD_findFrameCompressedSize(src, src_size);
  if (!ZSTD_isError(first) && first < src_size) {
    *message = "zstd: data after the first frame (the reference reads only the first)";
    return MB_STATUS_TRAILING_DATA;
  }

  unsigned long long total = total_content_size(src, src_size);
  if (total != ZSTD_CONTENTSIZE_UNKNOWN && total != ZSTD_CONTENTSIZE_ERROR) {
    if (total > max_output) {
      *message = "zstd: content size exceeds the output limit";
      return MB_STATUS_LIMIT_EXCEEDED;
    }
    // Fast path: every frame records its size and the total is plausible, so
    // decode in one shot into an exact buffer (no window buffer needed).
    if (total <= mb_mul_sat(src_size, MB_ZSTD_MAX_RATIO)) {
      uint8_t *data = malloc(total ? (size_t)total : 1);
      if (data == NULL) return MB_STATUS_OUT_OF_MEMORY;
      size_t size = ZSTD_decompressDCtx(dctx, data, (size_t)total, src, src_size);
      if (ZSTD_isError(size) || size != total) {
        free(data);
        if (!ZSTD_isError(size)) {
          *message = "zstd: content size mismatch";
          return MB_STATUS_CORRUPT;
        }
        return zstd_failure(size, message);
      }
      *out = data;
      *out_size = size;
      return MB_STATUS_OK;
    }
  }

  // Streaming path: frames without a content size, or input to diagnose.
  mb_outbuf buf;
  mb_status status = mb_outbuf_init(&buf, mb_default_hint(src_size), max_output);
  if (status != MB_STATUS_OK) return status;
  ZSTD_inBuffer in = {src, src_size, 0};
  int frame_done = 0;  // at least one frame was decoded completely
  for (;;) {
    if (buf.size == buf.capacity && (status = mb_outbuf_grow(&buf)) != MB_STATUS_OK) break;
    ZSTD_outBuffer o = {buf.data, buf.capacity, buf.size};
    size_t ret = ZSTD_decompressStream(dctx, &o, &in);
    buf.size = o.pos;
    if (ZSTD_isError(ret)) {
      if (frame_done && ZSTD_getErrorCode(ret) == ZSTD_error_prefix_unknown) {
        *message = "zstd: trailing data after the last frame";
        status = MB_STATUS_TRAILING_DATA;
      } else {
        status = zstd_failure(ret, message);
      }
      break;
    }
    if (ret == 0) {  // a frame is decoded and flushed; another may follow
      if (in.pos == in.size) break;
      frame_done = 1;
    } else if (in.pos == in.size && o.pos < o.size) {  // wants input we do not have
      *message = "zstd: unexpected end of stream";
      status = MB_STATUS_TRUNCATED;
      break;
    }
  }
  if (status != MB_STATUS_OK) {
    mb_outbuf_free(&buf);
    return status;
  }
  return mb_outbuf_finish(&buf, out, out_size);
}

mb_status mb_zstd_compress(int level, const uint8_t *src, size_t src_size,
                           uint8_t **out, size_t *out_size, const char **message) {
  ZSTD_CCtx *cctx = mb_thread_zstd_cctx();
  if (cctx == NULL) {
    *message = "zstd: cannot create a compression context";
    return MB_STATUS_OUT_OF_MEMORY;
  }
  size_t r = ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
  if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
  if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0);
  if (ZSTD_isError(r)) return zstd_failure(r, message);

  size_t capacity = ZSTD_compressBound(src_size);
  if (ZSTD_isError(capacity) || capacity == 0) {
    *message = "zstd: input too large";
    return MB_STATUS_LIBRARY_ERROR;
  }
  uint8_t *data = malloc(capacity);
  if (data == NULL) return MB_STATUS_OUT_OF_MEMORY;
  size_t size = ZSTD_compress2(cctx, data, capacity, src, src_size);
  if (ZSTD_isError(size)) {
    free(data);
    mb_status status = zstd_failure(size, message);
    return status == MB_STATUS_OUT_OF_MEMORY ? status : MB_STATUS_LIBRARY_ERROR;
  }
  *out = mb_shrink(data, size);
  *out_size = size;
  return MB_STATUS_OK;
}
