/*
 * test-exec-channel.c: the exec channel's wire format (common/abi/
 * exec_channel.h): every message survives encode -> reader -> decode, the
 * exact bytes of a frame, and each kind of bad input refused on the
 * reading side whichever side sends it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/abi/boot_spec.h"
#include "common/abi/exec_channel.h"

static uint8_t frame[EXEC_FRAME_MAX];

/* Feeds `len` bytes in pieces of `step` and returns the one frame. */
static int read_one(struct exec_reader *r, const uint8_t *buf, size_t len,
                    size_t step, struct exec_frame *f, const char **why)
{
    int rc = 0;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < step ? len - off : step;
        off += exec_reader_feed(r, buf + off, n);
        rc = exec_reader_next(r, f, why);
        if (rc != 0)
            return off == len ? rc : -2;
    }
    return rc;
}

static void test_request_round_trip(void **state)
{
    (void)state;
    const char *args[] = {"sh", "-c", "exit 7", NULL};
    /* "GONE" alone: the variable removed (Docker exec's -e KEY when the
     * client has none). */
    const char *env[] = {"A=1", "EMPTY=", "GONE", NULL};
    const char *why = NULL;
    long n = exec_request_encode(frame, sizeof(frame),
                                 EXEC_FLAG_TTY | EXEC_FLAG_STDIN, 24, 80,
                                 "1000:1000", "/tmp", args, env, &why);
    assert_true(n > EXEC_HDR_LEN);
    static struct exec_reader r;
    exec_reader_init(&r, EXEC_SIDE_GUEST);
    struct exec_frame f;
    /* Byte by byte: the reader waits for the whole frame. */
    assert_int_equal(read_one(&r, frame, (size_t)n, 1, &f, &why), 1);
    assert_int_equal(f.type, EXEC_MSG_REQUEST);
    static struct exec_request req;
    assert_int_equal(exec_request_decode(&req, f.payload, f.len, &why), 0);
    assert_int_equal(req.flags, EXEC_FLAG_TTY | EXEC_FLAG_STDIN);
    assert_int_equal(req.rows, 24);
    assert_int_equal(req.cols, 80);
    assert_string_equal(req.user, "1000:1000");
    assert_string_equal(req.cwd, "/tmp");
    assert_int_equal(req.nargs, 3);
    assert_string_equal(req.args[2], "exit 7");
    assert_null(req.args[3]);
    assert_int_equal(req.nenv, 3);
    assert_string_equal(req.env[1], "EMPTY=");
    assert_string_equal(req.env[2], "GONE");
    assert_null(req.env[3]);
    /* Nothing more in the stream. */
    assert_int_equal(exec_reader_next(&r, &f, &why), 0);
}

/* A REQUEST into a pod container names it first; a REQUEST without one
 * decodes with target "".  A target that is no device name is refused
 * both ways, and a CONTAINER cannot carry the flag. */
static void test_request_target(void **state)
{
    (void)state;
    const char *args[] = {"cat", "/etc/hostname", NULL};
    const char *why = NULL;
    static struct exec_request req;
    long n = exec_request_encode_to(frame, sizeof(frame), 0, 0, 0, "xvdc", "",
                                    "", args, NULL, &why);
    assert_true(n > EXEC_HDR_LEN);
    assert_int_equal(exec_request_decode(&req, frame + EXEC_HDR_LEN,
                                         (size_t)n - EXEC_HDR_LEN, &why),
                     0);
    assert_int_equal(req.flags, EXEC_FLAG_TARGET);
    assert_string_equal(req.target, "xvdc");
    assert_string_equal(req.user, "");
    assert_string_equal(req.args[1], "/etc/hostname");
    n = exec_request_encode(frame, sizeof(frame), 0, 0, 0, "", "", args, NULL,
                            &why);
    assert_int_equal(exec_request_decode(&req, frame + EXEC_HDR_LEN,
                                         (size_t)n - EXEC_HDR_LEN, &why),
                     0);
    assert_int_equal(req.flags, 0);
    assert_string_equal(req.target, "");
    static const char *const bad[] = {"../x", "xvd/b", "XVDB", "a b",
                                      "abcdefghijklmnopq"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(exec_request_encode_to(frame, sizeof(frame), 0, 0, 0,
                                                bad[i], "", "", args, NULL,
                                                &why),
                         -1);
        /* Encoded by hand: the guest refuses it too. */
        n = exec_request_encode_to(frame, sizeof(frame), 0, 0, 0, "xvdb", "",
                                   "", args, NULL, &why);
        uint8_t *t = frame + EXEC_HDR_LEN + EXEC_REQUEST_FIXED + 2;
        memcpy(t, bad[i], 4); /* same length field: 4 */
        /* "../x", "xvd/", "XVDB" (the first four bytes of the rest are a
         * valid name or too short to keep the length). */
        if (i < 3) {
            why = NULL;
            assert_int_equal(exec_request_decode(&req, frame + EXEC_HDR_LEN,
                                                 (size_t)n - EXEC_HDR_LEN,
                                                 &why),
                             -1);
            assert_non_null(strstr(why, "target"));
        }
    }
    uint8_t spec[8] = {1};
    assert_int_equal(exec_container_encode(frame, sizeof(frame),
                                           EXEC_FLAG_TARGET, 0, 0, spec,
                                           sizeof(spec), &why),
                     -1);
}

static void test_frame_bytes(void **state)
{
    (void)state;
    const char *why = NULL;
    /* version 1, EXIT (18), reserved 0, length 4, code 7: little-endian. */
    static const uint8_t want[] = {1, 18, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0};
    assert_int_equal(exec_exit_encode(frame, sizeof(frame), 7, &why),
                     sizeof(want));
    assert_memory_equal(frame, want, sizeof(want));
    static const uint8_t sig[] = {1,  4, 0, 0, 8, 0, 0, 0,
                                  12, 0, 0, 0, 1, 0, 0, 0};
    assert_int_equal(exec_signal_encode(frame, sizeof(frame), 12,
                                        EXEC_SIGNAL_CONTAINER, &why),
                     sizeof(sig));
    assert_memory_equal(frame, sig, sizeof(sig));
}

static void test_small_messages(void **state)
{
    (void)state;
    const char *why = NULL;
    static struct exec_reader g, d;
    exec_reader_init(&g, EXEC_SIDE_GUEST);
    exec_reader_init(&d, EXEC_SIDE_DOM0);
    struct exec_frame f;
    long n;

    n = exec_resize_encode(frame, sizeof(frame), 50, 132, &why);
    assert_int_equal(read_one(&g, frame, (size_t)n, 3, &f, &why), 1);
    uint16_t rows = 0, cols = 0;
    assert_int_equal(exec_resize_decode(f.payload, f.len, &rows, &cols, &why),
                     0);
    assert_int_equal(rows, 50);
    assert_int_equal(cols, 132);

    n = exec_signal_encode(frame, sizeof(frame), 12, EXEC_SIGNAL_PROCESS, &why);
    assert_int_equal(read_one(&g, frame, (size_t)n, 64, &f, &why), 1);
    int sig = 0;
    enum exec_signal_target t = EXEC_SIGNAL_CONTAINER;
    assert_int_equal(exec_signal_decode(f.payload, f.len, &sig, &t, &why), 0);
    assert_int_equal(sig, 12);
    assert_int_equal(t, EXEC_SIGNAL_PROCESS);

    n = exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDIN, "", 0, &why);
    assert_int_equal(n, EXEC_HDR_LEN);
    assert_int_equal(read_one(&g, frame, (size_t)n, 64, &f, &why), 1);
    assert_int_equal(f.type, EXEC_MSG_STDIN);
    assert_int_equal(f.len, 0);

    n = exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDERR, "oops\n", 5,
                         &why);
    assert_int_equal(read_one(&d, frame, (size_t)n, 64, &f, &why), 1);
    assert_int_equal(f.type, EXEC_MSG_STDERR);
    assert_memory_equal(f.payload, "oops\n", 5);

    n = exec_error_encode(frame, sizeof(frame), 2, "no such\tfile", &why);
    assert_int_equal(read_one(&d, frame, (size_t)n, 64, &f, &why), 1);
    char text[EXEC_ERROR_MAX + 1];
    int errnum = 0;
    bool setup = true;
    assert_int_equal(exec_error_decode(f.payload, f.len, &errnum, &setup, text,
                                       sizeof(text), &why),
                     0);
    assert_int_equal(errnum, 2);
    assert_false(setup);
    assert_int_equal(exec_error_shell_code(errnum, setup), 127);
    /* A control character the sender had becomes '?', not a refusal. */
    assert_string_equal(text, "no such?file");
    /* A step before the exec (a cwd not there): the errno, and the flag
     * that makes the shell's code 1, not 127. */
    n = exec_error_encode(frame, sizeof(frame), ENOENT | (int)EXEC_ERROR_SETUP,
                          "chdir /x", &why);
    assert_int_equal(read_one(&d, frame, (size_t)n, 64, &f, &why), 1);
    assert_int_equal(exec_error_decode(f.payload, f.len, &errnum, &setup, text,
                                       sizeof(text), &why),
                     0);
    assert_int_equal(errnum, ENOENT);
    assert_true(setup);
    assert_int_equal(exec_error_shell_code(errnum, setup), 1);
    assert_int_equal(exec_error_shell_code(EACCES, false), 126);

    n = exec_ok_encode(frame, sizeof(frame), &why);
    assert_int_equal(read_one(&d, frame, (size_t)n, 64, &f, &why), 1);
    assert_int_equal(f.type, EXEC_MSG_OK);

    n = exec_started_encode(frame, sizeof(frame), &why);
    assert_int_equal(n, EXEC_HDR_LEN);
    assert_int_equal(read_one(&d, frame, (size_t)n, 64, &f, &why), 1);
    assert_int_equal(f.type, EXEC_MSG_STARTED);

    n = exec_exit_encode(frame, sizeof(frame), 255, &why);
    assert_int_equal(read_one(&d, frame, (size_t)n, 64, &f, &why), 1);
    int code = 0;
    assert_int_equal(exec_exit_decode(f.payload, f.len, &code, &why), 0);
    assert_int_equal(code, 255);
}

/* Several frames in one feed come out one by one, the payload of each
 * valid until the next call. */
static void test_stream_of_frames(void **state)
{
    (void)state;
    const char *why = NULL;
    static uint8_t stream[3 * (EXEC_HDR_LEN + EXEC_DATA_CHUNK)];
    size_t len = 0;
    static char chunk[EXEC_DATA_CHUNK];
    for (int i = 0; i < 3; i++) {
        memset(chunk, 'a' + i, sizeof(chunk));
        len += (size_t)exec_data_encode(stream + len, sizeof(stream) - len,
                                        EXEC_MSG_STDOUT, chunk, sizeof(chunk),
                                        &why);
    }
    static struct exec_reader d;
    exec_reader_init(&d, EXEC_SIDE_DOM0);
    assert_int_equal(exec_reader_feed(&d, stream, len), len);
    struct exec_frame f;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(exec_reader_next(&d, &f, &why), 1);
        assert_int_equal(f.len, EXEC_DATA_CHUNK);
        assert_int_equal(f.payload[0], 'a' + i);
        assert_int_equal(f.payload[EXEC_DATA_CHUNK - 1], 'a' + i);
    }
    assert_int_equal(exec_reader_next(&d, &f, &why), 0);
    assert_int_equal(exec_reader_room(&d), EXEC_FRAME_MAX);
}

/* A header that claims the maximum fills the reader exactly; one byte more
 * is refused from the header alone, before any payload arrives. */
static void test_bounded_length(void **state)
{
    (void)state;
    const char *why = NULL;
    static struct exec_reader d;
    exec_reader_init(&d, EXEC_SIDE_DOM0);
    uint8_t h[EXEC_HDR_LEN] = {1, EXEC_MSG_STDOUT, 0, 0};
    uint32_t big = EXEC_PAYLOAD_MAX + 1;
    h[4] = (uint8_t)big;
    h[5] = (uint8_t)(big >> 8);
    h[6] = (uint8_t)(big >> 16);
    h[7] = (uint8_t)(big >> 24);
    exec_reader_feed(&d, h, sizeof(h));
    struct exec_frame f;
    assert_int_equal(exec_reader_next(&d, &f, &why), -1);
    assert_string_equal(why, "payload longer than the limit");
    /* Poisoned: even good bytes after it are refused. */
    long n = exec_ok_encode(frame, sizeof(frame), &why);
    exec_reader_feed(&d, frame, (size_t)n);
    assert_int_equal(exec_reader_next(&d, &f, &why), -1);

    exec_reader_init(&d, EXEC_SIDE_DOM0);
    static uint8_t data[EXEC_PAYLOAD_MAX];
    n = exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDOUT, data,
                         sizeof(data), &why);
    assert_int_equal(n, EXEC_FRAME_MAX);
    assert_int_equal(exec_reader_feed(&d, frame, (size_t)n), EXEC_FRAME_MAX);
    assert_int_equal(exec_reader_room(&d), 0);
    assert_int_equal(exec_reader_next(&d, &f, &why), 1);
    assert_int_equal(exec_reader_room(&d), EXEC_FRAME_MAX);
}

/* Each kind of bad header, on the side that would read it. */
static void test_bad_headers(void **state)
{
    (void)state;
    static const struct {
        enum exec_reader_side side;
        uint8_t h[EXEC_HDR_LEN];
        const char *why;
    } cases[] = {
        {EXEC_SIDE_DOM0,
         {2, 18, 0, 0, 4, 0, 0, 0},
         "wrong exec channel version"},
        {EXEC_SIDE_DOM0,
         {0, 18, 0, 0, 4, 0, 0, 0},
         "wrong exec channel version"},
        {EXEC_SIDE_DOM0, {1, 18, 1, 0, 4, 0, 0, 0}, "reserved header bits set"},
        {EXEC_SIDE_DOM0, {1, 0, 0, 0, 0, 0, 0, 0}, "unknown message type"},
        {EXEC_SIDE_DOM0, {1, 99, 0, 0, 0, 0, 0, 0}, "unknown message type"},
        /* A guest may not send dom0's messages, nor dom0 the guest's. */
        {EXEC_SIDE_DOM0,
         {1, 1, 0, 0, 12, 0, 0, 0},
         "message type sent in the wrong direction"},
        {EXEC_SIDE_GUEST,
         {1, 18, 0, 0, 4, 0, 0, 0},
         "message type sent in the wrong direction"},
        {EXEC_SIDE_DOM0,
         {1, 18, 0, 0, 5, 0, 0, 0},
         "payload length wrong for its type"},
        {EXEC_SIDE_DOM0,
         {1, 20, 0, 0, 1, 0, 0, 0},
         "payload length wrong for its type"},
        {EXEC_SIDE_DOM0,
         {1, 21, 0, 0, 1, 0, 0, 0},
         "payload length wrong for its type"},
        {EXEC_SIDE_GUEST,
         {1, 21, 0, 0, 0, 0, 0, 0},
         "message type sent in the wrong direction"},
        {EXEC_SIDE_GUEST,
         {1, 4, 0, 0, 4, 0, 0, 0},
         "payload length wrong for its type"},
        {EXEC_SIDE_DOM0,
         {1, 19, 0, 0, 3, 0, 0, 0},
         "error message length out of range"},
        {EXEC_SIDE_DOM0,
         {1, 19, 0, 0, 4 + 1, 2, 0, 0},
         "error message length out of range"},
        {EXEC_SIDE_GUEST,
         {1, 1, 0, 0, 11, 0, 0, 0},
         "request shorter than its fixed fields"},
        {EXEC_SIDE_GUEST,
         {1, 2, 0, 0, 0xff, 0xff, 0xff, 0xff},
         "payload longer than the limit"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        static struct exec_reader r;
        exec_reader_init(&r, cases[i].side);
        exec_reader_feed(&r, cases[i].h, EXEC_HDR_LEN);
        struct exec_frame f;
        const char *why = NULL;
        assert_int_equal(exec_reader_next(&r, &f, &why), -1);
        assert_string_equal(why, cases[i].why);
    }
}

/* Builds a request payload by hand (fixed fields + strings). */
static size_t raw_request(uint8_t *p, uint32_t flags, uint16_t rows,
                          uint16_t cols, uint16_t nargs, uint16_t nenv,
                          const char *const *strs, size_t nstrs)
{
    size_t n = 0;
    uint8_t fixed[EXEC_REQUEST_FIXED] = {
        (uint8_t)flags,         (uint8_t)(flags >> 8), (uint8_t)(flags >> 16),
        (uint8_t)(flags >> 24), (uint8_t)rows,         (uint8_t)(rows >> 8),
        (uint8_t)cols,          (uint8_t)(cols >> 8),  (uint8_t)nargs,
        (uint8_t)(nargs >> 8),  (uint8_t)nenv,         (uint8_t)(nenv >> 8)};
    memcpy(p, fixed, sizeof(fixed));
    n = sizeof(fixed);
    for (size_t i = 0; i < nstrs; i++) {
        size_t l = strlen(strs[i]);
        p[n] = (uint8_t)l;
        p[n + 1] = (uint8_t)(l >> 8);
        memcpy(p + n + 2, strs[i], l);
        n += 2 + l;
    }
    return n;
}

static void test_bad_requests(void **state)
{
    (void)state;
    static struct exec_request req;
    static uint8_t p[EXEC_PAYLOAD_MAX];
    const char *why = NULL;
    const char *ok[] = {"", "", "true"};
    size_t n = raw_request(p, 0, 0, 0, 1, 0, ok, 3);
    assert_int_equal(exec_request_decode(&req, p, n, &why), 0);
    assert_string_equal(req.args[0], "true");
    assert_string_equal(req.user, "");

    struct {
        uint32_t flags;
        uint16_t rows, cols, nargs, nenv;
        const char *strs[4];
        size_t nstrs;
        int trailing;
        const char *why;
    } cases[] = {
        {8, 0, 0, 1, 0, {"", "", "true"}, 3, 0, "request has unknown flags"},
        {EXEC_FLAG_TTY,
         0,
         80,
         1,
         0,
         {"", "", "true"},
         3,
         0,
         "tty request without a window size"},
        {0, 24, 80, 1, 0, {"", "", "true"}, 3, 0, "window size without a tty"},
        {0, 0, 0, 0, 0, {"", ""}, 2, 0, "request argument count out of range"},
        {0,
         0,
         0,
         EXEC_MAX_ARGS + 1,
         0,
         {"", "", "true"},
         3,
         0,
         "request argument count out of range"},
        {0,
         0,
         0,
         1,
         EXEC_MAX_ENV + 1,
         {"", "", "true"},
         3,
         0,
         "request environment count out of range"},
        {0,
         0,
         0,
         1,
         0,
         {"", "tmp", "true"},
         3,
         0,
         "request working directory is not absolute"},
        {0, 0, 0, 1, 0, {"", "", ""}, 3, 0, "request command is empty"},
        {0,
         0,
         0,
         1,
         1,
         {"", "", "true", "=x"},
         4,
         0,
         "request environment entry is not KEY=VALUE or KEY"},
        {0,
         0,
         0,
         1,
         1,
         {"", "", "true", ""},
         4,
         0,
         "request environment entry is not KEY=VALUE or KEY"},
        {0,
         0,
         0,
         2,
         0,
         {"", "", "true"},
         3,
         0,
         "request ends inside a string length"},
        {0,
         0,
         0,
         1,
         0,
         {"", "", "true"},
         3,
         1,
         "request has bytes after its strings"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = raw_request(p, cases[i].flags, cases[i].rows, cases[i].cols,
                        cases[i].nargs, cases[i].nenv, cases[i].strs,
                        cases[i].nstrs);
        if (cases[i].trailing)
            p[n++] = 'x';
        why = NULL;
        assert_int_equal(exec_request_decode(&req, p, n, &why), -1);
        assert_string_equal(why, cases[i].why);
    }
    /* A string whose length runs past the payload; one with a NUL; one
     * over the limit. */
    n = raw_request(p, 0, 0, 0, 1, 0, ok, 3);
    assert_int_equal(exec_request_decode(&req, p, n - 1, &why), -1);
    assert_string_equal(why, "request ends inside a string");
    p[n - 2] = '\0';
    assert_int_equal(exec_request_decode(&req, p, n, &why), -1);
    assert_string_equal(why, "request string holds a NUL byte");
    n = raw_request(p, 0, 0, 0, 1, 0, ok, 2);
    p[n] = (uint8_t)(EXEC_STR_MAX + 1);
    p[n + 1] = (uint8_t)((EXEC_STR_MAX + 1) >> 8);
    memset(p + n + 2, 'a', EXEC_STR_MAX + 1);
    assert_int_equal(
        exec_request_decode(&req, p, n + 2 + EXEC_STR_MAX + 1, &why), -1);
    assert_string_equal(why, "request string longer than the limit");
}

static void test_bad_small_payloads(void **state)
{
    (void)state;
    const char *why = NULL;
    uint16_t rows, cols;
    int v;
    enum exec_signal_target t;
    char text[EXEC_ERROR_MAX + 1];
    const uint8_t zero_rows[4] = {0, 0, 80, 0};
    assert_int_equal(exec_resize_decode(zero_rows, 4, &rows, &cols, &why), -1);
    const uint8_t sig0[8] = {0};
    assert_int_equal(exec_signal_decode(sig0, 8, &v, &t, &why), -1);
    assert_string_equal(why, "signal number out of range");
    const uint8_t sig65[8] = {65, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(exec_signal_decode(sig65, 8, &v, &t, &why), -1);
    const uint8_t target2[8] = {9, 0, 0, 0, 2, 0, 0, 0};
    assert_int_equal(exec_signal_decode(target2, 8, &v, &t, &why), -1);
    assert_string_equal(why, "signal target unknown");
    const uint8_t code256[4] = {0, 1, 0, 0};
    assert_int_equal(exec_exit_decode(code256, 4, &v, &why), -1);
    assert_string_equal(why, "exit code out of range");
    const uint8_t ctl[6] = {2, 0, 0, 0, 'a', '\n'};
    assert_int_equal(
        exec_error_decode(ctl, 6, &v, NULL, text, sizeof(text), &why), -1);
    assert_string_equal(why, "error text is not printable ASCII");
    const uint8_t bigerr[5] = {0, 0x20, 0, 0, 'a'}; /* past 4095 and the flag */
    assert_int_equal(
        exec_error_decode(bigerr, 5, &v, NULL, text, sizeof(text), &why), -1);
}

/* The encoder refuses what the decoder would, before anything is sent. */
static void test_encoder_limits(void **state)
{
    (void)state;
    const char *why = NULL;
    const char *none[] = {NULL};
    const char *args[] = {"true", NULL};
    const char *badenv[] = {"=X", NULL};
    assert_int_equal(exec_request_encode(frame, sizeof(frame), 0, 0, 0, "", "",
                                         none, NULL, &why),
                     -1);
    assert_int_equal(exec_request_encode(frame, sizeof(frame), 0, 0, 0, "",
                                         "rel", args, NULL, &why),
                     -1);
    assert_int_equal(exec_request_encode(frame, sizeof(frame), 0, 0, 0, "", "",
                                         args, badenv, &why),
                     -1);
    assert_string_equal(why, "environment entry is not KEY=VALUE or KEY");
    assert_int_equal(exec_request_encode(frame, sizeof(frame), EXEC_FLAG_TTY, 0,
                                         0, "", "", args, NULL, &why),
                     -1);
    static char longarg[EXEC_STR_MAX + 2];
    memset(longarg, 'a', EXEC_STR_MAX + 1);
    const char *longargs[] = {longarg, NULL};
    assert_int_equal(exec_request_encode(frame, sizeof(frame), 0, 0, 0, "", "",
                                         longargs, NULL, &why),
                     -1);
    static const char *many[EXEC_MAX_ARGS + 2];
    for (size_t i = 0; i < EXEC_MAX_ARGS + 1; i++)
        many[i] = "a";
    assert_int_equal(exec_request_encode(frame, sizeof(frame), 0, 0, 0, "", "",
                                         many, NULL, &why),
                     -1);
    assert_string_equal(why, "too many arguments for the exec channel");
    /* A buffer too small for the frame: the encoder says so instead of
     * cutting it. */
    assert_int_equal(
        exec_request_encode(frame, 20, 0, 0, 0, "", "", args, NULL, &why), -1);
    assert_string_equal(why, "frame buffer too small");
    assert_int_equal(
        exec_signal_encode(frame, sizeof(frame), 0, EXEC_SIGNAL_PROCESS, &why),
        -1);
    assert_int_equal(exec_exit_encode(frame, sizeof(frame), 256, &why), -1);
    assert_int_equal(
        exec_data_encode(frame, sizeof(frame), EXEC_MSG_EXIT, "", 0, &why), -1);
}

/* The channel's limits agree with the boot spec's, which the entrypoint's
 * process has: an exec'd process gets no more than the entrypoint. */
static void test_limits_agree(void **state)
{
    (void)state;
    assert_int_equal(EXEC_MAX_SIGNAL, BOOT_SPEC_MAX_SIGNAL);
    assert_int_equal(EXEC_STR_MAX + 1, BOOT_SPEC_MAX_STR);
    assert_true(EXEC_DATA_CHUNK <= EXEC_PAYLOAD_MAX);
    assert_true(EXEC_DATA_CHUNK + EXEC_HDR_LEN <= EXEC_CHANNEL_RING_TO_DOM0);
    assert_true(EXEC_PAYLOAD_MAX < UINT32_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_round_trip),
        cmocka_unit_test(test_request_target),
        cmocka_unit_test(test_frame_bytes),
        cmocka_unit_test(test_small_messages),
        cmocka_unit_test(test_stream_of_frames),
        cmocka_unit_test(test_bounded_length),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_bad_small_payloads),
        cmocka_unit_test(test_encoder_limits),
        cmocka_unit_test(test_limits_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
