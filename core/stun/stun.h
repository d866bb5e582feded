// Umbrella header for the STUN/TURN wire codec (//core/stun).
//
// Parse with Message::Parse (a zero-copy view; see message.h), build with
// MessageBuilder (builder.h), frame TURN channels with channel_data.h, derive
// keys with integrity.h. Pure codec: no transactions, retransmissions or
// allocations state live here.
#ifndef CORE_STUN_STUN_H_
#define CORE_STUN_STUN_H_

#include "core/stun/attributes.h"
#include "core/stun/builder.h"
#include "core/stun/channel_data.h"
#include "core/stun/constants.h"
#include "core/stun/integrity.h"
#include "core/stun/message.h"
#include "core/stun/transaction_id.h"

#endif  // CORE_STUN_STUN_H_
