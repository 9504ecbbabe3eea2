/*
 * fuzz-state-files.c: libFuzzer target for the files of the state root
 * that xl-oci reads back (any user with the root's rights may have edited
 * or damaged them) and for what a container controls in the figures
 * `stats` reads.  The first input byte picks the reader; the rest is the
 * file:
 *   0  an event journal line (journal_decode()); what is accepted encodes
 *      and decodes again to the same record;
 *   1  a container's labels.json and annotations.json (metastore_read());
 *   2  a pulled reference's record under <root>/refs (refstore_list());
 *   3  an image volume's volume.json (volume_record_read());
 *   4  /proc/PID/net/dev of the container's namespace, whose interface
 *      names the container picks (stats_parse_net_dev()), and `runc
 *      events --stats` output (stats_parse_runc_events()).
 * Every failure says why.  Built without libFuzzer, main() replays corpus
 * files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/abi/domain_status.h"
#include "common/error.h"
#include "image/refstore.h"
#include "image/volume_record.h"
#include "fuzz_util.h"
#include "replay.h"
#include "xl-plugin/journal.h"
#include "xl-plugin/metastore.h"
#include "xl-plugin/stats.h"

static char root[] = "/tmp/fuzz-state-files.XXXXXX";
static char dom[64], refs[64], labels[128], annots[128], refrec[160],
    volrec[128];

static void cleanup(void)
{
    unlink(labels);
    unlink(annots);
    unlink(refrec);
    unlink(volrec);
    rmdir(dom);
    char p[64];
    snprintf(p, sizeof(p), "%s/domains", root);
    rmdir(p);
    rmdir(refs);
    rmdir(root);
}

static void setup(void)
{
    char p[64];
    if (!mkdtemp(root))
        abort();
    snprintf(p, sizeof(p), "%s/domains", root);
    snprintf(dom, sizeof(dom), "%s/domains/c1", root);
    snprintf(refs, sizeof(refs), "%s/refs", root);
    if (mkdir(p, 0700) < 0 || mkdir(dom, 0700) < 0 || mkdir(refs, 0700) < 0)
        abort();
    snprintf(labels, sizeof(labels), "%s/labels.json", dom);
    snprintf(annots, sizeof(annots), "%s/annotations.json", dom);
    snprintf(refrec, sizeof(refrec), "%s/%064d.json", refs, 0);
    snprintf(volrec, sizeof(volrec), "%s/volume.json", root);
    atexit(cleanup);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
}

static void same_record(const struct event_record *a,
                        const struct event_record *b)
{
    if (a->time_ms != b->time_ms || a->type != b->type ||
        strcmp(a->name, b->name) != 0 || a->exit_code != b->exit_code ||
        a->restarts != b->restarts || a->delay_ms != b->delay_ms ||
        strcmp(a->error, b->error) != 0 || strcmp(a->detail, b->detail) != 0)
        __builtin_trap();
}

static void journal(const uint8_t *data, size_t size)
{
    struct event_record ev, back;
    xo_err err = XO_ERR_INIT;
    /* Raw bytes, no NUL after them: ASan catches a read past `size`. */
    char *line = malloc(size ? size : 1);
    if (!line)
        abort();
    memcpy(line, data, size);
    if (journal_decode(line, size, &ev, &err) == 0) {
        if (!memchr(ev.name, 0, sizeof(ev.name)) || !ev.name[0] ||
            !memchr(ev.error, 0, sizeof(ev.error)) ||
            !memchr(ev.detail, 0, sizeof(ev.detail)))
            __builtin_trap();
        char buf[EVENT_RECORD_MAX];
        size_t n = 0;
        if (journal_encode(&ev, buf, sizeof(buf), &n, NULL) < 0 || n < 1 ||
            n > EVENT_RECORD_MAX || buf[n - 1] != '\n' ||
            journal_decode(buf, n - 1, &back, NULL) < 0)
            __builtin_trap();
        /* Text fields may be shortened to fit; all the rest is kept. */
        if (n < EVENT_RECORD_MAX / 2)
            same_record(&ev, &back);
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(line);
}

static void metastore(const uint8_t *data, size_t size)
{
    /* The same bytes as both files: each must be an object of strings. */
    put(labels, data, size);
    put(annots, data, size);
    json_object *l = NULL, *a = NULL;
    xo_err err = XO_ERR_INIT;
    if (metastore_read(&l, &a, root, "c1", &err) == 0) {
        if (!json_object_is_type(l, json_type_object) ||
            !json_object_is_type(a, json_type_object))
            __builtin_trap();
        json_object_object_foreach (l, k, v) {
            (void)k;
            if (!json_object_is_type(v, json_type_string))
                __builtin_trap();
        }
        json_object_put(l);
        json_object_put(a);
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
}

static void refstore(const uint8_t *data, size_t size)
{
    put(refrec, data, size);
    struct ref_entry *list = NULL;
    size_t n = 0;
    xo_err err = XO_ERR_INIT;
    if (refstore_list(root, true, &list, &n, &err) < 0)
        __builtin_trap(); /* the directory is there */
    if (n != 1)
        __builtin_trap();
    if (!list[0].name && !list[0].damaged)
        __builtin_trap();
    refstore_list_free(list, n);
    xo_err_clear(&err);
}

static void volume(const uint8_t *data, size_t size)
{
    put(volrec, data, size);
    struct volume_record r;
    xo_err err = XO_ERR_INIT;
    int rc = volume_record_read(&r, root, &err);
    if (rc > 0) {
        if (!memchr(r.rootfs, 0, sizeof(r.rootfs)) || !r.rootfs[0] ||
            strchr(r.rootfs, '/') || !strcmp(r.rootfs, ".") ||
            !strcmp(r.rootfs, ".."))
            __builtin_trap();
    } else if (rc < 0 && !err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
}

static void stats(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    long long rx = -1, tx = -1;
    if (stats_parse_net_dev(text, &rx, &tx) == 0 && (rx < 0 || tx < 0))
        __builtin_trap();
    struct stats_sample s;
    memset(&s, 0, sizeof(s));
    xo_err err = XO_ERR_INIT;
    if (stats_parse_runc_events(text, size, &s, &err) < 0 && !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1)
        return 0;
    switch (data[0] % 5) {
    case 0:
        journal(data + 1, size - 1);
        break;
    case 1:
        metastore(data + 1, size - 1);
        break;
    case 2:
        refstore(data + 1, size - 1);
        break;
    case 3:
        volume(data + 1, size - 1);
        break;
    default:
        stats(data + 1, size - 1);
        break;
    }
    return 0;
}
