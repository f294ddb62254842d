/*
 * The source kind of a task (Kafka's WorkerSourceTask): poll a batch from the
 * plugin, run each record through the transforms and the converters, produce
 * it through librdkafka, and commit source offsets once the broker has
 * acknowledged every earlier record of their source partition.
 *
 * Everything but the plugin's poll runs on the task thread, delivery reports
 * included (they are served by rd_kafka_poll from this loop), so the
 * per-task state needs no lock; the offset tracker and store are
 * shared-safe anyway. The poll runs on a thread of its own (source_poller.h)
 * when the plugin has no commit callbacks, so reading the next batch overlaps
 * producing this one; otherwise the task thread polls too.
 *
 * Offsets are validated as Kafka's OffsetUtils does (a map with string keys
 * and primitive values) when a record is polled, so a bad offset fails the
 * task at once, naming the field, instead of at the next flush.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "mem.h"
#include "offset_tracker.h"
#include "record_list.h"
#include "source_local.h"
#include "source_poller.h"
#include "task.h"
#include "topic_creation.h"
#include "value_internal.h"

#define SOURCE_LOGGER "WorkerSourceTask"

/* How long the producer may wait when its queue is full before the loop
 * looks at the task's state again. */
#define SOURCE_QUEUE_FULL_WAIT_MS 50
/* Batches the poll thread keeps ready, and the longest the task thread
 * waits for one before it serves delivery reports and commits again. */
#define SOURCE_POLL_AHEAD 2
#define SOURCE_TAKE_WAIT_MS 50
/* How long topic creation may take. */
#define SOURCE_ADMIN_TIMEOUT_MS 30000
/* How long the first record to a topic waits for the topic's metadata
 * (Kafka's producer blocks up to max.block.ms, 60 s, in send()). */
#define SOURCE_METADATA_TIMEOUT_MS 5000
/* The topics whose metadata the loop waits for: beyond this many a source
 * spreads over so many topics that it no longer pays. */
#define SOURCE_PRIMED_MAX 64

/* What a produced record carries to its delivery report, when the plugin
 * wants commit_record (otherwise the tracker handle itself is the opaque). */
typedef struct source_envelope {
    offset_tracker_record_t *handle;
    sluice_record_t *record; /* as polled, before the transforms */
} source_envelope_t;

typedef struct source_kind {
    rd_kafka_t *producer;
    offset_tracker_t *tracker;
    topic_creation_t *topics;
    sluice_records_t *batch; /* the task thread's own, when it polls itself */
    source_poller_t *poller; /* the poll thread, or NULL; set and cleared under task->lock */
    sluice_buf_t *key_buf, *value_buf, *header_buf;
    bool commit_record; /* the plugin has commit_record: keep a copy per record */
    bool tolerate_all;
    char *fatal;                     /* a delivery failure that fails the task */
    char *last_topic;                /* the topic of the last record sent */
    rd_kafka_topic_t *rkt;           /* last_topic's handle (NULL: librdkafka refused the name) */
    source_local_t *local;           /* the direct path to the embedded broker, or NULL */
    bool last_topic_local;           /* last_topic's records take the direct path */
    sluice_strmap_t *primed;         /* topics whose metadata was waited for (values unused) */
    sluice_value_t *valid_partition; /* a shared source partition found valid (a reference) */
    int64_t next_commit;             /* when to commit offsets next (monotonic ms) */
    unsigned topics_epoch;           /* task_topics_epoch when last_topic was reported */
} source_kind_t;

/* ---- context hooks ---------------------------------------------------------- */

static sluice_value_t *source_offset_hook(void *owner, const sluice_value_t *partition)
{
    task_t *task = owner;
    return offset_store_get(task->offsets, task->connector, partition);
}

static const ctx_hooks_t source_hooks = {.offset = source_offset_hook};

/* ---- delivery reports -------------------------------------------------------- */

/*
 * One record's outcome, from librdkafka's delivery report or the direct
 * path: error NULL when the broker has it. Task thread.
 */
static void source_record_done(void *arg, void *opaque, const char *error, const char *topic,
                               int32_t partition)
{
    task_t *task = arg;
    source_kind_t *sk = task->kind;
    offset_tracker_record_t *handle;
    source_envelope_t *env = NULL;
    if (sk->commit_record) {
        env = opaque;
        handle = env->handle;
    } else {
        handle = opaque;
    }
    if (!error) {
        offset_tracker_ack(handle);
        atomic_fetch_add(&task->n_written, 1);
        if (env)
            task->cls->source_task->commit_record(task->self, env->record);
    } else if (sk->tolerate_all) {
        /* Kafka's errors.tolerance=all covers producer failures too: the
         * record is reported and skipped, its offset may be committed. */
        log_error(task->name, SOURCE_LOGGER,
                  "Failed to write a record to topic %s partition %d; skipping it "
                  "(errors.tolerance=all): %s",
                  topic, (int)partition, error);
        offset_tracker_ack(handle);
    } else {
        offset_tracker_fail(handle);
        if (!sk->fatal) {
            char buf[1024];
            snprintf(buf, sizeof buf,
                     "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception "
                     "from producer send callback: topic %s partition %d: %s",
                     topic, (int)partition, error);
            sk->fatal = mem_strdup(buf);
        }
    }
    if (env) {
        sluice_record_destroy(env->record);
        free(env);
    }
}

static void source_delivered(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    (void)rk;
    source_record_done(opaque, msg->_private,
                       msg->err == RD_KAFKA_RESP_ERR_NO_ERROR ? NULL : rd_kafka_err2str(msg->err),
                       rd_kafka_topic_name(msg->rkt), msg->partition);
}

/* Serves the outcomes of both paths, waiting up to timeout_ms for
 * librdkafka's (or the direct path's, when that is all there is). */
static void source_serve(task_t *task, int timeout_ms)
{
    source_kind_t *sk = task->kind;
    if (sk->local) {
        if (timeout_ms > 0 && source_local_in_flight(sk->local) > 0 &&
            rd_kafka_outq_len(sk->producer) == 0) {
            source_local_wait(sk->local, timeout_ms);
            timeout_ms = 0;
        }
        source_local_drain(sk->local, source_record_done, task);
    }
    rd_kafka_poll(sk->producer, timeout_ms);
}

/* ---- offsets ------------------------------------------------------------------ */

/* Kafka's OffsetUtils.validateFormat: NULL or a MAP of STRING keys to
 * primitive values. */
static bool source_offset_map_valid(const sluice_value_t *map, const char *what, char *errstr,
                                    size_t errstr_size)
{
    if (!map)
        return true;
    if (sluice_value_type(map) != SLUICE_TYPE_MAP) {
        snprintf(errstr, errstr_size, "The source %s must be a map, not %s", what,
                 sluice_type_name(sluice_value_type(map)));
        return false;
    }
    for (size_t i = 0; i < sluice_value_map_count(map); i++) {
        const sluice_value_t *k = sluice_value_map_key_at(map, i);
        const sluice_value_t *v = sluice_value_map_value_at(map, i);
        if (!k || sluice_value_type(k) != SLUICE_TYPE_STRING) {
            snprintf(errstr, errstr_size, "The source %s's keys must be strings", what);
            return false;
        }
        if (v &&
            (sluice_value_type(v) == SLUICE_TYPE_ARRAY || sluice_value_type(v) == SLUICE_TYPE_MAP ||
             sluice_value_type(v) == SLUICE_TYPE_STRUCT)) {
            snprintf(errstr, errstr_size,
                     "The source %s may only contain primitive types as values, but field %s "
                     "contains %s",
                     what, sluice_value_get_string(k, NULL),
                     sluice_type_name(sluice_value_type(v)));
            return false;
        }
    }
    return true;
}

/* Moves the committable offsets into the store and writes it. Returns 0, or
 * -1 with errstr when the store refuses them (the task then fails). */
static int source_commit(task_t *task, char *errstr, size_t errstr_size)
{
    source_kind_t *sk = task->kind;
    offset_store_entry_t *entries = NULL;
    size_t n = offset_tracker_committable(sk->tracker, &entries);
    int rc = 0;
    char why[1024];
    if (n) {
        if (offset_store_put(task->offsets, task->connector, entries, n, why, sizeof why)) {
            snprintf(errstr, errstr_size,
                     "org.apache.kafka.connect.errors.ConnectException: Could not store the "
                     "source offsets: %s",
                     why);
            rc = -1;
        }
        offset_store_entries_free(entries, n);
    }
    if (rc == 0 && offset_store_flush(task->offsets, why, sizeof why))
        log_error(task->name, SOURCE_LOGGER, "Failed to flush offsets (will retry): %s", why);
    else if (rc == 0 && n) {
        atomic_fetch_add(&task->n_commits, 1);
        if (task->cls->source_task->commit && task->self)
            task->cls->source_task->commit(task->self);
    }
    sk->next_commit = clock_monotonic_ms() + task->offset_flush_interval_ms;
    return rc;
}

/* ---- sending one record ----------------------------------------------------- */

typedef struct source_headers_arg {
    task_t *task;
    const char *topic;
    sluice_record_t *record;
    rd_kafka_headers_t *out;
} source_headers_arg_t;

static sluice_result_t source_headers_op(void *arg, char *errstr, size_t errstr_size)
{
    source_headers_arg_t *a = arg;
    source_kind_t *sk = a->task->kind;
    task_converter_t *hc = &a->task->header_converter;
    const sluice_headers_t *hdrs = sluice_record_headers_const(a->record);
    size_t n = sluice_headers_count(hdrs);
    if (a->out)
        rd_kafka_headers_destroy(a->out);
    a->out = rd_kafka_headers_new(n);
    for (size_t i = 0; i < n; i++) {
        const char *key = sluice_headers_key_at(hdrs, i);
        sluice_buf_reset(sk->header_buf);
        sluice_result_t r = hc->cls->header_converter->from_header(
            hc->self, a->topic, key, sluice_headers_schema_at(hdrs, i),
            sluice_headers_value_at(hdrs, i), sk->header_buf, errstr, errstr_size);
        if (r != SLUICE_OK)
            return r;
        if (sluice_buf_is_null(sk->header_buf))
            rd_kafka_header_add(a->out, key, -1, NULL, 0);
        else
            rd_kafka_header_add(a->out, key, -1, sluice_buf_data(sk->header_buf),
                                (ssize_t)sluice_buf_len(sk->header_buf));
    }
    return SLUICE_OK;
}

/* Converts one key or value; returns the outcome. */
static error_handler_outcome_t source_convert(task_t *task, bool is_key, const char *topic,
                                              sluice_record_t *record, sluice_buf_t *out,
                                              char *errstr, size_t errstr_size)
{
    task_convert_arg_t arg = {
        .task = task,
        .converter = is_key ? &task->key_converter : &task->value_converter,
        .is_key = is_key,
        .topic = topic,
        .headers = sluice_record_headers(record),
        .schema = is_key ? sluice_record_key_schema(record) : sluice_record_value_schema(record),
        .value = is_key ? sluice_record_key(record) : sluice_record_value(record),
        .out = out,
    };
    return error_handler_execute(
        task->errors,
        is_key ? ERROR_HANDLER_STAGE_KEY_CONVERTER : ERROR_HANDLER_STAGE_VALUE_CONVERTER,
        arg.converter->cls->name, task_from_connect, &arg, NULL, errstr, errstr_size);
}

/*
 * Waits (bounded) until the producer knows topic's partitions. librdkafka
 * asks for an unknown topic's metadata at once only when a broker
 * connection is up; the first records of a task usually come before that,
 * and then it waits for its one-second timer, with the queue full and the
 * task stalled. A metadata request for the topic makes that a round trip
 * (and has the broker auto-create the topic, as the first produce would).
 */
static void source_prime_topic(task_t *task, const char *topic, rd_kafka_topic_t *rkt)
{
    source_kind_t *sk = task->kind;
    if (!rkt || sluice_strmap_get(sk->primed, topic) ||
        sluice_strmap_count(sk->primed) >= SOURCE_PRIMED_MAX)
        return;
    sluice_strmap_set(sk->primed, topic, "");
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(sk->producer, 0, rkt, &md, SOURCE_METADATA_TIMEOUT_MS);
    if (err)
        log_debug(task->name, SOURCE_LOGGER,
                  "No metadata for topic %s yet (%s): the producer will ask again", topic,
                  rd_kafka_err2str(err));
    if (md)
        rd_kafka_metadata_destroy(md);
}

/* The record's topic differs from the last one's: creates it when topic
 * creation is on, waits for its metadata, and keeps a handle to produce
 * with (naming the topic per message costs librdkafka a lookup under its
 * lock). Returns 0, or -1 with the task's trace in errstr. */
static int source_new_topic(task_t *task, const char *topic, char *errstr, size_t errstr_size)
{
    source_kind_t *sk = task->kind;
    if (topic_creation_enabled(sk->topics)) {
        char why[1024];
        if (topic_creation_ensure(sk->topics, sk->producer, topic, SOURCE_ADMIN_TIMEOUT_MS, why,
                                  sizeof why)) {
            snprintf(errstr, errstr_size, "org.apache.kafka.connect.errors.ConnectException: %s",
                     why);
            return -1;
        }
    }
    if (sk->rkt)
        rd_kafka_topic_destroy(sk->rkt); /* messages in flight hold their own reference */
    sk->rkt = rd_kafka_topic_new(sk->producer, topic, NULL);
    source_prime_topic(task, topic, sk->rkt);
    /* A topic the broker does not have (auto-creation off) stays with
     * librdkafka, which waits for it as Kafka's producer does. */
    if (sk->local) {
        sk->last_topic_local = sk->rkt && source_local_partitions(sk->local, topic, false) > 0;
        if (!sk->last_topic_local && sk->rkt)
            sk->last_topic_local = source_local_partitions(sk->local, topic, true) > 0;
    }
    free(sk->last_topic);
    sk->last_topic = mem_strdup(topic);
    task_topic_used(task, topic);
    return 0;
}

typedef enum send_result { SEND_OK = 0, SEND_STOPPED, SEND_FAILED } send_result_t;

/*
 * Transforms, converts and produces one polled record (borrowed: it is
 * freed with its batch). On SEND_FAILED errstr holds the task's trace.
 */
static send_result_t source_send(task_t *task, sluice_record_t *record, char *errstr,
                                 size_t errstr_size)
{
    source_kind_t *sk = task->kind;
    send_result_t result = SEND_OK;
    rd_kafka_headers_t *hdrs = NULL;
    sluice_record_t *polled = sk->commit_record ? sluice_record_copy(record) : NULL;

    /* A source that shares one partition value between its records has it
     * checked once: a shared value cannot change. */
    const sluice_value_t *src_partition = sluice_record_source_partition(record);
    bool src_partition_valid = src_partition && src_partition == sk->valid_partition;
    if (!src_partition_valid && value_is_shared(src_partition) &&
        source_offset_map_valid(src_partition, "partition", errstr, errstr_size)) {
        sluice_value_destroy(sk->valid_partition);
        sk->valid_partition = sluice_value_ref(src_partition);
        src_partition_valid = true;
    }
    if ((!src_partition_valid &&
         !source_offset_map_valid(src_partition, "partition", errstr, errstr_size)) ||
        !source_offset_map_valid(sluice_record_source_offset(record), "offset", errstr,
                                 errstr_size)) {
        char why[1024];
        snprintf(why, sizeof why, "%s", errstr);
        snprintf(errstr, errstr_size, "org.apache.kafka.connect.errors.DataException: %s", why);
        sluice_record_destroy(polled);
        return SEND_FAILED;
    }
    /* The record joins its partition's queue before anything can drop it,
     * so a dropped record's offset still counts, in order (Kafka acks
     * dropped records the same way). */
    sluice_value_t *offset = polled ? sluice_value_copy(sluice_record_source_offset(record))
                                    : record_take_source_offset(record);
    offset_tracker_record_t *handle =
        offset_tracker_add(sk->tracker, sluice_record_source_partition(record), offset);

    error_handler_outcome_t out = task_transform(task, record, NULL, errstr, errstr_size);
    const char *topic = sluice_record_topic(record);
    if (out == ERROR_HANDLER_OK && (!topic || !*topic)) {
        snprintf(errstr, errstr_size,
                 "org.apache.kafka.connect.errors.DataException: A source record has no topic "
                 "(set one in the connector, or with a transform)");
        out = ERROR_HANDLER_FAIL;
    }
    if (out == ERROR_HANDLER_OK)
        out = source_convert(task, true, topic, record, sk->key_buf, errstr, errstr_size);
    if (out == ERROR_HANDLER_OK)
        out = source_convert(task, false, topic, record, sk->value_buf, errstr, errstr_size);
    /* Most records have no headers: then there is nothing to convert, and
     * the message goes out without a header list at all. */
    if (out == ERROR_HANDLER_OK && sluice_headers_count(sluice_record_headers_const(record))) {
        source_headers_arg_t harg = {.task = task, .topic = topic, .record = record};
        out = error_handler_execute(task->errors, ERROR_HANDLER_STAGE_HEADER_CONVERTER,
                                    task->header_converter.cls->name, source_headers_op, &harg,
                                    NULL, errstr, errstr_size);
        hdrs = harg.out;
    }
    if (out == ERROR_HANDLER_DROP || out == ERROR_HANDLER_SKIP) {
        offset_tracker_ack(handle);
        goto done;
    }
    if (out == ERROR_HANDLER_FAIL) {
        offset_tracker_fail(handle);
        result = SEND_FAILED;
        goto done;
    }

    if ((!sk->last_topic || strcmp(sk->last_topic, topic)) &&
        source_new_topic(task, topic, errstr, errstr_size)) {
        offset_tracker_fail(handle);
        result = SEND_FAILED;
        goto done;
    }

    void *opaque = handle;
    if (sk->commit_record) {
        source_envelope_t *env = mem_alloc(sizeof *env);
        env->handle = handle;
        env->record = polled;
        polled = NULL;
        opaque = env;
    }
    int64_t ts = sluice_record_timestamp(record);
    int32_t partition = sluice_record_partition(record);
    bool null_key = sluice_buf_is_null(sk->key_buf), null_value = sluice_buf_is_null(sk->value_buf);
    for (;;) {
        rd_kafka_resp_err_t err;
        if (sk->last_topic_local) {
            err =
                source_local_add(sk->local, sk->rkt, topic, partition,
                                 null_key ? NULL : sluice_buf_data(sk->key_buf),
                                 null_key ? 0 : sluice_buf_len(sk->key_buf),
                                 null_value ? NULL : sluice_buf_data(sk->value_buf),
                                 null_value ? 0 : sluice_buf_len(sk->value_buf), ts, hdrs, opaque);
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
                break;
            goto refused;
        }
        rd_kafka_vu_t vus[] = {
            sk->rkt ? (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_RKT, .u.rkt = sk->rkt}
                    : (rd_kafka_vu_t){.vtype = RD_KAFKA_VTYPE_TOPIC, .u.cstr = topic},
            {.vtype = RD_KAFKA_VTYPE_PARTITION,
             .u.i32 = partition < 0 ? RD_KAFKA_PARTITION_UA : partition},
            {.vtype = RD_KAFKA_VTYPE_MSGFLAGS, .u.i = RD_KAFKA_MSG_F_COPY},
            {.vtype = RD_KAFKA_VTYPE_KEY,
             .u.mem = {null_key ? NULL : (void *)sluice_buf_data(sk->key_buf),
                       null_key ? 0 : sluice_buf_len(sk->key_buf)}},
            {.vtype = RD_KAFKA_VTYPE_VALUE,
             .u.mem = {null_value ? NULL : (void *)sluice_buf_data(sk->value_buf),
                       null_value ? 0 : sluice_buf_len(sk->value_buf)}},
            {.vtype = RD_KAFKA_VTYPE_TIMESTAMP, .u.i64 = ts < 0 ? 0 : ts},
            {.vtype = RD_KAFKA_VTYPE_HEADERS, .u.headers = hdrs},
            {.vtype = RD_KAFKA_VTYPE_OPAQUE, .u.ptr = opaque},
        };
        rd_kafka_error_t *error = rd_kafka_produceva(sk->producer, vus, sizeof vus / sizeof *vus);
        err = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (error) {
            err = rd_kafka_error_code(error);
            rd_kafka_error_destroy(error);
        }
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            hdrs = NULL; /* the producer owns them now */
            break;
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !task_stopping(task)) {
            /* Kafka blocks in send() when buffer.memory is full; we serve
             * delivery reports until there is room. */
            source_serve(task, SOURCE_QUEUE_FULL_WAIT_MS);
            continue;
        }
    refused:
        if (sk->commit_record) {
            source_envelope_t *env = opaque;
            sluice_record_destroy(env->record);
            free(env);
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            offset_tracker_fail(handle); /* stopping: replayed after a restart */
            result = SEND_STOPPED;
        } else if (sk->tolerate_all) {
            log_error(task->name, SOURCE_LOGGER,
                      "Failed to send a record to topic %s; skipping it (errors.tolerance=all): "
                      "%s",
                      topic, rd_kafka_err2str(err));
            offset_tracker_ack(handle);
        } else {
            snprintf(errstr, errstr_size,
                     "org.apache.kafka.connect.errors.ConnectException: Failed to send a record "
                     "to topic %s: %s",
                     topic, rd_kafka_err2str(err));
            offset_tracker_fail(handle);
            result = SEND_FAILED;
        }
        break;
    }
done:
    if (hdrs)
        rd_kafka_headers_destroy(hdrs);
    sluice_record_destroy(polled);
    return result;
}

/* ---- the kind's ops ------------------------------------------------------------- */

static int source_init(task_t *task, char *errstr, size_t errstr_size)
{
    source_kind_t *sk = mem_calloc(1, sizeof *sk);
    task->kind = sk;
    sk->tracker = offset_tracker_new();
    sk->batch = records_new();
    sk->key_buf = sluice_buf_new();
    sk->value_buf = sluice_buf_new();
    sk->header_buf = sluice_buf_new();
    sk->primed = sluice_strmap_new();
    sk->commit_record = task->cls->source_task->commit_record != NULL;
    sk->tolerate_all = task->errors_config.tolerance == ERROR_HANDLER_TOLERANCE_ALL;
    sk->next_commit = clock_monotonic_ms() + task->offset_flush_interval_ms;

    sk->topics = topic_creation_new(
        connector_config_props(task->cc),
        sluice_config_get_bool(worker_config_values(task->wc), "topic.creation.enable"), errstr,
        errstr_size);
    if (!sk->topics)
        return -1;

    char client_id[512];
    snprintf(client_id, sizeof client_id, "connector-producer-%s-%d", task->connector,
             (int)task->id);
    const char *forced[] = {"client.id", client_id, NULL};
    /* Kafka Connect's producer defaults come from client_config. */
    rd_kafka_conf_t *conf =
        task_client_conf(task, CLIENT_PRODUCER, NULL, forced, errstr, errstr_size);
    if (!conf)
        return -1;
    rd_kafka_conf_set_dr_msg_cb(conf, source_delivered);
    rd_kafka_conf_set_opaque(conf, task);
    sk->producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
    if (!sk->producer) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    if (sluice_config_get_bool(worker_config_values(task->wc), "broker.embedded.direct")) {
        sk->local = source_local_new(sk->producer);
        if (sk->local)
            log_info(task->name, SOURCE_LOGGER,
                     "Appending to the embedded broker directly (broker.embedded.direct)");
    }
    return 0;
}

/*
 * The next batch to send: from the poll thread (waiting up to wait_ms), or
 * polled here. Returns 1 with *out, 0 when there is none yet (the loop
 * turns again), or -1 with the trace in errstr.
 */
static int source_next_batch(task_t *task, sluice_records_t **out, int wait_ms, char *errstr,
                             size_t errstr_size)
{
    source_kind_t *sk = task->kind;
    if (sk->poller)
        return source_poller_take(sk->poller, out, wait_ms, errstr, errstr_size);
    int pr = source_poll_once(task, sk->batch, errstr, errstr_size);
    if (pr < 0)
        return -1;
    if (pr > 0) {
        task_sleep(task, SOURCE_POLL_RETRY_MS);
        return 0;
    }
    *out = sk->batch;
    return 1;
}

static int source_run(task_t *task, char *errstr, size_t errstr_size)
{
    source_kind_t *sk = task->kind;
    if (source_poller_eligible(task)) {
        source_poller_t *poller = source_poller_new(task, SOURCE_POLL_AHEAD, errstr, errstr_size);
        if (!poller)
            return -1;
        pthread_mutex_lock(&task->lock);
        sk->poller = poller;
        pthread_mutex_unlock(&task->lock);
    }
    while (!task_stopping(task)) {
        if (task_target_paused(task)) {
            source_local_flush(sk->local);
            source_serve(task, 0);
            if (source_commit(task, errstr, errstr_size))
                return -1;
            if (!task_wait_while_paused(task))
                break;
        }
        if (clock_monotonic_ms() >= sk->next_commit && source_commit(task, errstr, errstr_size))
            return -1;

        /* The direct path's batch lingers for more records (linger.ms),
         * as librdkafka's does, and goes out once it is due or the plugin
         * has nothing more for now. */
        int wait_ms = SOURCE_TAKE_WAIT_MS;
        int64_t linger = source_local_linger_left(sk->local);
        if (linger == 0)
            source_local_flush(sk->local);
        else if (linger > 0 && linger < wait_ms)
            wait_ms = (int)linger;
        sluice_records_t *batch = NULL;
        int nr = source_next_batch(task, &batch, wait_ms, errstr, errstr_size);
        if (nr < 0)
            return -1;
        if (nr == 0) {
            source_local_flush(sk->local);
            source_serve(task, 0);
            continue;
        }
        size_t n = sluice_records_count(batch);
        /* The active topics were reset: the next record takes the new-topic
         * path again, which reports its topic. */
        if (task_topics_epoch(task) != sk->topics_epoch) {
            sk->topics_epoch = task_topics_epoch(task);
            free(sk->last_topic);
            sk->last_topic = NULL;
        }
        /* The records stay in their batch, which is freed as a whole by the
         * thread that polled it: memory goes back to the allocator's cache
         * of the thread that took it, and reference counts shared with the
         * plugin (schemas, source partitions) stay on one core. */
        send_result_t sr = SEND_OK;
        for (size_t i = 0; i < n && sr != SEND_STOPPED; i++) {
            sr = source_send(task, sluice_records_at(batch, i), errstr, errstr_size);
            if (sr == SEND_FAILED)
                break;
        }
        if (sk->poller)
            source_poller_recycle(sk->poller, batch);
        else
            records_clear(batch);
        /* Polling here would block with the batch unsent. */
        if (!sk->poller || sr != SEND_OK)
            source_local_flush(sk->local);
        if (sr == SEND_FAILED)
            return -1;
        source_serve(task, 0);
        if (sk->fatal) {
            snprintf(errstr, errstr_size, "%s", sk->fatal);
            return -1;
        }
    }
    return 0;
}

/* Any thread: a stop or a resume reaches the poll thread and a task thread
 * waiting for its batches. */
static void source_wakeup(task_t *task)
{
    pthread_mutex_lock(&task->lock);
    source_kind_t *sk = task->kind;
    if (sk)
        source_poller_wakeup(sk->poller);
    pthread_mutex_unlock(&task->lock);
}

static void source_fini(task_t *task, bool failed)
{
    source_kind_t *sk = task->kind;
    if (!sk)
        return;
    /* The poll thread ends first: nothing is polled after this point. */
    pthread_mutex_lock(&task->lock);
    source_poller_t *poller = sk->poller;
    sk->poller = NULL;
    pthread_mutex_unlock(&task->lock);
    source_poller_destroy(poller);
    char errstr[1024];
    bool local_idle = true;
    if (sk->local) {
        /* What the direct path holds lands too: the broker answers every
         * batch posted, also when it is stopping. */
        source_local_flush(sk->local);
        int64_t end = clock_monotonic_ms() + task->offset_flush_timeout_ms;
        while (source_local_in_flight(sk->local) > 0 && clock_monotonic_ms() < end)
            source_local_wait(sk->local, SOURCE_TAKE_WAIT_MS);
        source_local_drain(sk->local, source_record_done, task);
        local_idle = source_local_in_flight(sk->local) == 0;
    }
    if (sk->producer) {
        /* Give what is in flight a chance to land, so its offsets commit. */
        rd_kafka_flush(sk->producer, (int)task->offset_flush_timeout_ms);
        source_serve(task, 0);
        if (source_commit(task, errstr, sizeof errstr))
            log_error(task->name, SOURCE_LOGGER, "%s", errstr);
        size_t left = offset_tracker_pending(sk->tracker);
        if (left)
            log_warn(task->name, SOURCE_LOGGER,
                     "%zu records were not acknowledged before shutdown; they will be sent "
                     "again after a restart",
                     left);
        /* Undelivered messages are purged so their delivery reports (which
         * free envelopes) run before the tracker goes away. */
        rd_kafka_purge(sk->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(sk->producer, 0);
        if (!local_idle || !source_local_destroy(sk->local, 0))
            log_error(task->name, SOURCE_LOGGER,
                      "The embedded broker did not answer %d appends in time; their records "
                      "will be sent again after a restart",
                      source_local_in_flight(sk->local));
        if (sk->rkt)
            rd_kafka_topic_destroy(sk->rkt);
        rd_kafka_destroy(sk->producer);
    }
    (void)failed;
    topic_creation_destroy(sk->topics);
    offset_tracker_destroy(sk->tracker);
    records_destroy(sk->batch);
    sluice_buf_destroy(sk->key_buf);
    sluice_buf_destroy(sk->value_buf);
    sluice_buf_destroy(sk->header_buf);
    free(sk->fatal);
    free(sk->last_topic);
    sluice_strmap_destroy(sk->primed);
    sluice_value_destroy(sk->valid_partition);
    pthread_mutex_lock(&task->lock);
    task->kind = NULL;
    pthread_mutex_unlock(&task->lock);
    free(sk);
}

const task_kind_ops_t source_task_ops = {
    .hooks = &source_hooks,
    .init = source_init,
    .run = source_run,
    .wakeup = source_wakeup,
    .fini = source_fini,
};
