# tests/images/: root volumes for the lab scenarios and the demo, built
# from the project's probe and Debian's busybox-static (nothing downloaded).
TEST_IMAGES := $(B)/test-images/probe/rootfs.erofs

$(B)/test-images/probe/rootfs.erofs: $(B)/tests/probe/probe \
		$(B)/tests/hostile/hostile $(B)/tests/hostile/exec-hostile \
		tests/images/mkprobe-volume.sh
	tests/images/mkprobe-volume.sh $(B)/tests/probe/probe \
		$(B)/test-images/probe $(B)/tests/hostile/hostile \
		$(B)/tests/hostile/exec-hostile

.PHONY: test-images
test-images: $(TEST_IMAGES)
