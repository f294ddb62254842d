/* The task error handler: retries and backoff on a fake clock, tolerance,
 * the error log line, the dead letter queue record and the counters. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error_handler.h"
#include "test_util.h"

/* ---- fakes ------------------------------------------------------------------ */

#define MAX_SLEEPS 64
#define MAX_LINES 8
#define MAX_HEADERS 32

typedef struct {
    int64_t now;
    int64_t sleeps[MAX_SLEEPS];
    int n_sleeps;
} fake_time_t;

static int64_t fake_clock(void *opaque)
{
    return ((fake_time_t *)opaque)->now;
}

static void fake_sleep(void *opaque, int64_t ms)
{
    fake_time_t *t = opaque;
    if (t->n_sleeps < MAX_SLEEPS)
        t->sleeps[t->n_sleeps++] = ms;
    t->now += ms;
}

typedef struct {
    char *lines[MAX_LINES];
    int n;
} fake_log_t;

static void fake_log(void *opaque, const char *line)
{
    fake_log_t *log = opaque;
    if (log->n < MAX_LINES)
        log->lines[log->n++] = strdup(line);
}

static void fake_log_free(fake_log_t *log)
{
    for (int i = 0; i < log->n; i++)
        free(log->lines[i]);
    log->n = 0;
}

/* A deep copy of the last DLQ record the handler produced. */
typedef struct {
    int calls;
    bool fail;
    char topic[64];
    int64_t timestamp;
    char key[64], value[64];
    size_t key_len, value_len;
    bool key_null;
    char hkeys[MAX_HEADERS][64];
    char hvalues[MAX_HEADERS][512];
    size_t n_headers;
} fake_dlq_t;

static bool fake_dlq(void *opaque, const error_handler_dlq_record_t *rec, char *errstr,
                     size_t errstr_size)
{
    fake_dlq_t *d = opaque;
    d->calls++;
    snprintf(d->topic, sizeof d->topic, "%s", rec->topic);
    d->timestamp = rec->timestamp;
    d->key_null = rec->key == NULL;
    d->key_len = rec->key_len < sizeof d->key ? rec->key_len : sizeof d->key - 1;
    if (rec->key)
        memcpy(d->key, rec->key, d->key_len);
    d->value_len = rec->value_len < sizeof d->value ? rec->value_len : sizeof d->value - 1;
    if (rec->value)
        memcpy(d->value, rec->value, d->value_len);
    d->n_headers = 0;
    for (size_t i = 0; i < rec->header_count && i < MAX_HEADERS; i++) {
        const error_handler_header_t *h = &rec->headers[i];
        snprintf(d->hkeys[i], sizeof d->hkeys[i], "%s", h->key);
        size_t n = h->value_len < sizeof d->hvalues[i] ? h->value_len : sizeof d->hvalues[i] - 1;
        if (h->value)
            memcpy(d->hvalues[i], h->value, n);
        d->hvalues[i][n] = '\0';
        d->n_headers++;
    }
    if (d->fail) {
        snprintf(errstr, errstr_size, "broker unreachable");
        return false;
    }
    return true;
}

/* An operation that returns scripted results, then its last one forever. */
typedef struct {
    const sluice_result_t *script;
    int n_script;
    int calls;
    fake_time_t *time;
    int64_t cost_ms; /* how long each attempt takes on the fake clock */
} fake_op_t;

static sluice_result_t fake_op(void *arg, char *errstr, size_t errstr_size)
{
    fake_op_t *op = arg;
    int i = op->calls < op->n_script ? op->calls : op->n_script - 1;
    op->calls++;
    if (op->time)
        op->time->now += op->cost_ms;
    sluice_result_t r = op->script[i];
    if (r == SLUICE_RETRY)
        snprintf(errstr, errstr_size, "broker not available");
    else if (r == SLUICE_FATAL)
        snprintf(errstr, errstr_size,
                 "Converting byte[] to Kafka Connect data failed due to "
                 "serialization error");
    return r;
}

typedef struct {
    fake_time_t time;
    fake_log_t log;
    fake_dlq_t dlq;
    error_handler_config_t conf;
    error_handler_hooks_t hooks;
} fixture_t;

static void fixture_init(fixture_t *f)
{
    memset(f, 0, sizeof *f);
    f->time.now = 1000;
    error_handler_config_defaults(&f->conf);
    f->hooks = (error_handler_hooks_t){
        .clock = fake_clock,
        .sleep = fake_sleep,
        .time_opaque = &f->time,
        .log = fake_log,
        .log_opaque = &f->log,
        .dlq = fake_dlq,
        .dlq_opaque = &f->dlq,
    };
}

static const error_handler_header_t orig_headers[] = {
    {.key = "trace-id", .value = "abc", .value_len = 3},
    {.key = "empty", .value = NULL, .value_len = 0},
};

static const error_handler_record_t consumed = {
    .topic = "orders",
    .partition = 2,
    .offset = 41,
    .timestamp = 1700000000000LL,
    .key = "k1",
    .key_len = 2,
    .value = "{bad json",
    .value_len = 9,
    .headers = orig_headers,
    .header_count = 2,
};

#define CONVERTER "org.apache.kafka.connect.json.JsonConverter"

/* ---- retries ---------------------------------------------------------------- */

static void test_success_first_try(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.retry_timeout_ms = 10000;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_OK};
    fake_op_t op = {.script = script, .n_script = 1};
    char err[512] = "untouched";
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER,
                                          fake_op, &op, &consumed, err, sizeof err),
                    ERROR_HANDLER_OK);
    CU_ASSERT_EQUAL(op.calls, 1);
    CU_ASSERT_EQUAL(f.time.n_sleeps, 0);
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.record_failures, 0);
    CU_ASSERT_EQUAL(c.record_errors, 0);
    CU_ASSERT_EQUAL(c.last_error_timestamp, 0);
    error_handler_destroy(h);
}

static void test_drop_passes_through(void)
{
    fixture_t f;
    fixture_init(&f);
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_DROP};
    fake_op_t op = {.script = script, .n_script = 1};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TRANSFORMATION, "Filter", fake_op,
                                          &op, &consumed, NULL, 0),
                    ERROR_HANDLER_DROP);
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.record_errors, 0);
    error_handler_destroy(h);
}

static void test_retry_then_ok(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.retry_timeout_ms = 10000;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_RETRY, SLUICE_OK};
    fake_op_t op = {.script = script, .n_script = 2};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TASK_PUT, "FileStreamSinkTask",
                                          fake_op, &op, &consumed, NULL, 0),
                    ERROR_HANDLER_OK);
    CU_ASSERT_EQUAL(op.calls, 2);
    CU_ASSERT_EQUAL(f.time.n_sleeps, 1);
    CU_ASSERT_EQUAL(f.time.sleeps[0], 300);
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.record_failures, 1);
    CU_ASSERT_EQUAL(c.retries, 1);
    CU_ASSERT_EQUAL(c.record_errors, 0);
    CU_ASSERT_EQUAL(c.records_skipped, 0);
    error_handler_destroy(h);
}

static void test_retry_bounded_by_timeout(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.retry_timeout_ms = 5000;
    f.conf.retry_delay_max_ms = 1000;
    f.conf.log_enable = true;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 3, &f.hooks);
    const sluice_result_t script[] = {SLUICE_RETRY};
    fake_op_t op = {.script = script, .n_script = 1};
    char err[1024];
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TASK_PUT, "FileStreamSinkTask",
                                          fake_op, &op, &consumed, err, sizeof err),
                    ERROR_HANDLER_FAIL);
    /* 300, 600, then capped at 1000, and the last wait cut to the deadline. */
    const int64_t expected[] = {300, 600, 1000, 1000, 1000, 1000, 100};
    CU_ASSERT_EQUAL(f.time.n_sleeps, 7);
    for (int i = 0; i < 7 && i < f.time.n_sleeps; i++)
        CU_ASSERT_EQUAL(f.time.sleeps[i], expected[i]);
    CU_ASSERT_EQUAL(op.calls, 8);
    CU_ASSERT_EQUAL(f.time.now, 6000);
    ASSERT_CONTAINS(err, "Tolerance exceeded in error handler");
    ASSERT_CONTAINS(err, "Caused by: org.apache.kafka.connect.errors.RetriableException: broker "
                         "not available (gave up after 8 attempts in 5000 ms)");
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.record_failures, 8);
    CU_ASSERT_EQUAL(c.retries, 7);
    CU_ASSERT_EQUAL(c.record_errors, 1);
    CU_ASSERT_EQUAL(c.errors_logged, 1);
    CU_ASSERT(c.last_error_timestamp > 0);
    fake_log_free(&f.log);
    error_handler_destroy(h);
}

static void test_retry_timeout_zero_means_no_retry(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_RETRY, SLUICE_OK};
    fake_op_t op = {.script = script, .n_script = 2};
    /* Exhausted retries are tolerated in every stage, as in Kafka. */
    char err[512];
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TASK_PUT, "FileStreamSinkTask",
                                          fake_op, &op, &consumed, err, sizeof err),
                    ERROR_HANDLER_SKIP);
    CU_ASSERT_EQUAL(op.calls, 1);
    CU_ASSERT_EQUAL(f.time.n_sleeps, 0);
    ASSERT_CONTAINS(err, "RetriableException: broker not available (not retried: "
                         "errors.retry.timeout is 0)");
    error_handler_destroy(h);
}

static void test_retry_forever(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.retry_timeout_ms = -1;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    sluice_result_t script[21];
    for (int i = 0; i < 20; i++)
        script[i] = SLUICE_RETRY;
    script[20] = SLUICE_OK;
    fake_op_t op = {.script = script, .n_script = 21, .time = &f.time, .cost_ms = 5};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_KAFKA_PRODUCE, "producer", fake_op,
                                          &op, NULL, NULL, 0),
                    ERROR_HANDLER_OK);
    CU_ASSERT_EQUAL(op.calls, 21);
    CU_ASSERT_EQUAL(f.time.n_sleeps, 20);
    /* 300 << 7 = 38400 is the last doubling under the 60000 default cap. */
    CU_ASSERT_EQUAL(f.time.sleeps[7], 38400);
    CU_ASSERT_EQUAL(f.time.sleeps[8], 60000);
    CU_ASSERT_EQUAL(f.time.sleeps[19], 60000);
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.retries, 20);
    CU_ASSERT_EQUAL(c.record_errors, 0);
    error_handler_destroy(h);
}

static void test_fatal_is_not_retried(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.retry_timeout_ms = -1;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER,
                                          fake_op, &op, &consumed, NULL, 0),
                    ERROR_HANDLER_FAIL);
    CU_ASSERT_EQUAL(op.calls, 1);
    CU_ASSERT_EQUAL(f.time.n_sleeps, 0);
    error_handler_destroy(h);
}

static void test_stop_ends_retries(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.retry_timeout_ms = -1;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    error_handler_stop(h);
    const sluice_result_t script[] = {SLUICE_RETRY};
    fake_op_t op = {.script = script, .n_script = 1};
    char err[1024];
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TASK_PUT, "FileStreamSinkTask",
                                          fake_op, &op, NULL, err, sizeof err),
                    ERROR_HANDLER_FAIL);
    CU_ASSERT_EQUAL(op.calls, 1);
    ASSERT_CONTAINS(err, "RetriableException");
    error_handler_destroy(h);
}

static void *stop_later(void *arg)
{
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    error_handler_stop(arg);
    return NULL;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The real sleep: a stop from another thread cuts a 60 s wait short. */
static void test_stop_wakes_default_sleep(void)
{
    error_handler_config_t conf;
    error_handler_config_defaults(&conf);
    conf.retry_timeout_ms = -1;
    conf.retry_delay_max_ms = 60000;
    fake_log_t log = {0};
    error_handler_hooks_t hooks = {.log = fake_log, .log_opaque = &log};
    error_handler_t *h = error_handler_new(&conf, "sink", 0, &hooks);
    const sluice_result_t script[] = {SLUICE_RETRY};
    fake_op_t op = {.script = script, .n_script = 1};
    pthread_t thread;
    int64_t start = mono_ms();
    CU_ASSERT_EQUAL(pthread_create(&thread, NULL, stop_later, h), 0);
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TASK_PUT, "FileStreamSinkTask",
                                          fake_op, &op, NULL, NULL, 0),
                    ERROR_HANDLER_FAIL);
    pthread_join(thread, NULL);
    CU_ASSERT(mono_ms() - start < 5000);
    CU_ASSERT(op.calls >= 1 && op.calls <= 2);
    error_handler_destroy(h);
}

/* ---- tolerance ------------------------------------------------------------- */

static void test_tolerance_none_fails_with_trace(void)
{
    fixture_t f;
    fixture_init(&f);
    error_handler_t *h = error_handler_new(&f.conf, "local-file-sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    char err[1024];
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER,
                                          fake_op, &op, &consumed, err, sizeof err),
                    ERROR_HANDLER_FAIL);
    CU_ASSERT_STRING_EQUAL(
        err, "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error "
             "handler while performing VALUE_CONVERTER operation with class "
             "'org.apache.kafka.connect.json.JsonConverter' on record topic='orders' "
             "partition=2 offset=41\n"
             "Caused by: org.apache.kafka.connect.errors.DataException: Converting byte[] to "
             "Kafka Connect data failed due to serialization error");
    CU_ASSERT_EQUAL(f.dlq.calls, 0); /* no DLQ topic configured */
    CU_ASSERT_EQUAL(f.log.n, 0);     /* errors.log.enable is off by default */
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.record_errors, 1);
    CU_ASSERT_EQUAL(c.records_skipped, 0);
    error_handler_destroy(h);
}

static void test_tolerance_all_does_not_cover_put(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    char err[1024];
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TASK_PUT, "FileStreamSinkTask",
                                          fake_op, &op, NULL, err, sizeof err),
                    ERROR_HANDLER_FAIL);
    ASSERT_CONTAINS(err, "Unhandled exception in error handler while performing TASK_PUT "
                         "operation with class 'FileStreamSinkTask'");
    ASSERT_CONTAINS(err, "Caused by: org.apache.kafka.connect.errors.ConnectException: ");
    error_handler_destroy(h);
}

static void test_tolerance_all_skips_to_dlq(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.dlq_topic = "dlq-orders";
    f.conf.dlq_context_headers = true;
    error_handler_t *h = error_handler_new(&f.conf, "local-file-sink", 7, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    char err[1024];
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER,
                                          fake_op, &op, &consumed, err, sizeof err),
                    ERROR_HANDLER_SKIP);
    CU_ASSERT_STRING_EQUAL(err, "org.apache.kafka.connect.errors.DataException: Converting "
                                "byte[] to Kafka Connect data failed due to serialization error");
    CU_ASSERT_EQUAL(f.dlq.calls, 1);
    CU_ASSERT_STRING_EQUAL(f.dlq.topic, "dlq-orders");
    CU_ASSERT_EQUAL(f.dlq.timestamp, 1700000000000LL);
    CU_ASSERT_EQUAL(f.dlq.key_len, 2);
    CU_ASSERT_NSTRING_EQUAL(f.dlq.key, "k1", 2);
    CU_ASSERT_EQUAL(f.dlq.value_len, 9);
    CU_ASSERT_NSTRING_EQUAL(f.dlq.value, "{bad json", 9);

    static const char *const expected[][2] = {
        {"trace-id", "abc"},
        {"empty", ""},
        {"__connect.errors.topic", "orders"},
        {"__connect.errors.partition", "2"},
        {"__connect.errors.offset", "41"},
        {"__connect.errors.connector.name", "local-file-sink"},
        {"__connect.errors.task.id", "7"},
        {"__connect.errors.stage", "VALUE_CONVERTER"},
        {"__connect.errors.class.name", CONVERTER},
        {"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"},
        {"__connect.errors.exception.message",
         "Converting byte[] to Kafka Connect data failed due to serialization error"},
        {"__connect.errors.exception.stacktrace",
         "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect "
         "data failed due to serialization error\n\tat "
         "org.apache.kafka.connect.json.JsonConverter (VALUE_CONVERTER, attempt 1)\n"},
    };
    size_t n = sizeof expected / sizeof expected[0];
    CU_ASSERT_EQUAL(f.dlq.n_headers, n);
    for (size_t i = 0; i < n && i < f.dlq.n_headers; i++) {
        CU_ASSERT_STRING_EQUAL(f.dlq.hkeys[i], expected[i][0]);
        CU_ASSERT_STRING_EQUAL(f.dlq.hvalues[i], expected[i][1]);
    }

    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.record_failures, 1);
    CU_ASSERT_EQUAL(c.record_errors, 1);
    CU_ASSERT_EQUAL(c.records_skipped, 1);
    CU_ASSERT_EQUAL(c.dlq_produce_requests, 1);
    CU_ASSERT_EQUAL(c.dlq_produce_failures, 0);
    CU_ASSERT_EQUAL(c.errors_logged, 0);
    error_handler_destroy(h);
}

static void test_dlq_without_context_headers(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.dlq_topic = "dlq";
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_TRANSFORMATION, "Cast", fake_op,
                                          &op, &consumed, NULL, 0),
                    ERROR_HANDLER_SKIP);
    CU_ASSERT_EQUAL(f.dlq.calls, 1);
    CU_ASSERT_EQUAL(f.dlq.n_headers, 2);
    CU_ASSERT_STRING_EQUAL(f.dlq.hkeys[0], "trace-id");
    CU_ASSERT_STRING_EQUAL(f.dlq.hvalues[0], "abc");
    CU_ASSERT_STRING_EQUAL(f.dlq.hkeys[1], "empty");
    error_handler_destroy(h);
}

static void test_dlq_keeps_existing_context_header(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.dlq_topic = "dlq";
    f.conf.dlq_context_headers = true;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const error_handler_header_t hdrs[] = {
        {.key = "__connect.errors.stage", .value = "TASK_PUT", .value_len = 8}};
    error_handler_record_t rec = consumed;
    rec.headers = hdrs;
    rec.header_count = 1;
    rec.key = NULL;
    rec.key_len = 0;
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_KEY_CONVERTER, CONVERTER, fake_op,
                                          &op, &rec, NULL, 0),
                    ERROR_HANDLER_SKIP);
    CU_ASSERT(f.dlq.key_null);
    /* The original stage header stays and is not added a second time. */
    CU_ASSERT_EQUAL(f.dlq.n_headers, 10);
    int stages = 0;
    for (size_t i = 0; i < f.dlq.n_headers; i++)
        if (!strcmp(f.dlq.hkeys[i], "__connect.errors.stage")) {
            stages++;
            CU_ASSERT_STRING_EQUAL(f.dlq.hvalues[i], "TASK_PUT");
        }
    CU_ASSERT_EQUAL(stages, 1);
    error_handler_destroy(h);
}

static void test_dlq_produce_failure_counted(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.dlq_topic = "dlq";
    f.dlq.fail = true;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER,
                                          fake_op, &op, &consumed, NULL, 0),
                    ERROR_HANDLER_SKIP);
    /* A source-side failure has no consumed record: a failed request, as in Kafka. */
    op.calls = 0;
    CU_ASSERT_EQUAL(error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER,
                                          fake_op, &op, NULL, NULL, 0),
                    ERROR_HANDLER_SKIP);
    error_handler_dlq_failed(h);
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(f.dlq.calls, 1);
    CU_ASSERT_EQUAL(c.dlq_produce_requests, 2);
    CU_ASSERT_EQUAL(c.dlq_produce_failures, 3);
    CU_ASSERT_EQUAL(c.records_skipped, 2);
    CU_ASSERT_EQUAL(c.record_errors, 2);
    error_handler_destroy(h);
}

/* ---- log ------------------------------------------------------------------- */

static void test_log_line_without_messages(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.log_enable = true;
    error_handler_t *h = error_handler_new(&f.conf, "local-file-sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER, fake_op, &op,
                          &consumed, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(f.log.n, 1);
    CU_ASSERT_STRING_EQUAL(
        f.log.lines[0],
        "Error encountered in task local-file-sink-0 while performing VALUE_CONVERTER operation "
        "with class 'org.apache.kafka.connect.json.JsonConverter', msg.topic='orders', "
        "msg.partition=2, msg.offset=41. org.apache.kafka.connect.errors.DataException: "
        "Converting byte[] to Kafka Connect data failed due to serialization error");
    error_handler_counters_t c;
    error_handler_counters(h, &c);
    CU_ASSERT_EQUAL(c.errors_logged, 1);
    fake_log_free(&f.log);
    error_handler_destroy(h);
}

static void test_log_line_with_messages(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.log_enable = true;
    f.conf.log_include_messages = true;
    error_handler_t *h = error_handler_new(&f.conf, "local-file-sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    error_handler_record_t rec = consumed;
    rec.value = "a\"b\n\x01";
    rec.value_len = 5;
    error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER, fake_op, &op, &rec,
                          NULL, 0);
    CU_ASSERT_EQUAL_FATAL(f.log.n, 1);
    ASSERT_CONTAINS(f.log.lines[0], "msg.offset=41, msg.timestamp=1700000000000, msg.key=\"k1\", "
                                    "msg.value=\"a\\\"b\\n\\x01\". ");
    /* A long value is cut, saying how long it was. */
    char big[1000];
    memset(big, 'x', sizeof big);
    rec.value = big;
    rec.value_len = sizeof big;
    rec.key = NULL;
    error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER, fake_op, &op, &rec,
                          NULL, 0);
    CU_ASSERT_EQUAL_FATAL(f.log.n, 2);
    ASSERT_CONTAINS(f.log.lines[1], "msg.key=null, ");
    ASSERT_CONTAINS(f.log.lines[1], "xxx\"...(1000 bytes). ");
    fake_log_free(&f.log);
    error_handler_destroy(h);
}

static void test_log_disabled(void)
{
    fixture_t f;
    fixture_init(&f);
    f.conf.tolerance = ERROR_HANDLER_TOLERANCE_ALL;
    f.conf.log_include_messages = true;
    error_handler_t *h = error_handler_new(&f.conf, "sink", 0, &f.hooks);
    const sluice_result_t script[] = {SLUICE_FATAL};
    fake_op_t op = {.script = script, .n_script = 1};
    error_handler_execute(h, ERROR_HANDLER_STAGE_VALUE_CONVERTER, CONVERTER, fake_op, &op,
                          &consumed, NULL, 0);
    CU_ASSERT_EQUAL(f.log.n, 0);
    error_handler_destroy(h);
}

/* ---- config ------------------------------------------------------------------ */

static void test_config_parse(void)
{
    error_handler_config_t conf;
    char err[256];
    sluice_strmap_t *props = sluice_strmap_new();
    CU_ASSERT(error_handler_config_parse(&conf, props, err, sizeof err));
    CU_ASSERT_EQUAL(conf.retry_timeout_ms, 0);
    CU_ASSERT_EQUAL(conf.retry_delay_max_ms, 60000);
    CU_ASSERT_EQUAL(conf.tolerance, ERROR_HANDLER_TOLERANCE_NONE);
    CU_ASSERT(!conf.log_enable && !conf.log_include_messages && !conf.dlq_context_headers);
    CU_ASSERT_PTR_NULL(conf.dlq_topic);

    sluice_strmap_set(props, "errors.retry.timeout", "-1");
    sluice_strmap_set(props, "errors.retry.delay.max.ms", "5000");
    sluice_strmap_set(props, "errors.tolerance", "all");
    sluice_strmap_set(props, "errors.log.enable", "true");
    sluice_strmap_set(props, "errors.log.include.messages", "TRUE");
    sluice_strmap_set(props, "errors.deadletterqueue.topic.name", "dlq");
    sluice_strmap_set(props, "errors.deadletterqueue.context.headers.enable", "true");
    CU_ASSERT(error_handler_config_parse(&conf, props, err, sizeof err));
    CU_ASSERT_EQUAL(conf.retry_timeout_ms, -1);
    CU_ASSERT_EQUAL(conf.retry_delay_max_ms, 5000);
    CU_ASSERT_EQUAL(conf.tolerance, ERROR_HANDLER_TOLERANCE_ALL);
    CU_ASSERT(conf.log_enable && conf.log_include_messages && conf.dlq_context_headers);
    CU_ASSERT_STRING_EQUAL(conf.dlq_topic, "dlq");

    sluice_strmap_set(props, "errors.tolerance", "some");
    CU_ASSERT(!error_handler_config_parse(&conf, props, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(
        err, "errors.tolerance: Invalid value some: String must be one of: none, all");
    sluice_strmap_set(props, "errors.tolerance", "none");
    sluice_strmap_set(props, "errors.retry.timeout", "-2");
    CU_ASSERT(!error_handler_config_parse(&conf, props, err, sizeof err));
    CU_ASSERT_STRING_EQUAL(err,
                           "errors.retry.timeout: Invalid value -2: Value must be at least -1");
    sluice_strmap_set(props, "errors.retry.timeout", "10s");
    CU_ASSERT(!error_handler_config_parse(&conf, props, err, sizeof err));
    ASSERT_CONTAINS(err, "errors.retry.timeout: Invalid value 10s");
    sluice_strmap_set(props, "errors.retry.timeout", "100");
    sluice_strmap_set(props, "errors.log.enable", "yes");
    CU_ASSERT(!error_handler_config_parse(&conf, props, err, sizeof err));
    ASSERT_CONTAINS(err, "errors.log.enable: Invalid value yes");
    sluice_strmap_destroy(props);
}

static void test_stage_names(void)
{
    CU_ASSERT_STRING_EQUAL(error_handler_stage_name(ERROR_HANDLER_STAGE_KEY_CONVERTER),
                           "KEY_CONVERTER");
    CU_ASSERT_STRING_EQUAL(error_handler_stage_name(ERROR_HANDLER_STAGE_HEADER_CONVERTER),
                           "HEADER_CONVERTER");
    CU_ASSERT_STRING_EQUAL(error_handler_stage_name(ERROR_HANDLER_STAGE_TASK_POLL), "TASK_POLL");
    CU_ASSERT_STRING_EQUAL(error_handler_stage_name(ERROR_HANDLER_STAGE_KAFKA_CONSUME),
                           "KAFKA_CONSUME");
    CU_ASSERT_STRING_EQUAL(error_handler_stage_name((error_handler_stage_t)99), "UNKNOWN");
}

void test_register(void)
{
    TEST_SUITE("error_handler_retry", {"success on the first try", test_success_first_try},
               {"a dropped record passes through", test_drop_passes_through},
               {"RETRY then OK", test_retry_then_ok},
               {"retries bounded by errors.retry.timeout", test_retry_bounded_by_timeout},
               {"timeout 0 means no retry", test_retry_timeout_zero_means_no_retry},
               {"timeout -1 retries until success", test_retry_forever},
               {"FATAL is not retried", test_fatal_is_not_retried},
               {"stop ends retries", test_stop_ends_retries},
               {"stop wakes the real sleep", test_stop_wakes_default_sleep});
    TEST_SUITE("error_handler_tolerance",
               {"none fails with a trace", test_tolerance_none_fails_with_trace},
               {"all does not cover put", test_tolerance_all_does_not_cover_put},
               {"all skips to the DLQ with headers", test_tolerance_all_skips_to_dlq},
               {"DLQ without context headers", test_dlq_without_context_headers},
               {"DLQ keeps an existing context header", test_dlq_keeps_existing_context_header},
               {"DLQ produce failures are counted", test_dlq_produce_failure_counted});
    TEST_SUITE("error_handler_log", {"line without messages", test_log_line_without_messages},
               {"line with messages", test_log_line_with_messages},
               {"disabled", test_log_disabled});
    TEST_SUITE("error_handler_config", {"parse", test_config_parse},
               {"stage names", test_stage_names});
}
