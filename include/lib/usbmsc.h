// USB Mass Storage Bulk-Only Transport wrappers (lib/usbmsc.c): the
// 31-byte Command Block Wrapper that carries a SCSI command to the
// device and the 13-byte Command Status Wrapper that comes back (USB MSC
// BOT 1.0, sections 5.1 to 5.3). Pure functions, so the host tests and
// the fuzz target run them on any bytes.
#ifndef LIB_USBMSC_H
#define LIB_USBMSC_H

#include <stdint.h>
#include <lib/scsi.h>

#define USBMSC_CBW_LENGTH    31
#define USBMSC_CSW_LENGTH    13
#define USBMSC_CBW_SIGNATURE 0x43425355u    // "USBC", little-endian
#define USBMSC_CSW_SIGNATURE 0x53425355u    // "USBS", little-endian

// bCSWStatus
#define USBMSC_STATUS_PASSED      0
#define USBMSC_STATUS_FAILED      1     // the command failed: ask REQUEST SENSE
#define USBMSC_STATUS_PHASE_ERROR 2     // reset recovery is needed

// Build the CBW for cmd to lun into out: signature, tag, the data phase's
// length and direction, the LUN and the CDB (cdbLength 1..16, zero-padded).
void UsbMscBuildCbw(uint8_t out[USBMSC_CBW_LENGTH], uint32_t tag, const ScsiCommand *cmd,
                    uint8_t lun);

// Check the length bytes at csw as the CSW of the command sent with tag:
// exactly 13 bytes, the signature, the tag, a status of 0, 1 or 2.
// Returns 0 with *residue and *status, or E_IO (no valid CSW).
int UsbMscCheckCsw(const uint8_t *csw, uint32_t length, uint32_t tag, uint32_t *residue,
                   uint8_t *status);

// Record a checked CSW in cmd, whose data phase moved moved bytes:
// cmd->transferred and cmd->status (PASSED: GOOD; FAILED: CHECK CONDITION
// with no sense, so the SCSI layer sends REQUEST SENSE). Returns 0, or
// E_IO for a PHASE ERROR, a residue larger than the data phase, or more
// bytes moved than the command asked for.
int UsbMscFinish(ScsiCommand *cmd, uint32_t moved, uint32_t residue, uint8_t status);

#endif
