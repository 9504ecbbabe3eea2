# tests/probe/: the static multi-call probe that runs inside test containers
# (libxenstore linked in for its "hostile" command, issue 5).
$(B)/tests/probe/probe: tests/probe/probe.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra $(WERROR) -static -o $@ $< \
		-lxenstore -lxentoolcore $(LDFLAGS)

BIN_TARGETS += $(B)/tests/probe/probe
