// fsfill NAME: write to a new file until the server says it is full.
//
// Writes 60 KiB at a time to NAME (created or emptied first) until a
// write fails, checks that the failure is E_NOMEM or E_NOSPC and that the
// file still holds exactly what was written before it (checking the last
// chunk), deletes the file, and prints
//     fsfill: NAME: full after N KiB (error CODE)
// Exit code 0 if all of that held. At most 1 GiB is tried.
#include <clanker/fs.h>
#include <lib/string.h>
#include <lib/user.h>

#define CHUNK (60u << 10)
#define LIMIT (1u << 30)

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;
static uint8_t chunk[sizeof(FsIo) + CHUNK];

// One request; returns the reply's payload length or an E_* code.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    return IpcCallInto(name, type, payload, size, &reply.message, sizeof(reply));
}

int main(int argc, char **argv)
{
    FsOpen open = { FS_READ | FS_WRITE | FS_CREATE | FS_TRUNCATE };
    uint32_t written = 0;
    int handle, err = 0, ok;

    if (argc != 2) {
        Print("usage: fsfill NAME\n");
        return 2;
    }
    if (Call(argv[1], MSG_OPEN, &open, sizeof(open)) != (int)sizeof(FsHandle)) {
        Print("fsfill: %s: cannot create\n", argv[1]);
        return 1;
    }
    memcpy(&handle, reply.message.data, sizeof(handle));
    while (written < LIMIT) {
        FsIo io = { handle, CHUNK, written };
        memcpy(chunk, &io, sizeof(io));
        memset(chunk + sizeof(io), (int)(written / CHUNK) & 0xff, CHUNK);
        err = Call(argv[1], MSG_WRITE, chunk, sizeof(io) + CHUNK);
        if (err < 0)
            break;
        written += CHUNK;
    }
    ok = err == E_NOMEM || err == E_NOSPC;
    if (written >= CHUNK) {
        FsIo io = { handle, CHUNK, written - CHUNK };
        ok &= Call(argv[1], MSG_READ, &io, sizeof(io)) == (int)CHUNK &&
              reply.message.data[CHUNK - 1] == (uint8_t)((written - CHUNK) / CHUNK);
    }
    Call(argv[1], MSG_CLOSE, &handle, sizeof(handle));
    ok &= Call(argv[1], MSG_DELETE, NULL, 0) == 0;
    Print("fsfill: %s: full after %u KiB (error %d)%s\n", argv[1], written / 1024, err,
          ok ? "" : ": WRONG");
    return !ok;
}
