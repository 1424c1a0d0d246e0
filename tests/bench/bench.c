// Kernel benchmarks, run by "make bench" under QEMU with
// -icount shift=0,align=off,sleep=off: the TSC then advances by one per
// guest instruction, so every figure is an instruction count, identical on
// any host. Interrupts are off while measuring so ticks add nothing.
//
// Output, one line per figure:  bench: NAME VALUE UNIT
#include <stddef.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <arch/x86/pc.h>
#include <kernel/console.h>
#include <kernel/mm/kheap.h>
#include <kernel/mm/memory.h>
#include <kernel/panic.h>
#include <arch/x86/vmm.h>
#include <kernel/ipc/ipc.h>
#include <kernel/exec/loader.h>
#include <kernel/ipc/namespace.h>
#include <kernel/proc/process.h>
#include <kernel/proc/sched.h>
#include <lib/format.h>

#define ROUNDS 4096
#define BATCH  64

typedef struct Bench {
    const char *name;
    void (*body)(void);         // ROUNDS operations
} Bench;

static void *blocks[BATCH];
static uint32_t pages[BATCH];

// Allocate BATCH pages, then free them, ROUNDS / BATCH times.
static void PagePairs(void)
{
    for (int r = 0; r < ROUNDS / BATCH; r++) {
        for (int i = 0; i < BATCH; i++)
            pages[i] = MemPageAllocate(MEM_ZONE_ANY);
        for (int i = 0; i < BATCH; i++)
            MemPageFree(pages[i]);
    }
}

static void KmallocPairs(size_t size)
{
    for (int r = 0; r < ROUNDS / BATCH; r++) {
        for (int i = 0; i < BATCH; i++)
            blocks[i] = kmalloc(size);
        for (int i = 0; i < BATCH; i++)
            kfree(blocks[i]);
    }
}

static void Kmalloc64(void)   { KmallocPairs(64); }
static void Kmalloc4096(void) { KmallocPairs(4096); }

// Map and unmap one page at a user address of the kernel space.
static void MapPairs(void)
{
    uint32_t pa = MemPageAllocate(MEM_ZONE_ANY);

    for (int r = 0; r < ROUNDS; r++) {
        VmmMap(VmmKernelSpace(), 0x08048000, pa, VMM_WRITE);
        VmmUnmap(VmmKernelSpace(), 0x08048000, NULL);
    }
    MemPageFree(pa);
}

// Namespace lookups in a registry holding n prefixes.
static NsRegistry lookupRegistry;

static void *Allocate(size_t size) { return kmalloc(size); }
static void Release(void *ptr) { kfree(ptr); }

static void FillRegistry(uint32_t n)
{
    char prefix[32];

    NsInit(&lookupRegistry, Allocate, Release);
    for (uint32_t i = 0; i < n; i++) {
        Format(prefix, sizeof(prefix), "svc%u:part%u/", i, i % 7);
        if (NsRegister(&lookupRegistry, prefix, NULL, i) != 0)
            Panic("bench: cannot register %s", prefix);
    }
}

static void EmptyRegistry(void)
{
    for (uint32_t i = 0; i < lookupRegistry.capacity; i++) {
        NsEntry *e = lookupRegistry.slots[i];
        if (e && e != (NsEntry *)1)
            kfree(e);
    }
    kfree(lookupRegistry.slots);
}

static void Lookups(void)
{
    static const char name[] = "svc5:part5/some/deeper/object.txt";

    for (int r = 0; r < ROUNDS; r++) {
        if (!NsLookup(&lookupRegistry, name, sizeof(name) - 1))
            Panic("bench: lookup failed");
    }
}

static const Bench benches[] = {
    { "page_alloc_free", PagePairs },
    { "kmalloc_free_64", Kmalloc64 },
    { "kmalloc_free_4096", Kmalloc4096 },
    { "vmm_map_unmap", MapPairs },
};

// Instructions per operation pair, the lowest of three runs (the first
// run also warms up the heap and page tables).
static uint32_t Measure(const Bench *b)
{
    uint64_t best = ~0ull;

    for (int run = 0; run < 3; run++) {
        uint32_t flags = CpuSave();
        uint64_t start = CpuReadTsc();
        b->body();
        uint64_t spent = CpuReadTsc() - start;
        CpuRestore(flags);
        if (spent < best)
            best = spent;
    }
    return (uint32_t)(best / ROUNDS);
}

// Run a user program (the IPC round-trip benchmark) and wait for it.
static void RunProgram(ProcessMode mode, int argc, const char *const *argv)
{
    int pid = LoaderSpawn(argv[0], argc, argv, mode, ProcessCurrent()), status;

    if (pid < 0 || ProcessWait(pid, &status) != pid || status != 0)
        Panic("bench: %s failed (%d)", argv[0], pid);
}

static void StartServer(ProcessMode mode, const char *path, const char *prefix)
{
    const char *argv[] = { path, prefix };

    if (LoaderSpawn(path, 2, argv, mode, NULL) < 0)
        Panic("bench: cannot start %s", path);
}

static void IpcRoundTrips(void)
{
    static const char *const runs[][6] = {
        { "bin/ipcbench", "bench:k:", "8", "ipc_rtt_kserver_8" },
        { "bin/ipcbench", "bench:k:", "4096", "ipc_rtt_kserver_4096" },
        { "bin/ipcbench", "bench:u:", "8", "ipc_rtt_userver_8" },
        { "bin/ipcbench", "bench:u:", "4096", "ipc_rtt_userver_4096" },
        { "bin/ipcbench", "@bench:k:", "8", "ipc_rtt_handle_8" },      // connected once
        { "bin/ipcbench", "bench:k:", "8", "ipc_rtt_name_8" },         // the name, cached
        { "bin/ipcbench", "bench:k:", "8", "ipc_rtt_8_clients", "1000", "8" },
    };

    StartServer(PROCESS_KERNEL, "tests/kecho", "bench:k:");
    StartServer(PROCESS_USER, "bin/uecho", "bench:u:");
    SchedSleep(50);
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
        RunProgram(PROCESS_USER, runs[i][4] ? 6 : 4, runs[i]);
}

// Start the program at path in mode with no arguments and wait until it
// serves prefix.
static void StartAndWait(ProcessMode mode, const char *path, const char *prefix)
{
    const char *const argv[] = { path };

    if (LoaderSpawn(path, 1, argv, mode, NULL) < 0)
        Panic("bench: cannot start %s", path);
    for (int waited = 0; !IpcServes(prefix); waited += 10) {
        if (waited > 5000)
            Panic("bench: %s did not start", prefix);
        SchedSleep(10);
    }
}

// Reading a 4 MiB file from the kernel-mode fs:root: in 4 KiB requests.
static void FsRead(void)
{
    static const char *const run[] = { "bin/fsbench", "fs:root:bench.dat", "fs_read_4m_kserver" };

    StartAndWait(PROCESS_KERNEL, "servers/fsroot", "fs:root:");
    RunProgram(PROCESS_USER, 3, run);
}

// Reading a 1 MiB file from fs:root: with one MSG_READ_ASYNC (FsReadAsync
// and IpcJobWait): the server moves it in pieces into the client's buffer.
static void FsReadAsync(void)
{
    static const char *const run[] = { "bin/fsbench", "fs:root:bench.dat", "fs_read_async_1m",
                                       "1", "-", "async" };

    RunProgram(PROCESS_USER, 6, run);
}

// Reading the first MiB of an NVMe drive (make bench attaches one) through
// block:nvme:, less the driver's polling for the device (tests/programs/blktest.c).
static void NvmeRead(void)
{
    static const char *const run[] = { "bin/blktest", "block:nvme:0", "bench", "nvme_read_1m" };

    StartAndWait(PROCESS_KERNEL, "drivers/nvme", "block:nvme:");
    RunProgram(PROCESS_USER, 4, run);
}

// Reading the first MiB of a virtio-scsi disk (make bench attaches one)
// through block:scsi:, less the driver's polling for the device.
static void ScsiRead(void)
{
    static const char *const run[] = { "bin/blktest", "block:scsi:0.0.0", "bench",
                                       "scsi_read_1m" };

    StartAndWait(PROCESS_KERNEL, "drivers/virtioscsi", "block:scsi:");
    RunProgram(PROCESS_USER, 4, run);
}

// Reading the first MiB of a USB stick on xHCI (make bench attaches one)
// through block:usb:, less the driver's polling for the controller: 32
// KiB requests, each one Bulk-Only command of one TD.
static void UsbRead(void)
{
    static const char *const run[] = { "bin/blktest", "block:usb:1.1", "bench", "usb_read_1m" };

    StartAndWait(PROCESS_KERNEL, "drivers/usb", "block:usb:");
    RunProgram(PROCESS_USER, 4, run);
}

// The POSIX layer: getpid and 4 KiB writes to /tmp (fs:temp:), from a
// Linux program (tests/posix/pxbench.c). Needs fs:root: running.
static void PosixCalls(void)
{
    static const char *const run[] = { "bin/pxbench" };

    StartAndWait(PROCESS_USER, "bin/fstemp", "fs:temp:");
    StartAndWait(PROCESS_KERNEL, "servers/posix", "posix:");
    RunProgram(PROCESS_USER, 1, run);
}

// Reading the first MiB of the IDE primary master (make bench attaches
// an image) through block:ide:, in 32 KiB requests, less the driver's
// waiting for interrupts (tests/programs/blktest.c).
static void IdeRead(void)
{
    static const char *const run[] = { "bin/blktest", "block:ide:0.0.0", "bench", "ide_read_1m" };

    StartAndWait(PROCESS_KERNEL, "drivers/ide", "block:ide:");
    RunProgram(PROCESS_USER, 4, run);
}

// Reading a 1 MiB file from a FAT16 volume on the IDE primary slave
// (make bench attaches one) through bin/fatfs, less the IDE driver's
// waiting for interrupts (tests/programs/fsbench.c).
static void FatRead(void)
{
    static const char *const mount[] = { "bin/fatfs", "block:ide:0.0.1", "fs:bench:" };
    static const char *const run[] = { "bin/fsbench", "fs:bench:bench.dat", "fat_read_1m", "1",
                                       "block:ide:" };
    int pid = LoaderSpawn(mount[0], 3, mount, PROCESS_USER, ProcessCurrent());

    for (int i = 0; pid > 0 && i < 500 && !IpcServes("fs:bench:"); i++)
        SchedSleep(10);
    if (pid <= 0 || !IpcServes("fs:bench:")) {
        ConsolePrint("bench: fat_read_1m: fs:bench: is not served\n");
        return;
    }
    RunProgram(PROCESS_USER, 5, run);
    ProcessKill((uint32_t)pid);
    ProcessWait(pid, NULL);
}

// The window server's compositor: one whole 1024x768 frame, and one
// 64x64 damage (tests/programs/wmbench.c).
static void Desktop(void)
{
    static const char *const run[] = { "bin/wmbench" };

    RunProgram(PROCESS_USER, 1, run);
}

void KbenchMain(void *arg)
{
    (void)arg;
    uint32_t freeBefore = MemFreePages();
    Bench lookup = { "ns_lookup", Lookups };

    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
        ConsolePrint("bench: %s %u instructions\n", benches[i].name, Measure(&benches[i]));
    FillRegistry(10);
    ConsolePrint("bench: ns_lookup_10 %u instructions\n", Measure(&lookup));
    EmptyRegistry();
    FillRegistry(10000);
    ConsolePrint("bench: ns_lookup_10000 %u instructions\n", Measure(&lookup));
    EmptyRegistry();
    IpcRoundTrips();
    FsRead();
    FsReadAsync();
    PosixCalls();
    IdeRead();
    FatRead();
    NvmeRead();
    ScsiRead();
    UsbRead();
    Desktop();
    (void)freeBefore;
    QemuExit(1);
    PanicHalt();
}
