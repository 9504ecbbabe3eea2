/*
 * fuzz-runc-state.c: libFuzzer target for runc_state_read(), xl-oci-runc's
 * reader of --root/<id>/state.json (a file anyone with the root's rights
 * may have damaged).  Every failure says why; what is accepted has its
 * strings terminated inside their fields.  Built without libFuzzer, main()
 * replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl-plugin/runc.h"
#include "replay.h"

static char root[] = "/tmp/fuzz-runc-state.XXXXXX";
static char file[128];

static void cleanup(void)
{
    char p[96];
    unlink(file);
    snprintf(p, sizeof(p), "%s/c1", root);
    rmdir(p);
    rmdir(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!file[0]) {
        char p[96];
        if (!mkdtemp(root))
            abort();
        snprintf(p, sizeof(p), "%s/c1", root);
        if (mkdir(p, 0700) < 0)
            abort();
        snprintf(file, sizeof(file), "%s/c1/state.json", root);
        atexit(cleanup);
    }
    FILE *f = fopen(file, "w");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    struct runc_global g = {.root = root};
    struct runc_state *s = malloc(sizeof(*s));
    if (!s)
        return 0;
    xo_err err = XO_ERR_INIT;
    if (runc_state_read(&g, "c1", s, &err) == 0) {
        if (!memchr(s->id, 0, sizeof(s->id)) ||
            !memchr(s->name, 0, sizeof(s->name)) ||
            !memchr(s->bundle, 0, sizeof(s->bundle)) ||
            !memchr(s->volume, 0, sizeof(s->volume)) ||
            !memchr(s->created, 0, sizeof(s->created)) ||
            s->n_pending > RUNC_MAX_PENDING)
            __builtin_trap();
        for (size_t i = 0; i < s->n_pending; i++)
            if (s->pending[i] < 1 || s->pending[i] > 64)
                __builtin_trap();
    } else if (!err.msg) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(s);
    return 0;
}
