# block:ide: IDE disks and ATAPI drives over PIO, a kernel-mode driver
# started by etc/boot.conf.
MODULE      := ide
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
