#include "agent.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Known answers computed outside the agent (the CRC from gzip's trailer), so a broken
 * CRC or a broken line framing shows before a guest is booted. */

static int check_crc(const char *text, uint32_t want)
{
	uint32_t got = dmt_crc32((const uint8_t *)text, strlen(text));

	if (got == want)
		return 0;
	fprintf(stderr, "self-test: crc32(\"%s\") = %08x, want %08x\n", text, got, want);
	return 1;
}

/* Runs print_blob with stdout on a pipe and returns what it wrote (NUL-terminated). */
static int capture_blob(const unsigned char *buf, size_t len, char *out, size_t cap)
{
	int fds[2], saved;
	ssize_t n;
	size_t used = 0;

	if (pipe(fds) != 0)
		return -1;
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fds[1], STDOUT_FILENO) < 0)
		return -1;
	print_blob("t", "-", buf, len);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[1]);
	while (used + 1 < cap && (n = read(fds[0], out + used, cap - used - 1)) > 0)
		used += (size_t)n;
	close(fds[0]);
	out[used] = '\0';
	return 0;
}

static int check_framing(void)
{
	static const char want[] =
		"DMT blob-begin name=t len=100 crc32=a8300ecf path=-\n"
		"DMT blob 00000000 0102030405060708090a0b0c0d0e0f10"
		"1112131415161718191a1b1c1d1e1f20\n"
		"DMT blob-zero 00000020 40\n"
		"DMT blob 00000060 aabbccdd\n"
		"DMT blob-end name=t\n";
	unsigned char buf[100] = { 0 };
	char got[1024];

	for (int i = 0; i < 32; i++)
		buf[i] = (unsigned char)(i + 1);
	buf[96] = 0xaa;
	buf[97] = 0xbb;
	buf[98] = 0xcc;
	buf[99] = 0xdd;
	if (capture_blob(buf, sizeof(buf), got, sizeof(got)) != 0) {
		fprintf(stderr, "self-test: cannot capture output\n");
		return 1;
	}
	if (strcmp(got, want) == 0)
		return 0;
	fprintf(stderr, "self-test: blob framing\n--- got\n%s--- want\n%s", got, want);
	return 1;
}

int agent_self_test(void)
{
	int failed = 0, total = 4;

	failed += check_crc("", 0x00000000u);
	failed += check_crc("123456789", 0xcbf43926u);
	failed += check_crc("The quick brown fox jumps over the lazy dog", 0x414fa339u);
	failed += check_framing();
	printf("agent-selftest: %d passed, %d failed\n", total - failed, failed);
	return failed;
}
