# xl-plugin/: the xl-oci command.  Command groups written next to other
# components add their files to XLOCI_CMD_SRCS from their own module.mk.
XLOCI_CMD_SRCS += xl-plugin/main.c xl-plugin/cmd_util.c \
	xl-plugin/cmdtable.c xl-plugin/cmd_help.c xl-plugin/cmd_create.c \
	xl-plugin/cmd_domain.c xl-plugin/cmd_logs.c xl-plugin/cmd_monitor.c \
	xl-plugin/monitor.c xl-plugin/loopdev.c xl-plugin/state.c xl-plugin/status.c \
	xl-plugin/xen.c
# Pure parts the unit tests link.
LIB_SRCS += xl-plugin/guest_report.c
UNIT_TESTS += tests/unit/test-guest-report.c
XLOCI_CMD_OBJS = $(XLOCI_CMD_SRCS:%.c=$(OBJ)/%.o)

$(B)/xl-oci: $(XLOCI_CMD_OBJS) $(B)/libxloci.a
	$(CC) -pie -o $@ $(XLOCI_CMD_OBJS) $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)

BIN_TARGETS += $(B)/xl-oci

# hotplug/block-loop: libxl's hotplug script for the loop devices create
# attaches (xo_block_script finds it beside the installed binary).
.PHONY: install-hotplug
install-hotplug:
	install -d $(DESTDIR)$(hotplugdir)
	install -m 0755 xl-plugin/hotplug/block-loop $(DESTDIR)$(hotplugdir)/block-loop

INSTALL_HOOKS += install-hotplug
