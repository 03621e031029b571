// Per-thread codec contexts, so decoding a small item allocates nothing but
// its output. Each thread gets one mb_thread_ctx on first use; a pthread key
// destructor frees it when the thread exits. (The main thread's contexts are
// reclaimed by the OS at process exit.)
//
// Brotli 1.0.9 has no way to reset a decoder instance, so brotli.c creates
// one per call instead; it is not cached here.

#include "codecs_internal.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct mb_thread_ctx {
  z_stream inflate;
  int inflate_ready;  ///< inflateInit2 succeeded
  ZSTD_DCtx *zstd_d;
  ZSTD_CCtx *zstd_c;
  lzma_stream lzma;
  int lzma_ready;     ///< lzma holds LZMA_STREAM_INIT (and maybe a decoder)
} mb_thread_ctx;

/// Largest zstd window a frame may demand: 2^27 = 128 MiB (zstd's own default
/// limit, set explicitly so it does not depend on the library version).
enum { MB_ZSTD_WINDOW_LOG_MAX = 27 };

static _Thread_local mb_thread_ctx *tls_ctx;
static pthread_key_t ctx_key;
static int ctx_key_ok;
static pthread_once_t ctx_key_once = PTHREAD_ONCE_INIT;

static void ctx_destroy(void *p) {
  mb_thread_ctx *ctx = p;
  if (ctx->inflate_ready) inflateEnd(&ctx->inflate);
  ZSTD_freeDCtx(ctx->zstd_d);  // both accept NULL
  ZSTD_freeCCtx(ctx->zstd_c);
  if (ctx->lzma_ready) lzma_end(&ctx->lzma);
  free(ctx);
  tls_ctx = NULL;  // runs on the exiting thread itself
}

static void ctx_key_create(void) {
  ctx_key_ok = pthread_key_create(&ctx_key, ctx_destroy) == 0;
}

/// The calling thread's context, created on first use; NULL if that fails.
static mb_thread_ctx *thread_ctx(void) {
  if (tls_ctx) return tls_ctx;
  pthread_once(&ctx_key_once, ctx_key_create);
  if (!ctx_key_ok) return NULL;  // could not be freed at thread exit: refuse
  mb_thread_ctx *ctx = calloc(1, sizeof *ctx);
  if (ctx == NULL) return NULL;
  if (pthread_setspecific(ctx_key, ctx) != 0) {
    free(ctx);
    return NULL;
  }
  tls_ctx = ctx;
  return ctx;
}

z_stream *mb_thread_inflate(void) {
  mb_thread_ctx *ctx = thread_ctx();
  if (ctx == NULL) return NULL;
  if (!ctx->inflate_ready) {
    // zalloc, zfree, opaque, next_in and avail_in are already zero (calloc).
    if (inflateInit2(&ctx->inflate, 15 + 16) != Z_OK) return NULL;  // gzip wrapper only
    ctx->inflate_ready = 1;
  }
  return &ctx->inflate;
}

ZSTD_DCtx *mb_thread_zstd_dctx(void) {
  mb_thread_ctx *ctx = thread_ctx();
  if (ctx == NULL) return NULL;
  if (ctx->zstd_d == NULL) {
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (d == NULL) return NULL;
    if (ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, MB_ZSTD_WINDOW_LOG_MAX))) {
      ZSTD_freeDCtx(d);
      return NULL;
    }
    ctx->zstd_d = d;
  }
  return ctx->zstd_d;
}

ZSTD_CCtx *mb_thread_zstd_cctx(void) {
  mb_thread_ctx *ctx = thread_ctx();
  if (ctx == NULL) return NULL;
  if (ctx->zstd_c == NULL) ctx->zstd_c = ZSTD_createCCtx();
  return ctx->zstd_c;
}

lzma_stream *mb_thread_lzma(void) {
  mb_thread_ctx *ctx = thread_ctx();
  if (ctx == NULL) return NULL;
  if (!ctx->lzma_ready) {
    lzma_stream init = LZMA_STREAM_INIT;
    ctx->lzma = init;
    ctx->lzma_ready = 1;
  }
  return &ctx->lzma;
}
