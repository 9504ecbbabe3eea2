# tests/hostile/: a static container workload that attacks DomainStatus.
$(B)/tests/hostile/hostile: tests/hostile/hostile.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra $(WERROR) -static -o $@ $< \
		-lxenstore -lxentoolcore $(LDFLAGS)

BIN_TARGETS += $(B)/tests/hostile/hostile
