/*
 * A connector task: one thread running one instance of a source or sink task
 * class with its converters, transform chain and error handler (Kafka's
 * WorkerTask, with WorkerSourceTask and WorkerSinkTask as the two kinds).
 *
 * The herder creates a task, starts it, pauses/resumes it, asks it to stop,
 * joins it and destroys it. Everything the two kinds share lives here: the
 * thread and its state machine, the plugin instance and its context, the
 * converters and the chain. The kind's own loop (source_task.c,
 * sink_task.c) is reached through task_kind_ops_t.
 *
 * States (worker_state_t): UNASSIGNED until the thread runs, RUNNING,
 * PAUSED while the herder's target is paused, FAILED with a trace when the
 * plugin or the pipeline fails without being tolerated, and UNASSIGNED again
 * once stopped (as Kafka reports a stopped task).
 *
 * Threads: the task's own thread runs the plugin callbacks, the converters
 * and the chain. task_pause, task_resume, task_request_stop and task_status
 * may be called from any thread; new, start, join and destroy by the owner
 * (the herder) only.
 */
#ifndef WORKER_TASK_H
#define WORKER_TASK_H

#include <pthread.h>
#include <stdatomic.h>

#include <sluice/plugin.h>

#include "client_config.h"
#include "connector_config.h"
#include "ctx.h"
#include "error_handler.h"
#include "offset_store.h"
#include "transform_chain.h"
#include "worker_config.h"
#include "worker_state.h"

typedef struct task task_t;

/* What the herder gives a task; pointers are borrowed and must outlive it. */
typedef struct task_env {
    const worker_config_t *wc;
    const plugin_registry_t *registry;
    offset_store_t *offsets;      /* source tasks read and write their offsets here */
    const connector_config_t *cc; /* the connector's validated config */
    const sluice_strmap_t *props; /* this task's config from the connector (copied) */
    int32_t id;
    const char *worker_id; /* "host:port" shown in status (copied) */
    /* Optional: called from the task thread after each state change. */
    void (*on_state)(void *opaque, task_t *task, worker_state_t state);
    /*
     * Optional (KIP-558 active topics): called from the task thread the first
     * time the task uses a topic (a source's first record produced to it, a
     * sink's first record consumed from it), and again for a topic used after
     * task_reset_topics. Never per record; must not block for long.
     */
    void (*topic_used)(void *opaque, task_t *task, const char *topic);
    void *opaque; /* given to on_state and topic_used */
} task_env_t;

/*
 * A task for env, not yet running (state UNASSIGNED). The class comes from
 * the connector config; nothing of the plugin runs yet. Never fails.
 */
task_t *task_new(const task_env_t *env);

/* Starts the task's thread; initial_paused starts it paused. Returns 0, or
 * -1 when the thread cannot be created (the task is then FAILED). */
int task_start(task_t *task, bool initial_paused);

/* Sets the target state; the loop follows at its next turn. Any thread. */
void task_pause(task_t *task);
void task_resume(task_t *task);

/* Asks the task to stop (the plugin's stop op is called to cut a poll or
 * put short, retries are abandoned). Any thread; idempotent. */
void task_request_stop(task_t *task);

/*
 * Waits for the thread to end (after task_request_stop). Logs a warning
 * when it takes longer than timeout_ms but keeps waiting: a thread that
 * still runs plugin code cannot be abandoned safely.
 */
void task_join(task_t *task, int64_t timeout_ms);

/* Frees a joined (or never started) task. NULL does nothing. */
void task_destroy(task_t *task);

int32_t task_id(const task_t *task);

/* The current state and, when FAILED, a copy of the trace (*trace gets a
 * malloc()ed string or NULL; trace may be NULL). Any thread. */
worker_state_t task_status(task_t *task, char **trace);

/* Forgets which topics the task has reported through topic_used, so each is
 * reported again when next used (the herder's topics were reset). Any
 * thread; the task notices at its next loop turn. */
void task_reset_topics(task_t *task);

/* The task's counters, for the benchmark and the logs. Any thread. */
typedef struct task_counters {
    uint64_t records; /* records polled (source) or consumed (sink) */
    uint64_t written; /* records produced and acknowledged (source) or put (sink) */
    uint64_t offset_commits;
} task_counters_t;
void task_counters(task_t *task, task_counters_t *out);

/* ---- for the kinds (source_task.c, sink_task.c) ---------------------------- */

/* A converter instance: class, parsed config, context and state. */
typedef struct task_converter {
    const sluice_class_t *cls;
    sluice_config_t *config;
    sluice_ctx_t *ctx;
    void *self;
} task_converter_t;

typedef struct task_kind_ops {
    /* Hooks for the plugin task's context (offset for sources; seek and
     * request_commit for sinks); the owner is the task_t. */
    const ctx_hooks_t *hooks;

    /*
     * On the task thread, before the plugin task starts: set up the kind's
     * state (Kafka clients, trackers), kept in task->kind. Returns 0, or -1
     * with the reason in errstr (the task fails).
     */
    int (*init)(task_t *task, char *errstr, size_t errstr_size);

    /* Optional, on the task thread, after the plugin task started (a sink
     * subscribes here, so partitions are never opened before start). */
    int (*started)(task_t *task, char *errstr, size_t errstr_size);

    /*
     * The loop, on the task thread, after the plugin task started. Runs until
     * task_stopping(task), following task_target_paused(task). Returns 0 on a
     * clean stop, or -1 with the failure trace in errstr.
     */
    int (*run)(task_t *task, char *errstr, size_t errstr_size);

    /* Optional, any thread: wakes the loop from a blocking wait in the kind's
     * own client (the pause wait of task_wait_while_paused and task_sleep is
     * woken by the runtime). May be called before init or after fini: check
     * task->kind. */
    void (*wakeup)(task_t *task);

    /*
     * On the task thread after run, with failed telling whether it failed:
     * final flush and commit (only when not failed), close the clients and
     * free task->kind. The plugin task is still alive and is destroyed after.
     */
    void (*fini)(task_t *task, bool failed);
} task_kind_ops_t;

extern const task_kind_ops_t source_task_ops;
extern const task_kind_ops_t sink_task_ops;

struct task {
    /* Set by task_new, read-only afterwards. */
    const worker_config_t *wc;
    const plugin_registry_t *registry;
    offset_store_t *offsets;
    const connector_config_t *cc;
    const char *connector;  /* the connector's name (owned by cc) */
    sluice_strmap_t *props; /* this task's config */
    int32_t id;
    char *worker_id;
    char *name; /* "connector|task-N", the log context */
    const sluice_class_t *cls;
    const task_kind_ops_t *ops;
    void (*on_state)(void *opaque, task_t *task, worker_state_t state);
    void (*topic_used)(void *opaque, task_t *task, const char *topic);
    void *opaque;

    /* Active topics: task_reset_topics bumps topics_epoch (any thread); the
     * topics reported since the epoch was last seen are in topics_seen
     * (task thread only). */
    atomic_uint topics_epoch;
    unsigned topics_seen_epoch;
    sluice_strmap_t *topics_seen;

    /* Built on the task thread by the runtime before ops->init. */
    sluice_ctx_t *ctx;       /* the plugin task's context */
    sluice_config_t *config; /* the task config parsed with the class's task table */
    void *self;              /* the plugin task's state (NULL until started) */
    task_converter_t key_converter, value_converter, header_converter;
    transform_chain_t *chain;
    error_handler_t *errors;
    error_handler_config_t errors_config;
    int64_t offset_flush_interval_ms; /* the worker's offset.flush.interval.ms */
    int64_t offset_flush_timeout_ms;

    void *kind; /* the kind's own state */

    /* The dead letter queue's producer, created by task.c on the first DLQ
     * record (the error handler's dlq hook); task thread only. */
    rd_kafka_t *dlq_producer;
    bool dlq_topic_ready;

    /* Counters: written by the task thread (and delivery callbacks), read anywhere. */
    _Atomic uint64_t n_records, n_written, n_commits;

    /* The state machine. */
    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;
    atomic_bool target_paused;
    pthread_mutex_t lock; /* guards state, trace, and the pause wait */
    pthread_cond_t cond;
    worker_state_t state;
    char *trace;
};

/* True once task_request_stop was called. */
static inline bool task_stopping(const task_t *task)
{
    return atomic_load(&task->stopping);
}

/* True while the herder wants the task paused. */
static inline bool task_target_paused(const task_t *task)
{
    return atomic_load(&task->target_paused);
}

/*
 * For loops that can simply wait while paused (sources): when the target is
 * paused, moves to PAUSED and blocks until resumed or stopping, then back to
 * RUNNING. Returns false when the task is stopping. Task thread only.
 */
bool task_wait_while_paused(task_t *task);

/*
 * For the kinds, from a per-topic path (never per record): reports topic
 * through topic_used unless it was reported since the last reset. Task
 * thread only.
 */
void task_topic_used(task_t *task, const char *topic);

/* The reset count (task_reset_topics): a kind that caches "this topic was
 * seen" compares it once per loop turn and forgets its cache when it moved,
 * so that task_topic_used runs again. Any thread. */
static inline unsigned task_topics_epoch(task_t *task)
{
    return atomic_load_explicit(&task->topics_epoch, memory_order_relaxed);
}

/* Records a state change (and calls on_state). Task thread only. */
void task_set_state(task_t *task, worker_state_t state);

/* Sleeps up to ms, returning early when the task is asked to stop or its
 * target state changes. Task thread only. */
void task_sleep(task_t *task, int64_t ms);

/* Names thread "<role>:<connector>-<id>" (cut to Linux's 15 bytes) for top,
 * perf and gdb. Any thread. */
void task_name_thread(const task_t *task, pthread_t thread, const char *role);

/*
 * The converter steps, for error_handler_execute: each converts one thing
 * and reports failures as the converter did. The arg structs carry inputs
 * and outputs.
 */
typedef struct task_convert_arg {
    task_t *task;
    task_converter_t *converter;
    bool is_key;
    const char *topic;
    sluice_headers_t *headers; /* from_connect may change them */
    /* from_connect */
    const sluice_schema_t *schema;
    const sluice_value_t *value;
    sluice_buf_t *out;
    /* to_connect */
    const void *data; /* NULL: a null message */
    size_t len;
    const sluice_schema_t *schema_out; /* a reference the caller releases */
    sluice_value_t *value_out;         /* owned by the caller */
} task_convert_arg_t;

sluice_result_t task_from_connect(void *arg, char *errstr, size_t errstr_size);
sluice_result_t task_to_connect(void *arg, char *errstr, size_t errstr_size);

/*
 * Runs record through the transform chain, stage by stage, each under the
 * error handler (stage TRANSFORMATION, the stage's class named in reports).
 * consumed describes the Kafka record it came from (sinks) or is NULL
 * (sources). Returns OK, DROP (a transform dropped it), SKIP (a failure was
 * tolerated) or FAIL (errstr holds the trace). Task thread only.
 */
error_handler_outcome_t task_transform(task_t *task, sluice_record_t *record,
                                       const error_handler_record_t *consumed, char *errstr,
                                       size_t errstr_size);

/*
 * A Kafka client configuration for the task: client_config_build with the
 * connector's overrides and the task's name as context. defaults (key, value
 * pairs, NULL-terminated; may be NULL) apply only where neither the worker
 * nor the connector sets the key; forced pairs always win.
 */
rd_kafka_conf_t *task_client_conf(task_t *task, client_kind_t kind, const char *const *defaults,
                                  const char *const *forced, char *errstr, size_t errstr_size);

#endif
