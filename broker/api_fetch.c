/* Fetch v4-11: field tables and typed wrappers (see api_fetch.h). */
#include "api_fetch.h"

#define VMAX BROKER_PROTO_VMAX

/* FetchRequest.json */
static const broker_proto_field_t partition_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_fetch_partition_t, partition, "Partition", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_fetch_partition_t, current_leader_epoch, "CurrentLeaderEpoch",
                       9, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT64, broker_fetch_partition_t, fetch_offset, "FetchOffset", 0, VMAX),
    BROKER_PROTO_FIELD(INT64, broker_fetch_partition_t, log_start_offset, "LogStartOffset", 5, VMAX,
                       BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT32, broker_fetch_partition_t, partition_max_bytes, "PartitionMaxBytes", 0,
                       VMAX),
};
static const broker_proto_struct_t partition_struct =
    BROKER_PROTO_STRUCT_DEF("FetchPartition", partition_fields);

static const broker_proto_field_t topic_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_fetch_topic_t, topic, "Topic", 0, 12),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_topic_t, partitions, "Partitions", 0, VMAX,
                       BROKER_PROTO_STRUCTS(partition_struct, broker_fetch_partition_t)),
};
static const broker_proto_struct_t topic_struct =
    BROKER_PROTO_STRUCT_DEF("FetchTopic", topic_fields);

static const broker_proto_field_t forgotten_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_fetch_forgotten_topic_t, topic, "Topic", 7, 12),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_forgotten_topic_t, partitions, "Partitions", 7, VMAX,
                       BROKER_PROTO_ELEMS(INT32, int32_t)),
};
static const broker_proto_struct_t forgotten_struct =
    BROKER_PROTO_STRUCT_DEF("ForgottenTopic", forgotten_fields);

static const broker_proto_field_t request_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_fetch_request_t, replica_id, "ReplicaId", 0, 14,
                       BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT32, broker_fetch_request_t, max_wait_ms, "MaxWaitMs", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_fetch_request_t, min_bytes, "MinBytes", 0, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_fetch_request_t, max_bytes, "MaxBytes", 3, VMAX,
                       BROKER_PROTO_DEFAULT(0x7fffffff)),
    BROKER_PROTO_FIELD(INT8, broker_fetch_request_t, isolation_level, "IsolationLevel", 4, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_fetch_request_t, session_id, "SessionId", 7, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_fetch_request_t, session_epoch, "SessionEpoch", 7, VMAX,
                       BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_request_t, topics, "Topics", 0, VMAX,
                       BROKER_PROTO_STRUCTS(topic_struct, broker_fetch_topic_t)),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_request_t, forgotten_topics_data, "ForgottenTopicsData",
                       7, VMAX,
                       BROKER_PROTO_STRUCTS(forgotten_struct, broker_fetch_forgotten_topic_t)),
    BROKER_PROTO_FIELD(STRING, broker_fetch_request_t, rack_id, "RackId", 11, VMAX),
};

const broker_proto_message_t broker_fetch_request_message =
    BROKER_PROTO_MESSAGE_DEF("FetchRequest", 1, 12, broker_fetch_request_t, request_fields);

/* FetchResponse.json */
static const broker_proto_field_t aborted_fields[] = {
    BROKER_PROTO_FIELD(INT64, broker_fetch_aborted_transaction_t, producer_id, "ProducerId", 4,
                       VMAX),
    BROKER_PROTO_FIELD(INT64, broker_fetch_aborted_transaction_t, first_offset, "FirstOffset", 4,
                       VMAX),
};
static const broker_proto_struct_t aborted_struct =
    BROKER_PROTO_STRUCT_DEF("AbortedTransaction", aborted_fields);

static const broker_proto_field_t partition_data_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_fetch_partition_data_t, partition_index, "PartitionIndex", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT16, broker_fetch_partition_data_t, error_code, "ErrorCode", 0, VMAX),
    BROKER_PROTO_FIELD(INT64, broker_fetch_partition_data_t, high_watermark, "HighWatermark", 0,
                       VMAX),
    BROKER_PROTO_FIELD(INT64, broker_fetch_partition_data_t, last_stable_offset, "LastStableOffset",
                       4, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(INT64, broker_fetch_partition_data_t, log_start_offset, "LogStartOffset", 5,
                       VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_partition_data_t, aborted_transactions,
                       "AbortedTransactions", 4, VMAX, BROKER_PROTO_NULLABLE(4),
                       BROKER_PROTO_STRUCTS(aborted_struct, broker_fetch_aborted_transaction_t)),
    BROKER_PROTO_FIELD(INT32, broker_fetch_partition_data_t, preferred_read_replica,
                       "PreferredReadReplica", 11, VMAX, BROKER_PROTO_DEFAULT(-1)),
    BROKER_PROTO_FIELD(RECORDS, broker_fetch_partition_data_t, records, "Records", 0, VMAX,
                       BROKER_PROTO_NULLABLE(0)),
};
static const broker_proto_struct_t partition_data_struct =
    BROKER_PROTO_STRUCT_DEF("PartitionData", partition_data_fields);

static const broker_proto_field_t topic_response_fields[] = {
    BROKER_PROTO_FIELD(STRING, broker_fetch_topic_response_t, topic, "Topic", 0, 12),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_topic_response_t, partitions, "Partitions", 0, VMAX,
                       BROKER_PROTO_STRUCTS(partition_data_struct, broker_fetch_partition_data_t)),
};
static const broker_proto_struct_t topic_response_struct =
    BROKER_PROTO_STRUCT_DEF("FetchableTopicResponse", topic_response_fields);

static const broker_proto_field_t response_fields[] = {
    BROKER_PROTO_FIELD(INT32, broker_fetch_response_t, throttle_time_ms, "ThrottleTimeMs", 1, VMAX),
    BROKER_PROTO_FIELD(INT16, broker_fetch_response_t, error_code, "ErrorCode", 7, VMAX),
    BROKER_PROTO_FIELD(INT32, broker_fetch_response_t, session_id, "SessionId", 7, VMAX),
    BROKER_PROTO_FIELD(ARRAY, broker_fetch_response_t, responses, "Responses", 0, VMAX,
                       BROKER_PROTO_STRUCTS(topic_response_struct, broker_fetch_topic_response_t)),
};

const broker_proto_message_t broker_fetch_response_message =
    BROKER_PROTO_MESSAGE_DEF("FetchResponse", 1, 12, broker_fetch_response_t, response_fields);

BROKER_PROTO_DEFINE_CODEC_NO_RESPONSE_ENCODE(fetch)

void broker_fetch_response_encode(sluice_buf_t *out, broker_proto_splices_t *splices,
                                  int16_t version, const broker_fetch_response_t *resp)
{
    broker_proto_encode(out, splices, &broker_fetch_response_message, version, resp);
}
