/* The topology language (vectors/README.md): text in, abstract topology model out.
 * Also the raw-bytes and patch statements vectors use for malformed input. */
#ifndef DMT_LANG_H
#define DMT_LANG_H

#include "dmatopo.h"
#include "text.h"

#define DMT_LANG_NAME_MAX 32
#define DMT_LANG_MAX_NAMES 256
#define DMT_LANG_MAX_PATCHES 64
#define DMT_LANG_PATCH_BYTES 64
#define DMT_LANG_RAW_MAX (1u << 20)

struct dmt_lang_error {
	unsigned line;
	char msg[192];
};

struct dmt_lang_name {
	char name[DMT_LANG_NAME_MAX];
	int32_t iommu;			/* index into topo.iommus */
};

struct dmt_lang_patch {
	enum dmt_format enc;
	uint32_t offset;
	size_t n;
	uint8_t bytes[DMT_LANG_PATCH_BYTES];
};

struct dmt_lang {
	struct dmt_topo topo;		/* the abstract topology (format UNKNOWN) */
	struct dmt_lang_name names[DMT_LANG_MAX_NAMES];
	size_t nnames;
	bool uses_abstract;		/* viommu / range / mmio-ep */
	bool uses_dt;			/* any device-tree-only statement */
	int32_t last_bridge, last_node;	/* targets of map/iommus/msi-parent lines */
	uint32_t next_phandle;
	uint32_t next_ordinal;
	/* raw input */
	enum dmt_format raw_format;	/* UNKNOWN unless a `raw` statement was seen */
	uint8_t *raw;
	size_t raw_len, raw_cap;
	struct dmt_lang_patch patches[DMT_LANG_MAX_PATCHES];
	size_t npatches;
	bool fix_checksum;
};

void dmt_lang_init(struct dmt_lang *l);
void dmt_lang_free(struct dmt_lang *l);

/* One statement: 1 when it was a topology statement (and applied), 0 when it is not
 * one (the caller may know it), -1 on error with *e filled. */
int dmt_lang_stmt(struct dmt_lang *l, const struct dmt_line *ln, struct dmt_lang_error *e);

/* Checks that need the whole text (e.g. a topology with nothing in it). 0 or -1. */
int dmt_lang_finish(struct dmt_lang *l, struct dmt_lang_error *e);

/* Fill *e (when not NULL) with the line of ln (0 without one) and the message;
 * returns -1 so parsers can `return dmt_lang_fail(...)`. */
int dmt_lang_fail(struct dmt_lang_error *e, const struct dmt_line *ln, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The iommu index of a language NAME, or -1. */
int32_t dmt_lang_lookup(const struct dmt_lang *l, const char *name);
const char *dmt_lang_name_of(const struct dmt_lang *l, int32_t iommu);

#endif
