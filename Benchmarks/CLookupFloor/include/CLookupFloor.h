// The floor for one MapBuffer lookup: a plain Eytzinger search in C over a serialized map's
// index, then the CRC-32C of the item found. What the Swift reader is measured against.
#ifndef CLOOKUP_FLOOR_H
#define CLOOKUP_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Looks up each of `keys` in the serialized map `map` (`size` bytes, format version 1, codec
/// none, trusted: nothing is checked) and returns the sum of the CRC-32Cs of the items found
/// (payload only). With `prefetch` nonzero, each step prefetches the cache line of the node's
/// grandchildren, as a tuned search does.
uint64_t mb_floor_lookup_crc(const uint8_t *map, size_t size, const uint64_t *keys, size_t key_count, int prefetch);

/// `mb_floor_lookup_crc` with each lookup's key depending on the previous lookup's result
/// (`keys[i] ^ (sum & zero)`, with `zero` 0 at run time): the CPU cannot start a search before
/// the previous one ends, so this measures the latency of one lookup rather than the
/// throughput of many independent ones.
uint64_t mb_floor_lookup_crc_chained(const uint8_t *map, size_t size, const uint64_t *keys, size_t key_count,
                                     int prefetch, uint64_t zero);

#ifdef __cplusplus
}
#endif

#endif
