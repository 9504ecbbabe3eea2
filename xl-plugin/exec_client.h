/*
 * exec_client.h: dom0's end of the exec channel (common/abi/
 * exec_channel.h): connects to a domain's loader as the libxenvchan
 * client (dom0 root only: it maps the guest's grant), runs one session
 * and relays stdio.  Up to EXEC_CHANNEL_EXEC_SESSIONS sessions run on one domain
 * at once; exec.lock in its state dir (state.h) is held only while one
 * claims an offer, so no two clients map the same channel.  Everything the guest sends is checked by the channel's decoders;
 * a refused message ends the session with an error naming the domain.
 */
#ifndef XL_OCI_XL_PLUGIN_EXEC_CLIENT_H
#define XL_OCI_XL_PLUGIN_EXEC_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

/* How long a connect waits for the guest to offer the channel, in ms. */
#define EXEC_CLIENT_CONNECT_MS 10000

struct xo_xs;

struct exec_client_opts {
    const char *root;        /* the state root (exec.lock) */
    struct xo_xs *xs;        /* a xenstore handle to use, or NULL: own one */
    const char *name;        /* the container, for messages and exec.lock */
    uint32_t domid;          /* its domain */
    const char *const *args; /* NULL-terminated, >= 1 */
    const char *const *env;  /* KEY=VALUE, NULL-terminated, or NULL */
    const char *user;        /* "" or NULL: the container's */
    const char *cwd;         /* "" or NULL: the container's; else absolute */
    /* A pod container of the domain to run in (its root device's name,
     * common/abi/exec_channel.h EXEC_FLAG_TARGET); NULL: the domain's. */
    const char *target;
    bool tty;         /* a pty in the guest, window of in_fd's tty */
    bool interactive; /* pass in_fd on as the process's stdin */
    int in_fd, out_fd, err_fd;
    /* A pod's member container (common/abi/exec_channel.h CONTAINER):
     * its boot spec blob (common/abi/boot_spec.h), at most
     * EXEC_CONTAINER_SPEC_MAX bytes; the session then starts a container
     * with it, and args, env, user and cwd are not used.  NULL: an exec
     * REQUEST. */
    const void *container_spec;
    size_t container_spec_len;
    /* Called once the process runs (STARTED), or NULL. */
    void (*started)(void *arg);
    void *started_arg;
};

/*
 * Runs o->args in the container (or o->container_spec's container) and
 * relays stdio until it exits.  Returns
 * 0 and *code_r = the process's exit code (0-255, 128+N for signal N), or
 * -1 with err; then *code_r is what a shell would exit with: 126 when the
 * command could not be run, 127 when it was not found, 1 otherwise.
 * The signals exec_client_forwards() names, received meanwhile, go to the process
 * (without -t; with -t they come as the terminal's keys).
 */
int exec_client_run(const struct exec_client_opts *o, int *code_r, xo_err *err);

/* The signals exec_client_run() passes on to the process when it gets
 * them (as runc passes on all but SIGCHLD, SIGWINCH and SIGURG; SIGPIPE
 * is kept for our own writes): HUP, INT, QUIT, USR1, USR2, ALRM, TERM,
 * CONT, TSTP, TTIN, TTOU, XCPU, XFSZ, VTALRM, PROF and PWR. */
bool exec_client_forwards(int sig);
/* The same list, exec_client_n_signals of them, for a NOHYPER exec's
 * runc (nohyper.c), which passes on all of them but SIGPROF. */
extern const int exec_client_signals[];
extern const size_t exec_client_n_signals;

/* Sends `sig` (1..64) to the container's process 1 through the channel
 * and waits for the guest to confirm it. */
int exec_client_signal(const char *root, const char *name, uint32_t domid,
                       int sig, xo_err *err);

#endif
