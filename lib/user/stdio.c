// Standard streams for native programs: the context's names, by IPC.
//
// A program's standard input, output and error are names in its context
// (include/clanker/context.h): "console:", a pipe "pipe:7", a file. This
// file reads and writes them with the filesystem protocol by name
// (FsIo handle 0): MSG_READ to stdio[0], MSG_WRITE to stdio[1] or [2].
// Servers of streams ignore the offset; for a file, each stream keeps its
// own offset here, so consecutive writes follow each other: standard
// input starts at 0, and output starts at the file's end (a MSG_STAT on
// the first write), so a shell's `>` (which empties the file first) and
// `>>` both come out right.
//
// Print formats into a stack buffer and writes it to standard output;
// only when that stream cannot be reached at all (the context cannot be
// read, the name is empty or nobody serves it) does it fall back to the
// kernel's debug console, so early programs and broken set-ups still
// show their messages. E_PIPE is returned, not hidden: a program writing
// into a pipe nobody reads any more should stop.
//
// Requests are built in one static buffer: native programs are single
// threaded.
#include <stdarg.h>
#include <clanker/fs.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/user.h>

#define STDIO_CHUNK 4096u           // bytes per request

static ProcessContext self;
static uint64_t offsets[3];         // for streams that are files
static int started[3];              // output: the first write has found the end
static union {
    Message message;
    uint8_t bytes[MESSAGE_HEADER_SIZE + sizeof(FsIo) + STDIO_CHUNK];
} buffer;

const ProcessContext *ContextSelf(void)
{
    return SysContextGet(&self) == 0 ? &self : NULL;
}

// The name of stream (0, 1 or 2), or NULL if it has none.
static const char *StreamName(int stream)
{
    const ProcessContext *c = ContextSelf();

    return c && c->stdio[stream][0] ? c->stdio[stream] : NULL;
}

// Write one chunk (at most STDIO_CHUNK bytes). Returns the count written or E_*.
static int WriteChunk(const char *name, int stream, const uint8_t *bytes, uint32_t n)
{
    FsIo io = { .handle = 0, .length = n, .offset = offsets[stream] };
    FsCount count;
    int length;

    memcpy(buffer.message.data + sizeof(io), bytes, n);
    memcpy(buffer.message.data, &io, sizeof(io));
    length = IpcCallInto(name, MSG_WRITE, buffer.message.data, sizeof(io) + n,
                         &buffer.message, sizeof(buffer));
    if (length < 0)
        return length;
    if (length != sizeof(count))
        return E_INVAL;
    memcpy(&count, buffer.message.data, sizeof(count));
    if (count.count == 0 || count.count > n)
        return E_INVAL;
    offsets[stream] += count.count;
    return (int)count.count;
}

// Before the first write to an output stream: a file's writes begin at its end.
static void StartOutput(const char *name, int stream)
{
    FsStat st;

    started[stream] = 1;
    if (IpcCallInto(name, MSG_STAT, NULL, 0, &buffer.message, sizeof(buffer)) == (int)sizeof(st)) {
        memcpy(&st, buffer.message.data, sizeof(st));
        if (st.type == FS_TYPE_FILE)
            offsets[stream] = st.size;
    }
}

int StdioWrite(int stream, const void *bytes, uint32_t n)
{
    const uint8_t *from = bytes;
    const char *name;

    if (stream != CONTEXT_STDOUT && stream != CONTEXT_STDERR)
        return E_INVAL;
    if (!(name = StreamName(stream)))
        return E_BADF;
    if (!started[stream])
        StartOutput(name, stream);
    for (uint32_t done = 0; done < n;) {
        uint32_t chunk = n - done < STDIO_CHUNK ? n - done : STDIO_CHUNK;
        int written = WriteChunk(name, stream, from + done, chunk);
        if (written < 0)
            return done > 0 ? (int)done : written;
        done += (uint32_t)written;
    }
    return (int)n;
}

int StdioRead(void *to, uint32_t n)
{
    const char *name = StreamName(CONTEXT_STDIN);
    FsIo io = { .handle = 0, .length = n < STDIO_CHUNK ? n : STDIO_CHUNK,
                .offset = offsets[CONTEXT_STDIN] };
    int length;

    if (!name)
        return E_BADF;
    if (n == 0)
        return 0;
    length = IpcCallInto(name, MSG_READ, &io, sizeof(io), &buffer.message, sizeof(buffer));
    if (length < 0)
        return length;
    if ((uint32_t)length > io.length)
        return E_INVAL;
    memcpy(to, buffer.message.data, (uint32_t)length);
    offsets[CONTEXT_STDIN] += (uint32_t)length;
    return length;
}

// Format into a 512-byte stack buffer and write it to standard output.
int Print(const char *fmt, ...)
{
    char text[512];
    va_list args;
    int length, written;

    va_start(args, fmt);
    length = FormatV(text, sizeof text, fmt, args);
    va_end(args);
    if (length < 0)
        return E_INVAL;
    if ((size_t)length >= sizeof text)
        length = sizeof text - 1;
    written = StdioWrite(CONTEXT_STDOUT, text, (uint32_t)length);
    if (written == E_BADF || written == E_NOENT || written == E_FAULT)
        return SysDebugWrite(text, (uint32_t)length);  // the stream is out of reach
    return written;
}
