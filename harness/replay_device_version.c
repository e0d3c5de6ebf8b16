/* The QEMU under test, named in the report: `BIN --version`, first line. QEMU is
 * selectable (QEMU_X86, QEMU_ARM64, --qemu-*), so the device model's verdict says
 * which binary it judged. */
#include "cli.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

static const char *const default_bin[REPLAY_ARCH_COUNT] = {
	"qemu-system-x86_64", "qemu-system-aarch64",
};

const char *replay_qemu_bin(const struct replay_env *env, enum replay_arch a)
{
	return env->qemu[a] ? env->qemu[a] : default_bin[a];
}

void replay_qemu_version(const struct replay_env *env, enum replay_arch a, const char *results,
			 char *out, size_t len)
{
	struct replay_argv argv = { 0 };
	struct replay_run r;
	char log[4096];
	uint8_t *text = NULL;
	size_t n = 0, k = 0;
	FILE *quiet;

	replay_fmt(out, len, "unknown");
	replay_fmt(log, sizeof(log), "%s/qemu-version-%s.txt", results, replay_arch_name(a));
	if (replay_argv_add(&argv, replay_qemu_bin(env, a)) || replay_argv_add(&argv, "--version") ||
	    replay_run(&argv, log, 10, &r) || r.how != RUN_EXITED || r.code != 0) {
		replay_fmt(out, len, "unknown (%s --version failed)", replay_qemu_bin(env, a));
		replay_argv_free(&argv);
		return;
	}
	replay_argv_free(&argv);
	quiet = fopen("/dev/null", "w");
	if (dmt_read_file(log, &text, &n, quiet ? quiet : stderr) == 0) {
		/* first line, printable */
		while (k < n && text[k] != '\n' && k + 1 < len) {
			out[k] = text[k] < 0x20 || text[k] >= 0x7f ? '?' : (char)text[k];
			k++;
		}
		out[k] = '\0';
	}
	if (quiet)
		fclose(quiet);
	free(text);
}
