#!/bin/sh
# Run a command in this checkout on a brand-new Debian 12 system, as a new
# user's machine would run it.
#
#   sudo tools/fresh-root.sh [COMMAND]          (default: make test)
#
#   sudo tools/fresh-root.sh                    make test, as a new user types it
#   sudo tools/fresh-root.sh 'make -s run </dev/null'
#   sudo FRESH_ROOT_KEEP=1 tools/fresh-root.sh true    a root to look around in
#
# A clean Debian 12 root is made with `debootstrap --variant=minbase
# bookworm` from this machine's apt sources, plus git (and ca-certificates
# where a source is https) and nothing else. The base is cached between
# runs; each run works on a copy of it, clones this checkout's HEAD (what
# is committed: uncommitted changes are not there) into /root/clankeros,
# and runs COMMAND there with /bin/sh (make is installed first when
# COMMAND starts with make: minbase has none), in a chroot with /proc, /dev and
# /sys mounted. Packages installed on this machine by hand are not in the
# root, so a missing install step fails here as it would for a new user.
# The mounts and the copy go when the script ends, however it ends.
#
# Environment:
#   FRESH_ROOT_CACHE=DIR   where the base and the copies live
#                          (default /var/tmp/clankeros-fresh-root)
#   FRESH_ROOT_MIRROR=URL  the Debian mirror (default: this machine's)
#   FRESH_ROOT_REBUILD=1   make the base afresh
#   FRESH_ROOT_KEEP=1      keep the copy afterwards (its path is printed)
#
# Inside, CLANKEROS_FRESH_ROOT=1 is set and /etc/clankeros-fresh-root
# exists, so a script can tell it already runs in such a root (.ci/run
# then runs make test directly instead of nesting another one).
# Exit status: COMMAND's, or 125 when the root cannot be made or entered
# (nothing ran in it).
set -eu

say() { echo "fresh-root: $*" >&2; }
die() { say "$*"; exit 125; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and chroot): sudo $0 $*"
src=$(git -c safe.directory='*' -C "$(dirname "$0")/.." rev-parse --show-toplevel) ||
    die "$(dirname "$0")/.. is not a git checkout"
commit=$(git -c safe.directory='*' -C "$src" rev-parse HEAD)
command=${*:-make test}
cache=${FRESH_ROOT_CACHE:-/var/tmp/clankeros-fresh-root}
suite=bookworm

# --- the machine's apt sources ---------------------------------------------
# Source files apt reads; disabled ones (any other suffix) are left alone.
source_files() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && echo "$f"
    done
    return 0
}

# The first Debian mirror the sources name: a URI ending in /debian, in a
# one-line "deb URI suite ..." entry or a deb822 "URIs:" field.
find_mirror() {
    files=$(source_files)
    [ -n "$files" ] || return 0
    grep -hE '^[[:space:]]*(deb[[:space:]]|URIs:)' $files | grep -oE 'https?://[^][:space:]]+' |
        sed 's#/$##' | grep -E '/debian$' | head -n 1
}

mirror=${FRESH_ROOT_MIRROR:-$(find_mirror)}
mirror=${mirror%/}
[ -n "$mirror" ] || die "no Debian mirror in this machine's apt sources (set FRESH_ROOT_MIRROR=URL)"
include=git
case "$mirror $(for f in $(source_files); do cat "$f"; done)" in
    *https://*) include=git,ca-certificates ;;   # apt and git need the CA list for https
esac
stamp="2 $suite minbase $mirror $include"   # a different stamp makes the base afresh

# --- the cached base ---------------------------------------------------------
# Made once into a new directory, then renamed, so an interrupted run never
# leaves half a base behind; runs hold a lock while they make or copy it.
install_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    say "installing debootstrap"
    apt-get update -qq || say "apt-get update reported errors; trying the install anyway"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
        die "cannot install debootstrap"
}

# Give ROOT this machine's Debian package sources (bookworm, its updates
# and security), the files that name the mirror or debian-security.
copy_sources() {
    rm -f "$1/etc/apt/sources.list"
    for f in $(source_files); do
        if grep -qF -e "$mirror" -e debian-security "$f"; then
            case "$f" in
                /etc/apt/sources.list) cp "$f" "$1/etc/apt/sources.list" ;;
                *) cp "$f" "$1/etc/apt/sources.list.d/" ;;
            esac
        fi
    done
    # None of them copied (a machine with only the mirror given): debootstrap's.
    for f in "$1"/etc/apt/sources.list "$1"/etc/apt/sources.list.d/*.list \
             "$1"/etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && return 0
    done
    echo "deb $mirror $suite main" > "$1/etc/apt/sources.list"
}

make_base() {
    install_debootstrap
    new="$cache/base.new"
    rm -rf --one-file-system "$new"
    say "making a Debian 12 base (debootstrap --variant=minbase $suite, with $include) from $mirror"
    debootstrap --variant=minbase --include="$include" "$suite" "$new" "$mirror" \
        >"$cache/debootstrap.log" 2>&1 || {
        tail -n 20 "$cache/debootstrap.log" >&2
        die "debootstrap failed (log: $cache/debootstrap.log)"
    }
    copy_sources "$new"
    rm -rf "$new/var/cache/apt/archives"/*.deb
    echo "$stamp" > "$new/.clankeros-base"
    rm -rf --one-file-system "$cache/base"
    mv "$new" "$cache/base"
}

mkdir -p "$cache/runs"
exec 9>"$cache/lock"
flock 9
if [ -n "${FRESH_ROOT_REBUILD:-}" ] || [ ! -x "$cache/base/bin/sh" ] ||
   [ "$(cat "$cache/base/.clankeros-base" 2>/dev/null)" != "$stamp" ]; then
    make_base
fi

# --- one run -------------------------------------------------------------
root=$(mktemp -d "$cache/runs/root.XXXXXX")
mounted=""
cleanup() {
    status=$?
    trap - EXIT INT TERM HUP
    # Lazy unmounts detach at once, so nothing below $root is a mount
    # when it is removed; --one-file-system guards that again.
    for m in $mounted; do umount -l "$root/$m" 2>/dev/null || say "cannot unmount $root/$m"; done
    if [ -n "${FRESH_ROOT_KEEP:-}" ]; then
        say "root kept at $root"
    else
        rm -rf --one-file-system "$root"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

cp -a "$cache/base/." "$root/"
flock -u 9
exec 9>&-

# Mount in order; $mounted is kept innermost first, the order to unmount.
mount -t proc proc "$root/proc" || die "cannot mount /proc in $root"
mounted="proc $mounted"
mount --bind /dev "$root/dev" || die "cannot bind /dev into $root"
mounted="dev $mounted"
mount --bind /dev/pts "$root/dev/pts" || die "cannot bind /dev/pts into $root"
mounted="dev/pts $mounted"
mount -t sysfs sysfs "$root/sys" || die "cannot mount /sys in $root"
mounted="sys $mounted"
chroot "$root" /bin/true || die "cannot chroot into $root"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
echo "$commit" > "$root/etc/clankeros-fresh-root"

git -c safe.directory='*' clone -q --no-hardlinks "$src" "$root/root/clankeros" ||
    die "cannot clone $src"
git -C "$root/root/clankeros" checkout -q --detach "$commit"
if [ -n "$(git -c safe.directory='*' -C "$src" status --porcelain --untracked-files=no)" ]; then
    say "note: $src has uncommitted changes; the root has only commit $(echo "$commit" | cut -c1-12)"
fi

# minbase has no make; a new user installs it to type `make` at all.
case "$command" in
    make|make\ *)
        if [ ! -x "$root/usr/bin/make" ]; then
            say "installing make in the root (minbase has none)"
            chroot "$root" /bin/sh -c 'apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make >/dev/null' ||
                die "cannot install make in the root"
        fi
        ;;
esac

say "$(git -C "$root/root/clankeros" log -1 --format='%h %s' | cut -c1-60): $command"
set +e
chroot "$root" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 CLANKEROS_FRESH_ROOT=1 ${CI:+CI=$CI} \
    /bin/sh -c "cd /root/clankeros && $command"
status=$?
set -e
say "exit status $status"
exit "$status"
