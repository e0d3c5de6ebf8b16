/* One vector from start to verdict: the machine, (arm64) QEMU's DT dumped and
 * rewritten, the boot with one retry when the boot itself failed, the console
 * parsed, every device compared, the results written under DIR/NAME/. A boot that
 * gives no complete observation is an ERROR, never a pass. */
#include "cli.h"
#include "replay.h"
#include "vector.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_CHARS 4096
#define MAX_BOOTS 2

struct job {
	const char *path;
	const struct replay_env *env;	/* points at own_env */
	struct replay_env own_env;	/* the caller's, with this vector's initrd when it has one */
	char initrd[PATH_CHARS];
	size_t k, total;
	FILE *err;
	struct replay_verdict *out;
	struct dmt_vector *v;
	enum replay_arch arch;
	bool xen;			/* xen-arm64: Xen underneath, the kernel is dom0 */
	struct replay_xen_obs *xo;	/* xen-arm64: the last boot's Xen probe lines */
	char dir[PATH_CHARS];
	char dtb[PATH_CHARS];		/* the rewritten DT (arm64), empty otherwise */
};

static void progress(const struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(const struct job *j, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(j->err, "[replay %zu/%zu %6.1fs] %s: %s\n", j->k, j->total,
		replay_now() - j->env->started, j->out->name, msg);
}

static void error_check(struct job *j, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error_check(struct job *j, const char *what, const char *fmt, ...)
{
	struct replay_check *c = replay_checks_add(&j->out->checks);
	va_list ap;

	if (!c)
		return;
	c->status = REPLAY_ERROR;
	replay_fmt(c->what, sizeof(c->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(c->diag, sizeof(c->diag), fmt, ap);
	va_end(ap);
}

static void path_in(const struct job *j, const char *file, char *out, size_t len)
{
	replay_fmt(out, len, "%s/%s", j->dir, file);
}

/* "x86/q35-rootport.vec" → "x86-q35-rootport": the folder keeps equal file names
 * apart; nothing in it can leave the results folder. */
static void vector_name(const char *path, char *out, size_t len)
{
	char tmp[256], parent[128] = "", base[128];
	const char *slash = strrchr(path, '/');
	const char *file = slash ? slash + 1 : path;
	size_t flen = strlen(file);

	if (flen > 4 && strcmp(file + flen - 4, ".vec") == 0)
		flen -= 4;
	replay_fmt(tmp, sizeof(tmp), "%.*s", (int)(flen < 127 ? flen : 127), file);
	replay_sanitize(tmp, base, sizeof(base));
	if (slash && slash > path) {
		const char *p = slash;

		while (p > path && p[-1] != '/')
			p--;
		replay_fmt(tmp, sizeof(tmp), "%.*s", (int)(slash - p < 127 ? slash - p : 127), p);
		replay_sanitize(tmp, parent, sizeof(parent));
	}
	if (parent[0] && strcmp(parent, "_") != 0)
		replay_fmt(out, len, "%s-%s", parent, base);
	else
		replay_fmt(out, len, "%s", base);
}

static int read_text(const char *path, char **buf, size_t *len)
{
	uint8_t *b = NULL;
	FILE *quiet = fopen("/dev/null", "w");
	int rc = dmt_read_file(path, &b, len, quiet ? quiet : stderr);

	if (quiet)
		fclose(quiet);
	*buf = (char *)b;
	return rc;
}

static void rename_attempt(const struct job *j, const char *file, unsigned attempt)
{
	char from[PATH_CHARS], to[PATH_CHARS + 16], base[64];
	const char *dot = strrchr(file, '.');

	replay_fmt(base, sizeof(base), "%.*s", (int)(dot - file), file);
	path_in(j, file, from, sizeof(from));
	replay_fmt(to, sizeof(to), "%s/%s.%u%s", j->dir, base, attempt, dot);
	rename(from, to);
}

/* QEMU's own words when it refuses to run: the first line of its log that is not a
 * warning (QEMU prints "qemu-system-x86_64: -device foo: ..." and exits 1), so the
 * diagnostic names the cause and not only the exit status. */
static void qemu_said(const char *log, char *out, size_t len)
{
	char *text = NULL, line[200];
	size_t n = 0, pos = 0;

	out[0] = '\0';
	if (read_text(log, &text, &n))
		return;
	while (pos < n) {
		size_t k = 0;
		bool warning;

		/* one line, bounded and printable */
		for (; pos < n && text[pos] != '\n'; pos++)
			if (k + 1 < sizeof(line))
				line[k++] = (unsigned char)text[pos] < 0x20 ||
					    (unsigned char)text[pos] >= 0x7f ? '?' : text[pos];
		pos++;
		line[k] = '\0';
		warning = strstr(line, "warning:") != NULL;
		/* a warning is kept only until a real error line is found */
		if (k && (!warning || !out[0]))
			replay_fmt(out, len, "%s", line);
		if (k && !warning)
			break;
	}
	free(text);
}

static int machine_argv(const struct job *j, const char *dtb, struct replay_argv *a, char *why,
			size_t whylen)
{
	if (j->xen)
		return replay_xen_machine_argv(j->v, j->env, j->dir, dtb, a, why, whylen);
	return replay_machine_argv(j->v, j->arch, j->env, j->dir, dtb, a, why, whylen);
}

static int file_size(const char *path, uint64_t *size)
{
	struct stat st;

	if (!path || stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* xen-arm64: QEMU's tree made into the Xen machine's (replay_xen_dt.c). */
static int rewrite_xen(struct job *j, const uint8_t *qdt, size_t qlen, const uint8_t *vdt,
		       size_t vlen, uint8_t **out, size_t *olen, char *log, size_t loglen, char *why,
		       size_t whylen)
{
	char dom0_args[2048];
	struct replay_xen_boot b = { 0, 0,
		"console=dtuart dtuart=/pl011@9000000 dom0_mem=256M dom0_max_vcpus=1", dom0_args };

	if (file_size(j->env->kernel[REPLAY_ARM64], &b.kernel_size) ||
	    file_size(j->env->initrd[REPLAY_ARM64], &b.initrd_size)) {
		replay_fmt(why, whylen, "cannot size the arm64 kernel or initramfs");
		return -1;
	}
	replay_xen_dom0_args(j->v, dom0_args, sizeof(dom0_args));
	return replay_xen_dt(qdt, qlen, j->v, vdt, vlen, &b, out, olen, log, loglen, why, whylen);
}

/* arm64: QEMU's own DT, rewritten with the vector's maps, saved as machine.dtb. */
static int prepare_dtb(struct job *j)
{
	struct replay_argv a = { 0 };
	char why[256] = "", dump[PATH_CHARS + 32], log[PATH_CHARS], logtext[2048];
	uint8_t *qdt = NULL, *vdt = NULL, *out = NULL;
	size_t qlen = 0, vlen = 0, olen = 0;
	struct replay_run r;
	FILE *quiet;
	int rc = -1;

	path_in(j, "qemu-dumpdtb.log", log, sizeof(log));
	replay_fmt(dump, sizeof(dump), "dumpdtb=%s/qemu.dtb", j->dir);
	if (machine_argv(j, NULL, &a, why, sizeof(why)) ||
	    replay_argv_add(&a, "-machine") || replay_argv_add(&a, dump)) {
		error_check(j, "machine", "%s", why[0] ? why : "argv too long");
		goto out;
	}
	if (replay_run(&a, log, j->env->timeout_s, &r) || r.how != RUN_EXITED || r.code != 0) {
		char said[200];

		qemu_said(log, said, sizeof(said));
		error_check(j, "machine", "QEMU -machine dumpdtb failed%s%s (see %s)",
			    said[0] ? ": " : "", said, log);
		goto out;
	}
	replay_fmt(dump, sizeof(dump), "%s/qemu.dtb", j->dir);
	quiet = fopen("/dev/null", "w");
	rc = dmt_read_file(dump, &qdt, &qlen, quiet ? quiet : stderr);
	if (quiet)
		fclose(quiet);
	if (rc) {
		error_check(j, "machine", "no DT from QEMU at %s", dump);
		goto out;
	}
	rc = -1;
	if (dmt_vector_input(j->v, DMT_FMT_DTB, &vdt, &vlen, why, sizeof(why))) {
		error_check(j, "machine", "the vector cannot be written as a DTB: %s", why);
		goto out;
	}
	if (j->xen ? rewrite_xen(j, qdt, qlen, vdt, vlen, &out, &olen, logtext, sizeof(logtext), why,
				 sizeof(why))
		   : replay_dt_rewrite(qdt, qlen, vdt, vlen, &out, &olen, logtext, sizeof(logtext),
				       why, sizeof(why))) {
		error_check(j, "machine", "DT rewrite: %s", why);
		goto out;
	}
	path_in(j, "machine.dtb", j->dtb, sizeof(j->dtb));
	quiet = fopen("/dev/null", "w");
	rc = dmt_write_file(j->dtb, out, olen, quiet ? quiet : stderr);
	if (quiet)
		fclose(quiet);
	if (rc)
		error_check(j, "machine", "cannot write %s", j->dtb);
	path_in(j, "dt-rewrite.log", log, sizeof(log));
	quiet = fopen(log, "w");
	if (quiet) {
		fputs(logtext, quiet);
		fclose(quiet);
	}
out:
	replay_argv_free(&a);
	free(qdt);
	free(vdt);
	free(out);
	return rc;
}

/* x86_64 with --viot-upgrade: the vector's VIOT reaches the kernel through the initrd. */
static int prepare_viot(struct job *j)
{
	uint8_t *viot = NULL;
	size_t len = 0;
	char why[256] = "";
	int rc;

	if (!j->env->initrd[REPLAY_X86_64]) {
		error_check(j, "machine", "no x86_64 initramfs (set DMT_INITRD_X86)");
		return -1;
	}
	if (dmt_vector_input(j->v, DMT_FMT_VIOT, &viot, &len, why, sizeof(why))) {
		error_check(j, "machine", "the vector cannot be written as a VIOT: %s", why);
		return -1;
	}
	path_in(j, "initrd-viot.img", j->initrd, sizeof(j->initrd));
	rc = replay_viot_initrd(viot, len, j->env->initrd[REPLAY_X86_64], j->initrd, why,
				sizeof(why));
	free(viot);
	if (rc) {
		error_check(j, "machine", "VIOT upgrade initrd: %s", why);
		return -1;
	}
	j->own_env.initrd[REPLAY_X86_64] = j->initrd;
	return 0;
}

/* Under Xen the hypervisor can stop before dom0 says anything: say where. */
static void xen_problem(const struct job *j, char *why, size_t len)
{
	const struct replay_xen_obs *x = j->xo;

	if (!x->xen_seen)
		replay_fmt(why, len, "Xen printed nothing");
	else if (x->xen_panic[0])
		replay_fmt(why, len, "Xen panic: %s", x->xen_panic);
	else if (!x->dom0_loaded)
		replay_fmt(why, len, "Xen never loaded dom0");
}

/* Why this boot gave no usable observation, or "" when it did. */
static void boot_problem(const struct job *j, const struct replay_run *r,
			 const struct replay_obs *o, char *why, size_t len)
{
	why[0] = '\0';
	if (j->xen && r->how != RUN_SPAWN_FAILED && !o->agent_started) {
		xen_problem(j, why, len);
		if (why[0])
			return;
	}
	if (r->how == RUN_SPAWN_FAILED)
		replay_fmt(why, len, "QEMU could not be started (%s)", j->env->qemu[j->arch] ?
			 j->env->qemu[j->arch] : "default binary");
	else if (r->how == RUN_TIMEOUT)
		replay_fmt(why, len, "timeout after %us (process group killed)", j->env->timeout_s);
	else if (o->panic)
		replay_fmt(why, len, "kernel panic: %s", o->panic_line);
	else if (r->how == RUN_SIGNALED || r->code != 0) {
		char log[PATH_CHARS], said[200];

		path_in(j, "qemu.log", log, sizeof(log));
		qemu_said(log, said, sizeof(said));
		replay_fmt(why, len, "QEMU died (%s %d)%s%s", r->how == RUN_SIGNALED ? "signal" : "exit",
			   r->code, said[0] ? ": " : "", said);
	}
	else if (!o->agent_started)
		replay_fmt(why, len, "the agent never started");
	else if (!o->done)
		replay_fmt(why, len, "no 'DMT done' line");
	else if (!o->blob_ok)
		replay_fmt(why, len, "firmware blob: %s", o->blob_problem);
	else if (o->ndevs == 0)
		replay_fmt(why, len, "the agent listed no PCI devices");
}

static int boot_once(struct job *j, struct replay_obs *o, char *why, size_t whylen)
{
	struct replay_argv a = { 0 };
	char log[PATH_CHARS], file[PATH_CHARS];
	char *text = NULL;
	size_t len = 0;
	struct replay_run r = { RUN_SPAWN_FAILED, 0, 0 };

	memset(o, 0, sizeof(*o));
	if (machine_argv(j, j->dtb[0] ? j->dtb : NULL, &a, why, whylen)) {
		replay_argv_free(&a);
		return -2;	/* nothing a second boot would change */
	}
	path_in(j, "qemu.log", log, sizeof(log));
	path_in(j, "console.log", file, sizeof(file));
	remove(file);
	replay_run(&a, log, j->env->timeout_s, &r);
	replay_argv_free(&a);
	j->out->boot_s = r.seconds;
	if (read_text(file, &text, &len)) {
		text = NULL;
		len = 0;
	}
	replay_parse_console(text ? text : "", len, j->arch == REPLAY_ARM64 ? "fdt" : "VIOT", o);
	if (j->xen)
		replay_xen_parse(text ? text : "", len, j->xo);
	free(text);
	path_in(j, "qemu-trace.log", file, sizeof(file));
	if (read_text(file, &text, &len) == 0) {
		replay_parse_trace(text, len, o);
		free(text);
	}
	boot_problem(j, &r, o, why, whylen);
	if (r.how == RUN_SPAWN_FAILED)
		return -2;
	return why[0] ? -1 : 0;
}

static void firmware_check(struct job *j, const struct replay_obs *o, const struct dmt_findings *f)
{
	struct replay_check *c = replay_checks_add(&j->out->checks);

	if (!c)
		return;
	c->status = REPLAY_PASS;
	replay_fmt(c->what, sizeof(c->what), "firmware");
	replay_fmt(c->diag, sizeof(c->diag),
		 "the kernel saw %s (%zu bytes, crc32 verified); %zu devices listed; %zu finding(s), %zu error(s); QEMU attached %zu endpoint(s)",
		 o->blob_name, o->blob_len, o->ndevs, f->count, dmt_findings_errors(f), o->nattach);
	if (o->nviot_tables > 1)
		replay_fmt(c->note, sizeof(c->note), "%zu VIOT tables; the kernel uses the first",
			 o->nviot_tables);
	for (size_t i = 0; i < o->nstray; i++)
		replay_fmt(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			 "%sepid for a device the agent did not list: %s", c->note[0] ? "; " : "",
			 o->stray[i]);
	if (o->agent_errors)
		replay_fmt(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			 "%sagent reported %u error(s), first: %s", c->note[0] ? "; " : "",
			 o->agent_errors, o->nerror_lines ? o->error_line[0] : "?");
}

/* With --viot-upgrade the guest must show our table (OEM revision 0x10), not QEMU's. */
static void upgrade_check(struct job *j, const struct replay_obs *o)
{
	struct replay_check *c;
	bool ours = o->blob_len >= 28 && o->blob[24] == 0x10 && !o->blob[25] && !o->blob[26] &&
		    !o->blob[27];

	if (!ours) {
		error_check(j, "viot-upgrade",
			    "the kernel ignored the initrd VIOT (QEMU's table in use): Linux 6.1 drivers/acpi/tables.c table_sigs[] has no VIOT");
		return;
	}
	c = replay_checks_add(&j->out->checks);
	if (!c)
		return;
	c->status = REPLAY_PASS;
	replay_fmt(c->what, sizeof(c->what), "viot-upgrade");
	replay_fmt(c->diag, sizeof(c->diag), "the kernel used the vector's VIOT (%zu bytes) from the initrd table upgrade",
		   o->blob_len);
}

/* The vector's own linux expectations, checked on the table the guest saw: a vector
 * that says what QEMU writes should still hold there. A miss is a note (QEMU wrote
 * something else), not a kernel failure. */
static void expectations_on_guest(struct job *j, const struct dmt_topo *t)
{
	struct replay_check *c = j->out->checks.n ? &j->out->checks.c[j->out->checks.n - 1] : NULL;
	size_t checked = 0, missed = 0;

	for (size_t i = 0; i < j->v->nexpect && c; i++) {
		const struct dmt_expect *e = &j->v->expect[i];
		struct dmt_answer a;
		bool same;

		if (e->kind != DMT_EXP_RESOLVE || !(e->profiles & DMT_ACTIVE(DMT_PROFILE_LINUX)) ||
		    e->dev.kind != DMT_DEV_PCI)
			continue;
		memset(&a, 0, sizeof(a));
		if (dmt_resolve(t, DMT_PROFILE_LINUX, &e->dev, &a, NULL))
			continue;
		checked++;
		same = a.found == e->found &&
		       (e->found ? a.nids == e->nids &&
					  memcmp(a.ids, e->ids, a.nids * sizeof(a.ids[0])) == 0
				 : a.reason == e->reason);
		if (!same && !missed++)
			replay_fmt(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
				   "%sthe vector's expectation on line %u (%s) does not hold on the guest's table",
				   c->note[0] ? "; " : "", e->line, e->device_text);
	}
	if (c && missed > 1)
		replay_fmt(c->note + strlen(c->note), sizeof(c->note) - strlen(c->note),
			   " (and %zu more of %zu)", missed - 1, checked);
}

/* xen-arm64: backend domids and grant maps instead of endpoint IDs (replay_xen.c). */
static void judge_xen(struct job *j, const struct replay_obs *o)
{
	replay_xen_compare(j->xo, o->blob, o->blob_len, j->v, &j->out->checks);
}

static void judge(struct job *j, const struct replay_obs *o)
{
	struct dmt_decode_opts opts = { 0 };
	struct dmt_findings f;
	struct dmt_topo t;
	char path[PATH_CHARS];
	FILE *quiet = fopen("/dev/null", "w");

	/* What the kernel saw, kept for `dmatopo decode` and for rerunning the verdict. */
	path_in(j, "firmware.bin", path, sizeof(path));
	dmt_write_file(path, o->blob, o->blob_len, quiet ? quiet : j->err);
	if (quiet)
		fclose(quiet);

	if (j->arch == REPLAY_X86_64 && j->env->viot_upgrade)
		upgrade_check(j, o);
	opts.format = j->arch == REPLAY_ARM64 ? DMT_FMT_DTB : DMT_FMT_VIOT;
	dmt_findings_init(&f);
	if (dmt_decode(o->blob, o->blob_len, &opts, &t, &f)) {
		error_check(j, "firmware", "the reference could not decode the %s the kernel saw",
			    o->blob_name);
	} else if (j->xen) {
		firmware_check(j, o, &f);
		judge_xen(j, o);
	} else {
		firmware_check(j, o, &f);
		expectations_on_guest(j, &t);
		replay_compare(o, &t, &j->out->checks);
		replay_msi_check(o, &t, &j->v->lang.topo, &j->out->checks);
		replay_lspci_check(j->dir, &t, &j->out->checks);
		replay_device_judge(j->dir, j->arch, j->env->viot_upgrade, o, &j->out->checks);
	}
	dmt_topo_free(&t);
	dmt_findings_free(&f);
}

static void boot_and_judge(struct job *j)
{
	struct replay_obs o;
	char why[384] = "";

	for (unsigned attempt = 1; attempt <= MAX_BOOTS; attempt++) {
		j->out->attempts = attempt;
		progress(j, "booting %s (attempt %u)", j->v->replay_arch, attempt);
		int rc = boot_once(j, &o, why, sizeof(why));

		if (rc == 0)
			break;
		progress(j, "boot failed: %s", why);
		if (rc == -2) {
			replay_obs_free(&o);
			break;
		}
		if (attempt < MAX_BOOTS) {
			rename_attempt(j, "console.log", attempt);
			rename_attempt(j, "qemu-trace.log", attempt);
			rename_attempt(j, "qemu.log", attempt);
		}
		replay_obs_free(&o);
	}
	if (why[0]) {
		error_check(j, "boot", "%s after %u boot(s); console kept in %s/console.log", why,
			    j->out->attempts, j->dir);
		return;
	}
	judge(j, &o);
	replay_obs_free(&o);
}

static void json_writer(FILE *f, const void *arg)
{
	replay_json_lines(f, arg);
}

static void write_results(struct job *j)
{
	char path[PATH_CHARS];

	path_in(j, "results.jsonl", path, sizeof(path));
	if (replay_write_atomic(path, json_writer, j->out))
		error_check(j, "results", "cannot write %s", path);
}

static int load(struct job *j)
{
	FILE *quiet = tmpfile();
	char msg[300] = "";
	size_t n = 0;

	if (dmt_load_vector(j->path, j->v, quiet ? quiet : j->err) == 0) {
		if (quiet)
			fclose(quiet);
		return 0;
	}
	if (quiet) {
		rewind(quiet);
		n = fread(msg, 1, sizeof(msg) - 1, quiet);
		fclose(quiet);
	}
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	error_check(j, "parse", "%s", msg[0] ? msg : "the vector does not parse");
	return -1;
}

static void run_job(struct job *j)
{
	double t0 = replay_now();

	if (load(j))
		return;
	if (!j->v->replay_arch[0]) {
		j->out->skipped = true;
		replay_fmt(j->out->skip_why, sizeof(j->out->skip_why), "no replay statement");
		return;
	}
	if (replay_machine_parse(j->v->replay_arch, &j->arch, &j->xen)) {
		error_check(j, "machine", "unknown replay machine '%s'", j->v->replay_arch);
		return;
	}
	if (j->xen && !(j->xo = calloc(1, sizeof(*j->xo)))) {
		error_check(j, "machine", "out of memory");
		return;
	}
	replay_fmt(j->out->arch, sizeof(j->out->arch), "%s", j->xen ? "xen-arm64" : replay_arch_name(j->arch));
	if (mkdir(j->dir, 0755) && errno != EEXIST) {
		error_check(j, "machine", "cannot create %s", j->dir);
		return;
	}
	if (j->arch == REPLAY_ARM64 && prepare_dtb(j))
		return;
	if (j->arch == REPLAY_X86_64 && j->env->viot_upgrade && prepare_viot(j))
		return;
	boot_and_judge(j);
	j->out->verdict_s = replay_now() - t0;
	/* The known lists are applied later, in vector order: the device side's count is
	 * what they still have to excuse. */
	progress(j, "%s: %zu pass, %zu fail, %zu error, %zu device-side before the known lists; boot %.1fs, verdict %.1fs",
		 replay_gate_of(j->out, false) == GATE_PASS ? "PASS" : "NOT OK",
		 replay_count(j->out, REPLAY_PASS),
		 replay_count(j->out, REPLAY_FAIL), replay_count(j->out, REPLAY_ERROR),
		 replay_device_failures(j->out), j->out->boot_s, j->out->verdict_s);
}

void replay_one(const char *path, const char *results, const struct replay_env *env,
		size_t k, size_t total, struct replay_verdict *out, FILE *err)
{
	struct job j;

	memset(&j, 0, sizeof(j));
	memset(out, 0, sizeof(*out));
	j.path = path;
	j.own_env = *env;
	j.env = &j.own_env;
	j.k = k;
	j.total = total;
	j.err = err;
	j.out = out;
	replay_fmt(out->vector, sizeof(out->vector), "%s", path);
	replay_fmt(out->arch, sizeof(out->arch), "-");
	vector_name(path, out->name, sizeof(out->name));
	replay_fmt(j.dir, sizeof(j.dir), "%s/%s", results, out->name);
	j.v = calloc(1, sizeof(*j.v));
	if (!j.v) {
		error_check(&j, "parse", "out of memory");
		return;
	}
	run_job(&j);
	if (!out->skipped && out->arch[0] != '-')
		write_results(&j);
	dmt_vector_free(j.v);
	free(j.v);
	free(j.xo);
}
