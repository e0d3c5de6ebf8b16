/* The whole replay run in two forms: JSON lines (one object per vector, for CI
 * dashboards and shard merging) and the Markdown REPORT.md includes. Both are made
 * from the verdicts array itself, so every vector given has its line and its row:
 * a vector that did not parse or never booted is a row that says so, not a gap. */
#include "cli.h"
#include "replay.h"

#include <string.h>

#define MAX_DETAIL_LINES 80
#define MAX_NOTE_LINES 60

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
		"QEMU's virtio_iommu_attach trace against the kernel, repeated configuration after\n"
		"deferred probes, IDs a kernel added and then abandoned. QEMU 7.2 knows a device behind a\n"
		"PCIe-to-PCI bridge only under the alias (secondary bus, devfn 0; hw/pci/pci.c\n"
		"pci_device_iommu_address_space) while Linux adds the device's own RID first, so nothing\n"
		"is attached; QEMU's endpoint IDs on arm virt are RIDs whatever the rewritten DT says.\n\n");
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

void replay_summary_markdown(FILE *out, const struct replay_run_summary *s)
{
	matrix(out, s);
	times_per_machine(out, s);
	if (s->all_checks)
		all_checks(out, s);
	details(out, s);
	known(out, s);
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
