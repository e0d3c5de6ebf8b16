/* dmatopo vectors: run golden vectors; KTAP version 1 on stdout (one subtest per
 * file, one result per expectation), JUnit XML on request. */
#include "cli.h"
#include "vector.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 8192

/* Labels no vector can produce, with the reason; every other label needs one. */
static const struct {
	enum dmt_label label;
	const char *why;
} coverage_exempt[] = {
	{ DMT_L_InputTooLarge, "needs a 16 MiB input; a unit test covers it" },
	{ DMT_L_OutOfMemory, "allocation failure; not reachable from a vector" },
	{ DMT_L_ModelLimit, "needs more than 65536 items; a unit test covers it" },
	{ DMT_L_InputFormatUnknown, "vectors always name their encoding; test_core covers detection" },
	{ DMT_L_VTOPOVersionUnknown, "vectors accept vtopo-version 2 or 3 only; test_vtopo covers it" },
	{ DMT_L_GrantInvariant, "fires only on a corrupted model; test_grant corrupts one for each invariant" },
	{ DMT_L_LspciNotADump, "lspci dumps are not a vector encoding; test_lspci covers it" },
	{ DMT_L_LspciTruncated, "lspci dumps are not a vector encoding; test_lspci covers it" },
	{ DMT_L_LspciDuplicateDevice, "lspci dumps are not a vector encoding; test_lspci covers it" },
};

static void vectors_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo vectors [--profile linux|spec] [--junit FILE] [--require-labels] PATH...\n\n"
		"Run every *.vec file under each PATH (files or folders, walked in name order).\n"
		"Prints KTAP version 1: one subtest per file, one result per expectation per\n"
		"encoding and profile, plus one per pair of encodings that must agree; a failed\n"
		"result is followed by a '# ' line with both sides. A vector that does not parse\n"
		"fails with its file and line. --require-labels also fails unless every lint\n"
		"label is asserted by some vector. --junit writes the same results as JUnit XML.\n"
		"Exit status 0 when everything passed, 1 otherwise, 2 on usage or I/O errors.\n");
}

struct files {
	char **path;
	size_t n;
	bool overflow;
};

static int add_file(struct files *f, const char *p)
{
	char **np;

	if (f->n == MAX_FILES) {
		f->overflow = true;
		return -1;
	}
	np = realloc(f->path, (f->n + 1) * sizeof(*np));
	if (!np)
		return -1;
	f->path = np;
	f->path[f->n] = strdup(p);
	if (!f->path[f->n])
		return -1;
	f->n++;
	return 0;
}

static bool is_vec(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".vec") == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk folders with an explicit work list (no recursion): folders found are
 * appended and visited in turn; files are sorted at the end. */
static int collect(const char *root, struct files *out, FILE *err)
{
	struct files dirs = { 0 };
	struct stat st;

	if (stat(root, &st)) {
		fprintf(err, "dmatopo vectors: %s: no such file or folder\n", root);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(out, root);
	if (add_file(&dirs, root))
		return -1;
	for (size_t i = 0; i < dirs.n; i++) {
		DIR *d = opendir(dirs.path[i]);
		struct dirent *de;

		if (!d) {
			fprintf(err, "dmatopo vectors: cannot open %s\n", dirs.path[i]);
			continue;
		}
		while ((de = readdir(d))) {
			char p[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", dirs.path[i], de->d_name);
			if (stat(p, &st))
				continue;
			if (S_ISDIR(st.st_mode))
				add_file(&dirs, p);
			else if (is_vec(de->d_name))
				add_file(out, p);
		}
		closedir(d);
	}
	for (size_t i = 0; i < dirs.n; i++)
		free(dirs.path[i]);
	free(dirs.path);
	return 0;
}

struct collected {
	struct dmt_result *r;
	size_t n, cap;
};

static void collect_result(const struct dmt_result *res, void *ctx)
{
	struct collected *c = ctx;

	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 32;
		struct dmt_result *p = realloc(c->r, ncap * sizeof(*p));

		if (!p)
			return;
		c->r = p;
		c->cap = ncap;
	}
	c->r[c->n++] = *res;
}

static void junit_suite(FILE *j, const char *file, const struct collected *c, const char *parse_error)
{
	size_t failures = 0;

	for (size_t i = 0; i < c->n; i++)
		failures += !c->r[i].ok;
	fprintf(j, "  <testsuite name=\"");
	dmt_xml_escaped(j, file);
	fprintf(j, "\" tests=\"%zu\" failures=\"%zu\">\n", parse_error ? 1 : c->n,
		parse_error ? 1 : failures);
	if (parse_error) {
		fprintf(j, "    <testcase classname=\"vectors\" name=\"parse\"><failure message=\"");
		dmt_xml_escaped(j, parse_error);
		fprintf(j, "\"/></testcase>\n");
	}
	for (size_t i = 0; i < c->n; i++) {
		fprintf(j, "    <testcase classname=\"vectors\" name=\"");
		dmt_xml_escaped(j, c->r[i].what);
		fprintf(j, "\"");
		if (c->r[i].ok) {
			fprintf(j, "/>\n");
		} else {
			fprintf(j, "><failure message=\"");
			dmt_xml_escaped(j, c->r[i].diag);
			fprintf(j, "\"/></testcase>\n");
		}
	}
	fprintf(j, "  </testsuite>\n");
}

/* Runs one file; prints its KTAP subtest; returns true when it passed. */
static bool run_file(FILE *out, FILE *err, FILE *junit, const char *path, size_t num,
		     uint8_t profiles, bool *seen)
{
	struct dmt_vector *v = calloc(1, sizeof(*v));
	struct collected c = { 0 };
	char perr[512];
	bool ok = true;
	FILE *quiet;

	if (!v)
		return false;
	/* Parse errors go into the KTAP stream as a diagnostic, not to stderr. */
	quiet = tmpfile();
	if (dmt_load_vector(path, v, quiet ? quiet : err)) {
		size_t n = 0;

		perr[0] = '\0';
		if (quiet) {
			rewind(quiet);
			n = fread(perr, 1, sizeof(perr) - 1, quiet);
		}
		perr[n] = '\0';
		if (n && perr[n - 1] == '\n')
			perr[n - 1] = '\0';
		fprintf(out, "    # %s\n", perr);
		fprintf(out, "not ok %zu %s # parse error\n", num, path);
		if (junit)
			junit_suite(junit, path, &c, perr);
		if (quiet)
			fclose(quiet);
		dmt_vector_free(v);
		free(v);
		return false;
	}
	if (quiet)
		fclose(quiet);
	dmt_vector_run(v, profiles, collect_result, &c, seen);
	fprintf(out, "    KTAP version 1\n    # Subtest: %s\n    # cite: %s\n    1..%zu\n", path, v->cite, c.n);
	for (size_t i = 0; i < c.n; i++) {
		fprintf(out, "    %s %zu %s\n", c.r[i].ok ? "ok" : "not ok", i + 1, c.r[i].what);
		if (!c.r[i].ok) {
			fprintf(out, "    # %s\n", c.r[i].diag);
			ok = false;
		}
	}
	if (c.n == 0)
		ok = false;	/* nothing asserted: not a pass */
	fprintf(out, "%s %zu %s\n", ok ? "ok" : "not ok", num, path);
	if (junit)
		junit_suite(junit, path, &c, NULL);
	free(c.r);
	dmt_vector_free(v);
	free(v);
	return ok;
}

static bool exempt(enum dmt_label l)
{
	for (size_t i = 0; i < sizeof(coverage_exempt) / sizeof(coverage_exempt[0]); i++)
		if (coverage_exempt[i].label == l)
			return true;
	return false;
}

/* The last top-level test: every label is asserted by some vector. */
static bool check_coverage(FILE *out, const bool *seen, size_t num)
{
	size_t missing = 0;

	for (unsigned l = 1; l < DMT_L_COUNT; l++) {
		if (seen[l] || exempt((enum dmt_label)l))
			continue;
		if (!missing++)
			fprintf(out, "    # labels no vector asserts:\n");
		fprintf(out, "    #   %s\n", dmt_label_name((enum dmt_label)l));
	}
	fprintf(out, "%s %zu label-coverage", missing ? "not ok" : "ok", num);
	if (missing)
		fprintf(out, " # %zu label(s) without a vector", missing);
	fputc('\n', out);
	return missing == 0;
}

int cmd_vectors(int argc, char **argv, FILE *out, FILE *err)
{
	struct files files = { 0 };
	const char *junit_path = NULL;
	bool require_labels = false, seen[DMT_L_COUNT] = { false };
	uint8_t profiles = DMT_ACTIVE_ALL;
	size_t passed = 0, failed = 0;
	FILE *junit = NULL;
	int npaths = 0;

	for (int i = 1; i < argc; i++) {
		if (dmt_is_help(argv[i])) {
			vectors_help(out);
			return DMT_EXIT_OK;
		} else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			enum dmt_profile p;

			if (dmt_profile_parse(argv[++i], &p)) {
				fprintf(err, "dmatopo vectors: --profile takes linux or spec\n");
				return DMT_EXIT_USAGE;
			}
			profiles = (uint8_t)DMT_ACTIVE(p);
		} else if (strcmp(argv[i], "--junit") == 0 && i + 1 < argc) {
			junit_path = argv[++i];
		} else if (strcmp(argv[i], "--require-labels") == 0) {
			require_labels = true;
		} else if (argv[i][0] == '-') {
			fprintf(err, "dmatopo vectors: unknown option '%s'\n", argv[i]);
			return DMT_EXIT_USAGE;
		} else {
			npaths++;
			if (collect(argv[i], &files, err))
				return DMT_EXIT_USAGE;
		}
	}
	if (!npaths) {
		vectors_help(err);
		return DMT_EXIT_USAGE;
	}
	if (files.overflow)
		fprintf(err, "dmatopo vectors: more than %u files; the rest are not run\n", MAX_FILES);
	if (files.n)
		qsort(files.path, files.n, sizeof(*files.path), cmp_str);
	if (junit_path) {
		junit = fopen(junit_path, "w");
		if (!junit) {
			fprintf(err, "dmatopo vectors: cannot write %s\n", junit_path);
			return DMT_EXIT_USAGE;
		}
		fprintf(junit, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dmatopo vectors\">\n");
	}
	fprintf(out, "KTAP version 1\n1..%zu\n", files.n + (require_labels ? 1 : 0));
	for (size_t i = 0; i < files.n; i++) {
		if (run_file(out, err, junit, files.path[i], i + 1, profiles, seen))
			passed++;
		else
			failed++;
		free(files.path[i]);
	}
	free(files.path);
	if (require_labels) {
		if (check_coverage(out, seen, files.n + 1))
			passed++;
		else
			failed++;
	}
	fprintf(out, "# vectors: %zu passed, %zu failed\n", passed, failed);
	if (junit) {
		fprintf(junit, "</testsuites>\n");
		fclose(junit);
	}
	return failed || files.n == 0 ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
}
