/*
 * Record batch decoding. Every read goes through a bounded cursor: a read past
 * the end fails, and the caller jumps to its one error label (librdkafka's
 * rd_slice / err_parse style).
 */
#include "record_batch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "crc32c.h"

#define BATCH_MAGIC 2
/* The smallest batchLength a magic-2 header can have. */
#define BATCH_MIN_LENGTH (BROKER_BATCH_HEADER_SIZE - BROKER_BATCH_LOG_OVERHEAD)

static const char *const compression_names[] = {"none", "gzip", "snappy", "lz4", "zstd"};

const char *broker_compression_name(int codec)
{
    if (codec < 0 || codec >= (int)(sizeof compression_names / sizeof compression_names[0]))
        return "unknown";
    return compression_names[codec];
}

#define SET_ERR(...)                                                                               \
    do {                                                                                           \
        if (errstr && errstr_size)                                                                 \
            snprintf(errstr, errstr_size, __VA_ARGS__);                                            \
    } while (0)

int broker_batch_header_read(const uint8_t *buf, size_t len, broker_batch_header_t *hdr)
{
    if (len < BROKER_BATCH_HEADER_SIZE)
        return -1;
    hdr->base_offset = broker_be64(buf);
    hdr->batch_length = broker_be32(buf + 8);
    hdr->partition_leader_epoch = broker_be32(buf + 12);
    hdr->magic = (int8_t)buf[16];
    hdr->crc = (uint32_t)broker_be32(buf + 17);
    hdr->attributes = broker_be16(buf + 21);
    hdr->last_offset_delta = broker_be32(buf + 23);
    hdr->base_timestamp = broker_be64(buf + 27);
    hdr->max_timestamp = broker_be64(buf + 35);
    hdr->producer_id = broker_be64(buf + 43);
    hdr->producer_epoch = broker_be16(buf + 51);
    hdr->base_sequence = broker_be32(buf + 53);
    hdr->records_count = broker_be32(buf + 57);
    return 0;
}

/* Framing, magic and CRC: what every batch must pass, wherever it comes
 * from. exact: len must be the batch and nothing more. */
static kafka_error_t batch_check_common(const uint8_t *buf, size_t len, bool exact,
                                        broker_batch_header_t *hdr, char *errstr,
                                        size_t errstr_size)
{
    /* Magic sits at byte 16 in every message format, so a legacy message set
     * is recognised before its (different) header is read. */
    if (len > 16 && buf[16] != BATCH_MAGIC && (buf[16] == 0 || buf[16] == 1)) {
        SET_ERR("record batch has magic %d: legacy message sets (magic 0 and 1) are not "
                "accepted, only magic 2",
                buf[16]);
        return KAFKA_ERR_INVALID_RECORD;
    }
    if (broker_batch_header_read(buf, len, hdr) != 0) {
        SET_ERR("record batch of %zu bytes is shorter than the %d-byte header", len,
                BROKER_BATCH_HEADER_SIZE);
        return KAFKA_ERR_CORRUPT_MESSAGE;
    }
    if (hdr->magic != BATCH_MAGIC) {
        SET_ERR("record batch has unknown magic %d (expected 2)", hdr->magic);
        return KAFKA_ERR_CORRUPT_MESSAGE;
    }
    if (hdr->batch_length < BATCH_MIN_LENGTH) {
        SET_ERR("record batch length %" PRId32 " is below the minimum %d", hdr->batch_length,
                BATCH_MIN_LENGTH);
        return KAFKA_ERR_CORRUPT_MESSAGE;
    }
    size_t size = broker_batch_size(hdr);
    if (size > len || (exact && size != len)) {
        SET_ERR("record batch length %" PRId32 " (%zu bytes with offset and length) does not "
                "match the %zu bytes given",
                hdr->batch_length, size, len);
        return KAFKA_ERR_CORRUPT_MESSAGE;
    }
    uint32_t crc = broker_crc32c(0, buf + BROKER_BATCH_CRC_START, size - BROKER_BATCH_CRC_START);
    if (crc != hdr->crc) {
        SET_ERR("record batch CRC-32C mismatch: header says 0x%08" PRIx32
                ", bytes [21, %zu) give 0x%08" PRIx32,
                hdr->crc, size, crc);
        return KAFKA_ERR_CORRUPT_MESSAGE;
    }
    return KAFKA_ERR_NONE;
}

kafka_error_t broker_batch_validate(const uint8_t *buf, size_t len, int32_t max_message_bytes,
                                    broker_batch_header_t *hdr, char *errstr, size_t errstr_size)
{
    broker_batch_header_t local;
    if (!hdr)
        hdr = &local;
    /* The size limit applies to what the client claims, before any decoding,
     * as Kafka checks batch.sizeInBytes against max.message.bytes. */
    if (max_message_bytes > 0 && len > (size_t)max_message_bytes) {
        SET_ERR("record batch of %zu bytes exceeds max.message.bytes %" PRId32, len,
                max_message_bytes);
        return KAFKA_ERR_MESSAGE_TOO_LARGE;
    }
    kafka_error_t err = batch_check_common(buf, len, true, hdr, errstr, errstr_size);
    if (err)
        return err;
    if (hdr->records_count <= 0) {
        SET_ERR("record batch has recordsCount %" PRId32 ": a batch must hold at least one record",
                hdr->records_count);
        return KAFKA_ERR_INVALID_RECORD;
    }
    if ((int64_t)hdr->last_offset_delta + 1 != hdr->records_count) {
        SET_ERR("record batch has lastOffsetDelta %" PRId32 " but recordsCount %" PRId32
                " (expected lastOffsetDelta + 1 == recordsCount)",
                hdr->last_offset_delta, hdr->records_count);
        return KAFKA_ERR_INVALID_RECORD;
    }
    if (broker_batch_is_control(hdr)) {
        SET_ERR("record batch is a control batch: clients may not produce control records");
        return KAFKA_ERR_INVALID_RECORD;
    }
    if (hdr->producer_id >= 0 && hdr->base_sequence < 0) {
        SET_ERR("record batch has producerId %" PRId64 " but baseSequence %" PRId32
                ": an idempotent batch needs a sequence",
                hdr->producer_id, hdr->base_sequence);
        return KAFKA_ERR_INVALID_RECORD;
    }
    return KAFKA_ERR_NONE;
}

kafka_error_t broker_batch_check_stored(const uint8_t *buf, size_t len, broker_batch_header_t *hdr,
                                        char *errstr, size_t errstr_size)
{
    broker_batch_header_t local;
    if (!hdr)
        hdr = &local;
    kafka_error_t err = batch_check_common(buf, len, false, hdr, errstr, errstr_size);
    if (err == KAFKA_ERR_INVALID_RECORD)
        err = KAFKA_ERR_CORRUPT_MESSAGE; /* a log never holds legacy batches */
    if (!err && (hdr->last_offset_delta < 0 || hdr->records_count < 0)) {
        SET_ERR("record batch has lastOffsetDelta %" PRId32 " and recordsCount %" PRId32,
                hdr->last_offset_delta, hdr->records_count);
        err = KAFKA_ERR_CORRUPT_MESSAGE;
    }
    return err;
}

void broker_batch_iter_init(broker_batch_iter_t *it, const uint8_t *buf, size_t len)
{
    it->buf = buf;
    it->len = len;
    it->pos = 0;
}

int broker_batch_iter_next(broker_batch_iter_t *it, const uint8_t **batch, size_t *batch_len,
                           char *errstr, size_t errstr_size)
{
    size_t left = it->len - it->pos;
    if (left == 0)
        return 0;
    if (left < BROKER_BATCH_LOG_OVERHEAD) {
        SET_ERR("%zu trailing bytes at byte %zu do not hold a batch's offset and length", left,
                it->pos);
        return -1;
    }
    int32_t length = broker_be32(it->buf + it->pos + 8);
    if (length < 0 || (size_t)length > left - BROKER_BATCH_LOG_OVERHEAD) {
        SET_ERR("batch at byte %zu has length %" PRId32 " but only %zu bytes follow", it->pos,
                length, left - BROKER_BATCH_LOG_OVERHEAD);
        return -1;
    }
    *batch = it->buf + it->pos;
    *batch_len = (size_t)length + BROKER_BATCH_LOG_OVERHEAD;
    it->pos += *batch_len;
    return 1;
}

kafka_error_t broker_batch_count(const uint8_t *records, size_t len, int *count, char *errstr,
                                 size_t errstr_size)
{
    broker_batch_iter_t it;
    const uint8_t *batch;
    size_t batch_len;
    int r, n = 0;
    broker_batch_iter_init(&it, records, len);
    while ((r = broker_batch_iter_next(&it, &batch, &batch_len, errstr, errstr_size)) == 1) {
        if (batch_len > 16 && batch[16] != BATCH_MAGIC) {
            if (batch[16] == 0 || batch[16] == 1) {
                SET_ERR("batch %d has magic %d: legacy message sets (magic 0 and 1) are not "
                        "accepted, only magic 2",
                        n, batch[16]);
                return KAFKA_ERR_INVALID_RECORD;
            }
            SET_ERR("batch %d has unknown magic %d (expected 2)", n, batch[16]);
            return KAFKA_ERR_CORRUPT_MESSAGE;
        }
        n++;
    }
    *count = n;
    if (r < 0) {
        /* A legacy message set frames the same way, so a short tail that
         * still shows magic 0/1 is reported as legacy. */
        size_t pos = it.pos;
        if (len - pos > 16 && (records[pos + 16] == 0 || records[pos + 16] == 1)) {
            SET_ERR("batch %d has magic %d: legacy message sets (magic 0 and 1) are not "
                    "accepted, only magic 2",
                    n, records[pos + 16]);
            return KAFKA_ERR_INVALID_RECORD;
        }
        return KAFKA_ERR_CORRUPT_MESSAGE;
    }
    return KAFKA_ERR_NONE;
}

void broker_batch_set_base_offset(uint8_t *batch, int64_t base_offset)
{
    broker_put_be64(batch, base_offset);
}

void broker_batch_set_partition_leader_epoch(uint8_t *batch, int32_t epoch)
{
    broker_put_be32(batch + 12, epoch);
}

void broker_batch_update_crc(uint8_t *batch, size_t len)
{
    uint32_t crc = broker_crc32c(0, batch + BROKER_BATCH_CRC_START, len - BROKER_BATCH_CRC_START);
    broker_put_be32(batch + 17, (int32_t)crc);
}

void broker_batch_set_log_append_time(uint8_t *batch, size_t len, int64_t now_ms)
{
    int16_t attributes = broker_be16(batch + 21);
    broker_put_be16(batch + 21, (int16_t)(attributes | BROKER_BATCH_ATTR_LOG_APPEND_TIME));
    broker_put_be64(batch + 35, now_ms);
    broker_batch_update_crc(batch, len);
}

/* Zigzag varints as DefaultRecord writes them (protobuf's sint32/sint64).
 * Return 0, or -1 past the end or beyond the longest encoding. */
static int read_varlong(const uint8_t **pp, const uint8_t *end, int64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t b = *p++;
        raw |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = (int64_t)((raw >> 1) ^ (0 - (raw & 1)));
            *pp = p;
            return 0;
        }
    }
    return -1;
}

static int read_varint(const uint8_t **pp, const uint8_t *end, int32_t *out)
{
    const uint8_t *p = *pp;
    uint32_t raw = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t b = *p++;
        raw |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = (int32_t)((raw >> 1) ^ (0u - (raw & 1)));
            *pp = p;
            return 0;
        }
    }
    return -1;
}

kafka_error_t broker_record_iter_init(broker_record_iter_t *it, const uint8_t *buf, size_t len,
                                      const broker_batch_header_t *hdr)
{
    memset(it, 0, sizeof *it);
    if (broker_batch_compression(hdr) != BROKER_COMPRESSION_NONE)
        return KAFKA_ERR_UNSUPPORTED_COMPRESSION_TYPE;
    size_t size = broker_batch_size(hdr);
    if (size > len)
        size = len;
    it->pos = buf + (size < BROKER_BATCH_HEADER_SIZE ? size : BROKER_BATCH_HEADER_SIZE);
    it->records = it->pos;
    it->end = buf + size;
    it->base_offset = hdr->base_offset;
    it->base_timestamp = hdr->base_timestamp;
    it->remaining = hdr->records_count < 0 ? 0 : hdr->records_count;
    return KAFKA_ERR_NONE;
}

int broker_record_iter_next(broker_record_iter_t *it, broker_record_t *rec, char *errstr,
                            size_t errstr_size)
{
    const char *what = "record length";
    if (it->remaining == 0) {
        if (it->pos != it->end) {
            SET_ERR("%td bytes follow the last of the batch's records", it->end - it->pos);
            return -1;
        }
        return 0;
    }
    const uint8_t *start = it->pos, *p = it->pos;
    int32_t length;
    if (read_varint(&p, it->end, &length) != 0)
        goto err_parse;
    if (length < 0 || length > it->end - p) {
        SET_ERR("record %" PRId32 ": length %" PRId32 " exceeds the %td bytes left in the batch",
                it->index, length, it->end - p);
        return -1;
    }
    const uint8_t *end = p + length;
    int64_t ts_delta;
    int32_t n;
    what = "attributes";
    if (p >= end)
        goto err_parse;
    p++;
    what = "timestampDelta";
    if (read_varlong(&p, end, &ts_delta) != 0)
        goto err_parse;
    what = "offsetDelta";
    if (read_varint(&p, end, &rec->offset_delta) != 0)
        goto err_parse;
    what = "key";
    if (read_varint(&p, end, &rec->key_len) != 0 || rec->key_len < -1 || rec->key_len > end - p)
        goto err_parse;
    rec->key = rec->key_len >= 0 ? p : NULL;
    if (rec->key_len > 0)
        p += rec->key_len;
    what = "value";
    if (read_varint(&p, end, &rec->value_len) != 0 || rec->value_len < -1 ||
        rec->value_len > end - p)
        goto err_parse;
    rec->value = rec->value_len >= 0 ? p : NULL;
    if (rec->value_len > 0)
        p += rec->value_len;
    what = "headers count";
    if (read_varint(&p, end, &rec->header_count) != 0 || rec->header_count < 0 ||
        rec->header_count > end - p)
        goto err_parse;
    for (int32_t h = 0; h < rec->header_count; h++) {
        what = "header key";
        if (read_varint(&p, end, &n) != 0 || n < 0 || n > end - p)
            goto err_parse;
        p += n;
        what = "header value";
        if (read_varint(&p, end, &n) != 0 || n < -1 || n > end - p)
            goto err_parse;
        if (n > 0)
            p += n;
    }
    if (p != end) {
        SET_ERR("record %" PRId32 ": %td bytes left over inside its length %" PRId32, it->index,
                end - p, length);
        return -1;
    }
    rec->offset = it->base_offset + rec->offset_delta;
    rec->timestamp = it->base_timestamp + ts_delta;
    rec->raw = start;
    rec->raw_len = (size_t)(end - start);
    it->pos = end;
    it->remaining--;
    it->index++;
    return 1;

err_parse:
    SET_ERR("record %" PRId32 " at byte %td of the records: %s does not decode within the "
            "record",
            it->index, start - it->records, what);
    return -1;
}

kafka_error_t broker_batch_validate_records(const uint8_t *buf, size_t len,
                                            const broker_batch_header_t *hdr, bool require_keys,
                                            int64_t *max_timestamp, char *errstr,
                                            size_t errstr_size)
{
    broker_record_iter_t it;
    broker_record_t rec;
    int64_t max_ts = -1;
    int r;
    if (broker_record_iter_init(&it, buf, len, hdr) != KAFKA_ERR_NONE) {
        if (max_timestamp)
            *max_timestamp = hdr->max_timestamp;
        return KAFKA_ERR_NONE;
    }
    while ((r = broker_record_iter_next(&it, &rec, errstr, errstr_size)) == 1) {
        if (rec.offset_delta != it.index - 1) {
            SET_ERR("record %" PRId32 " has offsetDelta %" PRId32 " (expected %" PRId32 ")",
                    it.index - 1, rec.offset_delta, it.index - 1);
            return KAFKA_ERR_INVALID_RECORD;
        }
        if (require_keys && rec.key_len < 0) {
            SET_ERR("record %" PRId32 " has no key: a compacted topic only accepts records with "
                    "keys",
                    it.index - 1);
            return KAFKA_ERR_INVALID_RECORD;
        }
        if (rec.timestamp > max_ts)
            max_ts = rec.timestamp;
    }
    if (r < 0)
        return KAFKA_ERR_CORRUPT_MESSAGE;
    if (max_timestamp)
        *max_timestamp = max_ts;
    return KAFKA_ERR_NONE;
}
