/*
 * worker/batch_writer.c, the record batches source tasks append to the
 * embedded broker directly, and the broker's own batches: checked byte for
 * byte against a known batch and with the broker's validation and record
 * decoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_builder.h"
#include "batch_writer.h"
#include "kafka_error.h"
#include "record_batch.h"
#include "test_util.h"

/* Reads a zigzag varint at *p, advancing it. */
static int64_t read_varint(const uint8_t **p)
{
    uint64_t z = 0;
    int shift = 0;
    while (**p & 0x80) {
        z |= (uint64_t)(**p & 0x7f) << shift;
        shift += 7;
        (*p)++;
    }
    z |= (uint64_t) * *p << shift;
    (*p)++;
    return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

/* A known batch, byte for byte: the header (length, epoch -1, magic 2,
 * CRC-32C, counts, timestamps, no producer) and each record's varints, as
 * Kafka's DefaultRecordBatch lays them out. The broker's own batches
 * (broker_batch_build) come from the same writer. */
static void test_known_bytes(void)
{
    char big[300];
    memset(big, 'b', sizeof big);
    static const uint8_t header[] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* baseOffset */
        0x00, 0x00, 0x01, 0x89,                         /* batchLength 393 */
        0xff, 0xff, 0xff, 0xff,                         /* partitionLeaderEpoch */
        0x02,                                           /* magic */
        0x81, 0x9d, 0x3d, 0x76,                         /* crc */
        0x00, 0x00,                                     /* attributes */
        0x00, 0x00, 0x00, 0x03,                         /* lastOffsetDelta */
        0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b, /* baseTimestamp */
        0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x7b, /* maxTimestamp */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* producerId */
        0xff, 0xff,                                     /* producerEpoch */
        0xff, 0xff, 0xff, 0xff,                         /* baseSequence */
        0x00, 0x00, 0x00, 0x04,                         /* recordsCount */
    };
    sluice_buf_t *want = sluice_buf_new();
    sluice_buf_append(want, header, sizeof header);
    sluice_buf_append(want, "\x14\x00\x00\x00\x04k1\x04v1\x00", 11);
    sluice_buf_append(want, "\x18\x00\x00\x02\x01\x0cno key\x00", 13);
    sluice_buf_append(want, "\x14\x00\x00\x04\x08tomb\x01\x00", 11);
    sluice_buf_append(want, "\xe6\x04\x00\x00\x06\x00\xd8\x04",
                      8); /* 307-byte body, 300-byte value */
    sluice_buf_append(want, big, sizeof big);
    sluice_buf_putc(want, 0);

    broker_batch_record_t recs[] = {
        {(const uint8_t *)"k1", 2, (const uint8_t *)"v1", 2},
        {NULL, 0, (const uint8_t *)"no key", 6},
        {(const uint8_t *)"tomb", 4, NULL, 0},
        {(const uint8_t *)"", 0, (const uint8_t *)big, sizeof big},
    };
    size_t n = sizeof recs / sizeof *recs;
    sluice_buf_t *got = sluice_buf_new();
    sluice_buf_puts(got, "prefix"); /* a batch may start anywhere in the buffer */
    batch_writer_t w;
    batch_writer_begin(&w, got);
    for (size_t i = 0; i < n; i++)
        batch_writer_add(&w, recs[i].key, recs[i].key_len, recs[i].value, recs[i].value_len,
                         1700000000123LL, NULL, 0);
    CU_ASSERT_EQUAL(batch_writer_count(&w), 4);
    batch_writer_finish(&w);
    CU_ASSERT_EQUAL(batch_writer_size(&w), sluice_buf_len(want));
    CU_ASSERT_EQUAL(sluice_buf_len(got), 6 + sluice_buf_len(want));
    if (sluice_buf_len(got) == 6 + sluice_buf_len(want))
        CU_ASSERT_EQUAL(memcmp((const char *)sluice_buf_data(got) + 6, sluice_buf_data(want),
                               sluice_buf_len(want)),
                        0);
    /* The broker's builder writes the same batch. */
    sluice_buf_t *built = sluice_buf_new();
    broker_batch_build(built, recs, n, 1700000000123LL);
    CU_ASSERT_EQUAL(sluice_buf_len(built), sluice_buf_len(want));
    if (sluice_buf_len(built) == sluice_buf_len(want))
        CU_ASSERT_EQUAL(memcmp(sluice_buf_data(built), sluice_buf_data(want), sluice_buf_len(want)),
                        0);
    sluice_buf_destroy(built);
    sluice_buf_destroy(want);
    sluice_buf_destroy(got);
}

/* Timestamps in any order and headers: valid for the broker, and every
 * field reads back. */
static void test_timestamps_and_headers_read_back(void)
{
    sluice_buf_t *buf = sluice_buf_new();
    batch_writer_t w;
    batch_writer_begin(&w, buf);
    batch_header_t h1[] = {{"trace", 5, "abc", 3}, {"gone", 4, NULL, 0}};
    const int64_t ts[] = {5000, 4000, 9000, 9000};
    char value[200];
    memset(value, 'x', sizeof value);
    for (int i = 0; i < 4; i++) {
        char key[16];
        int klen = snprintf(key, sizeof key, "key-%d", i);
        batch_writer_add(&w, key, (size_t)klen, value, (size_t)(50 * i), ts[i], i == 1 ? h1 : NULL,
                         i == 1 ? 2 : 0);
    }
    batch_writer_finish(&w);
    const uint8_t *data = (const uint8_t *)sluice_buf_data(buf);
    size_t len = sluice_buf_len(buf);

    char err[256] = "";
    broker_batch_header_t hdr;
    CU_ASSERT_EQUAL(broker_batch_validate(data, len, 1 << 20, &hdr, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(hdr.records_count, 4);
    CU_ASSERT_EQUAL(hdr.producer_id, -1);
    CU_ASSERT_EQUAL(broker_be64(data + 27), 5000); /* baseTimestamp: the first record's */
    CU_ASSERT_EQUAL(broker_be64(data + 35), 9000); /* maxTimestamp */
    int64_t max_ts = 0;
    CU_ASSERT_EQUAL(broker_batch_validate_records(data, len, &hdr, true, &max_ts, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(max_ts, 9000);

    broker_record_iter_t it;
    CU_ASSERT_EQUAL(broker_record_iter_init(&it, data, len, &hdr), KAFKA_ERR_NONE);
    broker_record_t rec;
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(broker_record_iter_next(&it, &rec, err, sizeof err), 1);
        char key[16];
        snprintf(key, sizeof key, "key-%d", i);
        CU_ASSERT_EQUAL(rec.offset_delta, i);
        CU_ASSERT_EQUAL(rec.timestamp, ts[i]);
        CU_ASSERT_EQUAL(rec.key_len, (int32_t)strlen(key));
        CU_ASSERT_EQUAL(memcmp(rec.key, key, strlen(key)), 0);
        CU_ASSERT_EQUAL(rec.value_len, 50 * i);
        CU_ASSERT_EQUAL(rec.header_count, i == 1 ? 2 : 0);
        if (i == 1) {
            /* The headers follow the value: key, then value (-1: null). */
            const uint8_t *p = rec.value + rec.value_len;
            CU_ASSERT_EQUAL(read_varint(&p), 2);
            CU_ASSERT_EQUAL(read_varint(&p), 5);
            CU_ASSERT_EQUAL(memcmp(p, "trace", 5), 0);
            p += 5;
            CU_ASSERT_EQUAL(read_varint(&p), 3);
            CU_ASSERT_EQUAL(memcmp(p, "abc", 3), 0);
            p += 3;
            CU_ASSERT_EQUAL(read_varint(&p), 4);
            CU_ASSERT_EQUAL(memcmp(p, "gone", 4), 0);
            p += 4;
            CU_ASSERT_EQUAL(read_varint(&p), -1);
            CU_ASSERT_PTR_EQUAL(p, rec.raw + rec.raw_len);
        }
    }
    CU_ASSERT_EQUAL(broker_record_iter_next(&it, &rec, err, sizeof err), 0);
    sluice_buf_destroy(buf);
}

/* Many records with lengths around the varint boundaries: still one valid
 * batch whose CRC the broker accepts, and a flipped byte is caught. */
static void test_many_records_and_crc(void)
{
    sluice_buf_t *buf = sluice_buf_new();
    batch_writer_t w;
    batch_writer_begin(&w, buf);
    char *value = calloc(1, 20000);
    const size_t lens[] = {0, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384, 19999};
    for (int i = 0; i < 2000; i++) {
        size_t l = lens[i % (sizeof lens / sizeof *lens)];
        batch_writer_add(&w, i % 3 ? "k" : NULL, 1, value, l, 1000 + i, NULL, 0);
    }
    batch_writer_finish(&w);
    uint8_t *data = (uint8_t *)sluice_buf_data(buf);
    size_t len = sluice_buf_len(buf);
    char err[256] = "";
    broker_batch_header_t hdr;
    CU_ASSERT_EQUAL(broker_batch_validate(data, len, 0, &hdr, err, sizeof err), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(hdr.records_count, 2000);
    CU_ASSERT_EQUAL(broker_batch_validate_records(data, len, &hdr, false, NULL, err, sizeof err),
                    KAFKA_ERR_NONE);
    data[len / 2] ^= 0x20;
    CU_ASSERT_EQUAL(broker_batch_validate(data, len, 0, &hdr, err, sizeof err),
                    KAFKA_ERR_CORRUPT_MESSAGE);
    free(value);
    sluice_buf_destroy(buf);
}

void test_register(void)
{
    TEST_SUITE("batch_writer", {"known bytes, and the broker's builder", test_known_bytes},
               {"timestamps and headers read back", test_timestamps_and_headers_read_back},
               {"many records, varint boundaries, CRC", test_many_records_and_crc});
}
