# ClankerOS build.
#
#   make            kernel ELF, symbol map, disassembly, the product initrd
#                   (build/initrd.tar) and the GRUB ISO
#   make run        boot in QEMU with the product initrd, serial console on
#                   this terminal
#   make run-iso    boot the ISO through GRUB
#   make debug      boot stopped, waiting for gdb on :1234
#   make test       host unit tests, the boot tests in QEMU, then end-to-end
#                   sessions typed at the shell, all with the test initrd
#                   (build/initrd-test.tar: the product and the test programs)
#   make bench      benchmark figures under QEMU's -icount
#   make fuzz       fuzz the parsers for a bounded time
#
# How it is put together: the kernel's rules are below. Every other program
# (servers, drivers, user programs, test programs, host unit tests, fuzz
# targets) is a module declared in a rules.mk in its directory: its name,
# mode (kernel-program, user, linux, host, fuzz) and sources.
# mk/module.mk turns each declaration into rules by its mode, as
# mk/modes.mk defines them (flags, runtime archive, where the program
# goes); mk/initrd.mk makes the two initrds. To add a program, copy a
# rules.mk (docs/testing.md). Dependencies on headers come from -MMD -MP,
# and every build uses -Werror.
#
# V=1 shows full commands. ACCEL=kvm uses KVM where it works. MEM=N sets
# the RAM in MiB for run targets. DISK=IMG attaches the raw image IMG as
# the IDE primary master (block:ide:0.0.0), FLOPPY=IMG as floppy drive A
# (block:floppy:a), NVME=IMG as an NVMe drive (block:nvme:0), SCSI=IMG as
# a virtio-scsi disk at target 0, LUN 0 (block:scsi:0.0.0), USB=IMG as a
# USB stick on an xHCI controller (block:usb:1.1), to run,
# run-iso and debug; see README. For those three, QEMU_ARGS="..." adds
# arguments to QEMU's command line, GUI=1 opens a window with the VGA
# screen where there is a display (tools/qemu-display.sh), with QEMU's
# std-VGA (the Bochs VBE adapter of display:), and starts the desktop;
# QEMU_DISPLAY=NAME picks QEMU's -display backend (default none);
# DESKTOP=1 starts the desktop in any run (the kernel command line word
# "desktop", which etc/boot.conf's "if desktop" lines honour), DESKTOP=0
# not even with GUI=1.
# EXTRA=DIR lays the files of DIR over either initrd. TESTS=1 makes run
# and debug boot the test initrd (bin/blktest, the pxNAME programs, ...).

ifeq ($(V),1)
Q :=
else
Q := @
endif
export Q

CC       := gcc
QEMU     := qemu-system-i386
ACCEL    ?= tcg
MEM      ?= 128
QEMU_DISPLAY ?= none
QEMU_ARGS ?=
GUI_ON   := $(filter-out 0 no,$(GUI))
DESKTOP  ?= $(if $(GUI_ON),1,0)
DESKTOP_ON = $(filter-out 0 no,$(DESKTOP))
BUILD    := build

include mk/modes.mk

# The console font built into the window server and its clients
# (include/lib/font.h): a PSF font from Debian's console-setup-linux,
# which tools/setup.sh installs, turned into C by tools/psf2c.
FONT_PSF ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz
FONT_C   := $(BUILD)/gen/fontdata.c

KLDFLAGS := -m32 -O2 -flto -flto-partition=one -nostdlib -static -no-pie -Wl,-T,arch/x86/kernel.ld \
            -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

# --- the kernel -----------------------------------------------------------
KERNEL_SRCS := $(sort $(wildcard arch/x86/*.S arch/x86/*.c kernel/*.c kernel/*/*.c \
                                kernel/services/console/*.c) \
                     lib/string.c lib/format.c lib/errortext.c lib/lineedit.c lib/heap.c lib/tar.c \
                     lib/inputqueue.c lib/inputserver.c \
                     lib/server.c)
KTEST_SRCS  := $(sort $(wildcard tests/kernel/*.c tests/bench/*.c))
KERNEL_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(KERNEL_SRCS))
KTEST_OBJS  := $(patsubst %,$(BUILD)/obj/%.o,$(KTEST_SRCS))

KERNEL   := $(BUILD)/clankeros.elf
TESTKERNEL := $(BUILD)/clankeros-test.elf
ISO      := $(BUILD)/clankeros.iso

# --- modules: programs, runtimes, host tests, fuzz targets ------------------
# Every program is a module declared in a rules.mk in its directory
# (servers/fs/rules.mk, drivers/ide/rules.mk, user/shell/rules.mk,
# tests/host/rules.mk, ...): its name, mode and sources, nothing else.
# mk/module.mk turns each into rules by its mode (mk/modes.mk).
MODULE_RULES := $(sort $(filter-out $(BUILD)/%,$(wildcard */rules.mk */*/rules.mk \
                                                         */*/*/rules.mk */*/*/*/rules.mk)))
$(foreach rules,$(MODULE_RULES),$(eval LOCAL_DIR := $(patsubst %/,%,$(dir $(rules))))$(eval include $(rules)))
LOCAL_DIR :=

include mk/initrd.mk

$(BUILD)/tools/psf2c: tools/psf2c.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)cc -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

$(FONT_C): $(BUILD)/tools/psf2c $(FONT_PSF)
	@mkdir -p $(@D)
	@echo "  FONT    $(FONT_PSF)"
	$(Q)gzip -dc $(FONT_PSF) | $(BUILD)/tools/psf2c fontConsole > $@.tmp && mv $@.tmp $@

.PHONY: all kernel iso run run-iso debug test host-test boot-test checkdeps e2e-test bench fuzz fuzz-run \
        clean deps-build deps-run deps-test deps-fuzz
.DEFAULT_GOAL := all

all: deps-build
	$(Q)$(MAKE) --no-print-directory kernel iso

# (The empty recipes keep make from saying there was nothing to do.)
kernel: $(KERNEL) $(KERNEL:.elf=.sym) $(KERNEL:.elf=.asm)
	@:
iso: $(ISO)
	@:

# --- set-up ---------------------------------------------------------------
deps-build:
	$(Q)tools/setup.sh build
deps-run:
	$(Q)tools/setup.sh $(if $(GUI_ON),gui,run)
deps-test:
	$(Q)tools/setup.sh test

# --- compiling (mk/modes.mk) ----------------------------------------------
$(BUILD)/obj/nosyms.o: tools/gensyms.sh
	@mkdir -p $(dir $@)
	@echo "  GENSYMS (empty)"
	$(Q)tools/gensyms.sh - > $(BUILD)/obj/nosyms.S
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $(BUILD)/obj/nosyms.S

# --- linking: twice, so backtraces can name functions ---------------------
# $(call kernel-image,OUT,OBJS)
define kernel-image
$(1:.elf=.pass1.elf): $(2) $(BUILD)/obj/nosyms.o arch/x86/kernel.ld
	@echo "  LD      $$@"
	$(Q)$(CC) $(KLDFLAGS) -o $$@ $(2) $(BUILD)/obj/nosyms.o $(KLIBS)

$(1:.elf=.syms.o): $(1:.elf=.pass1.elf) tools/gensyms.sh
	@echo "  GENSYMS $$@"
	$(Q)tools/gensyms.sh $$< > $(1:.elf=.syms.S)
	$(Q)$(CC) $(KASFLAGS) -c -o $$@ $(1:.elf=.syms.S)

$(1): $(2) $(1:.elf=.syms.o) arch/x86/kernel.ld
	@echo "  LD      $$@"
	$(Q)$(CC) $(KLDFLAGS) -o $$@ $(2) $(1:.elf=.syms.o) $(KLIBS)
	$(Q)tools/gensyms.sh $(1:.elf=.pass1.elf) | cmp -s - $(1:.elf=.syms.S) || \
	    { tools/gensyms.sh $$@ | cmp -s - $(1:.elf=.syms.S) || \
	      { echo "symbol addresses moved between links" >&2; rm -f $$@; exit 1; }; }
endef

$(eval $(call kernel-image,$(KERNEL),$(KERNEL_OBJS)))
$(eval $(call kernel-image,$(TESTKERNEL),$(KERNEL_OBJS) $(KTEST_OBJS)))

$(BUILD)/%.sym: $(BUILD)/%.elf
	@echo "  NM      $@"
	$(Q)nm -n $< > $@

$(BUILD)/%.asm: $(BUILD)/%.elf
	@echo "  OBJDUMP $@"
	$(Q)objdump -d -S $< > $@

$(ISO): $(KERNEL) $(INITRD) tools/grub.cfg
	@echo "  ISO     $@"
	$(Q)rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	$(Q)cp $(KERNEL) $(BUILD)/isodir/boot/clankeros.elf
	$(Q)cp $(INITRD) $(BUILD)/isodir/boot/initrd.tar
	$(Q)cp tools/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/isodir >$(BUILD)/grub-mkrescue.log 2>&1 || \
	    { cat $(BUILD)/grub-mkrescue.log; exit 1; }

# --- running --------------------------------------------------------------
comma := ,
QEMU_DEVICES = $(if $(DISK),-drive file=$(DISK)$(comma)format=raw$(comma)if=ide$(comma)index=0$(comma)media=disk) \
               $(if $(FLOPPY),-drive file=$(FLOPPY)$(comma)format=raw$(comma)if=floppy$(comma)index=0) \
               $(if $(NVME),-drive file=$(NVME)$(comma)format=raw$(comma)if=none$(comma)id=nvme0 \
                            -device nvme$(comma)serial=clanker0$(comma)drive=nvme0) \
               $(if $(SCSI),-device virtio-scsi-pci$(comma)id=scsi \
                            -drive file=$(SCSI)$(comma)format=raw$(comma)if=none$(comma)id=scsi0 \
                            -device scsi-hd$(comma)drive=scsi0$(comma)bus=scsi.0$(comma)channel=0$(comma)scsi-id=0$(comma)lun=0) \
               $(if $(USB),$(QEMU_USB_STICK))
# USB=IMG: a USB stick (usb-storage) on an xHCI controller: block:usb:1.1.
QEMU_USB_STICK = -device qemu-xhci$(comma)id=xhci -drive if=none$(comma)id=usbstick$(comma)format=raw$(comma)file=$(USB) \
                 -device usb-storage$(comma)bus=xhci.0$(comma)drive=usbstick
# GUI=1 picks a window backend when the recipe runs (or none, saying why).
QEMU_DISPLAY_ARG = $(if $(GUI_ON),$$(tools/qemu-display.sh $(QEMU)),$(QEMU_DISPLAY))
QEMU_BASE = $(QEMU) -accel $(ACCEL) -m $(MEM) -no-reboot -display $(QEMU_DISPLAY_ARG) $(if $(GUI_ON),-vga std) \
            $(QEMU_DEVICES) $(QEMU_ARGS)
# The kernel command line of run and debug: "desktop" starts the desktop.
KERNEL_APPEND = $(if $(DESKTOP_ON),-append desktop)
QEMU_RUN = $(QEMU_BASE) -serial $$( [ -t 0 ] && echo mon:stdio || echo stdio )

# make run: on a terminal the serial console is interactive (Ctrl-A X
# quits); piped input is fed to it by tools/console-feed, line by line,
# then a ^D, which the console reads as the end of input. With -s only what the system prints appears:
# the build's output goes to $(BUILD)/run-build.log, shown if it fails.
RUN_SILENT = $(findstring s,$(firstword -$(MAKEFLAGS)))

# TESTS=1: run and debug boot the test initrd (the test programs too).
RUN_INITRD := $(if $(filter-out 0 no,$(TESTS)),$(INITRD_TEST),$(INITRD))

run: deps-run
	$(Q)$(if $(DISK),test -f '$(DISK)' || { echo "DISK=$(DISK) is not a file" >&2; exit 1; })
	$(Q)$(if $(SCSI),test -f '$(SCSI)' || { echo "SCSI=$(SCSI) is not a file" >&2; exit 1; })
	$(Q)$(if $(USB),test -f '$(USB)' || { echo "USB=$(USB) is not a file" >&2; exit 1; })
	$(Q)if [ -n "$(RUN_SILENT)" ]; then \
	    mkdir -p $(BUILD); \
	    $(MAKE) --no-print-directory $(KERNEL) $(RUN_INITRD) >$(BUILD)/run-build.log 2>&1 || \
	        { cat $(BUILD)/run-build.log >&2; exit 1; }; \
	else \
	    $(MAKE) --no-print-directory $(KERNEL) $(RUN_INITRD); \
	fi
	$(Q)if [ -t 0 ]; then \
	    $(QEMU_BASE) -serial mon:stdio -kernel $(KERNEL) -initrd $(RUN_INITRD) $(KERNEL_APPEND); \
	else \
	    tools/console-feed | $(QEMU_BASE) -serial stdio -kernel $(KERNEL) -initrd $(RUN_INITRD) \
	        $(KERNEL_APPEND); \
	fi

run-iso: deps-run
	$(Q)$(MAKE) --no-print-directory $(ISO)
	$(Q)$(QEMU_RUN) -cdrom $(ISO)

debug: deps-run
	$(Q)$(MAKE) --no-print-directory $(KERNEL) $(KERNEL:.elf=.sym) $(RUN_INITRD)
	@echo "QEMU is waiting for gdb: gdb $(KERNEL) -ex 'target remote :1234'"
	$(Q)$(QEMU_RUN) -kernel $(KERNEL) -initrd $(RUN_INITRD) $(KERNEL_APPEND) -s -S

# --- testing --------------------------------------------------------------
# Host unit tests (tests/host/rules.mk): run every one (all of them, even
# after a failure); fail if any failed.
host-test: $(HOST_TESTS)
	$(Q)failed=""; \
	for t in $(HOST_TESTS); do \
		echo "  HOSTRUN $$t"; \
		./$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "host-test: FAILED:$$failed"; \
		exit 1; \
	fi

# Fuzzing (tests/fuzz/rules.mk): each target runs for FUZZ_SECONDS over
# its corpus in $(BUILD)/fuzz/corpus/, seeded from tests/fuzz/seeds/NAME/;
# a crash leaves its input in $(BUILD)/fuzz/NAME-crash-* and the log in
# $(BUILD)/fuzz/NAME.log. All run, even after a crash; fail if any crashed.
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(BUILD)/fuzz

fuzz-run: $(FUZZ_TARGETS)
	$(Q)failed=""; \
	for t in $(FUZZ_TARGETS); do \
		name=$$(basename $$t); \
		corpus=$(FUZZ_DIR)/corpus/$$name; \
		log=$(FUZZ_DIR)/$$name.log; \
		mkdir -p $$corpus; \
		if [ -d tests/fuzz/seeds/$$name ]; then \
			cp -f tests/fuzz/seeds/$$name/* $$corpus/ 2>/dev/null || true; \
		fi; \
		echo "  FUZZ    $$name ($(FUZZ_SECONDS) s)"; \
		begin=$$(date +%s); \
		if ./$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/$$name- $$corpus > $$log 2>&1; \
		then status="no crashes"; \
		else status="CRASH (see $$log)"; failed="$$failed $$name"; fi; \
		secs=$$(( $$(date +%s) - begin )); \
		runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -n 1); \
		rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log | tail -n 1); \
		echo "fuzz: $$name $$secs s, $${runs:-?} runs ($${rate:-?}/s), $$status"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz-run: FAILED:$$failed"; \
		for n in $$failed; do tail -n 40 $(FUZZ_DIR)/$$n.log; done; \
		exit 1; \
	fi

deps-fuzz:
	$(Q)tools/setup.sh fuzz

fuzz: deps-fuzz
	$(Q)$(MAKE) --no-print-directory fuzz-run

test: deps-test
	$(Q)$(MAKE) --no-print-directory checkdeps
	$(Q)$(MAKE) --no-print-directory host-test
	$(Q)$(MAKE) --no-print-directory boot-test
	$(Q)$(MAKE) --no-print-directory e2e-test

# The layers (tools/layers.txt): every include and every call of the
# built objects, then the check's own tests on trees that break them.
checkdeps: $(KERNEL) $(TESTKERNEL) $(INITRD) $(INITRD_TEST)
	$(Q)tools/checkdeps --objects $(BUILD)/obj $(BUILD)/user-obj
	$(Q)tests/tools/test_checkdeps.sh

# The boots (tests/boot/run.sh): the test kernel's suites with the test
# initrd, the release kernel with the product one.
boot-test: $(KERNEL) $(TESTKERNEL) $(ISO) $(INITRD) $(INITRD_TEST)
	$(Q)BUILD=$(BUILD) tests/boot/run.sh

# End-to-end: boot to the shell and type at it (tests/e2e/run.py), with
# the test initrd; the suites of `make run` boot the product one.
e2e-test: $(KERNEL) $(INITRD) $(INITRD_TEST) $(BUILD)/foreign/bin/busybox
	$(Q)BUILD=$(BUILD) python3 tests/e2e/run.py

# Linux programs built elsewhere (Debian's static busybox for i386), for
# the e2e suite "foreign": added with EXTRA=, never part of the initrd.
$(BUILD)/foreign/bin/busybox: tools/foreign-binaries.sh
	@echo "  FETCH   $@"
	$(Q)tools/foreign-binaries.sh $(BUILD)/foreign

BENCH_QEMU := $(QEMU) -accel tcg -icount shift=0,align=off,sleep=off -m 128 \
              -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

# The disks ide_read_1m, nvme_read_1m, scsi_read_1m and usb_read_1m read (bin/blktest
# NAME bench): 2 MiB of zeros each, made afresh for every run; and the
# 16 MiB FAT16 volume of fat_read_1m, the IDE primary slave.
BENCH_NVME_ARGS = -drive file=$(BUILD)/bench-nvme.img,format=raw,if=none,id=nvme0 \
                  -device nvme,serial=bench0,drive=nvme0
BENCH_SCSI_ARGS = -device virtio-scsi-pci,id=scsi \
                  -drive file=$(BUILD)/bench-scsi.img,format=raw,if=none,id=scsi0 \
                  -device scsi-hd,drive=scsi0,bus=scsi.0,channel=0,scsi-id=0,lun=0
BENCH_USB_ARGS = -device qemu-xhci,id=xhci -drive file=$(BUILD)/bench-usb.img,format=raw,if=none,id=usbstick \
                 -device usb-storage,bus=xhci.0,drive=usbstick
BENCH_IDE_ARGS = -drive file=$(BUILD)/bench-disk.img,format=raw,if=ide,index=0,media=disk \
                 -drive file=$(BUILD)/bench-fat.img,format=raw,if=ide,index=1,media=disk

bench: deps-test
	$(Q)$(MAKE) --no-print-directory $(TESTKERNEL) $(INITRD_TEST)
	$(Q)mkdir -p $(BUILD)/test-logs
	$(Q)rm -f $(BUILD)/bench-disk.img $(BUILD)/bench-nvme.img $(BUILD)/bench-scsi.img $(BUILD)/bench-fat.img
	$(Q)truncate -s 2M $(BUILD)/bench-disk.img && truncate -s 2M $(BUILD)/bench-nvme.img
	$(Q)truncate -s 2M $(BUILD)/bench-scsi.img && rm -f $(BUILD)/bench-usb.img && truncate -s 2M $(BUILD)/bench-usb.img
	$(Q)PATH="$$PATH:/usr/sbin:/sbin" mkfs.fat -C -F 16 $(BUILD)/bench-fat.img 16384 >/dev/null
	$(Q)timeout 600 $(BENCH_QEMU) $(BENCH_IDE_ARGS) $(BENCH_NVME_ARGS) $(BENCH_SCSI_ARGS) $(BENCH_USB_ARGS) -kernel $(TESTKERNEL) -initrd $(INITRD_TEST) \
	    -append "bench debug-exit" \
	    -serial file:$(BUILD)/test-logs/bench.log >/dev/null 2>&1; status=$$?; \
	    grep '^bench: ' $(BUILD)/test-logs/bench.log; \
	    [ $$status -eq 33 ] || { echo "bench: failed (status $$status), see $(BUILD)/test-logs/bench.log" >&2; exit 1; }

clean:
	rm -rf $(BUILD)

# What -MMD -MP found each object to include.
-include $(sort $(KERNEL_OBJS:.o=.d) $(KTEST_OBJS:.o=.d) $(MODULE_OBJS:.o=.d))
