// nvmebench NAME LABEL: instructions per KiB to read the first MiB of an
// NVMe device (make bench's nvme_read_1m).
//
// Reads 1 MiB from sector 0 in 32 KiB MSG_READ requests through IPC to
// the driver, three times, and prints the best pass as
//     bench: LABEL N instructions/KiB
// Under make bench (QEMU -icount) the TSC counts guest instructions, but
// how long the emulated device takes to complete a command depends on
// the host. The driver counts the instructions it spends polling for
// completions and reports them (MSG_STAT to block:nvme:); they are left
// out, so the figure is the work of this program, the IPC and the
// driver, and the same on every host. The first words of each reply are
// checked against the image make bench writes (sector s starts with the
// 32-bit word s), so a driver that moves no data cannot look fast.
#include <clanker/block.h>
#include <lib/string.h>
#include <lib/user.h>

#define BYTES   (1u << 20)
#define REQUEST (32u << 10)

typedef struct NvmeStats {      // drivers/nvme/nvme.c's MSG_STAT reply
    uint64_t waitCycles;
    uint32_t commands;
    uint32_t reserved;
} NvmeStats;

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

static uint64_t ReadTsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

// The driver's polling instructions so far; ~0 if it cannot tell.
static uint64_t WaitCycles(void)
{
    NvmeStats stats;

    if (IpcCallInto("block:nvme:", MSG_STAT, NULL, 0, &reply.message, sizeof(reply)) !=
        (int)sizeof(stats))
        return ~0ull;
    memcpy(&stats, reply.message.data, sizeof(stats));
    return stats.waitCycles;
}

// One pass: the instructions spent, less the driver's polling; 0 on a
// failed or wrong read.
static uint64_t Pass(const char *name, uint32_t sectorSize)
{
    uint32_t per = REQUEST / sectorSize;
    uint64_t waitBefore = WaitCycles(), start = ReadTsc(), spent, waited;

    for (uint32_t at = 0; at < BYTES / sectorSize; at += per) {
        BlockIo io = { at, per, 0 };
        uint32_t first;
        if (IpcCallInto(name, MSG_READ, &io, sizeof(io), &reply.message, sizeof(reply)) !=
            (int)REQUEST)
            return 0;
        memcpy(&first, reply.message.data + sectorSize, sizeof(first));
        if (first != at + 1)
            return 0;
    }
    spent = ReadTsc() - start;
    waited = WaitCycles() - waitBefore;
    return waitBefore == ~0ull || waited > spent ? 0 : spent - waited;
}

int main(int argc, char **argv)
{
    BlockInfo info;
    uint64_t best = ~0ull;

    if (argc != 3) {
        Print("usage: nvmebench NAME LABEL\n");
        return 2;
    }
    if (IpcCallInto(argv[1], MSG_QUERY, NULL, 0, &reply.message, sizeof(reply)) !=
        (int)sizeof(info)) {
        Print("nvmebench: %s: no such device\n", argv[1]);
        return 1;
    }
    memcpy(&info, reply.message.data, sizeof(info));
    if (info.sectors * info.sectorSize < BYTES || REQUEST % info.sectorSize) {
        Print("nvmebench: %s: too small\n", argv[1]);
        return 1;
    }
    for (int pass = 0; pass < 3; pass++) {
        uint64_t spent = Pass(argv[1], info.sectorSize);
        if (spent == 0) {
            Print("nvmebench: %s: a read failed or brought the wrong data\n", argv[1]);
            return 1;
        }
        best = spent < best ? spent : best;
    }
    Print("bench: %s %llu instructions/KiB\n", argv[2], best / (BYTES / 1024));
    return 0;
}
