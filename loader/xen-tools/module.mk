# loader/xen-tools/: the guest side of the xen-tools loader.
#
#   build/loader/xen-tools/init   static init, PID 1 of every xl-oci domain
#                                 (also the host test mode, tests/tiers/50-*)
#   make loader                   the loaders: uncompressed kernel and
#                                 initramfs each, built by mkloader.sh (needs
#                                 the Debian mirror, so plain `make` does not
#                                 build them):
#                                 $(LOADER_OUT) (default
#                                 build/loader/xen-tools/out/): the default,
#                                 the loader's own kernel (kernel.config,
#                                 built once by mkkernel.sh from Debian's
#                                 linux-source and cached), no modules;
#                                 $(LOADER_OUT_DEBIAN) (default .../out-debian/):
#                                 Debian's current kernel package + modules
#   make install                  installs them to $(loaderdir) and
#                                 $(loaderdebiandir) when built

XT := loader/xen-tools
XT_OUT := $(B)/$(XT)
LOADER_OUT ?= $(XT_OUT)/out
LOADER_OUT_DEBIAN ?= $(XT_OUT)/out-debian
XT_INIT_SRCS := $(XT)/init.c $(XT)/bootspec.c $(XT)/fdt_walk.c \
	$(XT)/bootspec_net.c $(XT)/bootspec_binds.c $(XT)/inline_binds.c \
	$(XT)/latenet.c $(XT)/startgate.c $(XT)/frontends.c \
	$(XT)/bootspec_privileges.c $(XT)/report.c $(XT)/privileges.c \
	$(XT)/devfs.c $(XT)/mounts.c $(XT)/share_ready.c $(XT)/safepath.c \
	$(XT)/run.c $(XT)/maskpaths.c $(XT)/stdio_relay.c \
	$(XT)/netcfg.c $(XT)/dnsfwd.c $(XT)/dnsfwd_tcp.c $(XT)/dnsfwd_spawn.c $(XT)/sysctls.c $(XT)/modules.c $(XT)/exec_server.c $(XT)/exec_server_pool.c \
	$(XT)/exec_session.c $(XT)/pod_container.c $(XT)/pod_registry.c \
	common/abi/exec_channel.c \
	common/error.c common/alloc.c common/fileio.c common/sigdefer.c \
	common/pathfmt.c common/inet.c common/oom_kill.c \
	common/user.c common/etc_files.c common/abi/guest_report.c \
	common/abi/guest_meminfo.c \
	common/abi/capabilities.c \
	common/abi/rlimits.c common/abi/sysctl.c common/abi/start_gate.c \
	common/abi/tmpfs_options.c
XT_INIT_OBJS := $(XT_INIT_SRCS:%.c=$(OBJ)/%.o)

# The boot spec reader and safe paths are also in the host library so
# unit tests (and domcfg's writer tests) run them against real blobs.
LIB_SRCS += $(XT)/bootspec.c $(XT)/fdt_walk.c $(XT)/bootspec_net.c \
	$(XT)/bootspec_binds.c \
	$(XT)/bootspec_privileges.c $(XT)/safepath.c
# The exec server's session runs in unit tests over a socketpair (its
# transport, the vchan, needs Xen): it and what it calls.
LIB_SRCS += $(XT)/exec_session.c $(XT)/run.c $(XT)/maskpaths.c $(XT)/stdio_relay.c \
	$(XT)/privileges.c \
	$(XT)/report.c $(XT)/exec_server_pool.c
# A pod container's session builds a root as the init does.
LIB_SRCS += $(XT)/pod_container.c $(XT)/pod_registry.c $(XT)/mounts.c \
	$(XT)/devfs.c \
	$(XT)/inline_binds.c $(XT)/share_ready.c $(XT)/netcfg.c $(XT)/sysctls.c \
	$(XT)/frontends.c $(XT)/dnsfwd.c $(XT)/dnsfwd_tcp.c $(XT)/dnsfwd_spawn.c

# The init runs with no shared libraries beside it: link everything static.
$(XT_OUT)/init: $(XT_INIT_OBJS)
	@mkdir -p $(@D)
	$(CC) -static -o $@ $^ -lxenvchan -lxengnttab -lxenevtchn -lxenstore \
		-lxentoolcore -lxentoollog -lfdt $(LDFLAGS)

BIN_TARGETS += $(XT_OUT)/init
UNIT_TESTS += tests/unit/test-dnsfwd.c
UNIT_TESTS += tests/unit/test-bootspec.c tests/unit/test-report-chain.c \
	tests/unit/test-exec-session.c tests/unit/test-exec-server-pool.c

.PHONY: loader install-loader
loader: $(XT_OUT)/init $(B)/loader/mkcpio
	$(XT)/mkloader.sh own $(XT_OUT)/init $(B)/loader/mkcpio $(LOADER_OUT)
	$(XT)/mkloader.sh debian $(XT_OUT)/init $(B)/loader/mkcpio \
		$(LOADER_OUT_DEBIAN)

# install_loader_dir OUT DIR: installs what `make loader` built in OUT to
# DIR; says so instead of failing the whole install when it has not been
# run (offline builds).
define install_loader_dir
	@if [ -f $(1)/kernel ] && [ -f $(1)/initramfs ]; then \
		install -d $(DESTDIR)$(2) && \
		install -m 0644 $(1)/kernel $(DESTDIR)$(2)/kernel && \
		install -m 0644 $(1)/initramfs $(DESTDIR)$(2)/initramfs && \
		install -m 0644 $(1)/version $(DESTDIR)$(2)/version; \
	else \
		echo "install: loader $(1) not built (run 'make loader'); skipped"; \
	fi
endef

install-loader:
	$(call install_loader_dir,$(LOADER_OUT),$(loaderdir))
	$(call install_loader_dir,$(LOADER_OUT_DEBIAN),$(loaderdebiandir))

INSTALL_HOOKS += install-loader
