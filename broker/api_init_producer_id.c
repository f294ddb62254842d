/* InitProducerId v0-1: field tables and typed wrappers (see api_init_producer_id.h). */
#include "api_init_producer_id.h"

#define VMAX BROKER_PROTO_VMAX

/* InitProducerIdRequest.json (v3's ProducerId/ProducerEpoch not described) */
static const broker_proto_field_t request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_init_producer_id_request_t, transactional_id,
                       "TransactionalId", 0, VMAX, BROKER_PROTO_NULLABLE(0)),
    BROKER_PROTO_FIELD(INT32, broker_init_producer_id_request_t, transaction_timeout_ms,
                       "TransactionTimeoutMs", 0, VMAX),
};
const broker_proto_message_t broker_init_producer_id_request_message = BROKER_PROTO_MESSAGE_DEF(
    "InitProducerIdRequest", 22, 2, broker_init_producer_id_request_t, request_fields);

/* InitProducerIdResponse.json */
static const broker_proto_field_t response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_init_producer_id_response_t, throttle_time_ms,
                       "ThrottleTimeMs", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_init_producer_id_response_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(INT64, broker_init_producer_id_response_t, producer_id, "ProducerId", 0,
                       VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT16, broker_init_producer_id_response_t, producer_epoch, "ProducerEpoch",
                       0, VMAX),
};
const broker_proto_message_t broker_init_producer_id_response_message = BROKER_PROTO_MESSAGE_DEF(
    "InitProducerIdResponse", 22, 2, broker_init_producer_id_response_t, response_fields);

BROKER_PROTO_DEFINE_CODEC(init_producer_id)
