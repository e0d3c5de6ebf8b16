/* dmatopo replay: boot each vector's machine in QEMU, two at a time by default, and
 * compare the kernel's endpoint IDs with the reference. KTAP on stdout in vector
 * order as verdicts arrive, JUnit XML on request, results under --results. */
/* nftw is X/Open */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "replay.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_VECTORS 4096
#define MAX_JOBS 16

static void replay_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo replay [--junit FILE] [--jobs N] [--timeout S] [--results DIR]\n"
		"                      [--qemu-x86 BIN] [--qemu-arm64 BIN] [--kernel-x86 IMG]\n"
		"                      [--kernel-arm64 IMG] [--initrd-x86 CPIO] [--initrd-arm64 CPIO]\n"
		"                      [--viot-upgrade] [--known FILE] [--summary FILE] [--report FILE]\n"
		"                      [--tally FILE] [--title TEXT] [--kernel-label NAME]\n"
		"                      [--report-checks] [--xen XEN] [--known-e2e FILE]\n"
		"                      VECTOR|FOLDER...\n\n"
		"Boot every vector with a `replay` statement in QEMU (x86_64: q35 + virtio-iommu-pci,\n"
		"QEMU builds the VIOT; arm64: virt + virtio-iommu-pci, QEMU's DT rewritten with the\n"
		"vector's maps and passed with -dtb), read the kernel's endpoint IDs from the console,\n"
		"resolve every enumerated device with the reference (linux profile, DMA aliases as\n"
		"pci_for_each_dma_alias walks them) on the VIOT or DT the guest saw, and compare.\n"
		"Defaults: --jobs 2, --timeout 120 (per boot; the process group is killed), --results\n"
		"build/results/replay. Binaries and images default to QEMU_X86, QEMU_ARM64,\n"
		"DMT_KERNEL_X86, DMT_KERNEL_ARM64, DMT_INITRD_X86, DMT_INITRD_ARM64 from the environment.\n"
		"--viot-upgrade (x86_64): give the kernel the vector's own VIOT instead of QEMU's, through\n"
		"the initrd ACPI table upgrade (a cpio with kernel/firmware/acpi/viot.aml before the\n"
		"initramfs); needs a kernel whose drivers/acpi/tables.c allows VIOT. The verdict uses the\n"
		"table the guest shows, so a kernel that ignores the upgrade is still judged on QEMU's.\n"
		"`replay xen-arm64` vectors boot Xen 4.17 (--xen IMG or DMT_XEN) on arm virt with the\n"
		"arm64 kernel as dom0 and judge Xen grant DMA instead of endpoint IDs: for each virtio\n"
		"device, the backend domid the kernel chose (or none) against `grant domid` on dom0's DT,\n"
		"and each grant map (grants, frames, read-only, domid, DMA address) against the model.\n"
		"A disagreement is a failure; a boot without a complete observation (timeout, panic,\n"
		"QEMU dying or refusing its command line, no 'DMT done', a blob failing its CRC) is an\n"
		"error, after one retry.\n\n"
		"This is the gate's one verdict. --known FILE lists known divergences, one per line:\n"
		"VECTOR REASON... (VECTOR is the path or a tail of it after a '/'; '#' starts a comment\n"
		"line; a reason is required). A listed vector that still disagrees is accepted (KTAP\n"
		"TODO, JUnit skipped); one that agrees now is XPASS and fails the run; an ERROR is never\n"
		"excused. --summary writes one JSON line per vector (verdict pass|fail|error|known|xpass|\n"
		"skip), --report the Markdown REPORT.md includes (agreement matrix, a row per vector;\n"
		"headings start with --title, default \"Replay\"; --report-checks adds every check with\n"
		"both sides), --tally \"passed failed skipped\".\n"
		"--kernel-label NAME (e.g. 6.12) goes into every summary line as \"kernel\", so that\n"
		"`dmatopo merge` keeps the runs of several kernels and shards apart.\n"
		"Exit status 0 only when at least one vector was replayed and none is FAIL, ERROR or\n"
		"XPASS; 1 otherwise; 2 on usage errors (a malformed --known file included).\n\n"
		"The device side is judged too: QEMU's virtio-iommu trace (init_iommu_mr, the\n"
		"fill_resv_property lines of each PROBE that succeeded, attach, get_endpoint) against\n"
		"the qemu-7.2 device model's answers to the same requests, and each device gets an\n"
		"end-to-end state: translated, bypassing (no ID from the kernel) or broken (IDs, and\n"
		"no translation). QEMU answering otherwise than the model fails the vector, whatever\n"
		"--known says; so does a broken device, unless QEMU cannot know the firmware the kernel\n"
		"used (an arm64 DT the replay rewrote gives it other IDs) or --known-e2e FILE lists it:\n"
		"VECTOR@SSSS:BB:DD.F REASON... per line. A listed device that is not broken any more,\n"
		"or one the vector does not have, fails the vector (XPASS).\n");
}

struct vec_list {
	char **path;
	size_t n;
	bool overflow;
};

static struct vec_list *walk_list;	/* nftw has no context pointer */

static int add_path(struct vec_list *l, const char *p)
{
	char **np;

	if (l->n == MAX_VECTORS) {
		l->overflow = true;
		return -1;
	}
	np = realloc(l->path, (l->n + 1) * sizeof(*np));
	if (!np)
		return -1;
	l->path = np;
	l->path[l->n] = strdup(p);
	if (!l->path[l->n])
		return -1;
	l->n++;
	return 0;
}

static int visit(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(p);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 4 && strcmp(p + n - 4, ".vec") == 0)
		add_path(walk_list, p);
	return walk_list->overflow ? 1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(const char *root, struct vec_list *l, FILE *err)
{
	struct stat st;
	size_t first = l->n;

	if (stat(root, &st)) {
		fprintf(err, "dmatopo replay: %s: no such file or folder\n", root);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_path(l, root);
	walk_list = l;
	nftw(root, visit, 16, FTW_PHYS);
	qsort(l->path + first, l->n - first, sizeof(*l->path), cmp_str);
	return 0;
}

int dmt_mkdir_p(const char *path)
{
	char tmp[4096];

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

/* ---- the worker pool ----------------------------------------------------- */

struct pool {
	pthread_mutex_t lock;
	struct replay_known *known;
	struct replay_known *known_e2e;
	pthread_cond_t changed;
	const struct vec_list *vectors;
	const char *results;
	const struct replay_env *env;
	FILE *err;
	struct replay_verdict *verdicts;
	bool *done;
	size_t next;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->lock);
		i = p->next < p->vectors->n ? p->next++ : SIZE_MAX;
		pthread_mutex_unlock(&p->lock);
		if (i == SIZE_MAX)
			return NULL;
		replay_one(p->vectors->path[i], p->results, p->env, i + 1, p->vectors->n,
			   &p->verdicts[i], p->err);
		pthread_mutex_lock(&p->lock);
		p->done[i] = true;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
}

/* The gate's verdict for one finished vector (replay_verdict.c decides). */
static void judge_vector(struct replay_known *known, struct replay_known *known_e2e,
			 struct replay_verdict *v)
{
	struct replay_known_entry *e = replay_known_find(known, v->vector);

	replay_e2e_waive(known_e2e, v);
	if (e) {
		e->used = true;
		v->known_reason = e->reason;
	}
	v->gate = replay_gate_of(v, e != NULL);
}

/* Prints each vector's KTAP as soon as it and every vector before it are done. */
static void print_in_order(struct pool *p, FILE *out)
{
	for (size_t i = 0; i < p->vectors->n; i++) {
		pthread_mutex_lock(&p->lock);
		while (!p->done[i])
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
		judge_vector(p->known, p->known_e2e, &p->verdicts[i]);
		replay_ktap(out, &p->verdicts[i], i + 1);
		fflush(out);
	}
}

static void run_pool(struct pool *p, unsigned jobs, FILE *out)
{
	pthread_t tid[MAX_JOBS];
	unsigned started = 0;

	for (unsigned i = 0; i < jobs; i++)
		if (pthread_create(&tid[started], NULL, worker, p) == 0)
			started++;
	if (started == 0)
		worker(p);	/* no threads: do it here */
	print_in_order(p, out);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

/* ---- options ------------------------------------------------------------- */

struct replay_opts {
	const char *junit, *results, *known, *summary, *report, *tally, *title, *kernel_label;
	const char *known_e2e;
	unsigned jobs;
	bool report_checks;
	struct replay_env env;
};

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

void replay_env_from_environment(struct replay_env *env)
{
	memset(env, 0, sizeof(*env));
	env->qemu[REPLAY_X86_64] = env_or_null("QEMU_X86");
	env->qemu[REPLAY_ARM64] = env_or_null("QEMU_ARM64");
	env->kernel[REPLAY_X86_64] = env_or_null("DMT_KERNEL_X86");
	env->kernel[REPLAY_ARM64] = env_or_null("DMT_KERNEL_ARM64");
	env->initrd[REPLAY_X86_64] = env_or_null("DMT_INITRD_X86");
	env->initrd[REPLAY_ARM64] = env_or_null("DMT_INITRD_ARM64");
	env->xen = env_or_null("DMT_XEN");
}

static void default_opts(struct replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = 2;
	o->results = "build/results/replay";
	o->title = "Replay";
	replay_env_from_environment(&o->env);
	o->env.timeout_s = 120;
}

/* Options that take a string value, and where it goes. */
static const char **string_opt(struct replay_opts *o, const char *name)
{
	static const struct {
		const char *name;
		int which;	/* 0 junit, 1 results, 2.. env slots */
	} table[] = {
		{ "--junit", 0 }, { "--results", 1 }, { "--qemu-x86", 2 }, { "--qemu-arm64", 3 },
		{ "--kernel-x86", 4 }, { "--kernel-arm64", 5 }, { "--initrd-x86", 6 },
		{ "--initrd-arm64", 7 }, { "--known", 8 }, { "--summary", 9 }, { "--report", 10 },
		{ "--tally", 11 }, { "--title", 12 }, { "--kernel-label", 13 }, { "--xen", 14 },
		{ "--known-e2e", 15 },
	};
	const char **slots[] = {
		&o->junit, &o->results, &o->env.qemu[REPLAY_X86_64], &o->env.qemu[REPLAY_ARM64],
		&o->env.kernel[REPLAY_X86_64], &o->env.kernel[REPLAY_ARM64],
		&o->env.initrd[REPLAY_X86_64], &o->env.initrd[REPLAY_ARM64], &o->known, &o->summary,
		&o->report, &o->tally, &o->title, &o->kernel_label, &o->env.xen, &o->known_e2e,
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(name, table[i].name) == 0)
			return slots[table[i].which];
	return NULL;
}

static int parse_opts(int argc, char **argv, struct replay_opts *o, struct vec_list *l, FILE *err)
{
	for (int i = 1; i < argc; i++) {
		const char **slot = string_opt(o, argv[i]);
		bool has_value = i + 1 < argc;

		if (slot && has_value) {
			*slot = argv[++i];
		} else if (strcmp(argv[i], "--viot-upgrade") == 0) {
			o->env.viot_upgrade = true;
		} else if (strcmp(argv[i], "--report-checks") == 0) {
			o->report_checks = true;
		} else if (strcmp(argv[i], "--jobs") == 0 && has_value) {
			if (parse_uint(argv[++i], 1, MAX_JOBS, &o->jobs)) {
				fprintf(err, "dmatopo replay: --jobs takes 1..%d\n", MAX_JOBS);
				return -1;
			}
		} else if (strcmp(argv[i], "--timeout") == 0 && has_value) {
			if (parse_uint(argv[++i], 1, 3600, &o->env.timeout_s)) {
				fprintf(err, "dmatopo replay: --timeout takes 1..3600 seconds\n");
				return -1;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(err, "dmatopo replay: unknown option or missing value: %s\n", argv[i]);
			return -1;
		} else if (collect(argv[i], l, err)) {
			return -1;
		}
	}
	if (l->n == 0) {
		fprintf(err, "dmatopo replay: no vectors given\n");
		return -1;
	}
	if (l->overflow) {
		fprintf(err, "dmatopo replay: more than %d vectors\n", MAX_VECTORS);
		return -1;
	}
	return 0;
}

/* QEMU reads "file:PATH" option strings: a comma would start another option. */
static int bad_results_dir(const char *dir, FILE *err)
{
	if (!strchr(dir, ','))
		return 0;
	fprintf(err, "dmatopo replay: --results must not contain a comma (QEMU option syntax)\n");
	return -1;
}

static int write_junit(const char *path, const struct replay_verdict *v, size_t n, FILE *err)
{
	FILE *j = fopen(path, "w");
	int rc;

	if (!j) {
		fprintf(err, "dmatopo replay: cannot write %s\n", path);
		return -1;
	}
	fprintf(j, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dmatopo replay\">\n");
	for (size_t i = 0; i < n; i++)
		replay_junit_suite(j, &v[i]);
	fprintf(j, "</testsuites>\n");
	rc = ferror(j);
	rc |= fclose(j);
	if (rc)
		fprintf(err, "dmatopo replay: cannot write %s\n", path);
	return rc ? -1 : 0;
}

static void jsonl_writer(FILE *f, const void *arg)
{
	replay_summary_jsonl(f, arg);
}

static void markdown_writer(FILE *f, const void *arg)
{
	replay_summary_markdown(f, arg);
}

static void tally_writer(FILE *f, const void *arg)
{
	replay_summary_tally(f, arg);
}

/* The run-level files the options ask for; a file that cannot be written fails the
 * run, since a CI reading it would otherwise see an old one or none. */
static int write_summaries(const struct replay_opts *o, const struct replay_run_summary *s,
			   FILE *err)
{
	const struct {
		const char *path;
		void (*fn)(FILE *, const void *);
	} files[] = {
		{ o->summary, jsonl_writer }, { o->report, markdown_writer }, { o->tally, tally_writer },
	};
	int rc = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!files[i].path || replay_write_atomic(files[i].path, files[i].fn, s) == 0)
			continue;
		fprintf(err, "dmatopo replay: cannot write %s\n", files[i].path);
		rc = -1;
	}
	return rc;
}

static void free_list(struct vec_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->path[i]);
	free(l->path);
}

int replay_known_load(const char *cmd, const char *path, replay_known_parser parse,
		      struct replay_known *k, FILE *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char why[300];
	int rc;

	memset(k, 0, sizeof(*k));
	if (!path)
		return 0;
	if (dmt_read_file(path, &buf, &len, err))
		return -1;
	rc = parse((const char *)buf, len, k, why, sizeof(why));
	free(buf);
	if (rc)
		fprintf(err, "dmatopo %s: %s: %s\n", cmd, path, why);
	return rc;
}

/* KTAP's closing lines: the counts, the list entries this run did not reach, the
 * verdict. */
static void print_totals(FILE *out, const struct replay_run_summary *s)
{
	const struct replay_tally *t = &s->tally;

	for (size_t i = 0; s->known && i < s->known->n; i++)
		if (!s->known->e[i].used)
			fprintf(out, "# known divergence not replayed in this run: %s\n",
				s->known->e[i].vector);
	for (size_t i = 0; s->known_e2e && i < s->known_e2e->n; i++)
		if (!s->known_e2e->e[i].used)
			fprintf(out, "# known end-to-end failure not replayed in this run: %s\n",
				s->known_e2e->e[i].vector);
	fprintf(out, "# replay: %zu passed, %zu failed, %zu errors, %zu known divergences, %zu xpass, %zu skipped in %.1fs\n",
		t->pass, t->fail, t->error, t->xfail, t->xpass, t->skip, s->seconds);
	if (replay_tally_ok(t))
		fprintf(out, "# verdict: PASS\n");
	else if (t->pass + t->fail + t->error + t->xfail + t->xpass == 0)
		fprintf(out, "# verdict: FAIL (no vector was replayed)\n");
	else
		fprintf(out, "# verdict: FAIL (%zu FAIL, %zu ERROR, %zu XPASS)\n", t->fail, t->error,
			t->xpass);
}

static int setup_pool(struct pool *p, const struct vec_list *l, const struct replay_opts *o,
		      struct replay_known *known, struct replay_known *known_e2e, FILE *err)
{
	memset(p, 0, sizeof(*p));
	p->verdicts = calloc(l->n, sizeof(*p->verdicts));
	p->done = calloc(l->n, sizeof(*p->done));
	if (!p->verdicts || !p->done) {
		free(p->verdicts);
		free(p->done);
		return -1;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	p->vectors = l;
	p->results = o->results;
	p->env = &o->env;
	p->err = err;
	p->known = known;
	p->known_e2e = known_e2e;
	return 0;
}

static void free_pool(struct pool *p)
{
	for (size_t i = 0; i < p->vectors->n; i++)
		replay_checks_free(&p->verdicts[i].checks);
	free(p->verdicts);
	free(p->done);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
}

int cmd_replay(int argc, char **argv, FILE *out, FILE *err)
{
	struct replay_opts o;
	struct replay_known known = { 0 }, known_e2e = { 0 };
	struct replay_run_summary s;
	struct vec_list l = { 0 };
	struct pool p;
	int rc = DMT_EXIT_OK;

	if (argc == 2 && dmt_is_help(argv[1])) {
		replay_help(out);
		return DMT_EXIT_OK;
	}
	default_opts(&o);
	if (parse_opts(argc, argv, &o, &l, err) || bad_results_dir(o.results, err) ||
	    replay_known_load("replay", o.known, replay_known_parse, &known, err) ||
	    replay_known_load("replay", o.known_e2e, replay_e2e_known_parse, &known_e2e, err)) {
		replay_known_free(&known);
		free_list(&l);
		return DMT_EXIT_USAGE;
	}
	if (dmt_mkdir_p(o.results) || setup_pool(&p, &l, &o, &known, &known_e2e, err)) {
		fprintf(err, "dmatopo replay: cannot create %s\n", o.results);
		replay_known_free(&known);
		replay_known_free(&known_e2e);
		free_list(&l);
		return DMT_EXIT_USAGE;
	}
	o.env.started = replay_now();
	fprintf(out, "KTAP version 1\n1..%zu\n", l.n);
	run_pool(&p, o.jobs, out);
	memset(&s, 0, sizeof(s));
	s.v = p.verdicts;
	s.n = l.n;
	s.known = &known;
	s.known_e2e = &known_e2e;
	s.title = o.title;
	s.all_checks = o.report_checks;
	s.kernel = o.kernel_label;
	for (int a = 0; a < REPLAY_ARCH_COUNT; a++) {
		s.qemu_bin[a] = replay_qemu_bin(&o.env, (enum replay_arch)a);
		replay_qemu_version(&o.env, (enum replay_arch)a, o.results, s.qemu_version[a],
				    sizeof(s.qemu_version[a]));
	}
	s.seconds = replay_now() - o.env.started;
	for (size_t i = 0; i < l.n; i++)
		replay_tally_add(&s.tally, p.verdicts[i].gate);
	print_totals(out, &s);
	if (!replay_tally_ok(&s.tally))
		rc = DMT_EXIT_FINDINGS;
	if ((o.junit && write_junit(o.junit, p.verdicts, l.n, err)) || write_summaries(&o, &s, err))
		rc = DMT_EXIT_USAGE;
	free_pool(&p);
	replay_known_free(&known);
	replay_known_free(&known_e2e);
	free_list(&l);
	return rc;
}
