/* The CLI as users and scripts see it: output formats and exit statuses of
 * decode, lint, resolve, encode and vectors, run in-process on temporary files. */
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

/* The FACTS.md §6 q35 machine as the topology language writes it. */
static const char q35_topo[] =
	"viommu v0 pci 0000:00:02.0\n"
	"range v0 seg 0 bdf 00:00.0..02:1f.7 ep 0\n"
	"range v0 seg 0 bdf 40:00.0..41:1f.7 ep 0x4000\n";

/* Encode the q35 topology to a VIOT file through `dmatopo encode`. */
static char *q35_viot(void)
{
	char *topo = temp_file(q35_topo, strlen(q35_topo));
	char *viot = strdup("/tmp/dmt-cli-viot-XXXXXX");
	struct run r;
	int fd = mkstemp(viot);

	close(fd);
	run_cmd(cmd_encode, &r, 5, "encode", "--to", "viot", topo, "-o");
	/* missing output path: usage error, nothing written */
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	run_cmd(cmd_encode, &r, 6, "encode", "--to", "viot", topo, "-o", viot);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	run_free(&r);
	unlink(topo);
	free(topo);
	return viot;
}

static void resolve_prints_endpoints_and_none(void **state)
{
	char *viot = q35_viot();
	struct run r;

	(void)state;
	run_cmd(cmd_resolve, &r, 5, "resolve", viot, "0000:00:05.0", "0000:02:03.0+02:00.0", "0000:00:02.0");
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "0000:00:05.0 endpoint=0x28 iommu=virtio-pci@0000:00:02.0 via="));
	assert_non_null(strstr(r.out, "0000:02:03.0+02:00.0 endpoint=0x218 endpoint=0x200 iommu="));
	assert_non_null(strstr(r.out, "0000:00:02.0 none reason=IommuIsSelf\n"));
	run_free(&r);
	/* an alias no range matches stops Linux's walk after 0x218: the line says so
	 * (issue 13 item 4d) */
	run_cmd(cmd_resolve, &r, 3, "resolve", viot, "0000:02:03.0+03:00.0+02:00.0");
	assert_non_null(strstr(r.out, "endpoint=0x218 iommu="));
	assert_non_null(strstr(r.out, " walk-stopped=03:00.0 (Linux fails"));
	run_free(&r);
	run_cmd(cmd_resolve, &r, 4, "resolve", "--json", viot, "0000:02:03.0+03:00.0+02:00.0");
	assert_non_null(strstr(r.out, "\"walk_stopped\":\"03:00.0\",\"linux_configures\":false"));
	run_free(&r);
	/* the spec profile does not walk aliases */
	run_cmd(cmd_resolve, &r, 5, "resolve", "--profile", "spec", viot, "0000:02:03.0+02:00.0");
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "endpoint=0x218 iommu="));
	assert_null(strstr(r.out, "endpoint=0x200"));
	run_free(&r);
	unlink(viot);
	free(viot);
}

static void resolve_json_lines(void **state)
{
	char *viot = q35_viot();
	struct run r;

	(void)state;
	run_cmd(cmd_resolve, &r, 5, "resolve", "--json", viot, "0000:41:00.0", "0000:00:02.0");
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "{\"device\":\"0000:41:00.0\",\"profile\":\"linux\",\"found\":true,\"endpoints\":[16640],"));
	assert_non_null(strstr(r.out, "{\"device\":\"0000:00:02.0\",\"profile\":\"linux\",\"found\":false,\"reason\":\"IommuIsSelf\"}\n"));
	run_free(&r);
	unlink(viot);
	free(viot);
}

static void resolve_usage_errors_exit_2(void **state)
{
	char *viot = q35_viot();
	struct run r;

	(void)state;
	run_cmd(cmd_resolve, &r, 3, "resolve", viot, "0000:00:20.0");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	assert_non_null(strstr(r.err, "bad DEVICE"));
	run_free(&r);
	run_cmd(cmd_resolve, &r, 3, "resolve", "/nonexistent/file", "0000:00:01.0");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	run_cmd(cmd_resolve, &r, 4, "resolve", "--profile", "bsd", viot);
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	run_cmd(cmd_resolve, &r, 2, "resolve", "--help");
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "usage: dmatopo resolve"));
	/* which Linux the VIOT linux profile follows (issue 13 item 4f) */
	assert_non_null(strstr(r.out, "47d26684185d"));
	assert_non_null(strstr(r.out, "6.1.28"));
	run_free(&r);
	unlink(viot);
	free(viot);
}

/* Encode a topology in the language to a DTB file through `dmatopo encode`. */
static char *encode_dtb(const char *topo)
{
	char *src = temp_file(topo, strlen(topo));
	char *dtb = strdup("/tmp/dmt-cli-dtb-XXXXXX");
	struct run r;
	int fd = mkstemp(dtb);

	close(fd);
	run_cmd(cmd_encode, &r, 6, "encode", "--to", "dtb", src, "-o", dtb);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	run_free(&r);
	unlink(src);
	free(src);
	return dtb;
}

/* Issue 15 item 11: a node that is not there is an error (exit 1, said on stderr),
 * not "no IOMMU"; more aliases than the model holds names the limit. */
static void resolve_missing_node_and_too_many_aliases(void **state)
{
	static const char topo[] = "dt-iommu smmu /iommu@5000000\nnode /soc/dma reg 0x9000000\n"
				   "iommus smmu 0x7\n";
	char *dtb = encode_dtb(topo);
	struct run r;

	(void)state;
	run_cmd(cmd_resolve, &r, 4, "resolve", dtb, "/soc/dma", "/soc/nosuch");
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "/soc/dma endpoint=0x7"));
	assert_non_null(strstr(r.out, "/soc/nosuch none reason=DTNodeNotFound"));
	assert_non_null(strstr(r.err, "/soc/nosuch: no such node"));
	run_free(&r);
	run_cmd(cmd_resolve, &r, 3, "resolve", dtb,
		"0000:00:00.0+00:00.1+00:00.2+00:00.3+00:00.4+00:00.5+00:00.6+00:00.7+00:01.0+00:01.1");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	assert_non_null(strstr(r.err, "lists 9 DMA aliases; dmatopo holds at most 8"));
	run_free(&r);
	unlink(dtb);
	free(dtb);
}

/* Issue 15 items 3 and 11 (ported from the parallel resolver branch's test): every
 * IOMMU and every specifier cell of a DT device, the host bridge a PCI answer came
 * through, the identity MSI ID with msi-parent alone, and lint's bridge summary. */
static void resolve_dt_details(void **state)
{
	static const char topo[] =
		"dt-iommu smmu /smmu@9050000 cells 2\n"
		"dt-iommu m2 /iommu@9060000 cells 1\n"
		"dt-iommu its /intc/its@8080000 cells 1 msi-controller\n"
		"bridge /pcie@10000000 domain 0\n"
		"iommu-map 0x0 m2 0x0 0x10000\n"
		"msi-parent its\n"
		"node /soc/gpu@9300000 reg 0x9300000\n"
		"iommus smmu 0x100 0x7c00\n"
		"iommus m2 0x5\n";
	char *dtb = encode_dtb(topo);
	struct run r;

	(void)state;
	run_cmd(cmd_resolve, &r, 4, "resolve", dtb, "/soc/gpu@9300000", "0000:00:01.0");
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "/soc/gpu@9300000 endpoint=0x100 specifier=0x100,0x7c00 endpoint=0x5 "
				      "iommu=/smmu@9050000 iommus=/smmu@9050000,/iommu@9060000 via="));
	assert_non_null(strstr(r.out, "0000:00:01.0 endpoint=0x8 iommu=/iommu@9060000 via=iommu-map[0]"));
	assert_non_null(strstr(r.out, " bridge=/pcie@10000000 msi=0x8 msi-via=identity"));
	run_free(&r);
	run_cmd(cmd_resolve, &r, 5, "resolve", "--json", dtb, "/soc/gpu@9300000", "0000:00:01.0");
	assert_non_null(strstr(r.out, "\"specifiers\":[[256,31744],[5]]"));
	assert_non_null(strstr(r.out, "\"iommus\":[\"/smmu@9050000\",\"/iommu@9060000\"]"));
	assert_non_null(strstr(r.out, "\"bridge\":\"/pcie@10000000\""));
	run_free(&r);
	run_cmd(cmd_lint, &r, 2, "lint", dtb);
	assert_non_null(strstr(r.out, "# PCI host bridge /pcie@10000000 -> segment 0000 (linux,pci-domain), buses 00-ff\n"));
	run_free(&r);
	unlink(dtb);
	free(dtb);
}

static void lint_clean_table_exits_0(void **state)
{
	char *viot = q35_viot();
	struct run r;

	(void)state;
	run_cmd(cmd_lint, &r, 2, "lint", viot);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_null(strstr(r.out, "\nerror "));
	assert_true(strncmp(r.out, "error ", 6) != 0);
	assert_non_null(strstr(r.out, "# linux: "));
	run_free(&r);
	unlink(viot);
	free(viot);
}

static void lint_bad_checksum_line_format(void **state)
{
	char *viot = q35_viot();
	uint8_t *buf;
	size_t len;
	char *bad;
	struct run r;

	(void)state;
	assert_int_equal(dmt_read_file(viot, &buf, &len, stderr), 0);
	buf[9] ^= 0x55;
	bad = temp_file(buf, len);
	run_cmd(cmd_lint, &r, 2, "lint", bad);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	/* SEVERITY Label @0xOFFSET: message [clause] */
	assert_non_null(strstr(r.out, "error VIOTBadChecksum @0x9: "));
	assert_non_null(strstr(r.out, "[ACPI 6.5 5.2.6]\n"));
	run_free(&r);
	free(buf);
	unlink(bad);
	free(bad);
	unlink(viot);
	free(viot);
}

static void lint_empty_and_missing_files(void **state)
{
	char *empty = temp_file("", 0);
	struct run r;

	(void)state;
	run_cmd(cmd_lint, &r, 2, "lint", empty);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "error InputEmpty @0x0: "));
	run_free(&r);
	run_cmd(cmd_lint, &r, 2, "lint", "/nonexistent/file");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	assert_non_null(strstr(r.err, "/nonexistent/file"));
	run_free(&r);
	run_cmd(cmd_lint, &r, 3, "lint", "--format", "acpi");
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	unlink(empty);
	free(empty);
}

static void decode_prints_fields_with_offsets(void **state)
{
	char *viot = q35_viot();
	struct run r;

	(void)state;
	run_cmd(cmd_decode, &r, 2, "decode", viot);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "[000h 0000   4]"));
	assert_non_null(strstr(r.out, "Signature : \"VIOT\""));
	assert_non_null(strstr(r.out, "Node Count : 0003"));
	/* the range node at 0x40: its BDF end field at 0x40 + 14 */
	assert_non_null(strstr(r.out, "[04Eh 0078   2]"));
	run_free(&r);
	unlink(viot);
	free(viot);
}

static void vectors_runner_fails_on_a_wrong_expectation(void **state)
{
	static const char good[] =
		"cite FACTS.md 6\n"
		"viommu v0 pci 0000:00:02.0\n"
		"range v0 seg 0 bdf 00:00.0..02:1f.7 ep 0\n"
		"expect both 0000:00:05.0 endpoint=0x28\n";
	static const char wrong[] =
		"cite FACTS.md 6\n"
		"viommu v0 pci 0000:00:02.0\n"
		"range v0 seg 0 bdf 00:00.0..02:1f.7 ep 0\n"
		"expect both 0000:00:05.0 endpoint=0x29\n";
	static const char broken[] = "cite x\nfrobnicate\n";
	char *g = temp_file(good, strlen(good)), *w = temp_file(wrong, strlen(wrong));
	char *b = temp_file(broken, strlen(broken));
	struct run r;

	(void)state;
	run_cmd(cmd_vectors, &r, 2, "vectors", g);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "KTAP version 1\n1..1\n"));
	run_free(&r);
	run_cmd(cmd_vectors, &r, 2, "vectors", w);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, "# expected: endpoint=0x29; got: endpoint=0x28"));
	run_free(&r);
	/* a malformed vector fails with file and line; the others still run */
	run_cmd(cmd_vectors, &r, 3, "vectors", b, g);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.out, ":2: unknown keyword 'frobnicate'"));
	assert_non_null(strstr(r.out, "# vectors: 1 passed, 1 failed"));
	run_free(&r);
	unlink(g);
	unlink(w);
	unlink(b);
	free(g);
	free(w);
	free(b);
}

/* Each vector must fail, and say why: a runner that let these pass would be
 * asserting nothing. */
static void vectors_that_cannot_hold_fail(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "cite x\nviommu a pci 0000:00:02.0\nviommu b pci 0000:00:03.0\nencode vtopo\n"
		  "expect both 0000:00:04.0 none reason=NoTranslation\n", "cannot encode" },
		{ "cite x\nviommu a pci 0000:00:02.0\nencode viot\n"
		  "expect both@dtb 0000:00:04.0 none reason=NoTranslation\n", "applies to no encoding" },
		{ "cite x\nviommu a pci 0000:00:02.0\npatch viot 0x1000 00\nencode viot\n"
		  "expect both 0000:00:04.0 none reason=NoTranslation\n", "cannot encode" },
		{ "cite x\ngrant map pfn=1 offset=0 size=0x1000 dir=to-device\n"
		  "expect linux grant-line 5 map dma=0x0\n", "no such line" },
		{ "cite x\nexpect linux grant-decode 0x8000000000008800 GrantRefReserved\n", "not reported" },
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = temp_file(bad[i].text, strlen(bad[i].text));

		run_cmd(cmd_vectors, &r, 2, "vectors", p);
		assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
		if (!strstr(r.out, bad[i].why))
			fail_msg("case %zu: no '%s' in:\n%s", i, bad[i].why, r.out);
		run_free(&r);
		unlink(p);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_that_cannot_hold_fail),
		cmocka_unit_test(resolve_prints_endpoints_and_none),
		cmocka_unit_test(resolve_json_lines),
		cmocka_unit_test(resolve_usage_errors_exit_2),
		cmocka_unit_test(resolve_missing_node_and_too_many_aliases),
		cmocka_unit_test(resolve_dt_details),
		cmocka_unit_test(lint_clean_table_exits_0),
		cmocka_unit_test(lint_bad_checksum_line_format),
		cmocka_unit_test(lint_empty_and_missing_files),
		cmocka_unit_test(decode_prints_fields_with_offsets),
		cmocka_unit_test(vectors_runner_fails_on_a_wrong_expectation),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
