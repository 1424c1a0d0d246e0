# input:mouse: the PS/2 mouse on the 8042's aux port, a kernel-mode driver
# started by etc/boot.conf.
MODULE      := ps2mouse
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
