# Host unit tests (cmocka) for the pure-logic kernel modules.
#
# Included by the top-level Makefile from the repository root; also usable
# on its own:  make -f tests/host/host.mk host-test   (V=1 shows commands)
ifeq ($(V),1)
Q ?=
else
Q ?= @
endif

HOSTTEST_CC     := cc
HOSTTEST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude \
                   -fsanitize=address,undefined -fno-sanitize-recover=all
HOSTTEST_LIBS   := -lcmocka
HOSTTEST_DIR    := build/host

HOST_TESTS := build/host/test_format build/host/test_rangeset \
              build/host/test_memmap build/host/test_pmm build/host/test_heap \
              build/host/test_tar build/host/test_elf \
              build/host/test_namespace \
              build/host/test_ramfs build/host/test_errortext \
              build/host/test_fsserver build/host/test_lineedit \
              build/host/test_keyboard build/host/test_fat \
              build/host/test_name build/host/test_shellparse build/host/test_shelledit

build/host/test_format: tests/host/test_format.c lib/format.c \
                        include/lib/format.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_rangeset: tests/host/test_rangeset.c tests/host/testkit.c tests/host/testkit.h kernel/mm/rangeset.c \
                          include/kernel/mm/rangeset.h include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_memmap: tests/host/test_memmap.c tests/host/testkit.c tests/host/testkit.h kernel/mm/memmap.c \
                        kernel/mm/rangeset.c include/kernel/mm/memmap.h \
                        include/kernel/multiboot.h include/kernel/mm/rangeset.h \
                        include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_pmm: tests/host/test_pmm.c kernel/mm/pmm.c kernel/mm/rangeset.c \
                     include/kernel/mm/pmm.h include/kernel/mm/rangeset.h \
                     include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_heap: tests/host/test_heap.c lib/heap.c \
                      include/lib/heap.h include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_tar: tests/host/test_tar.c lib/tar.c \
                     include/lib/tar.h include/clanker/error.h \
                     tests/host/data/sample.tar
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_elf: tests/host/test_elf.c kernel/exec/elf.c \
                     include/kernel/exec/elf.h include/clanker/error.h \
                     tests/host/data/hello.elf
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_namespace: tests/host/test_namespace.c tests/host/testkit.c tests/host/testkit.h kernel/ipc/namespace.c \
                           include/kernel/ipc/namespace.h include/clanker/message.h \
                           include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_name: tests/host/test_name.c lib/name.c include/lib/name.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_shellparse: tests/host/test_shellparse.c lib/shellparse.c include/lib/shellparse.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_shelledit: tests/host/test_shelledit.c lib/shelledit.c include/lib/shelledit.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_ramfs: tests/host/test_ramfs.c tests/host/testkit.c tests/host/testkit.h lib/ramfs.c include/lib/ramfs.h \
                       include/lib/string.h include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_fsserver: tests/host/test_fsserver.c tests/host/testkit.c tests/host/testkit.h \
                          lib/fsserver.c lib/ramfs.c include/lib/fsserver.h include/lib/ramfs.h \
                          include/clanker/fs.h include/clanker/message.h include/lib/string.h \
                          include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_fat: tests/host/test_fat.c tests/host/testkit.c tests/host/testkit.h lib/fat.c \
                    include/lib/fat.h include/lib/string.h include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_errortext: tests/host/test_errortext.c lib/errortext.c lib/format.c \
                           include/lib/errortext.h include/lib/format.h include/clanker/error.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_lineedit: tests/host/test_lineedit.c lib/lineedit.c include/lib/lineedit.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

build/host/test_keyboard: tests/host/test_keyboard.c kernel/services/console/keyboard.c \
                          include/kernel/services/console.h include/clanker/message.h
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(HOSTTEST_DIR)
	$(Q)$(HOSTTEST_CC) $(HOSTTEST_CFLAGS) -o $@ $(filter %.c,$^) $(HOSTTEST_LIBS)

# Run every test binary (all of them, even after a failure); fail if any
# failed.
.PHONY: host-test
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
