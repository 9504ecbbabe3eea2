# loader/xen-tools/: the guest side of the xen-tools loader.
#
#   build/loader/xen-tools/init   static init, PID 1 of every xl-oci domain
#                                 (also the host test mode, tests/tiers/50-*)
#   make loader                   the loader itself: uncompressed kernel and
#                                 initramfs in $(LOADER_OUT) (default
#                                 build/loader/xen-tools/out/),
#                                 built by mkloader.sh from Debian's current
#                                 kernel package (needs the Debian mirror, so
#                                 plain `make` does not build it)
#   make install                  installs kernel + initramfs to $(loaderdir)
#                                 when `make loader` has been run

XT := loader/xen-tools
XT_OUT := $(B)/$(XT)
LOADER_OUT ?= $(XT_OUT)/out
XT_INIT_SRCS := $(XT)/init.c $(XT)/bootspec.c $(XT)/fdt_walk.c \
	$(XT)/bootspec_net.c $(XT)/latenet.c \
	$(XT)/bootspec_privileges.c $(XT)/report.c $(XT)/privileges.c \
	$(XT)/devfs.c $(XT)/mounts.c $(XT)/safepath.c $(XT)/run.c \
	$(XT)/netcfg.c $(XT)/modules.c $(XT)/exec_server.c \
	$(XT)/exec_session.c common/abi/exec_channel.c \
	common/error.c common/alloc.c common/fileio.c \
	common/pathfmt.c common/inet.c \
	common/user.c common/etc_files.c common/abi/guest_report.c \
	common/abi/capabilities.c \
	common/abi/rlimits.c
XT_INIT_OBJS := $(XT_INIT_SRCS:%.c=$(OBJ)/%.o)

# The boot spec reader and safe paths are also in the host library so
# unit tests (and domcfg's writer tests) run them against real blobs.
LIB_SRCS += $(XT)/bootspec.c $(XT)/fdt_walk.c $(XT)/bootspec_net.c \
	$(XT)/bootspec_privileges.c $(XT)/safepath.c
# The exec server's session runs in unit tests over a socketpair (its
# transport, the vchan, needs Xen): it and what it calls.
LIB_SRCS += $(XT)/exec_session.c $(XT)/run.c $(XT)/privileges.c \
	$(XT)/report.c

# The init runs with no shared libraries beside it: link everything static.
$(XT_OUT)/init: $(XT_INIT_OBJS)
	@mkdir -p $(@D)
	$(CC) -static -o $@ $^ -lxenvchan -lxengnttab -lxenevtchn -lxenstore \
		-lxentoolcore -lxentoollog -lfdt $(LDFLAGS)

BIN_TARGETS += $(XT_OUT)/init
UNIT_TESTS += tests/unit/test-bootspec.c tests/unit/test-report-chain.c \
	tests/unit/test-exec-session.c

.PHONY: loader install-loader
loader: $(XT_OUT)/init $(B)/loader/mkcpio
	$(XT)/mkloader.sh $(XT_OUT)/init $(B)/loader/mkcpio $(LOADER_OUT)

# Installs what `make loader` built; says so instead of failing the whole
# install when it has not been run (offline builds).
install-loader:
	@if [ -f $(LOADER_OUT)/kernel ] && [ -f $(LOADER_OUT)/initramfs ]; then \
		install -d $(DESTDIR)$(loaderdir) && \
		install -m 0644 $(LOADER_OUT)/kernel $(DESTDIR)$(loaderdir)/kernel && \
		install -m 0644 $(LOADER_OUT)/initramfs \
			$(DESTDIR)$(loaderdir)/initramfs && \
		install -m 0644 $(LOADER_OUT)/version \
			$(DESTDIR)$(loaderdir)/version; \
	else \
		echo "install: loader not built (run 'make loader'); skipped"; \
	fi

INSTALL_HOOKS += install-loader
