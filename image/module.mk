# image/: blob store, OCI layout and registry fetch, layer unpack, root
# volumes.  The command handlers (xl-plugin/cmd_image.c) are linked into
# build/xl-oci through XLOCI_CMD_SRCS.
LIB_SRCS += image/blobstore.c image/blobtap.c image/progress.c
UNIT_TESTS += tests/unit/test-image-blobstore.c tests/unit/test-image-blobtap.c
LIB_SRCS += image/layerpath.c image/fsat.c image/strset.c \
	image/whiteout.c image/unpack.c image/tarfix.c image/unpack_obj.c image/layer_xattr.c \
	image/config_rootfs.c \
	image/unpack_lib.c image/gunzip.c image/gunzip_lib.c \
	image/gunzip_ahead.c
UNIT_TESTS += tests/unit/test-image-unpack.c \
	tests/unit/test-image-unpack-paths.c \
	tests/unit/test-image-unpack-whiteout.c tests/unit/test-image-fsat.c \
	tests/unit/test-image-unpack-tarfix.c \
	tests/unit/test-image-gunzip.c tests/unit/test-image-gunzip-ahead.c
LIB_SRCS += image/manifest.c
UNIT_TESTS += tests/unit/test-image-manifest.c tests/unit/test-registry-retry.c \
	tests/unit/test-http-loopback.c
LIB_SRCS += image/ref.c
UNIT_TESTS += tests/unit/test-image-ref.c
LIB_SRCS += image/refstore.c
UNIT_TESTS += tests/unit/test-image-refstore.c
LIB_SRCS += image/erofs.c image/volume.c image/volume_record.c image/scratch.c image/scratch_guard.c
UNIT_TESTS += tests/unit/test-image-volume-record.c tests/unit/test-image-volume-etc.c
LIB_SRCS += image/layout.c image/tarindex.c image/archive_source.c \
	image/docker_archive.c
UNIT_TESTS += tests/unit/test-image-auth.c
LIB_SRCS += image/lock.c image/pull.c image/layer_feed.c image/pull_meter.c \
	image/registry.c image/insecure_registry.c image/registry_retry.c image/http.c image/http_lib.c image/auth.c \
	image/cred_helper.c
UNIT_TESTS += tests/unit/test-image-unpack-feed.c
LIB_SRCS += image/admin.c image/signature.c
# Managed volumes (volstore.h); their commands are xl-plugin/cmd_volume*.c.
LIB_SRCS += image/volstore.c image/volstore_parse.c image/volstore_record.c \
	image/volstore_run.c image/volstore_data.c image/volstore_create.c \
	image/volstore_transfer.c image/volstore_use.c image/volstore_reader.c
UNIT_TESTS += tests/unit/test-volstore.c
LIB_SRCS += image/mountinfo.c image/bundle_source.c image/bundle_rootfs.c \
            image/bundle_ghosts.c
UNIT_TESTS += tests/unit/test-image-mountinfo.c tests/unit/test-image-bundle-source.c
XLOCI_CMD_SRCS += xl-plugin/cmd_image.c

# A stand-in xl-oci holding only the image commands, for the image tier
# while they are not yet in the main command table.
IMAGE_TOOL_OBJS := $(OBJ)/tests/image/image-tool.o \
	$(OBJ)/xl-plugin/cmd_image.o $(OBJ)/xl-plugin/cmd_util.o
$(B)/tests/xl-oci-image: $(IMAGE_TOOL_OBJS) $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $(IMAGE_TOOL_OBJS) $(B)/libxloci.a $(DEPS_LIBS) \
		$(LDFLAGS)
BIN_TARGETS += $(B)/tests/xl-oci-image

# The verifier's hasher as a command, for the image benchmark.
$(B)/tests/xl-oci-sha256: $(OBJ)/tests/image/sha256-tool.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)
BIN_TARGETS += $(B)/tests/xl-oci-sha256

# One line per entry of a tree, for comparing unpacks (tier 65).
$(B)/tests/xl-oci-treedump: $(OBJ)/tests/image/treedump.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)
BIN_TARGETS += $(B)/tests/xl-oci-treedump

# image/bundle_rootfs.h as a command, for tier 61 and the benchmark.
$(B)/tests/xl-oci-bundle: $(OBJ)/tests/image/bundle-tool.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)
BIN_TARGETS += $(B)/tests/xl-oci-bundle
