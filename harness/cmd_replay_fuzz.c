/* dmatopo replay-fuzz: generated topologies, each booted under the real kernel and
 * judged by the replay's one verdict (replay_one), device by device against the
 * reference. Bounded by time and count, reproducible from its seed; a disagreement is
 * shrunk, named by its signature, and written once as a candidate vector with both
 * sides. Signatures in --known FILE (SIGNATURE REASON...) were analysed already. */
#include "cli.h"
#include "replay_fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PATH_CHARS 4096
#define MAX_JOBS 16
#define MAX_SIGS 256
#define SIG_CHARS 256
#define MAX_CORPUS 8192
#define MAX_CORPUS_DIRS 4

struct fz_opts {
	bool arm64, x86;
	double minutes;
	uint64_t max_cases;		/* 0: until the time is up */
	bool one_case;
	uint64_t case_index;
	uint64_t seed;
	unsigned jobs, shrink_boots;
	const char *out, *regress, *known, *report;
	size_t ncorpus_dirs;
	const char *corpus_dir[MAX_CORPUS_DIRS];
	struct replay_env env;
};

/* Files of the --corpus folders, sorted, so a case number names the same file. */
struct fz_corpus {
	size_t n;
	char **path;
};

struct fz_run {
	struct fz_opts *o;
	struct replay_known known;	/* signatures, in the replay's known-list format */
	struct fz_corpus corpus;
	pthread_mutex_t lock;
	uint64_t next_index, done, agree, disagree, error, known_hits, per_arch[REPLAY_ARCH_COUNT];
	uint64_t arch_agree[REPLAY_ARCH_COUNT], arch_disagree[REPLAY_ARCH_COUNT],
		arch_error[REPLAY_ARCH_COUNT];
	/* every signature seen, known ones too, with how often and the first case */
	size_t nseen;
	struct {
		char sig[SIG_CHARS];
		uint64_t count, first_case;
		char candidate[PATH_CHARS];
	} seen[MAX_SIGS];
	double started, deadline;
	size_t nsigs;
	char sigs[MAX_SIGS][SIG_CHARS];
	FILE *log, *jsonl, *err;
	bool new_finding;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dmatopo replay-fuzz [--arch arm64|x86_64|both] [--minutes N] [--cases N]\n"
		"                           [--jobs N] [--seed S] [--case K] [--out DIR] [--regress DIR]\n"
		"                           [--known FILE] [--timeout S] [--shrink-boots N]\n"
		"                           [--corpus DIR]... [--report FILE]\n"
		"                           [--kernel-x86 IMG] [--kernel-arm64 IMG]\n\n"
		"Generate topologies (arm64: the host bridge's iommu-map, iommu-map-mask, msi-map\n"
		"through the DT rewrite; x86_64: VIOT bytes through the initrd table upgrade, which\n"
		"needs a kernel that allows VIOT there), boot each and judge it with the replay's\n"
		"verdict: agree (every device as the reference says), disagree (a FAIL) or error (no\n"
		"complete observation). A case is made from --seed and its number: `--seed S --case K`\n"
		"replays one. A disagreement is shrunk (entries, ranges, lies, devices dropped, values\n"
		"made plainer while it persists, at most --shrink-boots boots, default 24), deduplicated\n"
		"by signature, and written to --regress DIR (default vectors/regress) with both sides.\n"
		"--corpus DIR (up to 4: the fuzz_dtb, fuzz_viot and fuzz_lang seeds or findings) gives\n"
		"every third case a corpus file's topology: arm64 takes the bytes of its first\n"
		"iommu-map, x86_64 its VIOT (a vector text is encoded first).\n"
		"--report FILE writes the run as Markdown (per machine, every signature seen).\n"
		"Defaults: --arch both, --minutes 5, --jobs 2, --timeout 30, --seed from the clock (printed),\n"
		"--out build/results/replay-fuzz. Images and QEMU as for `dmatopo replay`.\n"
		"The last line is `replay-fuzz: N cases, N agree, N disagree, N error`. Exit 0 when\n"
		"there was no error and every disagreement's signature is in --known; 1 otherwise;\n"
		"2 on usage errors.\n");
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct fz_opts *o, FILE *err)
{
	const char *a = argc > 1 ? argv[1] : "";
	uint64_t v;

	memset(o, 0, sizeof(*o));
	o->arm64 = o->x86 = true;
	o->minutes = 5;
	o->jobs = 2;
	o->shrink_boots = 24;
	o->seed = (uint64_t)time(NULL);
	o->out = "build/results/replay-fuzz";
	o->regress = "vectors/regress";
	replay_env_from_environment(&o->env);
	o->env.timeout_s = 30;	/* a case boots in 1-3 s; a hang is an ERROR either way */
	o->env.viot_upgrade = true;
	for (int i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		a = argv[i];

		if (!val) {
			fprintf(err, "dmatopo replay-fuzz: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (strcmp(a, "--arch") == 0) {
			o->arm64 = strcmp(val, "arm64") == 0 || strcmp(val, "both") == 0;
			o->x86 = strcmp(val, "x86_64") == 0 || strcmp(val, "both") == 0;
			if (!o->arm64 && !o->x86)
				goto bad;
		} else if (strcmp(a, "--minutes") == 0) {
			if (parse_u64(val, 100000, &v))
				goto bad;
			o->minutes = (double)v;
		} else if (strcmp(a, "--cases") == 0) {
			if (parse_u64(val, UINT32_MAX, &o->max_cases))
				goto bad;
		} else if (strcmp(a, "--case") == 0) {
			if (parse_u64(val, UINT64_MAX, &o->case_index))
				goto bad;
			o->one_case = true;
		} else if (strcmp(a, "--jobs") == 0) {
			if (parse_u64(val, MAX_JOBS, &v) || v == 0)
				goto bad;
			o->jobs = (unsigned)v;
		} else if (strcmp(a, "--seed") == 0) {
			if (parse_u64(val, UINT64_MAX, &o->seed))
				goto bad;
		} else if (strcmp(a, "--timeout") == 0) {
			if (parse_u64(val, 3600, &v) || v == 0)
				goto bad;
			o->env.timeout_s = (unsigned)v;
		} else if (strcmp(a, "--shrink-boots") == 0) {
			if (parse_u64(val, 1000, &v))
				goto bad;
			o->shrink_boots = (unsigned)v;
		} else if (strcmp(a, "--out") == 0) {
			o->out = val;
		} else if (strcmp(a, "--regress") == 0) {
			o->regress = val;
		} else if (strcmp(a, "--known") == 0) {
			o->known = val;
		} else if (strcmp(a, "--report") == 0) {
			o->report = val;
		} else if (strcmp(a, "--corpus") == 0) {
			if (o->ncorpus_dirs == MAX_CORPUS_DIRS)
				goto bad;
			o->corpus_dir[o->ncorpus_dirs++] = val;
		} else if (strcmp(a, "--kernel-x86") == 0) {
			o->env.kernel[REPLAY_X86_64] = val;
		} else if (strcmp(a, "--kernel-arm64") == 0) {
			o->env.kernel[REPLAY_ARM64] = val;
		} else {
			goto bad;
		}
	}
	if (strchr(o->out, ',')) {
		fprintf(err, "dmatopo replay-fuzz: --out must not contain a comma (QEMU option syntax)\n");
		return -1;
	}
	return 0;
bad:
	fprintf(err, "dmatopo replay-fuzz: bad option or value: %s\n", a);
	usage(err);
	return -1;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_corpus(const struct fz_opts *o, struct fz_corpus *c, FILE *err)
{
	memset(c, 0, sizeof(*c));
	for (size_t d = 0; d < o->ncorpus_dirs; d++) {
		struct dirent **list = NULL;
		int n = scandir(o->corpus_dir[d], &list, NULL, alphasort);

		if (n < 0) {
			fprintf(err, "dmatopo replay-fuzz: cannot read --corpus %s\n", o->corpus_dir[d]);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			char path[PATH_CHARS];
			struct stat st;

			replay_fmt(path, sizeof(path), "%s/%s", o->corpus_dir[d], list[i]->d_name);
			if (list[i]->d_name[0] != '.' && c->n < MAX_CORPUS && stat(path, &st) == 0 &&
			    S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= 65536) {
				char **grown = realloc(c->path, (c->n + 1) * sizeof(*grown));

				if (grown) {
					c->path = grown;
					c->path[c->n] = strdup(path);
					if (c->path[c->n])
						c->n++;
				}
			}
			free(list[i]);
		}
		free(list);
	}
	if (c->n)
		qsort(c->path, c->n, sizeof(c->path[0]), cmp_path);
	return 0;
}

static void free_corpus(struct fz_corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->path[i]);
	free(c->path);
}

/* Every third case takes a corpus file's topology, when there is a corpus. */
static void maybe_donate(const struct fz_run *r, struct fz_case *c)
{
	const char *path, *slash;
	uint8_t *buf = NULL;
	size_t len = 0;
	FILE *quiet;

	if (!r->corpus.n || c->index % 3 != 2)
		return;
	path = r->corpus.path[(c->index / 3) % r->corpus.n];
	slash = strrchr(path, '/');
	quiet = fopen("/dev/null", "w");
	if (dmt_read_file(path, &buf, &len, quiet ? quiet : r->err) == 0)
		fz_donate(c, buf, len, slash ? slash + 1 : path);
	if (quiet)
		fclose(quiet);
	free(buf);
}

/* The reason a signature was listed with, or NULL. The lookup marks the entry used:
 * callers hold r->lock. */
static const char *known_reason(struct fz_run *r, const char *sig)
{
	struct replay_known_entry *e = replay_known_find(&r->known, sig);

	return e ? e->reason : NULL;
}

static enum replay_arch arch_of(const struct fz_opts *o, uint64_t index)
{
	if (o->arm64 && o->x86)
		return index % 2 ? REPLAY_X86_64 : REPLAY_ARM64;
	return o->arm64 ? REPLAY_ARM64 : REPLAY_X86_64;
}

/* Write the case's vector to DIR/NAME.vec and judge it; the verdict is in v. */
static int run_case(struct fz_run *r, const struct fz_case *c, const char *name, const char *note,
		    struct replay_verdict *v)
{
	char *text = malloc(FZ_TEXT_MAX), path[PATH_CHARS], why[256], results[PATH_CHARS];
	FILE *quiet = fopen("/dev/null", "w");
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (!text || fz_vector_text(c, note, text, FZ_TEXT_MAX, why, sizeof(why))) {
		fprintf(r->err, "replay-fuzz: case %llu cannot be written: %s\n",
			(unsigned long long)c->index, text ? why : "out of memory");
		goto out;
	}
	replay_fmt(path, sizeof(path), "%s/cases/%s.vec", r->o->out, name);
	replay_fmt(results, sizeof(results), "%s/results", r->o->out);
	if (dmt_write_file(path, (const uint8_t *)text, strlen(text), r->err))
		goto out;
	replay_one(path, results, &r->o->env, c->index + 1, 0, v, r->log ? r->log : (quiet ? quiet : r->err));
	rc = 0;
out:
	if (quiet)
		fclose(quiet);
	free(text);
	return rc;
}

static bool same_sig(const struct replay_verdict *v, const char *sig)
{
	char s[SIG_CHARS];

	if (replay_gate_of(v, false) != GATE_FAIL)
		return false;
	fz_signature(v, s, sizeof(s));
	return strcmp(s, sig) == 0;
}

/* Smaller cases that keep the signature, within the boot budget. */
static void shrink(struct fz_run *r, struct fz_case *c, const char *sig)
{
	unsigned boots = 0, step = 0;
	struct fz_case s;

	while (boots < r->o->shrink_boots && fz_shrink_step(c, step, &s)) {
		struct replay_verdict *v = calloc(1, sizeof(*v));
		char name[96];
		bool keep;

		if (!v)
			return;
		replay_fmt(name, sizeof(name), "case-%llu-shrink-%u", (unsigned long long)c->index, boots);
		boots++;
		keep = run_case(r, &s, name, NULL, v) == 0 && same_sig(v, sig);
		replay_checks_free(&v->checks);
		free(v);
		if (keep) {
			*c = s;
			step = 0;
		} else {
			step++;
		}
	}
}

/* The first failing check's both sides, as comment lines of the candidate. */
static void both_sides(const struct replay_verdict *v, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < v->checks.n && used < len; i++)
		if (v->checks.c[i].status == REPLAY_FAIL)
			used += (size_t)snprintf(out + used, len - used, "%s# %s: %s", used ? "\n" : "",
						 v->checks.c[i].what, v->checks.c[i].diag);
}

static void write_candidate(struct fz_run *r, struct fz_case *c, const char *sig)
{
	struct replay_verdict *v = calloc(1, sizeof(*v));
	char note[2048], sides[1600], name[96], *text = malloc(FZ_TEXT_MAX), path[PATH_CHARS], why[256];
	uint32_t h = 2166136261u;

	if (!v || !text)
		goto out;
	for (const char *p = sig; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	replay_fmt(name, sizeof(name), "case-%llu-shrunk", (unsigned long long)c->index);
	if (run_case(r, c, name, NULL, v) || !same_sig(v, sig))
		goto out;	/* the shrunk case must still say it */
	both_sides(v, sides, sizeof(sides));
	replay_fmt(note, sizeof(note),
		   "# Candidate from replay-fuzz, shrunk; signature %s.\n"
		   "# The kernel disagreed with the reference (expect lines are the reference's side):\n%s",
		   sig, sides);
	if (fz_vector_text(c, note, text, FZ_TEXT_MAX, why, sizeof(why)))
		goto out;
	replay_fmt(path, sizeof(path), "%s/replay-fuzz-%s-%08x.vec", r->o->regress,
		   replay_arch_name(c->arch), h);
	if (dmt_write_file(path, (const uint8_t *)text, strlen(text), r->err) == 0) {
		fprintf(r->err, "replay-fuzz: new disagreement %s: candidate %s\n", sig, path);
		pthread_mutex_lock(&r->lock);
		for (size_t i = 0; i < r->nseen; i++)
			if (strcmp(r->seen[i].sig, sig) == 0)
				snprintf(r->seen[i].candidate, PATH_CHARS, "%s", path);
		pthread_mutex_unlock(&r->lock);
	}
out:
	if (v)
		replay_checks_free(&v->checks);
	free(v);
	free(text);
}

/* Record the signature; true when this run had not seen it yet. */
static bool first_time(struct fz_run *r, const char *sig)
{
	bool first = true;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->nsigs && first; i++)
		first = strcmp(r->sigs[i], sig) != 0;
	if (first && r->nsigs < MAX_SIGS)
		snprintf(r->sigs[r->nsigs++], SIG_CHARS, "%s", sig);
	pthread_mutex_unlock(&r->lock);
	return first;
}

/* Count a signature (lock held). */
static void note_signature(struct fz_run *r, const char *sig, uint64_t index)
{
	for (size_t i = 0; i < r->nseen; i++)
		if (strcmp(r->seen[i].sig, sig) == 0) {
			r->seen[i].count++;
			return;
		}
	if (r->nseen == MAX_SIGS)
		return;
	snprintf(r->seen[r->nseen].sig, SIG_CHARS, "%s", sig);
	r->seen[r->nseen].count = 1;
	r->seen[r->nseen].first_case = index;
	r->seen[r->nseen].candidate[0] = '\0';
	r->nseen++;
}

static void account(struct fz_run *r, const struct fz_case *c, enum replay_gate g, const char *sig,
		    bool known, double seconds)
{
	double elapsed;

	pthread_mutex_lock(&r->lock);
	r->done++;
	r->per_arch[c->arch]++;
	if (g == GATE_PASS) {
		r->agree++;
		r->arch_agree[c->arch]++;
	} else if (g == GATE_FAIL) {
		r->disagree++;
		r->arch_disagree[c->arch]++;
		note_signature(r, sig, c->index);
	} else {
		r->error++;
		r->arch_error[c->arch]++;
	}
	if (g == GATE_FAIL && known)
		r->known_hits++;
	if ((g == GATE_FAIL && !known) || (g != GATE_PASS && g != GATE_FAIL))
		r->new_finding = true;
	if (r->jsonl)
		fprintf(r->jsonl, "{\"case\":%llu,\"arch\":\"%s\",\"verdict\":\"%s\",\"signature\":\"%s\",\"known\":%s,\"seconds\":%.2f}\n",
			(unsigned long long)c->index, replay_arch_name(c->arch),
			g == GATE_PASS ? "agree" : g == GATE_FAIL ? "disagree" : "error", sig,
			known ? "true" : "false", seconds);
	elapsed = replay_now() - r->started;
	fprintf(r->err,
		"[replay-fuzz %3um%02us] %llu cases (arm64 %llu, x86_64 %llu): %llu agree, %llu disagree (%llu known), %llu error; %.0f cases/hour\n",
		(unsigned)(elapsed / 60), (unsigned)elapsed % 60,
		(unsigned long long)r->done, (unsigned long long)r->per_arch[REPLAY_ARM64],
		(unsigned long long)r->per_arch[REPLAY_X86_64], (unsigned long long)r->agree,
		(unsigned long long)r->disagree, (unsigned long long)r->known_hits,
		(unsigned long long)r->error, elapsed > 0 ? 3600.0 * (double)r->done / elapsed : 0);
	pthread_mutex_unlock(&r->lock);
}

/* The next case number, or false when the run is over. */
static bool take(struct fz_run *r, uint64_t *index)
{
	bool ok;

	pthread_mutex_lock(&r->lock);
	ok = replay_now() < r->deadline && (!r->o->max_cases || r->next_index < r->o->max_cases);
	if (r->o->one_case)
		ok = r->next_index == 0;
	if (ok)
		*index = r->o->one_case ? r->o->case_index : r->next_index;
	r->next_index++;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

static void one(struct fz_run *r, uint64_t index)
{
	struct replay_verdict *v = calloc(1, sizeof(*v));
	struct fz_case c;
	char name[64], sig[SIG_CHARS] = "";
	enum replay_gate g = GATE_ERROR;
	const char *reason = NULL;
	double t0 = replay_now();

	fz_generate(r->o->seed, index, arch_of(r->o, index), &c);
	maybe_donate(r, &c);
	replay_fmt(name, sizeof(name), "case-%llu", (unsigned long long)index);
	if (v && run_case(r, &c, name, NULL, v) == 0) {
		g = replay_gate_of(v, false);
		fz_signature(v, sig, sizeof(sig));
	}
	if (g == GATE_FAIL) {
		pthread_mutex_lock(&r->lock);
		reason = known_reason(r, sig);
		pthread_mutex_unlock(&r->lock);
	}
	account(r, &c, g, sig, reason != NULL, replay_now() - t0);
	if (g == GATE_FAIL && !reason && first_time(r, sig)) {
		shrink(r, &c, sig);
		write_candidate(r, &c, sig);
	}
	if (v)
		replay_checks_free(&v->checks);
	free(v);
}

static void *worker(void *arg)
{
	struct fz_run *r = arg;
	uint64_t index;

	while (take(r, &index))
		one(r, index);
	return NULL;
}

static int make_dirs(const struct fz_opts *o, FILE *err)
{
	char cases[PATH_CHARS], results[PATH_CHARS];
	const char *dirs[] = { o->out, cases, results, o->regress };

	replay_fmt(cases, sizeof(cases), "%s/cases", o->out);
	replay_fmt(results, sizeof(results), "%s/results", o->out);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (mkdir(dirs[i], 0755) && errno != EEXIST) {
			fprintf(err, "dmatopo replay-fuzz: cannot create %s\n", dirs[i]);
			return -1;
		}
	}
	return 0;
}

static FILE *open_in(const char *dir, const char *file)
{
	char path[PATH_CHARS];

	replay_fmt(path, sizeof(path), "%s/%s", dir, file);
	return fopen(path, "w");
}

static void write_report(struct fz_run *r, double minutes, FILE *err)
{
	FILE *f = fopen(r->o->report, "w");

	if (!f) {
		fprintf(err, "dmatopo replay-fuzz: cannot write %s\n", r->o->report);
		return;
	}
	fprintf(f, "Seed %llu, %.1f minutes, %u job(s), %zu corpus file(s): %llu cases, %.0f cases per hour.\n\n",
		(unsigned long long)r->o->seed, minutes, r->o->jobs, r->corpus.n,
		(unsigned long long)r->done, minutes > 0 ? 60.0 * (double)r->done / minutes : 0);
	fprintf(f, "| Machine | Cases | Agree | Disagree | Error |\n|---|---:|---:|---:|---:|\n");
	for (int a = 0; a < REPLAY_ARCH_COUNT; a++)
		if (r->per_arch[a])
			fprintf(f, "| %s | %llu | %llu | %llu | %llu |\n", replay_arch_name((enum replay_arch)a),
				(unsigned long long)r->per_arch[a], (unsigned long long)r->arch_agree[a],
				(unsigned long long)r->arch_disagree[a], (unsigned long long)r->arch_error[a]);
	fprintf(f, "\n");
	if (!r->nseen)
		fprintf(f, "No disagreement.\n\n");
	for (size_t i = 0; i < r->nseen; i++) {
		const char *why = known_reason(r, r->seen[i].sig);

		fprintf(f, "- `%s`: %llu case(s), first case %llu; %s%s%s%s\n", r->seen[i].sig,
			(unsigned long long)r->seen[i].count, (unsigned long long)r->seen[i].first_case,
			why ? "known: " : "**new**", why ? why : "",
			r->seen[i].candidate[0] ? "; candidate " : "", r->seen[i].candidate);
	}
	fprintf(f, "\n");
	fclose(f);
}

int cmd_replay_fuzz(int argc, char **argv, FILE *out, FILE *err)
{
	static struct fz_run r;		/* large (signature tables): not on the stack */
	struct fz_opts o;
	pthread_t tid[MAX_JOBS];
	unsigned started = 0;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(out);
		return DMT_EXIT_OK;
	}
	if (parse_opts(argc, argv, &o, err))
		return DMT_EXIT_USAGE;
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.err = err;
	/* SIGNATURE REASON... per line: the replay's known-divergence list format */
	if (replay_known_load("replay-fuzz", o.known, replay_known_parse, &r.known, err) ||
	    make_dirs(&o, err) || load_corpus(&o, &r.corpus, err))
		return DMT_EXIT_USAGE;
	pthread_mutex_init(&r.lock, NULL);
	r.log = open_in(o.out, "replay.log");
	r.jsonl = open_in(o.out, "cases.jsonl");
	r.started = replay_now();
	o.env.started = r.started;
	r.deadline = r.started + 60.0 * o.minutes;
	fprintf(err, "replay-fuzz: seed %llu (replay with --seed %llu), %s, %u job(s), %.0f minute(s), %zu corpus file(s)%s\n",
		(unsigned long long)o.seed, (unsigned long long)o.seed,
		o.arm64 && o.x86 ? "arm64 and x86_64" : o.arm64 ? "arm64" : "x86_64", o.jobs, o.minutes,
		r.corpus.n, o.one_case ? ", one case" : "");
	for (unsigned i = 0; i < o.jobs && !o.one_case; i++)
		if (pthread_create(&tid[started], NULL, worker, &r) == 0)
			started++;
	if (started == 0)
		worker(&r);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (r.log)
		fclose(r.log);
	if (r.jsonl)
		fclose(r.jsonl);
	pthread_mutex_destroy(&r.lock);
	free_corpus(&r.corpus);
	replay_known_free(&r.known);
	fprintf(out, "replay-fuzz: seed %llu, %.1f minutes, %.0f cases/hour, %zu new signature(s)\n",
		(unsigned long long)o.seed, (replay_now() - r.started) / 60,
		replay_now() > r.started ? 3600.0 * (double)r.done / (replay_now() - r.started) : 0, r.nsigs);
	if (o.report)
		write_report(&r, (replay_now() - r.started) / 60, err);
	fprintf(out, "replay-fuzz: %llu cases, %llu agree, %llu disagree, %llu error\n",
		(unsigned long long)r.done, (unsigned long long)r.agree,
		(unsigned long long)r.disagree, (unsigned long long)r.error);
	return r.done == 0 || r.new_finding ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
}
