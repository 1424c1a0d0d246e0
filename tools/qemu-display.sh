#!/bin/sh
# Print the QEMU -display backend for `make run GUI=1`: a window (gtk,
# else sdl) showing the VGA screen, where this machine has a display and
# this QEMU has one of those backends; otherwise say why on standard error
# and print "none" (the serial console on the terminal still works).
#
#   tools/qemu-display.sh [QEMU]        (default qemu-system-i386)
set -eu
qemu=${1:-qemu-system-i386}

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "GUI=1: no display here (DISPLAY and WAYLAND_DISPLAY are unset);" \
         "no window, the serial console only" >&2
    echo none
    exit 0
fi
backends=$("$qemu" -display help 2>/dev/null || true)
for ui in gtk sdl; do
    if printf '%s\n' "$backends" | grep -qx "$ui"; then
        echo "$ui"
        exit 0
    fi
done
echo "GUI=1: $qemu has no gtk or sdl display (on Debian: apt-get install" \
     "qemu-system-gui); no window, the serial console only" >&2
echo none
