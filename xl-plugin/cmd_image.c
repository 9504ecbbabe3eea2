/*
 * cmd_image.c: `xl-oci pull`, `images`, `rmi`, `prune` -- thin handlers
 * over image/image.h.  They work on a host where no Xen runs and honour
 * the global --root.
 *
 * Suggested cmdtable.c rows:
 *   {"pull", main_pull, false, "Pull an image and build its root volume",
 *    "[options] <REF>", PULL_OPTIONS}
 *   {"images", main_images, false, "List pulled images", "[--json]",
 *    "  --json  print a JSON array\n"}
 *   {"rmi", main_rmi, false, "Remove images", "[-f] <REF|sha256:DIGEST>...",
 *    "  -f, --force ..."}
 *   {"prune", main_prune, false,
 *    "Remove root volumes and blobs no image or domain uses", "", NULL}
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"
#include "common/json_build.h"
#include "common/table.h"
#include "image/lock.h"
#include "image/image.h"
#include "image/volstore.h"
#include "xl_oci.h"
#include "xl-plugin/state.h"

/* Most layer lines the byte display shows at once. */
#define BYTES_MAX_LINES 12

struct progress {
    bool tty;
    bool shown;           /* a TTY status line is on screen */
    size_t block;         /* lines of the byte display on screen */
    bool downloading;     /* the byte display is live */
    pthread_mutex_t lock; /* layers report from several threads */
    bool stamp;           /* -v: each line says when, for finding slow steps */
    struct timespec t0;   /* start of the pull (CLOCK_MONOTONIC) */
};

static void human_size(char *buf, size_t len, int64_t size);

/* On a TTY one status line rewritten in place; otherwise one line each.
 * While the byte display is live it says more than these lines. */
static void show_progress(void *arg, const char *line)
{
    struct progress *p = arg;
    pthread_mutex_lock(&p->lock);
    if (p->downloading) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    char when[32] = "";
    if (p->stamp) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double s = (double)(now.tv_sec - p->t0.tv_sec) +
                   (double)(now.tv_nsec - p->t0.tv_nsec) / 1e9;
        /* cannot truncate: at most 14 bytes for any pull shorter than a
         * century */
        snprintf(when, sizeof(when), "%8.3f s  ", s);
    }
    if (p->tty && !p->stamp) {
        fprintf(stderr, "\r\033[K%.*s", 120, line);
        p->shown = true;
    } else {
        fprintf(stderr, "%s%s\n", when, line);
    }
    fflush(stderr);
    pthread_mutex_unlock(&p->lock);
}

static void bytes_line(const char *what, int64_t done, int64_t size)
{
    char d[32], s[32];
    human_size(d, sizeof(d), done);
    human_size(s, sizeof(s), size);
    fprintf(stderr, "\r\033[K%-32s %10s / %-10s %3d%%\n", what,
            done >= size ? "done" : d, s,
            size > 0 ? (int)(done * 100 / size) : 100);
}

/* The byte display (TTY only): a line per layer still downloading (all of
 * them when they fit) and a total, redrawn in place; the last one stays. */
static void show_bytes(void *arg, const struct image_pull_bytes *b)
{
    struct progress *p = arg;
    pthread_mutex_lock(&p->lock);
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
    if (p->block)
        fprintf(stderr, "\033[%zuA\r\033[J", p->block);
    size_t lines = 0, hidden = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct image_pull_blob *x = &b->blobs[i];
        bool fits = b->n <= BYTES_MAX_LINES;
        if (!fits && (x->done >= x->size || lines >= BYTES_MAX_LINES - 1)) {
            hidden++;
            continue;
        }
        char what[96];
        /* may truncate: a progress line */
        snprintf(what, sizeof(what), "layer %zu/%zu sha256:%.12s", i + 1, b->n,
                 digest_hex(&x->digest));
        bytes_line(what, x->done, x->size);
        lines++;
    }
    if (hidden) {
        fprintf(stderr, "\r\033[K%zu more layer%s\n", hidden,
                hidden == 1 ? "" : "s");
        lines++;
    }
    bytes_line("total", b->done, b->size);
    fflush(stderr);
    p->block = b->final ? 0 : lines + 1;
    p->downloading = !b->final;
    pthread_mutex_unlock(&p->lock);
}

/* Warnings are printed even with -q, after any progress line. */
static void show_warning(void *arg, const char *line)
{
    struct progress *p = arg;
    pthread_mutex_lock(&p->lock);
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    p->shown = false;
    fprintf(stderr, "xl-oci pull: warning: %s\n", line);
    fflush(stderr);
    pthread_mutex_unlock(&p->lock);
}

static void end_progress(struct progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    p->shown = false;
}

int main_pull(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quiet", 0, NULL, 'q'},         {"plain-http", 0, NULL, 'P'},
        {"tls-no-verify", 0, NULL, 'K'}, {"cert-dir", 1, NULL, 'C'},
        {"authfile", 1, NULL, 'A'},      {"creds", 1, NULL, 'c'},
        {"verify-key", 1, NULL, 'k'},    {"policy", 1, NULL, 'p'},
        {"allow-devices", 0, NULL, 'D'}, {NULL, 0, NULL, 0},
    };
    struct image_pull_opts o = {0};
    struct progress pr = {.tty = isatty(STDERR_FILENO) == 1,
                          .lock = PTHREAD_MUTEX_INITIALIZER,
                          .stamp = cmd_verbose > 0};
    clock_gettime(CLOCK_MONOTONIC, &pr.t0);
    bool quiet = false;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "q", longopts, "pull", 1)) != -1) {
        switch (opt) {
        case 'q':
            quiet = true;
            break;
        case 'P':
            o.plain_http = true;
            break;
        case 'K':
            o.tls_no_verify = true;
            break;
        case 'C':
            o.cert_dir = optarg;
            break;
        case 'A':
            o.auth_file = optarg;
            break;
        case 'c':
            o.creds = optarg;
            break;
        case 'k':
            o.verify_key = optarg;
            break;
        case 'p':
            o.policy_file = optarg;
            break;
        case 'D':
            o.allow_devices = true;
            break;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "xl-oci pull: exactly one image reference expected\n");
        return XO_EXIT_USAGE;
    }
    o.warn = show_warning;
    o.progress_arg = &pr;
    if (!quiet)
        o.progress = show_progress;
    /* Byte counts only where they can be redrawn (skopeo does the same). */
    if (!quiet && pr.tty && !pr.stamp)
        o.bytes = show_bytes;
    xo_err err = XO_ERR_INIT;
    struct image_info info;
    int rc = image_pull(cmd_state_root(), argv[optind], &o, &info, &err);
    end_progress(&pr);
    if (rc < 0) {
        rc = cmd_fail(&err);
        /* `pull app.tar` meant as `docker load -i app.tar` (helper-94): a
         * reference without a transport is a registry's. */
        struct stat st;
        if (!strchr(argv[optind], ':') && stat(argv[optind], &st) == 0 &&
            S_ISREG(st.st_mode))
            fprintf(
                stderr,
                "xl-oci: %s is a file here: an image archive is pulled as docker-archive:%s (docker save) or oci-archive:%s\n",
                argv[optind], argv[optind], argv[optind]);
        return rc;
    }
    if (quiet)
        printf("%s\n", info.manifest.str);
    else
        printf("%s %s\n%s\n", info.manifest.str, info.name, info.volume_dir);
    image_info_dispose(&info);
    return XO_EXIT_OK;
}

/* A column of `images`; a size too wide for buf is cut (display only). */
static void human_size(char *buf, size_t len, int64_t size)
{
    if (size < 0)
        snprintf(buf, len, "-"); /* may truncate: display */
    else if (size < 1000 * 1000)
        snprintf(buf, len, "%.1f kB", size / 1e3); /* may truncate: display */
    else
        snprintf(buf, len, "%.1f MB", size / 1e6); /* may truncate: display */
}

static int print_json(const struct image_info *list, size_t n)
{
    json_object *arr = xo_jarr();
    for (size_t i = 0; i < n; i++) {
        json_object *o = xo_jobj();
        xo_jset(o, "name", xo_jstr(list[i].name));
        xo_jset(o, "digest", xo_jstr(list[i].manifest.str));
        if (list[i].has_index)
            xo_jset(o, "index", xo_jstr(list[i].index.str));
        xo_jset(o, "root_volume", xo_jstr(list[i].volume_dir));
        xo_jset(o, "rootfs_size", xo_jint64(list[i].rootfs_size));
        if (list[i].has_rootfs_digest)
            xo_jset(o, "rootfs_digest", xo_jstr(list[i].rootfs_digest.str));
        xo_jset(o, "pulled", xo_jint64(list[i].pulled));
        xo_jpush(arr, o);
    }
    char *s = xo_json_to_string(arr);
    json_object_put(arr);
    fputs(s, stdout);
    free(s);
    return XO_EXIT_OK;
}

int main_images(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "images", 0);
    xo_err err = XO_ERR_INIT;
    struct image_info *list = NULL;
    size_t n = 0;
    char **damaged = NULL;
    size_t n_damaged = 0;
    if (image_list(cmd_state_root(), &list, &n, &damaged, &n_damaged, &err) < 0)
        return cmd_fail(&err);
    for (size_t i = 0; i < n_damaged; i++) {
        fprintf(
            stderr,
            "xl-oci images: warning: %s (a damaged name record, not listed: remove that file, then pull the image again)\n",
            damaged[i]);
        free(damaged[i]);
    }
    free(damaged);
    int rc = XO_EXIT_OK;
    if (json) {
        rc = print_json(list, n);
    } else {
        static const struct xo_table_col cols[] = {
            {"NAME", 50, false, 0},
            {"DIGEST", 19, false, 0},
            {"SIZE", 10, true, 0},
            {"PULLED", 0, false, 2},
        };
        struct xo_table table;
        xo_table_init(&table, cols, 4);
        for (size_t i = 0; i < n; i++) {
            char size[32], when[32] = "-";
            human_size(size, sizeof(size), list[i].rootfs_size);
            time_t t = (time_t)list[i].pulled;
            struct tm tm;
            if (t > 0 && gmtime_r(&t, &tm))
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
            char digest[32];
            /* cannot truncate: 7 + 12 bytes */
            snprintf(digest, sizeof(digest), "sha256:%.12s",
                     digest_hex(&list[i].manifest));
            const char *row[] = {list[i].name, digest, size, when};
            xo_table_add(&table, row);
        }
        xo_table_print(&table, stdout);
    }
    image_list_free(list, n);
    return rc;
}

/* The state lock, for image_users.hold: no create names a volume, and no
 * destroy lets one go, while rmi or prune read which are used. */
static int hold_state(void *opaque, xo_err *err)
{
    return state_lock(opaque, err);
}

/* Volumes the domains in the state root use are kept (state.c knows). */
static struct image_users domain_users(void)
{
    struct image_users u = {.in_use = state_domain_volume_texts,
                            .opaque = (void *)cmd_state_root(),
                            .hold = hold_state};
    return u;
}

/* rmi and prune lock the store exclusively: behind a running pull they
 * wait, which a silent command does not explain. */
static void say_if_waiting(void)
{
    if (image_store_busy(cmd_state_root())) {
        fprintf(stderr,
                "xl-oci: waiting for %s/" IMAGE_STORE_LOCK
                " (a pull or another command holds it)\n",
                cmd_state_root());
        return;
    }
    /* Then the state lock, which a create or a stop may hold a while. */
    xo_err e = XO_ERR_INIT;
    int fd = state_trylock(cmd_state_root(), &e);
    if (fd >= 0)
        close(fd);
    else if (e.errnum == EWOULDBLOCK)
        fprintf(
            stderr,
            "xl-oci: waiting for %s/lock (a create, stop or destroy holds it)\n",
            cmd_state_root());
    xo_err_clear(&e);
}

int main_rmi(int argc, char **argv)
{
    static const struct option longopts[] = {{"force", 0, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    bool force = false;
    int opt;
    while ((opt = cmd_getopt(argc, argv, "f", longopts, "rmi", 1)) != -1)
        if (opt == 'f')
            force = true;
    int rc = XO_EXIT_OK;
    struct image_users users = domain_users();
    say_if_waiting();
    for (int i = optind; i < argc; i++) {
        xo_err err = XO_ERR_INIT;
        if (image_remove(cmd_state_root(), argv[i], &users, force, &err) < 0)
            rc = cmd_fail(&err);
        else
            printf("removed %s\n", argv[i]);
    }
    return rc;
}

int main_prune(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "prune", 0)) != -1)
        ;
    if (argc != optind) {
        fprintf(stderr, "xl-oci prune: no arguments expected\n");
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    struct image_prune_stats st;
    struct image_users users = domain_users();
    say_if_waiting();
    if (image_prune(cmd_state_root(), &users, &st, &err) < 0)
        return cmd_fail(&err);
    /* The volume store's leftovers, unless a volume command runs (its
     * work dir is not told from a killed one's then): they are not waited
     * for, as an import of a large image holds the store for long. */
    size_t vol_left = 0;
    bool vol_busy = false;
    if (volstore_prune(cmd_state_root(), &vol_left, &st.bytes_freed, &vol_busy,
                       &err) < 0)
        return cmd_fail(&err);
    if (vol_busy)
        fprintf(
            stderr,
            "xl-oci prune: the volume store is in use (%s/storage/lock is held): what interrupted volume commands left stays for the next prune\n",
            cmd_state_root());
    if (st.damaged_records)
        fprintf(
            stderr,
            "xl-oci prune: warning: %zu damaged name record%s in %s/refs named nothing that was kept ('xl-oci images' names the files)\n",
            st.damaged_records, st.damaged_records == 1 ? "" : "s",
            cmd_state_root());
    printf("removed %zu root volume%s and %zu blob%s", st.volumes_removed,
           st.volumes_removed == 1 ? "" : "s", st.blobs_removed,
           st.blobs_removed == 1 ? "" : "s");
    if (st.leftovers_removed)
        printf(", and %zu leftover%s of interrupted pulls",
               st.leftovers_removed, st.leftovers_removed == 1 ? "" : "s");
    if (vol_left)
        printf(", and %zu leftover%s of interrupted volume commands", vol_left,
               vol_left == 1 ? "" : "s");
    printf(", %.1f MB freed\n", (double)st.bytes_freed / 1000 / 1000);
    return XO_EXIT_OK;
}
