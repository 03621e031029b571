#define _GNU_SOURCE
#include "CMapBufferPlatform.h"

#include <errno.h>
#include <unistd.h>

int mb_sync_file_system(int fd) {
#if defined(__linux__)
  return syncfs(fd);
#else
  (void)fd;
  errno = ENOSYS;
  return -1;
#endif
}
