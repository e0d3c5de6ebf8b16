/* Kernel-side coverage (make kcov): a gcov kernel's agent sends each .gcda file as a
 * blob "gcda" with its path, then "DMT gcov files=N" (harness/agent/gcov.c). This is the
 * host's side: take the files back out of a console, checked, for lcov. Coverage is a
 * measurement, not a verdict: a file that does not arrive whole is a labelled problem
 * the caller counts and reports, never silently dropped. */
#ifndef DMT_KCOV_H
#define DMT_KCOV_H

#include <stddef.h>
#include <stdint.h>

#define KCOV_MAX_FILES 64
#define KCOV_MAX_PROBLEMS 16

struct kcov_file {
	char path[256];			/* as the agent sent it: the path the kernel was built with */
	uint8_t *buf;			/* malloc'd */
	size_t len;
};

struct kcov_console {
	size_t nfiles;
	struct kcov_file file[KCOV_MAX_FILES];
	long announced;			/* N of "DMT gcov files=N"; -1 when the line never came */
	size_t nproblems;		/* may exceed KCOV_MAX_PROBLEMS; the first ones are kept */
	char problem[KCOV_MAX_PROBLEMS][300];	/* "Label: what" */
};

/* Every gcda blob of a console: whole with the CRC-32 it announced and a path that is
 * absolute, ends in .gcda and has no "..", or a problem (GcdaCorrupt, GcdaBadPath,
 * GcdaMissing, GcdaAgentError, GcdaNone, GcdaTooMany). */
void kcov_parse_console(const char *text, size_t len, struct kcov_console *c);
void kcov_console_free(struct kcov_console *c);

#endif
