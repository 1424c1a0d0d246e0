#!/bin/sh
# Make sure this machine has what a make target needs (Debian/Ubuntu).
#
#   tools/setup.sh build|run|test|fuzz
#
# Missing packages are installed with apt-get when running as root;
# otherwise the exact command to run is printed and the script fails.
set -eu

need="${1:-build}"
missing=""

have() { command -v "$1" >/dev/null 2>&1; }
want() { missing="$missing $1"; }

check_build() {
    have gcc || want gcc
    have make || want make
    have nm || want binutils
    # 32-bit libgcc for -m32 links.
    if ! have gcc || [ ! -f "$(gcc -m32 -print-libgcc-file-name 2>/dev/null)" ]; then
        want gcc-multilib
    fi
    have grub-mkrescue || want grub-common
    [ -d /usr/lib/grub/i386-pc ] || want grub-pc-bin
    have xorriso || want xorriso
    have mformat || want mtools
}

check_run() {
    check_build
    have qemu-system-i386 || want qemu-system-x86
}

check_test() {
    check_run
    [ -f /usr/include/cmocka.h ] || want libcmocka-dev
    have timeout || want coreutils
    have python3 || want python3        # the end-to-end test driver
    # The Linux test programs of the POSIX layer (tests/posix/): static
    # musl executables for i386.
    have musl-gcc || want musl-tools
    have i386-linux-musl-gcc || want musl-dev:i386
    # FAT images for tests/host/test_fat.c and the e2e suite "fat":
    # mkfs.fat and fsck.fat (in /usr/sbin), mcopy/mmd/mdir/mtype.
    have mkfs.fat || [ -x /usr/sbin/mkfs.fat ] || want dosfstools
    have mcopy || want mtools
}

check_fuzz() {
    check_build
    have clang || want clang
    # libFuzzer's runtime is only a recommended package of clang's.
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        want libclang-rt-14-dev
}

case "$need" in
    build) check_build ;;
    run) check_run ;;
    test) check_test ;;
    fuzz) check_fuzz ;;
    *) echo "usage: $0 build|run|test|fuzz" >&2; exit 2 ;;
esac

[ -z "$missing" ] && exit 0
# De-duplicate while keeping order.
missing=$(printf '%s\n' $missing | awk '!seen[$0]++' | tr '\n' ' ')
cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
# An :i386 package needs dpkg to know the i386 architecture first.
add_i386=""
case "$missing" in
    *:i386*) dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386 || add_i386=yes ;;
esac
if [ -n "$add_i386" ]; then
    cmd="dpkg --add-architecture i386 && $cmd"
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ClankerOS needs these packages:$missing" >&2
    echo "Run as root:  sudo sh -c '$cmd'" >&2
    exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if [ -n "$add_i386" ]; then
    dpkg --add-architecture i386
fi
# A mirror in the middle of a sync can fail one index; what the install
# needs usually still resolves, and the install itself reports what does not.
apt-get update -qq || echo "apt-get update reported errors; trying the install anyway" >&2
apt-get install -y -qq --no-install-recommends $missing >/dev/null
