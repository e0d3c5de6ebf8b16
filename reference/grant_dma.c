/* Grant DMA addresses: what grant_to_dma and dma_to_grant in grant-dma-ops.c make
 * of a ref, and what can be wrong with an address that claims to be one. */
#include "grant.h"

uint64_t dmt_gnt_dma_encode(uint32_t ref, uint64_t offset)
{
	return DMT_GNT_DMA_BIT | (uint64_t)ref << DMT_GNT_SHIFT |
	       (offset & (DMT_GNT_SIZE - 1));
}

void dmt_gnt_dma_decode(uint64_t dma, struct dmt_gnt_dma *d)
{
	d->top_bit = (dma & DMT_GNT_DMA_BIT) != 0;
	d->ref = (dma & ~DMT_GNT_DMA_BIT) >> DMT_GNT_SHIFT;
	d->offset = (uint32_t)(dma & (DMT_GNT_SIZE - 1));
}

size_t dmt_gnt_dma_lint(uint64_t dma, uint32_t max_frames, struct dmt_findings *f)
{
	uint64_t limit = (uint64_t)max_frames * DMT_GNT_PER_FRAME;
	struct dmt_gnt_dma d;
	size_t errors = 0;

	dmt_gnt_dma_decode(dma, &d);
	if (!d.top_bit) {
		dmt_report(f, DMT_L_GrantDmaNoTopBit, DMT_NO_OFFSET,
			   "0x%016llx lacks bit 63: not a grant address",
			   (unsigned long long)dma);
		errors++;
	}
	if (d.ref < DMT_GNT_NR_RESERVED) {
		dmt_report(f, DMT_L_GrantRefReserved, DMT_NO_OFFSET,
			   "ref 0x%llx is one of the %u reserved refs", (unsigned long long)d.ref,
			   DMT_GNT_NR_RESERVED);
		errors++;
	} else if (d.ref > UINT32_MAX) {
		dmt_report(f, DMT_L_GrantRefBeyondTable, DMT_NO_OFFSET,
			   "ref 0x%llx does not fit grant_ref_t; Linux would truncate it to 0x%x",
			   (unsigned long long)d.ref, (uint32_t)d.ref);
		errors++;
	} else if (d.ref >= limit) {
		dmt_report(f, DMT_L_GrantRefBeyondTable, DMT_NO_OFFSET,
			   "ref 0x%llx is past the last ref 0x%llx of %u frames",
			   (unsigned long long)d.ref, (unsigned long long)(limit - 1), max_frames);
		errors++;
	}
	return errors;
}
