/*
 * Shared pieces of the built-in config providers (Kafka's FileConfigProvider,
 * DirectoryConfigProvider and EnvVarConfigProvider). This library may use
 * only libc and the public sluice_* ABI, which resolves against the host
 * binary when the library is loaded.
 */
#ifndef PLUGINS_CONFIG_PROVIDERS_PROVIDERS_H
#define PLUGINS_CONFIG_PROVIDERS_PROVIDERS_H

#include <sluice/sluice.h>

extern const sluice_class_t file_config_provider_class;
extern const sluice_class_t directory_config_provider_class;
extern const sluice_class_t env_var_config_provider_class;

/* Allocation with the host's policy: abort when memory runs out. */
void *provider_alloc(size_t size);
char *provider_strdup(const char *str);

/* The allowed.paths setting of the file and directory providers. */
#define PROVIDER_ALLOWED_PATHS "allowed.paths"

/*
 * The directories a provider may read, as Kafka's AllowedPaths: each entry
 * absolute and existing, compared after lexical normalisation ("a/../b"),
 * whole path components only. Beyond Kafka, the path a symbolic link leads
 * to must be inside them too, so a link cannot escape.
 */
typedef struct provider_paths {
    char **lexical; /* normalised entries */
    char **real;    /* the same through realpath() */
    size_t count;   /* 0: every path is allowed */
} provider_paths_t;

/* Reads allowed.paths from config into paths. Returns 0, or -1 with errstr
 * ("Path x is not absolute", "Path x does not exist"). */
int provider_paths_init(provider_paths_t *paths, const sluice_config_t *config, char *errstr,
                        size_t errstr_size);
void provider_paths_free(provider_paths_t *paths);

/*
 * The path to open for an untrusted path (malloc()ed: the caller frees it),
 * or NULL with the reason in errstr when allowed.paths refuses it.
 */
char *provider_paths_check(const provider_paths_t *paths, const char *path, char *errstr,
                           size_t errstr_size);

#endif
