# tests/: unit tests of common/ and domcfg/, fuzz targets (tests/fuzz/).
# The other components list their own unit tests in their module.mk.
UNIT_TESTS += tests/unit/test-common.c
