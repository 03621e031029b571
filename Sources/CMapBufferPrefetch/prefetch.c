#include "CMapBufferPrefetch.h"

int mb_prefetch_is_supported(void) {
#if defined(__GNUC__) || defined(__clang__)
  return 1;
#else
  return 0;
#endif
}
