/*
 * A task's error handling, as Kafka's RetryWithToleranceOperator with its
 * LogReporter and DeadLetterQueueReporter (errors.* connector keys).
 *
 * error_handler_execute() runs one step of the pipeline (a converter, a
 * transform, put, poll, produce...). A step that returns SLUICE_RETRY is run
 * again with Kafka's backoff: 300 ms, doubling, each wait capped by
 * errors.retry.delay.max.ms and all of them by errors.retry.timeout from the
 * first attempt (0: no retry; -1: no limit). A step that returns
 * SLUICE_FATAL, or still asks to retry at the deadline, has failed: the
 * failure is reported (a log line when errors.log.enable, a dead letter
 * queue record when errors.deadletterqueue.topic.name is set) and then
 *   - with errors.tolerance=none the call fails with a trace that becomes the
 *     task's FAILED trace;
 *   - with errors.tolerance=all the record is skipped and the task goes on.
 * As in Kafka, tolerance=all covers every failure of the converter and
 * transformation stages but only exhausted retries of the other stages: a
 * fatal failure of put, poll or the Kafka client still fails the task
 * ("Unhandled exception in error handler").
 *
 * Where we differ from Kafka, on purpose:
 *   - Retries that run out fail the task under tolerance=none; Kafka skips
 *     the record silently whatever the tolerance.
 *   - A wait longer than errors.retry.delay.max.ms waits exactly that long;
 *     Kafka waits a random time below it.
 *   - The log line always names the record's topic, partition and offset;
 *     errors.log.include.messages adds its key and value (escaped, cut at
 *     256 bytes each).
 *
 * The DLQ header __connect.errors.exception.class.name carries the Kafka
 * exception class a Java step would have thrown, so Kafka tooling reads our
 * DLQ topics unchanged:
 *   converter and transformation failures  org.apache.kafka.connect.errors.DataException
 *   put and poll failures                  org.apache.kafka.connect.errors.ConnectException
 *   Kafka produce and consume failures     org.apache.kafka.common.KafkaException
 *   retries run out (any stage)            org.apache.kafka.connect.errors.RetriableException
 * __connect.errors.exception.stacktrace is "<class>: <message>" followed by
 * one "\tat" line naming the step's class and stage (we have no Java stack).
 *
 * Thread use: a handler belongs to one task and error_handler_execute() is
 * called by that task's thread only; error_handler_counters() and
 * error_handler_stop() may be called from any thread.
 */
#ifndef WORKER_ERROR_HANDLER_H
#define WORKER_ERROR_HANDLER_H

#include <sluice/common.h>
#include <sluice/strmap.h>

/* Kafka's initial retry delay (RetryWithToleranceOperator.RETRIES_DELAY_MIN_MS). */
#define ERROR_HANDLER_RETRY_DELAY_MIN_MS 300

/* The prefix of the DLQ context headers (Kafka's ERROR_HEADER_PREFIX). */
#define ERROR_HANDLER_HEADER_PREFIX "__connect.errors."

/* The pipeline stages, with Kafka's Stage names (error_handler_stage_name). */
typedef enum error_handler_stage {
    ERROR_HANDLER_STAGE_KEY_CONVERTER = 0,
    ERROR_HANDLER_STAGE_VALUE_CONVERTER,
    ERROR_HANDLER_STAGE_HEADER_CONVERTER,
    ERROR_HANDLER_STAGE_TRANSFORMATION,
    ERROR_HANDLER_STAGE_TASK_PUT,
    ERROR_HANDLER_STAGE_TASK_POLL,
    ERROR_HANDLER_STAGE_KAFKA_PRODUCE,
    ERROR_HANDLER_STAGE_KAFKA_CONSUME
} error_handler_stage_t;

/* "KEY_CONVERTER" ... "KAFKA_CONSUME"; "UNKNOWN" for a bad value. */
const char *error_handler_stage_name(error_handler_stage_t stage);

typedef enum error_handler_tolerance {
    ERROR_HANDLER_TOLERANCE_NONE = 0,
    ERROR_HANDLER_TOLERANCE_ALL
} error_handler_tolerance_t;

/* ---- configuration ------------------------------------------------------ */

typedef struct error_handler_config {
    int64_t retry_timeout_ms;            /* errors.retry.timeout, default 0; -1 = forever */
    int64_t retry_delay_max_ms;          /* errors.retry.delay.max.ms, default 60000 */
    error_handler_tolerance_t tolerance; /* errors.tolerance, default none */
    bool log_enable;                     /* errors.log.enable, default false */
    bool log_include_messages;           /* errors.log.include.messages, default false */
    const char *dlq_topic;               /* errors.deadletterqueue.topic.name; NULL or "" = off */
    bool dlq_context_headers;            /* errors.deadletterqueue.context.headers.enable */
} error_handler_config_t;

/* Fills conf with Kafka's defaults. */
void error_handler_config_defaults(error_handler_config_t *conf);

/*
 * Reads the errors.* keys of a connector's properties into conf (keys that
 * are absent keep Kafka's defaults). Returns false with "key: reason" in
 * errstr when a value is malformed (conf is then unspecified).
 * conf->dlq_topic points into props and lives as long as that entry.
 */
bool error_handler_config_parse(error_handler_config_t *conf, const sluice_strmap_t *props,
                                char *errstr, size_t errstr_size);

/* ---- records -------------------------------------------------------------- */

/* A header as raw bytes (value NULL: a null header value). */
typedef struct error_handler_header {
    const char *key;
    const void *value;
    size_t value_len;
} error_handler_header_t;

/*
 * The record a step works on, as consumed from Kafka (Kafka's
 * ProcessingContext.consumerRecord). Pointers are borrowed for the call.
 * key or value NULL means a null key or value; timestamp -1 means none.
 */
typedef struct error_handler_record {
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t timestamp;
    const void *key;
    size_t key_len;
    const void *value;
    size_t value_len;
    const error_handler_header_t *headers;
    size_t header_count;
} error_handler_record_t;

/*
 * What to produce to the dead letter queue: the original key, value,
 * timestamp and headers, then (with context headers on) the
 * __connect.errors.* headers, whose values are UTF-8 strings without a
 * terminating NUL. Everything is borrowed for the duration of the callback.
 */
typedef struct error_handler_dlq_record {
    const char *topic;
    int64_t timestamp; /* -1: let the producer stamp it */
    const void *key;
    size_t key_len;
    const void *value;
    size_t value_len;
    const error_handler_header_t *headers;
    size_t header_count;
} error_handler_dlq_record_t;

/* ---- hooks ---------------------------------------------------------------- */

/* Hands a DLQ record to the producer; false (with a reason in errstr) when it
 * could not be queued. Later delivery failures go to error_handler_dlq_failed. */
typedef bool (*error_handler_dlq_fn)(void *opaque, const error_handler_dlq_record_t *rec,
                                     char *errstr, size_t errstr_size);

/* Receives one error-context line (no trailing newline). */
typedef void (*error_handler_log_fn)(void *opaque, const char *line);

/* A monotonic clock in milliseconds, and a sleep of ms milliseconds. */
typedef int64_t (*error_handler_clock_fn)(void *opaque);
typedef void (*error_handler_sleep_fn)(void *opaque, int64_t ms);

/* Any field may be NULL: the defaults are the monotonic clock, nanosleep (cut
 * short by error_handler_stop), log_error() under "[connector|task-N]", and
 * no DLQ producer (DLQ records then count as failed produce requests). */
typedef struct error_handler_hooks {
    error_handler_clock_fn clock;
    error_handler_sleep_fn sleep;
    void *time_opaque;
    error_handler_log_fn log;
    void *log_opaque;
    error_handler_dlq_fn dlq;
    void *dlq_opaque;
} error_handler_hooks_t;

/* ---- the handler ---------------------------------------------------------- */

typedef struct error_handler error_handler_t;

/*
 * A handler for task task_id of connector. conf, connector and hooks are
 * copied (conf->dlq_topic too); hooks may be NULL. The caller destroys it.
 */
error_handler_t *error_handler_new(const error_handler_config_t *conf, const char *connector,
                                   int32_t task_id, const error_handler_hooks_t *hooks);

/* NULL does nothing. */
void error_handler_destroy(error_handler_t *handler);

/* One step: returns OK, RETRY or FATAL, with a message in errstr on failure. */
typedef sluice_result_t (*error_handler_op_fn)(void *arg, char *errstr, size_t errstr_size);

typedef enum error_handler_outcome {
    ERROR_HANDLER_OK = 0, /* the step succeeded */
    ERROR_HANDLER_DROP,   /* the step returned SLUICE_DROP (a transform dropped the record) */
    ERROR_HANDLER_SKIP,   /* the step failed, was reported and tolerated: skip the record */
    ERROR_HANDLER_FAIL    /* the step failed and is not tolerated: fail the task */
} error_handler_outcome_t;

/*
 * Runs op(op_arg, ...) for stage; class_name names the class that does the
 * work (e.g. "org.apache.kafka.connect.json.JsonConverter"). record may be
 * NULL (no consumed record, e.g. a source task). On SKIP errstr holds
 * "<exception class>: <message>"; on FAIL it holds the task's trace, naming
 * the stage, the class and the message. errstr may be NULL when size is 0.
 */
error_handler_outcome_t error_handler_execute(error_handler_t *handler, error_handler_stage_t stage,
                                              const char *class_name, error_handler_op_fn op,
                                              void *op_arg, const error_handler_record_t *record,
                                              char *errstr, size_t errstr_size);

/* Ends any retry wait at once and makes waiting steps fail (Kafka's
 * triggerStop), for task shutdown. Any thread. */
void error_handler_stop(error_handler_t *handler);

/* Counts a DLQ record the producer later failed to deliver. Any thread. */
void error_handler_dlq_failed(error_handler_t *handler);

/* Kafka's task-error-metrics (ErrorHandlingMetrics), as counted so far. */
typedef struct error_handler_counters {
    uint64_t record_failures;      /* total-record-failures: failed attempts */
    uint64_t record_errors;        /* total-record-errors: steps that ended failed */
    uint64_t records_skipped;      /* total-records-skipped */
    uint64_t retries;              /* total-retries */
    uint64_t errors_logged;        /* total-errors-logged */
    uint64_t dlq_produce_requests; /* deadletterqueue-produce-requests */
    uint64_t dlq_produce_failures; /* deadletterqueue-produce-failures */
    int64_t last_error_timestamp;  /* last-error-timestamp, ms since the epoch; 0 = none */
} error_handler_counters_t;

/* Copies the counters into out. Any thread. */
void error_handler_counters(const error_handler_t *handler, error_handler_counters_t *out);

#endif
