/*
 * The worker's configuration (Kafka's WorkerConfig, StandaloneConfig and
 * DistributedConfig, plus Sluice's own keys): one table with Kafka's names,
 * types, defaults and docs, and the loading of a worker.properties file.
 *
 * Loading is lenient where Kafka is (keys Kafka has retired are accepted with
 * a warning, client settings under producer. / consumer. / admin. and
 * converter settings pass through) and strict where a silent default would
 * hurt (a missing converter or offsets file is an error naming the file and
 * the key).
 *
 * A loaded worker_config_t is read-only: any thread may read it.
 */
#ifndef WORKER_WORKER_CONFIG_H
#define WORKER_WORKER_CONFIG_H

#include <sluice/config.h>

#include "config_transformer.h"
#include "plugin_registry.h"

typedef enum worker_mode { WORKER_MODE_STANDALONE = 0, WORKER_MODE_DISTRIBUTED } worker_mode_t;

typedef struct worker_config worker_config_t;

/* The worker's key table for mode (static; SLUICE_CONFIG_END-terminated). */
const sluice_config_key_t *worker_config_keys(worker_mode_t mode);

/*
 * True when name is a key Kafka has retired (internal.key.converter and
 * friends): such keys are accepted, ignored and warned about.
 */
bool worker_config_is_retired(const char *name);

/*
 * Builds a worker config from props (copied). source names the input in
 * errors and warnings (a path; NULL gives "<worker config>"). registry finds
 * config.providers classes; it may be NULL when none are configured, and
 * must outlive the result. Placeholders are resolved first, then every key
 * is validated. Returns a new config the caller destroys, or NULL with every
 * problem in errstr, one per line as "source: key: reason". Password values
 * never appear in the text.
 */
worker_config_t *worker_config_new(const sluice_strmap_t *props, worker_mode_t mode,
                                   const plugin_registry_t *registry, const char *source,
                                   char *errstr, size_t errstr_size);

/* As worker_config_new for the properties file at path; syntax errors come
 * as "path:line: problem". */
worker_config_t *worker_config_load_file(const char *path, worker_mode_t mode,
                                         const plugin_registry_t *registry, char *errstr,
                                         size_t errstr_size);

/* NULL does nothing. */
void worker_config_destroy(worker_config_t *wc);

worker_mode_t worker_config_mode(const worker_config_t *wc);

/* The typed values (read with the sluice_config_get_* functions); owned by wc. */
const sluice_config_t *worker_config_values(const worker_config_t *wc);

/* The properties with placeholders resolved (owned by wc). */
const sluice_strmap_t *worker_config_props(const worker_config_t *wc);

/* The configured config providers, for resolving connector configs (owned
 * by wc; never NULL, may be empty). */
config_providers_t *worker_config_providers(const worker_config_t *wc);

/*
 * A new librdkafka-style map for one client kind: bootstrap.servers, then
 * every "<prefix>.<k>" setting with the prefix removed (so
 * producer.linger.ms=5 gives linger.ms=5). prefix is "producer", "consumer"
 * or "admin" (any text works). The caller destroys the map.
 */
sluice_strmap_t *worker_config_client_props(const worker_config_t *wc, const char *prefix);

/* A new map of a converter's own settings: "key.converter", "value.converter"
 * or "header.converter" give the keys under that prefix, stripped
 * (key.converter.schemas.enable=true gives schemas.enable=true). */
sluice_strmap_t *worker_config_converter_props(const worker_config_t *wc, const char *which);

/*
 * The REST listeners as Kafka resolves them: listeners when set; else the
 * retired rest.host.name / rest.port as "http://host:port"; else
 * "http://:8083". Returns the count and the items (owned by wc).
 */
size_t worker_config_listeners(const worker_config_t *wc, const char *const **items);

/*
 * Where the embedded broker keeps its data: the first log.dirs entry; else a
 * "data" directory beside offset.storage.file.filename; else "data" in the
 * working directory. Owned by wc.
 */
const char *worker_config_log_dir(const worker_config_t *wc);

#endif
