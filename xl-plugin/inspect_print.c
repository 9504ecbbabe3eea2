/*
 * inspect_print.c: `xl-oci inspect`'s output, from the record inspect.h
 * describes: the JSON as it is, or text of one "field: value" line per
 * value (like `status`), lists continued on indented lines.  Label and
 * annotation values may hold tabs and newlines (domcfg/metadata.h), which
 * the text shows as \t and \n (a backslash as \\), so each entry stays on
 * one line.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"
#include "inspect.h"

#define FIELD "%-13s"

int inspect_print_json(json_object *rec)
{
    char *s = xo_json_to_string(rec);
    int rc = fputs(s, stdout) != EOF && fflush(stdout) == 0 ? 0 : -1;
    free(s);
    return rc;
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return NULL;
    return json_object_get_string(v);
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* "field:" padded, then the value (or "-"). */
static void line(const char *field, const char *value)
{
    char f[32];
    /* cannot truncate: the fields are short literals */
    snprintf(f, sizeof(f), "%s:", field);
    printf(FIELD "%s\n", f, value && *value ? value : "-");
}

/* Line i of a list: the field on the first, blanks on the next ones. */
static void list_line(const char *field, int i, const char *value)
{
    if (i == 0)
        line(field, value);
    else
        printf(FIELD "%s\n", "", value);
}

/* A value with \, tab and newline escaped; owned. */
static char *escape(const char *s)
{
    size_t n = strlen(s);
    char *out = xo_xmalloc(2 * n + 1), *o = out;
    for (; *s; s++) {
        if (*s == '\\' || *s == '\n' || *s == '\t') {
            *o++ = '\\';
            *o++ = *s == '\n' ? 'n' : *s == '\t' ? 't' : '\\';
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static void print_map(const char *field, json_object *map)
{
    int i = 0;
    if (!map) {
        line(field, NULL);
        return;
    }
    json_object_object_foreach (map, k, v) {
        char *val = escape(json_object_get_string(v));
        char *kv = xo_xasprintf("%s=%s", k, val);
        list_line(field, i++, kv);
        free(kv);
        free(val);
    }
    if (i == 0)
        line(field, NULL);
}

/* args as a shell would read them back: a word with anything but
 * [A-Za-z0-9_./=:,@%+-] in single quotes. */
static void print_args(json_object *args)
{
    printf(FIELD, "args:");
    size_t n = args ? json_object_array_length(args) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *a =
            json_object_get_string(json_object_array_get_idx(args, i));
        bool plain = *a != '\0';
        for (const char *p = a; *p && plain; p++)
            plain = isalnum((unsigned char)*p) || strchr("_./=:,@%+-", *p);
        fputs(i ? " " : "", stdout);
        if (plain) {
            fputs(a, stdout);
            continue;
        }
        putchar('\'');
        for (const char *p = a; *p; p++)
            fputs(*p == '\'' ? "'\\''" : (char[]){*p, '\0'}, stdout);
        putchar('\'');
    }
    putchar('\n');
}

static void print_config(json_object *cfg)
{
    line("config", str(cfg, "file"));
    if (str(cfg, "oci_image"))
        line("oci_image", str(cfg, "oci_image"));
    if (str(cfg, "oci_root"))
        line("oci_root", str(cfg, "oci_root"));
    line("root volume", str(cfg, "root_volume"));
    line("writable", str(cfg, "writable"));
    json_object *t = member(cfg, "tmpfs_volumes");
    for (size_t i = 0; t && i < json_object_array_length(t); i++)
        list_line("tmpfs", (int)i,
                  json_object_get_string(json_object_array_get_idx(t, i)));
    line("hostname", str(cfg, "hostname"));
    json_object *p = member(cfg, "process");
    if (!p)
        return;
    print_args(member(p, "args"));
    json_object *env = member(p, "env");
    size_t n = env ? json_object_array_length(env) : 0;
    for (size_t i = 0; i < n; i++)
        list_line("env", (int)i,
                  json_object_get_string(json_object_array_get_idx(env, i)));
    line("cwd", str(p, "cwd"));
    char user[256];
    json_object *g = member(p, "additional_gids");
    size_t used = 0, ng = g ? json_object_array_length(g) : 0;
    /* may truncate: display text */
    snprintf(user, sizeof(user), "%s:%s", str(p, "uid"), str(p, "gid"));
    for (size_t i = 0; i < ng && (used = strlen(user)) < sizeof(user); i++)
        /* may truncate: display text */
        snprintf(user + used, sizeof(user) - used, "%s%s", i ? "," : " groups ",
                 json_object_get_string(json_object_array_get_idx(g, i)));
    line("user", user);
    json_object *sc = member(cfg, "sysctl");
    if (sc && json_object_object_length(sc) > 0)
        print_map("sysctl", sc);
}

static void print_status(json_object *st)
{
    if (!st) {
        line("state", "no DomainStatus");
        return;
    }
    char buf[128];
    line("state", str(st, "state"));
    if (str(st, "domid"))
        /* may truncate: display text */
        snprintf(buf, sizeof(buf), "%s, domid %s", str(st, "mode"),
                 str(st, "domid"));
    else
        /* may truncate: display text */
        snprintf(buf, sizeof(buf), "%s, pid %s", str(st, "mode"),
                 str(st, "pid") ? str(st, "pid") : "-");
    line("mode", buf);
    line("uuid", str(st, "uuid"));
    line("image", str(st, "image"));
    line("created", str(st, "created"));
    line("started", str(st, "started"));
    line("finished", str(st, "finished"));
    line("exit code", str(st, "exit_code"));
    line("oom killed", str(st, "oom_killed")); /* docker's State.OOMKilled */
    line("error", str(st, "error"));
    line("restarts", str(st, "restarts"));
}

/* An array of strings as "A,B" into buf[len], "-" when empty. */
static const char *join(char *buf, size_t len, json_object *arr)
{
    size_t n = arr ? json_object_array_length(arr) : 0, used = 0;
    /* may truncate: display text */
    snprintf(buf, len, "-");
    for (size_t i = 0; i < n && used < len; i++) {
        /* may truncate: display text */
        int w =
            snprintf(buf + used, len - used, "%s%s", i ? "," : "",
                     json_object_get_string(json_object_array_get_idx(arr, i)));
        used += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

static void print_leases(json_object *leases, json_object *st)
{
    /* Up to NETBACK_PORTS_MAX ports of up to XO_PORT_SPEC_TEXT bytes. */
    char buf[8192], list[6144], list6[1024];
    size_t n = leases ? json_object_array_length(leases) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *l = json_object_array_get_idx(leases, i);
        /* may truncate: display text */
        snprintf(buf, sizeof(buf), "%s eth%s %s %s%s%s vif %s ports %s",
                 str(l, "network"), str(l, "interface"), str(l, "mac"),
                 str(l, "ipv4"), str(l, "ipv6") ? " " : "",
                 str(l, "ipv6") ? str(l, "ipv6") : "",
                 str(l, "vif") ? str(l, "vif") : "-",
                 join(list, sizeof(list), member(l, "ports")));
        list_line("leases", (int)i, buf);
    }
    if (n == 0)
        line("leases", NULL);
    json_object *nets = st ? member(st, "networks") : NULL;
    n = nets ? json_object_array_length(nets) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(nets, i);
        /* may truncate: display text */
        snprintf(buf, sizeof(buf), "eth%s %s ipv4 %s ipv6 %s",
                 str(r, "interface"), str(r, "mac"),
                 join(list, sizeof(list), member(r, "ipv4")),
                 join(list6, sizeof(list6), member(r, "ipv6")));
        list_line("reported", (int)i, buf);
    }
}

static void print_volumes(json_object *vols)
{
    size_t n = vols ? json_object_array_length(vols) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(vols, i);
        char buf[8400];
        /* may truncate: display text */
        snprintf(buf, sizeof(buf), "%s <- %s (%s, %s)", str(v, "destination"),
                 str(v, "source"), str(v, "type"),
                 json_object_get_boolean(member(v, "read_only")) ? "ro" : "rw");
        list_line("volumes", (int)i, buf);
    }
    if (n == 0)
        line("volumes", NULL);
}

int inspect_print_text(json_object *rec)
{
    line("name", str(rec, "name"));
    print_config(member(rec, "config"));
    print_map("labels", member(rec, "labels"));
    print_map("annotations", member(rec, "annotations"));
    print_status(member(rec, "status"));
    print_leases(member(rec, "leases"), member(rec, "status"));
    print_volumes(member(rec, "volumes"));
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}
