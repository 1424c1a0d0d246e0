# User-mode programs and the initial RAM disk.
#
# Included by the top-level Makefile from the repository root; also usable
# on its own:  make -f user/user.mk build/initrd.tar   (V=1 shows commands)
#
#   $(USER_PROGRAMS)  every user/*.c and tests/programs/*.c as a static
#                     ELF32 executable, $(BUILD)/initrd/bin/NAME, and each
#                     directory user/NAME/ as one program of all its *.c
#                     (user/shell/ is bin/shell), linked with
#                     lib/user/ (crt0, system calls, malloc, IPC, stdio) and
#                     lib/string.c, lib/format.c, lib/name.c, lib/shellparse.c, lib/shelledit.c,
#                     lib/errortext.c, lib/heap.c (shared with
#                     the kernel, built again with the user flags under
#                     $(BUILD)/user-obj/), the runtime as an archive
#   $(INITRD)         $(BUILD)/initrd.tar, a deterministic USTAR archive of
#                     initrd/ + $(USER_PROGRAMS) + $(KERNEL_PROGRAMS), with
#                     the files of EXTRA=DIR (if given) laid over the top
#
# KERNEL_PROGRAMS: files under $(BUILD)/initrd/ made by other rules; append
# to it before or after including this file (it is read at build time).
#
# The archive is built in $(BUILD)/initrd-root/, a fresh copy of exactly
# the listed files plus EXTRA, so stale files in $(BUILD)/initrd/ (removed
# programs, earlier EXTRA runs) never reach it. $(BUILD)/user-obj/initrd.list
# changes whenever that list or EXTRA changes, which rebuilds the archive.

ifeq ($(V),1)
Q ?=
else
Q ?= @
endif
BUILD ?= build
ifeq ($(origin CC),default)
CC := gcc
endif

KERNEL_PROGRAMS ?=

USER_CFLAGS  := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
                -fno-stack-protector -fno-omit-frame-pointer -O2 -g \
                -Wall -Wextra -Werror -Iinclude -MMD -MP
USER_ASFLAGS := -m32 -g -Iinclude -MMD -MP
USER_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-Ttext-segment=0x08048000 \
                -Wl,--build-id=none -Wl,-z,noexecstack
USER_LIBS    := -lgcc

USER_OBJ     := $(BUILD)/user-obj
USER_CRT0    := $(USER_OBJ)/lib/user/crt0.S.o
USER_LIB_OBJS := $(USER_OBJ)/lib/user/syscall.c.o $(USER_OBJ)/lib/user/malloc.c.o \
                 $(USER_OBJ)/lib/user/ipc.c.o $(USER_OBJ)/lib/user/stdio.c.o \
                 $(USER_OBJ)/lib/string.c.o \
                 $(USER_OBJ)/lib/format.c.o $(USER_OBJ)/lib/heap.c.o \
                 $(USER_OBJ)/lib/ramfs.c.o $(USER_OBJ)/lib/fsserver.c.o \
                 $(USER_OBJ)/lib/errortext.c.o \
                 $(USER_OBJ)/lib/name.c.o $(USER_OBJ)/lib/user/name.c.o \
                 $(USER_OBJ)/lib/shellparse.c.o $(USER_OBJ)/lib/shelledit.c.o \
                 $(USER_OBJ)/lib/fat.c.o $(USER_OBJ)/lib/fatbackend.c.o \
                 $(USER_OBJ)/lib/server.c.o $(USER_OBJ)/lib/user/serverport.c.o
# The runtime is linked as an archive, so a program gets only the objects
# it uses: the 4 MiB malloc arena (.bss, mapped at load) only goes into
# programs that call malloc.
USER_LIB     := $(USER_OBJ)/libuser.a

# User-mode servers live with their kind in servers/ (servers/fs/fstemp.c
# is fs:temp:, servers/fat/fatfs.c the FAT server) and are built like user
# programs, as bin/NAME.
USER_SERVER_SRCS := servers/fs/fstemp.c servers/fat/fatfs.c
USER_SRCS     := $(sort $(wildcard user/*.c))
# Programs of several files: user/NAME/*.c is bin/NAME.
USER_DIRS     := $(sort $(patsubst %/,%,$(dir $(wildcard user/*/*.c))))
USER_TEST_SRCS := $(sort $(wildcard tests/programs/*.c))
USER_BIN      := $(BUILD)/initrd/bin
USER_PROGRAMS_USER  := $(patsubst user/%.c,$(USER_BIN)/%,$(USER_SRCS))
USER_PROGRAMS_TESTS := $(patsubst tests/programs/%.c,$(USER_BIN)/%,$(USER_TEST_SRCS))
USER_PROGRAMS_SERVERS := $(patsubst %.c,$(USER_BIN)/%,$(notdir $(USER_SERVER_SRCS)))
USER_PROGRAMS_DIRS := $(patsubst user/%,$(USER_BIN)/%,$(USER_DIRS))
USER_PROGRAMS := $(USER_PROGRAMS_USER) $(USER_PROGRAMS_TESTS) $(USER_PROGRAMS_SERVERS) \
                 $(USER_PROGRAMS_DIRS)

ifneq ($(words $(USER_PROGRAMS)),$(words $(sort $(USER_PROGRAMS))))
$(error user/ and tests/programs/ both have a program named \
        $(sort $(foreach p,$(USER_PROGRAMS),$(if $(filter-out 1,$(words $(filter $(p),$(USER_PROGRAMS)))),$(notdir $(p))))))
endif

# Files of the repository's initrd/ directory, copied to $(BUILD)/initrd/.
USER_INITRD_SRCS  := $(shell find initrd ! -type d 2>/dev/null | LC_ALL=C sort)
USER_INITRD_FILES := $(patsubst initrd/%,$(BUILD)/initrd/%,$(USER_INITRD_SRCS))

INITRD           := $(BUILD)/initrd.tar
USER_INITRD_ROOT := $(BUILD)/initrd-root
USER_INITRD_LIST := $(USER_OBJ)/initrd.list

# Everything that goes into the archive, relative to $(BUILD)/initrd/.
# Recursive (=) so that KERNEL_PROGRAMS is read when a recipe runs.
user-initrd-members = $(sort $(patsubst $(BUILD)/initrd/%,%,\
                        $(USER_INITRD_FILES) $(USER_PROGRAMS) $(KERNEL_PROGRAMS)))

.PHONY: user-programs user-initrd FORCE
user-programs: $(USER_PROGRAMS)
user-initrd: $(INITRD)
FORCE:

# --- compiling ------------------------------------------------------------
$(USER_OBJ)/%.c.o: %.c user/user.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

$(USER_OBJ)/%.S.o: %.S user/user.mk
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(USER_ASFLAGS) -c -o $@ $<

# --- linking: crt0 first, then the program, then the runtime --------------
$(USER_LIB): $(USER_LIB_OBJS) user/user.mk
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $(USER_LIB_OBJS)

$(USER_PROGRAMS_USER): $(USER_BIN)/%: $(USER_CRT0) $(USER_OBJ)/user/%.c.o \
                                      $(USER_LIB) user/user.mk
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(USER_LIB) $(USER_LIBS)

$(foreach s,$(USER_SERVER_SRCS),$(eval $(USER_BIN)/$(notdir $(s:.c=)): $(USER_OBJ)/$(s).o))
$(USER_PROGRAMS_SERVERS): $(USER_BIN)/%: $(USER_CRT0) $(USER_LIB) user/user.mk
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(USER_LIB) $(USER_LIBS)

$(foreach d,$(USER_DIRS),$(eval $(USER_BIN)/$(notdir $(d)): \
    $(patsubst %.c,$(USER_OBJ)/%.c.o,$(wildcard $(d)/*.c))))
$(USER_PROGRAMS_DIRS): $(USER_BIN)/%: $(USER_CRT0) $(USER_LIB) user/user.mk
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(USER_LIB) $(USER_LIBS)

$(USER_PROGRAMS_TESTS): $(USER_BIN)/%: $(USER_CRT0) $(USER_OBJ)/tests/programs/%.c.o \
                                       $(USER_LIB) user/user.mk
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(USER_LIB) $(USER_LIBS)

# --- the initrd -----------------------------------------------------------
$(USER_INITRD_FILES): $(BUILD)/initrd/%: initrd/%
	@mkdir -p $(@D)
	@echo "  CP      $@"
	$(Q)cp $< $@

# Rewritten only when its content (member list and EXTRA) changes.
$(USER_INITRD_LIST): FORCE
	@mkdir -p $(@D)
	$(Q)printf '%s\n' $(user-initrd-members) '/EXTRA=$(EXTRA)' > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# $$(KERNEL_PROGRAMS) is expanded a second time when the archive is
# needed, after every makefile has been read. EXTRA's content can change
# without make noticing, so with EXTRA the archive is always rebuilt.
.SECONDEXPANSION:
$(INITRD): $(USER_INITRD_FILES) $(USER_PROGRAMS) $$(KERNEL_PROGRAMS) \
           $(USER_INITRD_LIST) $(if $(EXTRA),FORCE)
	@echo "  TAR     $@"
	$(Q)$(if $(filter-out $(BUILD)/initrd/%,$(KERNEL_PROGRAMS)),\
	    echo "KERNEL_PROGRAMS outside $(BUILD)/initrd/: $(filter-out $(BUILD)/initrd/%,$(KERNEL_PROGRAMS))" >&2; exit 1)
	$(Q)$(if $(EXTRA),test -d '$(EXTRA)' || { echo "EXTRA=$(EXTRA) is not a directory" >&2; exit 1; })
	$(Q)rm -rf $(USER_INITRD_ROOT) && mkdir -p $(USER_INITRD_ROOT)
	$(Q)cd $(BUILD)/initrd && cp -a --parents $(user-initrd-members) '$(abspath $(USER_INITRD_ROOT))/'
	$(Q)$(if $(EXTRA),cp -a '$(EXTRA)/.' $(USER_INITRD_ROOT)/)
	$(Q)tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
	    --sort=name -cf $@ -C $(USER_INITRD_ROOT) .

-include $(shell find $(USER_OBJ) -name '*.d' 2>/dev/null)
