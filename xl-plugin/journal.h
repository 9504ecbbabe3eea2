/*
 * journal.h: the event journal (files, record and limits are
 * common/abi/event_journal.h): encoding and decoding a record with
 * json-c, appending one under the state root with rotation, the times
 * `xl-oci events --since/--until` take, and reading the files in order
 * across a rotation.  The commands and both monitors append; only
 * `xl-oci events` reads.
 */
#ifndef XL_OCI_XL_PLUGIN_JOURNAL_H
#define XL_OCI_XL_PLUGIN_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/abi/event_journal.h"
#include "common/error.h"

struct event_record {
    long long time_ms; /* wall clock, ms since the Unix epoch */
    enum event_type type;
    char name[EVENT_NAME_MAX + 1];
    int exit_code;                   /* -1: none */
    long restarts;                   /* -1: none */
    long long delay_ms;              /* -1: none */
    char error[EVENT_TEXT_MAX + 1];  /* "": none */
    char detail[EVENT_TEXT_MAX + 1]; /* "": none */
};

/* An event of `type` for `name`, now, with no optional field.  A name
 * longer than EVENT_NAME_MAX is cut (names are checked long before). */
void journal_record_init(struct event_record *ev, enum event_type type,
                         const char *name);

/* Copies `text` into an error or detail field: at most EVENT_TEXT_MAX
 * bytes, cut at a character boundary, bytes that are not UTF-8 as '?'. */
void journal_set_text(char field[EVENT_TEXT_MAX + 1], const char *text);

/*
 * The record as one JSON line with its newline into buf[len] (len at
 * least EVENT_RECORD_MAX), its length in *n_r.  Text fields are
 * shortened until the line fits EVENT_RECORD_MAX.  EINVAL for a record
 * without a type or name.
 */
int journal_encode(const struct event_record *ev, char *buf, size_t len,
                   size_t *n_r, xo_err *err);

/* Parses one line (without its newline) into *ev: strict JSON, valid
 * UTF-8, known type, bounded fields.  EINVAL naming what is wrong. */
int journal_decode(const char *line, size_t len, struct event_record *ev,
                   xo_err *err);

/* `ms` as RFC 3339 UTC with milliseconds into buf (32 bytes fit). */
void journal_format_time(char *buf, size_t len, long long ms);
long long journal_now_ms(void);

/*
 * A time for --since/--until, in ms since the epoch: RFC 3339
 * ("2026-11-30T13:04:05Z", fraction and offset allowed, "2026-11-30"
 * alone is that day's midnight UTC), Unix seconds ("1796000000"), or a
 * duration before `now_ms` made of NUMBER+UNIT parts, units s, m, h, d
 * ("10m", "1h30m").  EINVAL naming the text otherwise.
 */
int journal_parse_time(const char *text, long long now_ms, long long *ms_r,
                       xo_err *err);

/* RFC 3339 alone (as journal_parse_time, and a record's "time"); 0 or
 * -1. */
int journal_parse_rfc3339(const char *text, long long *ms_r);

/* The rotation size: $XL_OCI_EVENTS_MAX if set (bytes, or a number with
 * K, M, G or T; not below EVENT_JOURNAL_MIN_MAX nor above
 * EVENT_JOURNAL_MAX_MAX), else, or when it is no size (warned once),
 * EVENT_JOURNAL_DEFAULT_MAX. */
size_t journal_max_bytes(void);

/*
 * Appends ev to <root>/events/journal (the directory made 0700 when
 * missing): under the journal's flock, renames a journal that the record
 * would take past journal_max_bytes() to journal.1 first, then writes
 * the line with one write(2) on an O_APPEND descriptor.
 */
int journal_append(const char *root, const struct event_record *ev,
                   xo_err *err);

/* journal_append for whoever caused the event, where a journal failure
 * must not fail what happened: logs a warning instead. */
void journal_emit(const char *root, const struct event_record *ev);

/* journal_emit of an event with no optional field but `error` (NULL:
 * none). */
void journal_note(const char *root, enum event_type type, const char *name,
                  const char *error);

/*
 * Reading the journal in order.  A reader holds the current file open
 * and the bytes of a last line not yet complete; journal_reader_open
 * reads journal.1 then journal from their start (when `from_start`) or
 * positions at the end of journal.  journal_reader_next returns 1 with
 * the next complete line in *line_r, its length in *len_r (valid until the next call;
 * lines longer than EVENT_RECORD_MAX are skipped), 0 when there is none
 * now.  After a rotation (journal is another file than the one held)
 * it finishes the held file and goes on with the new one.
 */
struct journal_reader {
    char old_path[4096], path[4096];
    int old_fd, fd;
    dev_t dev;
    ino_t ino;
    char buf[2 * EVENT_RECORD_MAX];
    size_t have, skip_to_newline;
    bool skipping;
};
int journal_reader_open(struct journal_reader *r, const char *root,
                        bool from_start, xo_err *err);
int journal_reader_next(struct journal_reader *r, const char **line_r,
                        size_t *len_r, xo_err *err);
void journal_reader_close(struct journal_reader *r);

#endif
