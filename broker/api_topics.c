/* Topic administration APIs: field tables and typed wrappers (see api_topics.h). */
#include "api_topics.h"

#define VMAX BROKER_PROTO_VMAX

/* CreateTopicsRequest.json */
static const broker_proto_field_t create_assignment_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_create_topics_assignment_t, partition_index, "PartitionIndex",
                       0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_create_topics_assignment_t, broker_ids, "BrokerIds", 0, VMAX,
                       BROKER_PROTO_ELEMS(INT32, int32_t)),
};
static const broker_proto_struct_t create_assignment_struct =
    BROKER_PROTO_STRUCT_DEF("CreatableReplicaAssignment", create_assignment_fields);

static const broker_proto_field_t create_config_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_create_topics_config_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_create_topics_config_t, value, "Value", 0, VMAX,
                       BROKER_PROTO_NULLABLE(0)),
};
static const broker_proto_struct_t create_config_struct =
    BROKER_PROTO_STRUCT_DEF("CreatableTopicConfig", create_config_fields);

static const broker_proto_field_t creatable_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_creatable_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_creatable_topic_t, num_partitions, "NumPartitions", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_creatable_topic_t, replication_factor, "ReplicationFactor", 0,
                       VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_creatable_topic_t, assignments, "Assignments", 0, VMAX,
        BROKER_PROTO_STRUCTS(create_assignment_struct, broker_create_topics_assignment_t)),
    BROKER_PROTO_FIELD(ARRAY, broker_creatable_topic_t, configs, "Configs", 0, VMAX,
                       BROKER_PROTO_STRUCTS(create_config_struct, broker_create_topics_config_t)),
};
static const broker_proto_struct_t creatable_topic_struct =
    BROKER_PROTO_STRUCT_DEF("CreatableTopic", creatable_topic_fields);

static const broker_proto_field_t create_topics_request_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_create_topics_request_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_STRUCTS(creatable_topic_struct, broker_creatable_topic_t)),
    BROKER_PROTO_FIELD(INT32, broker_create_topics_request_t, timeout_ms, "timeoutMs", 0, VMAX,
                       BROKER_PROTO_DEFAULT(60000)),
    BROKER_PROTO_FIELD(BOOL, broker_create_topics_request_t, validate_only, "validateOnly", 1,
                       VMAX),
};
const broker_proto_message_t broker_create_topics_request_message = BROKER_PROTO_MESSAGE_DEF(
    "CreateTopicsRequest", 19, 5, broker_create_topics_request_t, create_topics_request_fields);

/* CreateTopicsResponse.json (v5+ adds the topic's settings; not described) */
static const broker_proto_field_t creatable_result_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_creatable_topic_result_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_creatable_topic_result_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_creatable_topic_result_t, error_message, "ErrorMessage", 1,
                       VMAX, BROKER_PROTO_NULLABLE(0)),
};
static const broker_proto_struct_t creatable_result_struct =
    BROKER_PROTO_STRUCT_DEF("CreatableTopicResult", creatable_result_fields);

static const broker_proto_field_t create_topics_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_create_topics_response_t, throttle_time_ms, "ThrottleTimeMs",
                       2, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_create_topics_response_t, topics, "Topics", 0, VMAX,
        BROKER_PROTO_STRUCTS(creatable_result_struct, broker_creatable_topic_result_t)),
};
const broker_proto_message_t broker_create_topics_response_message = BROKER_PROTO_MESSAGE_DEF(
    "CreateTopicsResponse", 19, 5, broker_create_topics_response_t, create_topics_response_fields);

/* DeleteTopicsRequest.json / DeleteTopicsResponse.json (v5+ not described) */
static const broker_proto_field_t delete_topics_request_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_delete_topics_request_t, topic_names, "TopicNames", 0, 5,
                       BROKER_PROTO_ELEMS(STRING, broker_proto_str_t)),
    BROKER_PROTO_FIELD(INT32, broker_delete_topics_request_t, timeout_ms, "TimeoutMs", 0, VMAX),
};
const broker_proto_message_t broker_delete_topics_request_message = BROKER_PROTO_MESSAGE_DEF(
    "DeleteTopicsRequest", 20, 4, broker_delete_topics_request_t, delete_topics_request_fields);

static const broker_proto_field_t deletable_result_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_deletable_topic_result_t, name, "Name", 0, VMAX,
                       BROKER_PROTO_NULLABLE(6)),
    BROKER_PROTO_FIELD(INT16, broker_deletable_topic_result_t, error_code, "ErrorCode", 0, VMAX),
};
static const broker_proto_struct_t deletable_result_struct =
    BROKER_PROTO_STRUCT_DEF("DeletableTopicResult", deletable_result_fields);

static const broker_proto_field_t delete_topics_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_delete_topics_response_t, throttle_time_ms, "ThrottleTimeMs",
                       1, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_delete_topics_response_t, responses, "Responses", 0, VMAX,
        BROKER_PROTO_STRUCTS(deletable_result_struct, broker_deletable_topic_result_t)),
};
const broker_proto_message_t broker_delete_topics_response_message = BROKER_PROTO_MESSAGE_DEF(
    "DeleteTopicsResponse", 20, 4, broker_delete_topics_response_t, delete_topics_response_fields);

/* CreatePartitionsRequest.json / CreatePartitionsResponse.json */
static const broker_proto_field_t partitions_assignment_fields[] = {
    BROKER_PROTO_FIELD(ARRAY, broker_create_partitions_assignment_t, broker_ids, "BrokerIds", 0,
                       VMAX, BROKER_PROTO_ELEMS(INT32, int32_t)),
};
static const broker_proto_struct_t partitions_assignment_struct =
    BROKER_PROTO_STRUCT_DEF("CreatePartitionsAssignment", partitions_assignment_fields);

static const broker_proto_field_t partitions_topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_create_partitions_topic_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_create_partitions_topic_t, count, "Count", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_create_partitions_topic_t, assignments, "Assignments", 0, VMAX,
        BROKER_PROTO_NULLABLE(0),
        BROKER_PROTO_STRUCTS(partitions_assignment_struct, broker_create_partitions_assignment_t)),
};
static const broker_proto_struct_t partitions_topic_struct =
    BROKER_PROTO_STRUCT_DEF("CreatePartitionsTopic", partitions_topic_fields);

static const broker_proto_field_t create_partitions_request_fields[] = {
    BROKER_PROTO_FIELD(
        ARRAY, broker_create_partitions_request_t, topics, "Topics", 0, VMAX,
        BROKER_PROTO_STRUCTS(partitions_topic_struct, broker_create_partitions_topic_t)),
    BROKER_PROTO_FIELD(INT32, broker_create_partitions_request_t, timeout_ms, "TimeoutMs", 0, VMAX),
    BROKER_PROTO_FIELD(BOOL, broker_create_partitions_request_t, validate_only, "ValidateOnly", 0,
                       VMAX),
};
const broker_proto_message_t broker_create_partitions_request_message =
    BROKER_PROTO_MESSAGE_DEF("CreatePartitionsRequest", 37, 2, broker_create_partitions_request_t,
                             create_partitions_request_fields);

static const broker_proto_field_t partitions_result_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_create_partitions_topic_result_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_create_partitions_topic_result_t, error_code, "ErrorCode", 0,
                       VMAX),
    BROKER_PROTO_FIELD(STRING, broker_create_partitions_topic_result_t, error_message,
                       "ErrorMessage", 0, VMAX, BROKER_PROTO_NULLABLE(0)),
};
static const broker_proto_struct_t partitions_result_struct =
    BROKER_PROTO_STRUCT_DEF("CreatePartitionsTopicResult", partitions_result_fields);

static const broker_proto_field_t create_partitions_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_create_partitions_response_t, throttle_time_ms,
                       "ThrottleTimeMs", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_create_partitions_response_t, results, "Results", 0, VMAX,
        BROKER_PROTO_STRUCTS(partitions_result_struct, broker_create_partitions_topic_result_t)),
};
const broker_proto_message_t broker_create_partitions_response_message =
    BROKER_PROTO_MESSAGE_DEF("CreatePartitionsResponse", 37, 2, broker_create_partitions_response_t,
                             create_partitions_response_fields);

/* DescribeConfigsRequest.json (v3's IncludeDocumentation not described) */
static const broker_proto_field_t configs_resource_fields[] = {
    BROKER_PROTO_FIELD(INT8, broker_describe_configs_resource_t, resource_type, "ResourceType", 0,
                       VMAX),
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_resource_t, resource_name, "ResourceName", 0,
                       VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_describe_configs_resource_t, configuration_keys,
                       "ConfigurationKeys", 0, VMAX, BROKER_PROTO_NULLABLE(0),
                       BROKER_PROTO_ELEMS(STRING, broker_proto_str_t)),
};
static const broker_proto_struct_t configs_resource_struct =
    BROKER_PROTO_STRUCT_DEF("DescribeConfigsResource", configs_resource_fields);

static const broker_proto_field_t describe_configs_request_fields[] = {
    BROKER_PROTO_FIELD(
        ARRAY, broker_describe_configs_request_t, resources, "Resources", 0, VMAX,
        BROKER_PROTO_STRUCTS(configs_resource_struct, broker_describe_configs_resource_t)),
    BROKER_PROTO_FIELD(BOOL, broker_describe_configs_request_t, include_synonyms, "IncludeSynonyms",
                       1, VMAX),
};
const broker_proto_message_t broker_describe_configs_request_message =
    BROKER_PROTO_MESSAGE_DEF("DescribeConfigsRequest", 32, 4, broker_describe_configs_request_t,
                             describe_configs_request_fields);

/* DescribeConfigsResponse.json (v3's ConfigType/Documentation not described) */
static const broker_proto_field_t synonym_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_synonym_t, name, "Name", 1, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_synonym_t, value, "Value", 1, VMAX,
                       BROKER_PROTO_NULLABLE(0)),
    BROKER_PROTO_FIELD(INT8, broker_describe_configs_synonym_t, source, "Source", 1, VMAX),
};
static const broker_proto_struct_t synonym_struct =
    BROKER_PROTO_STRUCT_DEF("DescribeConfigsSynonym", synonym_fields);

static const broker_proto_field_t resource_result_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_resource_result_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_resource_result_t, value, "Value", 0, VMAX,
                       BROKER_PROTO_NULLABLE(0)),
    BROKER_PROTO_FIELD(BOOL, broker_describe_configs_resource_result_t, read_only, "ReadOnly", 0,
                       VMAX),
    BROKER_PROTO_FIELD(BOOL, broker_describe_configs_resource_result_t, is_default, "IsDefault", 0,
                       0),
    BROKER_PROTO_FIELD(INT8, broker_describe_configs_resource_result_t, config_source,
                       "ConfigSource", 1, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(BOOL, broker_describe_configs_resource_result_t, is_sensitive, "IsSensitive",
                       0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_describe_configs_resource_result_t, synonyms, "Synonyms", 1,
                       VMAX,
                       BROKER_PROTO_STRUCTS(synonym_struct, broker_describe_configs_synonym_t)),
};
static const broker_proto_struct_t resource_result_struct =
    BROKER_PROTO_STRUCT_DEF("DescribeConfigsResourceResult", resource_result_fields);

static const broker_proto_field_t configs_result_fields[] = {
    BROKER_PROTO_FIELD(INT16, broker_describe_configs_result_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_result_t, error_message, "ErrorMessage", 0,
                       VMAX, BROKER_PROTO_NULLABLE(0)),
    BROKER_PROTO_FIELD(INT8, broker_describe_configs_result_t, resource_type, "ResourceType", 0,
                       VMAX),
    BROKER_PROTO_FIELD(STRING, broker_describe_configs_result_t, resource_name, "ResourceName", 0,
                       VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_describe_configs_result_t, configs, "Configs", 0, VMAX,
        BROKER_PROTO_STRUCTS(resource_result_struct, broker_describe_configs_resource_result_t)),
};
static const broker_proto_struct_t configs_result_struct =
    BROKER_PROTO_STRUCT_DEF("DescribeConfigsResult", configs_result_fields);

static const broker_proto_field_t describe_configs_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_describe_configs_response_t, throttle_time_ms,
                       "ThrottleTimeMs", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_describe_configs_response_t, results, "Results", 0, VMAX,
        BROKER_PROTO_STRUCTS(configs_result_struct, broker_describe_configs_result_t)),
};
const broker_proto_message_t broker_describe_configs_response_message =
    BROKER_PROTO_MESSAGE_DEF("DescribeConfigsResponse", 32, 4, broker_describe_configs_response_t,
                             describe_configs_response_fields);

BROKER_PROTO_DEFINE_CODEC(create_topics)
BROKER_PROTO_DEFINE_CODEC(delete_topics)
BROKER_PROTO_DEFINE_CODEC(create_partitions)
BROKER_PROTO_DEFINE_CODEC(describe_configs)
