# posix: the POSIX layer (docs/posix.md), a kernel-mode server of
# posix:call (int 0x80) and posix:vfs:, one file per group of calls.
MODULE      := posix
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
