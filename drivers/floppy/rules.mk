# block:floppy:a, b: the 1.44 MB drives of the ISA floppy controller, a
# kernel-mode driver started by etc/boot.conf.
MODULE      := floppy
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
