# The initial RAM disks, deterministic USTAR archives. Included by the
# Makefile after every module (mk/module.mk) has been declared.
#
#   $(INITRD)       $(BUILD)/initrd.tar, the product: the files of initrd/
#                   and the product programs; `make run`, the ISO
#   $(INITRD_TEST)  $(BUILD)/initrd-test.tar: the same and the test
#                   programs (MODULE_INITRD := test); the tests and the
#                   benchmarks boot it
#
# Both take the files of EXTRA=DIR (if given) over the top. Programs and
# the files of initrd/ are made under $(BUILD)/initrd/; each archive is
# built in a fresh copy of exactly its members plus EXTRA ($(BUILD)/initrd-root/,
# $(BUILD)/initrd-test-root/), so stale files there (removed programs,
# earlier EXTRA runs) never reach it. Its list ($(BUILD)/initrd.list,
# $(BUILD)/initrd-test.list) changes whenever the members or EXTRA do,
# which rebuilds the archive.

INITRD      := $(BUILD)/initrd.tar
INITRD_TEST := $(BUILD)/initrd-test.tar

# Files of the repository's initrd/ directory, copied to $(BUILD)/initrd/.
INITRD_SRCS  := $(shell find initrd ! -type d 2>/dev/null | LC_ALL=C sort)
INITRD_FILES := $(patsubst initrd/%,$(BUILD)/initrd/%,$(INITRD_SRCS))

# Members, relative to $(BUILD)/initrd/.
initrd-members = $(sort $(patsubst $(BUILD)/initrd/%,%,$(1)))
INITRD_MEMBERS      := $(call initrd-members,$(INITRD_FILES) $(INITRD_PROGRAMS_product))
INITRD_TEST_MEMBERS := $(call initrd-members,$(INITRD_FILES) $(INITRD_PROGRAMS_product) \
                                             $(INITRD_PROGRAMS_test))

initrd-clashes = $(sort $(foreach p,$(1),$(if $(filter-out 1,$(words $(filter $(p),$(1)))),$(p))))
ifneq ($(call initrd-clashes,$(INITRD_FILES) $(INITRD_PROGRAMS_product) $(INITRD_PROGRAMS_test)),)
$(error two modules (or a module and initrd/) make \
        $(call initrd-clashes,$(INITRD_FILES) $(INITRD_PROGRAMS_product) $(INITRD_PROGRAMS_test)))
endif

.PHONY: initrd initrd-test FORCE
initrd: $(INITRD)
initrd-test: $(INITRD_TEST)
FORCE:

$(INITRD_FILES): $(BUILD)/initrd/%: initrd/%
	@mkdir -p $(@D)
	@echo "  CP      $@"
	$(Q)cp $< $@

# $(call initrd-archive,ARCHIVE,MEMBERS): ARCHIVE.tar of MEMBERS and EXTRA.
# The programs go in without their debugging sections (objcopy
# --strip-debug; their symbols stay): the machine never reads DWARF, and
# the whole archive sits in RAM, which the 16 MiB boot feels. The
# programs with them stay in $(BUILD)/initrd/ for gdb. EXTRA's files go
# in as they are.
# The list is rewritten only when its content (members and EXTRA)
# changes. EXTRA's content can change without make noticing, so with
# EXTRA the archive is always rebuilt.
define initrd-archive
$(1:.tar=.list): FORCE
	@mkdir -p $$(@D)
	$$(Q)printf '%s\n' $(2) '/EXTRA=$$(EXTRA)' > $$@.tmp
	$$(Q)if cmp -s $$@.tmp $$@; then rm -f $$@.tmp; else mv $$@.tmp $$@; fi

$(1): $(addprefix $(BUILD)/initrd/,$(2)) $(1:.tar=.list) $$(if $$(EXTRA),FORCE)
	@echo "  TAR     $$@"
	$$(Q)$$(if $$(EXTRA),test -d '$$(EXTRA)' || { echo "EXTRA=$$(EXTRA) is not a directory" >&2; exit 1; })
	$$(Q)rm -rf $(1:.tar=-root) && mkdir -p $(1:.tar=-root)
	$$(Q)cd $(BUILD)/initrd && cp -a --parents $(2) '$$(abspath $(1:.tar=-root))/'
	$$(Q)cd $(1:.tar=-root) && for f in $(2); do \
	    if [ "$$$$(head -c 4 $$$$f | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then \
	        objcopy --strip-debug $$$$f || exit 1; fi; done
	$$(Q)$$(if $$(EXTRA),cp -a '$$(EXTRA)/.' $(1:.tar=-root)/)
	$$(Q)tar --format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0 \
	    --sort=name -cf $$@ -C $(1:.tar=-root) .
endef

$(eval $(call initrd-archive,$(INITRD),$(INITRD_MEMBERS)))
$(eval $(call initrd-archive,$(INITRD_TEST),$(INITRD_TEST_MEMBERS)))
