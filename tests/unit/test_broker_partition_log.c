/* Partition logs: appends, reads, lookups, recovery and the on-disk layout. */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "log_cleaner.h"
#include "partition_log.h"
#include "test_broker_storage_util.h"
#include "test_util.h"

static const int64_t T0 = 1700000000000LL;

/* Appends n batches of 1..4 records with 20..200-byte values. */
static void append_varied(broker_log_t *log, ts_model_t *m, int n, int64_t ts)
{
    for (int i = 0; i < n; i++) {
        size_t len;
        uint8_t *b = tb_filler(1 + i % 4, 20 + (size_t)(i * 37) % 180, ts + i, &len);
        CU_ASSERT_EQUAL_FATAL(ts_append(log, m, b, len, ts + i), KAFKA_ERR_NONE);
    }
}

/* Checks that a read at offset starts at the batch holding it and returns
 * whole model batches, in order, byte for byte. Returns the batch count. */
static int check_read(broker_log_t *log, const ts_model_t *m, int64_t offset, int64_t max_bytes,
                      bool min_one)
{
    broker_log_read_t rd;
    CU_ASSERT_EQUAL(broker_log_read(log, offset, max_bytes, min_one, &rd), KAFKA_ERR_NONE);
    uint8_t *bytes = ts_read_slices(&rd);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    ssize_t i = ts_model_find(m, offset);
    int count = 0;
    int64_t at = 0;
    while (at < rd.bytes) {
        CU_ASSERT_FATAL(i >= 0 && (size_t)i < m->n);
        CU_ASSERT_FATAL(at + (int64_t)m->lens[i] <= rd.bytes);
        CU_ASSERT_EQUAL(memcmp(bytes + at, m->batches[i], m->lens[i]), 0);
        at += (int64_t)m->lens[i];
        i++;
        count++;
    }
    CU_ASSERT_EQUAL(at, rd.bytes);
    if (!min_one || count > 1)
        CU_ASSERT(rd.bytes <= max_bytes);
    free(bytes);
    broker_log_read_release(&rd);
    return count;
}

static void test_layout_append_read_roundtrip(void)
{
    char *dir = ts_mkdtemp();
    char path[512], err[512];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "orders", 3, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), 0);
    CU_ASSERT_EQUAL(broker_log_start_offset(log), 0);

    append_varied(log, &m, 300, T0);
    /* Offsets are assigned contiguously. */
    for (size_t i = 1; i < m.n; i++)
        CU_ASSERT_EQUAL(m.base[i], m.last[i - 1] + 1);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), m.last[m.n - 1] + 1);
    size_t nseg = broker_log_segment_count(log);
    CU_ASSERT(nseg > 10);

    /* Kafka's layout: 20-digit names, segments below segment.bytes. */
    snprintf(path, sizeof path, "%s/orders-3/00000000000000000000.log", dir);
    CU_ASSERT_TRUE(ts_exists(path));
    CU_ASSERT(ts_file_size(path) <= 4096);
    snprintf(path, sizeof path, "%s/orders-3/00000000000000000000.index", dir);
    CU_ASSERT_TRUE(ts_exists(path));
    /* A closed segment's index is trimmed to its entries. */
    CU_ASSERT(ts_file_size(path) > 0 && ts_file_size(path) % 8 == 0 && ts_file_size(path) < 1024);
    snprintf(path, sizeof path, "%s/orders-3/00000000000000000000.timeindex", dir);
    CU_ASSERT(ts_file_size(path) > 0 && ts_file_size(path) % 12 == 0);
    snprintf(path, sizeof path, "%s/orders-3/%020lld.log", dir, (long long)m.base[m.n - 1]);
    (void)path;

    /* Every offset reads from the batch that holds it, whatever the segment. */
    int64_t end = broker_log_end_offset(log);
    for (int64_t off = 0; off < end; off++)
        CU_ASSERT(check_read(log, &m, off, 1 << 20, true) >= 1);
    /* The whole log in one read crosses segments (up to the slice cap). */
    int n = check_read(log, &m, 0, INT64_MAX / 4, true);
    CU_ASSERT(n > 0);

    /* Reading everything through for_each_batch gives back the model. */
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

typedef struct each_ctx {
    const ts_model_t *m;
    size_t next;
    int mismatches;
} each_ctx_t;

static int each_cb(const uint8_t *batch, size_t len, const broker_batch_header_t *hdr, void *opaque)
{
    each_ctx_t *c = opaque;
    if (c->next >= c->m->n || len != c->m->lens[c->next] ||
        memcmp(batch, c->m->batches[c->next], len) != 0 || hdr->base_offset != c->m->base[c->next])
        c->mismatches++;
    c->next++;
    return 0;
}

static void test_for_each_batch(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_varied(log, &m, 120, T0);
    each_ctx_t c = {.m = &m};
    CU_ASSERT_EQUAL(broker_log_for_each_batch(log, 0, each_cb, &c), 0);
    CU_ASSERT_EQUAL(c.next, m.n);
    CU_ASSERT_EQUAL(c.mismatches, 0);
    /* From the middle of a batch: that batch first. */
    ssize_t k = 57;
    c.next = (size_t)k;
    CU_ASSERT_EQUAL(broker_log_for_each_batch(log, m.last[k], each_cb, &c), 0);
    CU_ASSERT_EQUAL(c.next, m.n);
    CU_ASSERT_EQUAL(c.mismatches, 0);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static void test_read_limits_and_min_one(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    conf.segment_bytes = 1 << 20;
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    for (int i = 0; i < 40; i++) {
        size_t len;
        uint8_t *b = tb_filler(2, 300, T0, &len);
        CU_ASSERT_EQUAL(ts_append(log, &m, b, len, T0), KAFKA_ERR_NONE);
    }
    int64_t bsz = (int64_t)m.lens[0];

    /* Two and a half batches' worth: two whole batches, no partial third. */
    CU_ASSERT_EQUAL(check_read(log, &m, 0, bsz * 5 / 2, true), 2);
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[10] + 1, bsz * 5 / 2, false), 2);
    /* Exactly three batches. */
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[3], bsz * 3, false), 3);
    /* Smaller than one batch: one with min-one, none without. */
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[5], 10, true), 1);
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[5], 10, false), 0);
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[5], 0, true), 1);
    /* Far past the index entries (which sit every 256 bytes here). */
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[1], bsz * 30 + 7, false), 30);
    /* To the end. */
    CU_ASSERT_EQUAL(check_read(log, &m, m.base[39], 1 << 20, false), 1);

    /* The log end: empty, no error; past it: out of range. */
    broker_log_read_t rd;
    int64_t leo = broker_log_end_offset(log);
    CU_ASSERT_EQUAL(broker_log_read(log, leo, 1 << 20, true, &rd), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(rd.nslices, 0);
    CU_ASSERT_EQUAL(rd.high_watermark, leo);
    broker_log_read_release(&rd);
    CU_ASSERT_EQUAL(broker_log_read(log, leo + 1, 1 << 20, true, &rd),
                    KAFKA_ERR_OFFSET_OUT_OF_RANGE);
    broker_log_read_release(&rd);
    CU_ASSERT_EQUAL(broker_log_read(log, -1, 1 << 20, true, &rd), KAFKA_ERR_OFFSET_OUT_OF_RANGE);
    broker_log_read_release(&rd);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static void test_read_across_segment_boundaries(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    for (int i = 0; i < 60; i++) {
        size_t len;
        uint8_t *b = tb_filler(1, 900, T0, &len); /* ~4 per 4 KiB segment */
        CU_ASSERT_EQUAL(ts_append(log, &m, b, len, T0), KAFKA_ERR_NONE);
    }
    CU_ASSERT(broker_log_segment_count(log) >= 14);
    int64_t bsz = (int64_t)m.lens[0];
    /* Reads starting at each batch and spanning a segment boundary return
     * several slices of whole batches. */
    for (size_t i = 0; i < 50; i++) {
        CU_ASSERT_EQUAL(check_read(log, &m, m.base[i], bsz * 6, true), 6);
        CU_ASSERT_EQUAL(check_read(log, &m, m.base[i], bsz * 6 - 1, true), 5);
    }
    broker_log_read_t rd;
    CU_ASSERT_EQUAL(broker_log_read(log, 0, bsz * 10, true, &rd), KAFKA_ERR_NONE);
    CU_ASSERT(rd.nslices >= 2);
    for (int s = 0; s < rd.nslices; s++)
        CU_ASSERT_EQUAL(rd.slices[s].length % bsz, 0);
    broker_log_read_release(&rd);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

/* The first (offset, timestamp) with timestamp >= target, by brute force. */
static void brute_timestamp(const ts_model_t *m, int64_t target, int64_t *off, int64_t *ts)
{
    *off = -1;
    *ts = -1;
    for (size_t i = 0; i < m->n; i++) {
        broker_batch_header_t hdr;
        broker_record_iter_t it;
        broker_record_t rec;
        char err[128];
        broker_batch_header_read(m->batches[i], m->lens[i], &hdr);
        broker_record_iter_init(&it, m->batches[i], m->lens[i], &hdr);
        while (broker_record_iter_next(&it, &rec, err, sizeof err) == 1) {
            if (rec.timestamp >= target) {
                *off = rec.offset;
                *ts = rec.timestamp;
                return;
            }
        }
    }
}

static void test_offset_for_timestamp(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    /* Timestamps that mostly rise but jump back and forth, as producers'
     * clocks do, with several records per batch. */
    srand(11);
    int64_t base = T0;
    for (int i = 0; i < 250; i++) {
        tb_rec_t recs[3];
        char key[3][16];
        int n = 1 + i % 3;
        for (int r = 0; r < n; r++) {
            snprintf(key[r], sizeof key[r], "k%d", r);
            recs[r] = (tb_rec_t){key[r], "some value for the record", 0, NULL, NULL};
            recs[r].ts = base + rand() % 50 - 10;
        }
        base += 7;
        size_t len;
        uint8_t *b = tb_batch(recs, n, &len);
        CU_ASSERT_EQUAL(ts_append(log, &m, b, len, T0), KAFKA_ERR_NONE);
    }
    CU_ASSERT(broker_log_segment_count(log) > 5);
    for (int64_t target = T0 - 30; target < base + 60; target += 3) {
        int64_t want_off, want_ts, off, ts;
        brute_timestamp(&m, target, &want_off, &want_ts);
        CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, target, &off, &ts), KAFKA_ERR_NONE);
        if (off != want_off || ts != want_ts)
            fprintf(stderr, "\n  target %lld: got %lld@%lld, want %lld@%lld\n", (long long)target,
                    (long long)off, (long long)ts, (long long)want_off, (long long)want_ts);
        CU_ASSERT_EQUAL(off, want_off);
        CU_ASSERT_EQUAL(ts, want_ts);
    }
    int64_t off, ts;
    CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, BROKER_LOG_LATEST_TIMESTAMP, &off, &ts),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(off, broker_log_end_offset(log));
    CU_ASSERT_EQUAL(ts, -1);
    CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, BROKER_LOG_EARLIEST_TIMESTAMP, &off, &ts),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(off, 0);

    /* The same answers after a restart, from the files. */
    broker_log_close(log);
    log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    for (int64_t target = T0 - 30; target < base + 60; target += 11) {
        int64_t want_off, want_ts;
        brute_timestamp(&m, target, &want_off, &want_ts);
        CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, target, &off, &ts), KAFKA_ERR_NONE);
        CU_ASSERT_EQUAL(off, want_off);
        CU_ASSERT_EQUAL(ts, want_ts);
    }
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static void test_compressed_batch_timestamp_is_batch_level(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    tb_rec_t recs[3] = {{"a", "1", T0, NULL, NULL},
                        {"b", "2", T0 + 10, NULL, NULL},
                        {"c", "3", T0 + 20, NULL, NULL}};
    size_t len;
    uint8_t *b = tb_batch_ex(recs, 3, BROKER_COMPRESSION_LZ4, -1, -1, -1, &len);
    CU_ASSERT_EQUAL(ts_append(log, &m, b, len, T0), KAFKA_ERR_NONE);
    int64_t off, ts;
    CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, T0 + 15, &off, &ts), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(off, 0);
    CU_ASSERT_EQUAL(ts, T0 + 20);
    CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, T0 + 21, &off, &ts), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(off, -1);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

/* Runs fn in a child that is killed (SIGKILL) when it returns: the log is
 * never closed, as after kill -9 of the broker. */
static void in_killed_child(void (*fn)(const char *dir), const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(dir);
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

#define CRASH_BATCHES 150

static void child_append(const char *dir)
{
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    if (!log)
        _exit(2);
    for (int i = 0; i < CRASH_BATCHES; i++) {
        size_t len;
        uint8_t *b = tb_filler(1 + i % 3, 100, T0 + i, &len);
        if (broker_log_append(log, b, len, T0 + i, NULL) != KAFKA_ERR_NONE)
            _exit(3);
        free(b);
    }
}

static int64_t last_segment_base(const char *dir, char *path, size_t size)
{
    /* The largest NNN.log in the directory. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s/t-0/*.log | tail -1", dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    if (!fgets(path, (int)size, p)) {
        pclose(p);
        return -1;
    }
    pclose(p);
    path[strcspn(path, "\n")] = '\0';
    const char *name = strrchr(path, '/') + 1;
    return atoll(name);
}

static void test_acknowledged_batches_survive_kill9(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    in_killed_child(child_append, dir);
    char marker[600];
    snprintf(marker, sizeof marker, "%s/t-0/%s", dir, BROKER_LOG_CLEAN_SHUTDOWN_FILE);
    CU_ASSERT_FALSE(ts_exists(marker));
    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    int64_t expected = 0;
    for (int i = 0; i < CRASH_BATCHES; i++)
        expected += 1 + i % 3;
    CU_ASSERT_EQUAL(broker_log_end_offset(log), expected);
    /* Every offset is readable and the next append continues the sequence. */
    broker_log_read_t rd;
    for (int64_t off = 0; off < expected; off += 5) {
        CU_ASSERT_EQUAL(broker_log_read(log, off, 1, true, &rd), KAFKA_ERR_NONE);
        CU_ASSERT_EQUAL(rd.nslices, 1);
        broker_log_read_release(&rd);
    }
    size_t len;
    uint8_t *b = tb_filler(2, 10, T0, &len);
    broker_log_append_result_t res;
    CU_ASSERT_EQUAL(broker_log_append(log, b, len, T0, &res), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(res.base_offset, expected);
    free(b);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_recovery_truncates_torn_last_batch(void)
{
    char *dir = ts_mkdtemp();
    char err[512], path[600];
    in_killed_child(child_append, dir);
    int64_t base = last_segment_base(dir, path, sizeof path);
    CU_ASSERT_FATAL(base > 0);
    int64_t size = ts_file_size(path);

    /* Find the last batch's start by walking the file, then cut it in half. */
    int fd = open(path, O_RDWR);
    int64_t pos = 0, last_pos = 0, last_base = 0;
    uint8_t h[12];
    while (pos < size && pread(fd, h, 12, pos) == 12) {
        last_pos = pos;
        last_base = (int64_t)be64toh(*(uint64_t *)h);
        pos += 12 + (int64_t)be32toh(*(uint32_t *)(h + 8));
    }
    CU_ASSERT_EQUAL(pos, size);
    CU_ASSERT_EQUAL(ftruncate(fd, last_pos + (size - last_pos) / 2), 0);
    close(fd);

    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    /* Everything before the torn batch is kept; it is gone. */
    CU_ASSERT_EQUAL(broker_log_end_offset(log), last_base);
    CU_ASSERT_EQUAL(ts_file_size(path), last_pos);
    broker_log_read_t rd;
    CU_ASSERT_EQUAL(broker_log_read(log, 0, INT32_MAX, true, &rd), KAFKA_ERR_NONE);
    broker_log_read_release(&rd);
    CU_ASSERT_EQUAL(broker_log_read(log, last_base - 1, 1, true, &rd), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(rd.nslices, 1);
    broker_log_read_release(&rd);
    /* The next append takes the torn batch's offsets. */
    size_t len;
    uint8_t *b = tb_filler(1, 10, T0, &len);
    broker_log_append_result_t res;
    CU_ASSERT_EQUAL(broker_log_append(log, b, len, T0, &res), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(res.base_offset, last_base);
    free(b);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_recovery_detects_corrupt_byte(void)
{
    char *dir = ts_mkdtemp();
    char err[512], path[600];
    in_killed_child(child_append, dir);
    int64_t base = last_segment_base(dir, path, sizeof path);
    CU_ASSERT_FATAL(base > 0);
    int64_t size = ts_file_size(path);
    /* A byte inside the last batch's records (the last batch is the 150th,
     * with 3 records of 100-byte values, so 60 bytes from the end is inside
     * it). */
    ts_flip_byte(path, size - 60);
    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    int64_t expected = 0;
    for (int i = 0; i < CRASH_BATCHES - 1; i++)
        expected += 1 + i % 3;
    CU_ASSERT_EQUAL(broker_log_end_offset(log), expected);
    CU_ASSERT(ts_file_size(path) < size);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_clean_shutdown_marker_skips_the_scan(void)
{
    char *dir = ts_mkdtemp();
    char err[512], path[600], marker[600];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_varied(log, &m, 50, T0);
    int64_t leo = broker_log_end_offset(log);
    broker_log_close(log);
    snprintf(marker, sizeof marker, "%s/t-0/%s", dir, BROKER_LOG_CLEAN_SHUTDOWN_FILE);
    CU_ASSERT_TRUE(ts_exists(marker));

    /* Damage the last batch's payload: with the marker the CRC scan is
     * skipped, so the batch stays (a scan would have cut it). */
    last_segment_base(dir, path, sizeof path);
    int64_t size = ts_file_size(path);
    ts_flip_byte(path, size - 5);
    log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), leo);
    CU_ASSERT_EQUAL(ts_file_size(path), size);
    /* The marker is consumed at open: a crash from now on means a scan. */
    CU_ASSERT_FALSE(ts_exists(marker));
    broker_log_unref(log); /* a "crash": no close, no marker */
    log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT(broker_log_end_offset(log) < leo);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), m.base[m.n - 1]);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static void test_index_rebuild(void)
{
    char *dir = ts_mkdtemp();
    char err[512], cmd[700];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_varied(log, &m, 200, T0);
    broker_log_close(log);

    /* Keep a copy of a closed segment's index, then delete every index. */
    char idx0[600];
    snprintf(idx0, sizeof idx0, "%s/t-0/00000000000000000000.index", dir);
    int64_t idx0_size = ts_file_size(idx0);
    CU_ASSERT(idx0_size > 0);
    snprintf(cmd, sizeof cmd, "rm -f %s/t-0/*.index", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
    CU_ASSERT_FALSE(ts_exists(idx0));
    log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(ts_file_size(idx0), idx0_size);
    int64_t end = broker_log_end_offset(log);
    CU_ASSERT_EQUAL(end, m.last[m.n - 1] + 1);
    for (int64_t off = 0; off < end; off += 3)
        check_read(log, &m, off, 700, true);
    broker_log_close(log);

    /* A damaged index (garbage entries) and a truncated time index. */
    int fd = open(idx0, O_WRONLY);
    CU_ASSERT_EQUAL(pwrite(fd, "\x7f\xff\xff\xff\x00\x00\x00\x01", 8, 8), 8);
    close(fd);
    char tidx[600];
    snprintf(tidx, sizeof tidx, "%s/t-0/00000000000000000000.timeindex", dir);
    CU_ASSERT_EQUAL(truncate(tidx, 5), 0);
    log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(ts_file_size(idx0), idx0_size);
    CU_ASSERT_EQUAL(ts_file_size(tidx) % 12, 0);
    for (int64_t off = 0; off < end; off += 3)
        check_read(log, &m, off, 700, true);
    int64_t o, t;
    CU_ASSERT_EQUAL(broker_log_offset_for_timestamp(log, T0 + 3, &o, &t), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(o, m.base[3]);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static kafka_error_t append_one(broker_log_t *log, ts_model_t *m, int64_t ts)
{
    size_t len;
    uint8_t *b = tb_filler(1, 10, ts, &len);
    return ts_append(log, m, b, len, T0);
}

static void test_roll_by_time_and_reopen_appends(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf;
    broker_log_config_defaults(&conf);
    conf.segment_ms = 1000;
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    /* By record time: a batch more than segment.ms after the segment's first
     * batch starts a new segment. */
    CU_ASSERT_EQUAL(append_one(log, &m, T0), 0);
    CU_ASSERT_EQUAL(append_one(log, &m, T0 + 1000), 0);
    CU_ASSERT_EQUAL(broker_log_segment_count(log), 1);
    CU_ASSERT_EQUAL(append_one(log, &m, T0 + 1001), 0);
    CU_ASSERT_EQUAL(broker_log_segment_count(log), 2);
    broker_log_close(log);

    /* After a clean restart appends continue in the same active segment. */
    log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), 3);
    CU_ASSERT_EQUAL(append_one(log, &m, T0 + 1500), 0);
    CU_ASSERT_EQUAL(broker_log_segment_count(log), 2);
    CU_ASSERT_EQUAL(m.base[3], 3);
    for (int64_t off = 0; off < 4; off++)
        check_read(log, &m, off, 1 << 20, true);
    broker_log_close(log);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static void test_delete_keeps_open_slices_readable(void)
{
    char *dir = ts_mkdtemp();
    char err[512], pdir[600];
    broker_log_config_t conf = ts_small_conf();
    ts_model_t m = {0};
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    append_varied(log, &m, 40, T0);
    broker_log_read_t rd;
    CU_ASSERT_EQUAL(broker_log_read(log, 0, 1 << 20, true, &rd), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_log_delete(log), 0);
    snprintf(pdir, sizeof pdir, "%s/t-0", dir);
    CU_ASSERT_FALSE(ts_exists(pdir));
    /* No "-delete" directory is left behind either. */
    CU_ASSERT_EQUAL(broker_log_remove_deleted_dirs(dir), 0);
    uint8_t *bytes = ts_read_slices(&rd);
    CU_ASSERT_PTR_NOT_NULL(bytes);
    if (bytes)
        CU_ASSERT_EQUAL(memcmp(bytes, m.batches[0], m.lens[0]), 0);
    free(bytes);
    broker_log_read_release(&rd);
    ts_model_free(&m);
    ts_rm_rf(dir);
}

static void test_bad_append_input(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    size_t len;
    uint8_t *b = tb_filler(1, 10, T0, &len);
    CU_ASSERT_EQUAL(broker_log_append(log, b, len - 1, T0, NULL), KAFKA_ERR_CORRUPT_MESSAGE);
    CU_ASSERT_EQUAL(broker_log_append(log, b, 30, T0, NULL), KAFKA_ERR_CORRUPT_MESSAGE);
    CU_ASSERT_EQUAL(broker_log_end_offset(log), 0);
    CU_ASSERT_EQUAL(broker_log_size(log), 0);
    free(b);
    /* An unusable directory is an error, not a crash. */
    CU_ASSERT_PTR_NULL(broker_log_open("/proc/none/such", "t", 0, &conf, T0, err, sizeof err));
    ASSERT_CONTAINS(err, "/proc/none/such");
    broker_log_close(log);
    ts_rm_rf(dir);
}

/* The background thread's work running against appends and reads. */
typedef struct race_ctx {
    broker_log_t *log;
    atomic_int stop;
    int runs;
} race_ctx_t;

static void *background(void *arg)
{
    race_ctx_t *c = arg;
    while (!atomic_load(&c->stop)) {
        broker_log_flush(c->log, ts_now_ms());
        broker_cleaner_retention(c->log, T0 + 100000);
        broker_cleaner_compact(c->log, T0, NULL);
        c->runs++;
    }
    return NULL;
}

static void test_background_work_during_appends(void)
{
    char *dir = ts_mkdtemp();
    char err[512];
    broker_log_config_t conf = ts_small_conf();
    conf.retention_bytes = 64 * 1024;
    conf.cleanup_policy = BROKER_CLEANUP_DELETE | BROKER_CLEANUP_COMPACT;
    broker_log_t *log = broker_log_open(dir, "t", 0, &conf, T0, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    race_ctx_t c = {.log = broker_log_ref(log)};
    pthread_t th;
    pthread_create(&th, NULL, background, &c);
    int64_t expected_next = 0;
    for (int i = 0; i < 3000; i++) {
        size_t len;
        uint8_t *b = tb_filler(1 + i % 5, 40, T0 + i, &len);
        broker_log_append_result_t res;
        CU_ASSERT_EQUAL(broker_log_append(log, b, len, T0 + i, &res), KAFKA_ERR_NONE);
        CU_ASSERT_EQUAL(res.base_offset, expected_next);
        expected_next = res.last_offset + 1;
        free(b);
        broker_log_read_t rd;
        int64_t start = broker_log_start_offset(log);
        kafka_error_t e =
            broker_log_read(log, start + (i * 7) % (expected_next - start + 1), 2000, true, &rd);
        /* Retention may move the start between the two calls. */
        CU_ASSERT(e == KAFKA_ERR_NONE || e == KAFKA_ERR_OFFSET_OUT_OF_RANGE);
        uint8_t *bytes = ts_read_slices(&rd);
        CU_ASSERT_PTR_NOT_NULL(bytes);
        if (bytes && rd.bytes >= 61) {
            char why[256];
            broker_batch_header_t hdr;
            CU_ASSERT_EQUAL(
                broker_batch_check_stored(bytes, (size_t)rd.bytes, &hdr, why, sizeof why),
                KAFKA_ERR_NONE);
        }
        free(bytes);
        broker_log_read_release(&rd);
    }
    atomic_store(&c.stop, 1);
    pthread_join(th, NULL);
    CU_ASSERT(c.runs > 0);
    /* The last appends may have come after the thread's last pass. */
    broker_cleaner_retention(log, T0 + 100000);
    CU_ASSERT(broker_log_size(log) < 64 * 1024 + 8192);
    CU_ASSERT(broker_log_start_offset(log) > 0);
    broker_log_unref(c.log);
    broker_log_close(log);
    ts_rm_rf(dir);
}

static void test_index_binary_search_boundaries(void)
{
    char *dir = ts_mkdtemp();
    char path[600], err[512];
    broker_index_t oi, ti;
    int64_t o, p, t;
    snprintf(path, sizeof path, "%s/00000000000000001000.index", dir);
    CU_ASSERT_EQUAL_FATAL(
        broker_index_open(&oi, path, BROKER_OFFSET_INDEX_ENTRY, 1000, 4096, err, sizeof err), 0);
    CU_ASSERT_TRUE(oi.created);
    /* Empty: the segment start. */
    broker_offset_index_lookup(&oi, 5000, &o, &p);
    CU_ASSERT(o == 1000 && p == 0);
    /* Entries (1009, 100), (1019, 200), ... (1099, 1000). */
    for (int i = 1; i <= 10; i++)
        CU_ASSERT_EQUAL(broker_offset_index_append(&oi, 999 + 10 * i, 100 * i), 0);
    CU_ASSERT_EQUAL(broker_offset_index_append(&oi, 1099, 2000), -1); /* not increasing */
    CU_ASSERT_EQUAL(broker_offset_index_append(&oi, 1200, 1000), -1);
    broker_offset_index_lookup(&oi, 1008, &o, &p);
    CU_ASSERT(o == 1000 && p == 0);
    broker_offset_index_lookup(&oi, 1009, &o, &p);
    CU_ASSERT(o == 1009 && p == 100);
    broker_offset_index_lookup(&oi, 1018, &o, &p);
    CU_ASSERT(o == 1009 && p == 100);
    broker_offset_index_lookup(&oi, 1099, &o, &p);
    CU_ASSERT(o == 1099 && p == 1000);
    broker_offset_index_lookup(&oi, INT64_MAX, &o, &p);
    CU_ASSERT(o == 1099 && p == 1000);
    broker_offset_index_lookup_position(&oi, 99, &o, &p);
    CU_ASSERT(p == 0);
    broker_offset_index_lookup_position(&oi, 500, &o, &p);
    CU_ASSERT(o == 1049 && p == 500);
    broker_offset_index_lookup_position(&oi, 549, &o, &p);
    CU_ASSERT(o == 1049 && p == 500);
    CU_ASSERT_EQUAL(broker_offset_index_check(&oi, err, sizeof err), 0);
    /* Trimmed on close to its ten entries, and reopened read-only. */
    broker_index_close(&oi);
    CU_ASSERT_EQUAL(ts_file_size(path), 80);
    CU_ASSERT_EQUAL_FATAL(
        broker_index_open(&oi, path, BROKER_OFFSET_INDEX_ENTRY, 1000, 0, err, sizeof err), 0);
    CU_ASSERT_EQUAL(oi.entries, 10);
    CU_ASSERT_FALSE(oi.created);
    broker_offset_index_lookup(&oi, 1050, &o, &p);
    CU_ASSERT(o == 1049 && p == 500);
    broker_index_close(&oi);

    snprintf(path, sizeof path, "%s/00000000000000001000.timeindex", dir);
    CU_ASSERT_EQUAL_FATAL(
        broker_index_open(&ti, path, BROKER_TIME_INDEX_ENTRY, 1000, 4096, err, sizeof err), 0);
    CU_ASSERT_FALSE(broker_time_index_lookup(&ti, 50, &t, &o));
    CU_ASSERT_EQUAL(broker_time_index_append(&ti, 100, 1005), 1);
    CU_ASSERT_EQUAL(broker_time_index_append(&ti, 100, 1006), 0); /* not larger */
    CU_ASSERT_EQUAL(broker_time_index_append(&ti, 200, 1010), 1);
    CU_ASSERT_EQUAL(broker_time_index_append(&ti, 300, 1004), -1); /* offset backwards */
    CU_ASSERT_EQUAL(broker_time_index_append(&ti, 300, 1020), 1);
    /* Strictly below the target: 100 for 101..200, none for 100. */
    CU_ASSERT_FALSE(broker_time_index_lookup(&ti, 100, &t, &o));
    CU_ASSERT_TRUE(broker_time_index_lookup(&ti, 101, &t, &o));
    CU_ASSERT(t == 100 && o == 1005);
    CU_ASSERT_TRUE(broker_time_index_lookup(&ti, 200, &t, &o));
    CU_ASSERT(t == 100 && o == 1005);
    CU_ASSERT_TRUE(broker_time_index_lookup(&ti, 10000, &t, &o));
    CU_ASSERT(t == 300 && o == 1020);
    CU_ASSERT_TRUE(broker_time_index_last(&ti, &t, &o));
    CU_ASSERT(t == 300 && o == 1020);
    CU_ASSERT_EQUAL(broker_time_index_check(&ti, err, sizeof err), 0);
    broker_index_close(&ti);
    CU_ASSERT_EQUAL(ts_file_size(path), 36);
    ts_rm_rf(dir);
}

void test_register(void)
{
    TEST_SUITE("log_index", {"binary search boundaries", test_index_binary_search_boundaries});
    TEST_SUITE(
        "partition_log",
        {"layout, append/read round trip across rolls", test_layout_append_read_roundtrip},
        {"for_each_batch", test_for_each_batch},
        {"read limits and min-one-batch", test_read_limits_and_min_one},
        {"reads across segment boundaries", test_read_across_segment_boundaries},
        {"offset for timestamp", test_offset_for_timestamp},
        {"compressed batch timestamp lookup", test_compressed_batch_timestamp_is_batch_level},
        {"acknowledged batches survive kill -9", test_acknowledged_batches_survive_kill9},
        {"recovery truncates a torn last batch", test_recovery_truncates_torn_last_batch},
        {"recovery detects a corrupt byte", test_recovery_detects_corrupt_byte},
        {"clean-shutdown marker skips the scan", test_clean_shutdown_marker_skips_the_scan},
        {"index rebuild", test_index_rebuild},
        {"roll by time, reopen and append", test_roll_by_time_and_reopen_appends},
        {"delete keeps open slices readable", test_delete_keeps_open_slices_readable},
        {"bad append input", test_bad_append_input},
        {"background work during appends", test_background_work_during_appends});
}
