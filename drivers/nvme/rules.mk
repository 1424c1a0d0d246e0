# block:nvme:N: NVMe controllers on PCI, a kernel-mode driver started by
# etc/boot.conf.
MODULE      := nvme
MODULE_MODE := kernel-program
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
