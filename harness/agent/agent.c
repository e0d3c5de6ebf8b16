/* dmatopo guest agent. Usage: agent [--no-bind | --self-test]
 * Prints, in this order: "DMT agent ...", "DMT bind ..." (unless --no-bind),
 * "DMT dev/bridge ...", "DMT virtio ...", "DMT group ...", the firmware blobs, (coverage
 * kernels) the gcda blobs and "DMT gcov files=N", "DMT done errors=N".
 * Exit status 0 when no "DMT error" line was printed.
 * --self-test checks the CRC and the line framing against known answers (host side). */
#include "agent.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static void print_identity(void)
{
	struct utsname u;

	if (uname(&u) == 0)
		emit("agent version=%d kernel=%s machine=%s", DMT_AGENT_VERSION, u.release,
		     u.machine);
	else
		emit("agent version=%d", DMT_AGENT_VERSION);
}

/* Everything the kernel had to say for the replay (its kprobe lines) came while the
 * binds ran. From here on the agent prints blobs: a kernel message landing inside one
 * of their lines would spoil its hex (seen under load: "clocksource: Long readout
 * interval" in the middle of an lspci blob line, replay-fuzz seed 20261129 case 1217),
 * so only emergencies reach the console now. */
static void quiet_kernel_console(void)
{
	FILE *f = fopen("/proc/sys/kernel/printk", "w");

	if (!f)
		return;
	fputs("1", f);
	fclose(f);
}

int main(int argc, char **argv)
{
	int bind = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-bind") == 0) {
			bind = 0;
		} else if (strcmp(argv[i], "--self-test") == 0) {
			return agent_self_test() ? 1 : 0;
		} else {
			fprintf(stderr, "usage: agent [--no-bind | --self-test]\n");
			return 2;
		}
	}
	print_identity();
	/* Binding first: the kernel prints its endpoint IDs while each probe runs, so
	 * they are on the console before the listing starts. */
	if (bind)
		bind_driverless_to_stub();
	quiet_kernel_console();
	print_pci_devices();
	print_virtio_devices();
	print_iommu_groups();
	dump_firmware_blobs();
	/* last: the profile then holds everything this boot ran */
	dump_gcov_data();
	emit("done errors=%u", emit_error_count());
	return emit_error_count() ? 1 : 0;
}
