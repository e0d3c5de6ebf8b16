/* cli_run: run a dmatopo subcommand in-process with its output captured, and
 * temporary input files. Linked into every test binary. */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include <stddef.h>

#include "cli.h"

struct run {
	int rc;
	char *out, *err;	/* what the subcommand printed, NUL-terminated */
	size_t outlen, errlen;
};

/* fn(argc, argv) with argv from the arguments (at most 15 strings). */
void run_cmd(dmt_cmd_fn fn, struct run *r, int argc, ...);
void run_free(struct run *r);
/* A new file /tmp/dmt-cli-XXXXXX<suffix> holding len bytes of data; malloc'd path. */
char *temp_file_named(const void *data, size_t len, const char *suffix);
/* The same without a suffix. */
char *temp_file(const void *data, size_t len);

#endif
