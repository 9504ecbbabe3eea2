/*
 * fuzz-app-cfg.c: libFuzzer target for the app.cfg path: app_cfg_read_data
 * -> domcfg_from_app_cfg -> the three renderers.  The root volume is a
 * temporary directory made once; "@RV@" in the input stands for it and
 * "@WORK@" for its parent (as in tests/golden/, whose app.cfg files are the
 * seed corpus).  Built without libFuzzer, main() replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/json.h"
#include "domcfg/app_cfg.h"
#include "domcfg/domcfg.h"
#include "replay.h"

static char work[] = "/tmp/fuzz-app-cfg.XXXXXX";
static char rv[64];

static void put(const char *name, const char *text)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/%s", rv, name);
    FILE *f = fopen(p, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static void cleanup(void)
{
    const char *names[] = {"rootfs.erofs", "image-config.json", "passwd",
                           "group"};
    char p[128];
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s/%s", rv, names[i]);
        unlink(p);
    }
    rmdir(rv);
    rmdir(work);
}

static void init_once(void)
{
    if (rv[0])
        return;
    if (!mkdtemp(work))
        abort();
    snprintf(rv, sizeof(rv), "%s/rv", work);
    if (mkdir(rv, 0700) < 0)
        abort();
    put("rootfs.erofs", "");
    put("image-config.json",
        "{\"architecture\": \"amd64\", \"os\": \"linux\", \"config\": {"
        "\"Env\": [\"PATH=/usr/bin:/bin\", \"LANG=C.UTF-8\"], "
        "\"Entrypoint\": [\"/bin/probe\"], \"Cmd\": [\"--mode\", \"print\"], "
        "\"WorkingDir\": \"/\", \"StopSignal\": \"SIGINT\", "
        "\"Labels\": {\"org.example\": \"v\"}}}");
    put("passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n"
                  "nobody:x:65534:65534::/:/bin/false\n");
    put("group", "root:x:0:\napp:x:1000:\nstaff:x:50:app\n");
    atexit(cleanup);
}

static int resolve(void *ctx, const char *ref, char **root_volume_r,
                   xo_err *err)
{
    (void)ctx;
    if (strcmp(ref, "bad") == 0)
        return xo_err_set(err, 2, "no such image %s", ref);
    *root_volume_r = strdup(rv);
    return 0;
}

/* The input with @RV@ and @WORK@ expanded, NUL-terminated; NULL if the
 * input names a special file system (the renderers open volume sources,
 * and a FIFO or a device there is no test of ours). */
static char *expand(const uint8_t *data, size_t size, size_t *len_r)
{
    size_t cap = size * 64 + 1, o = 0;
    char *t = malloc(cap);
    if (!t)
        return NULL;
    for (size_t i = 0; i < size;) {
        if (size - i >= 4 && memcmp(data + i, "@RV@", 4) == 0) {
            o += (size_t)snprintf(t + o, cap - o, "%s", rv);
            i += 4;
        } else if (size - i >= 6 && memcmp(data + i, "@WORK@", 6) == 0) {
            o += (size_t)snprintf(t + o, cap - o, "%s", work);
            i += 6;
        } else {
            t[o++] = (char)data[i++];
        }
    }
    t[o] = '\0';
    if (memmem(t, o, "/dev", 4) || memmem(t, o, "/proc", 5) ||
        memmem(t, o, "/sys", 4) || memmem(t, o, "/run", 4)) {
        free(t);
        return NULL;
    }
    *len_r = o;
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    if (size > 64 * 1024)
        return 0;
    size_t len = 0;
    char *text = expand(data, size, &len);
    if (!text)
        return 0;

    struct domcfg_opts opts = {
        .state_root = "/fuzz/state",
        .default_loader = "/fuzz/loader",
        .resolve_image = resolve,
    };
    struct app_cfg *ac = NULL;
    struct domain_config dc;
    libxl_domain_config d;
    json_object *spec = NULL;
    char *json = NULL;
    void *blob = NULL;
    size_t blob_len = 0;
    xo_err err = XO_ERR_INIT;

    domain_config_init(&dc);
    libxl_domain_config_init(&d);
    if (app_cfg_read_data(&ac, "app.cfg", text, len, &err) == 0 &&
        domcfg_from_app_cfg(&dc, ac, &opts, &err) == 0) {
        if (domcfg_to_libxl(&d, &dc, ac, &err) == 0)
            domcfg_libxl_json(&json, &d, &err);
        xo_err_clear(&err);
        if (domcfg_to_runtime_spec(&spec, &dc, &err) == 0) {
            char *s = xo_json_to_string(spec);
            free(s);
        }
        xo_err_clear(&err);
        domcfg_to_boot_spec(&blob, &blob_len, &dc, &err);
    }
    if (getenv("FUZZ_VERBOSE")) /* what a seed reaches */
        fprintf(stderr, "app-cfg: %s\n", err.msg ? err.msg : "ok");
    xo_err_clear(&err);
    free(blob);
    free(json);
    json_object_put(spec);
    libxl_domain_config_dispose(&d);
    domain_config_dispose(&dc);
    app_cfg_free(ac);
    free(text);
    return 0;
}
