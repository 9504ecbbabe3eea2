/*
 * exec_session.h: one session of the exec channel, over any byte stream
 * (struct exec_link): the request read and checked, the process started
 * in the container, its output and exit status sent back, dom0's input,
 * window sizes and signals passed on.  The transport (vchan) is
 * exec_server.c's.
 */
#ifndef XL_OCI_LOADER_EXEC_SESSION_H
#define XL_OCI_LOADER_EXEC_SESSION_H

#include <stddef.h>
#include <sys/types.h>

#include "bootspec.h"
#include "pod_container.h"

/* A connected byte stream to dom0. */
struct exec_link {
    void *ctx;
    /* Bytes read into buf (at most n), 0 when none are ready, -1 when the
     * peer has gone. */
    int (*recv)(void *ctx, void *buf, size_t n);
    /* Bytes that send can take now without blocking. */
    size_t (*space)(void *ctx);
    /* Sends all n bytes (n <= space()); -1 when the peer has gone. */
    int (*send)(void *ctx, const void *buf, size_t n);
    /* An fd that polls readable when recv or space may have changed. */
    int (*fd)(void *ctx);
    /* Clears that fd's readiness after poll said so. */
    void (*ack)(void *ctx);
    /* NULL, or told once that the session runs a pod container (it holds
     * the channel for the container's life): the transport's owner counts
     * it apart from exec sessions. */
    void (*pod)(void *ctx);
};

/*
 * Serves one session to its end: the process's exit, a refused message
 * (logged), dom0 leaving, or a first message not coming within
 * EXEC_SESSION_FIRST_MS.  ctr_pid is the container's process 1 as the
 * domain sees it; `base` what a pod container starts from (NULL or
 * root_fd -1: CONTAINER is refused).
 */
void exec_session_serve(const struct boot_spec *spec,
                        const struct exec_pod_base *base, pid_t ctr_pid,
                        struct exec_link *link);

#define EXEC_SESSION_FIRST_MS 10000

#endif
