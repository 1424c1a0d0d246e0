// USB Mass Storage Bulk-Only Transport wrappers (include/lib/usbmsc.h).
#include <clanker/error.h>
#include <lib/string.h>
#include <lib/usbmsc.h>

#define CBW_FLAG_IN 0x80u       // bmCBWFlags: data from the device

static void PutLe32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t Le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// Bytes 0-3 signature, 4-7 tag, 8-11 dCBWDataTransferLength, 12 flags,
// 13 LUN (4 bits), 14 CDB length (5 bits), 15-30 the CDB.
void UsbMscBuildCbw(uint8_t out[USBMSC_CBW_LENGTH], uint32_t tag, const ScsiCommand *cmd,
                    uint8_t lun)
{
    uint8_t cdbLength = cmd->cdbLength > SCSI_CDB_MAX ? SCSI_CDB_MAX : cmd->cdbLength;

    memset(out, 0, USBMSC_CBW_LENGTH);
    PutLe32(out, USBMSC_CBW_SIGNATURE);
    PutLe32(out + 4, tag);
    PutLe32(out + 8, cmd->length);
    out[12] = cmd->direction == SCSI_DIR_IN && cmd->length ? CBW_FLAG_IN : 0;
    out[13] = lun & 0xf;
    out[14] = cdbLength & 0x1f;
    memcpy(out + 15, cmd->cdb, cdbLength);
}

// Bytes 0-3 signature, 4-7 tag, 8-11 dCSWDataResidue, 12 bCSWStatus.
int UsbMscCheckCsw(const uint8_t *csw, uint32_t length, uint32_t tag, uint32_t *residue,
                   uint8_t *status)
{
    if (!csw || length != USBMSC_CSW_LENGTH)
        return E_IO;
    if (Le32(csw) != USBMSC_CSW_SIGNATURE || Le32(csw + 4) != tag)
        return E_IO;
    if (csw[12] > USBMSC_STATUS_PHASE_ERROR)
        return E_IO;
    *residue = Le32(csw + 8);
    *status = csw[12];
    return 0;
}

int UsbMscFinish(ScsiCommand *cmd, uint32_t moved, uint32_t residue, uint8_t status)
{
    if (status == USBMSC_STATUS_PHASE_ERROR || status > USBMSC_STATUS_PHASE_ERROR)
        return E_IO;
    if (residue > cmd->length || moved > cmd->length)
        return E_IO;
    cmd->transferred = moved;
    cmd->senseLength = 0;
    cmd->status = status == USBMSC_STATUS_PASSED ? SCSI_STATUS_GOOD
                                                 : SCSI_STATUS_CHECK_CONDITION;
    return 0;
}
