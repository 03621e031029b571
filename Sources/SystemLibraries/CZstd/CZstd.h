// zstd, its stable API and its error codes.
#include <zstd.h>
#include <zstd_errors.h>
