# block: the list of every driver's block devices (docs/servers.md).
MODULE      := block
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
