/*
 * fuzz-dnsfwd.c: libFuzzer target for the guest init's DNS forwarder's
 * reading of messages (loader/xen-tools/dnsfwd.c): queries come from any
 * process of the container, replies from upstream servers, both
 * untrusted.  The first input byte splits the rest into a query and a
 * reply.  dnsfwd_question_end() stays inside the message;
 * dnsfwd_owner() names a configured server or none; a query made into an
 * empty reply (dnsfwd_empty_reply()) keeps its question and is a reply
 * to the query it was made from.  Built without libFuzzer, main()
 * replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/xen-tools/dnsfwd.h"
#include "replay.h"

static struct dnsfwd fwd;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fwd.n = 3;
    strcpy(fwd.domains[0], "web.local");
    strcpy(fwd.domains[1], "");
    strcpy(fwd.domains[2], "Example");
    size_t split = (size_t)data[0] * 2;
    data++;
    size--;
    if (split > size)
        split = size;
    /* Each in a buffer of its own size: ASan sees a read past it. */
    size_t qlen = split, rlen = size - split;
    unsigned char *q = malloc(qlen ? qlen : 1);
    unsigned char *r = malloc(rlen ? rlen : 1);
    unsigned char *e = malloc(qlen ? qlen : 1);
    if (!q || !r || !e)
        abort();
    memcpy(q, data, qlen);
    memcpy(r, data + split, rlen);

    size_t qend = dnsfwd_question_end(q, qlen);
    size_t rend = dnsfwd_question_end(r, rlen);
    if (qend > qlen || rend > rlen || (qend && qend < 12 + 5) ||
        (rend && rend < 12 + 5))
        __builtin_trap();
    size_t owner = dnsfwd_owner(&fwd, q, qlen);
    if (owner != DNSFWD_NONE && (owner >= fwd.n || !fwd.domains[owner][0]))
        __builtin_trap();
    if (!qend && owner != DNSFWD_NONE)
        __builtin_trap();
    for (size_t i = 0; i < fwd.n; i++)
        (void)dnsfwd_asks(&fwd, owner, i);
    bool is = dnsfwd_is_reply(q, qlen, r, rlen);
    if (is && (!qend || rlen < qend))
        __builtin_trap();
    if (qend) {
        memcpy(e, q, qlen);
        size_t n = dnsfwd_empty_reply(e, qlen, 3, data[0] & 1);
        if (n != qend || !dnsfwd_is_reply(q, qlen, e, n) ||
            dnsfwd_question_end(e, n) != n ||
            memcmp(e + 12, q + 12, n - 12) != 0 || (e[3] & 0x0f) != 3)
            __builtin_trap();
    }
    free(q);
    free(r);
    free(e);
    return 0;
}
