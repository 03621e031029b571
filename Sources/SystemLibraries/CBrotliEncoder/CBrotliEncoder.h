// The brotli encoder.
#include <brotli/encode.h>
