/*
 * common/abi/event_journal.h: the event journal, the record of what
 * happened to containers that `xl-oci events` reads.  Written by whoever
 * causes an event: the commands (create, stop, destroy, annotate, pause,
 * update) and the monitors (started, exited, restarting, broken,
 * deadline), each process appending its own records, so nothing depends
 * on a daemon.  One
 * definition of the files, the record's keys, the event types and the
 * limits for all of them (xl-plugin/journal.c encodes and decodes).
 *
 * Files, under the state root (xl-plugin/state.h builds the paths):
 *   events/journal     the current file: JSON lines, oldest first
 *   events/journal.1   the previous file, replaced at each rotation
 *   events/lock        flock'd by an appender while it appends or rotates
 *
 * A record is one line: a JSON object (RFC 8259) with a newline, written
 * by one write(2) on an O_APPEND descriptor, at most
 * EVENT_RECORD_MAX bytes with the newline.  Keys:
 *   "time"       RFC 3339 UTC with milliseconds, "2026-11-30T13:04:05.123Z"
 *   "type"       one of the event_type names below
 *   "name"       the container's name
 *   "exit-code"  exited, restarting: the container's exit code (0..255)
 *   "error"      broken: what went wrong
 *   "restarts"   restarting: the restart count once this restart is done
 *   "delay-ms"   restarting: the backoff before it, in milliseconds
 *   "detail"     anything else worth saying (annotated: the keys changed;
 *                deadline: the deadline; updated: the new limits)
 * Readers ignore keys they do not know and skip lines that are not
 * records (a reader may see a line cut by a crash mid-write).
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_EVENT_JOURNAL_H
#define XL_OCI_COMMON_ABI_EVENT_JOURNAL_H

#define EVENT_JOURNAL_DIR "events"
#define EVENT_JOURNAL_FILE "journal"
#define EVENT_JOURNAL_OLD_FILE "journal.1"
#define EVENT_JOURNAL_LOCK_FILE "lock"

/* A record with its newline; one write(2) of at most PIPE_BUF bytes. */
#define EVENT_RECORD_MAX 4096
/* Bytes of the journal file before it rotates (XL_OCI_EVENTS_MAX may set
 * it, not below EVENT_JOURNAL_MIN_MAX): about 10,000 events per file. */
#define EVENT_JOURNAL_DEFAULT_MAX (1024 * 1024)
#define EVENT_JOURNAL_MIN_MAX 4096
/* And not above 1 TiB. */
#define EVENT_JOURNAL_MAX_MAX (1ULL << 40)
/* Bytes of "error" and "detail" kept, NUL excluded (longer text is cut
 * at a character boundary). */
#define EVENT_TEXT_MAX 1024
/* Bytes of "name" (DomainStatus's DOMAIN_STATUS_NAME_MAX). */
#define EVENT_NAME_MAX 64

#define EVENT_KEY_TIME "time"
#define EVENT_KEY_TYPE "type"
#define EVENT_KEY_NAME "name"
#define EVENT_KEY_EXIT_CODE "exit-code"
#define EVENT_KEY_ERROR "error"
#define EVENT_KEY_RESTARTS "restarts"
#define EVENT_KEY_DELAY_MS "delay-ms"
#define EVENT_KEY_DETAIL "detail"

enum event_type {
    EVENT_NONE = 0,       /* never written */
    EVENT_CREATED,        /* "created": create made the container */
    EVENT_STARTED,        /* "started": the entrypoint runs (each start) */
    EVENT_EXITED,         /* "exited": the entrypoint exited (exit-code) */
    EVENT_RESTARTING,     /* "restarting": the restart policy will start it
                          again after delay-ms */
    EVENT_STOPPED,        /* "stopped": `xl-oci stop` ended it */
    EVENT_DESTROYED,      /* "destroyed": `xl-oci destroy` removed it */
    EVENT_ANNOTATED,      /* "annotated": its annotations changed */
    EVENT_BROKEN,         /* "broken": it failed (error) */
    EVENT_PAUSED,         /* "paused" */
    EVENT_UNPAUSED,       /* "unpaused" */
    EVENT_DEADLINE,       /* "deadline": oci_deadline passed; the monitor sent
                          the stop signal (detail says how long it ran) */
    EVENT_UPDATED,        /* "updated": `xl-oci update` changed its limits
                          (detail: what was set) */
    EVENT_KILLED,         /* "killed": `xl-oci kill` sent a signal (detail:
                          its name, "SIGHUP") */
    EVENT_RESTART_FAILED, /* "restart-failed": a restart (the restart
                             policy's, on_poweroff's) could not run; the
                             container is halted (error: why) */
    EVENT_TYPE_COUNT,
};

/* An exited event's detail when the OOM killer ended a process of the
 * run (DomainStatus oom-killed). */
#define EVENT_DETAIL_OOM_KILLED "oom-killed"

/* The wire name; NULL for EVENT_NONE or out of range. */
const char *event_type_to_string(enum event_type t);

/* Parses a wire name; 0 and *t_r set, or -1 for anything else. */
int event_type_from_string(const char *str, enum event_type *t_r);

#endif
