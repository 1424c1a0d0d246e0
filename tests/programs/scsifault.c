// scsifault: the fault paths of block:scsi: (drivers/virtioscsi), for the
// e2e suite.
//
//   scsifault arm KIND             make the driver's next command fail:
//                                  medium, response, timeout, attention
//                                  (MSG_SCSI_FAULT, include/clanker/virtioscsi.h)
//   scsifault stat                 the commands the driver has sent so far
//   scsifault read NAME SECTOR COUNT  one MSG_READ; the result and the
//                                  CRC-32 of the data (as bin/sum computes it)
//
// Prints one line "scsifault: ..." and exits 0, or 1 when the request
// itself failed (a read's error is its result, printed, exit 0), 2 on a
// usage error.
#include <clanker/block.h>
#include <clanker/virtioscsi.h>
#include <lib/string.h>
#include <lib/user.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

static const char *const kinds[SCSI_FAULT_LIMIT] = {
    "none", "medium", "response", "timeout", "attention",
};

static uint32_t Crc32(const uint8_t *data, uint32_t length)
{
    uint32_t crc = 0xffffffffu;

    for (uint32_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

// A decimal number, or -1 if s is not one.
static int64_t Number(const char *s)
{
    int64_t v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 0x7fffffffffffll / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static int Arm(const char *kind)
{
    uint32_t k = 0;
    int err;

    while (k < SCSI_FAULT_LIMIT && strcmp(kinds[k], kind) != 0)
        k++;
    if (k == SCSI_FAULT_LIMIT)
        k = 0x7fffffffu;                // unknown: the driver must refuse it
    err = IpcCallInto(SCSI_PREFIX, MSG_SCSI_FAULT, &k, sizeof(k), &reply.message, sizeof(reply));
    Print("scsifault: arm %s: %d\n", kind, err);
    return err != 0;
}

static int Stat(void)
{
    BlockStats stats;
    int n = IpcCallInto(SCSI_PREFIX, MSG_STAT, NULL, 0, &reply.message, sizeof(reply));

    if (n != (int)sizeof(stats)) {
        Print("scsifault: stat: %d\n", n);
        return 1;
    }
    memcpy(&stats, reply.message.data, sizeof(stats));
    Print("scsifault: %u commands\n", stats.requests);
    return 0;
}

static int Read(const char *name, int64_t sector, int64_t count)
{
    BlockIo io = { (uint64_t)sector, (uint32_t)count, 0 };
    int n = IpcCallInto(name, MSG_READ, &io, sizeof(io), &reply.message, sizeof(reply));

    if (n < 0)
        Print("scsifault: read %s %lld %lld: error %d\n", name, (long long)sector,
              (long long)count, n);
    else
        Print("scsifault: read %s %lld %lld: %d bytes, crc %08x\n", name, (long long)sector,
              (long long)count, n, Crc32(reply.message.data, (uint32_t)n));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "arm") == 0)
        return Arm(argv[2]);
    if (argc == 2 && strcmp(argv[1], "stat") == 0)
        return Stat();
    if (argc == 5 && strcmp(argv[1], "read") == 0 && Number(argv[3]) >= 0 &&
        Number(argv[4]) > 0 && Number(argv[4]) < 0x10000)
        return Read(argv[2], Number(argv[3]), Number(argv[4]));
    Print("usage: scsifault arm KIND | stat | read NAME SECTOR COUNT\n");
    return 2;
}
