/*
 * fuzz-exec-channel.c: libFuzzer target for the exec channel's reader and
 * decoders (common/abi/exec_channel.h), both sides: dom0 reads what a
 * hostile guest writes, the guest's init reads what dom0 writes (checked
 * again there).  The first input byte picks the side and the size of the
 * pieces the stream arrives in; the rest is the stream.  Every frame the
 * reader returns goes through its type's decoder; whatever is accepted
 * must hold to the header's limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/abi/exec_channel.h"
#include "replay.h"

static struct exec_reader reader;
static struct exec_request req;

static void check_frame(const struct exec_frame *f)
{
    const char *why = NULL;
    if (f->len > EXEC_PAYLOAD_MAX)
        __builtin_trap();
    switch (f->type) {
    case EXEC_MSG_REQUEST:
        if (exec_request_decode(&req, f->payload, f->len, &why) == 0) {
            if (req.nargs < 1 || req.nargs > EXEC_MAX_ARGS ||
                req.nenv > EXEC_MAX_ENV || req.args[req.nargs] ||
                req.env[req.nenv] || !req.args[0][0])
                __builtin_trap();
            for (size_t i = 0; i < req.nargs; i++)
                if (strlen(req.args[i]) > EXEC_STR_MAX)
                    __builtin_trap();
            /* KEY=VALUE, or KEY alone (a removal): a KEY either way. */
            for (size_t i = 0; i < req.nenv; i++)
                if (!req.env[i][0] || req.env[i][0] == '=')
                    __builtin_trap();
            if (req.cwd[0] && req.cwd[0] != '/')
                __builtin_trap();
        }
        break;
    case EXEC_MSG_RESIZE: {
        uint16_t rows, cols;
        if (exec_resize_decode(f->payload, f->len, &rows, &cols, &why) == 0 &&
            (!rows || !cols))
            __builtin_trap();
        break;
    }
    case EXEC_MSG_SIGNAL: {
        int sig;
        enum exec_signal_target t;
        if (exec_signal_decode(f->payload, f->len, &sig, &t, &why) == 0 &&
            (sig < 1 || sig > EXEC_MAX_SIGNAL))
            __builtin_trap();
        break;
    }
    case EXEC_MSG_EXIT: {
        int code;
        if (exec_exit_decode(f->payload, f->len, &code, &why) == 0 &&
            (code < 0 || code > 255))
            __builtin_trap();
        break;
    }
    case EXEC_MSG_ERROR: {
        char text[EXEC_ERROR_MAX + 1];
        int errnum;
        if (exec_error_decode(f->payload, f->len, &errnum, NULL, text,
                              sizeof(text), &why) == 0 &&
            strlen(text) > EXEC_ERROR_MAX)
            __builtin_trap();
        break;
    }
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum exec_reader_side side = data[0] & 1 ? EXEC_SIDE_DOM0 : EXEC_SIDE_GUEST;
    size_t step = (size_t)(data[0] >> 1) + 1;
    data++;
    size--;
    exec_reader_init(&reader, side);
    size_t off = 0;
    while (off < size) {
        size_t n = size - off < step ? size - off : step;
        size_t took = exec_reader_feed(&reader, data + off, n);
        off += took;
        struct exec_frame f;
        const char *why = NULL;
        int rc;
        while ((rc = exec_reader_next(&reader, &f, &why)) == 1)
            check_frame(&f);
        if (rc < 0)
            return 0;
        /* The reader always makes room once its frames are taken. */
        if (!took && n)
            __builtin_trap();
    }
    return 0;
}
