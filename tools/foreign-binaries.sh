#!/bin/sh
# Fetch static Linux i386 programs that ClankerOS did not build, for the
# POSIX layer's tests, from Debian's packages: busybox-static (busybox),
# bash-static (as DIR/bin/bash) and sash (the stand-alone shell), the
# last two linked with glibc, each unpacked into DIR/bin/. The packages are downloaded with apt-get (no install; the
# machine's i386 architecture must be known to dpkg, which tools/setup.sh
# sees to) and kept in DIR/../debs, so later runs need no network.
#
#   tools/foreign-binaries.sh DIR
set -eu

dir="$1"
debs="$dir/../debs"
mkdir -p "$dir/bin" "$debs"

# Fetch: package, the program's path in the package, its name in DIR/bin.
fetch() {
    deb=$(ls "$debs"/"$1"_*_i386.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        (cd "$debs" && apt-get download "$1:i386" >/dev/null 2>&1) || {
            echo "foreign-binaries: cannot download $1:i386 (apt-get download)" >&2
            exit 1
        }
        deb=$(ls "$debs"/"$1"_*_i386.deb | head -n 1)
    fi
    tmp=$(mktemp -d)
    dpkg-deb -x "$deb" "$tmp"
    cp "$tmp/$2" "$dir/bin/$3"
    rm -rf "$tmp"
}

fetch busybox-static bin/busybox busybox
fetch bash-static bin/bash-static bash
fetch sash bin/sash sash
