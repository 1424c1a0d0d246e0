// The shell's command-line parser: words, one output redirection, '&'.
//
// A lexer names the next token (a word, an operator, or the end of the
// line); the parser checks that it may come there, and only then has a
// word's text read straight into the result's text buffer. Everything
// stops at the first error, so the reason reported is the leftmost one.
#include <stddef.h>
#include <stdint.h>
#include <lib/string.h>
#include <lib/cmdline.h>

typedef enum TokenKind {
    TOKEN_END,
    TOKEN_WORD,
    TOKEN_WRITE,        // >
    TOKEN_APPEND,       // >>
    TOKEN_INPUT,        // <
    TOKEN_BACKGROUND,   // &
} TokenKind;

typedef struct Lexer {
    const char *next;   // the next byte of the line to read
    char *text;         // the result's text buffer
    size_t used;        // bytes of it written
} Lexer;

static int IsBlank(char c)
{
    return c == ' ' || c == '\t';
}

static int IsOperator(char c)
{
    return c == '>' || c == '<' || c == '&';
}

static int Put(Lexer *lx, char c)
{
    if (lx->used >= CMDLINE_TEXT_MAX)
        return CMDLINE_E_TEXT;
    lx->text[lx->used++] = c;
    return 0;
}

// Read one word starting at lx->next into the text buffer, NUL included.
static int LexWord(Lexer *lx)
{
    const char *p = lx->next;
    int quoted = 0, err = 0;
    char c;

    for (;;) {
        c = *p;
        if (c == '\0') {
            if (quoted)
                return CMDLINE_E_QUOTE;
            break;
        }
        if (quoted) {
            p++;
            if (c == '"') {
                quoted = 0;
                continue;
            }
            if (c == '\\' && (*p == '"' || *p == '\\'))
                c = *p++;
        } else {
            if (IsBlank(c) || IsOperator(c))
                break;
            p++;
            if (c == '"') {
                quoted = 1;
                continue;
            }
            if (c == '\\') {
                if (*p == '\0')
                    return CMDLINE_E_BACKSLASH;
                c = *p++;
            }
        }
        err = Put(lx, c);
        if (err)
            return err;
    }
    lx->next = p;
    return Put(lx, '\0');
}

// The kind of the next token, which starts at lx->next. An operator is
// consumed; a word is left for LexWord, so the parser can reject a word
// where none may be before reading it.
static TokenKind Lex(Lexer *lx)
{
    const char *p = lx->next;

    while (IsBlank(*p))
        p++;
    lx->next = p;
    switch (*p) {
    case '\0':
    case '#':
        return TOKEN_END;
    case '>':
        if (p[1] == '>') {
            lx->next = p + 2;
            return TOKEN_APPEND;
        }
        lx->next = p + 1;
        return TOKEN_WRITE;
    case '<':
        lx->next = p + 1;
        return TOKEN_INPUT;
    case '&':
        lx->next = p + 1;
        return TOKEN_BACKGROUND;
    default:
        return TOKEN_WORD;
    }
}

static const char *Reason(int err)
{
    switch (err) {
    case CMDLINE_E_LONG:
        return "line too long";
    case CMDLINE_E_QUOTE:
        return "unterminated quote";
    case CMDLINE_E_BACKSLASH:
        return "backslash at end of line";
    case CMDLINE_E_WORDS:
        return "too many arguments";
    case CMDLINE_E_TEXT:
        return "arguments too long";
    case CMDLINE_E_TARGET:
        return "missing redirection target";
    case CMDLINE_E_REDIRECT:
        return "more than one redirection";
    case CMDLINE_E_INPUT:
        return "input redirection is not supported";
    case CMDLINE_E_AMPERSAND:
        return "'&' must come last";
    default:
        return "no line to parse";
    }
}

// The parser proper; out is zeroed. Returns 0 or an error.
static int Parse(const char *line, CmdlineResult *out)
{
    Lexer lx = { line, out->text, 0 };
    CmdlineRedirect pending = CMDLINE_REDIRECT_NONE;
    TokenKind kind;
    char *word;
    int err;

    while ((kind = Lex(&lx)) != TOKEN_END) {
        if (out->background)
            return CMDLINE_E_AMPERSAND;
        if (kind == TOKEN_INPUT)
            return CMDLINE_E_INPUT;
        if (pending != CMDLINE_REDIRECT_NONE && kind != TOKEN_WORD)
            return CMDLINE_E_TARGET;
        switch (kind) {
        case TOKEN_WORD:
            if (pending == CMDLINE_REDIRECT_NONE && out->argc == CMDLINE_MAX_WORDS)
                return CMDLINE_E_WORDS;
            word = lx.text + lx.used;
            err = LexWord(&lx);
            if (err)
                return err;
            if (pending != CMDLINE_REDIRECT_NONE) {
                out->redirect = pending;
                out->target = word;
                pending = CMDLINE_REDIRECT_NONE;
            } else {
                out->argv[out->argc++] = word;
            }
            break;
        case TOKEN_WRITE:
        case TOKEN_APPEND:
            if (out->redirect != CMDLINE_REDIRECT_NONE)
                return CMDLINE_E_REDIRECT;
            pending = kind == TOKEN_WRITE ? CMDLINE_REDIRECT_WRITE : CMDLINE_REDIRECT_APPEND;
            break;
        default:    // TOKEN_BACKGROUND
            out->background = 1;
            break;
        }
    }
    if (pending != CMDLINE_REDIRECT_NONE)
        return CMDLINE_E_TARGET;
    return 0;
}

int CmdlineParse(const char *line, CmdlineResult *out)
{
    int err;

    memset(out, 0, sizeof(*out));
    if (!line)
        err = CMDLINE_E_INVAL;
    else if (strnlen(line, CMDLINE_LINE_MAX + 1) > CMDLINE_LINE_MAX)
        err = CMDLINE_E_LONG;
    else
        err = Parse(line, out);
    if (err) {
        // Nothing half-parsed is left for the shell to run by mistake.
        memset(out, 0, sizeof(*out));
        out->error = Reason(err);
    }
    return err;
}
