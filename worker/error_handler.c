/*
 * A task's retry and tolerance policy (see error_handler.h), after Kafka's
 * RetryWithToleranceOperator, LogReporter and DeadLetterQueueReporter.
 */
#include "error_handler.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "mem.h"

/* How much of a key or value errors.log.include.messages shows. */
#define ERROR_HANDLER_LOG_BYTES 256

/* The DLQ context headers, in Kafka's order. */
enum {
    HDR_TOPIC,
    HDR_PARTITION,
    HDR_OFFSET,
    HDR_CONNECTOR,
    HDR_TASK,
    HDR_STAGE,
    HDR_CLASS,
    HDR_EXC_CLASS,
    HDR_EXC_MESSAGE,
    HDR_EXC_STACKTRACE,
    HDR_COUNT
};

static const char *const error_handler_header_names[HDR_COUNT] = {
    ERROR_HANDLER_HEADER_PREFIX "topic",
    ERROR_HANDLER_HEADER_PREFIX "partition",
    ERROR_HANDLER_HEADER_PREFIX "offset",
    ERROR_HANDLER_HEADER_PREFIX "connector.name",
    ERROR_HANDLER_HEADER_PREFIX "task.id",
    ERROR_HANDLER_HEADER_PREFIX "stage",
    ERROR_HANDLER_HEADER_PREFIX "class.name",
    ERROR_HANDLER_HEADER_PREFIX "exception.class.name",
    ERROR_HANDLER_HEADER_PREFIX "exception.message",
    ERROR_HANDLER_HEADER_PREFIX "exception.stacktrace",
};

#define EXC_DATA "org.apache.kafka.connect.errors.DataException"
#define EXC_CONNECT "org.apache.kafka.connect.errors.ConnectException"
#define EXC_KAFKA "org.apache.kafka.common.KafkaException"
#define EXC_RETRIABLE "org.apache.kafka.connect.errors.RetriableException"

struct error_handler {
    error_handler_config_t conf; /* conf.dlq_topic is ours (NULL when off) */
    char *connector;
    int32_t task_id;
    char *log_context; /* "connector|task-N" */
    error_handler_hooks_t hooks;
    void *sleep_opaque; /* time_opaque, or the handler for the default sleep */

    atomic_bool stopping;
    pthread_mutex_t lock; /* with wake: ends the default sleep on stop */
    pthread_cond_t wake;

    atomic_uint_fast64_t record_failures;
    atomic_uint_fast64_t record_errors;
    atomic_uint_fast64_t records_skipped;
    atomic_uint_fast64_t retries;
    atomic_uint_fast64_t errors_logged;
    atomic_uint_fast64_t dlq_produce_requests;
    atomic_uint_fast64_t dlq_produce_failures;
    atomic_int_fast64_t last_error_timestamp;
};

const char *error_handler_stage_name(error_handler_stage_t stage)
{
    switch (stage) {
    case ERROR_HANDLER_STAGE_KEY_CONVERTER: return "KEY_CONVERTER";
    case ERROR_HANDLER_STAGE_VALUE_CONVERTER: return "VALUE_CONVERTER";
    case ERROR_HANDLER_STAGE_HEADER_CONVERTER: return "HEADER_CONVERTER";
    case ERROR_HANDLER_STAGE_TRANSFORMATION: return "TRANSFORMATION";
    case ERROR_HANDLER_STAGE_TASK_PUT: return "TASK_PUT";
    case ERROR_HANDLER_STAGE_TASK_POLL: return "TASK_POLL";
    case ERROR_HANDLER_STAGE_KAFKA_PRODUCE: return "KAFKA_PRODUCE";
    case ERROR_HANDLER_STAGE_KAFKA_CONSUME: return "KAFKA_CONSUME";
    }
    return "UNKNOWN";
}

/* Kafka's TOLERABLE_EXCEPTIONS: only these stages tolerate any failure. */
static bool error_handler_stage_tolerates_fatal(error_handler_stage_t stage)
{
    return stage == ERROR_HANDLER_STAGE_KEY_CONVERTER ||
           stage == ERROR_HANDLER_STAGE_VALUE_CONVERTER ||
           stage == ERROR_HANDLER_STAGE_HEADER_CONVERTER ||
           stage == ERROR_HANDLER_STAGE_TRANSFORMATION;
}

static const char *error_handler_exception_class(error_handler_stage_t stage, bool exhausted)
{
    if (exhausted)
        return EXC_RETRIABLE;
    switch (stage) {
    case ERROR_HANDLER_STAGE_KEY_CONVERTER:
    case ERROR_HANDLER_STAGE_VALUE_CONVERTER:
    case ERROR_HANDLER_STAGE_HEADER_CONVERTER:
    case ERROR_HANDLER_STAGE_TRANSFORMATION: return EXC_DATA;
    case ERROR_HANDLER_STAGE_KAFKA_PRODUCE:
    case ERROR_HANDLER_STAGE_KAFKA_CONSUME: return EXC_KAFKA;
    default: return EXC_CONNECT;
    }
}

/* ---- configuration ------------------------------------------------------ */

void error_handler_config_defaults(error_handler_config_t *conf)
{
    memset(conf, 0, sizeof *conf);
    conf->retry_timeout_ms = 0;
    conf->retry_delay_max_ms = 60000;
    conf->tolerance = ERROR_HANDLER_TOLERANCE_NONE;
}

static bool error_handler_parse_long(const sluice_strmap_t *props, const char *key, int64_t min,
                                     int64_t *out, char *errstr, size_t errstr_size)
{
    const char *text = sluice_strmap_get(props, key);
    if (!text)
        return true;
    while (*text == ' ' || *text == '\t')
        text++;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (end == text || *end != '\0' || errno == ERANGE) {
        snprintf(errstr, errstr_size, "%s: Invalid value %s: Not a number of type LONG", key,
                 sluice_strmap_get(props, key));
        return false;
    }
    if (v < min) {
        snprintf(errstr, errstr_size, "%s: Invalid value %lld: Value must be at least %" PRId64,
                 key, v, min);
        return false;
    }
    *out = v;
    return true;
}

static bool error_handler_parse_bool(const sluice_strmap_t *props, const char *key, bool *out,
                                     char *errstr, size_t errstr_size)
{
    const char *text = sluice_strmap_get(props, key);
    if (!text)
        return true;
    if (!strcasecmp(text, "true"))
        *out = true;
    else if (!strcasecmp(text, "false"))
        *out = false;
    else {
        snprintf(errstr, errstr_size,
                 "%s: Invalid value %s: Expected value to be either true or false", key, text);
        return false;
    }
    return true;
}

bool error_handler_config_parse(error_handler_config_t *conf, const sluice_strmap_t *props,
                                char *errstr, size_t errstr_size)
{
    error_handler_config_defaults(conf);
    if (!error_handler_parse_long(props, "errors.retry.timeout", -1, &conf->retry_timeout_ms,
                                  errstr, errstr_size) ||
        !error_handler_parse_long(props, "errors.retry.delay.max.ms", 0, &conf->retry_delay_max_ms,
                                  errstr, errstr_size) ||
        !error_handler_parse_bool(props, "errors.log.enable", &conf->log_enable, errstr,
                                  errstr_size) ||
        !error_handler_parse_bool(props, "errors.log.include.messages", &conf->log_include_messages,
                                  errstr, errstr_size) ||
        !error_handler_parse_bool(props, "errors.deadletterqueue.context.headers.enable",
                                  &conf->dlq_context_headers, errstr, errstr_size))
        return false;

    const char *tolerance = sluice_strmap_get(props, "errors.tolerance");
    if (tolerance) {
        if (!strcasecmp(tolerance, "none"))
            conf->tolerance = ERROR_HANDLER_TOLERANCE_NONE;
        else if (!strcasecmp(tolerance, "all"))
            conf->tolerance = ERROR_HANDLER_TOLERANCE_ALL;
        else {
            snprintf(errstr, errstr_size,
                     "errors.tolerance: Invalid value %s: String must be one of: none, all",
                     tolerance);
            return false;
        }
    }
    conf->dlq_topic = sluice_strmap_get(props, "errors.deadletterqueue.topic.name");
    return true;
}

/* ---- default hooks ------------------------------------------------------ */

static int64_t error_handler_default_clock(void *opaque)
{
    (void)opaque;
    return clock_monotonic_ms();
}

/* opaque is the handler, so that error_handler_stop() can wake the wait. */
static void error_handler_default_sleep(void *opaque, int64_t ms)
{
    error_handler_t *handler = opaque;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&handler->lock);
    while (!atomic_load(&handler->stopping)) {
        if (pthread_cond_timedwait(&handler->wake, &handler->lock, &until) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&handler->lock);
}

static void error_handler_default_log(void *opaque, const char *line)
{
    error_handler_t *handler = opaque;
    log_error(handler->log_context, "LogReporter", "%s", line);
}

/* ---- the handler ---------------------------------------------------------- */

error_handler_t *error_handler_new(const error_handler_config_t *conf, const char *connector,
                                   int32_t task_id, const error_handler_hooks_t *hooks)
{
    error_handler_t *handler = mem_calloc(1, sizeof *handler);
    handler->conf = *conf;
    handler->conf.dlq_topic =
        conf->dlq_topic && *conf->dlq_topic ? mem_strdup(conf->dlq_topic) : NULL;
    handler->connector = mem_strdup(connector ? connector : "UNKNOWN");
    handler->task_id = task_id;
    size_t ctx_len = strlen(handler->connector) + 32;
    handler->log_context = mem_alloc(ctx_len);
    snprintf(handler->log_context, ctx_len, "%s|task-%" PRId32, handler->connector, task_id);
    if (hooks)
        handler->hooks = *hooks;
    if (!handler->hooks.clock)
        handler->hooks.clock = error_handler_default_clock;
    handler->sleep_opaque = handler->hooks.time_opaque;
    if (!handler->hooks.sleep) {
        handler->hooks.sleep = error_handler_default_sleep;
        handler->sleep_opaque = handler;
    }
    if (!handler->hooks.log) {
        handler->hooks.log = error_handler_default_log;
        handler->hooks.log_opaque = handler;
    }
    atomic_init(&handler->stopping, false);
    pthread_mutex_init(&handler->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&handler->wake, &attr);
    pthread_condattr_destroy(&attr);
    return handler;
}

void error_handler_destroy(error_handler_t *handler)
{
    if (!handler)
        return;
    pthread_cond_destroy(&handler->wake);
    pthread_mutex_destroy(&handler->lock);
    free((char *)handler->conf.dlq_topic);
    free(handler->connector);
    free(handler->log_context);
    free(handler);
}

void error_handler_stop(error_handler_t *handler)
{
    pthread_mutex_lock(&handler->lock);
    atomic_store(&handler->stopping, true);
    pthread_cond_broadcast(&handler->wake);
    pthread_mutex_unlock(&handler->lock);
}

void error_handler_dlq_failed(error_handler_t *handler)
{
    atomic_fetch_add(&handler->dlq_produce_failures, 1);
}

void error_handler_counters(const error_handler_t *handler, error_handler_counters_t *out)
{
    out->record_failures = atomic_load(&handler->record_failures);
    out->record_errors = atomic_load(&handler->record_errors);
    out->records_skipped = atomic_load(&handler->records_skipped);
    out->retries = atomic_load(&handler->retries);
    out->errors_logged = atomic_load(&handler->errors_logged);
    out->dlq_produce_requests = atomic_load(&handler->dlq_produce_requests);
    out->dlq_produce_failures = atomic_load(&handler->dlq_produce_failures);
    out->last_error_timestamp = atomic_load(&handler->last_error_timestamp);
}

/* Kafka's backoff: 300 ms << (attempt - 1), capped by the maximum delay and
 * by the time left before the deadline. */
static int64_t error_handler_backoff_ms(const error_handler_t *handler, int attempt, int64_t now,
                                        int64_t deadline)
{
    int64_t max = handler->conf.retry_delay_max_ms;
    int shift = attempt - 1;
    int64_t delay = shift >= 40 ? INT64_MAX : (int64_t)ERROR_HANDLER_RETRY_DELAY_MIN_MS << shift;
    if (delay > max)
        delay = max;
    if (delay > deadline - now)
        delay = deadline - now;
    return delay < 0 ? 0 : delay;
}

/* ---- reporting ------------------------------------------------------------ */

/* A small growable string for the log line and the trace. */
typedef struct {
    char *s;
    size_t len, cap;
} error_handler_str_t;

static void error_handler_str_printf(error_handler_str_t *str, const char *fmt, ...)
    SLUICE_PRINTF(2, 3);

static void error_handler_str_printf(error_handler_str_t *str, const char *fmt, ...)
{
    for (;;) {
        size_t room = str->cap - str->len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(str->s ? str->s + str->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            str->len += (size_t)n;
            return;
        }
        mem_grow((void **)&str->s, &str->cap, str->len + (size_t)n + 1, 1);
    }
}

/* Appends bytes as printable text: \n, \t, \\, \" and \xNN for the rest,
 * cut at ERROR_HANDLER_LOG_BYTES. */
static void error_handler_str_bytes(error_handler_str_t *str, const void *data, size_t len)
{
    if (!data) {
        error_handler_str_printf(str, "null");
        return;
    }
    const unsigned char *p = data;
    size_t shown = len > ERROR_HANDLER_LOG_BYTES ? ERROR_HANDLER_LOG_BYTES : len;
    error_handler_str_printf(str, "\"");
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\')
            error_handler_str_printf(str, "\\%c", c);
        else if (c == '\n')
            error_handler_str_printf(str, "\\n");
        else if (c == '\t')
            error_handler_str_printf(str, "\\t");
        else if (c < 0x20 || c == 0x7f)
            error_handler_str_printf(str, "\\x%02x", c);
        else
            error_handler_str_printf(str, "%c", c);
    }
    error_handler_str_printf(str, "\"");
    if (shown < len)
        error_handler_str_printf(str, "...(%zu bytes)", len);
}

typedef struct {
    error_handler_stage_t stage;
    const char *class_name;
    const error_handler_record_t *record;
    const char *exc_class;
    const char *message;
    int attempts;
} error_handler_failure_t;

static void error_handler_report_log(error_handler_t *handler, const error_handler_failure_t *f)
{
    error_handler_str_t line = {0};
    /* Kafka's LogReporter wording; the task id prints as "<connector>-<task>". */
    error_handler_str_printf(
        &line,
        "Error encountered in task %s-%" PRId32 " while performing %s operation with class '%s'",
        handler->connector, handler->task_id, error_handler_stage_name(f->stage), f->class_name);
    const error_handler_record_t *rec = f->record;
    if (rec && rec->topic) {
        error_handler_str_printf(&line,
                                 ", msg.topic='%s', msg.partition=%" PRId32 ", msg.offset=%" PRId64,
                                 rec->topic, rec->partition, rec->offset);
        if (handler->conf.log_include_messages) {
            error_handler_str_printf(&line,
                                     ", msg.timestamp=%" PRId64 ", msg.key=", rec->timestamp);
            error_handler_str_bytes(&line, rec->key, rec->key_len);
            error_handler_str_printf(&line, ", msg.value=");
            error_handler_str_bytes(&line, rec->value, rec->value_len);
        }
    }
    error_handler_str_printf(&line, ". %s: %s", f->exc_class, f->message);
    handler->hooks.log(handler->hooks.log_opaque, line.s);
    atomic_fetch_add(&handler->errors_logged, 1);
    free(line.s);
}

static bool error_handler_has_header(const error_handler_record_t *rec, const char *key)
{
    for (size_t i = 0; i < rec->header_count; i++)
        if (rec->headers[i].key && !strcmp(rec->headers[i].key, key))
            return true;
    return false;
}

static void error_handler_report_dlq(error_handler_t *handler, const error_handler_failure_t *f)
{
    const char *topic = handler->conf.dlq_topic;
    atomic_fetch_add(&handler->dlq_produce_requests, 1);
    const error_handler_record_t *rec = f->record;
    /* As Kafka: only a consumed record can go to the DLQ. */
    if (!rec || !handler->hooks.dlq) {
        atomic_fetch_add(&handler->dlq_produce_failures, 1);
        return;
    }

    size_t cap = rec->header_count + (handler->conf.dlq_context_headers ? HDR_COUNT : 0);
    error_handler_header_t *headers = mem_calloc(cap ? cap : 1, sizeof *headers);
    size_t count = 0;
    for (size_t i = 0; i < rec->header_count; i++)
        headers[count++] = rec->headers[i];

    char partition[16], offset[24], task[16];
    error_handler_str_t trace = {0};
    if (handler->conf.dlq_context_headers) {
        snprintf(partition, sizeof partition, "%" PRId32, rec->topic ? rec->partition : -1);
        snprintf(offset, sizeof offset, "%" PRId64, rec->topic ? rec->offset : -1);
        snprintf(task, sizeof task, "%" PRId32, handler->task_id);
        error_handler_str_printf(&trace, "%s: %s\n\tat %s (%s, attempt %d)\n", f->exc_class,
                                 f->message, f->class_name, error_handler_stage_name(f->stage),
                                 f->attempts);
        const char *values[HDR_COUNT] = {
            [HDR_TOPIC] = rec->topic ? rec->topic : "",
            [HDR_PARTITION] = partition,
            [HDR_OFFSET] = offset,
            [HDR_CONNECTOR] = handler->connector,
            [HDR_TASK] = task,
            [HDR_STAGE] = error_handler_stage_name(f->stage),
            [HDR_CLASS] = f->class_name,
            [HDR_EXC_CLASS] = f->exc_class,
            [HDR_EXC_MESSAGE] = f->message,
            [HDR_EXC_STACKTRACE] = trace.s,
        };
        for (int i = 0; i < HDR_COUNT; i++) {
            const char *key = error_handler_header_names[i];
            /* Kafka keeps an existing header and says so rather than adding a second. */
            if (error_handler_has_header(rec, key)) {
                log_error(handler->log_context, "DeadLetterQueueReporter",
                          "Header already contains the '%s' key.", key);
                continue;
            }
            headers[count++] = (error_handler_header_t){
                .key = key, .value = values[i], .value_len = strlen(values[i])};
        }
    }

    error_handler_dlq_record_t dlq = {
        .topic = topic,
        .timestamp = rec->timestamp,
        .key = rec->key,
        .key_len = rec->key_len,
        .value = rec->value,
        .value_len = rec->value_len,
        .headers = headers,
        .header_count = count,
    };
    char reason[256] = "";
    if (!handler->hooks.dlq(handler->hooks.dlq_opaque, &dlq, reason, sizeof reason)) {
        atomic_fetch_add(&handler->dlq_produce_failures, 1);
        log_error(handler->log_context, "DeadLetterQueueReporter",
                  "Could not produce message to dead letter queue. topic=%s: %s", topic,
                  reason[0] ? reason : "unknown error");
    }
    free(trace.s);
    free(headers);
}

/* ---- execute ---------------------------------------------------------------- */

error_handler_outcome_t error_handler_execute(error_handler_t *handler, error_handler_stage_t stage,
                                              const char *class_name, error_handler_op_fn op,
                                              void *op_arg, const error_handler_record_t *record,
                                              char *errstr, size_t errstr_size)
{
    char message[1024];
    int64_t timeout = handler->conf.retry_timeout_ms;
    /* This runs several times per record: with errors.retry.timeout=0 (the
     * default) nothing is ever retried, so the clock is not read at all. */
    bool retries = timeout != 0;
    int64_t start = retries ? handler->hooks.clock(handler->hooks.time_opaque) : 0;
    int64_t deadline = timeout < 0 || start > INT64_MAX - timeout ? INT64_MAX : start + timeout;
    bool exhausted = false;
    int attempt = 0;

    for (;;) {
        attempt++;
        message[0] = '\0';
        sluice_result_t result = op(op_arg, message, sizeof message);
        if (result == SLUICE_OK)
            return ERROR_HANDLER_OK;
        if (result == SLUICE_DROP)
            return ERROR_HANDLER_DROP;
        atomic_fetch_add(&handler->record_failures, 1);
        if (result != SLUICE_RETRY)
            break; /* FATAL, or a value no step should return */
        if (!retries) {
            exhausted = true;
            break;
        }
        int64_t now = handler->hooks.clock(handler->hooks.time_opaque);
        if (now >= deadline || atomic_load(&handler->stopping)) {
            exhausted = true;
            break;
        }
        int64_t delay = error_handler_backoff_ms(handler, attempt, now, deadline);
        if (delay > 0)
            handler->hooks.sleep(handler->sleep_opaque, delay);
        atomic_fetch_add(&handler->retries, 1);
        if (atomic_load(&handler->stopping)) {
            exhausted = true;
            break;
        }
    }

    if (!class_name)
        class_name = "unknown";
    if (!message[0])
        snprintf(message, sizeof message, "%s operation failed without a message",
                 error_handler_stage_name(stage));
    if (exhausted && !retries) {
        size_t len = strlen(message);
        snprintf(message + len, sizeof message - len, " (not retried: errors.retry.timeout is 0)");
    } else if (exhausted) {
        size_t len = strlen(message);
        int64_t elapsed = handler->hooks.clock(handler->hooks.time_opaque) - start;
        snprintf(message + len, sizeof message - len,
                 " (gave up after %d attempts in %" PRId64 " ms)", attempt, elapsed);
    }

    error_handler_failure_t failure = {
        .stage = stage,
        .class_name = class_name,
        .record = record,
        .exc_class = error_handler_exception_class(stage, exhausted),
        .message = message,
        .attempts = attempt,
    };
    atomic_fetch_add(&handler->record_errors, 1);
    atomic_store(&handler->last_error_timestamp, clock_wall_ms());

    /* Kafka reports every failure, tolerated or not, before deciding. */
    if (handler->conf.log_enable)
        error_handler_report_log(handler, &failure);
    if (handler->conf.dlq_topic)
        error_handler_report_dlq(handler, &failure);

    bool tolerable = exhausted || error_handler_stage_tolerates_fatal(stage);
    if (tolerable && handler->conf.tolerance == ERROR_HANDLER_TOLERANCE_ALL) {
        atomic_fetch_add(&handler->records_skipped, 1);
        if (errstr_size)
            snprintf(errstr, errstr_size, "%s: %s", failure.exc_class, message);
        return ERROR_HANDLER_SKIP;
    }

    if (errstr_size) {
        char where[256] = "";
        if (record && record->topic)
            snprintf(where, sizeof where,
                     " on record topic='%s' partition=%" PRId32 " offset=%" PRId64, record->topic,
                     record->partition, record->offset);
        snprintf(errstr, errstr_size,
                 EXC_CONNECT ": %s in error handler while performing %s operation with class "
                             "'%s'%s\nCaused by: %s: %s",
                 tolerable ? "Tolerance exceeded" : "Unhandled exception",
                 error_handler_stage_name(stage), class_name, where, failure.exc_class, message);
    }
    return ERROR_HANDLER_FAIL;
}
