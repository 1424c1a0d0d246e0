# The shell (docs/shell.md): bin/shell, started by etc/boot.conf on console:.
MODULE      := shell
MODULE_MODE := user
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
