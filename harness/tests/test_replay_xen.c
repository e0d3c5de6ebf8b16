/* The Xen grant-DMA replay's host side without Xen: the probe lines of a dom0
 * console, the verdict per device (domid, then every grant map against the model),
 * the Xen machine's DT and dom0's command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "dtb_build.h"
#include "replay.h"
#include "vector.h"

/* dom0's tree: a xen,grant-dma node (phandle 1) and two virtio-mmio transports,
 * a003e00 with iommus = <&xen 1>, a003c00 with none. */
static uint8_t *dom0_tree(size_t *len)
{
	struct dtb_build b;

	dtb_begin(&b, 0);
	dtb_u32(&b, "#address-cells", 2);
	dtb_u32(&b, "#size-cells", 2);
	dtb_node(&b, "xen-grant-dma");
	dtb_string(&b, "compatible", "xen,grant-dma");
	dtb_u32(&b, "#iommu-cells", 1);
	dtb_u32(&b, "phandle", 1);
	dtb_end(&b);
	dtb_node(&b, "virtio_mmio@a003e00");
	dtb_string(&b, "compatible", "virtio,mmio");
	dtb_cells_lit(&b, "reg", 0, 0xa003e00, 0, 0x200);
	dtb_cells_lit(&b, "iommus", 1, 1);
	dtb_end(&b);
	dtb_node(&b, "virtio_mmio@a003c00");
	dtb_string(&b, "compatible", "virtio,mmio");
	dtb_cells_lit(&b, "reg", 0, 0xa003c00, 0, 0x200);
	dtb_end(&b);
	return dtb_finish(&b, len);
}

/* A dom0 console: virtio0 on a003e00 gets domid STORED, allocs 0x2000 (2 grants) and
 * maps 0x1000 at offset 0x1800 to the device (2 grants, read-only); virtio1 on
 * a003c00 gets none. %s slots: the domid stored, the second grant's ro flag. */
static const char console_fmt[] =
	"(XEN) *** LOADING DOMAIN 0 ***\r\n"
	"xgacc: (xen_virtio_restricted_mem_acc+0x0/0x230) idx=0\r\n"
	"xgstore: (__xa_store+0x0/0xbc) dev=\"a003e00.virtio_mmio\" domid=%s\r\n"
	"xgaccr: (virtio_dev_probe+0xe4/0x2a0 <- xen_virtio_restricted_mem_acc) ret=1\r\n"
	"xgalloc: (xen_grant_dma_alloc+0x0/0x108) dev=\"a003e00.virtio_mmio\" size=8192\r\n"
	"xgref: (gnttab_grant_foreign_access_ref+0x0/0x2c) ref=8 domid=%s frame=0x60850 ro=0\r\n"
	"xgref: (gnttab_grant_foreign_access_ref+0x0/0x2c) ref=9 domid=%s frame=0x60851 ro=0\r\n"
	"xgmap: (xen_grant_dma_map_page+0x0/0x104) dev=\"a003e00.virtio_mmio\" off=6144 size=4096 dir=1\r\n"
	"xgref: (gnttab_grant_foreign_access_ref+0x0/0x2c) ref=10 domid=%s frame=0x61001 ro=1\r\n"
	"xgref: (gnttab_grant_foreign_access_ref+0x0/0x2c) ref=11 domid=%s frame=0x61002 ro=%s\r\n"
	"xgmapr: (dma_map_page_attrs+0x58/0x188 <- xen_grant_dma_map_page) ret=0x800000000000a800\r\n"
	"xgacc: (xen_virtio_restricted_mem_acc+0x0/0x230) idx=1\r\n"
	"xgaccr: (virtio_dev_probe+0xe4/0x2a0 <- xen_virtio_restricted_mem_acc) ret=0\r\n"
	"DMT virtio virtio0 index=0 parent=a003e00.virtio_mmio driver=virtio_rng\r\n"
	"DMT virtio virtio1 index=1 parent=a003c00.virtio_mmio driver=virtio_rng\r\n";

static void console(char *out, size_t len, const char *stored, const char *ro)
{
	snprintf(out, len, console_fmt, stored, stored, stored, stored, stored, ro);
}

static const struct replay_check *find_check(const struct replay_checks *cs, const char *what)
{
	for (size_t i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].what, what) == 0)
			return &cs->c[i];
	fail_msg("no check '%s'", what);
	return NULL;
}

/* Parse console text and judge it on dom0_tree(). */
static void judge(const char *text, struct replay_checks *cs)
{
	struct replay_xen_obs *x = calloc(1, sizeof(*x));
	struct dmt_vector *v = calloc(1, sizeof(*v));
	size_t len;
	uint8_t *fdt = dom0_tree(&len);

	assert_non_null(x);
	assert_non_null(v);
	assert_non_null(fdt);
	replay_xen_parse(text, strlen(text), x);
	replay_xen_compare(x, fdt, len, v, cs);
	free(fdt);
	free(v);
	free(x);
}

static void test_parse(void **state)
{
	struct replay_xen_obs *x = calloc(1, sizeof(*x));
	char text[4096];

	(void)state;
	assert_non_null(x);
	console(text, sizeof(text), "1", "1");
	replay_xen_parse(text, strlen(text), x);
	assert_true(x->xen_seen);
	assert_true(x->dom0_loaded);
	assert_int_equal(x->nvirtio, 2);
	assert_string_equal(x->virtio[0].parent, "a003e00.virtio_mmio");
	assert_string_equal(x->virtio[0].driver, "virtio_rng");
	assert_true(x->virtio[0].listed && x->virtio[0].probed && x->virtio[0].have_ret);
	assert_int_equal(x->virtio[0].ret, 1);
	assert_true(x->virtio[0].stored);
	assert_int_equal(x->virtio[0].domid, 1);
	assert_int_equal(x->virtio[1].ret, 0);
	assert_false(x->virtio[1].stored);
	assert_int_equal(x->nmaps, 2);
	assert_true(x->map[0].alloc);
	assert_int_equal(x->map[0].ngrants, 2);
	assert_false(x->map[1].alloc);
	assert_int_equal(x->map[1].offset, 0x1800);
	assert_int_equal(x->map[1].dir, 1);
	assert_int_equal(x->map[1].ngrants, 2);
	assert_int_equal(x->map[1].grant[1].frame, 0x61002);
	assert_true(x->map[1].have_dma);
	assert_int_equal(x->map[1].dma, 0x800000000000a800ull);
	assert_int_equal(x->stray_grants, 0);
	free(x);
}

static void test_agrees(void **state)
{
	struct replay_checks cs = { 0 };
	char text[4096];

	(void)state;
	console(text, sizeof(text), "1", "1");
	judge(text, &cs);
	assert_int_equal(find_check(&cs, "domid a003e00.virtio_mmio")->status, REPLAY_PASS);
	assert_int_equal(find_check(&cs, "domid a003c00.virtio_mmio")->status, REPLAY_PASS);
	assert_int_equal(find_check(&cs, "grants a003e00.virtio_mmio")->status, REPLAY_PASS);
	assert_non_null(strstr(find_check(&cs, "domid a003c00.virtio_mmio")->diag,
			       "reference: none (GrantCannotParseIommus)"));
	replay_checks_free(&cs);
}

static void test_wrong_domid(void **state)
{
	struct replay_checks cs = { 0 };
	char text[4096];
	const struct replay_check *c;

	(void)state;
	console(text, sizeof(text), "3", "1");
	judge(text, &cs);
	c = find_check(&cs, "domid a003e00.virtio_mmio");
	assert_int_equal(c->status, REPLAY_FAIL);
	assert_non_null(strstr(c->diag, "kernel: domid 3; reference: domid 1"));
	/* the grants went to 3 as well: the model writes domid 1 */
	assert_int_equal(find_check(&cs, "grants a003e00.virtio_mmio")->status, REPLAY_FAIL);
	replay_checks_free(&cs);
}

static void test_map_read_write_flag(void **state)
{
	struct replay_checks cs = { 0 };
	char text[4096];
	const struct replay_check *c;

	(void)state;
	/* a DMA_TO_DEVICE map whose second grant is writable */
	console(text, sizeof(text), "1", "0");
	judge(text, &cs);
	c = find_check(&cs, "grants a003e00.virtio_mmio");
	assert_int_equal(c->status, REPLAY_FAIL);
	assert_non_null(strstr(c->diag, "grant 1: kernel ref 11 domid 1 frame 0x61002 ro=0; model"));
	replay_checks_free(&cs);
}

static void test_map_grant_missing(void **state)
{
	struct replay_checks cs = { 0 };
	char text[4096], *cut;
	const struct replay_check *c;

	(void)state;
	console(text, sizeof(text), "1", "1");
	/* offset 0x1800 + 0x1000 crosses a 4K boundary: 2 grants, the kernel wrote 1 */
	cut = strstr(text, "xgref: (gnttab_grant_foreign_access_ref+0x0/0x2c) ref=11");
	assert_non_null(cut);
	memmove(cut, strchr(cut, '\n') + 1, strlen(strchr(cut, '\n') + 1) + 1);
	judge(text, &cs);
	c = find_check(&cs, "grants a003e00.virtio_mmio");
	assert_int_equal(c->status, REPLAY_FAIL);
	assert_non_null(strstr(c->diag, "kernel 1 grant(s), model 2"));
	replay_checks_free(&cs);
}

static void test_nothing_observed(void **state)
{
	struct replay_checks cs = { 0 };

	(void)state;
	judge("DMT virtio virtio0 index=0 parent=a003e00.virtio_mmio driver=none\n", &cs);
	assert_int_equal(find_check(&cs, "domid a003e00.virtio_mmio")->status, REPLAY_ERROR);
	replay_checks_free(&cs);
	judge("nothing at all\n", &cs);
	assert_int_equal(find_check(&cs, "domid all")->status, REPLAY_ERROR);
	replay_checks_free(&cs);
}

/* QEMU's arm virt tree made into the Xen machine's. */
static void test_xen_dt(void **state)
{
	static const char vec[] =
		"cite t\nreplay xen-arm64\n"
		"replay-virtio-cmdline 0xa003c00\n"
		"dt-iommu xen /xen-grant-dma xen-grant\n"
		"node /virtio_mmio@a003e00 reg 0xa003e00\n"
		"iommus xen 0x2\n"
		"expect linux domid /virtio_mmio@a003e00 domid=2 dom0 force-grant\n";
	struct replay_xen_boot boot = { 0x500000, 0x200000, "console=dtuart", "console=hvc0" };
	struct dmt_vector *v = calloc(1, sizeof(*v));
	struct dmt_lang_error e;
	struct dtb_build b;
	uint8_t *q, *vdtb = NULL, *out = NULL;
	size_t qlen, vlen, olen;
	char log[2048], why[256] = "", args[2048];
	const fdt32_t *iommus;
	const char *s;
	int off, len;

	(void)state;
	assert_non_null(v);
	dtb_begin(&b, 0);
	dtb_u32(&b, "#address-cells", 2);
	dtb_u32(&b, "#size-cells", 2);
	dtb_node(&b, "virtio_mmio@a003e00");
	dtb_string(&b, "compatible", "virtio,mmio");
	dtb_end(&b);
	dtb_node(&b, "virtio_mmio@a003c00");
	dtb_string(&b, "compatible", "virtio,mmio");
	dtb_end(&b);
	dtb_node(&b, "chosen");
	dtb_string(&b, "stdout-path", "/pl011@9000000");
	dtb_end(&b);
	q = dtb_finish(&b, &qlen);
	assert_non_null(q);
	assert_int_equal(dmt_vector_parse(vec, strlen(vec), v, &e), 0);
	assert_int_equal(dmt_vector_input(v, DMT_FMT_DTB, &vdtb, &vlen, why, sizeof(why)), 0);
	assert_int_equal(replay_xen_dt(q, qlen, v, vdtb, vlen, &boot, &out, &olen, log, sizeof(log),
				       why, sizeof(why)), 0);
	/* the grant node, and iommus pointing at it with the vector's domid */
	off = fdt_path_offset(out, "/xen-grant-dma");
	assert_true(off >= 0);
	assert_int_equal(fdt_node_check_compatible(out, off, "xen,grant-dma"), 0);
	iommus = fdt_getprop(out, fdt_path_offset(out, "/virtio_mmio@a003e00"), "iommus", &len);
	assert_non_null(iommus);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(iommus[0]), fdt_get_phandle(out, off));
	assert_int_equal(fdt32_to_cpu(iommus[1]), 2);
	/* the command-line transport is hidden from Linux's DT driver */
	assert_int_not_equal(fdt_node_check_compatible(out, fdt_path_offset(out, "/virtio_mmio@a003c00"),
						       "virtio,mmio"), 0);
	/* Xen's modules */
	s = fdt_getprop(out, fdt_path_offset(out, "/chosen"), "xen,xen-bootargs", NULL);
	assert_string_equal(s, "console=dtuart");
	off = fdt_path_offset(out, "/chosen/module@49000000");
	assert_true(off >= 0);
	assert_int_equal(fdt_node_check_compatible(out, off, "multiboot,kernel"), 0);
	assert_string_equal(fdt_getprop(out, off, "bootargs", NULL), "console=hvc0");
	assert_true(fdt_path_offset(out, "/chosen/module@50000000") >= 0);
	/* dom0's command line declares the hidden transport: SPI 16 + 30 is INTID 78 */
	replay_xen_dom0_args(v, args, sizeof(args));
	assert_non_null(strstr(args, " virtio_mmio.device=0x200@0xa003c00:78"));
	assert_non_null(strstr(args, "p:xgstore,__xa_store,"));
	free(out);
	free(vdtb);
	free(q);
	dmt_vector_free(v);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_agrees),
		cmocka_unit_test(test_wrong_domid),
		cmocka_unit_test(test_map_read_write_flag),
		cmocka_unit_test(test_map_grant_missing),
		cmocka_unit_test(test_nothing_observed),
		cmocka_unit_test(test_xen_dt),
	};

	return cmocka_run_group_tests_name("replay_xen", tests, NULL, NULL);
}
