# netback/: dom0 networking (netback.h): state and IPAM, the dataplane
# (libmnl, libnftables), dnsmasq per network.  Linked into libxloci.a.
LIB_SRCS += netback/addr.c netback/store.c netback/ipam.c
UNIT_TESTS += tests/unit/test-netback-addr.c tests/unit/test-netback-ipam.c
LIB_SRCS += netback/link.c
LIB_SRCS += netback/nft_rules.c netback/nft.c netback/nft_lib.c netback/psl_lib.c \
	netback/forwarding.c
LIB_SRCS += netback/dns.c
LIB_SRCS += netback/dataplane.c
LIB_SRCS += netback/network.c
LIB_SRCS += netback/lease.c netback/port_probe.c netback/port_choose.c
LIB_SRCS += netback/vif.c netback/up.c netback/veth.c
XLOCI_CMD_SRCS += xl-plugin/cmd_network.c

# Test helpers of the network tier (tests/tiers/56-network.sh).
$(B)/tests/netback-tool: $(OBJ)/tests/net/netback-tool.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)
$(B)/tests/xs-standin: $(OBJ)/tests/net/xs-standin.o
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(LDFLAGS)
BIN_TARGETS += $(B)/tests/netback-tool $(B)/tests/xs-standin
$(B)/tests/net-probe: $(OBJ)/tests/net/net-probe.o
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< -lresolv $(LDFLAGS)
BIN_TARGETS += $(B)/tests/net-probe
LIB_SRCS += netback/nl.c netback/nl_link.c netback/netns.c netback/netns_splice.c \
	netback/conntrack.c

# The orchestrator tier's caller of netns.h (tests/tiers/58-netns-splice.sh).
$(B)/tests/netns-tool: $(OBJ)/tests/net/netns-tool.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)
BIN_TARGETS += $(B)/tests/netns-tool
