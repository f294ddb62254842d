/*
 * OffsetCommit (api key 8), versions 2-7, and OffsetFetch (api key 9),
 * versions 1-7 (6 and 7 are flexible). Schemas:
 * clients/src/main/resources/common/message/Offset{Commit,Fetch}{Request,Response}.json.
 *
 * OffsetFetch request topics: from v2 a NULL array (topics.count == -1) asks
 * for every partition the group has committed. librdkafka 2.0.2 asks for
 * that (rd_kafka_ListConsumerGroupOffsets with no partitions) by writing an
 * int32 0 where the array goes: an empty array in v2-5, but in the flexible
 * v6-7 its first byte is a compact null array, and the three bytes after it
 * are read as RequireStable and the tagged fields, leaving bytes that are
 * ignored (as Kafka ignores them). That is why v6-7 are advertised: against
 * Kafka too, that call lists offsets only at a flexible version. Decoded
 * requests point into their frame, which must outlive them.
 */
#ifndef BROKER_API_OFFSET_COMMIT_H
#define BROKER_API_OFFSET_COMMIT_H

#include "proto_schema.h"

/* OffsetCommitRequestPartition */
typedef struct broker_offset_commit_request_partition {
    int32_t partition_index;
    int64_t committed_offset;
    int32_t committed_leader_epoch;        /* v6+, else -1 */
    broker_proto_str_t committed_metadata; /* nullable */
} broker_offset_commit_request_partition_t;

/* OffsetCommitRequestTopic */
typedef struct broker_offset_commit_request_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_offset_commit_request_partition_t) partitions;
} broker_offset_commit_request_topic_t;

typedef struct broker_offset_commit_request {
    broker_proto_str_t group_id;
    int32_t generation_id_or_member_epoch; /* -1: a commit outside any group generation */
    broker_proto_str_t member_id;
    broker_proto_str_t group_instance_id; /* v7+, nullable */
    int64_t retention_time_ms;            /* v2-4, else -1 */
    BROKER_PROTO_ARRAY(broker_offset_commit_request_topic_t) topics;
} broker_offset_commit_request_t;

/* OffsetCommitResponsePartition */
typedef struct broker_offset_commit_response_partition {
    int32_t partition_index;
    int16_t error_code;
} broker_offset_commit_response_partition_t;

/* OffsetCommitResponseTopic */
typedef struct broker_offset_commit_response_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_offset_commit_response_partition_t) partitions;
} broker_offset_commit_response_topic_t;

typedef struct broker_offset_commit_response {
    int32_t throttle_time_ms; /* v3+ */
    BROKER_PROTO_ARRAY(broker_offset_commit_response_topic_t) topics;
} broker_offset_commit_response_t;

/* OffsetFetchRequestTopic */
typedef struct broker_offset_fetch_request_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(int32_t) partition_indexes;
} broker_offset_fetch_request_topic_t;

typedef struct broker_offset_fetch_request {
    broker_proto_str_t group_id;
    BROKER_PROTO_ARRAY(broker_offset_fetch_request_topic_t) topics; /* v2+: -1 = all */
    bool require_stable; /* v7+: the broker has no pending transactional offsets to wait for */
} broker_offset_fetch_request_t;

/* OffsetFetchResponsePartition */
typedef struct broker_offset_fetch_response_partition {
    int32_t partition_index;
    int64_t committed_offset;       /* -1 when nothing is committed */
    int32_t committed_leader_epoch; /* v5+ */
    broker_proto_str_t metadata;    /* nullable; "" when nothing is committed */
    int16_t error_code;
} broker_offset_fetch_response_partition_t;

/* OffsetFetchResponseTopic */
typedef struct broker_offset_fetch_response_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_offset_fetch_response_partition_t) partitions;
} broker_offset_fetch_response_topic_t;

typedef struct broker_offset_fetch_response {
    int32_t throttle_time_ms; /* v3+ */
    BROKER_PROTO_ARRAY(broker_offset_fetch_response_topic_t) topics;
    int16_t error_code; /* v2+, the last field */
} broker_offset_fetch_response_t;

extern const broker_proto_message_t broker_offset_commit_request_message;
extern const broker_proto_message_t broker_offset_commit_response_message;
extern const broker_proto_message_t broker_offset_fetch_request_message;
extern const broker_proto_message_t broker_offset_fetch_response_message;

/* Decode: 0, or -1 with the reason in r (nothing to free then). */
int broker_offset_commit_request_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_offset_commit_request_t *req);
void broker_offset_commit_request_free(broker_offset_commit_request_t *req);
void broker_offset_commit_response_encode(sluice_buf_t *out, int16_t version,
                                          const broker_offset_commit_response_t *resp);

int broker_offset_fetch_request_decode(broker_proto_reader_t *r, int16_t version,
                                       broker_offset_fetch_request_t *req);
void broker_offset_fetch_request_free(broker_offset_fetch_request_t *req);
void broker_offset_fetch_response_encode(sluice_buf_t *out, int16_t version,
                                         const broker_offset_fetch_response_t *resp);

/* The other direction, for tests and tools. */
void broker_offset_commit_request_encode(sluice_buf_t *out, int16_t version,
                                         const broker_offset_commit_request_t *req);
int broker_offset_commit_response_decode(broker_proto_reader_t *r, int16_t version,
                                         broker_offset_commit_response_t *resp);
void broker_offset_commit_response_free(broker_offset_commit_response_t *resp);
void broker_offset_fetch_request_encode(sluice_buf_t *out, int16_t version,
                                        const broker_offset_fetch_request_t *req);
int broker_offset_fetch_response_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_offset_fetch_response_t *resp);
void broker_offset_fetch_response_free(broker_offset_fetch_response_t *resp);

#endif
