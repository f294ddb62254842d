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

#include <jansson.h>
#include <sluice/strmap.h>

#include "connector_config.h"
#include "offset_store.h"
#include "worker_config.h"
#include "worker_state.h"

typedef struct herder herder_t;
typedef struct herder_status herder_status_t;

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

/* Where a connector's config came from: REST puts are persisted in
 * config.storage.file.filename when that is set; connector files are not. */
typedef enum herder_origin { HERDER_ORIGIN_FILE = 0, HERDER_ORIGIN_REST } herder_origin_t;

/*
 * Adds a validated connector config, taking it (also on failure), and starts
 * it in initial state. With allow_replace an existing connector of that name
 * is stopped and replaced (its *created is false), else HERDER_CONFLICT.
 * Client overrides (producer.override.* …) the worker's
 * connector.client.config.override.policy refuses give HERDER_BAD_CONFIG with
 * every refused key in errstr. A REST-origin put is persisted (see
 * herder_load_persisted) before it is applied (HERDER_FAILED, nothing
 * changed, when the file cannot be written); a file-origin put replacing a
 * persisted connector drops it from the file. A replaced connector keeps its
 * target state, except that a file-origin put replacing a REST-origin one
 * starts in initial (the file is its config from then on).
 */
herder_err_t herder_put_connector(herder_t *herder, connector_config_t *cc, bool allow_replace,
                                  herder_target_t initial, herder_origin_t origin, bool *created,
                                  char *errstr, size_t errstr_size);

/*
 * Standalone persistence (Sluice's config.storage.file.filename; Kafka's
 * standalone worker forgets REST-created connectors). Loads the connectors
 * stored there, with their target states, and starts them as REST-origin
 * connectors; from then on every REST-origin put, delete, pause, resume and
 * stop rewrites the file atomically (temp file, fsync, rename). Does nothing
 * when the key is unset or the file is missing. Returns -1 with errstr naming
 * the file and what is wrong (a connector whose config no longer validates
 * is logged and skipped, not fatal, and stays in the file). Call once,
 * before loading connector files, so that files given on the command line
 * win over stored configs (put them with allow_replace, or a stored
 * connector of the same name makes them HERDER_CONFLICT). REST-origin
 * changes made before this call are not persisted. The file may hold
 * literal passwords typed into configs: it is created with mode 0600
 * (placeholders are stored unresolved).
 */
int herder_load_persisted(herder_t *herder, char *errstr, size_t errstr_size);

/* Stops and removes a connector and its tasks (its offsets stay, as in Kafka).
 * This and the three below give HERDER_FAILED (logged, nothing changed) when
 * the connector is persisted and the file cannot be written. */
herder_err_t herder_delete_connector(herder_t *herder, const char *name);

herder_err_t herder_pause_connector(herder_t *herder, const char *name);
herder_err_t herder_resume_connector(herder_t *herder, const char *name);
herder_err_t herder_stop_connector(herder_t *herder, const char *name);

/* Restarts the connector instance and, with include_tasks, its tasks; with
 * only_failed, only the parts that are FAILED. plan (may be NULL) gets
 * Kafka's restart plan: the status as it was when the restart began, with
 * every instance being restarted shown as RESTARTING (free it with
 * herder_status_free). A STOPPED connector restarts nothing. */
herder_err_t herder_restart_connector(herder_t *herder, const char *name, bool include_tasks,
                                      bool only_failed, herder_status_t *plan);
herder_err_t herder_restart_task(herder_t *herder, const char *name, int32_t task);

/* The connectors' names, sorted; *names gets a malloc()ed array of malloc()ed
 * strings (free both), returns the count. */
size_t herder_connectors(herder_t *herder, char ***names);

typedef struct herder_task_status {
    int32_t id;
    worker_state_t state;
    char *trace; /* FAILED only */
} herder_task_status_t;

struct herder_status {
    char *name;
    const char *type; /* "source" or "sink" */
    worker_state_t state;
    char *trace;
    char *worker_id;
    herder_target_t target;
    size_t task_count;
    herder_task_status_t *tasks;
};

herder_err_t herder_connector_status(herder_t *herder, const char *name, herder_status_t *out);
void herder_status_free(herder_status_t *status);

/* A copy of the connector's config as written (caller destroys). */
herder_err_t herder_connector_config(herder_t *herder, const char *name, sluice_strmap_t **out);

/* Copies of the task configs; *configs gets a malloc()ed array (free each
 * map with sluice_strmap_destroy, then the array). */
herder_err_t herder_task_configs(herder_t *herder, const char *name, sluice_strmap_t ***configs,
                                 size_t *count);

/* ConnectorInfo: the config as written, the type and the task count (0
 * while STOPPED). */
typedef struct herder_info {
    sluice_strmap_t *config; /* caller destroys (herder_info_free) */
    const char *type;        /* "source" or "sink" */
    size_t task_count;
} herder_info_t;

herder_err_t herder_connector_info(herder_t *herder, const char *name, herder_info_t *out);
void herder_info_free(herder_info_t *info);

/* ---- active topics (KIP-558) ------------------------------------------------ */

/*
 * The topics a connector's tasks have produced to (source) or consumed from
 * (sink) since it was created or its topics were last reset, sorted; *topics
 * gets a malloc()ed array of malloc()ed strings. Tasks report a topic the
 * first time they use it (task_env_t.topic_used), so this costs nothing per
 * record. In memory only, as Kafka's standalone status store; kept across
 * config updates, dropped with the connector. herder_reset_topics empties
 * the set; a topic used afterwards is reported again.
 */
herder_err_t herder_connector_topics(herder_t *herder, const char *name, char ***topics,
                                     size_t *count);
herder_err_t herder_reset_topics(herder_t *herder, const char *name);

/* ---- offsets (KIP-875) ------------------------------------------------------ */

/*
 * The connector's offsets as Kafka's REST shows them, a new JSON object
 * {"offsets":[{"partition":{…},"offset":{…}}, …]}: for a source, the
 * partitions and offsets in the offset store; for a sink, the committed
 * offsets of its consumer group connect-<name>, as
 * {"kafka_topic":t,"kafka_partition":p} / {"kafka_offset":o}, read through
 * the admin API (HERDER_FAILED with errstr when the broker cannot answer).
 */
herder_err_t herder_connector_offsets(herder_t *herder, const char *name, json_t **out,
                                      char *errstr, size_t errstr_size);

/*
 * Alters offsets (offsets: the JSON array of {"partition":…,"offset":…}
 * items; a null offset removes that partition's) or, with offsets NULL,
 * resets all of them (source: the store's entries; sink: the consumer
 * group is deleted, so the next start follows auto.offset.reset). Only
 * while the connector is STOPPED, else HERDER_BAD_STATE with Kafka's
 * message. A malformed item is HERDER_BAD_CONFIG naming it. *message gets
 * Kafka's success message (static): the short one when the connector
 * validated the offsets itself (sluice_connector_ops_t.alter_offsets
 * returned 1), else the one telling the user that externally managed
 * offsets need altering too. alter_offsets gets the parsed items, or count
 * 0 with NULL arrays for a reset; -1 from it is HERDER_BAD_CONFIG with its
 * message. A store or broker failure is HERDER_FAILED with Kafka's message.
 * The sink's broker calls run without the herder's lock (so status reads
 * are not held up); the checks before them hold it.
 */
herder_err_t herder_alter_offsets(herder_t *herder, const char *name, const json_t *offsets,
                                  const char **message, char *errstr, size_t errstr_size);

#endif
