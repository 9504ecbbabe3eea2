# hotplug/: the scripts libxl runs for our devices, installed in
# $(hotplugdir) (PREFIX/lib/xl-oci/hotplug):
#   block-loop   for the loop devices create attaches (a static program)
#   vif-xl-oci   for vifs on xl-oci networks (a program: netback/)
# and the boot units: tools/systemd/xl-oci-network.service (the networks)
# and xl-oci-autostart.service (`xl-oci autostart`).
# Both are also put in build/hotplug/, so XL_OCI_HOTPLUG_DIR=build/hotplug
# runs the in-tree ones (tests, the lab).
$(B)/hotplug/vif-xl-oci: $(OBJ)/hotplug/vif-xl-oci.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)

# Static, with the monitor's own xenstore client (common/xs_lite.c): libxl
# runs it for every disk of every create, and a static process starts
# fastest (hotplug/block-loop.c says why it is not a shell script).
BLOCK_LOOP_SRCS := hotplug/block-loop.c common/xs_lite.c common/alloc.c \
	common/fileio.c common/sigdefer.c common/error.c common/pathfmt.c common/fault.c \
	common/log.c
BLOCK_LOOP_OBJS := $(BLOCK_LOOP_SRCS:%.c=$(OBJ)/%.o)
$(B)/hotplug/block-loop: $(BLOCK_LOOP_OBJS)
	@mkdir -p $(@D)
	$(CC) -static -Wl,--gc-sections -o $@ $(BLOCK_LOOP_OBJS) $(LDFLAGS)

BIN_TARGETS += $(B)/hotplug/vif-xl-oci $(B)/hotplug/block-loop

.PHONY: install-hotplug
install-hotplug: $(B)/hotplug/vif-xl-oci $(B)/hotplug/block-loop
	install -d $(DESTDIR)$(hotplugdir)
	install -m 0755 $(B)/hotplug/block-loop $(DESTDIR)$(hotplugdir)/block-loop
	install -m 0755 $(B)/hotplug/vif-xl-oci $(DESTDIR)$(hotplugdir)/vif-xl-oci

INSTALL_HOOKS += install-hotplug

# The systemd units that run `xl-oci network up` and `xl-oci autostart`
# at boot, filled in at
# install time so it names the bindir of that install (prefix=... given to
# `make install` only, as the lab does).
systemdunitdir ?= $(libdir)/systemd/system

.PHONY: install-network-unit
install-network-unit:
	install -d $(DESTDIR)$(systemdunitdir)
	sed 's|@bindir@|$(bindir)|g' tools/systemd/xl-oci-network.service.in \
		>$(DESTDIR)$(systemdunitdir)/xl-oci-network.service
	chmod 0644 $(DESTDIR)$(systemdunitdir)/xl-oci-network.service
	sed 's|@bindir@|$(bindir)|g' tools/systemd/xl-oci-autostart.service.in \
		>$(DESTDIR)$(systemdunitdir)/xl-oci-autostart.service
	chmod 0644 $(DESTDIR)$(systemdunitdir)/xl-oci-autostart.service
INSTALL_HOOKS += install-network-unit
