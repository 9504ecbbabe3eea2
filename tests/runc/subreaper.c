/*
 * subreaper: stands in for containerd's runc shim in tests.  The shim is
 * a child subreaper: the placeholder `xl-oci-runc create` leaves behind
 * becomes its child when create exits, and its exit status is the
 * container's.  This does the same without containerd:
 *
 *   subreaper REPORT COMMAND [ARG]...
 *
 * runs COMMAND, then reaps every child it has or inherits and appends
 * "exited PID CODE" to the file REPORT for each (CODE as a shell gives
 * it: 128+N for signal N), "command CODE" for COMMAND itself; it exits
 * when no child is left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: subreaper REPORT COMMAND [ARG]...\n");
        return 2;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        perror("subreaper: prctl");
        return 1;
    }
    pid_t cmd = fork();
    if (cmd < 0) {
        perror("subreaper: fork");
        return 1;
    }
    if (cmd == 0) {
        execvp(argv[2], argv + 2);
        perror("subreaper: exec");
        _exit(127);
    }
    for (;;) {
        int ws;
        pid_t p = waitpid(-1, &ws, 0);
        if (p < 0)
            return 0; /* ECHILD: nothing left */
        int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
        FILE *f = fopen(argv[1], "a");
        if (!f)
            continue;
        if (p == cmd)
            fprintf(f, "command %d\n", code);
        else
            fprintf(f, "exited %d %d\n", (int)p, code);
        fclose(f);
    }
}
