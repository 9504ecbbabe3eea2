# tests/hostile/: a static container workload that attacks DomainStatus.
$(B)/tests/hostile/hostile: tests/hostile/hostile.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra $(WERROR) -static -o $@ $< \
		-lxenstore -lxentoolcore $(LDFLAGS)

BIN_TARGETS += $(B)/tests/hostile/hostile

# exec-hostile: a hostile end of the exec channel, both ways (lab
# 11-hostile): in the probe image as a guest that garbles the channel,
# and in dom0 as a client that garbles and floods the guest's server.
$(B)/tests/hostile/exec-hostile: tests/hostile/exec-hostile.c \
		common/abi/exec_channel.c common/abi/exec_channel.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra $(WERROR) -I. -static -o $@ \
		tests/hostile/exec-hostile.c common/abi/exec_channel.c \
		-lxenvchan -lxengnttab -lxenevtchn -lxenstore -lxentoolcore \
		-lxentoollog $(LDFLAGS)

BIN_TARGETS += $(B)/tests/hostile/exec-hostile
