/* The Xen grant-DMA verdict: for every virtio device dom0 listed, the backend domain
 * the kernel chose (xen_virtio_restricted_mem_acc) against the reference's
 * dmt_gnt_domid on the DT dom0 booted with, and every grant map the kernel made for
 * it against the reference grant model (number of grants, frames, read-only, domid,
 * DMA address). Only the first map's ref is taken from the kernel: which refs the
 * free list hands out depends on dom0's whole grant history, which the replay does
 * not see; everything else follows from it. */
#include "replay.h"
#include "grant.h"
#include "vector.h"

#include <libfdt.h>
#include <string.h>

/* The replay's dom0: xen_initial_domain(), and the arm64 replay kernel is built with
 * CONFIG_XEN_VIRTIO_FORCE_GRANT (ci/kernel-config/arm64.config); arm has no PV. */
static const struct dmt_gnt_guest replay_dom0 = { true, true, false, false };

/* The reference's name for a transport device: a PCI function, the DT node Linux
 * made a platform device of ("a003e00.virtio_mmio" is /virtio_mmio@a003e00), or a
 * virtio_mmio.device= device ("virtio-mmio.N"), which has no DT node at all. */
static int transport_device(const char *parent, const uint8_t *fdt, const struct dmt_vector *v,
			    struct dmt_device *d, bool *has_node, char *why, size_t whylen)
{
	unsigned n;
	char path[DMT_NAME_MAX];
	const char *dot = strchr(parent, '.');

	memset(d, 0, sizeof(*d));
	*has_node = true;
	if (dmt_device_parse(parent, d) == 0 && d->kind == DMT_DEV_PCI)
		return 0;
	memset(d, 0, sizeof(*d));
	if (sscanf(parent, "virtio-mmio.%u", &n) == 1) {
		if (n >= v->nvirtio_cmdline) {
			replay_fmt(why, whylen, "%s: the vector declares no such command-line transport",
				   parent);
			return -1;
		}
		d->kind = DMT_DEV_MMIO;
		d->mmio = v->virtio_cmdline[n];
		*has_node = false;
		return 0;
	}
	if (!dot || dot == parent || !dot[1]) {
		replay_fmt(why, whylen, "%s: not a device name the replay can place", parent);
		return -1;
	}
	replay_fmt(path, sizeof(path), "/%s@%.*s", dot + 1, (int)(dot - parent), parent);
	if (fdt_path_offset(fdt, path) < 0) {
		replay_fmt(why, whylen, "%s: dom0's DT has no node %s", parent, path);
		return -1;
	}
	d->kind = DMT_DEV_PATH;
	replay_fmt(d->path, sizeof(d->path), "%s", path);
	return 0;
}

static struct replay_check *add_check(struct replay_checks *cs, enum replay_status st,
				      const char *kind, const char *parent)
{
	struct replay_check *c = replay_checks_add(cs);

	if (!c)
		return NULL;
	c->status = st;
	replay_fmt(c->what, sizeof(c->what), "%s %s", kind, parent);
	return c;
}

static void ref_text(const struct dmt_gnt_domid *r, char *out, size_t len)
{
	if (r->found)
		replay_fmt(out, len, "domid %u%s%s", r->domid, r->via[0] ? " via " : "", r->via);
	else
		replay_fmt(out, len, "none (%s)", dmt_label_name(r->reason));
}

/* The kernel's side of one device; false (with why) when it was not observed. */
static bool kernel_domid(const struct replay_xen_virtio *x, char *out, size_t len, char *why,
			 size_t whylen)
{
	if (!x->probed || !x->have_ret) {
		replay_fmt(why, whylen, "virtio%d (%s): no xen_virtio_restricted_mem_acc %s on the console",
			   x->index, x->parent, x->probed ? "return" : "call");
		return false;
	}
	if (x->ret && !x->stored) {
		replay_fmt(why, whylen, "virtio%d (%s): grant DMA set up but the domid store was not seen",
			   x->index, x->parent);
		return false;
	}
	if (x->ret)
		replay_fmt(out, len, "domid %u", x->domid);
	else
		replay_fmt(out, len, "none (no grant DMA ops)");
	return true;
}

static void domid_check(const struct replay_xen_virtio *x, const struct dmt_device *d,
			bool has_node, const uint8_t *fdt, size_t len, struct replay_checks *cs,
			struct dmt_gnt_domid *ref)
{
	struct dmt_findings f;
	char ktext[64], rtext[160], why[256];
	struct replay_check *c;
	bool same;
	int rc;

	if (!kernel_domid(x, ktext, sizeof(ktext), why, sizeof(why))) {
		if ((c = add_check(cs, REPLAY_ERROR, "domid", x->parent)))
			replay_fmt(c->diag, sizeof(c->diag), "%s", why);
		return;
	}
	dmt_findings_init(&f);
	memset(ref, 0, sizeof(*ref));
	rc = has_node ? dmt_gnt_domid_dtb(fdt, len, d, &replay_dom0, ref, &f)
		      : dmt_gnt_domid_no_node(&replay_dom0, ref);
	dmt_findings_free(&f);
	if (rc) {
		if ((c = add_check(cs, REPLAY_ERROR, "domid", x->parent)))
			replay_fmt(c->diag, sizeof(c->diag), "the reference could not answer for %s",
				   x->parent);
		return;
	}
	ref_text(ref, rtext, sizeof(rtext));
	same = (x->ret != 0) == ref->found && (!ref->found || x->domid == ref->domid);
	c = add_check(cs, same ? REPLAY_PASS : REPLAY_FAIL, "domid", x->parent);
	if (c)
		replay_fmt(c->diag, sizeof(c->diag), "kernel: %s; reference: %s (virtio%d, driver %s, %s)",
			   ktext, rtext, x->index, x->driver, has_node ? "DT node" : "no DT node");
}

/* One map or alloc against the model; "" when it agrees, else both sides in diff. */
static void judge_map(const struct replay_xen_map *m, uint16_t domid, char *diff, size_t len)
{
	struct dmt_gnt_config cfg;
	struct dmt_gnt g;
	struct dmt_gnt_result r;
	enum dmt_gnt_rc rc;
	uint64_t pfn, want_dma;

	diff[0] = '\0';
	if (m->ngrants == 0 || m->grants_overflow) {
		replay_fmt(diff, len, "%s off=0x%llx size=0x%llx: kernel wrote %s grants",
			   m->alloc ? "alloc" : "map", (unsigned long long)m->offset,
			   (unsigned long long)m->size, m->ngrants ? "more than 16" : "no");
		return;
	}
	dmt_gnt_default_config(&cfg);
	cfg.backend_domid = domid;
	cfg.page_shift = 12;
	if (dmt_gnt_init(&g, &cfg) != DMT_GNT_OK) {
		replay_fmt(diff, len, "the grant model could not start");
		return;
	}
	/* the kernel's first frame names the page: page pfn + offset / 4K */
	pfn = m->grant[0].frame - (m->alloc ? 0 : m->offset >> DMT_GNT_SHIFT);
	rc = m->alloc ? dmt_gnt_alloc(&g, m->size, pfn, &r, NULL)
		      : dmt_gnt_map(&g, pfn, m->offset, m->size, (enum dmt_dma_dir)m->dir, &r, NULL);
	if (rc != DMT_GNT_OK) {
		replay_fmt(diff, len, "%s off=0x%llx size=0x%llx dir=%d: model refuses (%s), kernel granted %zu",
			   m->alloc ? "alloc" : "map", (unsigned long long)m->offset,
			   (unsigned long long)m->size, m->dir, dmt_label_name(dmt_gnt_rc_label(rc)),
			   m->ngrants);
		dmt_gnt_free_all(&g);
		return;
	}
	if (m->ngrants != r.n) {
		replay_fmt(diff, len, "%s off=0x%llx size=0x%llx: kernel %zu grant(s), model %u",
			   m->alloc ? "alloc" : "map", (unsigned long long)m->offset,
			   (unsigned long long)m->size, m->ngrants, r.n);
		dmt_gnt_free_all(&g);
		return;
	}
	for (size_t i = 0; i < m->ngrants && !diff[0]; i++) {
		const struct replay_xen_grant *k = &m->grant[i];
		const struct dmt_gnt_entry *e = &g.ent[r.ref + i];
		bool ro = (e->flags & DMT_GTF_READONLY) != 0;

		if (k->ref != m->grant[0].ref + i || k->domid != e->domid || k->frame != e->frame ||
		    (k->readonly != 0) != ro)
			replay_fmt(diff, len,
				   "%s off=0x%llx size=0x%llx grant %zu: kernel ref %u domid %u frame 0x%llx ro=%d; model ref %u domid %u frame 0x%x ro=%d",
				   m->alloc ? "alloc" : "map", (unsigned long long)m->offset,
				   (unsigned long long)m->size, i, k->ref, k->domid,
				   (unsigned long long)k->frame, k->readonly, m->grant[0].ref + (uint32_t)i,
				   e->domid, e->frame, ro);
	}
	/* the model's address with the kernel's first ref in place of its own */
	want_dma = r.dma - ((uint64_t)r.ref << DMT_GNT_SHIFT) +
		   ((uint64_t)m->grant[0].ref << DMT_GNT_SHIFT);
	if (!diff[0] && !m->alloc && (!m->have_dma || m->dma != want_dma))
		replay_fmt(diff, len, "map off=0x%llx size=0x%llx: kernel DMA address %s0x%llx, model 0x%llx",
			   (unsigned long long)m->offset, (unsigned long long)m->size,
			   m->have_dma ? "" : "(not seen) ", (unsigned long long)m->dma,
			   (unsigned long long)want_dma);
	dmt_gnt_free_all(&g);
}

static void grants_check(const struct replay_xen_obs *xo, const struct replay_xen_virtio *x,
			 const struct dmt_gnt_domid *ref, struct replay_checks *cs)
{
	size_t nmaps = 0, ngrants = 0;
	const struct replay_xen_map *first = NULL;
	char diff[REPLAY_DIAG] = "";
	struct replay_check *c;

	for (size_t i = 0; i < xo->nmaps; i++) {
		const struct replay_xen_map *m = &xo->map[i];

		if (strcmp(m->dev, x->parent) != 0)
			continue;
		if (!first)
			first = m;
		nmaps++;
		ngrants += m->ngrants;
		if (!diff[0]) {
			if (!ref->found)
				replay_fmt(diff, sizeof(diff), "the kernel granted (%s) but the reference gives the device no backend",
					   m->alloc ? "alloc" : "map");
			else
				judge_map(m, ref->domid, diff, sizeof(diff));
		}
	}
	if (!nmaps)
		return;
	c = add_check(cs, diff[0] ? REPLAY_FAIL : REPLAY_PASS, "grants", x->parent);
	if (!c)
		return;
	if (diff[0])
		replay_fmt(c->diag, sizeof(c->diag), "%s", diff);
	else
		replay_fmt(c->diag, sizeof(c->diag),
			   "%zu map(s), %zu grant(s) as the model writes them; first: %s size=0x%llx -> ref %u frame 0x%llx ro=%d",
			   nmaps, ngrants, first->alloc ? "alloc" : "map",
			   (unsigned long long)first->size, first->grant[0].ref,
			   (unsigned long long)first->grant[0].frame, first->grant[0].readonly);
}

/* Grants for a device that is not a listed virtio transport: nobody to judge them by. */
static void unattributed_maps(const struct replay_xen_obs *xo, struct replay_checks *cs)
{
	for (size_t i = 0; i < xo->nmaps; i++) {
		bool known = false;
		struct replay_check *c;

		for (size_t k = 0; k < xo->nvirtio && !known; k++)
			known = strcmp(xo->virtio[k].parent, xo->map[i].dev) == 0;
		if (known)
			continue;
		if ((c = add_check(cs, REPLAY_ERROR, "grants", xo->map[i].dev)))
			replay_fmt(c->diag, sizeof(c->diag),
				   "grant-DMA maps for %s, which the agent listed as no virtio transport",
				   xo->map[i].dev);
		return;
	}
}

void replay_xen_compare(const struct replay_xen_obs *x, const uint8_t *fdt, size_t len,
			const struct dmt_vector *v, struct replay_checks *cs)
{
	size_t judged = 0;
	struct replay_check *c;

	for (size_t i = 0; i < x->nvirtio; i++) {
		const struct replay_xen_virtio *xv = &x->virtio[i];
		struct dmt_gnt_domid ref;
		struct dmt_device d;
		bool has_node;
		char why[256];

		if (!xv->listed) {
			if ((c = add_check(cs, REPLAY_ERROR, "domid", "virtio")))
				replay_fmt(c->diag, sizeof(c->diag),
					   "virtio%d probed by the kernel but not listed by the agent", xv->index);
			continue;
		}
		if (transport_device(xv->parent, fdt, v, &d, &has_node, why, sizeof(why))) {
			if ((c = add_check(cs, REPLAY_ERROR, "domid", xv->parent)))
				replay_fmt(c->diag, sizeof(c->diag), "%s", why);
			continue;
		}
		domid_check(xv, &d, has_node, fdt, len, cs, &ref);
		if (cs->n && cs->c[cs->n - 1].status != REPLAY_ERROR)
			grants_check(x, xv, &ref, cs);
		judged++;
	}
	unattributed_maps(x, cs);
	if (x->virtio_overflow && (c = add_check(cs, REPLAY_ERROR, "domid", "all")))
		replay_fmt(c->diag, sizeof(c->diag), "more than %u virtio devices: not all observed",
			   REPLAY_XEN_MAX_VIRTIO);
	/* only the first maps are judged; saying how many were left is enough */
	if (x->maps_dropped && cs->n)
		replay_fmt(cs->c[0].note, sizeof(cs->c[0].note), "%zu grant map(s) past the first %u not judged",
			   x->maps_dropped, REPLAY_XEN_MAX_MAPS);
	if (!judged && (c = add_check(cs, REPLAY_ERROR, "domid", "all")))
		replay_fmt(c->diag, sizeof(c->diag), "dom0 listed no virtio device: nothing was observed");
}
