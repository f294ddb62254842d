/*
 * Administration of consumer groups: DeleteGroups (api key 42, versions 0-1)
 * and OffsetDelete (api key 47, version 0), what admin clients send to the
 * group coordinator (librdkafka's rd_kafka_DeleteGroups and
 * rd_kafka_DeleteConsumerGroupOffsets, kafka-python's
 * delete_consumer_groups). Schemas:
 * clients/src/main/resources/common/message/{DeleteGroups,OffsetDelete}{Request,Response}.json.
 *
 * DeleteGroups v2 (flexible) is not advertised: no client we serve needs it.
 * OffsetDelete has no other version. Decoded requests point into their
 * frame, which must outlive them.
 */
#ifndef BROKER_API_GROUP_ADMIN_H
#define BROKER_API_GROUP_ADMIN_H

#include "proto_schema.h"

/* DeleteGroups */

typedef struct broker_delete_groups_request {
    BROKER_PROTO_ARRAY(broker_proto_str_t) groups_names;
} broker_delete_groups_request_t;

/* DeletableGroupResult */
typedef struct broker_deletable_group_result {
    broker_proto_str_t group_id;
    int16_t error_code;
} broker_deletable_group_result_t;

typedef struct broker_delete_groups_response {
    int32_t throttle_time_ms;
    BROKER_PROTO_ARRAY(broker_deletable_group_result_t) results;
} broker_delete_groups_response_t;

/* OffsetDelete */

/* OffsetDeleteRequestPartition */
typedef struct broker_offset_delete_request_partition {
    int32_t partition_index;
} broker_offset_delete_request_partition_t;

/* OffsetDeleteRequestTopic */
typedef struct broker_offset_delete_request_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_offset_delete_request_partition_t) partitions;
} broker_offset_delete_request_topic_t;

typedef struct broker_offset_delete_request {
    broker_proto_str_t group_id;
    BROKER_PROTO_ARRAY(broker_offset_delete_request_topic_t) topics;
} broker_offset_delete_request_t;

/* OffsetDeleteResponsePartition */
typedef struct broker_offset_delete_response_partition {
    int32_t partition_index;
    int16_t error_code;
} broker_offset_delete_response_partition_t;

/* OffsetDeleteResponseTopic */
typedef struct broker_offset_delete_response_topic {
    broker_proto_str_t name;
    BROKER_PROTO_ARRAY(broker_offset_delete_response_partition_t) partitions;
} broker_offset_delete_response_topic_t;

typedef struct broker_offset_delete_response {
    int16_t error_code; /* top level: then topics is empty */
    int32_t throttle_time_ms;
    BROKER_PROTO_ARRAY(broker_offset_delete_response_topic_t) topics;
} broker_offset_delete_response_t;

extern const broker_proto_message_t broker_delete_groups_request_message;
extern const broker_proto_message_t broker_delete_groups_response_message;
extern const broker_proto_message_t broker_offset_delete_request_message;
extern const broker_proto_message_t broker_offset_delete_response_message;

/*
 * For each API: _request_decode returns 0, or -1 with the reason in r
 * (nothing to free then); _request_free frees a decoded request's arrays;
 * _response_encode appends the response body of the version to out. The
 * request encoders and response decoders are for tests and tools. Any
 * thread.
 */
int broker_delete_groups_request_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_delete_groups_request_t *req);
void broker_delete_groups_request_free(broker_delete_groups_request_t *req);
void broker_delete_groups_response_encode(sluice_buf_t *out, int16_t version,
                                          const broker_delete_groups_response_t *resp);
void broker_delete_groups_request_encode(sluice_buf_t *out, int16_t version,
                                         const broker_delete_groups_request_t *req);
int broker_delete_groups_response_decode(broker_proto_reader_t *r, int16_t version,
                                         broker_delete_groups_response_t *resp);
void broker_delete_groups_response_free(broker_delete_groups_response_t *resp);

int broker_offset_delete_request_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_offset_delete_request_t *req);
void broker_offset_delete_request_free(broker_offset_delete_request_t *req);
void broker_offset_delete_response_encode(sluice_buf_t *out, int16_t version,
                                          const broker_offset_delete_response_t *resp);
void broker_offset_delete_request_encode(sluice_buf_t *out, int16_t version,
                                         const broker_offset_delete_request_t *req);
int broker_offset_delete_response_decode(broker_proto_reader_t *r, int16_t version,
                                         broker_offset_delete_response_t *resp);
void broker_offset_delete_response_free(broker_offset_delete_response_t *resp);

#endif
