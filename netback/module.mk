# netback/: dom0 networking (netback.h): state and IPAM, the dataplane
# (libmnl, libnftables), dnsmasq per network.  Linked into libxloci.a.
LIB_SRCS += netback/addr.c netback/port.c netback/store.c netback/ipam.c
LIB_SRCS += netback/link.c
