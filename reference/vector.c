/* Vector files: parsing (the grammar is in vectors/README.md). */
#include "vector.h"
#include "xen_domid_enc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dmt_vector_init(struct dmt_vector *v)
{
	memset(v, 0, sizeof(*v));
	dmt_lang_init(&v->lang);
}

void dmt_vector_free(struct dmt_vector *v)
{
	free(v->grant);
	dmt_lang_free(&v->lang);
	dmt_vector_init(v);
}

static int format_bit(const struct dmt_tok *t, uint8_t *bit)
{
	if (dmt_tok_eq(t, "viot"))
		*bit = DMT_FMT_BIT(DMT_FMT_VIOT);
	else if (dmt_tok_eq(t, "vtopo"))
		*bit = DMT_FMT_BIT(DMT_FMT_VTOPO);
	else if (dmt_tok_eq(t, "dtb"))
		*bit = DMT_FMT_BIT(DMT_FMT_DTB);
	else
		return -1;
	return 0;
}

/* "viot,dtb" → bits */
static int format_list(const struct dmt_tok *t, uint8_t *bits)
{
	struct dmt_tok part;
	size_t start = 0;

	*bits = 0;
	for (size_t i = 0; i <= t->n; i++) {
		uint8_t b;

		if (i < t->n && t->s[i] != ',')
			continue;
		part.s = t->s + start;
		part.n = i - start;
		if (format_bit(&part, &b))
			return -1;
		*bits |= b;
		start = i + 1;
	}
	return *bits ? 0 : -1;
}

/* The rest of the line from token k on, as written. */
static void rest_of_line(const struct dmt_line *ln, size_t k, char *out, size_t outlen)
{
	const struct dmt_tok *last = &ln->tok[ln->ntok - 1];
	size_t n = (size_t)(last->s + last->n - ln->tok[k].s);

	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, ln->tok[k].s, n);
	out[n] = '\0';
}

static int st_cite(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok < 2)
		return dmt_lang_fail(e, ln, "cite needs the clause, binding, commit or bug it rests on");
	if (v->cite[0])
		return dmt_lang_fail(e, ln, "a second cite line; put all sources on one");
	rest_of_line(ln, 1, v->cite, sizeof(v->cite));
	return 0;
}

static int st_encode(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok != 2 || format_list(&ln->tok[1], &v->encodings))
		return dmt_lang_fail(e, ln, "usage: encode viot|vtopo|dtb[,...]");
	return 0;
}

static int st_vtopo_version(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint64_t n;

	if (ln->ntok != 2 || !dmt_tok_u64(&ln->tok[1], 3, &n) || n < 2)
		return dmt_lang_fail(e, ln, "usage: vtopo-version 2|3");
	v->enc_opts.vtopo_version = (unsigned)n;
	return 0;
}

static int st_vtopo_iommu(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	char buf[32];
	struct dmt_device d;

	if (ln->ntok != 2 || !dmt_tok_copy(&ln->tok[1], buf, sizeof(buf)) ||
	    dmt_device_parse(buf, &d) || d.kind != DMT_DEV_PCI || d.naliases)
		return dmt_lang_fail(e, ln, "usage: vtopo-iommu SSSS:BB:DD.F");
	v->vtopo_iommu_known = true;
	v->vtopo_iommu_segment = d.segment;
	v->vtopo_iommu_bdf = d.rid;
	return 0;
}

static int st_differ(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint8_t a, b;

	uint8_t profiles = DMT_ACTIVE_ALL;
	size_t why = 3;

	if (ln->ntok > 4 && dmt_tok_eq(&ln->tok[3], "linux"))
		profiles = DMT_ACTIVE(DMT_PROFILE_LINUX), why = 4;
	else if (ln->ntok > 4 && dmt_tok_eq(&ln->tok[3], "spec"))
		profiles = DMT_ACTIVE(DMT_PROFILE_SPEC), why = 4;
	if (ln->ntok <= why || format_bit(&ln->tok[1], &a) || format_bit(&ln->tok[2], &b) || a == b)
		return dmt_lang_fail(e, ln, "usage: differ ENC ENC [linux|spec] REASON (two different encodings and why)");
	if (v->ndiffer == DMT_VEC_MAX_DIFFER)
		return dmt_lang_fail(e, ln, "more than %u differ lines", DMT_VEC_MAX_DIFFER);
	v->differ_profiles[v->ndiffer] = profiles;
	v->differ[v->ndiffer++] = (uint8_t)(a | b);
	return 0;
}

/* PROFILES[@ENC[,ENC]] */
static int parse_scope(const struct dmt_tok *t, struct dmt_expect *x)
{
	struct dmt_tok prof = *t, enc = { 0 };

	for (size_t i = 0; i < t->n; i++) {
		if (t->s[i] == '@') {
			prof.n = i;
			enc.s = t->s + i + 1;
			enc.n = t->n - i - 1;
			break;
		}
	}
	if (dmt_tok_eq(&prof, "linux"))
		x->profiles = DMT_ACTIVE(DMT_PROFILE_LINUX);
	else if (dmt_tok_eq(&prof, "spec"))
		x->profiles = DMT_ACTIVE(DMT_PROFILE_SPEC);
	else if (dmt_tok_eq(&prof, "both"))
		x->profiles = DMT_ACTIVE_ALL;
	else
		return -1;
	if (enc.s && format_list(&enc, &x->encodings))
		return -1;
	return 0;
}

static int parse_labels(const struct dmt_line *ln, size_t from, struct dmt_expect *x,
			struct dmt_lang_error *e)
{
	char name[64];

	if (from >= ln->ntok)
		return dmt_lang_fail(e, ln, "lint and no-lint need at least one LABEL");
	for (size_t i = from; i < ln->ntok; i++) {
		enum dmt_label l;

		if (x->nlabels == DMT_VEC_MAX_LABELS)
			return dmt_lang_fail(e, ln, "more than %u labels on one line", DMT_VEC_MAX_LABELS);
		if (!dmt_tok_copy(&ln->tok[i], name, sizeof(name)) ||
		    (l = dmt_label_lookup(name)) == DMT_L_NONE)
			return dmt_lang_fail(e, ln, "unknown label '%.*s'", (int)ln->tok[i].n, ln->tok[i].s);
		x->labels[x->nlabels++] = l;
	}
	return 0;
}

static int parse_result(const struct dmt_line *ln, size_t from, struct dmt_expect *x,
			struct dmt_lang_error *e)
{
	char name[64];
	struct dmt_tok val;
	uint64_t n;

	if (from < ln->ntok && dmt_tok_eq(&ln->tok[from], "none")) {
		if (ln->ntok != from + 2 || !dmt_tok_kv(&ln->tok[from + 1], "reason", &val) ||
		    !dmt_tok_copy(&val, name, sizeof(name)) ||
		    (x->reason = dmt_label_lookup(name)) == DMT_L_NONE)
			return dmt_lang_fail(e, ln, "usage: ... none reason=LABEL (a known label)");
		x->found = false;
		return 0;
	}
	x->found = true;
	for (size_t i = from; i < ln->ntok; i++) {
		const struct dmt_tok *t = &ln->tok[i];

		if (dmt_tok_kv(t, "endpoint", &val)) {
			if (x->count_only || x->nids == DMT_MAX_IDS || !dmt_tok_u64(&val, UINT32_MAX, &n))
				return dmt_lang_fail(e, ln, "endpoint= takes a 32-bit number (at most %u of them)", DMT_MAX_IDS);
			x->ids[x->nids++] = (uint32_t)n;
		} else if (dmt_tok_kv(t, "ids", &val)) {
			/* A count stands for lists longer than a line can hold. */
			if (x->nids || !dmt_tok_u64(&val, DMT_MAX_IDS, &n) || n == 0)
				return dmt_lang_fail(e, ln, "ids= takes 1..%u and replaces endpoint=", DMT_MAX_IDS);
			x->nids = (size_t)n;
			x->count_only = true;
		} else if (dmt_tok_kv(t, "iommu", &val)) {
			if (!dmt_tok_copy(&val, x->iommu, sizeof(x->iommu)))
				return dmt_lang_fail(e, ln, "iommu= name too long");
			x->check_iommu = true;
		} else if (dmt_tok_kv(t, "msi", &val)) {
			if (!dmt_tok_u64(&val, UINT32_MAX, &n))
				return dmt_lang_fail(e, ln, "msi= takes a 32-bit number");
			x->check_msi = true;
			x->msi = (uint32_t)n;
		} else {
			return dmt_lang_fail(e, ln, "unknown result word '%.*s' (endpoint=, ids=, iommu=, msi=, none)", (int)t->n, t->s);
		}
	}
	/* iommu= alone: an IOMMU without IDs (#iommu-cells = 0). */
	if (x->nids == 0 && !x->check_iommu)
		return dmt_lang_fail(e, ln, "a result needs endpoint=..., iommu= or none reason=LABEL");
	return 0;
}

/* grant LINE: one line of the vector's grant op script (grammar in grant_script.c). */
static int st_grant(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	char line[DMT_LINE_MAX + 2];
	size_t n;
	int r;

	if (ln->ntok < 2)
		return dmt_lang_fail(e, ln, "usage: grant OPERATION...");
	rest_of_line(ln, 1, line, sizeof(line) - 1);
	n = strlen(line);
	line[n++] = '\n';
	r = dmt_reserve((void **)&v->grant, &v->grant_cap, v->grant_len + n, 1024, DMT_LANG_RAW_MAX);
	if (r)
		return r == -1 ? dmt_lang_fail(e, ln, "grant script longer than %u bytes", DMT_LANG_RAW_MAX)
			       : dmt_lang_fail(e, ln, "out of memory");
	memcpy(v->grant + v->grant_len, line, n);
	v->grant_len += n;
	return 0;
}

/* replay x86_64|arm64|xen-arm64 */
static int st_replay(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok != 2 || (!dmt_tok_eq(&ln->tok[1], "x86_64") && !dmt_tok_eq(&ln->tok[1], "arm64") &&
			      !dmt_tok_eq(&ln->tok[1], "xen-arm64")))
		return dmt_lang_fail(e, ln, "usage: replay x86_64|arm64|xen-arm64");
	dmt_tok_copy(&ln->tok[1], v->replay_arch, sizeof(v->replay_arch));
	return 0;
}

/* A QEMU argument from a vector goes into an argv, never a shell, and must not
 * name a file: no '/', no quotes, no option of its own. */
static bool qemu_arg_ok(const struct dmt_tok *t)
{
	if (t->n == 0 || t->n >= DMT_VEC_QEMU_ARG || t->s[0] == '-')
		return false;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == ',' || c == '=' || c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* qemu-device DRIVER[,PROP=VAL...] */
static int st_qemu_device(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok != 2 || !qemu_arg_ok(&ln->tok[1]))
		return dmt_lang_fail(e, ln, "usage: qemu-device DRIVER[,PROP=VAL...] (letters, digits and , = . - _ only)");
	if (v->nqemu_devices == DMT_VEC_MAX_QEMU)
		return dmt_lang_fail(e, ln, "more than %u qemu-device lines", DMT_VEC_MAX_QEMU);
	dmt_tok_copy(&ln->tok[1], v->qemu_device[v->nqemu_devices++], DMT_VEC_QEMU_ARG);
	return 0;
}

/* qemu-machine PROP=VAL[,...] */
static int st_qemu_machine(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	if (ln->ntok != 2 || !qemu_arg_ok(&ln->tok[1]) || v->qemu_machine[0])
		return dmt_lang_fail(e, ln, "usage: qemu-machine PROP=VAL[,...] (once)");
	dmt_tok_copy(&ln->tok[1], v->qemu_machine, DMT_VEC_QEMU_ARG);
	return 0;
}

/* replay-virtio-cmdline ADDR: the transport QEMU's arm virt has at ADDR, handed to
 * the kernel as virtio_mmio.device= so that its platform device has no DT node. */
static int st_virtio_cmdline(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	uint64_t addr;

	if (ln->ntok != 2 || !dmt_tok_u64(&ln->tok[1], UINT64_MAX, &addr) || (addr & 0x1ff))
		return dmt_lang_fail(e, ln, "usage: replay-virtio-cmdline ADDR (a 0x200-aligned virtio-mmio base)");
	if (v->nvirtio_cmdline == DMT_VEC_MAX_VIRTIO_CMDLINE)
		return dmt_lang_fail(e, ln, "more than %u replay-virtio-cmdline lines",
				     DMT_VEC_MAX_VIRTIO_CMDLINE);
	v->virtio_cmdline[v->nvirtio_cmdline++] = addr;
	return 0;
}

/* grant-line N TEXT */
static int parse_grant_line(const struct dmt_line *ln, struct dmt_expect *x, struct dmt_lang_error *e)
{
	uint64_t n;

	if (ln->ntok < 5 || !dmt_tok_u64(&ln->tok[3], 100000, &n) || n == 0)
		return dmt_lang_fail(e, ln, "usage: expect linux grant-line N TEXT (N from 1)");
	x->grant_line = (unsigned)n;
	rest_of_line(ln, 4, x->grant_text, sizeof(x->grant_text));
	return 0;
}

/* grant-result ok|fail [LABEL...] */
static int parse_grant_result(const struct dmt_line *ln, struct dmt_expect *x, struct dmt_lang_error *e)
{
	if (ln->ntok < 4 || (!dmt_tok_eq(&ln->tok[3], "ok") && !dmt_tok_eq(&ln->tok[3], "fail")))
		return dmt_lang_fail(e, ln, "usage: expect linux grant-result ok|fail [LABEL...]");
	x->grant_ok = dmt_tok_eq(&ln->tok[3], "ok");
	return ln->ntok > 4 ? parse_labels(ln, 4, x, e) : 0;
}

/* grant-decode ADDR [frames=N] ok|LABEL...: `dmatopo grant decode`'s findings */
static int parse_grant_decode(const struct dmt_line *ln, struct dmt_expect *x, struct dmt_lang_error *e)
{
	struct dmt_tok val;
	size_t i = 4;
	uint64_t n;

	x->grant_frames = 64;
	if (ln->ntok < 5 || !dmt_tok_u64(&ln->tok[3], UINT64_MAX, &x->grant_addr))
		return dmt_lang_fail(e, ln, "usage: expect linux grant-decode ADDR [frames=N] ok|LABEL...");
	if (dmt_tok_kv(&ln->tok[4], "frames", &val)) {
		if (!dmt_tok_u64(&val, 1024, &n) || n == 0)
			return dmt_lang_fail(e, ln, "frames= takes 1..1024");
		x->grant_frames = (uint32_t)n;
		i = 5;
	}
	if (i < ln->ntok && dmt_tok_eq(&ln->tok[i], "ok") && i + 1 == ln->ntok) {
		x->grant_ok = true;
		return 0;
	}
	return parse_labels(ln, i, x, e);
}

/* domid DEVICE domid=N|none reason=LABEL [dom0] [force-grant] [pv] */
static int parse_domid(const struct dmt_line *ln, struct dmt_expect *x, struct dmt_lang_error *e)
{
	struct dmt_tok val;
	char name[64];
	uint64_t n;
	size_t i = 5;

	if (ln->ntok < 5 || !dmt_tok_copy(&ln->tok[3], x->device_text, sizeof(x->device_text)) ||
	    dmt_device_parse(x->device_text, &x->dev))
		return dmt_lang_fail(e, ln, "usage: expect linux domid DEVICE domid=N|none reason=LABEL [dom0] [force-grant] [pv]");
	if (dmt_tok_kv(&ln->tok[4], "domid", &val)) {
		if (!dmt_tok_u64(&val, 0xffff, &n))
			return dmt_lang_fail(e, ln, "domid= takes a 16-bit number");
		x->found = true;
		x->domid = (uint32_t)n;
	} else if (dmt_tok_eq(&ln->tok[4], "none") && ln->ntok > 5 &&
		   dmt_tok_kv(&ln->tok[5], "reason", &val) && dmt_tok_copy(&val, name, sizeof(name)) &&
		   (x->reason = dmt_label_lookup(name)) != DMT_L_NONE) {
		x->found = false;
		i = 6;
	} else {
		return dmt_lang_fail(e, ln, "domid result: domid=N or none reason=LABEL");
	}
	for (; i < ln->ntok; i++) {
		if (dmt_tok_eq(&ln->tok[i], "dom0"))
			x->guest_dom0 = true;
		else if (dmt_tok_eq(&ln->tok[i], "force-grant"))
			x->guest_force_grant = true;
		else if (dmt_tok_eq(&ln->tok[i], "pv"))
			x->guest_pv = true;
		else if (dmt_tok_eq(&ln->tok[i], "before-2026"))
			x->guest_before_2026 = true;
		else if (dmt_tok_eq(&ln->tok[i], "warn"))
			return parse_labels(ln, i + 1, x, e);
		else
			return dmt_lang_fail(e, ln, "unknown guest flag '%.*s' (dom0, force-grant, pv, before-2026, warn LABEL...)",
				    (int)ln->tok[i].n, ln->tok[i].s);
	}
	return 0;
}

/* domid-in ENC DEVICE RESULT [differs] ...: the domid line without ENC and differs,
 * parsed as a domid expectation. */
static int parse_domid_in(const struct dmt_line *ln, struct dmt_expect *x, struct dmt_lang_error *e)
{
	struct dmt_line s = *ln;
	char name[32];
	enum dmt_xd_kind k;

	if (ln->ntok < 6 || !dmt_tok_copy(&ln->tok[3], name, sizeof(name)) || dmt_xd_kind_parse(name, &k))
		return dmt_lang_fail(e, ln, "usage: expect linux domid-in host-bridge|device-cap|dummy-dev|viommu-config DEVICE RESULT [differs] [warn LABEL...]");
	x->xd_kind = (int)k;
	s.ntok = 0;
	for (size_t i = 0; i < ln->ntok; i++) {
		if (i == 3)
			continue;
		if (i > 4 && dmt_tok_eq(&ln->tok[i], "differs")) {
			x->xd_differs = true;
			continue;
		}
		s.tok[s.ntok++] = ln->tok[i];
	}
	return parse_domid(&s, x, e);
}

static int st_expect(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	struct dmt_expect *x;

	if (v->nexpect == DMT_VEC_MAX_EXPECT)
		return dmt_lang_fail(e, ln, "more than %u expect lines", DMT_VEC_MAX_EXPECT);
	x = &v->expect[v->nexpect];
	memset(x, 0, sizeof(*x));
	x->line = ln->lineno;
	if (ln->ntok < 3 || parse_scope(&ln->tok[1], x))
		return dmt_lang_fail(e, ln, "usage: expect linux|spec|both[@ENC[,ENC]] DEVICE RESULT | lint LABEL... | no-lint LABEL...");
	if (dmt_tok_eq(&ln->tok[2], "grant-line")) {
		x->kind = DMT_EXP_GRANT_LINE;
		if (parse_grant_line(ln, x, e))
			return -1;
	} else if (dmt_tok_eq(&ln->tok[2], "grant-result")) {
		x->kind = DMT_EXP_GRANT_RESULT;
		if (parse_grant_result(ln, x, e))
			return -1;
	} else if (dmt_tok_eq(&ln->tok[2], "grant-decode")) {
		x->kind = DMT_EXP_GRANT_DECODE;
		if (parse_grant_decode(ln, x, e))
			return -1;
	} else if (dmt_tok_eq(&ln->tok[2], "domid-in")) {
		x->kind = DMT_EXP_DOMID_ENC;
		if (parse_domid_in(ln, x, e))
			return -1;
	} else if (dmt_tok_eq(&ln->tok[2], "domid")) {
		x->kind = DMT_EXP_DOMID;
		if (parse_domid(ln, x, e))
			return -1;
	} else if (dmt_tok_eq(&ln->tok[2], "lint") || dmt_tok_eq(&ln->tok[2], "no-lint")) {
		x->kind = dmt_tok_eq(&ln->tok[2], "lint") ? DMT_EXP_LINT : DMT_EXP_NO_LINT;
		if (parse_labels(ln, 3, x, e))
			return -1;
	} else {
		x->kind = DMT_EXP_RESOLVE;
		if (!dmt_tok_copy(&ln->tok[2], x->device_text, sizeof(x->device_text)) ||
		    dmt_device_parse(x->device_text, &x->dev))
			return dmt_lang_fail(e, ln, "bad DEVICE '%.*s'", (int)ln->tok[2].n, ln->tok[2].s);
		if (parse_result(ln, 3, x, e))
			return -1;
	}
	v->nexpect++;
	return 0;
}

struct vstmt {
	const char *word;
	int (*fn)(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e);
};

static const struct vstmt vector_statements[] = {
	{ "cite", st_cite },
	{ "encode", st_encode },
	{ "vtopo-version", st_vtopo_version },
	{ "vtopo-iommu", st_vtopo_iommu },
	{ "differ", st_differ },
	{ "expect", st_expect },
	{ "grant", st_grant },
	{ "replay", st_replay },
	{ "qemu-device", st_qemu_device },
	{ "qemu-machine", st_qemu_machine },
	{ "replay-virtio-cmdline", st_virtio_cmdline },
};

static int vector_stmt(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e)
{
	int vmm = dmt_vmm_stmt(v, ln, e);

	if (vmm)
		return vmm;
	for (size_t i = 0; i < sizeof(vector_statements) / sizeof(vector_statements[0]); i++)
		if (dmt_tok_eq(&ln->tok[0], vector_statements[i].word))
			return vector_statements[i].fn(v, ln, e) ? -1 : 1;
	return 0;
}

static bool needs_topology(const struct dmt_vector *v)
{
	for (size_t i = 0; i < v->nexpect; i++) {
		enum dmt_expect_kind k = v->expect[i].kind;

		if (k == DMT_EXP_RESOLVE || k == DMT_EXP_LINT || k == DMT_EXP_NO_LINT || k == DMT_EXP_DOMID ||
		    k == DMT_EXP_DOMID_ENC)
			return true;
	}
	return v->nexpect == 0;
}

static int parse_vector(const char *text, size_t len, struct dmt_vector *v, struct dmt_lang_error *e,
			bool strict)
{
	struct dmt_lines it;
	struct dmt_line ln;

	dmt_vector_init(v);
	dmt_lines_init(&it, text, len);
	while (dmt_lines_next(&it, &ln)) {
		int r = dmt_lang_stmt(&v->lang, &ln, e);

		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		r = vector_stmt(v, &ln, e);
		if (r < 0)
			return -1;
		if (r == 0)
			return dmt_lang_fail(e, &ln, "unknown keyword '%.*s'", (int)ln.tok[0].n, ln.tok[0].s);
	}
	/* A topology is needed by resolve, lint and domid expectations; a vector of
	 * grant scripts and addresses needs none. */
	if ((needs_topology(v) || v->lang.uses_abstract || v->lang.uses_dt ||
	     v->lang.raw_format != DMT_FMT_UNKNOWN || !strict) && dmt_lang_finish(&v->lang, e))
		return -1;
	if (!strict)
		return 0;
	if (v->grant_len) {
		bool any = false;

		for (size_t i = 0; i < v->nexpect; i++)
			any |= v->expect[i].kind == DMT_EXP_GRANT_LINE || v->expect[i].kind == DMT_EXP_GRANT_RESULT;
		if (!any)
			return dmt_lang_fail(e, NULL, "grant lines with no grant-line or grant-result expectation");
	}
	if (!v->cite[0])
		return dmt_lang_fail(e, NULL, "no cite line: every vector says what it rests on");
	if (v->nexpect == 0)
		return dmt_lang_fail(e, NULL, "no expect line: a vector must assert something");
	if (v->lang.raw_format != DMT_FMT_UNKNOWN) {
		uint8_t raw_bit = DMT_FMT_BIT(v->lang.raw_format);

		for (size_t i = 0; i < v->nexpect; i++)
			if (v->expect[i].encodings & ~raw_bit)
				return dmt_lang_fail(e, NULL, "line %u: a raw %s vector has no other encoding",
					    v->expect[i].line, dmt_format_name(v->lang.raw_format));
	}
	return 0;
}

int dmt_vector_parse(const char *text, size_t len, struct dmt_vector *v, struct dmt_lang_error *e)
{
	return parse_vector(text, len, v, e, true);
}

int dmt_topology_parse(const char *text, size_t len, struct dmt_vector *v, struct dmt_lang_error *e)
{
	return parse_vector(text, len, v, e, false);
}
