// fsbench NAME LABEL [MIB DRIVER [async]]: instructions per KiB to read a file.
//
// Writes a file of MIB MiB (default 4) at NAME (created or emptied
// first) in 60 KiB writes, then reads it back through one handle in
// 4 KiB MSG_READ requests, three times, and prints the best pass as
//     bench: LABEL N instructions/KiB
// With "async" each pass is instead one FsReadAsync of the whole file
// into one buffer (MSG_READ_ASYNC: the server moves it in pieces straight
// into the buffer) and IpcJobWait for its end.
// Under make bench (QEMU -icount) the TSC counts guest instructions. For
// a filesystem on a disk, DRIVER names the block driver's prefix
// (block:ide:; "-" for none): the time it reports waiting for the device
// (BlockStats, include/clanker/block.h) is left out, as it depends on the
// host. The data read back is checked, so a broken server cannot look
// fast. The file is deleted at the end.
#include <clanker/block.h>
#include <clanker/fs.h>
#include <lib/string.h>
#include <lib/user.h>

#define FILE_MAX   (4u << 20)
#define CHUNK      4096u
#define WRITE_SIZE (60u << 10)

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

static uint32_t fileSize = FILE_MAX;
static const char *driver;          // the block driver whose waiting is left out, or NULL
static uint8_t *whole;              // async: the buffer the whole file is read into

static uint64_t ReadTsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

// One request; returns the reply's payload length or an E_* code.
static int Call(const char *name, uint32_t type, const void *payload, uint32_t size)
{
    return IpcCallInto(name, type, payload, size, &reply.message, sizeof(reply));
}

static int Fill(const char *name, int handle)
{
    static uint8_t chunk[sizeof(FsIo) + WRITE_SIZE];

    for (uint32_t at = 0; at < fileSize; at += WRITE_SIZE) {
        uint32_t n = fileSize - at < WRITE_SIZE ? fileSize - at : WRITE_SIZE;
        FsIo io = { handle, n, at };
        memcpy(chunk, &io, sizeof(io));
        for (uint32_t i = 0; i < n; i++)
            chunk[sizeof(io) + i] = (uint8_t)((at + i) * 7 >> 3);
        if (Call(name, MSG_WRITE, chunk, sizeof(io) + n) != (int)sizeof(FsCount))
            return -1;
    }
    return 0;
}

// The time driver has spent waiting for its device so far (0 without one).
static uint64_t DriverWait(void)
{
    BlockStats stats;

    if (!driver || Call(driver, MSG_STAT, NULL, 0) != (int)sizeof(stats))
        return 0;
    memcpy(&stats, reply.message.data, sizeof(stats));
    return stats.waitCycles;
}

// Read the whole file in CHUNK requests. Returns the instructions spent
// (less the driver's waiting), 0 on a bad read.
static uint64_t ReadAll(const char *name, int handle)
{
    uint64_t waited = DriverWait(), start = ReadTsc(), spent;

    for (uint32_t at = 0; at < fileSize; at += CHUNK) {
        FsIo io = { handle, CHUNK, at };
        if (Call(name, MSG_READ, &io, sizeof(io)) != (int)CHUNK ||
            reply.message.data[CHUNK - 1] != (uint8_t)((at + CHUNK - 1) * 7 >> 3))
            return 0;
    }
    spent = ReadTsc() - start;
    waited = DriverWait() - waited;
    return waited < spent ? spent - waited : 0;
}

// Read the whole file with one asynchronous job and wait for it. Returns
// the instructions spent (less the driver's waiting), 0 on a bad read.
static uint64_t ReadAsync(const char *name, int handle)
{
    uint64_t waited = DriverWait(), start = ReadTsc(), spent;
    int job = FsReadAsync(name, handle, whole, fileSize, 0);
    int32_t value = 0;

    if (job < 0 || IpcJobWait((uint32_t)job, 0, &value) != 0 || value != (int32_t)fileSize)
        return 0;
    spent = ReadTsc() - start;
    waited = DriverWait() - waited;
    for (uint32_t at = CHUNK - 1; at < fileSize; at += CHUNK)
        if (whole[at] != (uint8_t)(at * 7 >> 3))
            return 0;
    return waited < spent ? spent - waited : 0;
}

int main(int argc, char **argv)
{
    FsOpen open = { FS_READ | FS_WRITE | FS_CREATE | FS_TRUNCATE };
    uint64_t best = ~0ull;
    int handle;

    if (argc != 3 && argc != 5 && !(argc == 6 && strcmp(argv[5], "async") == 0)) {
        Print("usage: fsbench NAME LABEL [MIB DRIVER [async]]\n");
        return 2;
    }
    if (argc >= 5) {
        fileSize = (uint32_t)(argv[3][0] - '0') << 20;
        driver = strcmp(argv[4], "-") == 0 ? NULL : argv[4];
        if (argv[3][1] || fileSize == 0 || fileSize > FILE_MAX) {
            Print("fsbench: MIB is 1 to 4\n");
            return 2;
        }
    }
    if (argc == 6 && !(whole = malloc(fileSize))) {
        Print("fsbench: out of memory\n");
        return 1;
    }
    if (Call(argv[1], MSG_OPEN, &open, sizeof(open)) != (int)sizeof(FsHandle)) {
        Print("fsbench: %s: cannot create\n", argv[1]);
        return 1;
    }
    memcpy(&handle, reply.message.data, sizeof(handle));
    if (Fill(argv[1], handle) != 0) {
        Print("fsbench: %s: cannot write %u MiB\n", argv[1], fileSize >> 20);
        return 1;
    }
    for (int pass = 0; pass < 3; pass++) {
        uint64_t spent = whole ? ReadAsync(argv[1], handle) : ReadAll(argv[1], handle);
        if (spent == 0) {
            Print("fsbench: %s: read back wrong data\n", argv[1]);
            return 1;
        }
        best = spent < best ? spent : best;
    }
    Call(argv[1], MSG_CLOSE, &handle, sizeof(handle));
    Call(argv[1], MSG_DELETE, NULL, 0);
    Print("bench: %s %llu instructions/KiB\n", argv[2], best / (fileSize / 1024));
    return 0;
}
