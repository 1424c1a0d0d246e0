# bin/term: a terminal window running the shell (docs/windows.md).
MODULE      := term
MODULE_MODE := user
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
