/* Core pieces: device designators, layouts, findings, bounded reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bytes.h"
#include "dmatopo.h"

static void device_pci_with_segment(void **state)
{
	struct dmt_device d;

	(void)state;
	assert_int_equal(dmt_device_parse("0001:02:03.4", &d), 0);
	assert_int_equal(d.kind, DMT_DEV_PCI);
	assert_int_equal(d.segment, 1);
	assert_int_equal(d.rid, 0x0200 | 3 << 3 | 4);
	assert_int_equal(d.naliases, 0);
}

static void device_pci_aliases_keep_order(void **state)
{
	struct dmt_device d;
	char buf[128];

	(void)state;
	assert_int_equal(dmt_device_parse("0000:02:03.0+02:00.0+0000:01:00.0", &d), 0);
	assert_int_equal(d.rid, 0x218);
	assert_int_equal(d.naliases, 2);
	assert_int_equal(d.aliases[0], 0x200);
	assert_int_equal(d.aliases[1], 0x100);
	dmt_device_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "0000:02:03.0+02:00.0+01:00.0");
}

static void device_alias_in_other_segment_refused(void **state)
{
	struct dmt_device d;

	(void)state;
	assert_int_not_equal(dmt_device_parse("0000:02:03.0+0001:02:00.0", &d), 0);
}

static void device_bad_designators_refused(void **state)
{
	static const char *bad[] = {
		"", "0000:02:20.0", "0000:02:03.8", "0000:100:00.0", "00000:00:00.0",
		"0000:00:00", "0000:00:00.0x", "mmio:", "mmio:0x", "mmio:1000",
		"mmio:0x12345678901234567", "0000:00:00.0+", "zz:00.0",
		"0000:00:01.0+00:01.0+00:01.0+00:01.0+00:01.0+00:01.0+00:01.0+00:01.0+00:01.0+00:01.0",
	};
	struct dmt_device d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(dmt_device_parse(bad[i], &d), 0);
}

static void device_mmio_and_path(void **state)
{
	struct dmt_device d;
	char buf[64];

	(void)state;
	assert_int_equal(dmt_device_parse("mmio:0xFEB00000", &d), 0);
	assert_int_equal(d.kind, DMT_DEV_MMIO);
	assert_true(d.mmio == 0xfeb00000ull);
	dmt_device_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "mmio:0xfeb00000");
	assert_int_equal(dmt_device_parse("/soc/virtio@a000000", &d), 0);
	assert_int_equal(d.kind, DMT_DEV_PATH);
	assert_string_equal(d.path, "/soc/virtio@a000000");
}

static const struct dmt_field demo_fields[] = {
	{ "Type", 0, 1, DMT_F_UINT },
	{ "Reserved", 1, 1, DMT_F_RESERVED },
	{ "Length", 2, 2, DMT_F_UINT },
	{ "Value", 4, 8, DMT_F_UINT },
};
static const struct dmt_layout demo = DMT_LAYOUT("demo", 12, demo_fields);

static void layout_roundtrip_and_bounds(void **state)
{
	uint8_t buf[12] = { 0 };
	uint64_t v = 0;

	(void)state;
	assert_int_equal(demo.nfields, 4);
	dmt_field_put(&demo, 2, buf, 0, 0x1234);
	dmt_field_put(&demo, 3, buf, 0, 0x1122334455667788ull);
	assert_int_equal(buf[2], 0x34);
	assert_int_equal(buf[3], 0x12);
	assert_true(dmt_field_get(&demo, 3, buf, sizeof(buf), 0, &v));
	assert_true(v == 0x1122334455667788ull);
	/* The 8-byte field needs all 12 bytes: one short and it must refuse. */
	assert_false(dmt_field_get(&demo, 3, buf, 11, 0, &v));
	assert_false(dmt_field_get(&demo, 9, buf, sizeof(buf), 0, &v));
	assert_false(dmt_field_get(&demo, 0, buf, sizeof(buf), UINT64_MAX, &v));
}

static void layout_reserved_reports_first_bad_byte(void **state)
{
	uint8_t buf[24] = { 0 };
	uint64_t bad = 0;

	(void)state;
	assert_true(dmt_reserved_zero(&demo, buf, sizeof(buf), 12, &bad));
	buf[13] = 0x80;
	assert_false(dmt_reserved_zero(&demo, buf, sizeof(buf), 12, &bad));
	assert_int_equal(bad, 13);
}

static void bytes_bounds_do_not_overflow(void **state)
{
	uint8_t b[4] = { 1, 2, 3, 4 };
	uint64_t v = 0;
	uint32_t w = 0;

	(void)state;
	assert_true(dmt_in_bounds(4, 0, 4));
	assert_false(dmt_in_bounds(4, 1, 4));
	assert_false(dmt_in_bounds(4, UINT64_MAX, 2));
	assert_false(dmt_in_bounds(4, 2, UINT64_MAX));
	assert_true(dmt_get_le(b, 4, 0, 4, &v));
	assert_int_equal(v, 0x04030201);
	assert_true(dmt_get_be32(b, 4, 0, &w));
	assert_int_equal(w, 0x01020304);
	assert_false(dmt_get_be32(b, 4, 1, &w));
}

static void findings_are_bounded_and_counted(void **state)
{
	struct dmt_findings f;

	(void)state;
	dmt_findings_init(&f);
	for (unsigned i = 0; i < DMT_FINDINGS_MAX + 10; i++)
		dmt_report(&f, DMT_L_InputEmpty, i, "n=%u", i);
	assert_int_equal(f.count, DMT_FINDINGS_MAX);
	assert_int_equal(f.dropped, 10);
	assert_int_equal(dmt_findings_errors(&f), DMT_FINDINGS_MAX + 10);
	assert_string_equal(f.items[7].msg, "n=7");
	assert_true(dmt_findings_has(&f, DMT_L_InputEmpty));
	assert_false(dmt_findings_has(&f, DMT_L_InputTooLarge));
	dmt_findings_free(&f);
	dmt_report(NULL, DMT_L_InputEmpty, 0, "no list: ignored");
}

static void labels_are_unique_and_complete(void **state)
{
	(void)state;
	for (unsigned i = 1; i < DMT_L_COUNT; i++) {
		const struct dmt_label_info *li = dmt_label_info((enum dmt_label)i);

		assert_non_null(li->name);
		assert_true(li->clause && li->clause[0]);
		assert_true(li->summary && li->summary[0]);
		/* lookup by name gives back the same label: names are unique */
		assert_int_equal(dmt_label_lookup(li->name), i);
	}
	assert_int_equal(dmt_label_lookup("NoSuchLabel"), DMT_L_NONE);
}

static void decode_refuses_empty_and_unknown(void **state)
{
	struct dmt_topo t;
	struct dmt_findings f;
	uint8_t junk[8] = { 'J', 'U', 'N', 'K' };

	(void)state;
	dmt_findings_init(&f);
	assert_int_equal(dmt_decode(junk, 0, NULL, &t, &f), -1);
	assert_true(dmt_findings_has(&f, DMT_L_InputEmpty));
	assert_int_equal(dmt_decode(junk, sizeof(junk), NULL, &t, &f), -1);
	assert_true(dmt_findings_has(&f, DMT_L_InputFormatUnknown));
	assert_int_equal(dmt_detect((const uint8_t *)"VIOT", 4), DMT_FMT_VIOT);
	assert_int_equal(dmt_detect((const uint8_t *)"\xd0\x0d\xfe\xed", 4), DMT_FMT_DTB);
	dmt_topo_free(&t);
	dmt_findings_free(&f);
}

static void model_push_stops_at_ceiling(void **state)
{
	struct dmt_topo t;
	size_t n = 0;

	(void)state;
	dmt_topo_init(&t);
	while (DMT_PUSH(&t, mmio))
		n++;
	assert_int_equal(n, DMT_MAX_ITEMS);
	dmt_topo_free(&t);
	assert_int_equal(t.nmmio, 0);
}

static void edges_of_the_small_apis(void **state)
{
	static uint8_t big[DMT_INPUT_MAX + 1];
	struct dmt_findings f;
	struct dmt_topo t;
	struct dmt_device d;
	struct dmt_answer a;
	enum dmt_profile p = DMT_PROFILE_SPEC;
	enum dmt_format fmt = DMT_FMT_UNKNOWN;
	uint8_t buf[4] = { 0 };
	char out[64];

	(void)state;
	dmt_findings_init(&f);
	/* 16 MiB + 1 is refused before any decoder looks at it */
	assert_int_equal(dmt_decode(big, sizeof(big), NULL, &t, &f), -1);
	assert_true(dmt_findings_has(&f, DMT_L_InputTooLarge));
	assert_int_equal(dmt_decode(big, 8, NULL, NULL, &f), -1);
	assert_int_equal(dmt_detect(NULL, 4), DMT_FMT_UNKNOWN);
	assert_string_equal(dmt_format_name((enum dmt_format)42), "unknown");
	assert_int_equal(dmt_format_parse("vtopo", &fmt), 0);
	assert_int_equal(fmt, DMT_FMT_VTOPO);
	assert_int_equal(dmt_format_parse("acpi", &fmt), -1);
	assert_int_equal(dmt_profile_parse("linux", &p), 0);
	assert_int_equal(p, DMT_PROFILE_LINUX);
	assert_int_equal(dmt_profile_parse(NULL, &p), -1);
	assert_string_equal(dmt_label_name((enum dmt_label)100000), "None");
	/* resolve refuses missing arguments and profiles out of range */
	dmt_topo_init(&t);
	assert_int_equal(dmt_device_parse("0000:00:01.0", &d), 0);
	assert_int_equal(dmt_resolve(&t, (enum dmt_profile)7, &d, &a, NULL), -1);
	assert_int_equal(dmt_resolve(NULL, DMT_PROFILE_LINUX, &d, &a, NULL), -1);
	assert_int_equal(dmt_resolve(&t, DMT_PROFILE_LINUX, &d, &a, NULL), 0);
	assert_false(a.found);
	assert_int_equal(a.reason, DMT_L_InputFormatUnknown);
	/* device designators: a path too long, NULLs, formatting a path */
	memset(out, 'a', sizeof(out));
	assert_int_equal(dmt_device_parse(NULL, &d), -1);
	assert_int_equal(dmt_device_parse("/a", &d), 0);
	dmt_device_format(&d, out, sizeof(out));
	assert_string_equal(out, "/a");
	/* layouts: bad indexes write and read nothing; byte fields are clipped */
	dmt_field_put(&demo, 9, buf, 0, 0xff);
	dmt_field_put_bytes(&demo, 9, buf, 0, "xx", 2);
	dmt_field_put_bytes(&demo, 0, buf, 0, "xyz", 3);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(buf[1], 0);
	assert_false(dmt_field_get(NULL, 0, buf, sizeof(buf), 0, &(uint64_t){ 0 }));
	dmt_findings_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edges_of_the_small_apis),
		cmocka_unit_test(device_pci_with_segment),
		cmocka_unit_test(device_pci_aliases_keep_order),
		cmocka_unit_test(device_alias_in_other_segment_refused),
		cmocka_unit_test(device_bad_designators_refused),
		cmocka_unit_test(device_mmio_and_path),
		cmocka_unit_test(layout_roundtrip_and_bounds),
		cmocka_unit_test(layout_reserved_reports_first_bad_byte),
		cmocka_unit_test(bytes_bounds_do_not_overflow),
		cmocka_unit_test(findings_are_bounded_and_counted),
		cmocka_unit_test(labels_are_unique_and_complete),
		cmocka_unit_test(decode_refuses_empty_and_unknown),
		cmocka_unit_test(model_push_stops_at_ceiling),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
