// printf-style formatting shared by the kernel console and programs.
//
// The formatter walks the format string once and hands every output
// character to a sink, so the console can print without a buffer and
// Format() can fill a bounded one. Numbers are converted into a small
// local buffer (64-bit values need at most 20 digits).
#include <stdint.h>
#include <lib/format.h>

typedef struct FormatSpec {
    int leftJustify;
    int zeroPad;
    int width;
    int longness;   // 0 = int, 1 = long, 2 = long long
} FormatSpec;

typedef struct FormatState {
    FormatSink sink;
    void *context;
    int count;
} FormatState;

static void Emit(FormatState *st, char c)
{
    st->sink(c, st->context);
    st->count++;
}

static void EmitRepeated(FormatState *st, char c, int n)
{
    while (n-- > 0)
        Emit(st, c);
}

// Emit text of length len inside the field described by spec. The sign (if
// any) goes before zero padding.
static void EmitField(FormatState *st, const FormatSpec *spec, const char *sign,
                      const char *text, int len)
{
    int signLen = sign ? 1 : 0;
    int pad = spec->width - len - signLen;

    if (!spec->leftJustify && !spec->zeroPad)
        EmitRepeated(st, ' ', pad);
    if (sign)
        Emit(st, *sign);
    if (!spec->leftJustify && spec->zeroPad)
        EmitRepeated(st, '0', pad);
    for (int i = 0; i < len; i++)
        Emit(st, text[i]);
    if (spec->leftJustify)
        EmitRepeated(st, ' ', pad);
}

// Convert value to digits in base (10 or 16) into the end of buf; returns
// the first digit.
static char *Digits(char *end, uint64_t value, unsigned base, int upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;

    do {
        *--p = set[value % base];
        value /= base;
    } while (value != 0);
    return p;
}

static void EmitNumber(FormatState *st, const FormatSpec *spec, uint64_t value,
                       int negative, unsigned base, int upper)
{
    char buf[24];
    char *end = buf + sizeof(buf);
    char *start = Digits(end, value, base, upper);

    EmitField(st, spec, negative ? "-" : NULL, start, (int)(end - start));
}

static uint64_t FetchUnsigned(const FormatSpec *spec, va_list *args)
{
    if (spec->longness == 2)
        return va_arg(*args, unsigned long long);
    if (spec->longness == 1)
        return va_arg(*args, unsigned long);
    return va_arg(*args, unsigned int);
}

static int64_t FetchSigned(const FormatSpec *spec, va_list *args)
{
    if (spec->longness == 2)
        return va_arg(*args, long long);
    if (spec->longness == 1)
        return va_arg(*args, long);
    return va_arg(*args, int);
}

// Parse flags, width and length after a '%'. Returns the conversion char.
static const char *ParseSpec(const char *p, FormatSpec *spec)
{
    *spec = (FormatSpec){0};
    for (;; p++) {
        if (*p == '-')
            spec->leftJustify = 1;
        else if (*p == '0')
            spec->zeroPad = 1;
        else
            break;
    }
    while (*p >= '0' && *p <= '9' && spec->width < 10000)
        spec->width = spec->width * 10 + (*p++ - '0');
    while (*p == 'l' && spec->longness < 2) {
        spec->longness++;
        p++;
    }
    return p;
}

static void EmitConversion(FormatState *st, const FormatSpec *spec, char conv,
                           va_list *args)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = FetchSigned(spec, args);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        EmitNumber(st, spec, mag, v < 0, 10, 0);
        break;
    }
    case 'u':
        EmitNumber(st, spec, FetchUnsigned(spec, args), 0, 10, 0);
        break;
    case 'x':
    case 'X':
        EmitNumber(st, spec, FetchUnsigned(spec, args), 0, 16, conv == 'X');
        break;
    case 'p': {
        FormatSpec ptrSpec = { .zeroPad = 1, .width = 8 };
        Emit(st, '0');
        Emit(st, 'x');
        EmitNumber(st, &ptrSpec, (uintptr_t)va_arg(*args, void *), 0, 16, 0);
        break;
    }
    case 's': {
        const char *s = va_arg(*args, const char *);
        int len = 0;
        FormatSpec strSpec = *spec;
        if (!s)
            s = "(null)";
        while (s[len])
            len++;
        strSpec.zeroPad = 0;
        EmitField(st, &strSpec, NULL, s, len);
        break;
    }
    case 'c': {
        char c = (char)va_arg(*args, int);
        FormatSpec chSpec = *spec;
        chSpec.zeroPad = 0;
        EmitField(st, &chSpec, NULL, &c, 1);
        break;
    }
    default:
        Emit(st, '%');
        if (conv)
            Emit(st, conv);
        break;
    }
}

int FormatToSink(FormatSink sink, void *context, const char *fmt, va_list args)
{
    FormatState st = { sink, context, 0 };
    va_list ap;

    va_copy(ap, args);
    for (const char *p = fmt; *p; p++) {
        FormatSpec spec;
        if (*p != '%') {
            Emit(&st, *p);
            continue;
        }
        if (p[1] == '%') {
            Emit(&st, '%');
            p++;
            continue;
        }
        p = ParseSpec(p + 1, &spec);
        EmitConversion(&st, &spec, *p, &ap);
        if (*p == 0)
            break;
    }
    va_end(ap);
    return st.count;
}

typedef struct BufferSink {
    char *buf;
    size_t size;
    size_t used;
} BufferSink;

static void BufferPut(char c, void *context)
{
    BufferSink *b = context;

    if (b->used + 1 < b->size)
        b->buf[b->used] = c;
    b->used++;
}

int FormatV(char *buf, size_t size, const char *fmt, va_list args)
{
    BufferSink b = { buf, size, 0 };
    int n = FormatToSink(BufferPut, &b, fmt, args);

    if (size > 0)
        buf[b.used < size ? b.used : size - 1] = 0;
    return n;
}

int Format(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    int n;

    va_start(args, fmt);
    n = FormatV(buf, size, fmt, args);
    va_end(args);
    return n;
}
