// Short texts for the E_* codes.
//
// One table indexed by the code's magnitude, so a text sits on the same
// line as the code it explains. The texts say what went wrong for a user
// at a prompt, not which errno it was: E_PIPE, the other side going away,
// is "server went away", because the other side of an IPC is a server.
// A code the table does not know is printed as a number.
#include <clanker/error.h>
#include <lib/errortext.h>
#include <lib/format.h>

static const char *const texts[] = {
    [-E_PERM]        = "permission denied",
    [-E_NOENT]       = "no such file",
    [-E_SRCH]        = "no such process",
    [-E_INTR]        = "interrupted",
    [-E_IO]          = "input/output error",
    [-E_NXIO]        = "no such device",
    [-E_NOEXEC]      = "not an executable",
    [-E_BADF]        = "bad handle",
    [-E_CHILD]       = "no such child",
    [-E_AGAIN]       = "server busy",
    [-E_NOMEM]       = "out of memory",
    [-E_ACCES]       = "access denied",
    [-E_FAULT]       = "bad address",
    [-E_XDEV]        = "not on the same server",
    [-E_BUSY]        = "busy",
    [-E_EXIST]       = "already exists",
    [-E_NODEV]       = "not supported by the device",
    [-E_NOTDIR]      = "not a directory",
    [-E_ISDIR]       = "is a directory",
    [-E_INVAL]       = "invalid argument",
    [-E_FBIG]        = "file too large",
    [-E_NOSPC]       = "no space left",
    [-E_ROFS]        = "read-only",
    [-E_PIPE]        = "server went away",
    [-E_RANGE]       = "out of range",
    [-E_NAMETOOLONG] = "name too long",
    [-E_NOSYS]       = "not supported",
    [-E_NOTEMPTY]    = "directory not empty",
    [-E_LOOP]        = "too many links",
    [-E_MSGSIZE]     = "message too long",
    [-E_TIMEDOUT]    = "timed out",
    [-E_CANCELED]    = "cancelled",
    [-E_DEAD]        = "server gone",
};

const char *ErrorText(int err)
{
    static char unknown[24];

    if (err < 0 && -err < (int)(sizeof(texts) / sizeof(texts[0])) && texts[-err])
        return texts[-err];
    Format(unknown, sizeof(unknown), "error %d", err);
    return unknown;
}
