/* dmatopo corpus, one DTB: decode and lint it under each profile, enumerate the
 * devices the model names (every node with `iommus`; for every host bridge with
 * iommu-map or msi-map, the device at each entry's rid-base in that bridge's
 * segment), resolve each, and write the records corpus.h describes. */
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

static void resolve_one(FILE *out, const struct dmt_topo *t, enum dmt_profile p,
			const struct dmt_device *d, struct dmt_findings *f)
{
	const char *pn = dmt_profile_name(p);
	char name[DMT_NAME_MAX + 64];
	struct dmt_answer a;

	dmt_device_format(d, name, sizeof(name));
	if (dmt_resolve(t, p, d, &a, f)) {
		fprintf(out, "R\t%s", pn);
		put_field(out, name);
		fputc('\n', out);
		return;
	}
	fprintf(out, "D\t%s", pn);
	put_field(out, name);
	fprintf(out, "\t%d", a.found ? 1 : 0);
	put_field(out, a.found ? a.iommu_name : "-");
	fputc('\t', out);
	for (size_t i = 0; i < a.nids; i++)
		fprintf(out, "%s%x", i ? "," : "", a.ids[i]);
	if (!a.nids)
		fputc('-', out);
	put_field(out, a.found ? "-" : dmt_label_name(a.reason));
	fputc('\n', out);
}

static bool seen_rid(const uint16_t *rids, size_t n, uint16_t rid)
{
	for (size_t i = 0; i < n; i++)
		if (rids[i] == rid)
			return true;
	return false;
}

/* The devices at the rid-bases of one bridge's maps; returns the entries that
 * name no device. */
static size_t resolve_bridge(FILE *out, const struct dmt_topo *t, enum dmt_profile p,
			     const struct dmt_dt_bridge *b, int32_t linux_dom,
			     struct dmt_findings *f)
{
	const struct dmt_idmap *maps[2] = { &b->iommu_map, &b->msi_map };
	int64_t seg = p == DMT_PROFILE_SPEC && b->has_domain ? (int64_t)b->domain : linux_dom;
	size_t total = b->iommu_map.n + b->msi_map.n, n = 0, skipped = 0;
	uint16_t *rids = calloc(total ? total : 1, sizeof(*rids));

	if (!rids || seg < 0 || seg > 0xffff) {
		free(rids);
		return total;
	}
	for (size_t m = 0; m < 2; m++) {
		for (size_t i = 0; i < maps[m]->n; i++) {
			uint32_t base = maps[m]->e[i].id_base;
			struct dmt_device d = { .kind = DMT_DEV_PCI, .segment = (uint16_t)seg };

			if (base > 0xffff || (base >> 8) < b->bus_start || (base >> 8) > b->bus_end) {
				skipped++;
				continue;
			}
			if (seen_rid(rids, n, (uint16_t)base))
				continue;
			rids[n++] = (uint16_t)base;
			d.rid = (uint16_t)base;
			resolve_one(out, t, p, &d, f);
		}
	}
	free(rids);
	return skipped;
}

static void run_profile(const uint8_t *buf, size_t len, enum dmt_profile p, FILE *out)
{
	struct dmt_decode_opts o = { .format = DMT_FMT_DTB };
	const char *pn = dmt_profile_name(p);
	size_t nodes = 0, bridges = 0, skipped = 0;
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
			const struct dmt_dt_node *n = &t.nodes[i];
			struct dmt_device d = { .kind = DMT_DEV_PATH };

			if (!n->niommus && !n->iommus_bad_length)
				continue;
			nodes++;
			snprintf(d.path, sizeof(d.path), "%s", n->path);
			resolve_one(out, &t, p, &d, &f);
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
	fprintf(out, "S\t%s\t%d\t%zu\t%zu\t%zu\n", pn, decoded && dom ? 1 : 0, nodes, bridges,
		skipped);
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
