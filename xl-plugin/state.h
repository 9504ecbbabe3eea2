/*
 * state.h: xl-oci's state on disk.  Under the state root (--root):
 *   lock                     the global lock, held while a command changes
 *                            domains (like xl's /var/lock/xl)
 *   domains/<name>/          one dir per domain, made atomically:
 *       app.cfg              the config as given
 *       domain-config.json   the libxl config (libxl's JSON)
 *       runtime-spec.json    the OCI runtime spec
 *       boot-spec.dtb        the loader's boot spec
 *       root-volume          the root volume's path (prune keeps it)
 *       ramdisk              loader initramfs + boot spec archive, only
 *                            while libxl builds the domain (create_ramdisk.h)
 *       monitor.lock         flock'd by the live monitor
 *       labels.json          read-only labels, a JSON object of strings,
 *                            written once by create (metastore.h)
 *       annotations.json     writable annotations, same shape, absent
 *                            until the first `xl-oci annotate`
 *       annotations.lock     flock'd by whoever changes annotations.json
 *                            and by destroy before it removes the dir
 *       exec.lock            flock'd while an exec or kill session
 *                            claims one of the domain's exec channels
 *                            (for a whole session with a loader from
 *                            before slots, which serves one at a time)
 *       run-state            "running", "stopped" or "ended": what the
 *                            container was last doing, on disk so that it
 *                            outlives dom0 (DomainStatus in xenstore does
 *                            not): `list` shows one that was running when
 *                            dom0 went down as "down", `autostart` starts
 *                            it again (state_run.c)
 *   events/                  the event journal (common/abi/event_journal.h):
 *       journal, journal.1, lock
 *   log/                     console and monitor logs of a root other than
 *                            the default (state_log_dir)
 * Console logs live in $XL_OCI_LOG_DIR; without it in /var/log/xen/oci for
 * the default root, in ROOT/log for any other, so that two roots'
 * containers of one name do not share a log.
 */
#ifndef XL_OCI_XL_PLUGIN_STATE_H
#define XL_OCI_XL_PLUGIN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "common/error.h"

/* Takes the global lock (blocking); returns its fd, close it to release. */
int state_lock(const char *root, xo_err *err);

/* The same without waiting: -1 with EWOULDBLOCK while a create, destroy
 * or shutdown action holds it. */
int state_trylock(const char *root, xo_err *err);

/* "<root>/domains/<name>" into buf[len]; ENAMETOOLONG when it does not
 * fit (common/pathfmt.h). */
int state_domain_dir(char *buf, size_t len, const char *root, const char *name,
                     xo_err *err);
/* The state dir's files other modules name (see the list above). */
#define STATE_FILE_APP_CFG "app.cfg"
#define STATE_FILE_RUNTIME_SPEC "runtime-spec.json"
#define STATE_FILE_ROOT_VOLUME "root-volume"
#define STATE_FILE_LABELS "labels.json"
#define STATE_FILE_ANNOTATIONS "annotations.json"
#define STATE_FILE_ANNOTATIONS_LOCK "annotations.lock"
#define STATE_FILE_EXEC_LOCK "exec.lock"
#define STATE_FILE_BOOT_SPEC "boot-spec.dtb"
/* Only while libxl builds the domain (create_ramdisk.h); domcfg names it
 * too, in the libxl config it renders. */
#define STATE_FILE_RAMDISK "ramdisk"

/* "<root>/domains/<name>/<file>" into buf[len], `file` one of the
 * STATE_FILE_ names; ENAMETOOLONG when it does not fit. */
int state_domain_file(char *buf, size_t len, const char *root, const char *name,
                      const char *file, xo_err *err);
/* "<root>/events", or with `file` (one of event_journal.h's
 * EVENT_JOURNAL_ files) "<root>/events/<file>", into buf[len];
 * ENAMETOOLONG when it does not fit. */
int state_events_path(char *buf, size_t len, const char *root, const char *file,
                      xo_err *err);
/* "<logdir>/<name>.log" into buf[len]; ENAMETOOLONG when it does not fit. */
int state_log_path(char *buf, size_t len, const char *name, xo_err *err);
/* A new container of a name that ran before: the earlier one's console
 * log becomes NAME.log.1 (replacing an older one), as xl sets a domain's
 * old logs aside at create, so `logs` shows this container's only.  No
 * log: nothing to do. */
int state_log_set_aside(const char *name, xo_err *err);
/* Whether the file `log` (stat'ed) is output of the container whose state
 * is under `root` now: written after its app.cfg was (at create, before
 * an earlier container's log was set aside), as a rotation renames the
 * log right after its last write.  False without that state. */
bool state_log_is_own(const struct stat *log, const char *root,
                      const char *name);
/* What xl-oci-runc's delete leaves of a container's console log: none,
 * as runc keeps nothing (containerd has the output).  NAME.log goes, and
 * NAME.log.1 when `rotated` (state_log_is_own() said so before the
 * state went); a missing file is no error. */
int state_log_remove(const char *name, bool rotated, xo_err *err);
/* The log directory: $XL_OCI_LOG_DIR, else /var/log/xen/oci for the
 * default root and $XL_OCI_ROOT/log for another (a static buffer). */
const char *state_log_dir(void);

/* Makes a fresh temporary domain dir under <root>/domains; path in buf.
 * The caller holds state_lock(): every other temporary dir there is what
 * a killed create left (a copy of its app.cfg among it), and goes first. */
int state_domain_tmpdir(char *buf, size_t len, const char *root,
                        const char *name, xo_err *err);
/* Removes the temporary dirs a killed create of `name` (NULL: of any
 * name) left under <root>/domains; how many.  The caller holds
 * state_lock(). */
unsigned state_domain_tmpdirs_remove(const char *root, const char *name);
/* Renames a finished temporary dir into place; fails if the name exists. */
int state_domain_commit(const char *tmpdir, const char *root, const char *name,
                        xo_err *err);
/* Removes a domain dir (or a temporary one) and the files in it. */
int state_remove_dir(const char *dir, xo_err *err);
bool state_domain_exists(const char *root, const char *name);

/*
 * Monitor liveness: the monitor holds an exclusive flock on
 * <dir>/monitor.lock for its whole life.  Returns true when one holds it.
 * Only looks: it creates and writes nothing, and holds the lock shared
 * for an instant (state_monitor_lock waits that out).
 */
bool state_monitor_alive(const char *root, const char *name);
/* Takes the monitor lock and writes this process's pid into it; returns
 * the fd, or -1 with err: EWOULDBLOCK when another monitor holds it. */
int state_monitor_lock(const char *root, const char *name, xo_err *err);

/* The live monitor's pid as this process sees it: the holder of its lock
 * in /proc/locks, 0 when that holder is in a PID namespace not visible
 * here; without such a line, the pid it wrote into the lock file; or -1. */
long state_monitor_pid(const char *root, const char *name);

/*
 * run-state (state_run.c).  create and autostart write "running", stop
 * "stopped" (the user ended it), a monitor that leaves its container over
 * for good (halted or broken, no restart to come) "ended" unless it says
 * "stopped".  Absent: a container of an xl-oci without it, unknown.
 */
enum state_run {
    STATE_RUN_UNKNOWN = 0,
    STATE_RUN_RUNNING,
    STATE_RUN_STOPPED,
    STATE_RUN_ENDED,
};
int state_run_set(const char *root, const char *name, enum state_run run,
                  xo_err *err);
enum state_run state_run_get(const char *root, const char *name);
/* The wire name: "running", "stopped", "ended"; "unknown" for
 * STATE_RUN_UNKNOWN. */
const char *state_run_to_string(enum state_run run);

/* The names of every committed domain dir under <root>/domains (not a
 * create's temporary one), sorted; a malloc'd NULL-terminated vector. */
int state_domain_names(const char *root, char ***names_r, xo_err *err);

/*
 * image_in_use_fn (image/image.h) for `xl-oci prune` and `rmi`: hands the
 * image library, as text, every state file of every domain under
 * `opaque` (the state root, a const char *) that names its root volume:
 * root-volume, domain-config.json, runtime-spec.json, also of a create
 * still writing its temporary dir.  This module owns that layout; the
 * image library only reads the texts.
 */
int state_domain_volume_texts(void *opaque,
                              void (*note)(void *, const char *, const char *),
                              void *note_ctx, xo_err *err);

#endif
