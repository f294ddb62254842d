/*
 * The herder: connectors, their instances and their tasks. See herder.h.
 *
 * Locks: herder->lock serialises every operation (and the herder thread's
 * reconfigurations). A connector's own state and trace sit behind
 * conn->lock, because a connector may raise an error from any thread,
 * including from inside a callback the herder is running under its lock.
 * Reconfiguration requests are flags, picked up by the herder thread.
 * conn->lock also guards the connector's active topics, which its tasks
 * report from their own threads while the herder may hold its lock to
 * join them. conn->lock is always the innermost lock.
 *
 * Persistence: once herder_load_persisted opened the connector store, every
 * change to a REST-origin connector is written there before it is applied,
 * so a failed write leaves both the file and the connector as they were.
 */
#include "herder.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_config.h"
#include "connector_offsets.h"
#include "connector_store.h"
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
    herder_origin_t origin;

    /* The running instance (NULL self when not started). */
    sluice_ctx_t *ctx;
    void *self;

    sluice_task_configs_t *configs; /* the task configs the tasks run with */
    task_t **tasks;
    size_t task_count;

    atomic_bool reconfigure; /* the connector asked for new task configs */

    pthread_mutex_t lock; /* guards state, trace and topics */
    worker_state_t state;
    char *trace;
    char **topics; /* the active topics, sorted (KIP-558) */
    size_t topic_count, topic_cap;
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
    connector_store_t *store; /* set by herder_load_persisted (NULL: nothing persisted) */

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

/* ---- active topics ------------------------------------------------------------ */

/* Where topic is, or goes, in the sorted topics. conn->lock held. */
static size_t conn_topic_index(const herder_conn_t *conn, const char *topic, bool *found)
{
    size_t lo = 0, hi = conn->topic_count;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(conn->topics[mid], topic);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* task_env_t.topic_used, from a task thread (once per topic and reset). */
static void conn_topic_used(void *opaque, task_t *task, const char *topic)
{
    (void)task;
    herder_conn_t *conn = opaque;
    pthread_mutex_lock(&conn->lock);
    bool found;
    size_t at = conn_topic_index(conn, topic, &found);
    if (!found) {
        mem_grow((void **)&conn->topics, &conn->topic_cap, conn->topic_count + 1,
                 sizeof *conn->topics);
        memmove(&conn->topics[at + 1], &conn->topics[at],
                (conn->topic_count - at) * sizeof *conn->topics);
        conn->topics[at] = mem_strdup(topic);
        conn->topic_count++;
    }
    pthread_mutex_unlock(&conn->lock);
    if (!found)
        log_debug(conn->name, HERDER_LOGGER, "Topic %s is active", topic);
}

static void conn_clear_topics(herder_conn_t *conn)
{
    pthread_mutex_lock(&conn->lock);
    for (size_t i = 0; i < conn->topic_count; i++)
        free(conn->topics[i]);
    conn->topic_count = 0;
    pthread_mutex_unlock(&conn->lock);
}

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
        .topic_used = conn_topic_used,
        .opaque = conn,
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
    for (size_t i = 0; i < conn->topic_count; i++)
        free(conn->topics[i]);
    free(conn->topics);
    free(conn->trace);
    free(conn->name);
    free(conn);
}

/* Recomputes the task configs after a reconfiguration request and restarts
 * the tasks when they changed; returns whether it did. Herder lock held. */
static bool conn_reconfigure(herder_conn_t *conn)
{
    if (!conn->self)
        return false;
    sluice_task_configs_t *configs = conn_compute_task_configs(conn);
    if (!configs)
        return false;
    if (task_configs_equal(configs, conn->configs)) {
        task_configs_destroy(configs);
        return false;
    }
    log_info(conn->name, HERDER_LOGGER, "Task configurations changed; restarting %zu task(s)",
             task_configs_count(configs));
    conn_stop_tasks(conn);
    task_configs_destroy(conn->configs);
    conn->configs = configs;
    conn_start_tasks(conn);
    return true;
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
    connector_store_destroy(herder->store);
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

/* ---- persistence ---------------------------------------------------------------- */

/* Kafka's TargetState names, as the connector store keeps them. */
static const char *herder_target_name(herder_target_t target)
{
    switch (target) {
    case HERDER_TARGET_PAUSED: return "PAUSED";
    case HERDER_TARGET_STOPPED: return "STOPPED";
    default: return "STARTED";
    }
}

static herder_target_t herder_target_parse(const char *name)
{
    if (!strcmp(name, "PAUSED"))
        return HERDER_TARGET_PAUSED;
    if (!strcmp(name, "STOPPED"))
        return HERDER_TARGET_STOPPED;
    return HERDER_TARGET_STARTED;
}

/* Writes a REST-origin connector's new target to the store, before it is
 * applied. Returns HERDER_FAILED (logged) when the store cannot be written.
 * Herder lock held. */
static herder_err_t conn_persist_target(herder_conn_t *conn, herder_target_t target)
{
    herder_t *herder = conn->herder;
    if (!herder->store || conn->origin != HERDER_ORIGIN_REST || conn->target == target)
        return HERDER_OK;
    char why[1024];
    if (connector_store_set_target(herder->store, conn->name, herder_target_name(target), why,
                                   sizeof why)) {
        log_error(conn->name, HERDER_LOGGER, "Could not store the target state %s: %s",
                  herder_target_name(target), why);
        return HERDER_FAILED;
    }
    return HERDER_OK;
}

/* ---- creating and replacing ------------------------------------------------------ */

/* herder_put_connector, with persist false for the connectors
 * herder_load_persisted reads from the store itself. */
static herder_err_t herder_put(herder_t *herder, connector_config_t *cc, bool allow_replace,
                               herder_target_t initial, herder_origin_t origin, bool persist,
                               bool *created, char *errstr, size_t errstr_size)
{
    const char *name = connector_config_name(cc);
    const char *policy = sluice_config_get_string(worker_config_values(herder->wc),
                                                  "connector.client.config.override.policy");
    if (client_config_check_overrides(policy, connector_config_props(cc), errstr, errstr_size)) {
        connector_config_destroy(cc);
        return HERDER_BAD_CONFIG;
    }
    pthread_mutex_lock(&herder->lock);
    size_t index;
    herder_conn_t *old = herder_find(herder, name, &index);
    if (old && !allow_replace) {
        pthread_mutex_unlock(&herder->lock);
        snprintf(errstr, errstr_size, "Connector %s already exists", name);
        connector_config_destroy(cc);
        return HERDER_CONFLICT;
    }
    /* An update keeps the connector's target state, as Kafka's does; but a
     * connector file replacing a REST-created connector starts over, since
     * the file, not the store, is its config from now on. */
    herder_target_t target = initial;
    if (old && !(origin == HERDER_ORIGIN_FILE && old->origin == HERDER_ORIGIN_REST))
        target = old->target;

    if (herder->store && persist) {
        char why[1024];
        if (origin == HERDER_ORIGIN_REST &&
            connector_store_put(herder->store, name, connector_config_originals(cc),
                                herder_target_name(target), why, sizeof why)) {
            pthread_mutex_unlock(&herder->lock);
            snprintf(errstr, errstr_size, "Could not store connector %s: %s", name, why);
            connector_config_destroy(cc);
            return HERDER_FAILED;
        }
        if (origin == HERDER_ORIGIN_FILE &&
            connector_store_remove(herder->store, name, why, sizeof why))
            log_warn(name, HERDER_LOGGER,
                     "Could not drop the stored config this connector file replaces (it will be "
                     "replaced again at the next start): %s",
                     why);
    }

    herder_conn_t *conn = mem_calloc(1, sizeof *conn);
    conn->herder = herder;
    conn->name = mem_strdup(name);
    conn->cc = cc;
    conn->target = target;
    conn->origin = origin;
    atomic_init(&conn->reconfigure, false);
    pthread_mutex_init(&conn->lock, NULL);
    conn->state = WORKER_STATE_UNASSIGNED;
    if (old) {
        log_info(name, HERDER_LOGGER, "Reconfiguring connector");
        /* The active topics outlive a config change (Kafka keeps them until
         * the connector is deleted); the old tasks are joined first, so none
         * reports to the old set afterwards. */
        conn_stop(old);
        conn->topics = old->topics;
        conn->topic_count = old->topic_count;
        conn->topic_cap = old->topic_cap;
        old->topics = NULL;
        old->topic_count = old->topic_cap = 0;
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

herder_err_t herder_put_connector(herder_t *herder, connector_config_t *cc, bool allow_replace,
                                  herder_target_t initial, herder_origin_t origin, bool *created,
                                  char *errstr, size_t errstr_size)
{
    return herder_put(herder, cc, allow_replace, initial, origin, true, created, errstr,
                      errstr_size);
}

int herder_load_persisted(herder_t *herder, char *errstr, size_t errstr_size)
{
    const char *path =
        sluice_config_get_string(worker_config_values(herder->wc), "config.storage.file.filename");
    if (!path || !*path)
        return 0;
    pthread_mutex_lock(&herder->lock);
    bool loaded = herder->store != NULL;
    pthread_mutex_unlock(&herder->lock);
    if (loaded)
        return 0;
    char why[8192];
    connector_store_t *store = connector_store_open(path, why, sizeof why);
    if (!store) {
        snprintf(errstr, errstr_size, "config.storage.file.filename: %s", why);
        return -1;
    }
    size_t started = 0;
    for (size_t i = 0; i < connector_store_count(store); i++) {
        const char *name = connector_store_name_at(store, i);
        sluice_strmap_t *raw = connector_store_config_at(store, i);
        char source[1024];
        snprintf(source, sizeof source, "%s: connector %s", path, name);
        connector_config_t *cc = connector_config_resolve(
            herder->registry, raw, worker_config_providers(herder->wc), source, why, sizeof why);
        sluice_strmap_destroy(raw);
        if (!cc) {
            log_error(name, HERDER_LOGGER,
                      "Skipping the stored connector, whose config no longer validates "
                      "(it stays in %s):\n%s",
                      path, why);
            continue;
        }
        herder_err_t err =
            herder_put(herder, cc, false, herder_target_parse(connector_store_target_at(store, i)),
                       HERDER_ORIGIN_REST, false, NULL, why, sizeof why);
        if (err != HERDER_OK) {
            log_error(name, HERDER_LOGGER, "Skipping the stored connector: %s", why);
            continue;
        }
        started++;
    }
    pthread_mutex_lock(&herder->lock);
    herder->store = store;
    pthread_mutex_unlock(&herder->lock);
    log_info(NULL, HERDER_LOGGER, "Started %zu of the %zu connector(s) stored in %s", started,
             connector_store_count(store), path);
    return 0;
}

/* ---- target states ---------------------------------------------------------------- */

herder_err_t herder_delete_connector(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    size_t index;
    herder_conn_t *conn = herder_find(herder, name, &index);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    char why[1024];
    if (herder->store && connector_store_remove(herder->store, name, why, sizeof why)) {
        log_error(name, HERDER_LOGGER, "Could not remove the connector from the store: %s", why);
        pthread_mutex_unlock(&herder->lock);
        return HERDER_FAILED;
    }
    memmove(&herder->conns[index], &herder->conns[index + 1],
            (herder->count - index - 1) * sizeof *herder->conns);
    herder->count--;
    conn_free(conn);
    log_info(name, HERDER_LOGGER, "Connector deleted");
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

/* Pause (PAUSED) or resume (STARTED): a STOPPED connector starts again in
 * that state; a running one has its tasks paused or resumed in place. */
static herder_err_t herder_set_running_target(herder_t *herder, const char *name,
                                              herder_target_t target)
{
    bool pause = target == HERDER_TARGET_PAUSED;
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    if (conn_persist_target(conn, target) != HERDER_OK) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_FAILED;
    }
    if (conn->target != target) {
        bool was_stopped = conn->target == HERDER_TARGET_STOPPED;
        conn->target = target;
        if (was_stopped) {
            conn_start(conn);
        } else {
            for (size_t i = 0; i < conn->task_count; i++)
                (pause ? task_pause : task_resume)(conn->tasks[i]);
            if (conn->self)
                conn_set_state(conn, pause ? WORKER_STATE_PAUSED : WORKER_STATE_RUNNING, NULL);
        }
    }
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

herder_err_t herder_pause_connector(herder_t *herder, const char *name)
{
    return herder_set_running_target(herder, name, HERDER_TARGET_PAUSED);
}

herder_err_t herder_resume_connector(herder_t *herder, const char *name)
{
    return herder_set_running_target(herder, name, HERDER_TARGET_STARTED);
}

herder_err_t herder_stop_connector(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    if (conn_persist_target(conn, HERDER_TARGET_STOPPED) != HERDER_OK) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_FAILED;
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

/* ---- restarts ---------------------------------------------------------------------- */

static void conn_restart_task(herder_conn_t *conn, size_t i)
{
    task_request_stop(conn->tasks[i]);
    task_join(conn->tasks[i], conn->herder->task_timeout_ms);
    task_destroy(conn->tasks[i]);
    conn->tasks[i] = conn_new_task(conn, (int32_t)i);
    task_start(conn->tasks[i], conn->target == HERDER_TARGET_PAUSED);
}

/* Fills out with conn's status. Herder lock held. */
static void conn_status(herder_conn_t *conn, herder_status_t *out)
{
    memset(out, 0, sizeof *out);
    out->name = mem_strdup(conn->name);
    out->type = sluice_class_kind_name(connector_config_kind(conn->cc));
    out->worker_id = mem_strdup(conn->herder->worker_id);
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
}

/*
 * Kafka's restart (KIP-745): the plan is the status as it is now, with the
 * connector marked RESTARTING when it is restarted (always, or only when
 * FAILED with only_failed) and each task likewise when include_tasks. The
 * connector instance restarts and recomputes its task configs (tasks whose
 * configs changed restart with them); then the planned tasks restart.
 */
herder_err_t herder_restart_connector(herder_t *herder, const char *name, bool include_tasks,
                                      bool only_failed, herder_status_t *plan)
{
    if (plan)
        memset(plan, 0, sizeof *plan);
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    herder_status_t st;
    conn_status(conn, &st);
    bool stopped = conn->target == HERDER_TARGET_STOPPED;
    bool restart_conn = !stopped && (!only_failed || st.state == WORKER_STATE_FAILED);
    size_t planned = st.task_count;
    bool *restart_task = planned ? mem_calloc(planned, sizeof *restart_task) : NULL;
    for (size_t i = 0; i < planned; i++)
        restart_task[i] =
            !stopped && include_tasks && (!only_failed || st.tasks[i].state == WORKER_STATE_FAILED);
    if (plan) {
        *plan = st;
        if (restart_conn)
            plan->state = WORKER_STATE_RESTARTING;
        for (size_t i = 0; i < planned; i++)
            if (restart_task[i])
                plan->tasks[i].state = WORKER_STATE_RESTARTING;
    } else {
        herder_status_free(&st);
    }

    bool tasks_restarted = false;
    if (restart_conn) {
        conn_set_state(conn, WORKER_STATE_RESTARTING, NULL);
        conn_stop_instance(conn);
        if (conn_start_instance(conn)) {
            conn_set_state(conn,
                           conn->target == HERDER_TARGET_PAUSED ? WORKER_STATE_PAUSED
                                                                : WORKER_STATE_RUNNING,
                           NULL);
            tasks_restarted = conn_reconfigure(conn);
        }
    }
    /* Tasks the reconfiguration restarted are fresh already. */
    for (size_t i = 0; !tasks_restarted && i < conn->task_count && i < planned; i++)
        if (restart_task[i])
            conn_restart_task(conn, i);
    free(restart_task);
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

/* ---- reading --------------------------------------------------------------------- */

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
    if (conn)
        conn_status(conn, out);
    pthread_mutex_unlock(&herder->lock);
    return conn ? HERDER_OK : HERDER_NOT_FOUND;
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

herder_err_t herder_connector_info(herder_t *herder, const char *name, herder_info_t *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (conn) {
        out->config = sluice_strmap_copy(connector_config_originals(conn->cc));
        out->type = sluice_class_kind_name(connector_config_kind(conn->cc));
        /* The task configs in force: none while STOPPED (they are dropped). */
        out->task_count = task_configs_count(conn->configs);
    }
    pthread_mutex_unlock(&herder->lock);
    return conn ? HERDER_OK : HERDER_NOT_FOUND;
}

void herder_info_free(herder_info_t *info)
{
    if (!info)
        return;
    sluice_strmap_destroy(info->config);
    memset(info, 0, sizeof *info);
}

/* ---- active topics ------------------------------------------------------------------ */

herder_err_t herder_connector_topics(herder_t *herder, const char *name, char ***topics,
                                     size_t *count)
{
    *topics = NULL;
    *count = 0;
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    pthread_mutex_lock(&conn->lock);
    size_t n = conn->topic_count;
    char **out = mem_calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = mem_strdup(conn->topics[i]);
    pthread_mutex_unlock(&conn->lock);
    pthread_mutex_unlock(&herder->lock);
    *topics = out;
    *count = n;
    return HERDER_OK;
}

herder_err_t herder_reset_topics(herder_t *herder, const char *name)
{
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_NOT_FOUND;
    }
    /* Cleared first, then the tasks told: a topic a task uses from now on
     * is reported again. */
    conn_clear_topics(conn);
    for (size_t i = 0; i < conn->task_count; i++)
        task_reset_topics(conn->tasks[i]);
    log_info(name, HERDER_LOGGER, "Active topics reset");
    pthread_mutex_unlock(&herder->lock);
    return HERDER_OK;
}

/* ---- offsets ---------------------------------------------------------------------- */

#define HERDER_OFFSETS_ALTERED "The offsets for this connector have been altered successfully"
#define HERDER_OFFSETS_RESET "The offsets for this connector have been reset successfully"
#define HERDER_OFFSETS_MAYBE(what)                                                                 \
    "The Connect framework-managed offsets for this connector have been " what                     \
    " successfully. However, if this connector manages offsets externally, they will need to be "  \
    "manually " what " in the system that the connector uses."

herder_err_t herder_connector_offsets(herder_t *herder, const char *name, json_t **out,
                                      char *errstr, size_t errstr_size)
{
    *out = NULL;
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        snprintf(errstr, errstr_size, "Connector %s not found", name);
        return HERDER_NOT_FOUND;
    }
    if (connector_config_kind(conn->cc) == SLUICE_CLASS_SOURCE_CONNECTOR) {
        *out = connector_offsets_source_get(herder->offsets, name);
        pthread_mutex_unlock(&herder->lock);
        return HERDER_OK;
    }
    /* The broker may take a while: not under the herder's lock. */
    sluice_strmap_t *props = sluice_strmap_copy(connector_config_props(conn->cc));
    pthread_mutex_unlock(&herder->lock);
    *out = connector_offsets_sink_get(herder->wc, props, name, errstr, errstr_size);
    sluice_strmap_destroy(props);
    return *out ? HERDER_OK : HERDER_FAILED;
}

/* The connector class's alter_offsets verdict: 1 (validated, nothing kept
 * elsewhere), 0 (no opinion, or no callback: an ABI 1 plugin built before
 * it), or -1 with errstr. */
static int herder_class_alter_offsets(const sluice_class_t *cls, const sluice_strmap_t *props,
                                      const connector_offsets_req_t *req, char *errstr,
                                      size_t errstr_size)
{
    const sluice_connector_ops_t *ops = cls->connector;
    if (ops->struct_size <
            offsetof(sluice_connector_ops_t, alter_offsets) + sizeof ops->alter_offsets ||
        !ops->alter_offsets)
        return 0;
    char why[2048] = "";
    int verdict = ops->alter_offsets(props, (const sluice_value_t *const *)req->partitions,
                                     (const sluice_value_t *const *)req->offsets, req->count, why,
                                     sizeof why);
    if (verdict < 0)
        snprintf(errstr, errstr_size, "%s", why[0] ? why : "The connector refused the offsets");
    return verdict < 0 ? -1 : verdict > 0;
}

herder_err_t herder_alter_offsets(herder_t *herder, const char *name, const json_t *offsets,
                                  const char **message, char *errstr, size_t errstr_size)
{
    *message = NULL;
    pthread_mutex_lock(&herder->lock);
    herder_conn_t *conn = herder_find(herder, name, NULL);
    if (!conn) {
        pthread_mutex_unlock(&herder->lock);
        snprintf(errstr, errstr_size, "Connector %s not found", name);
        return HERDER_NOT_FOUND;
    }
    if (conn->target != HERDER_TARGET_STOPPED || conn->task_count != 0) {
        pthread_mutex_unlock(&herder->lock);
        snprintf(errstr, errstr_size,
                 "Connectors must be in the STOPPED state before their offsets can be modified. "
                 "This can be done for the specified connector by issuing a 'PUT' request to the "
                 "'/connectors/%s/stop' endpoint",
                 name);
        return HERDER_BAD_STATE;
    }
    bool sink = connector_config_kind(conn->cc) == SLUICE_CLASS_SINK_CONNECTOR;
    connector_offsets_req_t req = {0};
    if (offsets && connector_offsets_parse(offsets, sink, &req, errstr, errstr_size)) {
        pthread_mutex_unlock(&herder->lock);
        return HERDER_BAD_CONFIG;
    }
    sluice_strmap_t *props = sluice_strmap_copy(connector_config_props(conn->cc));
    int verdict = herder_class_alter_offsets(connector_config_class(conn->cc), props, &req, errstr,
                                             errstr_size);
    herder_err_t err = HERDER_OK;
    if (verdict < 0) {
        pthread_mutex_unlock(&herder->lock);
        err = HERDER_BAD_CONFIG;
    } else if (!sink) {
        /* Local and quick, and no task may write the store meanwhile. */
        if (connector_offsets_source_apply(herder->offsets, name, offsets ? &req : NULL, errstr,
                                           errstr_size))
            err = HERDER_FAILED;
        pthread_mutex_unlock(&herder->lock);
    } else {
        /* The broker may take a while: not under the herder's lock. A sink
         * resumed meanwhile makes the broker refuse (Kafka's "zombie" message). */
        pthread_mutex_unlock(&herder->lock);
        if (connector_offsets_sink_apply(herder->wc, props, name, offsets ? &req : NULL, errstr,
                                         errstr_size))
            err = HERDER_FAILED;
    }
    sluice_strmap_destroy(props);
    connector_offsets_req_clear(&req);
    if (err != HERDER_OK)
        return err;
    if (offsets)
        *message = verdict > 0 ? HERDER_OFFSETS_ALTERED : HERDER_OFFSETS_MAYBE("altered");
    else
        *message = verdict > 0 ? HERDER_OFFSETS_RESET : HERDER_OFFSETS_MAYBE("reset");
    log_info(name, HERDER_LOGGER, "Offsets %s", offsets ? "altered" : "reset");
    return HERDER_OK;
}
