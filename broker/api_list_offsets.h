/*
 * ListOffsets (api key 2), versions 1-3: one offset per partition, for a
 * timestamp or -1 (latest) / -2 (earliest). Schema:
 * clients/src/main/resources/common/message/ListOffsets{Request,Response}.json.
 * A decoded request points into its frame, which must outlive it.
 */
#ifndef BROKER_API_LIST_OFFSETS_H
#define BROKER_API_LIST_OFFSETS_H

#include "proto_schema.h"

/* ListOffsetsPartition */
typedef struct broker_list_offsets_partition {
    int32_t partition_index;
    int64_t timestamp; /* -1 latest, -2 earliest, else a time in ms */
} broker_list_offsets_partition_t;

/* ListOffsetsTopic */
typedef struct broker_list_offsets_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_list_offsets_partition_t) partitions;
} broker_list_offsets_topic_t;

typedef struct broker_list_offsets_request {
    int32_t replica_id;
    int8_t isolation_level; /* v2+, else 0 */
    BROKER_PROTO_ARRAY(broker_list_offsets_topic_t) topics;
} broker_list_offsets_request_t;

/* ListOffsetsPartitionResponse */
typedef struct broker_list_offsets_partition_response {
    int32_t partition_index;
    int16_t error_code;
    int64_t timestamp; /* -1 when none */
    int64_t offset;    /* -1 when none */
} broker_list_offsets_partition_response_t;

/* ListOffsetsTopicResponse */
typedef struct broker_list_offsets_topic_response {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_list_offsets_partition_response_t) partitions;
} broker_list_offsets_topic_response_t;

typedef struct broker_list_offsets_response {
    int32_t throttle_time_ms; /* v2+ */
    BROKER_PROTO_ARRAY(broker_list_offsets_topic_response_t) topics;
} broker_list_offsets_response_t;

extern const broker_proto_message_t broker_list_offsets_request_message;
extern const broker_proto_message_t broker_list_offsets_response_message;

/* Decode: 0, or -1 with the reason in r (nothing to free then). */
int broker_list_offsets_request_decode(broker_proto_reader_t *r, int16_t version,
                                       broker_list_offsets_request_t *req);
void broker_list_offsets_request_free(broker_list_offsets_request_t *req);
void broker_list_offsets_response_encode(sluice_buf_t *out, int16_t version,
                                         const broker_list_offsets_response_t *resp);

/* The other direction, for tests and tools. */
void broker_list_offsets_request_encode(sluice_buf_t *out, int16_t version,
                                        const broker_list_offsets_request_t *req);
int broker_list_offsets_response_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_list_offsets_response_t *resp);
void broker_list_offsets_response_free(broker_list_offsets_response_t *resp);

#endif
