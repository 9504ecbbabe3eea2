/*
 * exec_server_pool.c: the exec channel's slots (see exec_server_pool.h).
 */
#include "exec_server_pool.h"

void exec_server_pool_init(struct exec_server_pool *p)
{
    for (int i = 0; i < EXEC_CHANNEL_SLOTS; i++) {
        p->pid[i] = 0;
        p->busy[i] = false;
        p->pod[i] = false;
    }
    p->offered = -1;
}

int exec_server_pool_next(const struct exec_server_pool *p)
{
    if (p->offered >= 0)
        return -1;
    int exec = 0;
    for (int i = 0; i < EXEC_CHANNEL_SLOTS; i++)
        exec += p->busy[i] && !p->pod[i];
    if (exec >= EXEC_CHANNEL_EXEC_SESSIONS)
        return -1;
    for (int i = 0; i < EXEC_CHANNEL_SLOTS; i++)
        if (p->pid[i] == 0)
            return i;
    return -1;
}

void exec_server_pool_offered(struct exec_server_pool *p, int slot, pid_t pid)
{
    p->pid[slot] = pid;
    p->busy[slot] = false;
    p->pod[slot] = false;
    p->offered = slot;
}

int exec_server_pool_connected(struct exec_server_pool *p, int slot)
{
    if (slot < 0 || slot >= EXEC_CHANNEL_SLOTS || slot != p->offered)
        return -1;
    p->busy[slot] = true;
    p->offered = -1;
    return 0;
}

int exec_server_pool_exited(struct exec_server_pool *p, pid_t pid,
                            bool *unconnected_r)
{
    *unconnected_r = false;
    if (pid <= 0)
        return -1;
    for (int i = 0; i < EXEC_CHANNEL_SLOTS; i++) {
        if (p->pid[i] != pid)
            continue;
        *unconnected_r = !p->busy[i];
        if (p->offered == i)
            p->offered = -1;
        p->pid[i] = 0;
        p->busy[i] = false;
        p->pod[i] = false;
        return i;
    }
    return -1;
}

int exec_server_pool_pod(struct exec_server_pool *p, int slot)
{
    if (slot < 0 || slot >= EXEC_CHANNEL_SLOTS || !p->busy[slot])
        return -1;
    p->pod[slot] = true;
    return 0;
}

int exec_server_pool_sessions(const struct exec_server_pool *p)
{
    int n = 0;
    for (int i = 0; i < EXEC_CHANNEL_SLOTS; i++)
        n += p->busy[i];
    return n;
}
