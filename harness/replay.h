/* The QEMU replay (dmatopo replay): boot a vector's machine, read what the guest
 * kernel computed from its console, resolve the same devices with the reference on
 * the firmware description the guest saw, and compare. One concern per file:
 *   replay_machine.c  the QEMU argv for a vector
 *   replay_run.c      running QEMU with a deadline (process group killed on expiry)
 *   replay_dt.c       rewriting QEMU's arm virt DT with the vector's maps (libfdt)
 *   replay_console.c  parsing the console (epid, DMT lines, blobs) and QEMU's trace
 *   replay_compare.c  DMA aliases from the agent's bridge facts, reference vs kernel
 *   replay_lspci.c    the guest's own lspci dump resolved like the replay (lspci.txt)
 *   replay_verdict.c  the gate's verdict: known divergences, XPASS, the run's exit status
 *   replay_report.c   KTAP, JUnit and JSON-lines output per vector
 *   replay_summary.c  the whole run: summary JSON lines, REPORT.md's matrix, the tally
 *   replay_vector.c   one vector from start to verdict (what a worker runs)
 *   replay_xen_dt.c   the Xen machine's DT: xen,grant-dma nodes, iommus, dom0 modules
 *   replay_xen_obs.c  the Xen grant-DMA probe lines and the agent's virtio list
 *   replay_xen.c      backend domid and grant maps, kernel against reference
 *   replay_device_trace.c  QEMU's virtio-iommu trace lines (PROBE, ATTACH, address spaces)
 *   replay_device.c   QEMU's answers judged against the device model, end to end per device */
#ifndef DMT_REPLAY_H
#define DMT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dmatopo.h"
#include "qemu_device.h"

struct dmt_vector;
struct replay_checks;

enum replay_arch { REPLAY_X86_64, REPLAY_ARM64, REPLAY_ARCH_COUNT };

/* Where QEMU, the kernels and the initramfs are; from options or the environment. */
struct replay_env {
	const char *qemu[REPLAY_ARCH_COUNT];
	const char *kernel[REPLAY_ARCH_COUNT];
	const char *initrd[REPLAY_ARCH_COUNT];
	unsigned timeout_s;		/* per boot */
	double started;			/* replay_now() when the run began, for progress lines */
	/* x86_64: put the vector's own VIOT in front of the kernel through the initrd ACPI
	 * table upgrade (replay_initrd.c; needs a kernel that allows VIOT there) */
	bool viot_upgrade;
	const char *xen;		/* the arm64 Xen hypervisor image (xen-arm64 machines) */
};

const char *replay_arch_name(enum replay_arch a);
/* QEMU_X86, QEMU_ARM64, DMT_KERNEL_X86/ARM64, DMT_INITRD_X86/ARM64 and DMT_XEN from the
 * environment; everything else zero (cmd_replay.c). */
void replay_env_from_environment(struct replay_env *env);
/* "x86_64" / "arm64" → 0, else -1. */
int replay_arch_parse(const char *s, enum replay_arch *a);
/* A vector's replay machine: "x86_64", "arm64", or "xen-arm64" (arm64 with Xen 4.17
 * underneath and the kernel as dom0). 0, else -1. */
int replay_machine_parse(const char *s, enum replay_arch *a, bool *xen);

/* snprintf that may cut: diagnostics are bounded on purpose. */
void replay_fmt(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- replay_machine.c ---------------------------------------------------- */

#define REPLAY_MAX_ARGS 128

struct replay_argv {
	char *arg[REPLAY_MAX_ARGS + 1];	/* NULL-terminated, each malloc'd */
	size_t n;
	bool overflow;
};

void replay_argv_free(struct replay_argv *a);
int replay_argv_add(struct replay_argv *a, const char *s);

/* True when s holds only the characters a vector may pass to QEMU. */
bool replay_qemu_word_ok(const char *s);

/* Make a file-name-safe copy of s: [A-Za-z0-9._-] kept, anything else '_', no
 * leading '.', never empty, at most outlen-1 characters. */
void replay_sanitize(const char *s, char *out, size_t outlen);

/* The boot argv for v (console, trace and DTB paths under dir; dtb may be NULL).
 * 0, or -1 with why filled. */
int replay_machine_argv(const struct dmt_vector *v, enum replay_arch arch,
			const struct replay_env *env, const char *dir, const char *dtb,
			struct replay_argv *a, char *why, size_t whylen);
/* The same for a xen-arm64 vector: Xen as the QEMU kernel, the dom0 kernel and
 * initramfs placed by -device loader where the DT's /chosen modules say
 * (REPLAY_XEN_KERNEL_ADDR, REPLAY_XEN_INITRD_ADDR). */
int replay_xen_machine_argv(const struct dmt_vector *v, const struct replay_env *env,
			    const char *dir, const char *dtb, struct replay_argv *a, char *why,
			    size_t whylen);

/* ---- replay_run.c -------------------------------------------------------- */

enum replay_exit { RUN_EXITED, RUN_SIGNALED, RUN_TIMEOUT, RUN_SPAWN_FAILED };

struct replay_run {
	enum replay_exit how;
	int code;			/* exit status or signal */
	double seconds;
};

/* Run argv in its own process group, stdin from /dev/null, stdout+stderr to
 * log_path; kill the whole group after timeout_s. */
int replay_run(const struct replay_argv *a, const char *log_path, unsigned timeout_s,
	       struct replay_run *r);
double replay_now(void);

/* ---- replay_dt.c --------------------------------------------------------- */

/* Rewrite QEMU's DT (qemu, qlen) with the maps of the vector's own DTB (vdtb):
 * on every host bridge of the vector whose path QEMU's DT has, set iommu-map,
 * iommu-map-mask (deleted when the vector has none) and msi-map, msi-map-mask (kept
 * from QEMU unless the vector has them), each phandle translated through the node
 * path. *out is malloc'd. 0, or -1 with why. */
int replay_dt_rewrite(const uint8_t *qemu, size_t qlen, const uint8_t *vdtb, size_t vlen,
		      uint8_t **out, size_t *outlen, char *log, size_t loglen, char *why,
		      size_t whylen);

/* A DT rewrite in progress: QEMU's tree open for writing, the vector's DTB, the
 * rewrite's log and the reason it stopped. */
struct replay_dt_job {
	uint8_t *q;
	const uint8_t *v;
	char *log;
	size_t loglen;
	char *why;
	size_t whylen;
};

/* Check both trees and open a copy of QEMU's for writing (64 KiB to grow) into j->q;
 * j->v, log and why must be set. 0, or -1 with why. */
int replay_dt_open(struct replay_dt_job *j, const uint8_t *qemu, size_t qlen, size_t vlen);
/* Append one line to the rewrite's log (bounded; a full log drops the line). */
void replay_dt_say(struct replay_dt_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* QEMU's phandle for the node the vector's phandle vph names, given one if it has
 * none; a phandle QEMU's tree does not use when vph is dangling; 0 with why when the
 * vector's node is not in QEMU's tree. */
uint32_t replay_dt_phandle(struct replay_dt_job *j, uint32_t vph);

/* ---- replay_xen_dt.c ------------------------------------------------------ */

#define REPLAY_XEN_KERNEL_ADDR 0x49000000ull
#define REPLAY_XEN_INITRD_ADDR 0x50000000ull
/* virt's virtio-mmio transports: 32 of 0x200 bytes from 0xa000000, SPI 16 upwards */
#define REPLAY_VIRTIO_MMIO_BASE 0xa000000ull
#define REPLAY_VIRTIO_MMIO_COUNT 32u

/* What dom0 boots with, for /chosen. */
struct replay_xen_boot {
	uint64_t kernel_size, initrd_size;
	const char *xen_args;		/* Xen's own command line */
	const char *dom0_args;		/* the dom0 kernel's */
};

/* QEMU's DT (virtualization=on) made into the Xen machine's: every xen,grant-dma
 * node of the vector's DTB added at its path, every `iommus` of a vector node set on
 * QEMU's node at the same path (phandles translated), the vector's
 * replay-virtio-cmdline transports hidden from Linux's virtio-mmio driver, the
 * host bridge maps as replay_dt_rewrite copies them (when the vector has a bridge),
 * and /chosen given Xen's command line and the dom0 kernel and initramfs modules.
 * *out is malloc'd. 0, or -1 with why. */
int replay_xen_dt(const uint8_t *qemu, size_t qlen, const struct dmt_vector *v,
		  const uint8_t *vdtb, size_t vlen, const struct replay_xen_boot *b,
		  uint8_t **out, size_t *outlen, char *log, size_t loglen, char *why,
		  size_t whylen);
/* The dom0 command line for v: console, the Xen grant-DMA probes, and one
 * virtio_mmio.device= per replay-virtio-cmdline transport. */
void replay_xen_dom0_args(const struct dmt_vector *v, char *out, size_t len);

/* ---- replay_xen_obs.c ----------------------------------------------------- */

#define REPLAY_XEN_MAX_VIRTIO 32
#define REPLAY_XEN_MAX_MAPS 64
#define REPLAY_XEN_MAX_GRANTS 16

/* One gnttab_grant_foreign_access_ref call. */
struct replay_xen_grant {
	uint32_t ref;
	uint16_t domid;
	uint64_t frame;
	int readonly;
};

/* One xen_grant_dma_map_page or xen_grant_dma_alloc, with the grants it wrote. */
struct replay_xen_map {
	bool alloc;
	char dev[64];
	uint64_t offset, size;		/* alloc: offset 0 */
	int dir;			/* enum dma_data_direction; alloc: -1 */
	bool have_dma;
	uint64_t dma;			/* map_page's return value */
	size_t ngrants;
	struct replay_xen_grant grant[REPLAY_XEN_MAX_GRANTS];
	bool grants_overflow;
};

/* A virtio device: the agent's line joined with xen_virtio_restricted_mem_acc. */
struct replay_xen_virtio {
	int index;
	char parent[64];		/* transport: "a003e00.virtio_mmio", "0000:00:01.0" */
	char driver[32];
	bool listed;			/* the agent printed it */
	bool probed;			/* xen_virtio_restricted_mem_acc was entered */
	bool have_ret;
	int ret;			/* 1: grant DMA set up */
	bool stored;			/* xen_grant_dma_data stored (domid known) */
	uint16_t domid;
};

struct replay_xen_obs {
	size_t nvirtio;
	struct replay_xen_virtio virtio[REPLAY_XEN_MAX_VIRTIO];
	bool virtio_overflow;
	size_t nmaps;
	struct replay_xen_map map[REPLAY_XEN_MAX_MAPS];
	size_t maps_dropped;		/* past REPLAY_XEN_MAX_MAPS */
	size_t stray_grants;		/* grants written outside a grant-DMA map */
	bool xen_seen;			/* "(XEN)" lines: the hypervisor ran */
	bool dom0_loaded;		/* "LOADING DOMAIN 0" */
	char xen_panic[200];
};

/* Parse the Xen probe lines (xgacc, xgaccr, xgstore, xgalloc, xgmap, xgmapr, xgref)
 * and "DMT virtio" lines of a console. */
void replay_xen_parse(const char *text, size_t len, struct replay_xen_obs *x);

/* ---- replay_xen.c ---------------------------------------------------------- */

/* Judge every virtio device of x: the backend domid the kernel chose (or that it
 * chose none) against dmt_gnt_domid on the dom0 DT, and each grant map against the
 * grant model. Adds one "domid DEVICE" and, for devices that mapped, one "grants
 * DEVICE" check per device. */
void replay_xen_compare(const struct replay_xen_obs *x, const uint8_t *fdt, size_t len,
			const struct dmt_vector *v, struct replay_checks *cs);

/* ---- replay_initrd.c ---------------------------------------------------- */

/* Write out_path: an uncompressed cpio with kernel/firmware/acpi/viot.aml (the VIOT
 * given QEMU's OEM identity, a higher OEM revision and a fixed checksum), then the
 * bytes of base_initrd. 0, or -1 with why. */
int replay_viot_initrd(const uint8_t *viot, size_t len, const char *base_initrd,
		       const char *out_path, char *why, size_t whylen);

/* ---- replay_console.c ---------------------------------------------------- */

#define REPLAY_MAX_DEVS 256
#define REPLAY_MAX_KIDS 32
#define REPLAY_MAX_ATTACH 512

struct replay_dev {
	uint16_t segment, rid;
	int pcie_type;			/* -1: conventional PCI */
	int hdr;
	bool is_bridge;
	uint8_t primary, secondary, subordinate;
	bool bind_error;
	bool deferred;			/* on the kernel's deferred-probe list (agent: DMT deferred) */
	bool stubbed;			/* the agent bound it to pci-stub (no driver of its own) */
	size_t nkids;			/* epid lines, in console order */
	uint32_t kids[REPLAY_MAX_KIDS];
	bool kids_overflow;
	int group;			/* -1: none listed */
	/* of_msi_map_id's answers (arm64 msiin/msiid kprobe pairs), in console order */
	size_t nmsi;
	uint32_t msi[REPLAY_MAX_KIDS];
	bool msi_broken;		/* an entry line without its return line, or too many */
};

/* What QEMU's trace says its virtio-iommu did (replay_device_trace.c). QEMU 7.2 traces
 * no PROBE: a fill_resv_property line per reserved region shows one that succeeded;
 * attach is traced before the lookup, get_endpoint only when the lookup found it. */
#define REPLAY_MAX_QEPS 512
struct replay_qtrace {
	size_t nmr;			/* virtio_iommu_init_iommu_mr: an address space made */
	uint8_t mr_devfn[REPLAY_MAX_QEPS];
	size_t nprobe;			/* virtio_iommu_fill_resv_property dev=E (distinct E) */
	uint32_t probe[REPLAY_MAX_QEPS];
	size_t nalloc;			/* virtio_iommu_get_endpoint Alloc endpoint=E */
	uint32_t alloc[REPLAY_MAX_QEPS];
	bool overflow;
};

/* One trace line (called for every line of the trace by replay_parse_trace). */
void replay_qtrace_line(const char *line, struct replay_qtrace *q);

struct replay_obs {
	size_t ndevs;
	struct replay_dev devs[REPLAY_MAX_DEVS];
	bool devs_overflow;
	/* epid lines for PCI names the agent never listed */
	size_t nstray;
	char stray[8][48];
	bool agent_started, done;
	unsigned agent_errors;		/* from "DMT done errors=N" */
	/* "DMT error bind SBDF" lines come before the listing: kept here, applied after */
	size_t nbind_errors;
	uint32_t bind_error[REPLAY_MAX_DEVS];	/* segment << 16 | rid */
	size_t ndeferred;
	uint32_t deferred[REPLAY_MAX_DEVS];	/* segment << 16 | rid */
	size_t nstubbed;
	uint32_t stubbed[REPLAY_MAX_DEVS];	/* segment << 16 | rid: "DMT bind ... driver=pci-stub" */
	bool any_group;			/* some device got an IOMMU group in this boot */
	size_t nerror_lines;
	char error_line[4][200];
	bool panic;
	char panic_line[200];
	/* "ACPI: VIOT: Could not find PCI IOMMU" / "... MMIO IOMMU": the table's IOMMU is
	 * not on this machine (no PCI device at its BDF, no ACPI device consuming its
	 * address), and Linux skipped the ranges that use it */
	bool viot_iommu_missing;
	/* the firmware blob the kernel used: VIOT (first table) or fdt */
	char blob_name[16];
	uint8_t *blob;
	size_t blob_len;
	bool blob_ok;
	char blob_problem[200];
	size_t nviot_tables;
	size_t nmsi_seen;		/* msiid lines paired with an entry line */
	/* QEMU trace */
	size_t nattach;
	uint32_t attach[REPLAY_MAX_ATTACH];
	struct replay_qtrace qtrace;	/* the device side's events */
};

void replay_obs_free(struct replay_obs *o);
/* Calls fn on each line of a console text (CR and NUL dropped, long lines cut). */
void replay_each_line(const char *text, size_t len, void (*fn)(const char *, void *), void *ctx);
/* Parse a console text (CR LF or LF). The blob named `want` ("VIOT" or "fdt") is
 * reassembled and CRC-checked. */
void replay_parse_console(const char *text, size_t len, const char *want, struct replay_obs *o);
void replay_parse_trace(const char *text, size_t len, struct replay_obs *o);
struct replay_dev *replay_find_dev(struct replay_obs *o, uint16_t seg, uint16_t rid);

/* ---- replay_compare.c ---------------------------------------------------- */

enum replay_status { REPLAY_PASS, REPLAY_FAIL, REPLAY_ERROR };

#define REPLAY_DIAG 512

/* QEMU's side of one device: its answers against the device model, and where the
 * device ends up end to end (replay_device.c fills it, replay_verdict.c judges it). */
enum replay_qemu_side { QSIDE_NONE, QSIDE_AGREE, QSIDE_DIFFER };

struct replay_qside {
	enum replay_qemu_side qemu;	/* NONE: not judged (no device, or no trace) */
	enum dmt_e2e e2e;		/* with the qemu-7.2 model's answers, as QEMU gave them */
	enum dmt_e2e e2e_spec;		/* what a device following the spec would give */
	bool blind;			/* QEMU cannot know the firmware the kernel used (rewrite) */
	const char *waiver;		/* the known end-to-end failure naming it, or NULL */
	char requests[160];		/* the model's answers: "PROBE 0x218 NOENT; ..." */
	char qemu_said[160];		/* QEMU's, from its trace, when they differ */
	char why[200];			/* why it is not translated */
};

struct replay_check {
	enum replay_status status;
	char what[64];			/* "0000:02:03.0" or "boot", "firmware" */
	char diag[REPLAY_DIAG];		/* both sides, or why there is no verdict */
	char note[REPLAY_DIAG];		/* reported, never a failure (QEMU attach trace) */
	/* for JSON */
	bool is_device;
	size_t nkernel, nref;
	uint32_t kernel[REPLAY_MAX_KIDS], ref[DMT_MAX_IDS];
	char ref_reason[48];
	size_t naliases;
	uint16_t aliases[DMT_MAX_ALIASES];
	size_t nsent;			/* kernel[0..nsent) went to the IOMMU driver */
	bool walk_stopped;		/* VIOT alias walk stopped: IDs added, never probed */
	uint16_t walk_stopped_rid;	/* the alias it stopped at */
	struct replay_qside qside;	/* the device side (replay_device.c) */
};

struct replay_checks {
	struct replay_check *c;
	size_t n, cap;
};

struct replay_check *replay_checks_add(struct replay_checks *cs);
void replay_checks_free(struct replay_checks *cs);

/* DMA aliases of dev, the way pci_for_each_dma_alias walks up from it, from the
 * agent's bridge facts. Returns the count (at most max). */
size_t replay_dma_aliases(const struct replay_obs *o, const struct replay_dev *dev,
			  uint16_t *aliases, size_t max);
/* The agent's facts about d as the alias walk (and the device model) take them. */
void replay_pci_fn(const struct replay_dev *d, struct dmt_pci_fn *fn);
/* "SSSS:BB:DD.F", the name of d's check. */
void replay_device_name(const struct replay_dev *d, char *out, size_t len);

/* The note on a device the kernel left without IDs where the table's IOMMU is not on
 * the machine (Linux drops its ranges; the reference reads the table alone). */
#define REPLAY_NOTE_IOMMU_MISSING \
	"the kernel could not find the table's IOMMU on this machine (viot.c: Could not find ... IOMMU), so it skipped its ranges; the reference reads the table alone"

/* Compare every enumerated device; the observation must already be complete. */
void replay_compare(const struct replay_obs *o, const struct dmt_topo *t,
		    struct replay_checks *cs);

/* ---- replay_msi.c -------------------------------------------------------- */

/* After replay_compare: one check "msi SBDF" per device whose MSI DeviceID the kernel
 * reported (of_msi_map_id), against the reference's msi= answer on t (the DT the guest
 * saw); FAIL when they differ, ERROR for a broken observation. When the vector's own
 * topology (declared) has an msi-map and no device reported an ID, a single ERROR
 * check "msi": the vector could not be judged on it. */
void replay_msi_check(const struct replay_obs *o, const struct dmt_topo *t,
		      const struct dmt_topo *declared, struct replay_checks *cs);

/* ---- replay_device.c ----------------------------------------------------- */

/* After replay_compare: judge QEMU's answers to every device's requests (its trace
 * against the qemu-7.2 model on the enumerated machine), set each device check's
 * qside (answers, end-to-end state, blind when the replay rewrote the firmware and
 * QEMU's own, DIR/qemu.dtb on arm64, gives other IDs), and add the check
 * "qemu-device": the address spaces QEMU made, or ERROR when the trace shows none. */
void replay_device_judge(const char *dir, enum replay_arch arch, bool viot_upgrade,
			 const struct replay_obs *o, struct replay_checks *cs);

/* ---- replay_device_version.c --------------------------------------------- */

/* The QEMU binary a replay of arch a runs (the option, or the default name). */
const char *replay_qemu_bin(const struct replay_env *env, enum replay_arch a);
/* The first line of `BIN --version` (saved as RESULTS/qemu-version-ARCH.txt), or
 * "unknown (...)" when it fails. */
void replay_qemu_version(const struct replay_env *env, enum replay_arch a, const char *results,
			 char *out, size_t len);

/* ---- replay_lspci.c ------------------------------------------------------ */

/* After replay_compare: take the agent's "lspci" blob from DIR/console.log, save it
 * as DIR/lspci.txt, resolve every device of it on t (linux profile) with the aliases
 * the dump's bridges give, and add one check "lspci": PASS when each device gets the
 * reference answer of its device check in cs, FAIL with both sides of the first
 * difference, ERROR when there is no usable dump. */
void replay_lspci_check(const char *dir, const struct dmt_topo *t, struct replay_checks *cs);

/* ---- replay_verdict.c ---------------------------------------------------- */

/* What the gate makes of one vector. XFAIL: a listed known divergence that still
 * disagrees (accepted); XPASS: a listed one that now agrees (red: take it off). */
enum replay_gate { GATE_PASS, GATE_FAIL, GATE_ERROR, GATE_SKIP, GATE_XFAIL, GATE_XPASS };

#define REPLAY_MAX_KNOWN 1024

/* One line of the known-divergence list (--known FILE): VECTOR REASON... */
struct replay_known_entry {
	char vector[256];
	char reason[256];
	unsigned line;
	bool used;			/* some vector of this run matched it */
};

struct replay_known {
	struct replay_known_entry *e;
	size_t n;
};

/* Parse the list; '#' starts a comment line. A line without a reason, a vector
 * listed twice or a control character is refused: 0, or -1 with why. */
int replay_known_parse(const char *text, size_t len, struct replay_known *k, char *why,
		       size_t whylen);
void replay_known_free(struct replay_known *k);
typedef int (*replay_known_parser)(const char *, size_t, struct replay_known *, char *, size_t);
/* Read and parse a list file with parse (replay_known_parse, replay_e2e_known_parse);
 * no path: an empty list. 0, or -1 with "dmatopo CMD: PATH: why" on err (cmd_replay.c). */
int replay_known_load(const char *cmd, const char *path, replay_known_parser parse,
		      struct replay_known *k, FILE *err);
/* The entry naming this vector (its path, or a tail of it after a '/'), or NULL. */
struct replay_known_entry *replay_known_find(struct replay_known *k, const char *vector);

struct replay_verdict;
enum replay_gate replay_gate_of(const struct replay_verdict *v, bool known);

/* The device side. A check fails there when QEMU answered otherwise than the device
 * model, or when its device is broken end to end although the kernel agreed with the
 * reference, QEMU could know the firmware, and no known end-to-end failure names it. Never excused by the known-divergence list
 * (that list is about the kernel). */
bool replay_device_failed(const struct replay_check *c);
/* A known end-to-end failure whose device is not broken any more (red, like XPASS). */
bool replay_e2e_xpass(const struct replay_check *c);
size_t replay_device_failures(const struct replay_verdict *v);
/* Known end-to-end failures (--known-e2e FILE), one per line: VECTOR@SSSS:BB:DD.F
 * REASON... (VECTOR as in the known-divergence list). Parsed like that list; a line
 * without @DEVICE is refused. 0, or -1 with why. */
int replay_e2e_known_parse(const char *text, size_t len, struct replay_known *k, char *why,
			   size_t whylen);
/* Point v's device checks at the entries naming them (and mark those used); count in
 * v->e2e_stale the entries naming v's vector but no device it enumerated. */
void replay_e2e_waive(struct replay_known *k, struct replay_verdict *v);
const char *replay_gate_name(enum replay_gate g);

struct replay_tally {
	size_t pass, fail, error, skip, xfail, xpass;
};

void replay_tally_add(struct replay_tally *t, enum replay_gate g);
/* The run passes: something was replayed, and no FAIL, ERROR or XPASS. */
bool replay_tally_ok(const struct replay_tally *t);

/* ---- replay_report.c ----------------------------------------------------- */

struct replay_verdict {
	char vector[4096];		/* the path as given */
	char name[128];			/* sanitised, the results subfolder */
	char arch[16];
	bool skipped;
	char skip_why[128];
	double boot_s, verdict_s;	/* last boot; start to verdict */
	unsigned attempts;
	struct replay_checks checks;
	/* set by the run once the vector is done (replay_verdict.c decides) */
	enum replay_gate gate;
	const char *known_reason;	/* the known-divergence line naming it, or NULL */
	size_t e2e_stale;		/* known end-to-end failures naming no device of it */
	char e2e_stale_first[64];	/* the first such device */
};

size_t replay_count(const struct replay_verdict *v, enum replay_status st);
/* The device side of c in one line ("" when it has none). */
void replay_qside_text(const struct replay_check *c, char *out, size_t len);
/* The vector's KTAP subtest (indented) and its top-level line numbered num, with
 * the gate's directive (SKIP, TODO for a known divergence, XPASS). */
void replay_ktap(FILE *out, const struct replay_verdict *v, size_t num);
void replay_junit_suite(FILE *j, const struct replay_verdict *v);
void replay_json_lines(FILE *out, const struct replay_verdict *v);
/* Write path atomically: to path.tmp, then rename. fn prints the contents. */
int replay_write_atomic(const char *path, void (*fn)(FILE *, const void *), const void *arg);

/* ---- replay_summary.c ---------------------------------------------------- */

/* The whole run, for machines and for REPORT.md: every vector given, replayed or
 * not, parsed or not, has its line and its row. */
struct replay_run_summary {
	const struct replay_verdict *v;
	size_t n;
	const struct replay_known *known;
	struct replay_tally tally;
	const char *title;		/* heading prefix in the Markdown, e.g. "Replay" */
	bool all_checks;		/* the Markdown lists every check, passes included */
	double seconds;
	const char *kernel;		/* --kernel-label (e.g. "6.12"), NULL when not given */
	/* the device side: known end-to-end failures, the QEMU judged per machine */
	const struct replay_known *known_e2e;
	const char *qemu_bin[REPLAY_ARCH_COUNT];
	char qemu_version[REPLAY_ARCH_COUNT][160];
};

/* One JSON object per vector: vector, name, arch, status, verdict, counts, times. */
void replay_summary_jsonl(FILE *out, const struct replay_run_summary *s);
/* The Markdown REPORT.md includes: agreement matrix (a row per vector), times per
 * machine, disagreements and errors, known divergences, notes. */
void replay_summary_markdown(FILE *out, const struct replay_run_summary *s);
/* "passed failed skipped" for make check's tally: known divergences count as
 * passed, XPASS and ERROR as failed. */
void replay_summary_tally(FILE *out, const struct replay_run_summary *s);

/* ---- replay_vector.c ----------------------------------------------------- */

/* Everything for one vector: boot (one retry on a boot failure), parse, compare,
 * and write DIR/NAME/results.jsonl. Progress to err. */
void replay_one(const char *path, const char *results, const struct replay_env *env,
		size_t k, size_t total, struct replay_verdict *out, FILE *err);

#endif
