// System calls that Swift's Glibc module does not show (they need _GNU_SOURCE).
#ifndef CMAPBUFFER_PLATFORM_H
#define CMAPBUFFER_PLATFORM_H

/// Flushes every file of the file system holding the open file `fd` to disk, in one call
/// (Linux `syncfs`). Returns 0, or -1 with errno set (ENOSYS where there is no such call).
int mb_sync_file_system(int fd);

#endif
