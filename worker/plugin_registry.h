/*
 * The plugin registry: loads plugin libraries through libltdl, checks their
 * ABI descriptor, and finds classes by kind and by name or alias.
 *
 * Thread use: load on one thread at start-up; finding classes afterwards is
 * read-only and may happen from any thread.
 */
#ifndef WORKER_PLUGIN_REGISTRY_H
#define WORKER_PLUGIN_REGISTRY_H

#include <sluice/plugin.h>

typedef struct plugin_registry plugin_registry_t;

plugin_registry_t *plugin_registry_new(void);

/* Unloads every library. NULL does nothing. */
void plugin_registry_destroy(plugin_registry_t *registry);

/*
 * Loads one library file, or every library (*.so) in a directory. A library
 * that is refused (no entry symbol, another ABI version, a bad descriptor,
 * a class name already registered for the same kind) is not registered;
 * the reason, naming the file, is appended to errstr (one line per refused
 * library) and logged. Returns the number of libraries refused (0 = all good,
 * -1 when path itself cannot be read).
 */
int plugin_registry_load(plugin_registry_t *registry, const char *path, char *errstr,
                         size_t errstr_size);

/* Loads each entry of a comma-separated plugin.path; as plugin_registry_load. */
int plugin_registry_load_path_list(plugin_registry_t *registry, const char *plugin_path,
                                   char *errstr, size_t errstr_size);

/*
 * Loads the built-in plugins: the "plugins" directory beside the running
 * binary (the build tree), else <prefix>/lib/sluice/plugins relative to the
 * binary (an install), else the configured install directory.
 */
int plugin_registry_load_builtin(plugin_registry_t *registry, char *errstr, size_t errstr_size);

/* The directory plugin_registry_load_builtin would load, or NULL. */
const char *plugin_registry_builtin_dir(void);

/* A class of kind by its name or one of its aliases; NULL when none. */
const sluice_class_t *plugin_registry_find(const plugin_registry_t *registry,
                                           sluice_class_kind_t kind, const char *name);

/* A class of any kind by name or alias (the first registered); NULL when none. */
const sluice_class_t *plugin_registry_find_any(const plugin_registry_t *registry,
                                               const char *name);

/* Every registered class, in load order. */
size_t plugin_registry_count(const plugin_registry_t *registry);
const sluice_class_t *plugin_registry_class_at(const plugin_registry_t *registry, size_t i);

/* The library file that provided the class at i. */
const char *plugin_registry_file_at(const plugin_registry_t *registry, size_t i);

#endif
