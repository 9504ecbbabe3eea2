# image/: blob store, OCI layout and registry fetch, layer unpack, root
# volumes.  The command handlers (xl-plugin/cmd_image.c) are linked into
# build/xl-oci through XLOCI_CMD_SRCS.
LIB_SRCS += image/blobstore.c
UNIT_TESTS += tests/unit/test-image-blobstore.c
LIB_SRCS += image/layerpath.c image/fsat.c image/strset.c image/unpack.c
UNIT_TESTS += tests/unit/test-image-unpack.c
LIB_SRCS += image/manifest.c
UNIT_TESTS += tests/unit/test-image-manifest.c
LIB_SRCS += image/ref.c
UNIT_TESTS += tests/unit/test-image-ref.c
LIB_SRCS += image/refstore.c
LIB_SRCS += image/erofs.c image/volume.c
LIB_SRCS += image/layout.c
LIB_SRCS += image/lock.c image/pull.c image/registry.c
