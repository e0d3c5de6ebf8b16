/* Xen grant DMA: the guest-side grant table (v1) that Linux drivers/xen/grant-table.c
 * keeps, the DMA ops of drivers/xen/grant-dma-ops.c on top of it, a backend that can
 * still hold a grant, and the device-tree rules that pick the backend domain.
 *
 * The allocator is modelled down to Linux's free list (gnttab_list, the free bitmap,
 * gnttab_last_free and gnttab_free_tail_ptr), because which refs a map gets depends
 * on that history, and vectors pin the refs. No I/O: every outcome is a return code
 * plus, when a findings list is given, a finding. */
#ifndef DMT_GRANT_H
#define DMT_GRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dmatopo.h"

/* Grants are always 4K, whatever the guest page size (XEN_PAGE_SHIFT). */
#define DMT_GNT_SHIFT 12u
#define DMT_GNT_SIZE (1u << DMT_GNT_SHIFT)
#define DMT_GNT_DMA_BIT (1ull << 63)
#define DMT_GNT_NR_RESERVED 8u
#define DMT_GNT_ENTRY_SIZE 8u
#define DMT_GNT_PER_FRAME (DMT_GNT_SIZE / DMT_GNT_ENTRY_SIZE)	/* 512 */
#define DMT_GNT_DEFAULT_FRAMES 64u	/* Xen's default max_grant_frames */
#define DMT_GNT_MAX_FRAMES 1024u	/* what the model accepts */
#define DMT_GNT_LIST_END 0xffffffffu

/* grant_entry_v1.flags */
#define DMT_GTF_PERMIT_ACCESS 0x1u
#define DMT_GTF_READONLY 0x4u
#define DMT_GTF_READING 0x8u
#define DMT_GTF_WRITING 0x10u

/* grant_entry_v1, 8 bytes: described once for the printer and any encoder. */
extern const struct dmt_layout dmt_grant_entry_v1_layout;
enum { DMT_GNT_F_FLAGS, DMT_GNT_F_DOMID, DMT_GNT_F_FRAME };

/* Linux enum dma_data_direction values. */
enum dmt_dma_dir {
	DMT_DMA_BIDIRECTIONAL = 0,
	DMT_DMA_TO_DEVICE = 1,
	DMT_DMA_FROM_DEVICE = 2,
	DMT_DMA_NONE = 3,
};

const char *dmt_dma_dir_name(enum dmt_dma_dir d);
/* "to-device", "from-device", "bidirectional"; 0 on success. */
int dmt_dma_dir_parse(const char *s, enum dmt_dma_dir *d);

/* Outcome of an operation; each failure has the label the runner reports. */
enum dmt_gnt_rc {
	DMT_GNT_OK = 0,
	DMT_GNT_EINVAL,		/* GrantBadArgument */
	DMT_GNT_ENOSPC,		/* GrantNoSpace */
	DMT_GNT_EINUSE,		/* GrantStillInUse: the device is now broken */
	DMT_GNT_EBROKEN,	/* GrantDeviceBroken */
	DMT_GNT_ENOTMAPPED,	/* GrantNotMapped */
	DMT_GNT_ESIZE,		/* GrantSizeMismatch */
	DMT_GNT_EBACKEND,	/* GrantBackendRefused */
	DMT_GNT_ENOTHELD,	/* GrantBackendNotMapped */
	DMT_GNT_ENOMEM,		/* OutOfMemory */
};

enum dmt_label dmt_gnt_rc_label(enum dmt_gnt_rc rc);

struct dmt_gnt_entry {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};

enum dmt_gnt_kind { DMT_GNT_MAP, DMT_GNT_ALLOC };

/* One live (or stuck) map or alloc, as the DMA layer handed it out. */
struct dmt_gnt_mapping {
	enum dmt_gnt_kind kind;
	enum dmt_dma_dir dir;		/* MAP only */
	uint32_t ref, n;		/* refs ref..ref+n-1 */
	uint64_t dma, size;
	uint64_t frame0;		/* frame intended for ref (before v1 truncation) */
	bool live;			/* handed out and not yet released */
	bool stuck;			/* an end access failed: refs leaked for good */
};

/* The device-side state of xen_grant_dma_data plus the guest's page size. */
struct dmt_gnt_device {
	uint16_t backend_domid;
	bool broken;
	unsigned page_shift;		/* 12 (4K) or 16 (64K) */
};

struct dmt_gnt_config {
	uint16_t backend_domid;
	unsigned page_shift;		/* 12 or 16 */
	uint32_t max_frames;		/* 1..DMT_GNT_MAX_FRAMES */
};

/* Pseudo pointers for gnttab_free_tail_ptr: NULL, &gnttab_free_head, or &list[ref]. */
#define DMT_GNT_TAIL_NULL (-2)
#define DMT_GNT_TAIL_HEAD (-1)

struct dmt_gnt {
	struct dmt_gnt_device dev;
	uint32_t max_frames, nr_frames, size;	/* size = nr_frames * 512 */
	/* Per ref, grown with the table (capacity cap refs). */
	uint32_t *list;			/* gnttab_list: next free ref */
	uint8_t *free_bit;		/* gnttab_free_bitmap, a byte per ref */
	struct dmt_gnt_entry *ent;	/* the shared v1 table */
	uint32_t *pins, *wpins;		/* backend map counts (all, writable) */
	int32_t *owner;			/* index into maps, -1 */
	size_t cap;
	uint32_t free_count, free_head, last_free;
	int64_t tail;			/* DMT_GNT_TAIL_* or a ref */
	struct dmt_gnt_mapping *maps;	size_t nmaps, cap_maps;
	size_t nlive;			/* maps[] entries with live set */
	uint64_t next_alloc_pfn;	/* where alloc's pages come from */
	bool was_broken;		/* for the "broken stays broken" invariant */
};

/* Set up the table the way gnttab_init does: one frame, refs 8..511 free. Returns
 * DMT_GNT_OK, DMT_GNT_EINVAL on a bad config, DMT_GNT_ENOMEM. */
enum dmt_gnt_rc dmt_gnt_init(struct dmt_gnt *g, const struct dmt_gnt_config *c);
void dmt_gnt_free_all(struct dmt_gnt *g);
void dmt_gnt_default_config(struct dmt_gnt_config *c);

/* What an operation did, for the printer. */
struct dmt_gnt_result {
	uint64_t dma;
	uint32_t ref, n;
	uint64_t frame0;
	uint16_t flags;
	uint32_t bad_ref;		/* EINUSE: the ref end access failed on */
};

/* xen_grant_dma_map_page: guest page pfn (guest page units), offset may exceed a page. */
enum dmt_gnt_rc dmt_gnt_map(struct dmt_gnt *g, uint64_t pfn, uint64_t offset, uint64_t size,
			    enum dmt_dma_dir dir, struct dmt_gnt_result *r,
			    struct dmt_findings *f);
/* xen_grant_dma_unmap_page; dma must be exactly what a live map returned. */
enum dmt_gnt_rc dmt_gnt_unmap(struct dmt_gnt *g, uint64_t dma, uint64_t size,
			      struct dmt_gnt_result *r, struct dmt_findings *f);
/* xen_grant_dma_alloc; pfn_hint UINT64_MAX lets the model pick the pages. */
enum dmt_gnt_rc dmt_gnt_alloc(struct dmt_gnt *g, uint64_t size, uint64_t pfn_hint,
			      struct dmt_gnt_result *r, struct dmt_findings *f);
/* xen_grant_dma_free. */
enum dmt_gnt_rc dmt_gnt_free(struct dmt_gnt *g, uint64_t dma, uint64_t size,
			     struct dmt_gnt_result *r, struct dmt_findings *f);
/* The backend domain maps / unmaps a granted ref (sets GTF_reading, GTF_writing). */
enum dmt_gnt_rc dmt_gnt_backend_map(struct dmt_gnt *g, uint32_t ref, bool rw,
				    struct dmt_gnt_result *r, struct dmt_findings *f);
enum dmt_gnt_rc dmt_gnt_backend_unmap(struct dmt_gnt *g, uint32_t ref,
				      struct dmt_gnt_result *r, struct dmt_findings *f);

/* Check every invariant; 0 when all hold, else -1 with a GrantInvariant finding
 * per broken one. Updates g->was_broken. */
int dmt_gnt_check(struct dmt_gnt *g, struct dmt_findings *f);
/* The same rules, restricted to refs ref..ref+n-1 (their owners, their mappings,
 * the reserved ones among them) plus the device-wide O(mappings) ones; the free
 * list is not walked. For callers that check after every operation and run the
 * full check now and then: what one operation touched costs what it touched. */
int dmt_gnt_check_refs(struct dmt_gnt *g, uint32_t ref, uint32_t n, struct dmt_findings *f);

/* Grants a map of size bytes at offset needs, and the same under the two pre-fix
 * formulas (for regression tests and lint): before "Fix n_pages calculation"
 * (ceil(size/4K)) and before "Handle cases when page offset > PAGE_SIZE"
 * (ceil((offset + size)/4K), frames from the page start). 0 on overflow. */
uint64_t dmt_gnt_npages(uint64_t offset, uint64_t size);
uint64_t dmt_gnt_npages_prefix_npages(uint64_t offset, uint64_t size);
uint64_t dmt_gnt_npages_prefix_offset(uint64_t offset, uint64_t size);

/* Serialise entry ref (8 bytes) through the v1 layout. */
void dmt_gnt_entry_bytes(const struct dmt_gnt *g, uint32_t ref, uint8_t out[8]);

/* ---- DMA addresses (grant_dma.c) ---------------------------------------- */

/* grant_to_dma(ref) + offset % 4K. */
uint64_t dmt_gnt_dma_encode(uint32_t ref, uint64_t offset);

struct dmt_gnt_dma {
	uint64_t ref;			/* bits 62..12, before Linux truncates to u32 */
	uint32_t offset;
	bool top_bit;
};

void dmt_gnt_dma_decode(uint64_t dma, struct dmt_gnt_dma *d);
/* Findings for an address: no bit 63, reserved ref, ref past a table of
 * max_frames frames. Returns the number of error findings. */
size_t dmt_gnt_dma_lint(uint64_t dma, uint32_t max_frames, struct dmt_findings *f);

/* ---- op scripts (grant_script.c) ---------------------------------------- */

/* Strict number: decimal or 0x-hex, no sign, no junk, no overflow. 0 on success. */
int dmt_gnt_parse_u64(const char *s, size_t len, uint64_t *v);

struct dmt_gnt_script_stats {
	size_t lines, ops, failed_expected, unexpected_failures, syntax_errors,
	       unexpected_successes, invariant_failures;
};

/* Called with each output line (no newline). */
typedef void (*dmt_gnt_emit_fn)(void *ctx, const char *line);

/* Run a script over buf (not NUL-terminated) against g, which must be initialised
 * (a `device` header re-initialises it). Errors become findings (offset = byte
 * offset of the line) whose message starts "line N:". Returns 0 when every line
 * parsed, every op behaved as expected and every invariant held, else 1. */
int dmt_gnt_script_run(const uint8_t *buf, size_t len, struct dmt_gnt *g,
		       dmt_gnt_emit_fn emit, void *ctx, struct dmt_findings *f,
		       struct dmt_gnt_script_stats *st);

/* The table after a run: a summary line then one line per non-zero entry. */
void dmt_gnt_emit_table(const struct dmt_gnt *g, dmt_gnt_emit_fn emit, void *ctx);

/* ---- backend domid (grant_domid.c) -------------------------------------- */

struct dmt_gnt_guest {
	bool dom0;			/* xen_initial_domain() */
	bool force_grant;		/* CONFIG_XEN_VIRTIO_FORCE_GRANT */
	bool pv;			/* xen_pv_domain() */
	bool before_2026;		/* the rule before "Dont use grant-dma-ops when running as Dom0" */
};

struct dmt_gnt_domid {
	bool found;
	uint16_t domid;
	enum dmt_label reason;		/* when !found */
	bool from_dt;			/* false: the no-device-tree default (dom0) */
	char via[DMT_VIA_MAX];
};

/* xen_grant_init_backend_domid on a decoded DT. node_known: the caller checked
 * whether the device has a DT node at all (a PATH device absent from the tree
 * has none); pass true when unsure. Returns 0, or -1 on bad arguments. */
int dmt_gnt_domid(const struct dmt_topo *t, const struct dmt_device *d, bool node_exists,
		  const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out,
		  struct dmt_findings *f);
/* The same from DTB bytes: decodes, and asks libfdt whether a PATH node exists. */
int dmt_gnt_domid_dtb(const uint8_t *buf, size_t len, const struct dmt_device *d,
		      const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out,
		      struct dmt_findings *f);

/* xen_grant_init_backend_domid for a device Linux gave no DT node (of_node NULL, e.g. a
 * virtio_mmio.device= transport), whatever the tree holds at its address. */
int dmt_gnt_domid_no_node(const struct dmt_gnt_guest *gu, struct dmt_gnt_domid *out);

/* The host bridge holding PCI device d as the grant code picks it (first in DT
 * order whose Linux domain and bus range hold it), or NULL. */
const struct dmt_dt_bridge *dmt_gnt_pci_bridge(const struct dmt_topo *t, const struct dmt_device *d);

#endif
