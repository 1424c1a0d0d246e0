# fs:root: the initrd as a writable filesystem (kernel-mode), and fs:temp:
# an empty scratch filesystem (user-mode); both built on lib/fsserver.c.
MODULE      := fsroot
MODULE_MODE := kernel-program
MODULE_SRCS := $(LOCAL_DIR)/fsroot.c
include mk/module.mk

MODULE      := fstemp
MODULE_MODE := user
MODULE_SRCS := $(LOCAL_DIR)/fstemp.c
include mk/module.mk
