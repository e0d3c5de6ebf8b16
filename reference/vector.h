/* Golden vectors: a topology (language or raw bytes), queries, expectations per
 * profile and encoding, and the citation they rest on (vectors/README.md). The
 * parser and the runner are pure: text in, results through a callback. */
#ifndef DMT_VECTOR_H
#define DMT_VECTOR_H

#include "dmatopo.h"
#include "encode.h"
#include "lang.h"

#define DMT_FMT_BIT(f) (1u << (f))
#define DMT_ENC_ALL (DMT_FMT_BIT(DMT_FMT_VIOT) | DMT_FMT_BIT(DMT_FMT_VTOPO) | DMT_FMT_BIT(DMT_FMT_DTB))
#define DMT_VEC_MAX_EXPECT 256
#define DMT_VEC_MAX_LABELS 8
#define DMT_VEC_MAX_DIFFER 8

enum dmt_expect_kind {
	DMT_EXP_RESOLVE,	/* DEVICE RESULT */
	DMT_EXP_LINT,		/* lint LABEL... */
	DMT_EXP_NO_LINT,	/* no-lint LABEL... */
	DMT_EXP_GRANT_LINE,	/* grant-line N TEXT: output line N of the grant script */
	DMT_EXP_GRANT_RESULT,	/* grant-result ok|fail [LABEL...] */
	DMT_EXP_DOMID,		/* domid DEVICE domid=N|none reason=LABEL [FLAGS] [warn LABEL...] */
	DMT_EXP_GRANT_DECODE,	/* grant-decode ADDR [frames=N] ok|LABEL... */
	DMT_EXP_DOMID_ENC,	/* domid-in ENC DEVICE domid=N|none reason=LABEL [differs] [warn LABEL...] */
};

#define DMT_VEC_GRANT_TEXT 192
#define DMT_VEC_MAX_QEMU 32
#define DMT_VEC_MAX_VIRTIO_CMDLINE 4
#define DMT_VEC_QEMU_ARG 160

struct dmt_expect {
	unsigned line;
	uint8_t profiles;		/* DMT_ACTIVE bits */
	uint8_t encodings;		/* DMT_FMT_BIT bits; 0: all of the vector's */
	enum dmt_expect_kind kind;
	/* resolve */
	char device_text[DMT_NAME_MAX];
	struct dmt_device dev;
	bool found;
	size_t nids;
	uint32_t ids[DMT_MAX_IDS];
	bool count_only;		/* ids=N: only the number of IDs is checked */
	enum dmt_label reason;
	bool check_iommu;
	char iommu[DMT_LANG_NAME_MAX];
	bool check_msi;
	uint32_t msi;
	/* lint / no-lint */
	size_t nlabels;
	enum dmt_label labels[DMT_VEC_MAX_LABELS];
	/* grant-line, grant-result, domid */
	unsigned grant_line;
	char grant_text[DMT_VEC_GRANT_TEXT];
	bool grant_ok;
	uint32_t domid;
	bool guest_dom0, guest_force_grant, guest_pv, guest_before_2026;
	uint64_t grant_addr;
	uint32_t grant_frames;
	/* domid-in: a seed-002 encoding (enum dmt_xd_kind), and whether it may differ
	 * from the device tree's answer */
	int xd_kind;
	bool xd_differs;
};

struct dmt_vector {
	struct dmt_lang lang;
	char cite[256];
	uint8_t encodings;		/* from `encode`; 0: every one that can express it */
	struct dmt_encode_opts enc_opts;
	bool vtopo_iommu_known;
	uint16_t vtopo_iommu_segment, vtopo_iommu_bdf;
	size_t ndiffer;
	uint8_t differ[DMT_VEC_MAX_DIFFER];	/* pairs as two DMT_FMT_BIT bits */
	uint8_t differ_profiles[DMT_VEC_MAX_DIFFER];	/* DMT_ACTIVE bits the pair may differ under */
	size_t nexpect;
	struct dmt_expect expect[DMT_VEC_MAX_EXPECT];
	/* `grant LINE` statements: an op script for the grant model */
	char *grant;
	size_t grant_len, grant_cap;
	/* replay: the QEMU machine the vector boots (harness/replay) */
	char replay_arch[16];		/* "x86_64", "arm64" or "xen-arm64", empty: no replay */
	size_t nqemu_devices;
	char qemu_device[DMT_VEC_MAX_QEMU][DMT_VEC_QEMU_ARG];
	char qemu_machine[DMT_VEC_QEMU_ARG];	/* extra -machine properties */
	/* replay-virtio-cmdline ADDR: a virtio-mmio transport the replay hides from the DT
	 * and declares on the kernel command line instead (a device with no DT node) */
	size_t nvirtio_cmdline;
	uint64_t virtio_cmdline[DMT_VEC_MAX_VIRTIO_CMDLINE];
	/* domid-patch / domid-truncate: damage to the seed-002 encodings' bytes */
	uint32_t xd_patch_off;
	size_t xd_patch_n;
	uint8_t xd_patch[DMT_LANG_PATCH_BYTES];
	uint32_t xd_truncate;		/* 0: keep the length */
};

/* An answer the way an `expect` line writes it: "endpoint=0x10 endpoint=0x0 msi=0x10",
 * "iommu=NAME" (no IDs) or "none reason=LABEL". */
void dmt_answer_text(const struct dmt_answer *a, char *out, size_t len);

void dmt_vector_init(struct dmt_vector *v);
void dmt_vector_free(struct dmt_vector *v);
/* 0, or -1 with e naming the line. A vector must have a cite and at least one expect. */
int dmt_vector_parse(const char *text, size_t len, struct dmt_vector *v, struct dmt_lang_error *e);
/* The same grammar without the vector requirements (cite, expect): what
 * `dmatopo encode` reads. */
int dmt_topology_parse(const char *text, size_t len, struct dmt_vector *v, struct dmt_lang_error *e);

/* One checked fact. `what` says which expectation, encoding and profile; on
 * failure `diag` gives both sides. */
struct dmt_result {
	bool ok;
	unsigned line;			/* the vector line, 0 for runner-made checks */
	char what[160];
	char diag[320];
};

typedef void (*dmt_result_fn)(const struct dmt_result *r, void *ctx);

/* Run every expectation of v for the profiles in `profiles` (DMT_ACTIVE bits):
 * encode the topology each way, decode it, resolve and lint, compare, and also
 * check that the encodings agree. Labels seen are OR'ed into seen[] (size
 * DMT_L_COUNT, may be NULL) for the corpus-wide coverage check. Returns the
 * number of failed results. */
size_t dmt_vector_run(const struct dmt_vector *v, uint8_t profiles, dmt_result_fn fn, void *ctx,
		      bool *seen);

/* The bytes the vector's topology becomes in one encoding (patches applied).
 * 0 with *out malloc'd; -1 when the encoding cannot express it (why filled). */
/* vmm-dev, vmm-hotplug, vmm-bridge, viot-builder (reference/vector_vmm.c): 1 when
 * the line was one of them and applied, 0 when not, -1 on error. */
int dmt_vmm_stmt(struct dmt_vector *v, const struct dmt_line *ln, struct dmt_lang_error *e);

int dmt_vector_input(const struct dmt_vector *v, enum dmt_format fmt, uint8_t **out, size_t *len,
		     char *why, size_t whylen);

#endif
