// PCI configuration space walks for kernel-mode programs (include/lib/pci.h).
//
// Type 0 headers only describe BARs; a bridge's (type 1) two BARs are read
// the same way and its bus-number registers ignored: the scan simply
// tries all 256 buses, which costs a vendor-id read per empty slot.
#include <clanker/error.h>
#include <lib/pci.h>
#include <lib/string.h>

#define REG_ID        0x00
#define REG_COMMAND   0x04
#define REG_CLASS     0x08
#define REG_HEADER    0x0c
#define REG_BAR0      0x10
#define REG_INTERRUPT 0x3c

static uint32_t Read(const KernelApi *api, const PciFunction *f, uint32_t offset)
{
    uint32_t value = 0xffffffffu;

    api->PciConfigRead(PCI_CONFIG_ADDRESS(f->bus, f->device, f->function, offset), &value);
    return value;
}

static void Write(const KernelApi *api, const PciFunction *f, uint32_t offset, uint32_t value)
{
    api->PciConfigWrite(PCI_CONFIG_ADDRESS(f->bus, f->device, f->function, offset), value);
}

// Size BAR slot i of f (the standard probe: write all ones, read back the
// writable bits, restore). Returns the slot count it used (2 for a 64-bit BAR).
static uint32_t ReadBar(const KernelApi *api, PciFunction *f, uint32_t i)
{
    uint32_t offset = REG_BAR0 + 4 * i, value = Read(api, f, offset), mask;
    PciBar *bar = &f->bars[i];

    Write(api, f, offset, 0xffffffffu);
    mask = Read(api, f, offset);
    Write(api, f, offset, value);
    if (value & 1) {
        bar->flags = PCI_BAR_IO;
        bar->base = value & ~3u;
        mask &= 0xfffcu;
        bar->size = mask ? (~mask & 0xffffu) + 1 : 0;
    } else {
        bar->flags = (value & 8) ? PCI_BAR_PREFETCH : 0;
        bar->base = value & ~0xfu;
        mask &= ~0xfu;
        bar->size = mask ? ~mask + 1 : 0;
        if (((value >> 1) & 3) == 2) {
            bar->flags |= PCI_BAR_64;
            return 2;
        }
    }
    if (!bar->size)
        bar->base = 0;
    return 1;
}

int PciReadFunction(const KernelApi *api, uint32_t bus, uint32_t device, uint32_t function,
                    PciFunction *out)
{
    uint32_t id, class, header, irq, command, bars;

    if (bus > 255 || device > 31 || function > 7)
        return E_NOENT;
    memset(out, 0, sizeof(*out));
    out->bus = (uint8_t)bus;
    out->device = (uint8_t)device;
    out->function = (uint8_t)function;
    id = Read(api, out, REG_ID);
    if ((id & 0xffff) == 0xffff)
        return E_NOENT;
    class = Read(api, out, REG_CLASS);
    header = Read(api, out, REG_HEADER);
    irq = Read(api, out, REG_INTERRUPT);
    out->vendor = (uint16_t)id;
    out->deviceId = (uint16_t)(id >> 16);
    out->revision = (uint8_t)class;
    out->progIf = (uint8_t)(class >> 8);
    out->subclass = (uint8_t)(class >> 16);
    out->classCode = (uint8_t)(class >> 24);
    out->headerType = (uint8_t)(header >> 16);
    out->irqLine = (uint8_t)irq;
    out->irqPin = (uint8_t)(irq >> 8);
    bars = (out->headerType & 0x7f) == 0 ? 6 : (out->headerType & 0x7f) == 1 ? 2 : 0;
    command = Read(api, out, REG_COMMAND) & 0xffff;
    Write(api, out, REG_COMMAND, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (uint32_t i = 0; i < bars;)
        i += ReadBar(api, out, i);
    Write(api, out, REG_COMMAND, command);
    return 0;
}

uint32_t PciEnumerate(const KernelApi *api, int (*visit)(const PciFunction *f, void *arg),
                      void *arg)
{
    PciFunction f;
    uint32_t seen = 0;

    for (uint32_t bus = 0; bus < 256; bus++) {
        for (uint32_t dev = 0; dev < 32; dev++) {
            for (uint32_t fn = 0; fn < 8; fn++) {
                if (PciReadFunction(api, bus, dev, fn, &f) != 0) {
                    if (fn == 0)
                        break;
                    continue;
                }
                seen++;
                if (visit(&f, arg))
                    return seen;
                if (fn == 0 && !(f.headerType & 0x80))
                    break;          // a single-function device
            }
        }
    }
    return seen;
}

typedef struct FindState {
    uint8_t classCode, subclass;
    uint32_t index;
    PciFunction *out;
    int found;
} FindState;

static int Match(const PciFunction *f, void *arg)
{
    FindState *s = arg;

    if (f->classCode != s->classCode || f->subclass != s->subclass)
        return 0;
    if (s->index-- > 0)
        return 0;
    *s->out = *f;
    s->found = 1;
    return 1;
}

int PciFind(const KernelApi *api, uint8_t classCode, uint8_t subclass, uint32_t index,
            PciFunction *out)
{
    FindState s = { classCode, subclass, index, out, 0 };

    PciEnumerate(api, Match, &s);
    return s.found ? 0 : E_NOENT;
}

void PciEnable(const KernelApi *api, const PciFunction *f, uint32_t bits)
{
    uint32_t command = Read(api, f, REG_COMMAND) & 0xffff;

    Write(api, f, REG_COMMAND, command | (bits & 7));
}
