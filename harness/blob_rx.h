/* Receiving the agent's framed blobs from a console: "DMT blob-begin name=N len=L
 * crc32=C path=P", "DMT blob OFFSET HEX" and "DMT blob-zero OFFSET LENGTH" lines in
 * order, "DMT blob-end name=N" (harness/agent/blob.c writes them). One receiver
 * collects one blob of one name at a time; the firmware blob (replay_console.c) and
 * the coverage data (kcov_gcda.c) both use it. Every number is range-checked. */
#ifndef DMT_BLOB_RX_H
#define DMT_BLOB_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blob_rx {
	char want[16];			/* the blob name being collected */
	bool in;			/* between its begin and end lines */
	bool ended;			/* its end line came (ok or not) */
	bool ok;			/* complete and the CRC-32 matched */
	uint8_t *buf;			/* malloc'd, len bytes */
	size_t len;
	size_t next;			/* offset the next data line must start at */
	uint32_t crc;			/* announced */
	char path[256];			/* path= of the begin line, "" when absent */
	char problem[200];		/* the first thing that went wrong, "" when none */
};

/* Begin collecting name (the buffer of an earlier blob is freed). */
void blob_rx_init(struct blob_rx *b, const char *name);
void blob_rx_free(struct blob_rx *b);

/* Feed one line after its "DMT " prefix. Returns true when the line was a blob line
 * this receiver took (a begin for its name, or a data/zero/end line while in). A
 * begin while a blob is already in, or once one has ended, is not taken. */
bool blob_rx_line(struct blob_rx *b, const char *rest);

/* Value of "key" (e.g. "len=") in line as an unsigned number in base; false when
 * absent. Shared with the console parser's other lines. */
bool blob_rx_field(const char *line, const char *key, int base, unsigned long *out);

#endif
