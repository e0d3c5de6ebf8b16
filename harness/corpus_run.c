/* dmatopo corpus, one DTB: decode and lint it under each profile, enumerate the
 * devices the model names (every node with `iommus`; for every host bridge with
 * iommu-map or msi-map, the devices at the first and the last RID of each entry in
 * that bridge's segment), resolve each, and write the records corpus.h describes. */
#include "cli.h"
#include "corpus.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

/* Text fields of a record: no tab, no newline. */
static void put_field(FILE *out, const char *s)
{
	fputc('\t', out);
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static void put_findings(FILE *out, const char *pn, const struct dmt_findings *f, size_t from)
{
	for (size_t i = from; i < f->count; i++) {
		const struct dmt_finding *fi = &f->items[i];

		fprintf(out, "F\t%s", pn);
		put_field(out, dmt_label_name(fi->label));
		if (fi->offset == DMT_NO_OFFSET)
			fprintf(out, "\t-");
		else
			fprintf(out, "\t%llx", (unsigned long long)fi->offset);
		put_field(out, fi->msg);
		fputc('\n', out);
	}
}

/* Resolve one device and write its D (or R) record; the answer goes to *a.
 * Returns false when dmt_resolve refused it. */
static bool resolve_one(FILE *out, const struct dmt_topo *t, enum dmt_profile p,
			const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f)
{
	const char *pn = dmt_profile_name(p);
	char name[DMT_NAME_MAX + 64];

	dmt_device_format(d, name, sizeof(name));
	if (dmt_resolve(t, p, d, a, f)) {
		fprintf(out, "R\t%s", pn);
		put_field(out, name);
		fputc('\n', out);
		return false;
	}
	fprintf(out, "D\t%s", pn);
	put_field(out, name);
	fprintf(out, "\t%d", a->found ? 1 : 0);
	put_field(out, a->found ? a->iommu_name : "-");
	fputc('\t', out);
	for (size_t i = 0; i < a->nids; i++)
		fprintf(out, "%s%x", i ? "," : "", a->ids[i]);
	if (!a->nids)
		fputc('-', out);
	put_field(out, a->found ? "-" : dmt_label_name(a->reason));
	fputc('\n', out);
	return true;
}

static bool seen_rid(const uint16_t *rids, size_t n, uint16_t rid)
{
	for (size_t i = 0; i < n; i++)
		if (rids[i] == rid)
			return true;
	return false;
}

/* The devices at the first and the last RID of each entry of one bridge's maps (the
 * last clipped to the bridge's bus-range); returns the entries whose rid-base names
 * no device of this bridge. */
static size_t resolve_bridge(FILE *out, const struct dmt_topo *t, enum dmt_profile p,
			     const struct dmt_dt_bridge *b, int32_t linux_dom,
			     struct dmt_findings *f)
{
	const struct dmt_idmap *maps[2] = { &b->iommu_map, &b->msi_map };
	int64_t seg = p == DMT_PROFILE_SPEC && b->has_domain && linux_dom >= 0 ? (int64_t)b->domain
									      : linux_dom;
	size_t total = b->iommu_map.n + b->msi_map.n, n = 0, skipped = 0;
	uint16_t *rids;
	uint64_t lo = (uint64_t)b->bus_start << 8, hi = (uint64_t)b->bus_end << 8 | 0xff;

	/* A disabled bridge never probes, and an fsl-mc or host1x map has no PCI
	 * devices behind it: no device to ask about (their maps are still linted). */
	if (b->disabled || b->bus != DMT_DT_BUS_PCI)
		return 0;
	rids = calloc(total ? 2 * total : 1, sizeof(*rids));
	if (!rids || seg < 0 || seg > 0xffff) {
		free(rids);
		return total;
	}
	for (size_t m = 0; m < 2; m++) {
		for (size_t i = 0; i < maps[m]->n; i++) {
			const struct dmt_map_entry *e = &maps[m]->e[i];
			uint64_t first = e->id_base, last = first + (e->length ? e->length - 1 : 0);

			if (first < lo || first > hi) {
				skipped++;
				continue;
			}
			if (last > hi)
				last = hi;
			for (uint64_t rid = first; ; rid = last) {
				struct dmt_device d = { .kind = DMT_DEV_PCI, .segment = (uint16_t)seg,
							.rid = (uint16_t)rid };
				struct dmt_answer a;

				if (!seen_rid(rids, n, d.rid)) {
					rids[n++] = d.rid;
					resolve_one(out, t, p, &d, &a, f);
				}
				if (rid == last)
					break;
			}
		}
	}
	free(rids);
	return skipped;
}

/* Does the answer by path agree with the answer by first MMIO address? */
static bool same_answer(const struct dmt_answer *x, const struct dmt_answer *y)
{
	return x->found == y->found && x->nids == y->nids && x->iommu == y->iommu &&
	       memcmp(x->ids, y->ids, x->nids * sizeof(x->ids[0])) == 0 &&
	       (x->found || x->reason == y->reason);
}

/* A node with `iommus`, by path; then, when it has a reg, by mmio:ADDR (findings
 * off, so nothing is counted twice) and an M record when the two answers differ. */
static void resolve_node(FILE *out, const struct dmt_topo *t, enum dmt_profile p,
			 const struct dmt_dt_node *n, struct dmt_findings *f, size_t *mmio,
			 size_t *mismatch)
{
	struct dmt_device d = { .kind = DMT_DEV_PATH };
	struct dmt_answer a, b;

	snprintf(d.path, sizeof(d.path), "%s", n->path);
	if (!resolve_one(out, t, p, &d, &a, f) || !n->has_reg)
		return;
	memset(&d, 0, sizeof(d));
	d.kind = DMT_DEV_MMIO;
	d.mmio = n->reg_base;
	(*mmio)++;
	if (dmt_resolve(t, p, &d, &b, NULL) == 0 && same_answer(&a, &b))
		return;
	(*mismatch)++;
	fprintf(out, "M\t%s", dmt_profile_name(p));
	put_field(out, n->path);
	fprintf(out, "\t%llx", (unsigned long long)n->reg_base);
	put_field(out, b.found ? b.iommu_name : dmt_label_name(b.reason));
	fputc('\n', out);
}

static void run_profile(const uint8_t *buf, size_t len, enum dmt_profile p, FILE *out)
{
	struct dmt_decode_opts o = { .format = DMT_FMT_DTB };
	const char *pn = dmt_profile_name(p);
	size_t nodes = 0, bridges = 0, skipped = 0, mmio = 0, mismatch = 0;
	struct dmt_findings f;
	struct dmt_topo t;
	int32_t *dom;
	bool decoded;

	dmt_findings_init(&f);
	dmt_topo_init(&t);
	decoded = dmt_decode(buf, len, &o, &t, &f) == 0;
	dom = calloc(t.nbridges ? t.nbridges : 1, sizeof(*dom));
	if (decoded && dom) {
		dmt_dt_linux_domains(&t, dom);
		for (size_t i = 0; i < t.nnodes; i++) {
			if (!t.nodes[i].niommus && !t.nodes[i].iommus_bad_length)
				continue;
			nodes++;
			resolve_node(out, &t, p, &t.nodes[i], &f, &mmio, &mismatch);
		}
		for (size_t i = 0; i < t.nbridges; i++) {
			if (!t.bridges[i].iommu_map.present && !t.bridges[i].msi_map.present)
				continue;
			bridges++;
			skipped += resolve_bridge(out, &t, p, &t.bridges[i], dom[i], &f);
		}
	}
	put_findings(out, pn, &f, 0);
	if (f.dropped)
		fprintf(out, "X\t%s\t%zu\n", pn, f.dropped);
	fprintf(out, "S\t%s\t%d\t%zu\t%zu\t%zu\t%zu\t%zu\n", pn, decoded && dom ? 1 : 0, nodes,
		bridges, skipped, mmio, mismatch);
	free(dom);
	dmt_topo_free(&t);
	dmt_findings_free(&f);
}

void corpus_run_one(const char *path, FILE *out)
{
	char msg[512];
	FILE *err = fmemopen(msg, sizeof(msg), "w");
	uint8_t *buf = NULL;
	size_t len = 0;
	double t0;
	int rc;

	memset(msg, 0, sizeof(msg));
	rc = err ? dmt_read_file(path, &buf, &len, err) : -1;
	if (err)
		fclose(err);
	if (rc) {
		fprintf(out, "I");
		put_field(out, msg[0] ? msg : "cannot read");
		fputc('\n', out);
		fprintf(out, "E\n");
		return;
	}
	t0 = replay_now();
	for (int p = 0; p < DMT_PROFILE_COUNT; p++)
		run_profile(buf, len, (enum dmt_profile)p, out);
	fprintf(out, "T\t%.6f\nE\n", replay_now() - t0);
	free(buf);
}
