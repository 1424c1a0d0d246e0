// x87 and SSE state: turning the units on and saving them per process.
#include <lib/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/fpu.h>

#define CR0_MP 0x00000002u          // monitor coprocessor
#define CR0_EM 0x00000004u          // emulate (off: real FPU)
#define CR0_TS 0x00000008u          // task switched (off: no #NM)
#define CR0_NE 0x00000020u          // native x87 error reporting
#define CR4_OSFXSR 0x00000200u      // FXSAVE/FXRSTOR and SSE enabled
#define CR4_OSXMMEXCPT 0x00000400u  // SIMD exceptions as #XM
#define CPUID_FXSR (1u << 24)
#define CPUID_SSE  (1u << 25)

static int hasFxsr;
static uint8_t initialState[FPU_STATE_SIZE] __attribute__((aligned(FPU_STATE_ALIGN)));

static uint32_t CpuidFeatures(void)
{
    uint32_t r[4];

    CpuId(1, r);
    return r[3];
}

void FpuInit(void)
{
    uint32_t cr0, cr4, features = CpuidFeatures();

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    hasFxsr = (features & CPUID_FXSR) != 0;
    if (hasFxsr) {
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        cr4 |= CR4_OSFXSR | ((features & CPUID_SSE) ? CR4_OSXMMEXCPT : 0);
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    }
    __asm__ volatile("fninit");
    FpuSave(initialState);
}

void FpuInitState(uint8_t *state)
{
    memcpy(state, initialState, FPU_STATE_SIZE);
}

static int enabled = 1;             // CR0.TS clear (FpuInit leaves it so)

void FpuEnable(void)
{
    if (!enabled) {
        __asm__ volatile("clts");
        enabled = 1;
    }
}

void FpuDisable(void)
{
    uint32_t cr0;

    if (enabled) {
        __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
        __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_TS));
        enabled = 0;
    }
}

void FpuSave(uint8_t *state)
{
    if (hasFxsr)
        __asm__ volatile("fxsave (%0)" : : "r"(state) : "memory");
    else
        __asm__ volatile("fnsave (%0); frstor (%0)" : : "r"(state) : "memory");
}

void FpuRestore(const uint8_t *state)
{
    if (hasFxsr)
        __asm__ volatile("fxrstor (%0)" : : "r"(state) : "memory");
    else
        __asm__ volatile("frstor (%0)" : : "r"(state) : "memory");
}
