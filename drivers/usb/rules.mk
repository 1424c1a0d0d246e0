# usb: and block:usb:BUS.DEV: xHCI controllers on PCI, their devices, USB
# mass storage; a kernel-mode driver started by etc/boot.conf.
MODULE      := usb
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
