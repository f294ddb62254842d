/*
 * InitProducerId (api key 22), versions 0-1: producer ids for idempotent
 * producers. Schema:
 * clients/src/main/resources/common/message/InitProducerId{Request,Response}.json.
 * A decoded request points into its frame, which must outlive it.
 */
#ifndef BROKER_API_INIT_PRODUCER_ID_H
#define BROKER_API_INIT_PRODUCER_ID_H

#include "proto_schema.h"

typedef struct broker_init_producer_id_request {
    broker_proto_str_t transactional_id; /* null for an idempotent producer */
    int32_t transaction_timeout_ms;
} broker_init_producer_id_request_t;

typedef struct broker_init_producer_id_response {
    int32_t throttle_time_ms;
    int16_t error_code;
    int64_t producer_id;
    int16_t producer_epoch;
} broker_init_producer_id_response_t;

extern const broker_proto_message_t broker_init_producer_id_request_message;
extern const broker_proto_message_t broker_init_producer_id_response_message;

/* Decode: 0, or -1 with the reason in r (nothing to free then). */
int broker_init_producer_id_request_decode(broker_proto_reader_t *r, int16_t version,
                                           broker_init_producer_id_request_t *req);
void broker_init_producer_id_request_free(broker_init_producer_id_request_t *req);
void broker_init_producer_id_response_encode(sluice_buf_t *out, int16_t version,
                                             const broker_init_producer_id_response_t *resp);

/* The other direction, for tests and tools. */
void broker_init_producer_id_request_encode(sluice_buf_t *out, int16_t version,
                                            const broker_init_producer_id_request_t *req);
int broker_init_producer_id_response_decode(broker_proto_reader_t *r, int16_t version,
                                            broker_init_producer_id_response_t *resp);
void broker_init_producer_id_response_free(broker_init_producer_id_response_t *resp);

#endif
