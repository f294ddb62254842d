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
 *
 * errstr must hold a string when called (start it as ""); lines are
 * separated by '\n' and the text is cut at errstr_size. A directory is read
 * as Kafka reads a plugin.path entry: its *.so files and those of its
 * immediate subdirectories, in name order. A library already loaded (the
 * same real path) is skipped silently. Undefined symbols are found at load
 * time (the library is bound immediately), so a plugin that needs a host
 * function this binary lacks is refused instead of failing later.
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
const sluice_class_t *plugin_registry_find_any(const plugin_registry_t *registry, const char *name);

/* Every registered class, in load order. */
size_t plugin_registry_count(const plugin_registry_t *registry);
const sluice_class_t *plugin_registry_class_at(const plugin_registry_t *registry, size_t i);

/* The library file that provided the class at i. */
const char *plugin_registry_file_at(const plugin_registry_t *registry, size_t i);

/*
 * Name matching, in order: the class name or an alias exactly; else, as
 * Kafka does for aliases, the simple name (the text after the last '.' or
 * '$') or the simple name without its kind's suffix ("Connector" for
 * connectors, "Converter", "HeaderConverter", "Transformation", "Predicate",
 * "ConfigProvider"), provided only one class of the kind matches that way.
 * plugin_registry_find and plugin_registry_find_any follow these rules.
 */

/* The simple name of a class name: the text after its last '.' or '$'
 * (a pointer into name). */
const char *plugin_registry_simple_name(const char *name);

/* The suffix Kafka drops from a simple name to make an alias ("Connector",
 * "Converter" …), or NULL for an unknown kind. */
const char *plugin_registry_kind_suffix(sluice_class_kind_t kind);

/* The library file that provided cls (a class this registry returned), or NULL. */
const char *plugin_registry_file_of(const plugin_registry_t *registry, const sluice_class_t *cls);

/* The descriptor of the library that provided the class at i. */
const sluice_plugin_t *plugin_registry_plugin_at(const plugin_registry_t *registry, size_t i);

/*
 * Up to max class names close to name (a typo, another case, a part of the
 * name), best first, for "did you mean" messages; kind 0 means any kind.
 * Fills out with borrowed names and returns how many.
 */
size_t plugin_registry_suggest(const plugin_registry_t *registry, sluice_class_kind_t kind,
                               const char *name, const char **out, size_t max);

#endif
