// The shell's command-line parser (lib/cmdline.c).
//
// Pure and freestanding: it splits one line into words, notes an output
// redirection and a trailing '&', and never allocates. Every string it
// returns lives in the CmdlineResult's own text buffer.
//
// Grammar, read left to right:
//   - The line is at most CMDLINE_LINE_MAX bytes before its NUL. Bytes
//     are taken as written; the caller strips the line's '\n'.
//   - Blanks (space, tab) separate words. A word is a run of:
//       plain bytes       anything but a blank, '"', '\', '>', '<', '&'
//       \c                any byte c, taken literally (a blank, '"', '#',
//                         '>', ...); a '\' that ends the line is an error
//       "..."             quoted text: blanks and '>', '<', '&', '#', '\''
//                         are plain; inside, \" and \\ stand for " and \,
//                         and any other '\' is itself. A missing closing
//                         '"' is an error. "" alone is an empty word.
//     so ab"c d"e is the single word "abc de". Single quotes are plain
//     bytes.
//   - Unquoted, unescaped '>', '>>', '<' and '&' are operators wherever
//     they appear; they end the word before them, and need no blanks:
//     a>b is the word a, then '>', then the word b.
//       > WORD    write WORD (truncate it):   redirect = CMDLINE_REDIRECT_WRITE
//       >> WORD   append to WORD:             redirect = CMDLINE_REDIRECT_APPEND
//                 WORD is the next word, attached (>file) or not (> file),
//                 and becomes target; it is not one of argv. The
//                 redirection may come anywhere among the words. At most
//                 one per line; with no word next (end of line, '>', '&')
//                 it is an error.
//       <         an error: input redirection is not supported.
//       &         run in the background: sets background. Only blanks and
//                 a comment may follow it.
//   - A '#' that begins a word (at the line's start, after a blank or an
//     operator), unquoted and unescaped, starts a comment that runs to the
//     end of the line. Elsewhere '#' is a plain byte (a#b, \#, "#").
//   - At most CMDLINE_MAX_WORDS words. Their text plus one NUL each (and
//     the target's, if any) must fit in CMDLINE_TEXT_MAX bytes.
//   - With several problems, the leftmost is reported. A word that may not
//     come where it is (after '&', as a 33rd word) is refused where it
//     starts, before its own quotes are read: a & "b is an '&' error.
//   - An empty, blank or comment-only line is not an error: argc is 0. A
//     line of only a redirection or '&' also parses, with argc 0; the shell
//     decides what it means.
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_LINE_MAX  1024  // bytes in a line, not counting its NUL
#define CMDLINE_MAX_WORDS 32    // words in argv
#define CMDLINE_TEXT_MAX  1024  // bytes of word text, each word's NUL included

// What CmdlineParse returns: 0, or one of these.
#define CMDLINE_E_INVAL     (-1)    // "no line to parse" (line is NULL)
#define CMDLINE_E_LONG      (-2)    // "line too long"
#define CMDLINE_E_QUOTE     (-3)    // "unterminated quote"
#define CMDLINE_E_BACKSLASH (-4)    // "backslash at end of line"
#define CMDLINE_E_WORDS     (-5)    // "too many arguments"
#define CMDLINE_E_TEXT      (-6)    // "arguments too long"
#define CMDLINE_E_TARGET    (-7)    // "missing redirection target"
#define CMDLINE_E_REDIRECT  (-8)    // "more than one redirection"
#define CMDLINE_E_INPUT     (-9)    // "input redirection is not supported"
#define CMDLINE_E_AMPERSAND (-10)   // "'&' must come last"

typedef enum CmdlineRedirect {
    CMDLINE_REDIRECT_NONE = 0,
    CMDLINE_REDIRECT_WRITE,         // >  target
    CMDLINE_REDIRECT_APPEND,        // >> target
} CmdlineRedirect;

typedef struct CmdlineResult {
    int argc;
    char *argv[CMDLINE_MAX_WORDS + 1];  // argv[argc] is NULL
    CmdlineRedirect redirect;
    char *target;                       // NULL without a redirection
    int background;                     // 1 if the line ended in '&'
    const char *error;                  // why it failed; NULL on success
    char text[CMDLINE_TEXT_MAX];        // the words, each NUL-terminated
} CmdlineResult;

// Parse line into out. Returns 0, or a CMDLINE_E_* code with out->error
// set to a short lower-case reason for the shell to print (then argc is 0,
// argv[0] and target are NULL, redirect is NONE and background is 0).
// out must not be NULL. The same line always gives the same result,
// byte for byte.
int CmdlineParse(const char *line, CmdlineResult *out);

#endif
