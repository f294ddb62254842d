/*
 * The connector store's file. See connector_store.h.
 *
 * The entries are kept in memory in file order; a change builds the whole
 * document with the change applied, writes it, and only then updates the
 * entries, so a failed write changes nothing.
 */
#include "connector_store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "mem.h"

typedef struct store_entry {
    char *name;
    sluice_strmap_t *config;
    char *target;
} store_entry_t;

struct connector_store {
    char *path;
    store_entry_t *entries;
    size_t count, cap;
};

static bool store_target_valid(const char *target)
{
    return target &&
           (!strcmp(target, "STARTED") || !strcmp(target, "PAUSED") || !strcmp(target, "STOPPED"));
}

static void store_entry_free(store_entry_t *e)
{
    free(e->name);
    sluice_strmap_destroy(e->config);
    free(e->target);
}

static ssize_t store_find(const connector_store_t *store, const char *name)
{
    for (size_t i = 0; i < store->count; i++)
        if (!strcmp(store->entries[i].name, name))
            return (ssize_t)i;
    return -1;
}

/* ---- reading ----------------------------------------------------------------- */

/* Adds one "name": {"config":…, "target_state":…} member; -1 with errstr
 * naming the member when it is not of that shape. */
static int store_load_entry(connector_store_t *store, const char *name, json_t *value, char *errstr,
                            size_t errstr_size)
{
    json_t *config = json_object_get(value, "config");
    json_t *target = json_object_get(value, "target_state");
    if (!json_is_object(value) || !json_is_object(config)) {
        snprintf(errstr, errstr_size,
                 "%s: connectors.%s: must be an object with a \"config\" object", store->path,
                 name);
        return -1;
    }
    if (!json_is_string(target) || !store_target_valid(json_string_value(target))) {
        snprintf(errstr, errstr_size,
                 "%s: connectors.%s.target_state: must be \"STARTED\", \"PAUSED\" or \"STOPPED\"",
                 store->path, name);
        return -1;
    }
    sluice_strmap_t *map = sluice_strmap_new();
    const char *key;
    json_t *v;
    json_object_foreach(config, key, v)
    {
        if (!json_is_string(v)) {
            snprintf(errstr, errstr_size, "%s: connectors.%s.config.%s: must be a string",
                     store->path, name, key);
            sluice_strmap_destroy(map);
            return -1;
        }
        sluice_strmap_set(map, key, json_string_value(v));
    }
    const char *cname = sluice_strmap_get(map, "name");
    if (cname && strcmp(cname, name)) {
        snprintf(errstr, errstr_size,
                 "%s: connectors.%s.config.name: is \"%s\", not the connector's name", store->path,
                 name, cname);
        sluice_strmap_destroy(map);
        return -1;
    }
    if (!cname)
        sluice_strmap_set(map, "name", name);
    mem_grow((void **)&store->entries, &store->cap, store->count + 1, sizeof *store->entries);
    store->entries[store->count++] = (store_entry_t){
        .name = mem_strdup(name),
        .config = map,
        .target = mem_strdup(json_string_value(target)),
    };
    return 0;
}

static int store_load(connector_store_t *store, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(store->path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(errstr, errstr_size, "%s: cannot open: %s", store->path, strerror(errno));
        return -1;
    }
    json_error_t jerr;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!root) {
        snprintf(errstr, errstr_size, "%s: line %d column %d: %s", store->path, jerr.line,
                 jerr.column, jerr.text);
        return -1;
    }
    int rc = 0;
    json_t *conns = json_object_get(root, "connectors");
    if (!json_is_object(root) || !json_is_object(conns)) {
        snprintf(errstr, errstr_size, "%s: not a connector store (expected {\"connectors\":{…}})",
                 store->path);
        rc = -1;
    }
    const char *name;
    json_t *value;
    if (rc == 0)
        json_object_foreach(conns, name, value)
        {
            if (store_load_entry(store, name, value, errstr, errstr_size)) {
                rc = -1;
                break;
            }
        }
    json_decref(root);
    return rc;
}

connector_store_t *connector_store_open(const char *path, char *errstr, size_t errstr_size)
{
    connector_store_t *store = mem_calloc(1, sizeof *store);
    store->path = mem_strdup(path);
    if (store_load(store, errstr, errstr_size)) {
        connector_store_destroy(store);
        return NULL;
    }
    return store;
}

void connector_store_destroy(connector_store_t *store)
{
    if (!store)
        return;
    for (size_t i = 0; i < store->count; i++)
        store_entry_free(&store->entries[i]);
    free(store->entries);
    free(store->path);
    free(store);
}

const char *connector_store_path(const connector_store_t *store)
{
    return store->path;
}

size_t connector_store_count(const connector_store_t *store)
{
    return store->count;
}

const char *connector_store_name_at(const connector_store_t *store, size_t i)
{
    return i < store->count ? store->entries[i].name : NULL;
}

sluice_strmap_t *connector_store_config_at(const connector_store_t *store, size_t i)
{
    return i < store->count ? sluice_strmap_copy(store->entries[i].config) : NULL;
}

const char *connector_store_target_at(const connector_store_t *store, size_t i)
{
    return i < store->count ? store->entries[i].target : NULL;
}

bool connector_store_contains(const connector_store_t *store, const char *name)
{
    return store_find(store, name) >= 0;
}

/* ---- writing ----------------------------------------------------------------- */

static json_t *store_entry_json(const sluice_strmap_t *config, const char *target)
{
    json_t *cfg = json_object();
    for (size_t i = 0; i < sluice_strmap_count(config); i++)
        json_object_set_new(cfg, sluice_strmap_key_at(config, i),
                            json_string(sluice_strmap_value_at(config, i)));
    json_t *entry = json_object();
    json_object_set_new(entry, "config", cfg);
    json_object_set_new(entry, "target_state", json_string(target));
    return entry;
}

/* The document for the current entries; *conns gets its "connectors". */
static json_t *store_document(const connector_store_t *store, json_t **conns)
{
    json_t *root = json_object();
    *conns = json_object();
    for (size_t i = 0; i < store->count; i++)
        json_object_set_new(*conns, store->entries[i].name,
                            store_entry_json(store->entries[i].config, store->entries[i].target));
    json_object_set_new(root, "connectors", *conns);
    return root;
}

/* Replaces the file with root's text (mode 0600: configs may hold literal
 * passwords). Takes root. */
static int store_write(connector_store_t *store, json_t *root, char *errstr, size_t errstr_size)
{
    char *text = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    size_t len = strlen(text);
    text = mem_realloc(text, len + 2);
    memcpy(text + len, "\n", 2);
    int rc = atomic_file_replace(store->path, text, len + 1, 0600, "connector store", errstr,
                                 errstr_size);
    free(text);
    return rc;
}

int connector_store_put(connector_store_t *store, const char *name, const sluice_strmap_t *config,
                        const char *target, char *errstr, size_t errstr_size)
{
    json_t *conns;
    json_t *root = store_document(store, &conns);
    /* An existing member keeps its place in the file. */
    json_object_set_new(conns, name, store_entry_json(config, target));
    if (store_write(store, root, errstr, errstr_size))
        return -1;
    ssize_t i = store_find(store, name);
    if (i < 0) {
        mem_grow((void **)&store->entries, &store->cap, store->count + 1, sizeof *store->entries);
        i = (ssize_t)store->count++;
        store->entries[i].name = mem_strdup(name);
    } else {
        sluice_strmap_destroy(store->entries[i].config);
        free(store->entries[i].target);
    }
    store->entries[i].config = sluice_strmap_copy(config);
    store->entries[i].target = mem_strdup(target);
    return 0;
}

int connector_store_set_target(connector_store_t *store, const char *name, const char *target,
                               char *errstr, size_t errstr_size)
{
    ssize_t i = store_find(store, name);
    if (i < 0 || !strcmp(store->entries[i].target, target))
        return 0;
    json_t *conns;
    json_t *root = store_document(store, &conns);
    json_object_set_new(json_object_get(conns, name), "target_state", json_string(target));
    if (store_write(store, root, errstr, errstr_size))
        return -1;
    free(store->entries[i].target);
    store->entries[i].target = mem_strdup(target);
    return 0;
}

int connector_store_remove(connector_store_t *store, const char *name, char *errstr,
                           size_t errstr_size)
{
    ssize_t i = store_find(store, name);
    if (i < 0)
        return 0;
    json_t *conns;
    json_t *root = store_document(store, &conns);
    json_object_del(conns, name);
    if (store_write(store, root, errstr, errstr_size))
        return -1;
    store_entry_free(&store->entries[i]);
    memmove(&store->entries[i], &store->entries[i + 1],
            (store->count - (size_t)i - 1) * sizeof *store->entries);
    store->count--;
    return 0;
}
