/* Produce v3-7: field tables and typed wrappers (see api_produce.h). */
#include "api_produce.h"

#define VMAX BROKER_PROTO_VMAX

/* ProduceRequest.json */
static const broker_proto_field_t partition_data_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_produce_partition_data_t, index, "Index", 0, VMAX),
    BROKER_PROTO_FIELD(RECORDS, broker_produce_partition_data_t, records, "Records", 0, VMAX,
                       BROKER_PROTO_NULLABLE(0)),
};
static const broker_proto_struct_t partition_data_struct =
    BROKER_PROTO_STRUCT_DEF("PartitionProduceData", partition_data_fields);

static const broker_proto_field_t topic_data_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_produce_topic_data_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_produce_topic_data_t, partition_data, "PartitionData", 0, VMAX,
        BROKER_PROTO_STRUCTS(partition_data_struct, broker_produce_partition_data_t)),
};
static const broker_proto_struct_t topic_data_struct =
    BROKER_PROTO_STRUCT_DEF("TopicProduceData", topic_data_fields);

static const broker_proto_field_t request_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_produce_request_t, transactional_id, "TransactionalId", 3,
                       VMAX, BROKER_PROTO_NULLABLE(3)),
    BROKER_PROTO_FIELD(INT16, broker_produce_request_t, acks, "Acks", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_produce_request_t, timeout_ms, "TimeoutMs", 0, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_produce_request_t, topic_data, "TopicData", 0, VMAX,
                       BROKER_PROTO_STRUCTS(topic_data_struct, broker_produce_topic_data_t)),
};

const broker_proto_message_t broker_produce_request_message =
    BROKER_PROTO_MESSAGE_DEF("ProduceRequest", 0, 9, broker_produce_request_t, request_fields);

/* ProduceResponse.json */
static const broker_proto_field_t partition_response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_produce_partition_response_t, index, "Index", 0, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_produce_partition_response_t, error_code, "ErrorCode", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT64, broker_produce_partition_response_t, base_offset, "BaseOffset", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT64, broker_produce_partition_response_t, log_append_time_ms,
                       "LogAppendTimeMs", 2, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT64, broker_produce_partition_response_t, log_start_offset,
                       "LogStartOffset", 5, VMAX, BROKER_PROTO_DEFAULT(-1)),
};
static const broker_proto_struct_t partition_response_struct =
    BROKER_PROTO_STRUCT_DEF("PartitionProduceResponse", partition_response_fields);

static const broker_proto_field_t topic_response_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_produce_topic_response_t, name, "Name", 0, VMAX),
    BROKER_PROTO_FIELD(
        ARRAY, broker_produce_topic_response_t, partition_responses, "PartitionResponses", 0, VMAX,
        BROKER_PROTO_STRUCTS(partition_response_struct, broker_produce_partition_response_t)),
};
static const broker_proto_struct_t topic_response_struct =
    BROKER_PROTO_STRUCT_DEF("TopicProduceResponse", topic_response_fields);

static const broker_proto_field_t response_fields[] = {
    BROKER_PROTO_FIELD(
        ARRAY, broker_produce_response_t, responses, "Responses", 0, VMAX,
        BROKER_PROTO_STRUCTS(topic_response_struct, broker_produce_topic_response_t)),
    BROKER_PROTO_FIELD(INT32, broker_produce_response_t, throttle_time_ms, "ThrottleTimeMs", 1,
                       VMAX),
};

const broker_proto_message_t broker_produce_response_message =
    BROKER_PROTO_MESSAGE_DEF("ProduceResponse", 0, 9, broker_produce_response_t, response_fields);

BROKER_PROTO_DEFINE_CODEC(produce)
