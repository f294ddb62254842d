/*
 * Topic administration: CreateTopics (api key 19, versions 0-4), DeleteTopics
 * (20, 0-3), CreatePartitions (37, 0-1) and DescribeConfigs (32, 0-2).
 * Schemas: clients/src/main/resources/common/message/<Name>{Request,Response}.json.
 * Decoded requests point into their frame, which must outlive them.
 */
#ifndef BROKER_API_TOPICS_H
#define BROKER_API_TOPICS_H

#include "proto_schema.h"

/* CreateTopics */

/* CreatableReplicaAssignment */
typedef struct broker_create_topics_assignment {
    int32_t partition_index;
    BROKER_PROTO_ARRAY(int32_t) broker_ids;
} broker_create_topics_assignment_t;

/* CreatableTopicConfig */
typedef struct broker_create_topics_config {
    broker_proto_str_t name;
    broker_proto_str_t value; /* nullable */
} broker_create_topics_config_t;

/* CreatableTopic */
typedef struct broker_creatable_topic {
    broker_proto_str_t name;
    int32_t num_partitions;     /* -1 (v4+): the broker's num.partitions */
    int16_t replication_factor; /* -1 (v4+): the broker's default */
    BROKER_PROTO_ARRAY(broker_create_topics_assignment_t) assignments;
    BROKER_PROTO_ARRAY(broker_create_topics_config_t) configs;
} broker_creatable_topic_t;

typedef struct broker_create_topics_request {
    BROKER_PROTO_ARRAY(broker_creatable_topic_t) topics;
    int32_t timeout_ms;
    bool validate_only; /* v1+ */
} broker_create_topics_request_t;

/* CreatableTopicResult */
typedef struct broker_creatable_topic_result {
    broker_proto_str_t name;
    int16_t error_code;
    broker_proto_str_t error_message; /* v1+, nullable */
} broker_creatable_topic_result_t;

typedef struct broker_create_topics_response {
    int32_t throttle_time_ms; /* v2+ */
    BROKER_PROTO_ARRAY(broker_creatable_topic_result_t) topics;
} broker_create_topics_response_t;

/* DeleteTopics */

typedef struct broker_delete_topics_request {
    BROKER_PROTO_ARRAY(broker_proto_str_t) topic_names;
    int32_t timeout_ms;
} broker_delete_topics_request_t;

/* DeletableTopicResult */
typedef struct broker_deletable_topic_result {
    broker_proto_str_t name;
    int16_t error_code;
} broker_deletable_topic_result_t;

typedef struct broker_delete_topics_response {
    int32_t throttle_time_ms; /* v1+ */
    BROKER_PROTO_ARRAY(broker_deletable_topic_result_t) responses;
} broker_delete_topics_response_t;

/* CreatePartitions */

/* CreatePartitionsAssignment */
typedef struct broker_create_partitions_assignment {
    BROKER_PROTO_ARRAY(int32_t) broker_ids;
} broker_create_partitions_assignment_t;

/* CreatePartitionsTopic */
typedef struct broker_create_partitions_topic {
    broker_proto_str_t name;
    int32_t count; /* the new total partition count */
    BROKER_PROTO_ARRAY(broker_create_partitions_assignment_t) assignments; /* nullable */
} broker_create_partitions_topic_t;

typedef struct broker_create_partitions_request {
    BROKER_PROTO_ARRAY(broker_create_partitions_topic_t) topics;
    int32_t timeout_ms;
    bool validate_only;
} broker_create_partitions_request_t;

/* CreatePartitionsTopicResult */
typedef struct broker_create_partitions_topic_result {
    broker_proto_str_t name;
    int16_t error_code;
    broker_proto_str_t error_message; /* nullable */
} broker_create_partitions_topic_result_t;

typedef struct broker_create_partitions_response {
    int32_t throttle_time_ms;
    BROKER_PROTO_ARRAY(broker_create_partitions_topic_result_t) results;
} broker_create_partitions_response_t;

/* DescribeConfigs */

/* DescribeConfigsResource */
typedef struct broker_describe_configs_resource {
    int8_t resource_type; /* 2 topic, 4 broker */
    broker_proto_str_t resource_name;
    BROKER_PROTO_ARRAY(broker_proto_str_t) configuration_keys; /* -1 (null): all keys */
} broker_describe_configs_resource_t;

typedef struct broker_describe_configs_request {
    BROKER_PROTO_ARRAY(broker_describe_configs_resource_t) resources;
    bool include_synonyms; /* v1+ */
} broker_describe_configs_request_t;

/* DescribeConfigsSynonym */
typedef struct broker_describe_configs_synonym {
    broker_proto_str_t name;
    broker_proto_str_t value; /* nullable */
    int8_t source;
} broker_describe_configs_synonym_t;

/* DescribeConfigsResourceResult */
typedef struct broker_describe_configs_resource_result {
    broker_proto_str_t name;
    broker_proto_str_t value; /* nullable */
    bool read_only;
    bool is_default;      /* v0 only */
    int8_t config_source; /* v1+ */
    bool is_sensitive;
    BROKER_PROTO_ARRAY(broker_describe_configs_synonym_t) synonyms; /* v1+ */
} broker_describe_configs_resource_result_t;

/* DescribeConfigsResult */
typedef struct broker_describe_configs_result {
    int16_t error_code;
    broker_proto_str_t error_message; /* nullable */
    int8_t resource_type;
    broker_proto_str_t resource_name;
    BROKER_PROTO_ARRAY(broker_describe_configs_resource_result_t) configs;
} broker_describe_configs_result_t;

typedef struct broker_describe_configs_response {
    int32_t throttle_time_ms;
    BROKER_PROTO_ARRAY(broker_describe_configs_result_t) results;
} broker_describe_configs_response_t;

extern const broker_proto_message_t broker_create_topics_request_message;
extern const broker_proto_message_t broker_create_topics_response_message;
extern const broker_proto_message_t broker_delete_topics_request_message;
extern const broker_proto_message_t broker_delete_topics_response_message;
extern const broker_proto_message_t broker_create_partitions_request_message;
extern const broker_proto_message_t broker_create_partitions_response_message;
extern const broker_proto_message_t broker_describe_configs_request_message;
extern const broker_proto_message_t broker_describe_configs_response_message;

/*
 * For each API: _request_decode returns 0, or -1 with the reason in r
 * (nothing to free then); _request_free frees a decoded request's arrays;
 * _response_encode appends the response body of the version to out. The
 * request encoders and response decoders are for tests and tools.
 */
int broker_create_topics_request_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_create_topics_request_t *req);
void broker_create_topics_request_free(broker_create_topics_request_t *req);
void broker_create_topics_response_encode(sluice_buf_t *out, int16_t version,
                                          const broker_create_topics_response_t *resp);
void broker_create_topics_request_encode(sluice_buf_t *out, int16_t version,
                                         const broker_create_topics_request_t *req);
int broker_create_topics_response_decode(broker_proto_reader_t *r, int16_t version,
                                         broker_create_topics_response_t *resp);
void broker_create_topics_response_free(broker_create_topics_response_t *resp);

int broker_delete_topics_request_decode(broker_proto_reader_t *r, int16_t version,
                                        broker_delete_topics_request_t *req);
void broker_delete_topics_request_free(broker_delete_topics_request_t *req);
void broker_delete_topics_response_encode(sluice_buf_t *out, int16_t version,
                                          const broker_delete_topics_response_t *resp);
void broker_delete_topics_request_encode(sluice_buf_t *out, int16_t version,
                                         const broker_delete_topics_request_t *req);
int broker_delete_topics_response_decode(broker_proto_reader_t *r, int16_t version,
                                         broker_delete_topics_response_t *resp);
void broker_delete_topics_response_free(broker_delete_topics_response_t *resp);

int broker_create_partitions_request_decode(broker_proto_reader_t *r, int16_t version,
                                            broker_create_partitions_request_t *req);
void broker_create_partitions_request_free(broker_create_partitions_request_t *req);
void broker_create_partitions_response_encode(sluice_buf_t *out, int16_t version,
                                              const broker_create_partitions_response_t *resp);
void broker_create_partitions_request_encode(sluice_buf_t *out, int16_t version,
                                             const broker_create_partitions_request_t *req);
int broker_create_partitions_response_decode(broker_proto_reader_t *r, int16_t version,
                                             broker_create_partitions_response_t *resp);
void broker_create_partitions_response_free(broker_create_partitions_response_t *resp);

int broker_describe_configs_request_decode(broker_proto_reader_t *r, int16_t version,
                                           broker_describe_configs_request_t *req);
void broker_describe_configs_request_free(broker_describe_configs_request_t *req);
void broker_describe_configs_response_encode(sluice_buf_t *out, int16_t version,
                                             const broker_describe_configs_response_t *resp);
void broker_describe_configs_request_encode(sluice_buf_t *out, int16_t version,
                                            const broker_describe_configs_request_t *req);
int broker_describe_configs_response_decode(broker_proto_reader_t *r, int16_t version,
                                            broker_describe_configs_response_t *resp);
void broker_describe_configs_response_free(broker_describe_configs_response_t *resp);

#endif
