/* Bounded byte access. Every read from an input buffer goes through here so that
 * "never read outside the buffer" is one property of one file, not of every decoder. */
#ifndef DMT_BYTES_H
#define DMT_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when [off, off+n) lies inside a buffer of len bytes, without overflowing. */
static inline bool dmt_in_bounds(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/* Little-endian unsigned read of width 1, 2, 4 or 8 bytes; false if out of bounds. */
static inline bool dmt_get_le(const uint8_t *buf, size_t len, uint64_t off,
			      unsigned width, uint64_t *out)
{
	uint64_t v = 0;

	if (!buf || width == 0 || width > 8 || !dmt_in_bounds(len, off, width))
		return false;
	for (unsigned i = width; i-- > 0;)
		v = (v << 8) | buf[off + i];
	*out = v;
	return true;
}

static inline void dmt_put_le(uint8_t *buf, uint64_t off, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		buf[off + i] = (uint8_t)(v >> (8 * i));
}

/* Big-endian (device tree cells). */
static inline bool dmt_get_be32(const uint8_t *buf, size_t len, uint64_t off, uint32_t *out)
{
	if (!buf || !dmt_in_bounds(len, off, 4))
		return false;
	*out = (uint32_t)buf[off] << 24 | (uint32_t)buf[off + 1] << 16 |
	       (uint32_t)buf[off + 2] << 8 | buf[off + 3];
	return true;
}

#endif
