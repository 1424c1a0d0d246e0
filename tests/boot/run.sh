#!/bin/bash
# Boot tests: run the in-kernel suite under QEMU at several memory sizes,
# check what a boot prints, and check that the bench itself counts every
# kind of death (panic, fault, triple fault, hang) as a failure.
#
# Each boot writes its serial output to build/test-logs/NAME.log. A boot
# passes only if QEMU exits through isa-debug-exit with the success status
# (33) and the log ends the suite with "N passed, 0 failed".
#
# The test kernel's boots load the test initrd (the product's files and
# the test programs its suite starts); the release kernel's boots load
# the product initrd, as `make run` and the ISO do, so they show that the
# product boots alone.
set -u
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs
KERNEL=$BUILD/clankeros.elf
TESTKERNEL=$BUILD/clankeros-test.elf
ISO=$BUILD/clankeros.iso
INITRD=$BUILD/initrd.tar
TEST_INITRD=$BUILD/initrd-test.tar
ACCEL=${ACCEL:-tcg}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}
QEMU=(qemu-system-i386 -accel "$ACCEL" -display none -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)

mkdir -p "$LOGS"
passed=0
failed=0
kernel_passed=0
kernel_failed=0

# boot NAME SECONDS QEMU-ARGS... : boot once; sets $status and $log.
boot() {
    local name=$1 seconds=$2
    shift 2
    log=$LOGS/$name.log
    timeout --kill-after=5 "$seconds" "${QEMU[@]}" -serial "file:$log" "$@" \
        >"$LOGS/$name.qemu" 2>&1
    status=$?
}

# How a boot ended, from QEMU's status and the log.
verdict() {
    case $status in
        33) grep -Eq '^[0-9]+ passed, 0 failed' "$log" && echo pass || echo "tests failed" ;;
        35) echo "panic or failed test" ;;
        124|137) echo "hang (killed after timeout)" ;;
        0) echo "reset (triple fault)" ;;
        *) echo "QEMU error (status $status)" ;;
    esac
}

result() {
    local ok=$1 name=$2 what=$3
    if [ "$ok" = yes ]; then
        passed=$((passed + 1))
        echo "PASS $name: $what"
    else
        failed=$((failed + 1))
        echo "FAIL $name: $what (log: $log)"
        tail -n 25 "$log" | sed 's/^/    | /'
    fi
}

# Count the suite's own closing line into the totals.
tally() {
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        kernel_passed=$((kernel_passed + ${line%% passed*}))
        line=${line#*passed, }
        kernel_failed=$((kernel_failed + ${line%% failed*}))
    fi
}

suite() {
    local name=$1 mem=$2
    boot "$name" "$SUITE_TIMEOUT" -m "$mem" -kernel "$TESTKERNEL" \
        -initrd "$TEST_INITRD" -append "test debug-exit"
    tally
    local v
    v=$(verdict)
    [ "$v" = pass ] && result yes "$name" "$(grep -E '^[0-9]+ passed' "$log")" \
                    || result no "$name" "$v"
}

# expect_death NAME WANT PATTERN... : a deliberate death must be counted
# as WANT, and its log must show every PATTERN.
expect_death() {
    local name=$1 want=$2 v missing=""
    shift 2
    v=$(verdict)
    for p in "$@"; do
        grep -Fq -- "$p" "$log" || missing="$missing '$p'"
    done
    if [ "$v" = "$want" ] && [ -z "$missing" ]; then
        result yes "$name" "counted as a failure: $v"
    else
        result no "$name" "expected '$want', got '$v'${missing:+; missing$missing}"
    fi
}

# wait_for NAME SECONDS PATTERN QEMU-ARGS... : boot in the background and
# pass once PATTERN appears on the serial port.
wait_for() {
    local name=$1 seconds=$2 pattern=$3 pid i
    shift 3
    log=$LOGS/$name.log
    : > "$log"
    "${QEMU[@]}" -serial "file:$log" "$@" >"$LOGS/$name.qemu" 2>&1 &
    pid=$!
    for ((i = 0; i < seconds * 4; i++)); do
        grep -Eq "$pattern" "$log" && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.25
    done
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    grep -Eq "$pattern" "$log" && result yes "$name" "$(grep -Em1 "$pattern" "$log")" \
                               || result no "$name" "never printed /$pattern/"
}

BANNER='^ClankerOS [0-9.]+ \(i386\): [0-9]+ MiB RAM, [0-9]+ of [0-9]+ pages free, kernel uses [0-9]+ KiB'

suite ktest-16m 16
if tr -d '\r' < "$log" | grep -Eq '^pid [0-9]+ \(fault\): killed: Page Fault \(#PF\) at eip 0x[0-9a-f]{8}, address 0x00000000$' &&
   tr -d '\r' < "$log" | grep -Eq '^pid [0-9]+ \(fault\): killed: General Protection \(#GP\) at eip 0x[0-9a-f]{8}$'; then
    result yes fault-lines "a killed program gets one line: pid, name, fault, address"
else
    result no fault-lines "no 'pid N (fault): killed: ...' lines"
fi
suite ktest-2g 2048

boot above-4g 120 -m 5120 -kernel "$TESTKERNEL" -initrd "$TEST_INITRD" \
    -append "test=PagesAllocateEveryPageAndFreeThemAll debug-exit"
tally
if [ "$(verdict)" = pass ] && grep -Eq 'ignored 2048 MiB of RAM above 4 GiB' "$log"; then
    result yes above-4g "RAM above 4 GiB reported as ignored; every page below usable"
else
    result no above-4g "$(verdict); wanted the 'ignored 2048 MiB' line"
fi

boot crash 60 -m 32 -kernel "$TESTKERNEL" -append "test=crash debug-exit"
expect_death crash "panic or failed test" "Page Fault (#PF)" \
    "page fault at address 0xdeadb000: page not present, write, kernel mode" \
    "eax=" "cr2=deadb000" "backtrace:" "KtestCrashWrite+0x" "KtestMain+0x"

boot panic 60 -m 32 -kernel "$TESTKERNEL" -append "test=panic debug-exit"
expect_death panic "panic or failed test" \
    "kernel panic: deliberate panic from the test bench" "eip=" "backtrace:" "KtestMain+0x"

boot triple 60 -m 32 -kernel "$TESTKERNEL" -append "test=triple debug-exit"
expect_death triple "reset (triple fault)"

boot hang 15 -m 32 -kernel "$TESTKERNEL" -append "test=hang debug-exit"
expect_death hang "hang (killed after timeout)"

boot no-such-test 60 -m 32 -kernel "$TESTKERNEL" -append "test=NoSuchTest debug-exit"
expect_death no-such-test "panic or failed test" "no test named 'NoSuchTest'"

wait_for boot-conf 60 'clanker> ' -m 128 -kernel "$KERNEL" -initrd "$INITRD"
grep -Eq "$BANNER" "$log" && ! grep -q '^boot.conf:' "$log" \
    && result yes banner "$(grep -Em1 "$BANNER" "$log")" \
    || result no banner "no banner, or a boot.conf line failed"
wait_for iso-grub 120 "$BANNER" -m 128 -cdrom "$ISO"

echo "in-kernel tests: $kernel_passed passed, $kernel_failed failed"
echo "boot tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
