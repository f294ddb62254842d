/*
 * The worker's side of typed configs (include/sluice/config.h): checks of
 * config tables, unknown-key warnings and rendering a config for the log.
 *
 * Any thread may call these; they keep no state.
 */
#ifndef WORKER_CONFIG_INTERNAL_H
#define WORKER_CONFIG_INTERNAL_H

#include <sluice/buf.h>
#include <sluice/config.h>

/* The text Kafka shows in place of a PASSWORD value. */
#define CONFIG_HIDDEN "[hidden]"

/*
 * Checks a plugin's config table for mistakes of its author: a name given
 * twice, a validator that does not suit the type, a default that does not
 * parse or fails its own validator. Returns 0, or -1 with one problem per
 * line in errstr. keys may be NULL (an empty table).
 */
int config_table_check(const sluice_config_key_t *keys, char *errstr, size_t errstr_size);

/* The entry of keys named name, or NULL. keys may be NULL. */
const sluice_config_key_t *config_find_key(const sluice_config_key_t *keys, const char *name);

/*
 * The keys of props that keys does not declare and that start with none of
 * ignore_prefixes (NULL-terminated; may be NULL), in props order. Each maps
 * to the declared name it is probably a typo of (a small edit distance,
 * ignoring case), or to "" when none is close. The caller destroys the map.
 */
sluice_strmap_t *config_unknown_keys(const sluice_config_key_t *keys, const sluice_strmap_t *props,
                                     const char *const *ignore_prefixes);

/*
 * Logs a warning per unknown key (as config_unknown_keys finds them) with
 * context (may be NULL) in the line: "Unknown configuration 'tasks.mx' will
 * be ignored; did you mean 'tasks.max'?". Returns how many were unknown.
 */
size_t config_warn_unknown_keys(const char *context, const sluice_config_key_t *keys,
                                const sluice_strmap_t *props, const char *const *ignore_prefixes);

/*
 * Appends the parsed values of config's declared keys to out, sorted by
 * name, as Kafka's AbstractConfig.logAll does:
 *     "<title> values: \n\tbatch.size = 2000\n\ttopics = [a, b]\n..."
 * PASSWORD values show as [hidden], null values as null.
 */
void config_render(const sluice_config_t *config, const char *title, sluice_buf_t *out);

/*
 * Appends raw properties to out, one "\tkey = value\n" line each in map
 * order, with the values of PASSWORD keys of keys (may be NULL) and of
 * undeclared keys whose name looks secret (config_name_is_sensitive) shown
 * as [hidden]. For logging configs that have not been parsed, such as a
 * connector's whole config with its producer.override.* keys.
 */
void config_render_props(const sluice_config_key_t *keys, const sluice_strmap_t *props,
                         sluice_buf_t *out);

/* True when a key name suggests a secret: it contains "password",
 * "secret", "jaas.config", "credential", "token" or ends in ".key"
 * (ignoring case). */
bool config_name_is_sensitive(const char *name);

#endif
