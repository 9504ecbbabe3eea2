/* metadata.c: the grammar of labels and annotations, and the labels'
 * merge of image config and app.cfg (see metadata.h). */
#include "metadata.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_cfg.h"
#include "common/alloc.h"
#include "common/json.h"
#include "domain_config.h"
#include "image_config.h"

/* An oci_labels entry of the longest key and value fits one app.cfg
 * string. */
_Static_assert(METADATA_KEY_MAX + 1 + METADATA_VALUE_MAX <= DC_MAX_STRING,
               "METADATA_VALUE_MAX too large for app.cfg");

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

int metadata_check_key(const char *key, xo_err *err)
{
    size_t n = strlen(key);
    if (n == 0)
        return xo_err_set(err, EINVAL, "empty key");
    if (n > METADATA_KEY_MAX)
        return xo_err_set(err, EINVAL,
                          "key \"%.64s...\" is longer than %d bytes", key,
                          METADATA_KEY_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (is_alnum(c) || ((c == '.' || c == '-' || c == '_' || c == '/') &&
                            i > 0 && i < n - 1))
            continue;
        if (is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '/')
            return xo_err_set(
                err, EINVAL,
                "key \"%.64s\" must begin and end with a letter or digit", key);
        if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
            return xo_err_set(
                err, EINVAL,
                "key \"%.64s\": byte 0x%02x at %zu is not allowed (letters, digits, '.', '-', '_', '/')",
                key, (unsigned char)c, i);
        return xo_err_set(
            err, EINVAL,
            "key \"%.64s\": '%c' is not allowed (letters, digits, '.', '-', '_', '/')",
            key, c);
    }
    if (strncmp(key, METADATA_RESERVED_PREFIX,
                strlen(METADATA_RESERVED_PREFIX)) == 0)
        return xo_err_set(err, EINVAL,
                          "key \"%.64s\": keys under \"%s\" are xl-oci's own",
                          key, METADATA_RESERVED_PREFIX);
    return 0;
}

/* Length of the UTF-8 sequence at s (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned min, cp;
    if ((s[0] & 0xe0) == 0xc0)
        len = 2, min = 0x80, cp = s[0] & 0x1f;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, min = 0x800, cp = s[0] & 0x0f;
    else if ((s[0] & 0xf8) == 0xf0)
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

int metadata_check_value(const char *key, const char *value, xo_err *err)
{
    size_t n = strlen(value);
    if (n > METADATA_VALUE_MAX)
        return xo_err_set(
            err, EINVAL,
            "key \"%.64s\": value is %zu bytes, at most %d allowed", key, n,
            METADATA_VALUE_MAX);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            return xo_err_set(
                err, EINVAL,
                "key \"%.64s\": value holds the control character 0x%02x at byte %zu",
                key, c, i);
        size_t len = utf8_seq((const unsigned char *)value + i);
        if (len == 0)
            return xo_err_set(err, EINVAL,
                              "key \"%.64s\": value is not UTF-8 at byte %zu",
                              key, i);
        i += len;
    }
    return 0;
}

int metadata_split(char **key_r, const char **value_r, const char *kv,
                   xo_err *err)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return xo_err_set(err, EINVAL, "\"%.64s\" is not KEY=VALUE", kv);
    char *key = xo_xstrndup(kv, (size_t)(eq - kv));
    if (metadata_check_key(key, err) < 0 ||
        metadata_check_value(key, eq + 1, err) < 0) {
        free(key);
        return -1;
    }
    *key_r = key;
    *value_r = eq + 1;
    return 0;
}

int metadata_check_bounds(size_t n, size_t bytes, const char *what, xo_err *err)
{
    if (n > METADATA_MAX_ENTRIES)
        return xo_err_set(err, E2BIG, "%zu %s, at most %d allowed", n, what,
                          METADATA_MAX_ENTRIES);
    if (bytes > METADATA_MAX_TOTAL)
        return xo_err_set(
            err, E2BIG,
            "%s take %zu bytes of keys and values, at most %d allowed", what,
            bytes, METADATA_MAX_TOTAL);
    return 0;
}

/* The index of the label with key `key` (length klen) in dc, or -1. */
static long find_label(const struct domain_config *dc, const char *key,
                       size_t klen)
{
    for (size_t i = 0; i < dc->n_labels; i++)
        if (strncmp(dc->labels[i], key, klen) == 0 &&
            dc->labels[i][klen] == '=')
            return (long)i;
    return -1;
}

/* Sets key=value in dc->labels: replaced in place, or appended. */
static void set_label(struct domain_config *dc, const char *key,
                      const char *value)
{
    char *kv = xo_xasprintf("%s=%s", key, value);
    long i = find_label(dc, key, strlen(key));
    if (i >= 0) {
        free(dc->labels[i]);
        dc->labels[i] = kv;
        return;
    }
    char **nv = xo_xreallocarray(dc->labels, dc->n_labels + 2, sizeof(*nv));
    dc->labels = nv;
    nv[dc->n_labels++] = kv;
    nv[dc->n_labels] = NULL;
}

/* Adds one "KEY=VALUE" entry; the caller wraps the error. */
static int add_entry(struct domain_config *dc, const char *kv, xo_err *err)
{
    char *key = NULL;
    const char *value;
    if (metadata_split(&key, &value, kv, err) < 0)
        return -1;
    set_label(dc, key, value);
    free(key);
    return 0;
}

static int merge_cfg_labels(struct domain_config *dc, const struct app_cfg *ac,
                            xo_err *err)
{
    char **items = NULL;
    size_t n = 0;
    int r =
        app_cfg_list(ac, "oci_labels", METADATA_MAX_ENTRIES, &items, &n, err);
    if (r <= 0)
        return r;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t klen = strcspn(items[i], "=");
        for (size_t j = 0; j < i && rc == 0; j++)
            if (strncmp(items[j], items[i], klen) == 0 &&
                items[j][klen] == '=' && items[i][klen] == '=')
                rc = app_cfg_bad_item(ac, "oci_labels", i, err,
                                      "key \"%.*s\" is given twice",
                                      (int)(klen > 64 ? 64 : klen), items[i]);
        if (rc == 0 && add_entry(dc, items[i], err) < 0) {
            char *why = xo_xstrdup(xo_err_msg(err));
            xo_err_clear(err);
            rc = app_cfg_bad_item(ac, "oci_labels", i, err, "%s", why);
            free(why);
        }
    }
    xo_strv_free(items);
    return rc;
}

/* Appends warning `w` (owned) to dc's. */
static void add_warning(struct domain_config *dc, char *w)
{
    char **nv = xo_xreallocarray(dc->warnings, dc->n_warnings + 2, sizeof(*nv));
    dc->warnings = nv;
    nv[dc->n_warnings++] = w;
    nv[dc->n_warnings] = NULL;
}

/* Image labels named one by one in warnings; past them, a count. */
#define LEFT_OUT_NAMED 8

int metadata_merge_labels(struct domain_config *dc, const struct app_cfg *ac,
                          const struct image_config *ic, xo_err *err)
{
    /* An image label our rules cannot store (Docker keeps any) is passed
     * over with a warning, and so are those past the bounds on count and
     * bytes: refusing them made the image unrunnable, with no key of
     * app.cfg to change it.  oci_labels stay strict (below). */
    size_t bytes = 0, bad = 0, past = 0;
    for (size_t i = 0; ic->labels && ic->labels[i]; i++) {
        size_t len = strlen(ic->labels[i]) - 1; /* the '=' is not counted */
        if (dc->n_labels >= METADATA_MAX_ENTRIES ||
            bytes + len > METADATA_MAX_TOTAL) {
            past++;
        } else if (add_entry(dc, ic->labels[i], err) < 0) {
            if (bad++ < LEFT_OUT_NAMED)
                add_warning(dc, xo_xasprintf("%s: Labels: %s: left out",
                                             dc->image_config_path,
                                             xo_err_msg(err)));
            xo_err_clear(err);
        } else {
            bytes += len;
        }
    }
    if (bad > LEFT_OUT_NAMED)
        add_warning(
            dc,
            xo_xasprintf("%s: Labels: %zu more that break the rules left out",
                         dc->image_config_path, bad - LEFT_OUT_NAMED));
    if (past)
        add_warning(
            dc,
            xo_xasprintf(
                "%s: Labels: %zu left out past %d labels or %d bytes of keys and values",
                dc->image_config_path, past, METADATA_MAX_ENTRIES,
                METADATA_MAX_TOTAL));
    if (merge_cfg_labels(dc, ac, err) < 0)
        return -1;
    size_t total = 0;
    for (size_t i = 0; i < dc->n_labels; i++)
        total += strlen(dc->labels[i]) - 1; /* the '=' is not counted */
    if (metadata_check_bounds(dc->n_labels, total, "labels", err) < 0) {
        char *why = xo_xstrdup(xo_err_msg(err));
        xo_err_clear(err);
        int rc = app_cfg_bad_value(ac, "oci_labels", err,
                                   "with the image's Labels: %s", why);
        free(why);
        return rc;
    }
    return 0;
}
