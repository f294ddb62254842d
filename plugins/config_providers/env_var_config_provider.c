/*
 * EnvVarConfigProvider: ${env:DB_USER} is the environment variable DB_USER,
 * if its name matches allowlist.pattern (a POSIX extended regular expression
 * that must match the whole name, as Java's Pattern.matches does).
 */
#include "providers.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENV_PROVIDER_PATTERN "allowlist.pattern"

typedef struct env_provider {
    sluice_ctx_t *ctx;
    regex_t allow; /* the pattern anchored at both ends */
} env_provider_t;

/* Compiles pattern so that it matches whole names only. */
static int env_provider_compile(const char *pattern, regex_t *re, char *errstr, size_t errstr_size)
{
    /* compile it alone first: wrapping could balance a stray parenthesis */
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc == 0) {
        regfree(re);
        size_t len = strlen(pattern) + 5;
        char *anchored = provider_alloc(len);
        snprintf(anchored, len, "^(%s)$", pattern);
        rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
        free(anchored);
        if (rc == 0)
            return 0;
    }
    char why[256];
    regerror(rc, re, why, sizeof why);
    snprintf(errstr, errstr_size, "not a valid POSIX extended regular expression: %s", why);
    return -1;
}

static int env_provider_check_pattern(const char *name, const char *value, char *errstr,
                                      size_t errstr_size)
{
    (void)name;
    regex_t re;
    if (!value)
        return 0;
    if (env_provider_compile(value, &re, errstr, errstr_size) < 0)
        return -1;
    regfree(&re);
    return 0;
}

static const sluice_config_key_t env_provider_config[] = {
    {.name = ENV_PROVIDER_PATTERN,
     .type = SLUICE_CONFIG_STRING,
     .default_value = ".*",
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .validator = SLUICE_CHECK(env_provider_check_pattern),
     .doc = "A POSIX extended regular expression; only environment variables whose whole name "
            "matches it can be read."},
    SLUICE_CONFIG_END};

static sluice_result_t env_provider_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    env_provider_t *ep = provider_alloc(sizeof(*ep));
    ep->ctx = ctx;
    const char *pattern = sluice_config_get_string(config, ENV_PROVIDER_PATTERN);
    if (!pattern)
        pattern = ".*";
    if (env_provider_compile(pattern, &ep->allow, errstr, errstr_size) < 0) {
        free(ep);
        return SLUICE_FATAL;
    }
    if (!sluice_strmap_get(sluice_config_originals(config), ENV_PROVIDER_PATTERN))
        sluice_log(ctx, SLUICE_LOG_INFO, "No %s given: every environment variable can be read",
                   ENV_PROVIDER_PATTERN);
    *self = ep;
    return SLUICE_OK;
}

static sluice_result_t env_provider_get(void *self, const char *path, const char *key,
                                        sluice_buf_t *out, char *errstr, size_t errstr_size)
{
    env_provider_t *ep = self;
    if (path[0]) {
        snprintf(errstr, errstr_size,
                 "Path is not supported for EnvVarConfigProvider, invalid value '%s'", path);
        return SLUICE_FATAL;
    }
    if (regexec(&ep->allow, key, 0, NULL, 0) != 0) {
        snprintf(errstr, errstr_size, "the environment variable '%s' does not match %s", key,
                 ENV_PROVIDER_PATTERN);
        return SLUICE_FATAL;
    }
    const char *value = getenv(key);
    if (!value) {
        snprintf(errstr, errstr_size, "the environment variable '%s' is not set", key);
        return SLUICE_FATAL;
    }
    sluice_buf_puts(out, value);
    return SLUICE_OK;
}

static void env_provider_destroy(void *self)
{
    env_provider_t *ep = self;
    regfree(&ep->allow);
    free(ep);
}

static const sluice_config_provider_ops_t env_provider_ops = {
    .struct_size = sizeof(sluice_config_provider_ops_t),
    .create = env_provider_create,
    .get = env_provider_get,
    .destroy = env_provider_destroy,
};

const sluice_class_t env_var_config_provider_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_CONFIG_PROVIDER,
    .name = "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
    .aliases = (const char *const[]){"EnvVarConfigProvider", NULL},
    .version = SLUICE_VERSION_STRING,
    .doc = "Values from environment variables: ${provider:<variable name>}",
    .config = env_provider_config,
    .config_provider = &env_provider_ops,
};
