# libFuzzer targets for the pure parsers and allocators, one module each:
# the target and the code it fuzzes, $(BUILD)/fuzz/NAME. `make fuzz` runs
# them (docs/testing.md).

MODULE      := fuzz_memmap
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_memmap.c kernel/mm/memmap.c kernel/mm/rangeset.c
include mk/module.mk

MODULE      := fuzz_heap
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_heap.c lib/heap.c
include mk/module.mk

MODULE      := fuzz_tar
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_tar.c lib/tar.c
include mk/module.mk

MODULE      := fuzz_elf
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_elf.c kernel/exec/elf.c
include mk/module.mk

MODULE      := fuzz_namespace
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_namespace.c $(LOCAL_DIR)/fuzzkit.c kernel/ipc/namespace.c
include mk/module.mk

MODULE      := fuzz_ramfs
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_ramfs.c $(LOCAL_DIR)/fuzzkit.c lib/ramfs.c
include mk/module.mk

MODULE      := fuzz_fsserver
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_fsserver.c $(LOCAL_DIR)/fuzzkit.c lib/fsserver.c lib/ramfs.c \
               lib/server.c
include mk/module.mk

MODULE      := fuzz_lineedit
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_lineedit.c lib/lineedit.c
include mk/module.mk

MODULE      := fuzz_fat
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_fat.c $(LOCAL_DIR)/fuzzkit.c lib/fat.c
include mk/module.mk

MODULE      := fuzz_shellparse
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_shellparse.c lib/shellparse.c
include mk/module.mk

MODULE      := fuzz_scsi
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_scsi.c lib/scsi.c lib/usbmsc.c
include mk/module.mk

MODULE      := fuzz_usbdesc
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_usbdesc.c lib/usbdesc.c
include mk/module.mk

MODULE      := fuzz_mousepacket
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_mousepacket.c lib/mousepacket.c
include mk/module.mk

MODULE      := fuzz_windowctl
MODULE_MODE := fuzz
MODULE_SRCS := $(LOCAL_DIR)/fuzz_windowctl.c lib/windowctl.c
include mk/module.mk
