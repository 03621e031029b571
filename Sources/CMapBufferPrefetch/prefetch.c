// The target's one source file, which SwiftPM requires: everything is inline in the header.
#include "CMapBufferPrefetch.h"
