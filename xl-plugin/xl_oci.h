/*
 * xl_oci.h: the command layer of xl-oci, shaped like xl's: one command
 * table, handlers `int main_foo(int argc, char **argv)` that open with
 * cmd_getopt(), exit codes 0 success, 1 failure, 2 usage error.  Only this
 * layer prints errors (once) and only it may exit.
 */
#ifndef XL_OCI_XL_PLUGIN_XL_OCI_H
#define XL_OCI_XL_PLUGIN_XL_OCI_H

#include <getopt.h>
#include <stdbool.h>

#include <json-c/json_object.h>

#include "common/error.h"

#define XO_EXIT_OK 0
#define XO_EXIT_FAIL 1
#define XO_EXIT_USAGE 2

struct cmd_spec {
    const char *name;
    int (*fn)(int argc, char **argv);
    bool can_dryrun;
    const char *desc;
    const char *usage;   /* arguments after the command name */
    const char *options; /* one option per line, or NULL */
};

extern const struct cmd_spec cmd_table[];
extern const int cmd_table_size;
const struct cmd_spec *cmd_find(const char *name);

/* Global options, set by main() before a handler runs. */
extern bool cmd_dryrun;
extern int cmd_verbose;

/* The state root: --root DIR, else $XL_OCI_ROOT, else /var/lib/xl-oci. */
const char *cmd_state_root(void);
void cmd_set_state_root(const char *dir);
/* Whether the state root was chosen (--root, $XL_OCI_ROOT), not the default. */
bool cmd_state_root_given(void);

/*
 * The loader oci_loader defaults to: $XL_OCI_LOADER_DIR, else the one
 * installed beside this binary, else the configured $(loaderdir).
 */
const char *cmd_default_loader(void);

/*
 * libxl's hotplug script for the loop devices create attaches
 * (hotplug/block-loop): $XL_OCI_HOTPLUG_DIR/block-loop, else the one
 * installed beside this binary, else the configured $(hotplugdir), into
 * *script_r; NULL there when none of them is executable (libxl then runs
 * Xen's block script).  Fails (ENAMETOOLONG) when the path does not fit.
 */
int cmd_block_script(const char **script_r, xo_err *err);

/*
 * The hotplug program for vifs on xl-oci networks (hotplug/vif-xl-oci),
 * found like block-loop's, for struct dc_net_attachment's script.  Always
 * a path: unlike block-loop it has no stand-in, so create must check that
 * it is executable (a dry run only shows it).  libxl runs it with the
 * caller's environment, so a command given --root must export XL_OCI_ROOT
 * before libxl runs it.  NULL with err when the path does not fit.
 */
const char *cmd_vif_script(xo_err *err);

/* Prints the command's usage to stdout (help) or stderr (usage error). */
void cmd_print_usage(const struct cmd_spec *cmd, bool to_stderr);

/*
 * getopt_long for a command, adding -h/--help.  Returns the next option;
 * -1 when options end, after checking at least `min_args` positional
 * arguments remain.  Prints help and exits 0 on -h; prints the usage and
 * exits 2 on a bad option or too few arguments (as xl does).
 */
int cmd_getopt(int argc, char **argv, const char *shortopts,
               const struct option *longopts, const char *cmd, int min_args);

/* cmd_getopt() for the commands whose one option is -j/--json (list,
 * status, inspect, images, network and volume ls/inspect): true when it
 * was given; optind is then the first operand. */
bool cmd_json_option(int argc, char **argv, const char *cmd, int min_args);

/* What `xl-oci destroy NAME` does (its monitor, the domain or NOHYPER
 * container, leases, DomainStatus, state dir), for other commands. */
int cmd_destroy(const char *name, xo_err *err);
/* What a create killed before its container existed left behind: no
 * container, but leases, its temporary state dir; destroy releases them. */
struct destroy_leftovers {
    unsigned leases, tmpdirs;
};

/* The same; `keep_volumes` keeps the container's anonymous volumes as
 * ordinary ones (destroy --keep-volumes) instead of removing them.  Of a
 * name with no container but such leftovers, 0 with *left_r (may be NULL)
 * counting what was released; with none, ENOENT. */
int cmd_destroy_keep(const char *name, bool keep_volumes,
                     struct destroy_leftovers *left_r, xo_err *err);

/* What `xl-oci pause NAME` (pause) or `unpause NAME` does, for other
 * commands (stop unpauses first). */
int cmd_set_paused(const char *name, bool pause, xo_err *err);

/*
 * True when container `name` was running when dom0 (or the host) went
 * down and nothing runs it now: its run-state (state.h) says running and
 * it has no DomainStatus (a Xen container's, lost with xenstore;
 * `have_status` false), or, NOHYPER, its status says it runs but neither
 * its monitor nor its process is alive.  `list` shows it as "down";
 * `autostart` starts it again.
 */
/* Stops container `name`'s monitor: SIGTERM, then SIGKILL after 2.5 s.
 * Before anything removes what the monitor writes to (DomainStatus, the
 * state dir): 0 once its lock is free (or none held it), else -1 after
 * 5 s with err (EBUSY; ESRCH when its pid is no process here, as from
 * another PID namespace), and then nothing may be removed: a monitor
 * left running writes its container's end into the status of the name,
 * a new container's too, and tears that one down. */
int cmd_stop_monitor(const char *root, const char *name, xo_err *err);

#define CMD_STATE_DOWN "down"
struct domain_status;
bool cmd_container_down(const char *root, const char *name, bool have_status,
                        const struct domain_status *st);
/* The NOHYPER half of it, whatever the run-state says (a stop in
 * progress has set it to stopped): its status says it runs, but neither
 * its monitor nor its process is alive, so nothing will record its end. */
bool cmd_container_gone(const char *root, const char *name,
                        const struct domain_status *st);

/*
 * DomainStatus as every command shows it (cmd_status_view.c): when the
 * container is down (cmd_container_down), its pid is cleared (the number
 * may be another process's by now) and its error says why, unless it
 * holds one; returns whether it is down.  A NOHYPER container still
 * "creating" whose create was killed (cmd_create_killed) is shown
 * broken, its error saying so, as a create that fails with -k leaves it.
 * cmd_status_json is its JSON (status_to_json, with state "down").
 * cmd_refuse_down: -1 with "NAME is down: ..." (ESRCH) for the commands
 * that act on a running container.
 */
struct xo_xs;
/* True when NOHYPER container st->name, its status *st saying "creating",
 * is what a killed create left: its monitor and runc container absent,
 * and no create under way.  The caller holds the global lock (`locked`),
 * else it is tried without waiting (held: false) and the status read
 * again under it. */
bool cmd_create_killed(struct xo_xs *xs, const char *root,
                       const struct domain_status *st, bool locked);
bool cmd_status_view(struct xo_xs *xs, const char *root,
                     struct domain_status *st);
json_object *cmd_status_json(struct xo_xs *xs, const char *root,
                             struct domain_status *st);
int cmd_refuse_down(const char *root, const struct domain_status *st,
                    xo_err *err);

/*
 * Ends container `name`'s restart policy (stop-requested), for stop and
 * kill.  A container waiting in the backoff has nothing to stop: its
 * monitor is woken to finish it (or, with none alive, it is finished
 * here).  Returns 1 when the container runs and must be stopped, 0 when
 * it was in the backoff and is halted now, -1 with err.
 */
struct xen_handles;
int cmd_end_policy(struct xen_handles *h, const char *name, xo_err *err);
/* Waits up to `ms` for NOHYPER container `name` to reach a final state;
 * when neither its process nor its monitor is there to bring it (its
 * monitor was killed), finishes it here as halted, `why` its error (no
 * exit code: none was recorded).  0, or -1 with err (ETIMEDOUT when it
 * still runs). */
int cmd_nohyper_wait_end(struct xen_handles *h, const char *name, long ms,
                         const char *why, xo_err *err);

/*
 * Runs container `name` again from its state dir (autostart, start): a
 * Xen one's DomainStatus written anew and its domain created from the
 * saved libxl config, as the restart policy creates it; a NOHYPER one's
 * stale runc container deleted, its root mounted and its network
 * namespace made again, its status cleared of the last run.  Then its
 * monitor is started.  `r` is its app.cfg as create_parse_cfg() read it.
 */
struct rendered;
int cmd_start_again(struct xen_handles *h, const char *name, bool nohyper,
                    struct rendered *r, xo_err *err);

/* Prints "xl-oci: MESSAGE" once and returns XO_EXIT_FAIL. */
int cmd_fail(xo_err *err);

/*
 * work(arg), an exit status, run in a child of a session of its own that
 * outlives this process (cmd_detach.c): a Ctrl-C, hangup or kill of the
 * command leaves it running to the end.  Its exit status, 128+N for a
 * signal N; work(arg) here when fork fails.
 */
int cmd_run_detached(int (*work)(void *), void *arg);

/*
 * SIGINT, SIGTERM and SIGHUP only noted from cmd_interrupt_defer() until
 * cmd_interrupt_restore() (cmd_interrupt.c), for a command that then
 * undoes what it made: cmd_interrupted() is -1 with err (EINTR, naming the
 * signal) once one came in a deferral, else 0.
 */
void cmd_interrupt_defer(void);
int cmd_interrupted(xo_err *err);
void cmd_interrupt_restore(void);

/*
 * The umask of the commands that make containers (create, start,
 * autostart), 022 as a container runtime daemon's: the admin's shell does
 * not shape a container's files, its NOHYPER root (an upper dir made
 * under umask 077 was drwx------ and a non-root container could not reach
 * /bin), its /etc files or its process's umask (runc hands on its own).
 * What must stay private is made with its own mode.
 */
void cmd_container_umask(void);

/* Command handlers (one file per command group). */
int main_help(int argc, char **argv);
int main_version(int argc, char **argv);
int main_create(int argc, char **argv);
int main_nohyper_monitor(int argc, char **argv);
int main_list(int argc, char **argv);
int main_status(int argc, char **argv);
int main_inspect(int argc, char **argv);
int main_annotate(int argc, char **argv);
int main_events(int argc, char **argv);
int main_pause(int argc, char **argv);
int main_unpause(int argc, char **argv);
int main_update(int argc, char **argv);
/*
 * `xl-oci update`'s work for container `name` (running, booting or
 * paused), also xl-oci-runc's: the credit weight (1..65535) and cap
 * (percent of one CPU, 0 for none), the memory target in MiB (at most
 * the domain's maxmem); -1 leaves one as it is.  Journaled as "updated".
 */
int cmd_update(const char *name, long weight, long cap, long memory_mb,
               xo_err *err);
int main_stats(int argc, char **argv);
int main_autostart(int argc, char **argv);
int main_logs(int argc, char **argv);
int main_console(int argc, char **argv);
int main_exec(int argc, char **argv);
int main_stop(int argc, char **argv);
int main_kill(int argc, char **argv);
int main_start(int argc, char **argv);
int main_destroy(int argc, char **argv);
int main_wait(int argc, char **argv);
int main_monitor(int argc, char **argv);
int main_shutdown_action(int argc, char **argv);
int main_pull(int argc, char **argv);
int main_images(int argc, char **argv);
int main_rmi(int argc, char **argv);
int main_prune(int argc, char **argv);
int main_network(int argc, char **argv);
int main_network_create(int argc, char **argv);
int main_network_ls(int argc, char **argv);
int main_network_inspect(int argc, char **argv);
int main_network_rm(int argc, char **argv);
int main_network_up(int argc, char **argv);
int main_volume(int argc, char **argv);
int main_volume_create(int argc, char **argv);
int main_volume_ls(int argc, char **argv);
int main_volume_inspect(int argc, char **argv);
int main_volume_annotate(int argc, char **argv);
int main_volume_resize(int argc, char **argv);
int main_volume_rm(int argc, char **argv);
int main_volume_import(int argc, char **argv);
int main_volume_export(int argc, char **argv);

#endif
