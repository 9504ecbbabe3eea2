/*
 * journal.c: event records as JSON lines, their times, and appending
 * them with rotation (see journal.h; the format is
 * common/abi/event_journal.h).  The reader is journal_read.c.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/abi/domain_status.h"
#include "common/alloc.h"
#include "common/bytesize.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/log.h"
#include "state.h"

_Static_assert(EVENT_NAME_MAX == DOMAIN_STATUS_NAME_MAX,
               "an event names what DomainStatus names");
_Static_assert(EVENT_TEXT_MAX >= DOMAIN_STATUS_ERROR_MAX,
               "an event's error holds DomainStatus's error");

long long journal_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void journal_format_time(char *buf, size_t len, long long ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char date[24];
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    /* may truncate: callers give 32 bytes, which hold any year to 9999 */
    snprintf(buf, len, "%s.%03lldZ", date, ms % 1000);
}

/* The length of the UTF-8 character at s (RFC 3629: no overlong forms,
 * no surrogates, at most U+10FFFF), or 0 when it is not one. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (!len || s[0] > 0xf4 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* Copies at most `max` bytes of text, whole characters only. */
static void copy_text(char *dst, size_t max, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t n = strlen(src), out = 0;
    for (size_t i = 0; i < n;) {
        size_t c = utf8_char(s + i, n - i);
        if (out + (c ? c : 1) > max)
            break;
        if (c)
            memcpy(dst + out, s + i, c);
        else
            dst[out] = '?';
        out += c ? c : 1;
        i += c ? c : 1;
    }
    dst[out] = '\0';
}

void journal_set_text(char field[EVENT_TEXT_MAX + 1], const char *text)
{
    copy_text(field, EVENT_TEXT_MAX, text ? text : "");
}

void journal_record_init(struct event_record *ev, enum event_type type,
                         const char *name)
{
    memset(ev, 0, sizeof(*ev));
    ev->time_ms = journal_now_ms();
    ev->type = type;
    ev->exit_code = -1;
    ev->restarts = -1;
    ev->delay_ms = -1;
    copy_text(ev->name, EVENT_NAME_MAX, name ? name : "");
}

static json_object *to_json(const struct event_record *ev, size_t text_max)
{
    char when[32], text[EVENT_TEXT_MAX + 1];
    json_object *o = xo_jobj();
    journal_format_time(when, sizeof(when), ev->time_ms);
    xo_jset(o, EVENT_KEY_TIME, xo_jstr(when));
    xo_jset(o, EVENT_KEY_TYPE, xo_jstr(event_type_to_string(ev->type)));
    xo_jset(o, EVENT_KEY_NAME, xo_jstr(ev->name));
    if (ev->exit_code >= 0)
        xo_jset(o, EVENT_KEY_EXIT_CODE, xo_jint(ev->exit_code));
    if (ev->restarts >= 0)
        xo_jset(o, EVENT_KEY_RESTARTS, xo_jint64(ev->restarts));
    if (ev->delay_ms >= 0)
        xo_jset(o, EVENT_KEY_DELAY_MS, xo_jint64(ev->delay_ms));
    if (ev->error[0]) {
        copy_text(text, text_max, ev->error);
        xo_jset(o, EVENT_KEY_ERROR, xo_jstr(text));
    }
    if (ev->detail[0]) {
        copy_text(text, text_max, ev->detail);
        xo_jset(o, EVENT_KEY_DETAIL, xo_jstr(text));
    }
    return o;
}

int journal_encode(const struct event_record *ev, char *buf, size_t len,
                   size_t *n_r, xo_err *err)
{
    if (!event_type_to_string(ev->type) || !ev->name[0])
        return xo_err_set(err, EINVAL, "event journal: a record needs a %s",
                          ev->name[0] ? "type" : "name");
    if (len < EVENT_RECORD_MAX)
        return xo_err_set(err, EINVAL, "event journal: buffer too small");
    /* Escapes can make text up to six times longer: cut it until the line
     * fits (a record of short fields always does). */
    for (size_t text_max = EVENT_TEXT_MAX;; text_max /= 2) {
        json_object *o = to_json(ev, text_max);
        const char *s = json_object_to_json_string_ext(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
            xo_oom(); /* json-c's print buffer could not grow */
        size_t n = strlen(s);
        if (n + 1 <= EVENT_RECORD_MAX) {
            memcpy(buf, s, n);
            buf[n] = '\n';
            *n_r = n + 1;
            json_object_put(o);
            return 0;
        }
        json_object_put(o);
        if (text_max == 0)
            return xo_err_set(err, EINVAL, "event journal: record too long");
    }
}

/* `key` as an integer in [lo, hi], or *v_r untouched when absent. */
static int get_int(json_object *o, const char *key, long long lo, long long hi,
                   long long *v_r, xo_err *err)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    errno = 0;
    long long n = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || errno || n < lo || n > hi)
        return xo_err_set(
            err, EINVAL,
            "event record: \"%s\" must be an integer in %lld..%lld", key, lo,
            hi);
    *v_r = n;
    return 0;
}

/* `key` as text of at most `max` bytes into dst ("" when absent). */
static int get_text(json_object *o, const char *key, bool required, char *dst,
                    size_t max, xo_err *err)
{
    const char *s = NULL;
    if (xo_json_get_string(&s, o, key, required, "event record", err) < 0)
        return -1;
    if (s && strlen(s) > max)
        return xo_err_set(err, EINVAL,
                          "event record: \"%s\" is longer than %zu", key, max);
    memcpy(dst, s ? s : "", s ? strlen(s) + 1 : 1);
    return 0;
}

/* 10000-01-01T00:00:00Z in ms since the epoch. */
#define JOURNAL_TIME_END_MS 253402300800000LL

int journal_decode(const char *line, size_t len, struct event_record *ev,
                   xo_err *err)
{
    json_object *o = NULL;
    char when[40], type[32];
    long long code = -1, restarts = -1, delay = -1;
    struct event_record r;
    memset(&r, 0, sizeof(r));
    if (xo_json_parse(&o, line, len, EVENT_RECORD_MAX, "event record", err) < 0)
        return -1;
    int rc = -1;
    if (!json_object_is_type(o, json_type_object)) {
        xo_err_set(err, EINVAL, "event record: not a JSON object");
        goto out;
    }
    if (get_text(o, EVENT_KEY_TIME, true, when, sizeof(when) - 1, err) < 0 ||
        get_text(o, EVENT_KEY_TYPE, true, type, sizeof(type) - 1, err) < 0 ||
        get_text(o, EVENT_KEY_NAME, true, r.name, EVENT_NAME_MAX, err) < 0 ||
        get_text(o, EVENT_KEY_ERROR, false, r.error, EVENT_TEXT_MAX, err) < 0 ||
        get_text(o, EVENT_KEY_DETAIL, false, r.detail, EVENT_TEXT_MAX, err) <
            0 ||
        get_int(o, EVENT_KEY_EXIT_CODE, 0, 255, &code, err) < 0 ||
        get_int(o, EVENT_KEY_RESTARTS, 0, 1LL << 53, &restarts, err) < 0 ||
        get_int(o, EVENT_KEY_DELAY_MS, 0, 1LL << 53, &delay, err) < 0)
        goto out;
    if (event_type_from_string(type, &r.type) < 0) {
        xo_err_set(err, EINVAL, "event record: unknown type \"%s\"", type);
        goto out;
    }
    if (!r.name[0]) {
        xo_err_set(err, EINVAL, "event record: empty name");
        goto out;
    }
    /* Between 1970 and 9999 UTC, as every record written is: what
     * journal_encode() writes back of another time (a year of 3 or 5
     * digits, a negative millisecond) is no RFC 3339 time. */
    if (journal_parse_rfc3339(when, &r.time_ms) < 0 || r.time_ms < 0 ||
        r.time_ms >= JOURNAL_TIME_END_MS) {
        xo_err_set(err, EINVAL, "event record: bad time \"%s\"", when);
        goto out;
    }
    r.exit_code = (int)code;
    r.restarts = (long)restarts;
    r.delay_ms = delay;
    *ev = r;
    rc = 0;
out:
    json_object_put(o);
    return rc;
}

size_t journal_max_bytes(void)
{
    const char *env = getenv("XL_OCI_EVENTS_MAX");
    if (!env || !*env)
        return EVENT_JOURNAL_DEFAULT_MAX;
    /* The grammar of XL_OCI_LOG_MAX ("10M").  A value that is no size
     * keeps the default, said once: it used to mean the 4 KiB minimum, so
     * a "10M" (or a typo) kept some forty events, silently (helper-110). */
    uint64_t v;
    if (xo_bytesize_bounded(&v, env, EVENT_JOURNAL_MIN_MAX,
                            EVENT_JOURNAL_MAX_MAX) < 0) {
        static bool said;
        if (!said)
            xo_warn(
                "XL_OCI_EVENTS_MAX=%s: not a size (bytes, or a number with K, M, G or T): the journal rotates at %d bytes",
                env, EVENT_JOURNAL_DEFAULT_MAX);
        said = true;
        return EVENT_JOURNAL_DEFAULT_MAX;
    }
    return (size_t)v;
}

/* Opens `path` for appending, made 0600 when missing. */
static int open_append(const char *path, xo_err *err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    return fd;
}

int journal_append(const char *root, const struct event_record *ev, xo_err *err)
{
    char dir[4096], path[4096], old[4096], lockp[4096], line[EVENT_RECORD_MAX];
    size_t n;
    int lock = -1, fd = -1, rc = -1;
    if (journal_encode(ev, line, sizeof(line), &n, err) < 0 ||
        state_events_path(dir, sizeof(dir), root, NULL, err) < 0 ||
        state_events_path(path, sizeof(path), root, EVENT_JOURNAL_FILE, err) <
            0 ||
        state_events_path(old, sizeof(old), root, EVENT_JOURNAL_OLD_FILE, err) <
            0 ||
        state_events_path(lockp, sizeof(lockp), root, EVENT_JOURNAL_LOCK_FILE,
                          err) < 0 ||
        xo_mkdir_p(dir, 0700, err) < 0)
        return -1;
    lock = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock < 0) {
        xo_err_sys(err, "cannot open %s", lockp);
        goto out;
    }
    /* The lock orders a rotation after every write into the old file, so
     * a reader finishing the old file after it saw the rename misses
     * nothing; each write is one O_APPEND write(2) all the same. */
    while (flock(lock, LOCK_EX) < 0)
        if (errno != EINTR) {
            xo_err_sys(err, "cannot lock %s", lockp);
            goto out;
        }
    if ((fd = open_append(path, err)) < 0)
        goto out;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        xo_err_sys(err, "cannot stat %s", path);
        goto out;
    }
    if (st.st_size > 0 && (size_t)st.st_size + n > journal_max_bytes()) {
        if (rename(path, old) < 0) {
            xo_err_sys(err, "cannot rotate %s to %s", path, old);
            goto out;
        }
        close(fd);
        if ((fd = open_append(path, err)) < 0)
            goto out;
    }
    ssize_t w;
    while ((w = write(fd, line, n)) < 0 && errno == EINTR)
        ;
    if (w != (ssize_t)n) {
        if (w >= 0)
            errno = ENOSPC; /* a short write to a regular file */
        xo_err_sys(err, "cannot append to %s", path);
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (lock >= 0)
        close(lock);
    return rc;
}

void journal_emit(const char *root, const struct event_record *ev)
{
    xo_err err = XO_ERR_INIT;
    if (journal_append(root, ev, &err) < 0) {
        xo_warn("event %s of %s not journaled: %s",
                event_type_to_string(ev->type), ev->name, xo_err_msg(&err));
        xo_err_clear(&err);
    }
}

void journal_note(const char *root, enum event_type type, const char *name,
                  const char *error)
{
    struct event_record ev;
    journal_record_init(&ev, type, name);
    journal_set_text(ev.error, error);
    journal_emit(root, &ev);
}
