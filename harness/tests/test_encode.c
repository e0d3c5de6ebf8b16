/* The topology language and the encoders: parse, encode each way, decode, and
 * get the same model back; refusals name what cannot be expressed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vector.h"

static const char topo[] =
	"# two IOMMUs' worth of VIOT, one of them MMIO\n"
	"viommu v0 pci 0000:00:02.0\n"
	"viommu m0 mmio 0xfeb00000\n"
	"range v0 seg 0..1 bdf 00:00.0..02:1f.7 ep 0\n"
	"mmio-ep m0 0xfe000000 ep 0x40\n"
	"range v0 seg 0 bdf 40:00.0..41:1f.7 ep 0x4000\n";

static void parse_or_die(const char *text, struct dmt_vector *v)
{
	struct dmt_lang_error e = { 0 };

	if (dmt_topology_parse(text, strlen(text), v, &e))
		fail_msg("line %u: %s", e.line, e.msg);
}

static void decode_or_die(const uint8_t *buf, size_t len, enum dmt_format fmt, struct dmt_topo *t,
			  bool clean)
{
	struct dmt_decode_opts o = { .format = fmt, .vtopo_version = 2, .vtopo_iommu_known = true,
				     .vtopo_iommu_bdf = 0x10 };
	struct dmt_findings f;

	dmt_findings_init(&f);
	assert_int_equal(dmt_decode(buf, len, &o, t, &f), 0);
	/* our own encoding of a clean topology is clean: no error and no warning */
	for (size_t i = 0; clean && i < f.count; i++)
		if (dmt_label_info(f.items[i].label)->severity != DMT_SEV_INFO)
			fail_msg("%s: %s", dmt_label_name(f.items[i].label), f.items[i].msg);
	dmt_findings_free(&f);
}

static void viot_roundtrip_gives_the_same_model(void **state)
{
	struct dmt_vector v;
	struct dmt_topo t;
	uint8_t *a, *b;
	size_t la, lb;
	char why[DMT_WHY_MAX];

	(void)state;
	parse_or_die(topo, &v);
	assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_VIOT, NULL, &a, &la, why, sizeof(why)), 0);
	decode_or_die(a, la, DMT_FMT_VIOT, &t, true);
	assert_int_equal(t.niommus, 2);
	assert_int_equal(t.iommus[0].kind, DMT_IOMMU_VIRTIO_PCI);
	assert_int_equal(t.iommus[0].bdf, 0x10);
	assert_int_equal(t.iommus[1].kind, DMT_IOMMU_VIRTIO_MMIO);
	assert_true(t.iommus[1].base == 0xfeb00000ull);
	assert_int_equal(t.nranges, 2);
	assert_int_equal(t.ranges[0].seg_end, 1);
	assert_int_equal(t.ranges[0].bdf_end, 0x2ff);
	assert_int_equal(t.ranges[1].endpoint_start, 0x4000);
	assert_int_equal(t.ranges[1].iommu, 0);
	assert_int_equal(t.nmmio, 1);
	assert_int_equal(t.mmio[0].iommu, 1);
	assert_int_equal(t.mmio[0].endpoint, 0x40);
	/* and encoding the decoded model gives the very same bytes */
	assert_int_equal(dmt_encode(&t, DMT_FMT_VIOT, NULL, &b, &lb, why, sizeof(why)), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	dmt_topo_free(&t);
	dmt_vector_free(&v);
}

static void vtopo_roundtrip_keeps_linux_answers(void **state)
{
	static const char one[] =
		"viommu v0 pci 0000:00:02.0\n"
		"range v0 bdf 00:00.0..00:1f.7 ep 0\n"
		"range v0 bdf 00:08.0..00:08.7 ep 0x1000\n";	/* later statement wins */
	struct dmt_vector v;
	struct dmt_topo t;
	struct dmt_device d;
	struct dmt_answer ans;
	uint8_t *a, *b;
	size_t la, lb;
	char why[DMT_WHY_MAX];

	(void)state;
	parse_or_die(one, &v);
	assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_VTOPO, NULL, &a, &la, why, sizeof(why)), 0);
	/* the overlap is the point here, and a warning */
	decode_or_die(a, la, DMT_FMT_VTOPO, &t, false);
	assert_true(t.first_match_order);
	assert_int_equal(dmt_device_parse("0000:00:08.0", &d), 0);
	assert_int_equal(dmt_resolve(&t, DMT_PROFILE_LINUX, &d, &ans, NULL), 0);
	assert_true(ans.found);
	assert_int_equal(ans.ids[0], 0x1000);
	assert_int_equal(dmt_encode(&t, DMT_FMT_VTOPO, NULL, &b, &lb, why, sizeof(why)), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	dmt_topo_free(&t);
	dmt_vector_free(&v);
}

static void dtb_roundtrip_keeps_maps(void **state)
{
	static const char dt[] =
		"dt-iommu smmu /smmu@9050000 cells 1\n"
		"bridge /pcie@10000000 domain 0 bus 0..0x7f\n"
		"iommu-map 0x0 smmu 0x2000 0x100\n"
		"iommu-map 0x200 dangling 0x0 0x100\n"
		"iommu-map-mask 0xfff8\n"
		"node /dma@9100000 reg 0x9100000\n"
		"iommus smmu 0x40\n";
	struct dmt_vector v;
	struct dmt_topo t;
	uint8_t *a;
	size_t la;
	char why[DMT_WHY_MAX];
	struct dmt_findings f;

	(void)state;
	parse_or_die(dt, &v);
	assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_DTB, NULL, &a, &la, why, sizeof(why)), 0);
	dmt_findings_init(&f);
	assert_int_equal(dmt_decode(a, la, &(struct dmt_decode_opts){ .format = DMT_FMT_DTB }, &t, &f), 0);
	assert_true(dmt_findings_has(&f, DMT_L_DTDanglingPhandle));
	assert_int_equal(t.nbridges, 1);
	assert_string_equal(t.bridges[0].path, "/pcie@10000000");
	assert_int_equal(t.bridges[0].bus_end, 0x7f);
	assert_int_equal(t.bridges[0].iommu_map.n, 2);
	assert_true(t.bridges[0].iommu_map.has_mask);
	assert_int_equal(t.bridges[0].iommu_map.mask, 0xfff8);
	assert_int_equal(t.bridges[0].iommu_map.e[0].out_base, 0x2000);
	assert_int_equal(t.bridges[0].iommu_map.e[1].target, -1);
	/* the host bridge is a device node too (its own iommus would resolve there) */
	assert_int_equal(t.nnodes, 2);
	assert_string_equal(t.nodes[1].path, "/pcie@10000000");
	assert_int_equal(t.nodes[1].niommus, 0);
	assert_true(t.nodes[0].reg_base == 0x9100000ull);
	assert_int_equal(t.nodes[0].niommus, 1);
	assert_int_equal(t.nodes[0].iommus[0].cells[0], 0x40);
	dmt_findings_free(&f);
	free(a);
	dmt_topo_free(&t);
	dmt_vector_free(&v);
}

static void encoders_refuse_what_they_cannot_express(void **state)
{
	struct dmt_vector v;
	uint8_t *a = NULL;
	size_t la;
	char why[DMT_WHY_MAX] = "";

	(void)state;
	parse_or_die(topo, &v);
	/* two IOMMUs: a vtopo blob is the config space of one */
	assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_VTOPO, NULL, &a, &la, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "exactly one IOMMU"));
	dmt_vector_free(&v);
	parse_or_die("dt-iommu s /s cells 1\nbridge /pcie@0\n", &v);
	assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_VIOT, NULL, &a, &la, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no VIOT form"));
	dmt_vector_free(&v);
	parse_or_die("viommu v0 pci 0000:00:02.0\nmmio-ep v0 0x1000 ep 1\nmmio-ep v0 0x1000 ep 2\n", &v);
	assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_DTB, NULL, &a, &la, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "two nodes at path"));
	dmt_vector_free(&v);
}

/* Each VMM builder's table is lint-clean (no warning, no error) for a device list
 * on one segment, and carries that VMM's header IDs and revision. */
static void vmm_builders_write_clean_tables(void **state)
{
	static const struct {
		enum dmt_viot_builder b;
		const char *oem;
		uint8_t rev;
		size_t nodes;
	} want[] = {
		{ DMT_VB_QEMU, "BOCHS BXPC    ", 0, 2 },
		{ DMT_VB_CLOUD_HV, "CLOUDHCHVIOT  ", 0, 3 },
		{ DMT_VB_CROSVM, "CROSVMCROSVMDT", 0, 4 },
		{ DMT_VB_ACPI_TABLES, "CLOUDHCHVIOT  ", 1, 3 },
	};
	struct dmt_vector v;
	struct dmt_topo t;
	uint8_t *a;
	size_t la;
	char why[DMT_WHY_MAX];

	(void)state;
	parse_or_die("viommu v pci 0000:00:02.0\nvmm-dev 0000:00:04.0\nvmm-dev 0000:00:03.0\nvmm-hotplug 1\n", &v);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		v.enc_opts.viot_builder = want[i].b;
		assert_int_equal(dmt_encode(&v.lang.topo, DMT_FMT_VIOT, &v.enc_opts, &a, &la, why, sizeof(why)), 0);
		assert_memory_equal(a + 10, want[i].oem, 14);
		assert_int_equal(a[8], want[i].rev);
		decode_or_die(a, la, DMT_FMT_VIOT, &t, true);
		assert_int_equal(t.niommus + t.nranges, want[i].nodes);
		free(a);
		dmt_topo_free(&t);
	}
	dmt_vector_free(&v);
}

static void language_errors_name_the_line(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} bad[] = {
		{ "viommu v0 pci 0000:00:02.0\nrange v1 bdf 00:00.0..00:01.0 ep 0\n", 2, "NAME defined before" },
		{ "viommu v0 pci 0000:00:02.0\nviommu v0 mmio 0x1000\n", 2, "defined twice" },
		{ "viommu v0 pci 0000:00:02.0\nrange v0 bdf 00:00.0..00:01.0 ep 0x100000000\n", 2, "32-bit" },
		{ "bridge /p\niommu-map 0 nowhere 0 1\n", 2, "unknown NAME" },
		{ "iommus x 1\n", 1, "needs a node" },
		{ "frob\n", 1, "unknown" },
		{ "raw viot\nhex 123\n", 2, "even number" },
		{ "\n\n", 0, "no topology" },
	};
	struct dmt_vector v;
	struct dmt_lang_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		assert_int_equal(dmt_topology_parse(bad[i].text, strlen(bad[i].text), &v, &e), -1);
		assert_int_equal(e.line, bad[i].line);
		if (!strstr(e.msg, bad[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, bad[i].msg);
		dmt_vector_free(&v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(viot_roundtrip_gives_the_same_model),
		cmocka_unit_test(vtopo_roundtrip_keeps_linux_answers),
		cmocka_unit_test(dtb_roundtrip_keeps_maps),
		cmocka_unit_test(encoders_refuse_what_they_cannot_express),
		cmocka_unit_test(language_errors_name_the_line),
		cmocka_unit_test(vmm_builders_write_clean_tables),
	};
	return cmocka_run_group_tests_name("encode", tests, NULL, NULL);
}
