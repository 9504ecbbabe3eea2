/*
 * fuzz-volstore.c: libFuzzer target for the volume store's own files and
 * names (image/volstore_record.c, image/volstore_parse.c), which an admin
 * or a process that crashed mid-write may have left in any shape.  The
 * first input byte picks:
 *   even  the rest is a volume's record file (volstore_record_read());
 *         a record accepted has a valid name (and parent), a size in
 *         range, and writes out (volstore_record_to_json()) as JSON that
 *         reads back to the same text;
 *   odd   the rest, up to a NUL, is a volume name and a SIZE
 *         (volstore_check_name(), volstore_size_parse(): `volume create
 *         NAME --size SIZE`, app.cfg's oci_volumes); a size accepted is
 *         whole MiB within VOLSTORE_SIZE_MAX.
 * Every failure says why.  Built without libFuzzer, main() replays
 * corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/error.h"
#include "image/volstore.h"
#include "fuzz_util.h"
#include "replay.h"

static char path[] = "/tmp/fuzz-volstore.XXXXXX";

static void record(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
    struct volstore_record r, back;
    volstore_record_init(&r);
    volstore_record_init(&back);
    xo_err err = XO_ERR_INIT;
    if (volstore_record_read(&r, path, &err) == 0) {
        xo_err e2 = XO_ERR_INIT;
        if (volstore_check_name(r.name, &e2) < 0 ||
            (r.parent[0] && volstore_check_name(r.parent, &e2) < 0) ||
            r.size == 0 || r.size > VOLSTORE_SIZE_MAX)
            __builtin_trap();
        json_object *o = volstore_record_to_json(&r);
        if (volstore_record_from_json(&back, o, "again", &e2) < 0)
            __builtin_trap();
        json_object *o2 = volstore_record_to_json(&back);
        if (strcmp(json_object_to_json_string(o),
                   json_object_to_json_string(o2)) != 0)
            __builtin_trap();
        json_object_put(o);
        json_object_put(o2);
        xo_err_clear(&e2);
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    volstore_record_dispose(&r);
    volstore_record_dispose(&back);
}

static void name_size(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    xo_err err = XO_ERR_INIT;
    if (volstore_check_name(s, &err) < 0 && !err.msg)
        __builtin_trap();
    xo_err_clear(&err);
    uint64_t b = 0;
    if (volstore_size_parse(&b, s, &err) == 0) {
        if (!b || b > VOLSTORE_SIZE_MAX || b % VOLSTORE_SIZE_UNIT)
            __builtin_trap();
    } else if (!err.msg || b) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        fuzz_scratch_file(path);
        ready = 1;
    }
    if (size < 1)
        return 0;
    if (data[0] % 2)
        name_size(data + 1, size - 1);
    else
        record(data + 1, size - 1);
    return 0;
}
