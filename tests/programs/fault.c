// fault: commits the one deliberate CPU fault named by argv[1], so tests
// can check that the kernel kills only the offending process (and with
// which signal). Names: null-read, null-write, kernel-read, kernel-write,
// io-in, io-out, cli, hlt, divide, ud2, jump-null, jump-kernel.
// If the fault does not kill it, prints "fault: survived NAME" and exits
// 1; an unknown or missing name prints the usage and exits 2.
#include <lib/user.h>
#include <lib/string.h>

// The addresses come from volatile variables so the compiler cannot see
// the NULL and replace the access with a trap of its own (GCC turns a
// visible NULL dereference into ud2).
static volatile uintptr_t nullAddress = 0;
static volatile uintptr_t kernelAddress = 0xC0100000u;
static volatile int one = 1;
static volatile int zero = 0;
static volatile int sink;

// Read from address 0.
static void NullRead(void)
{
    sink = *(volatile int *)nullAddress;
}

// Write to address 0.
static void NullWrite(void)
{
    *(volatile int *)nullAddress = 1;
}

// Read the kernel image (supervisor-only page).
static void KernelRead(void)
{
    sink = *(volatile int *)kernelAddress;
}

// Write to the kernel image (supervisor-only page).
static void KernelWrite(void)
{
    *(volatile int *)kernelAddress = 1;
}

// inb from the keyboard port: #GP at CPL 3 with IOPL 0.
static void IoIn(void)
{
    uint8_t value;
    __asm__ volatile("inb %w1, %0" : "=a"(value) : "Nd"((uint16_t)0x60));
    sink = value;
}

// outb to the POST port: #GP at CPL 3 with IOPL 0.
static void IoOut(void)
{
    __asm__ volatile("outb %0, %w1" : : "a"((uint8_t)0), "Nd"((uint16_t)0x80));
}

// cli: privileged, #GP.
static void Cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}

// hlt: privileged, #GP.
static void Hlt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

// Integer divide by zero: #DE. Both operands are volatile: with a known
// dividend GCC computes 1 / x without a divide instruction.
static void Divide(void)
{
    sink = one / zero;
}

// ud2: #UD.
static void Ud2(void)
{
    __asm__ volatile("ud2" ::: "memory");
}

// Call through a function pointer whose value is 0.
static void JumpNull(void)
{
    void (*target)(void) = (void (*)(void))nullAddress;
    target();
}

// Call into the kernel image.
static void JumpKernel(void)
{
    void (*target)(void) = (void (*)(void))kernelAddress;
    target();
}

typedef struct Fault {
    const char *name;
    void (*commit)(void);
} Fault;

static const Fault faults[] = {
    { "null-read",    NullRead },
    { "null-write",   NullWrite },
    { "kernel-read",  KernelRead },
    { "kernel-write", KernelWrite },
    { "io-in",        IoIn },
    { "io-out",       IoOut },
    { "cli",          Cli },
    { "hlt",          Hlt },
    { "divide",       Divide },
    { "ud2",          Ud2 },
    { "jump-null",    JumpNull },
    { "jump-kernel",  JumpKernel },
};

#define FAULT_COUNT (sizeof faults / sizeof faults[0])

// Print the usage line (one write, so it stays whole in a shared log).
static void PrintUsage(void)
{
    Print("usage: fault null-read|null-write|kernel-read|kernel-write|"
          "io-in|io-out|cli|hlt|divide|ud2|jump-null|jump-kernel\n");
}

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argc < 2) {
        PrintUsage();
        return 2;
    }
    for (size_t i = 0; i < FAULT_COUNT; i++) {
        if (strcmp(argv[1], faults[i].name) == 0) {
            faults[i].commit();
            Print("fault: survived %s\n", faults[i].name);
            return 1;
        }
    }
    PrintUsage();
    return 2;
}
