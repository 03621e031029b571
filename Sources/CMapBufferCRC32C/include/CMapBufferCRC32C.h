// CMapBufferCRC32C: CRC-32C (Castagnoli, the iSCSI checksum of RFC 3720).
//
// mb_crc32c picks, once, the fastest implementation the CPU supports at run
// time: the SSE 4.2 crc32 instruction on x86-64, the CRC extension on arm64,
// or a portable slicing-by-8 table otherwise.

#ifndef CMAPBUFFER_CRC32C_H
#define CMAPBUFFER_CRC32C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Extends `crc` (0 to start) over `size` bytes of `data`; returns the
/// finished checksum, ready to be extended again. crc32c("123456789") == 0xE3069283.
uint32_t mb_crc32c(uint32_t crc, const void *data, size_t size);

/// The portable table-driven implementation, always available.
uint32_t mb_crc32c_portable(uint32_t crc, const void *data, size_t size);

/// The hardware implementation; call only when mb_crc32c_hardware_available() is 1.
uint32_t mb_crc32c_hardware(uint32_t crc, const void *data, size_t size);

/// 1 when this CPU has CRC-32C instructions this build can use, else 0.
int mb_crc32c_hardware_available(void);

#ifdef __cplusplus
}
#endif

#endif
