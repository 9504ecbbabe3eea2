/* vif.c: xl vif specs (see vif.h). */
#include "vif.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/inet.h"
#include "verifier/digest.h"

void vif_dispose(struct dc_vif *vif)
{
    free(vif->bridge);
    free(vif->ip);
    free(vif->script);
    free(vif->vifname);
    free(vif->backend);
    free(vif->model);
    free(vif->rate);
    free(vif->network);
    free(vif->static_ip);
    free(vif->gateway);
    free(vif->ip6);
    free(vif->gateway6);
    memset(vif, 0, sizeof(*vif));
}

bool vif_valid_ipv4(const char *s, bool allow_prefix)
{
    if (!strchr(s, '/'))
        return xo_inet_valid(AF_INET, s);
    /* With a prefix, the grammar the loader reads it back with
     * (common/inet.h): a /0 would be written here and refused at boot. */
    return allow_prefix &&
           xo_inet_parse_cidr(NULL, NULL, AF_INET, s, 1, NULL) == 0;
}

static bool valid_word(const char *s)
{
    if (!*s || strlen(s) > 255)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_./:", *s))
            return false;
    return true;
}

int vif_default_mac(char out[18], const char *domain_name, unsigned index,
                    xo_err *err)
{
    unsigned char md[DIGEST_BIN_LEN];
    char seed[DC_MAX_NAME + 16];
    /* The name was checked against DC_MAX_NAME; were it longer, the seed
     * would be its first bytes, never read past the buffer. */
    int n = snprintf(seed, sizeof(seed), "%s/%u", domain_name, index);
    if (n < 0 || (size_t)n >= sizeof(seed))
        n = n < 0 ? 0 : (int)sizeof(seed) - 1;
    if (digest_sha256_bin(md, seed, (size_t)n, err) < 0)
        return -1;
    /* cannot truncate: 17 bytes and the NUL */
    snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", md[0] & 0x7f, md[1], md[2]);
    return 0;
}

static int set_field(struct dc_vif *vif, const char *key, const char *val,
                     const char *spec, xo_err *err)
{
    char **slot = NULL;
    if (strcmp(key, "mac") == 0) {
        if (!xo_mac_valid_unicast(val))
            return xo_err_set(err, EINVAL,
                              "vif \"%s\": mac=%s is not a unicast MAC address",
                              spec, val);
        /* cannot truncate: xo_mac_valid_unicast() took 17 bytes */
        snprintf(vif->mac, sizeof(vif->mac), "%s", val);
        for (char *p = vif->mac; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return 0;
    } else if (strcmp(key, "ip") == 0) {
        /* The loader configures it inside the container, which needs the
         * prefix, and reads it back in the one grammar (common/inet.h): an
         * address without one was taken here and refused at boot. */
        if (!strchr(val, '/') || !vif_valid_ipv4(val, true))
            return xo_err_set(
                err, EINVAL,
                "vif \"%s\": ip=%s is not an IPv4 address/prefix (A.B.C.D/N)",
                spec, val);
        slot = &vif->ip;
    } else if (strcmp(key, "mtu") == 0) {
        char *end;
        errno = 0;
        long m = strtol(val, &end, 10);
        if (errno || end == val || *end || m < 68 || m > 65535)
            return xo_err_set(
                err, EINVAL,
                "vif \"%s\": mtu=%s must be a number in [68, 65535]", spec,
                val);
        vif->mtu = m;
        return 0;
    } else if (strcmp(key, "bridge") == 0) {
        slot = &vif->bridge;
    } else if (strcmp(key, "script") == 0) {
        slot = &vif->script;
    } else if (strcmp(key, "vifname") == 0) {
        slot = &vif->vifname;
    } else if (strcmp(key, "backend") == 0) {
        slot = &vif->backend;
    } else if (strcmp(key, "model") == 0) {
        slot = &vif->model;
    } else if (strcmp(key, "rate") == 0) {
        slot = &vif->rate;
    } else {
        return xo_err_set(err, EINVAL, "vif \"%s\": unknown key \"%s\"", spec,
                          key);
    }
    if (!valid_word(val))
        return xo_err_set(err, EINVAL, "vif \"%s\": bad value for %s: \"%s\"",
                          spec, key, val);
    free(*slot);
    *slot = xo_xstrdup(val);
    return 0;
}

int vif_parse(struct dc_vif *vif, const char *spec, xo_err *err)
{
    memset(vif, 0, sizeof(*vif));
    char *copy = xo_xstrdup(spec);
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (!*tok)
            continue;
        char *eq = strchr(tok, '=');
        if (!eq) {
            rc = xo_err_set(err, EINVAL, "vif \"%s\": \"%s\" is not KEY=VALUE",
                            spec, tok);
            break;
        }
        *eq = '\0';
        if ((rc = set_field(vif, tok, eq + 1, spec, err)) < 0)
            break;
    }
    free(copy);
    if (rc < 0)
        vif_dispose(vif);
    return rc;
}
