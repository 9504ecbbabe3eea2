/*
 * etc_files.h: the files under /etc that the runtime owns, as a container
 * sees them: /etc/hostname, /etc/hosts (localhost and the container's own
 * name) and /etc/resolv.conf.  One definition of their text, used by the
 * loader's init (it writes them into the writable layer) and by domcfg (it
 * renders them for the runtime spec's bind mounts, as Docker bind-mounts
 * its own copies), so the two ways of running a container agree.
 */
#ifndef XL_OCI_COMMON_ETC_FILES_H
#define XL_OCI_COMMON_ETC_FILES_H

#include <stddef.h>

/* Names of the files relative to /etc, and beside a runtime spec. */
#define XO_ETC_HOSTNAME "hostname"
#define XO_ETC_HOSTS "hosts"
#define XO_ETC_RESOLV_CONF "resolv.conf"

/* Room for any of them: 4 name servers, 4 search domains, a host name. */
#define XO_ETC_MAX 4096

/* "NAME\n".  Each returns the length, or -1 when it does not fit `sz`. */
int xo_etc_hostname(char *buf, size_t sz, const char *hostname);

/*
 * Docker's six lines (localhost for IPv4 and IPv6, the IPv6 names
 * ip6-localnet, ip6-mcastprefix, ip6-allnodes, ip6-allrouters), then the
 * container's own address (`self`,
 * "ADDR" or "ADDR/PREFIX"; NULL: 127.0.1.1 as Debian names its own host)
 * with its host name.
 */
int xo_etc_hosts(char *buf, size_t sz, const char *hostname, const char *self);

/* nameserver lines and one search line; a comment when there is neither,
 * so nothing the image's build host left behind stays in effect. */
int xo_etc_resolv_conf(char *buf, size_t sz, const char *const *dns,
                       size_t ndns, const char *const *search, size_t nsearch);

#endif
