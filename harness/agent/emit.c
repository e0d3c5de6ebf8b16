#include "agent.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Long enough for a blob line (32 bytes as hex) and any sysfs name. */
#define LINE_MAX_CHARS 512

static unsigned error_lines;

static void write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void emit_v(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void emit_v(const char *prefix, const char *fmt, va_list ap)
{
	char line[LINE_MAX_CHARS];
	size_t used;
	int n;

	n = snprintf(line, sizeof(line), "%s", prefix);
	used = n > 0 ? (size_t)n : 0;
	n = vsnprintf(line + used, sizeof(line) - used - 1, fmt, ap);
	if (n > 0)
		used += (size_t)n < sizeof(line) - used - 1 ? (size_t)n : sizeof(line) - used - 2;
	line[used++] = '\n';
	write_all(line, used);
}

void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_v("DMT ", fmt, ap);
	va_end(ap);
}

void emit_error(const char *fmt, ...)
{
	va_list ap;

	error_lines++;
	va_start(ap, fmt);
	emit_v("DMT error ", fmt, ap);
	va_end(ap);
}

unsigned emit_error_count(void)
{
	return error_lines;
}
