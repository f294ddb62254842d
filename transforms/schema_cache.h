/*
 * A small LRU map from an input schema to the schema a transform derives
 * from it, as the LRUCache(16) Kafka's transforms keep, so a stream of
 * records with the same schema builds the derived schema once.
 *
 * Lookup compares pointers first (the common case: a converter hands out
 * the same schema object for every record) and then content
 * (sluice_schema_equals), so equal schemas from different objects share the
 * entry. The cache holds a reference to each input schema, so a freed
 * schema's address can never be mistaken for a new one.
 *
 * One instance per transform instance; not thread-safe (a transform
 * instance runs on one thread at a time).
 */
#ifndef TRANSFORMS_SCHEMA_CACHE_H
#define TRANSFORMS_SCHEMA_CACHE_H

#include <sluice/sluice.h>

#define TF_SCHEMA_CACHE_SIZE 16

typedef struct tf_schema_cache tf_schema_cache_t;

tf_schema_cache_t *tf_schema_cache_new(void);

/* Releases every schema the cache holds. NULL does nothing. */
void tf_schema_cache_destroy(tf_schema_cache_t *cache);

/* The schema derived from input (borrowed, valid until the cache evicts it
 * or is destroyed), or NULL when none is cached. */
const sluice_schema_t *tf_schema_cache_get(tf_schema_cache_t *cache, const sluice_schema_t *input);

/* Stores input → derived, taking a reference to input and taking over the
 * caller's reference to derived; evicts the least recently used entry when
 * full. Returns derived (borrowed, as for get). */
const sluice_schema_t *tf_schema_cache_put(tf_schema_cache_t *cache, const sluice_schema_t *input,
                                           const sluice_schema_t *derived);

#endif
