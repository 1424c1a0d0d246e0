// block:scsi:C.T.L, virtio-scsi logical units (drivers/virtioscsi): the
// block protocol (include/clanker/block.h), and to the driver's prefix
// block:scsi: itself:
//
//   MSG_STAT         (empty)           -> BlockStats  the driver's counters
//   MSG_SCSI_FAULT   uint32 SCSI_FAULT_* -> (empty)   make the next command
//                                                     the driver sends fail
//
// MSG_SCSI_FAULT is for the test suites: it proves each fault path gives
// its clear error and the driver goes on serving after it.
#ifndef CLANKER_VIRTIOSCSI_H
#define CLANKER_VIRTIOSCSI_H

#include <clanker/message.h>

#define SCSI_PREFIX "block:scsi:"

#define MSG_SCSI_FAULT (MSG_TYPE_LIMIT + 0x60)

#define SCSI_FAULT_NONE      0
#define SCSI_FAULT_MEDIUM    1  // the unit answers CHECK CONDITION, MEDIUM ERROR (E_IO)
#define SCSI_FAULT_RESPONSE  2  // the response is one virtio-scsi does not define (E_IO)
#define SCSI_FAULT_TIMEOUT   3  // the device is never told: E_TIMEDOUT, then a reset
#define SCSI_FAULT_ATTENTION 4  // UNIT ATTENTION once: the layer sends it again (success)
#define SCSI_FAULT_LIMIT     5

#endif
