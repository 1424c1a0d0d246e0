# One module, from its declaration: included at the end of each
# declaration in a rules.mk, it turns the MODULE_* variables into compile
# and link rules by the module's mode (mk/modes.mk), then clears them for
# the next one. A rules.mk may declare several modules, each ending in
# `include mk/module.mk`. The Makefile sets LOCAL_DIR, the rules.mk's
# directory, before it reads each one.
#
#   MODULE         the program's name (the file it makes), or the
#                  runtime's name
#   MODULE_MODE    kernel-program | user | linux | host | fuzz
#   MODULE_SRCS    its sources (.c, .S), paths from the repository root
#   MODULE_KIND    program (the default): MODULE_SRCS make one program
#                  per-file: every source is a program of its own, named
#                            after its file (MODULE is not needed)
#                  runtime: the archive every program of the mode links;
#                           the linker takes only the objects a program
#                           uses
#   MODULE_INITRD  product (the default) | test: which initrd a program of
#                  the kernel-program, user and linux modes goes to.
#                  build/initrd.tar holds the product programs,
#                  build/initrd-test.tar those and the test programs
#   MODULE_NO_START  yes: leave out the mode's start object (a kernel-mode
#                  program that must not state the KernelApi version, to
#                  test the loader's refusal)
#
# What each declaration adds to:
#   INITRD_PROGRAMS_product, INITRD_PROGRAMS_test   files under $(BUILD)/initrd/
#   HOST_TESTS, FUZZ_TARGETS                         programs of host and fuzz
#   MODULE_OBJS                                      every object (for -MMD's .d files)
#   MODULE_OUTPUTS                                   every program (no two modules make one)

module-rules  := $(LOCAL_DIR)/rules.mk
module-kind   := $(or $(MODULE_KIND),program)
module-initrd := $(or $(MODULE_INITRD),product)
module-start   = $(if $(MODULE_NO_START),,$(MODE_START_$(1)))

$(if $(filter $(MODULE_MODE),$(MODES)),,\
  $(error $(module-rules): MODULE_MODE '$(MODULE_MODE)' is none of: $(MODES)))
$(if $(filter $(module-kind),program per-file runtime),,\
  $(error $(module-rules): MODULE_KIND '$(MODULE_KIND)' is none of: program per-file runtime))
$(if $(filter $(module-initrd),product test),,\
  $(error $(module-rules): MODULE_INITRD '$(MODULE_INITRD)' is none of: product test))
$(if $(strip $(MODULE_SRCS)),,$(error $(module-rules): module '$(MODULE)' has no sources))
$(if $(filter program,$(module-kind)),$(if $(MODULE),,$(error $(module-rules): MODULE is not set)))

# $(call module-objs,MODE,SRCS): the objects of SRCS in MODE.
module-objs = $(patsubst %,$(MODE_OBJ_$(1))/%.o,$(2))

# Where the programs of each mode are listed.
module-list-kernel-program = INITRD_PROGRAMS_$(1)
module-list-user           = INITRD_PROGRAMS_$(1)
module-list-linux          = INITRD_PROGRAMS_$(1)
module-list-host           = HOST_TESTS
module-list-fuzz           = FUZZ_TARGETS

# $(call module-program,MODE,NAME,SRCS,RULES,INITRD,DIR): one program.
define module-program
$(if $(filter $(call mode-out-$(1),$(2),$(6)),$(MODULE_OUTPUTS)),\
  $(error $(4): $(call mode-out-$(1),$(2),$(6)) is made by another module too))
MODULE_OUTPUTS += $(call mode-out-$(1),$(2),$(6))
$(call mode-out-$(1),$(2),$(6)): $(call module-start,$(1)) $(call module-objs,$(1),$(3)) \
                                 $(MODE_RUNTIME_$(1)) $(4)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$$(Q)$$(MODE_LINK_$(1))

$(call module-list-$(1),$(5)) += $(call mode-out-$(1),$(2),$(6))
MODULE_OBJS += $(call module-start,$(1)) $(call module-objs,$(1),$(3))
endef

# $(call module-runtime,MODE,SRCS,RULES): the mode's runtime archive.
define module-runtime
$(MODE_RUNTIME_$(1)): $(call module-objs,$(1),$(2)) $(3)
	@mkdir -p $$(@D)
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && $$(AR) rcs $$@ $$(filter %.o,$$^)

MODULE_OBJS += $(call module-objs,$(1),$(2))
endef

# A mode whose toolchain is missing (linux without musl) builds nothing.
ifeq ($(MODE_AVAILABLE_$(MODULE_MODE)),yes)
ifeq ($(module-kind),runtime)
$(eval $(call module-runtime,$(MODULE_MODE),$(MODULE_SRCS),$(module-rules)))
else ifeq ($(module-kind),per-file)
$(foreach src,$(MODULE_SRCS),$(eval $(call module-program,$(MODULE_MODE),$(basename $(notdir $(src))),$(src),$(module-rules),$(module-initrd),$(LOCAL_DIR))))
else
$(eval $(call module-program,$(MODULE_MODE),$(MODULE),$(MODULE_SRCS),$(module-rules),$(module-initrd),$(LOCAL_DIR)))
endif
endif

MODULE        :=
MODULE_MODE   :=
MODULE_SRCS   :=
MODULE_KIND   :=
MODULE_INITRD :=
MODULE_NO_START :=
