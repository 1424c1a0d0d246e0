# windows: the window server (docs/windows.md), a ring-3 program started
# by bin/desktop.
MODULE      := windows
MODULE_MODE := user
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
