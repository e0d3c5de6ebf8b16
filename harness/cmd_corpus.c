/* dmatopo corpus: the verdict on a corpus of shipped device trees (ci/dt-corpus).
 * Each DTB runs in a child (corpus_run.c); this side matches findings against the
 * waivers, enforces the time bound and prints KTAP, the per-label table, the
 * totals, JSON lines and the tally. */
#include "cli.h"
#include "corpus.h"
#include "replay.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void corpus_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo corpus [--waivers FILE] [--time-limit SECONDS] [--json FILE]\n"
		"                      [--tally FILE] [--compile-failed FILE] DTB...\n\n"
		"The verdict on a corpus of device trees (ci/dt-corpus runs it on every arm64\n"
		"board of linux-source-6.1 and the arm32 boards that use iommus). Each DTB is\n"
		"decoded and linted under both profiles, every node with `iommus` and, for each\n"
		"host bridge with iommu-map or msi-map, the devices at the first and the last\n"
		"RID of each entry in the bridge's segment are resolved under both profiles, in\n"
		"a child process timed with the monotonic clock. Each node with `iommus` and a\n"
		"reg is also asked for as mmio:ADDR; disagreements are counted, not failed.\n"
		"A DTB fails on a crash, a resolver refusal, a device the resolver cannot find,\n"
		"more than --time-limit seconds (default 2), or a warning or error finding\n"
		"that no waiver names. Info findings never fail.\n\n"
		"Waivers: one per line, 'BOARD LABEL REASON...' (BOARD is the DTB's file name\n"
		"without .dtb, LABEL a finding label or CompileFailed, REASON required); '#'\n"
		"starts a comment. A waiver that matches nothing in the run is a failure\n"
		"(stale waiver). --compile-failed names DTBs that did not compile, one\n"
		"'DTB SOURCE' a line: each fails unless waived with CompileFailed.\n\n"
		"KTAP on stdout: one test per DTB (its unwaived findings as '# unwaived:'\n"
		"lines before it, what waivers covered as '# waived:') and a last test\n"
		"'waivers'; then '# summary': findings per label under each profile before\n"
		"waivers, answers per reason, totals, time. --json writes JSON lines (finding,\n"
		"device, mmio_differs, dtb, summary); --tally writes 'passed failed skipped'\n"
		"(DTBs plus the waivers test). Exit status: 0 when everything passed, 1 on any\n"
		"failure, 2 on usage or I/O errors.\n");
}

#define CORPUS_MAX_DIAG 20	/* unwaived findings printed per DTB */

struct waiver {
	char board[128];
	char label[64];
	char reason[256];
	unsigned line;
	size_t used;
};

struct waivers {
	struct waiver *w;
	size_t nw, cap_w;
};

/* One finding of the DTB being judged. */
struct cfinding {
	int profile;
	enum dmt_label label;
	char offset[24];
	char msg[DMT_MSG_MAX];
};

struct dtb_result {
	struct cfinding *f;
	size_t nf, capf;
	size_t dropped;
	bool ended, io_error;
	char io_msg[256];
	double seconds;
	size_t devices[DMT_PROFILE_COUNT], found[DMT_PROFILE_COUNT];
	size_t refused, missing;	/* resolver refusals; devices it could not find */
	size_t nodes, bridges, skipped;	/* from the linux profile's S record */
	size_t mmio[DMT_PROFILE_COUNT], mmio_differ[DMT_PROFILE_COUNT];
	bool decoded[DMT_PROFILE_COUNT];
	int status;			/* waitpid status */
};

struct corpus {
	struct waivers wv;
	double limit;
	FILE *out, *err, *json;
	/* before waivers */
	size_t label_count[DMT_L_COUNT][DMT_PROFILE_COUNT];
	size_t label_boards[DMT_L_COUNT];
	size_t answer[DMT_L_COUNT][DMT_PROFILE_COUNT];	/* [DMT_L_NONE]: found */
	size_t dtbs, passed, failed, skipped, with_maps, with_bridge_maps, with_iommus;
	size_t devices[DMT_PROFILE_COUNT], found[DMT_PROFILE_COUNT], unenumerable;
	size_t mmio[DMT_PROFILE_COUNT], mmio_differ[DMT_PROFILE_COUNT];
	size_t compile_failed;
	double max_seconds, total_seconds;
	char max_board[256];
	bool io_error;
	unsigned test;
};

/* ---- waivers --------------------------------------------------------------- */

static int load_waivers(const char *path, struct waivers *wv, FILE *err)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	if (!fp) {
		fprintf(err, "dmatopo corpus: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		char *board, *label, *reason, *save = NULL;
		struct waiver *w;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		board = strtok_r(line, " \t", &save);
		if (!board)
			continue;
		label = strtok_r(NULL, " \t", &save);
		reason = label ? save + strspn(save, " \t") : NULL;
		if (!label || !reason || !*reason) {
			fprintf(err, "%s:%u: a waiver is 'BOARD LABEL REASON...'; the reason is required\n",
				path, lineno);
			rc = -1;
			continue;
		}
		if (strcmp(label, "CompileFailed") && dmt_label_lookup(label) == DMT_L_NONE) {
			fprintf(err, "%s:%u: unknown label '%s'\n", path, lineno, label);
			rc = -1;
			continue;
		}
		w = dmt_push((void **)&wv->w, &wv->nw, &wv->cap_w, sizeof(*w));
		if (!w) {
			fprintf(err, "%s:%u: too many waivers\n", path, lineno);
			rc = -1;
			break;
		}
		snprintf(w->board, sizeof(w->board), "%s", board);
		snprintf(w->label, sizeof(w->label), "%s", label);
		snprintf(w->reason, sizeof(w->reason), "%s", reason);
		w->reason[strcspn(w->reason, "\r")] = '\0';
		w->line = lineno;
	}
	free(line);
	fclose(fp);
	return rc;
}

static struct waiver *find_waiver(struct waivers *wv, const char *board, const char *label)
{
	for (size_t i = 0; i < wv->nw; i++)
		if (strcmp(wv->w[i].board, board) == 0 && strcmp(wv->w[i].label, label) == 0)
			return &wv->w[i];
	return NULL;
}

/* "arm64/qcom/sdm845-mtp.dtb" -> "sdm845-mtp" */
static void board_of(const char *path, char *out, size_t outlen)
{
	dmt_file_stem(path, ".dtb", out, outlen);
}

/* ---- running one DTB --------------------------------------------------------- */

static int profile_of(const char *s)
{
	enum dmt_profile p;

	return dmt_profile_parse(s, &p) ? -1 : (int)p;
}

/* Split a record into at most max tab-separated fields (in place). */
static size_t split(char *line, char **fld, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		fld[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

/* The start of a JSON line: {"type":TYPE,"dtb":DTB,"board":BOARD */
static void json_head(struct corpus *c, const char *type, const char *dtb, const char *board)
{
	fprintf(c->json, "{\"type\":\"%s\",\"dtb\":", type);
	dmt_print_json_string(c->json, dtb);
	fprintf(c->json, ",\"board\":");
	dmt_print_json_string(c->json, board);
}

static void json_device(struct corpus *c, const char *dtb, const char *board, char **fld)
{
	json_head(c, "device", dtb, board);
	fprintf(c->json, ",\"profile\":\"%s\",\"device\":", fld[1]);
	dmt_print_json_string(c->json, fld[2]);
	fprintf(c->json, ",\"found\":%s", strcmp(fld[3], "1") == 0 ? "true" : "false");
	if (strcmp(fld[3], "1") == 0) {
		fprintf(c->json, ",\"iommu\":");
		dmt_print_json_string(c->json, fld[4]);
		fprintf(c->json, ",\"endpoints\":[");
		for (char *s = fld[5], *e; strcmp(fld[5], "-") && *s; s = e + (*e == ',')) {
			unsigned long v = strtoul(s, &e, 16);

			if (e == s)
				break;
			fprintf(c->json, "%s%lu", s == fld[5] ? "" : ",", v);
		}
		fputc(']', c->json);
	} else {
		fprintf(c->json, ",\"reason\":");
		dmt_print_json_string(c->json, fld[6]);
	}
	fprintf(c->json, "}\n");
}

/* A node whose mmio: designator gets another answer than its path. */
static void json_mmio(struct corpus *c, const char *dtb, const char *board, char **fld)
{
	json_head(c, "mmio_differs", dtb, board);
	fprintf(c->json, ",\"profile\":\"%s\",\"path\":", fld[1]);
	dmt_print_json_string(c->json, fld[2]);
	fprintf(c->json, ",\"mmio\":\"0x%s\",\"mmio_answer\":", fld[3]);
	dmt_print_json_string(c->json, fld[4]);
	fprintf(c->json, "}\n");
}

static void take_record(struct corpus *c, struct dtb_result *r, const char *dtb,
			const char *board, char *line)
{
	char *fld[8];
	size_t n = split(line, fld, 8);
	int p = n > 1 ? profile_of(fld[1]) : -1;

	switch (fld[0][0]) {
	case 'F': {
		struct cfinding *f;
		enum dmt_label l = n == 5 ? dmt_label_lookup(fld[2]) : DMT_L_NONE;

		if (p < 0 || l == DMT_L_NONE)
			break;
		f = dmt_push((void **)&r->f, &r->nf, &r->capf, sizeof(*f));
		if (!f) {
			r->dropped++;	/* no room: the DTB fails rather than lose it */
			break;
		}
		f->profile = p;
		f->label = l;
		snprintf(f->offset, sizeof(f->offset), "%s", fld[3]);
		snprintf(f->msg, sizeof(f->msg), "%s", fld[4]);
		break;
	}
	case 'X':
		if (n == 3)
			r->dropped += strtoul(fld[2], NULL, 10);
		break;
	case 'D': {
		enum dmt_label why;

		if (n != 7 || p < 0)
			break;
		r->devices[p]++;
		if (strcmp(fld[3], "1") == 0) {
			r->found[p]++;
			c->answer[DMT_L_NONE][p]++;
		} else {
			why = dmt_label_lookup(fld[6]);
			c->answer[why][p]++;
			/* The device came from the model itself: "not there" is a defect. */
			if (why == DMT_L_DTNodeNotFound || why == DMT_L_DTNoHostBridge) {
				r->missing++;
				fprintf(c->out, "# unwaived: %s %s %s resolves to %s though the model names it\n",
					board, fld[1], fld[2], fld[6]);
			}
		}
		if (c->json)
			json_device(c, dtb, board, fld);
		break;
	}
	case 'R':
		if (n == 3) {
			r->refused++;
			fprintf(c->out, "# unwaived: %s %s dmt_resolve refused %s\n", board, fld[1], fld[2]);
		}
		break;
	case 'M':
		if (n == 5 && c->json)
			json_mmio(c, dtb, board, fld);
		break;
	case 'S':
		if (n == 8 && p >= 0) {
			r->decoded[p] = strcmp(fld[2], "1") == 0;
			r->mmio[p] = strtoul(fld[6], NULL, 10);
			r->mmio_differ[p] = strtoul(fld[7], NULL, 10);
			if (p == DMT_PROFILE_LINUX) {
				r->nodes = strtoul(fld[3], NULL, 10);
				r->bridges = strtoul(fld[4], NULL, 10);
				r->skipped = strtoul(fld[5], NULL, 10);
			}
		}
		break;
	case 'I':
		r->io_error = true;
		snprintf(r->io_msg, sizeof(r->io_msg), "%s", n > 1 ? fld[1] : "cannot read");
		break;
	case 'T':
		if (n == 2)
			r->seconds = strtod(fld[1], NULL);
		break;
	case 'E':
		r->ended = true;
		break;
	}
}

/* Run the child for one DTB and collect its records. -1 when no child could run. */
static int run_child(struct corpus *c, const char *dtb, const char *board, struct dtb_result *r)
{
	int fds[2];
	pid_t pid;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;

	fflush(c->out);
	if (c->json)
		fflush(c->json);
	fflush(c->err);
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		FILE *o;

		close(fds[0]);
		/* A hang is ended here: ten times the bound, and at least ten seconds. */
		alarm(c->limit * 10.0 > 10.0 ? (unsigned)(c->limit * 10.0) + 1 : 10);
		o = fdopen(fds[1], "w");
		if (o) {
			corpus_run_one(dtb, o);
			fclose(o);
		}
		_exit(o ? 0 : 1);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	if (in) {
		while (getline(&line, &cap, in) >= 0)
			take_record(c, r, dtb, board, line);
		fclose(in);
	} else {
		close(fds[0]);
	}
	free(line);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* ---- judging ----------------------------------------------------------------- */

static bool counts(enum dmt_label l)
{
	return dmt_label_info(l)->severity != DMT_SEV_INFO;
}

static void json_finding(struct corpus *c, const char *dtb, const char *board,
			 const struct cfinding *f, const struct waiver *w)
{
	const struct dmt_label_info *li = dmt_label_info(f->label);

	json_head(c, "finding", dtb, board);
	fprintf(c->json, ",\"profile\":\"%s\",\"label\":\"%s\",\"severity\":\"%s\",\"offset\":",
		dmt_profile_name((enum dmt_profile)f->profile), li->name,
		dmt_severity_name(li->severity));
	dmt_print_json_string(c->json, f->offset);
	fprintf(c->json, ",\"message\":");
	dmt_print_json_string(c->json, f->msg);
	fprintf(c->json, ",\"waived\":%s}\n", w ? "true" : "false");
}

/* Match the DTB's findings against the waivers and print the unwaived ones. Returns
 * the number of unwaived warning/error findings. */
static size_t judge_findings(struct corpus *c, const char *dtb, const char *board,
			     struct dtb_result *r)
{
	bool seen[DMT_L_COUNT] = { false };
	size_t unwaived = 0, waived[DMT_L_COUNT] = { 0 };
	struct waiver *by[DMT_L_COUNT] = { NULL };

	for (size_t i = 0; i < r->nf; i++) {
		const struct cfinding *f = &r->f[i];
		struct waiver *w = NULL;

		c->label_count[f->label][f->profile]++;
		if (!seen[f->label]) {
			seen[f->label] = true;
			c->label_boards[f->label]++;
		}
		if (counts(f->label)) {
			w = find_waiver(&c->wv, board, dmt_label_name(f->label));
			if (w) {
				w->used++;
				waived[f->label]++;
				by[f->label] = w;
			} else if (unwaived++ < CORPUS_MAX_DIAG) {
				const struct dmt_label_info *li = dmt_label_info(f->label);

				fprintf(c->out, "# unwaived: %s %s %s %s @%s%s: %s\n", board,
					dmt_profile_name((enum dmt_profile)f->profile),
					dmt_severity_name(li->severity), li->name,
					strcmp(f->offset, "-") ? "0x" : "", f->offset, f->msg);
			}
		}
		if (c->json)
			json_finding(c, dtb, board, f, w);
	}
	for (unsigned l = 1; l < DMT_L_COUNT; l++)
		if (waived[l])
			fprintf(c->out, "# waived: %s %zu %s finding(s) (line %u: %s)\n", board,
				waived[l], dmt_label_name((enum dmt_label)l), by[l]->line, by[l]->reason);
	if (unwaived > CORPUS_MAX_DIAG)
		fprintf(c->out, "# unwaived: %s and %zu more\n", board, unwaived - CORPUS_MAX_DIAG);
	return unwaived;
}

static void json_dtb(struct corpus *c, const char *dtb, const char *board, bool ok,
		     const char *why, const struct dtb_result *r)
{
	json_head(c, "dtb", dtb, board);
	fprintf(c->json, ",\"ok\":%s,\"why\":", ok ? "true" : "false");
	dmt_print_json_string(c->json, why);
	fprintf(c->json, ",\"seconds\":%.6f,\"findings\":%zu,\"iommus_nodes\":%zu,"
		"\"bridge_maps\":%zu,\"devices_linux\":%zu,\"devices_spec\":%zu,"
		"\"found_linux\":%zu,\"found_spec\":%zu}\n",
		r->seconds, r->nf, r->nodes, r->bridges, r->devices[DMT_PROFILE_LINUX],
		r->devices[DMT_PROFILE_SPEC], r->found[DMT_PROFILE_LINUX], r->found[DMT_PROFILE_SPEC]);
}

static void judge_dtb(struct corpus *c, const char *dtb)
{
	struct dtb_result r;
	char board[256], why[320] = "";
	size_t unwaived = 0;
	bool ok;

	memset(&r, 0, sizeof(r));
	board_of(dtb, board, sizeof(board));
	c->test++;
	c->dtbs++;
	if (run_child(c, dtb, board, &r)) {
		snprintf(why, sizeof(why), "could not start a child: %s", strerror(errno));
		c->io_error = true;
	} else if (WIFSIGNALED(r.status)) {
		snprintf(why, sizeof(why), "crash: signal %d%s", WTERMSIG(r.status),
			 WTERMSIG(r.status) == SIGALRM ? " (ran past ten times the time limit)" : "");
	} else if (!r.ended || !WIFEXITED(r.status) || WEXITSTATUS(r.status)) {
		snprintf(why, sizeof(why), "crash: the child exited with status %d before its end record",
			 WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1);
	} else if (r.io_error) {
		snprintf(why, sizeof(why), "cannot read: %s", r.io_msg);
		c->io_error = true;
	}
	if (!why[0]) {
		unwaived = judge_findings(c, dtb, board, &r);
		for (int p = 0; p < DMT_PROFILE_COUNT; p++) {
			c->devices[p] += r.devices[p];
			c->found[p] += r.found[p];
			c->mmio[p] += r.mmio[p];
			c->mmio_differ[p] += r.mmio_differ[p];
		}
		c->unenumerable += r.skipped;
		c->with_maps += r.nodes || r.bridges;
		c->with_bridge_maps += r.bridges > 0;
		c->with_iommus += r.nodes > 0;
		c->total_seconds += r.seconds;
		if (r.seconds > c->max_seconds) {
			c->max_seconds = r.seconds;
			snprintf(c->max_board, sizeof(c->max_board), "%s", dtb);
		}
		if (r.dropped)
			snprintf(why, sizeof(why), "%zu findings past the list's limit were dropped",
				 r.dropped);
		else if (r.seconds > c->limit)
			snprintf(why, sizeof(why), "over time: %.3f s, limit %.3f s", r.seconds,
				 c->limit);
		else if (r.refused || r.missing)
			snprintf(why, sizeof(why), "%zu device(s) refused, %zu not found",
				 r.refused, r.missing);
		else if (unwaived)
			snprintf(why, sizeof(why), "%zu unwaived finding(s)", unwaived);
	}
	ok = !why[0];
	if (!ok && (strncmp(why, "crash", 5) == 0 || strncmp(why, "over", 4) == 0))
		fprintf(c->out, "# %s (%s)\n", why, dtb);
	fprintf(c->out, "%s %u %s", ok ? "ok" : "not ok", c->test, dtb);
	if (!ok)
		fprintf(c->out, " # %s", why);
	fputc('\n', c->out);
	c->passed += ok;
	c->failed += !ok;
	if (c->json)
		json_dtb(c, dtb, board, ok, why, &r);
	free(r.f);
}

/* DTBs that did not compile: each fails unless a CompileFailed waiver names it. */
static int judge_compile_failures(struct corpus *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!fp) {
		fprintf(c->err, "dmatopo corpus: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		char board[256], *save = NULL, *dtb = strtok_r(line, " \t\n", &save);
		char *src = strtok_r(NULL, " \t\n", &save);
		struct waiver *w;

		if (!dtb)
			continue;
		board_of(dtb, board, sizeof(board));
		w = find_waiver(&c->wv, board, "CompileFailed");
		c->test++;
		c->compile_failed++;
		if (w) {
			w->used++;
			c->skipped++;
			fprintf(c->out, "ok %u %s # SKIP compile failed (%s), waived: %s\n", c->test,
				dtb, src ? src : "?", w->reason);
		} else {
			c->failed++;
			fprintf(c->out, "# compile failed: %s from %s\n", dtb, src ? src : "?");
			fprintf(c->out, "not ok %u %s # compile failed\n", c->test, dtb);
		}
		if (c->json) {
			json_head(c, "dtb", dtb, board);
			fprintf(c->json, ",\"ok\":%s,\"why\":\"compile failed\"}\n",
				w ? "true" : "false");
		}
	}
	free(line);
	fclose(fp);
	return 0;
}

/* ---- the summary --------------------------------------------------------------- */

static void print_summary(struct corpus *c, double wall)
{
	fprintf(c->out, "# summary\n# findings per label, before waivers (DTBs: how many have it):\n");
	fprintf(c->out, "#   %-28s %-8s %7s %7s %6s\n", "label", "severity", "linux", "spec", "DTBs");
	for (unsigned l = 1; l < DMT_L_COUNT; l++) {
		const struct dmt_label_info *li = dmt_label_info((enum dmt_label)l);

		if (!c->label_boards[l])
			continue;
		fprintf(c->out, "#   %-28s %-8s %7zu %7zu %6zu\n", li->name,
			dmt_severity_name(li->severity), c->label_count[l][DMT_PROFILE_LINUX],
			c->label_count[l][DMT_PROFILE_SPEC], c->label_boards[l]);
	}
	fprintf(c->out, "# answers per reason:\n#   %-28s %7s %7s\n", "answer", "linux", "spec");
	for (unsigned l = 0; l < DMT_L_COUNT; l++) {
		if (!c->answer[l][DMT_PROFILE_LINUX] && !c->answer[l][DMT_PROFILE_SPEC])
			continue;
		fprintf(c->out, "#   %-28s %7zu %7zu\n",
			l ? dmt_label_name((enum dmt_label)l) : "IOMMU found",
			c->answer[l][DMT_PROFILE_LINUX], c->answer[l][DMT_PROFILE_SPEC]);
	}
	fprintf(c->out, "# DTBs: %zu judged, %zu did not compile; %zu with iommu-map/msi-map/iommus "
		"(%zu with iommus, %zu with a host-bridge map)\n",
		c->dtbs, c->compile_failed, c->with_maps, c->with_iommus, c->with_bridge_maps);
	fprintf(c->out, "# devices resolved: %zu under linux (%zu with an IOMMU), %zu under spec "
		"(%zu with an IOMMU); %zu map entries name no device\n",
		c->devices[DMT_PROFILE_LINUX], c->found[DMT_PROFILE_LINUX],
		c->devices[DMT_PROFILE_SPEC], c->found[DMT_PROFILE_SPEC], c->unenumerable);
	fprintf(c->out, "# mmio: designators agree with the path's answer for %zu of %zu nodes under linux, "
		"%zu of %zu under spec (informational; JSON type mmio_differs lists the others)\n",
		c->mmio[DMT_PROFILE_LINUX] - c->mmio_differ[DMT_PROFILE_LINUX], c->mmio[DMT_PROFILE_LINUX],
		c->mmio[DMT_PROFILE_SPEC] - c->mmio_differ[DMT_PROFILE_SPEC], c->mmio[DMT_PROFILE_SPEC]);
	fprintf(c->out, "# time: max %.3f s a DTB (%s), %.1f s in all, %.1f s wall, limit %.3f s\n",
		c->max_seconds, c->max_board[0] ? c->max_board : "-", c->total_seconds, wall, c->limit);
	fprintf(c->out, "# dt-corpus: %zu passed, %zu failed, %zu skipped\n", c->passed, c->failed,
		c->skipped);
}

static void json_summary(struct corpus *c, double wall)
{
	bool first = true;

	fprintf(c->json, "{\"type\":\"summary\",\"dtbs\":%zu,\"compile_failed\":%zu,"
		"\"with_maps\":%zu,\"with_iommus\":%zu,\"with_bridge_maps\":%zu,"
		"\"devices_linux\":%zu,\"devices_spec\":%zu,\"found_linux\":%zu,\"found_spec\":%zu,"
		"\"unenumerable\":%zu,\"mmio_linux\":%zu,\"mmio_differ_linux\":%zu,"
		"\"mmio_spec\":%zu,\"mmio_differ_spec\":%zu,\"max_seconds\":%.6f,\"total_seconds\":%.3f,\"wall_seconds\":%.3f,"
		"\"passed\":%zu,\"failed\":%zu,\"skipped\":%zu,\"labels\":{",
		c->dtbs, c->compile_failed, c->with_maps, c->with_iommus, c->with_bridge_maps,
		c->devices[DMT_PROFILE_LINUX], c->devices[DMT_PROFILE_SPEC],
		c->found[DMT_PROFILE_LINUX], c->found[DMT_PROFILE_SPEC], c->unenumerable,
		c->mmio[DMT_PROFILE_LINUX], c->mmio_differ[DMT_PROFILE_LINUX], c->mmio[DMT_PROFILE_SPEC],
		c->mmio_differ[DMT_PROFILE_SPEC],
		c->max_seconds, c->total_seconds, wall, c->passed, c->failed, c->skipped);
	for (unsigned l = 1; l < DMT_L_COUNT; l++) {
		if (!c->label_boards[l])
			continue;
		fprintf(c->json, "%s\"%s\":{\"linux\":%zu,\"spec\":%zu,\"dtbs\":%zu}",
			first ? "" : ",", dmt_label_name((enum dmt_label)l),
			c->label_count[l][DMT_PROFILE_LINUX], c->label_count[l][DMT_PROFILE_SPEC],
			c->label_boards[l]);
		first = false;
	}
	fprintf(c->json, "}}\n");
}

/* The last test: every waiver matched something. */
static void judge_waivers(struct corpus *c, const char *path)
{
	size_t stale = 0;

	for (size_t i = 0; i < c->wv.nw; i++) {
		const struct waiver *w = &c->wv.w[i];

		if (w->used)
			continue;
		stale++;
		fprintf(c->out, "# stale waiver: %s:%u '%s %s' matches nothing in this run; delete it\n",
			path ? path : "-", w->line, w->board, w->label);
	}
	c->test++;
	fprintf(c->out, "# waivers: %zu line(s), %zu stale\n", c->wv.nw, stale);
	if (stale) {
		fprintf(c->out, "not ok %u waivers # %zu stale waiver(s)\n", c->test, stale);
		c->failed++;
	} else {
		fprintf(c->out, "ok %u waivers\n", c->test);
		c->passed++;
	}
}

static int count_lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	int n = 0, ch, last = '\n';

	if (!fp)
		return 0;	/* said later, when it is read */
	while ((ch = fgetc(fp)) != EOF) {
		if (ch == '\n' && last != '\n')
			n++;
		last = ch;
	}
	n += last != '\n';
	fclose(fp);
	return n;
}

int cmd_corpus(int argc, char **argv, FILE *out, FILE *err)
{
	const char *waivers = NULL, *json = NULL, *tally = NULL, *failed = NULL;
	struct corpus *c = calloc(1, sizeof(*c));
	int first = 0, rc = DMT_EXIT_USAGE;
	double t0 = replay_now(), wall;

	if (!c)
		return DMT_EXIT_USAGE;
	c->out = out;
	c->err = err;
	c->limit = 2.0;
	for (int i = 1; i < argc && !first; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (dmt_is_help(argv[i])) {
			corpus_help(out);
			rc = DMT_EXIT_OK;
			goto done;
		}
		if (strcmp(argv[i], "--waivers") == 0 && val) {
			waivers = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0 && val) {
			json = argv[++i];
		} else if (strcmp(argv[i], "--tally") == 0 && val) {
			tally = argv[++i];
		} else if (strcmp(argv[i], "--compile-failed") == 0 && val) {
			failed = argv[++i];
		} else if (strcmp(argv[i], "--time-limit") == 0 && val) {
			c->limit = strtod(argv[++i], &end);
			if (end == argv[i] || *end || !(c->limit > 0) || c->limit > 3600) {
				fprintf(err, "dmatopo corpus: --time-limit takes seconds, above 0 and at most 3600\n");
				goto done;
			}
		} else if (argv[i][0] == '-') {
			fprintf(err, "dmatopo corpus: unknown option or missing value '%s'\n", argv[i]);
			goto done;
		} else {
			first = i;
		}
	}
	if (!first && !failed) {
		corpus_help(err);
		goto done;
	}
	if (waivers && load_waivers(waivers, &c->wv, err))
		goto done;
	if (json && !(c->json = fopen(json, "w"))) {
		fprintf(err, "dmatopo corpus: %s: %s\n", json, strerror(errno));
		goto done;
	}
	fprintf(out, "KTAP version 1\n1..%d\n",
		(first ? argc - first : 0) + (failed ? count_lines(failed) : 0) + 1);
	for (int i = first; first && i < argc; i++)
		judge_dtb(c, argv[i]);
	if (failed && judge_compile_failures(c, failed))
		c->io_error = true;
	judge_waivers(c, waivers);
	wall = replay_now() - t0;
	print_summary(c, wall);
	if (c->json)
		json_summary(c, wall);
	if (tally) {
		FILE *tf = fopen(tally, "w");

		if (!tf || fprintf(tf, "%zu %zu %zu\n", c->passed, c->failed, c->skipped) < 0) {
			fprintf(err, "dmatopo corpus: cannot write %s\n", tally);
			c->io_error = true;
		}
		if (tf && fclose(tf))
			c->io_error = true;
	}
	rc = c->io_error ? DMT_EXIT_USAGE : c->failed ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
done:
	if (c->json && fclose(c->json))
		rc = DMT_EXIT_USAGE;
	free(c->wv.w);
	free(c);
	return rc;
}
