// Self-test of the C shims CMapBufferCodecs and CMapBufferCRC32C, in C: every codec's
// statuses on good, truncated, corrupt and oversized input, decompression bombs, the CRC-32C
// against its portable form, and the per-thread contexts from many threads.
//
// Tests/MapBufferTests/CShimSelfTests.swift builds it with the shim sources under
// AddressSanitizer and LeakSanitizer and runs it with --quick (smaller bombs, no separate
// process measuring their peak memory); any failed check, sanitizer report or leak fails the
// test. By hand, from the repository root:
//
//   cc -O1 -g -fsanitize=address -std=c11 -pthread
//       -I Sources/CMapBufferCodecs/include -I Sources/CMapBufferCRC32C/include
//       Sources/CMapBufferCodecs/*.c Sources/CMapBufferCRC32C/*.c Tests/CShimSelfTest/c-shim-selftest.c
//       $(pkg-config --cflags --libs zlib libbrotlienc libbrotlidec libzstd liblzma) -o /tmp/c-shim-selftest
//   /tmp/c-shim-selftest            # everything, with 100 MB decompression bombs
//
// Exits 0 when every check passes.

#define _GNU_SOURCE
#include "CMapBufferCRC32C.h"
#include "CMapBufferCodecs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static int failures, checks;

#define CHECK(cond, ...)                                            \
  do {                                                              \
    checks++;                                                       \
    if (!(cond)) {                                                  \
      failures++;                                                   \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);          \
      fprintf(stderr, __VA_ARGS__);                                 \
      fputc('\n', stderr);                                          \
    }                                                               \
  } while (0)

static const mb_codec all_codecs[] = {MB_CODEC_NONE, MB_CODEC_GZIP, MB_CODEC_BROTLI,
                                      MB_CODEC_ZSTD, MB_CODEC_LZMA};
static const mb_codec real_codecs[] = {MB_CODEC_GZIP, MB_CODEC_BROTLI, MB_CODEC_ZSTD,
                                       MB_CODEC_LZMA};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *codec_name(mb_codec c) {
  static const char *names[] = {"none", "gzip", "brotli", "zstd", "lzma"};
  return (unsigned)c < 5 ? names[c] : "?";
}

static const char *status_name(mb_status s) {
  static const char *names[] = {"OK", "CORRUPT", "TRUNCATED", "TRAILING_DATA", "LIMIT_EXCEEDED",
                                "OUT_OF_MEMORY", "INVALID_ARGUMENT", "LIBRARY_ERROR"};
  return (unsigned)s < 8 ? names[s] : "?";
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// xorshift64*: deterministic pseudo-random bytes.
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}
static void fill_random(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd();
}
/// Compressible text-like bytes.
static void fill_text(uint8_t *p, size_t n) {
  static const char *words[] = {"map ", "buffer ", "zstd ", "brotli ", "gzip ", "lzma ",
                                "key ", "value ", "0123 ", "\n"};
  for (size_t i = 0; i < n;) {
    const char *w = words[rnd() % 10];
    for (; *w && i < n; w++) p[i++] = (uint8_t)*w;
  }
}

static uint8_t *xmalloc(size_t n) {
  uint8_t *p = malloc(n ? n : 1);
  if (!p) {
    perror("malloc");
    exit(2);
  }
  return p;
}

/// Concatenates two buffers into a new one.
static uint8_t *concat(const uint8_t *a, size_t na, const uint8_t *b, size_t nb) {
  uint8_t *p = xmalloc(na + nb);
  memcpy(p, a, na);
  memcpy(p + na, b, nb);
  return p;
}

// MARK: - CRC-32C

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

static void test_crc32c(void) {
  int hw = mb_crc32c_hardware_available();
  printf("crc32c: hardware available = %d\n", hw);
  struct { const char *name; crc_fn fn; } impls[] = {
      {"portable", mb_crc32c_portable}, {"dispatch", mb_crc32c}, {"hardware", mb_crc32c_hardware}};
  size_t n_impls = hw ? 3 : 2;

  // RFC 3720 B.4 and the check value.
  uint8_t zeros[32], ones[32], up[32], down[32];
  for (int i = 0; i < 32; i++) {
    zeros[i] = 0, ones[i] = 0xFF, up[i] = (uint8_t)i, down[i] = (uint8_t)(31 - i);
  }
  for (size_t k = 0; k < n_impls; k++) {
    crc_fn f = impls[k].fn;
    CHECK(f(0, zeros, 32) == 0x8A9136AA, "%s zeros", impls[k].name);
    CHECK(f(0, ones, 32) == 0x62A8AB43, "%s ones", impls[k].name);
    CHECK(f(0, up, 32) == 0x46DD794E, "%s ascending", impls[k].name);
    CHECK(f(0, down, 32) == 0x113FDB5C, "%s descending", impls[k].name);
    CHECK(f(0, "123456789", 9) == 0xE3069283, "%s 123456789", impls[k].name);
    CHECK(f(0, NULL, 0) == 0 && f(0x12345678, NULL, 0) == 0x12345678, "%s empty", impls[k].name);
  }

  // Every length 0...1024 at random offsets and starting values; lengths
  // around the three-way block sizes (3 × 256 and 3 × 8192 bytes).
  size_t big = 10u << 20;
  uint8_t *buf = xmalloc(big + 64);
  fill_random(buf, big + 64);
  size_t lengths[2048], n_lengths = 0;
  for (size_t n = 0; n <= 1024; n++) lengths[n_lengths++] = n;
  size_t blocks[] = {768, 3 * 8192, 2 * 3 * 8192, 3 * 8192 + 768};
  for (size_t b = 0; b < COUNT(blocks); b++) {
    for (int d = -9; d <= 9; d++) lengths[n_lengths++] = blocks[b] + d;
  }
  for (int i = 0; i < 200; i++) lengths[n_lengths++] = rnd() % 200000;
  int mismatches = 0;
  for (size_t i = 0; i < n_lengths; i++) {
    size_t off = rnd() % 64;
    uint32_t start = (i % 3 == 0) ? 0 : (uint32_t)rnd();
    uint32_t want = mb_crc32c_portable(start, buf + off, lengths[i]);
    if (mb_crc32c(start, buf + off, lengths[i]) != want) mismatches++;
    if (hw && mb_crc32c_hardware(start, buf + off, lengths[i]) != want) mismatches++;
  }
  CHECK(mismatches == 0, "hardware/dispatch differ from portable on %d buffers", mismatches);

  // 10 MB, aligned and not.
  for (size_t off = 0; off < 2; off++) {
    uint32_t want = mb_crc32c_portable(0, buf + off, big);
    CHECK(mb_crc32c(0, buf + off, big) == want, "10 MB dispatch, offset %zu", off);
    if (hw) CHECK(mb_crc32c_hardware(0, buf + off, big) == want, "10 MB hardware, offset %zu", off);
  }

  // Extending a finished checksum equals the checksum of the concatenation.
  for (int i = 0; i < 300; i++) {
    size_t n = rnd() % 100000, k = n ? rnd() % (n + 1) : 0;
    for (size_t j = 0; j < n_impls; j++) {
      crc_fn f = impls[j].fn;
      if (f(f(0, buf, k), buf + k, n - k) != f(0, buf, n)) {
        CHECK(0, "%s extension n=%zu k=%zu", impls[j].name, n, k);
        break;
      }
    }
  }

  if (hw) {  // speed, for information
    double t0 = now();
    uint32_t a = mb_crc32c_portable(0, buf, big);
    double t1 = now();
    uint32_t b = mb_crc32c_hardware(0, buf, big);
    double t2 = now();
    printf("crc32c: 10 MB portable %.1f ms, hardware %.1f ms (%s)\n", (t1 - t0) * 1e3,
           (t2 - t1) * 1e3, a == b ? "equal" : "DIFFERENT");
  }
  free(buf);
}

// MARK: - Codec helpers

static mb_status decompress(mb_codec codec, const uint8_t *src, size_t n, size_t max,
                            uint8_t **out, size_t *out_size) {
  const char *message = "unset";
  *out = (uint8_t *)1;  // must be overwritten
  mb_status s = mb_decompress(codec, src, n, max, out, out_size, &message);
  if (s == MB_STATUS_OK) {
    CHECK(*out != NULL && message == NULL, "%s: OK needs a buffer and no message", codec_name(codec));
  } else {
    CHECK(*out == NULL && message != NULL && *message, "%s: %s needs NULL and a message",
          codec_name(codec), status_name(s));
  }
  return s;
}

/// Decompresses and discards the output; returns the status.
static mb_status decompress_status(mb_codec codec, const uint8_t *src, size_t n, size_t max) {
  uint8_t *out;
  size_t out_size;
  mb_status s = decompress(codec, src, n, max, &out, &out_size);
  if (s == MB_STATUS_OK) free(out);
  return s;
}

static uint8_t *compress_ok(mb_codec codec, int level, const uint8_t *src, size_t n, size_t *out_size) {
  uint8_t *out;
  const char *message = "unset";
  mb_status s = mb_compress(codec, level, src, n, &out, out_size, &message);
  CHECK(s == MB_STATUS_OK && out != NULL && message == NULL, "%s level %d compress of %zu bytes: %s",
        codec_name(codec), level, n, s ? message : "");
  return s == MB_STATUS_OK ? out : NULL;
}

/// Checks that `stream` decodes to exactly `want` with max_output = its size,
/// and fails with LIMIT_EXCEEDED with one byte less.
static void expect_decodes(mb_codec codec, const uint8_t *stream, size_t n, const uint8_t *want,
                           size_t want_size, const char *what) {
  uint8_t *out;
  size_t out_size;
  mb_status s = decompress(codec, stream, n, want_size, &out, &out_size);
  CHECK(s == MB_STATUS_OK, "%s %s: status %s", codec_name(codec), what, status_name(s));
  if (s == MB_STATUS_OK) {
    CHECK(out_size == want_size && (want_size == 0 || memcmp(out, want, want_size) == 0),
          "%s %s: wrong output (%zu bytes, want %zu)", codec_name(codec), what, out_size, want_size);
    free(out);
  }
  if (want_size > 0) {
    s = decompress_status(codec, stream, n, want_size - 1);
    CHECK(s == MB_STATUS_LIMIT_EXCEEDED, "%s %s with max_output %zu: %s", codec_name(codec), what,
          want_size - 1, status_name(s));
  }
  s = decompress_status(codec, stream, n, SIZE_MAX);
  CHECK(s == MB_STATUS_OK, "%s %s with max_output SIZE_MAX: %s", codec_name(codec), what,
        status_name(s));
}

static void roundtrip(mb_codec codec, int level, const uint8_t *data, size_t n, const char *what) {
  size_t csize;
  uint8_t *c = compress_ok(codec, level, data, n, &csize);
  if (!c) return;
  if (codec != MB_CODEC_NONE) CHECK(csize > 0, "%s %s: empty compressed output", codec_name(codec), what);
  expect_decodes(codec, c, csize, data, n, what);
  free(c);
}

// MARK: - Codec tests

static void test_levels_and_arguments(void) {
  int lo, hi;
  CHECK(mb_default_level(MB_CODEC_GZIP) == 9 && mb_default_level(MB_CODEC_BROTLI) == 5 &&
            mb_default_level(MB_CODEC_ZSTD) == 3 && mb_default_level(MB_CODEC_LZMA) == 6 &&
            mb_default_level(MB_CODEC_NONE) == 0,
        "default levels");
  CHECK(mb_level_range(MB_CODEC_NONE, &lo, &hi) == 0 && lo == 0 && hi == 0, "none range");
  CHECK(mb_level_range(MB_CODEC_GZIP, &lo, &hi) == 0 && lo == 0 && hi == 9, "gzip range");
  CHECK(mb_level_range(MB_CODEC_BROTLI, &lo, &hi) == 0 && lo == 0 && hi == 11, "brotli range");
  CHECK(mb_level_range(MB_CODEC_ZSTD, &lo, &hi) == 0 && lo == ZSTD_minCLevel() &&
            hi == ZSTD_maxCLevel(), "zstd range");
  CHECK(mb_level_range(MB_CODEC_LZMA, &lo, &hi) == 0 && lo == 0 && hi == 9, "lzma range");
  CHECK(mb_level_range((mb_codec)99, &lo, &hi) == -1, "unknown codec range");

  uint8_t text[20000], *out;
  size_t out_size;
  const char *message;
  fill_text(text, sizeof text);
  for (size_t i = 0; i < COUNT(all_codecs); i++) {
    mb_codec c = all_codecs[i];
    mb_level_range(c, &lo, &hi);
    int levels[] = {lo, mb_default_level(c), hi, 1, -1, -5, 19};
    for (size_t k = 0; k < COUNT(levels); k++) {
      if (levels[k] < lo || levels[k] > hi) continue;
      roundtrip(c, levels[k], text, sizeof text, "text at each level");
    }
    CHECK(mb_compress(c, lo - 1, text, 10, &out, &out_size, &message) == MB_STATUS_INVALID_ARGUMENT &&
              out == NULL, "%s level below range", codec_name(c));
    CHECK(mb_compress(c, hi + 1, text, 10, &out, &out_size, &message) == MB_STATUS_INVALID_ARGUMENT,
          "%s level above range", codec_name(c));
    CHECK(mb_decompress(c, NULL, 5, 100, &out, &out_size, NULL) == MB_STATUS_INVALID_ARGUMENT,
          "%s NULL source", codec_name(c));
    // Empty input: TRUNCATED, except for none.
    mb_status s = decompress(c, NULL, 0, 100, &out, &out_size);
    if (c == MB_CODEC_NONE) {
      CHECK(s == MB_STATUS_OK && out_size == 0, "none: empty input");
      if (s == MB_STATUS_OK) free(out);
    } else {
      CHECK(s == MB_STATUS_TRUNCATED, "%s: empty input gives %s", codec_name(c), status_name(s));
    }
  }
  CHECK(mb_compress((mb_codec)99, 0, text, 10, &out, &out_size, &message) == MB_STATUS_INVALID_ARGUMENT,
        "unknown codec compress");
  CHECK(mb_decompress((mb_codec)99, text, 10, 100, &out, &out_size, &message) ==
            MB_STATUS_INVALID_ARGUMENT, "unknown codec decompress");
  CHECK(mb_decompress(MB_CODEC_NONE, text, 10, 9, &out, &out_size, NULL) == MB_STATUS_LIMIT_EXCEEDED,
        "none over the limit");
}

static void test_roundtrips(void) {
  size_t n100k = 100000, n1m = 1u << 20;
  uint8_t *rand100k = xmalloc(n100k), *zeros1m = calloc(1, n1m), one = 'x';
  fill_random(rand100k, n100k);
  for (size_t i = 0; i < COUNT(all_codecs); i++) {
    mb_codec c = all_codecs[i];
    int level = mb_default_level(c);
    roundtrip(c, level, NULL, 0, "empty");
    roundtrip(c, level, &one, 1, "1 byte");
    roundtrip(c, level, rand100k, n100k, "random 100 KB");
    roundtrip(c, level, zeros1m, n1m, "1 MiB of zeros");

    // 1 MiB of zeros with max_output 1000 / 0.
    size_t csize;
    uint8_t *z = compress_ok(c, level, zeros1m, n1m, &csize);
    if (z) {
      mb_status s = decompress_status(c, z, csize, 1000);
      CHECK(s == MB_STATUS_LIMIT_EXCEEDED, "%s: 1 MiB of zeros, max 1000: %s", codec_name(c),
            status_name(s));
      s = decompress_status(c, z, csize, 0);
      CHECK(s == MB_STATUS_LIMIT_EXCEEDED, "%s: 1 MiB of zeros, max 0: %s", codec_name(c),
            status_name(s));
      free(z);
    }
    // An empty stream fits max_output 0.
    uint8_t *e = compress_ok(c, level, NULL, 0, &csize);
    if (e) {
      CHECK(decompress_status(c, e, csize, 0) == MB_STATUS_OK, "%s: empty stream, max 0", codec_name(c));
      free(e);
    }
  }
  free(rand100k);
  free(zeros1m);
}

static void print_counts(const char *codec, const char *what, const int counts[8]) {
  int total = 0;
  for (int i = 0; i < 8; i++) total += counts[i];
  printf("%-6s: %d %s:", codec, total, what);
  for (int i = 0; i < 8; i++) {
    if (counts[i]) printf(" %s %d", status_name((mb_status)i), counts[i]);
  }
  printf("\n");
}

/// Every prefix of a stream fails; flipped bits and garbage never crash.
static void test_damage(void) {
  uint8_t text[3000];
  fill_text(text, sizeof text);
  for (size_t i = 0; i < COUNT(real_codecs); i++) {
    mb_codec c = real_codecs[i];
    size_t csize;
    uint8_t *z = compress_ok(c, mb_default_level(c), text, sizeof text, &csize);
    if (!z) continue;
    int counts[8] = {0};
    for (size_t n = 0; n < csize; n++) {
      uint8_t *prefix = xmalloc(n);  // a tight copy, so valgrind sees over-reads
      memcpy(prefix, z, n);
      mb_status s = decompress_status(c, prefix, n, sizeof text);
      counts[s & 7]++;
      free(prefix);
    }
    CHECK(counts[MB_STATUS_OK] == 0, "%s: %d prefixes decode", codec_name(c), counts[MB_STATUS_OK]);
    print_counts(codec_name(c), "prefixes", counts);

    // Every single-bit flip.
    int flip_counts[8] = {0};
    for (size_t pos = 0; pos < csize; pos++) {
      for (int bit = 0; bit < 8; bit++) {
        z[pos] ^= (uint8_t)(1 << bit);
        flip_counts[decompress_status(c, z, csize, 2 * sizeof text) & 7]++;
        z[pos] ^= (uint8_t)(1 << bit);
      }
    }
    print_counts(codec_name(c), "single-bit flips", flip_counts);
    // Random garbage, some with the codec's magic in front.
    for (int k = 0; k < 500; k++) {
      size_t n = 1 + rnd() % 300;
      uint8_t *g = xmalloc(n);
      fill_random(g, n);
      if (k % 2) memcpy(g, z, n < 12 ? n : 12);
      decompress_status(c, g, n, 1 << 20);
      free(g);
    }
    free(z);
  }
}

static uint8_t *zstd_frame(const uint8_t *src, size_t n, int content_size, int window_log,
                           size_t *out_size) {
  ZSTD_CCtx *cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, content_size);
  if (window_log) ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
  size_t cap = ZSTD_compressBound(n) + 64;
  uint8_t *out = xmalloc(cap);
  ZSTD_outBuffer o = {out, cap, 0};
  ZSTD_inBuffer in = {src, n, 0};
  // Streaming, so zstd does not know (or shrink the window to) the size.
  size_t r = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_continue);
  do r = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
  while (r != 0 && !ZSTD_isError(r));
  CHECK(!ZSTD_isError(r), "zstd test frame: %s", ZSTD_getErrorName(r));
  ZSTD_freeCCtx(cctx);
  *out_size = o.pos;
  return out;
}

static uint32_t crc32_le(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_concatenation_and_trailing(void) {
  uint8_t a[5000], b[7000], ab[12000];
  fill_text(a, sizeof a);
  fill_random(b, sizeof b);
  memcpy(ab, a, sizeof a);
  memcpy(ab + sizeof a, b, sizeof b);
  static const uint8_t garbage[] = {'j', 'u', 'n', 'k'};

  for (size_t i = 0; i < COUNT(real_codecs); i++) {
    mb_codec c = real_codecs[i];
    size_t na, nb;
    uint8_t *za = compress_ok(c, mb_default_level(c), a, sizeof a, &na);
    uint8_t *zb = compress_ok(c, mb_default_level(c), b, sizeof b, &nb);
    if (!za || !zb) continue;
    uint8_t *zab = concat(za, na, zb, nb);
    uint8_t *zg = concat(za, na, garbage, sizeof garbage);
    mb_status s;
    if (c != MB_CODEC_LZMA) {  // one stream an item: the reference reads only the first
      s = decompress_status(c, zab, na + nb, SIZE_MAX);
      CHECK(s == MB_STATUS_TRAILING_DATA, "%s + %s: %s", codec_name(c), codec_name(c), status_name(s));
    } else {  // xz streams concatenate, in the reference too
      expect_decodes(c, zab, na + nb, ab, sizeof ab, "two concatenated streams");
    }
    s = decompress_status(c, zg, na + sizeof garbage, SIZE_MAX);
    CHECK(s == MB_STATUS_TRAILING_DATA, "%s + junk: %s", codec_name(c), status_name(s));
    free(zab);
    free(zg);
    free(za);
    free(zb);
  }

  // gzip: anything after the member is trailing data (a lone 0x1f too);
  // a zlib (RFC 1950) stream is not gzip.
  size_t na;
  uint8_t *za = compress_ok(MB_CODEC_GZIP, 6, a, sizeof a, &na);
  uint8_t one_1f = 0x1f, zero4[4] = {0};
  uint8_t *z1 = concat(za, na, &one_1f, 1), *z0 = concat(za, na, zero4, 4);
  mb_status s = decompress_status(MB_CODEC_GZIP, z1, na + 1, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "gzip + 0x1f: %s", status_name(s));
  s = decompress_status(MB_CODEC_GZIP, z0, na + 4, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "gzip + zeros: %s", status_name(s));
  free(z1);
  free(z0);
  free(za);
  uLongf zlen = compressBound(sizeof a);
  uint8_t *zl = xmalloc(zlen);
  compress2(zl, &zlen, a, sizeof a, 6);
  s = decompress_status(MB_CODEC_GZIP, zl, zlen, SIZE_MAX);
  CHECK(s == MB_STATUS_CORRUPT, "gzip given a zlib stream: %s", status_name(s));
  free(zl);

  // xz: stream padding (NULs in multiples of 4), which the reference cannot read, is refused.
  size_t nx1, nx2;
  uint8_t *x1 = compress_ok(MB_CODEC_LZMA, 1, a, sizeof a, &nx1);
  uint8_t *x2 = compress_ok(MB_CODEC_LZMA, 1, b, sizeof b, &nx2);
  uint8_t *x1p = concat(x1, nx1, zero4, 4), *x1p3 = concat(x1, nx1, zero4, 3);
  uint8_t *x1p2 = concat(x1p, nx1 + 4, x2, nx2), *x1p2p = concat(x1p2, nx1 + 4 + nx2, zero4, 4);
  s = decompress_status(MB_CODEC_LZMA, x1p, nx1 + 4, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "lzma + padding: %s", status_name(s));
  s = decompress_status(MB_CODEC_LZMA, x1p2p, nx1 + nx2 + 8, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "lzma, padding, stream, padding: %s", status_name(s));
  s = decompress_status(MB_CODEC_LZMA, x1p3, nx1 + 3, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "lzma + 3 NULs: %s", status_name(s));
  uint8_t *x12 = concat(x1, nx1, x2, nx2);
  for (size_t n = nx1 + 1; n < nx1 + nx2; n++) {  // second stream cut short
    s = decompress_status(MB_CODEC_LZMA, x12, n, SIZE_MAX);
    if (s != MB_STATUS_TRUNCATED) CHECK(0, "lzma second stream cut at %zu: %s", n, status_name(s));
  }
  free(x1), free(x2), free(x1p), free(x1p3), free(x1p2), free(x1p2p), free(x12);

  // zstd: a frame without a content size decodes; a second frame or a skippable frame,
  // anywhere, is refused (the reference reads only the first frame, and fails on a
  // skippable one first).
  size_t n1, n2, n3;
  uint8_t *f1 = zstd_frame(a, sizeof a, 0, 0, &n1);
  uint8_t *f2 = zstd_frame(b, sizeof b, 0, 0, &n2);
  uint8_t *f3 = compress_ok(MB_CODEC_ZSTD, 3, b, sizeof b, &n3);
  expect_decodes(MB_CODEC_ZSTD, f1, n1, a, sizeof a, "frame without content size");
  uint8_t *f12 = concat(f1, n1, f2, n2), *f13 = concat(f1, n1, f3, n3);
  s = decompress_status(MB_CODEC_ZSTD, f12, n1 + n2, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "two zstd frames without content size: %s", status_name(s));
  s = decompress_status(MB_CODEC_ZSTD, f13, n1 + n3, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "zstd frames with and without content size: %s", status_name(s));
  uint8_t skippable[8 + 5] = {0x50, 0x2A, 0x4D, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5};
  uint8_t *fs = concat(f1, n1, skippable, sizeof skippable);
  uint8_t *fs3 = concat(fs, n1 + sizeof skippable, f3, n3);
  s = decompress_status(MB_CODEC_ZSTD, fs3, n1 + sizeof skippable + n3, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "zstd frame, skippable frame, frame: %s", status_name(s));
  uint8_t *fs_only = concat(skippable, sizeof skippable, f3, n3);
  s = decompress_status(MB_CODEC_ZSTD, fs_only, sizeof skippable + n3, SIZE_MAX);
  CHECK(s == MB_STATUS_CORRUPT, "zstd skippable frame first: %s", status_name(s));
  s = decompress_status(MB_CODEC_ZSTD, skippable, sizeof skippable, SIZE_MAX);
  CHECK(s == MB_STATUS_CORRUPT, "zstd skippable frame only: %s", status_name(s));
  for (size_t n = 1; n < n1; n++) {  // prefixes of a frame without content size
    s = decompress_status(MB_CODEC_ZSTD, f1, n, SIZE_MAX);
    if (s == MB_STATUS_OK) CHECK(0, "zstd: prefix %zu of a frame without content size decodes", n);
  }
  uint8_t *fg = concat(f1, n1, garbage, sizeof garbage);
  s = decompress_status(MB_CODEC_ZSTD, fg, n1 + sizeof garbage, SIZE_MAX);
  CHECK(s == MB_STATUS_TRAILING_DATA, "zstd (no content size) + junk: %s", status_name(s));
  free(f1), free(f2), free(f3), free(f12), free(f13), free(fs), free(fs3), free(fs_only), free(fg);

  // zstd: a frame demanding a 2^28-byte window is refused.
  size_t nw;
  uint8_t *fw = zstd_frame(a, sizeof a, 0, 28, &nw);
  s = decompress_status(MB_CODEC_ZSTD, fw, nw, SIZE_MAX);
  CHECK(s == MB_STATUS_LIBRARY_ERROR, "zstd with a 2^28 window: %s", status_name(s));
  free(fw);

  // lzma: a block header claiming a 4 GiB dictionary exceeds the decoder's memory limit.
  size_t nx;
  uint8_t *x = compress_ok(MB_CODEC_LZMA, 0, a, sizeof a, &nx);
  if (x) {
    uint8_t *h = x + 12;  // the block header follows the 12-byte stream header
    size_t hsize = ((size_t)h[0] + 1) * 4, pos = 2;
    if (h[1] & 0x40) while (h[pos++] & 0x80) {}  // compressed size (varint)
    if (h[1] & 0x80) while (h[pos++] & 0x80) {}  // uncompressed size
    CHECK(h[pos] == 0x21 && h[pos + 1] == 1, "lzma: unexpected block header");
    h[pos + 2] = 40;  // LZMA2 dictionary size 4 GiB - 1
    uint32_t crc = (uint32_t)crc32(0, h, (uInt)(hsize - 4));
    for (int k = 0; k < 4; k++) h[hsize - 4 + k] = (uint8_t)(crc >> (8 * k));
    CHECK(crc32_le(h + hsize - 4) == crc, "crc");
    s = decompress_status(MB_CODEC_LZMA, x, nx, SIZE_MAX);
    CHECK(s == MB_STATUS_LIBRARY_ERROR, "lzma with a 4 GiB dictionary: %s", status_name(s));
    free(x);
  }
}

// MARK: - Decompression bombs

static const char *self_path = "/proc/self/exe";

static const char *bomb_names[] = {"gzip", "brotli", "zstd", "lzma", "zstd-nosize"};
static const mb_codec bomb_codecs[] = {MB_CODEC_GZIP, MB_CODEC_BROTLI, MB_CODEC_ZSTD,
                                       MB_CODEC_LZMA, MB_CODEC_ZSTD};

/// Decompresses each bomb with max_output 1 MiB; returns the failures.
static void check_bomb(mb_codec c, const char *name, const uint8_t *z, size_t n) {
  double t0 = now();
  mb_status s = decompress_status(c, z, n, 1u << 20);
  double dt = now() - t0;
  CHECK(s == MB_STATUS_LIMIT_EXCEEDED, "bomb %s: %s", name, status_name(s));
  printf("bomb %-11s: %7zu bytes -> %s in %.1f ms\n", name, n, status_name(s), dt * 1e3);
}

/// --check-bombs DIR: run in a fresh process so its peak RSS measures only this.
static int check_bomb_files(const char *dir) {
  for (size_t i = 0; i < COUNT(bomb_codecs); i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, bomb_names[i]);
    FILE *f = fopen(path, "rb");
    if (!f) {
      perror(path);
      return 1;
    }
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    rewind(f);
    uint8_t *z = xmalloc(n);
    if (fread(z, 1, n, f) != n) n = 0;
    fclose(f);
    check_bomb(bomb_codecs[i], bomb_names[i], z, n);
    free(z);
  }
  // VmHWM is the peak RSS of this process image; getrusage's ru_maxrss would
  // also count the parent's memory inherited through fork before the exec.
  long peak_kib = -1;
  char line[256];
  FILE *status = fopen("/proc/self/status", "r");
  while (status && fgets(line, sizeof line, status)) {
    if (strncmp(line, "VmHWM:", 6) == 0) peak_kib = strtol(line + 6, NULL, 10);
  }
  if (status) fclose(status);
  printf("bomb check process: peak RSS %ld KiB\n", peak_kib);
  CHECK(peak_kib > 0 && peak_kib < 32 * 1024, "peak RSS %ld KiB while decompressing bombs", peak_kib);
  return failures != 0;
}

static void test_bombs(size_t size, int separate_process) {
  uint8_t *zeros = calloc(1, size);
  char dir[] = "/tmp/c-shim-bombs-XXXXXX";
  if (separate_process && !mkdtemp(dir)) separate_process = 0;
  for (size_t i = 0; i < COUNT(bomb_codecs); i++) {
    mb_codec c = bomb_codecs[i];
    size_t n;
    double t0 = now();
    uint8_t *z = i == 4 ? zstd_frame(zeros, size, 0, 0, &n)  // without a content size
                        : compress_ok(c, mb_default_level(c), zeros, size, &n);
    printf("bomb %-11s: %zu MiB of zeros compressed to %zu bytes in %.0f ms\n", bomb_names[i],
           size >> 20, n, (now() - t0) * 1e3);
    if (!z) continue;
    check_bomb(c, bomb_names[i], z, n);
    if (separate_process) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, bomb_names[i]);
      FILE *f = fopen(path, "wb");
      if (f) {
        fwrite(z, 1, n, f);
        fclose(f);
      }
    }
    free(z);
  }
  free(zeros);
  if (!separate_process) return;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    // argv[0], not /proc/self/exe, which is valgrind itself when run under it.
    execl(self_path, self_path, "--check-bombs", dir, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bomb check process failed");
  for (size_t i = 0; i < COUNT(bomb_codecs); i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, bomb_names[i]);
    unlink(path);
  }
  rmdir(dir);
}

// MARK: - Threads

typedef struct {
  const uint8_t *plain;
  size_t plain_size;
  uint8_t *streams[COUNT(real_codecs)];
  size_t sizes[COUNT(real_codecs)];
  int id, errors;
} thread_job;

static void *thread_main(void *arg) {
  thread_job *job = arg;
  for (int it = 0; it < 40; it++) {
    size_t k = (size_t)(it + job->id) % COUNT(real_codecs);
    mb_codec c = real_codecs[k];
    uint8_t *out;
    size_t out_size;
    if (mb_decompress(c, job->streams[k], job->sizes[k], job->plain_size, &out, &out_size, NULL) !=
            MB_STATUS_OK ||
        out_size != job->plain_size || memcmp(out, job->plain, out_size) != 0) {
      job->errors++;
    } else {
      free(out);
    }
    // A failing call in between must not disturb the reused contexts.
    if (mb_decompress(c, job->streams[k], job->sizes[k] / 2, SIZE_MAX, &out, &out_size, NULL) ==
        MB_STATUS_OK) {
      job->errors++;
      free(out);
    }
    // Compression with the per-thread zstd context, at varying levels.
    uint8_t *z;
    size_t zn;
    mb_status s = mb_compress(MB_CODEC_ZSTD, 1 + it % 5, job->plain, job->plain_size, &z, &zn, NULL);
    if (s != MB_STATUS_OK) {
      job->errors++;
      continue;
    }
    if (mb_decompress(MB_CODEC_ZSTD, z, zn, job->plain_size, &out, &out_size, NULL) != MB_STATUS_OK ||
        memcmp(out, job->plain, out_size) != 0) {
      job->errors++;
    } else {
      free(out);
    }
    free(z);
  }
  return NULL;
}

static void test_threads(void) {
  enum { N = 4 };
  size_t n = 200000;
  uint8_t *plain = xmalloc(n);
  fill_text(plain, n);
  thread_job jobs[N];
  uint8_t *streams[COUNT(real_codecs)];
  size_t sizes[COUNT(real_codecs)];
  for (size_t k = 0; k < COUNT(real_codecs); k++) {
    streams[k] = compress_ok(real_codecs[k], mb_default_level(real_codecs[k]), plain, n, &sizes[k]);
    if (!streams[k]) return;
  }
  pthread_t threads[N];
  for (int i = 0; i < N; i++) {
    jobs[i] = (thread_job){.plain = plain, .plain_size = n, .id = i};
    memcpy(jobs[i].streams, streams, sizeof streams);
    memcpy(jobs[i].sizes, sizes, sizeof sizes);
    pthread_create(&threads[i], NULL, thread_main, &jobs[i]);
  }
  int errors = 0;
  for (int i = 0; i < N; i++) {
    pthread_join(threads[i], NULL);
    errors += jobs[i].errors;
  }
  CHECK(errors == 0, "%d errors in threads", errors);
  printf("threads: %d threads x 40 iterations, %d errors\n", N, errors);
  for (size_t k = 0; k < COUNT(real_codecs); k++) free(streams[k]);
  free(plain);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--check-bombs") == 0) return check_bomb_files(argv[2]);
  if (strchr(argv[0], '/')) self_path = argv[0];
  int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;

  test_crc32c();
  test_levels_and_arguments();
  test_roundtrips();
  test_damage();
  test_concatenation_and_trailing();
  test_threads();
  test_bombs(quick ? (8u << 20) : (100u << 20), !quick);

  printf("%d checks, %d failures\n", checks, failures);
  return failures != 0;
}
