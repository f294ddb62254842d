/*
 * In-process appends to the integrated broker (broker_local_ops, the ops of
 * worker/local_broker.h), against a broker run in-process on 127.0.0.1 with
 * port 0. Checked: partition counts; appended batches land at consecutive
 * offsets and a librdkafka consumer reads their keys and values; the
 * refusals a Produce request would get (MESSAGE_TOO_LARGE against the
 * topic's max.message.bytes, CORRUPT_MESSAGE for a bad CRC,
 * UNKNOWN_TOPIC_OR_PARTITION) leave the log as it was; a consumer parked in
 * a long poll is woken by an append; appends from two threads at once; and
 * shutdown: every accepted append gets exactly one done call, also those
 * still queued when the broker stops, and nothing blocks or is accepted
 * once it has stopped.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "batch_builder.h"
#include "broker.h"
#include "broker_internal.h"
#include "kafka_error.h"
#include "local_append.h"
#include "test_util.h"

#define WAIT_MS 30000
#define TOPIC "local-data"   /* 2 partitions */
#define SMALL "local-small"  /* max.message.bytes=200 */
#define WAKE "local-wake"    /* the long-poll test's */
#define THREADS "local-mt"   /* the two-thread test's */
#define STOP_TOPIC "stopped" /* on the brokers the shutdown tests stop */
#define SMALL_MAX 200
#define LONG_POLL_MS 15000

static char dir[64];
static broker_t *broker; /* the suite's broker, running throughout */
static char bootstrap[64];

/* ---- brokers and clients ------------------------------------------------------- */

/* A broker on 127.0.0.1, port 0, storing under base/name; NULL (said on
 * stderr) when it does not start. *bs gets its bootstrap address. */
static broker_t *broker_up(const char *name, char *bs, size_t bs_size)
{
    char logs[128];
    snprintf(logs, sizeof logs, "%s/%s", dir, name);
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "listeners", "PLAINTEXT://127.0.0.1:0");
    sluice_strmap_set(props, "log.dirs", logs);
    sluice_strmap_set(props, "offsets.topic.num.partitions", "1");
    char why[2048];
    broker_config_t *bc = broker_config_new(props, "test broker", why, sizeof why);
    sluice_strmap_destroy(props);
    if (!bc) {
        fprintf(stderr, "\n  broker config: %s\n", why);
        return NULL;
    }
    broker_t *b = broker_new(bc);
    if (broker_start(b, why, sizeof why)) {
        fprintf(stderr, "\n  broker: %s\n", why);
        broker_destroy(b);
        return NULL;
    }
    snprintf(bs, bs_size, "127.0.0.1:%d", broker_port(b));
    return b;
}

static rd_kafka_t *client_new(const char *bs, rd_kafka_type_t type, const char *group,
                              int fetch_wait_ms)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[256];
    rd_kafka_conf_set(conf, "bootstrap.servers", bs, why, sizeof why);
    rd_kafka_conf_set(conf, "log_level", "3", why, sizeof why);
    if (group) {
        rd_kafka_conf_set(conf, "group.id", group, why, sizeof why);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", why, sizeof why);
    }
    if (fetch_wait_ms > 0) {
        char v[32];
        snprintf(v, sizeof v, "%d", fetch_wait_ms);
        rd_kafka_conf_set(conf, "fetch.wait.max.ms", v, why, sizeof why);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, why, sizeof why);
    if (!rk)
        fprintf(stderr, "\n  rd_kafka_new: %s\n", why);
    return rk;
}

/* Creates topic on the broker at bs through the admin API, with one config
 * (key NULL: none). 0 or -1 (said on stderr). */
static int create_topic(const char *bs, const char *topic, int partitions, const char *key,
                        const char *value)
{
    rd_kafka_t *rk = client_new(bs, RD_KAFKA_PRODUCER, NULL, 0);
    if (!rk)
        return -1;
    char why[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions, 1, why, sizeof why);
    if (key)
        rd_kafka_NewTopic_set_config(nt, key, value);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, WAIT_MS);
    int rc = ev && !rd_kafka_event_error(ev) ? 0 : -1;
    size_t n = 0;
    const rd_kafka_topic_result_t **res =
        rc ? NULL : rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    if (n != 1 || rd_kafka_topic_result_error(res[0])) {
        fprintf(stderr, "\n  creating %s failed: %s\n", topic,
                n == 1 ? rd_kafka_topic_result_error_string(res[0]) : "no result");
        rc = -1;
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_destroy(rk);
    return rc;
}

static int suite_init(void)
{
    strcpy(dir, "/tmp/sluice-local-append-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    broker = broker_up("main", bootstrap, sizeof bootstrap);
    if (!broker)
        return -1;
    char max[16];
    snprintf(max, sizeof max, "%d", SMALL_MAX);
    if (create_topic(bootstrap, TOPIC, 2, NULL, NULL) ||
        create_topic(bootstrap, SMALL, 1, "max.message.bytes", max) ||
        create_topic(bootstrap, WAKE, 1, NULL, NULL) ||
        create_topic(bootstrap, THREADS, 1, NULL, NULL))
        return -1;
    return 0;
}

static int suite_cleanup(void)
{
    broker_destroy(broker);
    broker = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- appends and their outcomes ---------------------------------------------------- */

/* What one append's done call said; calls counts them. */
typedef struct outcome {
    int calls;
    int16_t error;
    char message[128];
    int64_t base_offset;
    int32_t partitions;
    int64_t at_ms; /* when done ran */
} outcome_t;

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

static void on_done(void *opaque, int16_t error, const char *message, int64_t base_offset,
                    int32_t partitions)
{
    outcome_t *o = opaque;
    pthread_mutex_lock(&done_lock);
    o->calls++;
    o->error = error;
    snprintf(o->message, sizeof o->message, "%s", message ? message : "(null)");
    o->base_offset = base_offset;
    o->partitions = partitions;
    o->at_ms = test_now_ms();
    pthread_cond_broadcast(&done_cond);
    pthread_mutex_unlock(&done_lock);
}

/* Waits until each of n outcomes has had its done call: true, or false at
 * the deadline. */
static bool wait_done(outcome_t *o, size_t n)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    pthread_mutex_lock(&done_lock);
    size_t i = 0;
    while (i < n) {
        if (o[i].calls > 0) {
            i++;
            continue;
        }
        if (test_now_ms() >= deadline)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10 * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&done_cond, &done_lock, &ts);
    }
    pthread_mutex_unlock(&done_lock);
    return i == n;
}

/* A batch of n records, keys "k<first>"…, values "<prefix>-<first>"…. */
static sluice_buf_t *batch_of(const char *prefix, int first, size_t n)
{
    broker_batch_record_t *recs = calloc(n, sizeof(*recs));
    char(*keys)[32] = calloc(n, sizeof(*keys));
    char(*values)[64] = calloc(n, sizeof(*values));
    for (size_t i = 0; i < n; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", first + (int)i);
        snprintf(values[i], sizeof values[i], "%s-%d", prefix, first + (int)i);
        recs[i] = (broker_batch_record_t){.key = (const uint8_t *)keys[i],
                                          .key_len = strlen(keys[i]),
                                          .value = (const uint8_t *)values[i],
                                          .value_len = strlen(values[i])};
    }
    sluice_buf_t *buf = sluice_buf_new();
    broker_batch_build(buf, recs, n, 1700000000000);
    free(recs);
    free(keys);
    free(values);
    return buf;
}

static int append_to(broker_t *b, const char *topic, int32_t partition, sluice_buf_t *batch,
                     size_t count, outcome_t *o)
{
    return broker_local_ops.append(b, topic, partition, batch, count, on_done, o);
}

/* Appends one batch to the suite's broker and waits for its outcome. */
static void append_wait(const char *topic, int32_t partition, sluice_buf_t *batch, size_t count,
                        outcome_t *o)
{
    memset(o, 0, sizeof(*o));
    CU_ASSERT_EQUAL_FATAL(append_to(broker, topic, partition, batch, count, o), 0);
    CU_ASSERT_FATAL(wait_done(o, 1));
    CU_ASSERT_EQUAL(o->calls, 1);
}

/* ---- reading back with librdkafka -------------------------------------------------- */

/* Reads n records of topic/partition from offset with a consumer of the
 * suite's broker and checks their offsets, keys "k<first>"… and values
 * "<prefix>-<first>"…. */
static void expect_records(const char *topic, int32_t partition, int64_t offset, size_t n,
                           const char *prefix, int first)
{
    rd_kafka_t *rk = client_new(bootstrap, RD_KAFKA_CONSUMER, "local-append-reader", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rk);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, partition)->offset = offset;
    CU_ASSERT_EQUAL(rd_kafka_assign(rk, l), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(l);
    size_t got = 0;
    int64_t deadline = test_now_ms() + WAIT_MS;
    while (got < n && test_now_ms() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m)
            continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                fprintf(stderr, "\n  consumer: %s\n", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        char key[32], value[64];
        snprintf(key, sizeof key, "k%d", first + (int)got);
        snprintf(value, sizeof value, "%s-%d", prefix, first + (int)got);
        CU_ASSERT_EQUAL(m->offset, offset + (int64_t)got);
        CU_ASSERT(m->key_len == strlen(key) && memcmp(m->key, key, m->key_len) == 0);
        CU_ASSERT(m->len == strlen(value) && memcmp(m->payload, value, m->len) == 0);
        rd_kafka_message_destroy(m);
        got++;
    }
    CU_ASSERT_EQUAL(got, n);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

/* ---- the tests on the running broker ------------------------------------------------- */

static void test_partitions(void)
{
    CU_ASSERT_EQUAL(broker_local_ops.partitions(broker, TOPIC), 2);
    CU_ASSERT_EQUAL(broker_local_ops.partitions(broker, SMALL), 1);
    CU_ASSERT_EQUAL(broker_local_ops.partitions(broker, "no-such-topic"), -1);
    /* It only looks: the unknown topic was not created by asking. */
    CU_ASSERT_EQUAL(broker_local_ops.partitions(broker, "no-such-topic"), -1);
}

static void test_consecutive_offsets(void)
{
    outcome_t o;
    append_wait(TOPIC, 1, batch_of("one", 0, 3), 3, &o);
    CU_ASSERT_EQUAL(o.error, 0);
    CU_ASSERT_STRING_EQUAL(o.message, "");
    CU_ASSERT_EQUAL(o.base_offset, 0);
    CU_ASSERT_EQUAL(o.partitions, 2);
    append_wait(TOPIC, 1, batch_of("one", 3, 1), 1, &o);
    CU_ASSERT_EQUAL(o.error, 0);
    CU_ASSERT_EQUAL(o.base_offset, 3);
    append_wait(TOPIC, 1, batch_of("one", 4, 5), 5, &o);
    CU_ASSERT_EQUAL(o.error, 0);
    CU_ASSERT_EQUAL(o.base_offset, 4);
    /* The other partition has its own offsets. */
    append_wait(TOPIC, 0, batch_of("zero", 0, 2), 2, &o);
    CU_ASSERT_EQUAL(o.error, 0);
    CU_ASSERT_EQUAL(o.base_offset, 0);
    expect_records(TOPIC, 1, 0, 9, "one", 0);
    expect_records(TOPIC, 0, 0, 2, "zero", 0);
}

static void test_refused_batches(void)
{
    outcome_t o;
    append_wait(SMALL, 0, batch_of("small", 0, 1), 1, &o);
    CU_ASSERT_EQUAL(o.error, 0);
    CU_ASSERT_EQUAL(o.base_offset, 0);

    /* Larger than the topic's max.message.bytes. */
    broker_batch_record_t big = {.value = calloc(1, 4 * SMALL_MAX), .value_len = 4 * SMALL_MAX};
    sluice_buf_t *buf = sluice_buf_new();
    broker_batch_build(buf, &big, 1, 1700000000000);
    free((void *)big.value);
    append_wait(SMALL, 0, buf, 1, &o);
    CU_ASSERT_EQUAL(o.error, KAFKA_ERR_MESSAGE_TOO_LARGE);
    CU_ASSERT_EQUAL(o.base_offset, -1);
    CU_ASSERT_EQUAL(o.partitions, 1);
    CU_ASSERT(o.message[0] != '\0');

    /* A byte the CRC covers, changed after the CRC was computed. */
    buf = batch_of("small", 1, 2);
    char last = sluice_buf_data(buf)[sluice_buf_len(buf) - 3];
    last ^= 0x20;
    sluice_buf_write_at(buf, sluice_buf_len(buf) - 3, &last, 1);
    append_wait(SMALL, 0, buf, 2, &o);
    CU_ASSERT_EQUAL(o.error, KAFKA_ERR_CORRUPT_MESSAGE);
    CU_ASSERT_EQUAL(o.base_offset, -1);
    ASSERT_CONTAINS(o.message, "CRC");

    /* Neither refusal took an offset: the next batch follows the first. */
    append_wait(SMALL, 0, batch_of("small", 1, 2), 2, &o);
    CU_ASSERT_EQUAL(o.error, 0);
    CU_ASSERT_EQUAL(o.base_offset, 1);
    expect_records(SMALL, 0, 0, 3, "small", 0);
}

static void test_unknown_topic_or_partition(void)
{
    outcome_t o;
    append_wait("no-such-topic", 0, batch_of("x", 0, 1), 1, &o);
    CU_ASSERT_EQUAL(o.error, KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    CU_ASSERT_EQUAL(o.base_offset, -1);
    CU_ASSERT_EQUAL(o.partitions, -1);
    ASSERT_CONTAINS(o.message, "no-such-topic");
    CU_ASSERT_EQUAL(broker_local_ops.partitions(broker, "no-such-topic"), -1);

    append_wait(TOPIC, 2, batch_of("x", 0, 1), 1, &o);
    CU_ASSERT_EQUAL(o.error, KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    CU_ASSERT_EQUAL(o.partitions, 2); /* so a caller sees how many there are */
    append_wait(TOPIC, -1, batch_of("x", 0, 1), 1, &o);
    CU_ASSERT_EQUAL(o.error, KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
}

static void test_count_mismatch(void)
{
    outcome_t o;
    append_wait(WAKE, 0, batch_of("wrong", 0, 2), 3, &o);
    CU_ASSERT_EQUAL(o.error, KAFKA_ERR_INVALID_RECORD);
    CU_ASSERT_EQUAL(o.base_offset, -1);
}

static void test_wakes_long_poll(void)
{
    rd_kafka_t *rk = client_new(bootstrap, RD_KAFKA_CONSUMER, "local-append-waker", LONG_POLL_MS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rk);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, WAKE, 0)->offset = 0;
    CU_ASSERT_EQUAL(rd_kafka_assign(rk, l), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(l);

    /* The first record proves the consumer is fetching; its next fetch then
     * parks on the empty partition for up to LONG_POLL_MS. */
    for (int round = 0; round < 2; round++) {
        outcome_t o;
        append_wait(WAKE, 0, batch_of("wake", round, 1), 1, &o);
        CU_ASSERT_EQUAL(o.error, 0);
        CU_ASSERT_EQUAL(o.base_offset, round);
        bool got = false;
        int64_t received_ms = 0;
        int64_t deadline = test_now_ms() + WAIT_MS;
        while (!got && test_now_ms() < deadline) {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 50);
            if (!m)
                continue;
            if (!m->err) {
                CU_ASSERT_EQUAL(m->offset, round);
                got = true;
                received_ms = test_now_ms();
            }
            rd_kafka_message_destroy(m);
        }
        CU_ASSERT_FATAL(got);
        if (round == 1) {
            int64_t waited = received_ms - o.at_ms;
            if (waited >= LONG_POLL_MS / 3)
                fprintf(stderr, "\n  the record came %lld ms after its append\n",
                        (long long)waited);
            CU_ASSERT(waited < LONG_POLL_MS / 3);
        } else {
            /* Let the consumer's next fetch reach the broker and park. */
            int64_t until = test_now_ms() + 1000;
            while (test_now_ms() < until) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 50);
                CU_ASSERT(m == NULL || m->err);
                if (m)
                    rd_kafka_message_destroy(m);
            }
        }
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

#define PER_THREAD 400
#define RECORDS_PER_BATCH 2

typedef struct appender {
    int id;
    outcome_t outcomes[PER_THREAD];
    int refused;
} appender_t;

static void *appender_main(void *arg)
{
    appender_t *a = arg;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "t%d", a->id);
    for (int i = 0; i < PER_THREAD; i++)
        if (append_to(broker, THREADS, 0, batch_of(prefix, i * RECORDS_PER_BATCH, 2),
                      RECORDS_PER_BATCH, &a->outcomes[i]))
            a->refused++;
    return NULL;
}

static void test_two_threads(void)
{
    static appender_t a[2];
    memset(a, 0, sizeof a);
    pthread_t th[2];
    for (int t = 0; t < 2; t++) {
        a[t].id = t;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[t], NULL, appender_main, &a[t]), 0);
    }
    for (int t = 0; t < 2; t++)
        pthread_join(th[t], NULL);
    bool seen[2 * PER_THREAD] = {false};
    for (int t = 0; t < 2; t++) {
        CU_ASSERT_EQUAL(a[t].refused, 0);
        CU_ASSERT_FATAL(wait_done(a[t].outcomes, PER_THREAD));
        int64_t last = -1;
        for (int i = 0; i < PER_THREAD; i++) {
            outcome_t *o = &a[t].outcomes[i];
            CU_ASSERT_EQUAL(o->calls, 1);
            CU_ASSERT_EQUAL(o->error, 0);
            /* One thread's appends run in the order it made them. */
            CU_ASSERT(o->base_offset > last);
            last = o->base_offset;
            CU_ASSERT(o->base_offset % RECORDS_PER_BATCH == 0);
            int64_t slot = o->base_offset / RECORDS_PER_BATCH;
            if (slot >= 0 && slot < 2 * PER_THREAD) {
                CU_ASSERT_FALSE(seen[slot]);
                seen[slot] = true;
            } else {
                CU_FAIL("base offset out of range");
            }
        }
    }
    /* The batches of the two threads fill offsets 0.. without a gap. */
    for (int s = 0; s < 2 * PER_THREAD; s++)
        CU_ASSERT(seen[s]);
    /* Each thread's records read back in order, interleaved batch by batch. */
    for (int t = 0; t < 2; t++) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "t%d", t);
        expect_records(THREADS, 0, a[t].outcomes[PER_THREAD - 1].base_offset, 2, prefix,
                       (PER_THREAD - 1) * RECORDS_PER_BATCH);
    }
}

/* ---- shutdown ---------------------------------------------------------------------- */

/* A done that holds the broker's thread until released, so the test can
 * queue appends behind it and ask the broker to stop meanwhile. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_entered, gate_open;

static void on_done_gated(void *opaque, int16_t error, const char *message, int64_t base_offset,
                          int32_t partitions)
{
    pthread_mutex_lock(&gate_lock);
    gate_entered = true;
    pthread_cond_broadcast(&gate_cond);
    while (!gate_open)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    on_done(opaque, error, message, base_offset, partitions);
}

/* The jobs queued for b's network thread (peeked under its lock). */
static size_t queued(broker_t *b)
{
    pthread_mutex_lock(&b->local_lock);
    size_t n = 0;
    for (struct local_job *j = b->local_head; j; j = *(struct local_job **)j)
        n++;
    pthread_mutex_unlock(&b->local_lock);
    return n;
}

typedef struct query {
    broker_t *broker;
    int32_t result;
} query_t;

static void *query_main(void *arg)
{
    query_t *q = arg;
    q->result = broker_local_ops.partitions(q->broker, STOP_TOPIC);
    return NULL;
}

/* Joins th within WAIT_MS: false when it is still running (it hangs). */
static bool join_within(pthread_t th)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += WAIT_MS / 1000;
    return pthread_timedjoin_np(th, NULL, &ts) == 0;
}

#define QUEUED_AT_STOP 40

static void test_stop_with_queued_appends(void)
{
    char bs[64];
    broker_t *b = broker_up("stop-queued", bs, sizeof bs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL_FATAL(create_topic(bs, STOP_TOPIC, 3, NULL, NULL), 0);
    CU_ASSERT_EQUAL(broker_local_ops.partitions(b, STOP_TOPIC), 3);

    /* The first append's done holds the network thread. */
    static outcome_t first;
    memset(&first, 0, sizeof first);
    gate_entered = gate_open = false;
    CU_ASSERT_EQUAL_FATAL(
        broker_local_ops.append(b, STOP_TOPIC, 0, batch_of("q", 0, 1), 1, on_done_gated, &first),
        0);
    pthread_mutex_lock(&gate_lock);
    while (!gate_entered)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);

    /* Appends and a partition query queue up behind it; then the broker is
     * asked to stop, so its loop ends before it runs any of them. */
    static outcome_t rest[QUEUED_AT_STOP];
    memset(rest, 0, sizeof rest);
    for (int i = 0; i < QUEUED_AT_STOP; i++)
        CU_ASSERT_EQUAL(append_to(b, STOP_TOPIC, i % 3, batch_of("q", i + 1, 1), 1, &rest[i]), 0);
    query_t q = {.broker = b, .result = 99};
    pthread_t th;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, query_main, &q), 0);
    int64_t deadline = test_now_ms() + WAIT_MS;
    while (queued(b) < QUEUED_AT_STOP + 1 && test_now_ms() < deadline)
        test_sleep_ms(1);
    CU_ASSERT_EQUAL(queued(b), QUEUED_AT_STOP + 1);
    broker_request_stop(b);
    pthread_mutex_lock(&gate_lock);
    gate_open = true;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    broker_wait(b);

    /* By the time the broker has stopped, every done has run, once. */
    CU_ASSERT_EQUAL(first.calls, 1);
    CU_ASSERT_EQUAL(first.error, 0);
    CU_ASSERT_EQUAL(first.base_offset, 0);
    for (int i = 0; i < QUEUED_AT_STOP; i++) {
        CU_ASSERT_EQUAL(rest[i].calls, 1);
        CU_ASSERT_EQUAL(rest[i].error, KAFKA_ERR_NOT_LEADER_OR_FOLLOWER);
        CU_ASSERT_STRING_EQUAL(rest[i].message, "the broker is stopping");
        CU_ASSERT_EQUAL(rest[i].base_offset, -1);
        CU_ASSERT_EQUAL(rest[i].partitions, 3);
    }
    CU_ASSERT_FATAL(join_within(th));
    CU_ASSERT_EQUAL(q.result, -1);

    /* Stopped: refused at once, the batch freed (the leak check sees it). */
    outcome_t late = {0};
    CU_ASSERT_EQUAL(append_to(b, STOP_TOPIC, 0, batch_of("late", 0, 1), 1, &late), -1);
    CU_ASSERT_EQUAL(broker_local_ops.partitions(b, STOP_TOPIC), -1);
    CU_ASSERT_EQUAL(late.calls, 0);
    broker_destroy(b);
    CU_ASSERT_EQUAL(late.calls, 0);
}

/* Appends and queries racing with broker_stop: each append either gets one
 * done call or is refused with -1 (and so is every later one), and no query
 * blocks. A thread appends until refused, RACE_MAX at most. */
#define RACE_MAX 20000

typedef struct racer {
    broker_t *broker;
    outcome_t *outcomes; /* RACE_MAX */
    int accepted;        /* appends before the first refusal */
    bool refused_again;  /* the append after the first refusal was refused too */
    int32_t last_query;
    atomic_bool started;
} racer_t;

static void *racer_main(void *arg)
{
    racer_t *r = arg;
    while (r->accepted < RACE_MAX) {
        int i = r->accepted;
        if (append_to(r->broker, STOP_TOPIC, 0, batch_of("race", i, 1), 1, &r->outcomes[i]))
            break;
        r->accepted++;
        if (i == 10)
            atomic_store(&r->started, true);
        if (i % 50 == 0)
            r->last_query = broker_local_ops.partitions(r->broker, STOP_TOPIC);
    }
    outcome_t unused = {0};
    r->refused_again = append_to(r->broker, STOP_TOPIC, 0, batch_of("race", 0, 1), 1, &unused) < 0;
    r->last_query = broker_local_ops.partitions(r->broker, STOP_TOPIC);
    return NULL;
}

static void test_stop_while_appending(void)
{
    char bs[64];
    broker_t *b = broker_up("stop-racing", bs, sizeof bs);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL_FATAL(create_topic(bs, STOP_TOPIC, 1, NULL, NULL), 0);
    static racer_t r[2];
    memset(r, 0, sizeof r);
    pthread_t th[2];
    for (int t = 0; t < 2; t++) {
        r[t].broker = b;
        r[t].outcomes = calloc(RACE_MAX, sizeof(outcome_t));
        CU_ASSERT_EQUAL_FATAL(pthread_create(&th[t], NULL, racer_main, &r[t]), 0);
    }
    int64_t deadline = test_now_ms() + WAIT_MS;
    while ((!atomic_load(&r[0].started) || !atomic_load(&r[1].started)) && test_now_ms() < deadline)
        test_sleep_ms(1);
    broker_stop(b);
    for (int t = 0; t < 2; t++)
        CU_ASSERT_FATAL(join_within(th[t]));
    for (int t = 0; t < 2; t++) {
        CU_ASSERT(r[t].accepted > 10 && r[t].accepted < RACE_MAX);
        CU_ASSERT_TRUE(r[t].refused_again);
        CU_ASSERT_EQUAL(r[t].last_query, -1);
        int bad = 0;
        for (int i = 0; i < r[t].accepted; i++) {
            outcome_t *o = &r[t].outcomes[i];
            if (o->calls != 1 || (o->error != 0 && o->error != KAFKA_ERR_NOT_LEADER_OR_FOLLOWER))
                bad++;
        }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_EQUAL(r[t].outcomes[r[t].accepted].calls, 0); /* the refused one */
        free(r[t].outcomes);
    }
    broker_destroy(b);
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("broker local append", suite_init, suite_cleanup);
    if (!s)
        return;
    CU_add_test(s, "partition counts", test_partitions);
    CU_add_test(s, "batches land at consecutive offsets", test_consecutive_offsets);
    CU_add_test(s, "too large and corrupt batches are refused", test_refused_batches);
    CU_add_test(s, "unknown topic or partition", test_unknown_topic_or_partition);
    CU_add_test(s, "a batch must hold the records announced", test_count_mismatch);
    CU_add_test(s, "an append wakes a long-polling consumer", test_wakes_long_poll);
    CU_add_test(s, "appends from two threads", test_two_threads);
    CU_add_test(s, "stop with appends queued", test_stop_with_queued_appends);
    CU_add_test(s, "stop while threads append", test_stop_while_appending);
}
