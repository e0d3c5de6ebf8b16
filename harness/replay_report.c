/* Output of the replay per vector: KTAP version 1 (one subtest per vector, one
 * result per device), JUnit XML and JSON lines per device. The gate's directive on
 * the vector's line comes from replay_verdict.c. Files are written atomically. */
#include "cli.h"
#include "replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *status_name(enum replay_status s)
{
	return s == REPLAY_PASS ? "pass" : s == REPLAY_FAIL ? "fail" : "error";
}

size_t replay_count(const struct replay_verdict *v, enum replay_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < v->checks.n; i++)
		n += v->checks.c[i].status == st;
	return n;
}

static const char *qside_name(enum replay_qemu_side q)
{
	return q == QSIDE_AGREE ? "agree" : q == QSIDE_DIFFER ? "differ" : "none";
}

/* Known end-to-end failures that no longer hold, one line each. */
static void e2e_xpass_lines(FILE *out, const struct replay_verdict *v)
{
	for (size_t i = 0; i < v->checks.n; i++)
		if (replay_e2e_xpass(&v->checks.c[i]))
			fprintf(out, "# XPASS: known end-to-end failure %s is %s now (take it off the list): %s\n",
				v->checks.c[i].what, dmt_e2e_name(v->checks.c[i].qside.e2e),
				v->checks.c[i].qside.waiver);
	if (v->e2e_stale)
		fprintf(out, "# XPASS: %zu known end-to-end failure(s) name a device this vector does not have (first: %s)\n",
			v->e2e_stale, v->e2e_stale_first);
}

/* The device side of one check in words: QEMU against the model, then end to end. */
void replay_qside_text(const struct replay_check *c, char *out, size_t len)
{
	const struct replay_qside *q = &c->qside;

	out[0] = '\0';
	if (q->qemu == QSIDE_NONE)
		return;
	if (!c->is_device) {
		replay_fmt(out, len, "QEMU %s the qemu-7.2 device model",
			   q->qemu == QSIDE_AGREE ? "agrees with" : "DIFFERS from");
		return;
	}
	replay_fmt(out, len, "model (qemu-7.2) %s; QEMU %s%s; end to end: %s", q->requests,
		   q->qemu == QSIDE_AGREE ? "agrees" : "DIFFERS from the model: ",
		   q->qemu == QSIDE_AGREE ? "" : q->qemu_said, dmt_e2e_name(q->e2e));
	if (q->why[0])
		replay_fmt(out + strlen(out), len - strlen(out), " (%s)", q->why);
	if (q->blind)
		replay_fmt(out + strlen(out), len - strlen(out),
			   "; QEMU cannot know the DT (the replay rewrote it), not QEMU's fault");
	if (q->waiver)
		replay_fmt(out + strlen(out), len - strlen(out), "; known end-to-end failure");
}

/* The vector's own line: TAP's TODO marks an expected failure (a known divergence
 * that still diverges); an XPASS is a plain "not ok" with the reason. */
static void ktap_vector_line(FILE *out, const struct replay_verdict *v, size_t num)
{
	switch (v->gate) {
	case GATE_PASS:
		fprintf(out, "ok %zu %s\n", num, v->vector);
		break;
	case GATE_XFAIL:
		fprintf(out, "not ok %zu %s # TODO known divergence: %s\n", num, v->vector,
			v->known_reason ? v->known_reason : "?");
		break;
	case GATE_XPASS:
		if (v->known_reason)
			fprintf(out, "# XPASS: a known divergence now agrees (take it off the list): %s\n",
				v->known_reason);
		e2e_xpass_lines(out, v);
		fprintf(out, "not ok %zu %s\n", num, v->vector);
		break;
	case GATE_SKIP:
		fprintf(out, "ok %zu %s # SKIP %s\n", num, v->vector, v->skip_why);
		break;
	case GATE_FAIL:
	case GATE_ERROR:
		fprintf(out, "not ok %zu %s\n", num, v->vector);
		break;
	}
}

void replay_ktap(FILE *out, const struct replay_verdict *v, size_t num)
{
	if (v->skipped) {
		ktap_vector_line(out, v, num);
		return;
	}
	fprintf(out, "    KTAP version 1\n    # Subtest: %s\n", v->vector);
	fprintf(out, "    # machine %s, %u boot(s), last boot %.1fs, verdict after %.1fs\n", v->arch,
		v->attempts, v->boot_s, v->verdict_s);
	fprintf(out, "    1..%zu\n", v->checks.n);
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct replay_check *c = &v->checks.c[i];

		char qs[REPLAY_DIAG];
		bool ok = c->status == REPLAY_PASS && !replay_device_failed(c);

		fprintf(out, "    %s %zu %s%s\n", ok ? "ok" : "not ok", i + 1,
			c->what, c->status == REPLAY_ERROR ? " # ERROR" : "");
		if (c->status != REPLAY_PASS || c->is_device || c->qside.qemu != QSIDE_NONE)
			fprintf(out, "    # %s\n", c->diag);
		replay_qside_text(c, qs, sizeof(qs));
		if (qs[0])
			fprintf(out, "    # device side: %s\n", qs);
		if (c->note[0])
			fprintf(out, "    # note: %s\n", c->note);
	}
	ktap_vector_line(out, v, num);
}

static void junit_message(FILE *j, const char *element, const char *prefix, const char *text)
{
	fprintf(j, "<%s message=\"", element);
	dmt_xml_escaped(j, prefix);
	dmt_xml_escaped(j, text);
	fprintf(j, "\"/>");
}

static void junit_case(FILE *j, const struct replay_verdict *v, const struct replay_check *c)
{
	fprintf(j, "    <testcase classname=\"replay.%s\" name=\"", v->arch);
	dmt_xml_escaped(j, c->what);
	fprintf(j, "\">");
	/* A known divergence's disagreements are accepted: skipped, with the reason. */
	char qs[REPLAY_DIAG];

	replay_qside_text(c, qs, sizeof(qs));
	if (replay_device_failed(c) && c->status != REPLAY_ERROR)
		junit_message(j, "failure", "device side: ", qs);
	else if (replay_e2e_xpass(c))
		junit_message(j, "failure", "XPASS: the known end-to-end failure holds no more: ",
			      c->qside.waiver);
	else if (c->status == REPLAY_FAIL && v->gate == GATE_XFAIL)
		junit_message(j, "skipped", "known divergence: ", v->known_reason ? v->known_reason : "");
	else if (c->status != REPLAY_PASS)
		junit_message(j, c->status == REPLAY_FAIL ? "failure" : "error", "", c->diag);
	if (c->note[0]) {
		fprintf(j, "<system-out>");
		dmt_xml_escaped(j, c->note);
		fprintf(j, "</system-out>");
	}
	fprintf(j, "</testcase>\n");
}

/* Checks the kernel passed but the device side fails (their JUnit failure is that). */
static size_t replay_junit_device_fails(const struct replay_verdict *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->checks.n; i++) {
		const struct replay_check *c = &v->checks.c[i];

		n += c->status == REPLAY_PASS && (replay_device_failed(c) || replay_e2e_xpass(c));
	}
	return n;
}

void replay_junit_suite(FILE *j, const struct replay_verdict *v)
{
	bool xfail = v->gate == GATE_XFAIL, xpass = v->gate == GATE_XPASS && v->known_reason;
	size_t fails = (xfail ? 0 : replay_count(v, REPLAY_FAIL)) + replay_junit_device_fails(v);
	size_t skips = v->skipped ? 1 : xfail ? replay_count(v, REPLAY_FAIL) : 0;

	fprintf(j, "  <testsuite name=\"");
	dmt_xml_escaped(j, v->vector);
	fprintf(j, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.1f\">\n",
		(v->skipped ? 1 : v->checks.n) + xpass, fails + xpass, replay_count(v, REPLAY_ERROR),
		skips, v->verdict_s);
	if (v->skipped) {
		fprintf(j, "    <testcase classname=\"replay\" name=\"replay\">");
		junit_message(j, "skipped", "", v->skip_why);
		fprintf(j, "</testcase>\n");
	}
	if (xpass) {
		fprintf(j, "    <testcase classname=\"replay\" name=\"known-divergence\">");
		junit_message(j, "failure", "XPASS: the known divergence now agrees; take it off the list: ",
			      v->known_reason ? v->known_reason : "");
		fprintf(j, "</testcase>\n");
	}
	for (size_t i = 0; i < v->checks.n; i++)
		junit_case(j, v, &v->checks.c[i]);
	fprintf(j, "  </testsuite>\n");
}

static void json_ids(FILE *out, const uint32_t *ids, size_t n)
{
	fputc('[', out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u", i ? "," : "", ids[i]);
	fputc(']', out);
}

void replay_json_lines(FILE *out, const struct replay_verdict *v)
{
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct replay_check *c = &v->checks.c[i];

		fprintf(out, "{\"vector\":");
		dmt_print_json_string(out, v->vector);
		fprintf(out, ",\"arch\":\"%s\",\"check\":", v->arch);
		dmt_print_json_string(out, c->what);
		fprintf(out, ",\"status\":\"%s\"", status_name(c->status));
		if (c->is_device) {
			fprintf(out, ",\"kernel\":");
			json_ids(out, c->kernel, c->nkernel);
			fprintf(out, ",\"reference\":");
			json_ids(out, c->ref, c->nref);
			fprintf(out, ",\"reference_reason\":");
			dmt_print_json_string(out, c->ref_reason);
			fprintf(out, ",\"aliases\":[");
			for (size_t k = 0; k < c->naliases; k++)
				fprintf(out, "%s%u", k ? "," : "", c->aliases[k]);
			fputc(']', out);
		}
		if (c->qside.qemu != QSIDE_NONE && c->is_device) {
			fprintf(out, ",\"qemu\":\"%s\",\"e2e\":\"%s\",\"e2e_spec\":\"%s\",\"blind\":%s,\"requests\":",
				qside_name(c->qside.qemu), dmt_e2e_name(c->qside.e2e),
				dmt_e2e_name(c->qside.e2e_spec), c->qside.blind ? "true" : "false");
			dmt_print_json_string(out, c->qside.requests);
			fprintf(out, ",\"qemu_said\":");
			dmt_print_json_string(out, c->qside.qemu_said);
			fprintf(out, ",\"e2e_why\":");
			dmt_print_json_string(out, c->qside.why);
			fprintf(out, ",\"known_e2e\":");
			if (c->qside.waiver)
				dmt_print_json_string(out, c->qside.waiver);
			else
				fprintf(out, "null");
		} else if (c->qside.qemu != QSIDE_NONE) {
			fprintf(out, ",\"qemu\":\"%s\"", qside_name(c->qside.qemu));
		}
		fprintf(out, ",\"diag\":");
		dmt_print_json_string(out, c->diag);
		fprintf(out, ",\"note\":");
		dmt_print_json_string(out, c->note);
		fprintf(out, ",\"boot_seconds\":%.2f,\"verdict_seconds\":%.2f,\"boots\":%u}\n",
			v->boot_s, v->verdict_s, v->attempts);
	}
}

int replay_write_atomic(const char *path, void (*fn)(FILE *, const void *), const void *arg)
{
	size_t n = strlen(path) + 5;
	char *tmp = malloc(n);
	FILE *f;
	int rc;

	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return -1;
	}
	fn(f, arg);
	rc = fflush(f) || ferror(f);
	rc |= fclose(f);
	if (!rc)
		rc = rename(tmp, path);
	if (rc)
		remove(tmp);
	free(tmp);
	return rc ? -1 : 0;
}

void replay_fmt(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}
