/* Seed 002's domid encodings read from raw config space as an lspci -xxx reader
 * would hand it over: capability chains with other capabilities first, 4096-byte
 * extended config, and the map lookup's mask, offset and first-match rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_cap_after_another_cap),
		cmocka_unit_test(map_lookup_follows_of_map_id),
		cmocka_unit_test(bad_config_space_is_refused),
	};
	return cmocka_run_group_tests_name("domid_enc", tests, NULL, NULL);
}
