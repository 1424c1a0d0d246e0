# display: the Bochs VBE / QEMU std-VGA adapter, a kernel-mode driver
# started by etc/boot.conf.
MODULE      := vga
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
