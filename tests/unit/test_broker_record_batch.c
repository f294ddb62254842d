/* CRC-32C and record batch validation, iteration and in-place rewrites. */
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "record_batch.h"
#include "test_broker_builder.h"
#include "test_util.h"

/* ---- CRC-32C ---- */

static void test_crc32c_vectors(void)
{
    uint8_t buf[32];
    /* The check value of the Castagnoli CRC. */
    CU_ASSERT_EQUAL(broker_crc32c(0, "123456789", 9), 0xE3069283u);
    CU_ASSERT_EQUAL(broker_crc32c_sw(0, "123456789", 9), 0xE3069283u);
    CU_ASSERT_EQUAL(broker_crc32c(0, "", 0), 0u);
    /* RFC 3720 appendix B.4. */
    memset(buf, 0, sizeof buf);
    CU_ASSERT_EQUAL(broker_crc32c(0, buf, 32), 0x8A9136AAu);
    CU_ASSERT_EQUAL(broker_crc32c_sw(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xff, sizeof buf);
    CU_ASSERT_EQUAL(broker_crc32c(0, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    CU_ASSERT_EQUAL(broker_crc32c(0, buf, 32), 0x46DD794Eu);
    CU_ASSERT_EQUAL(broker_crc32c_sw(0, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    CU_ASSERT_EQUAL(broker_crc32c(0, buf, 32), 0x113FDB5Cu);
}

static void test_crc32c_hw_matches_table_and_chains(void)
{
    size_t n = 4096 + 13;
    uint8_t *data = malloc(n);
    srand(7);
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)rand();
    /* Every alignment and a spread of lengths, so the byte loops around the
     * 8-byte loop are covered. */
    for (size_t off = 0; off < 9; off++) {
        for (size_t len = 0; len < 200; len += 7) {
            CU_ASSERT_EQUAL(broker_crc32c(0, data + off, len),
                            broker_crc32c_sw(0, data + off, len));
        }
    }
    uint32_t whole = broker_crc32c(0, data, n);
    CU_ASSERT_EQUAL(whole, broker_crc32c_sw(0, data, n));
    for (size_t cut = 0; cut <= n; cut += 511) {
        uint32_t c = broker_crc32c(0, data, cut);
        CU_ASSERT_EQUAL(broker_crc32c(c, data + cut, n - cut), whole);
        CU_ASSERT_EQUAL(broker_crc32c_sw(broker_crc32c_sw(0, data, cut), data + cut, n - cut),
                        whole);
    }
    free(data);
}

/* Long buffers take the three-block path (blocks of 256 and 8192 bytes):
 * lengths around each threshold, at every alignment, against the table. */
static void test_crc32c_hw_long_buffers(void)
{
    size_t n = 3 * 8192 * 3 + 1000;
    uint8_t *data = malloc(n + 8);
    srand(11);
    for (size_t i = 0; i < n + 8; i++)
        data[i] = (uint8_t)rand();
    const size_t lens[] = {767,   768,   769,   775,   776,   1536,  2000, 24575,
                           24576, 24577, 24584, 25344, 49152, 50000, n};
    for (size_t off = 0; off < 8; off++)
        for (size_t i = 0; i < sizeof lens / sizeof *lens; i++)
            CU_ASSERT_EQUAL(broker_crc32c(0, data + off, lens[i]),
                            broker_crc32c_sw(0, data + off, lens[i]));
    /* Continuing from a CRC goes through the joined blocks too. */
    uint32_t first = broker_crc32c(0, data, 1000);
    CU_ASSERT_EQUAL(broker_crc32c(first, data + 1000, n - 1000), broker_crc32c_sw(0, data, n));
    free(data);
}

/* ---- validation ---- */

static const tb_rec_t sample_recs[] = {
    {"key-0", "value-0", 1700000000000, "h", "hv"},
    {"key-1", NULL, 1700000000005, NULL, NULL},
    {NULL, "no key", 1700000000003, "h2", NULL},
};

static uint8_t *sample_batch(size_t *len)
{
    return tb_batch(sample_recs, 3, len);
}

static void test_validate_accepts_and_reads_header(void)
{
    size_t len;
    uint8_t *b = tb_batch_ex(sample_recs, 3, 0, 4242, 3, 17, &len);
    broker_batch_header_t hdr;
    char err[256] = "";
    CU_ASSERT_EQUAL(broker_batch_validate(b, len, 1048588, &hdr, err, sizeof err), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(hdr.magic, 2);
    CU_ASSERT_EQUAL(hdr.records_count, 3);
    CU_ASSERT_EQUAL(hdr.last_offset_delta, 2);
    CU_ASSERT_EQUAL(broker_batch_size(&hdr), len);
    CU_ASSERT_EQUAL(hdr.base_timestamp, 1700000000000);
    CU_ASSERT_EQUAL(hdr.max_timestamp, 1700000000005);
    CU_ASSERT_EQUAL(hdr.producer_id, 4242);
    CU_ASSERT_EQUAL(hdr.producer_epoch, 3);
    CU_ASSERT_EQUAL(hdr.base_sequence, 17);
    CU_ASSERT_EQUAL(broker_batch_compression(&hdr), BROKER_COMPRESSION_NONE);
    CU_ASSERT_FALSE(broker_batch_is_control(&hdr));
    CU_ASSERT_FALSE(broker_batch_is_transactional(&hdr));
    CU_ASSERT_STRING_EQUAL(broker_compression_name(4), "zstd");
    CU_ASSERT_STRING_EQUAL(broker_compression_name(9), "unknown");
    /* No limit. */
    CU_ASSERT_EQUAL(broker_batch_validate(b, len, 0, NULL, NULL, 0), KAFKA_ERR_NONE);
    free(b);
}

static kafka_error_t validate(const uint8_t *b, size_t len, char *err, size_t errsz)
{
    broker_batch_header_t hdr;
    err[0] = '\0';
    return broker_batch_validate(b, len, 1048588, &hdr, err, errsz);
}

static void test_validate_refuses_each_bad_case(void)
{
    size_t len;
    char err[256];
    uint8_t *b = sample_batch(&len);
    uint8_t *c = malloc(len + 8);

    /* Legacy message formats. */
    for (int magic = 0; magic <= 1; magic++) {
        memcpy(c, b, len);
        c[16] = (uint8_t)magic;
        CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_INVALID_RECORD);
        ASSERT_CONTAINS(err, "legacy");
    }
    /* An unknown magic is garbage. */
    memcpy(c, b, len);
    c[16] = 3;
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    ASSERT_CONTAINS(err, "magic 3");

    /* A flipped bit in the CRC-covered part. */
    memcpy(c, b, len);
    c[len - 3] ^= 0x10;
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    ASSERT_CONTAINS(err, "CRC");
    /* ...but baseOffset and partitionLeaderEpoch are not covered. */
    memcpy(c, b, len);
    c[3] = 0x55;
    c[14] = 0x01;
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_NONE);

    /* Lengths that disagree with the bytes. */
    memcpy(c, b, len);
    CU_ASSERT_EQUAL(validate(c, len - 1, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    memset(c + len, 0, 8);
    CU_ASSERT_EQUAL(validate(c, len + 8, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    tb_setbe(c + 8, 20, 4);
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    tb_setbe(c + 8, (uint32_t)-5, 4);
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    CU_ASSERT_EQUAL(validate(b, 40, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);
    ASSERT_CONTAINS(err, "header");
    CU_ASSERT_EQUAL(validate(b, 0, err, sizeof err), KAFKA_ERR_CORRUPT_MESSAGE);

    /* max.message.bytes. */
    CU_ASSERT_EQUAL(broker_batch_validate(b, len, (int32_t)len - 1, NULL, err, sizeof err),
                    KAFKA_ERR_MESSAGE_TOO_LARGE);
    ASSERT_CONTAINS(err, "max.message.bytes");
    CU_ASSERT_EQUAL(broker_batch_validate(b, len, (int32_t)len, NULL, err, sizeof err),
                    KAFKA_ERR_NONE);

    /* lastOffsetDelta + 1 != recordsCount, CRC fixed so only the rule fails. */
    memcpy(c, b, len);
    tb_setbe(c + 23, 5, 4);
    tb_fix_crc(c, len);
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_INVALID_RECORD);
    ASSERT_CONTAINS(err, "lastOffsetDelta");
    /* recordsCount 0. */
    memcpy(c, b, len);
    tb_setbe(c + 23, (uint32_t)-1, 4);
    tb_setbe(c + 57, 0, 4);
    tb_fix_crc(c, len);
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_INVALID_RECORD);
    ASSERT_CONTAINS(err, "recordsCount");
    /* A control batch from a client. */
    memcpy(c, b, len);
    tb_setbe(c + 21, BROKER_BATCH_ATTR_CONTROL, 2);
    tb_fix_crc(c, len);
    CU_ASSERT_EQUAL(validate(c, len, err, sizeof err), KAFKA_ERR_INVALID_RECORD);
    ASSERT_CONTAINS(err, "control");
    free(b);

    /* An idempotent producer id without a sequence. */
    b = tb_batch_ex(sample_recs, 3, 0, 99, 0, -1, &len);
    CU_ASSERT_EQUAL(validate(b, len, err, sizeof err), KAFKA_ERR_INVALID_RECORD);
    ASSERT_CONTAINS(err, "baseSequence");
    free(b);
    free(c);
}

static void test_any_covered_byte_flip_is_caught(void)
{
    size_t len;
    uint8_t *b = sample_batch(&len);
    uint8_t *c = malloc(len);
    char err[256];
    for (size_t i = BROKER_BATCH_CRC_START; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(c, b, len);
            c[i] ^= (uint8_t)(1u << bit);
            kafka_error_t e = validate(c, len, err, sizeof err);
            CU_ASSERT_NOT_EQUAL(e, KAFKA_ERR_NONE);
        }
    }
    free(c);
    free(b);
}

/* ---- produce records: batch framing ---- */

static void test_batch_count_and_iteration(void)
{
    size_t l1, l2;
    uint8_t *b1 = sample_batch(&l1);
    uint8_t *b2 = tb_filler(5, 10, 1000, &l2);
    uint8_t *both = malloc(l1 + l2 + 20);
    memcpy(both, b1, l1);
    memcpy(both + l1, b2, l2);
    char err[256];
    int count = -1;

    CU_ASSERT_EQUAL(broker_batch_count(both, l1, &count, err, sizeof err), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(count, 1);
    CU_ASSERT_EQUAL(broker_batch_count(both, l1 + l2, &count, err, sizeof err), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(count, 2);
    CU_ASSERT_EQUAL(broker_batch_count(both, 0, &count, err, sizeof err), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(count, 0);

    /* A torn second batch, and stray trailing bytes. */
    CU_ASSERT_EQUAL(broker_batch_count(both, l1 + l2 - 1, &count, err, sizeof err),
                    KAFKA_ERR_CORRUPT_MESSAGE);
    memset(both + l1 + l2, 0, 5);
    CU_ASSERT_EQUAL(broker_batch_count(both, l1 + l2 + 5, &count, err, sizeof err),
                    KAFKA_ERR_CORRUPT_MESSAGE);
    ASSERT_CONTAINS(err, "trailing");

    /* A legacy message set anywhere. */
    both[l1 + 16] = 1;
    CU_ASSERT_EQUAL(broker_batch_count(both, l1 + l2, &count, err, sizeof err),
                    KAFKA_ERR_INVALID_RECORD);
    both[l1 + 16] = 2;

    broker_batch_iter_t it;
    const uint8_t *batch;
    size_t blen;
    broker_batch_iter_init(&it, both, l1 + l2);
    CU_ASSERT_EQUAL(broker_batch_iter_next(&it, &batch, &blen, err, sizeof err), 1);
    CU_ASSERT_PTR_EQUAL(batch, both);
    CU_ASSERT_EQUAL(blen, l1);
    CU_ASSERT_EQUAL(broker_batch_iter_next(&it, &batch, &blen, err, sizeof err), 1);
    CU_ASSERT_PTR_EQUAL(batch, both + l1);
    CU_ASSERT_EQUAL(blen, l2);
    CU_ASSERT_EQUAL(broker_batch_iter_next(&it, &batch, &blen, err, sizeof err), 0);
    free(both);
    free(b1);
    free(b2);
}

static void test_in_place_rewrites(void)
{
    size_t len;
    uint8_t *b = sample_batch(&len);
    broker_batch_header_t hdr;
    char err[256];
    broker_batch_set_base_offset(b, 123456789012LL);
    broker_batch_set_partition_leader_epoch(b, 7);
    CU_ASSERT_EQUAL(validate(b, len, err, sizeof err), KAFKA_ERR_NONE);
    broker_batch_header_read(b, len, &hdr);
    CU_ASSERT_EQUAL(hdr.base_offset, 123456789012LL);
    CU_ASSERT_EQUAL(hdr.partition_leader_epoch, 7);
    CU_ASSERT_EQUAL(broker_batch_last_offset(&hdr), 123456789014LL);

    broker_batch_set_log_append_time(b, len, 1800000000000LL);
    CU_ASSERT_EQUAL(broker_batch_validate(b, len, 0, &hdr, err, sizeof err), KAFKA_ERR_NONE);
    CU_ASSERT_TRUE(broker_batch_is_log_append_time(&hdr));
    CU_ASSERT_EQUAL(hdr.max_timestamp, 1800000000000LL);
    free(b);
}

/* ---- records ---- */

static void test_record_iteration(void)
{
    size_t len;
    uint8_t *b = sample_batch(&len);
    broker_batch_header_t hdr;
    broker_record_iter_t it;
    broker_record_t rec;
    char err[256];
    broker_batch_set_base_offset(b, 100);
    broker_batch_header_read(b, len, &hdr);
    CU_ASSERT_EQUAL(broker_record_iter_init(&it, b, len, &hdr), KAFKA_ERR_NONE);

    CU_ASSERT_EQUAL(broker_record_iter_next(&it, &rec, err, sizeof err), 1);
    CU_ASSERT_EQUAL(rec.offset, 100);
    CU_ASSERT_EQUAL(rec.timestamp, 1700000000000);
    CU_ASSERT_EQUAL(rec.key_len, 5);
    CU_ASSERT_EQUAL(memcmp(rec.key, "key-0", 5), 0);
    CU_ASSERT_EQUAL(rec.value_len, 7);
    CU_ASSERT_EQUAL(memcmp(rec.value, "value-0", 7), 0);
    CU_ASSERT_EQUAL(rec.header_count, 1);

    CU_ASSERT_EQUAL(broker_record_iter_next(&it, &rec, err, sizeof err), 1);
    CU_ASSERT_EQUAL(rec.offset, 101);
    CU_ASSERT_EQUAL(rec.timestamp, 1700000000005);
    CU_ASSERT_EQUAL(rec.value_len, -1);
    CU_ASSERT_PTR_NULL(rec.value);

    CU_ASSERT_EQUAL(broker_record_iter_next(&it, &rec, err, sizeof err), 1);
    CU_ASSERT_EQUAL(rec.offset, 102);
    CU_ASSERT_EQUAL(rec.key_len, -1);
    CU_ASSERT_PTR_NULL(rec.key);
    CU_ASSERT_EQUAL(broker_record_iter_next(&it, &rec, err, sizeof err), 0);

    int64_t max_ts = 0;
    CU_ASSERT_EQUAL(broker_batch_validate_records(b, len, &hdr, false, &max_ts, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(max_ts, 1700000000005);
    /* The third record has no key: refused for a compacted topic. */
    CU_ASSERT_EQUAL(broker_batch_validate_records(b, len, &hdr, true, NULL, err, sizeof err),
                    KAFKA_ERR_INVALID_RECORD);
    ASSERT_CONTAINS(err, "no key");

    /* A compressed batch's records are a blob: not iterated. */
    hdr.attributes = BROKER_COMPRESSION_ZSTD;
    CU_ASSERT_EQUAL(broker_record_iter_init(&it, b, len, &hdr),
                    KAFKA_ERR_UNSUPPORTED_COMPRESSION_TYPE);
    CU_ASSERT_EQUAL(broker_batch_validate_records(b, len, &hdr, true, &max_ts, err, sizeof err),
                    KAFKA_ERR_NONE);
    free(b);
}

static void test_record_decoding_never_trusts_lengths(void)
{
    size_t len;
    uint8_t *b = sample_batch(&len);
    broker_batch_header_t hdr;
    char err[256];
    broker_batch_header_read(b, len, &hdr);

    /* The first record's length varint claims more than the batch holds. */
    uint8_t *c = malloc(len);
    memcpy(c, b, len);
    c[61] = 0x7e; /* zigzag 63 */
    c[61 + 0] = 0xfe;
    CU_ASSERT_EQUAL(broker_batch_validate_records(c, 62, &hdr, false, NULL, err, sizeof err),
                    KAFKA_ERR_CORRUPT_MESSAGE);

    /* recordsCount larger than the records present. */
    memcpy(c, b, len);
    tb_setbe(c + 57, 4, 4);
    broker_batch_header_read(c, len, &hdr);
    CU_ASSERT_EQUAL(broker_batch_validate_records(c, len, &hdr, false, NULL, err, sizeof err),
                    KAFKA_ERR_CORRUPT_MESSAGE);
    /* ...or smaller, leaving bytes over. */
    tb_setbe(c + 57, 2, 4);
    broker_batch_header_read(c, len, &hdr);
    CU_ASSERT_EQUAL(broker_batch_validate_records(c, len, &hdr, false, NULL, err, sizeof err),
                    KAFKA_ERR_CORRUPT_MESSAGE);
    ASSERT_CONTAINS(err, "follow");

    /* Every byte of the records area mutated: never a crash, and a result
     * that is one of the defined ones (ASan/UBSan watch the reads). */
    broker_batch_header_read(b, len, &hdr);
    srand(3);
    for (int round = 0; round < 4000; round++) {
        memcpy(c, b, len);
        size_t at = 61 + (size_t)rand() % (len - 61);
        c[at] = (uint8_t)rand();
        if (round & 1)
            c[61 + (size_t)rand() % (len - 61)] = 0xff;
        size_t cut = (round % 5 == 0) ? 61 + (size_t)rand() % (len - 61) : len;
        kafka_error_t e = broker_batch_validate_records(c, cut, &hdr, true, NULL, err, sizeof err);
        CU_ASSERT(e == KAFKA_ERR_NONE || e == KAFKA_ERR_CORRUPT_MESSAGE ||
                  e == KAFKA_ERR_INVALID_RECORD);
    }
    free(c);
    free(b);
}

void test_register(void)
{
    TEST_SUITE("crc32c", {"vectors", test_crc32c_vectors},
               {"hw matches table, chaining", test_crc32c_hw_matches_table_and_chains},
               {"hw long buffers (three blocks joined)", test_crc32c_hw_long_buffers});
    TEST_SUITE("record_batch", {"accepts a good batch", test_validate_accepts_and_reads_header},
               {"refuses each bad case", test_validate_refuses_each_bad_case},
               {"any covered bit flip is caught", test_any_covered_byte_flip_is_caught},
               {"count and iterate batches", test_batch_count_and_iteration},
               {"in-place rewrites keep the CRC", test_in_place_rewrites},
               {"record iteration", test_record_iteration},
               {"record decoding never trusts lengths", test_record_decoding_never_trusts_lengths});
}
