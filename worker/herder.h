/*
 * The herder: owns the connectors and their tasks in one worker (Kafka's
 * StandaloneHerder, and the part of DistributedHerder that runs what this
 * worker is assigned). The REST API and `sluice standalone` drive it through
 * these functions.
 *
 * A connector has a target state (STARTED, PAUSED, STOPPED) set by the user,
 * and a status: its own state (UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED
 * with a trace, RESTARTING) and that of each task. Creating a connector
 * starts its instance, asks it for at most tasks.max task configurations and
 * starts one task thread per configuration. A connector that asks for
 * reconfiguration (sluice_ctx_request_reconfiguration) has its task configs
 * recomputed by the herder's own thread and its tasks restarted when they
 * changed.
 *
 * Threads: every function may be called from any thread; the herder
 * serialises them with one lock. Operations that stop tasks wait for them
 * (up to task.shutdown.graceful.timeout.ms each, then a warning).
 */
#ifndef WORKER_HERDER_H
#define WORKER_HERDER_H

#include <sluice/strmap.h>

#include "connector_config.h"
#include "offset_store.h"
#include "worker_config.h"
#include "worker_state.h"

typedef struct herder herder_t;

/* What went wrong, mapped by the REST layer to Kafka's status codes. */
typedef enum herder_err {
    HERDER_OK = 0,
    HERDER_NOT_FOUND,  /* 404: no such connector or task */
    HERDER_CONFLICT,   /* 409: the connector exists (create) */
    HERDER_BAD_CONFIG, /* 400: the config does not validate */
    HERDER_BAD_STATE,  /* 400/409: not allowed in the connector's state */
    HERDER_FAILED      /* 500: the operation failed */
} herder_err_t;

/* The user's wish for a connector (Kafka's TargetState). */
typedef enum herder_target {
    HERDER_TARGET_STARTED = 0,
    HERDER_TARGET_PAUSED,
    HERDER_TARGET_STOPPED
} herder_target_t;

/*
 * A herder for one worker. wc, registry and offsets are borrowed and must
 * outlive it. worker_id ("host:port") is shown in status. Starts the
 * herder's thread.
 */
herder_t *herder_new(const worker_config_t *wc, const plugin_registry_t *registry,
                     offset_store_t *offsets, const char *worker_id);

/* Stops every connector and task (offsets flush), then frees the herder.
 * NULL does nothing. */
void herder_destroy(herder_t *herder);

/* Stops every connector and task, as at shutdown, keeping the herder. */
void herder_stop_all(herder_t *herder);

/*
 * Adds a validated connector config, taking it (also on failure), and starts
 * it in initial state. With allow_replace an existing connector of that name
 * is stopped and replaced (its *created is false), else HERDER_CONFLICT.
 */
herder_err_t herder_put_connector(herder_t *herder, connector_config_t *cc, bool allow_replace,
                                  herder_target_t initial, bool *created, char *errstr,
                                  size_t errstr_size);

/* Stops and removes a connector and its tasks (its offsets stay, as in Kafka). */
herder_err_t herder_delete_connector(herder_t *herder, const char *name);

herder_err_t herder_pause_connector(herder_t *herder, const char *name);
herder_err_t herder_resume_connector(herder_t *herder, const char *name);
herder_err_t herder_stop_connector(herder_t *herder, const char *name);

/* Restarts the connector instance and, with include_tasks, its tasks; with
 * only_failed, only the parts that are FAILED. */
herder_err_t herder_restart_connector(herder_t *herder, const char *name, bool include_tasks,
                                      bool only_failed);
herder_err_t herder_restart_task(herder_t *herder, const char *name, int32_t task);

/* The connectors' names, sorted; *names gets a malloc()ed array of malloc()ed
 * strings (free both), returns the count. */
size_t herder_connectors(herder_t *herder, char ***names);

typedef struct herder_task_status {
    int32_t id;
    worker_state_t state;
    char *trace; /* FAILED only */
} herder_task_status_t;

typedef struct herder_status {
    char *name;
    const char *type; /* "source" or "sink" */
    worker_state_t state;
    char *trace;
    char *worker_id;
    herder_target_t target;
    size_t task_count;
    herder_task_status_t *tasks;
} herder_status_t;

herder_err_t herder_connector_status(herder_t *herder, const char *name, herder_status_t *out);
void herder_status_free(herder_status_t *status);

/* A copy of the connector's config as written (caller destroys). */
herder_err_t herder_connector_config(herder_t *herder, const char *name, sluice_strmap_t **out);

/* Copies of the task configs; *configs gets a malloc()ed array (free each
 * map with sluice_strmap_destroy, then the array). */
herder_err_t herder_task_configs(herder_t *herder, const char *name, sluice_strmap_t ***configs,
                                 size_t *count);

#endif
