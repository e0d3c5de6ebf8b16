/* The QEMU command line for a vector: q35 or arm virt, the virtio-iommu, the
 * vector's devices, the guest kernel and initramfs, console and trace files. It is
 * an argv for execvp: nothing here goes through a shell. */
#include "replay.h"
#include "vector.h"

#include <stdlib.h>
#include <string.h>

/* The kernel prints each endpoint ID iommu_fwspec_add_ids receives (FACTS.md §6). */
#define KPROBE_EPID "kprobe_event=p:epid,iommu_fwspec_add_ids,dev=+0(+0($arg1)):string," \
		    "id=+0($arg2):u32,n=$arg3"
/* arm64: the MSI DeviceID the ITS gets is what of_msi_map_id returns (6.1 and 6.12 alike:
 * pci_msi_domain_get_msi_rid calls it with the RID after the alias walk). An entry probe
 * names the device, the return probe that follows it on the one vCPU gives the ID. */
#define KPROBE_MSI ";p:msiin,of_msi_map_id,dev=+0(+0($arg1)):string,rid=$arg3:u32" \
		   ";r:msiid,of_msi_map_id,id=$retval:u32"

/* Small, quiet, no reboot: a guest that powers off or panics ends QEMU. */
static const char *const fixed_args[] = {
	"-smp", "1", "-nodefaults", "-display", "none", "-no-reboot", "-monitor", "none",
};

const char *replay_arch_name(enum replay_arch a)
{
	return a == REPLAY_ARM64 ? "arm64" : "x86_64";
}

int replay_arch_parse(const char *s, enum replay_arch *a)
{
	if (strcmp(s, "x86_64") == 0)
		*a = REPLAY_X86_64;
	else if (strcmp(s, "arm64") == 0)
		*a = REPLAY_ARM64;
	else
		return -1;
	return 0;
}

int replay_machine_parse(const char *s, enum replay_arch *a, bool *xen)
{
	*xen = strcmp(s, "xen-arm64") == 0;
	if (*xen) {
		*a = REPLAY_ARM64;
		return 0;
	}
	return replay_arch_parse(s, a);
}

void replay_argv_free(struct replay_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->arg[i]);
	a->n = 0;
	a->arg[0] = NULL;
}

int replay_argv_add(struct replay_argv *a, const char *s)
{
	char *copy;

	if (a->n == REPLAY_MAX_ARGS) {
		a->overflow = true;
		return -1;
	}
	copy = strdup(s);
	if (!copy) {
		a->overflow = true;
		return -1;
	}
	a->arg[a->n++] = copy;
	a->arg[a->n] = NULL;
	return 0;
}

static int add_joined(struct replay_argv *a, const char *x, const char *y, const char *z)
{
	size_t n = strlen(x) + strlen(y) + strlen(z) + 1;
	char *buf = malloc(n);
	int rc;

	if (!buf) {
		a->overflow = true;
		return -1;
	}
	snprintf(buf, n, "%s%s%s", x, y, z);
	rc = replay_argv_add(a, buf);
	free(buf);
	return rc;
}

bool replay_qemu_word_ok(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == ',' || c == '=' || c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

void replay_sanitize(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	if (outlen == 0)
		return;
	for (; *s && n + 1 < outlen; s++) {
		char c = *s;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && n > 0);

		out[n++] = keep ? c : '_';
	}
	if (n == 0 && outlen > 1)
		out[n++] = '_';
	out[n] = '\0';
}

/* "virtio-iommu-pci,addr=DD.F" where the vector's viommu statement puts it (bus 0,
 * segment 0), else the machine's usual slot. */
static void iommu_device(const struct dmt_vector *v, enum replay_arch arch, char *out, size_t n)
{
	const struct dmt_topo *t = &v->lang.topo;

	for (size_t i = 0; i < t->niommus; i++) {
		const struct dmt_iommu *io = &t->iommus[i];

		if (io->kind == DMT_IOMMU_VIRTIO_PCI && io->bdf_known && io->segment == 0 &&
		    (io->bdf >> 8) == 0) {
			snprintf(out, n, "virtio-iommu-pci,addr=%x.%x", (io->bdf >> 3) & 0x1f,
				 io->bdf & 7);
			return;
		}
	}
	snprintf(out, n, "virtio-iommu-pci,addr=%s", arch == REPLAY_ARM64 ? "1.0" : "2.0");
}

static bool vector_has_iommu_device(const struct dmt_vector *v)
{
	for (size_t i = 0; i < v->nqemu_devices; i++)
		if (strncmp(v->qemu_device[i], "virtio-iommu-pci", 16) == 0 &&
		    (v->qemu_device[i][16] == '\0' || v->qemu_device[i][16] == ','))
			return true;
	return false;
}

static void add_machine(const struct dmt_vector *v, enum replay_arch arch, struct replay_argv *a)
{
	char m[DMT_VEC_QEMU_ARG + 64];
	const char *base = arch == REPLAY_ARM64 ? "virt,gic-version=3" : "q35";

	if (v->qemu_machine[0])
		snprintf(m, sizeof(m), "%s,%s", base, v->qemu_machine);
	else
		snprintf(m, sizeof(m), "%s", base);
	replay_argv_add(a, "-machine");
	replay_argv_add(a, m);
	replay_argv_add(a, "-cpu");
	replay_argv_add(a, arch == REPLAY_ARM64 ? "cortex-a57" : "qemu64");
}

static void add_fixed(struct replay_argv *a, const char *mem_mb)
{
	replay_argv_add(a, "-m");
	replay_argv_add(a, mem_mb);
	for (size_t i = 0; i < sizeof(fixed_args) / sizeof(fixed_args[0]); i++)
		replay_argv_add(a, fixed_args[i]);
}

static void add_console_and_trace(struct replay_argv *a, const char *dir)
{
	replay_argv_add(a, "-serial");
	add_joined(a, "file:", dir, "/console.log");
	replay_argv_add(a, "-D");
	add_joined(a, "", dir, "/qemu-trace.log");
	replay_argv_add(a, "-trace");
	replay_argv_add(a, "virtio_iommu_attach");
	replay_argv_add(a, "-trace");
	replay_argv_add(a, "virtio_iommu_init_iommu_mr");
	/* The device side (replay_device.c): a PROBE that succeeded prints its reserved
	 * regions; an ATTACH whose lookup found the endpoint allocates it. */
	replay_argv_add(a, "-trace");
	replay_argv_add(a, "virtio_iommu_fill_resv_property");
	replay_argv_add(a, "-trace");
	replay_argv_add(a, "virtio_iommu_get_endpoint");
}

static void add_devices(const struct dmt_vector *v, struct replay_argv *a)
{
	for (size_t i = 0; i < v->nqemu_devices; i++) {
		replay_argv_add(a, "-device");
		replay_argv_add(a, v->qemu_device[i]);
	}
}

/* The vector's devices, the DT to boot with (when there is one), and the verdict on
 * the whole argv: it is complete or the machine is refused. */
static int add_devices_and_dtb(const struct dmt_vector *v, const char *dtb, struct replay_argv *a,
			       char *why, size_t whylen)
{
	add_devices(v, a);
	if (dtb) {
		replay_argv_add(a, "-dtb");
		replay_argv_add(a, dtb);
	}
	if (a->overflow) {
		snprintf(why, whylen, "QEMU command line too long or out of memory");
		return -1;
	}
	return 0;
}

static int check_vector_words(const struct dmt_vector *v, char *why, size_t whylen)
{
	if (v->qemu_machine[0] && !replay_qemu_word_ok(v->qemu_machine)) {
		snprintf(why, whylen, "qemu-machine '%s' has characters a vector may not pass",
			 v->qemu_machine);
		return -1;
	}
	for (size_t i = 0; i < v->nqemu_devices; i++) {
		if (!replay_qemu_word_ok(v->qemu_device[i])) {
			snprintf(why, whylen, "qemu-device '%s' has characters a vector may not pass",
				 v->qemu_device[i]);
			return -1;
		}
	}
	return 0;
}

int replay_machine_argv(const struct dmt_vector *v, enum replay_arch arch,
			const struct replay_env *env, const char *dir, const char *dtb,
			struct replay_argv *a, char *why, size_t whylen)
{
	char append[512], iommu[64];

	if (check_vector_words(v, why, whylen))
		return -1;
	if (!env->kernel[arch] || !env->initrd[arch]) {
		snprintf(why, whylen, "no %s kernel or initramfs (set DMT_KERNEL_%s and DMT_INITRD_%s)",
			 replay_arch_name(arch), arch == REPLAY_ARM64 ? "ARM64" : "X86",
			 arch == REPLAY_ARM64 ? "ARM64" : "X86");
		return -1;
	}
	snprintf(append, sizeof(append), "console=%s panic=-1 " KPROBE_EPID "%s tp_printk",
		 arch == REPLAY_ARM64 ? "ttyAMA0" : "ttyS0", arch == REPLAY_ARM64 ? KPROBE_MSI : "");
	replay_argv_add(a, replay_qemu_bin(env, arch));
	add_machine(v, arch, a);
	add_fixed(a, "256");
	replay_argv_add(a, "-kernel");
	replay_argv_add(a, env->kernel[arch]);
	replay_argv_add(a, "-initrd");
	replay_argv_add(a, env->initrd[arch]);
	replay_argv_add(a, "-append");
	replay_argv_add(a, append);
	add_console_and_trace(a, dir);
	if (!vector_has_iommu_device(v)) {
		iommu_device(v, arch, iommu, sizeof(iommu));
		replay_argv_add(a, "-device");
		replay_argv_add(a, iommu);
	}
	return add_devices_and_dtb(v, dtb, a, why, whylen);
}

/* "loader,file=PATH,addr=A,force-raw=on": QEMU splits option strings at commas. */
static int add_loader(struct replay_argv *a, const char *file, unsigned long long addr,
		      char *why, size_t whylen)
{
	char opt[4200];

	if (strchr(file, ',')) {
		snprintf(why, whylen, "%s: a path with a comma cannot go into a QEMU -device option", file);
		return -1;
	}
	snprintf(opt, sizeof(opt), "loader,file=%s,addr=0x%llx,force-raw=on", file, addr);
	replay_argv_add(a, "-device");
	return replay_argv_add(a, opt);
}

int replay_xen_machine_argv(const struct dmt_vector *v, const struct replay_env *env,
			    const char *dir, const char *dtb, struct replay_argv *a, char *why,
			    size_t whylen)
{
	char m[DMT_VEC_QEMU_ARG + 64];

	if (check_vector_words(v, why, whylen))
		return -1;
	if (!env->xen || !env->kernel[REPLAY_ARM64] || !env->initrd[REPLAY_ARM64]) {
		snprintf(why, whylen, "no Xen image, arm64 kernel or initramfs (set DMT_XEN, DMT_KERNEL_ARM64, DMT_INITRD_ARM64)");
		return -1;
	}
	replay_argv_add(a, replay_qemu_bin(env, REPLAY_ARM64));
	/* EL2 for Xen (FACTS.md §6); Xen takes the GICv3 and the PL011 */
	snprintf(m, sizeof(m), "virt,gic-version=3,virtualization=on%s%s", v->qemu_machine[0] ? "," : "",
		 v->qemu_machine);
	replay_argv_add(a, "-machine");
	replay_argv_add(a, m);
	replay_argv_add(a, "-cpu");
	replay_argv_add(a, "cortex-a57");
	add_fixed(a, "1024");
	replay_argv_add(a, "-kernel");
	replay_argv_add(a, env->xen);
	if (add_loader(a, env->kernel[REPLAY_ARM64], REPLAY_XEN_KERNEL_ADDR, why, whylen) ||
	    add_loader(a, env->initrd[REPLAY_ARM64], REPLAY_XEN_INITRD_ADDR, why, whylen))
		return -1;
	add_console_and_trace(a, dir);
	/* grant DMA needs VIRTIO_F_VERSION_1 and ACCESS_PLATFORM: modern virtio-mmio */
	replay_argv_add(a, "-global");
	replay_argv_add(a, "virtio-mmio.force-legacy=false");
	return add_devices_and_dtb(v, dtb, a, why, whylen);
}
