# Linux programs for the POSIX layer (docs/posix.md), included by the
# top-level Makefile.
#
#   $(POSIX_PROGRAMS)  every tests/posix/px*.c, built with Debian's musl
#                      toolchain as a static Linux i386 executable,
#                      $(BUILD)/initrd/bin/pxNAME: ordinary files of the
#                      initrd, started through the POSIX layer
#                      (run posix:vfs:/bin/pxhello, or run fs:root:bin/pxhello)
#
# The toolchain comes from the packages musl-tools and musl-dev:i386,
# which tools/setup.sh installs for `make test`. Where it is missing the
# programs are left out of the initrd, so `make` and `make run` still work
# without it.

POSIX_CC     := i386-linux-musl-gcc
POSIX_CFLAGS := -static -O2 -g -Wall -Wextra -Werror
POSIX_SRCS   := $(sort $(wildcard tests/posix/px*.c))

ifneq ($(shell command -v $(POSIX_CC) 2>/dev/null),)
POSIX_PROGRAMS := $(patsubst tests/posix/%.c,$(BUILD)/initrd/bin/%,$(POSIX_SRCS))
else
POSIX_PROGRAMS :=
endif
KERNEL_PROGRAMS += $(POSIX_PROGRAMS)

.PHONY: posix-programs
posix-programs: $(POSIX_PROGRAMS)

$(BUILD)/initrd/bin/px%: tests/posix/px%.c tests/posix/check.h tests/posix/posix.mk
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(POSIX_CC) $(POSIX_CFLAGS) -o $@ $<
