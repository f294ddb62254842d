/*
 * Fetch (api key 1), versions 4-11. Schema:
 * clients/src/main/resources/common/message/Fetch{Request,Response}.json.
 *
 * Zero-copy responses. A partition's records are not copied into the
 * response: the handler fills `records.ranges` with the (fd, position,
 * length) ranges of whole record batches that storage hands out, and
 * broker_fetch_response_encode() writes every other byte of the response into
 * the buffer, including each partition's records length (the sum of its
 * ranges), and adds one splice per range at the point where its bytes belong
 * (proto_writer.h). The server sends the buffer and the ranges interleaved,
 * buffer pieces with write(2) and ranges with sendfile(2), and the frame size
 * counts the spliced bytes (broker_proto_response_end(..., spliced)).
 *
 * Why splices rather than "encode the partition header, let the caller
 * append": the encoder stays the only code that knows the field order of
 * each version (PreferredReadReplica sits before Records in v11, later
 * versions add tagged fields after it), and the server's send loop is one
 * generic "buffer piece, file range, buffer piece" walk shared by every
 * response. Records may also be given inline (`records.bytes`), which tests
 * use and which go before the ranges.
 *
 * A decoded request points into its frame (topic names, rack id): the frame
 * must outlive it.
 */
#ifndef BROKER_API_FETCH_H
#define BROKER_API_FETCH_H

#include "proto_schema.h"

/* FetchPartition */
typedef struct broker_fetch_partition {
    int32_t partition;
    int32_t current_leader_epoch; /* v9+, else -1 */
    int64_t fetch_offset;
    int64_t log_start_offset; /* v5+ (followers only), else -1 */
    int32_t partition_max_bytes;
} broker_fetch_partition_t;

/* FetchTopic */
typedef struct broker_fetch_topic {
    broker_proto_str_t topic;
    BROKER_PROTO_ARRAY(broker_fetch_partition_t) partitions;
} broker_fetch_topic_t;

/* ForgottenTopic (v7+; fetch sessions, which the broker does not keep) */
typedef struct broker_fetch_forgotten_topic {
    broker_proto_str_t topic;
    BROKER_PROTO_ARRAY(int32_t) partitions;
} broker_fetch_forgotten_topic_t;

typedef struct broker_fetch_request {
    int32_t replica_id; /* -1 for consumers */
    int32_t max_wait_ms;
    int32_t min_bytes;
    int32_t max_bytes;
    int8_t isolation_level; /* 0 read_uncommitted, 1 read_committed */
    int32_t session_id;     /* v7+, else 0 */
    int32_t session_epoch;  /* v7+, else -1 */
    BROKER_PROTO_ARRAY(broker_fetch_topic_t) topics;
    BROKER_PROTO_ARRAY(broker_fetch_forgotten_topic_t) forgotten_topics_data;
    broker_proto_str_t rack_id; /* v11+, else "" */
} broker_fetch_request_t;

/* AbortedTransaction */
typedef struct broker_fetch_aborted_transaction {
    int64_t producer_id;
    int64_t first_offset;
} broker_fetch_aborted_transaction_t;

/* PartitionData */
typedef struct broker_fetch_partition_data {
    int32_t partition_index;
    int16_t error_code;
    int64_t high_watermark;
    int64_t last_stable_offset; /* = high_watermark without transactions */
    int64_t log_start_offset;   /* v5+ */
    /* Encoded as an empty array when count is 0 (never null unless count
     * is -1): clients that turn null into None are spared. */
    BROKER_PROTO_ARRAY(broker_fetch_aborted_transaction_t) aborted_transactions;
    int32_t preferred_read_replica; /* v11+: set -1, or librdkafka redirects */
    broker_proto_records_t records;
} broker_fetch_partition_data_t;

/* FetchableTopicResponse */
typedef struct broker_fetch_topic_response {
    broker_proto_str_t topic;
    BROKER_PROTO_ARRAY(broker_fetch_partition_data_t) partitions;
} broker_fetch_topic_response_t;

typedef struct broker_fetch_response {
    int32_t throttle_time_ms;
    int16_t error_code; /* v7+ */
    int32_t session_id; /* v7+: 0, no session */
    BROKER_PROTO_ARRAY(broker_fetch_topic_response_t) responses;
} broker_fetch_response_t;

extern const broker_proto_message_t broker_fetch_request_message;
extern const broker_proto_message_t broker_fetch_response_message;

/* Decodes a request body; 0, or -1 with the reason in r (nothing to free
 * then). */
int broker_fetch_request_decode(broker_proto_reader_t *r, int16_t version,
                                broker_fetch_request_t *req);
void broker_fetch_request_free(broker_fetch_request_t *req);

/* Appends the response body of `version` to out, adding a splice to splices
 * for every file range of every partition's records (splices may be NULL when
 * no partition has ranges). The caller adds splices->total_len growth to the
 * frame size. */
void broker_fetch_response_encode(sluice_buf_t *out, broker_proto_splices_t *splices,
                                  int16_t version, const broker_fetch_response_t *resp);

/* The other direction, for tests and tools. */
void broker_fetch_request_encode(sluice_buf_t *out, int16_t version,
                                 const broker_fetch_request_t *req);
int broker_fetch_response_decode(broker_proto_reader_t *r, int16_t version,
                                 broker_fetch_response_t *resp);
void broker_fetch_response_free(broker_fetch_response_t *resp);

#endif
