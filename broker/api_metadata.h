/*
 * Metadata (api key 3), versions 0-6. Schema:
 * clients/src/main/resources/common/message/Metadata{Request,Response}.json.
 *
 * Request topics: in v0 an EMPTY array means all topics; from v1 a NULL
 * array (topics.count == -1) means all topics and an empty one means none.
 * allow_auto_topic_creation is true below v4 (the JSON default).
 * A decoded request points into its frame, which must outlive it.
 */
#ifndef BROKER_API_METADATA_H
#define BROKER_API_METADATA_H

#include "proto_schema.h"

/* MetadataRequestTopic */
typedef struct broker_metadata_request_topic {
    broker_proto_str_t name;
} broker_metadata_request_topic_t;

typedef struct broker_metadata_request {
    BROKER_PROTO_ARRAY(broker_metadata_request_topic_t) topics; /* count -1: null */
    bool allow_auto_topic_creation;                             /* v4+, else true */
} broker_metadata_request_t;

/* MetadataResponseBroker */
typedef struct broker_metadata_response_broker {
    int32_t node_id;
    broker_proto_str_t host;
    int32_t port;
    broker_proto_str_t rack; /* v1+, nullable */
} broker_metadata_response_broker_t;

/* MetadataResponsePartition */
typedef struct broker_metadata_response_partition {
    int16_t error_code;
    int32_t partition_index;
    int32_t leader_id;
    BROKER_PROTO_ARRAY(int32_t) replica_nodes;
    BROKER_PROTO_ARRAY(int32_t) isr_nodes;
    BROKER_PROTO_ARRAY(int32_t) offline_replicas; /* v5+ */
} broker_metadata_response_partition_t;

/* MetadataResponseTopic */
typedef struct broker_metadata_response_topic {
    int16_t error_code;
    broker_proto_str_t name;
    bool is_internal; /* v1+ */
    BROKER_PROTO_ARRAY(broker_metadata_response_partition_t) partitions;
} broker_metadata_response_topic_t;

typedef struct broker_metadata_response {
    int32_t throttle_time_ms; /* v3+ */
    BROKER_PROTO_ARRAY(broker_metadata_response_broker_t) brokers;
    broker_proto_str_t cluster_id; /* v2+, nullable: send it */
    int32_t controller_id;         /* v1+: a real node id, never -1 */
    BROKER_PROTO_ARRAY(broker_metadata_response_topic_t) topics;
} broker_metadata_response_t;

extern const broker_proto_message_t broker_metadata_request_message;
extern const broker_proto_message_t broker_metadata_response_message;

/* Decode: 0, or -1 with the reason in r (nothing to free then). */
int broker_metadata_request_decode(broker_proto_reader_t *r, int16_t version,
                                   broker_metadata_request_t *req);
void broker_metadata_request_free(broker_metadata_request_t *req);
void broker_metadata_response_encode(sluice_buf_t *out, int16_t version,
                                     const broker_metadata_response_t *resp);

/* The other direction, for tests and tools. */
void broker_metadata_request_encode(sluice_buf_t *out, int16_t version,
                                    const broker_metadata_request_t *req);
int broker_metadata_response_decode(broker_proto_reader_t *r, int16_t version,
                                    broker_metadata_response_t *resp);
void broker_metadata_response_free(broker_metadata_response_t *resp);

#endif
