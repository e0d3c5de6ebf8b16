/* libdmatopo: the reference implementation. Buffers in, model and findings out.
 * No I/O, no exits, no printing: every error is a return code or a finding. */
#ifndef DMATOPO_H
#define DMATOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "findings.h"
#include "layout.h"
#include "model.h"

/* Inputs larger than this are refused with InputTooLarge before any parsing. */
#define DMT_INPUT_MAX (16u << 20)

/* ---- decoding ------------------------------------------------------------ */

struct dmt_decode_opts {
	enum dmt_format format;		/* DMT_FMT_UNKNOWN: detect */
	unsigned vtopo_version;		/* 0: detect (2 unless the v3 layout fits better) */
	/* Where the vtopo blob's own virtio-iommu sits (the blob cannot say). */
	bool vtopo_iommu_known;
	uint16_t vtopo_iommu_segment, vtopo_iommu_bdf;
};

/* ACPI signature "VIOT" at 0 → VIOT; FDT magic → DTB; otherwise UNKNOWN
 * (a vtopo blob has no magic and must be asked for). */
enum dmt_format dmt_detect(const uint8_t *buf, size_t len);
const char *dmt_format_name(enum dmt_format f);
/* "viot", "vtopo" or "dtb"; 0 or -1. */
int dmt_format_parse(const char *s, enum dmt_format *f);

/* Decode into t (initialised by the call) and report every structural and
 * semantic finding into f (may be NULL). Returns 0 when a model was produced
 * (possibly partial: look at the findings), -1 when nothing could be decoded.
 * The model never points into buf, except that DT decoding keeps no pointer either. */
int dmt_decode(const uint8_t *buf, size_t len, const struct dmt_decode_opts *o,
	       struct dmt_topo *t, struct dmt_findings *f);

/* Per-format decoders behind dmt_decode (they do not call dmt_topo_init). */
int dmt_viot_decode(const uint8_t *buf, size_t len, struct dmt_topo *t, struct dmt_findings *f);
int dmt_vtopo_decode(const uint8_t *buf, size_t len, const struct dmt_decode_opts *o,
		     struct dmt_topo *t, struct dmt_findings *f);
int dmt_dt_decode(const uint8_t *buf, size_t len, struct dmt_topo *t, struct dmt_findings *f);

/* Model-level checks shared by VIOT and vtopo: overlapping, empty, wrapping and
 * colliding PCI ranges, an IOMMU inside its own range, MMIO endpoint collisions. */
void dmt_lint_ranges(const struct dmt_topo *t, struct dmt_findings *f);

/* ---- devices and resolution --------------------------------------------- */

#define DMT_MAX_ALIASES 8
/* Real trees hold up to 64 IDs on one device (two IOMMUs of 32 entries); more
 * is reported as TooManyIds, never cut silently. */
#define DMT_MAX_IDS 128
#define DMT_VIA_MAX 96

enum dmt_dev_kind { DMT_DEV_PCI, DMT_DEV_MMIO, DMT_DEV_PATH };

struct dmt_device {
	enum dmt_dev_kind kind;
	uint16_t segment;		/* PCI */
	uint16_t rid;			/* PCI: bus<<8 | dev<<3 | fn */
	/* DMA aliases after the device's own RID, in the order
	 * pci_for_each_dma_alias visits them (e.g. a PCIe-to-PCI bridge's
	 * secondary bus with devfn 0). Same segment as the device. */
	uint16_t aliases[DMT_MAX_ALIASES];
	size_t naliases;
	uint64_t mmio;			/* MMIO: the device's first MEM resource start */
	char path[DMT_NAME_MAX];	/* PATH: a DT node path */
};

/* Parse "SSSS:BB:DD.F[+BB:DD.F...]" (each "+" adds an alias, segment optional on
 * the aliases), "mmio:0xADDR" or a path starting with "/". 0 on success. */
int dmt_device_parse(const char *s, struct dmt_device *d);
/* Format the device the way dmt_device_parse reads it. */
void dmt_device_format(const struct dmt_device *d, char *out, size_t outlen);

struct dmt_answer {
	bool found;			/* an IOMMU translates the device */
	size_t nids;
	uint32_t ids[DMT_MAX_IDS];	/* endpoint IDs, in the order the kernel would add them */
	int32_t iommu;			/* index into t->iommus */
	char iommu_name[DMT_NAME_MAX];
	char via[DMT_MAX_IDS][DMT_VIA_MAX]; /* per ID: which node or map entry matched */
	enum dmt_label reason;		/* when !found: why (a resolve.def label) */
	bool has_msi;			/* msi-map applied */
	uint32_t msi_id;
	char msi_via[DMT_VIA_MAX];
	/* Added after the fields above, which keep their meaning: */
	int32_t id_iommu[DMT_MAX_IDS];	/* per ID: index into t->iommus (iommu is id_iommu[0]) */
	int32_t bridge;			/* DT PCI: index into t->bridges of the host bridge, -1 */
	bool node_disabled;		/* DT: the device node's status is not okay */
	/* DT iommus: the specifier's cells after the phandle, per ID (ids[i] is the
	 * first); a specifier of 0 cells names the IOMMU and adds no ID. */
	uint32_t id_ncells[DMT_MAX_IDS];
	uint32_t id_more[DMT_MAX_IDS][3];
	/* VIOT linux: the alias walk stopped at walk_stopped_rid after IDs were added;
	 * acpi_iommu_configure_id then reports failure for the device. */
	bool walk_stopped;
	uint16_t walk_stopped_rid;
};

/* Which IOMMU translates the device and under which endpoint IDs, per profile.
 * Findings met on the way (ambiguity under `spec`) go to f. Returns 0, or -1 on
 * bad arguments. */
int dmt_resolve(const struct dmt_topo *t, enum dmt_profile p,
		const struct dmt_device *d, struct dmt_answer *a,
		struct dmt_findings *f);

/* Per-format resolvers behind dmt_resolve, which checks the arguments and clears
 * the answer (iommu = -1) before calling them: call dmt_resolve. */
int dmt_viot_resolve(const struct dmt_topo *t, enum dmt_profile p,
		     const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f);
int dmt_vtopo_resolve(const struct dmt_topo *t, enum dmt_profile p,
		      const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f);
int dmt_dt_resolve(const struct dmt_topo *t, enum dmt_profile p,
		   const struct dmt_device *d, struct dmt_answer *a, struct dmt_findings *f);

/* Linux of_map_id() and its strict counterpart, on a decoded map. Returns 0 with
 * *target (index into t->iommus, -1 for bypass) and *out set, or a negative errno
 * the way Linux does (-EINVAL bad length, -EFAULT mask ignores a base, -ENODEV
 * dangling phandle); *entry gets the matching entry index or -1. */
int dmt_map_id(const struct dmt_topo *t, const struct dmt_idmap *m, enum dmt_profile p,
	       uint32_t id, int32_t want_target, int32_t *target, uint32_t *out,
	       int32_t *entry, struct dmt_findings *f);

/* Check a flattened device tree's header, reservation map and structure block
 * with bounded reads before anything else reads it: DTBadHeader, DTTruncated or
 * DTBadStructure and -1 when it is not sound. */
int dmt_fdt_check(const uint8_t *buf, size_t len, struct dmt_findings *f);

/* The PCI domain Linux gives each host bridge of a decoded DTB (dom[i] for
 * t->bridges[i], -1 when the bridge is disabled, is no PCI bus, or would fail to
 * probe), as of_pci_bus_find_domain_nr does: linux,pci-domain, else the lowest
 * number no PCI node reserves, in blob order. dom must hold t->nbridges entries. */
void dmt_dt_linux_domains(const struct dmt_topo *t, int32_t *dom);


const char *dmt_profile_name(enum dmt_profile p);
int dmt_profile_parse(const char *s, enum dmt_profile *p);

#endif
