// A cache prefetch hint for Swift, which has no intrinsic for it: the batch lookup asks for the
// next index nodes of many searches at once, so their memory latencies overlap.
#ifndef CMAPBUFFER_PREFETCH_H
#define CMAPBUFFER_PREFETCH_H

/// Hints that the cache line holding `address` will be read soon. Never faults, even for an
/// address outside any mapping, and does nothing on compilers without the builtin.
static inline void mb_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 0, 3);
#else
  (void)address;
#endif
}

/// A hint that the cache line at `address` will soon be written.
static inline void mb_prefetch_for_write(void *address) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(address, 1, 3);
#else
  (void)address;
#endif
}

#endif
