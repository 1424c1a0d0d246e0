# Two kernel-mode programs the loader must refuse (tests/kernel/test_kapi.c):
# kapiold states another KernelApi version, kapinone states none. Neither
# links the mode's lib/kapi/need.c.
MODULE_MODE     := kernel-program
MODULE_KIND     := per-file
MODULE_INITRD   := test
MODULE_NO_START := yes
MODULE_SRCS     := $(sort $(wildcard $(LOCAL_DIR)/*.c))
include mk/module.mk
