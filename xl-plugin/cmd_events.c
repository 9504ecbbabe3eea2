/*
 * cmd_events.c: `xl-oci events [--json] [--since TIME] [--until TIME]
 * [--filter name=NAME] [--filter type=TYPE]`: prints the event journal
 * (journal.h) in order, then, without --until, follows it: inotify on
 * the journal's directory wakes it when a record is appended or the
 * journal rotates, so it never polls.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/fileio.h"
#include "journal.h"
#include "state.h"
#include "xl_oci.h"

#define MAX_FILTERS 32

struct events_opts {
    bool json, follow;
    long long since, until; /* ms; -1: none */
    const char *names[MAX_FILTERS];
    enum event_type types[MAX_FILTERS];
    size_t n_names, n_types;
};

/* Docker's rule: values of one key are alternatives, keys must all
 * match. */
static bool wanted(const struct events_opts *o, const struct event_record *ev)
{
    if ((o->since >= 0 && ev->time_ms < o->since) ||
        (o->until >= 0 && ev->time_ms > o->until))
        return false;
    bool name_ok = o->n_names == 0, type_ok = o->n_types == 0;
    for (size_t i = 0; i < o->n_names; i++)
        name_ok = name_ok || strcmp(o->names[i], ev->name) == 0;
    for (size_t i = 0; i < o->n_types; i++)
        type_ok = type_ok || o->types[i] == ev->type;
    return name_ok && type_ok;
}

static void print_event(const struct events_opts *o,
                        const struct event_record *ev)
{
    char line[EVENT_RECORD_MAX], when[32];
    size_t n;
    xo_err err = XO_ERR_INIT;
    if (o->json) {
        if (journal_encode(ev, line, sizeof(line), &n, &err) == 0)
            fwrite(line, 1, n, stdout);
        xo_err_clear(&err);
        return;
    }
    journal_format_time(when, sizeof(when), ev->time_ms);
    printf("%s %-10s %s", when, event_type_to_string(ev->type), ev->name);
    if (ev->exit_code >= 0)
        printf(" exit-code=%d", ev->exit_code);
    if (ev->restarts >= 0)
        printf(" restarts=%ld", ev->restarts);
    if (ev->delay_ms >= 0)
        printf(" delay=%lld.%03llds", ev->delay_ms / 1000, ev->delay_ms % 1000);
    /* Text from a guest may hold control characters: one line each. */
    for (int f = 0; f < 2; f++) {
        const char *t = f ? ev->detail : ev->error;
        if (!*t)
            continue;
        printf(" %s=\"", f ? "detail" : "error");
        for (; *t; t++)
            putchar((unsigned char)*t < 0x20 || *t == 0x7f ? ' ' : *t);
        putchar('"');
    }
    putchar('\n');
}

/* Prints every wanted record the reader has now. */
static int drain(const struct events_opts *o, struct journal_reader *r,
                 xo_err *err)
{
    const char *line;
    size_t len;
    int got;
    while ((got = journal_reader_next(r, &line, &len, err)) == 1) {
        struct event_record ev;
        xo_err bad = XO_ERR_INIT;
        /* A line that is not a record (cut by a crash, or of a newer
         * type) is skipped, as event_journal.h says. */
        if (journal_decode(line, len, &ev, &bad) == 0 && wanted(o, &ev))
            print_event(o, &ev);
        xo_err_clear(&bad);
    }
    fflush(stdout);
    return got;
}

static int follow(const struct events_opts *o, struct journal_reader *r, int in,
                  xo_err *err)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        struct pollfd p = {.fd = in, .events = POLLIN};
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            return xo_err_sys(err, "poll");
        }
        /* What the events were does not matter: the reader finds out. */
        if (read(in, buf, sizeof(buf)) < 0 && errno != EAGAIN && errno != EINTR)
            return xo_err_sys(err, "inotify");
        if (drain(o, r, err) < 0)
            return -1;
        if (ferror(stdout))
            return 0; /* the reader went away */
    }
}

static int parse_filter(struct events_opts *o, const char *arg)
{
    if (strncmp(arg, "name=", 5) == 0 && arg[5] && o->n_names < MAX_FILTERS) {
        o->names[o->n_names++] = arg + 5;
        return 0;
    }
    if (strncmp(arg, "type=", 5) == 0 && o->n_types < MAX_FILTERS &&
        event_type_from_string(arg + 5, &o->types[o->n_types]) == 0) {
        o->n_types++;
        return 0;
    }
    /* The types from the journal's own table, so none is left out
     * (helper-84: "killed" was). */
    fprintf(stderr,
            "xl-oci events: bad --filter '%s': name=NAME or type=TYPE (", arg);
    const char *sep = "";
    for (size_t i = 0; i < EVENT_TYPE_COUNT; i++) {
        const char *t = event_type_to_string((enum event_type)i);
        if (t && *t) {
            fprintf(stderr, "%s%s", sep, t);
            sep = ", ";
        }
    }
    fprintf(stderr, "), at most %d of each\n", MAX_FILTERS);
    return -1;
}

int main_events(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", 0, NULL, 'j'},
                                             {"since", 1, NULL, 's'},
                                             {"until", 1, NULL, 'u'},
                                             {"filter", 1, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    struct events_opts o = {.since = -1, .until = -1, .follow = true};
    xo_err err = XO_ERR_INIT;
    long long now = journal_now_ms();
    int opt;
    while ((opt = cmd_getopt(argc, argv, "jf:", longopts, "events", 0)) != -1) {
        if (opt == 'j') {
            o.json = true;
        } else if (opt == 's' || opt == 'u') {
            long long *t = opt == 's' ? &o.since : &o.until;
            if (journal_parse_time(optarg, now, t, &err) < 0) {
                fprintf(stderr, "xl-oci events: --%s: %s\n",
                        opt == 's' ? "since" : "until", xo_err_msg(&err));
                xo_err_clear(&err);
                return XO_EXIT_USAGE;
            }
            o.follow = o.follow && opt != 'u';
        } else if (opt == 'f' && parse_filter(&o, optarg) < 0) {
            return XO_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xl-oci events: unexpected argument '%s'\n",
                argv[optind]);
        return XO_EXIT_USAGE;
    }
    char dir[4096];
    struct journal_reader r;
    int in = -1, rc = XO_EXIT_FAIL;
    /* Watch before reading, so nothing appended in between is missed;
     * the directory is made so there is something to watch. */
    if (o.follow) {
        if (state_events_path(dir, sizeof(dir), cmd_state_root(), NULL, &err) <
                0 ||
            xo_mkdir_p(dir, 0700, &err) < 0)
            return cmd_fail(&err);
        in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (in < 0 || inotify_add_watch(in, dir,
                                        IN_MODIFY | IN_CREATE | IN_MOVED_TO |
                                            IN_MOVED_FROM) < 0) {
            xo_err_sys(&err, "cannot watch %s", dir);
            if (in >= 0)
                close(in);
            return cmd_fail(&err);
        }
    }
    if (journal_reader_open(&r, cmd_state_root(), true, &err) < 0) {
        if (in >= 0)
            close(in);
        return cmd_fail(&err);
    }
    if (drain(&o, &r, &err) >= 0 &&
        (!o.follow || follow(&o, &r, in, &err) == 0))
        rc = XO_EXIT_OK;
    journal_reader_close(&r);
    if (in >= 0)
        close(in);
    return rc == XO_EXIT_OK ? rc : cmd_fail(&err);
}
