/* Output of the replay: KTAP version 1 (one subtest per vector, one result per
 * device), JUnit XML, JSON lines per device, and a TSV summary line per vector that
 * ci/report turns into REPORT.md. Files are written atomically. */
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

bool replay_vector_ok(const struct replay_verdict *v)
{
	if (v->skipped)
		return true;
	/* Nothing compared is not a pass. */
	return v->checks.n > 0 && replay_count(v, REPLAY_PASS) == v->checks.n;
}

static const char *vector_status(const struct replay_verdict *v)
{
	if (v->skipped)
		return "skip";
	if (replay_count(v, REPLAY_ERROR) || v->checks.n == 0)
		return "error";
	return replay_count(v, REPLAY_FAIL) ? "fail" : "pass";
}

void replay_ktap(FILE *out, const struct replay_verdict *v, size_t num)
{
	if (v->skipped) {
		fprintf(out, "ok %zu %s # SKIP %s\n", num, v->vector, v->skip_why);
		return;
	}
	fprintf(out, "    KTAP version 1\n    # Subtest: %s\n", v->vector);
	fprintf(out, "    # machine %s, %u boot(s), last boot %.1fs, verdict after %.1fs\n", v->arch,
		v->attempts, v->boot_s, v->verdict_s);
	fprintf(out, "    1..%zu\n", v->checks.n);
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct replay_check *c = &v->checks.c[i];

		fprintf(out, "    %s %zu %s%s\n", c->status == REPLAY_PASS ? "ok" : "not ok", i + 1,
			c->what, c->status == REPLAY_ERROR ? " # ERROR" : "");
		if (c->status != REPLAY_PASS || c->is_device)
			fprintf(out, "    # %s\n", c->diag);
		if (c->note[0])
			fprintf(out, "    # note: %s\n", c->note);
	}
	fprintf(out, "%s %zu %s\n", replay_vector_ok(v) ? "ok" : "not ok", num, v->vector);
}

void replay_junit_suite(FILE *j, const struct replay_verdict *v)
{
	fprintf(j, "  <testsuite name=\"");
	dmt_xml_escaped(j, v->vector);
	fprintf(j, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%d\" time=\"%.1f\">\n",
		v->skipped ? 1 : v->checks.n, replay_count(v, REPLAY_FAIL),
		replay_count(v, REPLAY_ERROR), v->skipped ? 1 : 0, v->verdict_s);
	if (v->skipped) {
		fprintf(j, "    <testcase classname=\"replay\" name=\"replay\"><skipped message=\"");
		dmt_xml_escaped(j, v->skip_why);
		fprintf(j, "\"/></testcase>\n");
	}
	for (size_t i = 0; i < v->checks.n; i++) {
		const struct replay_check *c = &v->checks.c[i];

		fprintf(j, "    <testcase classname=\"replay.%s\" name=\"", v->arch);
		dmt_xml_escaped(j, c->what);
		fprintf(j, "\">");
		if (c->status != REPLAY_PASS) {
			fprintf(j, "<%s message=\"", c->status == REPLAY_FAIL ? "failure" : "error");
			dmt_xml_escaped(j, c->diag);
			fprintf(j, "\"/>");
		}
		if (c->note[0]) {
			fprintf(j, "<system-out>");
			dmt_xml_escaped(j, c->note);
			fprintf(j, "</system-out>");
		}
		fprintf(j, "</testcase>\n");
	}
	fprintf(j, "  </testsuite>\n");
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
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
		json_string(out, v->vector);
		fprintf(out, ",\"arch\":\"%s\",\"check\":", v->arch);
		json_string(out, c->what);
		fprintf(out, ",\"status\":\"%s\"", status_name(c->status));
		if (c->is_device) {
			fprintf(out, ",\"kernel\":");
			json_ids(out, c->kernel, c->nkernel);
			fprintf(out, ",\"reference\":");
			json_ids(out, c->ref, c->nref);
			fprintf(out, ",\"reference_reason\":");
			json_string(out, c->ref_reason);
			fprintf(out, ",\"aliases\":[");
			for (size_t k = 0; k < c->naliases; k++)
				fprintf(out, "%s%u", k ? "," : "", c->aliases[k]);
			fputc(']', out);
		}
		fprintf(out, ",\"diag\":");
		json_string(out, c->diag);
		fprintf(out, ",\"note\":");
		json_string(out, c->note);
		fprintf(out, ",\"boot_seconds\":%.2f,\"verdict_seconds\":%.2f,\"boots\":%u}\n",
			v->boot_s, v->verdict_s, v->attempts);
	}
}

void replay_summary_line(FILE *out, const struct replay_verdict *v)
{
	size_t notes = 0;

	for (size_t i = 0; i < v->checks.n; i++)
		notes += v->checks.c[i].note[0] != '\0';
	fprintf(out, "%s\t%s\t%s\t%s\t%zu\t%zu\t%zu\t%.1f\t%.1f\t%u\t%zu\n", v->name, v->arch,
		v->vector, vector_status(v), replay_count(v, REPLAY_PASS),
		replay_count(v, REPLAY_FAIL), replay_count(v, REPLAY_ERROR), v->boot_s,
		v->verdict_s, v->attempts, notes);
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
