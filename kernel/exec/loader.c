// Loading an ELF executable into a new process, or into a fresh address
// space that replaces a process's own (exec, LoaderLoad).
//
// The file is parsed completely (kernel/exec/elf.c) before anything is
// mapped. Then each loadable segment's pages are mapped (pages shared
// by two segments get the union of their permissions), file bytes copied
// and the rest zeroed; then a stack is mapped at the top of user space and
// filled with the Linux i386 start-up layout, so native programs and
// static Linux binaries start the same way:
//
//   esp -> argc, argv[0..argc-1], NULL, envp[0..envc-1], NULL,
//          auxv pairs (AT_PHDR.., AT_PAGESZ, AT_ENTRY, AT_RANDOM, AT_NULL),
//          then the argument and environment strings and 16 random bytes
//          near the top.
//
// A spawn passes the environment its caller gives (none from boot.conf); an exec passes one. The start-up area (the
// strings, the vectors, the random bytes) is at most LOADER_START_MAX.
//
// A path with a ':' is a namespace name (fs:root:bin/hello, root:/bin/x):
// the file is read through its server with the requests of
// include/clanker/fs.h (MSG_STAT, then MSG_READ by name) into a heap
// buffer first, in at most LOAD_TIME_MS. A bare path (bin/hello) means
// the same file under fs:root: once that is served; before (boot.conf's
// first lines), the file of the initrd, read in place.
//
// User programs get ring-3 pages; kernel-mode programs get supervisor
// pages and run on their kernel stack, called as
//   int main(const KernelApi *api, int argc, char **argv).
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/fs.h>
#include <clanker/kernelapi.h>
#include <clanker/syscall.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/layout.h>
#include <kernel/console.h>
#include <kernel/exec/elf.h>
#include <kernel/exec/initrd.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/kheap.h>
#include <kernel/exec/loader.h>
#include <kernel/mm/memory.h>
#include <kernel/mm/procmem.h>
#include <kernel/proc/sched.h>

#define STACK_TOP     USER_LIMIT
#define STACK_BOTTOM  (USER_LIMIT - USER_STACK_SIZE)
#define IMAGE_LIMIT   (STACK_BOTTOM - USER_STACK_GUARD)

// Auxiliary vector types (System V i386 ABI).
#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_ENTRY  9
#define AT_RANDOM 25
#define AUXV_WORDS 14

#define LOAD_FILE_MAX   (16u << 20)     // largest program read through a namespace
#define LOAD_TIME_MS    30000           // the longest a load may take its server
#define ROOT_PREFIX     "fs:root:"      // where bare paths are, once it is served

// Copy length bytes to virtual address va of space (already mapped).
static void CopyIntoSpace(AddressSpace *space, uint32_t va, const void *src, uint32_t length)
{
    const uint8_t *from = src;

    while (length > 0) {
        uint32_t pa, offset = va & (PAGE_SIZE - 1);
        uint32_t chunk = PAGE_SIZE - offset < length ? PAGE_SIZE - offset : length;
        VmmQuery(space, va & ~(PAGE_SIZE - 1), &pa, NULL);
        uint8_t *window = ProcMemWindow(pa);
        memcpy(window + offset, from, chunk);
        ProcMemWindowDone(pa, window);
        va += chunk;
        from += chunk;
        length -= chunk;
    }
}

static uint32_t PageFlags(ProcessMode mode, uint32_t segmentFlags)
{
    uint32_t flags = VMM_OWNED;

    if (mode == PROCESS_USER)
        flags |= VMM_USER;
    if (segmentFlags & ELF_SEGMENT_WRITE)
        flags |= VMM_WRITE;
    return flags;
}

// Map zeroed pages for [start, end) with flags; a page already mapped
// gains flags' permissions instead. Returns 0 or E_NOMEM.
static int MapRange(AddressSpace *space, uint32_t start, uint32_t end, uint32_t flags)
{
    for (uint32_t va = start & ~(PAGE_SIZE - 1); va < end; va += PAGE_SIZE) {
        uint32_t pa, have;
        if (VmmQuery(space, va, NULL, &have) == 0) {
            VmmProtect(space, va, have | (flags & VMM_WRITE));
            continue;
        }
        pa = MemPageAllocate(MEM_ZONE_ANY);
        if (!pa)
            return E_NOMEM;
        void *window = ProcMemWindow(pa);
        memset(window, 0, PAGE_SIZE);
        ProcMemWindowDone(pa, window);
        if (VmmMap(space, va, pa, flags) != 0) {
            MemPageFree(pa);
            return E_NOMEM;
        }
    }
    return 0;
}

static int LoadSegments(AddressSpace *space, ProcessMode mode, const uint8_t *file,
                        const ElfImage *image)
{
    for (uint32_t i = 0; i < image->segmentCount; i++) {
        const ElfSegment *s = &image->segments[i];
        int err = MapRange(space, s->vaddr, s->vaddr + s->memSize, PageFlags(mode, s->flags));
        if (err)
            return err;
        CopyIntoSpace(space, s->vaddr, file + s->fileOffset, s->fileSize);
    }
    return 0;
}

// Find the program headers' address in memory, for AT_PHDR (0 if they
// are not inside a loaded segment).
static uint32_t ProgramHeaderAddress(const uint8_t *file, const ElfImage *image,
                                     uint32_t *count)
{
    uint32_t phoff;

    memcpy(&phoff, file + 28, 4);
    memcpy(count, file + 44, 2);
    *count &= 0xffff;
    for (uint32_t i = 0; i < image->segmentCount; i++) {
        const ElfSegment *s = &image->segments[i];
        if (phoff >= s->fileOffset && phoff < s->fileOffset + s->fileSize)
            return s->vaddr + (phoff - s->fileOffset);
    }
    return 0;
}

// The bytes of the start-up area for these strings (rounded up to 16),
// or 0 if it would be larger than LOADER_START_MAX.
static uint32_t StartAreaSize(const LoaderStrings *strings)
{
    uint32_t total = 16 + (1 + strings->argc + 1 + strings->envc + 1 + AUXV_WORDS) * 4 + 16;

    if (strings->argc > LOADER_EXEC_MAX_STRINGS || strings->envc > LOADER_EXEC_MAX_STRINGS)
        return 0;
    for (uint32_t i = 0; i < strings->argc + strings->envc; i++) {
        const char *text = i < strings->argc ? strings->argv[i] : strings->envp[i - strings->argc];
        uint32_t length = (uint32_t)strnlen(text, LOADER_START_MAX);
        if (length >= LOADER_START_MAX || (total += length + 1) > LOADER_START_MAX)
            return 0;
    }
    return (total + 15) & ~15u;
}

// Copy count strings below *top in buf (the mirror of the stack's top
// size bytes), their stack addresses into addresses.
static void PlaceStrings(uint8_t *buf, uint32_t size, uint32_t *top, uint32_t count,
                         const char *const *text, uint32_t *addresses)
{
    for (int i = (int)count - 1; i >= 0; i--) {
        uint32_t length = (uint32_t)strlen(text[i]) + 1;
        *top -= length;
        memcpy(buf + *top, text[i], length);
        addresses[i] = STACK_TOP - (size - *top);
    }
}

// Build the start-up stack in a kernel buffer mirroring its top, then copy
// it in. Returns the initial stack pointer, or 0 if it does not fit or
// there is no memory for the buffer.
static uint32_t BuildStack(AddressSpace *space, uint64_t seed, const uint8_t *file,
                           const ElfImage *image, const LoaderStrings *strings)
{
    uint32_t size = StartAreaSize(strings), count = strings->argc + strings->envc;
    uint8_t *buf = size ? kmalloc(size) : NULL;
    uint32_t *addresses = kmalloc((count + 1) * sizeof(uint32_t));
    uint32_t top = size, words, phnum, *w;

    if (!buf || !addresses) {
        kfree(buf);
        kfree(addresses);
        return 0;
    }
    top -= 16;                                      // AT_RANDOM bytes
    for (int i = 0; i < 16; i++)
        buf[top + i] = (uint8_t)(seed >> ((i % 8) * 8)) ^ (uint8_t)(i * 37);
    PlaceStrings(buf, size, &top, strings->envc, strings->envp, addresses + strings->argc);
    PlaceStrings(buf, size, &top, strings->argc, strings->argv, addresses);
    words = 1 + count + 2 + AUXV_WORDS;
    top = (top - words * 4) & ~15u;                 // esp 16-byte aligned
    w = (uint32_t *)(buf + top);
    *w++ = strings->argc;
    for (uint32_t i = 0; i < strings->argc; i++)
        *w++ = addresses[i];
    *w++ = 0;                                       // end of argv
    for (uint32_t i = 0; i < strings->envc; i++)
        *w++ = addresses[strings->argc + i];
    *w++ = 0;                                       // end of envp
    *w++ = AT_PHDR;   *w++ = ProgramHeaderAddress(file, image, &phnum);
    *w++ = AT_PHENT;  *w++ = 32;
    *w++ = AT_PHNUM;  *w++ = phnum;
    *w++ = AT_PAGESZ; *w++ = PAGE_SIZE;
    *w++ = AT_ENTRY;  *w++ = image->entry;
    *w++ = AT_RANDOM; *w++ = STACK_TOP - 16;
    *w++ = AT_NULL;   *w++ = 0;
    CopyIntoSpace(space, STACK_TOP - (size - top), buf + top, size - top);
    kfree(buf);
    kfree(addresses);
    return STACK_TOP - (size - top);
}

int LoaderLoad(AddressSpace *space, ProcessMode mode, uint64_t seed, const uint8_t *file,
               uint32_t size, const LoaderStrings *strings, LoaderImage *out)
{
    ElfImage image;
    int err = ElfParse(file, size, USER_BASE, IMAGE_LIMIT, ELF_DYN_BIAS, &image);

    if (!err && !StartAreaSize(strings))
        err = E_INVAL;
    if (!err)
        err = LoadSegments(space, mode, file, &image);
    if (!err)
        err = MapRange(space, STACK_BOTTOM, STACK_TOP, PageFlags(mode, ELF_SEGMENT_WRITE));
    if (!err && !(out->stack = BuildStack(space, seed, file, &image, strings)))
        err = E_NOMEM;
    if (err)
        return err;
    out->entry = image.entry;
    out->lowest = image.lowest;
    out->highest = image.highest;
    return 0;
}

// Check the arguments of a spawn fit its limits.
static int ValidArguments(int argc, const char *const *argv)
{
    if (argc < 1 || argc > LOADER_MAX_ARGS)
        return 0;
    for (int i = 0; i < argc; i++) {
        if (strnlen(argv[i], LOADER_MAX_ARG_LEN) >= LOADER_MAX_ARG_LEN)
            return 0;
    }
    return 1;
}

const char *LoaderBaseName(const char *path)
{
    const char *base = path;

    for (const char *p = path; *p; p++) {
        if ((*p == '/' || *p == ':') && p[1])
            base = p + 1;
    }
    return base;
}

// One load through a namespace: the name, a buffer for each reply, and
// when the whole load must be done. Both buffers belong to the process
// (ProcessKmalloc), so a kill while it waits for its server frees them.
typedef struct NsLoad {
    const char *name;
    Message *reply;             // MESSAGE_MAX_SIZE bytes
    uint64_t deadline;          // in ticks
} NsLoad;

// Send one fs request with payload (at most 16 bytes) and wait for the
// answer in load->reply. Returns 0 or an error (the server's, the IPC's,
// or E_TIMEDOUT once the whole load has taken LOAD_TIME_MS).
static int FsRequest(NsLoad *load, uint32_t type, const void *payload, uint32_t length)
{
    struct { Message header; uint8_t data[16]; } request;
    IpcDelivery d = { .memory = IPC_MEMORY_KERNEL, .buffer = (uintptr_t)load->reply,
                      .capacity = MESSAGE_MAX_SIZE };
    uint64_t now = SchedTicks();
    int err;

    if (now >= load->deadline)
        return E_TIMEDOUT;
    request.header = (Message){ .type = type, .length = MESSAGE_HEADER_SIZE + length };
    memcpy(request.data, payload, length);
    err = IpcTransact(load->name, IPC_MEMORY_KERNEL, (uintptr_t)&request, request.header.length,
                      (uint32_t)(load->deadline - now) * (1000 / SCHED_HZ), &d);
    if (err < 0)
        return err;
    if (load->reply->type != MSG_ERROR)
        return 0;
    if (MessageDataLength(load->reply) == 4 && *(int32_t *)load->reply->data < 0)
        return *(int32_t *)load->reply->data;
    return E_INVAL;                         // a malformed error reply
}

// The size of the file to load. Returns 0 or an error.
static int FileSize(NsLoad *load, uint32_t *size)
{
    FsStat stat;
    int err = FsRequest(load, MSG_STAT, NULL, 0);

    if (!err && MessageDataLength(load->reply) != sizeof(stat))
        err = E_NOEXEC;
    if (!err)
        memcpy(&stat, load->reply->data, sizeof(stat));
    if (!err && stat.type != FS_TYPE_FILE)
        err = stat.type == FS_TYPE_DIR ? E_ISDIR : E_NOEXEC;
    if (!err && stat.size > LOAD_FILE_MAX)
        err = E_NOEXEC;
    *size = err ? 0 : (uint32_t)stat.size;
    return err;
}

// Read size bytes of the file into data. Returns 0 or an error (E_NOEXEC
// if it changes size while being read).
static int ReadInto(NsLoad *load, uint8_t *data, uint32_t size)
{
    for (uint32_t done = 0; done < size;) {
        FsIo io = { .handle = 0, .length = size - done, .offset = done };
        uint32_t n;
        int err;
        if (io.length > FS_IO_MAX)
            io.length = FS_IO_MAX;
        if ((err = FsRequest(load, MSG_READ, &io, sizeof(io))) != 0)
            return err;
        n = MessageDataLength(load->reply);
        if (n == 0 || n > io.length)
            return E_NOEXEC;
        memcpy(data + done, load->reply->data, n);
        done += n;
    }
    return 0;
}

// Read the whole file name names into a new ProcessKmalloc'd buffer.
// Returns 0 or an error.
static int ReadByName(const char *name, uint8_t **data, uint32_t *size)
{
    NsLoad load = { name, ProcessKmalloc(MESSAGE_MAX_SIZE),
                    SchedTicks() + LOAD_TIME_MS * SCHED_HZ / 1000 };
    int err = load.reply ? FileSize(&load, size) : E_NOMEM;

    *data = NULL;
    if (!err && !(*data = ProcessKmalloc(*size ? *size : 1)))
        err = E_NOMEM;
    if (!err)
        err = ReadInto(&load, *data, *size);
    ProcessKfree(load.reply);
    if (err) {
        ProcessKfree(*data);
        *data = NULL;
    }
    return err;
}

// The bytes of the program at path (see the top of the file): a name
// with a ':' through its server, a bare path through fs:root: once it is
// served, from the initrd before. *owned says whether they are a
// ProcessKmalloc'd copy the caller must give back.
static int ReadProgram(const char *path, const uint8_t **file, uint32_t *size, int *owned)
{
    char name[NS_NAME_MAX + 1];
    uint8_t *copy;
    int err;

    *owned = strchr(path, ':') || IpcServes(ROOT_PREFIX);
    if (!*owned)
        return InitrdFind(path, file, size);
    if (!strchr(path, ':')) {
        while (*path == '/')
            path++;
        if (strlen(ROOT_PREFIX) + strlen(path) > NS_NAME_MAX)
            return E_NAMETOOLONG;
        memcpy(name, ROOT_PREFIX, sizeof(ROOT_PREFIX) - 1);
        memcpy(name + sizeof(ROOT_PREFIX) - 1, path, strlen(path) + 1);
        path = name;
    }
    err = ReadByName(path, &copy, size);
    *file = err ? NULL : copy;
    return err;
}

// Kernel-mode programs start here, on their kernel stack, in their space.
static void ProgramStart(void *arg)
{
    Process *p = arg;
    typedef int (*ProgramMain)(const KernelApi *, int, char **);
    int code = ((ProgramMain)(uintptr_t)p->programEntry)(KernelApiTable(), p->programArgc,
                                                         (char **)(uintptr_t)p->programArgv);

    ProcessExit(WAIT_STATUS_EXITED(code));
}

int LoaderSpawn(const char *path, int argc, const char *const *argv,
                ProcessMode mode, Process *parent)
{
    return LoaderSpawnEnv(path, argc, argv, 0, NULL, mode, parent);
}

int LoaderSpawnEnv(const char *path, int argc, const char *const *argv, int envc,
                   const char *const *envp, ProcessMode mode, Process *parent)
{
    return LoaderSpawnContext(path, argc, argv, envc, envp, mode, parent, NULL, 0);
}

// Note the name p's program came from: path itself when it is a
// namespace name, else the initrd path under fs:root: (boot.conf's
// "bin/shell"); "" when it does not fit.
static void LoaderImageName(Process *p, const char *path)
{
    int n = Format(p->image, sizeof(p->image), "%s%s", strchr(path, ':') ? "" : "fs:root:", path);

    if (n < 0 || n >= (int)sizeof(p->image))
        p->image[0] = 0;
}

// A kernel-mode program must state the KernelApi version it was built
// for (KERNEL_API_NEEDS: one KernelApiNeed in its KERNEL_API_SECTION),
// and it must be this kernel's. Returns 0, or E_NOEXEC with a line that
// says why.
static int CheckKernelApi(const char *path, const uint8_t *file, uint32_t size)
{
    KernelApiNeed need;
    uint32_t offset, length;
    int err = ElfFindSection(file, size, KERNEL_API_SECTION, &offset, &length);

    if (err == E_NOENT || (!err && length != sizeof(need))) {
        ConsolePrint("loader: %s: a kernel-mode program that states no KernelApi version "
                     "(it must link lib/kapi/need.c)\n", path);
        return E_NOEXEC;
    }
    if (err)
        return err;
    memcpy(&need, file + offset, sizeof(need));
    if (need.magic != KERNEL_API_MAGIC || need.version != KERNEL_API_VERSION) {
        ConsolePrint("loader: %s: built for KernelApi version %u; this kernel has version %u\n",
                     path, need.magic == KERNEL_API_MAGIC ? need.version : 0,
                     KERNEL_API_VERSION);
        return E_NOEXEC;
    }
    return 0;
}

int LoaderSpawnContext(const char *path, int argc, const char *const *argv, int envc,
                       const char *const *envp, ProcessMode mode, Process *parent,
                       const ProcessContext *context, uint32_t flags)
{
    LoaderStrings strings = { (uint32_t)argc, argv, (uint32_t)envc, envp };
    const uint8_t *file;
    LoaderImage loaded;
    uint32_t size;
    Process *p;
    int err, pid, owned;

    if (!ValidArguments(argc, argv) || (flags & ~SPAWN_FLAGS) ||
        (context && !ProcessContextValid(context)))
        return E_INVAL;
    err = ReadProgram(path, &file, &size, &owned);
    if (err)
        return err;
    if (mode == PROCESS_KERNEL && (err = CheckKernelApi(path, file, size)) != 0) {
        if (owned)
            ProcessKfree((void *)file);
        return err;
    }
    p = ProcessCreate(LoaderBaseName(path), mode, parent);
    err = p ? LoaderLoad(p->space, mode, CpuReadTsc() ^ ((uint64_t)p->pid << 32), file, size,
                         &strings, &loaded)
            : E_NOMEM;
    if (owned)
        ProcessKfree((void *)file);
    if (err) {
        if (p)
            ProcessDiscard(p);
        return err;
    }
    /* POINT OF NO RETURN */
    p->codeLow = loaded.lowest;
    p->codeHigh = p->imageEnd = loaded.highest;
    if (context)
        p->context = *context;
    LoaderImageName(p, path);
    ProcessSetArgs(p, (uint32_t)argc, argv);
    p->suspended = (flags & SPAWN_SUSPENDED) != 0;
    pid = (int)p->pid;                  // once started, p may end at any time
    if (mode == PROCESS_USER) {
        ProcessStartUser(p, loaded.entry, loaded.stack);
    } else {
        p->programEntry = loaded.entry;
        p->programArgc = argc;
        p->programArgv = loaded.stack + 4;
        ProcessStartKernel(p, ProgramStart, p);
    }
    return pid;
}
