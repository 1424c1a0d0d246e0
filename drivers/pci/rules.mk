# pci: the PCI functions found at boot, a kernel-mode driver started by
# etc/boot.conf.
MODULE      := pci
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
