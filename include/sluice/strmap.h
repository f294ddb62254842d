/*
 * Sluice public plugin ABI: an ordered map of strings to strings.
 *
 * Kafka Connect passes configuration as Map<String,String>; this is its C
 * form. Keys keep the order in which they were first set, so configs print
 * and serialise in the order the user wrote them.
 */
#ifndef SLUICE_STRMAP_H
#define SLUICE_STRMAP_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sluice_strmap sluice_strmap_t;

/* A new empty map; free it with sluice_strmap_destroy(). */
sluice_strmap_t *sluice_strmap_new(void);

/* Frees the map and all its strings. NULL does nothing. */
void sluice_strmap_destroy(sluice_strmap_t *map);

/* A deep copy. NULL gives a new empty map. */
sluice_strmap_t *sluice_strmap_copy(const sluice_strmap_t *map);

/* Sets key to value, both copied. An existing key keeps its position.
 * value may not be NULL. */
void sluice_strmap_set(sluice_strmap_t *map, const char *key, const char *value);

/* The value of key, or NULL when absent. Valid until the map changes. */
const char *sluice_strmap_get(const sluice_strmap_t *map, const char *key);

/* Removes key; returns true when it was there. */
bool sluice_strmap_remove(sluice_strmap_t *map, const char *key);

/* Number of entries, and the entry at position i (0 <= i < count). */
size_t sluice_strmap_count(const sluice_strmap_t *map);
const char *sluice_strmap_key_at(const sluice_strmap_t *map, size_t i);
const char *sluice_strmap_value_at(const sluice_strmap_t *map, size_t i);

/*
 * A new map with the entries whose key starts with prefix; with strip the
 * prefix is removed from the keys (Kafka's originalsWithPrefix). The caller
 * destroys it.
 */
sluice_strmap_t *sluice_strmap_subset(const sluice_strmap_t *map, const char *prefix, bool strip);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_STRMAP_H */
