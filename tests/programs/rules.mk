# Test programs (user mode), one file each: tests/programs/NAME.c is
# bin/NAME of the test initrd, run by the in-kernel suite, the e2e
# sessions and the benchmarks.
MODULE_MODE   := user
MODULE_KIND   := per-file
MODULE_INITRD := test
MODULE_SRCS   := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
