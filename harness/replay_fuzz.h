/* Kernel-in-the-loop fuzzing (dmatopo replay-fuzz): random and malformed topologies,
 * each written as a replay vector, booted and judged by the replay's one verdict.
 *   replay_fuzz_gen.c     a case from a seed: QEMU layout, maps or VIOT, malformations;
 *                         its vector text, with the reference's answers as expectations
 *   replay_fuzz_shrink.c  smaller cases that keep a disagreement, and its signature
 *   cmd_replay_fuzz.c     the run: time and case bounds, workers, tally, candidates */
#ifndef DMT_REPLAY_FUZZ_H
#define DMT_REPLAY_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay.h"

#define FZ_MAX_DEVS 8
#define FZ_MAX_MAP 6
#define FZ_MAX_MSI 3
#define FZ_MAX_RANGES 5
#define FZ_MAX_PATCH 3
#define FZ_TEXT_MAX 65536
#define FZ_DONOR_MAX 2048

/* Where a device sits in the QEMU layout. */
enum fz_place { FZ_ROOT_BUS, FZ_ROOT_PORT, FZ_PCI_BRIDGE };

struct fz_dev {
	enum fz_place place;
	uint8_t slot, fn;		/* on the root bus; behind a port or bridge: slot only */
};

/* One iommu-map / msi-map entry. */
struct fz_entry {
	uint32_t rid, out, len;
	bool dangling;			/* target phandle names no node */
};

struct fz_range {
	uint16_t seg_start, seg_end;
	uint16_t bdf_start, bdf_end;
	uint32_t ep;
};

/* A byte overwritten in the encoded VIOT (a lie about lengths, counts, types, offsets). */
struct fz_patch {
	uint32_t off;
	uint16_t val;
	uint8_t width;			/* 1 or 2 bytes, little-endian */
};

struct fz_case {
	enum replay_arch arch;
	uint64_t seed;			/* the run's seed */
	uint64_t index;			/* the case number: the seed and the index make it */
	size_t ndevs;
	struct fz_dev dev[FZ_MAX_DEVS];
	bool root_port, pci_bridge;	/* present in the layout */
	/* arm64: the host bridge's maps */
	size_t nmap;
	struct fz_entry map[FZ_MAX_MAP];
	bool has_mask;
	uint32_t mask;
	size_t nmsi;
	struct fz_entry msi[FZ_MAX_MSI];
	bool has_msi_mask;
	uint32_t msi_mask;
	unsigned cut_bytes;		/* iommu-map shortened by this many bytes (raw DTB) */
	/* x86_64: the VIOT */
	size_t nranges;
	struct fz_range range[FZ_MAX_RANGES];
	size_t npatch;
	struct fz_patch patch[FZ_MAX_PATCH];
	/* from a fuzz corpus file (fz_donate): arm64 takes the bytes of its first
	 * iommu-map in place of the generated one, x86_64 its whole VIOT */
	size_t ndonor;
	uint8_t donor[FZ_DONOR_MAX];
	char donor_name[64];
};

/* Give case c the corpus file's topology: a DTB, a VIOT, or a vector-language text
 * (encoded the way the case's machine needs). 0, or -1 when the file has nothing the
 * case can use (then c is unchanged). */
int fz_donate(struct fz_case *c, const uint8_t *file, size_t len, const char *name);

/* The case number index of the run seeded with seed, for arch. */
void fz_generate(uint64_t seed, uint64_t index, enum replay_arch arch, struct fz_case *c);

/* The case as a replay vector: machine, devices, topology, and one `expect linux`
 * line per device with the reference's answer on the case's own table (so the vector
 * is also a golden vector). note (may be empty) goes into the comment at the top.
 * 0, or -1 with why (the case cannot be encoded or resolved). */
int fz_vector_text(const struct fz_case *c, const char *note, char *out, size_t len, char *why,
		   size_t whylen);

/* The same case one step smaller or simpler, for step 0, 1, 2... while there are
 * steps; false when step is past the last one. */
bool fz_shrink_step(const struct fz_case *c, unsigned step, struct fz_case *smaller);

/* A disagreement's signature, for deduplication: the machine and, per failing device
 * check, which side has IDs and whether the counts match; the device side's failures
 * as "qemu-differs" (QEMU against its model) or "e2e-broken" (IDs given, nothing
 * translated, not waived). "" when nothing failed. */
void fz_signature(const struct replay_verdict *v, char *out, size_t len);

#endif
