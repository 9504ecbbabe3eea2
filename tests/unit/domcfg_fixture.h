/*
 * domcfg_fixture.h: the shared fixture of the domcfg unit tests: a root
 * volume in a temporary directory and a helper that runs domcfg on app.cfg
 * text ("@RV@" stands for the root volume) and an image config.  Included
 * by test-domcfg.c, test-domcfg-render.c and test-metadata.c only.
 */
#ifndef XL_OCI_TESTS_DOMCFG_FIXTURE_H
#define XL_OCI_TESTS_DOMCFG_FIXTURE_H

struct fixture {
    char dir[64]; /* the root volume */
    struct app_cfg *ac;
    struct domain_config dc;
};

static const struct domcfg_opts opts = {
    .state_root = "/st",
    .default_loader = "/ld",
};

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test-domcfg.XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    write_file(fx->dir, "rootfs.erofs", "");
    domain_config_init(&fx->dc);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    int r = system(cmd);
    domain_config_dispose(&fx->dc);
    app_cfg_free(fx->ac);
    free(fx);
    return r == 0 ? 0 : -1;
}

/* Runs domcfg on app.cfg text (@RV@ = the root volume) and image config. */
static int build(struct fixture *fx, const char *image_config, const char *cfg,
                 xo_err *err)
{
    write_file(fx->dir, "image-config.json", image_config);
    size_t cap = strlen(cfg) * (strlen(fx->dir) + 1) + 1;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = 0;
    for (const char *p = cfg; *p;) {
        if (strncmp(p, "@RV@", 4) == 0) {
            o += (size_t)snprintf(text + o, cap - o, "%s", fx->dir);
            p += 4;
        } else {
            text[o++] = *p++;
        }
    }
    text[o] = '\0';
    app_cfg_free(fx->ac);
    fx->ac = NULL;
    domain_config_dispose(&fx->dc);
    int rc = app_cfg_read_data(&fx->ac, "app.cfg", text, o, err);
    free(text);
    if (rc < 0)
        return -1;
    return domcfg_from_app_cfg(&fx->dc, fx->ac, &opts, err);
}

static void build_ok(struct fixture *fx, const char *ic, const char *cfg)
{
    xo_err err = XO_ERR_INIT;
    if (build(fx, ic, cfg, &err) < 0)
        fail_msg("unexpected error: %s", xo_err_msg(&err));
}

#endif
