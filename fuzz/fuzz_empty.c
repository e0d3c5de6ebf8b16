/* The benchmark's baseline: a target that does nothing, so each real target's
 * exec/s can be read against the engine's own cost on this machine. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
