/* The device side of a replay: what QEMU's virtio-iommu answered the kernel, read from
 * its trace, against what the qemu-7.2 device model (reference/qemu_device.c) answers
 * the same requests on the same machine, and where each device ends up end to end:
 * translated, bypassing (the kernel gave the IOMMU no ID) or broken (it gave IDs and
 * the device did not end up translated). Judged in replay_verdict.c; this file only
 * fills each check's qside and adds one check, "qemu-device", for the address spaces
 * QEMU made. QEMU cannot know a DT the replay rewrote: such devices are marked blind
 * and their end-to-end state is reported, not blamed on QEMU. */
#include "cli.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

/* The machine as the device model sees it: every enumerated function registered
 * under the requester ID QEMU keys its DMA by. keys[i] belongs to o->devs[i]. */
struct machine {
	struct dmt_qdev_machine qemu, spec;
	uint16_t keys[REPLAY_MAX_DEVS];
};

static void build_machine(const struct replay_obs *o, struct machine *m)
{
	struct dmt_pci_fn fns[REPLAY_MAX_DEVS];

	dmt_qdev_init(&m->qemu, DMT_QDEV_QEMU_7_2);
	dmt_qdev_init(&m->spec, DMT_QDEV_SPEC);
	for (size_t i = 0; i < o->ndevs; i++)
		replay_pci_fn(&o->devs[i], &fns[i]);
	for (size_t i = 0; i < o->ndevs; i++) {
		m->keys[i] = dmt_qdev_key(fns, o->ndevs, &fns[i]);
		dmt_qdev_register(&m->qemu, m->keys[i]);
	}
}

static bool in_list(const uint32_t *l, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == v)
			return true;
	return false;
}

static int cmp_u8(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

static void format_devfns(char *out, size_t len, const uint8_t *d, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < n && strlen(out) + 6 < len; i++)
		replay_fmt(out + strlen(out), len - strlen(out), "%s%u", i ? "," : "", d[i]);
}

/* One address space per distinct key, so QEMU's init_iommu_mr devfns must be the
 * keys' devfns (the trace does not print the bus). */
static void address_spaces(const struct replay_obs *o, const struct machine *m,
			   struct replay_check *c)
{
	uint8_t want[REPLAY_MAX_DEVS], got[REPLAY_MAX_QEPS];
	uint32_t seen[REPLAY_MAX_DEVS];
	size_t nwant = 0, nseen = 0, ngot = o->qtrace.nmr;
	char w[400], g[400];

	for (size_t i = 0; i < o->ndevs; i++) {
		if (in_list(seen, nseen, m->keys[i]))
			continue;
		seen[nseen++] = m->keys[i];
		want[nwant++] = (uint8_t)m->keys[i];
	}
	memcpy(got, o->qtrace.mr_devfn, ngot);
	qsort(want, nwant, 1, cmp_u8);
	qsort(got, ngot, 1, cmp_u8);
	format_devfns(w, sizeof(w), want, nwant);
	format_devfns(g, sizeof(g), got, ngot);
	c->qside.qemu = nwant == ngot && memcmp(want, got, ngot) == 0 ? QSIDE_AGREE : QSIDE_DIFFER;
	replay_fmt(c->diag, sizeof(c->diag),
		   "QEMU made %zu IOMMU address space(s) (init_iommu_mr devfns %s); the qemu-7.2 model, one per requester ID the %zu devices DMA under: %zu (devfns %s)",
		   ngot, g, o->ndevs, nwant, w);
}

/* What QEMU answered, from its trace. PROBE: a fill_resv_property line for the ID
 * (when this QEMU prints any; else a later ATTACH of it shows the PROBE passed).
 * ATTACH: an attach line is the request, a get_endpoint line its success. */
static void seen_answers(const struct replay_obs *o, const uint32_t *ids, size_t n, uint16_t key,
			 struct dmt_qdev_answer *a)
{
	const struct replay_qtrace *q = &o->qtrace;
	bool all_ok = true, reaches = false;

	memset(a, 0, sizeof(*a));
	if (n == 0)
		return;
	n = n > DMT_QDEV_MAX_IDS ? DMT_QDEV_MAX_IDS : n;
	a->nreq = n + 1;
	a->req[0].type = DMT_QDEV_PROBE;
	a->req[0].endpoint = ids[0];
	a->req[0].status = (q->nprobe ? in_list(q->probe, q->nprobe, ids[0])
				      : in_list(o->attach, o->nattach, ids[0])) ? DMT_QDEV_OK
										: DMT_QDEV_NOENT;
	all_ok = a->req[0].status == DMT_QDEV_OK;
	for (size_t i = 0; i < n; i++) {
		struct dmt_qdev_request *r = &a->req[i + 1];

		r->type = DMT_QDEV_ATTACH;
		r->endpoint = ids[i];
		if (!in_list(o->attach, o->nattach, ids[i]))
			r->status = DMT_QDEV_NOT_SENT;
		else
			r->status = in_list(q->alloc, q->nalloc, ids[i]) ? DMT_QDEV_OK : DMT_QDEV_NOENT;
		/* Which address space an ID names is QEMU's lookup, bits 15:0. */
		r->reaches_device = r->status == DMT_QDEV_OK && (uint16_t)ids[i] == key;
		all_ok = all_ok && r->status == DMT_QDEV_OK;
		reaches = reaches || r->reaches_device;
	}
	a->attached = all_ok;
	a->translated = all_ok && reaches;
}

static bool same_answers(const struct dmt_qdev_answer *x, const struct dmt_qdev_answer *y)
{
	if (x->nreq != y->nreq)
		return false;
	for (size_t i = 0; i < x->nreq; i++)
		if (x->req[i].status != y->req[i].status)
			return false;
	return true;
}

/* "PROBE 0x218 NOENT" or "PROBE 0x18 OK, ATTACH 0x18 OK": the requests sent, and
 * with unsent those that never reached QEMU too. */
static void format_answers(char *out, size_t len, const struct dmt_qdev_answer *a, bool unsent)
{
	out[0] = '\0';
	if (a->nreq == 0)
		replay_fmt(out, len, "no request");
	for (size_t i = 0; i < a->nreq; i++) {
		const struct dmt_qdev_request *r = &a->req[i];

		if (r->status == DMT_QDEV_NOT_SENT && !unsent)
			continue;
		replay_fmt(out + strlen(out), len - strlen(out), "%s%s 0x%x %s", i ? ", " : "",
			   r->type == DMT_QDEV_PROBE ? "PROBE" : "ATTACH", r->endpoint,
			   dmt_qdev_status_name(r->status));
	}
}

static const struct dmt_qdev_request *first_failure(const struct dmt_qdev_answer *a)
{
	for (size_t i = 0; i < a->nreq; i++)
		if (a->req[i].status != DMT_QDEV_OK)
			return &a->req[i];
	return NULL;
}

/* Why the device is not translated, in words a user can act on. */
static void explain(const struct replay_check *c, const struct replay_dev *d, uint16_t key,
		    const struct dmt_qdev_answer *seen, char *out, size_t len)
{
	const struct dmt_qdev_request *r = first_failure(seen);

	if (c->nsent == 0 && c->walk_stopped) {
		replay_fmt(out, len, "the kernel gave the IOMMU no endpoint ID: the VIOT alias walk stopped at %02x:%02x.%x, so acpi_iommu_configure_id never probed it (no PROBE, no ATTACH)",
			   c->walk_stopped_rid >> 8, (c->walk_stopped_rid >> 3) & 0x1f, c->walk_stopped_rid & 7);
		return;
	}
	if (c->nsent == 0) {
		replay_fmt(out, len, "the kernel gave the IOMMU no endpoint ID%s%s",
			   c->ref_reason[0] ? " (reference: " : "", c->ref_reason[0] ? c->ref_reason : "");
		if (c->ref_reason[0])
			replay_fmt(out + strlen(out), len - strlen(out), ")");
		return;
	}
	if (!r) {
		replay_fmt(out, len, "every request succeeded, but none names the address space its DMA uses (0x%x)",
			   key);
		return;
	}
	if (r->status == DMT_QDEV_NOT_SENT) {
		replay_fmt(out, len, "%s 0x%x never reached QEMU's trace", r->type == DMT_QDEV_PROBE ? "PROBE" : "ATTACH",
			   r->endpoint);
		return;
	}
	replay_fmt(out, len, "%s 0x%x: NOENT, the kernel %s; QEMU 7.2 knows this device only as 0x%x%s",
		   r->type == DMT_QDEV_PROBE ? "PROBE" : "ATTACH", r->endpoint,
		   r->type == DMT_QDEV_PROBE ? "gives up on it (no IOMMU group)" : "fails the attach",
		   key, key != d->rid ? " (the alias of the PCIe-to-PCI bridge above it; hw/pci/pci.c pci_device_iommu_address_space)"
				      : "");
}

/* QEMU cannot know the firmware the kernel used when the replay wrote it (arm64 DT
 * rewrite, x86 VIOT upgrade): the device is blind unless QEMU's own firmware gives
 * it the same IDs. qemu_fw NULL: QEMU's own is not at hand. */
static bool blind_for(const struct replay_obs *o, const struct replay_dev *d,
		      const struct replay_check *c, const struct dmt_topo *qemu_fw, bool rewritten)
{
	struct dmt_device dev = { .kind = DMT_DEV_PCI, .segment = d->segment, .rid = d->rid };
	struct dmt_answer a;

	if (!rewritten)
		return false;
	if (!qemu_fw)
		return true;
	dev.naliases = replay_dma_aliases(o, d, dev.aliases, DMT_MAX_ALIASES);
	memset(&a, 0, sizeof(a));
	if (dmt_resolve(qemu_fw, DMT_PROFILE_LINUX, &dev, &a, NULL) || !a.found)
		return c->nsent != 0;
	return a.nids != c->nsent || memcmp(a.ids, c->kernel, a.nids * sizeof(a.ids[0])) != 0;
}

/* Whether another device handed id to the IOMMU driver (its requests explain id's
 * trace lines). */
static bool sent_by_other(const struct replay_checks *cs, const struct replay_check *c, uint32_t id)
{
	for (size_t i = 0; i < cs->n; i++)
		if (&cs->c[i] != c && cs->c[i].is_device && in_list(cs->c[i].kernel, cs->c[i].nsent, id))
			return true;
	return false;
}

/* A device the kernel never probed (the VIOT alias walk stopped) must leave no PROBE or
 * ATTACH of its first ID in QEMU's trace; if one is there and no other device sent that
 * ID, the prediction "no request" was wrong, and saying QEMU agrees would hide it. */
static bool probed_after_all(const struct replay_obs *o, const struct replay_checks *cs,
			     const struct replay_check *c)
{
	uint32_t id = c->kernel[0];

	if (!c->walk_stopped || c->nkernel == 0 || sent_by_other(cs, c, id))
		return false;
	return in_list(o->qtrace.probe, o->qtrace.nprobe, id) || in_list(o->attach, o->nattach, id);
}

static void judge_device(const struct replay_obs *o, const struct replay_checks *cs,
			 struct machine *m, size_t i, const struct dmt_topo *qemu_fw, bool rewritten,
			 struct replay_check *c)
{
	const struct replay_dev *d = &o->devs[i];
	struct replay_qside *q = &c->qside;
	struct dmt_qdev_answer model, spec, seen;

	dmt_qdev_answer(&m->qemu, c->kernel, c->nsent, m->keys[i], NULL, 0, &model);
	dmt_qdev_answer(&m->spec, c->kernel, c->nsent, m->keys[i], c->ref, c->nref, &spec);
	seen_answers(o, c->kernel, c->nsent, m->keys[i], &seen);
	q->qemu = same_answers(&model, &seen) ? QSIDE_AGREE : QSIDE_DIFFER;
	q->e2e = dmt_qdev_e2e(c->nsent, &seen);
	q->e2e_spec = dmt_qdev_e2e(c->nsent, &spec);
	q->blind = blind_for(o, d, c, qemu_fw, rewritten);
	format_answers(q->requests, sizeof(q->requests), &model, false);
	if (q->qemu == QSIDE_DIFFER)
		format_answers(q->qemu_said, sizeof(q->qemu_said), &seen, true);
	if (probed_after_all(o, cs, c)) {
		q->qemu = QSIDE_DIFFER;
		replay_fmt(q->qemu_said, sizeof(q->qemu_said),
			   "a PROBE or ATTACH of 0x%x, although the alias walk stopped (the kernel probed it after all)",
			   c->kernel[0]);
	}
	if (q->e2e != DMT_E2E_TRANSLATED)
		explain(c, d, m->keys[i], &seen, q->why, sizeof(q->why));
}

static struct replay_check *device_check(struct replay_checks *cs, const char *name)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].is_device && strcmp(cs->c[i].what, name) == 0)
			return &cs->c[i];
	return NULL;
}

/* arm64: QEMU's own DT (dumpdtb, before the rewrite), decoded; -1 when unusable. */
static int qemu_own_dt(const char *dir, struct dmt_topo *t)
{
	char path[4096];
	uint8_t *buf = NULL;
	size_t len = 0;
	struct dmt_decode_opts opts = { .format = DMT_FMT_DTB };
	FILE *quiet = fopen("/dev/null", "w");
	int rc;

	replay_fmt(path, sizeof(path), "%s/qemu.dtb", dir);
	rc = dmt_read_file(path, &buf, &len, quiet ? quiet : stderr);
	if (quiet)
		fclose(quiet);
	if (rc)
		return -1;
	rc = dmt_decode(buf, len, &opts, t, NULL);
	free(buf);
	return rc;
}

void replay_device_judge(const char *dir, enum replay_arch arch, bool viot_upgrade,
			 const struct replay_obs *o, struct replay_checks *cs)
{
	struct replay_check *c = replay_checks_add(cs);
	struct machine *m;
	struct dmt_topo qdt;
	bool rewritten = arch == REPLAY_ARM64 || viot_upgrade;
	bool have_qdt = arch == REPLAY_ARM64 && qemu_own_dt(dir, &qdt) == 0;

	if (!c)
		return;
	replay_fmt(c->what, sizeof(c->what), "qemu-device");
	if (o->qtrace.nmr == 0 || o->qtrace.overflow) {
		c->status = REPLAY_ERROR;
		replay_fmt(c->diag, sizeof(c->diag), "QEMU's side not observed: %s in %s/qemu-trace.log",
			   o->qtrace.overflow ? "more trace events than the replay keeps"
					      : "no virtio_iommu_init_iommu_mr line", dir);
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		c->status = REPLAY_ERROR;
		replay_fmt(c->diag, sizeof(c->diag), "out of memory");
		goto out;
	}
	build_machine(o, m);
	c->status = REPLAY_PASS;
	address_spaces(o, m, c);
	for (size_t i = 0; i < o->ndevs; i++) {
		char name[64];
		struct replay_check *dc;

		replay_device_name(&o->devs[i], name, sizeof(name));
		dc = device_check(cs, name);
		if (dc && dc->status != REPLAY_ERROR)
			judge_device(o, cs, m, i, have_qdt ? &qdt : NULL, rewritten, dc);
	}
	free(m);
out:
	if (have_qdt)
		dmt_topo_free(&qdt);
}
