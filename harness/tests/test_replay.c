/* The QEMU replay's host side without QEMU: console parsing (kprobe lines, agent
 * lines, blob reassembly and CRC), DMA alias walks, the verdict per device, the
 * arm virt DT rewrite, the QEMU argv, names and the run deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "cli.h"
#include "dtb_build.h"
#include "crc32.h"
#include "replay.h"
#include "replay_obs_build.h"
#include "vector.h"

/* ---- helpers -------------------------------------------------------------- */

struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static void text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	assert_non_null(t->f);
}

static void text_close(struct text *t)
{
	fclose(t->f);
}

/* The agent's framing of one blob, 32 bytes a line, zero runs collapsed. */
static void print_blob(FILE *f, const char *name, const uint8_t *b, size_t len)
{
	fprintf(f, "DMT blob-begin name=%s len=%zu crc32=%08x path=/x\r\n", name, len,
		dmt_crc32(b, len));
	for (size_t off = 0; off < len; off += 32) {
		size_t n = len - off < 32 ? len - off : 32;
		bool zero = true;

		for (size_t i = 0; i < n; i++)
			zero = zero && b[off + i] == 0;
		if (zero) {
			fprintf(f, "DMT blob-zero %08zx %zx\r\n", off, n);
			continue;
		}
		fprintf(f, "DMT blob %08zx ", off);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%02x", b[off + i]);
		fprintf(f, "\r\n");
	}
	fprintf(f, "DMT blob-end name=%s\r\n", name);
}

static const char q35_vector[] =
	"cite test\n"
	"replay x86_64\n"
	"encode viot\n"
	"qemu-device pcie-pci-bridge,id=ppb,addr=6.0\n"
	"qemu-device virtio-rng-pci,bus=ppb,addr=3.0\n"
	"viommu viommu pci 0000:00:02.0\n"
	"range viommu bdf 00:00.0..02:1f.7 ep 0x0\n"
	"range viommu bdf 40:00.0..41:1f.7 ep 0x4000\n"
	"expect linux 0000:00:05.0 endpoint=0x28\n";

static struct dmt_vector *parse_vector(const char *text)
{
	struct dmt_vector *v = calloc(1, sizeof(*v));
	struct dmt_lang_error e;

	assert_non_null(v);
	assert_int_equal(dmt_vector_parse(text, strlen(text), v, &e), 0);
	return v;
}

static void free_vector(struct dmt_vector *v)
{
	dmt_vector_free(v);
	free(v);
}

/* A console the FACTS.md §6 q35 boot would print, with the VIOT of q35_vector. */
static void q35_console(struct text *t, uint32_t bump, bool with_done)
{
	struct dmt_vector *v = parse_vector(q35_vector);
	uint8_t *viot;
	size_t len;
	char why[128];

	assert_int_equal(dmt_vector_input(v, DMT_FMT_VIOT, &viot, &len, why, sizeof(why)), 0);
	text_open(t);
	fprintf(t->f, "epid: (iommu_fwspec_add_ids+0x0/0x88) dev=\"0000:00:06.0\" id=%u n=0x1\r\n",
		0x30 + bump);
	fprintf(t->f, "DMT agent version=1 kernel=6.1 machine=x86_64\r\n");
	fprintf(t->f, "DMT error bind 0000:00:1f.0: still no driver\r\n");
	fprintf(t->f, "epid: (iommu_fwspec_add_ids+0x0/0x88) dev=\"0000:02:03.0\" id=%u n=0x1\r\n",
		0x218 + bump);
	fprintf(t->f, "epid: (iommu_fwspec_add_ids+0x0/0x88) dev=\"0000:02:03.0\" id=%u n=0x1\r\n",
		0x200 + bump);
	fprintf(t->f, "DMT dev 0000:00:02.0 vendor=1af4 device=1057 class=00ff hdr=0 pcie=-\r\n");
	fprintf(t->f, "DMT dev 0000:00:06.0 vendor=1b36 device=000e class=0604 hdr=1 pcie=7\r\n");
	fprintf(t->f, "DMT bridge 0000:00:06.0 primary=00 secondary=02 subordinate=02\r\n");
	fprintf(t->f, "DMT dev 0000:00:1f.0 vendor=8086 device=2918 class=0601 hdr=0 pcie=-\r\n");
	fprintf(t->f, "DMT dev 0000:02:03.0 vendor=1af4 device=1005 class=00ff hdr=0 pcie=-\r\n");
	fprintf(t->f, "DMT group 0000:00:06.0 1\r\n");
	print_blob(t->f, "VIOT", viot, len);
	if (with_done)
		fprintf(t->f, "DMT done errors=1\r\n");
	text_close(t);
	free(viot);
	free_vector(v);
}

/* ---- console ------------------------------------------------------------ */

static void test_console_facts(void **state)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct replay_dev *d;
	struct text t;

	(void)state;
	q35_console(&t, 0, true);
	replay_parse_console(t.buf, t.len, "VIOT", o);
	assert_true(o->agent_started);
	assert_true(o->done);
	assert_int_equal(o->agent_errors, 1);
	assert_true(o->blob_ok);
	assert_memory_equal(o->blob, "VIOT", 4);
	assert_int_equal(o->ndevs, 4);
	d = replay_find_dev(o, 0, 0x218);
	assert_non_null(d);
	assert_int_equal(d->nkids, 2);
	assert_int_equal(d->kids[0], 0x218);
	assert_int_equal(d->kids[1], 0x200);
	assert_int_equal(d->pcie_type, -1);
	d = replay_find_dev(o, 0, 0x30);
	assert_true(d->is_bridge);
	assert_int_equal(d->secondary, 2);
	assert_int_equal(d->pcie_type, 7);
	assert_int_equal(d->group, 1);
	assert_true(o->any_group);
	/* the bind error line came before the listing and still lands on the device */
	assert_true(replay_find_dev(o, 0, 0xf8)->bind_error);
	replay_obs_free(o);
	free(o);
	free(t.buf);
}

static void test_console_bad_crc(void **state)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct text t;
	char *p;

	(void)state;
	q35_console(&t, 0, true);
	/* flip one hex digit of the first data line */
	p = strstr(t.buf, "DMT blob 00000000 ");
	assert_non_null(p);
	p += strlen("DMT blob 00000000 ");
	*p = *p == '5' ? '6' : '5';
	replay_parse_console(t.buf, t.len, "VIOT", o);
	assert_false(o->blob_ok);
	assert_non_null(strstr(o->blob_problem, "crc32"));
	replay_obs_free(o);
	free(o);
	free(t.buf);
}

static void test_console_truncated(void **state)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct text t;

	(void)state;
	q35_console(&t, 0, false);
	/* cut the console in the middle of the blob: no end, no done */
	replay_parse_console(t.buf, t.len / 2 + 40, "VIOT", o);
	assert_false(o->done);
	assert_false(o->blob_ok);
	assert_true(o->blob_problem[0] != '\0');
	replay_obs_free(o);
	free(o);
	free(t.buf);
}

static void test_console_panic_and_lies(void **state)
{
	static const char text[] =
		"Kernel panic - not syncing: VFS\n"
		"DMT dev 0000:00:02.0 vendor=1 device=2 class=3 hdr=0 pcie=-\n"
		"DMT dev 0000:00:02.0 vendor=1 device=2 class=3 hdr=0 pcie=-\n"	/* duplicate */
		"DMT dev 0000:1ff:02.0 hdr=0 pcie=-\n"				/* bus out of range */
		"DMT bridge 0000:00:02.0 primary=00 secondary=999 subordinate=01\n"
		"epid: (x) dev=\"0000:00:02.0\" id=99999999999 n=0x1\n"	/* > u32 */
		"epid: (x) dev=\"0000:00:09.0\" id=5 n=0x1\n"			/* not listed */
		"DMT blob-begin name=VIOT len=4294967296000 crc32=0\n"		/* huge len */
		"DMT blob 00000000 56494f54\n"
		"DMT done errors=0\n";
	struct replay_obs *o = calloc(1, sizeof(*o));

	(void)state;
	replay_parse_console(text, sizeof(text) - 1, "VIOT", o);
	assert_true(o->panic);
	assert_int_equal(o->ndevs, 1);
	assert_false(o->devs[0].is_bridge);
	assert_int_equal(o->devs[0].nkids, 0);
	assert_int_equal(o->nstray, 1);
	assert_false(o->blob_ok);
	assert_null(o->blob);
	replay_obs_free(o);
	free(o);
}

static void test_console_random(void **state)
{
	static const char *const pieces[] = {
		"DMT ", "dev ", "bridge ", "blob ", "blob-zero ", "blob-begin name=VIOT len=64 crc32=0 ",
		"blob-end name=VIOT", "0000:00:02.0 ", "0000:02:03.0 ", "primary=", "secondary=",
		"epid: (", " dev=\"", "\" id=", "n=0x1", "00000000 ", "ff", "\r\n", "\n", "=",
		"pcie=", "hdr=", "done errors=", "group ", "error bind ", "zz", "0", "7",
	};
	uint32_t seed = 12345;

	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		char buf[2048];
		size_t n = 0;
		struct replay_obs *o = calloc(1, sizeof(*o));

		assert_non_null(o);
		while (n < sizeof(buf) - 64) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 7 == 0) {
				buf[n++] = (char)(seed >> 8);
				continue;
			}
			p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
			memcpy(buf + n, p, strlen(p));
			n += strlen(p);
			if ((seed >> 24) % 97 == 0)
				break;
		}
		replay_parse_console(buf, n, iter % 2 ? "VIOT" : "fdt", o);
		replay_parse_trace(buf, n, o);
		assert_true(o->ndevs <= REPLAY_MAX_DEVS);
		assert_true(o->blob_ok || o->blob_problem[0]);
		replay_obs_free(o);
		free(o);
	}
}

static void test_trace(void **state)
{
	static const char trace[] =
		"virtio_iommu_attach domain=1 endpoint=40\n"
		"123@1.0:virtio_iommu_attach domain=2 endpoint=536\n"
		"virtio_iommu_attach domain=2 endpoint=40\n"
		"virtio_iommu_init_iommu_mr init 0x30\n";
	struct replay_obs *o = calloc(1, sizeof(*o));

	(void)state;
	replay_parse_trace(trace, sizeof(trace) - 1, o);
	assert_int_equal(o->nattach, 2);
	assert_int_equal(o->attach[0], 40);
	assert_int_equal(o->attach[1], 536);
	free(o);
}

/* ---- aliases and verdicts -------------------------------------------------- */

static void bridge(struct replay_dev *d, uint8_t primary, uint8_t secondary)
{
	d->is_bridge = true;
	d->primary = primary;
	d->secondary = d->subordinate = secondary;
}

static void test_aliases(void **state)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct replay_dev *rp, *ppb, *pb, *dev, *deep, *root_dev;
	uint16_t al[8];

	(void)state;
	rp = obs_add_dev(o, 0x28, 4);		/* 00:05.0 root port → bus 1 */
	bridge(rp, 0, 1);
	ppb = obs_add_dev(o, 0x100, 7);		/* 01:00.0 PCIe-to-PCI bridge → bus 2 */
	bridge(ppb, 1, 2);
	pb = obs_add_dev(o, 0x208, -1);		/* 02:01.0 conventional PCI bridge → bus 3 */
	bridge(pb, 2, 3);
	dev = obs_add_dev(o, 0x218, -1);	/* 02:03.0 */
	deep = obs_add_dev(o, 0x320, -1);	/* 03:04.0 */
	root_dev = obs_add_dev(o, 0x10, -1);	/* 00:02.0 */
	assert_int_equal(replay_dma_aliases(o, root_dev, al, 8), 0);
	assert_int_equal(replay_dma_aliases(o, dev, al, 8), 1);
	assert_int_equal(al[0], 0x200);
	assert_int_equal(replay_dma_aliases(o, deep, al, 8), 2);
	assert_int_equal(al[0], 0x208);
	assert_int_equal(al[1], 0x200);
	/* a bridge whose secondary bus is its own bus must not loop */
	bridge(rp, 0, 0);
	rp->rid = 0x100;
	assert_true(replay_dma_aliases(o, obs_add_dev(o, 0x108, 0), al, 8) <= 8);
	free(o);
}

static size_t count(const struct replay_checks *cs, enum replay_status st)
{
	size_t n = 0;

	for (size_t i = 0; i < cs->n; i++)
		n += cs->c[i].status == st;
	return n;
}

static void verdicts_for(uint32_t bump, struct replay_checks *cs)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct dmt_decode_opts opts = { .format = DMT_FMT_VIOT };
	struct dmt_topo t;
	struct text tx;

	q35_console(&tx, bump, true);
	replay_parse_console(tx.buf, tx.len, "VIOT", o);
	assert_true(o->blob_ok);
	assert_int_equal(dmt_decode(o->blob, o->blob_len, &opts, &t, NULL), 0);
	replay_compare(o, &t, cs);
	dmt_topo_free(&t);
	replay_obs_free(o);
	free(o);
	free(tx.buf);
}

static void test_verdict_agrees(void **state)
{
	struct replay_checks cs = { 0 };

	(void)state;
	verdicts_for(0, &cs);
	assert_int_equal(cs.n, 4);
	/* 00:02.0 the IOMMU (none = none), 00:06.0, 02:03.0 with its alias: pass;
	 * 00:1f.0 could not be bound: error */
	assert_int_equal(count(&cs, REPLAY_PASS), 3);
	assert_int_equal(count(&cs, REPLAY_ERROR), 1);
	assert_int_equal(count(&cs, REPLAY_FAIL), 0);
	replay_checks_free(&cs);
}

static void test_verdict_kernel_off_by_one(void **state)
{
	struct replay_checks cs = { 0 };

	(void)state;
	verdicts_for(1, &cs);
	assert_int_equal(count(&cs, REPLAY_FAIL), 2);
	for (size_t i = 0; i < cs.n; i++)
		if (cs.c[i].status == REPLAY_FAIL)
			assert_non_null(strstr(cs.c[i].diag, "kernel 0x"));
	replay_checks_free(&cs);
}

/* ---- DT rewrite ------------------------------------------------------------- */

static uint8_t *qemu_like_dt(size_t *len)
{
	struct dtb_build b;

	dtb_begin(&b, 0);
	dtb_u32(&b, "#address-cells", 2);
	dtb_u32(&b, "#size-cells", 2);
	dtb_node(&b, "intc@8000000");
	dtb_node(&b, "its@8080000");
	dtb_flag(&b, "msi-controller");
	dtb_u32(&b, "phandle", 0x8003);
	dtb_end(&b);
	dtb_end(&b);
	dtb_node(&b, "pcie@10000000");
	dtb_string(&b, "device_type", "pci");
	dtb_cells_lit(&b, "iommu-map", 0, 0x8005, 0, 8, 9, 0x8005, 9, 0xfff7);
	dtb_cells_lit(&b, "msi-map", 0, 0x8003, 0, 0x10000);
	dtb_node(&b, "virtio_iommu@1,0");
	dtb_u32(&b, "phandle", 0x8005);
	dtb_u32(&b, "#iommu-cells", 1);
	dtb_end(&b);
	dtb_end(&b);
	return dtb_finish(&b, len);
}

static int rewrite_with(const char *vec_text, uint8_t **out, size_t *olen, char *why)
{
	struct dmt_vector *v = parse_vector(vec_text);
	uint8_t *q, *vd;
	size_t qlen, vlen;
	char log[512];
	int rc;

	q = qemu_like_dt(&qlen);
	assert_non_null(q);
	assert_int_equal(dmt_vector_input(v, DMT_FMT_DTB, &vd, &vlen, why, 128), 0);
	rc = replay_dt_rewrite(q, qlen, vd, vlen, out, olen, log, sizeof(log), why, 128);
	free(q);
	free(vd);
	free_vector(v);
	return rc;
}

static void assert_cells(const uint8_t *fdt, const char *path, const char *prop,
			 const uint32_t *want, size_t n)
{
	int off = fdt_path_offset(fdt, path), len;
	const fdt32_t *got;

	assert_true(off >= 0);
	got = fdt_getprop(fdt, off, prop, &len);
	assert_non_null(got);
	assert_int_equal(len, (int)(n * 4));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fdt32_to_cpu(got[i]), want[i]);
}

static void test_dt_rewrite(void **state)
{
	static const char vec[] =
		"cite t\nreplay arm64\n"
		"dt-iommu its /intc@8000000/its@8080000 no-cells msi-controller\n"
		"viommu viommu pci 0000:00:01.0\n"
		"bridge /pcie@10000000 domain 0 bus 0..0xff\n"
		"iommu-map-mask 0xfff8\n"
		"iommu-map 0x0 viommu 0x2000 0x8\n"
		"iommu-map 0x10 viommu 0x2010 0xfff0\n"
		"msi-map 0x0 its 0x10000 0x10000\n"
		"expect linux 0000:00:02.0 endpoint=0x2010\n";
	static const uint32_t map[] = { 0, 0x8005, 0x2000, 8, 0x10, 0x8005, 0x2010, 0xfff0 };
	static const uint32_t mask[] = { 0xfff8 };
	static const uint32_t msi[] = { 0, 0x8003, 0x10000, 0x10000 };
	uint8_t *out = NULL;
	size_t olen;
	char why[128] = "";

	(void)state;
	assert_int_equal(rewrite_with(vec, &out, &olen, why), 0);
	assert_int_equal(fdt_check_header(out), 0);
	assert_cells(out, "/pcie@10000000", "iommu-map", map, 8);
	assert_cells(out, "/pcie@10000000", "iommu-map-mask", mask, 1);
	assert_cells(out, "/pcie@10000000", "msi-map", msi, 4);
	free(out);
}

static void test_dt_rewrite_absent_map_and_bad_path(void **state)
{
	static const char no_map[] =
		"cite t\nreplay arm64\nviommu viommu pci 0000:00:01.0\n"
		"bridge /pcie@10000000 domain 0\n"
		"expect linux 0000:00:02.0 none reason=NoTranslation\n";
	static const char bad_path[] =
		"cite t\nreplay arm64\nviommu viommu pci 0000:00:01.0\n"
		"bridge /pcie@30000000 domain 0\niommu-map 0x0 viommu 0x0 0x8\n"
		"expect linux 0000:00:02.0 endpoint=0x10\n";
	static const uint32_t msi[] = { 0, 0x8003, 0, 0x10000 };
	uint8_t *out = NULL;
	size_t olen;
	char why[128] = "";
	int len;

	(void)state;
	assert_int_equal(rewrite_with(no_map, &out, &olen, why), 0);
	assert_null(fdt_getprop(out, fdt_path_offset(out, "/pcie@10000000"), "iommu-map", &len));
	assert_cells(out, "/pcie@10000000", "msi-map", msi, 4);	/* QEMU's kept */
	free(out);
	out = NULL;
	assert_int_equal(rewrite_with(bad_path, &out, &olen, why), -1);
	assert_non_null(strstr(why, "/pcie@30000000"));
	assert_null(out);
}

/* ---- machine, names, runs ----------------------------------------------------- */

static bool has_arg(const struct replay_argv *a, const char *s)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->arg[i], s) == 0)
			return true;
	return false;
}

static void test_machine_argv(void **state)
{
	struct dmt_vector *v = parse_vector(q35_vector);
	struct replay_env env = { .kernel = { "bz", "Im" }, .initrd = { "i1", "i2" }, .timeout_s = 5 };
	struct replay_argv a = { 0 };
	char why[128];

	(void)state;
	assert_int_equal(replay_machine_argv(v, REPLAY_X86_64, &env, "out/x", NULL, &a, why,
					     sizeof(why)), 0);
	assert_string_equal(a.arg[0], "qemu-system-x86_64");
	assert_true(has_arg(&a, "q35"));
	assert_true(has_arg(&a, "virtio-iommu-pci,addr=2.0"));
	assert_true(has_arg(&a, "pcie-pci-bridge,id=ppb,addr=6.0"));
	assert_true(has_arg(&a, "file:out/x/console.log"));
	assert_null(a.arg[a.n]);
	replay_argv_free(&a);
	/* a device word with a path or an option in it is refused */
	strcpy(v->qemu_device[0], "loader,file=/etc/passwd");
	assert_int_equal(replay_machine_argv(v, REPLAY_X86_64, &env, "o", NULL, &a, why,
					     sizeof(why)), -1);
	replay_argv_free(&a);
	env.kernel[REPLAY_X86_64] = NULL;
	strcpy(v->qemu_device[0], "virtio-rng-pci");
	assert_int_equal(replay_machine_argv(v, REPLAY_X86_64, &env, "o", NULL, &a, why,
					     sizeof(why)), -1);
	assert_non_null(strstr(why, "DMT_KERNEL_X86"));
	replay_argv_free(&a);
	free_vector(v);
}

static void test_names(void **state)
{
	char out[32];

	(void)state;
	replay_sanitize("../../etc/passwd", out, sizeof(out));
	assert_null(strchr(out, '/'));
	assert_true(out[0] != '.');
	replay_sanitize("", out, sizeof(out));
	assert_string_equal(out, "_");
	replay_sanitize("q35-root.port_1", out, sizeof(out));
	assert_string_equal(out, "q35-root.port_1");
	replay_sanitize("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", out, 8);
	assert_int_equal(strlen(out), 7);
	assert_true(replay_qemu_word_ok("pxb-pcie,id=pxb,bus_nr=0x40"));
	assert_false(replay_qemu_word_ok("-kernel"));
	assert_false(replay_qemu_word_ok("a b"));
	assert_false(replay_qemu_word_ok("file=/x"));
	assert_false(replay_qemu_word_ok(""));
}

static void test_run_deadline(void **state)
{
	struct replay_argv a = { 0 };
	struct replay_run r;
	char log[] = "/tmp/dmt-replay-test-XXXXXX";
	int fd = mkstemp(log);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	replay_argv_add(&a, "sleep");
	replay_argv_add(&a, "30");
	assert_int_equal(replay_run(&a, log, 1, &r), 0);
	assert_int_equal(r.how, RUN_TIMEOUT);
	assert_true(r.seconds < 10);
	replay_argv_free(&a);
	replay_argv_add(&a, "true");
	assert_int_equal(replay_run(&a, log, 5, &r), 0);
	assert_int_equal(r.how, RUN_EXITED);
	assert_int_equal(r.code, 0);
	replay_argv_free(&a);
	replay_argv_add(&a, "/nonexistent/qemu");
	assert_int_equal(replay_run(&a, log, 5, &r), 0);
	assert_int_equal(r.how, RUN_SPAWN_FAILED);
	replay_argv_free(&a);
	unlink(log);
}

static const uint8_t *find_bytes(const uint8_t *hay, size_t n, const char *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

static void test_viot_initrd(void **state)
{
	struct dmt_vector *v = parse_vector(q35_vector);
	char base[] = "/tmp/dmt-replay-base-XXXXXX", out[] = "/tmp/dmt-replay-out-XXXXXX";
	int fb = mkstemp(base), fo = mkstemp(out);
	uint8_t *viot, *img, sum = 0;
	size_t len, ilen;
	char why[128] = "";
	const uint8_t *t;

	(void)state;
	assert_true(fb >= 0 && fo >= 0);
	assert_int_equal(write(fb, "GZIPDATA", 8), 8);
	close(fb);
	close(fo);
	assert_int_equal(dmt_vector_input(v, DMT_FMT_VIOT, &viot, &len, why, sizeof(why)), 0);
	assert_int_equal(replay_viot_initrd(viot, len, base, out, why, sizeof(why)), 0);
	assert_int_equal(dmt_read_file(out, &img, &ilen, stderr), 0);
	assert_memory_equal(img, "070701", 6);
	assert_int_equal(ilen % 512, 8);		/* archive padded to 512, then the base */
	assert_memory_equal(img + ilen - 8, "GZIPDATA", 8);
	t = find_bytes(img, ilen, "kernel/firmware/acpi/viot.aml", 29);
	assert_non_null(t);
	t = find_bytes(img, ilen, "VIOT", 4);
	assert_non_null(t);
	assert_memory_equal(t + 10, "BOCHS BXPC    ", 14);
	assert_int_equal(t[24], 0x10);
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	assert_int_equal(sum, 0);
	free(img);
	/* a table whose length field lies is refused: the upgrade would drop it */
	viot[4] ^= 1;
	assert_int_equal(replay_viot_initrd(viot, len, base, out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "length"));
	free(viot);
	free_vector(v);
	unlink(base);
	unlink(out);
}

/* The subcommand end to end without a real QEMU: a vector without `replay` is
 * skipped, one whose QEMU cannot start is an ERROR (never a pass), and the KTAP,
 * JUnit and JSON files say so. */
static void test_cmd_replay_errors(void **state)
{
	char dir[] = "/tmp/dmt-replay-cmd-XXXXXX";
	char vec_skip[300], vec_boot[300], junit[300], json[300];
	char *out = NULL, *err = NULL;
	size_t outlen = 0, errlen = 0;
	FILE *fo, *fe, *f;
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(vec_skip, sizeof(vec_skip), "%s/a-skip.vec", dir);
	snprintf(vec_boot, sizeof(vec_boot), "%s/b-boot.vec", dir);
	snprintf(junit, sizeof(junit), "%s/junit.xml", dir);
	f = fopen(vec_skip, "w");
	fputs("cite t\nviommu v pci 0000:00:02.0\nrange v bdf 00:00.0..00:1f.7 ep 0\n"
	      "expect linux 0000:00:03.0 endpoint=0x18\n", f);
	fclose(f);
	f = fopen(vec_boot, "w");
	fputs(q35_vector, f);
	fclose(f);
	{
		char *argv[] = { "replay", "--results", dir, "--junit", junit, "--qemu-x86",
				 "/nonexistent/qemu", "--kernel-x86", "/k", "--initrd-x86", "/i",
				 vec_skip, vec_boot, NULL };

		fo = open_memstream(&out, &outlen);
		fe = open_memstream(&err, &errlen);
		rc = cmd_replay(13, argv, fo, fe);
		fclose(fo);
		fclose(fe);
	}
	assert_int_equal(rc, DMT_EXIT_FINDINGS);
	assert_non_null(strstr(out, "KTAP version 1\n1..2\n"));
	assert_non_null(strstr(out, "# SKIP no replay statement"));
	assert_non_null(strstr(out, "not ok 1 boot # ERROR"));
	assert_non_null(strstr(out, "not ok 2 "));
	assert_non_null(strstr(err, "[replay 2/2"));
	assert_non_null(strstr(out, "# verdict: FAIL (0 FAIL, 1 ERROR, 0 XPASS)\n"));
	f = fopen(junit, "r");
	assert_non_null(f);
	fclose(f);
	/* the results folder is named from the vector's folder and file */
	snprintf(json, sizeof(json), "%s/%s-b-boot/results.jsonl", dir, strrchr(dir, '/') + 1);
	for (char *p = strrchr(json, '/') - 1; *p != '/'; p--)
		if (*p == '.')
			*p = '_';
	f = fopen(json, "r");
	assert_non_null(f);
	fclose(f);
	free(out);
	free(err);
}

/* ---- the gate's verdict (replay_verdict.c) ---------------------------------- */

static void add_check(struct replay_verdict *v, enum replay_status st)
{
	struct replay_check *c = replay_checks_add(&v->checks);

	assert_non_null(c);
	c->status = st;
	snprintf(c->what, sizeof(c->what), "0000:00:03.0");
	snprintf(c->diag, sizeof(c->diag), "device 0000:00:03.0: kernel 0x19; reference (linux) 0x18");
}

/* Every outcome of one vector, with and without a known-divergence line: only a
 * divergence that is listed AND still diverges is accepted; an error never is. */
static void test_gate_of(void **state)
{
	struct replay_verdict v;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(replay_gate_of(&v, false), GATE_ERROR);	/* nothing compared */
	assert_int_equal(replay_gate_of(&v, true), GATE_ERROR);
	add_check(&v, REPLAY_PASS);
	assert_int_equal(replay_gate_of(&v, false), GATE_PASS);
	assert_int_equal(replay_gate_of(&v, true), GATE_XPASS);
	add_check(&v, REPLAY_FAIL);
	assert_int_equal(replay_gate_of(&v, false), GATE_FAIL);
	assert_int_equal(replay_gate_of(&v, true), GATE_XFAIL);
	add_check(&v, REPLAY_ERROR);
	assert_int_equal(replay_gate_of(&v, false), GATE_ERROR);
	assert_int_equal(replay_gate_of(&v, true), GATE_ERROR);
	replay_checks_free(&v.checks);
	v.skipped = true;
	assert_int_equal(replay_gate_of(&v, true), GATE_SKIP);
	assert_string_equal(replay_gate_name(GATE_XFAIL), "known");
	assert_string_equal(replay_gate_name(GATE_XPASS), "xpass");
}

static void test_tally_ok(void **state)
{
	struct replay_tally t;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_false(replay_tally_ok(&t));		/* nothing replayed */
	replay_tally_add(&t, GATE_SKIP);
	assert_false(replay_tally_ok(&t));		/* still nothing replayed */
	replay_tally_add(&t, GATE_XFAIL);
	assert_true(replay_tally_ok(&t));
	replay_tally_add(&t, GATE_PASS);
	assert_true(replay_tally_ok(&t));
	replay_tally_add(&t, GATE_XPASS);
	assert_false(replay_tally_ok(&t));
	memset(&t, 0, sizeof(t));
	replay_tally_add(&t, GATE_PASS);
	replay_tally_add(&t, GATE_FAIL);
	assert_false(replay_tally_ok(&t));
	memset(&t, 0, sizeof(t));
	replay_tally_add(&t, GATE_PASS);
	replay_tally_add(&t, GATE_ERROR);
	assert_false(replay_tally_ok(&t));
}

static void test_known_list(void **state)
{
	static const char good[] =
		"# comment\n\n  x86/q35-bare.vec   QEMU and the kernel part here  \n"
		"vectors/replay/arm64/virt-a.vec\tanother reason";
	struct replay_known k;
	char why[200];

	(void)state;
	assert_int_equal(replay_known_parse(good, strlen(good), &k, why, sizeof(why)), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.e[0].vector, "x86/q35-bare.vec");
	assert_string_equal(k.e[0].reason, "QEMU and the kernel part here");
	assert_int_equal(k.e[0].line, 3);
	/* a tail after '/' names the vector; a bare suffix does not */
	assert_ptr_equal(replay_known_find(&k, "vectors/replay/x86/q35-bare.vec"), &k.e[0]);
	assert_ptr_equal(replay_known_find(&k, "x86/q35-bare.vec"), &k.e[0]);
	assert_null(replay_known_find(&k, "vectors/replay/x86/other-q35-bare.vec"));
	assert_null(replay_known_find(&k, "q35-bare.vec"));
	assert_ptr_equal(replay_known_find(&k, "vectors/replay/arm64/virt-a.vec"), &k.e[1]);
	replay_known_free(&k);

	assert_int_equal(replay_known_parse("a.vec\n", 6, &k, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "has no reason"));
	assert_int_equal(replay_known_parse("a.vec r\na.vec s\n", 16, &k, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "listed twice"));
	assert_int_equal(replay_known_parse("a.vec r\0x\n", 10, &k, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "NUL"));
	assert_int_equal(replay_known_parse("", 0, &k, why, sizeof(why)), 0);
	assert_int_equal(k.n, 0);
	assert_null(replay_known_find(&k, "a.vec"));
}

/* The run-level outputs list every vector, whatever happened to it. */
static void test_summary_rows(void **state)
{
	struct replay_verdict v[3];
	struct replay_known k;
	struct replay_run_summary s;
	struct text md, js, ta;
	char why[100];

	(void)state;
	memset(v, 0, sizeof(v));
	assert_int_equal(replay_known_parse("x/b.vec a reason\nx/gone.vec r", 29, &k, why,
					    sizeof(why)), 0);
	snprintf(v[0].vector, sizeof(v[0].vector), "x/a.vec");
	snprintf(v[0].arch, sizeof(v[0].arch), "x86_64");
	add_check(&v[0], REPLAY_PASS);
	snprintf(v[1].vector, sizeof(v[1].vector), "x/b.vec");
	snprintf(v[1].arch, sizeof(v[1].arch), "arm64");
	add_check(&v[1], REPLAY_FAIL);
	v[1].known_reason = k.e[0].reason;
	snprintf(v[2].vector, sizeof(v[2].vector), "x/c.vec");
	snprintf(v[2].arch, sizeof(v[2].arch), "-");	/* did not parse: no checks at all */
	memset(&s, 0, sizeof(s));
	s.v = v;
	s.n = 3;
	s.known = &k;
	s.title = "Replay";
	for (size_t i = 0; i < 3; i++) {
		v[i].gate = replay_gate_of(&v[i], v[i].known_reason != NULL);
		replay_tally_add(&s.tally, v[i].gate);
	}
	text_open(&md);
	replay_summary_markdown(md.f, &s);
	text_close(&md);
	assert_non_null(strstr(md.buf, "| x86_64 | a | pass | 1 | 0 | 0 |"));
	assert_non_null(strstr(md.buf, "| arm64 | b | known divergence | 0 | 1 | 0 |"));
	assert_non_null(strstr(md.buf, "| - | c | **ERROR** | 0 | 0 | 0 |"));
	assert_non_null(strstr(md.buf, "Verdict: **FAIL**"));
	assert_non_null(strstr(md.buf, "`x/gone.vec` (not replayed in this run): r"));
	assert_non_null(strstr(md.buf, "kernel 0x19; reference (linux) 0x18"));
	text_open(&js);
	replay_summary_jsonl(js.f, &s);
	text_close(&js);
	assert_non_null(strstr(js.buf, "\"vector\":\"x/b.vec\",\"name\":\"\",\"arch\":\"arm64\",\"verdict\":\"known\""));
	assert_non_null(strstr(js.buf, "\"verdict\":\"error\""));
	text_open(&ta);
	replay_summary_tally(ta.f, &s);
	text_close(&ta);
	assert_string_equal(ta.buf, "2 1 0\n");
	free(md.buf);
	free(js.buf);
	free(ta.buf);
	for (size_t i = 0; i < 3; i++)
		replay_checks_free(&v[i].checks);
	replay_known_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_facts),
		cmocka_unit_test(test_console_bad_crc),
		cmocka_unit_test(test_console_truncated),
		cmocka_unit_test(test_console_panic_and_lies),
		cmocka_unit_test(test_console_random),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_verdict_agrees),
		cmocka_unit_test(test_verdict_kernel_off_by_one),
		cmocka_unit_test(test_dt_rewrite),
		cmocka_unit_test(test_dt_rewrite_absent_map_and_bad_path),
		cmocka_unit_test(test_machine_argv),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_run_deadline),
		cmocka_unit_test(test_viot_initrd),
		cmocka_unit_test(test_cmd_replay_errors),
		cmocka_unit_test(test_gate_of),
		cmocka_unit_test(test_tally_ok),
		cmocka_unit_test(test_known_list),
		cmocka_unit_test(test_summary_rows),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
