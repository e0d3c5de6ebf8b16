/* lspci dumps: the text check (reference/lspci_check.c), libpci's dump method
 * (harness/lspci.c), the DMA alias walk (reference/pci_alias.c) on small machines
 * written here and on dumps the replay agent took of real q35 guests, bad input,
 * and `resolve --lspci` as a user runs it. */
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
#include "lspci.h"
#include "lspci_check.h"
#include "pci_alias.h"
#include "replay.h"

#define FIXTURES "harness/tests/lspci/"

/* One function of a made-up machine: its config space is written from these. */
struct fn_spec {
	uint8_t bus, dev, fn;
	int pcie_type;			/* -1: conventional PCI, no PCIe capability */
	bool bridge;
	uint8_t secondary, subordinate;
};

static void config_of(const struct fn_spec *s, uint8_t *cfg)
{
	memset(cfg, 0, 256);
	cfg[0] = 0x36, cfg[1] = 0x1b;			/* Red Hat, QEMU */
	cfg[2] = (uint8_t)(s->bridge ? 0x0e : 0x05), cfg[3] = 0;
	cfg[0x0e] = s->bridge ? 1 : 0;			/* header type */
	if (s->bridge) {
		cfg[0x0b] = 0x06, cfg[0x0a] = 0x04;	/* PCI-to-PCI bridge class */
		cfg[0x18] = s->bus;
		cfg[0x19] = s->secondary;
		cfg[0x1a] = s->subordinate;
	}
	if (s->pcie_type >= 0) {
		cfg[0x06] = 0x10;			/* status: capability list */
		cfg[0x34] = 0x40;
		cfg[0x40] = 0x10;			/* PCI Express capability, last */
		cfg[0x42] = (uint8_t)(s->pcie_type << 4 | 2);
	}
}

/* `lspci -xxx` text of the machine (domain 0 is left out, as lspci does). */
static char *dump_of(const struct fn_spec *s, size_t n)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	uint8_t cfg[256];

	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		config_of(&s[i], cfg);
		fprintf(f, "%02x:%02x.%x Device %s\n", s[i].bus, s[i].dev, s[i].fn,
			s[i].bridge ? "bridge" : "endpoint");
		for (int off = 0; off < 256; off += 16) {
			fprintf(f, "%02x:", off);
			for (int k = 0; k < 16; k++)
				fprintf(f, " %02x", cfg[off + k]);
			fputc('\n', f);
		}
		fputc('\n', f);
	}
	fclose(f);
	return text;
}

/* q35: a PCIe-to-PCI bridge at 00:06.0 with a conventional device at 01:03.0, a
 * root port at 00:05.0 with an endpoint at 02:00.0, a pxb-pcie (bus_nr 0x40) whose
 * root port 40:00.0 leads to a PCIe-to-PCI bridge at 41:00.0 and a conventional PCI
 * bridge behind it at 42:01.0, with a device at 43:02.0. */
static const struct fn_spec q35[] = {
	{ 0x00, 0x00, 0, -1, false, 0, 0 },
	{ 0x00, 0x02, 0, -1, false, 0, 0 },
	{ 0x00, 0x05, 0, DMT_PCIE_ROOT_PORT, true, 0x02, 0x02 },
	{ 0x00, 0x06, 0, DMT_PCIE_TO_PCI_BRIDGE, true, 0x01, 0x01 },
	{ 0x00, 0x07, 0, -1, false, 0, 0 },	/* the pxb-pcie host bridge itself */
	{ 0x01, 0x03, 0, -1, false, 0, 0 },
	{ 0x02, 0x00, 0, 0, false, 0, 0 },
	{ 0x40, 0x00, 0, DMT_PCIE_ROOT_PORT, true, 0x41, 0x43 },
	{ 0x41, 0x00, 0, DMT_PCIE_TO_PCI_BRIDGE, true, 0x42, 0x43 },
	{ 0x42, 0x01, 0, -1, true, 0x43, 0x43 },
	{ 0x43, 0x02, 0, -1, false, 0, 0 },
};

static void read_ok(const char *text, size_t len, struct dmt_lspci_set *s)
{
	struct dmt_findings f;
	char why[256];

	dmt_findings_init(&f);
	if (dmt_lspci_read((const uint8_t *)text, len, s, &f, why, sizeof(why))) {
		for (size_t i = 0; i < f.count; i++)
			fprintf(stderr, "%s %s\n", dmt_label_name(f.items[i].label), f.items[i].msg);
		fail_msg("not read: %s", why);
	}
	assert_int_equal(f.count, 0);
	dmt_findings_free(&f);
}

/* The device at bus:dev.fn, as `resolve --lspci` names it. */
static void expect_name(const struct dmt_lspci_set *s, uint16_t rid, const char *want)
{
	struct dmt_device d;
	char name[DMT_NAME_MAX];
	long i = dmt_lspci_index(s, 0, rid);

	assert_true(i >= 0);
	dmt_lspci_device(s, (size_t)i, &d);
	dmt_device_format(&d, name, sizeof(name));
	assert_string_equal(name, want);
}

static void test_q35_aliases(void **state)
{
	char *text = dump_of(q35, sizeof(q35) / sizeof(q35[0]));
	struct dmt_lspci_set s;

	(void)state;
	read_ok(text, strlen(text), &s);
	assert_int_equal(s.n, sizeof(q35) / sizeof(q35[0]));
	expect_name(&s, 0x0010, "0000:00:02.0");
	expect_name(&s, 0x0118, "0000:01:03.0+01:00.0");	/* PCIe-to-PCI: (secondary, 0) */
	expect_name(&s, 0x0200, "0000:02:00.0");		/* behind a root port: none */
	expect_name(&s, 0x4100, "0000:41:00.0");		/* the pxb's bus is a root bus */
	/* conventional bridge: its own RID, then the PCIe-to-PCI bridge's alias */
	expect_name(&s, 0x4310, "0000:43:02.0+42:01.0+42:00.0");
	dmt_lspci_set_free(&s);
	free(text);
}

static void test_alias_rules(void **state)
{
	/* a PCI-to-PCIe bridge gives its own RID; switch ports nothing */
	struct dmt_pci_fn fns[] = {
		{ 0, 0x0008, DMT_PCI_TO_PCIE_BRIDGE, true, 0, 1, 3 },
		{ 0, 0x0100, DMT_PCIE_UPSTREAM, true, 1, 2, 3 },
		{ 0, 0x0200, DMT_PCIE_DOWNSTREAM, true, 2, 3, 3 },
		{ 0, 0x0300, 0, false, 0, 0, 0 },
		/* a loop: 0x10 behind 0x11 behind 0x10 */
		{ 1, 0x1000, -1, true, 0x10, 0x11, 0x11 },
		{ 1, 0x1100, -1, true, 0x11, 0x10, 0x10 },
		{ 1, 0x1108, -1, false, 0, 0, 0 },
		/* a bridge naming its own bus leads nowhere */
		{ 2, 0x2000, -1, true, 0x20, 0x20, 0x20 },
		{ 2, 0x2008, -1, false, 0, 0, 0 },
	};
	uint16_t al[DMT_MAX_ALIASES];
	size_t n = sizeof(fns) / sizeof(fns[0]);

	(void)state;
	assert_int_equal(dmt_pci_dma_aliases(fns, n, &fns[3], al, DMT_MAX_ALIASES), 1);
	assert_int_equal(al[0], 0x0008);
	assert_int_equal(dmt_pci_dma_aliases(fns, n, &fns[6], al, DMT_MAX_ALIASES), DMT_MAX_ALIASES);
	assert_int_equal(dmt_pci_dma_aliases(fns, n, &fns[8], al, DMT_MAX_ALIASES), 0);
}

struct run {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
};

/* A subcommand in-process, its output kept (as test_cli.c does). */
static void run_cmd(dmt_cmd_fn fn, struct run *r, char **argv, int argc)
{
	FILE *out = open_memstream(&r->out, &r->outlen), *err = open_memstream(&r->err, &r->errlen);

	assert_non_null(out);
	assert_non_null(err);
	r->rc = fn(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* A dump the replay agent took of a real q35 guest, resolved on the VIOT that guest
 * saw: what the replay's reference said for each device (vectors/replay/x86/). */
static void resolve_fixture(const char *dump, const char *viot, const char *const *want,
			    size_t nwant)
{
	char *argv[] = { "resolve", "--lspci", (char *)dump, (char *)viot, NULL };
	struct run r;

	run_cmd(cmd_resolve, &r, argv, 4);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	for (size_t i = 0; i < nwant; i++)
		if (!strstr(r.out, want[i]))
			fail_msg("no '%s' in\n%s", want[i], r.out);
	run_free(&r);
}

static void test_guest_pxb_pcie_pci_bridge(void **state)
{
	static const char *const want[] = {
		"0000:00:02.0 none reason=IommuIsSelf\n",
		"0000:00:07.0 endpoint=0x38 ",
		"0000:50:00.0 endpoint=0x5000 ",
		"0000:51:00.0 endpoint=0x5100 ",
		"0000:52:03.0+52:00.0 endpoint=0x5218 endpoint=0x5200 ",
		"0000:52:04.0+52:00.0 endpoint=0x5220 endpoint=0x5200 ",
	};

	(void)state;
	resolve_fixture(FIXTURES "guest-q35-pxb-pcie-pci-bridge.txt",
			FIXTURES "guest-q35-pxb-pcie-pci-bridge.viot", want, 6);
}

static void test_guest_pci_bridge(void **state)
{
	static const char *const want[] = {
		"0000:01:01.0+01:00.0 endpoint=0x108 endpoint=0x100 ",
		"0000:02:04.0+01:01.0+01:00.0 endpoint=0x220 endpoint=0x108 endpoint=0x100 ",
	};

	(void)state;
	resolve_fixture(FIXTURES "guest-q35-pci-bridge-behind-pcie-pci-bridge.txt",
			FIXTURES "guest-q35-pci-bridge-behind-pcie-pci-bridge.viot", want, 2);
}

static void test_guest_switch(void **state)
{
	static const char *const want[] = { "0000:03:00.0 endpoint=0x300 " };

	(void)state;
	resolve_fixture(FIXTURES "guest-q35-x3130-switch.txt", FIXTURES "guest-q35-x3130-switch.viot",
			want, 1);
}

/* A device line and n config bytes of 0x11, 16 a line. */
static char *device_with(size_t nbytes)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fprintf(f, "00:01.0 Ethernet controller: made up\n");
	for (size_t off = 0; off < nbytes; off += 16) {
		fprintf(f, "%02zx:", off);
		for (size_t k = off; k < off + 16 && k < nbytes; k++)
			fprintf(f, " 11");
		fputc('\n', f);
	}
	fclose(f);
	return text;
}

/* The text is refused with this label, by the check and by the libpci path. */
static void expect_refused(const char *text, size_t len, enum dmt_label want)
{
	struct dmt_findings f;
	struct dmt_lspci chk;
	struct dmt_lspci_set s;
	char why[256];

	dmt_findings_init(&f);
	assert_int_equal(dmt_lspci_check((const uint8_t *)text, len, &chk, &f), -1);
	if (!dmt_findings_has(&f, want))
		fail_msg("no %s for:\n%.200s", dmt_label_name(want), text);
	assert_int_equal(dmt_label_info(want)->severity, DMT_SEV_ERROR);
	dmt_lspci_free(&chk);
	dmt_findings_free(&f);
	dmt_findings_init(&f);
	assert_int_equal(dmt_lspci_read((const uint8_t *)text, len, &s, &f, why, sizeof(why)), -1);
	assert_true(dmt_findings_has(&f, want));
	assert_null(s.fn);
	dmt_findings_free(&f);
}

static void refused(const char *text, enum dmt_label want)
{
	expect_refused(text, strlen(text), want);
}

static void test_not_a_dump(void **state)
{
	static const uint8_t viot[] = { 'V', 'I', 'O', 'T', 0x58, 0, 0, 0, 0, 0x3a };
	char long_line[400];

	(void)state;
	expect_refused("", 0, DMT_L_LspciNotADump);
	expect_refused((const char *)viot, sizeof(viot), DMT_L_LspciNotADump);
	refused("hello\n", DMT_L_LspciNotADump);
	refused("00: 86 80 c0 29\n", DMT_L_LspciNotADump);	/* bytes with no device */
	refused("\tSubsystem: x\n", DMT_L_LspciNotADump);
	refused("00:00.8 Host bridge\n00: 00\n", DMT_L_LspciNotADump);	/* function 8 */
	refused("00:20.0 Host bridge\n00: 00\n", DMT_L_LspciNotADump);	/* device 0x20 */
	refused("00:00.0 Host bridge\n00: 8 80\n", DMT_L_LspciNotADump);
	refused("00:00.0 Host bridge\n00: 86  80\n", DMT_L_LspciNotADump);
	refused("00:00.0 Host bridge\n00: 86 80 zz\n", DMT_L_LspciNotADump);
	refused("00:00.0 Host bridge\nnot indented\n", DMT_L_LspciNotADump);
	refused("00:00.0 a\x01 b\n", DMT_L_LspciNotADump);
	/* libpci writes below its buffer for an offset that overflows its int */
	refused("00:00.0 Host bridge\nffffffff: 00\n", DMT_L_LspciNotADump);
	refused("00:00.0 Host bridge\n80000000: 00\n", DMT_L_LspciNotADump);
	refused("00:00.0 Host bridge\n1000: 00\n", DMT_L_LspciNotADump);
	/* libpci stops the program on a line longer than its fgets buffer */
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "00:00.0 ", 8);
	long_line[sizeof(long_line) - 2] = '\n';
	long_line[sizeof(long_line) - 1] = '\0';
	refused(long_line, DMT_L_LspciNotADump);
}

static void test_truncated(void **state)
{
	char *t64 = device_with(64), *t248 = device_with(248), *t256 = device_with(256);
	char *gap, *cut;

	(void)state;
	refused(t64, DMT_L_LspciTruncated);	/* lspci -x, or -xxx as a user */
	refused(t248, DMT_L_LspciTruncated);	/* last line short */
	refused("00:00.0 Host bridge\n", DMT_L_LspciTruncated);	/* plain lspci */
	/* the text ends inside a line */
	cut = strdup(t256);
	cut[strlen(cut) - 5] = '\0';
	refused(cut, DMT_L_LspciTruncated);
	/* lines 0x30..0x3f missing */
	gap = strdup(t256);
	memmove(strstr(gap, "30:"), strstr(gap, "40:"), strlen(strstr(gap, "40:")) + 1);
	refused(gap, DMT_L_LspciTruncated);
	free(t64);
	free(t248);
	free(t256);
	free(gap);
	free(cut);
}

static void test_duplicate(void **state)
{
	char *one = device_with(256), *two;
	size_t n = strlen(one);

	(void)state;
	two = malloc(2 * n + 2);
	assert_non_null(two);
	snprintf(two, 2 * n + 2, "%s\n%s", one, one);
	refused(two, DMT_L_LspciDuplicateDevice);
	free(one);
	free(two);
}

/* What lspci prints and libpci reads: -v detail lines, CRLF, -xxxx, domains. */
static void test_accepted_forms(void **state)
{
	char *ext = device_with(4096), *plain = device_with(256), *verbose, *crlf;
	struct dmt_lspci_set s;
	size_t n = strlen(plain), k = 0;

	(void)state;
	read_ok(ext, strlen(ext), &s);
	assert_int_equal(s.n, 1);
	dmt_lspci_set_free(&s);
	verbose = malloc(n + 64);
	assert_non_null(verbose);
	snprintf(verbose, n + 64, "0001:00:01.0 x\n\tSubsystem: y\n\tFlags: fast%s",
		 strchr(plain, '\n'));
	read_ok(verbose, strlen(verbose), &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.fn[0].segment, 1);
	dmt_lspci_set_free(&s);
	crlf = malloc(2 * n + 1);
	assert_non_null(crlf);
	for (size_t i = 0; i < n; i++) {
		if (plain[i] == '\n')
			crlf[k++] = '\r';
		crlf[k++] = plain[i];
	}
	read_ok(crlf, k, &s);
	dmt_lspci_set_free(&s);
	free(ext);
	free(plain);
	free(verbose);
	free(crlf);
}

/* resolve --lspci as a user runs it: named devices, a missing one, a bad dump. */
static void test_cli(void **state)
{
	char dump[] = FIXTURES "guest-q35-pxb-pcie-pci-bridge.txt";
	char viot[] = FIXTURES "guest-q35-pxb-pcie-pci-bridge.viot";
	char *named[] = { "resolve", "--json", "--lspci", dump, viot, "0000:52:03.0", NULL };
	char *missing[] = { "resolve", "--lspci", dump, viot, "0000:05:00.0", "0000:52:03.0", NULL };
	char *aliased[] = { "resolve", "--lspci", dump, viot, "0000:52:03.0+52:00.0", NULL };
	char *notdump[] = { "resolve", "--lspci", viot, viot, NULL };
	struct run r;

	(void)state;
	run_cmd(cmd_resolve, &r, named, 6);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "\"device\":\"0000:52:03.0+52:00.0\""));
	assert_non_null(strstr(r.out, "\"endpoints\":[21016,20992]"));
	run_free(&r);
	run_cmd(cmd_resolve, &r, missing, 6);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "0000:05:00.0 is not in the lspci dump"));
	run_free(&r);
	run_cmd(cmd_resolve, &r, aliased, 5);
	assert_int_equal(r.rc, DMT_EXIT_USAGE);
	run_free(&r);
	run_cmd(cmd_resolve, &r, notdump, 4);
	assert_int_equal(r.rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(r.err, "LspciNotADump"));
	run_free(&r);
}

/* grant domid --lspci: every device of the q35 dump through a map <0 &xen 1 0x10000>,
 * so each domid is its RID + 1 (no alias walk: the grant path uses the RID alone). */
static void test_grant_domid(void **state)
{
	static const char topo[] = "dt-iommu xen /xen-grant-dma xen-grant\n"
				   "bridge /pcie@10000000 domain 0\n"
				   "iommu-map 0x0 xen 0x1 0x10000\n";
	char topo_path[] = "/tmp/dmt-lspci-topo-XXXXXX", dtb[] = "/tmp/dmt-lspci-dtb-XXXXXX";
	char dump_path[] = "/tmp/dmt-lspci-dump-XXXXXX";
	char *text = dump_of(q35, sizeof(q35) / sizeof(q35[0]));
	char *enc[] = { "encode", "--to", "dtb", topo_path, "-o", dtb, NULL };
	char *domid[] = { "grant", "domid", "--lspci", dump_path, dtb, NULL };
	int fds[3] = { mkstemp(topo_path), mkstemp(dtb), mkstemp(dump_path) };
	struct run r;

	(void)state;
	assert_true(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0);
	assert_int_equal(write(fds[0], topo, strlen(topo)), (ssize_t)strlen(topo));
	assert_int_equal(write(fds[2], text, strlen(text)), (ssize_t)strlen(text));
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	run_cmd(cmd_encode, &r, enc, 6);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	run_free(&r);
	run_cmd(cmd_grant, &r, domid, 5);
	assert_int_equal(r.rc, DMT_EXIT_OK);
	assert_non_null(strstr(r.out, "0000:01:03.0+01:00.0 domid=281\n"));
	assert_non_null(strstr(r.out, "0000:43:02.0+42:01.0+42:00.0 domid=17169\n"));
	run_free(&r);
	unlink(topo_path);
	unlink(dtb);
	unlink(dump_path);
	free(text);
}

static const struct replay_check *last_check(const struct replay_checks *cs)
{
	assert_true(cs->n > 0);
	assert_string_equal(cs->c[cs->n - 1].what, "lspci");
	return &cs->c[cs->n - 1];
}

/* The replay's lspci check on a console recorded from a real q35 boot: it passes as
 * recorded, fails with both sides when the replay's reference for one device is
 * changed, and is an ERROR when the console carries no dump. */
static void test_replay_check(void **state)
{
	char dir[] = "/tmp/dmt-lspci-replay-XXXXXX", path[256];
	struct dmt_decode_opts opts = { .format = DMT_FMT_VIOT };
	struct replay_checks cs = { 0 };
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct dmt_topo t;
	uint8_t *text;
	size_t len;
	FILE *fp;

	(void)state;
	assert_non_null(o);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(dmt_read_file("ci/selftest/recorded/q35-bare.console", &text, &len, stderr), 0);
	snprintf(path, sizeof(path), "%s/console.log", dir);
	assert_int_equal(dmt_write_file(path, text, len, stderr), 0);
	replay_parse_console((const char *)text, len, "VIOT", o);
	assert_true(o->blob_ok);
	assert_int_equal(dmt_decode(o->blob, o->blob_len, &opts, &t, NULL), 0);
	replay_compare(o, &t, &cs);
	replay_lspci_check(dir, &t, &cs);
	assert_int_equal(last_check(&cs)->status, REPLAY_PASS);
	snprintf(path, sizeof(path), "%s/lspci.txt", dir);
	assert_int_equal(access(path, R_OK), 0);
	/* the replay's reference for the first device says another ID */
	cs.c[0].ref[0] ^= 1;
	replay_lspci_check(dir, &t, &cs);
	assert_int_equal(last_check(&cs)->status, REPLAY_FAIL);
	assert_non_null(strstr(last_check(&cs)->diag, "1 of 6 devices differ"));
	assert_non_null(strstr(last_check(&cs)->diag, "replay reference"));
	/* no dump on the console */
	snprintf(path, sizeof(path), "%s/console.log", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("DMT agent version=1\n", fp);
	fclose(fp);
	replay_lspci_check(dir, &t, &cs);
	assert_int_equal(last_check(&cs)->status, REPLAY_ERROR);
	assert_non_null(strstr(last_check(&cs)->diag, "no lspci blob"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/lspci.txt", dir);
	unlink(path);
	rmdir(dir);
	replay_checks_free(&cs);
	dmt_topo_free(&t);
	replay_obs_free(o);
	free(o);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_aliases),
		cmocka_unit_test(test_alias_rules),
		cmocka_unit_test(test_guest_pxb_pcie_pci_bridge),
		cmocka_unit_test(test_guest_pci_bridge),
		cmocka_unit_test(test_guest_switch),
		cmocka_unit_test(test_not_a_dump),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_accepted_forms),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_grant_domid),
		cmocka_unit_test(test_replay_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
