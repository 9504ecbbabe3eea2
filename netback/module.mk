# netback/: dom0 networking (netback.h): state and IPAM, the dataplane
# (libmnl, libnftables), dnsmasq per network.  Linked into libxloci.a.
LIB_SRCS += netback/addr.c netback/port.c netback/store.c netback/ipam.c
LIB_SRCS += netback/link.c
LIB_SRCS += netback/nft_rules.c netback/nft.c
LIB_SRCS += netback/dns.c
LIB_SRCS += netback/dataplane.c
LIB_SRCS += netback/network.c
LIB_SRCS += netback/lease.c
LIB_SRCS += netback/vif.c netback/up.c
XLOCI_CMD_SRCS += xl-plugin/cmd_network.c
