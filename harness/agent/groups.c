#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUPS_DIR "/sys/kernel/iommu_groups"
#define MAX_MEMBERS 4096

struct member {
	char dev[256];
	long group;
};

static int by_device(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->dev, ((const struct member *)b)->dev);
}

/* Appends the devices of one group; returns the new count. */
static size_t read_group(const char *name, struct member *out, size_t n)
{
	char path[300];
	struct dirent *de;
	char *end;
	long group = strtol(name, &end, 10);
	DIR *dir;

	if (*end != '\0')
		return n;
	snprintf(path, sizeof(path), GROUPS_DIR "/%s/devices", name);
	dir = opendir(path);
	if (!dir) {
		emit_error("%s: %s", path, strerror(errno));
		return n;
	}
	while ((de = readdir(dir)) != NULL && n < MAX_MEMBERS) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(out[n].dev, sizeof(out[n].dev), "%s", de->d_name);
		out[n].group = group;
		n++;
	}
	closedir(dir);
	return n;
}

void print_iommu_groups(void)
{
	struct member *members;
	struct dirent *de;
	size_t n = 0;
	DIR *dir = opendir(GROUPS_DIR);

	if (!dir) {
		emit_error("no %s: %s", GROUPS_DIR, strerror(errno));
		return;
	}
	members = calloc(MAX_MEMBERS, sizeof(*members));
	if (!members) {
		closedir(dir);
		emit_error("out of memory listing IOMMU groups");
		return;
	}
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n = read_group(de->d_name, members, n);
	closedir(dir);
	if (n == MAX_MEMBERS)
		emit_error("IOMMU group listing stopped at %d devices", MAX_MEMBERS);
	qsort(members, n, sizeof(*members), by_device);
	for (size_t i = 0; i < n; i++)
		emit("group %s %ld", members[i].dev, members[i].group);
	emit("groups count=%zu", n);
	free(members);
}
