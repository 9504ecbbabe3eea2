/*
 * render_etc.c: the runtime's /etc files for the runtime spec, with the
 * text the loader writes in a domain (common/etc_files.h) from the same
 * facts: the host name, the first interface's address, the name servers
 * (or the DNS forwarder) and search domains.
 */
#include "domcfg.h"

#include <errno.h>

#include "common/abi/boot_spec.h"
#include "net_request.h"

int domcfg_etc_files(struct domcfg_etc_file out[DOMCFG_ETC_FILES],
                     const struct domain_config *dc, xo_err *err)
{
    const char *self = NULL;
    for (size_t i = 0; i < dc->n_vifs && !self; i++)
        self = dc->vifs[i].ip;
    /* The forwarder a NOHYPER container's monitor runs in its network
     * namespace (xl-plugin/nohyper_dns.h), as the loader does in a
     * domain. */
    static const char *const forwarder[] = {BOOT_SPEC_DNS_FORWARD_ADDR};
    bool fwd = domcfg_dns_forward(dc);
    out[0].name = XO_ETC_HOSTNAME;
    out[1].name = XO_ETC_HOSTS;
    out[2].name = XO_ETC_RESOLV_CONF;
    int n[DOMCFG_ETC_FILES] = {
        xo_etc_hostname(out[0].text, sizeof(out[0].text), dc->hostname),
        xo_etc_hosts(out[1].text, sizeof(out[1].text), dc->hostname, self),
        xo_etc_resolv_conf(out[2].text, sizeof(out[2].text),
                           fwd ? forwarder : (const char *const *)dc->dns,
                           fwd ? 1 : dc->n_dns, (const char *const *)dc->search,
                           dc->n_search),
    };
    for (int i = 0; i < DOMCFG_ETC_FILES; i++) {
        if (n[i] < 0)
            return xo_err_set(err, E2BIG, "/etc/%s of domain %s: too long",
                              out[i].name, dc->name);
        out[i].len = (size_t)n[i];
    }
    return 0;
}
