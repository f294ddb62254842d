/*
 * The plugin registry: opens plugin libraries with libltdl, checks every
 * field of their descriptor that the host will rely on, and answers class
 * lookups.
 *
 * Nothing in a library is called before the checks pass except its entry
 * function, whose only job is to return a pointer to static data. A refused
 * library is closed again and leaves no trace in the registry.
 */
#include "plugin_registry.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <ltdl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

#ifndef SLUICE_PLUGIN_INSTALL_DIR
#define SLUICE_PLUGIN_INSTALL_DIR "/usr/local/lib/sluice/plugins"
#endif
#ifndef SLUICE_PLUGIN_INSTALL_SUBDIR
#define SLUICE_PLUGIN_INSTALL_SUBDIR "lib/sluice/plugins"
#endif

#define REGISTRY_LOGGER "plugin_registry"

/*
 * The sizes of the ABI 1 structs, measured to the end of their last ABI 1
 * field, so that fields appended later (which keep the ABI version) do not
 * raise the minimum a plugin built against ABI 1 must declare.
 */
#define END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
#define ABI1_PLUGIN_SIZE END_OF(sluice_plugin_t, classes)
#define ABI1_CLASS_SIZE END_OF(sluice_class_t, task_config)
#define ABI1_CONNECTOR_SIZE END_OF(sluice_connector_ops_t, validate)
#define ABI1_SOURCE_TASK_SIZE END_OF(sluice_source_task_ops_t, destroy)
#define ABI1_SINK_TASK_SIZE END_OF(sluice_sink_task_ops_t, destroy)
#define ABI1_CONVERTER_SIZE END_OF(sluice_converter_ops_t, destroy)
#define ABI1_HEADER_CONVERTER_SIZE END_OF(sluice_header_converter_ops_t, destroy)
#define ABI1_TRANSFORM_SIZE END_OF(sluice_transform_ops_t, destroy)
#define ABI1_PREDICATE_SIZE END_OF(sluice_predicate_ops_t, destroy)
#define ABI1_CONFIG_PROVIDER_SIZE END_OF(sluice_config_provider_ops_t, destroy)

typedef struct plugin_lib {
    lt_dlhandle handle;
    char *file; /* the real path */
    const sluice_plugin_t *plugin;
} plugin_lib_t;

typedef struct plugin_entry {
    const sluice_class_t *cls;
    size_t lib; /* index into libs */
} plugin_entry_t;

struct plugin_registry {
    plugin_lib_t *libs;
    size_t lib_count;
    size_t lib_cap;
    plugin_entry_t *entries;
    size_t count;
    size_t cap;
    bool ltdl_ready;
};

/* ---- error text ---------------------------------------------------------- */

/* Appends one line to errstr; a buffer that holds no string is reset first. */
static void registry_append_error(char *errstr, size_t errstr_size, const char *line)
{
    if (!errstr || errstr_size == 0)
        return;
    size_t len = strnlen(errstr, errstr_size);
    if (len == errstr_size)
        len = 0;
    errstr[len] = '\0';
    if (len > 0 && len + 1 < errstr_size)
        errstr[len++] = '\n';
    if (len < errstr_size)
        snprintf(errstr + len, errstr_size - len, "%s", line);
}

/* Logs a refusal and appends it to errstr. */
static void registry_refuse(char *errstr, size_t errstr_size, const char *fmt, ...)
    SLUICE_PRINTF(3, 4);

static void registry_refuse(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_error(NULL, REGISTRY_LOGGER, "%s", line);
    registry_append_error(errstr, errstr_size, line);
}

/* ---- lifecycle ------------------------------------------------------------- */

plugin_registry_t *plugin_registry_new(void)
{
    plugin_registry_t *registry = mem_calloc(1, sizeof(*registry));
    /* lt_dlinit is reference counted, so registries may coexist. */
    if (lt_dlinit() == 0)
        registry->ltdl_ready = true;
    else
        log_error(NULL, REGISTRY_LOGGER, "libltdl could not be initialised: %s", lt_dlerror());
    return registry;
}

void plugin_registry_destroy(plugin_registry_t *registry)
{
    if (!registry)
        return;
    /* Reverse load order, so a library is closed before those loaded earlier. */
    for (size_t i = registry->lib_count; i-- > 0;) {
        lt_dlclose(registry->libs[i].handle);
        free(registry->libs[i].file);
    }
    free(registry->libs);
    free(registry->entries);
    if (registry->ltdl_ready)
        lt_dlexit();
    free(registry);
}

/* ---- naming ---------------------------------------------------------------- */

static const char *const kind_suffixes[] = {
    [SLUICE_CLASS_SOURCE_CONNECTOR] = "Connector",
    [SLUICE_CLASS_SINK_CONNECTOR] = "Connector",
    [SLUICE_CLASS_CONVERTER] = "Converter",
    [SLUICE_CLASS_HEADER_CONVERTER] = "HeaderConverter",
    [SLUICE_CLASS_TRANSFORM] = "Transformation",
    [SLUICE_CLASS_PREDICATE] = "Predicate",
    [SLUICE_CLASS_CONFIG_PROVIDER] = "ConfigProvider",
};

static bool kind_valid(int kind)
{
    return kind >= SLUICE_CLASS_SOURCE_CONNECTOR && kind <= SLUICE_CLASS_CONFIG_PROVIDER;
}

const char *plugin_registry_kind_suffix(sluice_class_kind_t kind)
{
    return kind_valid((int)kind) ? kind_suffixes[kind] : NULL;
}

static const char *kind_label(sluice_class_kind_t kind)
{
    const char *name = sluice_class_kind_name(kind);
    return name ? name : "unknown";
}

/* Java's getSimpleName: the class name without its package or outer class. */
const char *plugin_registry_simple_name(const char *name)
{
    const char *simple = name;
    for (const char *p = name; *p; p++)
        if (*p == '.' || *p == '$')
            simple = p + 1;
    return simple;
}

/*
 * True when name is the class's simple name, or its simple name cut at the
 * last occurrence of the kind's suffix (Kafka's prunedName: the suffix must
 * not start the name).
 */
static bool matches_short_name(const sluice_class_t *cls, const char *name)
{
    const char *simple = plugin_registry_simple_name(cls->name);
    if (strcmp(simple, name) == 0)
        return true;
    const char *suffix = kind_suffixes[cls->kind];
    const char *pos = NULL;
    for (const char *p = strstr(simple, suffix); p; p = strstr(p + 1, suffix))
        pos = p;
    if (!pos || pos == simple)
        return false;
    size_t len = (size_t)(pos - simple);
    return strlen(name) == len && strncmp(simple, name, len) == 0;
}

static bool matches_exactly(const sluice_class_t *cls, const char *name)
{
    if (strcmp(cls->name, name) == 0)
        return true;
    for (size_t i = 0; cls->aliases && cls->aliases[i]; i++)
        if (strcmp(cls->aliases[i], name) == 0)
            return true;
    return false;
}

/* ---- descriptor checks ----------------------------------------------------- */

/* The ops struct pointers of a class, for size checks. */
typedef struct ops_ref {
    const char *label;
    const void *ops;
    size_t min_size;
} ops_ref_t;

static bool check_config_table(const sluice_config_key_t *keys, const char *file,
                               const char *class_name, const char *what, char *errstr,
                               size_t errstr_size)
{
    for (size_t k = 0; keys && keys[k].name; k++) {
        const sluice_config_key_t *key = &keys[k];
        if ((int)key->type < SLUICE_CONFIG_BOOLEAN || (int)key->type > SLUICE_CONFIG_PASSWORD) {
            registry_refuse(errstr, errstr_size, "%s: class %s: %s key %s has an unknown type %d",
                            file, class_name, what, key->name, (int)key->type);
            return false;
        }
        if ((int)key->importance < SLUICE_IMPORTANCE_HIGH ||
            (int)key->importance > SLUICE_IMPORTANCE_LOW) {
            registry_refuse(errstr, errstr_size,
                            "%s: class %s: %s key %s has an unknown importance %d", file,
                            class_name, what, key->name, (int)key->importance);
            return false;
        }
    }
    return true;
}

/*
 * The callbacks a kind cannot work without; NULL when all are present, else
 * the name of the first missing one.
 */
static const char *missing_callback(const sluice_class_t *cls)
{
    switch (cls->kind) {
    case SLUICE_CLASS_SOURCE_CONNECTOR:
    case SLUICE_CLASS_SINK_CONNECTOR:
        if (!cls->connector->start)
            return "connector.start";
        if (!cls->connector->task_configs)
            return "connector.task_configs";
        if (!cls->connector->destroy)
            return "connector.destroy";
        if (cls->kind == SLUICE_CLASS_SOURCE_CONNECTOR) {
            if (!cls->source_task->start)
                return "source_task.start";
            if (!cls->source_task->poll)
                return "source_task.poll";
            if (!cls->source_task->destroy)
                return "source_task.destroy";
        } else {
            if (!cls->sink_task->start)
                return "sink_task.start";
            if (!cls->sink_task->put)
                return "sink_task.put";
            if (!cls->sink_task->destroy)
                return "sink_task.destroy";
        }
        return NULL;
    case SLUICE_CLASS_CONVERTER:
        if (!cls->converter->create)
            return "converter.create";
        if (!cls->converter->from_connect)
            return "converter.from_connect";
        if (!cls->converter->to_connect)
            return "converter.to_connect";
        if (!cls->converter->destroy)
            return "converter.destroy";
        return NULL;
    case SLUICE_CLASS_HEADER_CONVERTER:
        if (!cls->header_converter->create)
            return "header_converter.create";
        if (!cls->header_converter->from_header)
            return "header_converter.from_header";
        if (!cls->header_converter->to_header)
            return "header_converter.to_header";
        if (!cls->header_converter->destroy)
            return "header_converter.destroy";
        return NULL;
    case SLUICE_CLASS_TRANSFORM:
        if (!cls->transform->create)
            return "transform.create";
        if (!cls->transform->apply)
            return "transform.apply";
        if (!cls->transform->destroy)
            return "transform.destroy";
        return NULL;
    case SLUICE_CLASS_PREDICATE:
        if (!cls->predicate->create)
            return "predicate.create";
        if (!cls->predicate->test)
            return "predicate.test";
        if (!cls->predicate->destroy)
            return "predicate.destroy";
        return NULL;
    case SLUICE_CLASS_CONFIG_PROVIDER:
        if (!cls->config_provider->create)
            return "config_provider.create";
        if (!cls->config_provider->get)
            return "config_provider.get";
        if (!cls->config_provider->destroy)
            return "config_provider.destroy";
        return NULL;
    }
    return NULL;
}

/* The ops structs a kind requires; NULL when present, else the missing one's name. */
static const char *missing_ops(const sluice_class_t *cls)
{
    switch (cls->kind) {
    case SLUICE_CLASS_SOURCE_CONNECTOR:
        if (!cls->connector)
            return "connector";
        return cls->source_task ? NULL : "source_task";
    case SLUICE_CLASS_SINK_CONNECTOR:
        if (!cls->connector)
            return "connector";
        return cls->sink_task ? NULL : "sink_task";
    case SLUICE_CLASS_CONVERTER: return cls->converter ? NULL : "converter";
    case SLUICE_CLASS_HEADER_CONVERTER: return cls->header_converter ? NULL : "header_converter";
    case SLUICE_CLASS_TRANSFORM: return cls->transform ? NULL : "transform";
    case SLUICE_CLASS_PREDICATE: return cls->predicate ? NULL : "predicate";
    case SLUICE_CLASS_CONFIG_PROVIDER: return cls->config_provider ? NULL : "config_provider";
    }
    return NULL;
}

/* Checks one class of a library; false (with the reason recorded) refuses it. */
static bool check_class(const sluice_class_t *cls, size_t index, const char *file, char *errstr,
                        size_t errstr_size)
{
    if (cls->struct_size < ABI1_CLASS_SIZE) {
        registry_refuse(errstr, errstr_size,
                        "%s: class #%zu declares struct_size %u, smaller than sluice_class_t "
                        "of ABI version %d (%zu bytes)",
                        file, index, (unsigned)cls->struct_size, SLUICE_ABI_VERSION,
                        (size_t)ABI1_CLASS_SIZE);
        return false;
    }
    if (!cls->name || !cls->name[0]) {
        registry_refuse(errstr, errstr_size, "%s: class #%zu has no name", file, index);
        return false;
    }
    if (!kind_valid((int)cls->kind)) {
        registry_refuse(errstr, errstr_size, "%s: class %s has an unknown kind %d", file, cls->name,
                        (int)cls->kind);
        return false;
    }
    if (!cls->version) {
        registry_refuse(errstr, errstr_size, "%s: class %s has no version", file, cls->name);
        return false;
    }
    for (size_t a = 0; cls->aliases && cls->aliases[a]; a++) {
        if (!cls->aliases[a][0]) {
            registry_refuse(errstr, errstr_size, "%s: class %s has an empty alias", file,
                            cls->name);
            return false;
        }
    }

    const ops_ref_t refs[] = {
        {"connector", cls->connector, ABI1_CONNECTOR_SIZE},
        {"source_task", cls->source_task, ABI1_SOURCE_TASK_SIZE},
        {"sink_task", cls->sink_task, ABI1_SINK_TASK_SIZE},
        {"converter", cls->converter, ABI1_CONVERTER_SIZE},
        {"header_converter", cls->header_converter, ABI1_HEADER_CONVERTER_SIZE},
        {"transform", cls->transform, ABI1_TRANSFORM_SIZE},
        {"predicate", cls->predicate, ABI1_PREDICATE_SIZE},
        {"config_provider", cls->config_provider, ABI1_CONFIG_PROVIDER_SIZE},
    };
    for (size_t r = 0; r < sizeof refs / sizeof refs[0]; r++) {
        /* Every ops struct starts with its uint32_t struct_size. */
        uint32_t size;
        if (!refs[r].ops)
            continue;
        memcpy(&size, refs[r].ops, sizeof size);
        if (size < refs[r].min_size) {
            registry_refuse(errstr, errstr_size,
                            "%s: class %s: %s ops declare struct_size %u, smaller than "
                            "sluice_%s_ops_t of ABI version %d (%zu bytes)",
                            file, cls->name, refs[r].label, (unsigned)size, refs[r].label,
                            SLUICE_ABI_VERSION, refs[r].min_size);
            return false;
        }
    }

    const char *missing = missing_ops(cls);
    if (missing) {
        registry_refuse(errstr, errstr_size, "%s: class %s is a %s but has no %s ops", file,
                        cls->name, kind_label(cls->kind), missing);
        return false;
    }
    missing = missing_callback(cls);
    if (missing) {
        registry_refuse(errstr, errstr_size,
                        "%s: class %s is a %s but its required callback %s is NULL", file,
                        cls->name, kind_label(cls->kind), missing);
        return false;
    }
    if (!check_config_table(cls->config, file, cls->name, "config", errstr, errstr_size) ||
        !check_config_table(cls->task_config, file, cls->name, "task config", errstr, errstr_size))
        return false;
    return true;
}

/* The first name of a that also names b (name or alias), or NULL. */
static const char *shared_name(const sluice_class_t *a, const sluice_class_t *b)
{
    if (matches_exactly(b, a->name))
        return a->name;
    for (size_t i = 0; a->aliases && a->aliases[i]; i++)
        if (matches_exactly(b, a->aliases[i]))
            return a->aliases[i];
    return NULL;
}

/*
 * Refuses a class whose name or alias is taken, for the same kind, by a class
 * already registered or by an earlier class of the same library.
 */
static bool check_duplicates(const plugin_registry_t *registry, const sluice_plugin_t *plugin,
                             size_t index, const char *file, char *errstr, size_t errstr_size)
{
    const sluice_class_t *cls = plugin->classes[index];
    for (size_t i = 0; i < registry->count; i++) {
        const sluice_class_t *other = registry->entries[i].cls;
        const char *name;
        if (other->kind != cls->kind || !(name = shared_name(cls, other)))
            continue;
        registry_refuse(errstr, errstr_size,
                        "%s: %s class name %s is already registered by %s (class %s); "
                        "refusing the whole library",
                        file, kind_label(cls->kind), name,
                        registry->libs[registry->entries[i].lib].file, other->name);
        return false;
    }
    for (size_t i = 0; i < index; i++) {
        const sluice_class_t *other = plugin->classes[i];
        const char *name;
        if (other->kind != cls->kind || !(name = shared_name(cls, other)))
            continue;
        registry_refuse(errstr, errstr_size,
                        "%s: %s class name %s is declared twice in this library (classes %s "
                        "and %s)",
                        file, kind_label(cls->kind), name, other->name, cls->name);
        return false;
    }
    return true;
}

/* Checks the descriptor and all its classes; false when the library is refused. */
static bool check_plugin(const plugin_registry_t *registry, const sluice_plugin_t *plugin,
                         const char *file, char *errstr, size_t errstr_size)
{
    if (!plugin) {
        registry_refuse(errstr, errstr_size, "%s: %s() returned NULL instead of a descriptor", file,
                        SLUICE_PLUGIN_ENTRY_SYMBOL);
        return false;
    }
    /* abi_version and struct_size lead the descriptor in every ABI version. */
    if (plugin->abi_version != SLUICE_ABI_VERSION) {
        registry_refuse(errstr, errstr_size,
                        "%s: built for ABI version %u, this sluice supports %d; rebuild the "
                        "plugin against this sluice's headers",
                        file, (unsigned)plugin->abi_version, SLUICE_ABI_VERSION);
        return false;
    }
    if (plugin->struct_size < ABI1_PLUGIN_SIZE) {
        registry_refuse(errstr, errstr_size,
                        "%s: descriptor declares struct_size %u, smaller than sluice_plugin_t "
                        "of ABI version %d (%zu bytes)",
                        file, (unsigned)plugin->struct_size, SLUICE_ABI_VERSION,
                        (size_t)ABI1_PLUGIN_SIZE);
        return false;
    }
    if (!plugin->classes || !plugin->classes[0]) {
        registry_refuse(errstr, errstr_size, "%s: plugin %s declares no classes", file,
                        plugin->name ? plugin->name : "(unnamed)");
        return false;
    }
    for (size_t i = 0; plugin->classes[i]; i++) {
        if (!check_class(plugin->classes[i], i, file, errstr, errstr_size))
            return false;
    }
    for (size_t i = 0; plugin->classes[i]; i++) {
        if (!check_duplicates(registry, plugin, i, file, errstr, errstr_size))
            return false;
    }
    return true;
}

/* ---- loading ----------------------------------------------------------------- */

static bool registry_has_file(const plugin_registry_t *registry, const char *real)
{
    for (size_t i = 0; i < registry->lib_count; i++)
        if (strcmp(registry->libs[i].file, real) == 0)
            return true;
    return false;
}

/* dlerror() texts start with the file name; drop it, the message has it already. */
static const char *strip_file_prefix(const char *text, const char *file)
{
    size_t len = strlen(file);
    if (text && strncmp(text, file, len) == 0 && text[len] == ':') {
        text += len + 1;
        while (*text == ' ')
            text++;
    }
    return text ? text : "unknown error";
}

/* Loads one library file; 0 when registered (or already loaded), 1 when refused. */
static int registry_load_file(plugin_registry_t *registry, const char *path, char *errstr,
                              size_t errstr_size)
{
    char *real = realpath(path, NULL);
    if (!real) {
        registry_refuse(errstr, errstr_size, "%s: cannot be loaded: %s", path, strerror(errno));
        return 1;
    }
    if (registry_has_file(registry, real)) {
        log_debug(NULL, REGISTRY_LOGGER, "Plugin library %s is already loaded", real);
        free(real);
        return 0;
    }
    if (!registry->ltdl_ready) {
        registry_refuse(errstr, errstr_size, "%s: cannot be loaded: libltdl is not initialised",
                        real);
        free(real);
        return 1;
    }

    /*
     * libltdl opens with lazy binding, which would let a missing host
     * function surface only when first called, killing the process. Binding
     * the library immediately first makes that a refusal here; the object
     * then stays bound when libltdl opens it again.
     */
    void *probe = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!probe) {
        registry_refuse(errstr, errstr_size, "%s: cannot be loaded: %s", real,
                        strip_file_prefix(dlerror(), real));
        free(real);
        return 1;
    }
    lt_dladvise advise;
    lt_dlhandle handle = NULL;
    if (lt_dladvise_init(&advise) == 0) {
        if (lt_dladvise_local(&advise) == 0)
            handle = lt_dlopenadvise(real, advise);
        lt_dladvise_destroy(&advise);
    }
    dlclose(probe);
    if (!handle) {
        registry_refuse(errstr, errstr_size, "%s: cannot be loaded: %s", real,
                        strip_file_prefix(lt_dlerror(), real));
        free(real);
        return 1;
    }

    void *symbol = lt_dlsym(handle, SLUICE_PLUGIN_ENTRY_SYMBOL);
    if (!symbol) {
        registry_refuse(errstr, errstr_size,
                        "%s: not a sluice plugin: it does not export %s() (declare it with "
                        "SLUICE_PLUGIN_DECLARE)",
                        real, SLUICE_PLUGIN_ENTRY_SYMBOL);
        goto refuse;
    }
    sluice_plugin_entry_fn entry;
    memcpy(&entry, &symbol, sizeof entry); /* object to function pointer, as POSIX allows */
    const sluice_plugin_t *plugin = entry();
    if (!check_plugin(registry, plugin, real, errstr, errstr_size))
        goto refuse;

    mem_grow((void **)&registry->libs, &registry->lib_cap, registry->lib_count + 1,
             sizeof(*registry->libs));
    size_t lib = registry->lib_count++;
    registry->libs[lib] = (plugin_lib_t){.handle = handle, .file = real, .plugin = plugin};
    size_t added = 0;
    for (size_t i = 0; plugin->classes[i]; i++, added++) {
        mem_grow((void **)&registry->entries, &registry->cap, registry->count + 1,
                 sizeof(*registry->entries));
        registry->entries[registry->count++] =
            (plugin_entry_t){.cls = plugin->classes[i], .lib = lib};
    }
    log_debug(NULL, REGISTRY_LOGGER, "Loaded plugin %s %s (%zu classes) from %s",
              plugin->name ? plugin->name : "(unnamed)", plugin->version ? plugin->version : "",
              added, real);
    return 0;

refuse:
    lt_dlclose(handle);
    free(real);
    return 1;
}

static bool has_so_suffix(const char *name)
{
    size_t len = strlen(name);
    return len > 3 && strcmp(name + len - 3, ".so") == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Loads the *.so files of dir in name order and, at depth 0, those of its
 * subdirectories. Returns the number refused, or -1 when dir cannot be read.
 */
static int registry_load_dir(plugin_registry_t *registry, const char *dir, int depth, char *errstr,
                             size_t errstr_size)
{
    DIR *d = opendir(dir);
    if (!d) {
        char line[PATH_MAX + 128];
        snprintf(line, sizeof line, "plugin path %s cannot be read: %s", dir, strerror(errno));
        log_error(NULL, REGISTRY_LOGGER, "%s", line);
        registry_append_error(errstr, errstr_size, line);
        return -1;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        mem_grow((void **)&names, &cap, count + 1, sizeof(*names));
        names[count++] = mem_strdup(ent->d_name);
    }
    closedir(d);
    if (count > 1)
        qsort(names, count, sizeof(*names), compare_names);

    int refused = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = mem_alloc(len);
        snprintf(path, len, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISREG(st.st_mode) && has_so_suffix(names[i])) {
                refused += registry_load_file(registry, path, errstr, errstr_size);
            } else if (S_ISDIR(st.st_mode) && depth == 0) {
                int n = registry_load_dir(registry, path, depth + 1, errstr, errstr_size);
                refused += n < 0 ? 1 : n;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return refused;
}

int plugin_registry_load(plugin_registry_t *registry, const char *path, char *errstr,
                         size_t errstr_size)
{
    struct stat st;
    if (!path || !*path || stat(path, &st) != 0) {
        char line[PATH_MAX + 128];
        snprintf(line, sizeof line, "plugin path %s cannot be read: %s", path ? path : "(null)",
                 path && *path ? strerror(errno) : "empty path");
        log_error(NULL, REGISTRY_LOGGER, "%s", line);
        registry_append_error(errstr, errstr_size, line);
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return registry_load_dir(registry, path, 0, errstr, errstr_size);
    if (S_ISREG(st.st_mode))
        return registry_load_file(registry, path, errstr, errstr_size);
    char line[PATH_MAX + 128];
    snprintf(line, sizeof line, "plugin path %s is neither a file nor a directory", path);
    log_error(NULL, REGISTRY_LOGGER, "%s", line);
    registry_append_error(errstr, errstr_size, line);
    return -1;
}

int plugin_registry_load_path_list(plugin_registry_t *registry, const char *plugin_path,
                                   char *errstr, size_t errstr_size)
{
    int refused = 0;
    bool unreadable = false;
    const char *p = plugin_path;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *start = p;
        while (start < end && isspace((unsigned char)*start))
            start++;
        const char *stop = end;
        while (stop > start && isspace((unsigned char)stop[-1]))
            stop--;
        if (stop > start) {
            char *entry = mem_strndup(start, (size_t)(stop - start));
            int n = plugin_registry_load(registry, entry, errstr, errstr_size);
            free(entry);
            if (n < 0)
                unreadable = true;
            else
                refused += n;
        }
        p = comma ? comma + 1 : end;
    }
    return unreadable ? -1 : refused;
}

/* ---- the built-in directory -------------------------------------------------- */

static char builtin_dir[PATH_MAX];
static bool builtin_found;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void builtin_dir_init(void)
{
    char exe[PATH_MAX];
    char candidate[PATH_MAX * 2];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        /* The build tree keeps plugins beside the binary; an install keeps
         * them under <prefix>/<libdir>/sluice/plugins, relative to <prefix>/bin. */
        snprintf(candidate, sizeof candidate, "%s/plugins", exe);
        if (!is_dir(candidate))
            snprintf(candidate, sizeof candidate, "%s/../%s", exe, SLUICE_PLUGIN_INSTALL_SUBDIR);
        if (is_dir(candidate) && realpath(candidate, builtin_dir)) {
            builtin_found = true;
            return;
        }
    }
    if (is_dir(SLUICE_PLUGIN_INSTALL_DIR)) {
        snprintf(builtin_dir, sizeof builtin_dir, "%s", SLUICE_PLUGIN_INSTALL_DIR);
        builtin_found = true;
    }
}

const char *plugin_registry_builtin_dir(void)
{
    pthread_once(&builtin_once, builtin_dir_init);
    return builtin_found ? builtin_dir : NULL;
}

int plugin_registry_load_builtin(plugin_registry_t *registry, char *errstr, size_t errstr_size)
{
    const char *dir = plugin_registry_builtin_dir();
    if (!dir) {
        char line[512];
        snprintf(line, sizeof line,
                 "no built-in plugin directory: neither plugins/ beside the sluice binary, "
                 "../%s relative to it, nor %s exists",
                 SLUICE_PLUGIN_INSTALL_SUBDIR, SLUICE_PLUGIN_INSTALL_DIR);
        log_error(NULL, REGISTRY_LOGGER, "%s", line);
        registry_append_error(errstr, errstr_size, line);
        return -1;
    }
    return plugin_registry_load(registry, dir, errstr, errstr_size);
}

/* ---- lookups ------------------------------------------------------------------- */

/*
 * The class named name, of kind (0: any). Exact names and aliases win, in
 * registration order; then the short names, which must be unambiguous: a
 * short name shared by classes with different names finds none.
 */
static const sluice_class_t *registry_lookup(const plugin_registry_t *registry, int kind,
                                             const char *name)
{
    if (!registry || !name || !*name)
        return NULL;
    for (size_t i = 0; i < registry->count; i++) {
        const sluice_class_t *cls = registry->entries[i].cls;
        if ((kind == 0 || (int)cls->kind == kind) && matches_exactly(cls, name))
            return cls;
    }
    const sluice_class_t *found = NULL;
    for (size_t i = 0; i < registry->count; i++) {
        const sluice_class_t *cls = registry->entries[i].cls;
        if ((kind != 0 && (int)cls->kind != kind) || !matches_short_name(cls, name))
            continue;
        if (!found)
            found = cls;
        else if (strcmp(found->name, cls->name) != 0)
            return NULL; /* ambiguous, as Kafka drops a non-unique alias */
    }
    return found;
}

const sluice_class_t *plugin_registry_find(const plugin_registry_t *registry,
                                           sluice_class_kind_t kind, const char *name)
{
    if (!kind_valid((int)kind))
        return NULL;
    return registry_lookup(registry, (int)kind, name);
}

const sluice_class_t *plugin_registry_find_any(const plugin_registry_t *registry, const char *name)
{
    return registry_lookup(registry, 0, name);
}

size_t plugin_registry_count(const plugin_registry_t *registry)
{
    return registry ? registry->count : 0;
}

const sluice_class_t *plugin_registry_class_at(const plugin_registry_t *registry, size_t i)
{
    return registry && i < registry->count ? registry->entries[i].cls : NULL;
}

const char *plugin_registry_file_at(const plugin_registry_t *registry, size_t i)
{
    return registry && i < registry->count ? registry->libs[registry->entries[i].lib].file : NULL;
}

const sluice_plugin_t *plugin_registry_plugin_at(const plugin_registry_t *registry, size_t i)
{
    return registry && i < registry->count ? registry->libs[registry->entries[i].lib].plugin : NULL;
}

const char *plugin_registry_file_of(const plugin_registry_t *registry, const sluice_class_t *cls)
{
    for (size_t i = 0; registry && i < registry->count; i++)
        if (registry->entries[i].cls == cls)
            return registry->libs[registry->entries[i].lib].file;
    return NULL;
}

/* ---- suggestions ---------------------------------------------------------------- */

/* Levenshtein distance ignoring ASCII case, capped at cap + 1. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t *row = mem_alloc((lb + 1) * sizeof(*row));
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost =
                tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* How far candidate is from name (lower is closer); SIZE_MAX when not close. */
static size_t name_score(const char *candidate, const char *name)
{
    size_t len = strlen(name);
    if (strcasecmp(candidate, name) == 0)
        return 0;
    size_t cap = len < 6 ? 2 : len / 3;
    size_t d = edit_distance(candidate, name, cap);
    if (d <= cap)
        return d;
    /* A part of the name ("json" for JsonConverter) is a fair guess too. */
    if (len >= 3 && strcasestr(candidate, name))
        return cap + 1;
    return SIZE_MAX;
}

static size_t class_score(const sluice_class_t *cls, const char *name)
{
    size_t best = name_score(cls->name, name);
    size_t s = name_score(plugin_registry_simple_name(cls->name), name);
    if (s < best)
        best = s;
    for (size_t i = 0; cls->aliases && cls->aliases[i]; i++) {
        s = name_score(cls->aliases[i], name);
        if (s < best)
            best = s;
    }
    return best;
}

size_t plugin_registry_suggest(const plugin_registry_t *registry, sluice_class_kind_t kind,
                               const char *name, const char **out, size_t max)
{
    if (!registry || !name || !out || max == 0)
        return 0;
    size_t *scores = mem_alloc(max * sizeof(*scores));
    size_t n = 0;
    for (size_t i = 0; i < registry->count; i++) {
        const sluice_class_t *cls = registry->entries[i].cls;
        if ((int)kind != 0 && cls->kind != kind)
            continue;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], cls->name) == 0;
        size_t score;
        if (seen || (score = class_score(cls, name)) == SIZE_MAX)
            continue;
        /* Insertion into the best-first list, keeping registration order on ties. */
        size_t pos = n;
        while (pos > 0 && scores[pos - 1] > score)
            pos--;
        if (pos >= max)
            continue;
        size_t last = n < max ? n : max - 1;
        for (size_t k = last; k > pos; k--) {
            out[k] = out[k - 1];
            scores[k] = scores[k - 1];
        }
        out[pos] = cls->name;
        scores[pos] = score;
        if (n < max)
            n++;
    }
    free(scores);
    return n;
}
