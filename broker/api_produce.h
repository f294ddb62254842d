/*
 * Produce (api key 0), versions 3-7: record batches (magic 2) only.
 * Schema: clients/src/main/resources/common/message/Produce{Request,Response}.json.
 *
 * A decoded request points into its frame (zero copy): topic names and each
 * partition's record bytes (`records.bytes`, the batches exactly as the
 * producer sent them) are valid while the frame is. The frame must outlive
 * the request struct.
 *
 * acks=0 requests get no response at all (Kafka closes the connection on an
 * error instead); that is the server's decision, not the codec's.
 */
#ifndef BROKER_API_PRODUCE_H
#define BROKER_API_PRODUCE_H

#include "proto_schema.h"

/* PartitionProduceData */
typedef struct broker_produce_partition_data {
    int32_t index;
    broker_proto_records_t records; /* records.bytes.data NULL: null records */
} broker_produce_partition_data_t;

/* TopicProduceData */
typedef struct broker_produce_topic_data {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_produce_partition_data_t) partition_data;
} broker_produce_topic_data_t;

typedef struct broker_produce_request {
    broker_proto_str_t transactional_id; /* null unless transactional */
    int16_t acks;                        /* -1, 0 or 1; others are INVALID_REQUIRED_ACKS */
    int32_t timeout_ms;
    BROKER_PROTO_ARRAY(broker_produce_topic_data_t) topic_data;
} broker_produce_request_t;

/* PartitionProduceResponse */
typedef struct broker_produce_partition_response {
    int32_t index;
    int16_t error_code;
    int64_t base_offset;
    int64_t log_append_time_ms; /* -1 unless the topic uses LogAppendTime */
    int64_t log_start_offset;   /* v5+ */
} broker_produce_partition_response_t;

/* TopicProduceResponse */
typedef struct broker_produce_topic_response {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_produce_partition_response_t) partition_responses;
} broker_produce_topic_response_t;

typedef struct broker_produce_response {
    BROKER_PROTO_ARRAY(broker_produce_topic_response_t) responses;
    int32_t throttle_time_ms; /* last field of the body */
} broker_produce_response_t;

extern const broker_proto_message_t broker_produce_request_message;
extern const broker_proto_message_t broker_produce_response_message;

/* Decodes a request body; 0, or -1 with the reason in r (nothing to free
 * then). Free a decoded request with broker_produce_request_free(). */
int broker_produce_request_decode(broker_proto_reader_t *r, int16_t version,
                                  broker_produce_request_t *req);
void broker_produce_request_free(broker_produce_request_t *req);

/* Appends the response body of `version` to out. */
void broker_produce_response_encode(sluice_buf_t *out, int16_t version,
                                    const broker_produce_response_t *resp);

/* The other direction, for tests and tools. */
void broker_produce_request_encode(sluice_buf_t *out, int16_t version,
                                   const broker_produce_request_t *req);
int broker_produce_response_decode(broker_proto_reader_t *r, int16_t version,
                                   broker_produce_response_t *resp);
void broker_produce_response_free(broker_produce_response_t *resp);

#endif
