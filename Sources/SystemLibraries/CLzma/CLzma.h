// liblzma (xz).
#include <lzma.h>
