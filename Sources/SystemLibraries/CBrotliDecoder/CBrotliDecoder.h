// The brotli decoder.
#include <brotli/decode.h>
