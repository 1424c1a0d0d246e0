# Kernel-mode test programs, one file each: tests/kprograms/NAME.c is
# tests/NAME of the test initrd, started by the in-kernel suite and the
# benchmarks.
MODULE_MODE   := kernel-program
MODULE_KIND   := per-file
MODULE_INITRD := test
MODULE_SRCS   := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
