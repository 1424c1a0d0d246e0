// Error codes shared by the kernel, servers and programs.
//
// Every call that can fail returns 0 (or a non-negative result) on success
// and one of these negative values on failure. The numbers match the Linux
// errno values so that the POSIX layer can pass them through unchanged.
#ifndef CLANKER_ERROR_H
#define CLANKER_ERROR_H

#define E_OK      0
#define E_PERM   (-1)   // not allowed (not the owner)
#define E_NOENT  (-2)   // no such name
#define E_SRCH   (-3)   // no such process
#define E_INTR   (-4)   // interrupted
#define E_IO     (-5)   // a device failed the transfer
#define E_NXIO   (-6)   // no such device (at that address)
#define E_NOEXEC (-8)   // not an executable this system can run
#define E_BADF   (-9)   // not an open handle (of this client, for this use)
#define E_CHILD  (-10)  // no such child to wait for
#define E_AGAIN  (-11)  // try again (resource temporarily full)
#define E_NOMEM  (-12)  // out of memory
#define E_ACCES  (-13)  // access denied (read-only by nature: posix:proc:)
#define E_FAULT  (-14)  // bad address
#define E_BUSY   (-16)  // resource in use
#define E_EXIST  (-17)  // already exists / already mapped
#define E_XDEV   (-18)  // across servers (a rename to another prefix)
#define E_NODEV  (-19)  // no device of that kind / the operation does not apply
#define E_NOTDIR (-20)  // a directory was needed
#define E_ISDIR  (-21)  // a directory where a file was needed
#define E_INVAL  (-22)  // invalid argument
#define E_FBIG   (-27)  // file too large
#define E_NOSPC  (-28)  // a limit is reached
#define E_ROFS   (-30)  // read-only device or filesystem
#define E_PIPE   (-32)  // the other side went away
#define E_RANGE  (-34)  // out of range
#define E_NAMETOOLONG (-36) // name too long
#define E_NOSYS  (-38)  // no such call
#define E_NOTEMPTY (-39) // directory not empty
#define E_LOOP   (-40)  // too many symbolic links
#define E_MSGSIZE (-90) // message too long
#define E_TIMEDOUT (-110)   // timed out
#define E_DEAD   (-130) // the server behind a handle or a job has gone (Linux: EOWNERDEAD)
#define E_CANCELED (-125)   // an asynchronous job was cancelled (MSG_CANCEL)

#endif
