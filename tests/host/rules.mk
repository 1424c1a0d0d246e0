# Host unit tests (cmocka) for the pure logic, one module each: the test
# and the code it tests, built for the host under ASan and UBSan as
# $(BUILD)/host/NAME. `make host-test` runs them all from the repository
# root (the tests read tests/host/data/ from there).

MODULE      := test_format
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_format.c lib/format.c
include mk/module.mk

MODULE      := test_rangeset
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_rangeset.c $(LOCAL_DIR)/testkit.c kernel/mm/rangeset.c
include mk/module.mk

MODULE      := test_memmap
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_memmap.c $(LOCAL_DIR)/testkit.c kernel/mm/memmap.c kernel/mm/rangeset.c
include mk/module.mk

MODULE      := test_pmm
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_pmm.c kernel/mm/pmm.c kernel/mm/rangeset.c
include mk/module.mk

MODULE      := test_heap
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_heap.c lib/heap.c
include mk/module.mk

MODULE      := test_tar
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_tar.c lib/tar.c
include mk/module.mk

MODULE      := test_elf
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_elf.c kernel/exec/elf.c
include mk/module.mk

MODULE      := test_namespace
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_namespace.c $(LOCAL_DIR)/testkit.c kernel/ipc/namespace.c
include mk/module.mk

MODULE      := test_ramfs
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_ramfs.c $(LOCAL_DIR)/testkit.c lib/ramfs.c
include mk/module.mk

MODULE      := test_errortext
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_errortext.c lib/errortext.c lib/format.c
include mk/module.mk

MODULE      := test_fsserver
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_fsserver.c $(LOCAL_DIR)/testkit.c lib/fsserver.c lib/ramfs.c \
               lib/server.c
include mk/module.mk

MODULE      := test_lineedit
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_lineedit.c lib/lineedit.c
include mk/module.mk

MODULE      := test_keyboard
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_keyboard.c kernel/services/console/keyboard.c
include mk/module.mk

MODULE      := test_fat
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_fat.c $(LOCAL_DIR)/testkit.c lib/fat.c
include mk/module.mk

MODULE      := test_name
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_name.c lib/name.c
include mk/module.mk

MODULE      := test_shellparse
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_shellparse.c lib/shellparse.c
include mk/module.mk

MODULE      := test_shelledit
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_shelledit.c lib/shelledit.c
include mk/module.mk

MODULE      := test_blockdev
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_blockdev.c lib/blockdev.c
include mk/module.mk

MODULE      := test_scsi
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_scsi.c lib/scsi.c lib/usbmsc.c
include mk/module.mk

MODULE      := test_usbdesc
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_usbdesc.c lib/usbdesc.c
include mk/module.mk

MODULE      := test_compositor
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_compositor.c lib/surface.c lib/damage.c lib/compositor.c \
               lib/ppm.c lib/font.c lib/format.c $(FONT_C)
include mk/module.mk

MODULE      := test_termemu
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_termemu.c lib/termemu.c lib/surface.c lib/font.c $(FONT_C)
include mk/module.mk

MODULE      := test_windowctl
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_windowctl.c lib/windowctl.c
include mk/module.mk

MODULE      := test_mousepacket
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_mousepacket.c lib/mousepacket.c
include mk/module.mk

MODULE      := test_input
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_input.c lib/inputqueue.c lib/inputserver.c lib/format.c \
               lib/server.c
include mk/module.mk

MODULE      := test_displaymode
MODULE_MODE := host
MODULE_SRCS := $(LOCAL_DIR)/test_displaymode.c lib/displaymode.c lib/format.c
include mk/module.mk
