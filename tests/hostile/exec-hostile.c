/*
 * exec-hostile.c: a hostile end of the exec channel (common/abi/
 * exec_channel.h), for lab 11-hostile.  Static; two modes:
 *
 *   exec-hostile server ROUNDS   in a container: takes over the domain's
 *       channel (the xenstore keys are guest-writable, as a compromised
 *       guest could) and answers each dom0 session with one attack, in
 *       turn: a wrong version, a length of 4 GiB, 32 MiB of output then a
 *       close without an exit status, an exit code of 999, an error with
 *       control characters; beside its offer, slots with keys naming no
 *       grant and names that are no slot.  ROUNDS sessions, then it exits 0.  Prints
 *       "exec-hostile: attack NAME sent" for each.
 *   exec-hostile client DOMID    in dom0: attacks the guest's own server:
 *       a wrong version, a 4 GiB length, a request for `sleep 30` flooded
 *       with stdin it never reads (5 s), a session that never sends
 *       anything.  Prints "exec-hostile: client NAME: REPLY" for each;
 *       the test then checks the guest still serves exec.
 *
 * The container's /dev lacks the Xen devices; with CAP_MKNOD (one of
 * Docker's defaults) a compromised root process makes them from
 * /proc/misc, and so does this one.
 */
#include <errno.h>
#include <libxenvchan.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/exec_channel.h"

static void make_misc(const char *name)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/dev/%s", name);
    if (stat(path, &st) == 0)
        return;
    FILE *f = fopen("/proc/misc", "r");
    unsigned minor = 0;
    char dev[64];
    bool found = false;
    while (f && !found && fscanf(f, "%u %63s", &minor, dev) == 2)
        found = strcmp(dev, name) == 0;
    if (f)
        fclose(f);
    mkdir("/dev/xen", 0755);
    if (!found || mknod(path, S_IFCHR | 0600, makedev(10, minor)) < 0)
        printf("exec-hostile: cannot make %s: %s\n", path, strerror(errno));
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Writes all of buf, waiting for ring space at most `ms`; false when the
 * peer went away or the time ran out. */
static bool put(struct libxenvchan *vc, const void *buf, size_t len,
                unsigned ms)
{
    const uint8_t *p = buf;
    uint64_t end = now_ms() + ms;
    while (len) {
        if (libxenvchan_is_open(vc) != 1 || now_ms() > end)
            return false;
        int n = libxenvchan_write(vc, p, len);
        if (n < 0)
            return false;
        p += n;
        len -= (size_t)n;
        if (len) {
            struct pollfd pf = {libxenvchan_fd_for_select(vc), POLLIN, 0};
            if (poll(&pf, 1, 100) > 0)
                libxenvchan_wait(vc);
        }
    }
    return true;
}

static void header(uint8_t *h, uint8_t version, uint8_t type, uint32_t len)
{
    h[0] = version;
    h[1] = type;
    h[2] = h[3] = 0;
    for (int i = 0; i < 4; i++)
        h[4 + i] = (uint8_t)(len >> (8 * i));
}

static int server(int rounds)
{
    make_misc("xen/gntalloc");
    make_misc("xen/evtchn");
    make_misc("xen/xenbus");
    struct xs_handle *xs = xs_open(0);
    char *domid = xs ? xs_read(xs, XBT_NULL, "domid", NULL) : NULL;
    if (!domid) {
        printf("exec-hostile: no xenstore: %s\n", strerror(errno));
        return 1;
    }
    char path[96];
    /* Slot 0: the first the loader's own server offers (exec_channel.h),
     * so these keys replace its offer's. */
    snprintf(path, sizeof(path), "/local/domain/%s/%s/0", domid,
             EXEC_CHANNEL_XS_DIR);
    /* The loader's own offer first, so ours replaces it rather than it
     * ours (whichever writes last is what dom0 finds). */
    char rr[128];
    snprintf(rr, sizeof(rr), "%s/ring-ref", path);
    for (int i = 0; i < 300; i++) {
        char *v = xs_read(xs, XBT_NULL, rr, NULL);
        bool offered = v != NULL;
        free(v);
        if (offered)
            break;
        usleep(100 * 1000);
    }
    /* Junk beside the offer: slots whose keys name no grant or port, and
     * names that are no slot.  dom0 must pass over them to slot 0. */
    static const char *const junk[][2] = {
        {"1/ring-ref", "999999"}, {"1/event-channel", "1"},
        {"3/ring-ref", "x"},      {"9/ring-ref", "1"},
        {"abc/ring-ref", "1"},    {"10/event-channel", "1"},
    };
    const char *base = strrchr(path, '/');
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        char jp[160];
        snprintf(jp, sizeof(jp), "%.*s/%s", (int)(base - path), path,
                 junk[i][0]);
        xs_write(xs, XBT_NULL, jp, junk[i][1], strlen(junk[i][1]));
    }
    static uint8_t buf[EXEC_FRAME_MAX];
    const char *why;
    for (int r = 0; r < rounds; r++) {
        struct libxenvchan *vc =
            libxenvchan_server_init(NULL, 0, path, EXEC_CHANNEL_RING_TO_GUEST,
                                    EXEC_CHANNEL_RING_TO_DOM0);
        if (!vc) {
            printf("exec-hostile: server_init: %s\n", strerror(errno));
            return 1;
        }
        vc->blocking = 0;
        printf("exec-hostile: offering round %d\n", r);
        fflush(stdout);
        while (libxenvchan_is_open(vc) == 2) {
            struct pollfd pf = {libxenvchan_fd_for_select(vc), POLLIN, 0};
            if (poll(&pf, 1, 1000) > 0)
                libxenvchan_wait(vc);
        }
        const char *name = "?";
        switch (r % 5) {
        case 0:
            name = "wrong-version";
            header(buf, 7, EXEC_MSG_EXIT, 4);
            put(vc, buf, 12, 5000);
            break;
        case 1:
            name = "length-4GiB";
            header(buf, EXEC_CHANNEL_VERSION, EXEC_MSG_STDOUT, 0xffffffffu);
            put(vc, buf, EXEC_HDR_LEN, 5000);
            break;
        case 2: {
            name = "flood-32MiB-no-exit";
            static uint8_t chunk[EXEC_DATA_CHUNK];
            memset(chunk, 'x', sizeof(chunk));
            long n = exec_data_encode(buf, sizeof(buf), EXEC_MSG_STDOUT, chunk,
                                      sizeof(chunk), &why);
            for (int i = 0; i < 32 * 1024 * 1024 / EXEC_DATA_CHUNK; i++)
                if (!put(vc, buf, (size_t)n, 30000))
                    break;
            break;
        }
        case 3:
            name = "exit-999";
            header(buf, EXEC_CHANNEL_VERSION, EXEC_MSG_EXIT, 4);
            buf[8] = 0xe7;
            buf[9] = 0x03;
            buf[10] = buf[11] = 0;
            put(vc, buf, 12, 5000);
            break;
        case 4:
            name = "error-escapes";
            header(buf, EXEC_CHANNEL_VERSION, EXEC_MSG_ERROR, 4 + 6);
            memcpy(buf + 8, "\x02\0\0\0\x1b[2J\n", 10);
            put(vc, buf, 18, 5000);
            break;
        }
        printf("exec-hostile: attack %s sent\n", name);
        fflush(stdout);
        sleep(1);
        libxenvchan_close(vc);
    }
    return 0;
}

/* One hostile session against the guest's server; what came back. */
static void client_round(int domid, const char *path, const char *name,
                         const uint8_t *msg, size_t len, unsigned flood_ms)
{
    struct libxenvchan *vc = NULL;
    uint64_t end = now_ms() + 15000;
    char slot[128];
    while (!vc && now_ms() < end) {
        /* Whichever slot the guest has on offer (exec_channel.h). */
        for (int i = 0; i < EXEC_CHANNEL_SLOTS && !vc; i++) {
            snprintf(slot, sizeof(slot), "%s/%d", path, i);
            vc = libxenvchan_client_init(NULL, domid, slot);
        }
        if (!vc)
            usleep(50 * 1000);
    }
    if (!vc) {
        printf("exec-hostile: client %s: cannot connect\n", name);
        return;
    }
    /* Taken down as dom0's client does, so the next round never maps
     * this ring while the guest closes it. */
    struct xs_handle *xs = xs_open(0);
    if (xs) {
        xs_rm(xs, XBT_NULL, slot);
        xs_close(xs);
    }
    vc->blocking = 0;
    put(vc, msg, len, 5000);
    if (flood_ms) {
        static uint8_t chunk[4096], buf[EXEC_HDR_LEN + 4096];
        const char *why;
        long n = exec_data_encode(buf, sizeof(buf), EXEC_MSG_STDIN, chunk,
                                  sizeof(chunk), &why);
        uint64_t stop = now_ms() + flood_ms;
        size_t sent = 0;
        while (now_ms() < stop && libxenvchan_is_open(vc) == 1) {
            int w = libxenvchan_write(vc, buf, (size_t)n);
            if (w > 0)
                sent += (size_t)w;
            else
                usleep(10 * 1000);
        }
        printf("exec-hostile: client %s: %zu bytes taken\n", name, sent);
    }
    /* The reply's type, or what happened. */
    uint8_t h[EXEC_HDR_LEN];
    size_t got = 0;
    end = now_ms() + (flood_ms ? 1000 : 15000);
    while (got < sizeof(h) && now_ms() < end) {
        /* Open or not is read before the ring: the guest writes its reply
         * and closes at once, and the reply must still be read then. */
        int open = libxenvchan_is_open(vc);
        int n = libxenvchan_read(vc, h + got, sizeof(h) - got);
        if (n > 0)
            got += (size_t)n;
        else if (open != 1)
            break;
        else
            usleep(10 * 1000);
    }
    if (got == sizeof(h))
        printf("exec-hostile: client %s: reply type %u\n", name, h[1]);
    else
        printf("exec-hostile: client %s: %s\n", name,
               libxenvchan_is_open(vc) == 1 ? "no reply" : "closed");
    fflush(stdout);
    libxenvchan_close(vc);
}

static int client(int domid)
{
    char path[96];
    snprintf(path, sizeof(path), "/local/domain/%d/%s", domid,
             EXEC_CHANNEL_XS_DIR);
    uint8_t h[EXEC_HDR_LEN];
    header(h, 9, EXEC_MSG_REQUEST, 12);
    client_round(domid, path, "wrong-version", h, sizeof(h), 0);
    header(h, EXEC_CHANNEL_VERSION, EXEC_MSG_STDIN, 0xffffffffu);
    client_round(domid, path, "length-4GiB", h, sizeof(h), 0);
    header(h, EXEC_CHANNEL_VERSION, EXEC_MSG_EXIT, 4);
    client_round(domid, path, "wrong-direction", h, sizeof(h), 0);
    static uint8_t req[256];
    const char *args[] = {"sleep", "30", NULL};
    const char *why = "";
    long n = exec_request_encode(req, sizeof(req), EXEC_FLAG_STDIN, 0, 0, "",
                                 "", args, NULL, &why);
    client_round(domid, path, "stdin-flood", req, (size_t)n, 5000);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "server"))
        return server(atoi(argv[2]));
    if (argc == 3 && !strcmp(argv[1], "client"))
        return client(atoi(argv[2]));
    fprintf(stderr, "usage: exec-hostile server ROUNDS | client DOMID\n");
    return 2;
}
