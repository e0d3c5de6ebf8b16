/* Differential/invariant: random sequences of grant operations straight on the
 * model (maps, unmaps and frees of addresses it handed out, allocs, backend maps
 * and unmaps), with the invariants checked after each call. The first bytes pick
 * the table size and the guest page size.
 *
 * After each call the refs it touched are checked (dmt_gnt_check_refs); the full
 * O(table) check runs after every FULL_EVERY-th call and at the end. A state broken elsewhere stays broken until a full check sees it, so
 * nothing is missed, only reported a few calls later; checking the whole table
 * after every call was most of this target's time. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_model.h"
#include "grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LIVE 64
#define FULL_EVERY 64

static void check_or_die(struct dmt_gnt *g, struct dmt_findings *f, unsigned step,
			 const struct dmt_gnt_result *r, unsigned op)
{
	bool full = step % FULL_EVERY == 0;

	if (full ? dmt_gnt_check(g, f) : dmt_gnt_check_refs(g, r->ref, r->n, f)) {
		fprintf(stderr, "grant model: invariant broken after op %u (call %u, %s check)\n", op,
			step, full ? "full" : "touched-refs");
		abort();
	}
}

struct live {
	uint64_t dma, size;
	bool alloc;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_bytes b = { data, size, 0 };
	struct live live[MAX_LIVE];
	size_t nlive = 0;
	struct dmt_gnt_config c;
	struct dmt_findings f;
	struct dmt_gnt g;
	bool broken = false;
	unsigned step = 0;

	dmt_gnt_default_config(&c);
	c.max_frames = 1 + (uint32_t)(fb_take(&b, 1) & 3);
	c.page_shift = (fb_take(&b, 1) & 1) ? 16 : 12;
	if (dmt_gnt_init(&g, &c) != DMT_GNT_OK)
		return 0;
	dmt_findings_init(&f);
	while (b.pos < b.n) {
		struct dmt_gnt_result r = { 0 };
		enum dmt_gnt_rc rc = DMT_GNT_OK;
		unsigned op = (unsigned)fb_take(&b, 1) % 6;
		size_t k = nlive ? (size_t)fb_take(&b, 1) % nlive : 0;

		switch (op) {
		case 0: case 1: {
			uint64_t pfn = fb_take(&b, 3), off = fb_take(&b, 2), sz = 1 + fb_take(&b, 2);
			enum dmt_dma_dir dir = (enum dmt_dma_dir)(fb_take(&b, 1) % 3);

			rc = op == 0 ? dmt_gnt_map(&g, pfn, off, sz, dir, &r, &f)
				     : dmt_gnt_alloc(&g, sz, UINT64_MAX, &r, &f);
			if (rc == DMT_GNT_OK && nlive < MAX_LIVE)
				live[nlive++] = (struct live){ r.dma, sz, op == 1 };
			break;
		}
		case 2:
			if (nlive) {
				rc = live[k].alloc ? dmt_gnt_free(&g, live[k].dma, live[k].size, &r, &f)
						   : dmt_gnt_unmap(&g, live[k].dma, live[k].size, &r, &f);
				if (rc == DMT_GNT_OK)
					live[k] = live[--nlive];
			}
			break;
		case 3: case 4:
			rc = op == 3 ? dmt_gnt_backend_map(&g, (uint32_t)fb_take(&b, 2), fb_take(&b, 1) & 1, &r, &f)
				     : dmt_gnt_backend_unmap(&g, (uint32_t)fb_take(&b, 2), &r, &f);
			break;
		default:
			if (nlive)	/* a stale or mangled address must be refused, not crash */
				rc = dmt_gnt_unmap(&g, live[k].dma ^ (fb_take(&b, 1) << 12), live[k].size, &r, &f);
			break;
		}
		(void)rc;	/* r names the refs a call touched, failed or not (zero: none) */
		check_or_die(&g, &f, ++step, &r, op);
		if (broken && !g.dev.broken) {
			fprintf(stderr, "grant model: a broken device came back\n");
			abort();
		}
		broken = g.dev.broken;
		if (f.count > 1024)
			dmt_findings_free(&f);
	}
	if (dmt_gnt_check(&g, &f)) {
		fprintf(stderr, "grant model: invariant broken at the end (%u calls)\n", step);
		abort();
	}
	dmt_findings_free(&f);
	dmt_gnt_free_all(&g);
	return 0;
}
