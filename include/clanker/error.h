// Error codes shared by the kernel, servers and programs.
//
// Every call that can fail returns 0 (or a non-negative result) on success
// and one of these negative values on failure. The numbers match the Linux
// errno values so that the POSIX layer can pass them through unchanged.
#ifndef CLANKER_ERROR_H
#define CLANKER_ERROR_H

#define E_OK      0
#define E_NOENT  (-2)   // no such name
#define E_NOMEM  (-12)  // out of memory
#define E_FAULT  (-14)  // bad address
#define E_BUSY   (-16)  // resource in use
#define E_EXIST  (-17)  // already exists / already mapped
#define E_INVAL  (-22)  // invalid argument
#define E_RANGE  (-34)  // out of range

#endif
