/*
 * net-probe: the few network probes the network tier needs where Debian's
 * base system has no tool (no nc, no dig):
 *   net-probe serve ADDR PORT      accept one TCP connection on ADDR:PORT,
 *                                  send "xl-oci-probe\n", print the peer
 *   net-probe fetch ADDR PORT      connect, print what the server sends
 *                                  (ADDR IPv4, or IPv6 when it has a ':')
 *   net-probe dns SERVER NAME      ask SERVER (IPv4) for NAME's A record
 *                                  through libresolv; print the addresses,
 *                                  exit 1 when there is none
 *   net-probe na IFACE SOURCE TARGET  send one unsolicited neighbour
 *                                  advertisement (RFC 4861 4.4) for
 *                                  TARGET from SOURCE to ff02::1 on IFACE
 * Every probe gives up after 10 s (alarm), so a tier never hangs.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int addr_of(struct sockaddr_in *sa, const char *ip, const char *port)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)atoi(port));
    return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

/* IP:PORT of either family (an address with ':' is IPv6) into *ss. */
static int sockaddr_of(struct sockaddr_storage *ss, socklen_t *len,
                       const char *ip, const char *port)
{
    memset(ss, 0, sizeof(*ss));
    if (!strchr(ip, ':')) {
        *len = sizeof(struct sockaddr_in);
        return addr_of((struct sockaddr_in *)ss, ip, port);
    }
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
    *len = sizeof(*sa);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons((uint16_t)atoi(port));
    return inet_pton(AF_INET6, ip, &sa->sin6_addr) == 1 ? 0 : -1;
}

static int serve(const char *ip, const char *port)
{
    struct sockaddr_storage sa, peer;
    socklen_t len, plen = sizeof(peer);
    int one = 1;
    if (sockaddr_of(&sa, &len, ip, port) < 0)
        return 2;
    int l = socket(sa.ss_family, SOCK_STREAM, 0);
    if (l < 0)
        return 2;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(l, (struct sockaddr *)&sa, len) < 0 || listen(l, 1) < 0) {
        perror("net-probe serve");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int fd = accept(l, (struct sockaddr *)&peer, &plen);
    if (fd < 0)
        return 1;
    char p[INET6_ADDRSTRLEN];
    if (peer.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, p,
                  sizeof(p));
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, p,
                  sizeof(p));
    printf("peer %s\n", p);
    if (write(fd, "xl-oci-probe\n", 13) != 13)
        return 1;
    close(fd);
    return 0;
}

static int fetch(const char *ip, const char *port)
{
    struct sockaddr_storage sa;
    socklen_t len;
    char buf[64];
    if (sockaddr_of(&sa, &len, ip, port) < 0)
        return 2;
    int fd = socket(sa.ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        return 2;
    if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
        perror("net-probe fetch");
        return 1;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return 1;
    buf[n] = '\0';
    fputs(buf, stdout);
    return 0;
}

static int dns(const char *server, const char *name)
{
    struct __res_state rs;
    unsigned char ans[NS_PACKETSZ];
    memset(&rs, 0, sizeof(rs));
    if (res_ninit(&rs) < 0)
        return 2;
    rs.nscount = 1;
    addr_of(&rs.nsaddr_list[0], server, "53");
    rs.retry = 2;
    rs.retrans = 2;
    int n = res_nquery(&rs, name, ns_c_in, ns_t_a, ans, sizeof(ans));
    if (n < 0) {
        fprintf(stderr, "net-probe dns: %s: no answer\n", name);
        return 1;
    }
    ns_msg msg;
    ns_rr rr;
    int found = 0;
    if (ns_initparse(ans, n, &msg) < 0)
        return 2;
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
        if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != ns_t_a)
            continue;
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, ns_rr_rdata(rr), a, sizeof(a));
        printf("%s\n", a);
        found = 1;
    }
    return found ? 0 : 1;
}

static int advertise(const char *iface, const char *src, const char *target)
{
    struct sockaddr_in6 from = {.sin6_family = AF_INET6};
    struct sockaddr_in6 to = {.sin6_family = AF_INET6};
    struct nd_neighbor_advert na = {0};
    unsigned idx = if_nametoindex(iface);
    int hops = 255; /* RFC 4861 7.1.2: receivers drop anything else */
    if (!idx || inet_pton(AF_INET6, src, &from.sin6_addr) != 1 ||
        inet_pton(AF_INET6, target, &na.nd_na_target) != 1 ||
        inet_pton(AF_INET6, "ff02::1", &to.sin6_addr) != 1) {
        fprintf(stderr, "net-probe: bad interface or address\n");
        return 2;
    }
    from.sin6_scope_id = idx;
    to.sin6_scope_id = idx;
    na.nd_na_type = ND_NEIGHBOR_ADVERT;
    na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
    /* The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket. */
    int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
    if (fd < 0 || bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) <
            0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) <
            0 ||
        sendto(fd, &na, sizeof(na), 0, (struct sockaddr *)&to, sizeof(to)) !=
            (ssize_t)sizeof(na)) {
        perror("net-probe: na");
        return 1;
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    alarm(10);
    if (argc == 4 && strcmp(argv[1], "serve") == 0)
        return serve(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "fetch") == 0)
        return fetch(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "dns") == 0)
        return dns(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "na") == 0)
        return advertise(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: net-probe serve|fetch ADDR PORT | dns SERVER "
                    "NAME | na IFACE SOURCE TARGET\n");
    return 2;
}
