// Columns: the text tables of proc:list: and ns:list printed aligned
// under a header (ps, ns).
#include "shell.h"

#define TABLE_COLUMNS 5         // the most columns ps and ns print

typedef struct Field {
    const char *text;
    uint32_t length;
} Field;

typedef struct Table {
    int columns;
    uint32_t widths[TABLE_COLUMNS];
} Table;

// Split the line at s (ending at '\n' or NUL) at spaces into at most
// columns fields, the last taking the rest. Returns the next line.
static const char *SplitLine(const char *s, int columns, Field *fields, int *count)
{
    int n = 0;

    while (*s == ' ')
        s++;
    while (*s && *s != '\n') {
        const char *start = s;
        while (*s && *s != '\n' && (*s != ' ' || n == columns - 1))
            s++;
        fields[n++] = (Field){ start, (uint32_t)(s - start) };
        while (*s == ' ')
            s++;
    }
    *count = n;
    return *s == '\n' ? s + 1 : s;
}

static void ForEachRow(Table *t, const char *text,
                       void (*visit)(Table *t, const Field *fields, int count))
{
    Field fields[TABLE_COLUMNS];
    int count;

    while (*text) {
        text = SplitLine(text, t->columns, fields, &count);
        if (count > 0)
            visit(t, fields, count);
    }
}

static void Widen(Table *t, const Field *fields, int count)
{
    for (int i = 0; i < count; i++) {
        if (fields[i].length > t->widths[i])
            t->widths[i] = fields[i].length;
    }
}

static void PrintRow(Table *t, const Field *fields, int count)
{
    for (int i = 0; i < count; i++) {
        OutputBytes(out, fields[i].text, fields[i].length);
        if (i + 1 < count)
            OutSpaces(t->widths[i] - fields[i].length + 1);
    }
    Out("\n");
}

// Print header, then the lines of text, in aligned columns.
static void PrintTable(const char *header, int columns, const char *text)
{
    Table t = { columns, { 0 } };

    ForEachRow(&t, header, Widen);
    ForEachRow(&t, text, Widen);
    ForEachRow(&t, header, PrintRow);
    ForEachRow(&t, text, PrintRow);
}

// Read name (a text of lines) and print it as a table under header.
void ShowTable(const char *cmd, const char *name, const char *header, int columns)
{
    static char text[MESSAGE_MAX_DATA + 1];
    Text t = { text, 0, sizeof(text) };
    int err;

    text[0] = 0;
    err = ReadAll(name, TextSink, &t);
    if (err)
        Fail(cmd, name, err);
    else
        PrintTable(header, columns, text);
}

