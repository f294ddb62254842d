/*
 * Connector-level configuration (Kafka's ConnectorConfig, SinkConnectorConfig,
 * SourceConnectorConfig and TopicCreationConfig): the keys every connector
 * has, the per-alias keys of its transforms and predicates, the topic
 * creation groups of a source, and the connector class's own table, all
 * validated together.
 *
 * One validation serves both users: the REST validate endpoint reads it key
 * by key (Kafka's ConfigInfos), and start-up prints it one error per line
 * ("conn.properties: topics: Must configure one of topics or topics.regex").
 *
 * Any thread may call these; results are read-only once built. The registry
 * passed in must outlive everything built from it.
 */
#ifndef WORKER_CONNECTOR_CONFIG_H
#define WORKER_CONNECTOR_CONFIG_H

#include <sluice/buf.h>
#include <sluice/config.h>

#include "config_transformer.h"
#include "plugin_registry.h"

/* The groups of Kafka's connector-level keys. */
#define CONNECTOR_CONFIG_GROUP_COMMON "Common"
#define CONNECTOR_CONFIG_GROUP_TRANSFORMS "Transforms"
#define CONNECTOR_CONFIG_GROUP_PREDICATES "Predicates"
#define CONNECTOR_CONFIG_GROUP_ERRORS "Error Handling"
#define CONNECTOR_CONFIG_GROUP_TOPIC_CREATION "Topic Creation"
#define CONNECTOR_CONFIG_GROUP_EXACTLY_ONCE "Exactly Once Support"

/* The static keys every connector of kind has (kind 0: the common ones only;
 * SLUICE_CLASS_SINK_CONNECTOR or SLUICE_CLASS_SOURCE_CONNECTOR add theirs). */
const sluice_config_key_t *connector_config_keys(sluice_class_kind_t kind);

/* ---- validation ---------------------------------------------------------- */

typedef struct connector_config_validation connector_config_validation_t;

/*
 * Validates a connector's properties (placeholders already resolved, or left
 * as they are for REST validate) against the worker-level keys, the keys of
 * every listed transform and predicate alias, the topic creation groups and
 * the connector class's own table, then adds Kafka's cross-key checks and
 * the class's validate callback. Never fails; the caller destroys the
 * result. props is copied; registry may be NULL (every class is unknown).
 */
connector_config_validation_t *connector_config_validate(const plugin_registry_t *registry,
                                                         const sluice_strmap_t *props);

/* NULL does nothing. */
void connector_config_validation_destroy(connector_config_validation_t *v);

/* The per-key results in Kafka's order (the worker-level keys, sink or
 * source keys, aliases' keys, topic creation groups, then the class's
 * keys), owned by v: the REST layer renders ConfigInfos from it. */
sluice_config_validation_t *
connector_config_validation_result(const connector_config_validation_t *v);

size_t connector_config_validation_error_count(const connector_config_validation_t *v);

/* The groups in order of first appearance (Kafka's ConfigInfos.groups),
 * owned by v. */
size_t connector_config_validation_groups(const connector_config_validation_t *v,
                                          const char *const **groups);

/* The connector class found from connector.class, or NULL. */
const sluice_class_t *connector_config_validation_class(const connector_config_validation_t *v);

/* The name the REST response uses as "name": the class's name when it was
 * found, else connector.class as given (NULL when absent). */
const char *connector_config_validation_class_name(const connector_config_validation_t *v);

/*
 * Appends every error as "source: key: reason\n" to out (source NULL: lines
 * start at the key). An error that Kafka attaches to several keys (topics
 * and topics.regex) is printed once, under its first key.
 */
void connector_config_validation_render(const connector_config_validation_t *v, const char *source,
                                        sluice_buf_t *out);

/* ---- a validated connector config -------------------------------------- */

typedef struct connector_config connector_config_t;

/*
 * Validates props (copied) and, when there is no error, returns the
 * connector's config; else NULL with every error, one per line as
 * "source: key: reason", in errstr (source NULL: "key: reason").
 * Unknown keys are warned about ("did you mean"), not refused.
 */
connector_config_t *connector_config_new(const plugin_registry_t *registry,
                                         const sluice_strmap_t *props, const char *source,
                                         char *errstr, size_t errstr_size);

/*
 * As connector_config_new for properties as written (raw, copied): their
 * placeholders are resolved through providers (may be NULL) first, and raw
 * is kept as the originals REST shows and persists.
 */
connector_config_t *connector_config_resolve(const plugin_registry_t *registry,
                                             const sluice_strmap_t *raw,
                                             config_providers_t *providers, const char *source,
                                             char *errstr, size_t errstr_size);

/*
 * Loads a connector .properties file: parse (errors "path:line: problem"),
 * resolve placeholders through providers (may be NULL), then as
 * connector_config_new with the path as source.
 */
connector_config_t *connector_config_load_file(const char *path, const plugin_registry_t *registry,
                                               config_providers_t *providers, char *errstr,
                                               size_t errstr_size);

/* NULL does nothing. */
void connector_config_destroy(connector_config_t *cc);

const char *connector_config_name(const connector_config_t *cc);
const sluice_class_t *connector_config_class(const connector_config_t *cc);

/* SLUICE_CLASS_SOURCE_CONNECTOR or SLUICE_CLASS_SINK_CONNECTOR. */
sluice_class_kind_t connector_config_kind(const connector_config_t *cc);

/* The typed values of every validated key (worker-level, aliases' and the
 * class's, e.g. "tasks.max", "transforms.a.type"); owned by cc. */
const sluice_config_t *connector_config_values(const connector_config_t *cc);

/* The config parsed with the class's own table, as the connector's start
 * callback takes it; owned by cc. */
const sluice_config_t *connector_config_plugin_values(const connector_config_t *cc);

/* The properties as used (placeholders resolved) and as written (what
 * REST shows and what is persisted); owned by cc. */
const sluice_strmap_t *connector_config_props(const connector_config_t *cc);
const sluice_strmap_t *connector_config_originals(const connector_config_t *cc);

#endif
