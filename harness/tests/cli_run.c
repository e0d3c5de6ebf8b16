/* Test helper: in-process subcommand runs and temporary files (see cli_run.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_run.h"

void run_cmd(dmt_cmd_fn fn, struct run *r, int argc, ...)
{
	char *argv[16];
	va_list ap;
	FILE *out, *err;

	assert_true(argc >= 0 && argc < 16);
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	out = open_memstream(&r->out, &r->outlen);
	err = open_memstream(&r->err, &r->errlen);
	assert_non_null(out);
	assert_non_null(err);
	r->rc = fn(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

char *temp_file_named(const void *data, size_t len, const char *suffix)
{
	size_t n = strlen("/tmp/dmt-cli-XXXXXX") + strlen(suffix) + 1;
	char *path = malloc(n);
	int fd;

	assert_non_null(path);
	snprintf(path, n, "/tmp/dmt-cli-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

char *temp_file(const void *data, size_t len)
{
	return temp_file_named(data, len, "");
}
