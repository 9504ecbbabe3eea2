# tests/: unit tests of common/ and domcfg/, fuzz targets (tests/fuzz/).
# The other components list their own unit tests in their module.mk.
UNIT_TESTS += tests/unit/test-common.c
UNIT_TESTS += tests/unit/test-app-cfg.c tests/unit/test-vif.c \
	tests/unit/test-signals.c
UNIT_TESTS += tests/unit/test-image-config.c
UNIT_TESTS += tests/unit/test-domcfg.c
UNIT_TESTS += tests/unit/test-domcfg-render.c
