// The KernelApi's version: the loader runs a kernel-mode program only if
// it states the version it was built for and that is this kernel's
// (include/clanker/kernelapi.h); and the ELF section lookup it uses
// refuses malformed files with an error, never a fault. Bad arguments to
// the table's calls are refused with their errors and change nothing
// (tests/kapiargs, tests/kprograms/kapiargs.c).
#include <stddef.h>
#include <clanker/error.h>
#include <clanker/kernelapi.h>
#include <clanker/syscall.h>
#include <lib/string.h>
#include <arch/x86/irq.h>
#include <kernel/exec/elf.h>
#include <kernel/exec/initrd.h>
#include <kernel/exec/loader.h>
#include <kernel/ipc/ipc.h>
#include <kernel/mm/memory.h>
#include <kernel/proc/process.h>
#include "ktest.h"

static int SpawnKernel(const char *path)
{
    const char *argv[1] = { path };

    return LoaderSpawn(path, 1, argv, PROCESS_KERNEL, ProcessCurrent());
}

KTEST(KernelApiVersionIsChecked)
{
    int pid = SpawnKernel("tests/kecho"), status;

    KTEST_ASSERT(pid > 0);                          // states KERNEL_API_VERSION: runs
    KTEST_ASSERT_EQ(ProcessKill((uint32_t)pid), 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    KTEST_ASSERT_EQ(SpawnKernel("tests/kapiold"), E_NOEXEC);     // another version
    KTEST_ASSERT_EQ(SpawnKernel("tests/kapinone"), E_NOEXEC);    // none stated
    KTEST_ASSERT_EQ(KernelApiTable()->version, KERNEL_API_VERSION);
    KTEST_ASSERT_EQ(KernelApiTable()->size, sizeof(KernelApi));
}

// ElfFindSection on a real program, and on copies of it with the section
// table, its name table and a section moved outside the file.
KTEST(ElfFindSectionRefusesBadTables)
{
    static uint8_t copy[256 * 1024];
    const uint8_t *file;
    uint32_t size, offset, length, shoff;

    KTEST_ASSERT_EQ(InitrdFind("tests/kecho", &file, &size), 0);
    KTEST_ASSERT(size <= sizeof(copy));
    KTEST_ASSERT_EQ(ElfFindSection(file, size, KERNEL_API_SECTION, &offset, &length), 0);
    KTEST_ASSERT_EQ(length, sizeof(KernelApiNeed));
    KTEST_ASSERT_EQ(ElfFindSection(file, size, ".no-such-section", &offset, &length), E_NOENT);
    KTEST_ASSERT_EQ(ElfFindSection(file, 20, KERNEL_API_SECTION, &offset, &length), E_NOEXEC);
    memcpy(copy, file, size);
    memcpy(&shoff, copy + 32, 4);
    shoff = size - 8;                               // the table runs off the end
    memcpy(copy + 32, &shoff, 4);
    KTEST_ASSERT_EQ(ElfFindSection(copy, size, KERNEL_API_SECTION, &offset, &length), E_NOEXEC);
    memcpy(copy, file, size);
    copy[50] = 0xff;                                // name table index past the table
    copy[51] = 0xff;
    KTEST_ASSERT_EQ(ElfFindSection(copy, size, KERNEL_API_SECTION, &offset, &length), E_NOEXEC);
    memcpy(copy, file, size);
    copy[46] = 39;                                  // a wrong section header size
    KTEST_ASSERT_EQ(ElfFindSection(copy, size, KERNEL_API_SECTION, &offset, &length), E_NOEXEC);
}

// Run a kernel-mode program to its end; its wait status.
static int RunKernel(const char *path)
{
    int pid = SpawnKernel(path), status = -1;

    KTEST_ASSERT(pid > 0);
    KTEST_ASSERT_EQ(ProcessWait(pid, &status), pid);
    return status;
}

// tests/kapiargs hands every call that checks its input what it must
// refuse. Afterwards the kernel's own IRQ lines are still the kernel's,
// the line the program left registered and its prefix are free again,
// and a second run leaves free memory as it found it.
KTEST(KernelApiRefusesBadArguments)
{
    uint32_t baseline;

    KTEST_ASSERT_EQ(RunKernel("tests/kapiargs"), WAIT_STATUS_EXITED(0));
    baseline = MemFreePages();
    KTEST_ASSERT_EQ(RunKernel("tests/kapiargs"), WAIT_STATUS_EXITED(0));
    KTEST_ASSERT_EQ(MemFreePages(), baseline);
    KTEST_ASSERT_EQ(IrqAvailable(IRQ_TIMER), E_BUSY);
    KTEST_ASSERT_EQ(IrqAvailable(1), E_BUSY);               // the keyboard, unregistered by nobody
    KTEST_ASSERT_EQ(IrqAvailable(5), 0);                    // given back at the program's end
    KTEST_ASSERT(!IpcServes("kapiargs:"));
}
