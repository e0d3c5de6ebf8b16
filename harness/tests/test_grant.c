/* Xen grant DMA: table model, DMA addresses, op scripts, backend domid, CLI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli.h"
#include "dtb_build.h"
#include "grant.h"

/* ---- helpers ------------------------------------------------------------- */

static void init_dev(struct dmt_gnt *g, uint16_t domid, unsigned page_shift, uint32_t frames)
{
	struct dmt_gnt_config c;

	dmt_gnt_default_config(&c);
	c.backend_domid = domid;
	c.page_shift = page_shift;
	c.max_frames = frames;
	assert_int_equal(dmt_gnt_init(g, &c), DMT_GNT_OK);
}

/* Everything a bad line must leave alone. */
struct snap {
	uint32_t nr_frames, size, free_count, free_head, last_free;
	int64_t tail;
	bool broken;
	size_t live;
	uint8_t *bytes;
};

static size_t live_maps(const struct dmt_gnt *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nmaps; i++)
		n += g->maps[i].live;
	return n;
}

static void take(const struct dmt_gnt *g, struct snap *s)
{
	size_t per = sizeof(uint32_t) + 1 + sizeof(struct dmt_gnt_entry) + 2 * sizeof(uint32_t);

	s->nr_frames = g->nr_frames;
	s->size = g->size;
	s->free_count = g->free_count;
	s->free_head = g->free_head;
	s->last_free = g->last_free;
	s->tail = g->tail;
	s->broken = g->dev.broken;
	s->live = live_maps(g);
	s->bytes = malloc(g->size * per);
	assert_non_null(s->bytes);
	memcpy(s->bytes, g->list, g->size * sizeof(uint32_t));
	memcpy(s->bytes + g->size * 4, g->free_bit, g->size);
	memcpy(s->bytes + g->size * 5, g->ent, g->size * sizeof(struct dmt_gnt_entry));
	memcpy(s->bytes + g->size * 13, g->pins, g->size * sizeof(uint32_t));
	memcpy(s->bytes + g->size * 17, g->wpins, g->size * sizeof(uint32_t));
}

static void assert_unchanged(const struct dmt_gnt *g, struct snap *s)
{
	struct snap now;

	take(g, &now);
	assert_int_equal(now.nr_frames, s->nr_frames);
	assert_int_equal(now.size, s->size);
	assert_int_equal(now.free_count, s->free_count);
	assert_int_equal(now.free_head, s->free_head);
	assert_int_equal(now.last_free, s->last_free);
	assert_true(now.tail == s->tail);
	assert_int_equal(now.broken, s->broken);
	assert_int_equal(now.live, s->live);
	assert_memory_equal(now.bytes, s->bytes, s->size * 21);
	free(now.bytes);
	free(s->bytes);
	s->bytes = NULL;
}

static void assert_invariants(struct dmt_gnt *g)
{
	struct dmt_findings f;

	dmt_findings_init(&f);
	if (dmt_gnt_check(g, &f)) {
		for (size_t i = 0; i < f.count; i++)
			print_error("invariant: %s\n", f.items[i].msg);
		fail();
	}
	dmt_findings_free(&f);
}

/* Run a script on a fresh default table; the output goes to *out (caller frees). */
struct ran {
	int rc;
	char *out;
	size_t outlen;
	struct dmt_findings f;
	struct dmt_gnt_script_stats st;
};

static void emit_mem(void *ctx, const char *line)
{
	fprintf((FILE *)ctx, "%s\n", line);
}

static void run_on(struct dmt_gnt *g, const char *script, struct ran *r)
{
	FILE *m = open_memstream(&r->out, &r->outlen);

	assert_non_null(m);
	dmt_findings_init(&r->f);
	r->rc = dmt_gnt_script_run((const uint8_t *)script, strlen(script), g, emit_mem, m,
				   &r->f, &r->st);
	fclose(m);
}

static void ran_free(struct ran *r)
{
	free(r->out);
	dmt_findings_free(&r->f);
}

static const struct dmt_finding *finding_with(const struct dmt_findings *f, enum dmt_label l)
{
	for (size_t i = 0; i < f->count; i++)
		if (f->items[i].label == l)
			return &f->items[i];
	return NULL;
}

/* xorshift64: fixed seeds, so every run tests the same sequences. */
static uint64_t xs(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* ---- DMA addresses --------------------------------------------------------- */

static void test_dma_encode_facts(void **state)
{
	struct dmt_gnt_dma d;

	(void)state;
	/* FACTS §4: (1 << 63) | (ref << 12) | offset-in-4K-page. */
	assert_true(dmt_gnt_dma_encode(8, 0x800) == 0x8000000000008800ull);
	assert_true(dmt_gnt_dma_encode(8, 0x1800) == 0x8000000000008800ull);
	assert_true(dmt_gnt_dma_encode(0xffffffffu, 0xfff) == 0x80000fffffffffffull);
	dmt_gnt_dma_decode(0x8000000000008800ull, &d);
	assert_true(d.top_bit);
	assert_int_equal(d.ref, 8);
	assert_int_equal(d.offset, 0x800);
}

static void test_dma_roundtrip_random(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 5000; i++) {
		struct dmt_gnt_dma d;
		uint32_t ref;
		uint64_t off;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ref = (uint32_t)x;
		off = x >> 20;
		dmt_gnt_dma_decode(dmt_gnt_dma_encode(ref, off), &d);
		assert_true(d.top_bit);
		assert_int_equal(d.ref, ref);
		assert_int_equal(d.offset, off & 0xfff);
	}
}

static void test_dma_lint(void **state)
{
	struct dmt_findings f;

	(void)state;
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_dma_lint(0x8000000000008800ull, 64, &f), 0);
	assert_int_equal(f.count, 0);
	assert_int_equal(dmt_gnt_dma_lint(0x8800, 64, &f), 1);
	assert_true(dmt_findings_has(&f, DMT_L_GrantDmaNoTopBit));
	dmt_findings_free(&f);

	for (uint64_t ref = 0; ref < 8; ref++) {
		dmt_findings_init(&f);
		assert_int_equal(dmt_gnt_dma_lint(dmt_gnt_dma_encode((uint32_t)ref, 0), 64, &f), 1);
		assert_true(dmt_findings_has(&f, DMT_L_GrantRefReserved));
		dmt_findings_free(&f);
	}
	/* 64 frames hold refs 0..0x7fff. */
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_dma_lint(dmt_gnt_dma_encode(0x7fff, 0), 64, &f), 0);
	assert_int_equal(dmt_gnt_dma_lint(dmt_gnt_dma_encode(0x8000, 0), 64, &f), 1);
	assert_true(dmt_findings_has(&f, DMT_L_GrantRefBeyondTable));
	dmt_findings_free(&f);
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_dma_lint(dmt_gnt_dma_encode(0x8000, 0), 65, &f), 0);
	/* A ref past 32 bits: Linux's grant_ref_t would truncate it. */
	assert_int_equal(dmt_gnt_dma_lint(0x8000100000000000ull, 1024, &f), 1);
	assert_true(dmt_findings_has(&f, DMT_L_GrantRefBeyondTable));
	dmt_findings_free(&f);
}

/* ---- map semantics ----------------------------------------------------------- */

static void test_map_issue_example(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 1, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 0x1000, 0x1800, 0x1000, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	assert_true(r.dma == 0x8000000000008800ull);
	assert_int_equal(r.ref, 8);
	assert_int_equal(r.n, 2);
	assert_int_equal(g.ent[8].frame, 0x1001);
	assert_int_equal(g.ent[9].frame, 0x1002);
	assert_int_equal(g.ent[8].flags, DMT_GTF_PERMIT_ACCESS | DMT_GTF_READONLY);
	assert_int_equal(g.ent[9].domid, 1);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

/* "Fix n_pages calculation": offset 0x800 + size 0x1000 straddles two grants. */
static void test_regress_fix_n_pages(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_gnt g;

	(void)state;
	assert_int_equal(dmt_gnt_npages(0x800, 0x1000), 2);
	/* The pre-fix formula PFN_UP(size) grants one page: the last 0x800 bytes
	 * of the buffer would be outside every grant. */
	assert_int_equal(dmt_gnt_npages_prefix_npages(0x800, 0x1000), 1);
	assert_true(0x800 + 0x1000 > dmt_gnt_npages_prefix_npages(0x800, 0x1000) * 0x1000);
	init_dev(&g, 0, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 0x2000, 0x800, 0x1000, DMT_DMA_FROM_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(g.ent[r.ref].frame, 0x2000);
	assert_int_equal(g.ent[r.ref + 1].frame, 0x2001);
	assert_int_equal(r.dma & 0xfff, 0x800);
	/* Unmap uses the same count from the address's low bits and frees both. */
	assert_int_equal(dmt_gnt_unmap(&g, r.dma, 0x1000, NULL, NULL), DMT_GNT_OK);
	assert_int_equal(g.free_count, DMT_GNT_PER_FRAME - DMT_GNT_NR_RESERVED);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

/* "Handle cases when page offset > PAGE_SIZE": offset 0x1800 starts in the
 * second 4K page: grants page+1, page+2 and the address keeps 0x800. */
static void test_regress_offset_past_page(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_gnt_dma d;
	struct dmt_gnt g;
	uint64_t pre_n, pre_dma;

	(void)state;
	init_dev(&g, 0, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 0x1000, 0x1800, 0x1000, DMT_DMA_BIDIRECTIONAL, &r, NULL),
			 DMT_GNT_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.frame0, 0x1001);
	assert_int_equal(g.ent[r.ref + 1].frame, 0x1002);
	assert_int_equal(r.dma & 0xfff, 0x800);
	/* Pre-fix: n = PFN_UP(offset + size) = 3 grants from the page start, and
	 * dma = grant_to_dma(ref) + offset, which decodes to ref + 1: the unmap then
	 * ends access on ref+1..ref+2 only and leaks ref. */
	pre_n = dmt_gnt_npages_prefix_offset(0x1800, 0x1000);
	assert_int_equal(pre_n, 3);
	assert_int_not_equal(pre_n, r.n);
	pre_dma = dmt_gnt_dma_encode(r.ref, 0) + 0x1800;
	dmt_gnt_dma_decode(pre_dma, &d);
	assert_int_not_equal(d.ref, r.ref);
	assert_int_equal(dmt_gnt_npages(pre_dma, 0x1000), 2);	/* unmap's count */
	/* The model refuses that address: no map returned it. */
	assert_int_equal(dmt_gnt_unmap(&g, pre_dma, 0x1000, NULL, NULL), DMT_GNT_ENOTMAPPED);
	assert_int_equal(dmt_gnt_unmap(&g, r.dma, 0x1000, NULL, NULL), DMT_GNT_OK);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_readonly_exactly_to_device(void **state)
{
	static const enum dmt_dma_dir dirs[] = {
		DMT_DMA_BIDIRECTIONAL, DMT_DMA_TO_DEVICE, DMT_DMA_FROM_DEVICE,
	};
	struct dmt_gnt_result r;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 3, 12, 64);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(dmt_gnt_map(&g, 0x100 + i, 0, 0x3000, dirs[i], &r, NULL), DMT_GNT_OK);
		for (uint32_t k = 0; k < r.n; k++)
			assert_int_equal(!!(g.ent[r.ref + k].flags & DMT_GTF_READONLY),
					 dirs[i] == DMT_DMA_TO_DEVICE);
	}
	/* alloc is never read-only. */
	assert_int_equal(dmt_gnt_alloc(&g, 0x1000, UINT64_MAX, &r, NULL), DMT_GNT_OK);
	assert_int_equal(r.flags, DMT_GTF_PERMIT_ACCESS);
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 1, DMT_DMA_NONE, &r, NULL), DMT_GNT_EINVAL);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_guest_64k(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_findings f;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 16, 64);
	/* page_to_xen_pfn = pfn * 16; the offset's 4K pages add on top. */
	assert_int_equal(dmt_gnt_map(&g, 0x10, 0x1800, 0x1000, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	assert_int_equal(r.frame0, 0x101);
	assert_int_equal(r.n, 2);
	assert_int_equal(g.ent[r.ref + 1].frame, 0x102);
	assert_int_equal(r.dma & 0xfff, 0x800);
	/* A whole 64K page takes 16 grants. */
	assert_int_equal(dmt_gnt_map(&g, 0x20, 0, 0x10000, DMT_DMA_FROM_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	assert_int_equal(r.n, 16);
	assert_int_equal(r.frame0, 0x200);
	assert_int_equal(g.ent[r.ref + 15].frame, 0x20f);
	/* alloc hands Linux's guest-page pfn to the grant: warned about. */
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_alloc(&g, 0x2000, 0x30, &r, &f), DMT_GNT_OK);
	assert_true(dmt_findings_has(&f, DMT_L_GrantAllocFrameUnits));
	assert_int_equal(r.frame0, 0x30);
	dmt_findings_free(&f);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_refs_reused_lifo(void **state)
{
	struct dmt_gnt_result a, b, c;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 0x2000, DMT_DMA_TO_DEVICE, &a, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_map(&g, 5, 0, 0x1000, DMT_DMA_TO_DEVICE, &b, NULL), DMT_GNT_OK);
	assert_int_equal(a.ref, 8);
	assert_int_equal(b.ref, 10);	/* single refs come off the head */
	assert_int_equal(dmt_gnt_unmap(&g, a.dma, 0x2000, NULL, NULL), DMT_GNT_OK);
	/* Freed last ref first: the head is now 8, then 9. */
	assert_int_equal(g.free_head, 8);
	assert_int_equal(g.list[8], 9);
	assert_int_equal(dmt_gnt_map(&g, 7, 0, 0x1000, DMT_DMA_TO_DEVICE, &c, NULL), DMT_GNT_OK);
	assert_int_equal(c.ref, 8);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

/* A run that does not fit the sorted tail: Linux rebuilds the list from the
 * bitmap and takes the first hole that is large enough. */
static void test_seq_rebuild_first_fit(void **state)
{
	struct dmt_gnt_result r[4], big;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 1);
	/* Fill the one frame but for a 3-ref hole at 8..10 and a 1-ref hole. */
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 3 * 0x1000, DMT_DMA_TO_DEVICE, &r[0], NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_map(&g, 2, 0, 0x1000, DMT_DMA_TO_DEVICE, &r[1], NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_map(&g, 3, 0, 0x1000, DMT_DMA_TO_DEVICE, &r[2], NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_map(&g, 4, 0, (512 - 13) * 0x1000ull, DMT_DMA_TO_DEVICE, &r[3], NULL),
			 DMT_GNT_OK);
	assert_int_equal(g.free_count, 0);
	assert_int_equal(dmt_gnt_unmap(&g, r[1].dma, 0x1000, NULL, NULL), DMT_GNT_OK);	/* ref 11 */
	assert_int_equal(dmt_gnt_unmap(&g, r[0].dma, 0x3000, NULL, NULL), DMT_GNT_OK);	/* 8..10 */
	assert_int_equal(g.free_count, 4);
	/* 8..11 are now one free run: a 4-ref map fits only after the rebuild. */
	assert_int_equal(dmt_gnt_map(&g, 9, 0, 0x4000, DMT_DMA_TO_DEVICE, &big, NULL), DMT_GNT_OK);
	assert_int_equal(big.ref, 8);
	assert_int_equal(g.free_count, 0);
	assert_int_equal(dmt_gnt_map(&g, 9, 0, 0x1000, DMT_DMA_TO_DEVICE, &big, NULL), DMT_GNT_ENOSPC);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_table_growth_and_limit(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_findings f;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 64);
	assert_int_equal(g.nr_frames, 1);
	assert_int_equal(dmt_gnt_map(&g, 0, 0, 600 * 0x1000ull, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	assert_int_equal(r.ref, 8);
	assert_int_equal(g.nr_frames, 2);
	/* 64 frames hold 32768 - 8 usable refs: one more than that can never fit. */
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_map(&g, 0, 0, (64 * 512 - 7) * 0x1000ull, DMT_DMA_TO_DEVICE,
				     &r, &f), DMT_GNT_ENOSPC);
	assert_true(dmt_findings_has(&f, DMT_L_GrantNoSpace));
	dmt_findings_free(&f);
	dmt_gnt_free_all(&g);

	init_dev(&g, 0, 12, 1);
	assert_int_equal(dmt_gnt_map(&g, 0, 0, 505 * 0x1000ull, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_ENOSPC);
	assert_int_equal(dmt_gnt_map(&g, 0, 0, 504 * 0x1000ull, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	assert_int_equal(g.nr_frames, 1);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_backend_holds_grant_breaks_device(void **state)
{
	struct dmt_gnt_result a, b, r;
	struct dmt_findings f;
	struct dmt_gnt g;
	uint32_t free_before;

	(void)state;
	init_dev(&g, 2, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 0x40, 0, 0x3000, DMT_DMA_FROM_DEVICE, &a, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_alloc(&g, 0x1000, UINT64_MAX, &b, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_backend_map(&g, a.ref + 1, true, &r, NULL), DMT_GNT_OK);
	assert_int_equal(r.flags, DMT_GTF_PERMIT_ACCESS | DMT_GTF_READING | DMT_GTF_WRITING);
	free_before = g.free_count;
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_unmap(&g, a.dma, 0x3000, &r, &f), DMT_GNT_EINUSE);
	assert_true(dmt_findings_has(&f, DMT_L_GrantStillInUse));
	dmt_findings_free(&f);
	assert_int_equal(r.bad_ref, a.ref + 1);
	assert_true(g.dev.broken);
	assert_int_equal(g.free_count, free_before);	/* nothing freed */
	assert_int_equal(g.ent[a.ref].flags, 0);	/* ended before the failing one */
	assert_int_not_equal(g.ent[a.ref + 2].flags, 0);	/* never reached */
	/* Broken for good: every DMA op fails, even after the backend lets go. */
	assert_int_equal(dmt_gnt_backend_unmap(&g, a.ref + 1, &r, NULL), DMT_GNT_OK);
	assert_int_equal(r.flags, DMT_GTF_PERMIT_ACCESS);
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 1, DMT_DMA_TO_DEVICE, &r, NULL), DMT_GNT_EBROKEN);
	assert_int_equal(dmt_gnt_alloc(&g, 1, UINT64_MAX, &r, NULL), DMT_GNT_EBROKEN);
	assert_int_equal(dmt_gnt_free(&g, b.dma, 0x1000, &r, NULL), DMT_GNT_EBROKEN);
	assert_int_equal(dmt_gnt_unmap(&g, a.dma, 0x3000, &r, NULL), DMT_GNT_EBROKEN);
	assert_true(g.dev.broken);
	assert_int_equal(g.free_count, free_before);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_free_with_backend_read_map(void **state)
{
	struct dmt_gnt_result a, r;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 64);
	assert_int_equal(dmt_gnt_alloc(&g, 0x2000, 0x500, &a, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_backend_map(&g, a.ref, false, &r, NULL), DMT_GNT_OK);
	assert_int_equal(r.flags, DMT_GTF_PERMIT_ACCESS | DMT_GTF_READING);
	assert_int_equal(dmt_gnt_free(&g, a.dma, 0x2000, &r, NULL), DMT_GNT_EINUSE);
	assert_true(g.dev.broken);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_backend_refusals(void **state)
{
	struct dmt_gnt_result a, r;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 64);
	assert_int_equal(dmt_gnt_backend_map(&g, 8, false, &r, NULL), DMT_GNT_EBACKEND);
	assert_int_equal(dmt_gnt_backend_map(&g, 100000, false, &r, NULL), DMT_GNT_EBACKEND);
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 1, DMT_DMA_TO_DEVICE, &a, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_backend_map(&g, a.ref, true, &r, NULL), DMT_GNT_EBACKEND);
	assert_int_equal(dmt_gnt_backend_unmap(&g, a.ref, &r, NULL), DMT_GNT_ENOTHELD);
	/* Released once the backend lets go: a normal unmap then frees. */
	assert_int_equal(dmt_gnt_backend_map(&g, a.ref, false, &r, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_backend_unmap(&g, a.ref, &r, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_unmap(&g, a.dma, 1, &r, NULL), DMT_GNT_OK);
	assert_false(g.dev.broken);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_bad_arguments_leave_model(void **state)
{
	struct dmt_gnt_result a, r;
	struct snap s;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 1, 0x10, 0x2000, DMT_DMA_TO_DEVICE, &a, NULL), DMT_GNT_OK);
	take(&g, &s);
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 0, DMT_DMA_TO_DEVICE, &r, NULL), DMT_GNT_EINVAL);
	assert_int_equal(dmt_gnt_map(&g, 1, 0xfff, UINT64_MAX - 0x10, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_EINVAL);
	assert_int_equal(dmt_gnt_map(&g, UINT64_MAX, 0x1000, 1, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_EINVAL);
	assert_int_equal(dmt_gnt_alloc(&g, 0, UINT64_MAX, &r, NULL), DMT_GNT_EINVAL);
	assert_int_equal(dmt_gnt_alloc(&g, UINT64_MAX, UINT64_MAX, &r, NULL), DMT_GNT_EINVAL);
	assert_int_equal(dmt_gnt_unmap(&g, a.dma, 0, &r, NULL), DMT_GNT_EINVAL);
	assert_int_equal(dmt_gnt_unmap(&g, a.dma + 0x1000, 0x2000, &r, NULL), DMT_GNT_ENOTMAPPED);
	assert_int_equal(dmt_gnt_unmap(&g, a.dma, 0x4000, &r, NULL), DMT_GNT_ESIZE);
	assert_int_equal(dmt_gnt_free(&g, a.dma, 0x2000, &r, NULL), DMT_GNT_ENOTMAPPED);
	assert_int_equal(dmt_gnt_map(&g, 1, 0, 0x1000ull << 40, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_ENOSPC);
	assert_unchanged(&g, &s);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_frame_truncation_warned(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_findings f;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 0, 12, 64);
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_map(&g, 0xffffffffull, 0, 0x2000, DMT_DMA_TO_DEVICE, &r, &f),
			 DMT_GNT_OK);
	assert_true(dmt_findings_has(&f, DMT_L_GrantFrameTruncated));
	assert_int_equal(g.ent[r.ref + 1].frame, 0);	/* 0x100000000 truncated */
	dmt_findings_free(&f);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

/* Each invariant can fail: corrupt a model by hand and watch the checker. */
static void test_invariants_catch_corruption(void **state)
{
	struct dmt_gnt_result a, b;
	struct dmt_findings f;
	struct dmt_gnt g;

	(void)state;
	for (int which = 0; which < 6; which++) {
		init_dev(&g, 1, 12, 64);
		assert_int_equal(dmt_gnt_map(&g, 1, 0, 0x2000, DMT_DMA_TO_DEVICE, &a, NULL), DMT_GNT_OK);
		assert_int_equal(dmt_gnt_map(&g, 9, 0, 0x1000, DMT_DMA_FROM_DEVICE, &b, NULL), DMT_GNT_OK);
		assert_invariants(&g);
		switch (which) {
		case 0:	/* a ref in two live mappings */
			g.maps[1].ref = a.ref + 1;
			g.maps[1].dma = dmt_gnt_dma_encode(a.ref + 1, 0);
			break;
		case 1:	/* read-only on a from-device map */
			g.ent[b.ref].flags |= DMT_GTF_READONLY;
			break;
		case 2:	/* a ref released twice */
			g.list[g.free_head] = g.free_head;
			break;
		case 3:	/* broken, then not */
			g.dev.broken = true;
			assert_invariants(&g);
			g.dev.broken = false;
			break;
		case 4:	/* the DMA address no longer decodes to the map's refs */
			g.maps[0].dma = dmt_gnt_dma_encode(a.ref + 5, 0);
			break;
		default: /* a frame that is not the one granted */
			g.ent[a.ref + 1].frame++;
			break;
		}
		dmt_findings_init(&f);
		assert_int_equal(dmt_gnt_check(&g, &f), -1);
		assert_true(dmt_findings_has(&f, DMT_L_GrantInvariant));
		dmt_findings_free(&f);
		/* The touched-refs check sees it too over both mappings' refs, except
		 * a free-list loop: only the full check walks the list. */
		g.was_broken = which == 3;
		dmt_findings_init(&f);
		assert_int_equal(dmt_gnt_check_refs(&g, a.ref < b.ref ? a.ref : b.ref,
						    (a.ref < b.ref ? b.ref + b.n - a.ref : a.ref + a.n - b.ref), &f),
				 which == 2 ? 0 : -1);
		dmt_findings_free(&f);
		dmt_gnt_free_all(&g);
	}
}

/* On a sound model the touched-refs check agrees with the full one, window by
 * window, including windows past the table's end. */
static void test_check_refs_clean(void **state)
{
	struct dmt_gnt_result a;
	struct dmt_gnt g;

	(void)state;
	init_dev(&g, 1, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 1, 0x800, 0x1000, DMT_DMA_TO_DEVICE, &a, NULL), DMT_GNT_OK);
	assert_int_equal(dmt_gnt_check_refs(&g, 0, g.size, NULL), 0);
	assert_int_equal(dmt_gnt_check_refs(&g, a.ref, a.n, NULL), 0);
	assert_int_equal(dmt_gnt_check_refs(&g, g.size - 1, 100, NULL), 0);
	assert_int_equal(dmt_gnt_check_refs(&g, UINT32_MAX, UINT32_MAX, NULL), 0);
	assert_invariants(&g);
	dmt_gnt_free_all(&g);
}

static void test_entry_layout_bytes(void **state)
{
	struct dmt_gnt_result r;
	struct dmt_gnt g;
	uint8_t b[8];
	static const uint8_t want[8] = { 0x05, 0x00, 0x07, 0x00, 0x01, 0x10, 0x00, 0x00 };

	(void)state;
	init_dev(&g, 7, 12, 64);
	assert_int_equal(dmt_gnt_map(&g, 0x1000, 0x1800, 0x1000, DMT_DMA_TO_DEVICE, &r, NULL),
			 DMT_GNT_OK);
	dmt_gnt_entry_bytes(&g, r.ref, b);
	assert_memory_equal(b, want, 8);
	assert_int_equal(dmt_grant_entry_v1_layout.size, 8);
	dmt_gnt_free_all(&g);
}

/* ---- scripts ------------------------------------------------------------------ */

static void test_parse_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(dmt_gnt_parse_u64("0x1800", 6, &v), 0);
	assert_int_equal(v, 0x1800);
	assert_int_equal(dmt_gnt_parse_u64("4096", 4, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(dmt_gnt_parse_u64("0xffffffffffffffff", 18, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(dmt_gnt_parse_u64("18446744073709551615", 20, &v), 0);
	assert_int_equal(dmt_gnt_parse_u64("18446744073709551616", 20, &v), -1);
	assert_int_equal(dmt_gnt_parse_u64("0x10000000000000000", 19, &v), -1);
	assert_int_equal(dmt_gnt_parse_u64("", 0, &v), -1);
	assert_int_equal(dmt_gnt_parse_u64("0x", 2, &v), -1);
	assert_int_equal(dmt_gnt_parse_u64("-1", 2, &v), -1);
	assert_int_equal(dmt_gnt_parse_u64("12a", 3, &v), -1);
	assert_int_equal(dmt_gnt_parse_u64("0x1g", 4, &v), -1);
}

static void test_script_issue_line(void **state)
{
	struct dmt_gnt g;
	struct ran r;

	(void)state;
	init_dev(&g, 0, 12, 64);
	run_on(&g, "device domid=1 page=4k frames=64\n"
		   "map pfn=0x1000 offset=0x1800 size=0x1000 dir=to-device\n", &r);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out,
		"map dma=0x8000000000008800 refs=8-9 frames=0x1001,0x1002 flags=0x5\n"));
	assert_int_equal(r.st.ops, 1);
	assert_int_equal(g.dev.backend_domid, 1);
	ran_free(&r);
	dmt_gnt_free_all(&g);
}

static void test_script_full_cycle(void **state)
{
	struct dmt_gnt g;
	struct ran r;

	(void)state;
	init_dev(&g, 0, 12, 64);
	run_on(&g, "# a comment\n\n"
		   "device domid=5 page=64k frames=2 guest=domu\n"
		   "map pfn=0x10 offset=0 size=0x1000 dir=bidirectional   # one grant\n"
		   "alloc size=0x1800 pfn=0x77\n"
		   "backend-map ref=9 ro\n"
		   "backend-unmap ref=9\n"
		   "free dma=0x8000000000009000 size=0x1800\n"
		   "unmap dma=0x8000000000008000 size=0x1000\n"
		   "expect-fail unmap dma=0x8000000000008000 size=0x1000\n", &r);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "map dma=0x8000000000008000 refs=8 frames=0x100 flags=0x1\n"));
	assert_non_null(strstr(r.out, "alloc dma=0x8000000000009000 refs=9-10 frames=0x77,0x78 flags=0x1\n"));
	assert_non_null(strstr(r.out, "backend-map ref=9 flags=0x9\n"));
	assert_non_null(strstr(r.out, "free dma=0x8000000000009000 refs=9-10 released\n"));
	assert_non_null(strstr(r.out, "unmap failed as expected: GrantNotMapped\n"));
	assert_true(dmt_findings_has(&r.f, DMT_L_GrantAllocFrameUnits));
	assert_int_equal(g.free_count, 512 - 8);
	ran_free(&r);
	dmt_gnt_free_all(&g);
}

static void test_script_unexpected(void **state)
{
	const struct dmt_finding *fi;
	struct dmt_gnt g;
	struct ran r;

	(void)state;
	init_dev(&g, 0, 12, 64);
	run_on(&g, "map pfn=1 offset=0 size=1 dir=to-device\n"
		   "expect-fail map pfn=1 offset=0 size=1 dir=to-device\n"
		   "unmap dma=0x8000000000001000 size=1\n", &r);
	assert_int_equal(r.rc, 1);
	assert_int_equal(r.st.unexpected_successes, 1);
	assert_int_equal(r.st.unexpected_failures, 1);
	fi = finding_with(&r.f, DMT_L_GrantUnexpectedSuccess);
	assert_non_null(fi);
	assert_non_null(strstr(fi->msg, "line 2:"));
	fi = finding_with(&r.f, DMT_L_GrantNotMapped);
	assert_non_null(fi);
	assert_non_null(strstr(fi->msg, "line 3:"));
	ran_free(&r);
	dmt_gnt_free_all(&g);
}

/* Every bad line: named by number, exit 1, model as it was. */
static void test_script_bad_lines(void **state)
{
	static const struct {
		const char *line;
		enum dmt_label label;
		const char *says;
	} bad[] = {
		{ "mapp pfn=1 offset=0 size=1 dir=to-device", DMT_L_GrantScriptSyntax, "unknown word" },
		{ "map pfn=1 offset=0 size=1 dir=to-device colour=red", DMT_L_GrantScriptSyntax, "unknown word" },
		{ "map pfn=1 offset=0 size=1", DMT_L_GrantScriptSyntax, "missing" },
		{ "map pfn= offset=0 size=1 dir=to-device", DMT_L_GrantScriptSyntax, "missing number" },
		{ "map pfn=0x10000000000000000 offset=0 size=1 dir=to-device", DMT_L_GrantScriptSyntax, "overflowing" },
		{ "map pfn=1 offset=0 size=1 dir=sideways", DMT_L_GrantScriptSyntax, "unknown value" },
		{ "map pfn=1 pfn=2 offset=0 size=1 dir=to-device", DMT_L_GrantScriptSyntax, "twice" },
		{ "backend-map ref=0x100000000", DMT_L_GrantScriptSyntax, "larger" },
		{ "backend-map ref=8 rw ro", DMT_L_GrantScriptSyntax, "twice" },
		{ "expect-fail", DMT_L_GrantScriptSyntax, "needs an operation" },
		{ "expect-fail backend-unmap ref=200\ndevice domid=2", DMT_L_GrantScriptSyntax, "line 3: device header after the first operation" },
		{ "device frames=0", DMT_L_GrantScriptSyntax, "frames" },
		{ "map pfn=1 offset=0 size=0 dir=to-device", DMT_L_GrantBadArgument, "zero" },
		{ "map pfn=1 offset=0xfff size=0xfffffffffffffff0 dir=to-device", DMT_L_GrantBadArgument, "address space" },
		{ "alloc size=0", DMT_L_GrantBadArgument, "zero" },
		{ "unmap dma=0x8000000000123000 size=0x1000", DMT_L_GrantNotMapped, "no live map" },
		{ "free dma=0x8000000000008000 size=0x1000", DMT_L_GrantNotMapped, "no live alloc" },
		{ "unmap dma=0x8000000000008000 size=0x5000", DMT_L_GrantSizeMismatch, "covers" },
		{ "backend-unmap ref=8", DMT_L_GrantBackendNotMapped, "does not map" },
		{ "map\tpfn=1 offset=0 size=1 dir=to-device \x01", DMT_L_GrantScriptSyntax, "unknown word '?'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct dmt_finding *fi;
		struct dmt_gnt g;
		struct snap s;
		struct ran r;
		char script[256];

		init_dev(&g, 0, 12, 64);
		run_on(&g, "map pfn=0x40 offset=0 size=0x2000 dir=to-device\n", &r);
		assert_int_equal(r.rc, 0);
		ran_free(&r);
		take(&g, &s);
		snprintf(script, sizeof(script), "# setup done\n%s\n", bad[i].line);
		run_on(&g, script, &r);
		if (r.rc != 1 || !(fi = finding_with(&r.f, bad[i].label)) ||
		    (!strstr(fi->msg, "line 2:") && !strstr(bad[i].line, "\n")) ||
		    !strstr(fi->msg, bad[i].says)) {
			print_error("case %zu '%s': rc %d, findings %zu, first '%s'\n", i, bad[i].line,
				    r.rc, r.f.count, r.f.count ? r.f.items[0].msg : "");
			fail();
		}
		assert_unchanged(&g, &s);
		ran_free(&r);
		dmt_gnt_free_all(&g);
	}
}

static void test_script_table_output(void **state)
{
	struct dmt_gnt g;
	struct ran r;
	FILE *m;
	char *out = NULL;
	size_t len = 0;

	(void)state;
	init_dev(&g, 1, 12, 64);
	run_on(&g, "map pfn=0x1000 offset=0x1800 size=0x1000 dir=to-device\n", &r);
	ran_free(&r);
	m = open_memstream(&out, &len);
	assert_non_null(m);
	dmt_gnt_emit_table(&g, emit_mem, m);
	fclose(m);
	assert_string_equal(out,
		"table frames=1/64 refs=512 free=502 live=1 backend=1 page=4k broken=no\n"
		"entry ref=8 flags=0x0005 domid=0x0001 frame=0x00001001\n"
		"entry ref=9 flags=0x0005 domid=0x0001 frame=0x00001002\n");
	free(out);
	dmt_gnt_free_all(&g);
}

/* Random scripts of valid-looking operations (and some noise): no crash, no
 * broken invariant, bounded memory, under ASan/UBSan in the clang build. */
static void test_script_random_smoke(void **state)
{
	static const char *const noise[] = {
		"", "", "", "", " rw", " ro", " x=1", " size=", " dir=up", " \x7f", "=", " pfn=0x",
	};
	static const char *const dirs[] = { "to-device", "from-device", "bidirectional" };
	uint64_t x = 0x243f6a8885a308d3ull;
	size_t invariant_failures = 0, ops = 0;

	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		char script[4096];
		size_t used = 0;
		struct dmt_gnt g;
		struct ran r;

		for (int line = 0; line < 16; line++) {
			uint64_t v = xs(&x), w = xs(&x);
			uint64_t ref = 8 + (w >> 50) % 24, size = 1 + (w >> 3) % 0x5000;
			const char *tail = noise[(v >> 60) % (sizeof(noise) / sizeof(noise[0]))];
			const char *ef = (v >> 20) % 9 == 0 ? "expect-fail " : "";

			switch (v % 6) {
			case 0:
			case 1:
				used += (size_t)snprintf(script + used, sizeof(script) - used,
					"%smap pfn=0x%llx offset=0x%llx size=0x%llx dir=%s%s\n", ef,
					(unsigned long long)((w >> 20) % 0x10000),
					(unsigned long long)((w >> 8) % 0x3000), (unsigned long long)size,
					dirs[(v >> 8) % 3], tail);
				break;
			case 2:
				used += (size_t)snprintf(script + used, sizeof(script) - used,
					"%salloc size=%llu%s\n", ef, (unsigned long long)size, tail);
				break;
			case 3:
				used += (size_t)snprintf(script + used, sizeof(script) - used,
					"%s%s dma=0x%llx size=0x%llx%s\n", ef, (v >> 9) & 1 ? "unmap" : "free",
					(unsigned long long)dmt_gnt_dma_encode((uint32_t)ref, (w >> 30) % 0x2000),
					(unsigned long long)size, tail);
				break;
			case 4:
				used += (size_t)snprintf(script + used, sizeof(script) - used,
					"%sbackend-map ref=%llu%s\n", ef, (unsigned long long)ref,
					(v >> 9) & 1 ? " rw" : "");
				break;
			default:
				used += (size_t)snprintf(script + used, sizeof(script) - used,
					"%sbackend-unmap ref=%llu%s\n", ef, (unsigned long long)ref, tail);
				break;
			}
		}
		init_dev(&g, 0, (x & 1) ? 16 : 12, 2);
		run_on(&g, script, &r);
		invariant_failures += r.st.invariant_failures;
		ops += r.st.ops;
		ran_free(&r);
		dmt_gnt_free_all(&g);
	}
	assert_int_equal(invariant_failures, 0);
	assert_true(ops > 20000);	/* most lines reach the model */
}

/* Random operation sequences on the model API, keeping the handles it returns so
 * that unmaps and frees mostly hit: every invariant must hold after every op. */
static void test_model_random_ops(void **state)
{
	uint64_t x = 0x452821e638d01377ull;
	size_t ok_ops = 0, broken_devs = 0;

	(void)state;
	for (int iter = 0; iter < 400; iter++) {
		struct { uint64_t dma, size; bool alloc; } h[32];
		size_t nh = 0;
		struct dmt_gnt g;

		init_dev(&g, (uint16_t)xs(&x), xs(&x) % 4 == 0 ? 16 : 12, 1 + (uint32_t)(xs(&x) % 3));
		for (int op = 0; op < 60; op++) {
			struct dmt_gnt_result r;
			enum dmt_gnt_rc rc = DMT_GNT_OK;
			uint64_t v = xs(&x), size = 1 + (v >> 8) % 0x9000, k = nh ? (v >> 40) % nh : 0;

			switch (v % 7) {
			case 0:
			case 1:
				rc = dmt_gnt_map(&g, (v >> 20) % 0x100000, (v >> 4) % 0x4000, size,
						 (enum dmt_dma_dir)((v >> 2) % 3), &r, NULL);
				if (rc == DMT_GNT_OK && nh < 32) {
					h[nh].dma = r.dma;
					h[nh].size = size;
					h[nh++].alloc = false;
				}
				break;
			case 2:
				rc = dmt_gnt_alloc(&g, size, UINT64_MAX, &r, NULL);
				if (rc == DMT_GNT_OK && nh < 32) {
					h[nh].dma = r.dma;
					h[nh].size = size;
					h[nh++].alloc = true;
				}
				break;
			case 3:
			case 4:
				if (!nh)
					break;
				rc = h[k].alloc ? dmt_gnt_free(&g, h[k].dma, h[k].size, &r, NULL)
						: dmt_gnt_unmap(&g, h[k].dma, h[k].size, &r, NULL);
				if (rc == DMT_GNT_OK)
					h[k] = h[--nh];
				break;
			case 5:
				rc = dmt_gnt_backend_map(&g, (uint32_t)((v >> 9) % (g.size + 4)), (v >> 5) & 1,
							 &r, NULL);
				break;
			default:
				rc = dmt_gnt_backend_unmap(&g, (uint32_t)((v >> 9) % (g.size + 4)), &r, NULL);
				break;
			}
			ok_ops += rc == DMT_GNT_OK;
			assert_invariants(&g);
		}
		broken_devs += g.dev.broken;
		dmt_gnt_free_all(&g);
	}
	/* The sequences must exercise the model, breaking some devices on the way. */
	assert_true(ok_ops > 5000);
	assert_true(broken_devs > 10);
	assert_true(broken_devs < 400);
}

/* Raw random bytes as a script: must never crash and must report syntax. */
static void test_script_random_bytes(void **state)
{
	uint64_t x = 0x13198a2e03707344ull;

	(void)state;
	for (int iter = 0; iter < 2000; iter++) {
		uint8_t buf[300];
		struct dmt_findings f;
		struct dmt_gnt_script_stats st;
		struct dmt_gnt g;
		size_t len = (size_t)(x % sizeof(buf));

		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		x += 0x9e3779b97f4a7c15ull;
		init_dev(&g, 0, 12, 2);
		dmt_findings_init(&f);
		(void)dmt_gnt_script_run(buf, len, &g, NULL, NULL, &f, &st);
		assert_int_equal(st.invariant_failures, 0);
		dmt_findings_free(&f);
		dmt_gnt_free_all(&g);
	}
}

/* ---- backend domid ------------------------------------------------------------- */

/* A guest DT: a xen,grant-dma node (phandle 1), a virtio-iommu (phandle 2),
 * platform devices, and a host bridge with the FACTS §4 iommu-map. */
static uint8_t *build_dt(size_t *len, bool with_mask, uint32_t xen_cells)
{
	struct dtb_build b;

	dtb_begin(&b, 0);
	dtb_u32(&b, "#address-cells", 2);
	dtb_u32(&b, "#size-cells", 2);
	dtb_node(&b, "xen-grant-dma");
	dtb_string(&b, "compatible", "xen,grant-dma");
	dtb_u32(&b, "#iommu-cells", xen_cells);
	dtb_u32(&b, "phandle", 1);
	dtb_end(&b);
	dtb_node(&b, "viommu");
	dtb_string(&b, "compatible", "virtio,mmio");
	dtb_u32(&b, "#iommu-cells", 1);
	dtb_u32(&b, "phandle", 2);
	dtb_end(&b);
	dtb_node(&b, "virtio@2000000");
	dtb_cells_lit(&b, "reg", 0, 0x2000000, 0, 0x200);
	if (xen_cells == 1)
		dtb_cells_lit(&b, "iommus", 1, 5);
	else
		dtb_cells_lit(&b, "iommus", 1, 5, 6);
	dtb_end(&b);
	dtb_node(&b, "virtio@2000200");
	dtb_cells_lit(&b, "reg", 0, 0x2000200, 0, 0x200);
	dtb_cells_lit(&b, "iommus", 2, 7);
	dtb_end(&b);
	dtb_node(&b, "virtio@2000400");
	dtb_cells_lit(&b, "reg", 0, 0x2000400, 0, 0x200);
	dtb_end(&b);
	dtb_node(&b, "virtio@2000600");
	dtb_cells_lit(&b, "reg", 0, 0x2000600, 0, 0x200);
	dtb_cells_lit(&b, "iommus", 1, 0x10005);
	dtb_end(&b);
	dtb_node(&b, "pcie@10000000");
	dtb_string(&b, "device_type", "pci");
	dtb_u32(&b, "#address-cells", 3);
	dtb_u32(&b, "#size-cells", 2);
	dtb_cells_lit(&b, "reg", 0, 0x10000000, 0, 0x1000000);
	dtb_cells_lit(&b, "iommu-map", 0x08, 1, 0x01, 0x08, 0x10, 1, 0x02, 0x08);
	if (with_mask)
		dtb_u32(&b, "iommu-map-mask", 0xfff8);
	dtb_end(&b);
	return dtb_finish(&b, len);
}

static void expect_domid(const uint8_t *dtb, size_t len, const char *dev,
			 const struct dmt_gnt_guest *gu, int domid, enum dmt_label reason)
{
	struct dmt_gnt_domid a;
	struct dmt_device d;

	assert_int_equal(dmt_device_parse(dev, &d), 0);
	assert_int_equal(dmt_gnt_domid_dtb(dtb, len, &d, gu, &a, NULL), 0);
	if (domid >= 0) {
		if (!a.found || a.domid != domid) {
			print_error("%s: found %d domid %u reason %s, want domid %d\n", dev, a.found,
				    a.domid, dmt_label_name(a.reason), domid);
			fail();
		}
	} else if (a.found || a.reason != reason) {
		print_error("%s: found %d domid %u reason %s, want none %s\n", dev, a.found,
			    a.domid, dmt_label_name(a.reason), dmt_label_name(reason));
		fail();
	}
}

static void test_domid_pci_facts_example(void **state)
{
	struct dmt_gnt_guest gu = { 0 };
	uint8_t *dtb;
	size_t len;

	(void)state;
	dtb = build_dt(&len, false, 1);
	assert_non_null(dtb);
	expect_domid(dtb, len, "0000:00:01.0", &gu, 1, DMT_L_NONE);	/* RID 0x08 */
	expect_domid(dtb, len, "00:02.0", &gu, 2, DMT_L_NONE);	/* RID 0x10 */
	expect_domid(dtb, len, "00:01.1", &gu, 2, DMT_L_NONE);	/* RID 0x09, linear */
	expect_domid(dtb, len, "00:03.0", &gu, -1, DMT_L_GrantIncompatibleIommu);	/* RID 0x18 */
	/* A device on another segment has no host bridge node: the no-DT rules. */
	expect_domid(dtb, len, "0001:00:01.0", &gu, -1, DMT_L_GrantNoBackendNotForced);
	free(dtb);
	dtb = build_dt(&len, true, 1);
	assert_non_null(dtb);
	expect_domid(dtb, len, "00:01.1", &gu, 1, DMT_L_NONE);	/* masked to 0x08 */
	free(dtb);
}

static void test_domid_platform(void **state)
{
	struct dmt_gnt_guest gu = { 0 };
	struct dmt_findings f;
	struct dmt_gnt_domid a;
	struct dmt_device d;
	uint8_t *dtb;
	size_t len;

	(void)state;
	dtb = build_dt(&len, false, 1);
	assert_non_null(dtb);
	expect_domid(dtb, len, "/virtio@2000000", &gu, 5, DMT_L_NONE);
	expect_domid(dtb, len, "mmio:0x2000000", &gu, 5, DMT_L_NONE);
	expect_domid(dtb, len, "/virtio@2000200", &gu, -1, DMT_L_GrantIncompatibleIommu);
	expect_domid(dtb, len, "/virtio@2000400", &gu, -1, DMT_L_GrantCannotParseIommus);
	/* A node that exists but that the decoder keeps nothing of. */
	expect_domid(dtb, len, "/viommu", &gu, -1, DMT_L_GrantCannotParseIommus);
	/* No such node: no DT node at all, so the no-DT rules apply. */
	expect_domid(dtb, len, "/nothing", &gu, -1, DMT_L_GrantNoBackendNotForced);
	/* domid_t is 16 bits: 0x10005 becomes 5, with a warning. */
	assert_int_equal(dmt_device_parse("/virtio@2000600", &d), 0);
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_domid_dtb(dtb, len, &d, &gu, &a, &f), 0);
	assert_true(a.found);
	assert_int_equal(a.domid, 5);
	assert_true(dmt_findings_has(&f, DMT_L_GrantDomidTruncated));
	dmt_findings_free(&f);
	free(dtb);
}

static void test_domid_cells(void **state)
{
	struct dmt_gnt_guest gu = { 0 };
	struct dmt_findings f;
	struct dmt_gnt_domid a;
	struct dmt_device d;
	uint8_t *dtb;
	size_t len;

	(void)state;
	dtb = build_dt(&len, false, 2);
	assert_non_null(dtb);
	/* Platform: two cells is "Incompatible IOMMU node". */
	expect_domid(dtb, len, "/virtio@2000000", &gu, -1, DMT_L_GrantIncompatibleIommu);
	/* PCI: Linux presets args_count to 1 and never looks at #iommu-cells. */
	assert_int_equal(dmt_device_parse("00:02.0", &d), 0);
	dmt_findings_init(&f);
	assert_int_equal(dmt_gnt_domid_dtb(dtb, len, &d, &gu, &a, &f), 0);
	assert_true(a.found);
	assert_int_equal(a.domid, 2);
	assert_true(dmt_findings_has(&f, DMT_L_GrantCellsUnchecked));
	dmt_findings_free(&f);
	free(dtb);
}

static void test_domid_no_dt_rules(void **state)
{
	static const struct {
		struct dmt_gnt_guest gu;
		int domid;
		enum dmt_label reason;
	} cases[] = {
		{ { false, false, false, false }, -1, DMT_L_GrantNoBackendNotForced },
		{ { false, true, false, false }, 0, DMT_L_NONE },
		{ { false, false, true, false }, 0, DMT_L_NONE },
		{ { true, true, false, false }, -1, DMT_L_GrantNoBackendInDom0 },
		{ { true, false, true, false }, -1, DMT_L_GrantNoBackendInDom0 },
		{ { true, true, false, true }, 0, DMT_L_NONE },	/* before the 2026 fix */
		{ { true, false, false, true }, -1, DMT_L_GrantNoBackendNotForced },
	};
	struct dmt_topo t;
	struct dmt_device d;

	(void)state;
	dmt_topo_init(&t);
	t.format = DMT_FMT_DTB;
	assert_int_equal(dmt_device_parse("00:01.0", &d), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dmt_gnt_domid a;

		assert_int_equal(dmt_gnt_domid(&t, &d, false, &cases[i].gu, &a, NULL), 0);
		assert_int_equal(a.found, cases[i].domid >= 0);
		if (cases[i].domid >= 0) {
			assert_int_equal(a.domid, cases[i].domid);
			assert_false(a.from_dt);
		} else {
			assert_int_equal(a.reason, cases[i].reason);
		}
	}
	dmt_topo_free(&t);
}

static void test_domid_no_map_and_bad_map(void **state)
{
	struct dmt_gnt_guest gu = { 0 };
	struct dtb_build b;
	uint8_t *dtb;
	size_t len;

	(void)state;
	dtb_begin(&b, 0);
	dtb_node(&b, "xen");
	dtb_string(&b, "compatible", "xen,grant-dma");
	dtb_u32(&b, "#iommu-cells", 1);
	dtb_u32(&b, "phandle", 1);
	dtb_end(&b);
	dtb_node(&b, "pcie@0");
	dtb_string(&b, "device_type", "pci");
	dtb_cells_lit(&b, "bus-range", 0, 0x7f);
	dtb_end(&b);
	dtb_node(&b, "pcie@1");
	dtb_string(&b, "device_type", "pci");
	dtb_u32(&b, "linux,pci-domain", 1);
	dtb_cells_lit(&b, "iommu-map", 0x100, 1, 0, 0x100);
	dtb_u32(&b, "iommu-map-mask", 0xff);
	dtb_end(&b);
	dtb = dtb_finish(&b, &len);
	assert_non_null(dtb);
	/* Host bridge without iommu-map: of_map_id -ENODEV → -ESRCH. */
	expect_domid(dtb, len, "0000:00:02.0", &gu, -1, DMT_L_GrantCannotTranslateId);
	/* rid-base 0x100 has bits outside the mask: -EFAULT → -ESRCH. */
	expect_domid(dtb, len, "0001:01:00.0", &gu, -1, DMT_L_GrantCannotTranslateId);
	free(dtb);
}

/* ---- CLI ------------------------------------------------------------------------- */

struct cli_out {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
};

static void cli(struct cli_out *c, int argc, const char **argv)
{
	FILE *o = open_memstream(&c->out, &c->outlen);
	FILE *e = open_memstream(&c->err, &c->errlen);

	assert_non_null(o);
	assert_non_null(e);
	c->rc = cmd_grant(argc, (char **)argv, o, e);
	fclose(o);
	fclose(e);
}

static void cli_free(struct cli_out *c)
{
	free(c->out);
	free(c->err);
}

static void test_cli_encode_decode(void **state)
{
	struct cli_out c;

	(void)state;
	cli(&c, 4, (const char *[]){ "grant", "encode", "8", "0x800", NULL });
	assert_int_equal(c.rc, 0);
	assert_string_equal(c.out, "0x8000000000008800\n");
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "encode", "0x10", NULL });
	assert_string_equal(c.out, "0x8000000000010000\n");
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "encode", "0x100000000", NULL });
	assert_int_equal(c.rc, 2);
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "decode", "0x8000000000008800", NULL });
	assert_int_equal(c.rc, 0);
	assert_string_equal(c.out, "ref=0x8 offset=0x800\n");
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "decode", "0x8800", NULL });
	assert_int_equal(c.rc, 1);
	assert_non_null(strstr(c.out, "GrantDmaNoTopBit"));
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "decode", "0x8000000000003000", NULL });
	assert_int_equal(c.rc, 1);
	assert_non_null(strstr(c.out, "GrantRefReserved"));
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "decode", "0x8000000008000000", NULL });
	assert_int_equal(c.rc, 1);
	assert_non_null(strstr(c.out, "GrantRefBeyondTable"));
	cli_free(&c);
	cli(&c, 5, (const char *[]){ "grant", "decode", "--frames", "1024", "0x8000000008000000", NULL });
	assert_int_equal(c.rc, 0);
	cli_free(&c);
	cli(&c, 3, (const char *[]){ "grant", "decode", "banana", NULL });
	assert_int_equal(c.rc, 2);
	cli_free(&c);
}

static void test_cli_help(void **state)
{
	static const char *const subs[] = { "encode", "decode", "run", "domid" };
	struct cli_out c;

	(void)state;
	cli(&c, 2, (const char *[]){ "grant", "--help", NULL });
	assert_int_equal(c.rc, 0);
	assert_non_null(strstr(c.out, "usage: dmatopo grant"));
	cli_free(&c);
	for (size_t i = 0; i < 4; i++) {
		cli(&c, 3, (const char *[]){ "grant", subs[i], "--help", NULL });
		assert_int_equal(c.rc, 0);
		assert_non_null(strstr(c.out, subs[i]));
		assert_non_null(strstr(c.out, "usage:"));
		cli_free(&c);
	}
	cli(&c, 2, (const char *[]){ "grant", "frobnicate", NULL });
	assert_int_equal(c.rc, 2);
	cli_free(&c);
	cli(&c, 1, (const char *[]){ "grant", NULL });
	assert_int_equal(c.rc, 2);
	cli_free(&c);
}

static char *write_temp(const void *data, size_t len)
{
	char *path = strdup("/tmp/dmt-grant-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_cli_run(void **state)
{
	static const char ok[] = "device domid=1\nmap pfn=0x1000 offset=0x1800 size=0x1000 dir=to-device\n";
	static const char bad[] = "map pfn=1 offset=0 size=1 dir=to-device\nunmap dma=0x8000000000001000 size=1\n";
	struct cli_out c;
	char *p;

	(void)state;
	p = write_temp(ok, sizeof(ok) - 1);
	cli(&c, 3, (const char *[]){ "grant", "run", p, NULL });
	assert_int_equal(c.rc, 0);
	assert_non_null(strstr(c.out, "map dma=0x8000000000008800 refs=8-9 frames=0x1001,0x1002 flags=0x5\n"));
	assert_non_null(strstr(c.out, "entry ref=9 flags=0x0005 domid=0x0001 frame=0x00001002\n"));
	cli_free(&c);
	unlink(p);
	free(p);
	p = write_temp(bad, sizeof(bad) - 1);
	cli(&c, 3, (const char *[]){ "grant", "run", p, NULL });
	assert_int_equal(c.rc, 1);
	assert_non_null(strstr(c.err, "GrantNotMapped"));
	assert_non_null(strstr(c.err, "line 2:"));
	cli_free(&c);
	unlink(p);
	free(p);
	cli(&c, 3, (const char *[]){ "grant", "run", "/nonexistent/script", NULL });
	assert_int_equal(c.rc, 2);
	cli_free(&c);
}

static void test_cli_domid(void **state)
{
	struct cli_out c;
	uint8_t *dtb;
	size_t len;
	char *p;

	(void)state;
	dtb = build_dt(&len, false, 1);
	assert_non_null(dtb);
	p = write_temp(dtb, len);
	free(dtb);
	cli(&c, 7, (const char *[]){ "grant", "domid", p, "00:01.0", "00:03.0", "/virtio@2000000",
				     "/nothing", NULL });
	assert_int_equal(c.rc, 0);
	assert_string_equal(c.out,
		"00:01.0 domid=1\n"
		"00:03.0 none reason=GrantIncompatibleIommu\n"
		"/virtio@2000000 domid=5\n"
		"/nothing none reason=GrantNoBackendNotForced\n");
	cli_free(&c);
	cli(&c, 5, (const char *[]){ "grant", "domid", "--force-grant", p, "/nothing", NULL });
	assert_string_equal(c.out, "/nothing domid=0\n");
	cli_free(&c);
	cli(&c, 6, (const char *[]){ "grant", "domid", "--force-grant", "--dom0", p, "/nothing", NULL });
	assert_string_equal(c.out, "/nothing none reason=GrantNoBackendInDom0\n");
	cli_free(&c);
	cli(&c, 4, (const char *[]){ "grant", "domid", p, "zz:zz", NULL });
	assert_int_equal(c.rc, 2);
	cli_free(&c);
	unlink(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_encode_facts),
		cmocka_unit_test(test_dma_roundtrip_random),
		cmocka_unit_test(test_dma_lint),
		cmocka_unit_test(test_map_issue_example),
		cmocka_unit_test(test_regress_fix_n_pages),
		cmocka_unit_test(test_regress_offset_past_page),
		cmocka_unit_test(test_readonly_exactly_to_device),
		cmocka_unit_test(test_guest_64k),
		cmocka_unit_test(test_refs_reused_lifo),
		cmocka_unit_test(test_seq_rebuild_first_fit),
		cmocka_unit_test(test_table_growth_and_limit),
		cmocka_unit_test(test_backend_holds_grant_breaks_device),
		cmocka_unit_test(test_free_with_backend_read_map),
		cmocka_unit_test(test_backend_refusals),
		cmocka_unit_test(test_bad_arguments_leave_model),
		cmocka_unit_test(test_frame_truncation_warned),
		cmocka_unit_test(test_invariants_catch_corruption),
		cmocka_unit_test(test_check_refs_clean),
		cmocka_unit_test(test_entry_layout_bytes),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_script_issue_line),
		cmocka_unit_test(test_script_full_cycle),
		cmocka_unit_test(test_script_unexpected),
		cmocka_unit_test(test_script_bad_lines),
		cmocka_unit_test(test_script_table_output),
		cmocka_unit_test(test_script_random_smoke),
		cmocka_unit_test(test_model_random_ops),
		cmocka_unit_test(test_script_random_bytes),
		cmocka_unit_test(test_domid_pci_facts_example),
		cmocka_unit_test(test_domid_platform),
		cmocka_unit_test(test_domid_cells),
		cmocka_unit_test(test_domid_no_dt_rules),
		cmocka_unit_test(test_domid_no_map_and_bad_map),
		cmocka_unit_test(test_cli_encode_decode),
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_run),
		cmocka_unit_test(test_cli_domid),
	};

	return cmocka_run_group_tests_name("grant", tests, NULL, NULL);
}
