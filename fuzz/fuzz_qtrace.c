/* QEMU's virtio-iommu trace as the replay reads it (harness/replay_device_trace.c),
 * judged against the device model on a machine the input describes
 * (harness/replay_device.c, reference/qemu_device.c). Input: a device count n (at
 * most 32), n records {rid high, rid low, PCIe type (0xff: none), secondary bus
 * (0: not a bridge)}, then the trace text. Each device's kernel IDs are its RID and
 * its DMA aliases, as Linux would give them on QEMU's VIOT. Anything goes; nothing
 * may crash, and a QEMU trace that agrees must never make a device fail silently. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t read_machine(const uint8_t *data, size_t size, struct replay_obs *o)
{
	size_t n = size ? data[0] : 0, used = 1;

	if (n > 32)
		n = 32;
	for (size_t i = 0; i < n && used + 4 <= size; i++, used += 4) {
		struct replay_dev *d = &o->devs[o->ndevs++];

		d->rid = (uint16_t)(data[used] << 8 | data[used + 1]);
		d->pcie_type = data[used + 2] == 0xff ? -1 : data[used + 2] & 0xf;
		d->is_bridge = data[used + 3] != 0;
		d->secondary = d->subordinate = data[used + 3];
		d->primary = (uint8_t)(d->rid >> 8);
		d->group = -1;
	}
	return used < size ? used : size;
}

static void kernel_checks(struct replay_obs *o, struct replay_checks *cs)
{
	for (size_t i = 0; i < o->ndevs; i++) {
		struct replay_check *c = replay_checks_add(cs);
		uint16_t al[DMT_MAX_ALIASES];
		size_t na;

		if (!c)
			return;
		c->is_device = true;
		c->status = REPLAY_PASS;
		replay_device_name(&o->devs[i], c->what, sizeof(c->what));
		na = replay_dma_aliases(o, &o->devs[i], al, DMT_MAX_ALIASES);
		c->kernel[c->nkernel++] = o->devs[i].rid;
		for (size_t k = 0; k < na; k++)
			c->kernel[c->nkernel++] = al[k];
		memcpy(c->ref, c->kernel, c->nkernel * sizeof(c->kernel[0]));
		c->nref = c->nsent = c->nkernel;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_obs *o = calloc(1, sizeof(*o));
	struct replay_checks cs = { 0 };
	size_t used;

	if (!o)
		return 0;
	used = read_machine(data, size, o);
	replay_parse_trace((const char *)data + used, size - used, o);
	kernel_checks(o, &cs);
	replay_device_judge("/nonexistent", REPLAY_X86_64, false, o, &cs);
	for (size_t i = 0; i < cs.n; i++) {
		char text[REPLAY_DIAG];

		replay_qside_text(&cs.c[i], text, sizeof(text));
		(void)replay_device_failed(&cs.c[i]);
	}
	replay_checks_free(&cs);
	replay_obs_free(o);
	free(o);
	return 0;
}
