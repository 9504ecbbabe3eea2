/*
 * app_cfg.c: app.cfg through libxlutil, with a check of every key.
 *
 * libxlutil has no public way to list the keys a file set, and xl itself
 * ignores unknown keys.  We must refuse them with their line number, so we
 * walk libxlutil's list of settings.  Its layout is private to libxlutil;
 * the declaration below is the one of Xen 4.17 (configure requires xlutil
 * 4.17) and every walked name is cross-checked with the public getters, so
 * a layout change is caught as an error instead of being misread.
 */
#include "app_cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/typo.h"
#include "domcfg/domain_config.h"
#include "common/xenlight_lib.h"

struct xlu417_setting {
    struct xlu417_setting *next;
    char *name;
    XLU_ConfigValue *value;
    enum XLU_Operation op;
    int lineno;
};

struct xlu417_config {
    struct xlu417_setting *settings;
    FILE *report;
    char *config_source;
};

/*
 * Its lists and values, as private (libxlu_internal.h of 4.17).  A value
 * keeps where the parser found it: a list item's loc.first_line is the
 * line it was written on.  A list written over several lines, or added
 * to with += (libxlutil moves the earlier setting's items into the last
 * setting's list), has items on other lines than its setting's, and an
 * error about an item names the item's line (helper-97: a bad item of
 * the first line was blamed on the line of the +=).  check_items()
 * cross-checks every walked item with the public getters.
 */
struct xlu417_value;

struct xlu417_list {
    int avalues;
    int nvalues;
    struct xlu417_value **values;
};

struct xlu417_value {
    enum XLU_ConfigValueType type;
    union {
        char *string;
        struct xlu417_list list;
    } u;
    struct {
        int first_line, first_column, last_line, last_column;
    } loc;
};

enum key_type { KEY_STRING, KEY_LIST, KEY_LONG };

struct key_def {
    const char *name;
    enum key_type type;
};

/* Every key app.cfg may set; anything else is an error. */
static const struct key_def known_keys[] = {
    {"name", KEY_STRING},
    {"uuid", KEY_STRING},
    {"type", KEY_STRING},
    {"memory", KEY_LONG},
    {"maxmem", KEY_LONG},
    {"vcpus", KEY_LONG},
    {"maxvcpus", KEY_LONG},
    {"cpus", KEY_STRING},
    {"cpu_weight", KEY_LONG},
    {"cap", KEY_LONG},
    {"vif", KEY_LIST},
    {"disk", KEY_LIST},
    {"on_poweroff", KEY_STRING},
    {"on_reboot", KEY_STRING},
    {"on_crash", KEY_STRING},
    {"oci_root", KEY_STRING},
    {"oci_image", KEY_STRING},
    {"oci_entrypoint", KEY_LIST},
    {"oci_cmd", KEY_LIST},
    {"oci_env", KEY_LIST},
    {"oci_workdir", KEY_STRING},
    {"oci_user", KEY_STRING},
    {"oci_hostname", KEY_STRING},
    {"oci_volumes", KEY_LIST},
    {"oci_writable", KEY_STRING},
    {"oci_stop_signal", KEY_STRING},
    {"oci_stop_timeout", KEY_LONG},
    {"oci_loader", KEY_STRING},
    {"oci_mode", KEY_STRING},
    {"oci_restart", KEY_STRING},
    {"oci_deadline", KEY_LONG},
    {"oci_stdin", KEY_LONG},
    {"oci_gateway", KEY_STRING},
    {"oci_dns", KEY_LIST},
    {"oci_privileged", KEY_LONG},
    {"oci_no_new_privileges", KEY_LONG},
    {"oci_rlimits", KEY_LIST},
    {"oci_sysctl", KEY_LIST},
    {"oci_network", KEY_LIST},
    {"oci_ports", KEY_LIST},
    {"oci_labels", KEY_LIST},
};

#define MAX_SETTINGS 4096

struct app_cfg {
    XLU_Config *xlu;
    char *path;
    char *report_buf; /* libxlutil's diagnostics, for syntax errors */
    size_t report_len;
    FILE *report;
    int lines; /* at most this many lines: a bound on items' lines */
};

static const struct key_def *find_key(const char *name)
{
    for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
        if (strcmp(known_keys[i].name, name) == 0)
            return &known_keys[i];
    return NULL;
}

/* The known key a typo away from `name` (the closest, the first of
 * equals), or NULL: "oci_netwrok" names oci_network (helper-106: the
 * error alone sent a user to the man page for a transposition). */
static const char *nearest_key(const char *name)
{
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++) {
        int d = xo_typo_distance(name, known_keys[i].name);
        if (d < best_d && xo_typo_close(name, known_keys[i].name)) {
            best = known_keys[i].name;
            best_d = d;
        }
    }
    return best;
}

/* xl.cfg(5) keys an admin may carry over that xl-oci does not take,
 * with what to use instead (NULL: nothing does it here).  Said in the
 * unknown-key error (helper-65: "unknown key" alone read like a typo). */
static const struct {
    const char *key, *instead;
} xl_keys[] = {
    {"kernel", "the loader boots the container: oci_loader chooses it"},
    {"ramdisk", "the loader boots the container: oci_loader chooses it"},
    {"extra", "the loader boots the container: oci_loader chooses it"},
    {"cmdline", "the loader boots the container: oci_loader chooses it"},
    {"root", "the image is the root: oci_image or oci_root"},
    {"bootloader", "the loader boots the container: oci_loader chooses it"},
    {"builder", "type (pv or pvh)"},
    {"p9", "oci_volumes \"share:/DIR:/TARGET\""},
    {"pci", NULL},
    {"usb", NULL},
    {"usbctrl", NULL},
    {"usbdev", NULL},
    {"serial", NULL},
    {"vnc", NULL},
    {"sdl", NULL},
    {"vfb", NULL},
    {"vkb", NULL},
    {"channel", NULL},
    {"device_model_version", NULL},
    {"on_watchdog", NULL},
    {"on_soft_reset", NULL},
    {"cpus_soft", NULL},
    {"nomigrate", NULL},
    /* The rest of Xen 4.17's xl.cfg(5): none has a use here. */
    {"pool", NULL},
    {"vnuma", NULL},
    {"seclabel", NULL},
    {"init_seclabel", NULL},
    {"max_grant_frames", NULL},
    {"max_maptrack_frames", NULL},
    {"max_grant_version", NULL},
    {"driver_domain", NULL},
    {"device_tree", NULL},
    {"passthrough", NULL},
    {"xend_suspend_evtchn_compat", NULL},
    {"vmtrace_buf_kb", NULL},
    {"vpmu", NULL},
    {"vtpm", NULL},
    {"pvcalls", NULL},
    {"rdm", NULL},
    {"pci_permissive", NULL},
    {"pci_msitranslate", NULL},
    {"pci_seize", NULL},
    {"pci_power_mgmt", NULL},
    {"gfx_passthru", NULL},
    {"rdm_mem_boundary", NULL},
    {"dtdev", NULL},
    {"ioports", NULL},
    {"iomem", NULL},
    {"irqs", NULL},
    {"max_event_channels", NULL},
    {"vdispl", NULL},
    {"dm_restrict", NULL},
    {"device_model_user", NULL},
    {"vsnd", NULL},
    {"virtio", NULL},
    {"tee", NULL},
    {"firmware", NULL},
    {"pvshim", NULL},
    {"pvshim_path", NULL},
    {"pvshim_cmdline", NULL},
    {"pvshim_extra", NULL},
    {"bootloader_args", NULL},
    {"bootloader_restrict", NULL},
    {"bootloader_user", NULL},
    {"e820_host", NULL},
    {"boot", NULL},
    {"hdtype", NULL},
    {"hap", NULL},
    {"oos", NULL},
    {"shadow_memory", NULL},
    {"bios", NULL},
    {"bios_path_override", NULL},
    {"pae", NULL},
    {"acpi", NULL},
    {"acpi_s3", NULL},
    {"acpi_s4", NULL},
    {"acpi_laptop_slate", NULL},
    {"apic", NULL},
    {"nx", NULL},
    {"hpet", NULL},
    {"altp2m", NULL},
    {"altp2mhvm", NULL},
    {"nestedhvm", NULL},
    {"cpuid", NULL},
    {"acpi_firmware", NULL},
    {"smbios_firmware", NULL},
    {"smbios", NULL},
    {"ms_vm_genid", NULL},
    {"tsc_mode", NULL},
    {"localtime", NULL},
    {"rtc_timeoffset", NULL},
    {"vpt_align", NULL},
    {"timer_mode", NULL},
    {"mmio_hole", NULL},
    {"xen_platform_pci", NULL},
    {"viridian", NULL},
    {"hvm_pirq", NULL},
    {"videoram", NULL},
    {"stdvga", NULL},
    {"vga", NULL},
    {"vnclisten", NULL},
    {"vncdisplay", NULL},
    {"vncunused", NULL},
    {"vncpasswd", NULL},
    {"keymap", NULL},
    {"opengl", NULL},
    {"nographic", NULL},
    {"spice", NULL},
    {"spicehost", NULL},
    {"spiceport", NULL},
    {"spicetls_port", NULL},
    {"spicedisable_ticketing", NULL},
    {"spicepasswd", NULL},
    {"spiceagent_mouse", NULL},
    {"spicevdagent", NULL},
    {"spice_clipboard_sharing", NULL},
    {"spiceusbredirection", NULL},
    {"spice_image_compression", NULL},
    {"spice_streaming_video", NULL},
    {"soundhw", NULL},
    {"vkb_device", NULL},
    {"usbversion", NULL},
    {"usbdevice", NULL},
    {"vendor_device", NULL},
    {"device_model_override", NULL},
    {"stubdomain_kernel", NULL},
    {"stubdomain_cmdline", NULL},
    {"stubdomain_ramdisk", NULL},
    {"stubdomain_memory", NULL},
    {"device_model_stubdomain_override", NULL},
    {"device_model_stubdomain_seclabel", NULL},
    {"device_model_args", NULL},
    {"device_model_args_pv", NULL},
    {"device_model_args_hvm", NULL},
    {"gic_version", NULL},
    {"vuart", NULL},
    {"sve", NULL},
    {"mca_caps", NULL},
    {"msr_relaxed", NULL},
};

static const char *xl_key_instead(const char *name, bool *is_xl_r)
{
    for (size_t i = 0; i < sizeof(xl_keys) / sizeof(xl_keys[0]); i++)
        if (!strcmp(xl_keys[i].key, name)) {
            *is_xl_r = true;
            return xl_keys[i].instead;
        }
    *is_xl_r = false;
    return NULL;
}

static const char *type_name(enum key_type t)
{
    switch (t) {
    case KEY_STRING:
        return "a string";
    case KEY_LIST:
        return "a list";
    case KEY_LONG:
        return "a number";
    }
    return "?";
}

/* Line of the setting of `key` libxlutil will use (the last one), or 0. */
static int key_line(const struct app_cfg *ac, const char *key)
{
    const struct xlu417_config *c = (const struct xlu417_config *)ac->xlu;
    for (const struct xlu417_setting *s = c->settings; s; s = s->next)
        if (s->name && strcmp(s->name, key) == 0)
            return s->lineno;
    return 0;
}

char *app_cfg_where(const struct app_cfg *ac, const char *key)
{
    int line = key_line(ac, key);
    return line > 0 ? xo_xasprintf("%s:%d: %s", ac->path, line, key)
                    : xo_xasprintf("%s: %s", ac->path, key);
}

char *app_cfg_where_file(const struct app_cfg *ac, const char *key)
{
    int line = key_line(ac, key);
    return line > 0 ? xo_xasprintf("%s:%d", ac->path, line)
                    : xo_xstrdup(ac->path);
}

/* The item of `key`'s list (as libxlutil's getters see it), or NULL. */
static const struct xlu417_value *item_value(const struct app_cfg *ac,
                                             const char *key, size_t index)
{
    XLU_ConfigList *l;
    int n = 0;
    if (xo_xlu.cfg_get_list(ac->xlu, key, &l, &n, 1) || index >= (size_t)n)
        return NULL;
    return ((const struct xlu417_list *)l)->values[index];
}

int app_cfg_item_line(const struct app_cfg *ac, const char *key, size_t index)
{
    const struct xlu417_value *v = item_value(ac, key, index);
    return v ? v->loc.first_line : key_line(ac, key);
}

ptrdiff_t app_cfg_item_index(const struct app_cfg *ac, const char *key,
                             const char *text)
{
    XLU_ConfigList *l;
    int n = 0;
    if (xo_xlu.cfg_get_list(ac->xlu, key, &l, &n, 1))
        return -1;
    for (int i = n - 1; i >= 0; i--) {
        const char *item = xo_xlu.cfg_get_listitem(l, i);
        if (item && strcmp(item, text) == 0)
            return i;
    }
    return -1;
}

char *app_cfg_where_item(const struct app_cfg *ac, const char *key,
                         size_t index)
{
    int line = app_cfg_item_line(ac, key, index);
    return line > 0 ? xo_xasprintf("%s:%d: %s", ac->path, line, key)
                    : xo_xasprintf("%s: %s", ac->path, key);
}

char *app_cfg_where_item_file(const struct app_cfg *ac, const char *key,
                              size_t index)
{
    int line = app_cfg_item_line(ac, key, index);
    return line > 0 ? xo_xasprintf("%s:%d", ac->path, line)
                    : xo_xstrdup(ac->path);
}

static int verr(const struct app_cfg *ac, const char *key, int line,
                xo_err *err, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap); /* may truncate: a message */
    if (line > 0)
        return xo_err_set(err, EINVAL, "%s:%d: %s: %s", ac->path, line, key,
                          msg);
    return xo_err_set(err, EINVAL, "%s: %s: %s", ac->path, key, msg);
}

int app_cfg_bad_value(const struct app_cfg *ac, const char *key, xo_err *err,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(ac, key, key_line(ac, key), err, fmt, ap);
    va_end(ap);
    return -1;
}

int app_cfg_bad_item(const struct app_cfg *ac, const char *key, size_t index,
                     xo_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(ac, key, app_cfg_item_line(ac, key, index), err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Does the key hold a value of the type its definition says? */
static bool has_type(const struct app_cfg *ac, const struct key_def *k)
{
    const char *s;
    XLU_ConfigList *l;
    switch (k->type) {
    case KEY_STRING:
    case KEY_LONG:
        /* Numbers are string atoms; app_cfg_long checks their syntax. */
        return xo_xlu.cfg_get_string(ac->xlu, k->name, &s, 1) == 0;
    case KEY_LIST:
        return xo_xlu.cfg_get_list(ac->xlu, k->name, &l, NULL, 1) == 0;
    }
    return false;
}

/* The items of list `key` as walked (struct xlu417_list) are the ones
 * the public getters give, each with a line inside the file. */
static int check_items(const struct app_cfg *ac, const char *key, xo_err *err)
{
    XLU_ConfigList *l;
    int n = 0;
    if (xo_xlu.cfg_get_list(ac->xlu, key, &l, &n, 1))
        return 0;
    const struct xlu417_list *wl = (const struct xlu417_list *)l;
    bool ok = n >= 0 && wl->nvalues == n && (n == 0 || wl->values);
    for (int i = 0; ok && i < n; i++) {
        const struct xlu417_value *v = wl->values[i];
        const char *item = xo_xlu.cfg_get_listitem(l, i);
        ok = v &&
             (item ? v->type == XLU_STRING && v->u.string == item
                   : v->type == XLU_LIST) &&
             v->loc.first_line >= 1 && v->loc.first_line <= ac->lines;
    }
    if (!ok)
        return xo_err_set(
            err, EPROTO,
            "%s: cannot walk libxlutil's list %s (libxlutil is not 4.17?)",
            ac->path, key);
    return 0;
}

/*
 * Checks one setting: a known key, given once, of its type.  The rest of
 * libxlutil's list after `s` is what stands above it in the file (the
 * list holds the settings newest first).
 */
static int check_setting(struct app_cfg *ac, const struct xlu417_setting *s,
                         bool given_later, xo_err *err)
{
    const char *s_any;
    XLU_ConfigList *l_any;
    if (!s->name || (xo_xlu.cfg_get_string(ac->xlu, s->name, &s_any, 1) &&
                     xo_xlu.cfg_get_list(ac->xlu, s->name, &l_any, NULL, 1)))
        return xo_err_set(
            err, EPROTO,
            "%s: cannot walk libxlutil's settings (libxlutil is not 4.17?)",
            ac->path);
    const struct key_def *k = find_key(s->name);
    bool is_xl = false;
    const char *instead = k ? NULL : xl_key_instead(s->name, &is_xl);
    if (!k && is_xl)
        return xo_err_set(
            err, EINVAL,
            "%s:%d: unknown key \"%s\" (an xl.cfg key xl-oci does not take%s%s)",
            ac->path, s->lineno, s->name, instead ? "; " : "",
            instead ? instead : "");
    if (!k) {
        const char *near = nearest_key(s->name);
        return xo_err_set(err, EINVAL, "%s:%d: unknown key \"%s\"%s%s%s",
                          ac->path, s->lineno, s->name,
                          near ? " (did you mean " : "", near ? near : "",
                          near ? "?)" : "");
    }
    /* libxlutil's += joins two strings into one (memory = 64 then
         * memory += 96 is 6496): here it adds to a list only. */
    if (s->op == XLU_OP_ADDITION && k->type != KEY_LIST)
        return xo_err_set(
            err, EINVAL,
            "%s:%d: %s: += adds to a list, and %s takes %s: give it once with =",
            ac->path, s->lineno, s->name, s->name, type_name(k->type));
    /* xl keeps the last of a key given twice, silently: here, where
         * a slip is an error, so is that (helper-65: a second oci_env
         * dropped the first).  += adds to a list (libxlutil merges it
         * into the one setting). */
    /* The first of the key's lines, as the file reads. */
    const struct xlu417_setting *first = NULL;
    for (const struct xlu417_setting *t = s->next;
         t && s->op != XLU_OP_ADDITION; t = t->next)
        if (t->name && !strcmp(t->name, s->name))
            first = t;
    if (first)
        return xo_err_set(
            err, EINVAL,
            "%s:%d: %s is given again (first at line %d): give it once, or add to a list with +=",
            ac->path, s->lineno, s->name, first->lineno);
    /* libxlutil answers for a key with its last setting: a key given
     * again further down is that line's error, not this one's. */
    if (given_later)
        return 0;
    if (!has_type(ac, k))
        return xo_err_set(err, EINVAL, "%s:%d: %s: must be %s", ac->path,
                          key_line(ac, k->name), s->name, type_name(k->type));
    if (k->type == KEY_LIST && check_items(ac, k->name, err) < 0)
        return -1;
    return 0;
}

/*
 * Checks every setting in the order of the file, so that the error an
 * admin reads is the first one of the file, as a compiler's is (libxlutil
 * keeps them newest first: walking its list named the last typo first).
 */
static int check_keys(struct app_cfg *ac, xo_err *err)
{
    const struct xlu417_config *c = (const struct xlu417_config *)ac->xlu;
    size_t n = 0;
    for (const struct xlu417_setting *s = c->settings; s; s = s->next)
        if (++n > MAX_SETTINGS)
            return xo_err_set(err, E2BIG, "%s: more than %d settings", ac->path,
                              MAX_SETTINGS);
    const struct xlu417_setting **order = xo_xcalloc(n ? n : 1, sizeof(*order));
    size_t i = n;
    for (const struct xlu417_setting *s = c->settings; s; s = s->next)
        order[--i] = s;
    int rc = 0;
    for (i = 0; i < n && rc == 0; i++) {
        bool given_later = false;
        for (size_t j = i + 1; j < n && !given_later; j++)
            given_later = order[i]->name && order[j]->name &&
                          !strcmp(order[i]->name, order[j]->name);
        rc = check_setting(ac, order[i], given_later, err);
    }
    free(order);
    return rc;
}

/* The first line of libxlutil's report, without its trailing newline. */
static const char *report_text(struct app_cfg *ac)
{
    fflush(ac->report);
    if (!ac->report_buf || ac->report_len == 0)
        return "syntax error";
    char *nl = strchr(ac->report_buf, '\n');
    if (nl)
        *nl = '\0';
    return ac->report_buf;
}

static struct app_cfg *app_cfg_new(const char *path)
{
    struct app_cfg *ac = xo_xcalloc(1, sizeof(*ac));
    ac->path = xo_xstrdup(path);
    /* Both fail only when out of memory. */
    ac->report = open_memstream(&ac->report_buf, &ac->report_len);
    if (!ac->report)
        xo_oom();
    ac->xlu = xo_xlu.cfg_init(ac->report, path);
    if (!ac->xlu)
        xo_oom();
    return ac;
}

int app_cfg_read_data(struct app_cfg **out_r, const char *name,
                      const char *data, size_t len, xo_err *err)
{
    if (len > APP_CFG_MAX_BYTES)
        return xo_err_set(err, EFBIG, "%s: larger than %d bytes", name,
                          APP_CFG_MAX_BYTES);
    if (memchr(data, '\0', len))
        return xo_err_set(err, EINVAL, "%s: contains a NUL byte", name);
    /* What an editor on another system leaves, which libxlutil reports
     * as a syntax error near an invisible byte (helper-65). */
    if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
        return xo_err_set(
            err, EINVAL,
            "%s: starts with a UTF-8 byte order mark: save it without one",
            name);
    const char *cr = memchr(data, '\r', len);
    if (cr) {
        int line = 1;
        for (const char *p = data; p < cr; p++)
            line += *p == '\n';
        return xo_err_set(
            err, EINVAL,
            "%s:%d: a carriage return (a Windows line ending): save the file with Unix line endings",
            name, line);
    }
    if (xo_xenlight_load(err) < 0)
        return -1;
    struct app_cfg *ac = app_cfg_new(name);
    ac->lines = 1;
    for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data)));
         p++)
        ac->lines++;
    if (xo_xlu.cfg_readdata(ac->xlu, data, (int)len)) {
        /* libxlutil says where: "FILE:LINE: config parsing error ..." */
        int rc = xo_err_set(err, EINVAL, "%s", report_text(ac));
        app_cfg_free(ac);
        return rc;
    }
    if (check_keys(ac, err) < 0) {
        app_cfg_free(ac);
        return -1;
    }
    *out_r = ac;
    return 0;
}

int app_cfg_read(struct app_cfg **out_r, const char *path, xo_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (xo_read_file(&buf, &len, path, APP_CFG_MAX_BYTES, err) < 0)
        return -1;
    int rc = app_cfg_read_data(out_r, path, buf, len, err);
    free(buf);
    return rc;
}

void app_cfg_free(struct app_cfg *ac)
{
    if (!ac)
        return;
    if (ac->xlu)
        xo_xlu.cfg_destroy(ac->xlu);
    if (ac->report)
        fclose(ac->report);
    free(ac->report_buf);
    free(ac->path);
    free(ac);
}

const char *app_cfg_path(const struct app_cfg *ac)
{
    return ac->path;
}

XLU_Config *app_cfg_xlu(const struct app_cfg *ac)
{
    return ac->xlu;
}

int app_cfg_string(const struct app_cfg *ac, const char *key,
                   const char **out_r, xo_err *err)
{
    const char *s;
    if (xo_xlu.cfg_get_string(ac->xlu, key, &s, 1))
        return 0; /* absent: types were checked at read time */
    if (strlen(s) > DC_MAX_STRING)
        return app_cfg_bad_value(ac, key, err, "value longer than %d bytes",
                                 DC_MAX_STRING);
    *out_r = s;
    return 1;
}

static int get_list(const struct app_cfg *ac, const char *key, size_t max,
                    size_t item_max, char ***out_r, size_t *n_r, xo_err *err)
{
    XLU_ConfigList *l;
    int n = 0;
    if (xo_xlu.cfg_get_list(ac->xlu, key, &l, &n, 1))
        return 0;
    if ((size_t)n > max)
        return app_cfg_bad_value(ac, key, err, "%d items, at most %zu allowed",
                                 n, max);
    char **v = xo_xcalloc((size_t)n + 1, sizeof(*v));
    for (int i = 0; i < n; i++) {
        const char *item = xo_xlu.cfg_get_listitem(l, i);
        if (!item) {
            xo_strv_free(v);
            return app_cfg_bad_item(ac, key, (size_t)i, err,
                                    "item %d must be a string", i);
        }
        if (strlen(item) > item_max) {
            xo_strv_free(v);
            return app_cfg_bad_item(ac, key, (size_t)i, err,
                                    "item %d longer than %zu bytes", i,
                                    item_max);
        }
        v[i] = xo_xstrdup(item);
    }
    *out_r = v;
    if (n_r)
        *n_r = (size_t)n;
    return 1;
}

int app_cfg_list(const struct app_cfg *ac, const char *key, size_t max,
                 char ***out_r, size_t *n_r, xo_err *err)
{
    return get_list(ac, key, max, DC_MAX_STRING, out_r, n_r, err);
}

int app_cfg_exec_list(const struct app_cfg *ac, const char *key, char ***out_r,
                      size_t *n_r, xo_err *err)
{
    return get_list(ac, key, DC_MAX_EXEC_STRINGS, DC_MAX_ARG_STRLEN, out_r, n_r,
                    err);
}

int app_cfg_long(const struct app_cfg *ac, const char *key, long min, long max,
                 long *out_r, xo_err *err)
{
    const char *s;
    if (xo_xlu.cfg_get_string(ac->xlu, key, &s, 1))
        return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (errno == ERANGE && end != s && !*end)
        return app_cfg_bad_value(
            ac, key, err, "%.40s is out of range [%ld, %ld]", s, min, max);
    if (errno || end == s || *end)
        return app_cfg_bad_value(ac, key, err, "must be a number, not \"%s\"",
                                 s);
    if (v < min || v > max) {
        /* As written, and as read where that differs: numbers are read
         * as xl reads them (strtol base 0), so 010 is 8 (helper-84). */
        char dec[24];
        /* cannot truncate: a long is at most 20 characters */
        snprintf(dec, sizeof(dec), "%ld", v);
        if (strcmp(dec, s) == 0)
            return app_cfg_bad_value(
                ac, key, err, "%ld is out of range [%ld, %ld]", v, min, max);
        return app_cfg_bad_value(
            ac, key, err,
            "%.40s (read as %ld: a leading 0 is octal, 0x hexadecimal, as in xl) is out of range [%ld, %ld]",
            s, v, min, max);
    }
    *out_r = v;
    return 1;
}
