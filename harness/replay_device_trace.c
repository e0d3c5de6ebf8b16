/* QEMU's virtio-iommu trace, the events the device side is judged on (QEMU 7.2
 * hw/virtio/trace-events, measured on q35 and arm virt):
 *   virtio_iommu_init_iommu_mr init virtio-iommu-memory-region-N-DEVFN
 *       an IOMMU address space made for (some bus, DEVFN); the bus is not printed
 *   virtio_iommu_fill_resv_property dev= E, type=T start=S end=X
 *       a PROBE for E succeeded (one line per reserved region; QEMU 7.2 has no PROBE
 *       event, and on NOENT nothing is printed)
 *   virtio_iommu_get_endpoint Alloc endpoint=E
 *       an ATTACH (virtio_iommu_attach is printed before the lookup) found E
 * The trace is untrusted text: numbers are range-checked, lists bounded, and a
 * list that fills up is flagged, never cut silently. */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

/* The unsigned number right after `key` in line (leading blanks allowed). */
static bool number_after(const char *line, const char *key, unsigned long max, unsigned long *v)
{
	const char *p = strstr(line, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	*v = strtoul(p, &end, 10);
	return end != p && *v <= max;
}

static void add_distinct(uint32_t *list, size_t *n, bool *overflow, uint32_t v)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == v)
			return;
	if (*n == REPLAY_MAX_QEPS) {
		*overflow = true;
		return;
	}
	list[(*n)++] = v;
}

/* "...-memory-region-N-DEVFN": the devfn is the last number. */
static void init_mr(const char *p, struct replay_qtrace *q)
{
	const char *dash = strrchr(p, '-');
	unsigned long devfn;

	if (!dash || !number_after(dash, "-", 0xff, &devfn))
		return;
	if (q->nmr == REPLAY_MAX_QEPS) {
		q->overflow = true;
		return;
	}
	q->mr_devfn[q->nmr++] = (uint8_t)devfn;
}

void replay_qtrace_line(const char *line, struct replay_qtrace *q)
{
	const char *p;
	unsigned long v;

	if ((p = strstr(line, "virtio_iommu_init_iommu_mr ")) && strstr(p, "memory-region-"))
		init_mr(strstr(p, "memory-region-"), q);
	else if ((p = strstr(line, "virtio_iommu_fill_resv_property ")) &&
		 number_after(p, "dev=", 0xffffffffUL, &v))
		add_distinct(q->probe, &q->nprobe, &q->overflow, (uint32_t)v);
	else if ((p = strstr(line, "virtio_iommu_get_endpoint ")) &&
		 number_after(p, "endpoint=", 0xffffffffUL, &v))
		add_distinct(q->alloc, &q->nalloc, &q->overflow, (uint32_t)v);
}
