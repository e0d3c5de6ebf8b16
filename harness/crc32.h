/* CRC-32 of the console framing: the guest agent stamps each blob with it and the
 * replay checks it, so both are built from this one file. */
#ifndef DMT_CRC32_H
#define DMT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 as in zlib/PNG/Ethernet (reflected 0x04C11DB7, init and final xor ~0). */
uint32_t dmt_crc32(const uint8_t *buf, size_t len);

#endif
