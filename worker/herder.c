/*
 * The herder: connectors, their instances and their tasks. See herder.h.
 *
 * Locks: herder->lock serialises every operation (and the herder thread's
 * reconfigurations). A connector's own state and trace sit behind
 * conn->lock, because a connector may raise an error from any thread,
 * including from inside a callback the herder is running under its lock.
 * Reconfiguration requests are flags, picked up by the herder thread.
 */
#include "herder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "log.h"
#include "mem.h"
#include "plugin_registry.h"
#include "task.h"
#include "task_configs.h"

#define HERDER_LOGGER "Herder"

typedef struct herder_conn {
    herder_t *herder;
    char *name;
    connector_config_t *cc;
    herder_target_t target;

    /* The running instance (NULL self when not started). */
    sluice_ctx_t *ctx;
    void *self;

    sluice_task_configs_t *configs; /* the task configs the tasks run with */
    task_t **tasks;
    size_t task_count;

    atomic_bool reconfigure; /* the connector asked for new task configs */

    pthread_mutex_t lock; /* guards state and trace */
    worker_state_t state;
    char *trace;
} herder_conn_t;

struct herder {
    const worker_config_t *wc;
    const plugin_registry_t *registry;
    offset_store_t *offsets;
    char *worker_id;
    int64_t task_timeout_ms;

    pthread_mutex_t lock;
    herder_conn_t **conns;
    size_t count, cap;

    /* The herder thread: woken for reconfigurations and for shutdown. */
    pthread_t thread;
    pthread_mutex_t wake_lock;
    pthread_cond_t wake;
    bool wake_flag;
    bool stopping;
};

/* ---- connector state ---------------------------------------------------------- */

static void conn_set_state(herder_conn_t *conn, worker_state_t state, const char *trace)
{
    pthread_mutex_lock(&conn->lock);
    conn->state = state;
    free(conn->trace);
    conn->trace = trace ? mem_strdup(trace) : NULL;
    pthread_mutex_unlock(&conn->lock);
    if (state == WORKER_STATE_FAILED)
        log_error(conn->name, HERDER_LOGGER, "Connector failed: %s", trace ? trace : "");
    else
        log_info(conn->name, HERDER_LOGGER, "Connector is %s", worker_state_name(state));
}

static void herder_wake(herder_t *herder)
{
    pthread_mutex_lock(&herder->wake_lock);
    herder->wake_flag = true;
    pthread_cond_signal(&herder->wake);
    pthread_mutex_unlock(&herder->wake_lock);
}

static void conn_request_reconfiguration(void *owner)
{
    herder_conn_t *conn = owner;
    atomic_store(&conn->reconfigure, true);
    herder_wake(conn->herder);
}

static void conn_raise_error(void *owner, const char *message)
{
    herder_conn_t *conn = owner;
    char trace[2048];
    snprintf(trace, sizeof trace, "org.apache.kafka.connect.errors.ConnectException: %s",
             message ? message : "");
    conn_set_state(conn, WORKER_STATE_FAILED, trace);
}

static const ctx_hooks_t conn_hooks = {
    .request_reconfiguration = conn_request_reconfiguration,
    .raise_error = conn_raise_error,
};

/* ---- tasks ------------------------------------------------------------------------ */

static task_t *conn_new_task(herder_conn_t *conn, int32_t id)
{
    task_env_t env = {
        .wc = conn->herder->wc,
        .registry = conn->herder->registry,
        .offsets = conn->herder->offsets,
        .cc = conn->cc,
        .props = task_configs_at(conn->configs, (size_t)id),
        .id = id,
        .worker_id = conn->herder->worker_id,
    };
    return task_new(&env);
}

static void conn_start_tasks(herder_conn_t *conn)
{
    size_t n = task_configs_count(conn->configs);
    conn->tasks = n ? mem_calloc(n, sizeof *conn->tasks) : NULL;
    conn->task_count = n;
    for (size_t i = 0; i < n; i++) {
        conn->tasks[i] = conn_new_task(conn, (int32_t)i);
        task_start(conn->tasks[i], conn->target == HERDER_TARGET_PAUSED);
    }
}

static void conn_stop_tasks(herder_conn_t *conn)
{
    for (size_t i = 0; i < conn->task_count; i++)
        task_request_stop(conn->tasks[i]);
    for (size_t i = 0; i < conn->task_count; i++) {
        task_join(conn->tasks[i], conn->herder->task_timeout_ms);
        task_destroy(conn->tasks[i]);
    }
    free(conn->tasks);
    conn->tasks = NULL;
    conn->task_count = 0;
}

static bool strmap_equal(const sluice_strmap_t *a, const sluice_strmap_t *b)
{
    if (sluice_strmap_count(a) != sluice_strmap_count(b))
        return false;
    for (size_t i = 0; i < sluice_strmap_count(a); i++) {
        const char *v = sluice_strmap_get(b, sluice_strmap_key_at(a, i));
        if (!v || strcmp(v, sluice_strmap_value_at(a, i)))
            return false;
    }
    return true;
}

static bool task_configs_equal(const sluice_task_configs_t *a, const sluice_task_configs_t *b)
{
    if (!a || !b)
        return a == b;
    if (task_configs_count(a) != task_configs_count(b))
        return false;
    for (size_t i = 0; i < task_configs_count(a); i++)
        if (!strmap_equal(task_configs_at(a, i), task_configs_at(b, i)))
            return false;
    return true;
}

/*
 * Asks the running instance for its task configs. Returns the new list, or
 * NULL when the connector failed (its state says why).
 */
static sluice_task_configs_t *conn_compute_task_configs(herder_conn_t *conn)
{
    const sluice_config_t *values = connector_config_values(conn->cc);
    int max = sluice_config_get_int(values, "tasks.max");
    sluice_task_configs_t *configs = task_configs_new();
    char why[2048] = "";
    const sluice_class_t *cls = connector_config_class(conn->cc);
    sluice_result_t r = cls->connector->task_configs(conn->self, max, configs, why, sizeof why);
    char trace[4096];
    if (r != SLUICE_OK) {
        snprintf(trace, sizeof trace,
                 "org.apache.kafka.connect.errors.ConnectException: %s failed to generate task "
                 "configurations: %s",
                 cls->name, why[0] ? why : "no reason given");
    } else if ((int)task_configs_count(configs) > max &&
               sluice_config_get_bool(values, "tasks.max.enforce")) {
        snprintf(trace, sizeof trace,
                 "org.apache.kafka.connect.errors.ConnectException: %s generated %zu task "
                 "configurations, more than tasks.max=%d",
                 cls->name, task_configs_count(configs), max);
        r = SLUICE_FATAL;
    }
    if (r != SLUICE_OK) {
        task_configs_destroy(configs);
        conn_set_state(conn, WORKER_STATE_FAILED, trace);
        return NULL;
    }
    /* Kafka adds the task class to each task config. */
    for (size_t i = 0; i < task_configs_count(configs); i++)
        if (!sluice_strmap_get(task_configs_at(configs, i), "task.class"))
            sluice_strmap_set(task_configs_at(configs, i), "task.class", cls->name);
    return configs;
}

/* ---- the connector instance ------------------------------------------------------- */

static void conn_stop_instance(herder_conn_t *conn)
{
    if (conn->self)
        connector_config_class(conn->cc)->connector->destroy(conn->self);
    conn->self = NULL;
    ctx_destroy(conn->ctx);
    conn->ctx = NULL;
}

/* Starts the instance; returns false (state FAILED) when it cannot. */
static bool conn_start_instance(herder_conn_t *conn)
{
    const sluice_class_t *cls = connector_config_class(conn->cc);
    conn->ctx = ctx_new(conn->name, plugin_registry_simple_name(cls->name));
    ctx_set_hooks(conn->ctx, &conn_hooks, conn);
    char why[2048] = "";
    void *self = NULL;
    if (cls->connector->start(conn->ctx, connector_config_plugin_values(conn->cc), &self, why,
                              sizeof why) != SLUICE_OK) {
        char trace[4096];
        snprintf(trace, sizeof trace,
                 "org.apache.kafka.connect.errors.ConnectException: Failed to start connector "
                 "%s (%s): %s",
                 conn->name, cls->name, why[0] ? why : "no reason given");
        ctx_destroy(conn->ctx);
        conn->ctx = NULL;
        conn_set_state(conn, WORKER_STATE_FAILED, trace);
        return false;
    }
    conn->self = self;
    return true;
}

/* Brings the connector to its target: instance and tasks for STARTED and
 * PAUSED, nothing for STOPPED. Herder lock held. */
static void conn_start(herder_conn_t *conn)
{
    if (conn->target == HERDER_TARGET_STOPPED) {
        conn_set_state(conn, WORKER_STATE_STOPPED, NULL);
        return;
    }
    if (!conn_start_instance(conn))
        return;
    atomic_store(&conn->reconfigure, false);
    sluice_task_configs_t *configs = conn_compute_task_configs(conn);
    if (!configs)
        return;
    task_configs_destroy(conn->configs);
    conn->configs = configs;
    conn_set_state(
        conn, conn->target == HERDER_TARGET_PAUSED ? WORKER_STATE_PAUSED : WORKER_STATE_RUNNING,
        NULL);
    conn_start_tasks(conn);
}

/* Stops tasks and instance. Herder lock held. */
static void conn_stop(herder_conn_t *conn)
{
    conn_stop_tasks(conn);
    conn_stop_instance(conn);
}

static void conn_free(herder_conn_t *conn)
{
    conn_stop(conn);
    task_configs_destroy(conn->configs);
    connector_config_destroy(conn->cc);
    pthread_mutex_destroy(&conn->lock);
    free(conn->trace);
    free(conn->name);
    free(conn);
}

/* Recomputes the task configs after a reconfiguration request and restarts
 * the tasks when they changed. Herder lock held. */
static void conn_reconfigure(herder_conn_t *conn)
{
    if (!conn->self)
        return;
    sluice_task_configs_t *configs = conn_compute_task_configs(conn);
    if (!configs)
        return;
    if (task_configs_equal(configs, conn->configs)) {
        task_configs_destroy(configs);
        return;
    }
    log_info(conn->name, HERDER_LOGGER, "Task configurations changed; restarting %zu task(s)",
             task_configs_count(configs));
    conn_stop_tasks(conn);
    task_configs_destroy(conn->configs);
    conn->configs = configs;
    conn_start_tasks(conn);
}

/* ---- the herder thread ---------------------------------------------------------- */

static void *herder_main(void *arg)
{
    herder_t *herder = arg;
    for (;;) {
        pthread_mutex_lock(&herder->wake_lock);
        while (!herder->wake_flag && !herder->stopping)
            pthread_cond_wait(&herder->wake, &herder->wake_lock);
        herder->wake_flag = false;
        bool stop = herder->stopping;
        pthread_mutex_unlock(&herder->wake_lock);
        if (stop)
            break;
        pthread_mutex_lock(&herder->lock);
        for (size_t i = 0; i < herder->count; i++)
            if (atomic_exchange(&herder->conns[i]->reconfigure, false))
                conn_reconfigure(herder->conns[i]);
        pthread_mutex_unlock(&herder->lock);
    }
    return NULL;
}

/* ---- the API ------------------------------------------------------------------------ */

herder_t *herder_new(const worker_config_t *wc, const plugin_registry_t *registry,
                     offset_store_t *offsets, const char *worker_id)
{
    herder_t *herder = mem_calloc(1, sizeof *herder);
    herder->wc = wc;
    herder->registry = registry;
    herder->offsets = offsets;
    herder->worker_id = mem_strdup(worker_id ? worker_id : "");
    herder->task_timeout_ms =
        sluice_config_get_long(worker_config_values(wc), "task.shutdown.graceful.timeout.ms");
    pthread_mutex_init(&herder->lock, NULL);
    pthread_mutex_init(&herder->wake_lock, NULL);
    pthread_cond_init(&herder->wake, NULL);
    if (pthread_create(&herder->thread, NULL, herder_main, herder)) {
        log_error(NULL, HERDER_LOGGER, "Could not start the herder thread: %s", strerror(errno));
        abort();
    }
    return herder;
}

void herder_stop_all(herder_t *herder)
{
    pthread_mutex_lock(&herder->lock);
    /* Every task is asked first, so they wind down together. */
    for (size_t i = 0; i < herder->count; i++)
        for (size_t t = 0; t < herder->conns[i]->task_count; t++)
            task_request_stop(herder->conns[i]->tasks[t]);
    for (size_t i = 0; i < herder->count; i++) {
        conn_stop(herder->conns[i]);
        conn_set_state(herder->conns[i], WORKER_STATE_UNASSIGNED, NULL);
    }
    pthread_mutex_unlock(&herder->lock);
}

void herder_destroy(herder_t *herder)
{
    if (!herder)
        return;
    pthread_mutex_lock(&herder->wake_lock);
    herder->stopping = true;
    pthread_cond_signal(&herder->wake);
    pthread_mutex_unlock(&herder->wake_lock);
    pthread_join(herder->thread, NULL);
    herder_stop_all(herder);
    for (size_t i = 0; i < herder->count; i++)
        conn_free(herder->conns[i]);
    free(herder->conns);
    pthread_mutex_destroy(&herder->lock);
    pthread_mutex_destroy(&herder->wake_lock);
    pthread_cond_destroy(&herder->wake);
    free(herder->worker_id);
    free(herder);
}

static herder_conn_t *herder_find(herder_t *herder, const char *name, size_t *index)
{
    for (size_t i = 0; i < herder->count; i++)
        if (!strcmp(herder->conns[i]->name, name)) {
            if (index)
                *index = i;
            return herder->conns[i];
        }
    return NULL;
}

herder_err_t herder_put_connector(herder_t *herder, connector_config_t *cc, bool allow_replace,
                                  herder_target_t initial, bool *created, char *errstr,
                                  size_t errstr_size)
{
    const char *name = connector_config_name(cc);
    pthread_mutex_lock(&herder->lock);
    size_t index;
    herder_conn_t *old = herder_find(herder, name, &index);
    if (old && !allow_replace) {
        pthread_mutex_unlock(&herder->lock);
        snprintf(errstr, errstr_size, "Connector %s already exists", name);
        connector_config_destroy(cc);
        return HERDER_CONFLICT;
    }
    herder_conn_t *conn = mem_calloc(1, sizeof *conn);
    conn->herder = herder;
    conn->name = mem_strdup(name);
    conn->cc = cc;
    conn->target = initial;
    atomic_init(&conn->reconfigure, false);
    pthread_mutex_init(&conn->lock, NULL);
    conn->state = WORKER_STATE_UNASSIGNED;
    if (old) {
        /* An update keeps the connector's target state, as Kafka's does. */
        conn->target = old->target;
        log_info(name, HERDER_LOGGER, "Reconfiguring connector");
        conn_free(old);
        herder->conns[index] = conn;
    } else {
        mem_grow((void **)&herder->conns, &herder->cap, herder->count + 1, sizeof *herder->conns);
        herder->conns[herder->count++] = conn;
    }
    if (created)
        *created = !old;
    conn_start(conn);
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

herder_err_t herder_delete_connector(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    size_t index;
    herder_conn_t *conn = herder_find(herder, name, &index);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    memmove(&herder->conns[index], &herder->conns[index + 1],
            (herder->count - index - 1) * sizeof *herder->conns);
    herder->count--;
    conn_free(conn);
    log_info(name, HERDER_LOGGER, "Connector deleted");
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

herder_err_t herder_pause_connector(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    if (conn->target != HERDER_TARGET_PAUSED) {
        bool was_stopped = conn->target == HERDER_TARGET_STOPPED;
        conn->target = HERDER_TARGET_PAUSED;
        if (was_stopped) {
            conn_start(conn);
        } else {
            for (size_t i = 0; i < conn->task_count; i++)
                task_pause(conn->tasks[i]);
            if (conn->self)
                conn_set_state(conn, WORKER_STATE_PAUSED, NULL);
        }
    }
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

herder_err_t herder_resume_connector(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    if (conn->target != HERDER_TARGET_STARTED) {
        bool was_stopped = conn->target == HERDER_TARGET_STOPPED;
        conn->target = HERDER_TARGET_STARTED;
        if (was_stopped) {
            conn_start(conn);
        } else {
            for (size_t i = 0; i < conn->task_count; i++)
                task_resume(conn->tasks[i]);
            if (conn->self)
                conn_set_state(conn, WORKER_STATE_RUNNING, NULL);
        }
    }
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

herder_err_t herder_stop_connector(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    conn->target = HERDER_TARGET_STOPPED;
    conn_stop(conn);
    /* A stopped connector has no tasks (Kafka writes empty task configs). */
    task_configs_destroy(conn->configs);
    conn->configs = NULL;
    conn_set_state(conn, WORKER_STATE_STOPPED, NULL);
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

static void conn_restart_task(herder_conn_t *conn, size_t i)
{
    task_request_stop(conn->tasks[i]);
    task_join(conn->tasks[i], conn->herder->task_timeout_ms);
    task_destroy(conn->tasks[i]);
    conn->tasks[i] = conn_new_task(conn, (int32_t)i);
    task_start(conn->tasks[i], conn->target == HERDER_TARGET_PAUSED);
}

herder_err_t herder_restart_connector(herder_t *herder, const char *name, bool include_tasks,
                                      bool only_failed)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    pthread_mutex_lock(&conn->lock);
    bool conn_failed = conn->state == WORKER_STATE_FAILED;
    pthread_mutex_unlock(&conn->lock);
    if (conn->target == HERDER_TARGET_STOPPED) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_OK;
    }
    if (!only_failed || conn_failed) {
        conn_set_state(conn, WORKER_STATE_RESTARTING, NULL);
        if (include_tasks || !conn->self) {
            /* Everything again, from the connector's fresh task configs. */
            conn_stop(conn);
            conn_start(conn);
            pthread_mutex_unlock(&herder->lock);
            return HERDER_OK;
        }
        conn_stop_instance(conn);
        if (conn_start_instance(conn)) {
            conn_set_state(conn,
                           conn->target == HERDER_TARGET_PAUSED ? WORKER_STATE_PAUSED
                                                                : WORKER_STATE_RUNNING,
                           NULL);
            conn_reconfigure(conn);
        }
    }
    if (include_tasks) {
        for (size_t i = 0; i < conn->task_count; i++)
            if (!only_failed || task_status(conn->tasks[i], NULL) == WORKER_STATE_FAILED)
                conn_restart_task(conn, i);
    }
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

herder_err_t herder_restart_task(herder_t *herder, const char *name, int32_t task)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn || task < 0 || (size_t)task >= conn->task_count) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    conn_restart_task(conn, (size_t)task);
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t herder_connectors(herder_t *herder, char ***names)
{
    pthread_mutex_lock(&herder->lock);
    size_t n = herder->count;
    char **out = mem_calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = mem_strdup(herder->conns[i]->name);
    pthread_mutex_unlock(&herder->lock);
    qsort(out, n, sizeof *out, name_cmp);
    *names = out;
    return n;
}

herder_err_t herder_connector_status(herder_t *herder, const char *name, herder_status_t *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    out->name = mem_strdup(conn->name);
    out->type = sluice_class_kind_name(connector_config_kind(conn->cc));
    out->worker_id = mem_strdup(herder->worker_id);
    out->target = conn->target;
    pthread_mutex_lock(&conn->lock);
    out->state = conn->state;
    out->trace = mem_strdup(conn->trace);
    pthread_mutex_unlock(&conn->lock);
    out->task_count = conn->task_count;
    out->tasks = conn->task_count ? mem_calloc(conn->task_count, sizeof *out->tasks) : NULL;
    for (size_t i = 0; i < conn->task_count; i++) {
        out->tasks[i].id = (int32_t)i;
        out->tasks[i].state = task_status(conn->tasks[i], &out->tasks[i].trace);
    }
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

void herder_status_free(herder_status_t *status)
{
    if (!status)
        return;
    for (size_t i = 0; i < status->task_count; i++)
        free(status->tasks[i].trace);
    free(status->tasks);
    free(status->name);
    free(status->trace);
    free(status->worker_id);
    memset(status, 0, sizeof *status);
}

herder_err_t herder_connector_config(herder_t *herder, const char *name, sluice_strmap_t **out)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    *out = conn ? sluice_strmap_copy(connector_config_originals(conn->cc)) : NULL;
    pthread_mutex_unlock(&herder->lock);
    return conn ? HERDER_OK : HERDER_NOT_FOUND;
}

herder_err_t herder_task_configs(herder_t *herder, const char *name, sluice_strmap_t ***configs,
                                 size_t *count)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    size_t n = task_configs_count(conn->configs);
    sluice_strmap_t **out = mem_calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = sluice_strmap_copy(task_configs_at(conn->configs, i));
    pthread_mutex_unlock(&herder->lock);
    *configs = out;
    *count = n;
    return HERDER_OK;
}
