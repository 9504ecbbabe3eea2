/*
 * netns.h: joining a domain's vif to a network namespace an orchestrator
 * made (containerd/CNI, Kubernetes' CRI), the way Kata Containers'
 * "tcfilter" network model does: the vif moves into the namespace and tc
 * redirects every frame between it and the namespace's interface, in both
 * directions.  The guest uses the interface's MAC and addresses, so the
 * container answers on what CNI gave it (docs/decisions.md, "Orchestrator
 * networks: the vif spliced to eth0 with tc").
 *
 * All of it is rtnetlink through libmnl (nl.h).  The calling thread enters
 * a namespace only to open a netlink socket there and always returns to
 * its own at once, so nothing else the process does runs in another
 * namespace.
 */
#ifndef XL_OCI_NETBACK_NETNS_H
#define XL_OCI_NETBACK_NETNS_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "common/error.h"

/* The calling thread's own namespace: /proc/self names the process's
 * first thread, which another thread may have moved. */
#define NB_NETNS_SELF "/proc/thread-self/ns/net"

/* The interface a CNI plugin put in the namespace, as the kernel shows it. */
struct nb_netns_iface {
    char name[IFNAMSIZ]; /* its name in the netns, e.g. "eth0" */
    unsigned ifindex;    /* in the netns */
    uint8_t mac[6];
    unsigned mtu;                    /* bytes, IFLA_MTU */
    char ipv4[INET_ADDRSTRLEN + 3];  /* "A.B.C.D/N" or "" */
    char gateway4[INET_ADDRSTRLEN];  /* IPv4 default route via, or "" */
    char ipv6[INET6_ADDRSTRLEN + 4]; /* global "X::Y/N" or "" */
    char gateway6[INET6_ADDRSTRLEN]; /* IPv6 default route via, or "" */
};

/*
 * Reads the one interface other than lo of the network namespace at
 * ns_path (/proc/PID/ns/net or /run/netns/NAME).  Only Ethernet devices
 * (ARPHRD_ETHER) count: a vif carries Ethernet frames, and the fallback
 * tunnels a kernel puts in every namespace (tunl0, sit0, ip6tnl0) are no
 * container's interface.  Of several addresses or default routes of a
 * family the kernel's first is taken; IPv6 addresses are of global scope.
 * Returns 1 with *out filled, 0 when there is none but lo, -1 with err
 * (cannot open or enter it; more than one such interface: the error names
 * them, one vif per container).
 */
int nb_netns_read(const char *ns_path, struct nb_netns_iface *out, xo_err *err);

/*
 * Moves `dev` (a device of the caller's netns, e.g. "vif5.0") into the
 * namespace, gives it iface->mtu (68..65535; 0 leaves it), brings it and
 * iface (found by iface->name) up and redirects every frame between the
 * two in both directions: an ingress qdisc on each, holding one u32
 * match-all filter (what `tc filter add ... u32 match u32 0 0` makes, as
 * Kata does) whose mirred action redirects to the other's egress.  The
 * qdisc an earlier splice left on iface's ingress hook (a pod's netns
 * outlives its containers), or a clsact, is replaced.  On failure the vif is moved back and
 * iface's ingress qdisc removed, so nothing is half spliced.
 */
int nb_netns_splice(const char *ns_path, const char *dev,
                    const struct nb_netns_iface *iface, xo_err *err);

/*
 * A bound rtnetlink socket (nl.h) inside the namespace at ns_path; the
 * calling thread is back in its own namespace when this returns, also on
 * errors.  With nsfd_r, *nsfd_r is an open (O_CLOEXEC) descriptor of the
 * namespace, the caller's to close.  NULL with err on failure.
 */
struct mnl_socket *nb_netns_socket(const char *ns_path, int *nsfd_r,
                                   xo_err *err);

#endif
