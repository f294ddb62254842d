/*
 * Config providers (Kafka's ConfigTransformer and the worker's
 * config.providers settings): a worker config such as
 *
 *     config.providers=file,env
 *     config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
 *     config.providers.file.param.allowed.paths=/etc/secrets
 *     config.providers.env.class=EnvVarConfigProvider
 *
 * creates one provider instance per name, and placeholders in config values,
 * ${file:/etc/secrets/db.properties:password} or ${env:DB_USER}, are then
 * replaced by what the named provider returns.
 *
 * Where Kafka silently keeps a placeholder whose provider could not produce
 * a value (no such file, key or variable, a path outside allowed.paths),
 * resolving fails with an error naming the config key and the provider, so
 * a connector never starts with "${file:...}" as its password. A placeholder
 * naming a provider that is not configured is kept as it is, as in Kafka
 * (the text may not be a placeholder at all), with a warning.
 *
 * Error text never contains a resolved value.
 */
#ifndef WORKER_CONFIG_TRANSFORMER_H
#define WORKER_CONFIG_TRANSFORMER_H

#include <sluice/strmap.h>

#include "plugin_registry.h"

typedef struct config_providers config_providers_t;

/*
 * Reads config.providers, config.providers.<name>.class and
 * config.providers.<name>.param.<k> from worker_props, finds each class
 * (kind SLUICE_CLASS_CONFIG_PROVIDER, by name or alias) in registry, parses
 * its params against the class's config table and creates the instance.
 * Without config.providers the set is empty (registry may then be NULL).
 * Returns a new set the caller destroys, or NULL with every problem, one per
 * line, in errstr. The registry must outlive the set.
 */
config_providers_t *config_providers_new(const plugin_registry_t *registry,
                                         const sluice_strmap_t *worker_props, char *errstr,
                                         size_t errstr_size);

/* Destroys every provider instance. NULL does nothing. */
void config_providers_destroy(config_providers_t *providers);

/* The configured provider names, in config.providers order. */
size_t config_providers_count(const config_providers_t *providers);
const char *config_providers_name_at(const config_providers_t *providers, size_t i);

/*
 * A new map with props' keys in order and every placeholder in its values
 * replaced (one pass: a resolved value is not searched again). providers
 * may be NULL (nothing is configured). Returns NULL with one error per
 * failed placeholder in errstr. Any thread may call it; calls into one
 * provider instance are serialised.
 */
sluice_strmap_t *config_providers_resolve(config_providers_t *providers,
                                          const sluice_strmap_t *props, char *errstr,
                                          size_t errstr_size);

/* True when value holds something of the form ${provider:[path:]key}. */
bool config_providers_has_placeholder(const char *value);

#endif
