# image/: blob store, OCI layout and registry fetch, layer unpack, root
# volumes.  The command handlers (xl-plugin/cmd_image.c) are linked into
# build/xl-oci through XLOCI_CMD_SRCS.
LIB_SRCS += image/blobstore.c
UNIT_TESTS += tests/unit/test-image-blobstore.c
LIB_SRCS += image/layerpath.c image/fsat.c image/strset.c image/unpack.c
UNIT_TESTS += tests/unit/test-image-unpack.c
