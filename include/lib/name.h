// Names relative to a working directory (lib/name.c).
//
// A name with a ':' in it is absolute: "fs:root:bin/x", "root:/x" (an
// alias, rewritten later by the kernel), "proc:12:memory". Any other
// name is relative to a working directory, itself an absolute name that
// ends in ':' or '/' ("fs:root:", "fs:temp:work/"). The prefix of a name
// is everything through its last ':' (and a '/' right after it, as in
// the alias "root:/"); the rest is a path of segments
// separated by '/'. Joining resolves "." and ".." segments; ".." never
// climbs above the prefix ("fs:root:" + "../x" is "fs:root:x"), and the
// result keeps a trailing '/' when the name had one or ended in "." or
// "..".
#ifndef LIB_NAME_H
#define LIB_NAME_H

#include <stdint.h>

#define NAME_E_INVAL (-1)       // an empty name, or cwd not absolute / not ending in ':' or '/'
#define NAME_E_LONG  (-2)       // the result does not fit

// Whether name is absolute (has a ':').
int NameIsAbsolute(const char *name);

// Join name to cwd into out (capacity bytes, NUL added); an absolute name
// only has its path's "." and ".." resolved. Returns the length, or
// NAME_E_*.
int NameJoin(const char *cwd, const char *name, char *out, uint32_t capacity);

// The length of name's prefix (through its last ':'), 0 if it has none.
uint32_t NamePrefixLength(const char *name);

#endif
