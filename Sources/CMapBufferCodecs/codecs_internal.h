// Internal interface shared by the CMapBufferCodecs source files (not public).

#ifndef CMAPBUFFER_CODECS_INTERNAL_H
#define CMAPBUFFER_CODECS_INTERNAL_H

#include "CMapBufferCodecs.h"

#define ZLIB_CONST  // makes z_stream.next_in a pointer to const
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

// MARK: - Bounded output buffer

/// A malloc'd output buffer that grows geometrically but never beyond
/// max_output + 1 bytes: once a decoder fills those, the stream is known to
/// decode to more than max_output bytes and decoding stops.
typedef struct mb_outbuf {
  uint8_t *data;
  size_t size;        ///< bytes produced so far
  size_t capacity;    ///< bytes allocated, <= limit
  size_t max_output;  ///< the caller's limit
  size_t limit;       ///< max_output + 1 (saturating): the most we ever allocate
} mb_outbuf;

/// A size hint for a stream whose decoded size is unknown: 4 × its size, at least 256.
size_t mb_default_hint(size_t src_size);

/// a × b, saturating at SIZE_MAX.
size_t mb_mul_sat(size_t a, size_t b);

/// Allocates the first `hint` bytes (clamped to 64...limit).
mb_status mb_outbuf_init(mb_outbuf *buf, size_t hint, size_t max_output);

/// Makes room for more output; call when size == capacity. Fails with
/// MB_STATUS_LIMIT_EXCEEDED when the buffer already holds max_output + 1 bytes.
mb_status mb_outbuf_grow(mb_outbuf *buf);

/// Hands the buffer to the caller (shrunk to fit), or fails with
/// MB_STATUS_LIMIT_EXCEEDED (and frees it) if it holds more than max_output bytes.
mb_status mb_outbuf_finish(mb_outbuf *buf, uint8_t **out, size_t *out_size);

void mb_outbuf_free(mb_outbuf *buf);

// MARK: - Per-thread codec contexts (context.c)

/// The calling thread's inflate stream (initialised for gzip, windowBits 15 + 16),
/// or NULL when it cannot be created.
z_stream *mb_thread_inflate(void);

/// The calling thread's zstd decompression context (windowLogMax set), or NULL.
ZSTD_DCtx *mb_thread_zstd_dctx(void);

/// The calling thread's zstd compression context, or NULL.
ZSTD_CCtx *mb_thread_zstd_cctx(void);

/// The calling thread's lzma_stream (LZMA_STREAM_INIT on first use), or NULL.
lzma_stream *mb_thread_lzma(void);

// MARK: - Codecs
//
// Called by mb_decompress / mb_compress after argument checks: src_size > 0
// for decompression, a valid level for compression. Each sets *out or
// *message (which is never NULL here).

mb_status mb_gzip_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                             uint8_t **out, size_t *out_size, const char **message);
mb_status mb_brotli_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                               uint8_t **out, size_t *out_size, const char **message);
mb_status mb_zstd_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                             uint8_t **out, size_t *out_size, const char **message);
mb_status mb_lzma_decompress(const uint8_t *src, size_t src_size, size_t max_output,
                             uint8_t **out, size_t *out_size, const char **message);

mb_status mb_gzip_compress(int level, const uint8_t *src, size_t src_size,
                           uint8_t **out, size_t *out_size, const char **message);
mb_status mb_brotli_compress(int level, const uint8_t *src, size_t src_size,
                             uint8_t **out, size_t *out_size, const char **message);
mb_status mb_zstd_compress(int level, const uint8_t *src, size_t src_size,
                           uint8_t **out, size_t *out_size, const char **message);
mb_status mb_lzma_compress(int level, const uint8_t *src, size_t src_size,
                           uint8_t **out, size_t *out_size, const char **message);

/// Shrinks a compressor's output buffer to `size` bytes (keeping it if realloc fails).
uint8_t *mb_shrink(uint8_t *data, size_t size);

#endif
