// desktop: start the desktop: the window server (bin/windows), a terminal
// with the shell in it (bin/term) and the clock (bin/clock), then return.
// They run on after it; `desktop` from the serial shell leaves that shell
// working. A desktop already there is said so, and nothing is started.
//
//   desktop
#include <stddef.h>
#include <clanker/fs.h>
#include <clanker/windows.h>
#include <lib/errortext.h>
#include <lib/user.h>

#define WAIT_STEPS 100              // ... of 50 ms: 5 s for the server to serve
#define STEP_MS    50

// Whether windows:desktop:main answers (a listing).
static int Serving(void)
{
    static union {
        Message message;
        uint8_t bytes[MESSAGE_HEADER_SIZE + 8 * sizeof(FsDirEntry)];
    } reply;
    FsListRequest want = { 0, 8 };

    return IpcCallInto(WINDOWS_DESKTOP, MSG_LIST, &want, sizeof(want), &reply.message,
                       sizeof(reply)) >= 0;
}

static int Start(const char *path, const char *x, const char *y)
{
    const char *argv[] = { path, x, y, NULL };
    int pid = SysSpawn(path, x ? argv : NULL);

    if (pid < 0)
        Print("desktop: %s: %s\n", path, ErrorText(pid));
    return pid;
}

int main(void)
{
    int server, term, clock;

    if (Serving()) {
        Print("desktop: %s is running already\n", WINDOWS_DESKTOP);
        return 1;
    }
    if ((server = Start("fs:root:bin/windows", NULL, NULL)) < 0)
        return 1;
    for (int i = 0; i < WAIT_STEPS && !Serving(); i++) {
        int status;
        if (SysWaitOptions(server, &status, WAIT_NOHANG) == server) {
            Print("desktop: the window server ended (%s %d)\n",
                  WAIT_IF_EXITED(status) ? "exit code" : "signal",
                  WAIT_IF_EXITED(status) ? WAIT_EXIT_CODE(status) : WAIT_TERM_SIGNAL(status));
            return 1;
        }
        SysSleep(STEP_MS);
    }
    if (!Serving()) {
        Print("desktop: %s does not answer\n", WINDOWS_DESKTOP);
        return 1;
    }
    term = Start("fs:root:bin/term", "24", "24");
    clock = Start("fs:root:bin/clock", "760", "24");
    Print("desktop: %s: server %d, terminal %d, clock %d\n", WINDOWS_DESKTOP, server, term, clock);
    return term < 0 || clock < 0;
}
