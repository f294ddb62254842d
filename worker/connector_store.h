/*
 * The standalone worker's connector store (Sluice's config.storage.file.filename;
 * Kafka's standalone worker keeps REST-created connectors in memory only).
 * It holds the connectors created or changed through REST, each with its
 * config as written and its target state, in one JSON file:
 *
 *     {"connectors":{"local-file-source":{"config":{"name":"local-file-source",...},
 *                                          "target_state":"STARTED"}}}
 *
 * target_state is Kafka's TargetState name: STARTED, PAUSED or STOPPED.
 * Configs are the originals, placeholders unresolved, so secrets read
 * through config providers never reach the file. A literal password typed
 * into a config does: the file is created with mode 0600.
 *
 * Every change rewrites the file atomically (a temporary file beside it,
 * fsync, rename over it, fsync of the directory), so a crash leaves the old
 * or the new content, never a mix; a change whose write fails leaves the
 * store as it was.
 *
 * Threads: none of its own and no lock; the herder calls it under its lock.
 */
#ifndef WORKER_CONNECTOR_STORE_H
#define WORKER_CONNECTOR_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include <sluice/strmap.h>

typedef struct connector_store connector_store_t;

/*
 * Opens the store kept in path (copied), reading it now: a missing file is
 * an empty store. Returns NULL with errstr naming the file and what is wrong
 * (where, for a JSON error) when it cannot be read or is not in the format
 * above. Destroy with connector_store_destroy.
 */
connector_store_t *connector_store_open(const char *path, char *errstr, size_t errstr_size);

/* NULL does nothing. */
void connector_store_destroy(connector_store_t *store);

const char *connector_store_path(const connector_store_t *store);

/* The stored connectors, in the order first stored. name_at and target_at
 * are borrowed (valid until the next change); config_at returns a new map
 * the caller destroys. */
size_t connector_store_count(const connector_store_t *store);
const char *connector_store_name_at(const connector_store_t *store, size_t i);
sluice_strmap_t *connector_store_config_at(const connector_store_t *store, size_t i);
const char *connector_store_target_at(const connector_store_t *store, size_t i);

bool connector_store_contains(const connector_store_t *store, const char *name);

/*
 * Stores (adds or replaces) connector name with config (copied) and target
 * ("STARTED", "PAUSED" or "STOPPED"), and writes the file. Returns 0, or -1
 * with errstr naming the file and the failed step (nothing changed).
 */
int connector_store_put(connector_store_t *store, const char *name, const sluice_strmap_t *config,
                        const char *target, char *errstr, size_t errstr_size);

/* Changes a stored connector's target and writes the file; a connector not
 * stored is left alone (0). Errors as connector_store_put. */
int connector_store_set_target(connector_store_t *store, const char *name, const char *target,
                               char *errstr, size_t errstr_size);

/* Removes a stored connector and writes the file; a connector not stored is
 * left alone (0). Errors as connector_store_put. */
int connector_store_remove(connector_store_t *store, const char *name, char *errstr,
                           size_t errstr_size);

#endif
