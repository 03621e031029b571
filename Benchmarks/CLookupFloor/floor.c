#include "CLookupFloor.h"

#include <string.h>

// The library's CRC-32C (CMapBufferCRC32C), linked into every program that uses MapBuffer.
uint32_t mb_crc32c(uint32_t crc, const void *data, size_t size);

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;  // little-endian hosts only, as the benchmark runs on
}

// Node k (1-based) of the index sits at byte 16 * k of the file: the 16-byte header makes
// nodes 4k..4k+3, the grandchildren of k, exactly one 64-byte cache line.
static inline int64_t search(const uint8_t *map, uint64_t count, uint64_t key, int prefetch) {
  uint64_t k = 1;
  if (prefetch) {
    while (k <= count) {
      __builtin_prefetch(map + 64 * k);
      k = 2 * k + (load64(map + 16 * k) < key);
    }
  } else {
    while (k <= count) k = 2 * k + (load64(map + 16 * k) < key);
  }
  k >>= __builtin_ctzll(~k) + 1;
  if (k == 0 || load64(map + 16 * k) != key) return -1;
  return (int64_t)k - 1;
}

static inline void item_range(const uint8_t *map, size_t size, uint64_t count, int64_t position,
                              uint64_t *start, uint64_t *end) {
  *start = load64(map + 16 + 16 * position + 8);
  *end = (uint64_t)position + 1 < count ? load64(map + 16 + 16 * (position + 1) + 8) : size;
}

// One lookup: the search, then the CRC-32C of the item's payload (0 for an absent key).
static inline uint32_t lookup_crc(const uint8_t *map, size_t size, uint32_t count, uint64_t key, int prefetch) {
  int64_t position = search(map, count, key, prefetch);
  if (position < 0) return 0;
  uint64_t start, end;
  item_range(map, size, count, position, &start, &end);
  return mb_crc32c(0, map + start, end - start - 4);
}

uint64_t mb_floor_lookup_crc(const uint8_t *map, size_t size, const uint64_t *keys, size_t key_count, int prefetch) {
  uint32_t count;
  memcpy(&count, map + 12, 4);
  uint64_t sum = 0;
  for (size_t i = 0; i < key_count; i++) sum += lookup_crc(map, size, count, keys[i], prefetch);
  return sum;
}

uint64_t mb_floor_lookup_crc_chained(const uint8_t *map, size_t size, const uint64_t *keys, size_t key_count,
                                     int prefetch, uint64_t zero) {
  uint32_t count;
  memcpy(&count, map + 12, 4);
  uint64_t sum = 0;
  for (size_t i = 0; i < key_count; i++) sum += lookup_crc(map, size, count, keys[i] ^ (sum & zero), prefetch);
  return sum;
}
