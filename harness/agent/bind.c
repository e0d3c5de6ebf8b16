#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCI_DEVICES "/sys/bus/pci/devices"

/* The kernel sets up a device's DMA, and so asks the IOMMU layer for its endpoint IDs,
 * only when a driver binds. pci-stub claims anything it is pointed at through
 * driver_override, which makes every endpoint show up in the kprobe trace. */

static int write_string(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int has_driver(const char *dev)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", dev);
	return lstat(path, &st) == 0;
}

/* Whether the driver core holds the device on its deferred-probe list (debugfs,
 * mounted by /init): a probe that waits for a supplier, such as an IOMMU whose
 * own probe never completes, is a fact about the kernel, not an agent failure. */
static int is_deferred(const char *dev)
{
	FILE *fp = fopen("/sys/kernel/debug/devices_deferred", "r");
	char line[256];
	size_t n = strlen(dev);
	int found = 0;

	if (!fp)
		return 0;
	while (!found && fgets(line, sizeof(line), fp))
		found = strncmp(line, dev, n) == 0 && (line[n] == '\t' || line[n] == ' ' || line[n] == '\n');
	fclose(fp);
	return found;
}

static void bind_one(const char *dev)
{
	char path[300];
	int err;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", dev);
	err = write_string(path, "pci-stub");
	if (err) {
		emit_error("bind %s: driver_override: %s", dev, strerror(-err));
		return;
	}
	/* drivers_probe may fail (EINVAL, ENODEV) and still leave the device bound, or
	 * bind nothing: the driver link afterwards is the only answer that counts. */
	err = write_string("/sys/bus/pci/drivers_probe", dev);
	if (has_driver(dev))
		emit("bind %s driver=pci-stub", dev);
	else if (is_deferred(dev))
		emit("deferred %s", dev);
	else
		emit_error("bind %s: still no driver after drivers_probe (%s)", dev,
			   err ? strerror(-err) : "no error");
}

void bind_driverless_to_stub(void)
{
	DIR *dir = opendir(PCI_DEVICES);
	struct dirent *de;
	unsigned seen = 0;

	if (!dir) {
		emit_error("no %s: %s", PCI_DEVICES, strerror(errno));
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		seen++;
		if (!has_driver(de->d_name))
			bind_one(de->d_name);
	}
	closedir(dir);
	if (seen == 0)
		emit_error("no PCI devices in %s", PCI_DEVICES);
}
