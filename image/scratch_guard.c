/* scratch_guard.c: cleaning up a pull ended by a signal
 * (scratch_guard.h). */
#include "image/scratch_guard.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* Slots 0..SLOTS-1 hold mounts, SLOTS..2*SLOTS-1 children,
 * 2*SLOTS..3*SLOTS-1 files.  A slot's state goes 0 (free) -> 1 (being
 * filled) -> 2 (armed); the handler reads only armed slots. */
static _Atomic int state[3 * SCRATCH_GUARD_SLOTS];
static char paths[SCRATCH_GUARD_SLOTS][PATH_MAX];
static char files[SCRATCH_GUARD_SLOTS][PATH_MAX];
static _Atomic pid_t kids[SCRATCH_GUARD_SLOTS];

static const int guarded[] = {SIGTERM, SIGINT, SIGHUP};

static void on_signal(int sig)
{
    for (int i = 0; i < SCRATCH_GUARD_SLOTS; i++)
        if (atomic_load(&state[i]) == 2)
            umount2(paths[i], MNT_DETACH);
    for (int i = 0; i < SCRATCH_GUARD_SLOTS; i++) {
        pid_t p = atomic_load(&kids[i]);
        if (atomic_load(&state[SCRATCH_GUARD_SLOTS + i]) == 2 && p > 0)
            kill(p, SIGKILL);
    }
    for (int i = 0; i < SCRATCH_GUARD_SLOTS; i++)
        if (atomic_load(&state[2 * SCRATCH_GUARD_SLOTS + i]) == 2)
            unlink(files[i]);
    /* SA_RESETHAND made the disposition the default again; the signal is
     * blocked in here, so it ends the process as we return. */
    raise(sig);
}

static void install(void)
{
    for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
        struct sigaction old;
        /* A caller's own handler, or an ignored signal (a background job's
         * SIGINT), is left as it is. */
        if (sigaction(guarded[i], NULL, &old) < 0 || old.sa_handler != SIG_DFL)
            continue;
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(guarded[i], &sa, NULL);
    }
}

/* A free slot among [first, first + SLOTS), marked being filled; -1. */
static int take(int first)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install);
    for (int i = first; i < first + SCRATCH_GUARD_SLOTS; i++) {
        int free_slot = 0;
        if (atomic_compare_exchange_strong(&state[i], &free_slot, 1))
            return i;
    }
    return -1;
}

int scratch_guard_mount(const char *path)
{
    if (strlen(path) >= PATH_MAX)
        return -1;
    int i = take(0);
    if (i >= 0) {
        strcpy(paths[i], path);
        atomic_store(&state[i], 2);
    }
    return i;
}

int scratch_guard_child(pid_t pid)
{
    int i = take(SCRATCH_GUARD_SLOTS);
    if (i >= 0) {
        atomic_store(&kids[i - SCRATCH_GUARD_SLOTS], pid);
        atomic_store(&state[i], 2);
    }
    return i;
}

int scratch_guard_file(const char *path)
{
    if (strlen(path) >= PATH_MAX)
        return -1;
    int i = take(2 * SCRATCH_GUARD_SLOTS);
    if (i >= 0) {
        strcpy(files[i - 2 * SCRATCH_GUARD_SLOTS], path);
        atomic_store(&state[i], 2);
    }
    return i;
}

void scratch_guard_drop(int slot)
{
    if (slot >= 0 && slot < 3 * SCRATCH_GUARD_SLOTS)
        atomic_store(&state[slot], 0);
}
