// blktest NAME MODE ...: exercise a block device through the block
// protocol (include/clanker/block.h). It knows nothing of the driver
// behind NAME, so it serves every block:* device alike.
//
//   blktest NAME info                        the BlockInfo, one line
//   blktest NAME pattern FIRST COUNT SEED    write a seeded pattern over
//                                            sectors [FIRST, FIRST+COUNT),
//                                            read it back and compare
//   blktest NAME check FIRST COUNT SEED      only read and compare
//   blktest NAME errors                      every error case of block.h,
//                                            one PASS/FAIL line each
//   blktest NAME bench LABEL                 instructions per KiB to read
//                                            the first MiB (make bench)
//   blktest NAME read FIRST COUNT            one MSG_READ as given, not
//                                            checked here first (the
//                                            driver's range check)
//
// Numbers are decimal or 0x hexadecimal. The pattern is a function of
// (SEED, sector number, word index), so the host can check an image file
// afterwards (tests/e2e/run.py has the same function): each little-endian
// 32-bit word w of sector s is PatternWord(SEED, s, w) below. Every mode
// prints one result line "blktest: NAME: ..." and exits 0 on success,
// 1 on a failure, 2 on a usage error.
#include <clanker/block.h>
#include <lib/string.h>
#include <lib/user.h>

// A reply, and the request built in place (IpcCallInto); io is the
// request being assembled: a BlockIo and up to BLOCK_IO_MAX bytes.
static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;
static uint8_t io[sizeof(BlockIo) + BLOCK_IO_MAX + 4096];

static const char *name;
static BlockInfo info;

// The pattern's word index of sector, mixed so that neighbouring sectors
// and words differ in every byte (a murmur3-style finaliser).
static uint32_t PatternWord(uint32_t seed, uint64_t sector, uint32_t index)
{
    uint32_t x = seed ^ (uint32_t)sector * 0x9e3779b1u ^
                 (uint32_t)(sector >> 32) * 0x7feb352du ^ index * 0x85ebca77u;

    x ^= x >> 16;
    x *= 0x21f0aaadu;
    x ^= x >> 15;
    x *= 0x735a2d97u;
    x ^= x >> 15;
    return x;
}

static void FillSector(uint8_t *to, uint32_t seed, uint64_t sector)
{
    for (uint32_t w = 0; w < info.sectorSize / 4; w++) {
        uint32_t v = PatternWord(seed, sector, w);
        memcpy(to + 4 * w, &v, 4);
    }
}

// The first word of from that differs from sector's pattern, or -1.
static int CheckSector(const uint8_t *from, uint32_t seed, uint64_t sector)
{
    for (uint32_t w = 0; w < info.sectorSize / 4; w++) {
        uint32_t v;
        memcpy(&v, from + 4 * w, 4);
        if (v != PatternWord(seed, sector, w))
            return (int)w;
    }
    return -1;
}

// Parse a decimal or 0x-hexadecimal uint64. Returns 0, or -1 if malformed.
static int ParseU64(const char *s, uint64_t *out)
{
    uint64_t value = 0;
    int base = 10, digits = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; *s; s++, digits++) {
        int d = *s >= '0' && *s <= '9' ? *s - '0' :
                *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
                *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : 99;
        if (d >= base || value > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return -1;
        value = value * (uint64_t)base + (uint64_t)d;
    }
    if (digits == 0)
        return -1;
    *out = value;
    return 0;
}

// Send type with size bytes of io to target. Returns the reply's payload
// length, or an E_* code.
static int Call(const char *target, uint32_t type, uint32_t size)
{
    return IpcCallInto(target, type, io, size, &reply.message, sizeof(reply));
}

// A BlockIo request of type with extra data bytes (already in io after
// the BlockIo) to the device. Returns as Call.
static int Transfer(uint32_t type, uint64_t sector, uint32_t count, uint32_t data)
{
    BlockIo request = { sector, count, 0 };

    memcpy(io, &request, sizeof(request));
    return Call(name, type, sizeof(request) + data);
}

static int Query(void)
{
    int n = Call(name, MSG_QUERY, 0);

    if (n < 0)
        return n;
    if (n != (int)sizeof(BlockInfo))
        return E_INVAL;
    memcpy(&info, reply.message.data, sizeof(info));
    if (info.sectorSize < 512 || info.sectorSize > 4096 || info.sectorSize % 512)
        return E_INVAL;
    return 0;
}

static int Info(void)
{
    Print("blktest: %s: %llu sectors of %u bytes (%llu KiB), flags 0x%x%s%s%s, model \"%s\"\n",
          name, (unsigned long long)info.sectors, info.sectorSize,
          (unsigned long long)(info.sectors * info.sectorSize / 1024), info.flags,
          info.flags & BLOCK_READ_ONLY ? " read-only" : "",
          info.flags & BLOCK_REMOVABLE ? " removable" : "",
          info.flags & BLOCK_ATAPI ? " atapi" : "", info.model);
    return 0;
}

// Read sectors [first, first+count) and compare with seed's pattern.
// Returns 0, or 1 after printing what differed or failed.
static int Verify(const char *mode, uint64_t first, uint64_t count, uint32_t seed)
{
    uint32_t most = BLOCK_IO_MAX / info.sectorSize;

    for (uint64_t done = 0; done < count;) {
        uint32_t n = count - done < most ? (uint32_t)(count - done) : most;
        int got = Transfer(MSG_READ, first + done, n, 0);
        if (got != (int)(n * info.sectorSize)) {
            Print("blktest: %s: %s: read of %u at sector %llu failed (%d)\n", name, mode, n,
                  (unsigned long long)(first + done), got);
            return 1;
        }
        for (uint32_t i = 0; i < n; i++) {
            int w = CheckSector(reply.message.data + i * info.sectorSize, seed, first + done + i);
            if (w >= 0) {
                Print("blktest: %s: %s: sector %llu differs at byte %d\n", name, mode,
                      (unsigned long long)(first + done + i), 4 * w);
                return 1;
            }
        }
        done += n;
    }
    Print("blktest: %s: %s: %llu sectors from %llu match seed %u\n", name, mode,
          (unsigned long long)count, (unsigned long long)first, seed);
    return 0;
}

static int Pattern(uint64_t first, uint64_t count, uint32_t seed)
{
    uint32_t most = BLOCK_IO_MAX / info.sectorSize;

    for (uint64_t done = 0; done < count;) {
        uint32_t n = count - done < most ? (uint32_t)(count - done) : most;
        for (uint32_t i = 0; i < n; i++)
            FillSector(io + sizeof(BlockIo) + i * info.sectorSize, seed, first + done + i);
        int got = Transfer(MSG_WRITE, first + done, n, n * info.sectorSize);
        if (got != 0) {
            Print("blktest: %s: pattern: write of %u at sector %llu failed (%d)\n", name, n,
                  (unsigned long long)(first + done), got);
            return 1;
        }
        done += n;
    }
    if (Call(name, MSG_SYNC, 0) != 0) {
        Print("blktest: %s: pattern: sync failed\n", name);
        return 1;
    }
    return Verify("pattern", first, count, seed);
}

// --- errors -----------------------------------------------------------------

static int passed, failed;

static void Expect(int got, int want, const char *what)
{
    if (got == want) {
        passed++;
        Print("blktest: PASS %s\n", what);
    } else {
        failed++;
        Print("blktest: FAIL %s (got %d, wanted %d)\n", what, got, want);
    }
}

// A read request with a payload of size bytes (a BlockIo cut or padded).
static int ReadSized(uint64_t sector, uint32_t count, uint32_t size)
{
    BlockIo request = { sector, count, 0 };

    memset(io, 0, sizeof(BlockIo) + 8);
    memcpy(io, &request, sizeof(request));
    return Call(name, MSG_READ, size);
}

static void PayloadErrors(void)
{
    io[0] = 1;
    Expect(Call(name, MSG_QUERY, 1), E_INVAL, "MSG_QUERY with a payload is E_INVAL");
    Expect(Call(name, MSG_SYNC, 1), E_INVAL, "MSG_SYNC with a payload is E_INVAL");
    Expect(ReadSized(0, 1, 0), E_INVAL, "MSG_READ without a BlockIo is E_INVAL");
    Expect(ReadSized(0, 1, sizeof(BlockIo) - 1), E_INVAL, "MSG_READ with a short BlockIo is E_INVAL");
    Expect(ReadSized(0, 1, sizeof(BlockIo) + 1), E_INVAL, "MSG_READ with a long BlockIo is E_INVAL");
    Expect(Transfer(MSG_READ, 0, 0, 0), E_INVAL, "MSG_READ of count 0 is E_INVAL");
    BlockIo reserved = { 0, 1, 7 };
    memcpy(io, &reserved, sizeof(reserved));
    Expect(Call(name, MSG_READ, sizeof(reserved)), E_INVAL, "MSG_READ with reserved not 0 is E_INVAL");
    Expect(Transfer(MSG_READ, 0, BLOCK_IO_MAX / info.sectorSize + 1, 0), E_INVAL,
           "MSG_READ of more than BLOCK_IO_MAX bytes is E_INVAL");
    Expect(Call(name, MSG_DELETE, 0), E_INVAL, "another request type (MSG_DELETE) is E_INVAL");
}

static void RangeErrors(void)
{
    uint64_t last = info.sectors - 1;
    int lastRead = info.flags & BLOCK_ATAPI ? E_NODEV : (int)info.sectorSize;

    Expect(Transfer(MSG_READ, last, 1, 0), lastRead, "MSG_READ of the last sector");
    Expect(Transfer(MSG_READ, last, 2, 0), E_RANGE, "MSG_READ past the end is E_RANGE");
    Expect(Transfer(MSG_READ, info.sectors, 1, 0), E_RANGE,
           "MSG_READ of the sector after the last is E_RANGE");
    Expect(Transfer(MSG_READ, UINT64_MAX, 2, 0), E_RANGE,
           "MSG_READ whose sector + count overflows is E_RANGE");
    Expect(Transfer(MSG_READ, UINT64_MAX - 1, 1, 0), E_RANGE, "MSG_READ of sector 2^64-2 is E_RANGE");
}

// Every bad write aims at the last sector; its contents must not change.
static void WriteErrors(void)
{
    uint64_t last = info.sectors - 1;
    uint32_t ss = info.sectorSize, most = BLOCK_IO_MAX / ss;
    int valid = info.flags & BLOCK_READ_ONLY ? E_ROFS : 0;
    static uint8_t before[4096];
    int readable = !(info.flags & BLOCK_ATAPI);

    if (readable && Transfer(MSG_READ, last, 1, 0) == (int)ss)
        memcpy(before, reply.message.data, ss);
    memset(io + sizeof(BlockIo), 0xa5, BLOCK_IO_MAX + ss);
    Expect(Transfer(MSG_WRITE, last, 1, 0), E_INVAL, "MSG_WRITE without data is E_INVAL");
    Expect(Transfer(MSG_WRITE, last, 1, ss - 1), E_INVAL, "MSG_WRITE one byte short is E_INVAL");
    Expect(Transfer(MSG_WRITE, last, 1, ss + 1), E_INVAL, "MSG_WRITE one byte long is E_INVAL");
    Expect(Transfer(MSG_WRITE, last, 2, ss), E_INVAL, "MSG_WRITE of half its count is E_INVAL");
    Expect(Transfer(MSG_WRITE, last, 0, 0), E_INVAL, "MSG_WRITE of count 0 is E_INVAL");
    Expect(Transfer(MSG_WRITE, last, 1, 3), E_INVAL, "MSG_WRITE of 3 bytes is E_INVAL");
    // With 4 KiB sectors such a write does not fit in a message: the
    // kernel refuses it before the driver sees it.
    Expect(Transfer(MSG_WRITE, 0, most + 1, (most + 1) * ss),
           sizeof(BlockIo) + (most + 1) * ss > MESSAGE_MAX_DATA ? E_MSGSIZE : E_INVAL,
           "MSG_WRITE of more than BLOCK_IO_MAX bytes is E_INVAL (E_MSGSIZE if it cannot be sent)");
    Expect(Transfer(MSG_WRITE, last, 2, 2 * ss), E_RANGE, "MSG_WRITE past the end is E_RANGE");
    Expect(Transfer(MSG_WRITE, UINT64_MAX, 2, 2 * ss), E_RANGE,
           "MSG_WRITE whose sector + count overflows is E_RANGE");
    if (valid == E_ROFS)
        Expect(Transfer(MSG_WRITE, last, 1, ss), E_ROFS, "MSG_WRITE to a read-only device is E_ROFS");
    if (readable) {
        int got = Transfer(MSG_READ, last, 1, 0);
        Expect(got == (int)ss && memcmp(before, reply.message.data, ss) == 0 ? 0 : 1, 0,
               "the rejected writes left the last sector as it was");
    }
}

static void NameErrors(void)
{
    static char other[300];
    uint32_t n = (uint32_t)strlen(name);

    if (n + 2 > sizeof(other))
        return;
    memcpy(other, name, n);
    memcpy(other + n, "9", 2);
    Expect(Call(other, MSG_QUERY, 0), E_NOENT, "a name no device has (NAME9) is E_NOENT");
}

static int Errors(void)
{
    PayloadErrors();
    if (info.sectors > 0) {
        RangeErrors();
        WriteErrors();
    } else {
        Print("blktest: %s: no medium: range and write checks skipped\n", name);
    }
    NameErrors();
    Expect(Transfer(MSG_READ, 0, 1, 0), info.flags & BLOCK_ATAPI ? E_NODEV : (int)info.sectorSize,
           "the device still serves sector 0 afterwards");
    Print("blktest: %s: errors: %d passed, %d failed\n", name, passed, failed);
    return failed != 0;
}

// --- bench ----------------------------------------------------------------

#define BENCH_BYTES (1u << 20)
#define BENCH_REQUEST (32u << 10)

static uint64_t ReadTsc(void)
{
    uint64_t value;
    __asm__ volatile("rdtsc" : "=A"(value));
    return value;
}

// The waiting its driver has done so far (BlockStats.waitCycles from a
// MSG_STAT to the driver's prefix, the name up to its last ':'); ~0 if
// the driver does not tell.
static uint64_t DriverWait(void)
{
    char prefix[NS_NAME_MAX + 1];
    uint32_t length = (uint32_t)strlen(name);
    BlockStats stats;

    while (length > 0 && name[length - 1] != ':')
        length--;
    memcpy(prefix, name, length);
    prefix[length] = 0;
    if (IpcCallInto(prefix, MSG_STAT, NULL, 0, &reply.message, sizeof(reply)) !=
        (int)sizeof(stats))
        return ~0ull;
    memcpy(&stats, reply.message.data, sizeof(stats));
    return stats.waitCycles;
}

// One pass over the first MiB in 32 KiB requests: the instructions
// spent, less the driver's waiting for its device (how long an emulated
// device takes depends on the host). 0 if a read failed.
static uint64_t BenchPass(void)
{
    uint32_t per = BENCH_REQUEST / info.sectorSize;
    uint64_t waitBefore = DriverWait(), start = ReadTsc(), spent, waited;

    for (uint32_t at = 0; at < BENCH_BYTES / info.sectorSize; at += per) {
        if (Transfer(MSG_READ, at, per, 0) != (int)BENCH_REQUEST) {
            Print("blktest: %s: bench: read at sector %u failed\n", name, at);
            return 0;
        }
    }
    spent = ReadTsc() - start;
    waited = DriverWait() - waitBefore;
    if (waitBefore == ~0ull || waited > spent) {
        Print("blktest: %s: bench: the driver does not report its waiting\n", name);
        return 0;
    }
    return spent - waited;
}

// Three passes; print the best as "bench: LABEL N instructions/KiB".
static int Bench(const char *label)
{
    uint64_t best = ~0ull;

    if (info.sectors * info.sectorSize < BENCH_BYTES) {
        Print("blktest: %s: bench: the device is smaller than 1 MiB\n", name);
        return 1;
    }
    for (int pass = 0; pass < 3; pass++) {
        uint64_t spent = BenchPass();
        if (spent == 0)
            return 1;
        best = spent < best ? spent : best;
    }
    Print("bench: %s %llu instructions/KiB\n", label, best / (BENCH_BYTES / 1024));
    return 0;
}

// One MSG_READ of count sectors at first, whatever the device's size:
// "read FIRST+COUNT: N bytes" or "read FIRST+COUNT: error E".
static int RawRead(const char *firstText, const char *countText)
{
    uint64_t first, count;
    int n;

    if (ParseU64(firstText, &first) || ParseU64(countText, &count) || count > UINT32_MAX) {
        Print("blktest: %s: read: bad numbers\n", name);
        return 2;
    }
    n = Transfer(MSG_READ, first, (uint32_t)count, 0);
    if (n < 0)
        Print("blktest: %s: read %llu+%llu: error %d\n", name, (unsigned long long)first,
              (unsigned long long)count, n);
    else
        Print("blktest: %s: read %llu+%llu: %d bytes\n", name, (unsigned long long)first,
              (unsigned long long)count, n);
    return n < 0;
}

static int Usage(void)
{
    Print("usage: blktest NAME info|errors|bench LABEL|pattern FIRST COUNT SEED|"
          "check FIRST COUNT SEED|read FIRST COUNT\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t first, count, seed;
    int err;

    if (argc < 3)
        return Usage();
    name = argv[1];
    if ((err = Query()) != 0) {
        Print("blktest: %s: MSG_QUERY failed (%d)\n", name, err);
        return 1;
    }
    if (argc == 3 && strcmp(argv[2], "info") == 0)
        return Info();
    if (argc == 3 && strcmp(argv[2], "errors") == 0)
        return Errors();
    if (argc == 4 && strcmp(argv[2], "bench") == 0)
        return Bench(argv[3]);
    if (argc == 5 && strcmp(argv[2], "read") == 0)
        return RawRead(argv[3], argv[4]);
    if (argc != 6 || ParseU64(argv[3], &first) || ParseU64(argv[4], &count) ||
        ParseU64(argv[5], &seed) || seed > UINT32_MAX || count == 0)
        return Usage();
    if (first > info.sectors || count > info.sectors - first) {
        Print("blktest: %s: sectors %llu+%llu lie past the end (%llu)\n", name,
              (unsigned long long)first, (unsigned long long)count,
              (unsigned long long)info.sectors);
        return 1;
    }
    if (strcmp(argv[2], "pattern") == 0)
        return Pattern(first, count, (uint32_t)seed);
    if (strcmp(argv[2], "check") == 0)
        return Verify("check", first, count, (uint32_t)seed);
    return Usage();
}
