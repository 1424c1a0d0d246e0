# User programs of one file each: user/NAME.c is bin/NAME.
MODULE_MODE := user
MODULE_KIND := per-file
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
