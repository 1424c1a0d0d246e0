#!/bin/sh
# Make sure this machine has what a make target needs (Debian/Ubuntu).
#
#   tools/setup.sh build|run|gui|test|fuzz
#
# Each check tests the tool a target really runs, and names the package
# that provides it and the target that needs it. Missing packages are
# installed with apt-get (no recommended packages) when running as root;
# otherwise the exact command to run is printed and the script fails.
set -eu

need="${1:-build}"
missing=""
add_i386=""

have() { command -v "$1" >/dev/null 2>&1; }
# want PACKAGE WHY: PACKAGE is missing; WHY names the target and the tool.
want() { missing="$missing $1"; echo "setup: $1 is needed ($2)" >&2; }

# The kernel and every native program are linked with `gcc -m32`, which
# needs a 32-bit libgcc and C library beside the 64-bit ones. The test
# links a real program: asking gcc where its 32-bit libgcc is proves
# nothing, since gcc names the 64-bit one when there is none.
links_m32() {
    echo 'int main(void){return 0;}' | gcc -m32 -x c - -o /dev/null >/dev/null 2>&1
}

# The multilib package for the installed gcc (gcc-12-multilib on Debian
# 12). Not "gcc-multilib": in Debian 12 it conflicts with
# gcc-12-i686-linux-gnu, the cross compiler that musl-dev:i386 (the POSIX
# test programs) depends on; gcc-12-multilib coexists with it.
multilib_package() {
    if have gcc; then
        version=$(gcc -dumpversion | cut -d. -f1)
    else
        # gcc is being installed too: the version its package depends on.
        version=$(apt-cache depends gcc 2>/dev/null |
                  sed -n 's/^ *Depends: gcc-\([0-9][0-9]*\)$/\1/p' | head -n 1)
    fi
    echo "gcc-${version:-12}-multilib"
}

check_build() {
    have make || want make "every target"
    have gcc || want gcc "build: the compiler"
    have nm || want binutils "build: nm, objdump, ar for the kernel's symbol table and disassembly"
    if ! have gcc || ! links_m32; then
        want "$(multilib_package)" "build: gcc -m32 for the kernel and native programs"
    fi
    have grub-mkrescue || want grub-common "build: grub-mkrescue makes build/clankeros.iso"
    [ -d /usr/lib/grub/i386-pc ] || want grub-pc-bin "build: GRUB's BIOS modules for the ISO"
    have xorriso || want xorriso "build: grub-mkrescue writes the ISO with xorriso"
    # The console font built into the window server, the terminal and the
    # clock (FONT_PSF in the Makefile, made into C by tools/psf2c).
    [ -f /usr/share/consolefonts/Lat15-Terminus16.psf.gz ] ||
        want console-setup-linux "build: the PSF console font of the desktop (Lat15-Terminus16)"
    have gzip || want gzip "build: gzip -dc unpacks the console font"
}

check_run() {
    check_build
    have qemu-system-i386 || want qemu-system-x86 "run: qemu-system-i386"
    # tools/console-feed, between piped input and QEMU in `make run`.
    have perl || want perl-base "run: tools/console-feed"
}

# make run GUI=1: a window needs QEMU's gtk or sdl display, which Debian
# packages apart (qemu-system-gui); only worth it where there is a display.
check_gui() {
    check_run
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && have qemu-system-i386 &&
       ! qemu-system-i386 -display help 2>/dev/null | grep -Eqx 'gtk|sdl'; then
        want qemu-system-gui "run GUI=1: QEMU's gtk display"
    fi
}

check_test() {
    check_run
    [ -f /usr/include/cmocka.h ] || want libcmocka-dev "host-test: cmocka"
    have timeout || want coreutils "boot-test: timeout"
    have python3 || want python3 "e2e-test: the session driver tests/e2e/run.py"
    # The Linux test programs of the POSIX layer (tests/posix/): static
    # musl executables for i386, built by i386-linux-musl-gcc (a wrapper
    # around i686-linux-gnu-gcc, which the package pulls in).
    have i386-linux-musl-gcc || want musl-dev:i386 "e2e-test: i386-linux-musl-gcc for tests/posix/"
    # FAT images for tests/host/test_fat.c and the e2e suites "fat" and
    # "fatdisks": mkfs.fat and fsck.fat (in /usr/sbin), mcopy/mmd/mdir/mtype.
    have mkfs.fat || [ -x /usr/sbin/mkfs.fat ] || want dosfstools "host-test, e2e-test: mkfs.fat, fsck.fat"
    have mcopy || want mtools "host-test, e2e-test: mcopy, mmd, mdir, mtype"
    # tools/foreign-binaries.sh fetches i386 packages with apt-get download
    # and unpacks them with dpkg-deb: dpkg must know the i386 architecture.
    have apt-get || want apt "e2e-test: apt-get download in tools/foreign-binaries.sh"
    if ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386; then
        add_i386=yes
        echo "setup: dpkg needs the i386 architecture (e2e-test: musl-dev:i386, tools/foreign-binaries.sh)" >&2
    fi
}

check_fuzz() {
    check_build
    have clang || want clang "fuzz: clang -fsanitize=fuzzer"
    # libFuzzer's runtime is only a recommended package of clang's.
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        want libclang-rt-14-dev "fuzz: libFuzzer's runtime"
}

case "$need" in
    build) check_build ;;
    run) check_run ;;
    gui) check_gui ;;
    test) check_test ;;
    fuzz) check_fuzz ;;
    *) echo "usage: $0 build|run|gui|test|fuzz" >&2; exit 2 ;;
esac

[ -z "$missing" ] && [ -z "$add_i386" ] && exit 0
# De-duplicate while keeping order.
missing=$(printf '%s\n' $missing | awk '!seen[$0]++' | tr '\n' ' ')
cmd="apt-get update && apt-get install -y --no-install-recommends $missing"
[ -n "$missing" ] || cmd="apt-get update"
if [ -n "$add_i386" ]; then
    cmd="dpkg --add-architecture i386 && $cmd"
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "ClankerOS needs:${missing:- the i386 architecture in dpkg}" >&2
    echo "Run as root:  sudo sh -c '$cmd'" >&2
    exit 1
fi
echo "Installing:${missing:- (the i386 architecture only)}"
export DEBIAN_FRONTEND=noninteractive
if [ -n "$add_i386" ]; then
    dpkg --add-architecture i386
fi
# A mirror in the middle of a sync can fail one index; what the install
# needs usually still resolves, and the install itself reports what does not.
apt-get update -qq || echo "apt-get update reported errors; trying the install anyway" >&2
if [ -n "$missing" ]; then
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# gcc -m32 must link now; if gcc came with this install, its multilib
# package could only be guessed above, so check and finish the job.
if ! links_m32; then
    pkg=$(multilib_package)
    echo "Installing: $pkg (gcc -m32 still cannot link)"
    apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
    links_m32 || { echo "setup: gcc -m32 cannot link a program even with $pkg" >&2; exit 1; }
fi
