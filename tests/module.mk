# tests/: unit tests of common/ and domcfg/, fuzz targets (tests/fuzz/).
# The other components list their own unit tests in their module.mk.
UNIT_TESTS += tests/unit/test-common.c tests/unit/test-abi.c \
	tests/unit/test-exec-channel.c
UNIT_TESTS += tests/unit/test-app-cfg.c tests/unit/test-vif.c \
	tests/unit/test-signals.c tests/unit/test-vdev.c
UNIT_TESTS += tests/unit/test-image-config.c
UNIT_TESTS += tests/unit/test-domcfg.c
UNIT_TESTS += tests/unit/test-domcfg-render.c tests/unit/test-net-request.c \
	tests/unit/test-runtime-spec.c tests/unit/test-runtime-spec-errors.c \
	tests/unit/test-spec-mounts.c

# Fuzz targets (tests/fuzz/fuzz-NAME.c).  Built here without libFuzzer, with
# ASan+UBSan, as replayers of their corpus (tests/fuzz/corpus/NAME/), which
# tests/tiers/40-fuzz.sh runs; `make fuzz` (tools/fuzz.sh) builds them with
# clang's libFuzzer and fuzzes each for FUZZ_SECONDS.
FUZZ_TARGETS := image-config app-cfg manifest guest-report layer-path vif \
	image-ref bootspec netback runtime-spec netspec xs-dir \
	runc-state exec-channel gunzip image-archive vdev user registry-auth \
	state-files dnsfwd layer-unpack signature registry-response \
	cred-helper volstore daemon-json netback-network
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(B)/fuzz-replay/fuzz-%)
# Sources outside libxloci.a that a target reaches (xl-oci-runc's state
# reader); every replayer links their objects, tools/fuzz.sh compiles them.
FUZZ_EXTRA_SRCS := xl-plugin/runc_state.c
FUZZ_EXTRA_OBJS := $(FUZZ_EXTRA_SRCS:%.c=$(SAN)/%.o)

$(B)/fuzz-replay/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.h tests/fuzz/fuzz_util.h \
		$(B)/libxloci-san.a $(FUZZ_EXTRA_OBJS)
	@mkdir -p $(@D)
	$(CC) $(XO_CPPFLAGS) $(XO_CFLAGS) -U_FORTIFY_SOURCE -O1 $(SAN_FLAGS) \
		$(DEPS_CFLAGS) $(CFLAGS) -o $@ $< $(FUZZ_EXTRA_OBJS) \
		$(B)/libxloci-san.a $(DEPS_LIBS) $(XL_LIBS) $(LDFLAGS)

unit-tests: $(FUZZ_REPLAY_BINS)
