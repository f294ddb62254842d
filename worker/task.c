/*
 * The part of a connector task both kinds share: the thread, its states,
 * the plugin instance, converters, transform chain, error handler and dead
 * letter queue producer. See task.h.
 */
#include "task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "mem.h"
#include "plugin_registry.h"
#include "topic_creation.h"

#define TASK_LOGGER "WorkerTask"

/* How long a DLQ topic creation or a DLQ flush may take. */
#define TASK_DLQ_TIMEOUT_MS 10000

task_t *task_new(const task_env_t *env)
{
    task_t *task = mem_calloc(1, sizeof *task);
    task->wc = env->wc;
    task->registry = env->registry;
    task->offsets = env->offsets;
    task->cc = env->cc;
    task->connector = connector_config_name(env->cc);
    task->props = sluice_strmap_copy(env->props);
    task->id = env->id;
    task->worker_id = mem_strdup(env->worker_id ? env->worker_id : "");
    task->on_state = env->on_state;
    task->topic_used = env->topic_used;
    task->opaque = env->opaque;
    atomic_init(&task->topics_epoch, 0);
    task->cls = connector_config_class(env->cc);
    task->ops = connector_config_kind(env->cc) == SLUICE_CLASS_SOURCE_CONNECTOR ? &source_task_ops
                                                                                : &sink_task_ops;
    size_t len = strlen(task->connector) + 32;
    task->name = mem_alloc(len);
    snprintf(task->name, len, "%s|task-%d", task->connector, (int)task->id);
    atomic_init(&task->stopping, false);
    atomic_init(&task->target_paused, false);
    atomic_init(&task->n_records, 0);
    atomic_init(&task->n_written, 0);
    atomic_init(&task->n_commits, 0);
    pthread_mutex_init(&task->lock, NULL);
    pthread_cond_init(&task->cond, NULL);
    task->state = WORKER_STATE_UNASSIGNED;
    return task;
}

void task_destroy(task_t *task)
{
    if (!task)
        return;
    pthread_mutex_destroy(&task->lock);
    pthread_cond_destroy(&task->cond);
    sluice_strmap_destroy(task->props);
    sluice_strmap_destroy(task->topics_seen);
    free(task->worker_id);
    free(task->name);
    free(task->trace);
    free(task);
}

int32_t task_id(const task_t *task)
{
    return task->id;
}

worker_state_t task_status(task_t *task, char **trace)
{
    pthread_mutex_lock(&task->lock);
    worker_state_t state = task->state;
    if (trace)
        *trace = state == WORKER_STATE_FAILED ? mem_strdup(task->trace) : NULL;
    pthread_mutex_unlock(&task->lock);
    return state;
}

void task_counters(task_t *task, task_counters_t *out)
{
    out->records = atomic_load(&task->n_records);
    out->written = atomic_load(&task->n_written);
    out->offset_commits = atomic_load(&task->n_commits);
}

void task_reset_topics(task_t *task)
{
    atomic_fetch_add(&task->topics_epoch, 1);
}

void task_topic_used(task_t *task, const char *topic)
{
    if (!task->topic_used || !topic)
        return;
    unsigned epoch = task_topics_epoch(task);
    if (!task->topics_seen || epoch != task->topics_seen_epoch) {
        sluice_strmap_destroy(task->topics_seen);
        task->topics_seen = sluice_strmap_new();
        task->topics_seen_epoch = epoch;
    }
    if (sluice_strmap_get(task->topics_seen, topic))
        return;
    sluice_strmap_set(task->topics_seen, topic, "");
    task->topic_used(task->opaque, task, topic);
}

static void task_set_state_trace(task_t *task, worker_state_t state, const char *trace)
{
    pthread_mutex_lock(&task->lock);
    bool changed = task->state != state;
    task->state = state;
    if (trace) {
        free(task->trace);
        task->trace = mem_strdup(trace);
    }
    pthread_mutex_unlock(&task->lock);
    if (!changed)
        return;
    if (state == WORKER_STATE_FAILED)
        log_error(task->name, TASK_LOGGER, "Task failed: %s", trace ? trace : "");
    else
        log_info(task->name, TASK_LOGGER, "Task is %s", worker_state_name(state));
    if (task->on_state)
        task->on_state(task->opaque, task, state);
}

void task_set_state(task_t *task, worker_state_t state)
{
    task_set_state_trace(task, state, NULL);
}

static void task_wakeup(task_t *task)
{
    pthread_mutex_lock(&task->lock);
    pthread_cond_broadcast(&task->cond);
    pthread_mutex_unlock(&task->lock);
    if (task->ops->wakeup)
        task->ops->wakeup(task);
}

void task_pause(task_t *task)
{
    atomic_store(&task->target_paused, true);
    task_wakeup(task);
}

void task_resume(task_t *task)
{
    atomic_store(&task->target_paused, false);
    task_wakeup(task);
}

void task_request_stop(task_t *task)
{
    if (atomic_exchange(&task->stopping, true))
        return;
    /* self is published and cleared under the lock, so the plugin's stop
     * never sees a task that is being destroyed. */
    pthread_mutex_lock(&task->lock);
    if (task->self) {
        if (task->cls->source_task && task->cls->source_task->stop)
            task->cls->source_task->stop(task->self);
        else if (task->cls->sink_task && task->cls->sink_task->stop)
            task->cls->sink_task->stop(task->self);
    }
    if (task->errors)
        error_handler_stop(task->errors);
    pthread_cond_broadcast(&task->cond);
    pthread_mutex_unlock(&task->lock);
    if (task->ops->wakeup)
        task->ops->wakeup(task);
}

bool task_wait_while_paused(task_t *task)
{
    if (!task_target_paused(task))
        return !task_stopping(task);
    task_set_state(task, WORKER_STATE_PAUSED);
    pthread_mutex_lock(&task->lock);
    while (task_target_paused(task) && !task_stopping(task))
        pthread_cond_wait(&task->cond, &task->lock);
    pthread_mutex_unlock(&task->lock);
    if (task_stopping(task))
        return false;
    task_set_state(task, WORKER_STATE_RUNNING);
    return true;
}

void task_sleep(task_t *task, int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec deadline = clock_deadline_ms(ms);
    bool paused = task_target_paused(task);
    pthread_mutex_lock(&task->lock);
    while (!task_stopping(task) && task_target_paused(task) == paused) {
        if (pthread_cond_timedwait(&task->cond, &task->lock, &deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&task->lock);
}

/* ---- Kafka clients ------------------------------------------------------- */

rd_kafka_conf_t *task_client_conf(task_t *task, client_kind_t kind, const char *const *defaults,
                                  const char *const *forced, char *errstr, size_t errstr_size)
{
    const sluice_strmap_t *cprops = connector_config_props(task->cc);
    rd_kafka_conf_t *conf =
        client_config_build(task->wc, cprops, kind, forced, task->name, errstr, errstr_size);
    if (!conf || !defaults)
        return conf;
    /* A default applies where the user set nothing: neither the worker's
     * "<kind>." keys nor the connector's "<kind>.override." ones. */
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.override.", client_kind_name(kind));
    sluice_strmap_t *worker = worker_config_client_props(task->wc, client_kind_name(kind));
    sluice_strmap_t *over = sluice_strmap_subset(cprops, prefix, true);
    for (size_t i = 0; defaults[i] && defaults[i + 1]; i += 2) {
        if (sluice_strmap_get(worker, defaults[i]) || sluice_strmap_get(over, defaults[i]))
            continue;
        char why[256];
        if (rd_kafka_conf_set(conf, defaults[i], defaults[i + 1], why, sizeof why) !=
            RD_KAFKA_CONF_OK)
            log_warn(task->name, TASK_LOGGER, "Ignoring the default %s=%s: %s", defaults[i],
                     defaults[i + 1], why);
    }
    sluice_strmap_destroy(worker);
    sluice_strmap_destroy(over);
    return conf;
}

/* ---- converters ------------------------------------------------------------ */

/*
 * A converter as Kafka's Plugins.newConverter picks it: the connector's own
 * <which> class and settings when the connector names one, else the
 * worker's.
 */
static int task_converter_init(task_t *task, task_converter_t *conv, const char *which,
                               sluice_class_kind_t kind, bool is_key, char *errstr,
                               size_t errstr_size)
{
    const sluice_strmap_t *cprops = connector_config_props(task->cc);
    const char *class_name = sluice_strmap_get(cprops, which);
    sluice_strmap_t *props;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.", which);
    if (class_name && *class_name) {
        props = sluice_strmap_subset(cprops, prefix, true);
    } else {
        class_name = sluice_config_get_string(worker_config_values(task->wc), which);
        props = worker_config_converter_props(task->wc, which);
    }
    sluice_strmap_set(props, "converter.type",
                      kind == SLUICE_CLASS_HEADER_CONVERTER ? "header"
                                                            : (is_key ? "key" : "value"));
    conv->cls = plugin_registry_find(task->registry, kind, class_name);
    if (!conv->cls) {
        snprintf(errstr, errstr_size, "%s: class %s could not be found", which,
                 class_name ? class_name : "(none)");
        sluice_strmap_destroy(props);
        return -1;
    }
    char why[1024];
    conv->config = sluice_config_new(conv->cls->config, props, why, sizeof why);
    sluice_strmap_destroy(props);
    if (!conv->config) {
        snprintf(errstr, errstr_size, "%s %s: %s", which, conv->cls->name, why);
        return -1;
    }
    conv->ctx = ctx_new(task->name, plugin_registry_simple_name(conv->cls->name));
    sluice_result_t r;
    if (kind == SLUICE_CLASS_HEADER_CONVERTER)
        r = conv->cls->header_converter->create(conv->ctx, conv->config, &conv->self, why,
                                                sizeof why);
    else
        r = conv->cls->converter->create(conv->ctx, conv->config, is_key, &conv->self, why,
                                         sizeof why);
    if (r != SLUICE_OK) {
        conv->self = NULL;
        snprintf(errstr, errstr_size, "%s %s failed to start: %s", which, conv->cls->name, why);
        return -1;
    }
    return 0;
}

static void task_converter_fini(task_converter_t *conv)
{
    if (conv->self) {
        if (conv->cls->header_converter)
            conv->cls->header_converter->destroy(conv->self);
        else
            conv->cls->converter->destroy(conv->self);
    }
    ctx_destroy(conv->ctx);
    sluice_config_destroy(conv->config);
    memset(conv, 0, sizeof *conv);
}

sluice_result_t task_from_connect(void *arg, char *errstr, size_t errstr_size)
{
    task_convert_arg_t *a = arg;
    sluice_buf_reset(a->out);
    return a->converter->cls->converter->from_connect(
        a->converter->self, a->topic, a->headers, a->schema, a->value, a->out, errstr, errstr_size);
}

sluice_result_t task_to_connect(void *arg, char *errstr, size_t errstr_size)
{
    task_convert_arg_t *a = arg;
    a->schema_out = NULL;
    a->value_out = NULL;
    return a->converter->cls->converter->to_connect(a->converter->self, a->topic, a->headers,
                                                    a->data, a->len, &a->schema_out, &a->value_out,
                                                    errstr, errstr_size);
}

typedef struct task_stage_arg {
    transform_chain_t *chain;
    size_t stage;
    sluice_record_t *record;
} task_stage_arg_t;

static sluice_result_t task_stage_op(void *arg, char *errstr, size_t errstr_size)
{
    task_stage_arg_t *a = arg;
    return transform_chain_apply_stage(a->chain, a->stage, a->record, errstr, errstr_size);
}

error_handler_outcome_t task_transform(task_t *task, sluice_record_t *record,
                                       const error_handler_record_t *consumed, char *errstr,
                                       size_t errstr_size)
{
    size_t n = transform_chain_count(task->chain);
    task_stage_arg_t arg = {.chain = task->chain, .record = record};
    for (size_t i = 0; i < n; i++) {
        arg.stage = i;
        error_handler_outcome_t out =
            error_handler_execute(task->errors, ERROR_HANDLER_STAGE_TRANSFORMATION,
                                  transform_chain_class_at(task->chain, i), task_stage_op, &arg,
                                  consumed, errstr, errstr_size);
        if (out != ERROR_HANDLER_OK)
            return out;
    }
    return ERROR_HANDLER_OK;
}

/* ---- the dead letter queue ---------------------------------------------------- */

static void task_dlq_delivered(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    (void)rk;
    task_t *task = opaque;
    if (msg->err) {
        log_error(task->name, TASK_LOGGER,
                  "Could not write a record to the dead letter queue %s: %s",
                  task->errors_config.dlq_topic, rd_kafka_err2str(msg->err));
        error_handler_dlq_failed(task->errors);
    }
}

/* Creates the DLQ topic (1 partition, errors.deadletterqueue.topic.replication.factor),
 * as Kafka's DeadLetterQueueReporter does; a replication factor the cluster
 * cannot give (3 on a single broker) falls back to the broker's default. */
static void task_dlq_create_topic(task_t *task)
{
    const char *topic = task->errors_config.dlq_topic;
    int rf = sluice_config_get_int(connector_config_values(task->cc),
                                   "errors.deadletterqueue.topic.replication.factor");
    char why[512];
    rd_kafka_resp_err_t err = topic_creation_create(task->dlq_producer, topic, 1, rf, NULL,
                                                    TASK_DLQ_TIMEOUT_MS, why, sizeof why);
    if (err == RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR) {
        log_warn(task->name, TASK_LOGGER,
                 "Dead letter queue topic %s: replication factor %d is more than the cluster "
                 "has; using the broker's default",
                 topic, rf);
        err = topic_creation_create(task->dlq_producer, topic, 1, -1, NULL, TASK_DLQ_TIMEOUT_MS,
                                    why, sizeof why);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
        log_info(task->name, TASK_LOGGER, "Created dead letter queue topic %s", topic);
    else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        log_warn(task->name, TASK_LOGGER, "Could not create dead letter queue topic %s: %s", topic,
                 why);
}

static bool task_dlq_send(void *opaque, const error_handler_dlq_record_t *rec, char *errstr,
                          size_t errstr_size)
{
    task_t *task = opaque;
    if (!task->dlq_producer) {
        char client_id[512];
        snprintf(client_id, sizeof client_id, "connector-dlq-producer-%s-%d", task->connector,
                 (int)task->id);
        const char *forced[] = {"client.id", client_id, NULL};
        const char *defaults[] = {"acks", "all", NULL};
        rd_kafka_conf_t *conf =
            task_client_conf(task, CLIENT_PRODUCER, defaults, forced, errstr, errstr_size);
        if (!conf)
            return false;
        rd_kafka_conf_set_dr_msg_cb(conf, task_dlq_delivered);
        rd_kafka_conf_set_opaque(conf, task);
        task->dlq_producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr_size);
        if (!task->dlq_producer) {
            rd_kafka_conf_destroy(conf);
            return false;
        }
    }
    if (!task->dlq_topic_ready) {
        task_dlq_create_topic(task);
        task->dlq_topic_ready = true;
    }
    rd_kafka_headers_t *hdrs = rd_kafka_headers_new(rec->header_count);
    for (size_t i = 0; i < rec->header_count; i++)
        rd_kafka_header_add(hdrs, rec->headers[i].key, -1, rec->headers[i].value,
                            rec->headers[i].value ? (ssize_t)rec->headers[i].value_len : 0);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        task->dlq_producer, RD_KAFKA_V_TOPIC(rec->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY((void *)rec->key, rec->key_len),
        RD_KAFKA_V_VALUE((void *)rec->value, rec->value_len),
        RD_KAFKA_V_TIMESTAMP(rec->timestamp < 0 ? 0 : rec->timestamp), RD_KAFKA_V_HEADERS(hdrs),
        RD_KAFKA_V_END);
    if (err) {
        rd_kafka_headers_destroy(hdrs);
        snprintf(errstr, errstr_size, "%s", rd_kafka_err2str(err));
        return false;
    }
    rd_kafka_poll(task->dlq_producer, 0);
    return true;
}

/* ---- the thread ---------------------------------------------------------------- */

static sluice_result_t task_plugin_start(task_t *task, char *errstr, size_t errstr_size)
{
    void *self = NULL;
    sluice_result_t r =
        task->cls->source_task
            ? task->cls->source_task->start(task->ctx, task->config, &self, errstr, errstr_size)
            : task->cls->sink_task->start(task->ctx, task->config, &self, errstr, errstr_size);
    if (r != SLUICE_OK)
        return r;
    pthread_mutex_lock(&task->lock);
    task->self = self;
    bool stop_now = task_stopping(task);
    pthread_mutex_unlock(&task->lock);
    /* A stop that came while start ran found no instance to tell. */
    if (stop_now) {
        if (task->cls->source_task && task->cls->source_task->stop)
            task->cls->source_task->stop(self);
        else if (task->cls->sink_task && task->cls->sink_task->stop)
            task->cls->sink_task->stop(self);
    }
    return SLUICE_OK;
}

static void task_plugin_destroy(task_t *task)
{
    pthread_mutex_lock(&task->lock);
    void *self = task->self;
    task->self = NULL;
    pthread_mutex_unlock(&task->lock);
    if (!self)
        return;
    if (task->cls->source_task)
        task->cls->source_task->destroy(self);
    else
        task->cls->sink_task->destroy(self);
}

/* Builds everything the loop needs; returns 0 or -1 with errstr. */
static int task_setup(task_t *task, char *errstr, size_t errstr_size)
{
    const sluice_config_t *wv = worker_config_values(task->wc);
    task->offset_flush_interval_ms = sluice_config_get_long(wv, "offset.flush.interval.ms");
    task->offset_flush_timeout_ms = sluice_config_get_long(wv, "offset.flush.timeout.ms");

    char why[2048];
    const sluice_config_key_t *keys =
        task->cls->task_config ? task->cls->task_config : task->cls->config;
    task->config = sluice_config_new(keys, task->props, why, sizeof why);
    if (!task->config) {
        snprintf(errstr, errstr_size, "Invalid task configuration for %s: %s", task->cls->name,
                 why);
        return -1;
    }
    if (task_converter_init(task, &task->key_converter, "key.converter", SLUICE_CLASS_CONVERTER,
                            true, errstr, errstr_size) ||
        task_converter_init(task, &task->value_converter, "value.converter", SLUICE_CLASS_CONVERTER,
                            false, errstr, errstr_size) ||
        task_converter_init(task, &task->header_converter, "header.converter",
                            SLUICE_CLASS_HEADER_CONVERTER, false, errstr, errstr_size))
        return -1;
    task->chain = transform_chain_new(task->registry, connector_config_props(task->cc), task->name,
                                      why, sizeof why);
    if (!task->chain) {
        snprintf(errstr, errstr_size, "%s", why);
        return -1;
    }
    if (!error_handler_config_parse(&task->errors_config, connector_config_props(task->cc), why,
                                    sizeof why)) {
        snprintf(errstr, errstr_size, "%s", why);
        return -1;
    }
    error_handler_hooks_t hooks = {.dlq = task_dlq_send, .dlq_opaque = task};
    error_handler_t *errors =
        error_handler_new(&task->errors_config, task->connector, task->id, &hooks);
    pthread_mutex_lock(&task->lock);
    task->errors = errors;
    if (task_stopping(task))
        error_handler_stop(errors);
    pthread_mutex_unlock(&task->lock);

    task->ctx = ctx_new(task->name, plugin_registry_simple_name(task->cls->name));
    ctx_set_hooks(task->ctx, task->ops->hooks, task);
    return 0;
}

static void task_teardown(task_t *task)
{
    if (task->dlq_producer) {
        rd_kafka_flush(task->dlq_producer, TASK_DLQ_TIMEOUT_MS);
        rd_kafka_destroy(task->dlq_producer);
        task->dlq_producer = NULL;
    }
    transform_chain_destroy(task->chain);
    task->chain = NULL;
    task_converter_fini(&task->key_converter);
    task_converter_fini(&task->value_converter);
    task_converter_fini(&task->header_converter);
    pthread_mutex_lock(&task->lock);
    error_handler_t *errors = task->errors;
    task->errors = NULL;
    pthread_mutex_unlock(&task->lock);
    error_handler_destroy(errors);
    sluice_config_destroy(task->config);
    task->config = NULL;
    ctx_destroy(task->ctx);
    task->ctx = NULL;
}

static void *task_main(void *arg)
{
    task_t *task = arg;
    char errstr[8192] = "";
    bool failed = false, inited = false;
    char why[4096] = "";

    if (task_setup(task, why, sizeof why)) {
        snprintf(errstr, sizeof errstr,
                 "org.apache.kafka.connect.errors.ConnectException: Task %s could not be set up: "
                 "%s",
                 task->name, why);
        failed = true;
    } else if (task->ops->init(task, why, sizeof why)) {
        snprintf(errstr, sizeof errstr,
                 "org.apache.kafka.connect.errors.ConnectException: Task %s could not be set up: "
                 "%s",
                 task->name, why);
        failed = true;
    } else {
        inited = true;
        if (task_plugin_start(task, why, sizeof why) != SLUICE_OK) {
            snprintf(errstr, sizeof errstr,
                     "org.apache.kafka.connect.errors.ConnectException: Task %s of %s failed to "
                     "start: %s",
                     task->name, task->cls->name, why);
            failed = true;
        } else {
            log_info(task->name, TASK_LOGGER, "%s started", task->cls->name);
            if (task->ops->started && task->ops->started(task, why, sizeof why)) {
                snprintf(errstr, sizeof errstr,
                         "org.apache.kafka.connect.errors.ConnectException: %s", why);
                failed = true;
            } else {
                if (!task_target_paused(task))
                    task_set_state(task, WORKER_STATE_RUNNING);
                if (task->ops->run(task, errstr, sizeof errstr))
                    failed = true;
            }
        }
    }
    if (inited)
        task->ops->fini(task, failed);
    task_plugin_destroy(task);
    task_teardown(task);
    if (failed)
        task_set_state_trace(task, WORKER_STATE_FAILED, errstr);
    else
        task_set_state(task, WORKER_STATE_UNASSIGNED);
    log_info(task->name, TASK_LOGGER, "Task stopped");
    return NULL;
}

void task_name_thread(const task_t *task, pthread_t thread, const char *role)
{
    /* Linux keeps 15 bytes: the connector's name is cut, the task number kept. */
    char id[16], name[32];
    int id_len = snprintf(id, sizeof id, "-%d", (int)task->id);
    int room = 15 - (int)strlen(role) - 1 - id_len;
    snprintf(name, sizeof name, "%.4s:%.*s%s", role, room > 0 ? room : 0, task->connector, id);
    name[15] = '\0';
    pthread_setname_np(thread, name);
}

int task_start(task_t *task, bool initial_paused)
{
    atomic_store(&task->target_paused, initial_paused);
    int rc = pthread_create(&task->thread, NULL, task_main, task);
    if (rc == 0)
        task_name_thread(task, task->thread, "task");
    if (rc) {
        char trace[256];
        snprintf(trace, sizeof trace, "Could not start the task's thread: %s", strerror(rc));
        task_set_state_trace(task, WORKER_STATE_FAILED, trace);
        return -1;
    }
    task->thread_started = true;
    return 0;
}

void task_join(task_t *task, int64_t timeout_ms)
{
    if (!task->thread_started)
        return;
    struct timespec deadline = clock_deadline_ms(timeout_ms);
    if (pthread_timedjoin_np(task->thread, NULL, &deadline) == ETIMEDOUT) {
        log_warn(task->name, TASK_LOGGER,
                 "Task did not stop within %lld ms (task.shutdown.graceful.timeout.ms); still "
                 "waiting for it",
                 (long long)timeout_ms);
        pthread_join(task->thread, NULL);
    }
    task->thread_started = false;
}
