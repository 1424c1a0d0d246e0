// sum NAME...: the CRC-32 and size of each file, to compare copies.
//
// Prints "CRC SIZE NAME" per file, CRC as 8 hex digits: the CRC-32 of
// IEEE 802.3 (reflected polynomial 0xEDB88320, initial value and final
// XOR 0xFFFFFFFF), the checksum zip and PNG use, so a host can compute
// the same figure. Reads through the filesystem protocol by name, in
// FS_IO_MAX pieces. Exit code 1 if any file could not be read.
#include <clanker/fs.h>
#include <lib/errortext.h>
#include <lib/user.h>

static union {
    Message message;
    uint8_t bytes[MESSAGE_MAX_SIZE];
} reply;

static uint32_t table[256];

static void MakeTable(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

// Checksum one file. Returns 0 or an E_* code.
static int Sum(const char *name, uint32_t *crc, uint64_t *size)
{
    *crc = 0xFFFFFFFFu;
    for (*size = 0;;) {
        FsIo io = { 0, FS_IO_MAX, *size };
        int n = IpcCallInto(name, MSG_READ, &io, sizeof(io), &reply.message, sizeof(reply));
        if (n < 0)
            return n;
        for (int i = 0; i < n; i++)
            *crc = table[(*crc ^ reply.message.data[i]) & 0xff] ^ (*crc >> 8);
        *size += (uint32_t)n;
        if (n < (int)FS_IO_MAX)
            break;
    }
    *crc ^= 0xFFFFFFFFu;
    return 0;
}

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2) {
        Print("usage: sum NAME...\n");
        return 2;
    }
    MakeTable();
    for (int i = 1; i < argc; i++) {
        uint32_t crc;
        uint64_t size;
        int err = Sum(argv[i], &crc, &size);
        if (err) {
            Print("sum: %s: %s\n", argv[i], ErrorText(err));
            status = 1;
        } else {
            Print("%08x %llu %s\n", crc, (unsigned long long)size, argv[i]);
        }
    }
    return status;
}
