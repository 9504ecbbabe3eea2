# hotplug/: the scripts libxl runs for our devices, installed in
# $(hotplugdir) (PREFIX/lib/xl-oci/hotplug):
#   block-loop   for the loop devices create attaches (a shell script)
#   vif-xl-oci   for vifs on xl-oci networks (a program: netback/)
# and the boot units: tools/systemd/xl-oci-network.service (the networks)
# and xl-oci-autostart.service (`xl-oci autostart`).
# Both are also put in build/hotplug/, so XL_OCI_HOTPLUG_DIR=build/hotplug
# runs the in-tree ones (tests, the lab).
$(B)/hotplug/vif-xl-oci: $(OBJ)/hotplug/vif-xl-oci.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)

$(B)/hotplug/block-loop: hotplug/block-loop
	@mkdir -p $(@D)
	cp $< $@

BIN_TARGETS += $(B)/hotplug/vif-xl-oci $(B)/hotplug/block-loop

.PHONY: install-hotplug
install-hotplug: $(B)/hotplug/vif-xl-oci
	install -d $(DESTDIR)$(hotplugdir)
	install -m 0755 hotplug/block-loop $(DESTDIR)$(hotplugdir)/block-loop
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
