/*
 * FileConfigProvider: ${file:/etc/secrets/db.properties:password} is the
 * value of password in that properties file, read with the host's own
 * properties reader so it parses exactly as the worker config does.
 */
#include "providers.h"

#include <stdio.h>
#include <stdlib.h>

#include <sluice/properties.h>

typedef struct file_provider {
    sluice_ctx_t *ctx;
    provider_paths_t paths;
} file_provider_t;

static const sluice_config_key_t file_provider_config[] = {
    {.name = PROVIDER_ALLOWED_PATHS,
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Absolute directories (comma-separated) whose files this provider may read; a file "
            "outside them is refused. Unset or empty: any file may be read."},
    SLUICE_CONFIG_END};

static sluice_result_t file_provider_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                            void **self, char *errstr, size_t errstr_size)
{
    file_provider_t *fp = provider_alloc(sizeof(*fp));
    fp->ctx = ctx;
    if (provider_paths_init(&fp->paths, config, errstr, errstr_size) < 0) {
        free(fp);
        return SLUICE_FATAL;
    }
    *self = fp;
    return SLUICE_OK;
}

static sluice_result_t file_provider_get(void *self, const char *path, const char *key,
                                         sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    file_provider_t *fp = self;
    if (!path[0]) {
        snprintf(errstr, errstr_size, "a file path is needed: write ${<provider>:<path>:<key>}");
        return SLUICE_FATAL;
    }
    char *file = provider_paths_check(&fp->paths, path, errstr, errstr_size);
    if (!file)
        return SLUICE_FATAL;
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_result_t r = SLUICE_OK;
    if (sluice_properties_parse_file(file, props, errstr, errstr_size) < 0) {
        r = SLUICE_FATAL;
    } else {
        const char *value = sluice_strmap_get(props, key);
        if (value) {
            sluice_buf_puts(out, value);
        } else {
            snprintf(errstr, errstr_size, "no key '%s' in the properties file %s", key, file);
            r = SLUICE_FATAL;
        }
    }
    sluice_strmap_destroy(props);
    free(file);
    return r;
}

static void file_provider_destroy(void *self)
{
    file_provider_t *fp = self;
    provider_paths_free(&fp->paths);
    free(fp);
}

static const sluice_config_provider_ops_t file_provider_ops = {
    .struct_size = sizeof(sluice_config_provider_ops_t),
    .create = file_provider_create,
    .get = file_provider_get,
    .destroy = file_provider_destroy,
};

const sluice_class_t file_config_provider_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONFIG_PROVIDER,
    .name = "org.apache.kafka.common.config.provider.FileConfigProvider",
    .aliases = (const char *const[]){"FileConfigProvider", NULL},
    .version = SLUICE_VERSION_STRING,
    .doc = "Values from properties files: ${provider:<file path>:<key>}",
    .config = file_provider_config,
    .config_provider = &file_provider_ops,
};
