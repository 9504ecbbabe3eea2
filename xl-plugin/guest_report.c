/* guest_report.c: validation of guest-written values (see header). */
#include "guest_report.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi/domain_status.h"
#include "common/inet.h"
#include "common/pathfmt.h"

static bool printable(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

/* At most 32 bytes of a refused value or key, for the monitor's log. */
#define SHOWN(len) ((int)((len) > 32 ? 32 : (len)))

/* "ADDR/PLEN" of `family`, PLEN plain decimal within the family's range. */
static bool valid_cidr(const char *s, size_t n, int family)
{
    /* The kernel may hold any prefix length, 0 included. */
    return xo_inet_parse_cidrn(NULL, NULL, family, s, n, 0, NULL) == 0;
}

/* "" or up to GUEST_REPORT_NET_MAX_ADDRS entries, one space apart. */
static bool valid_list(const char *v, size_t len, int family)
{
    if (len > GUEST_REPORT_NET_LIST_MAX)
        return false;
    size_t count = 0;
    for (size_t at = 0; at < len;) {
        const char *sp = memchr(v + at, ' ', len - at);
        size_t n = sp ? (size_t)(sp - (v + at)) : len - at;
        if (++count > GUEST_REPORT_NET_MAX_ADDRS ||
            !valid_cidr(v + at, n, family) || (sp && at + n + 1 == len))
            return false;
        at += n + (sp ? 1 : 0);
    }
    return true;
}

static bool valid_mac(const char *v, size_t len)
{
    if (len != 17)
        return false;
    for (size_t i = 0; i < 17; i++)
        if (i % 3 == 2 ? v[i] != ':'
                       : !((v[i] >= '0' && v[i] <= '9') ||
                           (v[i] >= 'a' && v[i] <= 'f')))
            return false;
    return true;
}

/* net/N/KEY: N one decimal digit below the interface limit. */
static int accept_net(struct guest_report *r, const char *key, const char *v,
                      size_t len, char *why, size_t whylen)
{
    const char *p = key + strlen(GUEST_REPORT_NET_DIR "/");
    if (p[0] < '0' || p[0] > '9' || p[1] != '/' ||
        (unsigned)(p[0] - '0') >= GUEST_REPORT_NET_MAX_IFACES) {
        /* may truncate: a message */
        snprintf(why, whylen, "unknown key \"%.32s\"", key);
        return -1;
    }
    struct guest_net *net = &r->net[p[0] - '0'];
    const char *leaf = p + 2;
    bool ok;
    char *dst;
    if (strcmp(leaf, GUEST_REPORT_NET_KEY_MAC) == 0) {
        ok = valid_mac(v, len);
        dst = net->mac;
    } else if (strcmp(leaf, GUEST_REPORT_NET_KEY_IPV4) == 0) {
        ok = valid_list(v, len, AF_INET);
        dst = net->ipv4;
    } else if (strcmp(leaf, GUEST_REPORT_NET_KEY_IPV6) == 0) {
        ok = valid_list(v, len, AF_INET6);
        dst = net->ipv6;
    } else {
        /* may truncate: a message */
        snprintf(why, whylen, "unknown key \"%.32s\"", key);
        return -1;
    }
    if (!ok) {
        /* may truncate: a message */
        snprintf(why, whylen, "%.32s: \"%.*s\" is not well-formed", key,
                 SHOWN(len), v);
        return -1;
    }
    memcpy(dst, v, len);
    dst[len] = '\0';
    return 0;
}

int guest_report_accept(struct guest_report *r, const char *key,
                        const char *value, size_t len, char *why, size_t whylen)
{
    if (len > GUEST_REPORT_VALUE_MAX) {
        /* may truncate: a message */
        snprintf(why, whylen, "%s: value of %zu bytes is over the limit of %d",
                 key, len, GUEST_REPORT_VALUE_MAX);
        return -1;
    }
    if (memchr(value, '\0', len) || !printable(value, len)) {
        /* may truncate: a message */
        snprintf(why, whylen, "%s: value holds control characters", key);
        return -1;
    }
    /* Now a C string of `len` bytes: copy it so a missing NUL cannot hurt. */
    char v[GUEST_REPORT_VALUE_MAX + 1];
    memcpy(v, value, len);
    v[len] = '\0';
    if (strcmp(key, GUEST_REPORT_KEY_PHASE) == 0) {
        enum guest_phase p;
        if (guest_phase_from_string(v, &p) < 0) {
            /* may truncate: a message */
            snprintf(why, whylen, "phase: unknown phase \"%.*s\"", SHOWN(len),
                     v);
            return -1;
        }
        r->phase = p;
        return 0;
    }
    if (strcmp(key, GUEST_REPORT_KEY_EXIT_CODE) == 0) {
        /* 1 to 3 decimal digits, no sign, no leading zeros, 0..255. */
        int n = 0;
        bool ok = len >= 1 && len <= 3 && !(len > 1 && v[0] == '0');
        for (size_t i = 0; ok && i < len; i++) {
            if (v[i] < '0' || v[i] > '9')
                ok = false;
            else
                n = n * 10 + (v[i] - '0');
        }
        if (!ok || n > 255) {
            /* may truncate: a message */
            snprintf(why, whylen,
                     "exit-code: \"%.*s\" is not a number in 0..255",
                     SHOWN(len), v);
            return -1;
        }
        r->exit_code = n;
        r->has_exit_code = true;
        return 0;
    }
    if (strcmp(key, GUEST_REPORT_KEY_OOM_KILLED) == 0) {
        if (len != 1 || v[0] != '1') {
            /* may truncate: a message */
            snprintf(why, whylen, "oom-killed: \"%.*s\" is not \"1\"",
                     SHOWN(len), v);
            return -1;
        }
        r->oom_killed = true;
        return 0;
    }
    if (strcmp(key, GUEST_REPORT_KEY_ERROR) == 0) {
        memcpy(r->error, v, len + 1);
        return 0;
    }
    if (strncmp(key, GUEST_REPORT_NET_DIR "/",
                strlen(GUEST_REPORT_NET_DIR "/")) == 0)
        return accept_net(r, key, v, len, why, whylen);
    /* may truncate: a message */
    snprintf(why, whylen, "unknown key \"%.*s\"", SHOWN(strlen(key)), key);
    return -1;
}

/* Reads `rel` from src into r; a refusal goes to src->refused. */
static void read_key(struct guest_report *r,
                     const struct guest_report_source *src, const char *rel)
{
    unsigned len = 0;
    char why[160];
    char *v = src->read(src->ctx, rel, &len);
    if (!v)
        return;
    if (guest_report_accept(r, rel, v, len, why, sizeof(why)) < 0)
        src->refused(src->ctx, why);
    free(v);
}

/* net/N/{mac,ipv4,ipv6}: at most GUEST_REPORT_NET_MAX_IFACES interfaces
 * with their three keys; any other name is refused by the validator. */
static void read_net(struct guest_report *r,
                     const struct guest_report_source *src)
{
    static const char *const leaves[] = {GUEST_REPORT_NET_KEY_MAC,
                                         GUEST_REPORT_NET_KEY_IPV4,
                                         GUEST_REPORT_NET_KEY_IPV6};
    unsigned n = 0;
    char **ifs = src->list(src->ctx, GUEST_REPORT_NET_DIR, &n);
    for (unsigned i = 0; ifs && i < n && i < GUEST_REPORT_NET_MAX_IFACES; i++) {
        if (strlen(ifs[i]) > 2)
            continue; /* not an index; the validator would say so too */
        for (size_t k = 0; k < sizeof(leaves) / sizeof(leaves[0]); k++) {
            char rel[32];
            if (xo_path_fmt(rel, sizeof(rel), NULL,
                            GUEST_REPORT_NET_DIR "/%s/%s", ifs[i],
                            leaves[k]) >= 0)
                read_key(r, src, rel);
        }
    }
    free(ifs);
}

void guest_report_read(struct guest_report *r,
                       const struct guest_report_source *src)
{
    /* The phase before the listing: a listing taken first could miss the
     * exit-code the guest added just before it wrote "exited", and the
     * exit would be published without its code, and never again. */
    read_key(r, src, GUEST_REPORT_KEY_PHASE);
    unsigned n = 0;
    char **keys = src->list(src->ctx, "", &n);
    /* A guest could create thousands of keys; look at a bounded few. */
    for (unsigned i = 0; keys && i < n && i < GUEST_REPORT_MAX_KEYS; i++) {
        if (strcmp(keys[i], GUEST_REPORT_NET_DIR) == 0)
            read_net(r, src);
        else if (strcmp(keys[i], GUEST_REPORT_KEY_PHASE) != 0)
            read_key(r, src, keys[i]);
    }
    free(keys);
}

/* A DomainStatus key: every caller gives a literal or net/N/LEAF, which
 * fit; one that did not would be dropped, never cut into another key. */
static void field(struct guest_status_field *out, size_t *n, const char *key,
                  const char *value)
{
    if (xo_path_fmt(out[*n].key, sizeof(out[*n].key), NULL, "%s", key) < 0)
        return;
    out[(*n)++].value = value;
}

bool guest_report_started(enum guest_phase phase, enum guest_phase published)
{
    return (phase == GUEST_PHASE_EXEC || phase == GUEST_PHASE_EXITED) &&
           published < GUEST_PHASE_EXEC;
}

size_t guest_report_status_fields(
    struct guest_status_field out[GUEST_STATUS_MAX_FIELDS],
    const struct guest_report *r, enum guest_phase published, const char *now,
    const char *now_ms, char code[8])
{
    size_t n = 0;
    if (r->phase == published)
        return 0;
    if (guest_report_started(r->phase, published)) {
        field(out, &n, DOMAIN_STATUS_KEY_STARTED, now);
        field(out, &n, DOMAIN_STATUS_KEY_STARTED_MS, now_ms);
        for (unsigned i = 0; i < GUEST_REPORT_NET_MAX_IFACES; i++) {
            const struct guest_net *g = &r->net[i];
            if (!g->mac[0])
                continue;
            char key[32];
            const char *leaf[3] = {GUEST_REPORT_NET_KEY_MAC,
                                   GUEST_REPORT_NET_KEY_IPV4,
                                   GUEST_REPORT_NET_KEY_IPV6};
            const char *val[3] = {g->mac, g->ipv4, g->ipv6};
            for (int k = 0; k < 3; k++) {
                if (xo_path_fmt(key, sizeof(key), NULL,
                                DOMAIN_STATUS_KEY_NET "/%u/%s", i,
                                leaf[k]) >= 0)
                    field(out, &n, key, val[k]);
            }
        }
        /* An exit seen first ends in halted at the shutdown, without a
         * running state that would be a lie by now. */
        if (r->phase == GUEST_PHASE_EXEC)
            field(out, &n, DOMAIN_STATUS_KEY_STATE,
                  domain_state_to_string(DOMAIN_STATE_RUNNING));
    }
    if (r->phase == GUEST_PHASE_EXITED && r->has_exit_code) {
        snprintf(code, 8, "%d", r->exit_code); /* cannot truncate: 0..255 */
        field(out, &n, DOMAIN_STATUS_KEY_EXIT_CODE, code);
        field(out, &n, DOMAIN_STATUS_KEY_FINISHED, now);
        if (r->oom_killed)
            field(out, &n, DOMAIN_STATUS_KEY_OOM_KILLED, "1");
    }
    if (r->phase == GUEST_PHASE_FAILED) {
        field(out, &n, DOMAIN_STATUS_KEY_ERROR,
              r->error[0] ? r->error : "loader failed");
        field(out, &n, DOMAIN_STATUS_KEY_FINISHED, now);
    }
    return n;
}
