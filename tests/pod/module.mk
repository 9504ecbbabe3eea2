# tests/pod/: pod-client, dom0's end of a pod container session (the exec
# channel's CONTAINER) for lab 20-loader, until xl-oci-runc sends it.
$(B)/tests/pod/pod-client: tests/pod/pod-client.c \
		common/abi/exec_channel.c common/abi/exec_channel.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra $(WERROR) -I. -static -o $@ \
		tests/pod/pod-client.c common/abi/exec_channel.c \
		-lxenvchan -lxengnttab -lxenevtchn -lxenstore -lxentoolcore \
		-lxentoollog -lfdt $(LDFLAGS)

BIN_TARGETS += $(B)/tests/pod/pod-client
