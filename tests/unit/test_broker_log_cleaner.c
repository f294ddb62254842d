/* Retention, flush policy and compaction. */
#include <stdlib.h>
#include <string.h>

#include "log_cleaner.h"
#include "partition_log.h"
#include "test_broker_storage_util.h"
#include "test_util.h"

static const int64_t DAY = 24LL * 3600 * 1000;
static const int64_t NOW = 1800000000000LL;

/* n batches of one 900-byte record with timestamp ts: about four per 4 KiB
 * segment. */
static void append_at(broker_log_t *log, int n, int64_t ts)
{
    for (int i = 0; i < n; i++) {
        size_t len;
        uint8_t *b = tb_filler(1, 900, ts, &len);
        CU_ASSERT_EQUAL(broker_log_append(log, b, len, ts, NULL), KAFKA_ERR_NONE);
        free(b);
    }
}

static int count_files(const char *dir, const char *suffix)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '%s$'", dir, suffix);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_retention_by_time(void)
{
    char *dir = ts_mkdtemp();
    char err[512], pdir[600];
    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    snprintf(pdir, sizeof pdir, "%s/t-0", dir);
    append_at(log, 20, NOW - 10 * DAY); /* five old segments */
    append_at(log, 20, NOW - DAY);
    size_t before = broker_log_segment_count(log);
    int64_t leo = broker_log_end_offset(log);
    CU_ASSERT(before >= 10);

    /* Seven days by default: the ten-day-old segments go, not the others. */
    int deleted = broker_cleaner_retention(log, NOW);
    CU_ASSERT(deleted >= 4);
    CU_ASSERT_EQUAL(broker_log_segment_count(log), before - (size_t)deleted);
    CU_ASSERT_EQUAL(count_files(pdir, ".log"), (int)(before - (size_t)deleted));
    int64_t start = broker_log_start_offset(log);
    CU_ASSERT(start > 0 && start <= 20);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), leo);
    /* The segment with the last old batch may be mixed; nothing newer than
     * the retention went. */
    broker_log_read_t rd;
    CU_ASSERT_EQUAL(broker_log_read(log, start - 1, 1 << 20, true, &rd),
                    KAFKA_ERR_OFFSET_OUT_OF_RANGE);
    broker_log_read_release(&rd);
    CU_ASSERT_EQUAL(broker_log_read(log, start, 1 << 20, true, &rd), KAFKA_ERR_NONE);
    CU_ASSERT(rd.nslices >= 1);
    broker_log_read_release(&rd);
    int64_t off, ts;
    broker_log_offset_for_timestamp(log, BROKER_LOG_EARLIEST_TIMESTAMP, &off, &ts);
    CU_ASSERT_EQUAL(off, start);
    CU_ASSERT_EQUAL(broker_cleaner_retention(log, NOW), 0);

    /* Everything expired: all closed segments go, never the active one. */
    deleted = broker_cleaner_retention(log, NOW + 30 * DAY);
    CU_ASSERT(deleted > 0);
    CU_ASSERT_EQUAL(broker_log_segment_count(log), 1);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), leo);
    CU_ASSERT(broker_log_start_offset(log) > start);

    /* retention.ms -1 and cleanup.policy=compact keep everything. */
    append_at(log, 20, NOW - 40 * DAY);
    conf.retention_ms = -1;
    broker_log_set_config(log, &conf);
    CU_ASSERT_EQUAL(broker_cleaner_retention(log, NOW), 0);
    conf.retention_ms = DAY;
    conf.cleanup_policy = BROKER_CLEANUP_COMPACT;
    broker_log_set_config(log, &conf);
    CU_ASSERT_EQUAL(broker_cleaner_retention(log, NOW), 0);

    /* The start offset survives a restart. */
    start = broker_log_start_offset(log);
    broker_log_close(log);
    log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(broker_log_start_offset(log), start);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_retention_by_size(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    conf.retention_bytes = 10000;
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_at(log, 40, NOW);
    int64_t size = broker_log_size(log);
    CU_ASSERT(size > 30000);
    broker_log_read_t held;
    CU_ASSERT_EQUAL(broker_log_read(log, 0, 1 << 20, true, &held), KAFKA_ERR_NONE);

    int deleted = broker_cleaner_retention(log, NOW);
    CU_ASSERT(deleted > 0);
    int64_t after = broker_log_size(log);
    /* Kafka's rule: delete oldest segments while the log stays at or above
     * retention.bytes without them. */
    CU_ASSERT(after >= 10000 - 4096 && after < 10000 + 4096);
    CU_ASSERT(broker_log_start_offset(log) > 0);
    /* A fetch that was being sent keeps reading the deleted files. */
    uint8_t *bytes = ts_read_slices(&held);
    CU_ASSERT_PTR_NOT_NULL(bytes);
    if (bytes) {
        char why[256];
        CU_ASSERT_EQUAL(broker_batch_check_stored(bytes, (size_t)held.bytes, NULL, why, sizeof why),
                        KAFKA_ERR_NONE);
    }
    free(bytes);
    broker_log_read_release(&held);

    /* A size limit below the active segment still keeps the active one. */
    conf.retention_bytes = 0;
    broker_log_set_config(log, &conf);
    broker_cleaner_retention(log, NOW);
    CU_ASSERT_EQUAL(broker_log_segment_count(log), 1);
    CU_ASSERT(broker_log_size(log) > 0);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_flush_policy(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf;
    broker_log_config_defaults(&conf);
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    /* Kafka's default leaves it to the page cache. */
    append_at(log, 5, NOW);
    CU_ASSERT_FALSE(broker_cleaner_flush_due(log, NOW + DAY));
    CU_ASSERT_EQUAL(broker_cleaner_flush_wait_ms(log, NOW), -1);

    conf.flush_messages = 3;
    broker_log_set_config(log, &conf);
    CU_ASSERT_TRUE(broker_cleaner_flush_due(log, NOW)); /* 5 unflushed already */
    CU_ASSERT_EQUAL(broker_log_flush(log, NOW), 0);
    CU_ASSERT_FALSE(broker_cleaner_flush_due(log, NOW));
    append_at(log, 2, NOW);
    CU_ASSERT_FALSE(broker_cleaner_flush_due(log, NOW));
    append_at(log, 1, NOW);
    CU_ASSERT_TRUE(broker_cleaner_flush_due(log, NOW));
    CU_ASSERT_EQUAL(broker_log_flush(log, NOW), 0);

    conf.flush_messages = INT64_MAX;
    conf.flush_ms = 1000;
    broker_log_set_config(log, &conf);
    append_at(log, 1, NOW);
    CU_ASSERT_FALSE(broker_cleaner_flush_due(log, NOW + 999));
    CU_ASSERT_EQUAL(broker_cleaner_flush_wait_ms(log, NOW + 400), 600);
    CU_ASSERT_TRUE(broker_cleaner_flush_due(log, NOW + 1000));
    CU_ASSERT_EQUAL(broker_log_flush(log, NOW + 1000), 0);
    CU_ASSERT_EQUAL(broker_cleaner_flush_wait_ms(log, NOW + 1000), -1);
    broker_log_close(log);

    /* A roll leaves the closed segment to sync, whatever the policy. */
    broker_log_config_t small = ts_small_conf();
    log = broker_log_open(dir, "u", 0, &small, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_at(log, 4, NOW);
    CU_ASSERT_FALSE(broker_cleaner_flush_due(log, NOW));
    append_at(log, 4, NOW);
    CU_ASSERT(broker_log_segment_count(log) >= 2);
    CU_ASSERT_TRUE(broker_cleaner_flush_due(log, NOW));
    CU_ASSERT_EQUAL(broker_log_flush(log, NOW), 0);
    CU_ASSERT_FALSE(broker_cleaner_flush_due(log, NOW));
    broker_log_close(log);
    ts_rm_rf(dir);
}

/* ---- compaction ---- */

typedef struct seen {
    int64_t offsets[4096];
    char keys[4096][16];
    char values[4096][32]; /* "" for null */
    bool null_value[4096];
    int n;
    int corrupt;
    int compressed_batches;
} seen_t;

static int collect(const uint8_t *batch, size_t len, const broker_batch_header_t *hdr, void *opaque)
{
    seen_t *s = opaque;
    char why[256];
    if (broker_batch_check_stored(batch, len, NULL, why, sizeof why) != KAFKA_ERR_NONE) {
        fprintf(stderr, "\n  stored batch invalid: %s\n", why);
        s->corrupt++;
    }
    if (broker_batch_compression(hdr) != BROKER_COMPRESSION_NONE) {
        s->compressed_batches++;
        return 0;
    }
    broker_record_iter_t it;
    broker_record_t rec;
    broker_record_iter_init(&it, batch, len, hdr);
    while (broker_record_iter_next(&it, &rec, why, sizeof why) == 1 && s->n < 4096) {
        s->offsets[s->n] = rec.offset;
        snprintf(s->keys[s->n], 16, "%.*s", rec.key_len < 0 ? 0 : rec.key_len,
                 rec.key ? (const char *)rec.key : "");
        s->null_value[s->n] = rec.value_len < 0;
        snprintf(s->values[s->n], 32, "%.*s", rec.value_len < 0 ? 0 : rec.value_len,
                 rec.value ? (const char *)rec.value : "");
        s->n++;
    }
    return 0;
}

static void append_kv(broker_log_t *log, const char *key, const char *value, int64_t ts)
{
    tb_rec_t rec = {key, value, ts, "source", "test"};
    size_t len;
    uint8_t *b = tb_batch(&rec, 1, &len);
    CU_ASSERT_EQUAL(broker_log_append(log, b, len, ts, NULL), KAFKA_ERR_NONE);
    free(b);
}

static void test_compaction_keeps_latest_per_key(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    conf.cleanup_policy = BROKER_CLEANUP_COMPACT;
    conf.segment_bytes = 1024;
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);

    /* Ten keys written round after round, batches of several records mixing
     * keys, then tombstones: k1 long ago (past delete.retention.ms), k2
     * recently. */
    int64_t latest[10];
    char value[32];
    for (int round = 0; round < 12; round++) {
        for (int k = 0; k < 10; k += 2) {
            tb_rec_t recs[2];
            char k0[8], k1[8], v0[32], v1[32];
            snprintf(k0, sizeof k0, "k%d", k);
            snprintf(k1, sizeof k1, "k%d", k + 1);
            snprintf(v0, sizeof v0, "k%d-v%d", k, round);
            snprintf(v1, sizeof v1, "k%d-v%d", k + 1, round);
            recs[0] = (tb_rec_t){k0, v0, NOW - 3 * DAY, NULL, NULL};
            recs[1] = (tb_rec_t){k1, v1, NOW - 3 * DAY, NULL, NULL};
            size_t len;
            uint8_t *b = tb_batch(recs, 2, &len);
            broker_log_append_result_t res;
            CU_ASSERT_EQUAL(broker_log_append(log, b, len, NOW, &res), KAFKA_ERR_NONE);
            latest[k] = res.base_offset;
            latest[k + 1] = res.base_offset + 1;
            free(b);
        }
    }
    int64_t k1_tombstone = broker_log_end_offset(log);
    append_kv(log, "k1", NULL, NOW - 2 * DAY);
    int64_t k2_tombstone = broker_log_end_offset(log);
    append_kv(log, "k2", NULL, NOW - 1000);
    /* Push those into closed segments; the active one holds only k9 writes. */
    for (int i = 0; i < 12; i++) {
        snprintf(value, sizeof value, "k9-tail%d", i);
        append_kv(log, "k9", value, NOW);
    }
    int64_t leo = broker_log_end_offset(log);
    size_t nseg = broker_log_segment_count(log);
    CU_ASSERT(nseg > 5);
    int64_t size_before = broker_log_size(log);

    /* A fetch holding the old files while compaction swaps them. */
    broker_log_read_t held;
    CU_ASSERT_EQUAL(broker_log_read(log, 0, 1 << 20, true, &held), KAFKA_ERR_NONE);

    CU_ASSERT_TRUE(broker_cleaner_compaction_due(log));
    broker_cleaner_stats_t st;
    CU_ASSERT_EQUAL(broker_cleaner_compact(log, NOW, &st), 0);
    CU_ASSERT(st.segments_rewritten > 0);
    CU_ASSERT(st.records_removed > 100);
    CU_ASSERT_EQUAL(st.tombstones_removed, 1);
    CU_ASSERT(broker_log_size(log) < size_before);
    CU_ASSERT_FALSE(broker_cleaner_compaction_due(log));
    CU_ASSERT_EQUAL(broker_log_end_offset(log), leo);

    uint8_t *old = ts_read_slices(&held);
    CU_ASSERT_PTR_NOT_NULL(old);
    if (old) {
        char why[256];
        CU_ASSERT_EQUAL(broker_batch_check_stored(old, (size_t)held.bytes, NULL, why, sizeof why),
                        KAFKA_ERR_NONE);
        CU_ASSERT_EQUAL(broker_be64(old), 0); /* still the old first batch */
    }
    free(old);
    broker_log_read_release(&held);

    seen_t *s = calloc(1, sizeof *s);
    CU_ASSERT_EQUAL(broker_log_for_each_batch(log, 0, collect, s), 0);
    CU_ASSERT_EQUAL(s->corrupt, 0);
    int count[10] = {0};
    for (int i = 0; i < s->n; i++) {
        int k = s->keys[i][1] - '0';
        CU_ASSERT_FATAL(k >= 0 && k < 10);
        if (s->offsets[i] >= 0 && k != 9)
            count[k]++;
        if (i > 0)
            CU_ASSERT(s->offsets[i] > s->offsets[i - 1]); /* offsets are kept */
        if (k == 1)
            CU_FAIL("k1's old tombstone and every k1 value should be gone");
        if (k == 2) {
            CU_ASSERT_TRUE(s->null_value[i]);
            CU_ASSERT_EQUAL(s->offsets[i], k2_tombstone);
        }
        if (k != 1 && k != 2 && k != 9) {
            snprintf(value, sizeof value, "k%d-v11", k);
            CU_ASSERT_STRING_EQUAL(s->values[i], value);
            CU_ASSERT_EQUAL(s->offsets[i], latest[k]);
        }
    }
    (void)k1_tombstone;
    for (int k = 0; k < 9; k++)
        CU_ASSERT_EQUAL(count[k], k == 1 ? 0 : 1);
    free(s);

    /* Reads at any offset still start at a whole batch, and the compacted
     * segments reopen cleanly with their rebuilt indexes. */
    for (int64_t off = 0; off < leo; off++) {
        broker_log_read_t rd;
        CU_ASSERT_EQUAL(broker_log_read(log, off, 100, true, &rd), KAFKA_ERR_NONE);
        uint8_t *b = ts_read_slices(&rd);
        if (rd.nslices > 0 && b) {
            broker_batch_header_t hdr;
            broker_batch_header_read(b, (size_t)rd.bytes, &hdr);
            CU_ASSERT(broker_batch_last_offset(&hdr) >= off);
        }
        free(b);
        broker_log_read_release(&rd);
    }
    broker_log_close(log);
    log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    s = calloc(1, sizeof *s);
    CU_ASSERT_EQUAL(broker_log_for_each_batch(log, 0, collect, s), 0);
    CU_ASSERT_EQUAL(s->corrupt, 0);
    CU_ASSERT(s->n > 0 && s->n < 30);
    free(s);
    /* A second run has nothing left to remove. */
    CU_ASSERT_EQUAL(broker_cleaner_compact(log, NOW, &st), 0);
    CU_ASSERT_EQUAL(st.records_removed, 0);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_compaction_keeps_compressed_batches_untouched(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    conf.cleanup_policy = BROKER_CLEANUP_COMPACT;
    conf.segment_bytes = 600;
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    tb_rec_t recs[2] = {{"a", "old-a", NOW - 3 * DAY, NULL, NULL},
                        {"b", "old-b", NOW - 3 * DAY, NULL, NULL}};
    size_t zlen;
    uint8_t *z = tb_batch_ex(recs, 2, BROKER_COMPRESSION_GZIP, -1, -1, -1, &zlen);
    uint8_t *zcopy = malloc(zlen);
    CU_ASSERT_EQUAL(broker_log_append(log, z, zlen, NOW, NULL), KAFKA_ERR_NONE);
    memcpy(zcopy, z, zlen);
    free(z);
    for (int i = 0; i < 6; i++)
        append_kv(log, "a", "new-a", NOW - 3 * DAY);
    append_kv(log, "c", NULL, NOW - 3 * DAY); /* an old tombstone */
    for (int i = 0; i < 8; i++)
        append_kv(log, "z", "filler", NOW);
    broker_cleaner_stats_t st;
    CU_ASSERT_EQUAL(broker_cleaner_compact(log, NOW, &st), 0);
    CU_ASSERT(st.records_removed >= 5);
    /* With a compressed batch around, tombstones stay (older values hidden
     * in compressed batches could otherwise come back). */
    CU_ASSERT_EQUAL(st.tombstones_removed, 0);
    broker_log_read_t rd;
    CU_ASSERT_EQUAL(broker_log_read(log, 0, 1, true, &rd), KAFKA_ERR_NONE);
    uint8_t *b = ts_read_slices(&rd);
    CU_ASSERT_EQUAL(rd.bytes, (int64_t)zlen);
    if (b)
        CU_ASSERT_EQUAL(memcmp(b, zcopy, zlen), 0);
    free(b);
    broker_log_read_release(&rd);
    seen_t *s = calloc(1, sizeof *s);
    broker_log_for_each_batch(log, 0, collect, s);
    CU_ASSERT_EQUAL(s->compressed_batches, 1);
    int a = 0, c = 0;
    for (int i = 0; i < s->n; i++) {
        a += strcmp(s->keys[i], "a") == 0;
        c += strcmp(s->keys[i], "c") == 0;
    }
    CU_ASSERT_EQUAL(a, 1);
    CU_ASSERT_EQUAL(c, 1);
    free(s);
    free(zcopy);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_compaction_leftovers_removed_at_open(void)
{
    char *dir = ts_mkdtemp();
    char err[512], path[600];
    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_at(log, 10, NOW);
    broker_log_close(log);
    /* A crash during a swap: a temporary file and a segment without
     * indexes; and an index whose log was deleted. */
    snprintf(path, sizeof path, "%s/t-0/00000000000000000000.log.cleaned", dir);
    FILE *f = fopen(path, "w");
    fputs("partial", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/t-0/00000000000000000000.index", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/t-0/00000000000000099999.timeindex", dir);
    f = fopen(path, "w");
    fclose(f);
    log = broker_log_open(dir, "t", 0, &conf, NOW, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), 10);
    snprintf(path, sizeof path, "%s/t-0/00000000000000000000.log.cleaned", dir);
    CU_ASSERT_FALSE(ts_exists(path));
    snprintf(path, sizeof path, "%s/t-0/00000000000000099999.timeindex", dir);
    CU_ASSERT_FALSE(ts_exists(path));
    snprintf(path, sizeof path, "%s/t-0/00000000000000000000.index", dir);
    CU_ASSERT_TRUE(ts_exists(path));
    broker_log_close(log);
    ts_rm_rf(dir);
}

void test_register(void)
{
    TEST_SUITE(
        "log_cleaner", {"retention by time", test_retention_by_time},
        {"retention by size", test_retention_by_size}, {"flush policy", test_flush_policy},
        {"compaction keeps the latest per key", test_compaction_keeps_latest_per_key},
        {"compaction keeps compressed batches", test_compaction_keeps_compressed_batches_untouched},
        {"compaction leftovers removed at open", test_compaction_leftovers_removed_at_open});
}
