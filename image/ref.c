/* ref.c: parsing image references (see ref.h). */
#include "ref.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

#define TAG_MAX_LEN 128
/* distribution's NameTotalLengthMax: HOST/REPO, Docker Hub's host counted
 * as "docker.io" and its one-component names with "library/". */
#define NAME_MAX_LEN 255
/* What NAME_MAX_LEN counts for Docker Hub's host. */
#define DOCKER_HUB_DOMAIN "docker.io"

void image_ref_dispose(struct image_ref *r)
{
    free(r->dir);
    free(r->host);
    free(r->repo);
    free(r->tag);
    free(r->canonical);
    memset(r, 0, sizeof(*r));
}

/* [A-Za-z0-9_][A-Za-z0-9._-]{0,127} */
static bool tag_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > TAG_MAX_LEN ||
        !(isalnum((unsigned char)t[0]) || t[0] == '_'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)t[i]) && !strchr("._-", t[i]))
            return false;
    return true;
}

/* Components of [a-z0-9]+ joined by ".", "_", "__" or "-"+, split by "/". */
static bool repo_ok(const char *r)
{
    size_t n = strlen(r);
    if (n == 0)
        return false;
    for (size_t i = 0; i < n;) {
        char c = r[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n &&
               !((r[j] >= 'a' && r[j] <= 'z') || (r[j] >= '0' && r[j] <= '9')))
            j++;
        size_t len = j - i;
        if (i == 0 || j == n)
            return false;
        bool dashes = strspn(r + i, "-") == len;
        if (!(dashes || (len == 1 && strchr("._/", c)) ||
              (len == 2 && r[i] == '_' && r[i + 1] == '_')))
            return false;
        i = j;
    }
    return true;
}

/* [A-Za-z0-9] or [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9], `n` bytes. */
static bool domain_component_ok(const char *c, size_t n)
{
    if (n == 0 || !isalnum((unsigned char)c[0]) ||
        !isalnum((unsigned char)c[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)c[i]) && c[i] != '-')
            return false;
    return true;
}

/*
 * host[:port] by distribution's grammar: a host is domain components
 * (letters, digits, inner '-') joined by single dots, an IPv4 address (of
 * that form too) or an IPv6 address in brackets; a port is 1 to 65535.
 * NULL when it holds, else what is wrong, for the message.
 */
static const char *host_error(const char *h)
{
    const char *end = h + strlen(h);
    const char *colon;
    if (h[0] == '[') {
        const char *close = strchr(h, ']');
        if (!close || close == h + 1 ||
            strspn(h + 1, "0123456789abcdefABCDEF:") != (size_t)(close - h - 1))
            return "an IPv6 address is [HEX:...:HEX]";
        colon = close[1] == ':' ? close + 1 : NULL;
        if (!colon && close[1])
            return "only \":PORT\" may follow an IPv6 address";
    } else {
        colon = strchr(h, ':');
        const char *host_end = colon ? colon : end;
        for (const char *c = h; c <= host_end;) {
            const char *dot = memchr(c, '.', (size_t)(host_end - c));
            const char *stop = dot ? dot : host_end;
            if (!domain_component_ok(c, (size_t)(stop - c)))
                return "a part between dots is letters, digits, inner '-'";
            c = stop + 1;
        }
    }
    if (colon) {
        const char *port = colon + 1;
        size_t n = strlen(port);
        if (n == 0 || n > 10 || strspn(port, "0123456789") != n)
            return "a port is 1 to 65535";
        long v = strtol(port, NULL, 10);
        if (v < 1 || v > 65535)
            return "a port is 1 to 65535";
    }
    return NULL;
}

/* Docker Hub's names; all mean its registry endpoint. */
static bool docker_hub(const char *host)
{
    static const char *const names[] = {"docker.io", "index.docker.io",
                                        "registry-1.docker.io",
                                        "registry.hub.docker.com"};
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (!strcmp(host, names[i]))
            return true;
    return false;
}

/*
 * Whether the first component of a name (`n` bytes) is a registry host, by
 * distribution's rule: "localhost", or one holding a '.' or ':' (a domain,
 * an address, a port), or an upper-case letter (Docker Hub's namespaces
 * are lower case).  Otherwise the name is on Docker Hub.
 */
static bool first_is_host(const char *s, size_t n)
{
    if (n == strlen("localhost") && !memcmp(s, "localhost", n))
        return true;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
            return true;
    return false;
}

static int set_canonical(struct image_ref *r, xo_err *err)
{
    (void)err; /* nothing here fails but allocation (alloc.h) */
    if (r->kind == IMAGE_REF_LAYOUT || r->kind == IMAGE_REF_OCI_ARCHIVE ||
        r->kind == IMAGE_REF_DOCKER_ARCHIVE) {
        const char *scheme = r->kind == IMAGE_REF_LAYOUT ? "oci"
                             : r->kind == IMAGE_REF_OCI_ARCHIVE
                                 ? "oci-archive"
                                 : "docker-archive";
        r->canonical = r->tag ? xo_xasprintf("%s:%s:%s", scheme, r->dir, r->tag)
                              : xo_xasprintf("%s:%s", scheme, r->dir);
    } else if (r->kind == IMAGE_REF_DIGEST)
        r->canonical = xo_xstrdup(r->digest.str);
    else if (r->has_digest)
        r->canonical =
            xo_xasprintf("docker://%s/%s@%s", r->host, r->repo, r->digest.str);
    else
        r->canonical =
            xo_xasprintf("docker://%s/%s:%s", r->host, r->repo, r->tag);
    return 0;
}

/* The image-spec's grammar of org.opencontainers.image.ref.name, which
 * skopeo writes whole ("app:v1", "localhost/app:1.0"): components of
 * [A-Za-z0-9]+ joined by one of "-._:@+" or by "--", split by "/". */
static bool ref_name_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > REF_NAME_MAX_LEN)
        return false;
    bool want_alnum = true; /* at a component's start or after a separator */
    for (size_t i = 0; i < n; i++) {
        if (isalnum((unsigned char)t[i])) {
            want_alnum = false;
            continue;
        }
        if (want_alnum)
            return false;
        if (t[i] == '-' && t[i + 1] == '-')
            i++;
        else if (!strchr("-._:@+/", t[i]))
            return false;
        want_alnum = true;
    }
    return !want_alnum;
}

static int parse_registry(struct image_ref *r, const char *s, const char *orig,
                          xo_err *err);

/* An archive's FILE made absolute for the image's name: its directory resolved
 * (symlinks, "..") and its last component kept as given, so the name
 * does not change when the file is removed (rmi after the archive was
 * deleted) or is a symlink (whose target may hold a ':').  A directory
 * that does not exist keeps the name given; the pull then fails naming
 * it. */
static char *absolute_name(const char *path)
{
    char abs[PATH_MAX];
    char *copy = xo_xstrdup(path);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    char *out;
    if (!strcmp(base, ".") || !strcmp(base, "..") || !*base) {
        out = xo_xstrdup(realpath(copy, abs) ? abs : copy);
    } else {
        const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
        if (slash)
            *slash = '\0';
        if (realpath(dir, abs))
            out =
                xo_xasprintf("%s%s%s", abs, strcmp(abs, "/") ? "/" : "", base);
        else
            out = xo_xstrdup(path);
    }
    free(copy);
    return out;
}

/* What follows docker-archive:FILE: "@N" or a registry reference. */
static bool docker_archive_sel_ok(const char *t)
{
    if (t[0] == '@') {
        size_t n = strspn(t + 1, "0123456789");
        return n > 0 && n < 10 && !t[1 + n];
    }
    struct image_ref r;
    memset(&r, 0, sizeof(r));
    xo_err e = XO_ERR_INIT;
    /* RepoTags hold tags, not digests (skopeo refuses them too). */
    bool ok = parse_registry(&r, t, t, &e) == 0 && !r.has_digest;
    image_ref_dispose(&r);
    xo_err_clear(&e);
    return ok;
}

/* oci:DIR[:NAME], oci-archive:FILE[:NAME], docker-archive:FILE[:REF]:
 * the path ends at the first ':', as skopeo's oci transport reads it, so
 * NAME may hold ':' and '/'.  No NAME: the layout's only image, else the
 * one named "latest" (layout.c); a docker-archive's only image. */
static int parse_layout(struct image_ref *r, enum image_ref_kind kind,
                        const char *s, const char *orig, xo_err *err)
{
    char *copy = xo_xstrdup(s);
    char *colon = strchr(copy, ':');
    const char *tag = NULL;
    if (colon) {
        *colon = '\0';
        tag = colon + 1;
    }
    int rc = 0;
    if (!*copy)
        rc = xo_err_set(err, EINVAL, "image reference \"%s\": no %s", orig,
                        kind == IMAGE_REF_LAYOUT ? "directory" : "file");
    else if (tag && kind == IMAGE_REF_DOCKER_ARCHIVE &&
             !docker_archive_sel_ok(tag))
        rc = xo_err_set(
            err, EINVAL,
            "image reference \"%s\": \"%s\" is neither an image's NAME[:TAG] (as docker save was given it) nor @INDEX",
            orig, tag);
    else if (tag && kind != IMAGE_REF_DOCKER_ARCHIVE && !ref_name_ok(tag))
        rc = xo_err_set(
            err, EINVAL,
            "image reference \"%s\": invalid image name \"%s\" in the layout (the image-spec's ref.name: letters and digits, joined by one of -._:@+ or --, components split by /; at most %d bytes)",
            orig, tag, REF_NAME_MAX_LEN);
    if (rc == 0) {
        char abs[PATH_MAX];
        r->kind = kind;
        /* A directory that does not exist yet keeps the name given; the
         * pull then fails naming it.  An archive's name keeps its file's
         * own name (absolute_name). */
        r->dir = kind == IMAGE_REF_LAYOUT
                     ? xo_xstrdup(realpath(copy, abs) ? abs : copy)
                     : absolute_name(copy);
        r->tag = tag ? xo_xstrdup(tag) : NULL;
    }
    free(copy);
    return rc;
}

static int parse_registry(struct image_ref *r, const char *s, const char *orig,
                          xo_err *err)
{
    char *copy = xo_xstrdup(s);
    int rc = 0;
    char *at = strchr(copy, '@');
    if (at) {
        *at = '\0';
        if (digest_parse(&r->digest, at + 1, err) < 0) {
            rc = xo_err_wrap(err, "image reference \"%s\"", orig);
            goto out;
        }
        r->has_digest = true;
    }
    char *slash = strchr(copy, '/');
    const char *host = REF_DEFAULT_REGISTRY;
    char *path = copy;
    if (slash && first_is_host(copy, (size_t)(slash - copy))) {
        *slash = '\0';
        host = docker_hub(copy) ? REF_DEFAULT_REGISTRY : copy;
        path = slash + 1;
    }
    char *colon = strrchr(path, ':');
    const char *tag = NULL;
    if (colon) {
        *colon = '\0';
        tag = colon + 1;
    } else if (!r->has_digest) {
        tag = "latest";
    }
    const char *why = host_error(host);
    if (why) {
        rc = xo_err_set(
            err, EINVAL,
            "image reference \"%s\": invalid registry host \"%s\": %s", orig,
            host, why);
        goto out;
    }
    if (!repo_ok(path)) {
        bool upper = false;
        for (const char *p = path; *p; p++)
            upper |= *p >= 'A' && *p <= 'Z';
        rc = xo_err_set(
            err, EINVAL, "image reference \"%s\": invalid repository \"%s\"%s",
            orig, path,
            upper
                ? ": a repository name must be lowercase"
                : " (components of a-z and 0-9 separated by one ., one _, __ or dashes, joined by /)");
        goto out;
    }
    if (tag && !tag_ok(tag)) {
        rc =
            xo_err_set(err, EINVAL,
                       "image reference \"%s\": invalid tag \"%s\"", orig, tag);
        goto out;
    }
    bool hub = !strcmp(host, REF_DEFAULT_REGISTRY);
    bool library = hub && !strchr(path, '/');
    size_t name_len = strlen(hub ? DOCKER_HUB_DOMAIN : host) + 1 +
                      (library ? strlen("library/") : 0) + strlen(path);
    if (name_len > NAME_MAX_LEN) {
        rc = xo_err_set(
            err, EINVAL,
            "image reference \"%.64s...\": the name (%s/%s%.32s...) is %zu bytes; at most %d (distribution's limit on HOST/REPOSITORY)",
            orig, hub ? DOCKER_HUB_DOMAIN : host, library ? "library/" : "",
            path, name_len, NAME_MAX_LEN);
        goto out;
    }
    r->kind = IMAGE_REF_REGISTRY;
    r->host = xo_xstrdup(host);
    if (library)
        r->repo = xo_xasprintf("library/%s", path);
    else
        r->repo = xo_xstrdup(path);
    r->tag = tag && !r->has_digest ? xo_xstrdup(tag) : NULL;
out:
    free(copy);
    return rc;
}

int image_ref_parse(struct image_ref *r, const char *s, xo_err *err)
{
    memset(r, 0, sizeof(*r));
    if (strnlen(s, REF_MAX_LEN + 1) > REF_MAX_LEN)
        return xo_err_set(err, EINVAL,
                          "image reference \"%.64s...\": longer than %d bytes",
                          s, REF_MAX_LEN);
    /* No reference holds one, and echoed in a message it would write to
     * the admin's terminal: named by its place instead. */
    for (size_t i = 0; s[i]; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return xo_err_set(
                err, EINVAL,
                "image reference \"%.*s...\": a control character (byte 0x%02x) at byte %zu",
                (int)(i > 64 ? 64 : i), s, (unsigned char)s[i], i);
    int rc;
    if (!strncmp(s, "oci:", 4)) {
        rc = parse_layout(r, IMAGE_REF_LAYOUT, s + 4, s, err);
    } else if (!strncmp(s, "oci-archive:", 12)) {
        rc = parse_layout(r, IMAGE_REF_OCI_ARCHIVE, s + 12, s, err);
    } else if (!strncmp(s, "docker-archive:", 15)) {
        rc = parse_layout(r, IMAGE_REF_DOCKER_ARCHIVE, s + 15, s, err);
    } else if (!strncmp(s, "docker://", 9)) {
        rc = parse_registry(r, s + 9, s, err);
    } else if (!strncmp(s, DIGEST_ALGO ":", sizeof(DIGEST_ALGO))) {
        rc = digest_parse(&r->digest, s, err);
        r->kind = IMAGE_REF_DIGEST;
        r->has_digest = true;
    } else if (strstr(s, "://")) {
        rc = xo_err_set(
            err, EINVAL,
            "image reference \"%s\": unsupported transport (use oci:, oci-archive:, docker-archive: or docker://)",
            s);
    } else {
        rc = parse_registry(r, s, s, err);
    }
    if (rc == 0)
        rc = set_canonical(r, err);
    if (rc < 0)
        image_ref_dispose(r);
    return rc;
}

bool image_ref_same_name(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return true;
    struct image_ref ra, rb;
    xo_err e = XO_ERR_INIT;
    bool same = false;
    if (image_ref_parse(&ra, a, &e) == 0) {
        if (image_ref_parse(&rb, b, &e) == 0) {
            same = ra.kind == IMAGE_REF_REGISTRY && rb.kind == ra.kind &&
                   !strcmp(ra.canonical, rb.canonical);
            image_ref_dispose(&rb);
        }
        image_ref_dispose(&ra);
    }
    xo_err_clear(&e);
    return same;
}
