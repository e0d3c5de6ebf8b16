/* Seed 002's domid encodings read from raw config space as an lspci -xxx reader
 * would hand it over: capability chains with other capabilities first, 4096-byte
 * extended config, and the map lookup's mask, offset and first-match rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "xen_domid_enc.h"

/* A function whose capability list is PCIe (0x40) -> ours (0x60). */
static void chain(uint8_t *cfg, uint16_t vendor, uint16_t device)
{
	cfg[0] = (uint8_t)vendor, cfg[1] = (uint8_t)(vendor >> 8);
	cfg[2] = (uint8_t)device, cfg[3] = (uint8_t)(device >> 8);
	cfg[6] = 0x10;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x10, cfg[0x41] = 0x60;
}

static void device_cap_after_another_cap(void **state)
{
	uint8_t *cfg = calloc(1, 4096);
	struct dmt_findings f;
	struct dmt_xd_enc e;
	enum dmt_label why;
	uint16_t domid = 0;

	(void)state;
	chain(cfg, 0x1af4, 0x1041);
	memcpy(cfg + 0x60, "\x09\x00\x08\x09\x53\x58\x07\x00", 8);
	dmt_findings_init(&f);
	assert_int_equal(dmt_xd_decode(DMT_XD_DEVICE_CAP, cfg, 4096, &e, &f), 0);
	assert_true(e.found);
	assert_int_equal(e.cap_off, 0x60);
	assert_true(dmt_xd_lookup(&e, 0x18, &domid, &why));
	assert_int_equal(domid, 7);
	assert_true(dmt_findings_has(&f, DMT_L_XenDomidBackendControlled));
	dmt_findings_free(&f);
	free(cfg);
}

static void map_lookup_follows_of_map_id(void **state)
{
	struct dmt_xd_enc m = { .kind = DMT_XD_HOST_BRIDGE, .found = true, .mask = 0xffff, .n = 2,
				.e = { { 0x08, 8, 1 }, { 0x0c, 8, 9 } } };
	struct dmt_findings f;
	struct dmt_xd_enc back;
	enum dmt_label why;
	uint16_t domid = 0;
	uint8_t *cfg;
	size_t len;

	(void)state;
	assert_true(dmt_xd_lookup(&m, 0x0d, &domid, &why));
	assert_int_equal(domid, 6);		/* first match wins, offset added */
	assert_false(dmt_xd_lookup(&m, 0x20, &domid, &why));
	assert_int_equal(why, DMT_L_XenDomidNoEntry);
	m.mask = 0xfff8;
	assert_true(dmt_xd_lookup(&m, 0x0d, &domid, &why));
	assert_int_equal(domid, 1);
	dmt_findings_init(&f);
	assert_int_equal(dmt_xd_encode(DMT_XD_DUMMY_DEV, &m, 0, &cfg, &len, &f), 0);
	assert_int_equal(dmt_xd_decode(DMT_XD_DUMMY_DEV, cfg, len, &back, &f), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.mask, 0xfff8);
	/* the same map in a function that is not 5853:d0d1 is not the dummy device */
	cfg[0] = 0x86;
	assert_int_equal(dmt_xd_decode(DMT_XD_DUMMY_DEV, cfg, len, &back, &f), 0);
	assert_false(back.found);
	assert_true(dmt_findings_has(&f, DMT_L_XenDomidNotFound));
	free(cfg);
	dmt_findings_free(&f);
}

static void bad_config_space_is_refused(void **state)
{
	uint8_t cfg[256];
	struct dmt_findings f;
	struct dmt_xd_enc e;

	(void)state;
	memset(cfg, 0xff, sizeof(cfg));
	dmt_findings_init(&f);
	assert_int_equal(dmt_xd_decode(DMT_XD_HOST_BRIDGE, cfg, sizeof(cfg), &e, &f), -1);
	assert_true(dmt_findings_has(&f, DMT_L_XenDomidBadConfig));
	assert_int_equal(dmt_xd_decode(DMT_XD_HOST_BRIDGE, NULL, 0, &e, &f), -1);
	memset(cfg, 0, sizeof(cfg));
	chain(cfg, 0x8086, 0x29c0);
	cfg[0x41] = 0x40;			/* a list that points at itself */
	assert_int_equal(dmt_xd_decode(DMT_XD_HOST_BRIDGE, cfg, sizeof(cfg), &e, &f), -1);
	assert_true(dmt_findings_has(&f, DMT_L_XenDomidCapLoop));
	dmt_findings_free(&f);
}

/* One function of an lspci -xxx dump: the device line and 16 lines of 16 bytes. */
static void dump_fn(FILE *f, const char *addr, const uint8_t *cfg)
{
	fprintf(f, "%s ff00: %02x%02x:%02x%02x\n", addr, cfg[1], cfg[0], cfg[3], cfg[2]);
	for (unsigned row = 0; row < 256; row += 16) {
		fprintf(f, "%02x:", row);
		for (unsigned i = 0; i < 16; i++)
			fprintf(f, " %02x", cfg[row + i]);
		fputc('\n', f);
	}
	fputc('\n', f);
}

static int run_grant(char **argv, int argc, char **out, char **err)
{
	size_t ol = 0, el = 0;
	FILE *fo = open_memstream(out, &ol), *fe = open_memstream(err, &el);
	int rc = cmd_grant(argc, argv, fo, fe);

	fclose(fo);
	fclose(fe);
	return rc;
}

/* Issue 13 item 2: an encoding that lives in config space is read from an lspci dump
 * (the dummy device's function), through libpci like the dumps resolve --lspci reads;
 * viommu-config is not in config space and is refused; a missing function is said. */
static void decode_from_lspci_dump(void **state)
{
	struct dmt_xd_enc m = { .kind = DMT_XD_DUMMY_DEV, .found = true, .mask = 0xffff, .n = 2,
				.e = { { 0x08, 8, 1 }, { 0x0c, 8, 9 } } };
	uint8_t host[256] = { 0x86, 0x80, 0xc0, 0x29 }, *cfg;
	char path[] = "/tmp/dmt-domid-lspci-XXXXXX", *out = NULL, *err = NULL;
	struct dmt_findings f;
	size_t len;
	FILE *fp;
	int fd;

	(void)state;
	dmt_findings_init(&f);
	assert_int_equal(dmt_xd_encode(DMT_XD_DUMMY_DEV, &m, 0, &cfg, &len, &f), 0);
	assert_true(len >= 256);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	dump_fn(fp, "0000:00:00.0", host);
	dump_fn(fp, "0000:00:05.0", cfg);
	fclose(fp);
	{
		char *argv[] = { "grant", "domid-enc", "decode", "dummy-dev", "--lspci", path,
				 "0000:00:05.0", "0000:00:01.5", "0000:00:04.0", NULL };

		assert_int_equal(run_grant(argv, 9, &out, &err), DMT_EXIT_OK);
		/* RID 0x0d (00:01.5) is in the first entry: 1 + 0x0d - 0x08 */
		assert_non_null(strstr(out, "0000:00:01.5 domid=6\n"));
		assert_non_null(strstr(out, "0000:00:04.0 none reason=XenDomidNoEntry\n"));
		free(out);
		free(err);
	}
	{
		char *argv[] = { "grant", "domid-enc", "decode", "dummy-dev", "--lspci", path,
				 "0000:00:07.0", NULL };

		assert_int_equal(run_grant(argv, 7, &out, &err), DMT_EXIT_FINDINGS);
		assert_non_null(strstr(err, "0000:00:07.0 is not in the dump"));
		free(out);
		free(err);
	}
	{
		char *argv[] = { "grant", "domid-enc", "decode", "viommu-config", "--lspci", path,
				 "0000:00:05.0", NULL };

		assert_int_equal(run_grant(argv, 7, &out, &err), DMT_EXIT_USAGE);
		assert_non_null(strstr(err, "not in PCI config space"));
		free(out);
		free(err);
	}
	unlink(path);
	free(cfg);
	dmt_findings_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_cap_after_another_cap),
		cmocka_unit_test(map_lookup_follows_of_map_id),
		cmocka_unit_test(bad_config_space_is_refused),
		cmocka_unit_test(decode_from_lspci_dump),
	};
	return cmocka_run_group_tests_name("domid_enc", tests, NULL, NULL);
}
