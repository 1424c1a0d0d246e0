// streamtest: drives a Linux program through pipes of the pipe: server.
// It makes two pipes, starts bin/pxstream suspended with stdin on one,
// stdout on the other and its cwd "fs:temp:" (so getcwd must be /tmp),
// hands it its ends, keeps the other two, resumes it, writes STREAM_BYTES
// of text (far more than a pipe holds, so both sides wait on each other)
// and reads back the upper-cased copy until the end of file.
// Prints "streamtest: N checks passed" and exits 0, or names the failures.
#include <clanker/fs.h>
#include <clanker/pipe.h>
#include <lib/string.h>
#include <lib/user.h>

#define STREAM_BYTES (200u * 1024)
#define CHUNK 4096u

static int checks, failures;
static union { Message m; uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(FsIo) + CHUNK]; } msg;

static void Check(int ok, const char *what, int result)
{
    checks++;
    if (!ok) {
        failures++;
        Print("streamtest: check %d failed: %s (%d)\n", checks, what, result);
    }
}

static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    return IpcCallInto(name, type, payload, size, &msg.m, sizeof(msg));
}

static int Create(char *name)
{
    int n = Call(PIPE_PREFIX, MSG_CREATE, NULL, 0);

    if (n > 0 && n < 32)
        memcpy(name, msg.m.data, (uint32_t)n);
    return n > 0 ? 0 : n;
}

static int Ends(const char *name, uint32_t type, uint32_t pid, uint32_t ends)
{
    PipeGrant g = { pid, ends };
    PipeEnds e = { ends };

    return type == PIPE_MSG_GRANT ? Call(name, type, &g, sizeof(g)) : Call(name, type, &e, sizeof(e));
}

static char TextByte(uint32_t i)
{
    return i % 61 == 60 ? '\n' : (char)('a' + i % 26);
}

static char Upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int Contains(const char *text, const char *part)
{
    for (; *text; text++)
        if (strncmp(text, part, strlen(part)) == 0)
            return 1;
    return 0;
}

// A Linux program with stdin closed (an empty name) and stdout a file:
// pxhello read finds the end of input, and its lines land in the file.
static void CheckFileStreams(void)
{
    const char *args[] = { "bin/pxhello", "read", NULL };
    ProcessContext c;
    SpawnRequest r = { args, NULL, &c, 0 };
    FsIo io = { 0, 200, 0 };
    int pid, status = -1, n;

    memset(&c, 0, sizeof(c));
    memcpy(c.cwd, "fs:root:", 9);
    memcpy(c.stdio[1], "fs:temp:pxout.txt", 18);
    memcpy(c.stdio[2], "console:", 9);
    pid = SysSpawnContext("bin/pxhello", &r);
    Check(pid > 0 && SysWait(pid, &status) == pid, "run pxhello with stdout a file", pid);
    n = Call("fs:temp:pxout.txt", MSG_READ, &io, sizeof(io));
    msg.m.data[n > 0 ? n : 0] = 0;
    Check(n > 0 && strncmp((char *)msg.m.data, "hello from musl: argc 2\n", 24) == 0,
          "its stdout is the file", n);
    Check(n > 0 && Contains((char *)msg.m.data, "pxhello: end of input\n"),
          "its closed stdin reads the end of input", n);
    Call("fs:temp:pxout.txt", MSG_DELETE, NULL, 0);
}

int main(int argc, char **argv, char **envp)
{
    const char *args[] = { "bin/pxstream", "/tmp", NULL };
    char in[32], out[32], block[CHUNK];
    ProcessContext c = *ContextSelf();
    SpawnRequest r = { args, NULL, &c, SPAWN_SUSPENDED };
    uint32_t written = 0, got = 0, wrong = 0;
    int pid, status = -1, n;

    (void)argc; (void)argv; (void)envp;
    Check(Create(in) == 0 && Create(out) == 0, "create two pipes", 0);
    memset(&c, 0, sizeof(c));
    memcpy(c.cwd, "fs:temp:", 9);
    memcpy(c.stdio[0], in, strlen(in) + 1);
    memcpy(c.stdio[1], out, strlen(out) + 1);
    memcpy(c.stdio[2], "console:", 9);
    pid = SysSpawnContext("bin/pxstream", &r);
    Check(pid > 0, "spawn bin/pxstream suspended", pid);
    Check(Ends(in, PIPE_MSG_GRANT, (uint32_t)pid, PIPE_END_READ) == 0, "grant its stdin", 0);
    Check(Ends(out, PIPE_MSG_GRANT, (uint32_t)pid, PIPE_END_WRITE) == 0, "grant its stdout", 0);
    Check(Ends(in, PIPE_MSG_RELEASE, 0, PIPE_END_READ) == 0, "release our read end of stdin", 0);
    Check(Ends(out, PIPE_MSG_RELEASE, 0, PIPE_END_WRITE) == 0, "release our write end", 0);
    Check(SysResume(pid) == 0, "resume it", pid);
    // Alternate: write a block when it fits, read what comes back.
    while (written < STREAM_BYTES || got < STREAM_BYTES) {
        FsIo io = { 0, CHUNK, 0 };
        int moved = 0;
        if (written < STREAM_BYTES) {
            uint32_t k = STREAM_BYTES - written < CHUNK ? STREAM_BYTES - written : CHUNK;
            for (uint32_t i = 0; i < k; i++)
                block[i] = TextByte(written + i);
            io.length = k;
            memcpy(msg.m.data, &io, sizeof(io));
            memcpy(msg.m.data + sizeof(io), block, k);
            n = Call(in, PIPE_MSG_TRY_WRITE, msg.m.data, sizeof(io) + k);
            if (n == sizeof(FsCount)) {
                FsCount count;
                memcpy(&count, msg.m.data, sizeof(count));
                written += count.count;
                moved = 1;
            } else if (n != E_AGAIN) {
                Check(0, "write to its stdin", n);
                break;
            }
            if (written == STREAM_BYTES)
                Check(Ends(in, PIPE_MSG_RELEASE, 0, PIPE_END_WRITE) == 0, "close its stdin", 0);
        }
        io.length = CHUNK;
        n = Call(out, PIPE_MSG_TRY_READ, &io, sizeof(io));
        if (n > 0) {
            for (int i = 0; i < n; i++)
                wrong += msg.m.data[i] != (uint8_t)Upper(TextByte(got + (uint32_t)i));
            got += (uint32_t)n;
            moved = 1;
        } else if (n == 0) {
            break;                      // the end of file
        } else if (n != E_AGAIN) {
            Check(0, "read its stdout", n);
            break;
        }
        if (!moved)
            SysSleep(10);
    }
    Check(written == STREAM_BYTES, "all of the text went in", (int)written);
    Check(got == STREAM_BYTES, "all of it came back", (int)got);
    Check(wrong == 0, "upper-cased, in order", (int)wrong);
    Check(SysWait(pid, &status) == pid && status == WAIT_STATUS_EXITED(0),
          "pxstream passed its own checks", status);
    Check(Ends(out, PIPE_MSG_RELEASE, 0, PIPE_END_READ) == 0, "release the last end", 0);
    for (int i = 0; i < 100 && (Call(out, MSG_STAT, NULL, 0) != E_NOENT ||
                                Call(in, MSG_STAT, NULL, 0) != E_NOENT); i++)
        SysSleep(10);                   // the POSIX server closes its ends as it hears of the exit
    Check(Call(out, MSG_STAT, NULL, 0) == E_NOENT && Call(in, MSG_STAT, NULL, 0) == E_NOENT,
          "both pipes are gone", 0);
    CheckFileStreams();
    if (failures) {
        Print("streamtest: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    Print("streamtest: %d checks passed\n", checks);
    return 0;
}
