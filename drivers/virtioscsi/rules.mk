# block:scsi:C.T.L: virtio-scsi controllers on PCI, a kernel-mode driver
# started by etc/boot.conf, on the SCSI layer (lib/scsi.c).
MODULE      := virtioscsi
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
