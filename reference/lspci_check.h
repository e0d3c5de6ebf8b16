/* lspci -xxx / -xxxx text, checked with bounded reads before libpci's dump method
 * (lib/dump.c) is given it. libpci's parser stops the program through its error
 * callback on a long, unterminated or malformed line (its default handler exits),
 * writes below its buffer for a config offset that overflows an int (measured with
 * pciutils 3.9.0: `lspci -F` on "80000000: 00" dies of SIGSEGV), and silently reads
 * 0xff where bytes are missing. A text this check accepts reaches none of those
 * paths, and libpci reads from it exactly the devices listed here. */
#ifndef DMT_LSPCI_CHECK_H
#define DMT_LSPCI_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings.h"

/* libpci reads a line with fgets into 255 bytes and fails without its newline. */
#define DMT_LSPCI_LINE_MAX 253
#define DMT_LSPCI_MAX_DEVS 65536
/* lspci -xxx shows the 256 bytes of PCI config space, -xxxx the 4096 of PCIe. */
#define DMT_LSPCI_CONFIG 256
#define DMT_LSPCI_CONFIG_EXT 4096

struct dmt_lspci_entry {
	uint16_t segment, rid;		/* rid: bus<<8 | dev<<3 | fn */
	uint32_t nbytes;		/* config-space bytes the dump gives */
	unsigned line;			/* of the device line */
	uint64_t offset;		/* of the device line in the text */
	bool cut;			/* a Truncated finding was given for it */
};

struct dmt_lspci {
	struct dmt_lspci_entry *dev;	/* sorted by segment, then RID */
	size_t n, cap;			/* cap in bytes */
};

/* Check buf as lspci -x output; findings to f (may be NULL). Returns 0 when it lists
 * at least one device and has no error finding: libpci may then read it. */
int dmt_lspci_check(const uint8_t *buf, size_t len, struct dmt_lspci *d,
		    struct dmt_findings *f);
void dmt_lspci_free(struct dmt_lspci *d);
/* The entry for this address, or NULL. */
const struct dmt_lspci_entry *dmt_lspci_find(const struct dmt_lspci *d, uint16_t seg,
					     uint16_t rid);

#endif
