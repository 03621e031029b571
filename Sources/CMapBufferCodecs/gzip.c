// gzip (RFC 1952) through zlib: windowBits 15 + 16 accepts the gzip wrapper
// only, neither zlib (RFC 1950) nor raw deflate streams. An item is one member
// and nothing after it (see mb_gzip_decompress).

#include "codecs_internal.h"

#include <limits.h>
#include <stdlib.h>

/// zlib counts in uInt: feed it at most UINT_MAX bytes at a time.
static uInt chunk(size_t n) { return n > UINT_MAX ? UINT_MAX : (uInt)n; }

/// deflate's best ratio is about 1032:1, so an ISIZE trailer above that is a lie.
enum { MB_DEFLATE_MAX_RATIO = 1032 };

mb_status mb_gzip_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                             uint8_t **out, size_t *out_size, const char **message) {
  z_stream *z = mb_thread_inflate();
  if (z == NULL || inflateReset(z) != Z_OK) {
    *message = "gzip: cannot create an inflate stream";
    return MB_STATUS_OUT_OF_MEMORY;
  }

  // The ISIZE trailer (decoded size mod 2^32) is only a hint.
  size_t hint = mb_default_hint(src_size);
  if (src_size >= 18) {  // the smallest gzip member
    const uint8_t *t = src + src_size - 4;
    size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    if (isize <= mb_mul_sat(src_size, MB_DEFLATE_MAX_RATIO)) hint = isize;
  }
  mb_outbuf buf;
  mb_status status = mb_outbuf_init(&buf, hint, max_output);
  if (status != MB_STATUS_OK) return status;

  size_t in_pos = 0;
  for (;;) {
    if (buf.size == buf.capacity && (status = mb_outbuf_grow(&buf)) != MB_STATUS_OK) goto fail;
    uInt in_n = chunk(src_size - in_pos), out_n = chunk(buf.capacity - buf.size);
    z->next_in = src + in_pos;
    z->avail_in = in_n;
    z->next_out = buf.data + buf.size;
    z->avail_out = out_n;
    int ret = inflate(z, Z_NO_FLUSH);
    in_pos += in_n - z->avail_in;
    buf.size += out_n - z->avail_out;

    if (ret == Z_STREAM_END) {
      if (in_pos == src_size) break;
      // One member only. The reference reads the first member and ignores what follows
      // (and reads some trailing bytes as an empty value), so another member or any other
      // byte after the first is an error here: a file never reads as two different values.
      *message = src[in_pos] == 0x1f ? "gzip: another member after the first (the reference reads only the first)"
                                     : "gzip: trailing data after the member";
      status = MB_STATUS_TRAILING_DATA;
      goto fail;
    }
    if (ret == Z_OK || ret == Z_BUF_ERROR) {
      // Output space left but no progress possible: the input ended early.
      if (buf.size < buf.capacity && (in_pos == src_size || ret == Z_BUF_ERROR)) {
        *message = "gzip: unexpected end of stream";
        status = MB_STATUS_TRUNCATED;
        goto fail;
      }
      continue;  // the output is full (or more input chunks remain)
    }
    // zlib's messages are string literals.
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
      *message = z->msg ? z->msg : "gzip: invalid data";
      status = MB_STATUS_CORRUPT;
    } else if (ret == Z_MEM_ERROR) {
      *message = "gzip: out of memory";
      status = MB_STATUS_OUT_OF_MEMORY;
    } else {
      *message = z->msg ? z->msg : "gzip: inflate failed";
      status = MB_STATUS_LIBRARY_ERROR;
    }
    goto fail;
  }
  return mb_outbuf_finish(&buf, out, out_size);

fail:
  mb_outbuf_free(&buf);
  return status;
}

mb_status mb_gzip_compress(int level, const uint8_t *src, size_t src_size,
                           uint8_t **out, size_t *out_size, const char **message) {
  z_stream z = {0};
  int ret = deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  if (ret != Z_OK) {
    *message = "gzip: cannot create a deflate stream";
    return ret == Z_MEM_ERROR ? MB_STATUS_OUT_OF_MEMORY : MB_STATUS_LIBRARY_ERROR;
  }
  size_t capacity = deflateBound(&z, src_size), size = 0, in_pos = 0;
  uint8_t *data = malloc(capacity);
  mb_status status = MB_STATUS_OUT_OF_MEMORY;
  *message = "gzip: out of memory";
  while (data != NULL) {
    if (size == capacity) {  // deflateBound should make this unreachable
      uint8_t *bigger = capacity <= SIZE_MAX / 2 ? realloc(data, capacity * 2) : NULL;
      if (bigger == NULL) break;
      data = bigger;
      capacity *= 2;
    }
    uInt in_n = chunk(src_size - in_pos), out_n = chunk(capacity - size);
    z.next_in = src + in_pos;
    z.avail_in = in_n;
    z.next_out = data + size;
    z.avail_out = out_n;
    ret = deflate(&z, in_n == src_size - in_pos ? Z_FINISH : Z_NO_FLUSH);
    in_pos += in_n - z.avail_in;
    size += out_n - z.avail_out;
    if (ret == Z_STREAM_END) {
      status = MB_STATUS_OK;
      break;
    }
    if (ret != Z_OK && !(ret == Z_BUF_ERROR && size == capacity)) {
      *message = z.msg ? z.msg : "gzip: deflate failed";
      status = MB_STATUS_LIBRARY_ERROR;
      break;
    }
  }
  deflateEnd(&z);
  if (status != MB_STATUS_OK) {
    free(data);
    return status;
  }
  *out = mb_shrink(data, size);
  *out_size = size;
  return MB_STATUS_OK;
}
