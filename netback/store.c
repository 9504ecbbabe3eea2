/* store.c: netback's state files (see store.h and netback.h). */
#include "netback/store.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/inet.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/pathfmt.h"

#define STORE_VERSION 1

const char *netback_mode_to_string(enum netback_mode mode)
{
    return mode == NETBACK_MODE_ISOLATED ? "isolated" : "nat";
}

int netback_mode_from_string(enum netback_mode *mode_r, const char *s,
                             xo_err *err)
{
    if (strcmp(s, "nat") == 0)
        *mode_r = NETBACK_MODE_NAT;
    else if (strcmp(s, "isolated") == 0)
        *mode_r = NETBACK_MODE_ISOLATED;
    else
        return xo_err_set(err, EINVAL, "mode \"%s\" is not nat or isolated", s);
    return 0;
}

void nb_state_dispose(struct nb_state *st)
{
    netback_leases_free(st->leases, st->n_leases);
    st->leases = NULL;
    st->n_leases = 0;
}

int nb_store_path(char *buf, size_t len, const char *root, const char *name,
                  const char *file, xo_err *err)
{
    int n;
    if (!name)
        n = xo_path_fmt(buf, len, err, "%s/networks", root);
    else if (!file)
        n = xo_path_fmt(buf, len, err, "%s/networks/%s", root, name);
    else
        n = xo_path_fmt(buf, len, err, "%s/networks/%s/%s", root, name, file);
    return n < 0 ? -1 : 0;
}

int nb_store_lock(int *fd_r, const char *root, xo_err *err)
{
    char dir[4096], path[4096];
    /* "<root>/networks/lock": spelt as a network dir named "lock", which
     * no network can be (nb_store_exists wants a network.json in it). */
    if (nb_store_path(dir, sizeof(dir), root, NULL, NULL, err) < 0 ||
        nb_store_path(path, sizeof(path), root, "lock", NULL, err) < 0)
        return -1;
    if (xo_mkdir_p(dir, 0755, err) < 0)
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int rc = xo_err_sys(err, "cannot lock %s", path);
            close(fd);
            return rc;
        }
    }
    *fd_r = fd;
    return 0;
}

bool nb_store_exists(const char *root, const char *name)
{
    char path[4096];
    xo_err err = XO_ERR_INIT;
    if (!nb_valid_network_name(name) ||
        nb_store_path(path, sizeof(path), root, name, "network.json", &err) <
            0) {
        xo_err_clear(&err);
        return false;
    }
    return access(path, F_OK) == 0;
}

/* Copies a string field into a fixed buffer, refusing one that does not
 * fit.  `required` as xo_json_get_string. */
static int get_str(char *out, size_t len, json_object *obj, const char *key,
                   bool required, const char *where, xo_err *err)
{
    const char *s = NULL;
    int r = xo_json_get_string(&s, obj, key, required, where, err);
    if (r <= 0) {
        if (r == 0)
            out[0] = '\0';
        return r;
    }
    if (strlen(s) >= len)
        return xo_err_set(err, EINVAL, "%s: %s is too long", where, key);
    /* cannot truncate: the length was checked just above */
    snprintf(out, len, "%s", s);
    return 1;
}

static int get_uint(unsigned *out, json_object *obj, const char *key,
                    unsigned max, const char *where, xo_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return xo_err_set(err, EINVAL, "%s: %s missing", where, key);
    if (!json_object_is_type(v, json_type_int))
        return xo_err_set(err, EINVAL, "%s: %s must be an integer", where, key);
    int64_t i = json_object_get_int64(v);
    if (i < 0 || i > max)
        return xo_err_set(err, EINVAL, "%s: %s out of range", where, key);
    *out = (unsigned)i;
    return 0;
}

int nb_state_derive(struct nb_state *st, xo_err *err)
{
    struct netback_network *n = &st->net;
    if (nb_parse_cidr4(&st->subnet, n->subnet, 8, 30, "subnet", err) < 0 ||
        nb_parse_ipv4(&st->gw4, n->gateway4) < 0 ||
        !nb_cidr4_is_host(&st->subnet, st->gw4))
        return xo_err_set(err, EINVAL, "network %s: bad subnet or gateway",
                          n->name);
    n->prefix4 = st->subnet.prefix;
    if (n->has_ipv6) {
        if (nb_parse_prefix6(&st->prefix6, n->subnet6, "ipv6", err) < 0)
            return -1;
        if (xo_inet_parse(&st->gw6, AF_INET6, n->gateway6, NULL) < 0 ||
            !nb_prefix6_contains(&st->prefix6, &st->gw6))
            return xo_err_set(err, EINVAL, "network %s: bad gateway6 %s",
                              n->name, n->gateway6);
    }
    return 0;
}

static int load_network(struct nb_state *st, const char *path, const char *name,
                        xo_err *err)
{
    json_object *o = NULL;
    if (xo_json_parse_file(&o, path, NB_NETWORK_JSON_MAX, err) < 0)
        return -1;
    struct netback_network *n = &st->net;
    char mode[16];
    unsigned version = 0;
    int rc = -1;
    if (get_uint(&version, o, "version", 1000, path, err) < 0)
        goto out;
    if (version != STORE_VERSION) {
        xo_err_set(err, EINVAL, "%s: version %u is not %d", path, version,
                   STORE_VERSION);
        goto out;
    }
    if (get_str(n->name, sizeof(n->name), o, "name", true, path, err) < 0 ||
        get_str(n->bridge, sizeof(n->bridge), o, "bridge", true, path, err) <
            0 ||
        get_str(n->subnet, sizeof(n->subnet), o, "subnet", true, path, err) <
            0 ||
        get_str(n->gateway4, sizeof(n->gateway4), o, "gateway", true, path,
                err) < 0 ||
        get_str(n->subnet6, sizeof(n->subnet6), o, "ipv6", false, path, err) <
            0 ||
        get_str(n->gateway6, sizeof(n->gateway6), o, "gateway6", false, path,
                err) < 0 ||
        get_str(mode, sizeof(mode), o, "mode", true, path, err) < 0 ||
        get_uint(&n->mtu, o, "mtu", NETBACK_MTU_MAX, path, err) < 0)
        goto out;
    n->has_ipv6 = n->subnet6[0] != '\0';
    if (strcmp(n->name, name) != 0 || !nb_valid_ifname(n->bridge) ||
        n->mtu < NETBACK_MTU_MIN) {
        xo_err_set(err, EINVAL, "%s: name, bridge or mtu is wrong", path);
        goto out;
    }
    if (netback_mode_from_string(&n->mode, mode, err) < 0 ||
        nb_state_derive(st, err) < 0) {
        xo_err_wrap(err, "%s", path);
        goto out;
    }
    rc = 0;
out:
    json_object_put(o);
    return rc;
}

static int load_lease(struct netback_lease *l, json_object *o,
                      const struct nb_state *st, const char *where, xo_err *err)
{
    json_object *ports = NULL, *v;
    uint8_t mac[6];
    uint32_t a;
    if (get_str(l->container, sizeof(l->container), o, "container", true, where,
                err) < 0 ||
        get_uint(&l->vif_index, o, "vif_index", 1u << 20, where, err) < 0 ||
        get_str(l->mac, sizeof(l->mac), o, "mac", true, where, err) < 0 ||
        get_str(l->ipv4, sizeof(l->ipv4), o, "ipv4", true, where, err) < 0 ||
        get_str(l->ipv6, sizeof(l->ipv6), o, "ipv6", false, where, err) < 0 ||
        get_str(l->vif, sizeof(l->vif), o, "vif", false, where, err) < 0 ||
        xo_json_get_array(&ports, o, "ports", false, where, err) < 0)
        return -1;
    l->is_static = json_object_object_get_ex(o, "static", &v) &&
                   json_object_get_boolean(v);
    if (!nb_valid_container_name(l->container) ||
        xo_mac_parse(mac, l->mac) < 0 || nb_parse_ipv4(&a, l->ipv4) < 0 ||
        !nb_cidr4_is_host(&st->subnet, a) ||
        (l->vif[0] && !nb_valid_ifname(l->vif)))
        return xo_err_set(err, EINVAL, "%s: lease of \"%s\" is malformed",
                          where, l->container);
    size_t n = ports ? json_object_array_length(ports) : 0;
    if (n > NETBACK_PORTS_MAX)
        return xo_err_set(err, EINVAL, "%s: too many ports", where);
    if (n)
        l->ports = xo_xcalloc(n, sizeof(*l->ports));
    for (size_t i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(ports, i);
        if (!json_object_is_type(p, json_type_string) ||
            xo_port_spec_parse(&l->ports[i], json_object_get_string(p), err) <
                0 ||
            !l->ports[i].host_port) /* a lease holds chosen ports only */
            return xo_err_set(err, EINVAL, "%s: a port of \"%s\" is malformed",
                              where, l->container);
        l->n_ports++;
    }
    return 0;
}

static int load_leases(struct nb_state *st, const char *path, xo_err *err)
{
    json_object *o = NULL, *arr = NULL;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    if (xo_json_parse_file(&o, path, NB_LEASES_JSON_MAX, err) < 0)
        return -1;
    int rc = -1;
    char last[INET_ADDRSTRLEN];
    if (xo_json_get_array(&arr, o, "leases", true, path, err) < 0 ||
        get_str(last, sizeof(last), o, "last", false, path, err) < 0)
        goto out;
    if (last[0] && nb_parse_ipv4(&st->last, last) < 0) {
        xo_err_set(err, EINVAL, "%s: last is not an address", path);
        goto out;
    }
    size_t n = json_object_array_length(arr);
    if (n > NETBACK_LEASES_MAX) {
        xo_err_set(err, EINVAL, "%s: more than %d leases", path,
                   NETBACK_LEASES_MAX);
        goto out;
    }
    st->leases = xo_xcalloc(n ? n : 1, sizeof(*st->leases));
    for (size_t i = 0; i < n; i++) {
        st->n_leases++;
        if (load_lease(&st->leases[i], json_object_array_get_idx(arr, i), st,
                       path, err) < 0)
            goto out;
    }
    rc = 0;
out:
    json_object_put(o);
    return rc;
}

int nb_store_load(struct nb_state *st, const char *root, const char *name,
                  xo_err *err)
{
    char path[4096];
    memset(st, 0, sizeof(*st));
    if (!nb_valid_network_name(name))
        return xo_err_set(
            err, EINVAL,
            "network name \"%s\" is not valid (a-z, 0-9 and '-', not first or last, at most %d, not \"lock\")",
            name, NETBACK_NAME_MAX);
    if (!nb_store_exists(root, name))
        return xo_err_set(err, ENOENT, "no network %s", name);
    if (nb_store_path(path, sizeof(path), root, name, "network.json", err) <
            0 ||
        load_network(st, path, name, err) < 0)
        return -1;
    if (nb_store_path(path, sizeof(path), root, name, "leases.json", err) < 0 ||
        load_leases(st, path, err) < 0) {
        nb_state_dispose(st);
        return -1;
    }
    return 0;
}

static int write_json(const char *path, json_object *o, xo_err *err)
{
    char *s = xo_json_to_string(o);
    json_object_put(o);
    int rc = xo_write_file_atomic(path, s, strlen(s), 0644, err);
    free(s);
    return rc;
}

json_object *netback_network_to_json(const struct netback_network *n)
{
    json_object *o = xo_jobj();
    xo_jset(o, "name", xo_jstr(n->name));
    xo_jset(o, "bridge", xo_jstr(n->bridge));
    xo_jset(o, "subnet", xo_jstr(n->subnet));
    xo_jset(o, "gateway", xo_jstr(n->gateway4));
    if (n->has_ipv6) {
        xo_jset(o, "ipv6", xo_jstr(n->subnet6));
        xo_jset(o, "gateway6", xo_jstr(n->gateway6));
    }
    xo_jset(o, "mode", xo_jstr(netback_mode_to_string(n->mode)));
    xo_jset(o, "mtu", xo_jint((int)n->mtu));
    return o;
}

/* network.json: the settings, and the format's version. */
static json_object *network_json(const struct netback_network *n)
{
    json_object *o = netback_network_to_json(n);
    xo_jset(o, "version", xo_jint(STORE_VERSION));
    return o;
}

static json_object *leases_json(const struct nb_state *st)
{
    json_object *o = xo_jobj(), *arr = xo_jarr();
    char last[INET_ADDRSTRLEN], port[XO_PORT_SPEC_TEXT];
    nb_format_ipv4(last, st->last);
    xo_jset(o, "version", xo_jint(STORE_VERSION));
    if (st->last)
        xo_jset(o, "last", xo_jstr(last));
    for (size_t i = 0; i < st->n_leases; i++) {
        const struct netback_lease *l = &st->leases[i];
        json_object *e = xo_jobj(), *ports;
        xo_jset(e, "container", xo_jstr(l->container));
        xo_jset(e, "vif_index", xo_jint((int)l->vif_index));
        xo_jset(e, "mac", xo_jstr(l->mac));
        xo_jset(e, "ipv4", xo_jstr(l->ipv4));
        if (l->ipv6[0])
            xo_jset(e, "ipv6", xo_jstr(l->ipv6));
        xo_jset(e, "static", xo_jbool(l->is_static));
        if (l->vif[0])
            xo_jset(e, "vif", xo_jstr(l->vif));
        if (l->n_ports) {
            ports = xo_jarr();
            for (size_t j = 0; j < l->n_ports; j++) {
                xo_port_spec_format(port, &l->ports[j]);
                xo_jpush(ports, xo_jstr(port));
            }
            xo_jset(e, "ports", ports);
        }
        xo_jpush(arr, e);
    }
    xo_jset(o, "leases", arr);
    return o;
}

int nb_store_save_leases(const char *root, const struct nb_state *st,
                         xo_err *err)
{
    char path[4096];
    if (nb_store_path(path, sizeof(path), root, st->net.name, "leases.json",
                      err) < 0)
        return -1;
    return write_json(path, leases_json(st), err);
}

/* Removes every plain file in dir, then dir (state dirs hold no subdirs). */
static int remove_dir(const char *dir, xo_err *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : xo_err_sys(err, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
            int rc = xo_err_sys(err, "cannot remove %s/%s", dir, e->d_name);
            closedir(d);
            return rc;
        }
    }
    closedir(d);
    if (rmdir(dir) < 0 && errno != ENOENT)
        return xo_err_sys(err, "cannot remove %s", dir);
    return 0;
}

int nb_store_create(const char *root, const struct nb_state *st, xo_err *err)
{
    char base[4096], tmp[4096], dst[4096], file[4200];
    if (nb_store_path(base, sizeof(base), root, NULL, NULL, err) < 0 ||
        nb_store_path(dst, sizeof(dst), root, st->net.name, NULL, err) < 0)
        return -1;
    if (xo_path_fmt(tmp, sizeof(tmp), err, "%s/.new-%s.XXXXXX", base,
                    st->net.name) < 0 ||
        xo_mkdir_p(base, 0755, err) < 0)
        return -1;
    if (!mkdtemp(tmp))
        return xo_err_sys(err, "cannot create %s", tmp);
    chmod(tmp, 0755);
    if (xo_path_fmt(file, sizeof(file), err, "%s/network.json", tmp) < 0 ||
        write_json(file, network_json(&st->net), err) < 0)
        goto fail;
    if (xo_path_fmt(file, sizeof(file), err, "%s/leases.json", tmp) < 0 ||
        write_json(file, leases_json(st), err) < 0)
        goto fail;
    /* rename() of a directory onto an existing empty one would succeed:
     * refuse an existing name explicitly (we hold the store lock). */
    if (access(dst, F_OK) == 0) {
        xo_err_set(err, EEXIST, "network %s already exists", st->net.name);
        goto fail;
    }
    if (rename(tmp, dst) < 0) {
        xo_err_sys(err, "cannot rename %s to %s", tmp, dst);
        goto fail;
    }
    return 0;
fail:;
    xo_err ignore = XO_ERR_INIT;
    remove_dir(tmp, &ignore);
    xo_err_clear(&ignore);
    return -1;
}

int nb_store_remove(const char *root, const char *name, xo_err *err)
{
    char dir[4096];
    if (nb_store_path(dir, sizeof(dir), root, name, NULL, err) < 0)
        return -1;
    return remove_dir(dir, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int nb_store_list(char ***names_r, size_t *n_r, const char *root, xo_err *err)
{
    char dir[4096];
    if (nb_store_path(dir, sizeof(dir), root, NULL, NULL, err) < 0)
        return -1;
    char **v = xo_xcalloc(NB_NETWORKS_MAX + 1, sizeof(*v));
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d && errno != ENOENT) {
        free(v);
        return xo_err_sys(err, "cannot open %s", dir);
    }
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!nb_store_exists(root, e->d_name))
            continue;
        if (n == NB_NETWORKS_MAX) {
            closedir(d);
            xo_strv_free(v);
            return xo_err_set(err, E2BIG, "%s: more than %d networks", dir,
                              NB_NETWORKS_MAX);
        }
        v[n++] = xo_xstrdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(v, n, sizeof(*v), cmp_str);
    *names_r = v;
    *n_r = n;
    return 0;
}
