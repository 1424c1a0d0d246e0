// The shell's grammar (lib/shellparse.c): lexer, parser, expansion.
//
// Pure and freestanding: it never allocates, and every word it returns is
// a slice of the ShellScript's own copy of the line. Parsing checks the
// whole line and changes nothing else; expansion ($VAR, $?) happens later,
// word by word, when the shell runs a command, so `false; echo $?` sees
// the status of `false`.
//
// Grammar, read left to right:
//
//   line      := [list] [comment]
//   list      := pipeline { (';' | '&' | '&&' | '||') pipeline } [';' | '&']
//   pipeline  := command { '|' command }
//   command   := { word | redirect }          at least one of them
//   redirect  := '<' word | '>' word | '>>' word
//
//   - The line is at most SHELL_LINE_MAX bytes before its NUL; the caller
//     strips its '\n'.
//   - Blanks (space, tab) separate words. Unquoted '|', '&', ';', '<' and
//     '>' are operators wherever they appear (a|b is three tokens);
//     '||', '&&' and '>>' are read as one.
//   - A word is a run of:
//       plain bytes   anything but a blank, an operator, '"', '\'', '\\'
//       \c            the byte c, literally; a '\' ending the line is an
//                     error
//       '...'         literal text, no escapes; unterminated: an error
//       "..."         text in which \" \\ \$ stand for " \ $ (any other
//                     '\' is itself) and $ expansions happen;
//                     unterminated: an error
//       $NAME ${NAME} $? $$   expansions (NAME: [A-Za-z_][A-Za-z0-9_]*),
//                     unquoted or in "..."; a '$' before anything else is
//                     a plain '$'; "${" without a NAME (or ? or $) and '}'
//                     is an error
//     Expansion gives one word: its value is not split at blanks. An
//     unquoted word that expands to nothing (e.g. $UNSET) is dropped.
//   - A '#' that begins a word starts a comment to the end of the line.
//   - Each command takes at most one '<' and one '>' or '>>'; its words
//     are at most SHELL_WORDS_MAX (the redirection targets not counted).
//     A line holds at most SHELL_COMMANDS_MAX commands in all.
//   - An operator with no command where one must be is an error naming
//     it: "missing command before '|'" (`| a`, `; a`, `a ; ; b`), and
//     after '|', '&&' or '||': "missing command after '&&'" (`a &&`,
//     `a && ;`, `a | | b`).
//   - The leftmost problem is the one reported.
//   - An empty, blank or comment-only line parses to no pipelines.
#ifndef LIB_SHELLPARSE_H
#define LIB_SHELLPARSE_H

#include <stddef.h>
#include <stdint.h>

#define SHELL_LINE_MAX     1024 // bytes of a line, its NUL not counted
#define SHELL_WORDS_MAX    32   // words of one command
#define SHELL_COMMANDS_MAX 16   // commands of one line, every pipeline's together
#define SHELL_ERROR_MAX    48   // bytes of a reason, its NUL included

// What ShellParse and ShellExpand return: 0 (or a length), or one of these.
#define SHELL_E_INVAL     (-1)  // "no line to parse"
#define SHELL_E_LONG      (-2)  // "line too long"
#define SHELL_E_QUOTE     (-3)  // "unterminated quote"
#define SHELL_E_BACKSLASH (-4)  // "backslash at end of line"
#define SHELL_E_WORDS     (-5)  // "too many arguments"
#define SHELL_E_TEXT      (-6)  // "arguments too long" (ShellExpand)
#define SHELL_E_TARGET    (-7)  // "missing redirection target"
#define SHELL_E_REDIRECT  (-8)  // "more than one redirection"
#define SHELL_E_MISSING   (-9)  // "missing command before 'OP'" / "... after 'OP'"
#define SHELL_E_COMMANDS  (-10) // "too many commands"
#define SHELL_E_SUBST     (-11) // "bad substitution"

// A word as written: offset and length in the script's line.
typedef struct ShellWord {
    uint16_t start, length;
} ShellWord;

typedef enum ShellOutput {
    SHELL_OUTPUT_NONE = 0,
    SHELL_OUTPUT_WRITE,         // > target
    SHELL_OUTPUT_APPEND,        // >> target
} ShellOutput;

typedef struct ShellCommand {
    int argc;                   // 0 only for a command of redirections alone
    ShellWord argv[SHELL_WORDS_MAX];
    int hasInput;               // '<' input
    ShellWord input;
    ShellOutput output;
    ShellWord target;
} ShellCommand;

// What comes after a pipeline.
typedef enum ShellJoin {
    SHELL_JOIN_END = 0,         // the end of the line
    SHELL_JOIN_SEQUENCE,        // ';': then the next
    SHELL_JOIN_BACKGROUND,      // '&': do not wait; then the next (if any)
    SHELL_JOIN_AND,             // '&&': the next only if this one succeeded
    SHELL_JOIN_OR,              // '||': the next only if this one failed
} ShellJoin;

typedef struct ShellPipeline {
    int first, count;           // commands[first .. first + count)
    ShellJoin join;
} ShellPipeline;

typedef struct ShellScript {
    int pipelineCount;
    ShellPipeline pipelines[SHELL_COMMANDS_MAX];
    int commandCount;
    ShellCommand commands[SHELL_COMMANDS_MAX];
    const char *error;          // why it failed (points at errorText); NULL on success
    char errorText[SHELL_ERROR_MAX];
    char line[SHELL_LINE_MAX + 1];
} ShellScript;

// Parse line into script. Returns 0, or a SHELL_E_* code with
// script->error set to a short lower-case reason (and no pipelines or
// commands left). script must not be NULL.
int ShellParse(const char *line, ShellScript *script);

// The value of variable name[0..length) ("?" and "$" included), or NULL
// for an unset one (expands to nothing).
typedef const char *(*ShellLookup)(const char *name, size_t length, void *context);

// Expand word of script into out (capacity bytes, NUL added): quotes
// removed, escapes and $ expansions done. *keep is set to 0 when the word
// is to be dropped (unquoted, expanding to nothing), else 1. Returns the
// length, or SHELL_E_TEXT when it does not fit.
int ShellExpand(const ShellScript *script, ShellWord word, ShellLookup lookup, void *context,
                char *out, size_t capacity, int *keep);

// Where the word that ends at cursor begins, for completion: the offset
// of its first byte (cursor itself when cursor is not in a word), and
// whether it is a command name (the first word of a command, not a
// redirection target). Tolerant: the line up to cursor need not parse.
typedef struct ShellCursor {
    uint32_t start;
    int command;
} ShellCursor;

void ShellWordAt(const char *line, uint32_t cursor, ShellCursor *out);

#endif
