#include "crc32.h"

/* Bitwise form: the blobs are small (a VIOT, a DT of at most a few MiB), so a table
 * buys nothing worth its code. */
uint32_t dmt_crc32(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xffffffffu;
}
