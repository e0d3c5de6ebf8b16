/* "DMT virtio NAME index=N parent=DEVICE driver=D|none": which transport device
 * (a virtio-mmio platform device or a PCI function) each virtio device sits on. The
 * Xen grant-DMA probes report a virtio device by its index (the first field of struct
 * virtio_device) and the grant maps by the transport's name; this line joins the two. */
#include "agent.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VIRTIO_DEVICES "/sys/bus/virtio/devices"

/* The last path component of a sysfs link target, or "?" */
static const char *tail_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : (path[0] ? path : "?");
}

static void print_one(const char *name)
{
	char path[PATH_MAX], target[PATH_MAX], driver[PATH_MAX] = "none";
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s", name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0) {
		emit_error("virtio %s: no sysfs link", name);
		return;
	}
	target[n] = '\0';
	/* .../devices/platform/a003e00.virtio_mmio/virtio0: the parent is one level up */
	slash = strrchr(target, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, sizeof(path), VIRTIO_DEVICES "/%s/driver", name);
	n = readlink(path, driver, sizeof(driver) - 1);
	if (n > 0)
		driver[n] = '\0';
	else
		snprintf(driver, sizeof(driver), "none");
	emit("virtio %s index=%s parent=%s driver=%s", name,
	     strncmp(name, "virtio", 6) == 0 ? name + 6 : "?", tail_of(target), tail_of(driver));
}

void print_virtio_devices(void)
{
	struct dirent **list = NULL;
	int n = scandir(VIRTIO_DEVICES, &list, NULL, alphasort);

	if (n < 0)
		return;		/* no virtio bus: nothing to join */
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.')
			print_one(list[i]->d_name);
		free(list[i]);
	}
	free(list);
}
