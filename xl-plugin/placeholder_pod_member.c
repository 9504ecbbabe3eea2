/* placeholder_pod_member.c: a pod member's placeholder
 * (placeholder_pod_member.h). */
#include "placeholder_pod_member.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "common/fileio.h"
#include "common/pathfmt.h"
#include "exec_client.h"
#include "placeholder_pod_disk.h"
#include "runc_pod_member.h"
#include "status.h"

/* How long a member waits for its pod's domain to run: to finish booting
 * (about a second; under QEMU's TCG beside other work, tens) or to be
 * resumed. */
#define POD_MEMBER_BOOT_WAIT_MS 120000
/* How long its root disk may take to connect in the running pod's guest
 * (blkfront against blkback: well under a second, unloaded). */
#define POD_MEMBER_DISK_WAIT_MS 60000

/* Blocks until start writes its byte; false when the FIFO closed without
 * one (nobody but start writes it). */
static bool wait_start(const char *dir, xo_err *err)
{
    char path[4200];
    if (xo_path_fmt(path, sizeof(path), err, "%s/" RUNC_POD_MEMBER_FIFO, dir) <
        0)
        return false;
    int fd;
    while ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (fd < 0) {
        xo_err_sys(err, "%s", path);
        return false;
    }
    char c = 0;
    ssize_t n;
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    close(fd);
    if (n != 1 || c != 's') {
        xo_err_set(err, EPIPE, "%s: closed without a start", path);
        return false;
    }
    return true;
}

int placeholder_pod_member_run(struct xo_xs *xs, const char *root,
                               const char *dir, const char *pod,
                               const char *vdev)
{
    xo_err err = XO_ERR_INIT;
    char path[4200], *spec = NULL;
    size_t len = 0;
    struct domain_status st;
    int code = 255;
    if (!wait_start(dir, &err) ||
        xo_path_fmt(path, sizeof(path), &err, "%s/" RUNC_POD_MEMBER_SPEC, dir) <
            0 ||
        xo_read_file(&spec, &len, path, EXEC_CONTAINER_SPEC_MAX, &err) < 0 ||
        status_read_target(xs, pod, &st, &err) < 0)
        goto out;
    /* The sandbox's start only unpaused the pod's domain: its guest may
     * still be booting (seconds under load) and offers the exec channel
     * only once its own container runs; a paused pod answers nothing
     * until it is resumed.  The member's process starts when it runs. */
    unsigned waits = STATUS_STATE_BIT(DOMAIN_STATE_BOOTING) |
                     STATUS_STATE_BIT(DOMAIN_STATE_PAUSED);
    if ((waits & STATUS_STATE_BIT(st.state)) &&
        (status_wait_while(xs, pod, waits, POD_MEMBER_BOOT_WAIT_MS, &st.state,
                           &err) < 0 ||
         status_read_target(xs, pod, &st, &err) < 0)) {
        code = 137; /* the pod went away: it killed its containers */
        goto out;
    }
    if (st.state != DOMAIN_STATE_RUNNING || st.domid < 0) {
        xo_err_set(&err, EINVAL, "pod domain %s is %s, not running", pod,
                   domain_state_to_string(st.state));
        goto out;
    }
    if (placeholder_pod_disk_announce(xs, (uint32_t)st.domid, vdev,
                                      POD_MEMBER_DISK_WAIT_MS, &err) < 0) {
        xo_err_wrap(&err, "pod domain %s", pod);
        goto out;
    }
    struct exec_client_opts o = {
        .root = root,
        .xs = xs,
        .name = pod,
        .domid = (uint32_t)st.domid,
        .container_spec = spec,
        .container_spec_len = len,
        .in_fd = -1,
        .out_fd = STDOUT_FILENO,
        .err_fd = STDERR_FILENO,
    };
    /* A session that ended without the container's exit status: its pod
     * domain went away (the sandbox killed or deleted), which killed the
     * container as a pod's end kills its containers under runc. */
    if (exec_client_run(&o, &code, &err) < 0 && code == 1)
        code = err.errnum == EPIPE ? 137 : 255;
out:
    if (err.msg)
        fprintf(stderr, "xl-oci-placeholder: %s\n", xo_err_msg(&err));
    xo_err_clear(&err);
    free(spec);
    return code;
}
