/* The grant table model and the grant DMA operations, with Linux semantics.
 *
 * Allocation follows drivers/xen/grant-table.c: the table starts at one frame and
 * grows a frame at a time up to max_frames; single refs come off the head of the
 * free list, runs come off the sorted tail or, failing that, from a rebuild of the
 * list out of the free bitmap. Frees push refs back at the head, last ref first. */
#include "grant.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct dmt_field entry_v1_fields[] = {
	[DMT_GNT_F_FLAGS] = { "flags", 0, 2, DMT_F_UINT },
	[DMT_GNT_F_DOMID] = { "domid", 2, 2, DMT_F_UINT },
	[DMT_GNT_F_FRAME] = { "frame", 4, 4, DMT_F_UINT },
};

const struct dmt_layout dmt_grant_entry_v1_layout =
	DMT_LAYOUT("Grant Entry v1", DMT_GNT_ENTRY_SIZE, entry_v1_fields);

const char *dmt_dma_dir_name(enum dmt_dma_dir d)
{
	switch (d) {
	case DMT_DMA_BIDIRECTIONAL: return "bidirectional";
	case DMT_DMA_TO_DEVICE: return "to-device";
	case DMT_DMA_FROM_DEVICE: return "from-device";
	default: return "none";
	}
}

int dmt_dma_dir_parse(const char *s, enum dmt_dma_dir *d)
{
	static const enum dmt_dma_dir all[] = {
		DMT_DMA_BIDIRECTIONAL, DMT_DMA_TO_DEVICE, DMT_DMA_FROM_DEVICE,
	};

	for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(s, dmt_dma_dir_name(all[i])) == 0) {
			*d = all[i];
			return 0;
		}
	}
	return -1;
}

enum dmt_label dmt_gnt_rc_label(enum dmt_gnt_rc rc)
{
	switch (rc) {
	case DMT_GNT_OK: return DMT_L_NONE;
	case DMT_GNT_EINVAL: return DMT_L_GrantBadArgument;
	case DMT_GNT_ENOSPC: return DMT_L_GrantNoSpace;
	case DMT_GNT_EINUSE: return DMT_L_GrantStillInUse;
	case DMT_GNT_EBROKEN: return DMT_L_GrantDeviceBroken;
	case DMT_GNT_ENOTMAPPED: return DMT_L_GrantNotMapped;
	case DMT_GNT_ESIZE: return DMT_L_GrantSizeMismatch;
	case DMT_GNT_EBACKEND: return DMT_L_GrantBackendRefused;
	case DMT_GNT_ENOTHELD: return DMT_L_GrantBackendNotMapped;
	default: return DMT_L_OutOfMemory;
	}
}

/* ---- grant counts --------------------------------------------------------- */

static bool pfn_up(uint64_t bytes, uint64_t *n)
{
	if (bytes > UINT64_MAX - (DMT_GNT_SIZE - 1))
		return false;
	*n = (bytes + DMT_GNT_SIZE - 1) >> DMT_GNT_SHIFT;
	return true;
}

uint64_t dmt_gnt_npages(uint64_t offset, uint64_t size)
{
	uint64_t in_page = offset & (DMT_GNT_SIZE - 1), n;

	if (size > UINT64_MAX - in_page || !pfn_up(in_page + size, &n))
		return 0;
	return n;
}

uint64_t dmt_gnt_npages_prefix_npages(uint64_t offset, uint64_t size)
{
	uint64_t n;

	(void)offset;	/* the bug: the offset was left out */
	return pfn_up(size, &n) ? n : 0;
}

uint64_t dmt_gnt_npages_prefix_offset(uint64_t offset, uint64_t size)
{
	uint64_t n;

	if (size > UINT64_MAX - offset || !pfn_up(offset + size, &n))
		return 0;
	return n;
}

/* ---- storage -------------------------------------------------------------- */

static bool grow_storage(struct dmt_gnt *g, size_t need)
{
	size_t ncap = g->cap ? g->cap : DMT_GNT_PER_FRAME;
	void *p;

	if (need <= g->cap)
		return true;
	while (ncap < need)
		ncap *= 2;
#define GROW(field)                                                        \
	do {                                                               \
		p = realloc(g->field, ncap * sizeof(*g->field));           \
		if (!p)                                                    \
			return false;                                      \
		g->field = p;                                              \
		memset(g->field + g->cap, 0, (ncap - g->cap) * sizeof(*g->field)); \
	} while (0)
	GROW(list);
	GROW(free_bit);
	GROW(ent);
	GROW(pins);
	GROW(wpins);
	GROW(owner);
#undef GROW
	for (size_t i = g->cap; i < ncap; i++)
		g->owner[i] = -1;
	g->cap = ncap;
	return true;
}

static uint32_t *tail_slot(struct dmt_gnt *g)
{
	if (g->tail == DMT_GNT_TAIL_HEAD)
		return &g->free_head;
	return &g->list[g->tail];
}

/* ---- Linux's free list ---------------------------------------------------- */

static void set_free(struct dmt_gnt *g, uint32_t start, uint32_t n)
{
	uint32_t i;

	for (i = start; i < start + n - 1; i++)
		g->list[i] = i + 1;
	g->list[i] = DMT_GNT_LIST_END;
	if (!g->free_count) {
		g->free_head = start;
		g->tail = DMT_GNT_TAIL_HEAD;
	} else {
		g->list[g->last_free] = start;
	}
	g->free_count += n;
	g->last_free = i;
	memset(g->free_bit + start, 1, n);
}

static enum dmt_gnt_rc expand(struct dmt_gnt *g, uint32_t req)
{
	uint32_t extra = (req + DMT_GNT_PER_FRAME - 1) / DMT_GNT_PER_FRAME;
	uint32_t add;

	if (extra > g->max_frames - g->nr_frames)
		return DMT_GNT_ENOSPC;
	add = extra * DMT_GNT_PER_FRAME;
	if (!grow_storage(g, (size_t)g->size + add))
		return DMT_GNT_ENOMEM;
	set_free(g, g->size, add);
	if (g->tail == DMT_GNT_TAIL_NULL)
		g->tail = g->size;
	g->nr_frames += extra;
	g->size += add;
	return DMT_GNT_OK;
}

static enum dmt_gnt_rc get_free_one(struct dmt_gnt *g, uint32_t *ref)
{
	uint32_t head;
	enum dmt_gnt_rc rc;

	if (g->free_count < 1 && (rc = expand(g, 1 - g->free_count)) != DMT_GNT_OK)
		return rc;
	head = g->free_head;
	g->free_count--;
	g->free_bit[head] = 0;
	if (g->tail == (int64_t)head)
		g->tail = DMT_GNT_TAIL_HEAD;
	g->free_head = g->list[head];
	g->list[head] = DMT_GNT_LIST_END;
	if (!g->free_count) {
		g->last_free = DMT_GNT_LIST_END;
		g->tail = DMT_GNT_TAIL_NULL;
	}
	*ref = head;
	return DMT_GNT_OK;
}

static uint32_t seq_entry_count(struct dmt_gnt *g)
{
	if (g->last_free == DMT_GNT_LIST_END || g->tail == DMT_GNT_TAIL_NULL ||
	    *tail_slot(g) == DMT_GNT_LIST_END)
		return 0;
	return g->last_free - *tail_slot(g) + 1;
}

static uint32_t next_bit(const struct dmt_gnt *g, uint32_t from, uint8_t want)
{
	while (from < g->size && g->free_bit[from] != want)
		from++;
	return from;
}

/* Rebuild the free list sorted from the bitmap, taking the first run of count
 * free refs on the way (Linux get_free_seq). */
static bool free_seq_rebuild(struct dmt_gnt *g, uint32_t count, uint32_t *ref)
{
	bool found = false;
	uint32_t from, to;
	int64_t last = DMT_GNT_TAIL_HEAD;

	g->tail = DMT_GNT_TAIL_HEAD;
	for (from = next_bit(g, 0, 1); from < g->size; from = next_bit(g, to + 1, 1)) {
		to = next_bit(g, from + 1, 0);
		if (!found && to - from >= count) {
			found = true;
			*ref = from;
			memset(g->free_bit + from, 0, count);
			from += count;
			g->free_count -= count;
			if (from == to)
				continue;
		}
		for (; from < to; from++) {
			if (last == DMT_GNT_TAIL_HEAD)
				g->free_head = from;
			else
				g->list[last] = from;
			last = from;
			g->last_free = from;
		}
		if (to < g->size)
			g->tail = to - 1;
	}
	if (last == DMT_GNT_TAIL_HEAD)
		g->free_head = DMT_GNT_LIST_END;
	else
		g->list[last] = DMT_GNT_LIST_END;
	if (g->last_free != g->size - 1)
		g->tail = DMT_GNT_TAIL_NULL;
	return found;
}

static enum dmt_gnt_rc get_free_seq(struct dmt_gnt *g, uint32_t count, uint32_t *ref)
{
	enum dmt_gnt_rc rc;
	uint32_t first;

	if (g->free_count < count && (rc = expand(g, count - g->free_count)) != DMT_GNT_OK)
		return rc;
	if (seq_entry_count(g) < count) {
		if (free_seq_rebuild(g, count, ref))
			return DMT_GNT_OK;
		rc = expand(g, count - seq_entry_count(g));
		if (rc != DMT_GNT_OK)
			return rc;
	}
	first = *tail_slot(g);
	*tail_slot(g) = g->list[first + count - 1];
	g->free_count -= count;
	if (!g->free_count)
		g->tail = DMT_GNT_TAIL_NULL;
	memset(g->free_bit + first, 0, count);
	*ref = first;
	return DMT_GNT_OK;
}

/* gnttab_alloc_grant_reference_seq */
static enum dmt_gnt_rc alloc_refs(struct dmt_gnt *g, uint32_t count, uint32_t *ref)
{
	if (count == 1)
		return get_free_one(g, ref);
	return get_free_seq(g, count, ref);
}

static void put_free(struct dmt_gnt *g, uint32_t ref)
{
	if (ref < DMT_GNT_NR_RESERVED)
		return;
	g->list[ref] = g->free_head;
	g->free_head = ref;
	if (!g->free_count)
		g->last_free = ref;
	if (g->tail == DMT_GNT_TAIL_HEAD)
		g->tail = ref;
	g->free_count++;
	g->free_bit[ref] = 1;
}

/* gnttab_free_grant_reference_seq: last ref first, so the run ends up in order. */
static void free_refs(struct dmt_gnt *g, uint32_t ref, uint32_t count)
{
	for (uint32_t i = count; i > 0; i--)
		put_free(g, ref + i - 1);
}

/* ---- setup ---------------------------------------------------------------- */

void dmt_gnt_default_config(struct dmt_gnt_config *c)
{
	memset(c, 0, sizeof(*c));
	c->page_shift = 12;
	c->max_frames = DMT_GNT_DEFAULT_FRAMES;
}

enum dmt_gnt_rc dmt_gnt_init(struct dmt_gnt *g, const struct dmt_gnt_config *c)
{
	memset(g, 0, sizeof(*g));
	g->tail = DMT_GNT_TAIL_NULL;
	g->last_free = DMT_GNT_LIST_END;
	g->free_head = DMT_GNT_LIST_END;
	if (!c || (c->page_shift != 12 && c->page_shift != 16) || c->max_frames == 0 ||
	    c->max_frames > DMT_GNT_MAX_FRAMES)
		return DMT_GNT_EINVAL;
	g->dev.backend_domid = c->backend_domid;
	g->dev.page_shift = c->page_shift;
	g->max_frames = c->max_frames;
	g->nr_frames = 1;
	g->size = DMT_GNT_PER_FRAME;
	/* Well away from frame 0, so an example's frames are easy to tell apart. */
	g->next_alloc_pfn = 0x80000;
	if (!grow_storage(g, g->size)) {
		dmt_gnt_free_all(g);
		return DMT_GNT_ENOMEM;
	}
	set_free(g, DMT_GNT_NR_RESERVED, g->size - DMT_GNT_NR_RESERVED);
	return DMT_GNT_OK;
}

void dmt_gnt_free_all(struct dmt_gnt *g)
{
	free(g->list);
	free(g->free_bit);
	free(g->ent);
	free(g->pins);
	free(g->wpins);
	free(g->owner);
	free(g->maps);
	memset(g, 0, sizeof(*g));
}

/* ---- operations ----------------------------------------------------------- */

static uint64_t table_limit(const struct dmt_gnt *g)
{
	return (uint64_t)g->max_frames * DMT_GNT_PER_FRAME;
}

static struct dmt_gnt_mapping *new_mapping(struct dmt_gnt *g, int32_t *idx)
{
	struct dmt_gnt_mapping *m;

	/* Reuse a released slot so long scripts do not grow without bound; when
	 * every slot is live there is none to look for. */
	for (size_t i = 0; g->nlive < g->nmaps && i < g->nmaps; i++) {
		if (!g->maps[i].live) {
			*idx = (int32_t)i;
			memset(&g->maps[i], 0, sizeof(g->maps[i]));
			return &g->maps[i];
		}
	}
	m = dmt_push((void **)&g->maps, &g->nmaps, &g->cap_maps, sizeof(*g->maps));
	if (m)
		*idx = (int32_t)(g->nmaps - 1);
	return m;
}

/* Write n entries the way gnttab_update_entry_v1 does (domid, frame, then flags). */
static void grant_run(struct dmt_gnt *g, int32_t idx, uint64_t frame0, bool readonly)
{
	struct dmt_gnt_mapping *m = &g->maps[idx];

	for (uint32_t i = 0; i < m->n; i++) {
		struct dmt_gnt_entry *e = &g->ent[m->ref + i];

		e->domid = g->dev.backend_domid;
		e->frame = (uint32_t)(frame0 + i);
		e->flags = (uint16_t)(DMT_GTF_PERMIT_ACCESS | (readonly ? DMT_GTF_READONLY : 0));
		g->owner[m->ref + i] = idx;
	}
}

static void fill_result(const struct dmt_gnt *g, const struct dmt_gnt_mapping *m,
			struct dmt_gnt_result *r)
{
	if (!r)
		return;
	r->dma = m->dma;
	r->ref = m->ref;
	r->n = m->n;
	r->frame0 = m->frame0;
	r->flags = g->ent[m->ref].flags;
}

static enum dmt_gnt_rc fail(struct dmt_findings *f, enum dmt_gnt_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum dmt_gnt_rc fail(struct dmt_findings *f, enum dmt_gnt_rc rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dmt_vreport(f, dmt_gnt_rc_label(rc), DMT_NO_OFFSET, fmt, ap);
	va_end(ap);
	return rc;
}

/* Common tail of map and alloc: take n refs, grant frames frame0.., record. */
static enum dmt_gnt_rc grant_new(struct dmt_gnt *g, enum dmt_gnt_kind kind, uint64_t n,
				 uint64_t frame0, uint64_t size, uint64_t dma_offset,
				 enum dmt_dma_dir dir, struct dmt_gnt_result *r,
				 struct dmt_findings *f)
{
	struct dmt_gnt_mapping *m;
	enum dmt_gnt_rc rc;
	int32_t idx = -1;
	uint32_t ref = 0;

	if (n > table_limit(g) - DMT_GNT_NR_RESERVED)
		return fail(f, DMT_GNT_ENOSPC, "%llu grants needed, the table holds at most %llu",
			    (unsigned long long)n,
			    (unsigned long long)(table_limit(g) - DMT_GNT_NR_RESERVED));
	if (frame0 + (n - 1) > UINT32_MAX)
		dmt_report(f, DMT_L_GrantFrameTruncated, DMT_NO_OFFSET,
			   "frames 0x%llx..0x%llx do not fit the 32-bit v1 frame field",
			   (unsigned long long)frame0, (unsigned long long)(frame0 + n - 1));
	m = new_mapping(g, &idx);
	if (!m)
		return fail(f, DMT_GNT_ENOMEM, "no room for mapping %zu", g->nmaps);
	rc = alloc_refs(g, (uint32_t)n, &ref);
	if (rc != DMT_GNT_OK)
		return fail(f, rc, "no run of %llu free refs within %u frames",
			    (unsigned long long)n, g->max_frames);
	m->kind = kind;
	m->dir = dir;
	m->ref = ref;
	m->n = (uint32_t)n;
	m->size = size;
	m->frame0 = frame0;
	m->dma = dmt_gnt_dma_encode(ref, dma_offset);
	m->live = true;
	g->nlive++;
	grant_run(g, idx, frame0, kind == DMT_GNT_MAP && dir == DMT_DMA_TO_DEVICE);
	fill_result(g, m, r);
	return DMT_GNT_OK;
}

enum dmt_gnt_rc dmt_gnt_map(struct dmt_gnt *g, uint64_t pfn, uint64_t offset, uint64_t size,
			    enum dmt_dma_dir dir, struct dmt_gnt_result *r,
			    struct dmt_findings *f)
{
	unsigned per_page_shift = g->dev.page_shift - DMT_GNT_SHIFT;
	uint64_t n = dmt_gnt_npages(offset, size), first;

	if (dir != DMT_DMA_BIDIRECTIONAL && dir != DMT_DMA_TO_DEVICE &&
	    dir != DMT_DMA_FROM_DEVICE)
		return fail(f, DMT_GNT_EINVAL, "direction %d is not a DMA direction (DMA_NONE?)", (int)dir);
	if (size == 0 || n == 0)
		return fail(f, DMT_GNT_EINVAL, "size 0x%llx at offset 0x%llx: zero or past the address space",
			    (unsigned long long)size, (unsigned long long)offset);
	/* page_to_xen_pfn(page) + offset/4K + (n - 1) must stay inside 64 bits. */
	if (pfn > (UINT64_MAX >> per_page_shift) ||
	    (pfn << per_page_shift) > UINT64_MAX - (offset >> DMT_GNT_SHIFT) - (n - 1))
		return fail(f, DMT_GNT_EINVAL, "pfn 0x%llx offset 0x%llx: frames past the address space",
			    (unsigned long long)pfn, (unsigned long long)offset);
	if (g->dev.broken)
		return fail(f, DMT_GNT_EBROKEN, "map refused: device broken (pfn 0x%llx size 0x%llx)",
			    (unsigned long long)pfn, (unsigned long long)size);
	first = (pfn << per_page_shift) + (offset >> DMT_GNT_SHIFT);
	return grant_new(g, DMT_GNT_MAP, n, first, size, offset & (DMT_GNT_SIZE - 1), dir, r, f);
}

enum dmt_gnt_rc dmt_gnt_alloc(struct dmt_gnt *g, uint64_t size, uint64_t pfn_hint,
			      struct dmt_gnt_result *r, struct dmt_findings *f)
{
	uint64_t n, pfn, guest_pages, page_grants = 1ull << (g->dev.page_shift - DMT_GNT_SHIFT);
	enum dmt_gnt_rc rc;

	if (size == 0 || !pfn_up(size, &n))
		return fail(f, DMT_GNT_EINVAL, "alloc size 0x%llx: zero or past the address space",
			    (unsigned long long)size);
	pfn = pfn_hint == UINT64_MAX ? g->next_alloc_pfn : pfn_hint;
	guest_pages = (n + page_grants - 1) / page_grants;
	if (pfn > UINT64_MAX - n)
		return fail(f, DMT_GNT_EINVAL, "alloc at pfn 0x%llx of %llu pages: past the address space",
			    (unsigned long long)pfn, (unsigned long long)n);
	if (g->dev.broken)
		return fail(f, DMT_GNT_EBROKEN, "alloc refused: device broken (size 0x%llx)",
			    (unsigned long long)size);
	/* Linux grants pfn_to_gfn(virt_to_pfn(buf) + i): guest-page units. */
	if (page_grants > 1)
		dmt_report(f, DMT_L_GrantAllocFrameUnits, DMT_NO_OFFSET,
			   "alloc grants frames 0x%llx.. (guest pfn + i); 4K frames would be 0x%llx..",
			   (unsigned long long)pfn,
			   (unsigned long long)(pfn < (UINT64_MAX >> 4) ? pfn << (g->dev.page_shift - DMT_GNT_SHIFT) : 0));
	rc = grant_new(g, DMT_GNT_ALLOC, n, pfn, size, 0, DMT_DMA_BIDIRECTIONAL, r, f);
	if (rc == DMT_GNT_OK && pfn_hint == UINT64_MAX && guest_pages <= UINT64_MAX - pfn)
		g->next_alloc_pfn = pfn + guest_pages;
	return rc;
}

static struct dmt_gnt_mapping *find_live(struct dmt_gnt *g, uint64_t dma,
					 enum dmt_gnt_kind kind)
{
	for (size_t i = 0; i < g->nmaps; i++) {
		struct dmt_gnt_mapping *m = &g->maps[i];

		if (m->live && !m->stuck && m->kind == kind && m->dma == dma)
			return m;
	}
	return NULL;
}

/* End access on each ref (gnttab_end_foreign_access_ref, v1): a ref the backend
 * still maps stops the loop; the refs already ended stay allocated. */
static enum dmt_gnt_rc end_access_run(struct dmt_gnt *g, struct dmt_gnt_mapping *m,
				      struct dmt_gnt_result *r, struct dmt_findings *f)
{
	for (uint32_t i = 0; i < m->n; i++) {
		struct dmt_gnt_entry *e = &g->ent[m->ref + i];

		if (e->flags & (DMT_GTF_READING | DMT_GTF_WRITING)) {
			g->dev.broken = true;
			m->stuck = true;
			if (r)
				r->bad_ref = m->ref + i;
			dmt_report(f, DMT_L_GrantStillInUse, DMT_NO_OFFSET,
				   "ref %u (flags 0x%x) still mapped by domain %u; refs %u-%u not freed, device broken",
				   m->ref + i, e->flags, e->domid, m->ref, m->ref + m->n - 1);
			return DMT_GNT_EINUSE;
		}
		e->flags = 0;
	}
	for (uint32_t i = 0; i < m->n; i++)
		g->owner[m->ref + i] = -1;
	free_refs(g, m->ref, m->n);
	m->live = false;
	g->nlive--;
	return DMT_GNT_OK;
}

static enum dmt_gnt_rc release(struct dmt_gnt *g, enum dmt_gnt_kind kind, uint64_t dma,
			       uint64_t n, struct dmt_gnt_result *r, struct dmt_findings *f)
{
	const char *op = kind == DMT_GNT_MAP ? "unmap" : "free";
	struct dmt_gnt_mapping *m;

	if (g->dev.broken) {
		dmt_report(f, DMT_L_GrantDeviceBroken, DMT_NO_OFFSET,
			   "%s of 0x%llx refused: device broken", op, (unsigned long long)dma);
		return DMT_GNT_EBROKEN;
	}
	m = find_live(g, dma, kind);
	if (!m) {
		dmt_report(f, DMT_L_GrantNotMapped, DMT_NO_OFFSET,
			   "%s of 0x%llx: no live %s returned that address", op,
			   (unsigned long long)dma, kind == DMT_GNT_MAP ? "map" : "alloc");
		return DMT_GNT_ENOTMAPPED;
	}
	if (n != m->n) {
		dmt_report(f, DMT_L_GrantSizeMismatch, DMT_NO_OFFSET,
			   "%s of 0x%llx covers %llu grants; it was granted with %u", op,
			   (unsigned long long)dma, (unsigned long long)n, m->n);
		return DMT_GNT_ESIZE;
	}
	fill_result(g, m, r);
	return end_access_run(g, m, r, f);
}

enum dmt_gnt_rc dmt_gnt_unmap(struct dmt_gnt *g, uint64_t dma, uint64_t size,
			      struct dmt_gnt_result *r, struct dmt_findings *f)
{
	uint64_t n = dmt_gnt_npages(dma, size);

	if (size == 0 || n == 0)
		return fail(f, DMT_GNT_EINVAL, "unmap of 0x%llx size 0x%llx: zero or past the address space",
			    (unsigned long long)dma, (unsigned long long)size);
	return release(g, DMT_GNT_MAP, dma, n, r, f);
}

enum dmt_gnt_rc dmt_gnt_free(struct dmt_gnt *g, uint64_t dma, uint64_t size,
			     struct dmt_gnt_result *r, struct dmt_findings *f)
{
	uint64_t n;

	if (size == 0 || !pfn_up(size, &n))
		return fail(f, DMT_GNT_EINVAL, "free of 0x%llx size 0x%llx: zero or past the address space",
			    (unsigned long long)dma, (unsigned long long)size);
	return release(g, DMT_GNT_ALLOC, dma, n, r, f);
}

static void backend_flags(struct dmt_gnt *g, uint32_t ref)
{
	struct dmt_gnt_entry *e = &g->ent[ref];

	e->flags &= (uint16_t)~(DMT_GTF_READING | DMT_GTF_WRITING);
	if (g->pins[ref])
		e->flags |= DMT_GTF_READING;
	if (g->wpins[ref])
		e->flags |= DMT_GTF_WRITING;
}

enum dmt_gnt_rc dmt_gnt_backend_map(struct dmt_gnt *g, uint32_t ref, bool rw,
				    struct dmt_gnt_result *r, struct dmt_findings *f)
{
	struct dmt_gnt_entry *e;

	if (ref >= g->size || !(g->ent[ref].flags & DMT_GTF_PERMIT_ACCESS))
		return fail(f, DMT_GNT_EBACKEND, "backend map of ref %u: not granted (table has %u refs)",
			    ref, g->size);
	e = &g->ent[ref];
	if (rw && (e->flags & DMT_GTF_READONLY))
		return fail(f, DMT_GNT_EBACKEND, "backend writable map of read-only ref %u (flags 0x%x)",
			    ref, e->flags);
	if (g->pins[ref] == UINT32_MAX)
		return fail(f, DMT_GNT_EBACKEND, "backend map of ref %u: %u pins already", ref,
			    g->pins[ref]);
	g->pins[ref]++;
	if (rw)
		g->wpins[ref]++;
	backend_flags(g, ref);
	if (r) {
		memset(r, 0, sizeof(*r));
		r->ref = ref;
		r->n = 1;
		r->flags = e->flags;
	}
	return DMT_GNT_OK;
}

enum dmt_gnt_rc dmt_gnt_backend_unmap(struct dmt_gnt *g, uint32_t ref,
				      struct dmt_gnt_result *r, struct dmt_findings *f)
{
	if (ref >= g->size || !g->pins[ref])
		return fail(f, DMT_GNT_ENOTHELD, "backend unmap of ref %u: the backend does not map it", ref);
	/* A script line does not say which of several backend maps goes: the model
	 * drops a writable one first, so GTF_writing clears as early as it can. */
	if (g->wpins[ref])
		g->wpins[ref]--;
	g->pins[ref]--;
	backend_flags(g, ref);
	if (r) {
		memset(r, 0, sizeof(*r));
		r->ref = ref;
		r->n = 1;
		r->flags = g->ent[ref].flags;
	}
	return DMT_GNT_OK;
}

void dmt_gnt_entry_bytes(const struct dmt_gnt *g, uint32_t ref, uint8_t out[8])
{
	const struct dmt_layout *l = &dmt_grant_entry_v1_layout;
	struct dmt_gnt_entry e = { 0, 0, 0 };

	if (ref < g->size)
		e = g->ent[ref];
	dmt_field_put(l, DMT_GNT_F_FLAGS, out, 0, e.flags);
	dmt_field_put(l, DMT_GNT_F_DOMID, out, 0, e.domid);
	dmt_field_put(l, DMT_GNT_F_FRAME, out, 0, e.frame);
}

/* ---- invariants ----------------------------------------------------------- */

static int broken_rule(struct dmt_findings *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int broken_rule(struct dmt_findings *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dmt_vreport(f, DMT_L_GrantInvariant, DMT_NO_OFFSET, fmt, ap);
	va_end(ap);
	return -1;
}

/* A live mapping owns its refs alone, with the flags its direction asks for, the
 * backend's domid and its frames, and its DMA address decodes back to its refs. */
static int check_mapping(const struct dmt_gnt *g, size_t idx, struct dmt_findings *f)
{
	const struct dmt_gnt_mapping *m = &g->maps[idx];
	bool ro = m->kind == DMT_GNT_MAP && m->dir == DMT_DMA_TO_DEVICE;
	uint16_t want = (uint16_t)(DMT_GTF_PERMIT_ACCESS | (ro ? DMT_GTF_READONLY : 0));
	struct dmt_gnt_dma d;
	int rc = 0;

	dmt_gnt_dma_decode(m->dma, &d);
	if (!d.top_bit || d.ref != m->ref)
		rc = broken_rule(f, "DMA 0x%llx decodes to ref 0x%llx, mapping starts at %u",
				 (unsigned long long)m->dma, (unsigned long long)d.ref, m->ref);
	if ((uint64_t)m->ref + m->n > g->size)
		return broken_rule(f, "mapping refs %u+%u run past the table (%u)", m->ref, m->n,
				   g->size);
	for (uint32_t i = 0; i < m->n; i++) {
		uint32_t ref = m->ref + i;
		const struct dmt_gnt_entry *e = &g->ent[ref];

		if (g->owner[ref] != (int32_t)idx)
			rc = broken_rule(f, "ref %u is in two live mappings (%zu and %d)", ref, idx,
					 g->owner[ref]);
		if (g->free_bit[ref])
			rc = broken_rule(f, "ref %u is both mapped and free", ref);
		if (m->stuck)
			continue;	/* ends of access already ran on part of it */
		if ((e->flags & ~(DMT_GTF_READING | DMT_GTF_WRITING)) != want)
			rc = broken_rule(f, "ref %u flags 0x%x, direction %s wants 0x%x", ref,
					 e->flags, dmt_dma_dir_name(m->dir), want);
		if (e->domid != g->dev.backend_domid || e->frame != (uint32_t)(m->frame0 + i))
			rc = broken_rule(f, "ref %u grants frame 0x%x to %u, expected 0x%x to %u", ref,
					 e->frame, e->domid, (uint32_t)(m->frame0 + i),
					 g->dev.backend_domid);
	}
	return rc;
}

static int check_owner(const struct dmt_gnt *g, uint32_t ref, struct dmt_findings *f)
{
	int32_t o = g->owner[ref];

	if (o < 0)
		return 0;
	if ((size_t)o >= g->nmaps || !g->maps[o].live || ref < g->maps[o].ref ||
	    ref - g->maps[o].ref >= g->maps[o].n)
		return broken_rule(f, "ref %u is owned by mapping %d, which does not hold it", ref, o);
	return 0;
}

static int check_owners(const struct dmt_gnt *g, struct dmt_findings *f)
{
	int rc = 0;

	for (uint32_t ref = 0; ref < g->size; ref++)
		if (check_owner(g, ref, f))
			rc = -1;
	return rc;
}

/* Every ref is released once: the free list visits each free ref exactly once,
 * never a reserved one, and agrees with the bitmap and the count. */
static int check_free_list(const struct dmt_gnt *g, struct dmt_findings *f)
{
	uint8_t *seen = calloc(g->size ? g->size : 1, 1);
	uint32_t ref = g->free_head, walked = 0, bits = 0;
	int rc = 0;

	if (!seen)
		return 0;	/* cannot check now; not an invariant failure */
	while (ref != DMT_GNT_LIST_END && walked <= g->size) {
		if (ref >= g->size || ref < DMT_GNT_NR_RESERVED || seen[ref] || !g->free_bit[ref]) {
			rc = broken_rule(f, "free list reaches ref %u twice, reserved, outside or not free",
					 ref);
			break;
		}
		seen[ref] = 1;
		walked++;
		ref = g->list[ref];
	}
	for (uint32_t i = 0; i < g->size; i++)
		bits += g->free_bit[i];
	if (!rc && (walked != g->free_count || bits != g->free_count))
		rc = broken_rule(f, "free list holds %u refs, bitmap %u, count %u", walked, bits,
				 g->free_count);
	for (uint32_t i = 0; i < DMT_GNT_NR_RESERVED && i < g->size; i++)
		if (g->free_bit[i] || g->owner[i] >= 0)
			rc = broken_rule(f, "reserved ref %u was handed out or freed", i);
	free(seen);
	return rc;
}

/* The rules that cost no more than the mappings: broken stays broken, and the
 * live count is right. */
static int check_device(struct dmt_gnt *g, struct dmt_findings *f)
{
	int rc = 0;
	size_t live = 0;

	if (g->was_broken && !g->dev.broken)
		rc = broken_rule(f, "the device was broken and no longer is");
	g->was_broken = g->was_broken || g->dev.broken;
	for (size_t i = 0; i < g->nmaps; i++)
		live += g->maps[i].live;
	if (live != g->nlive)
		rc = broken_rule(f, "%zu live mappings, the count says %zu", live, g->nlive);
	return rc;
}

int dmt_gnt_check(struct dmt_gnt *g, struct dmt_findings *f)
{
	int rc = check_device(g, f);

	for (size_t i = 0; i < g->nmaps; i++)
		if (g->maps[i].live && check_mapping(g, i, f))
			rc = -1;
	if (check_owners(g, f))
		rc = -1;
	if (check_free_list(g, f))
		rc = -1;
	return rc;
}

int dmt_gnt_check_refs(struct dmt_gnt *g, uint32_t ref, uint32_t n, struct dmt_findings *f)
{
	int rc = check_device(g, f);
	uint64_t end = (uint64_t)ref + n;

	if (end > g->size)
		end = g->size;
	for (uint64_t r = ref; r < end; r++) {
		int32_t o = g->owner[r];

		if (check_owner(g, (uint32_t)r, f))
			rc = -1;
		else if (o >= 0 && (r == ref || g->owner[r - 1] != o) && check_mapping(g, (size_t)o, f))
			rc = -1;	/* each mapping once: its refs are consecutive */
		if (r < DMT_GNT_NR_RESERVED && (g->free_bit[r] || o >= 0))
			rc = broken_rule(f, "reserved ref %u was handed out or freed", (uint32_t)r);
	}
	return rc;
}
