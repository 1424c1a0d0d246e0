# pipe: byte streams between processes (docs/servers.md), a kernel-mode
# server started by etc/boot.conf before the shell.
MODULE      := pipe
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
