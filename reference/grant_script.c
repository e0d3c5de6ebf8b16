/* Grant op scripts: a text buffer of grant DMA operations run against the model.
 *
 * Grammar, one statement a line ('#' starts a comment, blank lines are skipped,
 * words are separated by spaces or tabs, key=value pairs come in any order, each
 * at most once):
 *
 *   device [domid=N] [page=4k|64k] [frames=N] [guest=domu|dom0]
 *          Header: only before the first operation. Re-creates the table with the
 *          backend domid (default 0), the guest page size (default 4k), the table
 *          limit in frames (default 64, Xen's max_grant_frames; 1..1024). guest=
 *          is only recorded and echoed: the DMA ops behave the same in dom0 (it
 *          matters to `grant domid`, which takes --dom0).
 *   map pfn=N offset=N size=N dir=to-device|from-device|bidirectional
 *          xen_grant_dma_map_page on guest page pfn (guest page units).
 *   unmap dma=N size=N        xen_grant_dma_unmap_page of an address map returned.
 *   alloc size=N [pfn=N]      xen_grant_dma_alloc; pages from pfn, else the model's.
 *   free dma=N size=N         xen_grant_dma_free of an address alloc returned.
 *   backend-map ref=N [rw|ro] the backend maps a granted ref (read-only by default).
 *   backend-unmap ref=N       the backend drops one of its maps of the ref.
 *   expect-fail OP...         OP must fail; the run fails if it succeeds.
 *
 * N is decimal or 0x-hex and must fit its field (64 bits; domid 16; ref 32).
 * Output: one line per statement, e.g.
 *   map dma=0x8000000000008800 refs=8-9 frames=0x1001,0x1002 flags=0x5
 * (refs=R for one grant; frames=A..B past eight grants). A bad line is reported as
 * a finding whose message starts "line N:", and leaves the model as it was. */
#include "grant.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 16
#define MSG_MAX 160

int dmt_gnt_parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t acc = 0;
	unsigned base = 10;
	size_t i = 0;

	if (!s || len == 0)
		return -1;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (acc > (UINT64_MAX - d) / base)
			return -1;
		acc = acc * base + d;
	}
	*v = acc;
	return 0;
}

struct word {
	const char *s;
	size_t len;
	const char *val;	/* after '=', or NULL for a bare word */
	size_t vlen;
	bool used;
};

struct line {
	size_t no;
	uint64_t off;
	struct word w[MAX_WORDS];
	size_t n;
	char msg[MSG_MAX];
};

/* A word as it can be quoted in a message: printable, at most 40 characters. */
static void quote(char *out, size_t outlen, const char *s, size_t len)
{
	size_t i;

	if (len > 40)
		len = 40;
	for (i = 0; i < len && i + 1 < outlen; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[i] = '\0';
}

/* The message for a bad line: what is wrong, then the word at fault (if any). */
static int syntax(struct line *l, const char *what, const char *s, size_t len)
{
	char q[48];

	if (!s) {
		snprintf(l->msg, sizeof(l->msg), "%s", what);
		return -1;
	}
	quote(q, sizeof(q), s, len);
	snprintf(l->msg, sizeof(l->msg), "%s '%s'", what, q);
	return -1;
}

static bool word_is(const struct word *w, const char *lit)
{
	return !w->val && w->len == strlen(lit) && memcmp(w->s, lit, w->len) == 0;
}

static bool key_is(const struct word *w, const char *key)
{
	size_t klen = w->val ? (size_t)(w->val - 1 - w->s) : 0;

	return w->val && klen == strlen(key) && memcmp(w->s, key, klen) == 0;
}

/* Split one line (comment stripped) into words; a key appears at most once. */
static int split(struct line *l, const char *s, size_t len)
{
	size_t i = 0;

	l->n = 0;
	while (i < len) {
		size_t start;
		struct word *w;

		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == len)
			break;
		if (l->n == MAX_WORDS)
			return syntax(l, "more than 16 words, from", s + i, len - i);
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		w = &l->w[l->n++];
		memset(w, 0, sizeof(*w));
		w->s = s + start;
		w->len = i - start;
		for (size_t k = 0; k < w->len; k++) {
			if (w->s[k] == '=') {
				w->val = w->s + k + 1;
				w->vlen = w->len - k - 1;
				break;
			}
		}
	}
	for (size_t a = 0; a < l->n; a++)
		for (size_t b = a + 1; b < l->n; b++)
			if (l->w[a].val && l->w[b].val &&
			    l->w[a].val - l->w[a].s == l->w[b].val - l->w[b].s &&
			    memcmp(l->w[a].s, l->w[b].s, (size_t)(l->w[a].val - l->w[a].s)) == 0)
				return syntax(l, "key given twice:", l->w[b].s, l->w[b].len);
	return 0;
}

static struct word *find_key(struct line *l, size_t from, const char *key)
{
	for (size_t i = from; i < l->n; i++)
		if (key_is(&l->w[i], key))
			return &l->w[i];
	return NULL;
}

/* key=N, required or not, at most max. 1 when found, 0 when absent, -1 on error. */
static int get_num(struct line *l, size_t from, const char *key, bool required,
		   uint64_t max, uint64_t *v)
{
	struct word *w = find_key(l, from, key);
	char q[48];

	if (!w) {
		if (required)
			return syntax(l, "missing number for key", key, strlen(key));
		return 0;
	}
	w->used = true;
	if (w->vlen == 0)
		return syntax(l, "missing number in", w->s, w->len);
	if (dmt_gnt_parse_u64(w->val, w->vlen, v))
		return syntax(l, "bad or overflowing number in", w->s, w->len);
	if (*v > max) {
		quote(q, sizeof(q), w->s, w->len);
		snprintf(l->msg, sizeof(l->msg), "'%s' is larger than 0x%llx", q,
			 (unsigned long long)max);
		return -1;
	}
	return 1;
}

/* key=WORD among choices (NULL-terminated); index into choices, or -1. */
static int get_choice(struct line *l, size_t from, const char *key, bool required,
		      const char *const *choices, int *idx)
{
	struct word *w = find_key(l, from, key);

	if (!w) {
		if (required)
			return syntax(l, "missing value for key", key, strlen(key));
		return 0;
	}
	w->used = true;
	for (int i = 0; choices[i]; i++) {
		if (w->vlen == strlen(choices[i]) && memcmp(w->val, choices[i], w->vlen) == 0) {
			*idx = i;
			return 1;
		}
	}
	return syntax(l, "unknown value in", w->s, w->len);
}

static int no_leftovers(struct line *l, size_t from)
{
	for (size_t i = from; i < l->n; i++)
		if (!l->w[i].used)
			return syntax(l, "unknown word", l->w[i].s, l->w[i].len);
	return 0;
}

/* ---- statements ------------------------------------------------------------ */

enum stmt_kind { ST_DEVICE, ST_MAP, ST_UNMAP, ST_ALLOC, ST_FREE, ST_BMAP, ST_BUNMAP };

struct stmt {
	enum stmt_kind kind;
	bool expect_fail;
	struct dmt_gnt_config cfg;
	bool dom0;
	uint64_t pfn, offset, size, dma, ref;
	bool has_pfn, rw;
	enum dmt_dma_dir dir;
};

static const char *const stmt_words[] = {
	"device", "map", "unmap", "alloc", "free", "backend-map", "backend-unmap", NULL,
};

static int parse_device(struct line *l, size_t a, struct stmt *st)
{
	static const char *const pages[] = { "4k", "64k", NULL };
	static const char *const guests[] = { "domu", "dom0", NULL };
	uint64_t v;
	int idx = 0, rc;

	dmt_gnt_default_config(&st->cfg);
	if ((rc = get_num(l, a, "domid", false, 0xffff, &v)) < 0)
		return -1;
	if (rc)
		st->cfg.backend_domid = (uint16_t)v;
	if ((rc = get_choice(l, a, "page", false, pages, &idx)) < 0)
		return -1;
	st->cfg.page_shift = rc && idx == 1 ? 16 : 12;
	if ((rc = get_num(l, a, "frames", false, DMT_GNT_MAX_FRAMES, &v)) < 0)
		return -1;
	if (rc && v == 0)
		return syntax(l, "the table needs 1..1024 frames, not", "frames=0", 8);
	if (rc)
		st->cfg.max_frames = (uint32_t)v;
	idx = 0;
	if ((rc = get_choice(l, a, "guest", false, guests, &idx)) < 0)
		return -1;
	st->dom0 = rc && idx == 1;
	return 0;
}

/* backend-map's bare rw or ro, at most one of them. */
static int parse_access(struct line *l, size_t a, struct stmt *st)
{
	bool seen = false;

	for (size_t i = a; i < l->n; i++) {
		if (!word_is(&l->w[i], "rw") && !word_is(&l->w[i], "ro"))
			continue;
		if (seen)
			return syntax(l, "rw/ro given twice:", l->w[i].s, l->w[i].len);
		seen = true;
		st->rw = word_is(&l->w[i], "rw");
		l->w[i].used = true;
	}
	return 0;
}

static int parse_ref(struct line *l, size_t a, struct stmt *st)
{
	return get_num(l, a, "ref", true, UINT32_MAX, &st->ref) < 0 ? -1 : 0;
}

static int parse_args(struct line *l, size_t a, struct stmt *st)
{
	static const char *const dirs[] = { "bidirectional", "to-device", "from-device", NULL };
	int idx = 0;

	switch (st->kind) {
	case ST_DEVICE:
		return parse_device(l, a, st);
	case ST_MAP:
		if (get_num(l, a, "pfn", true, UINT64_MAX, &st->pfn) < 0 ||
		    get_num(l, a, "offset", true, UINT64_MAX, &st->offset) < 0 ||
		    get_num(l, a, "size", true, UINT64_MAX, &st->size) < 0 ||
		    get_choice(l, a, "dir", true, dirs, &idx) < 0)
			return -1;
		st->dir = (enum dmt_dma_dir)idx;	/* same order as Linux's values */
		return 0;
	case ST_UNMAP:
	case ST_FREE:
		if (get_num(l, a, "dma", true, UINT64_MAX, &st->dma) < 0 ||
		    get_num(l, a, "size", true, UINT64_MAX, &st->size) < 0)
			return -1;
		return 0;
	case ST_ALLOC: {
		int rc;

		if (get_num(l, a, "size", true, UINT64_MAX, &st->size) < 0 ||
		    (rc = get_num(l, a, "pfn", false, UINT64_MAX - 1, &st->pfn)) < 0)
			return -1;
		st->has_pfn = rc == 1;
		return 0;
	}
	case ST_BMAP:
		return parse_access(l, a, st) < 0 ? -1 : parse_ref(l, a, st);
	case ST_BUNMAP:
		return parse_ref(l, a, st);
	}
	return -1;
}

static int parse_stmt(struct line *l, struct stmt *st)
{
	size_t a = 0;

	memset(st, 0, sizeof(*st));
	if (word_is(&l->w[0], "expect-fail")) {
		st->expect_fail = true;
		a = 1;
		if (l->n == 1)
			return syntax(l, "expect-fail needs an operation", NULL, 0);
	}
	for (int i = 0; stmt_words[i]; i++) {
		if (word_is(&l->w[a], stmt_words[i])) {
			st->kind = (enum stmt_kind)i;
			if (parse_args(l, a + 1, st) < 0 || no_leftovers(l, a + 1) < 0)
				return -1;
			if (st->expect_fail && st->kind == ST_DEVICE)
				return syntax(l, "a device header cannot be expected to fail", NULL, 0);
			return 0;
		}
	}
	return syntax(l, "unknown word", l->w[a].s, l->w[a].len);
}

/* ---- running --------------------------------------------------------------- */

struct run {
	struct dmt_gnt *g;
	dmt_gnt_emit_fn emit;
	void *ctx;
	struct dmt_findings *f;
	struct dmt_gnt_script_stats *st;
	bool ops_seen;
};

static void emitf(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emitf(struct run *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!r->emit)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->emit(r->ctx, buf);
}

static void fmt_refs(char *out, size_t len, const struct dmt_gnt_result *res)
{
	if (res->n == 1)
		snprintf(out, len, "%u", res->ref);
	else
		snprintf(out, len, "%u-%u", res->ref, res->ref + res->n - 1);
}

static void fmt_frames(char *out, size_t len, const struct dmt_gnt_result *res)
{
	size_t used = 0;

	out[0] = '\0';
	if (res->n > 8) {
		snprintf(out, len, "0x%llx..0x%llx", (unsigned long long)res->frame0,
			 (unsigned long long)(res->frame0 + res->n - 1));
		return;
	}
	for (uint32_t i = 0; i < res->n && used < len; i++) {
		int w = snprintf(out + used, len - used, "%s0x%llx", i ? "," : "",
				 (unsigned long long)(res->frame0 + i));

		if (w < 0)
			return;
		used += (size_t)w;
	}
}

static const char *page_name(unsigned shift)
{
	return shift == 16 ? "64k" : "4k";
}

static void emit_success(struct run *r, const struct stmt *st, const struct dmt_gnt_result *res)
{
	char refs[32], frames[200];

	fmt_refs(refs, sizeof(refs), res);
	switch (st->kind) {
	case ST_MAP:
	case ST_ALLOC:
		fmt_frames(frames, sizeof(frames), res);
		emitf(r, "%s dma=0x%016llx refs=%s frames=%s flags=0x%x", stmt_words[st->kind],
		      (unsigned long long)res->dma, refs, frames, res->flags);
		break;
	case ST_UNMAP:
	case ST_FREE:
		emitf(r, "%s dma=0x%016llx refs=%s released", stmt_words[st->kind],
		      (unsigned long long)res->dma, refs);
		break;
	default:
		emitf(r, "%s ref=%u flags=0x%x", stmt_words[st->kind], res->ref, res->flags);
		break;
	}
}

static enum dmt_gnt_rc exec_op(struct dmt_gnt *g, const struct stmt *st,
			       struct dmt_gnt_result *res, struct dmt_findings *f)
{
	switch (st->kind) {
	case ST_MAP:
		return dmt_gnt_map(g, st->pfn, st->offset, st->size, st->dir, res, f);
	case ST_UNMAP:
		return dmt_gnt_unmap(g, st->dma, st->size, res, f);
	case ST_ALLOC:
		return dmt_gnt_alloc(g, st->size, st->has_pfn ? st->pfn : UINT64_MAX, res, f);
	case ST_FREE:
		return dmt_gnt_free(g, st->dma, st->size, res, f);
	case ST_BMAP:
		return dmt_gnt_backend_map(g, (uint32_t)st->ref, st->rw, res, f);
	default:
		return dmt_gnt_backend_unmap(g, (uint32_t)st->ref, res, f);
	}
}

/* Copy an op's findings to the run's list with the line in front. */
static void forward(struct run *r, const struct line *l, const struct dmt_findings *local,
		    enum dmt_label skip)
{
	for (size_t i = 0; i < local->count; i++) {
		const struct dmt_finding *fi = &local->items[i];

		if (fi->label != skip)
			dmt_report(r->f, fi->label, l->off, "line %zu: %s", l->no, fi->msg);
	}
}

static void run_device(struct run *r, const struct line *l, const struct stmt *st)
{
	if (r->ops_seen) {
		dmt_report(r->f, DMT_L_GrantScriptSyntax, l->off,
			   "line %zu: device header after the first operation", l->no);
		r->st->syntax_errors++;
		return;
	}
	dmt_gnt_free_all(r->g);
	if (dmt_gnt_init(r->g, &st->cfg) != DMT_GNT_OK) {
		dmt_report(r->f, DMT_L_OutOfMemory, l->off, "line %zu: cannot set up the table",
			   l->no);
		r->st->unexpected_failures++;
		return;
	}
	emitf(r, "device domid=%u page=%s frames=%u guest=%s", st->cfg.backend_domid,
	      page_name(st->cfg.page_shift), st->cfg.max_frames, st->dom0 ? "dom0" : "domu");
}

static void run_op(struct run *r, const struct line *l, const struct stmt *st)
{
	struct dmt_gnt_result res;
	struct dmt_findings local;
	enum dmt_gnt_rc rc;
	enum dmt_label lab;

	memset(&res, 0, sizeof(res));
	dmt_findings_init(&local);
	r->ops_seen = true;
	r->st->ops++;
	rc = exec_op(r->g, st, &res, &local);
	lab = dmt_gnt_rc_label(rc);
	if (rc == DMT_GNT_OK) {
		emit_success(r, st, &res);
		if (st->expect_fail) {
			dmt_report(r->f, DMT_L_GrantUnexpectedSuccess, l->off,
				   "line %zu: %s was expected to fail and succeeded", l->no,
				   stmt_words[st->kind]);
			r->st->unexpected_successes++;
		}
		forward(r, l, &local, DMT_L_NONE);
	} else if (st->expect_fail) {
		emitf(r, "%s failed as expected: %s", stmt_words[st->kind], dmt_label_name(lab));
		r->st->failed_expected++;
		forward(r, l, &local, lab);
	} else {
		const char *why = "";

		for (size_t i = 0; i < local.count; i++)
			if (local.items[i].label == lab)
				why = local.items[i].msg;
		emitf(r, "%s FAILED %s: %s", stmt_words[st->kind], dmt_label_name(lab), why);
		r->st->unexpected_failures++;
		forward(r, l, &local, DMT_L_NONE);
	}
	dmt_findings_free(&local);
	dmt_findings_init(&local);
	if (dmt_gnt_check(r->g, &local)) {
		emitf(r, "invariant broken after line %zu", l->no);
		r->st->invariant_failures++;
		forward(r, l, &local, DMT_L_NONE);
	}
	dmt_findings_free(&local);
}

static void run_line(struct run *r, struct line *l, const char *s, size_t len)
{
	struct stmt st;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '#') {
			len = i;
			break;
		}
	}
	if (split(l, s, len) < 0 || (l->n && parse_stmt(l, &st) < 0)) {
		dmt_report(r->f, DMT_L_GrantScriptSyntax, l->off, "line %zu: %s", l->no, l->msg);
		r->st->syntax_errors++;
		return;
	}
	if (!l->n)
		return;
	if (st.kind == ST_DEVICE)
		run_device(r, l, &st);
	else
		run_op(r, l, &st);
}

int dmt_gnt_script_run(const uint8_t *buf, size_t len, struct dmt_gnt *g,
		       dmt_gnt_emit_fn emit, void *ctx, struct dmt_findings *f,
		       struct dmt_gnt_script_stats *st)
{
	struct dmt_gnt_script_stats local_st;
	struct run r = { g, emit, ctx, f, st ? st : &local_st, false };
	struct line l;
	size_t pos = 0;

	memset(r.st, 0, sizeof(*r.st));
	if (!g || (!buf && len))
		return 1;
	memset(&l, 0, sizeof(l));
	while (pos < len) {
		const char *s = (const char *)buf + pos;
		const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		l.no++;
		l.off = pos;
		r.st->lines++;
		run_line(&r, &l, s, n);
		pos += n + (nl ? 1 : 0);
	}
	return r.st->syntax_errors || r.st->unexpected_failures || r.st->unexpected_successes ||
	       r.st->invariant_failures ? 1 : 0;
}

/* ---- the final table --------------------------------------------------------- */

static void emit_entry(const struct dmt_gnt *g, uint32_t ref, dmt_gnt_emit_fn emit, void *ctx)
{
	const struct dmt_layout *lay = &dmt_grant_entry_v1_layout;
	uint8_t b[DMT_GNT_ENTRY_SIZE];
	char line[160];
	size_t used;

	dmt_gnt_entry_bytes(g, ref, b);
	used = (size_t)snprintf(line, sizeof(line), "entry ref=%u", ref);
	for (size_t i = 0; i < lay->nfields && used < sizeof(line); i++) {
		uint64_t v = 0;
		int w;

		dmt_field_get(lay, i, b, sizeof(b), 0, &v);
		w = snprintf(line + used, sizeof(line) - used, " %s=0x%0*llx", lay->fields[i].name,
			     (int)lay->fields[i].width * 2, (unsigned long long)v);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	emit(ctx, line);
}

void dmt_gnt_emit_table(const struct dmt_gnt *g, dmt_gnt_emit_fn emit, void *ctx)
{
	char line[200];
	size_t live = 0;

	if (!emit)
		return;
	for (size_t i = 0; i < g->nmaps; i++)
		live += g->maps[i].live;
	snprintf(line, sizeof(line),
		 "table frames=%u/%u refs=%u free=%u live=%zu backend=%u page=%s broken=%s",
		 g->nr_frames, g->max_frames, g->size, g->free_count, live,
		 g->dev.backend_domid, page_name(g->dev.page_shift),
		 g->dev.broken ? "yes" : "no");
	emit(ctx, line);
	for (uint32_t ref = 0; ref < g->size; ref++)
		if (g->ent[ref].flags)
			emit_entry(g, ref, emit, ctx);
}
