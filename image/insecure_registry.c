/*
 * insecure_registry.c: Docker's insecure-registries list
 * (insecure_registry.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/inet.h"
#include "common/json.h"
#include "insecure_registry.h"

/* HOST's address without port or brackets, parsed into addr (16 bytes):
 * its family, or 0 when HOST is a name. */
static int host_address(unsigned char addr[16], const char *host)
{
    char buf[64];
    size_t n;
    if (host[0] == '[') {
        n = strcspn(host + 1, "]");
        if (n >= sizeof(buf))
            return 0;
        memcpy(buf, host + 1, n);
    } else {
        n = strcspn(host, ":");
        if (n >= sizeof(buf))
            return 0;
        memcpy(buf, host, n);
    }
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, addr) == 1)
        return AF_INET;
    if (inet_pton(AF_INET6, buf, addr) == 1)
        return AF_INET6;
    return 0;
}

/* Whether the first `prefix` bits of a and b are equal. */
static bool prefix_equal(const unsigned char *a, const unsigned char *b,
                         unsigned prefix)
{
    unsigned whole = prefix / 8, rest = prefix % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

static bool entry_matches(const char *entry, const char *host)
{
    if (!strncasecmp(entry, "http://", 7))
        entry += 7;
    else if (!strncasecmp(entry, "https://", 8))
        entry += 8;
    if (!strchr(entry, '/'))
        return !strcasecmp(entry, host);
    unsigned char want[16], net[16];
    unsigned prefix = 0;
    int family = host_address(want, host);
    xo_err e = XO_ERR_INIT;
    bool in = family &&
              xo_inet_parse_cidr(net, &prefix, family, entry, 0, &e) == 0 &&
              prefix_equal(want, net, prefix);
    xo_err_clear(&e);
    return in;
}

int registry_insecure(bool *insecure_r, const char *host, xo_err *err)
{
    *insecure_r = false;
    const char *path = getenv("XL_OCI_DOCKER_DAEMON_JSON");
    if (!path || !*path)
        path = "/etc/docker/daemon.json";
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    json_object *o = NULL, *list = NULL;
    int rc = xo_json_parse_file(&o, path, DAEMON_JSON_MAX, err);
    if (rc == 0 && !json_object_is_type(o, json_type_object))
        rc = xo_err_set(err, EINVAL, "%s: must be a JSON object", path);
    if (rc == 0)
        rc = xo_json_get_array(&list, o, "insecure-registries", false, path,
                               err);
    for (size_t i = 0; rc == 1 && i < json_object_array_length(list); i++) {
        json_object *v = json_object_array_get_idx(list, i);
        const char *entry = NULL;
        if (!json_object_is_type(v, json_type_string)) {
            rc = xo_err_set(err, EINVAL,
                            "%s: \"insecure-registries\"[%zu] must be a string",
                            path, i);
            break;
        }
        if (xo_json_string(&entry, v, "insecure-registries", path, err) < 0) {
            rc = -1;
            break;
        }
        if (entry_matches(entry, host)) {
            *insecure_r = true;
            break;
        }
    }
    json_object_put(o);
    if (rc < 0)
        return xo_err_wrap(
            err,
            "Docker's daemon configuration, read for its insecure-registries");
    return 0;
}
