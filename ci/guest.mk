# Guest side of the QEMU replay: kernels, the guest agent, the initramfs, a first boot.
# Included at the end of the top Makefile; every variable here starts with GUEST_.
#   make kernels          both guest kernels (ci/kernel; cached under ~/.cache/dmatopo)
#   make agent            build/guest/{x86_64,arm64}/agent
#   make initramfs        build/guest/{x86_64,arm64}/initramfs.cpio.gz
#   make boot-smoke       boot both (plus arm64 with a rewritten iommu-map), check output

GUEST_O      ?= build/guest
GUEST_ARCHES := x86_64 arm64
GUEST_CC_x86_64 ?= gcc
GUEST_CC_arm64  ?= aarch64-linux-gnu-gcc
GUEST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -Wshadow \
		-Wstrict-prototypes -Wformat=2
# harness/crc32.c is shared with the replay, which checks what the agent stamps.
# harness/libpci_fn.c too, with the CLI, which reads lspci dumps with the same facts.
GUEST_AGENT_SRC := $(sort $(wildcard harness/agent/*.c)) harness/crc32.c harness/libpci_fn.c
GUEST_AGENT_HDR := $(wildcard harness/agent/*.h) harness/crc32.h harness/libpci_fn.h \
		   reference/pci_alias.h
GUEST_AGENTS    := $(GUEST_ARCHES:%=$(GUEST_O)/%/agent)
GUEST_INITRDS   := $(GUEST_ARCHES:%=$(GUEST_O)/%/initramfs.cpio.gz)

.PHONY: kernels kernel-x86_64 kernel-arm64 agent initramfs boot-smoke guest-setup

guest-setup:
	@bash ci/setup-guest

kernels: kernel-x86_64 kernel-arm64

# ci/kernel decides itself whether the cache holds the kernel (a hit takes a second).
kernel-x86_64 kernel-arm64: kernel-%:
	@bash ci/kernel $*

agent: $(GUEST_AGENTS)
	@$(GUEST_O)/x86_64/agent --self-test

$(GUEST_O)/x86_64/agent $(GUEST_O)/arm64/agent: $(GUEST_O)/%/agent: \
		$(GUEST_AGENT_SRC) $(GUEST_AGENT_HDR) ci/guest.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC_$*) $(GUEST_CFLAGS) -Iharness -Ireference -o $@ $(GUEST_AGENT_SRC) -lpci

initramfs: $(GUEST_INITRDS)

$(GUEST_O)/x86_64/initramfs.cpio.gz $(GUEST_O)/arm64/initramfs.cpio.gz: \
		$(GUEST_O)/%/initramfs.cpio.gz: $(GUEST_O)/%/agent harness/agent/init ci/initramfs
	@bash ci/initramfs $* $<

# The arm64 agent links against libpci-dev:arm64, which ci/setup-guest installs.
$(GUEST_O)/arm64/agent: | guest-setup

# Three boots; each fails without an "epid:" and a "DMT done" line. The rewritten arm64
# DT must give the endpoint IDs FACTS.md §6 measured (iommu-map-mask 0xfff8, +0x2000).
GUEST_REMAP_EXPECT := 0000:00:02.0=0x2010 0000:00:05.0=0x2028 0000:01:00.0=0x2100

boot-smoke: kernels initramfs
	@bash ci/boot x86_64
	@bash ci/boot arm64
	@bash ci/boot --remap arm64
	@for e in $(GUEST_REMAP_EXPECT); do \
		grep -qx "epid $${e%%=*} $${e#*=}" $(GUEST_O)/boot/arm64-remap/summary || \
			{ echo "boot-smoke: FAIL: expected epid $${e%%=*} $${e#*=} with the rewritten DT"; exit 1; }; \
	done
	@echo "boot-smoke: 3 passed, 0 failed"

# One x86_64 and one arm64 vector through `dmatopo replay` (what `make check` runs).
.PHONY: replay-smoke
replay-smoke:
	@bash ci/replay-smoke
