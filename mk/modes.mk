# The build modes: how a module's sources are compiled and how its
# programs are linked, and where they go. Included once by the Makefile,
# before the modules' rules.mk files (see mk/module.mk).
#
#   kernel-program  ring 0 in an address space of its own, freestanding,
#                   entered at main(api, argc, argv); objects in
#                   $(BUILD)/obj/ (shared with the kernel), linked with the
#                   mode's runtime; goes to the initrd as TOP/NAME, where
#                   TOP is the first directory of the module's path
#                   (servers/fs/ makes servers/NAME)
#   user            ring 3, crt0 and the user runtime (lib/user/); objects
#                   in $(BUILD)/user-obj/; goes to the initrd as bin/NAME
#   linux           a static Linux i386 executable built with Debian's musl
#                   toolchain; objects in $(BUILD)/linux-obj/; goes to the
#                   initrd as bin/NAME. Where the toolchain is missing these
#                   modules are left out, so `make` and `make run` still work
#   host            a host program (a cmocka unit test) under ASan and
#                   UBSan; objects in $(BUILD)/host/obj/; $(BUILD)/host/NAME
#   fuzz            a libFuzzer target (clang); objects in
#                   $(BUILD)/fuzz/obj/; $(BUILD)/fuzz/NAME
#
# Every mode compiles with -Werror and -MMD -MP, prints one line a step
# ("  CC      FILE") and the full command with V=1.
#
# What a mode M defines, for mk/module.mk:
#   MODE_AVAILABLE_M   yes where its toolchain is installed
#   MODE_OBJ_M         its object directory: SRC compiles to $(MODE_OBJ_M)/SRC.o
#                      by a pattern rule below
#   MODE_RUNTIME_M     the archive every program links (lib/rules.mk), if any
#   MODE_START_M       the object linked first (crt0), if any
#   mode-out-M         $(call mode-out-M,NAME,DIR): the file a program NAME
#                      declared in DIR makes
#   MODE_LINK_M        the link command, run with the objects, then the
#                      runtime, as prerequisites ($^)

MODES := kernel-program user linux host fuzz

# Files whose change rebuilds every object: the flags live here.
MODE_MAKEFILES := Makefile mk/modes.mk

# --- kernel-program (and the kernel's own objects) ------------------------
KCFLAGS  := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
            -fno-stack-protector -fno-omit-frame-pointer \
            -fno-optimize-sibling-calls -mno-omit-leaf-frame-pointer -mgeneral-regs-only -fno-common \
            -O2 -g -Wall -Wextra -Werror -Iinclude -MMD -MP
KASFLAGS := -m32 -g -Iinclude -MMD -MP
# The kernel and kernel-mode programs link with link-time optimisation
# (the IPC path crosses many small functions in many files). Two kinds of
# file are compiled without it: the C library routines the compiler may
# call on its own (memcpy, memset), which must stay real symbols, and the
# in-kernel tests, which run in the order the linker lays out their
# objects (one partition of optimised code would reorder them).
NO_LTO_SRCS := lib/string.c
KLIBS    := -lgcc
KPROG_LDFLAGS := -m32 -O2 -flto -flto-partition=one -nostdlib -static -no-pie -Wl,-Ttext-segment=0x08048000 \
                 -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-e,main

MODE_AVAILABLE_kernel-program := yes
MODE_OBJ_kernel-program       := $(BUILD)/obj
MODE_RUNTIME_kernel-program   := $(BUILD)/obj/libkprogram.a
# Linked into every kernel-mode program, not taken from the archive
# (nothing refers to it): the KernelApi version it was built for, which
# the loader checks (include/clanker/kernelapi.h).
MODE_START_kernel-program     := $(BUILD)/obj/lib/kapi/need.c.o
mode-out-kernel-program       = $(BUILD)/initrd/$(firstword $(subst /, ,$(2)))/$(1)
MODE_LINK_kernel-program      = $(CC) $(KPROG_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(KLIBS)

$(BUILD)/obj/%.c.o: %.c $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) $(if $(filter $(NO_LTO_SRCS) $(KTEST_SRCS),$<),,-flto -ffat-lto-objects) -c -o $@ $<

$(BUILD)/obj/%.S.o: %.S $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

# --- user -----------------------------------------------------------------
USER_CFLAGS  := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
                -fno-stack-protector -fno-omit-frame-pointer -O2 -g \
                -Wall -Wextra -Werror -Iinclude -MMD -MP
USER_ASFLAGS := -m32 -g -Iinclude -MMD -MP
USER_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-Ttext-segment=0x08048000 \
                -Wl,--build-id=none -Wl,-z,noexecstack
USER_LIBS    := -lgcc

MODE_AVAILABLE_user := yes
MODE_OBJ_user       := $(BUILD)/user-obj
MODE_RUNTIME_user   := $(BUILD)/user-obj/libuser.a
# crt0 comes first in every user program's link.
MODE_START_user := $(BUILD)/user-obj/lib/user/crt0.S.o
mode-out-user   = $(BUILD)/initrd/bin/$(1)
MODE_LINK_user  = $(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(USER_LIBS)

$(BUILD)/user-obj/%.c.o: %.c $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

$(BUILD)/user-obj/%.S.o: %.S $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(USER_ASFLAGS) -c -o $@ $<

# --- linux (musl-tools and musl-dev:i386, installed by tools/setup.sh test)
POSIX_CC      := i386-linux-musl-gcc
POSIX_CFLAGS  := -O2 -g -Wall -Wextra -Werror -MMD -MP
POSIX_LDFLAGS := -static

MODE_OBJ_linux       := $(BUILD)/linux-obj
MODE_AVAILABLE_linux := $(if $(shell command -v $(POSIX_CC) 2>/dev/null),yes)
mode-out-linux       = $(BUILD)/initrd/bin/$(1)
MODE_LINK_linux      = $(POSIX_CC) $(POSIX_LDFLAGS) -o $@ $(filter %.o,$^)

$(BUILD)/linux-obj/%.c.o: %.c $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $<"
	$(Q)$(POSIX_CC) $(POSIX_CFLAGS) -c -o $@ $<

# --- host (cmocka: libcmocka-dev) -----------------------------------------
HOSTTEST_CC       := cc
HOSTTEST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
HOSTTEST_CFLAGS   := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -MMD -MP \
                     $(HOSTTEST_SANITIZE)
HOSTTEST_LIBS     := -lcmocka

MODE_AVAILABLE_host := yes
MODE_OBJ_host       := $(BUILD)/host/obj
mode-out-host       = $(BUILD)/host/$(1)
MODE_LINK_host      = $(HOSTTEST_CC) $(HOSTTEST_SANITIZE) -o $@ $(filter %.o,$^) $(HOSTTEST_LIBS)

$(BUILD)/host/obj/%.c.o: %.c $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -c -o $@ $<

# --- fuzz (clang with libFuzzer: clang-14 and libclang-rt-14-dev) ----------
FUZZ_CC       ?= clang
FUZZ_SANITIZE := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -MMD -MP $(FUZZ_SANITIZE)

MODE_AVAILABLE_fuzz := yes
MODE_OBJ_fuzz       := $(BUILD)/fuzz/obj
mode-out-fuzz       = $(BUILD)/fuzz/$(1)
MODE_LINK_fuzz      = $(FUZZ_CC) $(FUZZ_SANITIZE) -o $@ $(filter %.o,$^)

$(BUILD)/fuzz/obj/%.c.o: %.c $(MODE_MAKEFILES)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<
