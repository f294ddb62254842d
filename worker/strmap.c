/* sluice_strmap_t: the ordered string map of the public ABI. Configs hold
 * tens of keys, so a linear search over an array beats hashing here. */
#include <sluice/strmap.h>

#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct sluice_strmap {
    char **keys;
    char **values;
    size_t count;
    size_t cap;
};

sluice_strmap_t *sluice_strmap_new(void)
{
    return mem_calloc(1, sizeof(sluice_strmap_t));
}

void sluice_strmap_destroy(sluice_strmap_t *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->count; i++) {
        free(map->keys[i]);
        free(map->values[i]);
    }
    free(map->keys);
    free(map->values);
    free(map);
}

sluice_strmap_t *sluice_strmap_copy(const sluice_strmap_t *map)
{
    sluice_strmap_t *copy = sluice_strmap_new();
    for (size_t i = 0; map && i < map->count; i++)
        sluice_strmap_set(copy, map->keys[i], map->values[i]);
    return copy;
}

static long strmap_find(const sluice_strmap_t *map, const char *key)
{
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0)
            return (long)i;
    return -1;
}

void sluice_strmap_set(sluice_strmap_t *map, const char *key, const char *value)
{
    long i = strmap_find(map, key);
    if (i >= 0) {
        char *v = mem_strdup(value);
        free(map->values[i]);
        map->values[i] = v;
        return;
    }
    if (map->count == map->cap) {
        size_t cap = map->cap;
        mem_grow((void **)&map->keys, &cap, map->count + 1, sizeof(char *));
        cap = map->cap;
        mem_grow((void **)&map->values, &cap, map->count + 1, sizeof(char *));
        map->cap = cap;
    }
    map->keys[map->count] = mem_strdup(key);
    map->values[map->count] = mem_strdup(value);
    map->count++;
}

const char *sluice_strmap_get(const sluice_strmap_t *map, const char *key)
{
    long i = strmap_find(map, key);
    return i >= 0 ? map->values[i] : NULL;
}

bool sluice_strmap_remove(sluice_strmap_t *map, const char *key)
{
    long i = strmap_find(map, key);
    if (i < 0)
        return false;
    free(map->keys[i]);
    free(map->values[i]);
    size_t tail = map->count - (size_t)i - 1;
    memmove(map->keys + i, map->keys + i + 1, tail * sizeof(char *));
    memmove(map->values + i, map->values + i + 1, tail * sizeof(char *));
    map->count--;
    return true;
}

size_t sluice_strmap_count(const sluice_strmap_t *map)
{
    return map->count;
}

const char *sluice_strmap_key_at(const sluice_strmap_t *map, size_t i)
{
    return i < map->count ? map->keys[i] : NULL;
}

const char *sluice_strmap_value_at(const sluice_strmap_t *map, size_t i)
{
    return i < map->count ? map->values[i] : NULL;
}

sluice_strmap_t *sluice_strmap_subset(const sluice_strmap_t *map, const char *prefix, bool strip)
{
    sluice_strmap_t *out = sluice_strmap_new();
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < map->count; i++)
        if (strncmp(map->keys[i], prefix, plen) == 0)
            sluice_strmap_set(out, strip ? map->keys[i] + plen : map->keys[i], map->values[i]);
    return out;
}
