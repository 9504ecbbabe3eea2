/* runc_state.c: xl-oci-runc's per-container state (runc.h). */
#include "runc.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json_build.h"
#include "common/pathfmt.h"
#include "state.h"
#include "verifier/digest.h"

#define STATE_FILE "state.json"
#define STATE_MAX_BYTES (64 * 1024)

int runc_check_id(const char *id, xo_err *err)
{
    size_t n = strlen(id);
    bool ok =
        n > 0 && n <= RUNC_ID_MAX && strcmp(id, ".") != 0 &&
        strcmp(id, "..") != 0 &&
        strspn(
            id,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-") ==
            n;
    return ok ? 0
              : xo_err_set(
                    err, EINVAL,
                    "invalid container ID \"%.*s\" (1 to %d of A-Z a-z 0-9 _ + . -)",
                    64, id, RUNC_ID_MAX);
}

int runc_domain_name(char out[65], const char *id, xo_err *err)
{
    size_t n = strlen(id);
    /* xl's names: no '+'; at most 64 bytes (DOMAIN_STATUS_NAME_MAX). */
    if (n <= 64 && !strchr(id, '+') && id[0] != '.' && id[0] != '-') {
        memcpy(out, id, n + 1);
        return 0;
    }
    struct digest d;
    if (digest_buffer(&d, id, n, err) < 0)
        return -1;
    /* cannot truncate: d.str is "sha256:" and 64 hex digits */
    snprintf(out, 65, "oci-%.60s", d.str + strlen(DIGEST_ALGO) + 1);
    return 0;
}

int runc_domain_name_free(char out[65], const struct runc_global *g,
                          const char *id, const char *state_root, xo_err *err)
{
    if (runc_domain_name(out, id, err) < 0)
        return -1;
    if (!state_domain_exists(state_root, out))
        return 0;
    /* Taken: not by this --root's container `id` (its runc state
     * directory was just made), so by another --root's (another
     * containerd namespace) or by xl-oci's own. */
    char *key = xo_xasprintf("%s\n%s", g->root, id);
    struct digest d;
    int r = digest_buffer(&d, key, strlen(key), err);
    free(key);
    if (r < 0)
        return -1;
    /* cannot truncate: d.str is "sha256:" and 64 hex digits */
    snprintf(out, 65, "oci-%.60s", d.str + strlen(DIGEST_ALGO) + 1);
    if (state_domain_exists(state_root, out))
        return xo_err_set(
            err, EEXIST,
            "container \"%.64s\": its domain names %.64s and %s are both taken",
            id, id, out);
    return 0;
}

int runc_state_dir(char *buf, size_t len, const struct runc_global *g,
                   const char *id, xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/%s", g->root, id);
}

int runc_state_write(const struct runc_global *g, const struct runc_state *s,
                     xo_err *err)
{
    char path[4200], dir[4096];
    if (runc_state_dir(dir, sizeof(dir), g, s->id, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err, "%s/" STATE_FILE, dir) < 0)
        return -1;
    json_object *o = xo_jobj();
    xo_jset(o, "id", xo_jstr(s->id));
    xo_jset(o, "name", xo_jstr(s->name));
    xo_jset(o, "bundle", xo_jstr(s->bundle));
    xo_jset(o, "volume", xo_jstr(s->volume));
    xo_jset(o, "created", xo_jstr(s->created));
    xo_jset(o, "pid", xo_jint64(s->pid));
    if (s->pid_start)
        xo_jset(o, "pid-start", xo_juint64(s->pid_start));
    if (s->sandbox)
        xo_jset(o, "sandbox", xo_jbool(true));
    if (s->pod_domain)
        xo_jset(o, "pod-domain", xo_jbool(true));
    if (s->pod[0]) {
        xo_jset(o, "pod", xo_jstr(s->pod));
        xo_jset(o, "pod-vdev", xo_jstr(s->pod_vdev));
        if (s->pod_memory_mb > 0)
            xo_jset(o, "pod-memory-mb", xo_jint64(s->pod_memory_mb));
    }
    if (s->gated)
        xo_jset(o, "gated", xo_jbool(true));
    if (s->sandbox || s->gated || s->pod[0])
        xo_jset(o, "started", xo_jbool(s->started));
    if (s->late_network) {
        xo_jset(o, "late-network", xo_jbool(true));
        xo_jset(o, "netns", xo_jstr(s->netns));
    }
    if (s->loader_mb > 0) {
        xo_jset(o, "loader-mb", xo_jint64(s->loader_mb));
        xo_jset(o, "memory-mb", xo_jint64(s->memory_mb));
        xo_jset(o, "maxmem-mb", xo_jint64(s->maxmem_mb));
    }
    if (s->n_pending) {
        json_object *p = xo_jarr();
        for (size_t i = 0; i < s->n_pending; i++)
            xo_jpush(p, xo_jint64(s->pending[i]));
        xo_jset(o, "pending-signals", p);
    }
    const char *text =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    if (!text)
        xo_oom(); /* json-c's print buffer could not grow */
    int rc = xo_write_file_atomic(path, text, strlen(text), 0600, err);
    json_object_put(o);
    return rc;
}

/* Copies the string member `key` of `o` into buf (refusing what does not
 * fit or is missing). */
static int get_str(json_object *o, const char *key, char *buf, size_t len,
                   const char *path, xo_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string) ||
        (size_t)json_object_get_string_len(v) >= len ||
        /* a NUL inside would cut the value short */
        strlen(json_object_get_string(v)) !=
            (size_t)json_object_get_string_len(v))
        return xo_err_set(err, EINVAL, "%s: bad or missing \"%s\"", path, key);
    memcpy(buf, json_object_get_string(v),
           (size_t)json_object_get_string_len(v) + 1);
    return 0;
}

int runc_state_read(const struct runc_global *g, const char *id,
                    struct runc_state *s, xo_err *err)
{
    char path[4200], dir[4096], *text = NULL;
    if (runc_check_id(id, err) < 0 ||
        runc_state_dir(dir, sizeof(dir), g, id, err) < 0 ||
        xo_path_fmt(path, sizeof(path), err, "%s/" STATE_FILE, dir) < 0)
        return -1;
    struct stat st;
    if (stat(path, &st) < 0 && errno == ENOENT)
        return xo_err_set(err, ENOENT, "container \"%s\" does not exist", id);
    if (xo_read_file(&text, NULL, path, STATE_MAX_BYTES, err) < 0)
        return -1;
    json_object *o = json_tokener_parse(text);
    free(text);
    memset(s, 0, sizeof(*s));
    json_object *pid;
    int rc =
        !o ? xo_err_set(err, EINVAL, "%s: not JSON", path)
        : get_str(o, "id", s->id, sizeof(s->id), path, err) < 0 ||
                get_str(o, "name", s->name, sizeof(s->name), path, err) < 0 ||
                get_str(o, "bundle", s->bundle, sizeof(s->bundle), path, err) <
                    0 ||
                get_str(o, "volume", s->volume, sizeof(s->volume), path, err) <
                    0 ||
                get_str(o, "created", s->created, sizeof(s->created), path,
                        err) < 0
            ? -1
            : 0;
    if (rc == 0 && json_object_object_get_ex(o, "pid", &pid) &&
        json_object_is_type(pid, json_type_int))
        s->pid = (long)json_object_get_int64(pid);
    json_object *ps;
    if (rc == 0 && json_object_object_get_ex(o, "pid-start", &ps) &&
        json_object_is_type(ps, json_type_int))
        s->pid_start = (unsigned long long)json_object_get_uint64(ps);
    json_object *b;
    /* Sizes of a domain: 1 MiB to 1 TiB, else unknown (update refuses). */
    if (rc == 0 && json_object_object_get_ex(o, "loader-mb", &b) &&
        json_object_is_type(b, json_type_int)) {
        int64_t l = json_object_get_int64(b), m = 0;
        json_object *mm;
        if (json_object_object_get_ex(o, "memory-mb", &mm) &&
            json_object_is_type(mm, json_type_int))
            m = json_object_get_int64(mm);
        int64_t x = m;
        if (json_object_object_get_ex(o, "maxmem-mb", &mm) &&
            json_object_is_type(mm, json_type_int))
            x = json_object_get_int64(mm);
        if (l > 0 && m >= l && m <= (1L << 20) && x >= m && x <= (1L << 20)) {
            s->loader_mb = (long)l;
            s->memory_mb = (long)m;
            s->maxmem_mb = (long)x;
        }
    }
    if (rc == 0 && json_object_object_get_ex(o, "sandbox", &b))
        s->sandbox = json_object_get_boolean(b);
    if (rc == 0 && json_object_object_get_ex(o, "pod-domain", &b))
        s->pod_domain = s->sandbox && json_object_get_boolean(b);
    /* A member's pod and disk go into libxl calls and paths: a domain
     * name and an xvd name, nothing else. */
    if (rc == 0 && json_object_object_get_ex(o, "pod", &b)) {
        if (get_str(o, "pod", s->pod, sizeof(s->pod), path, err) < 0 ||
            get_str(o, "pod-vdev", s->pod_vdev, sizeof(s->pod_vdev), path,
                    err) < 0)
            rc = -1;
        else if (!s->pod[0] || s->pod[0] == '.' || strchr(s->pod, '/') ||
                 !runc_vdev_valid(s->pod_vdev))
            rc = xo_err_set(err, EINVAL,
                            "%s: bad \"pod\" (%s) or \"pod-vdev\" (%s)", path,
                            s->pod, s->pod_vdev);
        json_object *mm;
        /* 1 MiB to 1 TiB, as a domain's sizes; else none to take back. */
        if (rc == 0 && json_object_object_get_ex(o, "pod-memory-mb", &mm) &&
            json_object_is_type(mm, json_type_int) &&
            json_object_get_int64(mm) > 0 &&
            json_object_get_int64(mm) <= (1L << 20))
            s->pod_memory_mb = (long)json_object_get_int64(mm);
    }
    if (rc == 0 && json_object_object_get_ex(o, "started", &b))
        s->started = json_object_get_boolean(b);
    if (rc == 0 && json_object_object_get_ex(o, "gated", &b))
        s->gated = json_object_get_boolean(b);
    json_object *late;
    if (rc == 0 && json_object_object_get_ex(o, "late-network", &late)) {
        s->late_network = json_object_get_boolean(late);
        if (s->late_network)
            rc = get_str(o, "netns", s->netns, sizeof(s->netns), path, err);
    }
    json_object *pend;
    if (rc == 0 && json_object_object_get_ex(o, "pending-signals", &pend)) {
        size_t n = json_object_is_type(pend, json_type_array)
                       ? json_object_array_length(pend)
                       : RUNC_MAX_PENDING + 1;
        if (n > RUNC_MAX_PENDING)
            rc = xo_err_set(
                err, EINVAL,
                "%s: \"pending-signals\" is not a list of at most %d signals",
                path, RUNC_MAX_PENDING);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            json_object *v = json_object_array_get_idx(pend, i);
            int64_t sig = json_object_is_type(v, json_type_int)
                              ? json_object_get_int64(v)
                              : 0;
            if (sig < 1 || sig > 64)
                rc = xo_err_set(
                    err, EINVAL,
                    "%s: \"pending-signals\"[%zu] is not a signal 1-64", path,
                    i);
            else
                s->pending[s->n_pending++] = (int)sig;
        }
    }
    json_object_put(o);
    return rc;
}

bool runc_has_domain(const struct runc_state *s)
{
    return !(s->sandbox && !s->pod_domain) && !s->pod[0];
}

bool runc_vdev_valid(const char *v)
{
    /* xvdb..xvdz: domcfg_vdev_name()'s names past xvda. */
    return strlen(v) == 4 && strncmp(v, "xvd", 3) == 0 && v[3] >= 'b' &&
           v[3] <= 'z';
}

int runc_signal(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end != s && !*end)
        return n > 0 && n < NSIG ? (int)n : -1;
    /* Any case, with or without SIG, as runc takes "term" and "sigkill". */
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 1; i < NSIG; i++) {
        const char *abbrev = sigabbrev_np(i);
        if (abbrev && strcasecmp(abbrev, s) == 0)
            return i;
    }
    return -1;
}

unsigned long long runc_proc_start(long pid)
{
    char path[64], buf[1024];
    /* cannot truncate: a pid in 64 bytes */
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* After the command's ")" (it may hold spaces and parens): state is
     * field 3, starttime field 22. */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    p++;
    for (int field = 3; field <= 22; field++) {
        while (*p == ' ')
            p++;
        if (field == 22)
            return strtoull(p, NULL, 10);
        p = strchr(p, ' ');
        if (!p)
            return 0;
    }
    return 0;
}
