/* Putting the vector's own VIOT in front of an x86 kernel: QEMU 7.2 always writes its
 * own VIOT when a virtio-iommu-pci is present (hw/i386/acpi-build.c) and -acpitable
 * tables land after it, so the replay uses the kernel's ACPI table upgrade instead
 * (drivers/acpi/tables.c acpi_table_upgrade): an uncompressed cpio holding
 * kernel/firmware/acpi/viot.aml, placed before the gzip'd initramfs, replaces a
 * firmware table with the same signature, OEM ID and OEM table ID and a higher OEM
 * revision. Linux 6.1's signature allow-list lacks VIOT, so this needs a kernel with
 * ACPI_SIG_VIOT added to table_sigs[]; on any other kernel the table is ignored
 * ("Unknown signature") and the guest shows QEMU's VIOT, which the verdict then uses. */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#define VIOT_HDR 36
#define CPIO_ALIGN 4
#define ARCHIVE_ALIGN 512

/* QEMU's VIOT header identity (hw/i386: x86ms->oem_id "BOCHS ", oem_table_id "BXPC    ",
 * revision 1): the upgrade overrides only a table that matches it. */
static const char qemu_oem_id[6] = { 'B', 'O', 'C', 'H', 'S', ' ' };
static const char qemu_oem_table_id[8] = { 'B', 'X', 'P', 'C', ' ', ' ', ' ', ' ' };

struct cpio {
	FILE *f;
	unsigned ino;
	size_t written;
};

static void pad(struct cpio *c, size_t align)
{
	while (c->written % align) {
		fputc(0, c->f);
		c->written++;
	}
}

/* One newc entry: header, NUL-terminated name, data, each padded to 4 bytes. */
static void entry(struct cpio *c, const char *name, unsigned mode, const uint8_t *data, size_t len)
{
	size_t nlen = strlen(name) + 1;

	c->written += (size_t)fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
				      c->ino++, mode, 0u, 0u, (mode & 0040000) ? 2u : 1u, 0u, len, 0u, 0u,
				      0u, 0u, nlen, 0u);
	fwrite(name, 1, nlen, c->f);
	c->written += nlen;
	pad(c, CPIO_ALIGN);
	if (len) {
		fwrite(data, 1, len, c->f);
		c->written += len;
	}
	pad(c, CPIO_ALIGN);
}

/* The table as the upgrade will accept it: QEMU's identity, revision above QEMU's,
 * checksum fixed (the upgrade refuses a bad one). */
static uint8_t *upgrade_table(const uint8_t *viot, size_t len, char *why, size_t whylen)
{
	uint8_t *t, sum = 0;
	uint32_t tlen;

	if (len < VIOT_HDR || memcmp(viot, "VIOT", 4)) {
		replay_fmt(why, whylen, "not a VIOT table");
		return NULL;
	}
	tlen = (uint32_t)viot[4] | (uint32_t)viot[5] << 8 | (uint32_t)viot[6] << 16 |
	       (uint32_t)viot[7] << 24;
	if (tlen != len) {
		replay_fmt(why, whylen, "VIOT length field %u is not the table's %zu bytes (the upgrade refuses it)",
			   tlen, len);
		return NULL;
	}
	t = malloc(len);
	if (!t) {
		replay_fmt(why, whylen, "out of memory");
		return NULL;
	}
	memcpy(t, viot, len);
	memcpy(t + 10, qemu_oem_id, sizeof(qemu_oem_id));
	memcpy(t + 16, qemu_oem_table_id, sizeof(qemu_oem_table_id));
	t[24] = 0x10;
	t[25] = t[26] = t[27] = 0;
	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum);
	return t;
}

int replay_viot_initrd(const uint8_t *viot, size_t len, const char *base_initrd,
		       const char *out_path, char *why, size_t whylen)
{
	struct cpio c = { NULL, 1, 0 };
	uint8_t *table = upgrade_table(viot, len, why, whylen);
	FILE *base;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!table)
		return -1;
	base = fopen(base_initrd, "rb");
	c.f = fopen(out_path, "wb");
	if (!base || !c.f) {
		replay_fmt(why, whylen, "cannot read %s or write %s", base_initrd, out_path);
		rc = -1;
		goto out;
	}
	entry(&c, "kernel", 0040755, NULL, 0);
	entry(&c, "kernel/firmware", 0040755, NULL, 0);
	entry(&c, "kernel/firmware/acpi", 0040755, NULL, 0);
	entry(&c, "kernel/firmware/acpi/viot.aml", 0100644, table, len);
	entry(&c, "TRAILER!!!", 0, NULL, 0);
	pad(&c, ARCHIVE_ALIGN);
	while ((n = fread(buf, 1, sizeof(buf), base)) > 0)
		fwrite(buf, 1, n, c.f);
	if (ferror(base) || ferror(c.f)) {
		replay_fmt(why, whylen, "I/O error writing %s", out_path);
		rc = -1;
	}
out:
	if (base)
		fclose(base);
	if (c.f && fclose(c.f))
		rc = -1;
	free(table);
	return rc;
}
