#include "batch_writer.h"

#include <string.h>

#include "crc32c.h"

/* Offsets into the batch header (Kafka's DefaultRecordBatch layout). */
#define BW_LENGTH_AT 8         /* batchLength: the bytes after it */
#define BW_CRC_AT 17           /* crc, over everything from attributes on */
#define BW_ATTRIBUTES_AT 21    /* attributes, where the CRC starts */
#define BW_LAST_DELTA_AT 23    /* lastOffsetDelta */
#define BW_BASE_TS_AT 27       /* baseTimestamp */
#define BW_MAX_TS_AT 35        /* maxTimestamp */
#define BW_RECORDS_COUNT_AT 57 /* recordsCount */

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

/* Zigzag varints, as Kafka's ByteUtils writes them. */
static size_t varlong_size(int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    size_t n = 1;
    while (z >= 0x80) {
        z >>= 7;
        n++;
    }
    return n;
}

static uint8_t *put_varlong(uint8_t *p, int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z >= 0x80) {
        *p++ = (uint8_t)(z | 0x80);
        z >>= 7;
    }
    *p++ = (uint8_t)z;
    return p;
}

/* A length field: -1 for NULL. */
static int64_t len_or_null(const void *p, size_t len)
{
    return p ? (int64_t)len : -1;
}

void batch_writer_begin(batch_writer_t *w, sluice_buf_t *out)
{
    w->out = out;
    w->start = sluice_buf_len(out);
    w->count = 0;
    w->base_timestamp = 0;
    w->max_timestamp = 0;
    uint8_t *h = (uint8_t *)sluice_buf_reserve(out, BATCH_WRITER_HEADER_SIZE);
    memset(h, 0, BATCH_WRITER_HEADER_SIZE);
    put_be32(h + 12, UINT32_MAX); /* partitionLeaderEpoch -1: the broker sets it */
    h[16] = 2;                    /* magic */
    put_be64(h + 43, UINT64_MAX); /* producerId -1 */
    h[51] = 0xff;                 /* producerEpoch -1 */
    h[52] = 0xff;
    put_be32(h + 53, UINT32_MAX); /* baseSequence -1 */
    sluice_buf_commit(out, BATCH_WRITER_HEADER_SIZE);
}

void batch_writer_add(batch_writer_t *w, const void *key, size_t key_len, const void *value,
                      size_t value_len, int64_t timestamp_ms, const batch_header_t *headers,
                      size_t nheaders)
{
    if (w->count == 0) {
        w->base_timestamp = timestamp_ms;
        w->max_timestamp = timestamp_ms;
    } else if (timestamp_ms > w->max_timestamp) {
        w->max_timestamp = timestamp_ms;
    }
    int64_t ts_delta = timestamp_ms - w->base_timestamp;
    int64_t klen = len_or_null(key, key_len), vlen = len_or_null(value, value_len);

    /* The body's size first: the record starts with it. */
    size_t body = 1 + varlong_size(ts_delta) + varlong_size(w->count) + varlong_size(klen) +
                  (key ? key_len : 0) + varlong_size(vlen) + (value ? value_len : 0) +
                  varlong_size((int64_t)nheaders);
    for (size_t i = 0; i < nheaders; i++) {
        int64_t hv = len_or_null(headers[i].value, headers[i].value_len);
        body += varlong_size((int64_t)headers[i].key_len) + headers[i].key_len + varlong_size(hv) +
                (headers[i].value ? headers[i].value_len : 0);
    }
    size_t total = varlong_size((int64_t)body) + body;
    uint8_t *p = (uint8_t *)sluice_buf_reserve(w->out, total);
    p = put_varlong(p, (int64_t)body);
    *p++ = 0; /* attributes */
    p = put_varlong(p, ts_delta);
    p = put_varlong(p, w->count);
    p = put_varlong(p, klen);
    if (key) {
        memcpy(p, key, key_len);
        p += key_len;
    }
    p = put_varlong(p, vlen);
    if (value) {
        memcpy(p, value, value_len);
        p += value_len;
    }
    p = put_varlong(p, (int64_t)nheaders);
    for (size_t i = 0; i < nheaders; i++) {
        p = put_varlong(p, (int64_t)headers[i].key_len);
        memcpy(p, headers[i].key, headers[i].key_len);
        p += headers[i].key_len;
        p = put_varlong(p, len_or_null(headers[i].value, headers[i].value_len));
        if (headers[i].value) {
            memcpy(p, headers[i].value, headers[i].value_len);
            p += headers[i].value_len;
        }
    }
    sluice_buf_commit(w->out, total);
    w->count++;
}

size_t batch_writer_size(const batch_writer_t *w)
{
    return sluice_buf_len(w->out) - w->start;
}

void batch_writer_finish(batch_writer_t *w)
{
    uint8_t h[BATCH_WRITER_HEADER_SIZE];
    size_t size = batch_writer_size(w);
    memcpy(h, (const uint8_t *)sluice_buf_data(w->out) + w->start, sizeof h);
    put_be32(h + BW_LENGTH_AT, (uint32_t)(size - 12)); /* after baseOffset and batchLength */
    put_be32(h + BW_LAST_DELTA_AT, (uint32_t)(w->count - 1));
    put_be64(h + BW_BASE_TS_AT, (uint64_t)w->base_timestamp);
    put_be64(h + BW_MAX_TS_AT, (uint64_t)w->max_timestamp);
    put_be32(h + BW_RECORDS_COUNT_AT, (uint32_t)w->count);
    sluice_buf_write_at(w->out, w->start, h, sizeof h);
    const uint8_t *data = (const uint8_t *)sluice_buf_data(w->out) + w->start;
    uint32_t crc = broker_crc32c(0, data + BW_ATTRIBUTES_AT, size - BW_ATTRIBUTES_AT);
    put_be32(h + BW_CRC_AT, crc);
    sluice_buf_write_at(w->out, w->start + BW_CRC_AT, h + BW_CRC_AT, 4);
}
