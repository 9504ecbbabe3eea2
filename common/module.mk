# common/: helpers every component uses.
LIB_SRCS += common/error.c common/fileio.c common/sigdefer.c common/json.c common/log.c \
	common/pathfmt.c common/inet.c common/port_spec.c common/table.c \
	common/fault.c common/user.c common/etc_files.c common/alloc.c \
	common/json_build.c common/xs_client.c common/xs_dir.c \
	common/dlib.c common/xenlight_lib.c common/bytesize.c \
	common/uuid_text.c common/platform.c common/run_capture.c \
	common/oom_kill.c common/typo.c
UNIT_TESTS += tests/unit/test-user.c tests/unit/test-pathfmt.c \
	tests/unit/test-netspec.c tests/unit/test-alloc.c tests/unit/test-table.c \
	tests/unit/test-xs-lite.c tests/unit/test-xs-client.c \
	tests/unit/test-xs-dir.c tests/unit/test-dlib.c tests/unit/test-platform.c \
	tests/unit/test-oom-kill.c tests/unit/test-typo.c
# common/abi/: the contracts between host and guest, one header each (the
# boot spec, the guest report, DomainStatus) and their to/from string
# functions; the guest's init and the monitor link them too.
ABI_SRCS := common/abi/guest_report.c common/abi/guest_meminfo.c \
	common/abi/tmpfs_options.c \
	common/abi/domain_status.c \
	common/abi/exec_channel.c \
	common/abi/capabilities.c common/abi/rlimits.c common/abi/sysctl.c \
	common/abi/event_journal.c common/abi/restart_policy.c \
	common/abi/start_gate.c
LIB_SRCS += $(ABI_SRCS)
