# loader/: the host side of loaders (which loader, per-domain ramdisk).
LIB_SRCS += loader/cpio.c loader/ramdisk.c loader/kernel_image.c
UNIT_TESTS += tests/unit/test-loader-ramdisk.c tests/unit/test-kernel-image.c

# mkcpio: the initramfs builder's archive writer (gen_init_cpio-like input).
$(B)/loader/mkcpio: $(OBJ)/loader/xen-tools/mkcpio.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $^ $(LDFLAGS)

# ramdisk-bench: times loader_ramdisk_build (BENCHMARKS.md).
$(B)/loader/ramdisk-bench: $(OBJ)/tests/loader/ramdisk-bench.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $^ $(LDFLAGS)

BIN_TARGETS += $(B)/loader/mkcpio $(B)/loader/ramdisk-bench
