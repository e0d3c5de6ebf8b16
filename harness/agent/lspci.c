#include "agent.h"

#include <pci/pci.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The guest's own `lspci -D -n -xxx`, built as it lists the devices and sent as the
 * blob "lspci": the host resolves it with `dmatopo resolve --lspci` and checks that
 * the answer is the replay's. 256 bytes per function is what -xxx shows. */
#define CONFIG_BYTES 256
#define DUMP_MAX (4u << 20)

static char *dump;
static size_t dump_len, dump_cap;
static int dump_failed;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void put(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (dump_failed)
		return;
	if (dump_cap - dump_len < 128) {
		size_t ncap = dump_cap ? dump_cap * 2 : 16384;
		char *p = ncap <= DUMP_MAX ? realloc(dump, ncap) : NULL;

		if (!p) {
			dump_failed = 1;
			return;
		}
		dump = p;
		dump_cap = ncap;
	}
	va_start(ap, fmt);
	n = vsnprintf(dump + dump_len, dump_cap - dump_len, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < dump_cap - dump_len)
		dump_len += (size_t)n;
	else
		dump_failed = 1;
}

void lspci_add(struct pci_dev *d)
{
	unsigned char cfg[CONFIG_BYTES];

	if (!pci_read_block(d, 0, cfg, sizeof(cfg))) {
		emit_error("lspci %04x:%02x:%02x.%d: cannot read %d bytes of config space", d->domain,
			   d->bus, d->dev, d->func, CONFIG_BYTES);
		return;
	}
	put("%04x:%02x:%02x.%d %04x: %04x:%04x\n", d->domain, d->bus, d->dev, d->func,
	    d->device_class, d->vendor_id, d->device_id);
	for (int line = 0; line < CONFIG_BYTES; line += 16) {
		put("%02x:", line);
		for (int i = 0; i < 16; i++)
			put(" %02x", cfg[line + i]);
		put("\n");
	}
	put("\n");
}

void lspci_send(void)
{
	if (dump_failed)
		emit_error("lspci dump larger than %u bytes or out of memory", DUMP_MAX);
	else if (dump_len)
		print_blob("lspci", "libpci", (const unsigned char *)dump, dump_len);
	free(dump);
	dump = NULL;
	dump_len = dump_cap = 0;
}
