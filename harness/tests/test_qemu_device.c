/* The device side (issue 14): the virtio-iommu device model's profiles
 * (reference/qemu_device.c), QEMU's trace lines, the replay's judgement of QEMU
 * against the model per device, the end-to-end state, and the known end-to-end list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmatopo.h"
#include "qemu_device.h"
#include "replay.h"
#include "replay_obs_build.h"
#include "vector.h"

/* ---- the model ----------------------------------------------------------- */

static struct dmt_qdev_machine *machine(enum dmt_qdev_profile p, const uint16_t *rids, size_t n)
{
	struct dmt_qdev_machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	dmt_qdev_init(m, p);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dmt_qdev_register(m, rids[i]), 0);
	return m;
}

static void test_names(void **state)
{
	enum dmt_qdev_profile p;

	(void)state;
	assert_int_equal(dmt_qdev_profile_parse("qemu-7.2", &p), 0);
	assert_int_equal(p, DMT_QDEV_QEMU_7_2);
	assert_int_equal(dmt_qdev_profile_parse("spec", &p), 0);
	assert_int_equal(p, DMT_QDEV_SPEC);
	assert_int_equal(dmt_qdev_profile_parse("qemu-8.0", &p), -1);
	assert_string_equal(dmt_qdev_profile_name(DMT_QDEV_QEMU_7_2), "qemu-7.2");
	assert_string_equal(dmt_qdev_status_name(DMT_QDEV_NOENT), "NOENT");
	assert_string_equal(dmt_qdev_status_name(DMT_QDEV_NOT_SENT), "not sent");
	assert_string_equal(dmt_e2e_name(DMT_E2E_BROKEN), "broken");
}

/* Endpoint = RID: PROBE the first ID, ATTACH each; translated. */
static void test_rid(void **state)
{
	static const uint16_t rids[] = { 0x0, 0x10, 0x18 };
	struct dmt_qdev_machine *m = machine(DMT_QDEV_QEMU_7_2, rids, 3);
	struct dmt_qdev_answer a;
	uint32_t id = 0x18;

	(void)state;
	dmt_qdev_answer(m, &id, 1, 0x18, NULL, 0, &a);
	assert_int_equal(a.nreq, 2);
	assert_int_equal(a.req[0].type, DMT_QDEV_PROBE);
	assert_int_equal(a.req[0].status, DMT_QDEV_OK);
	assert_int_equal(a.req[1].type, DMT_QDEV_ATTACH);
	assert_int_equal(a.req[1].status, DMT_QDEV_OK);
	assert_true(a.attached && a.translated);
	assert_int_equal(dmt_qdev_e2e(1, &a), DMT_E2E_TRANSLATED);
	/* An ID that names a devfn nobody registered: NOENT on PROBE, nothing after. */
	id = 0x19;
	dmt_qdev_answer(m, &id, 1, 0x19, NULL, 0, &a);
	assert_int_equal(a.req[0].status, DMT_QDEV_NOENT);
	assert_int_equal(a.req[1].status, DMT_QDEV_NOT_SENT);
	assert_int_equal(dmt_qdev_e2e(1, &a), DMT_E2E_BROKEN);
	/* No ID: no request, the device bypasses. */
	dmt_qdev_answer(m, NULL, 0, 0x18, NULL, 0, &a);
	assert_int_equal(a.nreq, 0);
	assert_int_equal(dmt_qdev_e2e(0, &a), DMT_E2E_BYPASSING);
	free(m);
}

/* Bits 31:16 are ignored (FACTS.md §5: ID 0x10010 reaches 00:02.0); spec refuses it. */
static void test_high_bits(void **state)
{
	static const uint16_t rids[] = { 0x0, 0x10 };
	struct dmt_qdev_machine *q = machine(DMT_QDEV_QEMU_7_2, rids, 2);
	struct dmt_qdev_machine *s = machine(DMT_QDEV_SPEC, NULL, 0);
	uint32_t id = 0x10010, fw = 0x10;
	struct dmt_qdev_answer a;

	(void)state;
	dmt_qdev_answer(q, &id, 1, 0x10, NULL, 0, &a);
	assert_true(a.translated);
	dmt_qdev_answer(s, &id, 1, 0x10, &fw, 1, &a);
	assert_int_equal(a.req[0].status, DMT_QDEV_NOENT);
	assert_false(a.attached);
	free(q);
	free(s);
}

/* The q35 layout of FACTS.md §6: 02:03.0 behind a PCIe-to-PCI bridge at 00:06.0. */
static void bridge_machine(struct dmt_pci_fn *f)
{
	memset(f, 0, 3 * sizeof(*f));
	f[0] = (struct dmt_pci_fn){ .rid = 0x30, .pcie_type = DMT_PCIE_TO_PCI_BRIDGE, .is_bridge = true,
				    .secondary = 2, .subordinate = 2 };
	f[1] = (struct dmt_pci_fn){ .rid = 0x218, .pcie_type = -1 };
	f[2] = (struct dmt_pci_fn){ .rid = 0x10, .pcie_type = -1 };
}

static void test_bridge_alias(void **state)
{
	struct dmt_pci_fn f[3];
	struct dmt_qdev_machine *q, *s;
	struct dmt_qdev_answer a;
	uint32_t linux_ids[] = { 0x218, 0x200 }, alias_first[] = { 0x200, 0x218 }, alias = 0x200;
	uint16_t key;

	(void)state;
	bridge_machine(f);
	key = dmt_qdev_key(f, 3, &f[1]);
	assert_int_equal(key, 0x200);
	assert_int_equal(dmt_qdev_key(f, 3, &f[0]), 0x30);
	q = machine(DMT_QDEV_QEMU_7_2, (uint16_t[]){ 0x30, key, 0x10 }, 3);
	/* Linux: own RID first, PROBE NOENT, the kernel gives up (the measured failure). */
	dmt_qdev_answer(q, linux_ids, 2, key, NULL, 0, &a);
	assert_int_equal(a.nreq, 3);
	assert_int_equal(a.req[0].status, DMT_QDEV_NOENT);
	assert_int_equal(a.req[1].status, DMT_QDEV_NOT_SENT);
	assert_int_equal(a.req[2].status, DMT_QDEV_NOT_SENT);
	assert_int_equal(dmt_qdev_e2e(2, &a), DMT_E2E_BROKEN);
	/* Alias first: PROBE and the first ATTACH pass, the own RID's ATTACH fails. */
	dmt_qdev_answer(q, alias_first, 2, key, NULL, 0, &a);
	assert_int_equal(a.req[0].status, DMT_QDEV_OK);
	assert_int_equal(a.req[1].status, DMT_QDEV_OK);
	assert_true(a.req[1].reaches_device);
	assert_int_equal(a.req[2].status, DMT_QDEV_NOENT);
	assert_false(a.attached);
	/* The alias alone: translated. */
	dmt_qdev_answer(q, &alias, 1, key, NULL, 0, &a);
	assert_true(a.translated);
	/* A spec device accepts both IDs the firmware gives. */
	s = machine(DMT_QDEV_SPEC, NULL, 0);
	dmt_qdev_answer(s, linux_ids, 2, key, linux_ids, 2, &a);
	assert_true(a.translated);
	free(q);
	free(s);
}

/* Behind a conventional bridge behind a PCIe-to-PCI bridge: the top-most alias. */
static void test_bridge_chain(void **state)
{
	struct dmt_pci_fn f[3] = {
		{ .rid = 0x30, .pcie_type = DMT_PCIE_TO_PCI_BRIDGE, .is_bridge = true, .secondary = 1,
		  .subordinate = 2 },
		{ .rid = 0x108, .pcie_type = -1, .is_bridge = true, .primary = 1, .secondary = 2,
		  .subordinate = 2 },
		{ .rid = 0x220, .pcie_type = -1 },
	};

	(void)state;
	assert_int_equal(dmt_qdev_key(f, 3, &f[2]), 0x100);
	assert_int_equal(dmt_qdev_key(f, 3, &f[1]), 0x100);
}

/* The bus-number cache: filled at the first lookup, never refreshed. */
static void test_bus_cache(void **state)
{
	struct dmt_qdev_machine *m = machine(DMT_QDEV_QEMU_7_2, (uint16_t[]){ 0x100 }, 1);
	struct dmt_qdev_machine *fresh = machine(DMT_QDEV_QEMU_7_2, (uint16_t[]){ 0x100 }, 1);
	struct dmt_qdev_answer a;
	uint32_t old_id = 0x100, new_id = 0x500;

	(void)state;
	dmt_qdev_answer(m, &old_id, 1, 0x100, NULL, 0, &a);
	assert_true(a.translated);
	/* The guest renumbers bus 1 to 5: the cached old number still acts on it. */
	assert_int_equal(dmt_qdev_renumber(m, 1, 5), 0);
	dmt_qdev_answer(m, &old_id, 1, 0x500, NULL, 0, &a);
	assert_int_equal(a.req[0].status, DMT_QDEV_OK);
	assert_true(a.translated);
	dmt_qdev_answer(m, &new_id, 1, 0x500, NULL, 0, &a);
	assert_true(a.translated);
	/* Renumbered before any lookup: the old number finds nothing. */
	assert_int_equal(dmt_qdev_renumber(fresh, 1, 5), 0);
	dmt_qdev_answer(fresh, &old_id, 1, 0x500, NULL, 0, &a);
	assert_int_equal(a.req[0].status, DMT_QDEV_NOENT);
	assert_int_equal(dmt_qdev_renumber(fresh, 9, 3), -1);
	free(m);
	free(fresh);
}

/* ---- the trace and the judgement -------------------------------------------- */

static const char trace_text[] =
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-0-0\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-1-16\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-2-48\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-3-0\n"
	"virtio_iommu_fill_resv_property dev= 48, type=1 start=0xfee00000 end=0xfeefffff\n"
	"virtio_iommu_attach domain=0 endpoint=48\n"
	"virtio_iommu_get_endpoint Alloc endpoint=48\n"
	"42@1.5:virtio_iommu_fill_resv_property dev= 0, type=1 start=0xfee00000 end=0xfeefffff\n"
	"virtio_iommu_attach domain=1 endpoint=0\n"
	"virtio_iommu_get_endpoint Alloc endpoint=0\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-x\n"
	"virtio_iommu_get_endpoint Alloc endpoint=99999999999\n";

static void add_check(struct replay_checks *cs, const char *name, const uint32_t *ids, size_t n)
{
	struct replay_check *c = replay_checks_add(cs);

	assert_non_null(c);
	c->is_device = true;
	c->status = REPLAY_PASS;
	snprintf(c->what, sizeof(c->what), "%s", name);
	for (size_t i = 0; i < n; i++)
		c->kernel[i] = c->ref[i] = ids[i];
	c->nkernel = c->nref = c->nsent = n;
}

static struct replay_obs *bridge_obs(const char *trace, struct replay_checks *cs)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct replay_dev *ppb;

	assert_non_null(o);
	obs_add_dev(o, 0x0, -1);
	obs_add_dev(o, 0x10, -1);
	ppb = obs_add_dev(o, 0x30, DMT_PCIE_TO_PCI_BRIDGE);
	ppb->is_bridge = true;
	ppb->secondary = ppb->subordinate = 2;
	obs_add_dev(o, 0x218, -1);
	replay_parse_trace(trace, strlen(trace), o);
	memset(cs, 0, sizeof(*cs));
	add_check(cs, "0000:00:00.0", (uint32_t[]){ 0 }, 1);
	add_check(cs, "0000:00:02.0", NULL, 0);
	add_check(cs, "0000:00:06.0", (uint32_t[]){ 0x30 }, 1);
	add_check(cs, "0000:02:03.0", (uint32_t[]){ 0x218, 0x200 }, 2);
	return o;
}

static void test_trace_lines(void **state)
{
	struct replay_obs *o = calloc(1, sizeof(*o));

	(void)state;
	replay_parse_trace(trace_text, sizeof(trace_text) - 1, o);
	assert_int_equal(o->qtrace.nmr, 4);
	assert_int_equal(o->qtrace.mr_devfn[2], 48);
	assert_int_equal(o->qtrace.nprobe, 2);
	assert_int_equal(o->qtrace.probe[1], 0);
	assert_int_equal(o->qtrace.nalloc, 2);
	assert_int_equal(o->nattach, 2);
	assert_false(o->qtrace.overflow);
	free(o);
}

static struct replay_check *check_named(struct replay_checks *cs, const char *what)
{
	for (size_t i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].what, what) == 0)
			return &cs->c[i];
	fail_msg("no check %s", what);
	return NULL;
}

static void test_judge_agrees(void **state)
{
	struct replay_checks cs;
	struct replay_obs *o = bridge_obs(trace_text, &cs);
	struct replay_check *c;

	(void)state;
	replay_device_judge("/nonexistent", REPLAY_X86_64, false, o, &cs);
	c = check_named(&cs, "qemu-device");
	assert_int_equal(c->status, REPLAY_PASS);
	assert_int_equal(c->qside.qemu, QSIDE_AGREE);
	assert_int_equal(check_named(&cs, "0000:00:06.0")->qside.e2e, DMT_E2E_TRANSLATED);
	assert_int_equal(check_named(&cs, "0000:00:02.0")->qside.e2e, DMT_E2E_BYPASSING);
	c = check_named(&cs, "0000:02:03.0");
	assert_int_equal(c->qside.qemu, QSIDE_AGREE);
	assert_int_equal(c->qside.e2e, DMT_E2E_BROKEN);
	assert_int_equal(c->qside.e2e_spec, DMT_E2E_TRANSLATED);
	assert_false(c->qside.blind);
	assert_string_equal(c->qside.requests, "PROBE 0x218 NOENT");
	assert_non_null(strstr(c->qside.why, "only as 0x200"));
	/* Broken, unwaived, QEMU knew the firmware: a device-side failure... */
	assert_true(replay_device_failed(c));
	/* ...unless listed, or the kernel's IDs were wrong in the first place. */
	c->qside.waiver = "listed";
	assert_false(replay_device_failed(c));
	assert_false(replay_e2e_xpass(c));
	c->qside.waiver = NULL;
	c->status = REPLAY_FAIL;
	assert_false(replay_device_failed(c));
	/* A listed device that is translated now is XPASS. */
	c = check_named(&cs, "0000:00:06.0");
	c->qside.waiver = "listed";
	assert_true(replay_e2e_xpass(c));
	replay_checks_free(&cs);
	free(o);
}

/* One trace line gone (the get_endpoint of 0x30): QEMU answered NOENT to the ATTACH
 * the model accepts, so QEMU differs, whatever the known-divergence list says. */
static void test_judge_differs(void **state)
{
	char trace[sizeof(trace_text)];
	struct replay_checks cs;
	struct replay_obs *o;
	struct replay_verdict *v = calloc(1, sizeof(*v));
	char *cut;

	(void)state;
	memcpy(trace, trace_text, sizeof(trace));
	cut = strstr(trace, "virtio_iommu_get_endpoint Alloc endpoint=48\n");
	memmove(cut, cut + 44, strlen(cut + 44) + 1);
	o = bridge_obs(trace, &cs);
	replay_device_judge("/nonexistent", REPLAY_X86_64, false, o, &cs);
	assert_int_equal(check_named(&cs, "0000:00:06.0")->qside.qemu, QSIDE_DIFFER);
	assert_string_equal(check_named(&cs, "0000:00:06.0")->qside.qemu_said,
			    "PROBE 0x30 OK, ATTACH 0x30 NOENT");
	check_named(&cs, "0000:02:03.0")->qside.waiver = "listed";
	v->checks = cs;
	assert_int_equal(replay_device_failures(v), 1);
	assert_int_equal(replay_gate_of(v, true), GATE_FAIL);
	replay_checks_free(&v->checks);
	free(v);
	free(o);
}

/* No trace at all: QEMU's side is not observed, an ERROR, never a pass. */
static void test_judge_no_trace(void **state)
{
	struct replay_checks cs;
	struct replay_obs *o = bridge_obs("", &cs);
	struct replay_check *c;

	(void)state;
	replay_device_judge("/nonexistent", REPLAY_X86_64, false, o, &cs);
	c = check_named(&cs, "qemu-device");
	assert_int_equal(c->status, REPLAY_ERROR);
	assert_non_null(strstr(c->diag, "not observed"));
	assert_int_equal(check_named(&cs, "0000:02:03.0")->qside.qemu, QSIDE_NONE);
	replay_checks_free(&cs);
	free(o);
}

/* arm64 with a DT QEMU never saw (no qemu.dtb here): broken devices are blind. */
static void test_judge_blind(void **state)
{
	struct replay_checks cs;
	struct replay_obs *o = bridge_obs(trace_text, &cs);
	struct replay_check *c;

	(void)state;
	replay_device_judge("/nonexistent", REPLAY_ARM64, false, o, &cs);
	c = check_named(&cs, "0000:02:03.0");
	assert_true(c->qside.blind);
	assert_false(replay_device_failed(c));
	replay_checks_free(&cs);
	free(o);
}

static void test_known_e2e(void **state)
{
	static const char good[] = "# comment\nx86/q35.vec@0000:02:03.0 the alias\n"
				   "x86/q35.vec@0000:00:09.0 gone\n";
	static const char *const bad[] = {
		"x86/q35.vec the alias\n", "x86/q35.vec@02:03.0x why\n", "@0000:02:03.0 why\n",
		"x86/q35.vec@0000:02:03.0+02:00.0 why\n", "x86/q35.vec@0000:02:03.0\n",
	};
	struct replay_known k;
	struct replay_verdict *v = calloc(1, sizeof(*v));
	struct replay_check *c;
	char why[200];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(replay_e2e_known_parse(bad[i], strlen(bad[i]), &k, why, sizeof(why)), -1);
	assert_int_equal(replay_e2e_known_parse(good, sizeof(good) - 1, &k, why, sizeof(why)), 0);
	assert_int_equal(k.n, 2);
	snprintf(v->vector, sizeof(v->vector), "vectors/replay/x86/q35.vec");
	c = replay_checks_add(&v->checks);
	c->is_device = true;
	snprintf(c->what, sizeof(c->what), "0000:02:03.0");
	c->qside.qemu = QSIDE_AGREE;
	c->qside.e2e = DMT_E2E_BROKEN;
	replay_e2e_waive(&k, v);
	assert_string_equal(c->qside.waiver, "the alias");
	assert_int_equal(v->e2e_stale, 1);
	assert_string_equal(v->e2e_stale_first, "0000:00:09.0");
	assert_true(k.e[0].used && k.e[1].used);
	assert_int_equal(replay_gate_of(v, false), GATE_XPASS);
	replay_checks_free(&v->checks);
	replay_known_free(&k);
	free(v);
}

/* ---- issue 14, replay-fuzz case 385 ---------------------------------------------- */

/* q35 with a pci-testdev at 01:03.0 behind the pcie-pci-bridge 00:06.0 (alias 01:00.0)
 * and the VIOT the replay gave the kernel, compared and judged as the replay does. */
static struct replay_obs *case385(const char *ranges, const char *trace, struct replay_checks *cs,
				  const uint32_t *kids, size_t nkids)
{
	char text[512];
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct dmt_vector v;
	struct dmt_lang_error e = { 0 };
	struct dmt_decode_opts opts = { .format = DMT_FMT_VIOT };
	struct dmt_topo t;
	struct replay_dev *ppb, *dev;
	uint8_t *buf = NULL;
	size_t len = 0;
	char why[128];

	assert_non_null(o);
	snprintf(text, sizeof(text), "viommu v pci 0000:00:02.0\n%s", ranges);
	dmt_vector_init(&v);
	assert_int_equal(dmt_topology_parse(text, strlen(text), &v, &e), 0);
	assert_int_equal(dmt_vector_input(&v, DMT_FMT_VIOT, &buf, &len, why, sizeof(why)), 0);
	assert_int_equal(dmt_decode(buf, len, &opts, &t, NULL), 0);
	obs_add_dev(o, 0x0, -1);
	obs_add_dev(o, 0x10, -1);
	ppb = obs_add_dev(o, 0x30, DMT_PCIE_TO_PCI_BRIDGE);
	ppb->is_bridge = true;
	ppb->secondary = ppb->subordinate = 1;
	dev = obs_add_dev(o, 0x118, -1);
	memcpy(dev->kids, kids, nkids * sizeof(kids[0]));
	dev->nkids = nkids;
	replay_parse_trace(trace, strlen(trace), o);
	memset(cs, 0, sizeof(*cs));
	replay_compare(o, &t, cs);
	replay_device_judge("/nonexistent", REPLAY_X86_64, true, o, cs);
	dmt_topo_free(&t);
	dmt_vector_free(&v);
	free(buf);
	return o;
}

static const char case385_mrs[] =
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-0-0\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-1-0\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-2-16\n"
	"virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-3-48\n";

/* The range covers 01:03.0 but not its alias 01:00.0: the kernel adds 0x0 to the
 * fwspec, the walk stops at the alias (-ENODEV), acpi_iommu_configure_id never calls
 * iommu_probe_device, and QEMU's trace has no PROBE or ATTACH. Measured on 6.1 with
 * kretprobes: viot_iommu_configure returned -19 and neither iommu_probe_device nor
 * __viommu_sync_req ran. QEMU agrees: it was asked nothing. */
static void test_case385_walk_stopped(void **state)
{
	struct replay_checks cs;
	struct replay_obs *o = case385("range v seg 0..1 bdf 01:03.0..01:03.0 ep 0x0\n", case385_mrs,
				       &cs, (const uint32_t[]){ 0x0 }, 1);
	struct replay_check *c = check_named(&cs, "0000:01:03.0");

	(void)state;
	assert_int_equal(c->status, REPLAY_PASS);
	assert_true(c->walk_stopped);
	assert_int_equal(c->walk_stopped_rid, 0x100);
	assert_int_equal(c->nsent, 0);
	assert_non_null(strstr(c->note, "stopped at 01:00.0"));
	assert_int_equal(c->qside.qemu, QSIDE_AGREE);
	assert_string_equal(c->qside.requests, "no request");
	assert_int_equal(c->qside.e2e, DMT_E2E_BYPASSING);
	assert_non_null(strstr(c->qside.why, "never probed it"));
	assert_false(replay_device_failed(c));
	replay_checks_free(&cs);
	free(o);
}

/* The same device with a PROBE and ATTACH of 0x0 in QEMU's trace that no other device
 * sent: the kernel did probe it, and the replay must not call that agreement. */
static void test_case385_probed_after_all(void **state)
{
	char full[sizeof(case385_mrs) + 200];
	struct replay_checks cs;
	struct replay_obs *o;
	struct replay_check *c;

	(void)state;
	snprintf(full, sizeof(full), "%s%s", case385_mrs,
		 "virtio_iommu_fill_resv_property dev= 0, type=1 start=0xfee00000 end=0xfeefffff\n"
		 "virtio_iommu_attach domain=0 endpoint=0\n");
	o = case385("range v seg 0..1 bdf 01:03.0..01:03.0 ep 0x0\n", full, &cs,
		    (const uint32_t[]){ 0x0 }, 1);
	c = check_named(&cs, "0000:01:03.0");
	assert_int_equal(c->qside.qemu, QSIDE_DIFFER);
	assert_non_null(strstr(c->qside.qemu_said, "probed it after all"));
	assert_true(replay_device_failed(c));
	replay_checks_free(&cs);
	free(o);
}

/* With the alias mapped too the walk completes and the kernel does send PROBE 0x0:
 * QEMU 7.2 answers OK, the lookup (bus 0, devfn 0) finding the address space of the
 * host bridge 00:00.0 (virtio_iommu_mr -> iommu_find_iommu_pcibus -> pbdev[0]), and
 * both ATTACHes succeed (trace measured on QEMU 7.2.22 with the 6.1 kernel). */
static void test_case385_walk_complete(void **state)
{
	static const char trace[] =
		"virtio_iommu_fill_resv_property dev= 0, type=1 start=0xfee00000 end=0xfeefffff\n"
		"virtio_iommu_attach domain=0 endpoint=0\n"
		"virtio_iommu_get_endpoint Alloc endpoint=0\n"
		"virtio_iommu_attach domain=0 endpoint=256\n"
		"virtio_iommu_get_endpoint Alloc endpoint=256\n";
	char full[sizeof(case385_mrs) + sizeof(trace)];
	struct replay_checks cs;
	struct replay_obs *o;
	struct replay_check *c;

	(void)state;
	snprintf(full, sizeof(full), "%s%s", case385_mrs, trace);
	o = case385("range v seg 0..1 bdf 01:03.0..01:03.0 ep 0x0\n"
		    "range v seg 0..1 bdf 01:00.0..01:00.0 ep 0x100\n",
		    full, &cs, (const uint32_t[]){ 0x0, 0x100 }, 2);
	c = check_named(&cs, "0000:01:03.0");
	assert_int_equal(c->status, REPLAY_PASS);
	assert_false(c->walk_stopped);
	assert_int_equal(c->nsent, 2);
	assert_int_equal(c->qside.qemu, QSIDE_AGREE);
	assert_string_equal(c->qside.requests, "PROBE 0x0 OK, ATTACH 0x0 OK, ATTACH 0x100 OK");
	assert_int_equal(c->qside.e2e, DMT_E2E_TRANSLATED);
	replay_checks_free(&cs);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rid),
		cmocka_unit_test(test_high_bits),
		cmocka_unit_test(test_bridge_alias),
		cmocka_unit_test(test_bridge_chain),
		cmocka_unit_test(test_bus_cache),
		cmocka_unit_test(test_trace_lines),
		cmocka_unit_test(test_judge_agrees),
		cmocka_unit_test(test_judge_differs),
		cmocka_unit_test(test_judge_no_trace),
		cmocka_unit_test(test_judge_blind),
		cmocka_unit_test(test_known_e2e),
		cmocka_unit_test(test_case385_walk_stopped),
		cmocka_unit_test(test_case385_walk_complete),
		cmocka_unit_test(test_case385_probed_after_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
