/* dmatopo corpus can fail: an error finding, an unwaived warning, a stale waiver, a
 * DTB that did not compile, a file over the time bound and an unreadable file each
 * give a non-zero exit and say why; a waiver that names board, label and reason
 * turns a warning green. Small trees built here, run in-process. */
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
#include "cli_run.h"
#include "dtb_build.h"

/* The board name the verdict gives path: its file name without .dtb. */
static const char *board(const char *path)
{
	static char b[64];

	snprintf(b, sizeof(b), "%s", strrchr(path, '/') + 1);
	b[strlen(b) - 4] = '\0';
	return b;
}

enum tree { CLEAN, ERROR_MAP, WARNING_MAP };

/* An SMMU-like IOMMU, a platform device with `iommus`, and a host bridge whose
 * iommu-map is sound (CLEAN), 12 bytes long (ERROR_MAP: DTMapBadLength) or has an
 * entry of length 0 (WARNING_MAP: DTMapEntryEmpty). */
static char *tree_file(enum tree kind)
{
	struct dtb_build b;
	uint8_t *blob;
	size_t len;
	char *path;

	assert_int_equal(dtb_begin(&b, 0), 0);
	dtb_u32(&b, "#address-cells", 2);
	dtb_u32(&b, "#size-cells", 2);
	dtb_node(&b, "iommu@1000");
	dtb_cells_lit(&b, "reg", 0, 0x1000, 0, 0x1000);
	dtb_u32(&b, "#iommu-cells", 1);
	dtb_u32(&b, "phandle", 1);
	dtb_end(&b);
	dtb_node(&b, "dma@2000");
	dtb_cells_lit(&b, "reg", 0, 0x2000, 0, 0x1000);
	dtb_cells_lit(&b, "iommus", 1, 0x42);
	dtb_end(&b);
	dtb_node(&b, "pcie@3000");
	dtb_string(&b, "device_type", "pci");
	dtb_u32(&b, "#address-cells", 3);
	dtb_u32(&b, "#size-cells", 2);
	dtb_u32(&b, "linux,pci-domain", 0);
	dtb_cells_lit(&b, "bus-range", 0, 0xff);
	if (kind == ERROR_MAP)
		dtb_cells_lit(&b, "iommu-map", 0, 1, 0x100);
	else if (kind == WARNING_MAP)
		dtb_cells_lit(&b, "iommu-map", 0, 1, 0x100, 0x100, 0x100, 1, 0x300, 0);
	else
		dtb_cells_lit(&b, "iommu-map", 0, 1, 0x100, 0x100);
	dtb_end(&b);
	blob = dtb_finish(&b, &len);
	assert_non_null(blob);
	path = temp_file_named(blob, len, ".dtb");
	free(blob);
	return path;
}

static char *text_file(const char *text)
{
	return temp_file_named(text, strlen(text), ".txt");
}

static void remove_file(char *path)
{
	unlink(path);
	free(path);
}

/* The whole of a small file, malloc'd. */
static char *slurp(const char *path)
{
	char *buf = calloc(1, 1 << 16);
	FILE *fp = fopen(path, "r");

	assert_non_null(buf);
	assert_non_null(fp);
	assert_true(fread(buf, 1, (1 << 16) - 1, fp) > 0);
	fclose(fp);
	return buf;
}

/* `corpus --tally FILE DTB`; FILE must then hold want. */
static void run_with_tally(struct run *r, const char *dtb, const char *want)
{
	char *tally = text_file(""), *got;

	run_cmd(cmd_corpus, r, 4, "corpus", "--tally", tally, dtb);
	got = slurp(tally);
	assert_string_equal(got, want);
	free(got);
	remove_file(tally);
}

static void clean_tree_passes_and_counts_its_devices(void **state)
{
	char *dtb = tree_file(CLEAN);
	struct run r;

	(void)state;
	run_with_tally(&r, dtb, "2 0 0\n");
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "KTAP version 1\n1..2\nok 1 "));
	assert_non_null(strstr(r.out, "ok 2 waivers\n"));
	/* the dma node, and the first and last RID of the bridge's entry, under each profile */
	assert_non_null(strstr(r.out, "# devices resolved: 3 under linux (3 with an IOMMU), 3 under spec"));
	assert_non_null(strstr(r.out, "path's answer for 1 of 1 nodes under linux, 1 of 1 under spec"));
	assert_non_null(strstr(r.out, "# dt-corpus: 2 passed, 0 failed, 0 skipped\n"));
	run_free(&r);
	remove_file(dtb);
}

static void error_finding_fails(void **state)
{
	char *dtb = tree_file(ERROR_MAP);
	struct run r;

	(void)state;
	/* the waivers test passed, the DTB failed */
	run_with_tally(&r, dtb, "1 1 0\n");
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "linux error DTMapBadLength @0x"));
	assert_non_null(strstr(r.out, "spec error DTMapBadLength @0x"));
	assert_non_null(strstr(r.out, "not ok 1 "));
	assert_non_null(strstr(r.out, " # 2 unwaived finding(s)\n"));
	run_free(&r);
	remove_file(dtb);
}

static void unwaived_warning_fails_and_a_waiver_clears_it(void **state)
{
	char *dtb = tree_file(WARNING_MAP), *clean = tree_file(CLEAN), *wv, text[256];
	struct run r;

	(void)state;
	run_cmd(cmd_corpus, &r, 3, "corpus", clean, dtb);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "warning DTMapEntryEmpty @0x"));
	assert_non_null(strstr(r.out, "ok 1 "));
	assert_non_null(strstr(r.out, "not ok 2 "));
	assert_non_null(strstr(r.out, "#   DTMapEntryEmpty              warning        1       1      1\n"));
	run_free(&r);

	snprintf(text, sizeof(text), "# a comment\n\n%s DTMapEntryEmpty the test tree means it\n",
		 board(dtb));
	wv = text_file(text);
	run_cmd(cmd_corpus, &r, 5, "corpus", "--waivers", wv, clean, dtb);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_null(strstr(r.out, "not ok"));
	assert_non_null(strstr(r.out, " 2 DTMapEntryEmpty finding(s) (line 3: the test tree means it)\n"));
	assert_non_null(strstr(r.out, "# waivers: 1 line(s), 0 stale\n"));
	/* the table counts findings before waivers */
	assert_non_null(strstr(r.out, "#   DTMapEntryEmpty              warning        1       1      1\n"));
	run_free(&r);
	remove_file(wv);
	remove_file(clean);
	remove_file(dtb);
}

static void stale_waiver_fails(void **state)
{
	char *dtb = tree_file(CLEAN), *wv, text[256];
	struct run r;

	(void)state;
	/* the right board, a label it does not have */
	snprintf(text, sizeof(text), "%s DTMapOverlap left over\n", board(dtb));
	wv = text_file(text);
	run_cmd(cmd_corpus, &r, 4, "corpus", "--waivers", wv, dtb);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "# stale waiver: "));
	assert_non_null(strstr(r.out, ":1 '"));
	assert_non_null(strstr(r.out, " DTMapOverlap' matches nothing in this run; delete it\n"));
	assert_non_null(strstr(r.out, "not ok 2 waivers # 1 stale waiver(s)\n"));
	run_free(&r);
	remove_file(wv);
	remove_file(dtb);
}

static void bad_waivers_are_usage_errors(void **state)
{
	const char *bad[] = { "board DTMapOverlap\n", "board NoSuchLabel because\n" };
	char *dtb = tree_file(CLEAN);
	struct run r;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *wv = text_file(bad[i]);

		run_cmd(cmd_corpus, &r, 4, "corpus", "--waivers", wv, dtb);
		assert_int_equal(r.rc, DMT_EXIT_USAGE);
		assert_non_null(strstr(r.err, i ? "unknown label 'NoSuchLabel'" : "the reason is required"));
		run_free(&r);
		remove_file(wv);
	}
	run_cmd(cmd_corpus, &r, 4, "corpus", "--time-limit", "0", dtb);
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	run_cmd(cmd_corpus, &r, 1, "corpus");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	remove_file(dtb);
}

static void compile_failure_fails_unless_waived(void **state)
{
	char *dtb = tree_file(CLEAN), *failed = text_file("arm64/v/gone.dtb v/gone.dts\n"), *wv;
	struct run r;

	(void)state;
	run_cmd(cmd_corpus, &r, 4, "corpus", "--compile-failed", failed, dtb);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "1..3\n"));
	assert_non_null(strstr(r.out, "# compile failed: arm64/v/gone.dtb from v/gone.dts\n"));
	assert_non_null(strstr(r.out, "not ok 2 arm64/v/gone.dtb # compile failed\n"));
	run_free(&r);
	wv = text_file("gone CompileFailed Debian's dtc rejects it\n");
	run_cmd(cmd_corpus, &r, 6, "corpus", "--waivers", wv, "--compile-failed", failed, dtb);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "ok 2 arm64/v/gone.dtb # SKIP compile failed (v/gone.dts), waived: Debian's dtc rejects it\n"));
	assert_non_null(strstr(r.out, "# dt-corpus: 2 passed, 0 failed, 1 skipped\n"));
	run_free(&r);
	remove_file(wv);
	remove_file(failed);
	remove_file(dtb);
}

static void over_time_and_unreadable_fail(void **state)
{
	char *dtb = tree_file(CLEAN), *json = text_file(""), *buf;
	struct run r;

	(void)state;
	run_cmd(cmd_corpus, &r, 6, "corpus", "--time-limit", "1e-9", "--json", json, dtb);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "# over time: "));
	assert_non_null(strstr(r.out, "not ok 1 "));
	run_free(&r);
	buf = slurp(json);
	assert_non_null(strstr(buf, "{\"type\":\"device\","));
	assert_non_null(strstr(buf, "\"ok\":false,\"why\":\"over time: "));
	assert_non_null(strstr(buf, "{\"type\":\"summary\",\"dtbs\":1,"));
	free(buf);

	run_cmd(cmd_corpus, &r, 3, "corpus", dtb, "/nonexistent/x.dtb");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	assert_non_null(strstr(r.out, "not ok 2 /nonexistent/x.dtb # cannot read: "));
	run_free(&r);
	remove_file(json);
	remove_file(dtb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_tree_passes_and_counts_its_devices),
		cmocka_unit_test(error_finding_fails),
		cmocka_unit_test(unwaived_warning_fails_and_a_waiver_clears_it),
		cmocka_unit_test(stale_waiver_fails),
		cmocka_unit_test(bad_waivers_are_usage_errors),
		cmocka_unit_test(compile_failure_fails_unless_waived),
		cmocka_unit_test(over_time_and_unreadable_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
