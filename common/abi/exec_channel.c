/*
 * common/abi/exec_channel.c: framing, encoders and strict decoders of the
 * exec channel (see the header for the wire format).  Compiled into the
 * host library and the guest's static init alike.
 */
#include "common/abi/exec_channel.h"

#include <errno.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int refuse(const char **why_r, const char *why)
{
    *why_r = why;
    return -1;
}

/* Which side reads a type; -1 for an unknown type. */
static int type_reader(unsigned type)
{
    switch (type) {
    case EXEC_MSG_REQUEST:
    case EXEC_MSG_STDIN:
    case EXEC_MSG_RESIZE:
    case EXEC_MSG_SIGNAL:
    case EXEC_MSG_CONTAINER:
        return EXEC_SIDE_GUEST;
    case EXEC_MSG_STDOUT:
    case EXEC_MSG_STDERR:
    case EXEC_MSG_EXIT:
    case EXEC_MSG_ERROR:
    case EXEC_MSG_OK:
    case EXEC_MSG_STARTED:
        return EXEC_SIDE_DOM0;
    default:
        return -1;
    }
}

/* The payload length a type must have, or -1 when it varies. */
static long type_fixed_len(unsigned type)
{
    switch (type) {
    case EXEC_MSG_RESIZE:
        return 4;
    case EXEC_MSG_SIGNAL:
        return 8;
    case EXEC_MSG_EXIT:
        return 4;
    case EXEC_MSG_OK:
    case EXEC_MSG_STARTED:
        return 0;
    default:
        return -1;
    }
}

void exec_reader_init(struct exec_reader *r, enum exec_reader_side side)
{
    r->side = side;
    r->failed = 0;
    r->len = 0;
    r->taken = 0;
}

/* Drops the frame the caller had from the front of the buffer. */
static void drop_taken(struct exec_reader *r)
{
    if (!r->taken)
        return;
    memmove(r->buf, r->buf + r->taken, r->len - r->taken);
    r->len -= r->taken;
    r->taken = 0;
}

size_t exec_reader_room(const struct exec_reader *r)
{
    return sizeof(r->buf) - (r->len - r->taken);
}

size_t exec_reader_feed(struct exec_reader *r, const void *data, size_t len)
{
    drop_taken(r);
    size_t room = sizeof(r->buf) - r->len;
    if (len > room)
        len = room;
    memcpy(r->buf + r->len, data, len);
    r->len += len;
    return len;
}

static int check_header(const struct exec_reader *r, const uint8_t *h,
                        const char **why_r)
{
    if (h[0] != EXEC_CHANNEL_VERSION)
        return refuse(why_r, "wrong exec channel version");
    if (get16(h + 2) != 0)
        return refuse(why_r, "reserved header bits set");
    int reader = type_reader(h[1]);
    if (reader < 0)
        return refuse(why_r, "unknown message type");
    if (reader != (int)r->side)
        return refuse(why_r, "message type sent in the wrong direction");
    uint32_t len = get32(h + 4);
    if (len > EXEC_PAYLOAD_MAX)
        return refuse(why_r, "payload longer than the limit");
    long fixed = type_fixed_len(h[1]);
    if (fixed >= 0 && len != (uint32_t)fixed)
        return refuse(why_r, "payload length wrong for its type");
    if (h[1] == EXEC_MSG_ERROR && (len < 4 || len > 4 + EXEC_ERROR_MAX))
        return refuse(why_r, "error message length out of range");
    if (h[1] == EXEC_MSG_REQUEST && len < EXEC_REQUEST_FIXED)
        return refuse(why_r, "request shorter than its fixed fields");
    if (h[1] == EXEC_MSG_CONTAINER && len <= EXEC_CONTAINER_FIXED)
        return refuse(why_r, "container request without a boot spec");
    return 0;
}

int exec_reader_next(struct exec_reader *r, struct exec_frame *f,
                     const char **why_r)
{
    if (r->failed)
        return refuse(why_r, "exec channel stream refused before");
    drop_taken(r);
    if (r->len < EXEC_HDR_LEN)
        return 0;
    /* The header is checked as soon as it is whole, so a bad one is
     * refused before its claimed payload is waited for. */
    if (check_header(r, r->buf, why_r) < 0) {
        r->failed = 1;
        return -1;
    }
    uint32_t len = get32(r->buf + 4);
    if (r->len < EXEC_HDR_LEN + (size_t)len)
        return 0;
    f->type = (enum exec_msg_type)r->buf[1];
    f->len = len;
    f->payload = r->buf + EXEC_HDR_LEN;
    r->taken = EXEC_HDR_LEN + (size_t)len;
    return 1;
}

/* One string of a request: u16 length, bytes without NUL, at most
 * EXEC_STR_MAX; copied NUL-terminated to *out, which advances. */
static int take_string(const uint8_t **p, const uint8_t *end, char **out,
                       const char **str_r, const char **why_r)
{
    if (end - *p < 2)
        return refuse(why_r, "request ends inside a string length");
    uint16_t n = get16(*p);
    *p += 2;
    if (n > EXEC_STR_MAX)
        return refuse(why_r, "request string longer than the limit");
    if (end - *p < (long)n)
        return refuse(why_r, "request ends inside a string");
    if (memchr(*p, '\0', n))
        return refuse(why_r, "request string holds a NUL byte");
    memcpy(*out, *p, n);
    (*out)[n] = '\0';
    *str_r = *out;
    *out += n + 1;
    *p += n;
    return 0;
}

int exec_request_decode(struct exec_request *req, const uint8_t *p, size_t len,
                        const char **why_r)
{
    if (len < EXEC_REQUEST_FIXED || len > EXEC_PAYLOAD_MAX)
        return refuse(why_r, "request length out of range");
    const uint8_t *end = p + len;
    req->flags = get32(p);
    req->rows = get16(p + 4);
    req->cols = get16(p + 6);
    req->nargs = get16(p + 8);
    req->nenv = get16(p + 10);
    p += EXEC_REQUEST_FIXED;
    if (req->flags & ~EXEC_FLAGS_ALL)
        return refuse(why_r, "request has unknown flags");
    if (req->flags & EXEC_FLAG_TTY) {
        if (!req->rows || !req->cols)
            return refuse(why_r, "tty request without a window size");
    } else if (req->rows || req->cols) {
        return refuse(why_r, "window size without a tty");
    }
    if (req->nargs < 1 || req->nargs > EXEC_MAX_ARGS)
        return refuse(why_r, "request argument count out of range");
    if (req->nenv > EXEC_MAX_ENV)
        return refuse(why_r, "request environment count out of range");
    /* Each string's 2-byte length becomes a 1-byte NUL: storage, as big as
     * the largest payload, always holds them. */
    char *out = req->storage;
    req->target = "";
    if ((req->flags & EXEC_FLAG_TARGET) &&
        take_string(&p, end, &out, &req->target, why_r) < 0)
        return -1;
    if ((req->flags & EXEC_FLAG_TARGET) && !exec_request_target_ok(req->target))
        return refuse(why_r, "request target is not a device name");
    if (take_string(&p, end, &out, &req->user, why_r) < 0 ||
        take_string(&p, end, &out, &req->cwd, why_r) < 0)
        return -1;
    if (req->cwd[0] && req->cwd[0] != '/')
        return refuse(why_r, "request working directory is not absolute");
    for (size_t i = 0; i < req->nargs; i++)
        if (take_string(&p, end, &out, &req->args[i], why_r) < 0)
            return -1;
    req->args[req->nargs] = NULL;
    if (!req->args[0][0])
        return refuse(why_r, "request command is empty");
    for (size_t i = 0; i < req->nenv; i++) {
        if (take_string(&p, end, &out, &req->env[i], why_r) < 0)
            return -1;
        if (!req->env[i][0] || req->env[i][0] == '=')
            return refuse(why_r,
                          "request environment entry is not KEY=VALUE or KEY");
    }
    req->env[req->nenv] = NULL;
    if (p != end)
        return refuse(why_r, "request has bytes after its strings");
    return 0;
}

/* Flags and window size of a CONTAINER: a REQUEST's, without a target
 * (a pod container is not run in another). */
static int window_ok(uint32_t flags, uint16_t rows, uint16_t cols,
                     const char **why_r)
{
    if (flags & ~(EXEC_FLAGS_ALL & ~EXEC_FLAG_TARGET))
        return refuse(why_r, "request has unknown flags");
    if ((flags & EXEC_FLAG_TTY) ? (!rows || !cols) : (rows || cols))
        return refuse(why_r, "a window size goes with a tty, and only then");
    return 0;
}

int exec_container_decode(struct exec_container *c, const uint8_t *p,
                          size_t len, const char **why_r)
{
    if (len <= EXEC_CONTAINER_FIXED || len > EXEC_PAYLOAD_MAX)
        return refuse(why_r, "container request length out of range");
    c->flags = get32(p);
    c->rows = get16(p + 4);
    c->cols = get16(p + 6);
    c->spec = p + EXEC_CONTAINER_FIXED;
    c->spec_len = len - EXEC_CONTAINER_FIXED;
    return window_ok(c->flags, c->rows, c->cols, why_r);
}

int exec_resize_decode(const uint8_t *p, size_t len, uint16_t *rows_r,
                       uint16_t *cols_r, const char **why_r)
{
    if (len != 4)
        return refuse(why_r, "resize length wrong");
    uint16_t rows = get16(p), cols = get16(p + 2);
    if (!rows || !cols)
        return refuse(why_r, "resize to an empty window");
    *rows_r = rows;
    *cols_r = cols;
    return 0;
}

int exec_signal_decode(const uint8_t *p, size_t len, int *sig_r,
                       enum exec_signal_target *target_r, const char **why_r)
{
    if (len != 8)
        return refuse(why_r, "signal length wrong");
    uint32_t sig = get32(p), target = get32(p + 4);
    if (sig < 1 || sig > EXEC_MAX_SIGNAL)
        return refuse(why_r, "signal number out of range");
    if (target != EXEC_SIGNAL_PROCESS && target != EXEC_SIGNAL_CONTAINER)
        return refuse(why_r, "signal target unknown");
    *sig_r = (int)sig;
    *target_r = (enum exec_signal_target)target;
    return 0;
}

int exec_exit_decode(const uint8_t *p, size_t len, int *code_r,
                     const char **why_r)
{
    if (len != 4)
        return refuse(why_r, "exit length wrong");
    uint32_t code = get32(p);
    if (code > 255)
        return refuse(why_r, "exit code out of range");
    *code_r = (int)code;
    return 0;
}

int exec_error_decode(const uint8_t *p, size_t len, int *errnum_r,
                      bool *setup_r, char *text_r, size_t textsz,
                      const char **why_r)
{
    if (len < 4 || len > 4 + EXEC_ERROR_MAX)
        return refuse(why_r, "error length out of range");
    if (textsz < len - 4 + 1)
        return refuse(why_r, "error text buffer too small");
    uint32_t errnum = get32(p);
    bool setup = errnum & EXEC_ERROR_SETUP;
    errnum &= ~EXEC_ERROR_SETUP;
    if (errnum > 4095)
        return refuse(why_r, "error number out of range");
    for (size_t i = 4; i < len; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return refuse(why_r, "error text is not printable ASCII");
    memcpy(text_r, p + 4, len - 4);
    text_r[len - 4] = '\0';
    *errnum_r = (int)errnum;
    if (setup_r)
        *setup_r = setup;
    return 0;
}

int exec_error_shell_code(int errnum, bool setup)
{
    if (setup)
        return 1;
    return errnum == ENOENT ? 127 : 126;
}

/* Writes the header for `len` payload bytes; -1 when cap cannot hold it. */
static long put_header(uint8_t *buf, size_t cap, enum exec_msg_type type,
                       size_t len, const char **why_r)
{
    if (len > EXEC_PAYLOAD_MAX)
        return refuse(why_r, "payload longer than the limit");
    if (cap < EXEC_HDR_LEN + len)
        return refuse(why_r, "frame buffer too small");
    buf[0] = EXEC_CHANNEL_VERSION;
    buf[1] = (uint8_t)type;
    put16(buf + 2, 0);
    put32(buf + 4, (uint32_t)len);
    return (long)(EXEC_HDR_LEN + len);
}

static int string_ok(const char *s, const char **why_r)
{
    if (strlen(s) > EXEC_STR_MAX)
        return refuse(why_r, "string longer than the exec channel's limit");
    return 0;
}

static void put_string(uint8_t **p, const char *s)
{
    size_t n = strlen(s);
    put16(*p, (uint16_t)n);
    memcpy(*p + 2, s, n);
    *p += 2 + n;
}

int exec_request_target_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 1 || n > EXEC_TARGET_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9')))
            return 0;
    return 1;
}

long exec_request_encode(uint8_t *buf, size_t cap, uint32_t flags,
                         uint16_t rows, uint16_t cols, const char *user,
                         const char *cwd, const char *const *args,
                         const char *const *env, const char **why_r)
{
    return exec_request_encode_to(buf, cap, flags, rows, cols, NULL, user, cwd,
                                  args, env, why_r);
}

long exec_request_encode_to(uint8_t *buf, size_t cap, uint32_t flags,
                            uint16_t rows, uint16_t cols, const char *target,
                            const char *user, const char *cwd,
                            const char *const *args, const char *const *env,
                            const char **why_r)
{
    size_t nargs = 0, nenv = 0, len = EXEC_REQUEST_FIXED;
    if (flags & ~(EXEC_FLAGS_ALL & ~EXEC_FLAG_TARGET))
        return refuse(why_r, "unknown exec flags");
    if (target && target[0]) {
        if (!exec_request_target_ok(target))
            return refuse(why_r, "target is not a device name");
        flags |= EXEC_FLAG_TARGET;
        len += 2 + strlen(target);
    }
    if ((flags & EXEC_FLAG_TTY) ? (!rows || !cols) : (rows || cols))
        return refuse(why_r, "a window size goes with a tty, and only then");
    if (string_ok(user, why_r) < 0 || string_ok(cwd, why_r) < 0)
        return -1;
    if (cwd[0] && cwd[0] != '/')
        return refuse(why_r, "working directory is not absolute");
    len += 4 + strlen(user) + strlen(cwd);
    for (; args[nargs]; nargs++) {
        if (nargs == EXEC_MAX_ARGS)
            return refuse(why_r, "too many arguments for the exec channel");
        if (string_ok(args[nargs], why_r) < 0)
            return -1;
        len += 2 + strlen(args[nargs]);
    }
    if (!nargs || !args[0][0])
        return refuse(why_r, "no command to run");
    for (; env && env[nenv]; nenv++) {
        if (nenv == EXEC_MAX_ENV)
            return refuse(why_r, "too many environment entries");
        if (string_ok(env[nenv], why_r) < 0)
            return -1;
        if (!env[nenv][0] || env[nenv][0] == '=')
            return refuse(why_r, "environment entry is not KEY=VALUE or KEY");
        len += 2 + strlen(env[nenv]);
    }
    long total = put_header(buf, cap, EXEC_MSG_REQUEST, len, why_r);
    if (total < 0)
        return -1;
    uint8_t *p = buf + EXEC_HDR_LEN;
    put32(p, flags);
    put16(p + 4, rows);
    put16(p + 6, cols);
    put16(p + 8, (uint16_t)nargs);
    put16(p + 10, (uint16_t)nenv);
    p += EXEC_REQUEST_FIXED;
    if (flags & EXEC_FLAG_TARGET)
        put_string(&p, target);
    put_string(&p, user);
    put_string(&p, cwd);
    for (size_t i = 0; i < nargs; i++)
        put_string(&p, args[i]);
    for (size_t i = 0; i < nenv; i++)
        put_string(&p, env[i]);
    return total;
}

long exec_container_encode(uint8_t *buf, size_t cap, uint32_t flags,
                           uint16_t rows, uint16_t cols, const void *spec,
                           size_t spec_len, const char **why_r)
{
    if (window_ok(flags, rows, cols, why_r) < 0)
        return -1;
    if (!spec_len || spec_len > EXEC_CONTAINER_SPEC_MAX)
        return refuse(why_r,
                      "boot spec empty or larger than the channel carries");
    long total = put_header(buf, cap, EXEC_MSG_CONTAINER,
                            EXEC_CONTAINER_FIXED + spec_len, why_r);
    if (total < 0)
        return -1;
    uint8_t *p = buf + EXEC_HDR_LEN;
    put32(p, flags);
    put16(p + 4, rows);
    put16(p + 6, cols);
    memcpy(p + EXEC_CONTAINER_FIXED, spec, spec_len);
    return total;
}

long exec_data_encode(uint8_t *buf, size_t cap, enum exec_msg_type type,
                      const void *data, size_t len, const char **why_r)
{
    if (type != EXEC_MSG_STDIN && type != EXEC_MSG_STDOUT &&
        type != EXEC_MSG_STDERR)
        return refuse(why_r, "not a data message type");
    long total = put_header(buf, cap, type, len, why_r);
    if (total >= 0 && len)
        memcpy(buf + EXEC_HDR_LEN, data, len);
    return total;
}

long exec_resize_encode(uint8_t *buf, size_t cap, uint16_t rows, uint16_t cols,
                        const char **why_r)
{
    if (!rows || !cols)
        return refuse(why_r, "resize to an empty window");
    long total = put_header(buf, cap, EXEC_MSG_RESIZE, 4, why_r);
    if (total >= 0) {
        put16(buf + EXEC_HDR_LEN, rows);
        put16(buf + EXEC_HDR_LEN + 2, cols);
    }
    return total;
}

long exec_signal_encode(uint8_t *buf, size_t cap, int sig,
                        enum exec_signal_target target, const char **why_r)
{
    if (sig < 1 || sig > EXEC_MAX_SIGNAL)
        return refuse(why_r, "signal number out of range");
    if (target != EXEC_SIGNAL_PROCESS && target != EXEC_SIGNAL_CONTAINER)
        return refuse(why_r, "signal target unknown");
    long total = put_header(buf, cap, EXEC_MSG_SIGNAL, 8, why_r);
    if (total >= 0) {
        put32(buf + EXEC_HDR_LEN, (uint32_t)sig);
        put32(buf + EXEC_HDR_LEN + 4, (uint32_t)target);
    }
    return total;
}

long exec_exit_encode(uint8_t *buf, size_t cap, int code, const char **why_r)
{
    if (code < 0 || code > 255)
        return refuse(why_r, "exit code out of range");
    long total = put_header(buf, cap, EXEC_MSG_EXIT, 4, why_r);
    if (total >= 0)
        put32(buf + EXEC_HDR_LEN, (uint32_t)code);
    return total;
}

long exec_error_encode(uint8_t *buf, size_t cap, int errnum, const char *text,
                       const char **why_r)
{
    if (errnum < 0 || ((unsigned)errnum & ~EXEC_ERROR_SETUP) > 4095)
        return refuse(why_r, "error number out of range");
    size_t n = strnlen(text, EXEC_ERROR_MAX);
    long total = put_header(buf, cap, EXEC_MSG_ERROR, 4 + n, why_r);
    if (total < 0)
        return -1;
    put32(buf + EXEC_HDR_LEN, (uint32_t)errnum);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        buf[EXEC_HDR_LEN + 4 + i] = c >= 0x20 && c <= 0x7e ? c : '?';
    }
    return total;
}

long exec_ok_encode(uint8_t *buf, size_t cap, const char **why_r)
{
    return put_header(buf, cap, EXEC_MSG_OK, 0, why_r);
}

long exec_started_encode(uint8_t *buf, size_t cap, const char **why_r)
{
    return put_header(buf, cap, EXEC_MSG_STARTED, 0, why_r);
}
