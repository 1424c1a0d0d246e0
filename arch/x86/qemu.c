// Leaving QEMU with a status the host can read: the isa-debug-exit device.
//
// Writing v to its port makes QEMU exit with status (v << 1) | 1, so 0x10
// gives 33 (success) and 0x11 gives 35 (failure). Test runners start QEMU
// with "-device isa-debug-exit,iobase=0xf4,iosize=0x04" and the kernel
// command line option "debug-exit"; without the option nothing is written,
// since port 0xf4 may belong to something else on real hardware.
#include <arch/x86/cpu.h>
#include <arch/x86/pc.h>

#define DEBUG_EXIT_PORT 0xf4
#define EXIT_SUCCESS_VALUE 0x10
#define EXIT_FAILURE_VALUE 0x11

static int armed;

void QemuExitArm(void)
{
    armed = 1;
}

void QemuExit(int success)
{
    if (armed)
        OutLong(DEBUG_EXIT_PORT, success ? EXIT_SUCCESS_VALUE : EXIT_FAILURE_VALUE);
}
