// The ClankerOS release this tree builds.
#ifndef CLANKER_VERSION_H
#define CLANKER_VERSION_H

#define CLANKEROS_NAME    "ClankerOS"
#define CLANKEROS_VERSION "0.1.0"

#endif
