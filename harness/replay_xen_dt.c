/* The device tree of a xen-arm64 replay machine. Xen 4.17 boots from QEMU's arm virt
 * tree (virtualization=on) and builds dom0's tree from it, so everything the dom0
 * kernel should see goes into this one: the vector's xen,grant-dma nodes (and other
 * IOMMU targets), the
 * `iommus` of its platform devices, the host bridge's iommu-map (replay_dt.c), and
 * /chosen telling Xen where dom0's kernel and initramfs are (Xen's multiboot
 * binding: docs/misc/arm/device-tree/booting.txt in the Xen tree). */
#include "replay.h"
#include "vector.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>


/* The kprobe events replay_xen_obs.c reads (FACTS.md §6: boot-time kprobe events
 * with tp_printk). xen_grant_setup_dma_ops is inlined, so the domid is read from the
 * xen_grant_dma_data that __xa_store is handed while mem_acc runs. */
#define KPROBES_XEN "kprobe_event=" \
	"p:xgacc,xen_virtio_restricted_mem_acc,idx=+0($arg1):s32;" \
	"r:xgaccr,xen_virtio_restricted_mem_acc,ret=$retval:u8;" \
	"p:xgstore,__xa_store,dev=+0(+0($arg2)):string,domid=+0($arg3):u16;" \
	"p:xgalloc,xen_grant_dma_alloc,dev=+0(+0($arg1)):string,size=$arg2:u64;" \
	"p:xgmap,xen_grant_dma_map_page,dev=+0(+0($arg1)):string,off=$arg3:u64,size=$arg4:u64,dir=$arg5:s32;" \
	"r:xgmapr,xen_grant_dma_map_page,ret=$retval:x64;" \
	"p:xgref,gnttab_grant_foreign_access_ref,ref=$arg1:u32,domid=$arg2:u16,frame=$arg3:x64,ro=$arg4:s32" \
	" tp_printk"

static int failed(struct replay_dt_job *j, const char *what, const char *path, int err)
{
	replay_fmt(j->why, j->whylen, "%s %s: %s", what, path, fdt_strerror(err));
	return -1;
}

void replay_xen_dom0_args(const struct dmt_vector *v, char *out, size_t len)
{
	size_t used;

	/* A device whose iommus names an IOMMU no driver serves (a wrong target) would
	 * wait for it forever and never reach the grant code: without fw_devlink's
	 * ordering and with no deferred-probe grace, of_iommu gives up on that IOMMU at
	 * the end of the initcalls and the device probes, so its answer is observed. */
	replay_fmt(out, len, "console=hvc0 panic=-1 fw_devlink=off deferred_probe_timeout=0 " KPROBES_XEN);
	for (size_t i = 0; i < v->nvirtio_cmdline; i++) {
		uint64_t a = v->virtio_cmdline[i];
		/* virt wires transport k to SPI 16 + k (GIC INTID 48 + k) */
		unsigned irq = 48 + (unsigned)((a - REPLAY_VIRTIO_MMIO_BASE) / 0x200);

		used = strlen(out);
		replay_fmt(out + used, len - used, " virtio_mmio.device=0x200@0x%llx:%u",
			   (unsigned long long)a, irq);
	}
}

static bool is_grant_dma(const uint8_t *fdt, int off)
{
	return fdt_node_check_compatible(fdt, off, "xen,grant-dma") == 0;
}

/* Create path in q (its parent must exist) unless it is there. */
static int ensure_node(struct replay_dt_job *j, const char *path)
{
	char parent[256];
	const char *slash = strrchr(path, '/');
	int poff, off = fdt_path_offset(j->q, path);

	if (off >= 0)
		return off;
	if (!slash || !slash[1] || (size_t)(slash - path) >= sizeof(parent))
		return -FDT_ERR_BADPATH;
	replay_fmt(parent, sizeof(parent), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	poff = fdt_path_offset(j->q, parent);
	if (poff < 0)
		return poff;
	off = fdt_add_subnode(j->q, poff, slash + 1);
	if (off >= 0)
		replay_dt_say(j, "%s: added", path);
	return off;
}

static int copy_prop(struct replay_dt_job *j, int voff, int qoff, const char *name, const char *path)
{
	int len, rc;
	const void *val = fdt_getprop(j->v, voff, name, &len);

	if (!val)
		return 0;
	rc = fdt_setprop(j->q, qoff, name, val, len);
	return rc ? failed(j, "cannot set property on", path, rc) : 0;
}

/* The vector's IOMMU targets: every xen,grant-dma node as the vector writes it, and
 * any other #iommu-cells node QEMU's tree lacks (a wrong target for the grant code),
 * made with its compatible and #iommu-cells only. QEMU's own IOMMUs stay as they are. */
static int add_iommu_nodes(struct replay_dt_job *j)
{
	int depth = 0;

	for (int off = fdt_next_node(j->v, -1, &depth); off >= 0; off = fdt_next_node(j->v, off, &depth)) {
		char path[256];
		bool xen = is_grant_dma(j->v, off);
		int qoff;

		if (!xen && !fdt_getprop(j->v, off, "#iommu-cells", NULL))
			continue;
		if (fdt_get_path(j->v, off, path, sizeof(path)) < 0)
			return failed(j, "no path for", "an IOMMU node", -FDT_ERR_BADPATH);
		if (!xen && fdt_path_offset(j->q, path) >= 0)
			continue;
		qoff = ensure_node(j, path);
		if (qoff < 0)
			return failed(j, "cannot add", path, qoff);
		if (copy_prop(j, off, qoff, "compatible", path) ||
		    copy_prop(j, off, qoff, "#iommu-cells", path))
			return -1;
	}
	return 0;
}

/* The vector's iommus of one node with each specifier's phandle made QEMU's. A
 * phandle the vector leaves dangling stays dangling, and the cells after it are
 * copied as they are (nothing says how many belong to it). */
static int copy_iommus(struct replay_dt_job *j, int voff, const char *path)
{
	int len, qoff = fdt_path_offset(j->q, path), rc;
	const fdt32_t *val = fdt_getprop(j->v, voff, "iommus", &len);
	size_t n = len > 0 ? (size_t)len / 4 : 0, i = 0;
	fdt32_t *cells;

	if (qoff < 0) {
		replay_fmt(j->why, j->whylen, "the vector's node %s is not in QEMU's DT (name QEMU's node path)",
			   path);
		return -1;
	}
	cells = malloc(len > 0 ? (size_t)len : 1);
	if (!cells)
		return failed(j, "out of memory for", path, -FDT_ERR_NOSPACE);
	memcpy(cells, val, (size_t)len);
	while (i < n) {
		uint32_t vph = fdt32_to_cpu(cells[i]);
		int target = fdt_node_offset_by_phandle(j->v, vph);
		const fdt32_t *nc = target >= 0 ? fdt_getprop(j->v, target, "#iommu-cells", NULL) : NULL;
		uint32_t qph = replay_dt_phandle(j, vph);

		if (!qph) {
			free(cells);
			return -1;
		}
		cells[i] = cpu_to_fdt32(qph);
		if (!nc)
			break;
		i += 1 + fdt32_to_cpu(*nc);
	}
	qoff = fdt_path_offset(j->q, path);	/* a phandle added may move nodes */
	rc = fdt_setprop(j->q, qoff, "iommus", cells, len);
	free(cells);
	if (rc)
		return failed(j, "cannot set iommus on", path, rc);
	replay_dt_say(j, "%s: iommus set from the vector (%d bytes)", path, len);
	return 0;
}

static int add_iommus(struct replay_dt_job *j)
{
	int depth = 0;

	for (int off = fdt_next_node(j->v, -1, &depth); off >= 0; off = fdt_next_node(j->v, off, &depth)) {
		char path[256];

		if (!fdt_getprop(j->v, off, "iommus", NULL))
			continue;
		if (fdt_get_path(j->v, off, path, sizeof(path)) < 0)
			return failed(j, "no path for", "a node with iommus", -FDT_ERR_BADPATH);
		if (copy_iommus(j, off, path))
			return -1;
	}
	return 0;
}

/* A transport the kernel gets from virtio_mmio.device= must not also bind through
 * its node; Xen still needs the node to hand dom0 the MMIO page and the interrupt. */
static int hide_cmdline_transports(struct replay_dt_job *j, const struct dmt_vector *v)
{
	static const char hidden[] = "dmatopo,virtio-mmio-on-cmdline";

	for (size_t i = 0; i < v->nvirtio_cmdline; i++) {
		char path[64];
		int off, rc;

		replay_fmt(path, sizeof(path), "/virtio_mmio@%llx", (unsigned long long)v->virtio_cmdline[i]);
		off = fdt_path_offset(j->q, path);
		if (off < 0)
			return failed(j, "no QEMU transport", path, off);
		rc = fdt_setprop(j->q, off, "compatible", hidden, sizeof(hidden));
		if (rc)
			return failed(j, "cannot hide", path, rc);
		replay_dt_say(j, "%s: compatible %s (declared on dom0's command line instead)", path, hidden);
	}
	return 0;
}

static int add_module(struct replay_dt_job *j, int chosen, uint64_t addr, uint64_t size, const char *compat,
		      size_t compat_len, const char *args)
{
	char name[32];
	fdt32_t reg[4] = {
		cpu_to_fdt32((uint32_t)(addr >> 32)), cpu_to_fdt32((uint32_t)addr),
		cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size),
	};
	int off, rc;

	replay_fmt(name, sizeof(name), "module@%llx", (unsigned long long)addr);
	off = fdt_add_subnode(j->q, chosen, name);
	if (off < 0)
		return failed(j, "cannot add", name, off);
	rc = fdt_setprop(j->q, off, "compatible", compat, (int)compat_len);
	if (!rc)
		rc = fdt_setprop(j->q, off, "reg", reg, sizeof(reg));
	if (!rc && args)
		rc = fdt_setprop_string(j->q, off, "bootargs", args);
	return rc ? failed(j, "cannot fill", name, rc) : 0;
}

static int fill_chosen(struct replay_dt_job *j, const struct replay_xen_boot *b)
{
	static const char kernel_compat[] = "multiboot,kernel\0multiboot,module";
	static const char ramdisk_compat[] = "multiboot,ramdisk\0multiboot,module";
	int chosen = ensure_node(j, "/chosen"), rc;

	if (chosen < 0)
		return failed(j, "cannot add", "/chosen", chosen);
	rc = fdt_setprop_u32(j->q, chosen, "#address-cells", 2);
	if (!rc)
		rc = fdt_setprop_u32(j->q, chosen, "#size-cells", 2);
	if (!rc)
		rc = fdt_setprop_string(j->q, chosen, "xen,xen-bootargs", b->xen_args);
	if (rc)
		return failed(j, "cannot fill", "/chosen", rc);
	/* add_module may move /chosen: look it up again for the second one */
	if (add_module(j, chosen, REPLAY_XEN_KERNEL_ADDR, b->kernel_size, kernel_compat,
		       sizeof(kernel_compat), b->dom0_args))
		return -1;
	chosen = fdt_path_offset(j->q, "/chosen");
	if (add_module(j, chosen, REPLAY_XEN_INITRD_ADDR, b->initrd_size, ramdisk_compat,
		       sizeof(ramdisk_compat), NULL))
		return -1;
	replay_dt_say(j, "/chosen: Xen \"%s\"; dom0 kernel 0x%llx bytes at 0x%llx, initramfs 0x%llx bytes at 0x%llx",
	    b->xen_args, (unsigned long long)b->kernel_size, REPLAY_XEN_KERNEL_ADDR,
	    (unsigned long long)b->initrd_size, REPLAY_XEN_INITRD_ADDR);
	return 0;
}

static bool has_host_bridge(const uint8_t *fdt)
{
	int depth = 0;

	for (int off = fdt_next_node(fdt, -1, &depth); off >= 0; off = fdt_next_node(fdt, off, &depth)) {
		int len;
		const char *type = fdt_getprop(fdt, off, "device_type", &len);

		if (type && len >= 4 && strncmp(type, "pci", (size_t)len) == 0)
			return true;
	}
	return false;
}

int replay_xen_dt(const uint8_t *qemu, size_t qlen, const struct dmt_vector *v,
		  const uint8_t *vdtb, size_t vlen, const struct replay_xen_boot *b,
		  uint8_t **out, size_t *outlen, char *log, size_t loglen, char *why,
		  size_t whylen)
{
	struct replay_dt_job j = { NULL, vdtb, log, loglen, why, whylen };
	char *more;
	int rc;

	if (replay_dt_open(&j, qemu, qlen, vlen))
		return -1;
	if (add_iommu_nodes(&j) || add_iommus(&j) || hide_cmdline_transports(&j, v) ||
	    fill_chosen(&j, b)) {
		free(j.q);
		return -1;
	}
	fdt_pack(j.q);
	if (!has_host_bridge(vdtb)) {
		*out = j.q;
		*outlen = fdt_totalsize(j.q);
		return 0;
	}
	/* the host bridge's maps, translated onto the nodes added above */
	more = log + strlen(log);
	rc = replay_dt_rewrite(j.q, fdt_totalsize(j.q), vdtb, vlen, out, outlen, more,
			       loglen - (size_t)(more - log), why, whylen);
	free(j.q);
	return rc;
}
