/* A coverage kernel's profile data (make kcov): every .gcda file gcov's debugfs
 * interface holds, framed as a blob named "gcda" each, with the file's path under
 * /sys/kernel/debug/gcov (the object-tree path the kernel was built with) so that the
 * host can put each beside its .gcno. A kernel without CONFIG_GCOV_KERNEL has no such
 * folder and nothing is printed; an unreadable file is an error line, never skipped. */
#include "agent.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GCOV_ROOT "/sys/kernel/debug/gcov"
/* object trees are a few folders deep; a loop of links is not followed (lstat) */
#define MAX_DEPTH 24

static int is_gcda(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".gcda") == 0;
}

static void send_gcda(const char *path)
{
	unsigned char *buf = NULL;
	long len = read_blob(path, &buf);

	if (len < 0) {
		emit_error("gcda %s: %s", path, strerror((int)-len));
		return;
	}
	print_blob("gcda", path + strlen(GCOV_ROOT), buf, (size_t)len);
	free(buf);
}

/* Depth-first, in readdir order; returns the number of .gcda files sent. */
static unsigned walk(const char *dir, unsigned depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned sent = 0;

	if (!d) {
		emit_error("gcda: cannot open %s", dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		char path[1024];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path)) {
			emit_error("gcda: path too long under %s", dir);
			continue;
		}
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			sent += walk(path, depth + 1);
		} else if (S_ISREG(st.st_mode) && is_gcda(de->d_name)) {
			send_gcda(path);
			sent++;
		}
	}
	closedir(d);
	return sent;
}

void dump_gcov_data(void)
{
	struct stat st;

	if (stat(GCOV_ROOT, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	emit("gcov files=%u", walk(GCOV_ROOT, 0));
}
