/*
 * common/abi/exec_channel.h: the exec channel between dom0 (xl-oci exec,
 * xl-oci-runc exec and kill) and the loader's init in a domain.  One
 * definition for both sides, after Xen's public/io/xs_wire.h: framing,
 * message types, payload layouts, limits, version and the transport's
 * names.
 *
 * Transport: a libxenvchan byte stream (docs/decisions.md, "exec channel:
 * vchan, not a libxl channel").  The guest is the vchan server; dom0
 * connects as the client (grant mapping needs dom0 root).  Each channel
 * carries one session.  Up to EXEC_CHANNEL_SLOTS sessions run at once
 * (docs/decisions.md, "exec sessions run side by side"): while fewer run,
 * the guest keeps exactly one channel on offer, under
 * /local/domain/<domid>/EXEC_CHANNEL_XS_DIR/<slot> (slot 0..SLOTS-1, in
 * decimal; libxenvchan's keys ring-ref and event-channel), and offers the
 * next one as soon as a client connects.  dom0 claims an offer under a
 * lock of its own (connect, then remove the slot's directory, so no other
 * client maps the same ring), and releases the lock before the session
 * runs.  A loader from before slots offered its one channel at
 * EXEC_CHANNEL_XS_DIR itself; dom0 still connects there when no slot is
 * on offer.
 *
 * Framing: every message is an 8-byte header and a payload,
 *   u8  version   EXEC_CHANNEL_VERSION
 *   u8  type      enum exec_msg_type
 *   u16 reserved  0
 *   u32 length    payload bytes, <= EXEC_PAYLOAD_MAX
 * all integers little-endian.  Each type is sent in one direction only;
 * a reader refuses the other direction's types, unknown types, a wrong
 * version, non-zero reserved bits and lengths over the limit or not what
 * the type allows.  Both sides are hostile to each other: the guest may
 * be anything, and dom0's requests are checked again in the guest.
 *
 * Payloads (all integers little-endian):
 *   REQUEST  (to guest)  u32 flags (EXEC_FLAG_*), u16 rows, u16 cols,
 *                        u16 nargs (1..EXEC_MAX_ARGS), u16 nenv
 *                        (0..EXEC_MAX_ENV), then 2 + nargs + nenv strings
 *                        user, cwd, args..., env..., each u16 length and
 *                        that many bytes (no NUL, <= EXEC_STR_MAX).  user ""
 *                        and cwd "" mean the container's own; cwd is
 *                        otherwise absolute; env entries are KEY=VALUE with
 *                        a non-empty KEY, or KEY alone: that variable
 *                        removed from the process's environment (Docker
 *                        exec's "-e KEY" when the client has no KEY);
 *                        of entries naming one KEY the last one counts.  rows/cols are 0 without a tty.
 *                        With EXEC_FLAG_TARGET the strings begin with one
 *                        more, before user: the pod container the
 *                        process runs in, named by its root device
 *                        ("xvdb": exec_request_target_ok), whose
 *                        namespaces, user, cwd, env and privileges then
 *                        take the place of the domain's container's.
 *   STDIN    (to guest)  bytes; an empty STDIN is the end of input.
 *   RESIZE   (to guest)  u16 rows, u16 cols (both >= 1).
 *   SIGNAL   (to guest)  u32 signal (1..EXEC_MAX_SIGNAL), u32 target
 *                        (enum exec_signal_target).  Valid in a session
 *                        with a REQUEST (target PROCESS) or as the first
 *                        and only message of one (target CONTAINER).
 *   STDOUT, STDERR (to dom0)  bytes of the process's output.
 *   EXIT     (to dom0)  u32 code, 0..255 in the shell convention (128+N
 *                        for signal N); the last message of a session.
 *   ERROR    (to dom0)  u32 errno value (1..4095), or'd with
 *                        EXEC_ERROR_SETUP when a step before the
 *                        program's exec failed (its user, its cwd, the
 *                        namespaces, the terminal) rather than the exec,
 *                        then text (printable ASCII, <= EXEC_ERROR_MAX
 *                        bytes): why the request was refused or could not
 *                        start; the last message.
 *   OK       (to dom0)  empty: the SIGNAL to the container was delivered.
 *   STARTED  (to dom0)  empty: the REQUEST's process runs (its exec
 *                        succeeded); sent before any of its output.
 *   CONTAINER (to guest) u32 flags (EXEC_FLAG_*), u16 rows, u16 cols,
 *                        then the rest of the payload (1..EXEC_CONTAINER_
 *                        SPEC_MAX bytes) is a boot spec blob (common/abi/
 *                        boot_spec.h) of a container of the domain's pod:
 *                        its root device, volumes, process, user and
 *                        limits.  The guest runs it beside the domain's
 *                        own container, in a mount and a PID namespace of
 *                        its own (its process is PID 1 there, as runc runs
 *                        a container without --init), sharing the
 *                        domain's network, UTS and IPC namespaces, as a
 *                        Kubernetes pod's containers share the sandbox's.
 *                        The spec configures no interface (the pod's
 *                        network is the domain's).  The session then runs
 *                        as a REQUEST's does: STDIN, RESIZE and SIGNAL
 *                        (target PROCESS: the container's PID 1) go in,
 *                        STARTED, output and EXIT (or ERROR) come back;
 *                        dom0 leaving the session kills the container.
 *
 * Plain C, no includes of ours: host and guest code include it alike.
 */
#ifndef XL_OCI_COMMON_ABI_EXEC_CHANNEL_H
#define XL_OCI_COMMON_ABI_EXEC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXEC_CHANNEL_VERSION 1

/* Relative to /local/domain/<domid>/: where the guest's vchan server puts
 * its ring-ref and event-channel keys (libxenvchan's names). */
#define EXEC_CHANNEL_XS_DIR "data/xl-oci-exec"
/* Sessions one domain runs at once: EXEC_CHANNEL_EXEC_SESSIONS of exec
 * and kill (an interactive `kubectl exec -it` beside exec probes, a kill
 * and another exec), and the rest for the containers of a pod's domain
 * (CONTAINER), each holding its session for its life; a pod container's
 * session does not count against the exec sessions.  Slot names are
 * decimal, at most two digits. */
#define EXEC_CHANNEL_SLOTS 20
#define EXEC_CHANNEL_EXEC_SESSIONS 4
/* Written "1" under EXEC_CHANNEL_XS_DIR by a guest whose server gave up
 * offering (exec disabled): dom0 then says so, rather than that every
 * session is busy or that the loader has no exec. */
#define EXEC_CHANNEL_DISABLED_KEY "disabled"
/* Ring sizes the guest asks libxenvchan for, in bytes. */
#define EXEC_CHANNEL_RING_TO_GUEST 4096
#define EXEC_CHANNEL_RING_TO_DOM0 65536

#define EXEC_HDR_LEN 8
#define EXEC_PAYLOAD_MAX 65536 /* bytes of one payload */
#define EXEC_DATA_CHUNK 16384  /* bytes of output a sender puts in one frame */
#define EXEC_FRAME_MAX (EXEC_HDR_LEN + EXEC_PAYLOAD_MAX)
#define EXEC_MAX_ARGS 256
#define EXEC_MAX_ENV 256
#define EXEC_STR_MAX 4095 /* bytes of one string, no NUL: BOOT_SPEC_MAX_STR */
#define EXEC_ERROR_MAX 512
/* ERROR's flag: the process was never exec'd (exec_error_shell_code). */
#define EXEC_ERROR_SETUP 0x1000u
#define EXEC_MAX_SIGNAL 64 /* SIGRTMAX on Linux */
/* The REQUEST fields before its strings. */
#define EXEC_REQUEST_FIXED 12
/* The CONTAINER fields before its boot spec, and the spec's room. */
#define EXEC_CONTAINER_FIXED 8
#define EXEC_CONTAINER_SPEC_MAX (EXEC_PAYLOAD_MAX - EXEC_CONTAINER_FIXED)

#define EXEC_FLAG_TTY 0x1u /* a pty, rows x cols */
/* What a process with a pty (EXEC_FLAG_TTY; NOHYPER's exec -t) finds in
 * its environment when neither the container's env nor the request's
 * names TERM, as docker exec -t gives: full-screen programs (vi, less,
 * top) refuse or misdraw without one. */
#define EXEC_TTY_TERM "TERM=xterm"
#define EXEC_FLAG_STDIN 0x2u  /* STDIN messages follow; else stdin is empty */
#define EXEC_FLAG_TARGET 0x4u /* REQUEST: in a pod container (its target) */
#define EXEC_FLAGS_ALL (EXEC_FLAG_TTY | EXEC_FLAG_STDIN | EXEC_FLAG_TARGET)
/* Bytes of a REQUEST's target. */
#define EXEC_TARGET_MAX 16

enum exec_msg_type {
    EXEC_MSG_REQUEST = 1,
    EXEC_MSG_STDIN = 2,
    EXEC_MSG_RESIZE = 3,
    EXEC_MSG_SIGNAL = 4,
    EXEC_MSG_CONTAINER = 5,
    EXEC_MSG_STDOUT = 16,
    EXEC_MSG_STDERR = 17,
    EXEC_MSG_EXIT = 18,
    EXEC_MSG_ERROR = 19,
    EXEC_MSG_OK = 20,
    EXEC_MSG_STARTED = 21,
};

/* Who reads a frame: the guest reads dom0's types, dom0 the guest's. */
enum exec_reader_side {
    EXEC_SIDE_GUEST, /* accepts REQUEST STDIN RESIZE SIGNAL CONTAINER */
    EXEC_SIDE_DOM0,  /* accepts STDOUT STDERR EXIT ERROR OK STARTED */
};

enum exec_signal_target {
    EXEC_SIGNAL_PROCESS = 0,   /* the process this session runs */
    EXEC_SIGNAL_CONTAINER = 1, /* the container's process 1 */
};

/*
 * A decoded REQUEST.  The strings point into `storage` (NUL-terminated);
 * args and env end with NULL, as execve() takes them.
 */
struct exec_request {
    uint32_t flags;
    uint16_t rows, cols;
    const char *target; /* "" = the domain's container; else a pod's */
    const char *user;   /* "" = the container's user */
    const char *cwd;    /* "" = the container's cwd */
    size_t nargs, nenv;
    const char *args[EXEC_MAX_ARGS + 1];
    const char *env[EXEC_MAX_ENV + 1];
    char storage[EXEC_PAYLOAD_MAX];
};

/* A decoded CONTAINER; spec points into the frame's payload. */
struct exec_container {
    uint32_t flags;
    uint16_t rows, cols;
    const uint8_t *spec;
    size_t spec_len;
};

/*
 * A stream reader: bytes in as they come (exec_reader_feed), whole frames
 * out (exec_reader_next).  A refused frame poisons the reader: the stream
 * has lost its framing, the caller ends the session.
 */
struct exec_reader {
    enum exec_reader_side side;
    int failed;
    size_t len;   /* bytes held in buf */
    size_t taken; /* bytes of the frame last returned, dropped next call */
    uint8_t buf[EXEC_FRAME_MAX];
};

/* A frame the reader returned; payload points into the reader's buffer
 * and is valid until the next exec_reader_feed or exec_reader_next. */
struct exec_frame {
    enum exec_msg_type type;
    uint32_t len;
    const uint8_t *payload;
};

void exec_reader_init(struct exec_reader *r, enum exec_reader_side side);

/* Room left for exec_reader_feed, in bytes (the frame last returned
 * counts as free); 0 only while a whole frame waits for exec_reader_next. */
size_t exec_reader_room(const struct exec_reader *r);

/* Copies up to exec_reader_room() bytes in; returns how many it took. */
size_t exec_reader_feed(struct exec_reader *r, const void *data, size_t len);

/*
 * The next whole frame: 1 and *f set, 0 when more bytes are needed, -1
 * with *why_r (a static string) when the stream is refused (the header or,
 * for fixed-size types, the length is wrong); then it stays -1.
 */
int exec_reader_next(struct exec_reader *r, struct exec_frame *f,
                     const char **why_r);

/* Payload checks: 0, or -1 and *why_r (a static string). */
int exec_request_decode(struct exec_request *req, const uint8_t *p, size_t len,
                        const char **why_r);
/* The boot spec is only bounded here; the guest's boot spec reader
 * checks what it says. */
int exec_container_decode(struct exec_container *c, const uint8_t *p,
                          size_t len, const char **why_r);
int exec_resize_decode(const uint8_t *p, size_t len, uint16_t *rows_r,
                       uint16_t *cols_r, const char **why_r);
int exec_signal_decode(const uint8_t *p, size_t len, int *sig_r,
                       enum exec_signal_target *target_r, const char **why_r);
int exec_exit_decode(const uint8_t *p, size_t len, int *code_r,
                     const char **why_r);
/* text_r receives the message, NUL-terminated; textsz >= EXEC_ERROR_MAX+1.
 * *errnum_r gets the errno value, without EXEC_ERROR_SETUP; *setup_r (may
 * be NULL) whether it was set. */
int exec_error_decode(const uint8_t *p, size_t len, int *errnum_r,
                      bool *setup_r, char *text_r, size_t textsz,
                      const char **why_r);

/*
 * The exit code a shell gives for an ERROR, as xl-oci exec and runc's
 * users report it: 127 when the program was not found (ENOENT at its
 * exec), 126 when it could not be run (any other errno at its exec), 1
 * when a step before it failed (`setup`: a cwd or user that is not
 * there), the process never having been started.
 */
int exec_error_shell_code(int errnum, bool setup);

/*
 * Encoders write a whole frame (header and payload) into buf of cap bytes
 * and return its length, or -1 with *why_r when the input breaks a limit
 * (the caller's fault, said before anything is sent) or cap is too small.
 */
long exec_request_encode(uint8_t *buf, size_t cap, uint32_t flags,
                         uint16_t rows, uint16_t cols, const char *user,
                         const char *cwd, const char *const *args,
                         const char *const *env, const char **why_r);
/* The same, into pod container `target` (sets EXEC_FLAG_TARGET; NULL or
 * "": the domain's container, as exec_request_encode()). */
long exec_request_encode_to(uint8_t *buf, size_t cap, uint32_t flags,
                            uint16_t rows, uint16_t cols, const char *target,
                            const char *user, const char *cwd,
                            const char *const *args, const char *const *env,
                            const char **why_r);
/* A target a REQUEST may name: 1..EXEC_TARGET_MAX of [a-z0-9] (a block
 * device's name, as "xvdb"). */
int exec_request_target_ok(const char *t);
/* spec: spec_len bytes of boot spec blob, 1..EXEC_CONTAINER_SPEC_MAX. */
long exec_container_encode(uint8_t *buf, size_t cap, uint32_t flags,
                           uint16_t rows, uint16_t cols, const void *spec,
                           size_t spec_len, const char **why_r);
/* type STDIN, STDOUT or STDERR; len <= EXEC_PAYLOAD_MAX. */
long exec_data_encode(uint8_t *buf, size_t cap, enum exec_msg_type type,
                      const void *data, size_t len, const char **why_r);
long exec_resize_encode(uint8_t *buf, size_t cap, uint16_t rows, uint16_t cols,
                        const char **why_r);
long exec_signal_encode(uint8_t *buf, size_t cap, int sig,
                        enum exec_signal_target target, const char **why_r);
long exec_exit_encode(uint8_t *buf, size_t cap, int code, const char **why_r);
/* Bytes of text that are not printable ASCII become '?'; longer text is
 * cut to EXEC_ERROR_MAX. */
/* `errnum` 1..4095, or'd with EXEC_ERROR_SETUP for a step before the
 * program's exec. */
long exec_error_encode(uint8_t *buf, size_t cap, int errnum, const char *text,
                       const char **why_r);
long exec_ok_encode(uint8_t *buf, size_t cap, const char **why_r);
long exec_started_encode(uint8_t *buf, size_t cap, const char **why_r);

#endif
