/* dtb_build: build small device-tree blobs in tests, on libfdt's sequential-write
 * API. Linked into every test binary. The API is deliberately small and stable:
 *
 *	struct dtb_build b;
 *	dtb_begin(&b, 0);			// root node open, 0 = default capacity
 *	dtb_u32(&b, "#address-cells", 2);
 *	dtb_node(&b, "iommu@0");		// child of root
 *	dtb_u32(&b, "phandle", 1);
 *	dtb_u32(&b, "#iommu-cells", 1);
 *	dtb_end(&b);				// closes iommu@0
 *	dtb_cells_lit(&b, "iommu-map", 0, 1, 0, 0x10000);
 *	size_t len;
 *	uint8_t *blob = dtb_finish(&b, &len);	// closes root; NULL on any error
 *	...
 *	free(blob);
 *
 * Errors are sticky: the first libfdt error is kept in b.err (negative, -FDT_ERR_*)
 * and every later call does nothing, so tests can build without checking each
 * step and assert on dtb_finish's result once. Nodes left open are closed by
 * dtb_finish. Properties are emitted exactly as given (no sorting, no dedup), so
 * tests can build duplicate or malformed properties on purpose.
 *
 * Write a node's properties before its child nodes: libfdt's sequential writer
 * accepts a property after a subnode, fdt_check_full passes it, but readers
 * (fdt_first_property_offset, Linux's unflattening) never see it. */
#ifndef DTB_BUILD_H
#define DTB_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define DTB_BUILD_DEFAULT_CAP 16384u

struct dtb_build {
	uint8_t *buf;		/* malloc'd; handed to the caller by dtb_finish */
	size_t cap;
	int depth;		/* open nodes, root included */
	int err;		/* 0, or the first negative libfdt error (or -FDT_ERR_NOSPACE on malloc failure) */
};

/* Start a blob of at most cap bytes (0: DTB_BUILD_DEFAULT_CAP) and open the root node. */
int dtb_begin(struct dtb_build *b, size_t cap);
/* Open a child node of the currently open node. */
int dtb_node(struct dtb_build *b, const char *name);
/* Close the innermost open node. */
int dtb_end(struct dtb_build *b);
/* Raw property: len bytes of val (val may be NULL when len is 0: a boolean property). */
int dtb_prop(struct dtb_build *b, const char *name, const void *val, size_t len);
/* Empty property, e.g. "msi-controller". */
int dtb_flag(struct dtb_build *b, const char *name);
/* One big-endian cell. */
int dtb_u32(struct dtb_build *b, const char *name, uint32_t v);
/* n big-endian cells from a host-order array. */
int dtb_cells(struct dtb_build *b, const char *name, const uint32_t *cells, size_t n);
/* NUL-terminated string property. */
int dtb_string(struct dtb_build *b, const char *name, const char *s);
/* Cells given inline: dtb_cells_lit(&b, "reg", 0x0, 0x1000). */
#define dtb_cells_lit(b, name, ...)                                              \
	dtb_cells((b), (name), (const uint32_t[]){ __VA_ARGS__ },                  \
		  sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* Close every open node, finish the blob and return it (malloc'd, caller frees)
 * with its total size in *len. NULL when any step failed; b is reset either way. */
uint8_t *dtb_finish(struct dtb_build *b, size_t *len);
/* Drop an unfinished build. */
void dtb_abort(struct dtb_build *b);

#endif
