#ifndef WSLAB_CZLIB_SHIM_H
#define WSLAB_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2 and inflateInit2 are macros; Swift cannot call macros, so wrap them. */
static inline int wslab_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel) {
  return deflateInit2(strm, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY);
}

static inline int wslab_inflateInit2(z_streamp strm, int windowBits) {
  return inflateInit2(strm, windowBits);
}
#endif
