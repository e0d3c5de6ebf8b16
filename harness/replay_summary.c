/* The whole replay run in two forms: JSON lines (one object per vector, for CI
 * dashboards and shard merging) and the Markdown REPORT.md includes. Both are made
 * from the verdicts array itself, so every vector given has its line and its row:
 * a vector that did not parse or never booted is a row that says so, not a gap. */
#include "cli.h"
#include "replay.h"

#include <string.h>

#define MAX_DETAIL_LINES 80
#define MAX_NOTE_LINES 60
#define MAX_E2E_LINES 200

/* One vector's device side in numbers (replay_device.c filled the checks). */
struct e2e_counts {
	size_t devices, kernel_agree, judged, qemu_differ;
	size_t state[3];		/* by enum dmt_e2e */
	size_t broken_known, broken_blind;
	bool qemu_observed;		/* the qemu-device check is there and not an error */
};

static void e2e_count(const struct replay_verdict *v, struct e2e_counts *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct replay_check *c = &v->checks.c[i];
		const struct replay_qside *q = &c->qside;

		if (!c->is_device) {
			n->qemu_observed |= strcmp(c->what, "qemu-device") == 0 && c->status != REPLAY_ERROR;
			n->qemu_differ += q->qemu == QSIDE_DIFFER;
			continue;
		}
		n->devices++;
		n->kernel_agree += c->status == REPLAY_PASS;
		if (q->qemu == QSIDE_NONE)
			continue;
		n->judged++;
		n->qemu_differ += q->qemu == QSIDE_DIFFER;
		n->state[q->e2e]++;
		n->broken_known += q->e2e == DMT_E2E_BROKEN && q->waiver;
		n->broken_blind += q->e2e == DMT_E2E_BROKEN && q->blind;
	}
}

static const char *verdict_words(enum replay_gate g)
{
	switch (g) {
	case GATE_PASS: return "pass";
	case GATE_FAIL: return "**FAIL**";
	case GATE_ERROR: return "**ERROR**";
	case GATE_SKIP: return "skip";
	case GATE_XFAIL: return "known divergence";
	case GATE_XPASS: return "**XPASS** (known divergence agrees now)";
	}
	return "?";
}

/* "vectors/replay/x86/q35-bare.vec" → "q35-bare". */
static void topology_name(const char *path, char *out, size_t len)
{
	dmt_file_stem(path, ".vec", out, len);
}

static size_t notes_of(const struct replay_verdict *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->checks.n; i++)
		n += v->checks.c[i].note[0] != '\0';
	return n;
}

void replay_summary_jsonl(FILE *out, const struct replay_run_summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];
		struct e2e_counts n;

		fprintf(out, "{\"vector\":");
		dmt_print_json_string(out, v->vector);
		fprintf(out, ",\"name\":");
		dmt_print_json_string(out, v->name);
		fprintf(out, ",\"arch\":");
		dmt_print_json_string(out, v->arch);
		fprintf(out, ",\"verdict\":\"%s\",\"pass\":%zu,\"fail\":%zu,\"error\":%zu,"
			"\"notes\":%zu,\"boots\":%u,\"boot_seconds\":%.2f,\"verdict_seconds\":%.2f,\"known\":",
			replay_gate_name(v->gate), replay_count(v, REPLAY_PASS),
			replay_count(v, REPLAY_FAIL), replay_count(v, REPLAY_ERROR), notes_of(v),
			v->attempts, v->boot_s, v->verdict_s);
		if (v->known_reason)
			dmt_print_json_string(out, v->known_reason);
		else
			fprintf(out, "null");
		e2e_count(v, &n);
		fprintf(out, ",\"qemu_observed\":%s,\"qemu_differ\":%zu,\"translated\":%zu,\"bypassing\":%zu,"
			"\"broken\":%zu,\"broken_known\":%zu,\"broken_qemu_blind\":%zu",
			n.qemu_observed ? "true" : "false", n.qemu_differ, n.state[DMT_E2E_TRANSLATED],
			n.state[DMT_E2E_BYPASSING], n.state[DMT_E2E_BROKEN], n.broken_known,
			n.broken_blind);
		/* which kernel judged it, so that merged shards keep their kernels apart */
		if (s->kernel) {
			fprintf(out, ",\"kernel\":");
			dmt_print_json_string(out, s->kernel);
		}
		fprintf(out, "}\n");
	}
}

static void verdict_line(FILE *out, const struct replay_run_summary *s)
{
	const struct replay_tally *t = &s->tally;

	fprintf(out, "Verdict: **%s**. %zu vector(s): %zu pass, %zu fail, %zu error, %zu known divergence(s) still diverging, %zu XPASS, %zu skipped; %.0f s.\n\n",
		replay_tally_ok(t) ? "PASS" : "FAIL", s->n, t->pass, t->fail, t->error, t->xfail,
		t->xpass, t->skip, s->seconds);
}

static void matrix(FILE *out, const struct replay_run_summary *s)
{
	fprintf(out, "## %s: agreement matrix\n\n", s->title);
	verdict_line(out, s);
	fprintf(out,
		"One row per machine and topology (vector). *Agree* counts devices where the kernel's\n"
		"endpoint-ID list equals the reference's; *Disagree* are FAILs (both sides below);\n"
		"*Error* means no complete observation (boot, panic, timeout, bind). *Boot* is the last\n"
		"boot's QEMU run time, *Verdict* start-to-verdict for the vector.\n\n");
	fprintf(out, "| Machine | Topology | Verdict | Agree | Disagree | Error | Boots | Boot (s) | Verdict (s) | Notes |\n");
	fprintf(out, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];
		char topo[160];

		topology_name(v->vector, topo, sizeof(topo));
		fprintf(out, "| %s | %s | %s | %zu | %zu | %zu | %u | %.1f | %.1f | %zu |\n", v->arch,
			topo, verdict_words(v->gate), replay_count(v, REPLAY_PASS),
			replay_count(v, REPLAY_FAIL), replay_count(v, REPLAY_ERROR), v->attempts,
			v->boot_s, v->verdict_s, notes_of(v));
	}
	fprintf(out, "\n");
}

static void times_per_machine(FILE *out, const struct replay_run_summary *s)
{
	static const char *const arches[] = { "x86_64", "arm64", "xen-arm64" };

	fprintf(out, "Boot-to-verdict per machine (seconds):\n\n");
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		size_t n = 0;
		double sum = 0, lo = 0, hi = 0;

		for (size_t i = 0; i < s->n; i++) {
			const struct replay_verdict *v = &s->v[i];

			if (v->skipped || strcmp(v->arch, arches[a]) != 0)
				continue;
			lo = n == 0 || v->verdict_s < lo ? v->verdict_s : lo;
			hi = v->verdict_s > hi ? v->verdict_s : hi;
			sum += v->verdict_s;
			n++;
		}
		if (n)
			fprintf(out, "- %s: %zu vectors, mean %.1f, min %.1f, max %.1f\n", arches[a], n,
				sum / (double)n, lo, hi);
	}
	fprintf(out, "\n");
}

/* Every check that is not a pass, with both sides: at most `max`, then a count. */
static void details(FILE *out, const struct replay_run_summary *s)
{
	size_t shown = 0, total = 0;

	fprintf(out, "## %s: disagreements and errors\n\n", s->title);
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];

		for (size_t k = 0; k < v->checks.n; k++) {
			const struct replay_check *c = &v->checks.c[k];

			if (c->status == REPLAY_PASS)
				continue;
			if (total++ >= MAX_DETAIL_LINES)
				continue;
			shown++;
			fprintf(out, "- **%s**%s %s `%s` %s: %s\n",
				c->status == REPLAY_FAIL ? "fail" : "error",
				v->gate == GATE_XFAIL ? " (known divergence)" : "", v->arch, v->vector,
				c->what, c->diag);
		}
	}
	if (total == 0)
		fprintf(out, "None: every replayed device agreed.\n");
	else if (total > shown)
		fprintf(out, "- ... and %zu more (the replay's results.jsonl files)\n", total - shown);
	fprintf(out, "\n");
}

static const struct replay_verdict *verdict_for(const struct replay_run_summary *s,
						const struct replay_known_entry *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].known_reason == e->reason)
			return &s->v[i];
	return NULL;
}

static void known(FILE *out, const struct replay_run_summary *s)
{
	fprintf(out, "## %s: known divergences\n\n", s->title);
	if (!s->known || s->known->n == 0) {
		fprintf(out, "None listed.\n\n");
		return;
	}
	fprintf(out, "Listed in the known-divergence file; each must keep disagreeing (an agreement\n"
		     "is XPASS and turns the gate red until the line is removed).\n\n");
	for (size_t i = 0; i < s->known->n; i++) {
		const struct replay_known_entry *e = &s->known->e[i];
		const struct replay_verdict *v = verdict_for(s, e);

		fprintf(out, "- `%s` (%s): %s\n", e->vector,
			v ? verdict_words(v->gate) : "not replayed in this run", e->reason);
	}
	fprintf(out, "\n");
}

static void notes(FILE *out, const struct replay_run_summary *s)
{
	size_t total = 0;

	fprintf(out, "## %s: notes (not failures)\n\n", s->title);
	fprintf(out,
		"Repeated configuration after deferred probes, IDs a kernel added and then abandoned.\n"
		"(What QEMU answered is judged in the end-to-end sections above.)\n\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];

		for (size_t k = 0; k < v->checks.n; k++) {
			const struct replay_check *c = &v->checks.c[k];

			if (!c->note[0] || total++ >= MAX_NOTE_LINES)
				continue;
			fprintf(out, "- %s `%s` %s: %s\n", v->arch, v->vector, c->what, c->note);
		}
	}
	if (total == 0)
		fprintf(out, "None.\n");
	else if (total > MAX_NOTE_LINES)
		fprintf(out, "- ... and %zu more (the replay's results.jsonl files)\n",
			total - MAX_NOTE_LINES);
	fprintf(out, "\n");
}

/* '|' would end a table cell. */
static void cell(FILE *out, const char *text)
{
	for (; *text; text++) {
		if (*text == '|')
			fputc('\\', out);
		fputc(*text, out);
	}
}

/* Every check of every vector with both sides: for runs small enough to read whole. */
static void all_checks(FILE *out, const struct replay_run_summary *s)
{
	static const char *const st[] = { "pass", "FAIL", "ERROR" };

	fprintf(out, "## %s: every check\n\n", s->title);
	fprintf(out, "| Topology | Check | Result | Kernel and reference |\n|---|---|---|---|\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];
		char topo[160];

		topology_name(v->vector, topo, sizeof(topo));
		for (size_t k = 0; k < v->checks.n; k++) {
			const struct replay_check *c = &v->checks.c[k];

			fprintf(out, "| %s | %s | %s | ", topo, c->what, st[c->status]);
			cell(out, c->diag);
			fprintf(out, " |\n");
		}
	}
	fprintf(out, "\n");
}

static void qemu_under_test(FILE *out, const struct replay_run_summary *s)
{
	fprintf(out, "QEMU under test (judged against the `qemu-7.2` device model):\n\n");
	for (int a = 0; a < REPLAY_ARCH_COUNT; a++)
		fprintf(out, "- %s: `%s`: %s\n", replay_arch_name((enum replay_arch)a),
			s->qemu_bin[a] ? s->qemu_bin[a] : "?", s->qemu_version[a][0] ? s->qemu_version[a] : "?");
	fprintf(out, "\n");
}

static void qemu_column(const struct e2e_counts *n, char *out, size_t len)
{
	if (!n->qemu_observed)
		replay_fmt(out, len, "not observed");
	else if (n->qemu_differ)
		replay_fmt(out, len, "**differs** (%zu)", n->qemu_differ);
	else
		replay_fmt(out, len, "agrees (%zu)", n->judged);
}

/* The end-to-end table: a row per vector, kernel vs reference, QEMU vs the device
 * model, and how many devices end up translated, bypassing or broken. */
static void e2e_table(FILE *out, const struct replay_run_summary *s)
{
	fprintf(out, "## %s: end to end, device side\n\n", s->title);
	qemu_under_test(out, s);
	fprintf(out,
		"*Kernel* counts devices whose endpoint IDs equal the reference's. *QEMU* says whether\n"
		"QEMU's virtio-iommu answered the kernel's PROBE and ATTACH requests (its trace) as the\n"
		"`qemu-7.2` model of the device does (devices judged). End to end, a device is\n"
		"*translated* (every request succeeded and one names the address space its DMA uses),\n"
		"*bypassing* (the kernel gave the IOMMU no ID) or *broken* (IDs given, not translated).\n"
		"*Known*: broken devices listed as known end-to-end failures; *Blind*: broken only because\n"
		"QEMU cannot know the DT the replay rewrote (QEMU is not blamed); *Spec*: devices a device\n"
		"following the spec (accepting exactly the firmware's IDs) would translate.\n\n");
	fprintf(out, "| Machine | Topology | Kernel | QEMU | Translated | Bypassing | Broken | Known | Blind | Spec |\n");
	fprintf(out, "|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];
		struct e2e_counts n;
		char topo[160], q[48];
		size_t spec = 0;

		if (v->skipped)
			continue;
		e2e_count(v, &n);
		for (size_t k = 0; k < v->checks.n; k++)
			spec += v->checks.c[k].qside.qemu != QSIDE_NONE && v->checks.c[k].is_device &&
				v->checks.c[k].qside.e2e_spec == DMT_E2E_TRANSLATED;
		topology_name(v->vector, topo, sizeof(topo));
		qemu_column(&n, q, sizeof(q));
		fprintf(out, "| %s | %s | %zu/%zu | %s | %zu | %zu | %zu | %zu | %zu | %zu |\n", v->arch, topo,
			n.kernel_agree, n.devices, q, n.state[DMT_E2E_TRANSLATED],
			n.state[DMT_E2E_BYPASSING], n.state[DMT_E2E_BROKEN], n.broken_known,
			n.broken_blind, spec);
	}
	fprintf(out, "\n");
}

static const char *e2e_verdict(const struct replay_check *c)
{
	if (c->qside.blind)
		return "QEMU cannot know the DT (the replay rewrote it)";
	if (c->qside.waiver)
		return "known";
	return "**not waived**";
}

/* Every device that is broken end to end or that QEMU answered otherwise than the
 * model, with the reason; known ones with their list entry. */
static void e2e_failures(FILE *out, const struct replay_run_summary *s)
{
	size_t total = 0;

	fprintf(out, "## %s: end-to-end failures and device-side differences\n\n", s->title);
	for (size_t i = 0; i < s->n; i++) {
		const struct replay_verdict *v = &s->v[i];

		for (size_t k = 0; k < v->checks.n; k++) {
			const struct replay_check *c = &v->checks.c[k];
			char qs[REPLAY_DIAG];

			if (c->qside.qemu == QSIDE_NONE ||
			    (c->qside.qemu == QSIDE_AGREE && (!c->is_device || c->qside.e2e != DMT_E2E_BROKEN)))
				continue;
			if (total++ >= MAX_E2E_LINES)
				continue;
			replay_qside_text(c, qs, sizeof(qs));
			fprintf(out, "- %s `%s` %s (%s): %s%s%s\n", v->arch, v->vector, c->what,
				c->qside.qemu == QSIDE_DIFFER ? "**QEMU differs from the model**" : e2e_verdict(c),
				qs, c->qside.waiver ? ". Known: " : "", c->qside.waiver ? c->qside.waiver : "");
		}
	}
	if (total == 0)
		fprintf(out, "None: every device the kernel gave IDs is translated, and QEMU answered as the model.\n");
	else if (total > MAX_E2E_LINES)
		fprintf(out, "- ... and %zu more (the replay's results.jsonl files)\n", total - MAX_E2E_LINES);
	fprintf(out, "\n");
	if (s->known_e2e && s->known_e2e->n) {
		fprintf(out, "Known end-to-end failures listed (%zu; each must stay broken, else XPASS):\n\n",
			s->known_e2e->n);
		for (size_t i = 0; i < s->known_e2e->n; i++)
			fprintf(out, "- `%s`%s: %s\n", s->known_e2e->e[i].vector,
				s->known_e2e->e[i].used ? "" : " (not replayed in this run)",
				s->known_e2e->e[i].reason);
		fprintf(out, "\n");
	}
}

/* Whether any vector of the run had QEMU's virtio-iommu judged (a Xen run has none). */
static bool any_device_side(const struct replay_run_summary *s)
{
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].checks.n; k++)
			if (s->v[i].checks.c[k].qside.qemu != QSIDE_NONE)
				return true;
	return false;
}

void replay_summary_markdown(FILE *out, const struct replay_run_summary *s)
{
	matrix(out, s);
	times_per_machine(out, s);
	if (s->all_checks)
		all_checks(out, s);
	details(out, s);
	known(out, s);
	if (any_device_side(s)) {
		e2e_table(out, s);
		e2e_failures(out, s);
	}
	notes(out, s);
}

void replay_summary_tally(FILE *out, const struct replay_run_summary *s)
{
	const struct replay_tally *t = &s->tally;
	size_t failed = t->fail + t->error + t->xpass;

	/* Nothing replayed is a failure the tally must show too. */
	if (!replay_tally_ok(t) && failed == 0)
		failed = 1;
	fprintf(out, "%zu %zu %zu\n", t->pass + t->xfail, failed, t->skip);
}
