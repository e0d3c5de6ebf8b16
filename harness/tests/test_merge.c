/* Issue 11's pieces: the bounded summary-line reader, the MSI probe pairs on the
 * console, and `dmatopo merge` over shard folders (complete, missing, cut). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_run.h"
#include "replay.h"
#include "summary_json.h"

#define SAMPLE "harness/tests/summary/summary.jsonl"

static int parse(const char *s, struct dmt_jobj *o)
{
	char why[160];

	return dmt_json_flat_parse(s, strlen(s), o, why, sizeof(why));
}

static void test_json_accepts(void **state)
{
	struct dmt_jobj *o = calloc(1, sizeof(*o));
	const struct dmt_jfield *f;

	(void)state;
	assert_int_equal(parse("{\"vector\":\"a\\\"b\\u0041\",\"pass\":14,\"known\":null,\"ok\":true}", o), 0);
	assert_int_equal(o->n, 4);
	f = dmt_json_get(o, "vector");
	assert_string_equal(f->str, "a\"bA");
	assert_true(dmt_json_get(o, "pass")->num == 14);
	assert_int_equal(dmt_json_get(o, "known")->kind, DMT_J_NULL);
	assert_true(dmt_json_get(o, "ok")->num == 1);
	assert_null(dmt_json_get(o, "absent"));
	assert_int_equal(parse(" { } ", o), 0);
	free(o);
}

static void test_json_refuses(void **state)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1,\"a\":2}",
		"{\"a\":1} x", "{\"a\":\"cut", "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":-}",
		"{a:1}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":nul}",
	};
	struct dmt_jobj *o = calloc(1, sizeof(*o));

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(parse(bad[i], o), 0);
	free(o);
}

static void test_console_msi_pairs(void **state)
{
	static const char text[] =
		"msiin: (of_msi_map_id+0x0/0x1c) dev=\"0000:00:02.0\" rid=16\r\n"
		"msiid: (pci_msi_domain_get_msi_rid+0x7c/0x90 <- of_msi_map_id) id=65552\r\n"
		"msiin: (of_msi_map_id+0x0/0x1c) dev=\"0000:00:03.0\" rid=24\r\n"
		"msiin: (of_msi_map_id+0x0/0x1c) dev=\"0000:07:00.0\" rid=1792\r\n"
		"msiid: (pci_msi_domain_get_msi_rid+0x7c/0x90 <- of_msi_map_id) id=1792\r\n"
		"DMT agent version=1\r\n"
		"DMT dev 0000:00:02.0 vendor=1af4 device=1044 class=00ff hdr=0 pcie=-\r\n"
		"DMT dev 0000:00:03.0 vendor=1af4 device=1044 class=00ff hdr=0 pcie=-\r\n";
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct replay_dev *d;

	(void)state;
	replay_parse_console(text, sizeof(text) - 1, "fdt", o);
	d = replay_find_dev(o, 0, 0x10);
	assert_int_equal(d->nmsi, 1);
	assert_int_equal(d->msi[0], 0x10010);
	assert_false(d->msi_broken);
	/* 00:03.0's entry is followed by another entry: its answer never came */
	d = replay_find_dev(o, 0, 0x18);
	assert_int_equal(d->nmsi, 0);
	assert_true(d->msi_broken);
	/* the answer for a device the agent did not list goes nowhere */
	assert_int_equal(o->nmsi_seen, 1);
	replay_obs_free(o);
	free(o);
}

/* A shard folder: DIR/shard.txt and DIR/6.1/replay-summary.jsonl holding the sample. */
static void shard_dir(char *dir, size_t len, const char *manifest)
{
	char path[300], cmd[700];
	FILE *f;

	snprintf(dir, len, "/tmp/dmt-merge-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/6.1", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp %s %s/6.1/replay-summary.jsonl", SAMPLE, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/shard.txt", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(manifest, f);
	fclose(f);
}

static void remove_dir(const char *dir)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_merge_shards(void **state)
{
	char one[64], two[64];
	struct run r;

	(void)state;
	/* the sample holds one failing vector: the merged verdict is red for that alone */
	shard_dir(one, sizeof(one), "shard 1 2\nrun 6.1 6.1/replay-summary.jsonl 3\n");
	shard_dir(two, sizeof(two), "shard 2 2\nrun 6.1 6.1/replay-summary.jsonl 3\n");
	run_cmd(cmd_merge, &r, 3, "merge", one, two);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "6 vector run(s): 4 passed, 2 failed"));
	assert_null(strstr(r.out, "MergeMissingShard"));
	run_free(&r);
	run_cmd(cmd_merge, &r, 2, "merge", one);
	assert_non_null(strstr(r.out, "MergeMissingShard: shard 2/2"));
	run_free(&r);
	run_cmd(cmd_merge, &r, 3, "merge", "--partial", one);
	assert_non_null(strstr(r.out, "# partial: shard 2/2 not merged"));
	assert_null(strstr(r.out, "MergeMissingShard"));
	run_free(&r);
	run_cmd(cmd_merge, &r, 3, "merge", one, one);
	assert_non_null(strstr(r.out, "MergeDuplicateShard"));
	run_free(&r);
	remove_dir(one);
	remove_dir(two);
	/* a shard that ran five vectors but wrote three lines */
	shard_dir(one, sizeof(one), "shard 1 1\nrun 6.1 6.1/replay-summary.jsonl 5\n");
	run_cmd(cmd_merge, &r, 2, "merge", one);
	assert_int_equal(r.rc, 1);
	assert_non_null(strstr(r.out, "MergeShortSummary"));
	run_free(&r);
	remove_dir(one);
	run_cmd(cmd_merge, &r, 2, "merge", "/nonexistent-dmt-shard");
	assert_non_null(strstr(r.out, "MergeBadManifest"));
	assert_int_equal(r.rc, 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_accepts),
		cmocka_unit_test(test_json_refuses),
		cmocka_unit_test(test_console_msi_pairs),
		cmocka_unit_test(test_merge_shards),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
