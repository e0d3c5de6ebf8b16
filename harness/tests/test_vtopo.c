/* The virtio-iommu built-in topology: layouts, the v2 proposal's parser rules
 * (linux profile) against the strict reading (spec profile), the v3 draft, lint
 * labels and resolution. Blobs are built with dmt_field_put on the exported layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmatopo.h"
#include "vtopo.h"

#define LINUX DMT_ACTIVE(DMT_PROFILE_LINUX)
#define SPEC DMT_ACTIVE(DMT_PROFILE_SPEC)
#define BOTH DMT_ACTIVE_ALL

/* Every VTOPO label some test expected; checked by the last test. */
static bool seen[DMT_L_COUNT];

struct run {
	struct dmt_topo t;
	struct dmt_findings f;
	int rc;
};

/* ---- blob builders ----------------------------------------------------------- */

static void v2_config(uint8_t *b, uint32_t off, uint32_t n, uint32_t il)
{
	const struct dmt_layout *l = &dmt_vtopo2_config_layout;

	dmt_field_put(l, DMT_VTOPO2_CFG_PAGE_SIZE_MASK, b, 0, 0xfffff000u);
	dmt_field_put(l, DMT_VTOPO2_CFG_INPUT_END, b, 0, UINT64_MAX);
	dmt_field_put(l, DMT_VTOPO2_CFG_DOMAIN_END, b, 0, 0xffff);
	dmt_field_put(l, DMT_VTOPO2_CFG_PROBE_SIZE, b, 0, 0x200);
	dmt_field_put(l, DMT_VTOPO2_CFG_TOPO_OFFSET, b, 0, off);
	dmt_field_put(l, DMT_VTOPO2_CFG_NUM_ITEMS, b, 0, n);
	dmt_field_put(l, DMT_VTOPO2_CFG_ITEM_LENGTH, b, 0, il);
}

static void v2_pci(uint8_t *b, uint32_t at, uint16_t hier, uint16_t s, uint16_t e, uint32_t ep)
{
	const struct dmt_layout *l = &dmt_vtopo2_pci_range_layout;

	dmt_field_put(l, DMT_VTOPO2_PCI_TYPE, b, at, DMT_VTOPO2_TYPE_PCI_RANGE);
	dmt_field_put(l, DMT_VTOPO2_PCI_HIERARCHY, b, at, hier);
	dmt_field_put(l, DMT_VTOPO2_PCI_REQUESTER_START, b, at, s);
	dmt_field_put(l, DMT_VTOPO2_PCI_REQUESTER_END, b, at, e);
	dmt_field_put(l, DMT_VTOPO2_PCI_ENDPOINT_START, b, at, ep);
}

static void v2_ep(uint8_t *b, uint32_t at, uint32_t ep, uint64_t addr)
{
	const struct dmt_layout *l = &dmt_vtopo2_endpoint_layout;

	dmt_field_put(l, DMT_VTOPO2_EP_TYPE, b, at, DMT_VTOPO2_TYPE_ENDPOINT);
	dmt_field_put(l, DMT_VTOPO2_EP_ENDPOINT, b, at, ep);
	dmt_field_put(l, DMT_VTOPO2_EP_ADDRESS, b, at, addr);
}

static void v3_config(uint8_t *b, uint16_t count, uint16_t off)
{
	const struct dmt_layout *l = &dmt_vtopo3_config_layout;

	dmt_field_put(l, DMT_VTOPO3_CFG_PAGE_SIZE_MASK, b, 0, 0xfffff000u);
	dmt_field_put(l, DMT_VTOPO3_CFG_COUNT, b, 0, count);
	dmt_field_put(l, DMT_VTOPO3_CFG_OFFSET, b, 0, off);
}

static void v3_pci(uint8_t *b, uint32_t at, uint16_t len, uint16_t seg, uint16_t s,
		   uint16_t e, uint32_t ep)
{
	const struct dmt_layout *l = &dmt_vtopo3_pci_range_layout;

	dmt_field_put(l, DMT_VTOPO3_PCI_TYPE, b, at, DMT_VTOPO3_TYPE_PCI_RANGE);
	dmt_field_put(l, DMT_VTOPO3_PCI_LENGTH, b, at, len);
	dmt_field_put(l, DMT_VTOPO3_PCI_ENDPOINT_START, b, at, ep);
	dmt_field_put(l, DMT_VTOPO3_PCI_SEGMENT, b, at, seg);
	dmt_field_put(l, DMT_VTOPO3_PCI_BDF_START, b, at, s);
	dmt_field_put(l, DMT_VTOPO3_PCI_BDF_END, b, at, e);
}

static void v3_mmio(uint8_t *b, uint32_t at, uint16_t len, uint32_t ep, uint64_t addr)
{
	const struct dmt_layout *l = &dmt_vtopo3_mmio_layout;

	dmt_field_put(l, DMT_VTOPO3_MMIO_TYPE, b, at, DMT_VTOPO3_TYPE_MMIO);
	dmt_field_put(l, DMT_VTOPO3_MMIO_LENGTH, b, at, len);
	dmt_field_put(l, DMT_VTOPO3_MMIO_ENDPOINT, b, at, ep);
	dmt_field_put(l, DMT_VTOPO3_MMIO_ADDRESS, b, at, addr);
}

/* ---- running ---------------------------------------------------------------- */

static void decode_as(struct run *r, const uint8_t *b, size_t len, unsigned version,
		      const char *iommu)
{
	struct dmt_decode_opts o = { .format = DMT_FMT_VTOPO, .vtopo_version = version };

	if (iommu) {
		struct dmt_device d;

		assert_int_equal(dmt_device_parse(iommu, &d), 0);
		o.vtopo_iommu_known = true;
		o.vtopo_iommu_segment = d.segment;
		o.vtopo_iommu_bdf = d.rid;
	}
	dmt_findings_init(&r->f);
	r->rc = dmt_decode(b, len, &o, &r->t, &r->f);
}

static void done(struct run *r)
{
	dmt_topo_free(&r->t);
	dmt_findings_free(&r->f);
}

static size_t count_label(const struct run *r, enum dmt_label l)
{
	size_t n = 0;

	for (size_t i = 0; i < r->f.count; i++)
		n += r->f.items[i].label == l;
	return n;
}

/* The first finding with label l, which must exist. */
static const struct dmt_finding *expect(struct run *r, enum dmt_label l)
{
	for (size_t i = 0; i < r->f.count; i++) {
		if (r->f.items[i].label == l) {
			seen[l] = true;
			return &r->f.items[i];
		}
	}
	fail_msg("expected finding %s", dmt_label_name(l));
	return NULL;
}

static void expect_at(struct run *r, enum dmt_label l, uint64_t off)
{
	const struct dmt_finding *fi = expect(r, l);

	assert_int_equal(fi->offset, off);
}

/* Errors of this area only: the shared range lint (ranges.c) may add its own. */
static size_t vtopo_errors(const struct run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->f.count; i++) {
		const struct dmt_label_info *in = dmt_label_info(r->f.items[i].label);

		n += in->severity == DMT_SEV_ERROR && strncmp(in->name, "VTOPO", 5) == 0;
	}
	return n;
}

static struct dmt_answer resolve(struct run *r, enum dmt_profile p, const char *dev)
{
	struct dmt_device d;
	struct dmt_answer a;

	assert_int_equal(dmt_device_parse(dev, &d), 0);
	assert_int_equal(dmt_resolve(&r->t, p, &d, &a, &r->f), 0);
	return a;
}

static void expect_id(struct run *r, enum dmt_profile p, const char *dev, uint32_t id,
		      const char *via)
{
	struct dmt_answer a = resolve(r, p, dev);

	assert_true(a.found);
	assert_int_equal(a.nids, 1);
	assert_int_equal(a.ids[0], id);
	assert_int_equal(a.iommu, 0);
	if (via)
		assert_string_equal(a.via[0], via);
}

static void expect_none(struct run *r, enum dmt_profile p, const char *dev, enum dmt_label why)
{
	struct dmt_answer a = resolve(r, p, dev);

	assert_false(a.found);
	assert_int_equal(a.nids, 0);
	assert_int_equal(a.reason, why);
	seen[why] = true;
}

/* ---- layouts ---------------------------------------------------------------- */

static void check_fields(const struct dmt_layout *l, const uint16_t *off, const uint16_t *w,
			 size_t n)
{
	assert_int_equal(l->nfields, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l->fields[i].offset, off[i]);
		assert_int_equal(l->fields[i].width, w[i]);
		assert_true(l->fields[i].offset + l->fields[i].width <= l->size);
	}
}

static void layouts_match_the_proposals(void **state)
{
	static const uint16_t c2o[] = { 0, 8, 16, 24, 28, 32, 36, 40, 44 };
	static const uint16_t c2w[] = { 8, 8, 8, 4, 4, 4, 4, 4, 4 };
	static const uint16_t p2o[] = { 0, 2, 4, 6, 8 }, p2w[] = { 2, 2, 2, 2, 4 };
	static const uint16_t e2o[] = { 0, 2, 4, 8 }, e2w[] = { 2, 2, 4, 8 };
	static const uint16_t c3o[] = { 0, 8, 16, 24, 28, 32, 36, 38 };
	static const uint16_t c3w[] = { 8, 8, 8, 4, 4, 4, 2, 2 };
	static const uint16_t p3o[] = { 0, 1, 2, 4, 8, 10, 12, 14 };
	static const uint16_t p3w[] = { 1, 1, 2, 4, 2, 2, 2, 2 };
	static const uint16_t m3o[] = { 0, 1, 2, 4, 8 }, m3w[] = { 1, 1, 2, 4, 8 };

	(void)state;
	assert_int_equal(dmt_vtopo2_config_layout.size, 48);
	check_fields(&dmt_vtopo2_config_layout, c2o, c2w, 9);
	assert_int_equal(dmt_vtopo2_pci_range_layout.size, 12);
	check_fields(&dmt_vtopo2_pci_range_layout, p2o, p2w, 5);
	assert_int_equal(dmt_vtopo2_endpoint_layout.size, 16);
	check_fields(&dmt_vtopo2_endpoint_layout, e2o, e2w, 4);
	assert_int_equal(dmt_vtopo2_endpoint_layout.fields[DMT_VTOPO2_EP_RESERVED].kind,
			 DMT_F_RESERVED);
	assert_int_equal(dmt_vtopo3_config_layout.size, 40);
	check_fields(&dmt_vtopo3_config_layout, c3o, c3w, 8);
	assert_int_equal(dmt_vtopo3_pci_range_layout.size, 16);
	check_fields(&dmt_vtopo3_pci_range_layout, p3o, p3w, 8);
	assert_int_equal(dmt_vtopo3_mmio_layout.size, 16);
	check_fields(&dmt_vtopo3_mmio_layout, m3o, m3w, 5);
	assert_ptr_equal(dmt_vtopo_item_layout(2, 1), &dmt_vtopo2_pci_range_layout);
	assert_ptr_equal(dmt_vtopo_item_layout(2, 2), &dmt_vtopo2_endpoint_layout);
	assert_ptr_equal(dmt_vtopo_item_layout(3, 1), &dmt_vtopo3_pci_range_layout);
	assert_ptr_equal(dmt_vtopo_item_layout(3, 2), &dmt_vtopo3_mmio_layout);
	assert_null(dmt_vtopo_item_layout(2, 3));
	assert_null(dmt_vtopo_item_layout(4, 1));
	assert_ptr_equal(dmt_vtopo_config_layout(3), &dmt_vtopo3_config_layout);
	assert_null(dmt_vtopo_config_layout(1));
}

/* ---- v2 ------------------------------------------------------------------- */

/* FACTS §2: endpoint = requester_id - requester_start + endpoint_start,
 * hierarchy = PCI domain. */
static void v2_facts_example(void **state)
{
	uint8_t b[256] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 16);
	v2_pci(b, 48, 0, 0x100, 0x1ff, 0x1000);
	v2_pci(b, 64, 1, 0x0000, 0xffff, 0x20000);
	decode_as(&r, b, 80, 2, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.t.format, DMT_FMT_VTOPO);
	assert_int_equal(r.t.vtopo_version, 2);
	assert_int_equal(r.t.niommus, 1);
	assert_int_equal(r.t.iommus[0].kind, DMT_IOMMU_VIRTIO_PCI);
	assert_false(r.t.iommus[0].bdf_known);
	assert_string_equal(r.t.iommus[0].name, "vtopo-device");
	assert_int_equal(r.t.nranges, 2);
	assert_int_equal(r.t.ranges[1].seg_start, 1);
	assert_int_equal(r.t.ranges[1].seg_end, 1);
	assert_int_equal(r.t.ranges[1].ordinal, 1);
	assert_int_equal(r.t.ranges[1].src_offset, 64);
	for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
		expect_id(&r, p, "0000:01:02.3", 0x1013, "vtopo-item#0@0x30");
		expect_id(&r, p, "0001:00:02.0", 0x20010, "vtopo-item#1@0x40");
		expect_none(&r, p, "0002:00:02.0", DMT_L_NoTranslation);
		expect_none(&r, p, "0000:02:00.0", DMT_L_NoTranslation);
	}
	assert_int_equal(vtopo_errors(&r), 0);
	done(&r);
}

static void v2_structs_noted_in_order(void **state)
{
	uint8_t b[256] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 3, 16);
	v2_pci(b, 48, 0, 0, 0xff, 0);
	v2_ep(b, 64, 5, 0x10000);
	dmt_field_put(&dmt_vtopo2_item_layout, DMT_VTOPO2_ITEM_TYPE, b, 80, 9);
	decode_as(&r, b, 96, 2, NULL);
	assert_int_equal(r.t.nstructs, 4);
	assert_ptr_equal(r.t.structs[0].layout, &dmt_vtopo2_config_layout);
	assert_int_equal(r.t.structs[0].length, 48);
	assert_ptr_equal(r.t.structs[1].layout, &dmt_vtopo2_pci_range_layout);
	assert_int_equal(r.t.structs[1].offset, 48);
	assert_int_equal(r.t.structs[1].length, 12);
	assert_ptr_equal(r.t.structs[2].layout, &dmt_vtopo2_endpoint_layout);
	assert_int_equal(r.t.structs[2].offset, 64);
	assert_ptr_equal(r.t.structs[3].layout, &dmt_vtopo2_item_layout);
	expect_at(&r, DMT_L_VTOPOItemTypeUnknown, 80);
	done(&r);
}

static void v2_iommu_known_never_translates_itself(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 1, 12);
	v2_pci(b, 48, 0, 0, 0xffff, 0);
	decode_as(&r, b, 60, 2, "0000:00:02.0");
	assert_true(r.t.iommus[0].bdf_known);
	assert_int_equal(r.t.iommus[0].bdf, 0x10);
	assert_string_equal(r.t.iommus[0].name, "virtio-pci@0000:00:02.0");
	for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
		expect_none(&r, p, "0000:00:02.0", DMT_L_IommuIsSelf);
		expect_id(&r, p, "0000:00:03.0", 0x18, NULL);
	}
	done(&r);
	/* Without --iommu the blob cannot tell which device is the IOMMU. */
	decode_as(&r, b, 60, 2, NULL);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:02.0", 0x10, NULL);
	done(&r);
}

/* viommu_parse_topology returns early when any of the three fields is zero. */
static void v2_zero_field_ignores_table(void **state)
{
	static const uint32_t cfg[][3] = { { 0, 1, 12 }, { 48, 0, 12 }, { 48, 1, 0 } };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint8_t b[128] = { 0 };
		struct run r;

		v2_config(b, cfg[i][0], cfg[i][1], cfg[i][2]);
		v2_pci(b, 48, 0, 0, 0xffff, 0);
		decode_as(&r, b, 64, 2, NULL);
		assert_int_equal(r.rc, 0);
		expect_at(&r, DMT_L_VTOPOTopologyAbsent, 36);
		assert_int_equal(r.t.nranges, 0);
		assert_int_equal(r.t.nstructs, 1);
		expect_none(&r, DMT_PROFILE_LINUX, "0000:00:03.0", DMT_L_NoTranslation);
		expect_none(&r, DMT_PROFILE_SPEC, "0000:00:03.0", DMT_L_NoTranslation);
		done(&r);
	}
}

/* item_length 12: a whole PCI range, but an endpoint item loses the upper half
 * of its address (Linux copies 12 bytes into a zeroed slot). */
static void v2_item_length_12(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 12);
	v2_pci(b, 48, 0, 0, 0xff, 0x100);
	v2_ep(b, 60, 5, 0x123456789abcdef0ull);
	decode_as(&r, b, 72, 2, NULL);
	assert_int_equal(r.t.nranges, 1);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.nmmio, 1);
	assert_int_equal(r.t.mmio[0].base, 0x9abcdef0u);
	assert_int_equal(r.t.mmio[0].endpoint, 5);
	assert_int_equal(r.t.mmio[0].active, LINUX);
	expect_at(&r, DMT_L_VTOPOItemTooShort, 60);
	assert_int_equal(count_label(&r, DMT_L_VTOPOItemsPastEnd), 0);
	expect_id(&r, DMT_PROFILE_SPEC, "0000:00:03.0", 0x118, NULL);
	done(&r);
}

static void v2_item_length_16_and_endpoints(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 16);
	v2_pci(b, 48, 0, 0, 0xff, 0x100);
	v2_ep(b, 64, 5, 0x123456789abcdef0ull);
	decode_as(&r, b, 80, 2, NULL);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.mmio[0].active, BOTH);
	assert_int_equal(r.t.mmio[0].base, 0x123456789abcdef0ull);
	assert_int_equal(vtopo_errors(&r), 0);
	/* v2 Linux: "At the moment we don't support platform devices". */
	expect_none(&r, DMT_PROFILE_LINUX, "mmio:0x123456789abcdef0",
		    DMT_L_VTOPOPlatformUnsupported);
	expect_id(&r, DMT_PROFILE_SPEC, "mmio:0x123456789abcdef0", 5, "vtopo-item#1@0x40");
	expect_none(&r, DMT_PROFILE_SPEC, "mmio:0x1000", DMT_L_NoTranslation);
	expect_none(&r, DMT_PROFILE_LINUX, "/soc/dev@0", DMT_L_DeviceKindMismatch);
	expect_none(&r, DMT_PROFILE_SPEC, "/soc/dev@0", DMT_L_DeviceKindMismatch);
	done(&r);
}

/* item_length 20: Linux copies 16 bytes, steps by 20; both profiles agree. */
static void v2_item_length_20(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 20);
	v2_pci(b, 48, 0, 0x00, 0x0f, 0x100);
	v2_pci(b, 68, 0, 0x10, 0x1f, 0x200);
	decode_as(&r, b, 88, 2, NULL);
	assert_int_equal(r.t.nranges, 2);
	assert_int_equal(r.t.ranges[1].src_offset, 68);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.ranges[1].active, BOTH);
	assert_int_equal(vtopo_errors(&r), 0);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:02.0", 0x200, "vtopo-item#1@0x44");
	done(&r);
}

/* item_length 18: the copy (16) is a multiple of 4 so Linux keeps every item,
 * but the second starts at 66: unaligned for the spec profile. */
static void v2_item_length_18(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 18);
	v2_pci(b, 48, 0, 0x00, 0x0f, 0x100);
	v2_pci(b, 66, 0, 0x10, 0x1f, 0x200);
	decode_as(&r, b, 84, 2, NULL);
	expect_at(&r, DMT_L_VTOPOItemLengthUnaligned, 44);
	assert_int_equal(count_label(&r, DMT_L_VTOPOItemCopyDropped), 0);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.ranges[1].active, LINUX);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:02.0", 0x200, NULL);
	expect_none(&r, DMT_PROFILE_SPEC, "0000:00:02.0", DMT_L_NoTranslation);
	done(&r);
}

/* item_length 14: viommu_ccopy refuses 14 bytes, every slot stays zero (type 0). */
static void v2_item_length_14_dropped_by_linux(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 14);
	v2_pci(b, 48, 0, 0x00, 0x0f, 0x100);
	v2_pci(b, 62, 0, 0x10, 0x1f, 0x200);
	decode_as(&r, b, 76, 2, NULL);
	expect_at(&r, DMT_L_VTOPOItemCopyDropped, 44);
	expect(&r, DMT_L_VTOPOItemLengthUnaligned);
	assert_int_equal(r.t.nranges, 2);
	assert_int_equal(r.t.ranges[0].active, SPEC);
	assert_int_equal(r.t.ranges[1].active, 0);
	expect_none(&r, DMT_PROFILE_LINUX, "0000:00:01.0", DMT_L_NoTranslation);
	expect_id(&r, DMT_PROFILE_SPEC, "0000:00:01.0", 0x108, NULL);
	done(&r);
}

/* item_length 8: Linux reads type..requester_end; endpoint_start stays zero. */
static void v2_item_length_8_zero_fills(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 1, 8);
	v2_pci(b, 48, 0, 0x10, 0xff, 0x500);
	decode_as(&r, b, 60, 2, NULL);
	assert_int_equal(r.t.nranges, 1);
	assert_int_equal(r.t.ranges[0].endpoint_start, 0);
	assert_int_equal(r.t.ranges[0].active, LINUX);
	expect_at(&r, DMT_L_VTOPOItemTooShort, 48);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:03.0", 0x08, NULL);
	expect_none(&r, DMT_PROFILE_SPEC, "0000:00:03.0", DMT_L_NoTranslation);
	done(&r);
}

static void v2_blob_shorter_than_config(void **state)
{
	uint8_t b[64] = { 0 };
	static const size_t lens[] = { 1, 35, 36, 47 };

	(void)state;
	v2_config(b, 48, 1, 12);
	for (size_t i = 0; i < 4; i++) {
		struct run r;

		decode_as(&r, b, lens[i], 2, NULL);
		assert_int_equal(r.rc, -1);
		expect_at(&r, DMT_L_VTOPOBlobTooShort, 0);
		assert_int_equal(r.t.nranges, 0);
		assert_true(r.t.nstructs == 1 && r.t.structs[0].length == lens[i]);
		done(&r);
	}
}

static void v2_items_past_end_keep_earlier_ones(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 3, 16);
	v2_pci(b, 48, 0, 0, 0xff, 0);
	v2_pci(b, 64, 0, 0x100, 0x1ff, 0);
	decode_as(&r, b, 72, 2, NULL);
	expect_at(&r, DMT_L_VTOPOItemsPastEnd, 64);
	assert_int_equal(r.t.nranges, 1);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	done(&r);
}

static void v2_offset_inside_config(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 16, 1, 12);
	v2_pci(b, 16, 0, 0, 0xff, 0x40);
	decode_as(&r, b, 48, 2, NULL);
	expect_at(&r, DMT_L_VTOPOOffsetInConfig, 36);
	assert_int_equal(count_label(&r, DMT_L_VTOPOOffsetInConfig), 1);
	assert_int_equal(r.t.nranges, 1);
	assert_int_equal(r.t.ranges[0].active, LINUX);
	done(&r);
}

static void v2_offset_past_end(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 0x1000, 1, 12);
	decode_as(&r, b, 64, 2, NULL);
	assert_int_equal(r.rc, 0);
	expect_at(&r, DMT_L_VTOPOOffsetPastEnd, 36);
	assert_int_equal(r.t.nranges, 0);
	done(&r);
}

static void v2_offset_unaligned(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 50, 1, 12);
	v2_pci(b, 50, 0, 0, 0xff, 0);
	decode_as(&r, b, 62, 2, NULL);
	expect_at(&r, DMT_L_VTOPOOffsetUnaligned, 36);
	assert_int_equal(r.t.ranges[0].active, LINUX);
	done(&r);
}

static void v2_item_lint(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 3, 16);
	v2_pci(b, 48, 0, 0x20, 0x10, 0);
	v2_ep(b, 64, 1, 0x1000);
	dmt_field_put(&dmt_vtopo2_endpoint_layout, DMT_VTOPO2_EP_RESERVED, b, 64, 0x100);
	dmt_field_put(&dmt_vtopo2_item_layout, DMT_VTOPO2_ITEM_TYPE, b, 80, 3);
	decode_as(&r, b, 96, 2, NULL);
	expect_at(&r, DMT_L_VTOPORequesterReversed, 54);
	expect_at(&r, DMT_L_VTOPOReservedNonZero, 67);
	expect_at(&r, DMT_L_VTOPOItemTypeUnknown, 80);
	expect_none(&r, DMT_PROFILE_LINUX, "0000:00:03.0", DMT_L_NoTranslation);
	expect_none(&r, DMT_PROFILE_SPEC, "0000:00:03.0", DMT_L_NoTranslation);
	/* A reserved byte does not stop either profile using the item. */
	assert_int_equal(r.t.mmio[0].active, BOTH);
	done(&r);
}

/* The proposal allocates 48 + num_items * 16 bytes up front: past 4 MiB kzalloc
 * fails and the table is dropped; on 32-bit the size wraps. We allocate nothing
 * from num_items and stop at the blob's end. */
static void v2_num_items_allocation(void **state)
{
	static const struct {
		uint32_t n;
		bool too_large, overflow32;
	} cases[] = {
		{ 262141, false, false }, { 262142, true, false },
		{ 0x0ffffffe, true, false }, { 0x0fffffff, true, true }, { UINT32_MAX, true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[128] = { 0 };
		struct run r;

		v2_config(b, 48, cases[i].n, 16);
		v2_pci(b, 48, 0, 0, 0xff, 0);
		v2_pci(b, 64, 0, 0x100, 0x1ff, 0);
		decode_as(&r, b, 80, 2, NULL);
		assert_int_equal(count_label(&r, DMT_L_VTOPOAllocTooLarge), cases[i].too_large);
		assert_int_equal(count_label(&r, DMT_L_VTOPOAllocOverflow32), cases[i].overflow32);
		if (cases[i].too_large)
			expect_at(&r, DMT_L_VTOPOAllocTooLarge, 40);
		if (cases[i].overflow32)
			expect_at(&r, DMT_L_VTOPOAllocOverflow32, 40);
		expect_at(&r, DMT_L_VTOPOItemsPastEnd, 80);
		assert_int_equal(r.t.nranges, 2);
		assert_int_equal(r.t.ranges[1].active, cases[i].too_large ? SPEC : BOTH);
		done(&r);
	}
}

/* item_length 0xfffffff0 is -16 in u32: the proposal walks backwards. */
static void v2_offset_wraps(void **state)
{
	uint8_t b[256] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 0x80, 3, 0xfffffff0u);
	v2_pci(b, 0x80, 0, 0x00, 0x0f, 0x100);
	v2_pci(b, 0x70, 0, 0x10, 0x1f, 0x200);
	v2_pci(b, 0x60, 0, 0x20, 0x2f, 0x300);
	decode_as(&r, b, 0x90, 2, NULL);
	expect_at(&r, DMT_L_VTOPOTableWrap, 40);
	assert_int_equal(r.t.nranges, 3);
	assert_int_equal(r.t.ranges[1].src_offset, 0x70);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.ranges[1].active, LINUX);
	assert_int_equal(r.t.ranges[2].active, LINUX);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:02.0", 0x200, "vtopo-item#1@0x70");
	expect_none(&r, DMT_PROFILE_SPEC, "0000:00:02.0", DMT_L_NoTranslation);
	done(&r);
}

static void v2_walk_bounded_by_model(void **state)
{
	const uint32_t n = DMT_MAX_ITEMS + 1000;
	size_t len = 48 + (size_t)n * 4;
	uint8_t *b = calloc(1, len);
	struct run r;

	(void)state;
	assert_non_null(b);
	v2_config(b, 48, n, 4);
	for (uint32_t i = 0; i < n; i++)
		b[48 + i * 4] = 9;
	decode_as(&r, b, len, 2, NULL);
	expect_at(&r, DMT_L_ModelLimit, 40);
	assert_true(r.f.dropped > 0);
	assert_int_equal(r.t.nranges, 0);
	done(&r);
	free(b);
}

static void linux_first_match_spec_ambiguous(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;
	struct dmt_answer a;

	(void)state;
	v2_config(b, 48, 2, 12);
	v2_pci(b, 48, 0, 0x00, 0xff, 0x1000);
	v2_pci(b, 60, 0, 0x10, 0x1f, 0x2000);
	decode_as(&r, b, 72, 2, NULL);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:03.0", 0x1018, "vtopo-item#0@0x30");
	a = resolve(&r, DMT_PROFILE_SPEC, "0000:00:03.0");
	assert_false(a.found);
	assert_int_equal(a.reason, DMT_L_AmbiguousMatch);
	expect_at(&r, DMT_L_AmbiguousMatch, 60);
	expect_id(&r, DMT_PROFILE_SPEC, "0000:00:06.0", 0x1030, NULL);
	done(&r);
}

static void spec_ambiguous_mmio(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 2, 16);
	v2_ep(b, 48, 1, 0x1000);
	v2_ep(b, 64, 2, 0x1000);
	decode_as(&r, b, 80, 2, NULL);
	expect_none(&r, DMT_PROFILE_SPEC, "mmio:0x1000", DMT_L_AmbiguousMatch);
	expect_at(&r, DMT_L_AmbiguousMatch, 64);
	expect_none(&r, DMT_PROFILE_LINUX, "mmio:0x1000", DMT_L_VTOPOPlatformUnsupported);
	done(&r);
}

/* The proposal uses pci_dev_id(pdev) only: DMA aliases are never looked up. */
static void dma_aliases_not_walked(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 1, 12);
	v2_pci(b, 48, 0, 0x200, 0x200, 0x7000);
	decode_as(&r, b, 60, 2, NULL);
	for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
		expect_none(&r, p, "0000:02:03.0+02:00.0", DMT_L_NoTranslation);
		expect_id(&r, p, "0000:02:00.0", 0x7000, NULL);
	}
	done(&r);
}

static void endpoint_arithmetic_wraps_u32(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v2_config(b, 48, 1, 12);
	v2_pci(b, 48, 0, 0x10, 0xff, 0xfffffff8u);
	decode_as(&r, b, 60, 2, NULL);
	expect_id(&r, DMT_PROFILE_LINUX, "0000:00:03.0", 0, NULL);
	/* The strict reading gives no ID past the 32-bit endpoint space. */
	expect_none(&r, DMT_PROFILE_SPEC, "0000:00:04.0", DMT_L_EndpointIdWrap);
	expect_id(&r, DMT_PROFILE_SPEC, "0000:00:02.0", 0xfffffff8u, NULL);
	done(&r);
}

static void version_unknown_refused(void **state)
{
	uint8_t b[64] = { 0 };
	struct run r;

	(void)state;
	decode_as(&r, b, sizeof(b), 4, NULL);
	assert_int_equal(r.rc, -1);
	expect(&r, DMT_L_VTOPOVersionUnknown);
	done(&r);
}

/* ---- v3 ------------------------------------------------------------------- */

static size_t v3_sample(uint8_t *b)
{
	v3_config(b, 2, 40);
	v3_pci(b, 40, 16, 0, 0, 0xffff, 0);
	v3_mmio(b, 56, 16, 7, 0x10000);
	return 72;
}

static void v3_decode_and_resolve(void **state)
{
	uint8_t b[128] = { 0 };
	size_t len = v3_sample(b);
	struct run r;

	(void)state;
	decode_as(&r, b, len, 3, "0000:00:01.0");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.t.vtopo_version, 3);
	assert_int_equal(vtopo_errors(&r), 0);
	assert_int_equal(r.t.nstructs, 3);
	assert_ptr_equal(r.t.structs[0].layout, &dmt_vtopo3_config_layout);
	assert_ptr_equal(r.t.structs[1].layout, &dmt_vtopo3_pci_range_layout);
	assert_ptr_equal(r.t.structs[2].layout, &dmt_vtopo3_mmio_layout);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.mmio[0].active, BOTH);
	for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
		expect_id(&r, p, "0000:00:03.0", 0x18, "vtopo-item#0@0x28");
		/* The v3 helpers match platform devices by their first MEM resource. */
		expect_id(&r, p, "mmio:0x10000", 7, "vtopo-item#1@0x38");
		expect_none(&r, p, "0000:00:01.0", DMT_L_IommuIsSelf);
	}
	done(&r);
}

static void version_detection(void **state)
{
	uint8_t b3[128] = { 0 }, b2[128] = { 0 };
	size_t len3 = v3_sample(b3);
	struct run r;

	(void)state;
	decode_as(&r, b3, len3, 0, NULL);
	expect(&r, DMT_L_VTOPOVersionGuessed);
	assert_int_equal(r.t.vtopo_version, 3);
	assert_int_equal(r.t.nmmio, 1);
	done(&r);
	v2_config(b2, 48, 1, 12);
	v2_pci(b2, 48, 0, 0, 0xff, 0);
	decode_as(&r, b2, 60, 0, NULL);
	expect(&r, DMT_L_VTOPOVersionGuessed);
	assert_int_equal(r.t.vtopo_version, 2);
	assert_int_equal(r.t.nranges, 1);
	done(&r);
	/* Neither fits: the default is v2. */
	decode_as(&r, b2, 30, 0, NULL);
	assert_int_equal(r.t.vtopo_version, 2);
	done(&r);
}

/* -EINVAL from a short known item discards the whole topology in v3 Linux. */
static void v3_short_item_discards_table(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v3_config(b, 2, 40);
	v3_pci(b, 40, 8, 0, 0, 0xffff, 0);
	v3_mmio(b, 48, 16, 7, 0x10000);
	decode_as(&r, b, 64, 3, NULL);
	expect_at(&r, DMT_L_VTOPOItemTooShort, 42);
	expect_at(&r, DMT_L_VTOPOTableDiscarded, 36);
	assert_int_equal(r.t.nranges, 0);
	assert_int_equal(r.t.mmio[0].active, SPEC);
	expect_none(&r, DMT_PROFILE_LINUX, "mmio:0x10000", DMT_L_NoTranslation);
	expect_id(&r, DMT_PROFILE_SPEC, "mmio:0x10000", 7, NULL);
	done(&r);
}

static void v3_past_end_discards_table(void **state)
{
	uint8_t b[128] = { 0 };
	size_t len = v3_sample(b);
	struct run r;

	(void)state;
	v3_config(b, 3, 40);
	decode_as(&r, b, len, 3, NULL);
	expect_at(&r, DMT_L_VTOPOItemsPastEnd, 72);
	expect(&r, DMT_L_VTOPOTableDiscarded);
	assert_int_equal(r.t.ranges[0].active, SPEC);
	done(&r);
	/* An item whose length runs past the end. */
	v3_config(b, 2, 40);
	v3_mmio(b, 56, 24, 7, 0x10000);
	decode_as(&r, b, len, 3, NULL);
	expect_at(&r, DMT_L_VTOPOItemsPastEnd, 56);
	assert_int_equal(r.t.nmmio, 0);
	done(&r);
}

static void v3_zero_length_unknown_stops(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v3_config(b, 3, 40);
	b[40] = 9;	/* type 9, length 0 */
	decode_as(&r, b, 72, 3, NULL);
	expect_at(&r, DMT_L_VTOPOItemTypeUnknown, 40);
	expect_at(&r, DMT_L_VTOPOItemTooShort, 42);
	assert_int_equal(count_label(&r, DMT_L_VTOPOItemTypeUnknown), 1);
	assert_int_equal(count_label(&r, DMT_L_VTOPOTableDiscarded), 0);
	done(&r);
}

static void v3_alignment(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v3_config(b, 1, 44);
	v3_pci(b, 44, 16, 0, 0, 0xff, 0);
	decode_as(&r, b, 60, 3, NULL);
	expect_at(&r, DMT_L_VTOPOOffsetUnaligned, 38);
	assert_int_equal(r.t.ranges[0].active, LINUX);
	done(&r);
	memset(b, 0, sizeof(b));
	v3_config(b, 2, 40);
	v3_pci(b, 40, 20, 0, 0, 0x0f, 0);
	v3_pci(b, 60, 16, 0, 0x10, 0x1f, 0);
	decode_as(&r, b, 76, 3, NULL);
	expect_at(&r, DMT_L_VTOPOItemLengthUnaligned, 42);
	expect_at(&r, DMT_L_VTOPOOffsetUnaligned, 60);
	assert_int_equal(r.t.ranges[0].active, BOTH);
	assert_int_equal(r.t.ranges[1].active, LINUX);
	done(&r);
}

static void v3_item_lint(void **state)
{
	uint8_t b[128] = { 0 };
	struct run r;

	(void)state;
	v3_config(b, 2, 40);
	v3_pci(b, 40, 16, 0, 0x20, 0x10, 0);
	dmt_field_put(&dmt_vtopo3_pci_range_layout, DMT_VTOPO3_PCI_PADDING, b, 40, 1);
	v3_mmio(b, 56, 16, 7, 0x10000);
	dmt_field_put(&dmt_vtopo3_mmio_layout, DMT_VTOPO3_MMIO_RESERVED, b, 56, 1);
	decode_as(&r, b, 72, 3, NULL);
	expect_at(&r, DMT_L_VTOPORequesterReversed, 52);
	expect_at(&r, DMT_L_VTOPOReservedNonZero, 54);
	assert_int_equal(count_label(&r, DMT_L_VTOPOReservedNonZero), 2);
	done(&r);
}

static void v3_config_edges(void **state)
{
	uint8_t b[128] = { 0 };
	size_t len = v3_sample(b);
	struct run r;

	(void)state;
	v3_config(b, 0, 40);
	decode_as(&r, b, len, 3, NULL);
	expect_at(&r, DMT_L_VTOPOTopologyAbsent, 36);
	assert_int_equal(r.t.nranges, 0);
	done(&r);
	v3_config(b, 2, 0x100);
	decode_as(&r, b, len, 3, NULL);
	expect_at(&r, DMT_L_VTOPOOffsetPastEnd, 38);
	expect(&r, DMT_L_VTOPOTableDiscarded);
	done(&r);
	v3_config(b, 1, 8);
	decode_as(&r, b, len, 3, NULL);
	expect_at(&r, DMT_L_VTOPOOffsetInConfig, 38);
	done(&r);
	decode_as(&r, b, 39, 3, NULL);
	assert_int_equal(r.rc, -1);
	expect_at(&r, DMT_L_VTOPOBlobTooShort, 0);
	done(&r);
}

/* ---- robustness --------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Plant a plausible table (header and items with known types, small RIDs in
 * segment 0), then corrupt a few bytes, so the walk and the resolver are reached. */
static void plant_v2(uint8_t *b, size_t len)
{
	uint32_t off = 48 + 4 * (uint32_t)(rnd() % 4), il = 4 + (uint32_t)(rnd() % 20);
	uint32_t n = (uint32_t)(rnd() % 6);

	v2_config(b, off, n, il);
	for (uint32_t i = 0; i < n && off + 16 <= len; i++, off += il) {
		if (rnd() % 3)
			v2_pci(b, off, 0, (uint16_t)(rnd() % 0x20), (uint16_t)(rnd() % 0x40),
			       (uint32_t)rnd());
		else
			v2_ep(b, off, (uint32_t)rnd(), rnd() % 2 ? 0x10000 : 0);
	}
	/* Sometimes lie wildly: huge counts, wrapping strides. */
	if (rnd() % 4 == 0)
		v2_config(b, (uint32_t)(rnd() % len), (uint32_t)rnd(), (uint32_t)rnd());
}

static void plant_v3(uint8_t *b, size_t len)
{
	uint32_t off = 40 + 4 * (uint32_t)(rnd() % 3);
	uint16_t n = (uint16_t)(rnd() % 6);

	v3_config(b, n, (uint16_t)off);
	for (uint16_t i = 0; i < n && off + 16 <= len; i++) {
		uint16_t il = (uint16_t)(rnd() % 4 ? 16 : rnd() % 24);

		if (rnd() % 3)
			v3_pci(b, off, il, 0, (uint16_t)(rnd() % 0x20), (uint16_t)(rnd() % 0x40),
			       (uint32_t)rnd());
		else
			v3_mmio(b, off, il, (uint32_t)rnd(), rnd() % 2 ? 0x10000 : 0);
		off += il;
	}
}

static void plant(uint8_t *b, size_t len, unsigned version)
{
	if (version == 3 && len >= 40)
		plant_v3(b, len);
	else if (version == 2 && len >= 48)
		plant_v2(b, len);
	for (unsigned k = rnd() % 3; k > 0 && len; k--)
		b[rnd() % len] = (uint8_t)rnd();
}

static void check_model(const struct run *r, size_t len)
{
	for (size_t i = 0; i < r->t.nranges; i++) {
		assert_true(r->t.ranges[i].src_offset < len);
		assert_int_equal(r->t.ranges[i].active & ~BOTH, 0);
		assert_int_equal(r->t.ranges[i].seg_start, r->t.ranges[i].seg_end);
	}
	for (size_t i = 0; i < r->t.nmmio; i++)
		assert_true(r->t.mmio[i].src_offset < len);
	for (size_t i = 0; i < r->t.nstructs; i++)
		assert_true(r->t.structs[i].offset + r->t.structs[i].length <= len);
	assert_true(r->f.count <= DMT_FINDINGS_MAX);
}

static void random_buffers_smoke(void **state)
{
	static const char *devs[] = { "0000:00:00.0", "0000:00:03.0", "0001:ff:1f.7",
				      "mmio:0x0", "mmio:0x10000", "/x" };
	unsigned decoded = 0, answered = 0;

	(void)state;
	for (unsigned iter = 0; iter < 6000; iter++) {
		size_t len = (size_t)(rnd() % 200);
		uint8_t *b = malloc(len ? len : 1);
		unsigned version = iter % 3 == 0 ? 0 : 2 + iter % 2;
		struct run r;

		assert_non_null(b);
		for (size_t i = 0; i < len; i++)
			b[i] = (uint8_t)(rnd() >> 24);
		if (iter % 4)
			plant(b, len, version ? version : 2 + iter % 2);
		decode_as(&r, b, len, version, iter % 5 ? NULL : "0000:00:03.0");
		assert_true(r.rc == 0 || r.rc == -1);
		check_model(&r, len);
		decoded += r.t.nranges + r.t.nmmio > 0;
		for (size_t d = 0; d < sizeof(devs) / sizeof(devs[0]); d++) {
			for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
				struct dmt_answer a = resolve(&r, p, devs[d]);

				assert_true(!a.found || (a.nids == 1 && a.iommu == 0));
				assert_true(a.found || a.reason != DMT_L_NONE);
				answered += a.found;
			}
		}
		done(&r);
		free(b);
	}
	/* The smoke must reach the item walk and the resolver, not just the header checks. */
	assert_true(decoded > 1000);
	assert_true(answered > 1000);
}

/* Every VTOPO label is documented and was expected by some test above. */
static void every_label_tested(void **state)
{
	(void)state;
	for (unsigned l = 1; l < DMT_L_COUNT; l++) {
		const struct dmt_label_info *in = dmt_label_info((enum dmt_label)l);

		if (strncmp(in->name, "VTOPO", 5) != 0)
			continue;
		assert_true(in->clause[0] && in->summary[0]);
		if (!seen[l])
			fail_msg("label %s is not tested", in->name);
	}
	assert_true(seen[DMT_L_AmbiguousMatch] && seen[DMT_L_IommuIsSelf] &&
		    seen[DMT_L_DeviceKindMismatch] && seen[DMT_L_NoTranslation]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layouts_match_the_proposals),
		cmocka_unit_test(v2_facts_example),
		cmocka_unit_test(v2_structs_noted_in_order),
		cmocka_unit_test(v2_iommu_known_never_translates_itself),
		cmocka_unit_test(v2_zero_field_ignores_table),
		cmocka_unit_test(v2_item_length_12),
		cmocka_unit_test(v2_item_length_16_and_endpoints),
		cmocka_unit_test(v2_item_length_20),
		cmocka_unit_test(v2_item_length_18),
		cmocka_unit_test(v2_item_length_14_dropped_by_linux),
		cmocka_unit_test(v2_item_length_8_zero_fills),
		cmocka_unit_test(v2_blob_shorter_than_config),
		cmocka_unit_test(v2_items_past_end_keep_earlier_ones),
		cmocka_unit_test(v2_offset_inside_config),
		cmocka_unit_test(v2_offset_past_end),
		cmocka_unit_test(v2_offset_unaligned),
		cmocka_unit_test(v2_item_lint),
		cmocka_unit_test(v2_num_items_allocation),
		cmocka_unit_test(v2_offset_wraps),
		cmocka_unit_test(v2_walk_bounded_by_model),
		cmocka_unit_test(linux_first_match_spec_ambiguous),
		cmocka_unit_test(spec_ambiguous_mmio),
		cmocka_unit_test(dma_aliases_not_walked),
		cmocka_unit_test(endpoint_arithmetic_wraps_u32),
		cmocka_unit_test(version_unknown_refused),
		cmocka_unit_test(v3_decode_and_resolve),
		cmocka_unit_test(version_detection),
		cmocka_unit_test(v3_short_item_discards_table),
		cmocka_unit_test(v3_past_end_discards_table),
		cmocka_unit_test(v3_zero_length_unknown_stops),
		cmocka_unit_test(v3_alignment),
		cmocka_unit_test(v3_item_lint),
		cmocka_unit_test(v3_config_edges),
		cmocka_unit_test(random_buffers_smoke),
		cmocka_unit_test(every_label_tested),
	};

	return cmocka_run_group_tests_name("vtopo", tests, NULL, NULL);
}
