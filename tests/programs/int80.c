// int80: the user side of the int 0x80 tests (tests/kernel/test_posix.c;
// tests/kernel/test_personality.c for vectors nobody has claimed).
// The kernel test runs a probe POSIX server that answers a call with
// number + ebx, and gives a few numbers a special meaning (below); this
// program raises int 0x80 and checks what comes back.
//
//   int80 call      known registers in: eax = number + ebx, every other
//                   register (esp too) unchanged; each malformed reply of
//                   the probe gives -ENOSYS, its MSG_ERROR gives the code
//   int80 nosys     with no POSIX server: -ENOSYS, registers unchanged
//   int80 unclaimed V   int 0xV (80, 81 or ff) of a vector no personality
//                   has claimed: -ENOSYS, registers unchanged, and the
//                   program runs on (no #GP)
//   int80 tls K     set_thread_area through the probe with base &blocks[K],
//                   then %gs:0 reads block K across many switches
//   int80 hold      a call the probe never answers: exits 0 if it fails
//                   with -EPIPE (the probe was killed)
//   int80 exit      a call the probe answers by ending the process with
//                   exit code 7
//   int80 idle      tells the probe where its pattern buffer is, then sleeps
//                   forever: a target for the KernelApi's process calls
//
// Exits 0 when every check passed, else the number of the first failure
// (with a line saying which); 2 for bad arguments.
#include <clanker/posix.h>
#include <lib/string.h>
#include <lib/user.h>

// Keep in step with tests/kernel/test_posix.c.
#define PROBE_ERROR      0x10000001u     // MSG_ERROR with E_PERM
#define PROBE_EMPTY      0x10000002u     // MSG_RESPONSE without a payload
#define PROBE_LONG       0x10000003u     // MSG_RESPONSE with 8 bytes
#define PROBE_POSITIVE   0x10000004u     // MSG_ERROR carrying +5
#define PROBE_WRONG_TYPE 0x10000005u     // MSG_PING carrying 4 bytes
#define PROBE_HERE       0x10000010u     // (buffer, length): where the pattern is
#define PROBE_HOLD       0x10000020u     // never answered
#define PROBE_EXIT       1u              // exit(ebx): the probe ends the caller
#define PROBE_SET_THREAD_AREA 243u       // (struct user_desc *)

#define TLS_MAGIC   0x7150aa00u
#define TLS_FLAGS   0x51u               // seg_32bit, limit_in_pages, useable
#define TLS_BLOCKS  4

// eax, ebx, ecx, edx, esi, edi, ebp around one int.
typedef struct Registers {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
} Registers;

uint32_t int80EspBefore, int80EspAfter;
char int80Pattern[64] = "int80: a pattern for ProcessRead";
static uint32_t tlsBlocks[TLS_BLOCKS][4];

// Load every register from *in, raise int VECTOR, store every register
// in *out; int80EspBefore/After hold esp around the int. One function a
// vector (an int takes its vector as an immediate).
typedef void (*IntRegisters)(const Registers *in, Registers *out);

#define INT_REGISTERS(name, vector)             \
__asm__(                                        \
    ".text\n"                                   \
    ".globl " #name "\n"                        \
    ".type " #name ", @function\n"              \
    #name ":\n"                                 \
    "    pushl %ebp\n"                          \
    "    pushl %ebx\n"                          \
    "    pushl %esi\n"                          \
    "    pushl %edi\n"                          \
    "    movl 20(%esp), %eax\n"   /* in */     \
    "    movl 4(%eax), %ebx\n"                  \
    "    movl 8(%eax), %ecx\n"                  \
    "    movl 12(%eax), %edx\n"                 \
    "    movl 16(%eax), %esi\n"                 \
    "    movl 20(%eax), %edi\n"                 \
    "    movl 24(%eax), %ebp\n"                 \
    "    movl (%eax), %eax\n"                   \
    "    movl %esp, int80EspBefore\n"           \
    "    int $" vector "\n"                     \
    "    movl %esp, int80EspAfter\n"            \
    "    pushl %eax\n"                          \
    "    movl 28(%esp), %eax\n"   /* out */    \
    "    movl %ebx, 4(%eax)\n"                  \
    "    movl %ecx, 8(%eax)\n"                  \
    "    movl %edx, 12(%eax)\n"                 \
    "    movl %esi, 16(%eax)\n"                 \
    "    movl %edi, 20(%eax)\n"                 \
    "    movl %ebp, 24(%eax)\n"                 \
    "    popl (%eax)\n"                         \
    "    popl %edi\n"                           \
    "    popl %esi\n"                           \
    "    popl %ebx\n"                           \
    "    popl %ebp\n"                           \
    "    ret\n"                                 \
    ".size " #name ", . - " #name "\n")

void Int80Registers(const Registers *in, Registers *out);
void Int81Registers(const Registers *in, Registers *out);
void IntFfRegisters(const Registers *in, Registers *out);
INT_REGISTERS(Int80Registers, "0x80");
INT_REGISTERS(Int81Registers, "0x81");
INT_REGISTERS(IntFfRegisters, "0xff");

// A call with two arguments.
static int32_t Int80(uint32_t number, uint32_t a, uint32_t b)
{
    int32_t result = (int32_t)number;

    __asm__ volatile("int $0x80" : "+a"(result) : "b"(a), "c"(b) : "memory");
    return result;
}

static int firstFailure;

// Record check number: print a line and remember it if ok is false.
static void Check(int number, int ok, const char *what)
{
    if (ok)
        return;
    Print("int80: check %d failed: %s\n", number, what);
    if (firstFailure == 0)
        firstFailure = number;
}

// One call through raise with every register set: eax must be expected,
// the rest as given.
static void CheckVector(IntRegisters raise, int first, uint32_t number, int32_t expected)
{
    Registers in = { number, 0x11111111u, 0x22222222u, 0x33333333u,
                     0x44444444u, 0x55555555u, 0x66666666u }, out;

    raise(&in, &out);
    if ((int32_t)out.eax != expected)
        Print("int80: eax 0x%x, expected 0x%x\n", out.eax, (uint32_t)expected);
    Check(first, (int32_t)out.eax == expected, "eax");
    Check(first + 1, out.ebx == in.ebx && out.ecx == in.ecx && out.edx == in.edx &&
                     out.esi == in.esi && out.edi == in.edi && out.ebp == in.ebp,
          "registers preserved");
    Check(first + 2, int80EspBefore == int80EspAfter, "esp preserved");
}

// The same through int 0x80.
static void CheckRegisters(int first, uint32_t number, int32_t expected)
{
    CheckVector(Int80Registers, first, number, expected);
}

static int CallMode(void)
{
    CheckRegisters(10, 7, (int32_t)(7 + 0x11111111u));
    CheckRegisters(20, 0xfffefff0u, (int32_t)(0xfffefff0u + 0x11111111u));
    CheckRegisters(25, 0xfffffff0u, E_NOSYS);      // the kernel's own numbers: never sent
    Check(30, Int80(PROBE_ERROR, 0, 0) == E_PERM, "MSG_ERROR gives its code");
    Check(31, Int80(PROBE_EMPTY, 0, 0) == E_NOSYS, "empty reply");
    Check(32, Int80(PROBE_LONG, 0, 0) == E_NOSYS, "long reply");
    Check(33, Int80(PROBE_POSITIVE, 0, 0) == E_NOSYS, "positive error code");
    Check(34, Int80(PROBE_WRONG_TYPE, 0, 0) == E_NOSYS, "wrong reply type");
    Check(35, SysGetPid() > 0, "int 0x40 still works");
    return firstFailure;
}

static int NosysMode(void)
{
    CheckRegisters(10, 20, E_NOSYS);
    CheckRegisters(20, PROBE_EXIT, E_NOSYS);
    return firstFailure;
}

// A vector nobody claimed answers every number with -ENOSYS, and the
// program lives on to make the next call.
static int UnclaimedMode(const char *vector)
{
    static const struct { const char *name; IntRegisters raise; } vectors[] = {
        { "80", Int80Registers }, { "81", Int81Registers }, { "ff", IntFfRegisters },
    };

    for (uint32_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        if (strcmp(vector, vectors[i].name) != 0)
            continue;
        CheckVector(vectors[i].raise, 10, 20, E_NOSYS);            // getpid
        CheckVector(vectors[i].raise, 20, 0xfffffff0u, E_NOSYS);   // a kernel's number
        CheckVector(vectors[i].raise, 30, 0, E_NOSYS);
        Check(40, SysGetPid() > 0, "int 0x40 still works");
        return firstFailure;
    }
    Print("int80: no vector %s\n", vector);
    return 2;
}

// The selector in %gs, and the word at %gs:0.
static uint16_t GsSelector(void)
{
    uint16_t selector;

    __asm__ volatile("movw %%gs, %0" : "=r"(selector));
    return selector;
}

static uint32_t GsWord(void)
{
    uint32_t word;

    __asm__ volatile("movl %%gs:0, %0" : "=r"(word));
    return word;
}

static int32_t SetThreadArea(PosixUserDesc *desc)
{
    return Int80(PROBE_SET_THREAD_AREA, (uint32_t)(uintptr_t)desc, 0);
}

// set_thread_area with base tlsBlocks[k], and the refusals.
static void SetTls(int k, PosixUserDesc *desc)
{
    PosixUserDesc wrongEntry, code;

    *desc = (PosixUserDesc){ 0xffffffffu, (uint32_t)(uintptr_t)tlsBlocks[k], 0xfffff, TLS_FLAGS };
    wrongEntry = code = *desc;
    wrongEntry.entryNumber = 5;
    code.flags |= 0x4;                  // contents 2: a code segment
    Check(10, SetThreadArea(desc) == 0, "set_thread_area");
    Check(11, desc->entryNumber == 6, "entry 6 written back");
    Check(12, SetThreadArea(&wrongEntry) == E_INVAL, "entry 5 refused");
    Check(13, SetThreadArea(&code) == E_INVAL, "code segment refused");
}

static int TlsMode(int k)
{
    PosixUserDesc desc;
    uint16_t selector;

    for (uint32_t i = 0; i < TLS_BLOCKS; i++)
        tlsBlocks[i][0] = TLS_MAGIC + i;
    SetTls(k, &desc);
    if (firstFailure)
        return firstFailure;
    selector = (uint16_t)(desc.entryNumber * 8 + 3);
    __asm__ volatile("movw %0, %%gs" : : "r"(selector));
    for (uint32_t i = 0; i < 40 && !firstFailure; i++) {
        __asm__ volatile("movl %0, %%gs:8" : : "r"(i) : "memory");
        Check(20, GsSelector() == 0x33, "%gs kept");
        Check(21, GsWord() == TLS_MAGIC + (uint32_t)k, "%gs:0 is this block");
        Check(22, tlsBlocks[k][2] == i, "%gs:8 wrote this block");
        if (i % 2)
            SysYield();
        else
            SysSleep(10);
    }
    return firstFailure;
}

static int IdleMode(void)
{
    Check(10, Int80(PROBE_HERE, (uint32_t)(uintptr_t)int80Pattern, sizeof(int80Pattern)) == 0,
          "the probe took the pattern's address");
    if (firstFailure)
        return firstFailure;
    for (;;)
        SysSleep(1000);
}

static int ExitMode(void)
{
    Int80(PROBE_EXIT, 7, 0);
    Check(10, 0, "still running after exit");
    return firstFailure;
}

int main(int argc, char **argv, char **envp)
{
    int k;

    (void)envp;
    if (argc == 2 && strcmp(argv[1], "call") == 0)
        return CallMode();
    if (argc == 2 && strcmp(argv[1], "nosys") == 0)
        return NosysMode();
    if (argc == 3 && strcmp(argv[1], "tls") == 0 && ParseInt(argv[2], &k) == 0 &&
        k >= 0 && k < TLS_BLOCKS)
        return TlsMode(k);
    if (argc == 3 && strcmp(argv[1], "unclaimed") == 0)
        return UnclaimedMode(argv[2]);
    if (argc == 2 && strcmp(argv[1], "hold") == 0)
        return Int80(PROBE_HOLD, 0, 0) == E_PIPE ? 0 : 1;
    if (argc == 2 && strcmp(argv[1], "exit") == 0)
        return ExitMode();
    if (argc == 2 && strcmp(argv[1], "idle") == 0)
        return IdleMode();
    Print("usage: int80 call|nosys|unclaimed V|tls K|hold|exit|idle\n");
    return 2;
}
