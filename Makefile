# ClankerOS build.
#
#   make            kernel ELF, symbol map, disassembly and GRUB ISO
#   make run        boot in QEMU, serial console on this terminal
#   make run-iso    boot the ISO through GRUB
#   make debug      boot stopped, waiting for gdb on :1234
#   make test       host unit tests, the boot tests in QEMU, then end-to-end
#                   sessions typed at the shell
#   make bench      benchmark figures under QEMU's -icount
#   make fuzz       fuzz the parsers for a bounded time
#
# V=1 shows full commands. ACCEL=kvm uses KVM where it works. MEM=N sets
# the RAM in MiB for run targets. DISK=IMG attaches the raw image IMG as
# the IDE primary master (block:ide:0.0.0), FLOPPY=IMG as floppy drive A
# (block:floppy:a), NVME=IMG as an NVMe drive (block:nvme:0), to run,
# run-iso and debug; see README. For those three, QEMU_ARGS="..." adds
# arguments to QEMU's command line, GUI=1 opens a window with the VGA
# screen where there is a display (tools/qemu-display.sh), and
# QEMU_DISPLAY=NAME picks QEMU's -display backend (default none).

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
BUILD    := build

KCFLAGS  := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
            -fno-stack-protector -fno-omit-frame-pointer \
            -fno-optimize-sibling-calls -mno-omit-leaf-frame-pointer -mgeneral-regs-only -fno-common \
            -O2 -g -Wall -Wextra -Werror -Iinclude -MMD -MP
KASFLAGS := -m32 -g -Iinclude -MMD -MP
KLDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-T,arch/x86/kernel.ld \
            -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
KLIBS    := -lgcc

KERNEL_SRCS := $(sort $(wildcard arch/x86/*.S arch/x86/*.c kernel/*.c kernel/*/*.c \
                                kernel/services/console/*.c) \
                     lib/string.c lib/format.c lib/errortext.c lib/lineedit.c lib/heap.c lib/tar.c \
                     lib/server.c)
KTEST_SRCS  := $(sort $(wildcard tests/kernel/*.c tests/bench/*.c))
KERNEL_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(KERNEL_SRCS))
KTEST_OBJS  := $(patsubst %,$(BUILD)/obj/%.o,$(KTEST_SRCS))

KERNEL   := $(BUILD)/clankeros.elf
TESTKERNEL := $(BUILD)/clankeros-test.elf
ISO      := $(BUILD)/clankeros.iso

# --- programs and the initial RAM disk --------------------------------------
# Kernel-mode programs: freestanding like the kernel, linked at the user
# ELF base of their own address space, entered at main(api, argc, argv).
KPROG_SRCS := $(sort $(wildcard tests/kprograms/*.c))
KERNEL_PROGRAMS := $(patsubst tests/kprograms/%.c,$(BUILD)/initrd/tests/%,$(KPROG_SRCS))
KPROG_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-Ttext-segment=0x08048000 \
                 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-e,main

$(BUILD)/initrd/tests/%: $(BUILD)/obj/tests/kprograms/%.c.o $(BUILD)/obj/lib/string.c.o \
                         $(BUILD)/obj/lib/kapi/need.c.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

# Two kernel-mode programs the loader must refuse (tests/kernel/test_kapi.c):
# one built for another KernelApi version, one that states none.
KERNEL_PROGRAMS += $(BUILD)/initrd/tests/kapiold $(BUILD)/initrd/tests/kapinone
$(BUILD)/initrd/tests/kapiold $(BUILD)/initrd/tests/kapinone: \
        $(BUILD)/initrd/tests/%: $(BUILD)/obj/tests/kapibad/%.c.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

# Every kernel-mode server and driver is built on the server skeleton
# (include/lib/server.h) over the KernelApi's port.
KPROG_SKELETON := $(BUILD)/obj/lib/server.c.o $(BUILD)/obj/lib/kapi/serverport.c.o \
                  $(BUILD)/obj/lib/kapi/need.c.o

# Kernel-mode servers started by etc/boot.conf: servers/fs/fsroot.c is
# fs:root:, built on the shared filesystem code.
KERNEL_PROGRAMS += $(BUILD)/initrd/servers/fsroot
$(BUILD)/initrd/servers/fsroot: $(patsubst %,$(BUILD)/obj/%.o,servers/fs/fsroot.c lib/fsserver.c \
                                  lib/ramfs.c lib/tar.c lib/string.c lib/format.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

# The POSIX layer (docs/posix.md): a kernel-mode server of posix:call
# (int 0x80) and posix:vfs:, one file per group of calls.
POSIX_SERVER_SRCS := $(sort $(wildcard servers/posix/*.c)) lib/string.c lib/format.c
KERNEL_PROGRAMS += $(BUILD)/initrd/servers/posix
$(BUILD)/initrd/servers/posix: $(patsubst %,$(BUILD)/obj/%.o,$(POSIX_SERVER_SRCS)) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

# pipe: (docs/servers.md): byte streams between processes, a kernel-mode
# server started by etc/boot.conf before the shell.
KERNEL_PROGRAMS += $(BUILD)/initrd/servers/pipe
$(BUILD)/initrd/servers/pipe: $(patsubst %,$(BUILD)/obj/%.o,servers/pipe/pipe.c lib/string.c \
                                lib/format.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

# Block devices (docs/servers.md): block: lists the devices of every
# driver (servers/block/block.c); the drivers are kernel-mode programs
# started by etc/boot.conf, each serving the block protocol
# (include/clanker/block.h).
KERNEL_PROGRAMS += $(BUILD)/initrd/servers/block
$(BUILD)/initrd/servers/block: $(patsubst %,$(BUILD)/obj/%.o,servers/block/block.c lib/string.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

# Device drivers (drivers/), kernel-mode servers started by etc/boot.conf:
# drivers/pci serves pci:, drivers/ide block:ide:, drivers/floppy
# block:floppy:, drivers/nvme block:nvme:.
KERNEL_PROGRAMS += $(BUILD)/initrd/drivers/pci
$(BUILD)/initrd/drivers/pci: $(patsubst %,$(BUILD)/obj/%.o,drivers/pci/pci.c lib/pci.c \
                               lib/string.c lib/format.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

KERNEL_PROGRAMS += $(BUILD)/initrd/drivers/floppy
$(BUILD)/initrd/drivers/floppy: $(patsubst %,$(BUILD)/obj/%.o,drivers/floppy/floppy.c lib/blockdev.c \
                                  lib/string.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

KERNEL_PROGRAMS += $(BUILD)/initrd/drivers/ide
$(BUILD)/initrd/drivers/ide: $(patsubst %,$(BUILD)/obj/%.o,drivers/ide/ide.c lib/pci.c \
                               lib/string.c lib/format.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

KERNEL_PROGRAMS += $(BUILD)/initrd/drivers/nvme
$(BUILD)/initrd/drivers/nvme: $(patsubst %,$(BUILD)/obj/%.o,drivers/nvme/nvme.c lib/blockdev.c \
                                lib/pci.c lib/string.c) $(KPROG_SKELETON)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(KPROG_LDFLAGS) -o $@ $^ $(KLIBS)

include user/user.mk
include tests/posix/posix.mk

.PHONY: all kernel iso run run-iso debug test host-test boot-test checkdeps e2e-test bench fuzz clean deps-build deps-run deps-test deps-fuzz
.DEFAULT_GOAL := all

all: deps-build
	$(Q)$(MAKE) --no-print-directory kernel iso $(INITRD)

kernel: $(KERNEL) $(KERNEL:.elf=.sym) $(KERNEL:.elf=.asm)
iso: $(ISO)

# --- set-up ---------------------------------------------------------------
deps-build:
	$(Q)tools/setup.sh build
deps-run:
	$(Q)tools/setup.sh $(if $(GUI_ON),gui,run)
deps-test:
	$(Q)tools/setup.sh test

# --- compiling ------------------------------------------------------------
$(BUILD)/obj/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<

$(BUILD)/obj/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

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
                            -device nvme$(comma)serial=clanker0$(comma)drive=nvme0)
# GUI=1 picks a window backend when the recipe runs (or none, saying why).
QEMU_DISPLAY_ARG = $(if $(GUI_ON),$$(tools/qemu-display.sh $(QEMU)),$(QEMU_DISPLAY))
QEMU_BASE = $(QEMU) -accel $(ACCEL) -m $(MEM) -no-reboot -display $(QEMU_DISPLAY_ARG) $(QEMU_DEVICES) $(QEMU_ARGS)
QEMU_RUN = $(QEMU_BASE) -serial $$( [ -t 0 ] && echo mon:stdio || echo stdio )

# make run: on a terminal the serial console is interactive (Ctrl-A X
# quits); piped input is fed to it by tools/console-feed, line by line,
# then a ^D, which the console reads as the end of input. With -s only what the system prints appears:
# the build's output goes to $(BUILD)/run-build.log, shown if it fails.
RUN_SILENT = $(findstring s,$(firstword -$(MAKEFLAGS)))

run: deps-run
	$(Q)$(if $(DISK),test -f '$(DISK)' || { echo "DISK=$(DISK) is not a file" >&2; exit 1; })
	$(Q)if [ -n "$(RUN_SILENT)" ]; then \
	    mkdir -p $(BUILD); \
	    $(MAKE) --no-print-directory $(KERNEL) $(INITRD) >$(BUILD)/run-build.log 2>&1 || \
	        { cat $(BUILD)/run-build.log >&2; exit 1; }; \
	else \
	    $(MAKE) --no-print-directory $(KERNEL) $(INITRD); \
	fi
	$(Q)if [ -t 0 ]; then \
	    $(QEMU_BASE) -serial mon:stdio -kernel $(KERNEL) -initrd $(INITRD); \
	else \
	    tools/console-feed | $(QEMU_BASE) -serial stdio -kernel $(KERNEL) -initrd $(INITRD); \
	fi

run-iso: deps-run
	$(Q)$(MAKE) --no-print-directory $(ISO)
	$(Q)$(QEMU_RUN) -cdrom $(ISO)

debug: deps-run
	$(Q)$(MAKE) --no-print-directory $(KERNEL) $(KERNEL:.elf=.sym) $(INITRD)
	@echo "QEMU is waiting for gdb: gdb $(KERNEL) -ex 'target remote :1234'"
	$(Q)$(QEMU_RUN) -kernel $(KERNEL) -initrd $(INITRD) -s -S

# --- testing --------------------------------------------------------------
include tests/host/host.mk
include tests/fuzz/fuzz.mk

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
checkdeps: $(KERNEL) $(TESTKERNEL) $(INITRD)
	$(Q)tools/checkdeps --objects $(BUILD)/obj $(BUILD)/user-obj
	$(Q)tests/tools/test_checkdeps.sh

boot-test: $(KERNEL) $(TESTKERNEL) $(ISO) $(INITRD)
	$(Q)tests/boot/run.sh

# End-to-end: boot to the shell and type at it (tests/e2e/run.py).
e2e-test: $(KERNEL) $(INITRD) $(BUILD)/foreign/bin/busybox
	$(Q)BUILD=$(BUILD) python3 tests/e2e/run.py

# Linux programs built elsewhere (Debian's static busybox for i386), for
# the e2e suite "foreign": added with EXTRA=, never part of the initrd.
$(BUILD)/foreign/bin/busybox: tools/foreign-binaries.sh
	@echo "  FETCH   $@"
	$(Q)tools/foreign-binaries.sh $(BUILD)/foreign

BENCH_QEMU := $(QEMU) -accel tcg -icount shift=0,align=off,sleep=off -m 128 \
              -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

# The disks ide_read_1m and nvme_read_1m read (bin/blktest NAME bench):
# 2 MiB of zeros each, made afresh for every run; and the 16 MiB FAT16
# volume of fat_read_1m, the IDE primary slave.
BENCH_NVME_ARGS = -drive file=$(BUILD)/bench-nvme.img,format=raw,if=none,id=nvme0 \
                  -device nvme,serial=bench0,drive=nvme0
BENCH_IDE_ARGS = -drive file=$(BUILD)/bench-disk.img,format=raw,if=ide,index=0,media=disk \
                 -drive file=$(BUILD)/bench-fat.img,format=raw,if=ide,index=1,media=disk

bench: deps-test
	$(Q)$(MAKE) --no-print-directory $(TESTKERNEL) $(INITRD)
	$(Q)mkdir -p $(BUILD)/test-logs
	$(Q)rm -f $(BUILD)/bench-disk.img $(BUILD)/bench-nvme.img $(BUILD)/bench-fat.img
	$(Q)truncate -s 2M $(BUILD)/bench-disk.img && truncate -s 2M $(BUILD)/bench-nvme.img
	$(Q)PATH="$$PATH:/usr/sbin:/sbin" mkfs.fat -C -F 16 $(BUILD)/bench-fat.img 16384 >/dev/null
	$(Q)timeout 600 $(BENCH_QEMU) $(BENCH_IDE_ARGS) $(BENCH_NVME_ARGS) -kernel $(TESTKERNEL) -initrd $(INITRD) \
	    -append "bench debug-exit" \
	    -serial file:$(BUILD)/test-logs/bench.log >/dev/null 2>&1; status=$$?; \
	    grep '^bench: ' $(BUILD)/test-logs/bench.log; \
	    [ $$status -eq 33 ] || { echo "bench: failed (status $$status), see $(BUILD)/test-logs/bench.log" >&2; exit 1; }

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
