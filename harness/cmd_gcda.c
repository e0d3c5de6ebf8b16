/* dmatopo gcda: the kernel coverage a gcov guest sent over its console (kcov.h), written
 * out as .gcda files in the layout of the kernel's object tree so that lcov can read
 * them beside the .gcno files ci/kernel kept. ci/kcov runs it once per boot. */
#include "cli.h"
#include "kcov.h"

#include <stdlib.h>
#include <string.h>

static void gcda_help(FILE *out)
{
	fprintf(out,
		"usage: dmatopo gcda --objtree DIR -o OUT CONSOLE\n\n"
		"Take every .gcda file a coverage kernel's agent framed on CONSOLE (blobs named\n"
		"gcda, CRC-32 checked), and write each to OUT/REL, where the file's path is\n"
		"DIR/REL (DIR: the object tree the kernel was built in, ci/kernel's KEY/kcov/objtree).\n"
		"Prints 'gcda REL BYTES' per file and one 'LABEL: ...' line per problem (GcdaCorrupt,\n"
		"GcdaBadPath, GcdaMissing, GcdaAgentError, GcdaNone, GcdaTooMany, GcdaOutsideObjtree).\n"
		"Exit status 0 when every file arrived whole and was written, 1 on any problem,\n"
		"2 on usage or I/O errors.\n");
}

/* OUT/REL, with REL's folders made. 0, or -1 with a message. */
static int write_one(const char *outdir, const char *rel, const struct kcov_file *f, FILE *err)
{
	char path[4096], *slash;

	if (snprintf(path, sizeof(path), "%s/%s", outdir, rel) >= (int)sizeof(path)) {
		fprintf(err, "dmatopo gcda: path too long for %s\n", rel);
		return -1;
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	if (dmt_mkdir_p(path)) {
		fprintf(err, "dmatopo gcda: cannot create %s\n", path);
		return -1;
	}
	*slash = '/';
	return dmt_write_file(path, f->buf, f->len, err);
}

/* Every file below objtree written; returns the number of problems. */
static size_t write_all(const struct kcov_console *c, const char *objtree, const char *outdir,
			FILE *out, FILE *err, int *io)
{
	size_t n = strlen(objtree), bad = 0;

	while (n > 1 && objtree[n - 1] == '/')
		n--;
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *p = c->file[i].path;

		if (strncmp(p, objtree, n) != 0 || p[n] != '/') {
			fprintf(out, "GcdaOutsideObjtree: %s is not below %.*s\n", p, (int)n, objtree);
			bad++;
			continue;
		}
		if (write_one(outdir, p + n + 1, &c->file[i], err)) {
			*io = 1;
			continue;
		}
		fprintf(out, "gcda %s %zu\n", p + n + 1, c->file[i].len);
	}
	return bad;
}

static int run(const char *console, const char *objtree, const char *outdir, FILE *out, FILE *err)
{
	struct kcov_console *c = calloc(1, sizeof(*c));
	uint8_t *text = NULL;
	size_t len = 0, bad;
	int io = 0;

	if (!c || dmt_read_file(console, &text, &len, err)) {
		free(c);
		return DMT_EXIT_USAGE;
	}
	kcov_parse_console((const char *)text, len, c);
	free(text);
	for (size_t i = 0; i < c->nproblems && i < KCOV_MAX_PROBLEMS; i++)
		fprintf(out, "%s\n", c->problem[i]);
	if (c->nproblems > KCOV_MAX_PROBLEMS)
		fprintf(out, "(%zu more problems)\n", c->nproblems - KCOV_MAX_PROBLEMS);
	bad = c->nproblems + write_all(c, objtree, outdir, out, err, &io);
	fprintf(out, "# gcda: %zu file(s), %zu problem(s)\n", c->nfiles, bad);
	kcov_console_free(c);
	free(c);
	if (io)
		return DMT_EXIT_USAGE;
	return bad ? DMT_EXIT_FINDINGS : DMT_EXIT_OK;
}

int cmd_gcda(int argc, char **argv, FILE *out, FILE *err)
{
	const char *console = NULL, *objtree = NULL, *outdir = NULL;

	for (int i = 1; i < argc; i++) {
		if (dmt_is_help(argv[i])) {
			gcda_help(out);
			return DMT_EXIT_OK;
		} else if (strcmp(argv[i], "--objtree") == 0 && i + 1 < argc) {
			objtree = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			outdir = argv[++i];
		} else if (argv[i][0] != '-' && !console) {
			console = argv[i];
		} else {
			fprintf(err, "dmatopo gcda: unexpected argument '%s'\n", argv[i]);
			return DMT_EXIT_USAGE;
		}
	}
	if (!console || !objtree || !outdir || objtree[0] != '/') {
		gcda_help(err);
		return DMT_EXIT_USAGE;
	}
	return run(console, objtree, outdir, out, err);
}
