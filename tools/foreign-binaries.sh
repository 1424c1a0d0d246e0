#!/bin/sh
# Fetch static Linux i386 programs that ClankerOS did not build, for the
# POSIX layer's tests: Debian's busybox-static (i386), unpacked into
# DIR/bin/busybox. The package is downloaded with apt-get (no install; the
# machine's i386 architecture must be known to dpkg, which tools/setup.sh
# sees to) and kept in DIR/../debs, so later runs need no network.
#
#   tools/foreign-binaries.sh DIR
set -eu

dir="$1"
debs="$dir/../debs"
mkdir -p "$dir/bin" "$debs"
deb=$(ls "$debs"/busybox-static_*_i386.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
    (cd "$debs" && apt-get download busybox-static:i386 >/dev/null 2>&1) || {
        echo "foreign-binaries: cannot download busybox-static:i386 (apt-get download)" >&2
        exit 1
    }
    deb=$(ls "$debs"/busybox-static_*_i386.deb | head -n 1)
fi
tmp=$(mktemp -d)
dpkg-deb -x "$deb" "$tmp"
cp "$tmp/bin/busybox" "$dir/bin/busybox"
rm -rf "$tmp"
