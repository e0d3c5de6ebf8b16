#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ACPI_TABLES "/sys/firmware/acpi/tables"
#define FDT_PATH "/sys/firmware/fdt"
#define BYTES_PER_LINE 32
/* QEMU's DT is 1 MiB; ACPI tables are far smaller. Anything past this is not a
 * firmware description we can use. */
#define MAX_BLOB (16u << 20)

/* Reads a whole sysfs binary file: their st_size is not always right, so read to EOF.
 * Returns the length, or -errno; *out is malloc'd. */
long read_blob(const char *path, unsigned char **out)
{
	size_t cap = 64 << 10, len = 0;
	unsigned char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		int err = fd < 0 ? errno : ENOMEM;

		free(buf);
		if (fd >= 0)
			close(fd);
		return -err;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			unsigned char *bigger = cap < MAX_BLOB ? realloc(buf, cap * 2) : NULL;

			if (!bigger) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(buf);
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	*out = buf;
	return (long)len;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A run of all-zero lines is sent as one "blob-zero OFFSET LENGTH" line: QEMU's DT is
 * mostly free space. The CRC covers every byte either way. */
static size_t line_len(size_t off, size_t len)
{
	return len - off < BYTES_PER_LINE ? len - off : BYTES_PER_LINE;
}

static void print_hex_lines(const unsigned char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		size_t n = line_len(off, len);
		char hex[2 * BYTES_PER_LINE + 1];

		if (all_zero(buf + off, n)) {
			size_t start = off;

			while (off < len && all_zero(buf + off, line_len(off, len)))
				off += line_len(off, len);
			emit("blob-zero %08zx %zx", start, off - start);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02x", buf[off + i]);
		emit("blob %08zx %s", off, hex);
		off += n;
	}
}

void print_blob(const char *name, const char *path, const unsigned char *buf, size_t len)
{
	emit("blob-begin name=%s len=%zu crc32=%08x path=%s", name, len, dmt_crc32(buf, len),
	     path);
	print_hex_lines(buf, len);
	emit("blob-end name=%s", name);
}

static void dump_one(const char *name, const char *path)
{
	unsigned char *buf = NULL;
	long len = read_blob(path, &buf);

	if (len < 0) {
		emit_error("blob %s: %s: %s", name, path, strerror((int)-len));
		return;
	}
	print_blob(name, path, buf, (size_t)len);
	free(buf);
}

/* Every table whose sysfs name starts with VIOT: with more than one, sysfs numbers
 * them (VIOT1, VIOT2) and the kernel uses the first. Returns how many. */
static unsigned dump_viot_tables(void)
{
	DIR *dir = opendir(ACPI_TABLES);
	struct dirent *de;
	unsigned found = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		char path[300];

		if (strncmp(de->d_name, "VIOT", 4) != 0)
			continue;
		snprintf(path, sizeof(path), ACPI_TABLES "/%s", de->d_name);
		dump_one(de->d_name, path);
		found++;
	}
	closedir(dir);
	return found;
}

void dump_firmware_blobs(void)
{
	int have_acpi = access(ACPI_TABLES, F_OK) == 0;
	int have_fdt = access(FDT_PATH, F_OK) == 0;
	unsigned viot = 0;

	if (have_acpi)
		viot = dump_viot_tables();
	if (have_fdt)
		dump_one("fdt", FDT_PATH);
	if (have_acpi && viot == 0)
		emit_error("ACPI is up but %s has no VIOT table", ACPI_TABLES);
	if (!have_acpi && !have_fdt)
		emit_error("no firmware description: neither %s nor %s", ACPI_TABLES, FDT_PATH);
}
