/* The vector runner: encode, decode, resolve, lint, compare; and make the
 * encodings agree with each other. Results go to a callback; no I/O here. */
#include "vector.h"
#include "grant.h"
#include "xen_domid_enc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum dmt_format all_formats[] = { DMT_FMT_VIOT, DMT_FMT_VTOPO, DMT_FMT_DTB };
#define NFORMATS 3

struct run {
	const struct dmt_vector *v;
	dmt_result_fn fn;
	void *ctx;
	size_t failed;
	bool *seen;
};

static void emit(struct run *r, bool ok, unsigned line, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void emit(struct run *r, bool ok, unsigned line, const char *what, const char *fmt, ...)
{
	struct dmt_result res = { .ok = ok, .line = line };
	va_list ap;

	snprintf(res.what, sizeof(res.what), "%s", what);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(res.diag, sizeof(res.diag), fmt, ap);
		va_end(ap);
	}
	if (!ok)
		r->failed++;
	if (r->fn)
		r->fn(&res, r->ctx);
}

int dmt_vector_input(const struct dmt_vector *v, enum dmt_format fmt, uint8_t **out, size_t *len,
		     char *why, size_t whylen)
{
	const struct dmt_lang *l = &v->lang;
	uint8_t *buf;
	size_t n;

	if (l->raw_format != DMT_FMT_UNKNOWN) {
		if (fmt != l->raw_format) {
			snprintf(why, whylen, "raw %s input", dmt_format_name(l->raw_format));
			return -1;
		}
		buf = malloc(l->raw_len ? l->raw_len : 1);
		if (!buf) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		if (l->raw_len)
			memcpy(buf, l->raw, l->raw_len);
		n = l->raw_len;
	} else if (dmt_encode(&l->topo, fmt, &v->enc_opts, &buf, &n, why, whylen)) {
		return -1;
	}
	for (size_t i = 0; i < l->npatches; i++) {
		const struct dmt_lang_patch *p = &l->patches[i];

		if (p->enc != fmt)
			continue;
		if (p->offset > n || p->n > n - p->offset) {
			snprintf(why, whylen, "patch at 0x%x runs past the %zu encoded bytes", p->offset, n);
			free(buf);
			return -1;
		}
		memcpy(buf + p->offset, p->bytes, p->n);
	}
	if (l->fix_checksum && fmt == DMT_FMT_VIOT)
		dmt_acpi_fix_checksum(buf, n);
	*out = buf;
	*len = n;
	return 0;
}

/* Where the vtopo blob's own IOMMU sits: said by the vector, or the topology's
 * single virtio-pci IOMMU. */
static void decode_opts(const struct dmt_vector *v, struct dmt_decode_opts *o, enum dmt_format fmt)
{
	const struct dmt_topo *t = &v->lang.topo;

	memset(o, 0, sizeof(*o));
	o->format = fmt;
	o->vtopo_version = v->enc_opts.vtopo_version;
	if (v->vtopo_iommu_known) {
		o->vtopo_iommu_known = true;
		o->vtopo_iommu_segment = v->vtopo_iommu_segment;
		o->vtopo_iommu_bdf = v->vtopo_iommu_bdf;
	} else if (t->niommus == 1 && t->iommus[0].kind == DMT_IOMMU_VIRTIO_PCI && t->iommus[0].bdf_known) {
		o->vtopo_iommu_known = true;
		o->vtopo_iommu_segment = t->iommus[0].segment;
		o->vtopo_iommu_bdf = t->iommus[0].bdf;
	}
}

struct decoded {
	bool present;			/* this encoding is part of the run */
	bool ok;			/* dmt_decode returned 0 */
	struct dmt_topo topo;
	struct dmt_findings findings;
	/* per profile: findings from decode plus every resolution */
	struct dmt_findings pf[DMT_PROFILE_COUNT];
};

void dmt_answer_text(const struct dmt_answer *a, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	if (!a->found) {
		snprintf(out, len, "none reason=%s", dmt_label_name(a->reason));
		return;
	}
	for (size_t i = 0; i < a->nids && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%sendpoint=0x%x", i ? " " : "", a->ids[i]);
	if (a->nids == 0 && used < len)
		used += (size_t)snprintf(out + used, len - used, "iommu=%s", a->iommu_name);
	if (a->has_msi && used < len)
		snprintf(out + used, len - used, " msi=0x%x", a->msi_id);
}

static void expect_text(const struct dmt_expect *x, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	if (!x->found) {
		snprintf(out, len, "none reason=%s", dmt_label_name(x->reason));
		return;
	}
	if (x->count_only)
		used += (size_t)snprintf(out, len, "ids=%zu", x->nids);
	for (size_t i = 0; !x->count_only && i < x->nids && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%sendpoint=0x%x", i ? " " : "", x->ids[i]);
	if (x->check_iommu && used < len)
		used += (size_t)snprintf(out + used, len - used, " iommu=%s", x->iommu);
	if (x->check_msi && used < len)
		snprintf(out + used, len - used, " msi=0x%x", x->msi);
}

/* Does the decoded answer's IOMMU correspond to the language NAME? Compare what
 * survives encoding: kind and location (VIOT, vtopo) or the DT path. */
static bool iommu_matches(const struct dmt_vector *v, const struct dmt_topo *dec,
			  const struct dmt_answer *a, const char *name)
{
	int32_t li = dmt_lang_lookup(&v->lang, name);
	const struct dmt_iommu *want, *got;

	if (li < 0 || a->iommu < 0 || (size_t)a->iommu >= dec->niommus)
		return false;
	want = &v->lang.topo.iommus[li];
	got = &dec->iommus[a->iommu];
	if (want->kind == DMT_IOMMU_DT || got->kind == DMT_IOMMU_DT)
		return got->phandle == want->phandle ||
		       (want->kind == DMT_IOMMU_DT && strcmp(want->name, got->name) == 0);
	if (want->kind != got->kind)
		return false;
	if (want->kind == DMT_IOMMU_VIRTIO_MMIO)
		return want->base == got->base;
	return !got->bdf_known || (want->segment == got->segment && want->bdf == got->bdf);
}

static bool answer_matches(const struct dmt_vector *v, const struct dmt_topo *dec,
			   const struct dmt_expect *x, const struct dmt_answer *a)
{
	if (x->found != a->found)
		return false;
	if (!x->found)
		return x->reason == a->reason;
	if (x->nids != a->nids ||
	    (!x->count_only && memcmp(x->ids, a->ids, x->nids * sizeof(x->ids[0]))))
		return false;
	if (x->check_msi && (!a->has_msi || a->msi_id != x->msi))
		return false;
	if (x->check_iommu && !iommu_matches(v, dec, a, x->iommu))
		return false;
	return true;
}

static bool same_answer(const struct dmt_answer *a, const struct dmt_answer *b)
{
	if (a->found != b->found)
		return false;
	if (!a->found)
		return true;	/* reasons legitimately differ between encodings */
	return a->nids == b->nids && memcmp(a->ids, b->ids, a->nids * sizeof(a->ids[0])) == 0;
}

static void decode_all(struct run *r, struct decoded *d)
{
	const struct dmt_vector *v = r->v;

	for (size_t k = 0; k < NFORMATS; k++) {
		enum dmt_format fmt = all_formats[k];
		bool wanted = v->encodings ? (v->encodings & DMT_FMT_BIT(fmt)) != 0 : true;
		struct dmt_decode_opts o;
		char why[DMT_WHY_MAX] = "", what[160];
		uint8_t *buf;
		size_t len;

		dmt_findings_init(&d[k].findings);
		for (int p = 0; p < DMT_PROFILE_COUNT; p++)
			dmt_findings_init(&d[k].pf[p]);
		dmt_topo_init(&d[k].topo);
		if (!wanted)
			continue;
		if (dmt_vector_input(v, fmt, &buf, &len, why, sizeof(why))) {
			/* Asked for explicitly: not being able to encode is a failure. */
			if (v->encodings) {
				snprintf(what, sizeof(what), "encode %s", dmt_format_name(fmt));
				emit(r, false, 0, what, "cannot encode: %s", why);
			}
			continue;
		}
		decode_opts(v, &o, fmt);
		d[k].present = true;
		d[k].ok = dmt_decode(buf, len, &o, &d[k].topo, &d[k].findings) == 0;
		for (int p = 0; p < DMT_PROFILE_COUNT; p++)
			for (size_t i = 0; i < d[k].findings.count; i++)
				dmt_report(&d[k].pf[p], d[k].findings.items[i].label,
					   d[k].findings.items[i].offset, "%s", d[k].findings.items[i].msg);
		free(buf);
	}
}

static void check_lint(struct run *r, const struct dmt_expect *x, struct decoded *d, size_t k, int p)
{
	char what[160], missing[160] = "";
	size_t used = 0;
	bool ok = true;

	for (size_t i = 0; i < x->nlabels; i++) {
		bool has = dmt_findings_has(&d[k].pf[p], x->labels[i]);

		if (has != (x->kind == DMT_EXP_LINT)) {
			ok = false;
			if (used < sizeof(missing))
				used += (size_t)snprintf(missing + used, sizeof(missing) - used, " %s",
							 dmt_label_name(x->labels[i]));
		} else if (has && r->seen) {
			r->seen[x->labels[i]] = true;
		}
	}
	snprintf(what, sizeof(what), "line %u %s@%s %s", x->line,
		 dmt_profile_name((enum dmt_profile)p), dmt_format_name(all_formats[k]),
		 x->kind == DMT_EXP_LINT ? "lint" : "no-lint");
	if (ok)
		emit(r, true, x->line, what, NULL);
	else
		emit(r, false, x->line, what, "%s:%s", x->kind == DMT_EXP_LINT ? "not reported" : "reported",
		     missing);
}

static bool differ_declared(const struct dmt_vector *v, size_t a, size_t b, int p)
{
	uint8_t pair = (uint8_t)(DMT_FMT_BIT(all_formats[a]) | DMT_FMT_BIT(all_formats[b]));

	for (size_t i = 0; i < v->ndiffer; i++)
		if (v->differ[i] == pair && (v->differ_profiles[i] & DMT_ACTIVE(p)))
			return true;
	return false;
}

static void run_resolves(struct run *r, struct decoded *d, uint8_t profiles)
{
	const struct dmt_vector *v = r->v;
	struct dmt_answer *ans = calloc(NFORMATS, sizeof(*ans));
	char what[160], want[160], got[160], other[160];

	if (!ans) {
		emit(r, false, 0, "runner", "out of memory");
		return;
	}
	for (size_t xi = 0; xi < v->nexpect; xi++) {
		const struct dmt_expect *x = &v->expect[xi];

		if (x->kind != DMT_EXP_RESOLVE)
			continue;
		for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
			if (!(profiles & DMT_ACTIVE(p)))
				continue;
			for (size_t k = 0; k < NFORMATS; k++) {
				memset(&ans[k], 0, sizeof(ans[k]));
				if (d[k].present && d[k].ok)
					dmt_resolve(&d[k].topo, (enum dmt_profile)p, &x->dev, &ans[k], &d[k].pf[p]);
			}
			if (x->profiles & DMT_ACTIVE(p)) {
				for (size_t k = 0; k < NFORMATS; k++) {
					bool in_scope = !x->encodings || (x->encodings & DMT_FMT_BIT(all_formats[k]));

					if (!d[k].present || !in_scope)
						continue;
					snprintf(what, sizeof(what), "line %u %s@%s %s", x->line,
						 dmt_profile_name((enum dmt_profile)p),
						 dmt_format_name(all_formats[k]), x->device_text);
					if (!d[k].ok) {
						emit(r, false, x->line, what, "the %s input did not decode",
						     dmt_format_name(all_formats[k]));
						continue;
					}
					expect_text(x, want, sizeof(want));
					dmt_answer_text(&ans[k], got, sizeof(got));
					if (answer_matches(v, &d[k].topo, x, &ans[k])) {
						if (!x->found && r->seen)
							r->seen[x->reason] = true;
						emit(r, true, x->line, what, NULL);
					} else {
						emit(r, false, x->line, what, "expected: %s; got: %s", want, got);
					}
				}
			}
			/* The encodings must agree on this device unless the vector says why not. */
			for (size_t a = 0; a < NFORMATS; a++) {
				for (size_t b = a + 1; b < NFORMATS; b++) {
					if (!d[a].present || !d[b].present || !d[a].ok || !d[b].ok ||
					    differ_declared(v, a, b, p) || !(x->profiles & DMT_ACTIVE(p)))
						continue;
					snprintf(what, sizeof(what), "line %u %s %s agrees %s=%s", x->line,
						 dmt_profile_name((enum dmt_profile)p), x->device_text,
						 dmt_format_name(all_formats[a]), dmt_format_name(all_formats[b]));
					dmt_answer_text(&ans[a], got, sizeof(got));
					dmt_answer_text(&ans[b], other, sizeof(other));
					if (same_answer(&ans[a], &ans[b]))
						emit(r, true, x->line, what, NULL);
					else
						emit(r, false, x->line, what, "%s says %s; %s says %s",
						     dmt_format_name(all_formats[a]), got,
						     dmt_format_name(all_formats[b]), other);
				}
			}
		}
	}
	free(ans);
}

/* An expectation that no present encoding falls under would pass by never being
 * checked: make that a failure. */
static void check_scopes(struct run *r, const struct decoded *d, uint8_t profiles)
{
	char what[64];

	for (size_t xi = 0; xi < r->v->nexpect; xi++) {
		const struct dmt_expect *x = &r->v->expect[xi];
		bool any = false;

		if (!(x->profiles & profiles) || x->kind == DMT_EXP_GRANT_LINE ||
		    x->kind == DMT_EXP_GRANT_RESULT || x->kind == DMT_EXP_DOMID || x->kind == DMT_EXP_DOMID_ENC ||
		    x->kind == DMT_EXP_GRANT_DECODE)
			continue;
		for (size_t k = 0; k < NFORMATS; k++)
			any |= d[k].present && (!x->encodings || (x->encodings & DMT_FMT_BIT(all_formats[k])));
		if (!any) {
			snprintf(what, sizeof(what), "line %u scope", x->line);
			emit(r, false, x->line, what, "this expectation applies to no encoding the vector has");
		}
	}
}

struct grant_out {
	char (*line)[DMT_VEC_GRANT_TEXT];
	size_t n, cap;
};

static void grant_collect(void *ctx, const char *line)
{
	struct grant_out *o = ctx;

	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 64;
		void *p;

		if (ncap > 65536)
			return;
		p = realloc(o->line, ncap * sizeof(*o->line));
		if (!p)
			return;
		o->line = p;
		o->cap = ncap;
	}
	snprintf(o->line[o->n++], DMT_VEC_GRANT_TEXT, "%s", line);
}

/* The grant op script: run once on a fresh model, then every grant-line and
 * grant-result expectation is checked against its output and findings. */
static void run_grant(struct run *r, uint8_t profiles)
{
	const struct dmt_vector *v = r->v;
	struct grant_out o = { 0 };
	struct dmt_gnt_config c;
	struct dmt_findings f;
	struct dmt_gnt g;
	char what[160];
	int rc;

	dmt_gnt_default_config(&c);
	if (dmt_gnt_init(&g, &c) != DMT_GNT_OK) {
		emit(r, false, 0, "grant", "the grant model could not be set up");
		return;
	}
	dmt_findings_init(&f);
	rc = dmt_gnt_script_run((const uint8_t *)v->grant, v->grant_len, &g, grant_collect, &o, &f, NULL);
	for (size_t xi = 0; xi < v->nexpect; xi++) {
		const struct dmt_expect *x = &v->expect[xi];

		if (!(x->profiles & profiles))
			continue;
		if (x->kind == DMT_EXP_GRANT_LINE) {
			const char *got = x->grant_line <= o.n ? o.line[x->grant_line - 1] : "(no such line)";

			snprintf(what, sizeof(what), "line %u grant output line %u", x->line, x->grant_line);
			if (strcmp(got, x->grant_text) == 0)
				emit(r, true, x->line, what, NULL);
			else
				emit(r, false, x->line, what, "expected: %s; got: %s", x->grant_text, got);
		} else if (x->kind == DMT_EXP_GRANT_RESULT) {
			bool ok = (rc == 0) == x->grant_ok;
			char missing[128] = "";
			size_t used = 0;

			for (size_t i = 0; i < x->nlabels; i++) {
				if (dmt_findings_has(&f, x->labels[i])) {
					if (r->seen)
						r->seen[x->labels[i]] = true;
					continue;
				}
				ok = false;
				if (used < sizeof(missing))
					used += (size_t)snprintf(missing + used, sizeof(missing) - used, " %s",
								 dmt_label_name(x->labels[i]));
			}
			snprintf(what, sizeof(what), "line %u grant result", x->line);
			if (ok)
				emit(r, true, x->line, what, NULL);
			else
				emit(r, false, x->line, what, "expected %s%s%s; the script %s with %zu finding(s)",
				     x->grant_ok ? "ok" : "fail", missing[0] ? ", missing:" : "", missing,
				     rc == 0 ? "passed" : "failed", f.count);
		}
	}
	free(o.line);
	dmt_findings_free(&f);
	dmt_gnt_free_all(&g);
}

/* Every label an expectation lists must be among the findings; on a miss, one
 * failed result naming them. Labels found are marked as covered. */
static bool labels_present(struct run *r, const struct dmt_expect *x, const struct dmt_findings *f,
			   const char *what)
{
	char missing[160] = "";
	size_t used = 0;

	for (size_t i = 0; i < x->nlabels; i++) {
		if (dmt_findings_has(f, x->labels[i]))
			continue;
		if (used < sizeof(missing))
			used += (size_t)snprintf(missing + used, sizeof(missing) - used, " %s",
						 dmt_label_name(x->labels[i]));
	}
	if (missing[0]) {
		emit(r, false, x->line, what, "not reported:%s", missing);
		return false;
	}
	for (size_t i = 0; r->seen && i < x->nlabels; i++)
		r->seen[x->labels[i]] = true;
	return true;
}

/* grant-decode: the findings `dmatopo grant decode` gives for an address. */
static void run_grant_decodes(struct run *r, uint8_t profiles)
{
	char what[160];

	for (size_t xi = 0; xi < r->v->nexpect; xi++) {
		const struct dmt_expect *x = &r->v->expect[xi];
		struct dmt_findings f;

		if (x->kind != DMT_EXP_GRANT_DECODE || !(x->profiles & profiles))
			continue;
		snprintf(what, sizeof(what), "line %u grant-decode 0x%llx", x->line,
			 (unsigned long long)x->grant_addr);
		dmt_findings_init(&f);
		dmt_gnt_dma_lint(x->grant_addr, x->grant_frames, &f);
		if (x->grant_ok && f.count)
			emit(r, false, x->line, what, "expected no finding, got %s", dmt_label_name(f.items[0].label));
		else if (x->grant_ok || labels_present(r, x, &f, what))
			emit(r, true, x->line, what, NULL);
		dmt_findings_free(&f);
	}
}

/* domid expectations: the backend domain Linux picks from the vector's DTB. */
static void run_domids(struct run *r, uint8_t profiles)
{
	const struct dmt_vector *v = r->v;
	char what[160], why[DMT_WHY_MAX];
	uint8_t *dtb = NULL;
	size_t len = 0;
	bool have_dtb = false, tried = false;

	for (size_t xi = 0; xi < v->nexpect; xi++) {
		const struct dmt_expect *x = &v->expect[xi];
		struct dmt_gnt_guest gu = { .dom0 = x->guest_dom0, .force_grant = x->guest_force_grant,
					    .pv = x->guest_pv, .before_2026 = x->guest_before_2026 };
		struct dmt_gnt_domid out;
		struct dmt_findings f;

		if (x->kind != DMT_EXP_DOMID || !(x->profiles & profiles))
			continue;
		if (!tried) {
			tried = true;
			have_dtb = dmt_vector_input(v, DMT_FMT_DTB, &dtb, &len, why, sizeof(why)) == 0;
		}
		snprintf(what, sizeof(what), "line %u domid %s", x->line, x->device_text);
		if (!have_dtb) {
			emit(r, false, x->line, what, "no device tree: %s", why);
			continue;
		}
		dmt_findings_init(&f);
		memset(&out, 0, sizeof(out));
		dmt_gnt_domid_dtb(dtb, len, &x->dev, &gu, &out, &f);
		if (!labels_present(r, x, &f, what)) {
			dmt_findings_free(&f);
			continue;
		}
		dmt_findings_free(&f);
		if (out.found == x->found && (x->found ? out.domid == x->domid : out.reason == x->reason)) {
			if (!x->found && r->seen)
				r->seen[x->reason] = true;
			emit(r, true, x->line, what, NULL);
		} else if (out.found) {
			emit(r, false, x->line, what, "got domid=%u", out.domid);
		} else {
			emit(r, false, x->line, what, "got none reason=%s", dmt_label_name(out.reason));
		}
	}
	free(dtb);
}

/* Compare one seed-002 answer with the expectation and with the device tree's. */
static void judge_domid_enc(struct run *r, const struct dmt_expect *x, const char *what,
			    const struct dmt_xd_answer *a, const struct dmt_gnt_domid *dt)
{
	bool agree = a->found == dt->found && (!a->found || a->domid == dt->domid);

	if (a->found != x->found || (x->found ? a->domid != x->domid : a->reason != x->reason)) {
		if (a->found)
			emit(r, false, x->line, what, "got domid=%u", a->domid);
		else
			emit(r, false, x->line, what, "got none reason=%s", dmt_label_name(a->reason));
	} else if (agree == x->xd_differs) {
		emit(r, false, x->line, what, "%s the device tree (%s%u)%s",
		     agree ? "agrees with" : "disagrees with", dt->found ? "domid=" : "none, ",
		     dt->found ? dt->domid : 0u, agree ? " but the line says differs" : "");
	} else {
		if (!x->found && r->seen)
			r->seen[x->reason] = true;
		emit(r, true, x->line, what, NULL);
	}
}

/* domid-in expectations: the vector's DT map written in a seed-002 encoding, read
 * back, and checked against the expectation and against the DT answer. */
static void run_domid_encs(struct run *r, uint8_t profiles)
{
	const struct dmt_vector *v = r->v;
	const struct dmt_xd_damage dmg = { v->xd_patch_off, v->xd_patch_n, v->xd_patch, v->xd_truncate };
	const struct dmt_gnt_guest gu = { 0 };
	char what[160], why[DMT_WHY_MAX] = "";
	uint8_t *dtb = NULL;
	size_t len = 0;
	bool have = false, tried = false;

	for (size_t xi = 0; xi < v->nexpect; xi++) {
		const struct dmt_expect *x = &v->expect[xi];
		struct dmt_xd_answer a;
		struct dmt_gnt_domid dt;
		struct dmt_findings f;

		if (x->kind != DMT_EXP_DOMID_ENC || !(x->profiles & profiles))
			continue;
		if (!tried) {
			tried = true;
			have = dmt_vector_input(v, DMT_FMT_DTB, &dtb, &len, why, sizeof(why)) == 0;
		}
		snprintf(what, sizeof(what), "line %u domid-in %s %s", x->line,
			 dmt_xd_kind_name((enum dmt_xd_kind)x->xd_kind), x->device_text);
		dmt_findings_init(&f);
		if (!have || dmt_xd_answer_dtb(dtb, len, (enum dmt_xd_kind)x->xd_kind, &x->dev, &dmg, &a, &f)) {
			emit(r, false, x->line, what, "no device tree: %s", why);
		} else if (labels_present(r, x, &f, what)) {
			dmt_findings_free(&f);
			dmt_findings_init(&f);
			dmt_gnt_domid_dtb(dtb, len, &x->dev, &gu, &dt, &f);
			judge_domid_enc(r, x, what, &a, &dt);
		}
		dmt_findings_free(&f);
	}
	free(dtb);
}

size_t dmt_vector_run(const struct dmt_vector *v, uint8_t profiles, dmt_result_fn fn, void *ctx,
		      bool *seen)
{
	struct run r = { .v = v, .fn = fn, .ctx = ctx, .seen = seen };
	struct decoded *d = calloc(NFORMATS, sizeof(*d));
	size_t present = 0;
	bool has_topology = v->lang.uses_abstract || v->lang.uses_dt ||
			    v->lang.raw_format != DMT_FMT_UNKNOWN;

	if (!d) {
		emit(&r, false, 0, "runner", "out of memory");
		return r.failed;
	}
	if (has_topology) {
		decode_all(&r, d);
		for (size_t k = 0; k < NFORMATS; k++)
			present += d[k].present;
		if (!present)
			emit(&r, false, 0, "encode", "no encoding can express this topology");
		check_scopes(&r, d, profiles);
		run_resolves(&r, d, profiles);
	}
	if (v->grant_len)
		run_grant(&r, profiles);
	run_domids(&r, profiles);
	run_domid_encs(&r, profiles);
	run_grant_decodes(&r, profiles);
	for (size_t xi = 0; xi < v->nexpect; xi++) {
		const struct dmt_expect *x = &v->expect[xi];

		if (x->kind != DMT_EXP_LINT && x->kind != DMT_EXP_NO_LINT)
			continue;
		for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
			if (!(profiles & x->profiles & DMT_ACTIVE(p)))
				continue;
			for (size_t k = 0; k < NFORMATS; k++)
				if (d[k].present && (!x->encodings || (x->encodings & DMT_FMT_BIT(all_formats[k]))))
					check_lint(&r, x, d, k, p);
		}
	}
	for (size_t k = 0; k < NFORMATS; k++) {
		dmt_topo_free(&d[k].topo);
		dmt_findings_free(&d[k].findings);
		for (int p = 0; p < DMT_PROFILE_COUNT; p++)
			dmt_findings_free(&d[k].pf[p]);
	}
	free(d);
	return r.failed;
}
