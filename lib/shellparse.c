// The shell's grammar: lexer, parser, expansion (include/lib/shellparse.h).
//
// One scanner reads a word for both jobs: while parsing it only checks
// the word (quotes closed, ${...} well formed) and finds where it ends;
// while expanding it also writes the word's value. So a word that parsed
// always expands, and both agree on where it ends.
//
// The parser is a loop over tokens with one rule per token kind: a word
// or redirection joins the current command (starting one, and a pipeline,
// if needed); '|' ends the command; ';', '&', '&&', '||' end the
// pipeline. Everything stops at the first error, so the reason reported
// is the leftmost one, and a failed parse leaves nothing behind.
#include <stddef.h>
#include <stdint.h>
#include <lib/string.h>
#include <lib/shellparse.h>

// --- the word scanner -------------------------------------------------------

typedef struct Scan {
    const char *p;              // the next byte
    const char *end;            // where the word must end; NULL: at its natural end
    ShellLookup lookup;         // NULL: check only, write nothing
    void *context;
    char *out;
    size_t used, capacity;
    int overflow;               // out is full
    int quoted;                 // the word had quotes or escapes
} Scan;

static int IsBlank(char c)
{
    return c == ' ' || c == '\t';
}

static int IsOperator(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

static int IsNameStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int IsNameByte(char c)
{
    return IsNameStart(c) || (c >= '0' && c <= '9');
}

// Is the scan at the end of the text it may read?
static int AtEnd(const Scan *s, const char *p)
{
    return *p == '\0' || (s->end && p >= s->end);
}

static void Emit(Scan *s, char c)
{
    if (!s->lookup)
        return;
    if (s->used + 1 < s->capacity)
        s->out[s->used++] = c;
    else
        s->overflow = 1;
}

static void EmitValue(Scan *s, const char *name, size_t length)
{
    const char *value;

    if (!s->lookup || !(value = s->lookup(name, length, s->context)))
        return;
    while (*value)
        Emit(s, *value++);
}

// s->p is at a '$': read the expansion (or a plain '$').
static int ScanDollar(Scan *s)
{
    const char *p = s->p + 1, *name = p;

    if (!AtEnd(s, p) && *p == '{') {
        name = ++p;
        if (!AtEnd(s, p) && (*p == '?' || *p == '$'))
            p++;
        else
            while (!AtEnd(s, p) && IsNameByte(*p) && IsNameStart(*name))
                p++;
        if (p == name || AtEnd(s, p) || *p != '}')
            return SHELL_E_SUBST;
        EmitValue(s, name, (size_t)(p - name));
        s->p = p + 1;
        return 0;
    }
    if (!AtEnd(s, p) && (*p == '?' || *p == '$')) {
        EmitValue(s, p, 1);
        s->p = p + 1;
        return 0;
    }
    if (AtEnd(s, p) || !IsNameStart(*p)) {
        Emit(s, '$');
        s->p = p;
        return 0;
    }
    while (!AtEnd(s, p) && IsNameByte(*p))
        p++;
    EmitValue(s, name, (size_t)(p - name));
    s->p = p;
    return 0;
}

// s->p is at a '\'': literal text up to the next '\''.
static int ScanSingle(Scan *s)
{
    const char *p = s->p + 1;

    while (!AtEnd(s, p) && *p != '\'')
        Emit(s, *p++);
    if (AtEnd(s, p))
        return SHELL_E_QUOTE;
    s->p = p + 1;
    return 0;
}

// s->p is at a '"': text with \" \\ \$ escapes and $ expansions.
static int ScanDouble(Scan *s)
{
    int err;

    s->p++;
    for (;;) {
        const char *p = s->p;
        if (AtEnd(s, p))
            return SHELL_E_QUOTE;
        if (*p == '"') {
            s->p = p + 1;
            return 0;
        }
        if (*p == '$') {
            if ((err = ScanDollar(s)) != 0)
                return err;
            continue;
        }
        if (*p == '\\' && !AtEnd(s, p + 1) && (p[1] == '"' || p[1] == '\\' || p[1] == '$'))
            p++;
        Emit(s, *p);
        s->p = p + 1;
    }
}

// Read one word from s->p to its end (an unquoted blank or operator, or
// the end of the text). Returns 0 or SHELL_E_*.
static int ScanWord(Scan *s)
{
    int err = 0;

    while (!err && !AtEnd(s, s->p) && !IsBlank(*s->p) && !IsOperator(*s->p)) {
        const char *p = s->p;
        if (*p == '\\') {
            if (AtEnd(s, p + 1))
                return SHELL_E_BACKSLASH;
            s->quoted = 1;
            Emit(s, p[1]);
            s->p = p + 2;
        } else if (*p == '\'') {
            s->quoted = 1;
            err = ScanSingle(s);
        } else if (*p == '"') {
            s->quoted = 1;
            err = ScanDouble(s);
        } else if (*p == '$') {
            err = ScanDollar(s);
        } else {
            Emit(s, *p);
            s->p = p + 1;
        }
    }
    return err;
}

// The lookup of ShellExpand without one: every variable is unset.
static const char *NoValue(const char *name, size_t length, void *c)
{
    (void)name; (void)length; (void)c;
    return NULL;
}

int ShellExpand(const ShellScript *script, ShellWord word, ShellLookup lookup, void *context,
                char *out, size_t capacity, int *keep)
{
    Scan s = { script->line + word.start, script->line + word.start + word.length,
               lookup ? lookup : NoValue, context, out, 0, capacity, 0, 0 };

    *keep = 1;
    if (capacity == 0)
        return SHELL_E_TEXT;
    if (ScanWord(&s) != 0 || s.overflow) {
        out[0] = '\0';
        return SHELL_E_TEXT;
    }
    out[s.used] = '\0';
    *keep = s.used > 0 || s.quoted;
    return (int)s.used;
}

// --- the lexer --------------------------------------------------------------

typedef enum Token {
    TOKEN_END,
    TOKEN_WORD,         // not consumed: the parser reads it with ScanWord
    TOKEN_PIPE,
    TOKEN_OR,
    TOKEN_AND,
    TOKEN_AMP,
    TOKEN_SEMI,
    TOKEN_WRITE,
    TOKEN_APPEND,
    TOKEN_INPUT,
} Token;

// Operators, longest first, with the token each is.
static const struct {
    const char *text;
    Token token;
} operators[] = {
    { "||", TOKEN_OR },    { "&&", TOKEN_AND },  { ">>", TOKEN_APPEND },
    { "|", TOKEN_PIPE },   { "&", TOKEN_AMP },   { ";", TOKEN_SEMI },
    { ">", TOKEN_WRITE },  { "<", TOKEN_INPUT },
};

#define OPERATOR_COUNT (sizeof(operators) / sizeof(operators[0]))

static const char *TokenText(Token t)
{
    for (uint32_t i = 0; i < OPERATOR_COUNT; i++)
        if (operators[i].token == t)
            return operators[i].text;
    return "";
}

// The next token at *p (blanks skipped); an operator is consumed.
static Token Lex(const char **p)
{
    const char *s = *p;

    while (IsBlank(*s))
        s++;
    *p = s;
    if (*s == '\0' || *s == '#')
        return TOKEN_END;
    for (uint32_t i = 0; i < OPERATOR_COUNT; i++) {
        size_t n = strlen(operators[i].text);
        if (strncmp(s, operators[i].text, n) == 0) {
            *p = s + n;
            return operators[i].token;
        }
    }
    return TOKEN_WORD;
}

// --- the parser -------------------------------------------------------------

typedef struct Parser {
    ShellScript *script;
    const char *p;
    ShellPipeline *pipeline;    // the open pipeline, or NULL
    ShellCommand *command;      // the open command, or NULL
    Token pending;              // a redirection waiting for its word, or TOKEN_END
    Token last;                 // the last operator that ended a command
} Parser;

// Set the reason "missing command before 'OP'" or "... after 'OP'".
static int Missing(Parser *ps, const char *where, Token op)
{
    char *t = ps->script->errorText;
    const char *parts[] = { "missing command ", where, " '", TokenText(op), "'" };
    size_t n = 0;

    for (uint32_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        for (const char *c = parts[i]; *c && n + 1 < SHELL_ERROR_MAX; c++)
            t[n++] = *c;
    t[n] = '\0';
    return SHELL_E_MISSING;
}

// Does op need a command after it?
static int NeedsCommand(Token op)
{
    return op == TOKEN_PIPE || op == TOKEN_AND || op == TOKEN_OR;
}

// The open command, starting it (and a pipeline) if there is none.
static int OpenCommand(Parser *ps)
{
    ShellScript *sc = ps->script;

    if (ps->command)
        return 0;
    if (sc->commandCount == SHELL_COMMANDS_MAX)
        return SHELL_E_COMMANDS;
    if (!ps->pipeline) {
        ps->pipeline = &sc->pipelines[sc->pipelineCount++];
        ps->pipeline->first = sc->commandCount;
    }
    ps->command = &sc->commands[sc->commandCount++];
    ps->pipeline->count++;
    return 0;
}

// A word: an argument, or the target of the pending redirection.
static int ParseWord(Parser *ps)
{
    Scan s = { ps->p, NULL, NULL, NULL, NULL, 0, 0, 0, 0 };
    ShellWord word;
    ShellCommand *c;
    int err;

    if ((err = OpenCommand(ps)) != 0)
        return err;
    c = ps->command;
    if (ps->pending == TOKEN_END && c->argc == SHELL_WORDS_MAX)
        return SHELL_E_WORDS;
    if ((err = ScanWord(&s)) != 0)
        return err;
    word.start = (uint16_t)(ps->p - ps->script->line);
    word.length = (uint16_t)(s.p - ps->p);
    ps->p = s.p;
    if (ps->pending == TOKEN_INPUT)
        c->input = word;
    else if (ps->pending != TOKEN_END)
        c->target = word;
    else
        c->argv[c->argc++] = word;
    ps->pending = TOKEN_END;
    return 0;
}

// '<', '>' or '>>': note it; its word comes next.
static int ParseRedirect(Parser *ps, Token t)
{
    ShellCommand *c;
    int err;

    if ((err = OpenCommand(ps)) != 0)
        return err;
    c = ps->command;
    if (t == TOKEN_INPUT ? c->hasInput : c->output != SHELL_OUTPUT_NONE)
        return SHELL_E_REDIRECT;
    if (t == TOKEN_INPUT)
        c->hasInput = 1;
    else
        c->output = t == TOKEN_WRITE ? SHELL_OUTPUT_WRITE : SHELL_OUTPUT_APPEND;
    ps->pending = t;
    return 0;
}

// What each list operator makes of the pipeline it ends.
static ShellJoin JoinOf(Token t)
{
    switch (t) {
    case TOKEN_SEMI: return SHELL_JOIN_SEQUENCE;
    case TOKEN_AMP:  return SHELL_JOIN_BACKGROUND;
    case TOKEN_AND:  return SHELL_JOIN_AND;
    case TOKEN_OR:   return SHELL_JOIN_OR;
    default:         return SHELL_JOIN_END;
    }
}

// An operator that ends a command: '|', or one that also ends the pipeline.
static int ParseOperator(Parser *ps, Token t)
{
    if (!ps->command)
        return NeedsCommand(ps->last) ? Missing(ps, "after", ps->last)
                                      : Missing(ps, "before", t);
    ps->command = NULL;
    ps->last = t;
    if (t != TOKEN_PIPE) {
        ps->pipeline->join = JoinOf(t);
        ps->pipeline = NULL;
    }
    return 0;
}

static int Parse(Parser *ps)
{
    Token t;
    int err = 0;

    while (!err && (t = Lex(&ps->p)) != TOKEN_END) {
        if (ps->pending != TOKEN_END && t != TOKEN_WORD)
            return SHELL_E_TARGET;
        if (t == TOKEN_WORD)
            err = ParseWord(ps);
        else if (t == TOKEN_WRITE || t == TOKEN_APPEND || t == TOKEN_INPUT)
            err = ParseRedirect(ps, t);
        else
            err = ParseOperator(ps, t);
    }
    if (err)
        return err;
    if (ps->pending != TOKEN_END)
        return SHELL_E_TARGET;
    if (!ps->command && NeedsCommand(ps->last))
        return Missing(ps, "after", ps->last);
    return 0;
}

static const char *Reason(int err)
{
    switch (err) {
    case SHELL_E_LONG:      return "line too long";
    case SHELL_E_QUOTE:     return "unterminated quote";
    case SHELL_E_BACKSLASH: return "backslash at end of line";
    case SHELL_E_WORDS:     return "too many arguments";
    case SHELL_E_TEXT:      return "arguments too long";
    case SHELL_E_TARGET:    return "missing redirection target";
    case SHELL_E_REDIRECT:  return "more than one redirection";
    case SHELL_E_COMMANDS:  return "too many commands";
    case SHELL_E_SUBST:     return "bad substitution";
    default:                return "no line to parse";
    }
}

int ShellParse(const char *line, ShellScript *script)
{
    Parser ps = { script, script->line, NULL, NULL, TOKEN_END, TOKEN_END };
    size_t length;
    int err;

    memset(script, 0, sizeof(*script));
    if (!line)
        err = SHELL_E_INVAL;
    else if ((length = strnlen(line, SHELL_LINE_MAX + 1)) > SHELL_LINE_MAX)
        err = SHELL_E_LONG;
    else {
        memcpy(script->line, line, length + 1);
        err = Parse(&ps);
    }
    if (err) {
        // Nothing half-parsed is left for the shell to run by mistake.
        char reason[SHELL_ERROR_MAX];
        const char *why = err == SHELL_E_MISSING ? script->errorText : Reason(err);
        size_t n = strnlen(why, SHELL_ERROR_MAX - 1);
        memcpy(reason, why, n);
        memset(script, 0, sizeof(*script));
        memcpy(script->errorText, reason, n);
        script->errorText[n] = '\0';
        script->error = script->errorText;
    }
    return err;
}

// --- the word under the cursor ----------------------------------------------

// Skip one word of line starting at i, not past cursor; quotes may be
// left open. Returns where it stopped.
static uint32_t SkipWord(const char *line, uint32_t i, uint32_t cursor)
{
    char quote = 0;

    while (i < cursor && line[i]) {
        char c = line[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (quote == '"' && c == '\\')
                i++;
        } else if (IsBlank(c) || IsOperator(c)) {
            break;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '\\') {
            i++;
        }
        i++;
    }
    return i < cursor ? i : cursor;
}

void ShellWordAt(const char *line, uint32_t cursor, ShellCursor *out)
{
    uint32_t i = 0;
    int command = 1, redirect = 0;

    while (i < cursor && line[i]) {
        char c = line[i];
        if (IsBlank(c)) {
            i++;
        } else if (IsOperator(c)) {
            redirect = c == '<' || c == '>';
            if (!redirect)
                command = 1;
            i++;
        } else {
            uint32_t start = i;
            i = SkipWord(line, i, cursor);
            if (i >= cursor) {
                out->start = start;
                out->command = command && !redirect;
                return;
            }
            if (redirect)
                redirect = 0;
            else
                command = 0;
        }
    }
    out->start = cursor;
    out->command = command && !redirect;
}
