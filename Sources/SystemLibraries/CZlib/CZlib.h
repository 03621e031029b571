// zlib (gzip), as the codec shim includes it: with const input pointers.
#define ZLIB_CONST
#include <zlib.h>
