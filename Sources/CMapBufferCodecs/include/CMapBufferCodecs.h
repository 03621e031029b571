// CMapBufferCodecs: a thin C shim over the system compression libraries
// (zlib, brotli, zstd, liblzma) used by the MapBuffer module.
//
// Every function is thread-safe. Decompression and zstd compression reuse a
// per-thread codec context (created on first use, freed at thread exit), so a
// small item costs no context allocation. (Brotli decompression is the
// exception: brotli 1.0.9 cannot reset a decoder, so each call creates one.)
//
// Buffers returned through `out` are allocated with malloc and owned by the
// caller, who releases them with free(). They are never NULL on success (an
// empty result is a 1-byte allocation with *out_size == 0).

#ifndef CMAPBUFFER_CODECS_H
#define CMAPBUFFER_CODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The codecs of the MapBuffer format. The numbering is this shim's own.
typedef enum mb_codec {
  MB_CODEC_NONE = 0,
  MB_CODEC_GZIP = 1,    ///< one RFC 1952 gzip member (zlib)
  MB_CODEC_BROTLI = 2,  ///< a raw brotli stream
  MB_CODEC_ZSTD = 3,    ///< one zstd frame
  MB_CODEC_LZMA = 4,    ///< one or more .xz streams (liblzma)
} mb_codec;

/// The outcome of a shim call.
typedef enum mb_status {
  MB_STATUS_OK = 0,
  MB_STATUS_CORRUPT = 1,           ///< the input is not a valid stream of the codec
  MB_STATUS_TRUNCATED = 2,         ///< the input ends before the stream does
  MB_STATUS_TRAILING_DATA = 3,     ///< bytes follow the end of the stream that are not another stream
  MB_STATUS_LIMIT_EXCEEDED = 4,    ///< the decoded size would exceed max_output
  MB_STATUS_OUT_OF_MEMORY = 5,
  MB_STATUS_INVALID_ARGUMENT = 6,  ///< unknown codec or a level outside the codec's range
  MB_STATUS_LIBRARY_ERROR = 7,     ///< any other failure reported by the library
} mb_status;

/// Decompresses `src` (which may be NULL when src_size is 0) with `codec`.
///
/// Never allocates more than max_output + 1 bytes of output, whatever the
/// input claims: a stream that decodes to more than max_output bytes fails
/// with MB_STATUS_LIMIT_EXCEEDED. An empty input is MB_STATUS_TRUNCATED for
/// every codec but MB_CODEC_NONE. On failure *out is NULL and *message, when
/// message is not NULL, points to a static description.
mb_status mb_decompress(mb_codec codec,
                        const uint8_t *src, size_t src_size,
                        size_t max_output,
                        uint8_t **out, size_t *out_size,
                        const char **message);

/// Compresses `src` with `codec` at `level` into a new buffer.
///
/// gzip writes one gzip member (zlib, levels 0...9); brotli a raw stream
/// (quality 0...11, window 22); zstd one frame with its content size
/// recorded (levels ZSTD_minCLevel()...ZSTD_maxCLevel()); lzma an .xz stream
/// with a CRC-64 check (presets 0...9).
mb_status mb_compress(mb_codec codec, int level,
                      const uint8_t *src, size_t src_size,
                      uint8_t **out, size_t *out_size,
                      const char **message);

/// The level the Python reference uses by default: gzip 9, brotli 5, zstd 3, lzma 6; 0 for none.
int mb_default_level(mb_codec codec);

/// Writes the accepted level range of `codec` into *min and *max; returns 0, or -1 for an unknown codec.
int mb_level_range(mb_codec codec, int *min, int *max);

#ifdef __cplusplus
}
#endif

#endif
