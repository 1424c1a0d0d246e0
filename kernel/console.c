// The kernel console: formatted output mirrored to serial and VGA.
//
// Output is buffered per call in a small line buffer so each device sees
// whole runs of text instead of one call per character; interrupts are
// held off for the duration of a call so lines from an interrupt handler
// never split another line.
#include <lib/format.h>
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/pc.h>
#include <kernel/console.h>

typedef struct LineBuffer {
    char text[128];
    size_t used;
} LineBuffer;

void ConsoleInit(void)
{
    SerialInit();
    VgaInit();
}

void ConsoleWrite(const char *text, size_t length)
{
    SerialWrite(text, length);
    VgaWrite(text, length);
}

static void Flush(LineBuffer *line)
{
    ConsoleWrite(line->text, line->used);
    line->used = 0;
}

static void PutBuffered(char c, void *context)
{
    LineBuffer *line = context;

    line->text[line->used++] = c;
    if (line->used == sizeof(line->text) || c == '\n')
        Flush(line);
}

int ConsolePrintV(const char *fmt, va_list args)
{
    LineBuffer line = { .used = 0 };
    uint32_t flags = CpuSave();
    int n = FormatToSink(PutBuffered, &line, fmt, args);

    Flush(&line);
    CpuRestore(flags);
    return n;
}

int ConsolePrint(const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = ConsolePrintV(fmt, args);
    va_end(args);
    return n;
}
