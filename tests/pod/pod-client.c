/*
 * pod-client.c: dom0's end of one pod container session (common/abi/
 * exec_channel.h, CONTAINER), for the lab.  Static, in dom0:
 *
 *   pod-client DOMID ROOTDEV ARGS...
 *
 * builds a boot spec (common/abi/boot_spec.h, version 1) whose root is the
 * erofs on ROOTDEV (a disk already attached to the domain), whose process
 * is ARGS as root in "/", with PATH set, and runs it as a container of
 * the domain's pod: its output goes to our stdout and stderr, and we exit
 * with its exit code, or print "pod-client: error: TEXT" and exit 125
 * when the guest refused it.
 */
#include <errno.h>
#include <libfdt.h>
#include <libxenvchan.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "common/abi/exec_channel.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static size_t build_spec(uint8_t *buf, size_t sz, const char *rootdev,
                         char **args, int nargs)
{
    char raw[4096];
    size_t len = 0;
    for (int i = 0; i < nargs; i++) {
        size_t n = strlen(args[i]) + 1;
        if (len + n > sizeof(raw)) {
            fprintf(stderr, "pod-client: arguments too long\n");
            exit(2);
        }
        memcpy(raw + len, args[i], n);
        len += n;
    }
    static const char env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    if (fdt_create(buf, (int)sz) || fdt_finish_reservemap(buf) ||
        fdt_begin_node(buf, "") ||
        fdt_property_string(buf, "compatible", "xl-oci,boot-spec") ||
        fdt_property_u32(buf, "version", 1) ||
        fdt_property_string(buf, "hostname", "pod") ||
        fdt_begin_node(buf, "process") ||
        fdt_property(buf, "args", raw, (int)len) ||
        fdt_property(buf, "env", env, sizeof(env)) ||
        fdt_property_string(buf, "cwd", "/") ||
        fdt_property_string(buf, "user", "0:0") ||
        fdt_property_u32(buf, "stop-signal", 15) ||
        fdt_property_u32(buf, "stop-timeout", 10) || fdt_end_node(buf) ||
        fdt_begin_node(buf, "rootfs") ||
        fdt_property_string(buf, "device", rootdev) ||
        fdt_property_string(buf, "fstype", "erofs") || fdt_end_node(buf) ||
        fdt_begin_node(buf, "writable") ||
        fdt_property_string(buf, "type", "tmpfs") || fdt_end_node(buf) ||
        fdt_end_node(buf) || fdt_finish(buf)) {
        fprintf(stderr, "pod-client: cannot build the boot spec\n");
        exit(2);
    }
    return fdt_totalsize(buf);
}

/* Whichever slot the guest has on offer, claimed as dom0's client does. */
static struct libxenvchan *connect_slot(int domid)
{
    char path[128], slot[160];
    snprintf(path, sizeof(path), "/local/domain/%d/%s", domid,
             EXEC_CHANNEL_XS_DIR);
    struct libxenvchan *vc = NULL;
    uint64_t end = now_ms() + 30000;
    while (!vc && now_ms() < end) {
        for (int i = 0; i < EXEC_CHANNEL_SLOTS && !vc; i++) {
            snprintf(slot, sizeof(slot), "%s/%d", path, i);
            vc = libxenvchan_client_init(NULL, domid, slot);
        }
        if (!vc)
            usleep(50 * 1000);
    }
    if (!vc)
        return NULL;
    struct xs_handle *xs = xs_open(0);
    if (xs) {
        xs_rm(xs, XBT_NULL, slot);
        xs_close(xs);
    }
    return vc;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pod-client DOMID ROOTDEV ARGS...\n");
        return 2;
    }
    static uint8_t spec[16384] __attribute__((aligned(8)));
    static uint8_t frame[EXEC_FRAME_MAX];
    size_t slen = build_spec(spec, sizeof(spec), argv[2], argv + 3, argc - 3);
    const char *why = "";
    long n =
        exec_container_encode(frame, sizeof(frame), 0, 0, 0, spec, slen, &why);
    if (n < 0) {
        fprintf(stderr, "pod-client: %s\n", why);
        return 2;
    }
    struct libxenvchan *vc = connect_slot(atoi(argv[1]));
    if (!vc) {
        fprintf(stderr, "pod-client: no exec channel offered\n");
        return 125;
    }
    if (libxenvchan_send(vc, frame, (size_t)n) != n) {
        fprintf(stderr, "pod-client: cannot send\n");
        return 125;
    }
    static struct exec_reader rd;
    exec_reader_init(&rd, EXEC_SIDE_DOM0);
    uint64_t end = now_ms() + 120000;
    while (now_ms() < end) {
        int open = libxenvchan_is_open(vc);
        uint8_t buf[4096];
        size_t room = exec_reader_room(&rd);
        int got =
            libxenvchan_read(vc, buf, room < sizeof(buf) ? room : sizeof(buf));
        if (got > 0)
            exec_reader_feed(&rd, buf, (size_t)got);
        struct exec_frame f;
        int r;
        while ((r = exec_reader_next(&rd, &f, &why)) == 1) {
            int code = 0, errnum = 0;
            char text[EXEC_ERROR_MAX + 1];
            switch (f.type) {
            case EXEC_MSG_STDOUT:
                fwrite(f.payload, 1, f.len, stdout);
                fflush(stdout);
                break;
            case EXEC_MSG_STDERR:
                fwrite(f.payload, 1, f.len, stderr);
                break;
            case EXEC_MSG_EXIT:
                exec_exit_decode(f.payload, f.len, &code, &why);
                printf("pod-client: exit %d\n", code);
                return code;
            case EXEC_MSG_ERROR:
                exec_error_decode(f.payload, f.len, &errnum, NULL, text,
                                  sizeof(text), &why);
                printf("pod-client: error: %s\n", text);
                return 125;
            default:
                break; /* STARTED */
            }
        }
        if (r < 0) {
            printf("pod-client: refused from the guest: %s\n", why);
            return 125;
        }
        if (got <= 0 && open != 1) {
            printf("pod-client: the guest closed the session\n");
            return 125;
        }
        if (got <= 0)
            usleep(10 * 1000);
    }
    printf("pod-client: no exit within 120 s\n");
    return 125;
}
