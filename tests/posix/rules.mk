# Linux test programs for the POSIX layer (docs/posix.md), built with
# Debian's musl toolchain: tests/posix/pxNAME.c is bin/pxNAME of the test
# initrd, run as posix:vfs:/bin/pxNAME or fs:root:bin/pxNAME.
MODULE_MODE   := linux
MODULE_KIND   := per-file
MODULE_INITRD := test
MODULE_SRCS   := $(sort $(wildcard $(LOCAL_DIR)/px*.c))
include mk/module.mk
