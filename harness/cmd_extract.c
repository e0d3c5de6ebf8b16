/* dmatopo extract: find an ACPI table in a memory dump (e.g. QEMU's pmemsave of a
 * guest whose firmware has installed its tables) and write it out. This is how the
 * suite obtains the VIOT that QEMU itself builds, without booting a kernel. */
#include "cli.h"
#include "bytes.h"

#include <stdlib.h>
#include <string.h>

static void extract_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo extract --sig SIGN [--index N] DUMP -o OUT\n\n"
		"Scan DUMP for ACPI tables whose 4-character signature is SIGN, whose length\n"
		"field fits in the dump and whose bytes sum to zero; write table N (from 0,\n"
		"default 0) to OUT. Prints one line per candidate: offset, length, revision.\n"
		"Exit status 0 when table N was written, 1 when there is no such table, 2 on\n"
		"usage or I/O errors.\n");
}

static bool acpi_table_at(const uint8_t *buf, size_t len, size_t off, const char *sig,
			  uint32_t *tlen)
{
	uint64_t l;
	uint8_t sum = 0;

	if (memcmp(buf + off, sig, 4) || !dmt_get_le(buf, len, off + 4, 4, &l))
		return false;
	if (l < 36 || !dmt_in_bounds(len, off, l))
		return false;
	for (uint64_t i = 0; i < l; i++)
		sum = (uint8_t)(sum + buf[off + i]);
	*tlen = (uint32_t)l;
	return sum == 0;
}

static int write_out(const char *path, const uint8_t *p, size_t n, FILE *err)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fwrite(p, 1, n, fp) != n || fclose(fp)) {
		fprintf(err, "dmatopo extract: cannot write %s\n", path);
		if (fp)
			fclose(fp);
		return -1;
	}
	return 0;
}

int cmd_extract(int argc, char **argv, FILE *out, FILE *err)
{
	const char *sig = NULL, *dump = NULL, *outp = NULL;
	long want = 0, seen = 0;
	int rc = DMT_EXIT_FINDINGS;
	uint8_t *buf;
	size_t len;

	for (int i = 1; i < argc; i++) {
		if (dmt_is_help(argv[i])) {
			extract_help(out);
			return DMT_EXIT_OK;
		} else if (strcmp(argv[i], "--sig") == 0 && i + 1 < argc) {
			sig = argv[++i];
		} else if (strcmp(argv[i], "--index") == 0 && i + 1 < argc) {
			char *end;

			want = strtol(argv[++i], &end, 0);
			if (*end || want < 0)
				sig = NULL, i = argc;	/* reported below */
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			outp = argv[++i];
		} else if (argv[i][0] != '-' && !dump) {
			dump = argv[i];
		} else {
			fprintf(err, "dmatopo extract: unexpected argument '%s'\n", argv[i]);
			return DMT_EXIT_USAGE;
		}
	}
	if (!sig || strlen(sig) != 4 || !dump || !outp) {
		extract_help(err);
		return DMT_EXIT_USAGE;
	}
	/* Dumps are larger than any table we decode: read without the table cap. */
	{
		FILE *fp = fopen(dump, "rb");
		long sz;

		if (!fp || fseek(fp, 0, SEEK_END) || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
			fprintf(err, "dmatopo extract: cannot read %s\n", dump);
			if (fp)
				fclose(fp);
			return DMT_EXIT_USAGE;
		}
		len = (size_t)sz;
		buf = malloc(len ? len : 1);
		if (!buf || fread(buf, 1, len, fp) != len) {
			fprintf(err, "dmatopo extract: cannot read %s\n", dump);
			free(buf);
			fclose(fp);
			return DMT_EXIT_USAGE;
		}
		fclose(fp);
	}
	for (size_t off = 0; len >= 36 && off <= len - 36; off++) {
		uint32_t tlen;

		if (!acpi_table_at(buf, len, off, sig, &tlen))
			continue;
		fprintf(out, "%s at 0x%zx length %u revision %u\n", sig, off, tlen, buf[off + 8]);
		if (seen++ == want) {
			rc = write_out(outp, buf + off, tlen, err) ? DMT_EXIT_USAGE : DMT_EXIT_OK;
			break;
		}
	}
	if (rc == DMT_EXIT_FINDINGS)
		fprintf(err, "dmatopo extract: no table %ld with signature %s and a valid checksum in %s\n",
			want, sig, dump);
	free(buf);
	return rc;
}
