# The runtimes: lib/ built once for each mode whose programs link it, as
# an archive, so a program gets only the objects it uses (the 4 MiB
# malloc arena, mapped at load, goes only into programs that call malloc).

# Kernel-mode programs: the shared code and the KernelApi's port of the
# server skeleton (lib/kapi/).
MODULE      := kprogram
MODULE_MODE := kernel-program
MODULE_KIND := runtime
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c $(filter-out %/need.c,$(LOCAL_DIR)/kapi/*.c)))
include mk/module.mk

# User programs: the shared code and lib/user/ (system calls, malloc, IPC,
# standard streams, the skeleton's ring-3 port); crt0 is linked first by
# the mode itself. The console font ($(FONT_C), generated) is part of it.
MODULE      := user
MODULE_MODE := user
MODULE_KIND := runtime
MODULE_SRCS := $(sort $(wildcard $(LOCAL_DIR)/*.c $(LOCAL_DIR)/user/*.c)) $(FONT_C)
include mk/module.mk
