# fatfs: a FAT12/16/32 volume on a block device as a filesystem, a user
# program started by the shell's mount (lib/fat.c, lib/fatbackend.c).
MODULE      := fatfs
MODULE_MODE := user
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
