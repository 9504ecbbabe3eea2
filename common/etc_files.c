/* etc_files.c: the runtime's /etc files (see etc_files.h). */
#include "common/etc_files.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Appends to buf; *len becomes -1 (and stays) once it does not fit. */
static void put(char *buf, size_t sz, int *len, const char *fmt, ...)
{
    if (*len < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, sz - (size_t)*len, fmt, ap);
    va_end(ap);
    *len = n < 0 || (size_t)n >= sz - (size_t)*len ? -1 : *len + n;
}

int xo_etc_hostname(char *buf, size_t sz, const char *hostname)
{
    int len = 0;
    put(buf, sz, &len, "%s\n", hostname);
    return len;
}

/* Docker's lines, in its order (libnetwork/etchosts' defaultContent): a
 * program that resolves ip6-localhost or ip6-allnodes, or a test suite
 * that reads them, finds them as under Docker. */
static const char *const docker_hosts[] = {
    "127.0.0.1\tlocalhost",  "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet", "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes", "ff02::2\tip6-allrouters",
};

int xo_etc_hosts(char *buf, size_t sz, const char *hostname, const char *self)
{
    int len = 0;
    for (size_t i = 0; i < sizeof(docker_hosts) / sizeof(docker_hosts[0]); i++)
        put(buf, sz, &len, "%s\n", docker_hosts[i]);
    if (self)
        put(buf, sz, &len, "%.*s\t%s\n", (int)strcspn(self, "/"), self,
            hostname);
    else
        put(buf, sz, &len, "127.0.1.1\t%s\n", hostname);
    return len;
}

int xo_etc_resolv_conf(char *buf, size_t sz, const char *const *dns,
                       size_t ndns, const char *const *search, size_t nsearch)
{
    int len = 0;
    if (ndns == 0 && nsearch == 0)
        put(buf, sz, &len, "# no name servers configured (oci_dns)\n");
    for (size_t i = 0; i < ndns; i++)
        put(buf, sz, &len, "nameserver %s\n", dns[i]);
    for (size_t i = 0; i < nsearch; i++)
        put(buf, sz, &len, "%s%s%s", i ? " " : "search ", search[i],
            i + 1 == nsearch ? "\n" : "");
    return len;
}
