# xl-plugin/: the xl-oci command and its per-domain monitor.  Command
# groups written next to other components add their files to
# XLOCI_CMD_SRCS from their own module.mk.
XLOCI_CMD_SRCS += xl-plugin/main.c xl-plugin/cmd_util.c xl-plugin/cmd_detach.c xl-plugin/cmd_interrupt.c xl-plugin/netattach.c \
	xl-plugin/cmdtable.c xl-plugin/cmd_help.c xl-plugin/cmd_create.c \
	xl-plugin/cmd_domain.c xl-plugin/status_json.c \
	xl-plugin/cmd_annotate.c xl-plugin/cmd_inspect.c xl-plugin/inspect_print.c \
	xl-plugin/cmd_logs.c xl-plugin/cmd_monitor.c \
	xl-plugin/cmd_shutdown_action.c \
	xl-plugin/loopdev.c xl-plugin/create_ramdisk.c xl-plugin/xen.c xl-plugin/xen_stamp_logger.c xl-plugin/create_nohyper.c \
	xl-plugin/nohyper.c xl-plugin/nohyper_oom.c xl-plugin/nohyper_net.c xl-plugin/nohyper_dns.c xl-plugin/nohyper_monitor.c xl-plugin/nohyper_relay.c \
	xl-plugin/cmd_events.c \
	xl-plugin/cmd_pause.c xl-plugin/cmd_kill.c xl-plugin/cmd_start.c xl-plugin/cmd_update.c xl-plugin/cmd_stats.c xl-plugin/cmd_autostart.c xl-plugin/cmd_status_view.c \
	xl-plugin/stats_collect.c xl-plugin/cmd_exec.c xl-plugin/exec_client.c \
	xl-plugin/cmd_volume.c xl-plugin/cmd_volume_data.c xl-plugin/volattach.c xl-plugin/volattach_seed.c xl-plugin/volattach_space.c \
	xl-plugin/xen_gate.c
# Pure parts the unit tests link, and the parts the monitor shares.
LIB_SRCS += xl-plugin/guest_report.c xl-plugin/state.c xl-plugin/state_run.c \
	xl-plugin/status.c xl-plugin/status_run.c xl-plugin/status_update.c \
	xl-plugin/monitor_spawn.c xl-plugin/monitor_ready.c xl-plugin/metastore.c xl-plugin/journal.c \
	xl-plugin/monitor_restart.c xl-plugin/monitor_deadline.c xl-plugin/stats.c \
	xl-plugin/journal_time.c xl-plugin/journal_read.c \
	xl-plugin/monitor_filter.c xl-plugin/monitor_pause.c \
	xl-plugin/monitor_log_follow.c xl-plugin/runc_binds_inline.c \
	xl-plugin/share_views.c xl-plugin/runc_hooks.c xl-plugin/runc_state.c \
	xl-plugin/runc_pod.c xl-plugin/runc_pod_member.c xl-plugin/runc_domcfg.c xl-plugin/nohyper_exec_code.c xl-plugin/nohyper_exec_process.c xl-plugin/console_log.c \
	xl-plugin/qdisk_share.c xl-plugin/placeholder_pod_disk.c xl-plugin/runc_entrypoint.c
UNIT_TESTS += tests/unit/test-runc-binds-inline.c tests/unit/test-share-views.c \
	tests/unit/test-runc-hooks.c tests/unit/test-runc-pod.c tests/unit/test-runc-pod-member.c tests/unit/test-runc-domcfg.c \
	tests/unit/test-nohyper-exec-code.c tests/unit/test-console-log.c \
	tests/unit/test-qdisk-share.c tests/unit/test-placeholder-pod-disk.c \
	tests/unit/test-runc-signal.c tests/unit/test-runc-entrypoint.c
UNIT_TESTS += tests/unit/test-guest-report.c tests/unit/test-guest-report-order.c tests/unit/test-monitor-pause.c tests/unit/test-monitor-spawn.c \
	tests/unit/test-metadata.c tests/unit/test-journal.c tests/unit/test-status-wait.c \
	tests/unit/test-restart-order.c \
	tests/unit/test-stats.c tests/unit/test-monitor-filter.c \
	tests/unit/test-monitor-placeholder.c tests/unit/test-monitor-lock.c
XLOCI_CMD_OBJS = $(XLOCI_CMD_SRCS:%.c=$(OBJ)/%.o)

# xl-oci-runc: the runc-compatible CLI for containerd (runc.h), over the
# same command objects as xl-oci but its own main.
RUNC_SRCS := xl-plugin/runc_main.c \
	xl-plugin/runc_create.c xl-plugin/runc_verbs.c xl-plugin/runc_network.c \
	xl-plugin/runc_exec.c xl-plugin/runc_console.c xl-plugin/runc_binds.c \
	xl-plugin/runc_update.c xl-plugin/runc_pod_attach.c
RUNC_OBJS = $(RUNC_SRCS:%.c=$(OBJ)/%.o) \
	$(filter-out $(OBJ)/xl-plugin/main.o,$(XLOCI_CMD_OBJS))


$(B)/xl-oci-runc: $(RUNC_OBJS) $(B)/libxloci.a
	$(CC) -pie -o $@ $(RUNC_OBJS) $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)

$(B)/xl-oci: $(XLOCI_CMD_OBJS) $(B)/libxloci.a
	$(CC) -pie -o $@ $(XLOCI_CMD_OBJS) $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)

# xl-oci-monitor runs for a domain's whole life, one per domain, so it
# links only libxenctrl and its own xenstore client, common/xs_lite.c
# (which says why not libxenstore.a; status.c reaches either through
# common/xs_client.h), statically: no shared library pages (libc's
# included) count against its resident memory (BENCHMARKS.md).
MONITOR_SRCS := xl-plugin/monitor_main.c xl-plugin/monitor.c xl-plugin/monitor_ready.c \
	xl-plugin/monitor_console.c xl-plugin/console_log.c xl-plugin/monitor_filter.c \
	xl-plugin/guest_report.c xl-plugin/state.c xl-plugin/state_run.c \
	xl-plugin/status.c xl-plugin/journal.c xl-plugin/journal_time.c xl-plugin/monitor_restart.c \
	xl-plugin/monitor_deadline.c xl-plugin/monitor_pause.c \
	common/error.c common/fileio.c common/sigdefer.c common/log.c common/fault.c \
	common/pathfmt.c common/inet.c common/json.c common/json_build.c \
	common/alloc.c common/xs_lite.c common/bytesize.c \
	$(ABI_SRCS)
MONITOR_OBJS := $(MONITOR_SRCS:%.c=$(OBJ)/%.o)

$(B)/xl-oci-monitor: $(MONITOR_OBJS)
	$(CC) -static -Wl,--gc-sections -o $@ $(MONITOR_OBJS) \
		-Wl,--start-group $(MONITOR_STATIC_LIBS) -ljson-c -Wl,--end-group \
		-lpthread $(LDFLAGS)

# xl-oci-placeholder (placeholder_main.c, monitor_placeholder.h): one per
# xl-oci-runc container beside its monitor, so static like the monitor
# but with less: libc, our xenstore client and, for a pod's member
# container (placeholder_pod_member.h), libxenvchan with the grant and
# event channel libraries it needs (no libxenctrl, no json-c).  Its text
# pages are most of its resident memory, and only the pages a mode runs
# are mapped; as a mode of xl-oci-monitor it mapped about 150 kB more.
PLACEHOLDER_SRCS := xl-plugin/placeholder_main.c \
	xl-plugin/monitor_placeholder.c xl-plugin/monitor_filter.c \
	xl-plugin/monitor_log_follow.c xl-plugin/placeholder_pod_member.c \
	xl-plugin/placeholder_pod_disk.c \
	xl-plugin/exec_client.c xl-plugin/state.c xl-plugin/status.c \
	common/error.c common/fileio.c common/sigdefer.c common/log.c common/fault.c \
	common/pathfmt.c common/alloc.c common/xs_lite.c \
	$(ABI_SRCS)
PLACEHOLDER_OBJS := $(PLACEHOLDER_SRCS:%.c=$(OBJ)/%.o)

$(B)/xl-oci-placeholder: $(PLACEHOLDER_OBJS)
	$(CC) -static -Wl,--gc-sections -o $@ $(PLACEHOLDER_OBJS) \
		-lxenvchan -lxengnttab -lxenevtchn -lxenstore -lxentoolcore \
		-lxentoollog $(LDFLAGS)

BIN_TARGETS += $(B)/xl-oci $(B)/xl-oci-monitor $(B)/xl-oci-runc \
	$(B)/xl-oci-placeholder

# tests/runc/subreaper: containerd's shim's part in tests (lab 35-runc).
$(B)/tests/subreaper: tests/runc/subreaper.c
	@mkdir -p $(@D)
	$(CC) $(XO_CPPFLAGS) $(XO_CFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)
BIN_TARGETS += $(B)/tests/subreaper

# tests/runc/recvtty: the --console-socket receiver in tests (tier 33,
# lab 35-runc).
$(B)/tests/recvtty: tests/runc/recvtty.c
	@mkdir -p $(@D)
	$(CC) $(XO_CPPFLAGS) $(XO_CFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)
BIN_TARGETS += $(B)/tests/recvtty

# tests/runc/entrypoint-check: create's entrypoint and cwd check alone, for
# the differential test against runc (tests/runc/entrypoint-diff.py, tier
# 30).
$(B)/tests/entrypoint-check: $(OBJ)/tests/runc/entrypoint-check.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)
BIN_TARGETS += $(B)/tests/entrypoint-check
# test-restart-order looks at DomainStatus between the monitor's writes.
UNIT_LDFLAGS_test-restart-order := -Wl,--wrap=xo_xs_write -Wl,--wrap=xo_xs_rm
