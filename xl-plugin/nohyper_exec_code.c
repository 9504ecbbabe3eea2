/*
 * nohyper_exec_code.c: the shell's exit code for a runc exec that could
 * not start its process (see nohyper.h).  runc exits 255 then, as a
 * process may itself; what tells them apart is the error runc logged
 * (`--log FILE --log-format json`: one JSON object per line, "level" and
 * "msg"), which names the cause in the Go runtime's words.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "nohyper.h"

/* The "msg" of the last line at level "error" or "fatal" that is runc's
 * failure to start the process ("exec failed: ..."), or NULL (copied;
 * free it).  runc also logs errors it survives (a signal it could not
 * forward, a resize), which say nothing of the process's exit. */
static char *last_error(const char *log, const char *needle)
{
    char *found = NULL;
    const char *p = log;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_tokener *tok = json_tokener_new();
        json_object *o = tok ? json_tokener_parse_ex(tok, p, (int)len) : NULL;
        json_object *lv, *msg;
        const char *level;
        if (o && json_object_is_type(o, json_type_object) &&
            json_object_object_get_ex(o, "level", &lv) &&
            (level = json_object_get_string(lv)) &&
            (strcmp(level, "error") == 0 || strcmp(level, "fatal") == 0) &&
            json_object_object_get_ex(o, "msg", &msg) &&
            json_object_is_type(msg, json_type_string) &&
            strstr(json_object_get_string(msg), needle)) {
            free(found);
            found = strdup(json_object_get_string(msg));
        }
        json_object_put(o);
        if (tok)
            json_tokener_free(tok);
        p = nl ? nl + 1 : NULL;
    }
    return found;
}

int nohyper_exec_code(const char *log, int status)
{
    char *msg = last_error(log, "exec failed:");
    if (!msg)
        return status;
    int code = 1;
    /* A cwd runc cannot enter says "chdir to cwd ...: no such file": the
     * process was found, its directory was not. */
    if (strstr(msg, "chdir"))
        code = 1;
    else if (strstr(msg, "executable file not found") ||
             strstr(msg, "no such file or directory"))
        code = 127;
    else if (strstr(msg, "permission denied") ||
             strstr(msg, "is a directory") || strstr(msg, "exec format error"))
        code = 126;
    free(msg);
    return code;
}

int nohyper_create_code(const char *log, char *msg_r, size_t msgsz)
{
    /* runc create: "runc create failed: unable to start container
     * process: exec: \"prog\": executable file not found in $PATH". */
    char *msg = last_error(log, "unable to start container process: exec:");
    if (!msg)
        return -1;
    int code = -1;
    if (strstr(msg, "executable file not found") ||
        strstr(msg, "no such file or directory"))
        code = 127;
    else if (strstr(msg, "permission denied") ||
             strstr(msg, "is a directory") || strstr(msg, "exec format error"))
        code = 126;
    if (code > 0) {
        const char *m = strstr(msg, "exec:");
        /* may truncate: a message */
        snprintf(msg_r, msgsz, "%s", m ? m : msg);
    }
    free(msg);
    return code;
}

/* runc's words for a mount namespace without cgroups under /sys/fs/cgroup
 * (libcontainer/cgroups), and what an admin then does: `ip netns exec`
 * mounts a /sys of its own over the host's, cgroup mounts gone (found by
 * helper-106, whose NOHYPER create said only runc's words). */
#define RUNC_NO_CGROUP_MOUNT "no cgroup mount found in mountinfo"
#define NO_CGROUP_HINT                                                         \
    " (this mount namespace has no cgroup file system under /sys/fs/cgroup;"   \
    " `ip netns exec` mounts a /sys of its own without it: enter a network"    \
    " namespace with `nsenter --net=/run/netns/NAME` instead)"

bool nohyper_runc_error(const char *log, char *msg_r, size_t msgsz)
{
    char *msg = last_error(log, "");
    if (msg)
        /* may truncate: a message */
        snprintf(msg_r, msgsz, "%s%s", msg,
                 strstr(msg, RUNC_NO_CGROUP_MOUNT) ? NO_CGROUP_HINT : "");
    free(msg);
    return msg != NULL;
}
