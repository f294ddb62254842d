/*
 * Kafka record batches (magic 2, DefaultRecordBatch): reading and validating
 * the 61-byte header, walking the batches of a Produce request's records,
 * the in-place rewrites the broker makes (baseOffset, partitionLeaderEpoch)
 * and, for uncompressed batches, the records themselves.
 *
 * Layout (big-endian), kafka-protocol.md §2.2:
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32
 *  16 magic int8 | 17 crc uint32 (CRC-32C of [21, end)) | 21 attributes int16
 *  23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64
 *  43 producerId int64 | 51 producerEpoch int16 | 53 baseSequence int32
 *  57 recordsCount int32 | 61 records
 *
 * Nothing here trusts a length: every read is checked against the bytes
 * given. The functions keep no state and may be called from any thread.
 */
#ifndef BROKER_RECORD_BATCH_H
#define BROKER_RECORD_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kafka_error.h"

#define BROKER_BATCH_HEADER_SIZE 61
/* baseOffset + batchLength: the bytes not counted in batchLength. */
#define BROKER_BATCH_LOG_OVERHEAD 12
/* Where the CRC-covered part starts. */
#define BROKER_BATCH_CRC_START 21

#define BROKER_BATCH_ATTR_COMPRESSION_MASK 0x07
#define BROKER_BATCH_ATTR_LOG_APPEND_TIME 0x08
#define BROKER_BATCH_ATTR_TRANSACTIONAL 0x10
#define BROKER_BATCH_ATTR_CONTROL 0x20
#define BROKER_BATCH_ATTR_DELETE_HORIZON 0x40

typedef enum broker_compression {
    BROKER_COMPRESSION_NONE = 0,
    BROKER_COMPRESSION_GZIP = 1,
    BROKER_COMPRESSION_SNAPPY = 2,
    BROKER_COMPRESSION_LZ4 = 3,
    BROKER_COMPRESSION_ZSTD = 4
} broker_compression_t;

/* The header fields with DefaultRecordBatch's names. */
typedef struct broker_batch_header {
    int64_t base_offset;
    int32_t batch_length; /* bytes after this field: total size - 12 */
    int32_t partition_leader_epoch;
    int8_t magic;
    uint32_t crc;
    int16_t attributes;
    int32_t last_offset_delta;
    int64_t base_timestamp;
    int64_t max_timestamp;
    int64_t producer_id;
    int16_t producer_epoch;
    int32_t base_sequence;
    int32_t records_count;
} broker_batch_header_t;

/* Total bytes of the batch, header included. */
static inline size_t broker_batch_size(const broker_batch_header_t *hdr)
{
    return (size_t)hdr->batch_length + BROKER_BATCH_LOG_OVERHEAD;
}

static inline int64_t broker_batch_last_offset(const broker_batch_header_t *hdr)
{
    return hdr->base_offset + hdr->last_offset_delta;
}

static inline broker_compression_t broker_batch_compression(const broker_batch_header_t *hdr)
{
    return (broker_compression_t)(hdr->attributes & BROKER_BATCH_ATTR_COMPRESSION_MASK);
}

static inline bool broker_batch_is_log_append_time(const broker_batch_header_t *hdr)
{
    return (hdr->attributes & BROKER_BATCH_ATTR_LOG_APPEND_TIME) != 0;
}

static inline bool broker_batch_is_transactional(const broker_batch_header_t *hdr)
{
    return (hdr->attributes & BROKER_BATCH_ATTR_TRANSACTIONAL) != 0;
}

static inline bool broker_batch_is_control(const broker_batch_header_t *hdr)
{
    return (hdr->attributes & BROKER_BATCH_ATTR_CONTROL) != 0;
}

/* Kafka's name of a compression codec ("none", "gzip", ...), or "unknown". */
const char *broker_compression_name(int codec);

/*
 * Fills *hdr from the first 61 bytes of buf. Checks nothing but that len
 * holds a whole header: returns 0, or -1 when len < 61. For magic 0/1 data
 * only base_offset, batch_length and magic mean anything.
 */
int broker_batch_header_read(const uint8_t *buf, size_t len, broker_batch_header_t *hdr);

/*
 * Validates one batch as it comes from a producer: len must be exactly the
 * batch (12 + batchLength), no larger than max_message_bytes (<= 0: no
 * limit), magic 2, a matching CRC-32C, lastOffsetDelta + 1 == recordsCount
 * > 0, not a control batch, and producerId >= 0 only with baseSequence >= 0.
 * Returns KAFKA_ERR_NONE and fills *hdr (may be NULL), or
 * KAFKA_ERR_MESSAGE_TOO_LARGE, KAFKA_ERR_CORRUPT_MESSAGE (framing, CRC) or
 * KAFKA_ERR_INVALID_RECORD (legacy magic, the client rules) with a message
 * naming the field in errstr.
 */
kafka_error_t broker_batch_validate(const uint8_t *buf, size_t len, int32_t max_message_bytes,
                                    broker_batch_header_t *hdr, char *errstr, size_t errstr_size);

/*
 * The check of a batch read back from a segment (recovery, index rebuilds):
 * framing within len (buf may hold more after the batch), magic 2, a sane
 * batchLength and the CRC. The client rules are not applied because
 * compaction legitimately leaves recordsCount below lastOffsetDelta + 1.
 * Returns KAFKA_ERR_NONE or KAFKA_ERR_CORRUPT_MESSAGE with errstr set.
 */
kafka_error_t broker_batch_check_stored(const uint8_t *buf, size_t len, broker_batch_header_t *hdr,
                                        char *errstr, size_t errstr_size);

/*
 * Walks the batches of a records field (a Produce request's partition data,
 * or a file chunk) by their framing alone; validate each one separately.
 */
typedef struct broker_batch_iter {
    const uint8_t *buf;
    size_t len;
    size_t pos;
} broker_batch_iter_t;

void broker_batch_iter_init(broker_batch_iter_t *it, const uint8_t *buf, size_t len);

/*
 * Returns 1 with *batch and *batch_len set to the next batch (12 + batchLength
 * bytes, all inside the buffer), 0 at the end, -1 when the remaining bytes do
 * not frame a batch (shorter than a header or than its batchLength, or a
 * negative batchLength) with errstr saying where.
 */
int broker_batch_iter_next(broker_batch_iter_t *it, const uint8_t **batch, size_t *batch_len,
                           char *errstr, size_t errstr_size);

/*
 * Counts the batches in a Produce request's records for the "exactly one
 * batch per partition" rule of Produce v3+. Returns KAFKA_ERR_NONE with
 * *count set, KAFKA_ERR_INVALID_RECORD when a batch has magic 0/1 (legacy
 * message sets are refused as Kafka refuses them on Produce v3+), or
 * KAFKA_ERR_CORRUPT_MESSAGE when the bytes do not frame whole batches.
 */
kafka_error_t broker_batch_count(const uint8_t *records, size_t len, int *count, char *errstr,
                                 size_t errstr_size);

/* In-place rewrites of fields the CRC does not cover; batch holds at least a
 * header. */
void broker_batch_set_base_offset(uint8_t *batch, int64_t base_offset);
void broker_batch_set_partition_leader_epoch(uint8_t *batch, int32_t epoch);

/*
 * For message.timestamp.type=LogAppendTime: sets the timestamp-type bit and
 * maxTimestamp to now_ms and recomputes the CRC over the len bytes of the
 * batch. The caller answers log_append_time_ms = now_ms.
 */
void broker_batch_set_log_append_time(uint8_t *batch, size_t len, int64_t now_ms);

/* Recomputes and stores the CRC of a batch of len bytes (after rewriting a
 * covered field). */
void broker_batch_update_crc(uint8_t *batch, size_t len);

/* One record of an uncompressed batch (DefaultRecord). Pointers point into
 * the batch bytes and live as long as they do. */
typedef struct broker_record {
    int64_t offset;    /* baseOffset + offsetDelta */
    int64_t timestamp; /* baseTimestamp + timestampDelta (CreateTime) */
    int32_t offset_delta;
    const uint8_t *key;
    int32_t key_len; /* -1: null key */
    const uint8_t *value;
    int32_t value_len; /* -1: null value (a tombstone) */
    int32_t header_count;
    const uint8_t *raw; /* the whole record, its length varint included */
    size_t raw_len;
} broker_record_t;

typedef struct broker_record_iter {
    const uint8_t *records; /* the first record, for positions in messages */
    const uint8_t *pos;
    const uint8_t *end;
    int64_t base_offset;
    int64_t base_timestamp;
    int32_t remaining; /* records still to read per recordsCount */
    int32_t index;
} broker_record_iter_t;

/*
 * Starts walking the records of the batch at buf (len bytes: the whole batch,
 * as validated). Returns KAFKA_ERR_NONE, or
 * KAFKA_ERR_UNSUPPORTED_COMPRESSION_TYPE for a compressed batch (whose
 * records are one compressed blob: the storage layer never decompresses).
 */
kafka_error_t broker_record_iter_init(broker_record_iter_t *it, const uint8_t *buf, size_t len,
                                      const broker_batch_header_t *hdr);

/*
 * Returns 1 with *rec filled, 0 after the last record (when recordsCount
 * records used up the bytes exactly), or -1 with errstr set when a record
 * does not decode inside its length or the count and the bytes disagree.
 */
int broker_record_iter_next(broker_record_iter_t *it, broker_record_t *rec, char *errstr,
                            size_t errstr_size);

/*
 * Decodes every record of an uncompressed batch from a producer: each must be
 * well-formed, with offsetDelta equal to its index; with require_keys, each
 * must have a key (Kafka's rule for cleanup.policy=compact). *max_timestamp
 * (may be NULL) gets the largest record timestamp, -1 if none, so the caller
 * can compare it with the header's. A compressed batch is not decoded:
 * KAFKA_ERR_NONE and *max_timestamp = the header's.
 * Returns KAFKA_ERR_NONE, KAFKA_ERR_CORRUPT_MESSAGE (undecodable record) or
 * KAFKA_ERR_INVALID_RECORD (bad offsetDelta, missing key).
 */
kafka_error_t broker_batch_validate_records(const uint8_t *buf, size_t len,
                                            const broker_batch_header_t *hdr, bool require_keys,
                                            int64_t *max_timestamp, char *errstr,
                                            size_t errstr_size);

/* Big-endian helpers shared by the storage files. */
static inline int64_t broker_be64(const uint8_t *p)
{
    return (int64_t)(((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) |
                     ((uint64_t)p[3] << 32) | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
                     ((uint64_t)p[6] << 8) | (uint64_t)p[7]);
}

static inline int32_t broker_be32(const uint8_t *p)
{
    return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
                     (uint32_t)p[3]);
}

static inline int16_t broker_be16(const uint8_t *p)
{
    return (int16_t)(((uint16_t)p[0] << 8) | (uint16_t)p[1]);
}

static inline void broker_put_be64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)u;
        u >>= 8;
    }
}

static inline void broker_put_be32(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (uint8_t)(u >> 24);
    p[1] = (uint8_t)(u >> 16);
    p[2] = (uint8_t)(u >> 8);
    p[3] = (uint8_t)u;
}

static inline void broker_put_be16(uint8_t *p, int16_t v)
{
    uint16_t u = (uint16_t)v;
    p[0] = (uint8_t)(u >> 8);
    p[1] = (uint8_t)u;
}

#endif
