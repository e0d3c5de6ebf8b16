/* Kernel coverage transport: the gcda blobs of a console (kcov_console.c) and
 * `dmatopo gcda` writing them under the object-tree layout. A file that does not
 * arrive whole, a path that could climb out, a count that does not add up: each is a
 * labelled problem, never a silent drop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"
#include "crc32.h"
#include "kcov.h"

/* The agent's framing (harness/agent/blob.c) of one file: 32 bytes a line. */
static void frame(FILE *f, const char *path, const uint8_t *b, size_t len, uint32_t crc)
{
	fprintf(f, "DMT blob-begin name=gcda len=%zu crc32=%08x path=%s\r\n", len, crc, path);
	for (size_t off = 0; off < len; off += 32) {
		fprintf(f, "DMT blob %08zx ", off);
		for (size_t i = off; i < len && i < off + 32; i++)
			fprintf(f, "%02x", b[i]);
		fprintf(f, "\r\n");
	}
	fprintf(f, "DMT blob-end name=gcda\r\n");
}

static const uint8_t viot_gcda[40] = { 'a', 'd', 'c', 'g', 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t base_gcda[70] = { 'a', 'd', 'c', 'g', 9, 9, 9 };
#define OBJ "/root/.cache/dmatopo/kernels/K/build"

/* A console: kernel noise, the firmware blob, two gcda files, the count line.
 * bad_crc: the second file announces a CRC it does not have. */
static char *console(bool bad_crc, long announced, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	fprintf(f, "[    0.1] Linux version 6.1\r\nDMT agent version=1\r\n");
	fprintf(f, "DMT blob-begin name=fdt len=4 crc32=%08x path=/sys/firmware/fdt\r\n",
		dmt_crc32((const uint8_t *)"\xd0\x0d\xfe\xed", 4));
	fprintf(f, "DMT blob 00000000 d00dfeed\r\nDMT blob-end name=fdt\r\n");
	frame(f, OBJ "/drivers/acpi/viot.gcda", viot_gcda, sizeof(viot_gcda),
	      dmt_crc32(viot_gcda, sizeof(viot_gcda)));
	frame(f, OBJ "/drivers/of/base.gcda", base_gcda, sizeof(base_gcda),
	      dmt_crc32(base_gcda, sizeof(base_gcda)) ^ (bad_crc ? 1u : 0u));
	if (announced >= 0)
		fprintf(f, "DMT gcov files=%ld\r\n", announced);
	fprintf(f, "DMT done errors=0\r\n");
	fclose(f);
	return buf;
}

static void test_two_files(void **state)
{
	size_t len;
	char *text = console(false, 2, &len);
	struct kcov_console *c = calloc(1, sizeof(*c));

	(void)state;
	kcov_parse_console(text, len, c);
	assert_int_equal(c->nproblems, 0);
	assert_int_equal(c->nfiles, 2);
	assert_string_equal(c->file[0].path, OBJ "/drivers/acpi/viot.gcda");
	assert_int_equal(c->file[1].len, sizeof(base_gcda));
	assert_memory_equal(c->file[1].buf, base_gcda, sizeof(base_gcda));
	kcov_console_free(c);
	free(c);
	free(text);
}

static void test_corrupt_is_said(void **state)
{
	size_t len;
	char *text = console(true, 2, &len);
	struct kcov_console *c = calloc(1, sizeof(*c));

	(void)state;
	kcov_parse_console(text, len, c);
	assert_int_equal(c->nfiles, 1);
	assert_int_equal(c->nproblems, 2);
	assert_non_null(strstr(c->problem[0], "GcdaCorrupt: " OBJ "/drivers/of/base.gcda: gcda crc32"));
	assert_non_null(strstr(c->problem[1], "GcdaMissing: the agent sent 2"));
	kcov_console_free(c);
	free(c);
	free(text);
}

static void test_no_count_line(void **state)
{
	size_t len;
	char *text = console(false, -1, &len);
	struct kcov_console *c = calloc(1, sizeof(*c));

	(void)state;
	kcov_parse_console(text, len, c);
	assert_int_equal(c->nproblems, 1);
	assert_non_null(strstr(c->problem[0], "GcdaNone"));
	kcov_console_free(c);
	free(c);
	free(text);
}

/* A blob cut off by the next one, and a path that would leave the output folder. */
static void test_cut_and_bad_path(void **state)
{
	const char *text =
		"DMT blob-begin name=gcda len=64 crc32=00000000 path=/o/a.gcda\n"
		"DMT blob 00000000 00112233\n"
		"DMT blob-begin name=gcda len=1 crc32=d202ef8d path=/o/../../etc/x.gcda\n"
		"DMT blob 00000000 00\nDMT blob-end name=gcda\n"
		"DMT gcov files=2\n";
	struct kcov_console *c = calloc(1, sizeof(*c));

	(void)state;
	kcov_parse_console(text, strlen(text), c);
	assert_int_equal(c->nfiles, 0);
	assert_int_equal(c->nproblems, 3);
	assert_non_null(strstr(c->problem[0], "GcdaCorrupt: /o/a.gcda: never ended"));
	assert_non_null(strstr(c->problem[1], "GcdaBadPath"));
	assert_non_null(strstr(c->problem[2], "GcdaMissing"));
	kcov_console_free(c);
	free(c);
}

static int run_gcda(const char *console_path, const char *outdir, char **printed)
{
	char *argv[] = { "gcda", "--objtree", OBJ, "-o", (char *)outdir, (char *)console_path, NULL };
	size_t len;
	FILE *out = open_memstream(printed, &len), *err = fopen("/dev/null", "w");
	int rc = cmd_gcda(6, argv, out, err);

	fclose(out);
	fclose(err);
	return rc;
}

static void test_cmd_writes_tree(void **state)
{
	char dir[] = "/tmp/dmt-kcov-XXXXXX", path[256], *printed = NULL;
	size_t len;
	char *text = console(false, 2, &len);
	uint8_t *got = NULL;
	size_t glen = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/console.log", dir);
	f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/console.log", dir);
	assert_int_equal(run_gcda(path, dir, &printed), 0);
	assert_non_null(strstr(printed, "gcda drivers/of/base.gcda 70\n"));
	assert_non_null(strstr(printed, "# gcda: 2 file(s), 0 problem(s)"));
	snprintf(path, sizeof(path), "%s/drivers/acpi/viot.gcda", dir);
	assert_int_equal(dmt_read_file(path, &got, &glen, stderr), 0);
	assert_int_equal(glen, sizeof(viot_gcda));
	assert_memory_equal(got, viot_gcda, glen);
	free(got);
	free(printed);
	free(text);
	/* the corrupt console: exit 1 and the label */
	text = console(true, 2, &len);
	snprintf(path, sizeof(path), "%s/console.log", dir);
	f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	assert_int_equal(run_gcda(path, dir, &printed), 1);
	assert_non_null(strstr(printed, "GcdaCorrupt"));
	free(printed);
	free(text);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_files),
		cmocka_unit_test(test_corrupt_is_said),
		cmocka_unit_test(test_no_count_line),
		cmocka_unit_test(test_cut_and_bad_path),
		cmocka_unit_test(test_cmd_writes_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
