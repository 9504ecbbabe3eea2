/* monitor_pause.c: when a plain xl pause reaches DomainStatus
 * (monitor_pause.h). */
#include "monitor_pause.h"

int monitor_pause_decide(struct pause_tracker *t, bool paused,
                         enum domain_state state, long long now_ms)
{
    if (!paused)
        t->ran = true;
    bool was_paused = state == DOMAIN_STATE_PAUSED;
    bool movable = was_paused || state == DOMAIN_STATE_RUNNING ||
                   state == DOMAIN_STATE_BOOTING;
    if (!t->ran || !movable || paused == was_paused) {
        t->disagreeing = false;
        return 0;
    }
    if (!t->disagreeing || t->disagree_paused != paused) {
        t->disagreeing = true;
        t->disagree_paused = paused;
        t->since_ms = now_ms;
        return 0;
    }
    if (now_ms - t->since_ms < PAUSE_SETTLE_MS)
        return 0;
    t->disagreeing = false;
    return 1;
}
