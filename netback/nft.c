/*
 * nft.c: runs libnftables JSON transactions on xl-oci's own tables
 * (nft.h).  Commands are built with json-c and handed to
 * nft_run_cmd_from_buffer, which parses them as JSON because the context
 * has NFT_CTX_OUTPUT_JSON (libnftables 1.0.6 has no input flag).
 */
#include "netback/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/inet.h"
#include "common/json_build.h"

#include "netback/forwarding.h"
#include "netback/nft_lib.h"
#include "netback/nft_rules.h"

/* libnftables' error text can be long; this much names the fault. */
#define NFT_ERR_SHOWN 400

static json_object *cmds_new(void)
{
    return xo_jarr();
}

/* Runs `text`, libnftables JSON when `json`, else nft's own syntax, as
 * one transaction. */
static int run_buffer(const char *text, bool json, const char *what,
                      xo_err *err)
{
    if (nb_nftlib_load(err) < 0)
        return xo_err_wrap(err, "%s", what);
    struct nft_ctx *nft = nb_nftlib.ctx_new(NFT_CTX_DEFAULT);
    int rc = -1;
    if (!nft)
        return xo_err_set(err, ENOMEM, "%s: cannot make a libnftables context",
                          what);
    if (json)
        nb_nftlib.ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
    nb_nftlib.ctx_buffer_output(nft);
    nb_nftlib.ctx_buffer_error(nft);
    if (nb_nftlib.run_cmd_from_buffer(nft, text) != 0) {
        const char *e = nb_nftlib.ctx_get_error_buffer(nft);
        char msg[NFT_ERR_SHOWN + 1];
        /* may truncate: the first of nft's message */
        snprintf(msg, sizeof(msg), "%s", e ? e : "");
        for (char *p = msg; *p; p++)
            if (*p == '\n')
                *p = ' ';
        xo_err_set(err, EINVAL, "%s: nftables: %s", what, msg);
        goto out;
    }
    rc = 0;
out:
    nb_nftlib.ctx_free(nft);
    return rc;
}

/* Runs the commands in `cmds` (consumed) as one transaction. */
static int run(json_object *cmds, const char *what, xo_err *err)
{
    json_object *root = xo_jobj();
    xo_jset(root, "nftables", cmds);
    const char *text =
        json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    if (!text)
        xo_oom(); /* json-c's print buffer could not grow */
    int rc = run_buffer(text, true, what, err);
    json_object_put(root);
    return rc;
}

/* {"VERB": {"KIND": obj}} appended to cmds; obj gets family and table. */
static void cmd(json_object *cmds, const char *verb, const char *kind,
                const char *family, const char *table, json_object *obj)
{
    xo_jset(obj, "family", xo_jstr(family));
    if (table)
        xo_jset(obj, "table", xo_jstr(table));
    json_object *inner = xo_jobj();
    xo_jset(inner, kind, obj);
    json_object *outer = xo_jobj();
    xo_jset(outer, verb, inner);
    xo_jpush(cmds, outer);
}

static void table_cmd(json_object *cmds, const char *verb,
                      const struct nb_nft_table *t)
{
    json_object *o = xo_jobj();
    xo_jset(o, "name", xo_jstr(t->name));
    cmd(cmds, verb, "table", t->family, NULL, o);
}

/* Adds objects `objs` (nft_rules.c) of table FAMILY TABLE to cmds. */
static int objs_define(json_object *cmds, const char *family, const char *table,
                       const char *const *objs, xo_err *err)
{
    for (const char *const *s = objs; *s; s++) {
        json_object *o = json_tokener_parse(*s);
        json_object_iter it;
        if (!o || json_object_object_length(o) != 1) {
            json_object_put(o);
            return xo_err_set(err, EINVAL, "nft rules of %s %s: bad JSON: %s",
                              family, table, *s);
        }
        json_object_object_foreachC(o, it)
        {
            cmd(cmds, "add", it.key, family, table, json_object_get(it.val));
        }
        json_object_put(o);
    }
    return 0;
}

/* Adds table t with all its objects to cmds. */
static int table_define(json_object *cmds, const struct nb_nft_table *t,
                        xo_err *err)
{
    table_cmd(cmds, "add", t);
    return objs_define(cmds, t->family, t->name, t->objs, err);
}

/* The forwarding guards (forwarding.h) live in table inet xl_oci. */
static const char *const *guard_objs(unsigned bit)
{
    return bit == NB_GUARD4 ? nb_nft_guard4 : nb_nft_guard6;
}

static int guards_define(json_object *cmds, unsigned guards, xo_err *err)
{
    for (unsigned bit = NB_GUARD4; bit <= NB_GUARD6; bit <<= 1)
        if ((guards & bit) &&
            objs_define(cmds, "inet", "xl_oci", guard_objs(bit), err) < 0)
            return -1;
    return 0;
}

unsigned nb_nft_guards(void)
{
    unsigned guards = 0;
    for (unsigned bit = NB_GUARD4; bit <= NB_GUARD6; bit <<= 1) {
        json_object *o = xo_jobj();
        xo_jset(o, "name", xo_jstr(bit == NB_GUARD4 ? "guard4" : "guard6"));
        json_object *cmds = cmds_new();
        cmd(cmds, "list", "counter", "inet", "xl_oci", o);
        xo_err ignore = XO_ERR_INIT;
        if (run(cmds, "listing", &ignore) == 0)
            guards |= bit;
        xo_err_clear(&ignore);
    }
    return guards;
}

int nb_nft_guard_add(unsigned bit, xo_err *err)
{
    if (nb_nft_guards() & bit)
        return 0;
    json_object *cmds = cmds_new();
    if (guards_define(cmds, bit, err) < 0) {
        json_object_put(cmds);
        return -1;
    }
    return run(cmds, "adding xl-oci's forwarding guard", err);
}

/* Lists set vif_nd_target into cmds (fails when it is missing). */
static void nd_set_list(json_object *cmds)
{
    json_object *o = xo_jobj();
    xo_jset(o, "name", xo_jstr("vif_nd_target"));
    cmd(cmds, "list", "set", "bridge", "xl_oci", o);
}

/*
 * Makes the ND target check in table bridge xl_oci, which must exist
 * with an empty chain nd_target: the set (nft text, one transaction),
 * then the set's elements in `elems` (consumed) with the rule (JSON, one
 * transaction).  Until the rule is in, an advertisement's target is not
 * checked; its source, MAC and sender still are.
 */
static int nd_define(json_object *elems, xo_err *err)
{
    if (run_buffer(nb_nft_nd_set_text, false, "making xl-oci's ND target set",
                   err) < 0 ||
        objs_define(elems, "bridge", "xl_oci", nb_nft_nd_objs, err) < 0) {
        json_object_put(elems);
        return -1;
    }
    return run(elems, "making xl-oci's ND target rule", err);
}

bool nb_nft_present(void)
{
    /* One transaction listing every table fails if any one is missing,
     * or if it lacks the newest object of their layout (tables an older
     * xl-oci made are then rebuilt, by nb_nft_heal_locked). */
    json_object *cmds = cmds_new();
    for (const struct nb_nft_table *t = nb_nft_tables; t->family; t++)
        table_cmd(cmds, "list", t);
    nd_set_list(cmds);
    json_object *o = xo_jobj();
    xo_jset(o, "name", xo_jstr(nb_nft_newest.name));
    cmd(cmds, "list", nb_nft_newest.kind, nb_nft_newest.family,
        nb_nft_newest.table, o);
    xo_err ignore = XO_ERR_INIT;
    bool ok = run(cmds, "listing", &ignore) == 0;
    xo_err_clear(&ignore);
    return ok;
}

int nb_nft_delete(xo_err *err)
{
    unsigned guards = nb_nft_guards();
    json_object *cmds = cmds_new();
    for (const struct nb_nft_table *t = nb_nft_tables; t->family; t++) {
        /* "add" first makes "delete" succeed when the table is absent. */
        table_cmd(cmds, "add", t);
        table_cmd(cmds, "delete", t);
    }
    if (run(cmds, "deleting xl-oci's nftables tables", err) < 0)
        return -1;
    return nb_forwarding_off(guards, err);
}

/* An element command on set `set` of table FAMILY NAME. */
static void elem(json_object *cmds, bool add, const char *family,
                 const char *table, const char *set, json_object *e)
{
    json_object *o = xo_jobj();
    json_object *arr = xo_jarr();
    xo_jpush(arr, e);
    xo_jset(o, "name", xo_jstr(set));
    xo_jset(o, "elem", arr);
    cmd(cmds, add ? "add" : "delete", "element", family, table, o);
}

static json_object *concat(json_object *a, json_object *b)
{
    json_object *arr = xo_jarr(), *o = xo_jobj();
    xo_jpush(arr, a);
    xo_jpush(arr, b);
    xo_jset(o, "concat", arr);
    return o;
}

static json_object *prefix(const char *addr, unsigned len)
{
    json_object *p = xo_jobj(), *o = xo_jobj();
    xo_jset(p, "addr", xo_jstr(addr));
    xo_jset(p, "len", xo_jint((int)len));
    xo_jset(o, "prefix", p);
    return o;
}

static json_object *str(const char *s)
{
    return xo_jstr(s);
}

static json_object *map_elem(json_object *key, json_object *val)
{
    json_object *arr = xo_jarr();
    xo_jpush(arr, key);
    xo_jpush(arr, val);
    return arr;
}

static void network_elems(json_object *cmds, const struct nb_state *st,
                          bool add)
{
    const struct netback_network *n = &st->net;
    char net4[INET_ADDRSTRLEN];
    nb_format_ipv4(net4, st->subnet.addr);
    elem(cmds, add, "inet", "xl_oci", "bridges", str(n->bridge));
    elem(cmds, add, "inet", "xl_oci", "within",
         concat(str(n->bridge), str(n->bridge)));
    elem(cmds, add, "ip", "xl_oci_nat", "subnets4",
         prefix(net4, st->subnet.prefix));
    char gw4[INET_ADDRSTRLEN], gw6[INET6_ADDRSTRLEN];
    nb_format_ipv4(gw4, st->gw4);
    elem(cmds, add, "inet", "xl_oci", "gateways4", str(gw4));
    elem(cmds, add, "inet", "xl_oci", "own_gateway4",
         concat(str(n->bridge), str(gw4)));
    char p6[INET6_ADDRSTRLEN];
    if (n->has_ipv6) {
        inet_ntop(AF_INET6, &st->prefix6, p6, sizeof(p6));
        elem(cmds, add, "ip6", "xl_oci_nat", "subnets6", prefix(p6, 64));
        inet_ntop(AF_INET6, &st->gw6, gw6, sizeof(gw6));
        elem(cmds, add, "inet", "xl_oci", "gateways6", str(gw6));
        elem(cmds, add, "inet", "xl_oci", "own_gateway6",
             concat(str(n->bridge), str(gw6)));
    }
    if (n->mode == NETBACK_MODE_ISOLATED) {
        elem(cmds, add, "inet", "xl_oci", "isolated", str(n->bridge));
        return;
    }
    elem(cmds, add, "ip", "xl_oci_nat", "masq4",
         prefix(net4, st->subnet.prefix));
    if (n->has_ipv6)
        elem(cmds, add, "ip6", "xl_oci_nat", "masq6", prefix(p6, 64));
}

/* Set vif_nd_target's key for `a` on `vif`: the address as one 128-bit
 * integer, "0x" and 32 hex digits in network byte order. */
static json_object *nd_key(const char *vif, const struct in6_addr *a)
{
    char hex[2 + 32 + 1] = "0x";
    for (int i = 0; i < 16; i++)
        /* cannot truncate: 2 digits and the NUL in the remaining space */
        snprintf(hex + 2 + 2 * i, sizeof(hex) - 2 - 2 * (size_t)i, "%02x",
                 a->s6_addr[i]);
    return concat(str(vif), str(hex));
}

/* The vif's addresses as vif_nd_target elements (nft_rules.h). */
static void nd_elems(json_object *cmds, const struct netback_lease *l,
                     const char *vif, bool add)
{
    uint8_t mac[6];
    struct in6_addr a;
    xo_mac_parse(mac, l->mac);
    nb_ipv6_link_local(&a, mac);
    elem(cmds, add, "bridge", "xl_oci", "vif_nd_target", nd_key(vif, &a));
    if (l->ipv6[0] && inet_pton(AF_INET6, l->ipv6, &a) == 1)
        elem(cmds, add, "bridge", "xl_oci", "vif_nd_target", nd_key(vif, &a));
}

/* The vif's anti-spoof elements but vif_nd_target's (nd_elems). */
static void vif_elems(json_object *cmds, const struct netback_lease *l,
                      const char *vif, bool add)
{
    uint8_t mac[6];
    struct in6_addr ll;
    char lls[INET6_ADDRSTRLEN];
    xo_mac_parse(mac, l->mac);
    nb_ipv6_link_local(&ll, mac);
    inet_ntop(AF_INET6, &ll, lls, sizeof(lls));
    /* On add the vif joins @vifs last, so its checks are complete before
     * any of its frames is checked; on delete it leaves first. */
    if (!add)
        elem(cmds, add, "bridge", "xl_oci", "vifs", str(vif));
    elem(cmds, add, "bridge", "xl_oci", "vif_mac",
         concat(str(vif), str(l->mac)));
    elem(cmds, add, "bridge", "xl_oci", "vif_ip4",
         concat(str(vif), str(l->ipv4)));
    elem(cmds, add, "bridge", "xl_oci", "vif_ip6", concat(str(vif), str(lls)));
    if (l->ipv6[0])
        elem(cmds, add, "bridge", "xl_oci", "vif_ip6",
             concat(str(vif), str(l->ipv6)));
    if (add)
        elem(cmds, add, "bridge", "xl_oci", "vifs", str(vif));
}

/* The DNAT elements of lease l's ports published on host addresses of
 * `family`: in table ip xl_oci_nat to its IPv4 address, or in table ip6
 * xl_oci_nat to its IPv6 address.  A port without HOSTIP goes to both. */
static void port_elems_family(json_object *cmds, const struct netback_lease *l,
                              int family, bool add)
{
    bool v6 = family == AF_INET6;
    const char *nft_family = v6 ? "ip6" : "ip", *to = v6 ? l->ipv6 : l->ipv4;
    if (!to[0]) /* no IPv6 on the network: netback_publish refused it */
        return;
    for (size_t i = 0; i < l->n_ports; i++) {
        const struct xo_port_spec *p = &l->ports[i];
        if (!xo_port_spec_has_family(p, family))
            continue;
        const char *proto = xo_port_spec_proto(p);
        const char *host = xo_port_spec_host_addr(p);
        char addr_map[32], port_map[32];
        /* cannot truncate: "udp_any_addr" is the longest */
        snprintf(addr_map, sizeof(addr_map), "%s_%s_addr", proto,
                 host ? "ip" : "any");
        /* cannot truncate: as above */
        snprintf(port_map, sizeof(port_map), "%s_%s_port", proto,
                 host ? "ip" : "any");
        for (int m = 0; m < 2; m++) {
            json_object *key =
                host ? concat(str(host), xo_jint((int)p->host_port))
                     : xo_jint((int)p->host_port);
            json_object *val =
                m == 0 ? str(to) : xo_jint((int)p->container_port);
            elem(cmds, add, nft_family, "xl_oci_nat",
                 m == 0 ? addr_map : port_map,
                 add ? map_elem(key, val) : (json_object_put(val), key));
        }
    }
}

static void port_elems(json_object *cmds, const struct netback_lease *l,
                       bool add)
{
    port_elems_family(cmds, l, AF_INET, add);
    port_elems_family(cmds, l, AF_INET6, add);
}

/*
 * Runs `cmds`; a delete that fails (an element already gone) is retried
 * one command at a time, ignoring the ones that fail, so removal is
 * idempotent and never leaves the rest behind.
 */
static int run_elems(json_object *cmds, bool add, const char *what, xo_err *err)
{
    if (json_object_array_length(cmds) == 0) {
        json_object_put(cmds);
        return 0;
    }
    if (add)
        return run(cmds, what, err);
    json_object *copy = NULL;
    json_object_deep_copy(cmds, &copy, NULL);
    xo_err first = XO_ERR_INIT;
    if (run(cmds, what, &first) == 0) {
        json_object_put(copy);
        return 0;
    }
    xo_err_clear(&first);
    size_t n = copy ? json_object_array_length(copy) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *one = cmds_new();
        xo_jpush(one, json_object_get(json_object_array_get_idx(copy, i)));
        xo_err ignore = XO_ERR_INIT;
        run(one, what, &ignore);
        xo_err_clear(&ignore);
    }
    json_object_put(copy);
    return 0;
}

int nb_nft_network(const struct nb_state *st, bool add, xo_err *err)
{
    json_object *cmds = cmds_new();
    network_elems(cmds, st, add);
    return run_elems(cmds, add, st->net.name, err);
}

/* Each probe's element added and deleted again (nft_rules.h): no trace
 * when the transaction commits, and its failure when an object is absent.
 * A libnftables run costs about 0.17 s in the lab's dom0, whatever it
 * lists, so the check rides in the transaction the vif makes anyway. */
static void layout_probes(json_object *cmds)
{
    for (const struct nb_nft_probe *p = nb_nft_probes; p->family; p++) {
        json_object *a = json_tokener_parse(p->add_elem);
        json_object *d = json_tokener_parse(p->del_elem);
        if (!a || !d)
            xo_oom(); /* constants that parse: only malloc can fail */
        elem(cmds, true, p->family, p->table, p->name, a);
        elem(cmds, false, p->family, p->table, p->name, d);
    }
}

int nb_nft_vif(const struct nb_state *st, const struct netback_lease *l,
               const char *vif, bool add, xo_err *err)
{
    (void)st;
    json_object *cmds = cmds_new();
    if (add)
        layout_probes(cmds);
    /* In before the vif joins @vifs (vif_elems adds it last), out after
     * it has left. */
    if (add)
        nd_elems(cmds, l, vif, add);
    vif_elems(cmds, l, vif, add);
    if (!add)
        nd_elems(cmds, l, vif, add);
    port_elems(cmds, l, add);
    return run_elems(cmds, add, vif, err);
}

int nb_nft_ports(const struct netback_lease *l, bool add, xo_err *err)
{
    json_object *cmds = cmds_new();
    if (add && l->n_ports)
        layout_probes(cmds);
    port_elems(cmds, l, add);
    return run_elems(cmds, add, l->container, err);
}

int nb_nft_rebuild(const struct nb_state *nets, size_t n, xo_err *err)
{
    unsigned guards = nb_nft_guards(); /* what forwarding we turned on */
    json_object *cmds = cmds_new();
    for (const struct nb_nft_table *t = nb_nft_tables; t->family; t++) {
        table_cmd(cmds, "add", t);
        table_cmd(cmds, "delete", t);
        if (table_define(cmds, t, err) < 0) {
            json_object_put(cmds);
            return -1;
        }
    }
    if (guards_define(cmds, guards, err) < 0) {
        json_object_put(cmds);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        network_elems(cmds, &nets[i], true);
        for (size_t j = 0; j < nets[i].n_leases; j++) {
            const struct netback_lease *l = &nets[i].leases[j];
            if (l->vif[0]) {
                vif_elems(cmds, l, l->vif, true);
                port_elems(cmds, l, true);
            }
        }
    }
    if (run(cmds, "rebuilding xl-oci's nftables tables", err) < 0)
        return -1;
    /* The fresh table has no ND target set yet (nd_define says why that
     * is a second transaction). */
    cmds = cmds_new();
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nets[i].n_leases; j++)
            if (nets[i].leases[j].vif[0])
                nd_elems(cmds, &nets[i].leases[j], nets[i].leases[j].vif, true);
    return nd_define(cmds, err);
}
