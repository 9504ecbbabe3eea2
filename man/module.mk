# man/: POD sources rendered with pod2man; checked with podchecker.
MAN_PODS := $(wildcard man/*.pod)
MAN_PAGES := $(notdir $(MAN_PODS:.pod=))
MAN_OUT := $(MAN_PAGES:%=$(B)/man/%)

$(B)/man/%: man/%.pod
	@mkdir -p $(@D)
	pod2man --release=$(PACKAGE_VERSION) --center="xl-oci" \
		--section=$(subst .,,$(suffix $*)) --name=$(basename $*) $< $@

man-check:
	podchecker $(MAN_PODS)

BIN_TARGETS += $(MAN_OUT)
