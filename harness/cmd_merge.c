/* dmatopo merge: one verdict over the shards of a gate (make gate SHARD=i/N, one
 * results folder each) and over its kernels. Each folder's shard.txt says which shard
 * it is and which replay summaries it wrote:
 *     shard I N
 *     run KERNEL SUMMARY-PATH VECTORS
 * The merge reads every summary line (summary_json.c), takes each vector's verdict as
 * the replay wrote it, and tallies them with the replay's own rule (replay_verdict.c).
 * A shard missing or given twice, a summary with fewer lines than its shard ran, or a
 * line that does not parse is a labelled finding and a red run: a merge never passes
 * on part of the matrix. */
#include "cli.h"
#include "replay.h"
#include "summary_json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHARDS 1024
#define MAX_KERNELS 8

struct merge_row {
	char kernel[32], arch[16], vector[256];
	enum replay_gate gate;
	unsigned long pass, fail, error, notes;
	double verdict_s;
};

struct merge {
	struct merge_row *rows;
	size_t n, cap;
	unsigned nshards;		/* N of the first manifest */
	bool seen[MAX_SHARDS + 1];
	char kernels[MAX_KERNELS][32];
	size_t nkernels;
	unsigned findings;
	FILE *out, *err;
};

static void finding(struct merge *m, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finding(struct merge *m, const char *label, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(m->out, "# error %s: %s\n", label, msg);
	fprintf(m->err, "dmatopo merge: %s: %s\n", label, msg);
	m->findings++;
}

static int gate_of_name(const char *s, enum replay_gate *g)
{
	for (int i = GATE_PASS; i <= GATE_XPASS; i++)
		if (strcmp(s, replay_gate_name((enum replay_gate)i)) == 0) {
			*g = (enum replay_gate)i;
			return 0;
		}
	return -1;
}

static void note_kernel(struct merge *m, const char *k)
{
	for (size_t i = 0; i < m->nkernels; i++)
		if (strcmp(m->kernels[i], k) == 0)
			return;
	if (m->nkernels < MAX_KERNELS)
		replay_fmt(m->kernels[m->nkernels++], sizeof(m->kernels[0]), "%s", k);
}

static unsigned long count_of(const struct dmt_jobj *o, const char *key)
{
	const struct dmt_jfield *f = dmt_json_get(o, key);

	return f && f->kind == DMT_J_NUM && f->num >= 0 && f->num < 1e9 ? (unsigned long)f->num : 0;
}

/* One summary line into a row; the kernel comes from the line, else the manifest. */
static int add_row(struct merge *m, const struct dmt_jobj *o, const char *kernel, char *why,
		   size_t whylen)
{
	const struct dmt_jfield *vec = dmt_json_get(o, "vector"), *arch = dmt_json_get(o, "arch"),
				*verdict = dmt_json_get(o, "verdict"), *k = dmt_json_get(o, "kernel"),
				*vs = dmt_json_get(o, "verdict_seconds");
	struct merge_row *r;

	if (!vec || vec->kind != DMT_J_STR || !verdict || verdict->kind != DMT_J_STR) {
		replay_fmt(why, whylen, "no \"vector\" or \"verdict\" string");
		return -1;
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct merge_row *p = realloc(m->rows, ncap * sizeof(*p));

		if (!p) {
			replay_fmt(why, whylen, "out of memory");
			return -1;
		}
		m->rows = p;
		m->cap = ncap;
	}
	r = &m->rows[m->n];
	memset(r, 0, sizeof(*r));
	if (gate_of_name(verdict->str, &r->gate)) {
		replay_fmt(why, whylen, "unknown verdict \"%.40s\"", verdict->str);
		return -1;
	}
	replay_fmt(r->vector, sizeof(r->vector), "%s", vec->str);
	replay_fmt(r->arch, sizeof(r->arch), "%s", arch && arch->kind == DMT_J_STR ? arch->str : "-");
	replay_fmt(r->kernel, sizeof(r->kernel), "%s", k && k->kind == DMT_J_STR ? k->str : kernel);
	r->pass = count_of(o, "pass");
	r->fail = count_of(o, "fail");
	r->error = count_of(o, "error");
	r->notes = count_of(o, "notes");
	r->verdict_s = vs && vs->kind == DMT_J_NUM ? vs->num : 0;
	note_kernel(m, r->kernel);
	m->n++;
	return 0;
}

/* Every line of one summary; the count must be what the shard says it ran. */
static void read_summary(struct merge *m, const char *path, const char *kernel,
			 unsigned long want)
{
	uint8_t *buf = NULL;
	size_t len = 0, pos = 0, lines = 0;
	struct dmt_jobj *o = malloc(sizeof(*o));
	char why[300];

	if (!o || dmt_read_file(path, &buf, &len, m->err)) {
		finding(m, "MergeMissingSummary", "%s cannot be read", path);
		free(o);
		return;
	}
	while (pos < len) {
		const char *line = (const char *)buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + 1;
		if (n == 0)
			continue;
		lines++;
		if (dmt_json_flat_parse(line, n, o, why, sizeof(why)) ||
		    add_row(m, o, kernel, why, sizeof(why)))
			finding(m, "MergeBadSummary", "%s line %zu: %s", path, lines, why);
	}
	if (lines != want)
		finding(m, "MergeShortSummary", "%s has %zu line(s), its shard ran %lu", path, lines,
			want);
	free(buf);
	free(o);
}

static void read_manifest_line(struct merge *m, const char *dir, const char *line, bool *head)
{
	unsigned i, n;
	unsigned long count;
	char kernel[32], rel[256], path[4096];

	if (sscanf(line, "shard %u %u", &i, &n) == 2) {
		if (*head || n == 0 || n > MAX_SHARDS || i == 0 || i > n) {
			finding(m, "MergeBadManifest", "%s/shard.txt: bad or second 'shard' line", dir);
			return;
		}
		*head = true;
		if (!m->nshards)
			m->nshards = n;
		if (n != m->nshards)
			finding(m, "MergeShardCount", "%s is shard %u/%u, others are of %u", dir, i, n,
				m->nshards);
		else if (m->seen[i])
			finding(m, "MergeDuplicateShard", "shard %u/%u given twice (%s)", i, n, dir);
		m->seen[i] = true;
	} else if (sscanf(line, "run %31s %255s %lu", kernel, rel, &count) == 3 && *head) {
		replay_fmt(path, sizeof(path), "%s/%s", dir, rel);
		read_summary(m, path, kernel, count);
	} else if (line[0] && line[0] != '#') {
		finding(m, "MergeBadManifest", "%s/shard.txt: cannot read \"%.60s\"", dir, line);
	}
}

static void read_shard(struct merge *m, const char *dir)
{
	char path[4096], *text, *line, *save = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool head = false;

	replay_fmt(path, sizeof(path), "%s/shard.txt", dir);
	if (dmt_read_file(path, &buf, &len, m->err)) {
		finding(m, "MergeBadManifest", "%s has no shard.txt (not a gate results folder?)", dir);
		return;
	}
	text = realloc(buf, len + 1);
	if (!text) {
		free(buf);
		return;
	}
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		read_manifest_line(m, dir, line, &head);
	if (!head)
		finding(m, "MergeBadManifest", "%s has no 'shard I N' line", path);
	free(text);
}

/* ---- the merged report --------------------------------------------------- */

static struct replay_tally tally_of(const struct merge *m, const char *kernel)
{
	struct replay_tally t = { 0 };

	for (size_t i = 0; i < m->n; i++)
		if (!kernel || strcmp(m->rows[i].kernel, kernel) == 0)
			replay_tally_add(&t, m->rows[i].gate);
	return t;
}

static void per_kernel(FILE *out, const struct merge *m)
{
	fprintf(out, "| Kernel | Vectors | Pass | Fail | Error | Known divergence | XPASS | Skip | Verdict |\n");
	fprintf(out, "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t k = 0; k < m->nkernels; k++) {
		struct replay_tally t = tally_of(m, m->kernels[k]);

		fprintf(out, "| %s | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %s |\n", m->kernels[k],
			t.pass + t.fail + t.error + t.xfail + t.xpass + t.skip, t.pass, t.fail,
			t.error, t.xfail, t.xpass, t.skip, replay_tally_ok(&t) ? "PASS" : "**FAIL**");
	}
	fprintf(out, "\n");
}

static const struct merge_row *row_for(const struct merge *m, const char *vector,
				       const char *kernel)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].vector, vector) == 0 && strcmp(m->rows[i].kernel, kernel) == 0)
			return &m->rows[i];
	return NULL;
}

static int cmp_row(const void *a, const void *b)
{
	const struct merge_row *x = a, *y = b;
	int c = strcmp(x->arch, y->arch);

	return c ? c : strcmp(x->vector, y->vector);
}

/* A row per vector, a column per kernel: "pass 17" is the verdict and the agreeing
 * checks; a vector a kernel did not run is "-". */
static void matrix(FILE *out, struct merge *m)
{
	qsort(m->rows, m->n, sizeof(*m->rows), cmp_row);
	fprintf(out, "| Machine | Topology |");
	for (size_t k = 0; k < m->nkernels; k++)
		fprintf(out, " Linux %s |", m->kernels[k]);
	fprintf(out, "\n|---|---|");
	for (size_t k = 0; k < m->nkernels; k++)
		fprintf(out, "---|");
	fprintf(out, "\n");
	for (size_t i = 0; i < m->n; i++) {
		char topo[160];

		if (i && strcmp(m->rows[i].vector, m->rows[i - 1].vector) == 0)
			continue;
		dmt_file_stem(m->rows[i].vector, ".vec", topo, sizeof(topo));
		fprintf(out, "| %s | %s |", m->rows[i].arch, topo);
		for (size_t k = 0; k < m->nkernels; k++) {
			const struct merge_row *r = row_for(m, m->rows[i].vector, m->kernels[k]);

			if (!r)
				fprintf(out, " - |");
			else
				fprintf(out, " %s%s%s %lu/%lu |", r->gate == GATE_PASS ? "" : "**",
					replay_gate_name(r->gate), r->gate == GATE_PASS ? "" : "**",
					r->pass, r->pass + r->fail + r->error);
		}
		fprintf(out, "\n");
	}
	fprintf(out, "\n");
}

static void markdown(FILE *out, const void *arg)
{
	struct merge *m = (struct merge *)arg;
	struct replay_tally t = tally_of(m, NULL);

	fprintf(out, "## Replay: every kernel\n\n");
	fprintf(out, "Verdict: **%s** (dmatopo merge over %u shard(s); %zu vector run(s), %u merge finding(s)).\n\n",
		replay_tally_ok(&t) && !m->findings ? "PASS" : "FAIL", m->nshards, m->n, m->findings);
	per_kernel(out, m);
	fprintf(out, "One row per vector, one column per kernel: the replay's verdict and the checks that\n"
		     "agreed out of all checks (devices, MSI IDs, firmware, lspci).\n\n");
	matrix(out, m);
}

static void tally_file(FILE *out, const void *arg)
{
	const struct merge *m = arg;
	struct replay_tally t = tally_of(m, NULL);
	size_t failed = t.fail + t.error + t.xpass + m->findings;

	fprintf(out, "%zu %zu %zu\n", t.pass + t.xfail, failed ? failed : !replay_tally_ok(&t),
		t.skip);
}

static void merge_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo merge [--partial] [--report FILE] [--tally FILE] DIR...\n\n"
		"Merge gate results folders (one per shard of make gate SHARD=i/N, or one unsharded)\n"
		"into one verdict. Each DIR/shard.txt names its shard ('shard I N') and its replay\n"
		"summaries ('run KERNEL PATH VECTORS', PATH relative to DIR). Every shard 1..N must be\n"
		"given once and every summary must have one parseable line per vector it ran\n"
		"(MergeMissingShard, MergeDuplicateShard, MergeShardCount, MergeBadManifest,\n"
		"MergeMissingSummary, MergeShortSummary, MergeBadSummary). The vectors are tallied\n"
		"with the replay's own rule. --report writes the Markdown (per-kernel totals and a\n"
		"matrix with a column per kernel), --tally \"passed failed skipped\". --partial: the\n"
		"folders are some shards of a larger run (one shard's own job); the missing ones are\n"
		"listed, not counted.\n"
		"Exit status 0 only when nothing is missing and the tally passes; 1 otherwise; 2 on\n"
		"usage errors.\n");
}

/* --partial (one shard's own gate job): the others are merged later, elsewhere. */
static void check_complete(struct merge *m, bool partial)
{
	for (unsigned i = 1; i <= m->nshards; i++) {
		if (m->seen[i])
			continue;
		if (partial)
			fprintf(m->out, "# partial: shard %u/%u not merged\n", i, m->nshards);
		else
			finding(m, "MergeMissingShard", "shard %u/%u is not among the folders given", i,
				m->nshards);
	}
}

int cmd_merge(int argc, char **argv, FILE *out, FILE *err)
{
	struct merge m = { .out = out, .err = err };
	const char *report = NULL, *tally = NULL;
	struct replay_tally t;
	size_t ndirs = 0;
	bool partial = false;
	int rc;

	if (argc == 2 && dmt_is_help(argv[1])) {
		merge_help(out);
		return DMT_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
			report = argv[++i];
		} else if (strcmp(argv[i], "--tally") == 0 && i + 1 < argc) {
			tally = argv[++i];
		} else if (strcmp(argv[i], "--partial") == 0) {
			partial = true;
		} else if (argv[i][0] == '-') {
			fprintf(err, "dmatopo merge: unknown option or missing value: %s\n", argv[i]);
			return DMT_EXIT_USAGE;
		} else {
			read_shard(&m, argv[i]);
			ndirs++;
		}
	}
	if (!ndirs) {
		merge_help(err);
		return DMT_EXIT_USAGE;
	}
	check_complete(&m, partial);
	t = tally_of(&m, NULL);
	fprintf(out, "# merge: %u shard(s), %zu kernel(s), %zu vector run(s): %zu passed, %zu failed, %zu errors, %zu known divergences, %zu xpass, %zu skipped\n",
		m.nshards, m.nkernels, m.n, t.pass, t.fail, t.error, t.xfail, t.xpass, t.skip);
	rc = replay_tally_ok(&t) && !m.findings ? DMT_EXIT_OK : DMT_EXIT_FINDINGS;
	if (rc == DMT_EXIT_OK)
		fprintf(out, "# verdict: PASS\n");
	else
		fprintf(out, "# verdict: FAIL (%zu FAIL, %zu ERROR, %zu XPASS, %u merge finding(s)%s)\n",
			t.fail, t.error, t.xpass, m.findings, m.n ? "" : ", nothing replayed");
	if ((report && replay_write_atomic(report, markdown, &m)) ||
	    (tally && replay_write_atomic(tally, tally_file, &m))) {
		fprintf(err, "dmatopo merge: cannot write the report or tally\n");
		rc = DMT_EXIT_USAGE;
	}
	free(m.rows);
	return rc;
}
