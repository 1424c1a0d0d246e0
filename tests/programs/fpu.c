// Checks that x87 and SSE registers survive being switched out: loads a
// value derived from argv[1] into st(0) and xmm0, yields many times (so
// other processes run and use the same registers), and checks both are
// unchanged. Exits 0 if they are, 1 if not.
#include <clanker/syscall.h>
#include <lib/user.h>

int main(int argc, char **argv)
{
    int seed = 0;
    double loaded, kept = 0;
    unsigned int lanes[4] __attribute__((aligned(16))), back[4] __attribute__((aligned(16)));

    if (argc < 2 || ParseInt(argv[1], &seed) != 0)
        return 2;
    loaded = seed * 1.25;
    for (int i = 0; i < 4; i++)
        lanes[i] = (unsigned)seed * 0x01010101u + (unsigned)i;
    __asm__ volatile("fldl %0" : : "m"(loaded));
    __asm__ volatile("movaps %0, %%xmm0" : : "m"(lanes));
    for (int i = 0; i < 200; i++)
        SysYield();
    __asm__ volatile("fstpl %0" : "=m"(kept));
    __asm__ volatile("movaps %%xmm0, %0" : "=m"(back));
    for (int i = 0; i < 4; i++) {
        if (back[i] != lanes[i]) {
            Print("fpu %d: xmm0 lane %d changed\n", seed, i);
            return 1;
        }
    }
    if (kept != loaded) {
        Print("fpu %d: st(0) changed\n", seed);
        return 1;
    }
    return 0;
}
