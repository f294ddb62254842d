/* Config providers and ${provider:path:key} placeholders (see config_transformer.h). */
#include "config_transformer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "log.h"
#include "mem.h"

#define CONFIG_PROVIDERS_KEY "config.providers"

typedef struct config_provider {
    char *name; /* the name placeholders use: "file" */
    const sluice_class_t *cls;
    sluice_ctx_t *ctx;
    sluice_config_t *config; /* the params, alive as long as the instance */
    void *self;
} config_provider_t;

struct config_providers {
    config_provider_t *items;
    size_t count;
    size_t cap;
    /* An instance's callbacks are called from one thread at a time (the
     * ABI's promise); resolving is rare, so one lock for all will do. */
    pthread_mutex_t lock;
};

/* One ${provider:[path:]key} found in a value, as offsets into it. */
typedef struct config_placeholder {
    size_t start, end; /* the whole "${...}" */
    size_t provider, provider_len;
    size_t path, path_len; /* path_len 0: no path */
    size_t key, key_len;
} config_placeholder_t;

/*
 * Finds the first placeholder at or after from, with the outcome of Kafka's
 * pattern \$\{([^}]*?):(([^}]*?):)?([^}]*?)\}: the provider runs to the
 * first ':', the path (when a second ':' follows) to the next ':', the key
 * to the '}'.
 */
static bool config_providers_find(const char *value, size_t from, config_placeholder_t *ph)
{
    const char *s = value + from;
    while ((s = strstr(s, "${")) != NULL) {
        const char *body = s + 2;
        const char *close = strchr(body, '}');
        if (!close)
            return false;
        const char *colon = memchr(body, ':', (size_t)(close - body));
        if (!colon) {
            s++;
            continue;
        }
        const char *rest = colon + 1;
        const char *colon2 = memchr(rest, ':', (size_t)(close - rest));
        ph->start = (size_t)(s - value);
        ph->end = (size_t)(close + 1 - value);
        ph->provider = (size_t)(body - value);
        ph->provider_len = (size_t)(colon - body);
        if (colon2) {
            ph->path = (size_t)(rest - value);
            ph->path_len = (size_t)(colon2 - rest);
            ph->key = (size_t)(colon2 + 1 - value);
        } else {
            ph->path = ph->path_len = 0;
            ph->key = (size_t)(rest - value);
        }
        ph->key_len = (size_t)(close - value) - ph->key;
        return true;
    }
    return false;
}

bool config_providers_has_placeholder(const char *value)
{
    config_placeholder_t ph;
    return value && config_providers_find(value, 0, &ph);
}

static void config_providers_error(sluice_buf_t *errors, const char *fmt, ...) SLUICE_PRINTF(2, 3);

static void config_providers_error(sluice_buf_t *errors, const char *fmt, ...)
{
    if (sluice_buf_len(errors))
        sluice_buf_putc(errors, '\n');
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(errors, fmt, ap);
    va_end(ap);
}

static void config_providers_copy_errors(sluice_buf_t *errors, char *errstr, size_t errstr_size)
{
    if (errstr_size)
        snprintf(errstr, errstr_size, "%s", sluice_buf_data(errors));
}

/* A new formatted string the caller frees. */
static char *config_providers_strf(const char *fmt, ...) SLUICE_PRINTF(1, 2);

static char *config_providers_strf(const char *fmt, ...)
{
    sluice_buf_t *buf = sluice_buf_new();
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(buf, fmt, ap);
    va_end(ap);
    char *str = sluice_buf_detach(buf, NULL);
    sluice_buf_destroy(buf);
    return str;
}

/* "FileConfigProvider" for logging, from the class's full name. */
static const char *config_providers_simple_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : name;
}

void config_providers_destroy(config_providers_t *providers)
{
    if (!providers)
        return;
    for (size_t i = 0; i < providers->count; i++) {
        config_provider_t *p = &providers->items[i];
        if (p->self)
            p->cls->config_provider->destroy(p->self);
        sluice_config_destroy(p->config);
        ctx_destroy(p->ctx);
        free(p->name);
    }
    free(providers->items);
    pthread_mutex_destroy(&providers->lock);
    free(providers);
}

static const config_provider_t *config_providers_get(const config_providers_t *providers,
                                                     const char *name, size_t len)
{
    for (size_t i = 0; providers && i < providers->count; i++)
        if (strlen(providers->items[i].name) == len &&
            memcmp(providers->items[i].name, name, len) == 0)
            return &providers->items[i];
    return NULL;
}

/* Prefixes each line of text with prefix into errors. */
static void config_providers_error_lines(sluice_buf_t *errors, const char *prefix, const char *text)
{
    const char *line = text;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        config_providers_error(errors, "%s%.*s", prefix, (int)len, line);
        line += len + (nl ? 1 : 0);
    }
}

/* Looks up and starts the provider called name; errors go to errors. */
static void config_providers_start_one(config_providers_t *providers,
                                       const plugin_registry_t *registry,
                                       const sluice_strmap_t *worker_props, const char *name,
                                       sluice_buf_t *errors)
{
    char *class_key = config_providers_strf(CONFIG_PROVIDERS_KEY ".%s.class", name);
    const char *raw_class = sluice_strmap_get(worker_props, class_key);
    char *class_name = NULL;
    sluice_strmap_t *params = NULL;
    if (raw_class) {
        /* Java trims class names (ConfigDef CLASS) */
        const char *b = raw_class, *e = raw_class + strlen(raw_class);
        while (b < e && (unsigned char)*b <= ' ')
            b++;
        while (e > b && (unsigned char)e[-1] <= ' ')
            e--;
        class_name = mem_strndup(b, (size_t)(e - b));
    }
    if (!class_name || !class_name[0]) {
        config_providers_error(errors, "%s lists '%s' but %s is not set", CONFIG_PROVIDERS_KEY,
                               name, class_key);
        goto done;
    }
    const sluice_class_t *cls =
        registry ? plugin_registry_find(registry, SLUICE_CLASS_CONFIG_PROVIDER, class_name) : NULL;
    if (!cls) {
        const char *suggestions[3];
        size_t n = registry ? plugin_registry_suggest(registry, SLUICE_CLASS_CONFIG_PROVIDER,
                                                      class_name, suggestions, 3)
                            : 0;
        sluice_buf_t *hint = sluice_buf_new();
        for (size_t i = 0; i < n; i++)
            sluice_buf_printf(hint, "%s'%s'", i ? ", " : "; did you mean ", suggestions[i]);
        config_providers_error(errors,
                               "Invalid value %s for configuration %s: Could not find a config "
                               "provider class with that name or alias%s",
                               class_name, class_key, sluice_buf_data(hint));
        sluice_buf_destroy(hint);
        goto done;
    }
    const sluice_config_provider_ops_t *ops = cls->config_provider;
    if (!ops || !ops->create || !ops->get || !ops->destroy) {
        config_providers_error(errors, "Config provider class %s (%s) lacks its operations",
                               cls->name, class_key);
        goto done;
    }

    char *param_prefix = config_providers_strf(CONFIG_PROVIDERS_KEY ".%s.param.", name);
    params = sluice_strmap_subset(worker_props, param_prefix, true);
    free(param_prefix);

    char err[2048] = "";
    sluice_config_t *config = sluice_config_new(cls->config, params, err, sizeof err);
    char *prefix = config_providers_strf("Config provider '%s' (%s): ", name, cls->name);
    if (!config) {
        config_providers_error_lines(errors, prefix, err);
        free(prefix);
        goto done;
    }
    config_provider_t p = {
        .name = mem_strdup(name),
        .cls = cls,
        .ctx = ctx_new(name, config_providers_simple_name(cls->name)),
        .config = config,
    };
    err[0] = '\0';
    sluice_result_t r = ops->create(p.ctx, config, &p.self, err, sizeof err);
    if (r != SLUICE_OK) {
        config_providers_error(errors, "%sfailed to start (%s): %s", prefix, sluice_result_name(r),
                               err[0] ? err : "no reason given");
        /* a create that fails has freed what it made: *self is not trusted */
        sluice_config_destroy(p.config);
        ctx_destroy(p.ctx);
        free(p.name);
        free(prefix);
        goto done;
    }
    free(prefix);
    mem_grow((void **)&providers->items, &providers->cap, providers->count + 1,
             sizeof(config_provider_t));
    providers->items[providers->count++] = p;

done:
    sluice_strmap_destroy(params);
    free(class_name);
    free(class_key);
}

config_providers_t *config_providers_new(const plugin_registry_t *registry,
                                         const sluice_strmap_t *worker_props, char *errstr,
                                         size_t errstr_size)
{
    config_providers_t *providers = mem_calloc(1, sizeof(*providers));
    pthread_mutex_init(&providers->lock, NULL);
    const char *list = worker_props ? sluice_strmap_get(worker_props, CONFIG_PROVIDERS_KEY) : NULL;
    if (errstr_size)
        errstr[0] = '\0';
    if (!list)
        return providers;

    sluice_buf_t *errors = sluice_buf_new();
    sluice_strmap_t *seen = sluice_strmap_new(); /* a name listed twice is one provider */
    const char *s = list;
    for (;;) {
        const char *comma = strchr(s, ',');
        const char *b = s, *e = comma ? comma : s + strlen(s);
        /* Kafka does not trim here, so "file, env" silently loses " env";
         * trimming is what the user meant */
        while (b < e && (unsigned char)*b <= ' ')
            b++;
        while (e > b && (unsigned char)e[-1] <= ' ')
            e--;
        if (e > b) {
            char *name = mem_strndup(b, (size_t)(e - b));
            if (!sluice_strmap_get(seen, name)) {
                sluice_strmap_set(seen, name, "");
                config_providers_start_one(providers, registry, worker_props, name, errors);
            }
            free(name);
        }
        if (!comma)
            break;
        s = comma + 1;
    }
    sluice_strmap_destroy(seen);
    if (sluice_buf_len(errors)) {
        config_providers_copy_errors(errors, errstr, errstr_size);
        sluice_buf_destroy(errors);
        config_providers_destroy(providers);
        return NULL;
    }
    sluice_buf_destroy(errors);
    for (size_t i = 0; i < providers->count; i++)
        log_info(NULL, "config", "Config provider '%s' uses %s", providers->items[i].name,
                 providers->items[i].cls->name);
    return providers;
}

size_t config_providers_count(const config_providers_t *providers)
{
    return providers ? providers->count : 0;
}

const char *config_providers_name_at(const config_providers_t *providers, size_t i)
{
    return providers && i < providers->count ? providers->items[i].name : NULL;
}

/* Resolves every placeholder of one value into out; errors go to errors. */
static void config_providers_resolve_value(config_providers_t *providers, const char *key,
                                           const char *value, sluice_buf_t *out, sluice_buf_t *got,
                                           sluice_buf_t *errors)
{
    config_placeholder_t ph;
    size_t pos = 0;
    while (config_providers_find(value, pos, &ph)) {
        sluice_buf_append(out, value + pos, ph.start - pos);
        pos = ph.end;
        const config_provider_t *p =
            config_providers_get(providers, value + ph.provider, ph.provider_len);
        if (!p) {
            log_warn(NULL, "config",
                     "Configuration '%s' refers to config provider '%.*s', which is not in %s; "
                     "keeping '%.*s' as it is",
                     key, (int)ph.provider_len, value + ph.provider, CONFIG_PROVIDERS_KEY,
                     (int)(ph.end - ph.start), value + ph.start);
            sluice_buf_append(out, value + ph.start, ph.end - ph.start);
            continue;
        }
        char *path = mem_strndup(value + ph.path, ph.path_len);
        char *name = mem_strndup(value + ph.key, ph.key_len);
        char err[1024] = "";
        sluice_buf_reset(got);
        pthread_mutex_lock(&providers->lock);
        sluice_result_t r = p->cls->config_provider->get(p->self, path, name, got, err, sizeof err);
        pthread_mutex_unlock(&providers->lock);
        if (r == SLUICE_OK && sluice_buf_is_null(got)) {
            r = SLUICE_FATAL;
            snprintf(err, sizeof err, "the provider returned no value");
        }
        if (r != SLUICE_OK) {
            /* the placeholder is the user's own text, never the secret */
            config_providers_error(errors,
                                   "Could not resolve '%.*s' in configuration '%s': config "
                                   "provider '%s' (%s) failed%s: %s",
                                   (int)(ph.end - ph.start), value + ph.start, key, p->name,
                                   p->cls->name, r == SLUICE_RETRY ? " (may work later)" : "",
                                   err[0] ? err : "no reason given");
        } else if (memchr(sluice_buf_data(got), '\0', sluice_buf_len(got))) {
            config_providers_error(errors,
                                   "Could not resolve '%.*s' in configuration '%s': config "
                                   "provider '%s' (%s) returned a value holding a NUL byte",
                                   (int)(ph.end - ph.start), value + ph.start, key, p->name,
                                   p->cls->name);
        } else {
            sluice_buf_append(out, sluice_buf_data(got), sluice_buf_len(got));
        }
        free(path);
        free(name);
    }
    sluice_buf_puts(out, value + pos);
}

sluice_strmap_t *config_providers_resolve(config_providers_t *providers,
                                          const sluice_strmap_t *props, char *errstr,
                                          size_t errstr_size)
{
    sluice_strmap_t *resolved = sluice_strmap_new();
    sluice_buf_t *errors = sluice_buf_new(), *out = sluice_buf_new(), *got = sluice_buf_new();
    for (size_t i = 0; props && i < sluice_strmap_count(props); i++) {
        const char *key = sluice_strmap_key_at(props, i);
        const char *value = sluice_strmap_value_at(props, i);
        sluice_buf_reset(out);
        config_providers_resolve_value(providers, key, value, out, got, errors);
        sluice_strmap_set(resolved, key, sluice_buf_data(out));
    }
    sluice_buf_destroy(got);
    sluice_buf_destroy(out);
    if (sluice_buf_len(errors)) {
        config_providers_copy_errors(errors, errstr, errstr_size);
        sluice_buf_destroy(errors);
        sluice_strmap_destroy(resolved);
        return NULL;
    }
    sluice_buf_destroy(errors);
    if (errstr_size)
        errstr[0] = '\0';
    return resolved;
}
