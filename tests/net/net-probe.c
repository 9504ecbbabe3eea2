/*
 * net-probe: the few network probes the network tier needs where Debian's
 * base system has no tool (no nc, no dig):
 *   net-probe serve ADDR PORT      accept one TCP connection on ADDR:PORT,
 *                                  send "xl-oci-probe\n", print the peer
 *   net-probe fetch ADDR PORT      connect, print what the server sends
 *   net-probe dns SERVER NAME      ask SERVER (IPv4) for NAME's A record
 *                                  through libresolv; print the addresses,
 *                                  exit 1 when there is none
 * Every probe gives up after 10 s (alarm), so a tier never hangs.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
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

static int serve(const char *ip, const char *port)
{
    struct sockaddr_in sa, peer;
    socklen_t len = sizeof(peer);
    int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);
    if (addr_of(&sa, ip, port) < 0 || l < 0)
        return 2;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0) {
        perror("net-probe serve");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int fd = accept(l, (struct sockaddr *)&peer, &len);
    if (fd < 0)
        return 1;
    char p[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &peer.sin_addr, p, sizeof(p));
    printf("peer %s\n", p);
    if (write(fd, "xl-oci-probe\n", 13) != 13)
        return 1;
    close(fd);
    return 0;
}

static int fetch(const char *ip, const char *port)
{
    struct sockaddr_in sa;
    char buf[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (addr_of(&sa, ip, port) < 0 || fd < 0)
        return 2;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
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

int main(int argc, char **argv)
{
    alarm(10);
    if (argc == 4 && strcmp(argv[1], "serve") == 0)
        return serve(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "fetch") == 0)
        return fetch(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "dns") == 0)
        return dns(argv[2], argv[3]);
    fprintf(stderr, "usage: net-probe serve|fetch ADDR PORT | dns SERVER "
                    "NAME\n");
    return 2;
}
