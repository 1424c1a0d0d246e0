# libFuzzer targets for the pure parsers and allocators.
#
# Included by the top-level Makefile from the repository root; also usable
# on its own:  make -f tests/fuzz/fuzz.mk fuzz-run FUZZ_SECONDS=20
#
# Needs clang with libFuzzer (Debian 12: clang-14 and libclang-rt-14-dev).
# Each target runs for FUZZ_SECONDS over its corpus in build/fuzz/corpus/,
# seeded from tests/fuzz/seeds/NAME/; a crash leaves its input in
# build/fuzz/NAME-crash-* and the log in build/fuzz/NAME.log.
Q ?= @

FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -Iinclude -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all -Wall -Wextra
FUZZ_DIR     := build/fuzz
FUZZ_SECONDS ?= 60

FUZZ_TARGETS := build/fuzz/fuzz_memmap build/fuzz/fuzz_heap \
                build/fuzz/fuzz_tar build/fuzz/fuzz_elf \
                build/fuzz/fuzz_namespace \
                build/fuzz/fuzz_ramfs build/fuzz/fuzz_fsserver \
                build/fuzz/fuzz_lineedit build/fuzz/fuzz_fat \
                build/fuzz/fuzz_shellparse

build/fuzz/fuzz_memmap: tests/fuzz/fuzz_memmap.c kernel/mm/memmap.c \
                        kernel/mm/rangeset.c include/kernel/mm/memmap.h \
                        include/kernel/multiboot.h include/kernel/mm/rangeset.h \
                        include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_tar: tests/fuzz/fuzz_tar.c lib/tar.c include/lib/tar.h \
                     include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_elf: tests/fuzz/fuzz_elf.c kernel/exec/elf.c include/kernel/exec/elf.h \
                     include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_heap: tests/fuzz/fuzz_heap.c lib/heap.c \
                      include/lib/heap.h include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_namespace: tests/fuzz/fuzz_namespace.c tests/fuzz/fuzzkit.c tests/fuzz/fuzzkit.h kernel/ipc/namespace.c \
                           include/kernel/ipc/namespace.h include/clanker/message.h \
                           include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_shellparse: tests/fuzz/fuzz_shellparse.c lib/shellparse.c \
                            include/lib/shellparse.h include/lib/string.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_ramfs: tests/fuzz/fuzz_ramfs.c tests/fuzz/fuzzkit.c tests/fuzz/fuzzkit.h lib/ramfs.c include/lib/ramfs.h \
                       include/lib/string.h include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_fsserver: tests/fuzz/fuzz_fsserver.c tests/fuzz/fuzzkit.c tests/fuzz/fuzzkit.h \
                          lib/fsserver.c lib/ramfs.c include/lib/fsserver.h include/lib/ramfs.h \
                          include/clanker/fs.h include/clanker/message.h include/lib/string.h \
                          include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_lineedit: tests/fuzz/fuzz_lineedit.c lib/lineedit.c include/lib/lineedit.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

build/fuzz/fuzz_fat: tests/fuzz/fuzz_fat.c tests/fuzz/fuzzkit.c tests/fuzz/fuzzkit.h lib/fat.c \
                    include/lib/fat.h include/lib/string.h include/clanker/error.h
	@echo "  FUZZCC  $@"
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)

# Run every target (all of them, even after a crash) for FUZZ_SECONDS
# each; fail if any of them found a crash.
.PHONY: fuzz-run
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
