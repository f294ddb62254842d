/*
 * DirectoryConfigProvider: ${dir:/run/secrets:db-password} is the whole
 * content of the file db-password in /run/secrets (as Kubernetes and Docker
 * mount secrets), byte for byte.
 */
#include "providers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct dir_provider {
    sluice_ctx_t *ctx;
    provider_paths_t paths;
} dir_provider_t;

static const sluice_config_key_t dir_provider_config[] = {
    {.name = PROVIDER_ALLOWED_PATHS,
     .type = SLUICE_CONFIG_LIST,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Absolute directories (comma-separated) this provider may read files from; any other "
            "directory is refused. Unset or empty: any directory may be read."},
    SLUICE_CONFIG_END};

static sluice_result_t dir_provider_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    dir_provider_t *dp = provider_alloc(sizeof(*dp));
    dp->ctx = ctx;
    if (provider_paths_init(&dp->paths, config, errstr, errstr_size) < 0) {
        free(dp);
        return SLUICE_FATAL;
    }
    *self = dp;
    return SLUICE_OK;
}

/* Appends the file's bytes to out. Returns 0, or -1 with errstr. */
static int dir_provider_read(const char *file, sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(errstr, errstr_size, "Could not read file %s: %s", file, strerror(errno));
        return -1;
    }
    size_t start = sluice_buf_len(out);
    for (;;) {
        void *dst = sluice_buf_reserve(out, 16384);
        ssize_t n = read(fd, dst, 16384);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(errstr, errstr_size, "Could not read file %s: %s", file, strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        sluice_buf_commit(out, (size_t)n);
    }
    close(fd);
    if (memchr(sluice_buf_data(out) + start, '\0', sluice_buf_len(out) - start)) {
        snprintf(errstr, errstr_size, "file %s holds a NUL byte, which a config value cannot",
                 file);
        return -1;
    }
    return 0;
}

static sluice_result_t dir_provider_get(void *self, const char *path, const char *key,
                                        sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    dir_provider_t *dp = self;
    if (!path[0]) {
        snprintf(errstr, errstr_size,
                 "a directory is needed: write ${<provider>:<directory>:<file name>}");
        return SLUICE_FATAL;
    }
    /* Kafka only matches names listed in the directory; refusing anything
     * that is not a plain file name keeps the lookup inside it the same way */
    if (!key[0] || strchr(key, '/') || strcmp(key, ".") == 0 || strcmp(key, "..") == 0) {
        snprintf(errstr, errstr_size, "'%s' is not a file name", key);
        return SLUICE_FATAL;
    }
    char *dir = provider_paths_check(&dp->paths, path, errstr, errstr_size);
    if (!dir)
        return SLUICE_FATAL;
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(errstr, errstr_size, "The path %s is not a directory", dir);
        free(dir);
        return SLUICE_FATAL;
    }
    size_t len = strlen(dir) + strlen(key) + 2;
    char *joined = provider_alloc(len);
    snprintf(joined, len, "%s/%s", dir, key);
    free(dir);
    sluice_result_t r = SLUICE_FATAL;
    char *file = provider_paths_check(&dp->paths, joined, errstr, errstr_size);
    if (!file)
        goto done;
    if (stat(file, &st) < 0) {
        snprintf(errstr, errstr_size, "Could not read file %s: %s", file, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(errstr, errstr_size, "%s is not a regular file", file);
        goto done;
    }
    if (dir_provider_read(file, out, errstr, errstr_size) == 0)
        r = SLUICE_OK;
done:
    free(file);
    free(joined);
    return r;
}

static void dir_provider_destroy(void *self)
{
    dir_provider_t *dp = self;
    provider_paths_free(&dp->paths);
    free(dp);
}

static const sluice_config_provider_ops_t dir_provider_ops = {
    .struct_size = sizeof(sluice_config_provider_ops_t),
    .create = dir_provider_create,
    .get = dir_provider_get,
    .destroy = dir_provider_destroy,
};

const sluice_class_t directory_config_provider_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONFIG_PROVIDER,
    .name = "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
    .aliases = (const char *const[]){"DirectoryConfigProvider", NULL},
    .version = SLUICE_VERSION_STRING,
    .doc = "Values from the files of a directory: ${provider:<directory>:<file name>}",
    .config = dir_provider_config,
    .config_provider = &dir_provider_ops,
};
