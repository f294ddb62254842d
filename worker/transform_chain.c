/*
 * The transform chain: Kafka's ConnectorConfig.transformationStages,
 * TransformationStage and TransformationChain, on the plugin ABI.
 *
 * Building follows Kafka's validation of the enriched connector ConfigDef
 * (ConnectorConfig.enrich), so a bad chain is refused before any record
 * flows, with every problem listed and each naming its full key. Kafka
 * itself lets a predicate alias missing from `predicates` through
 * validation and fails later on an undefined key; it is refused here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/buf.h>

#include "config_internal.h"
#include "ctx.h"
#include "log.h"
#include "mem.h"
#include "transform_chain.h"

#define CHAIN_TRANSFORMS "transforms"
#define CHAIN_PREDICATES "predicates"

/* Room for one plugin message before the stage prefix goes on it. */
#define CHAIN_ERRSTR_SIZE 2048

/* One alias of `predicates`, resolved and configured once; every stage that
 * names it gets its own instance, as in Kafka. */
typedef struct chain_predicate {
    char *alias;
    const sluice_class_t *cls;
    sluice_config_t *config; /* NULL when the alias is unusable */
} chain_predicate_t;

typedef struct chain_stage {
    char *alias;
    const sluice_class_t *cls;
    const char *short_name; /* "InsertField$Value": into cls->name */
    sluice_config_t *config;
    sluice_ctx_t *ctx;
    void *self;

    const chain_predicate_t *pred; /* NULL: the stage always applies */
    sluice_ctx_t *pred_ctx;
    void *pred_self;
    bool negate;
} chain_stage_t;

struct transform_chain {
    chain_stage_t *stages;
    size_t count;
    chain_predicate_t *preds;
    size_t pred_count;
    int failed;
    char scratch[CHAIN_ERRSTR_SIZE];
};

static const sluice_config_key_t chain_alias_keys[] = {
    {.name = CHAIN_TRANSFORMS,
     .type = SLUICE_CONFIG_LIST,
     .default_value = "",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Aliases for the transformations to be applied to records."},
    {.name = CHAIN_PREDICATES,
     .type = SLUICE_CONFIG_LIST,
     .default_value = "",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Aliases for the predicates used by transformations."},
    SLUICE_CONFIG_END};

static void chain_error(sluice_buf_t *errors, const char *fmt, ...) SLUICE_PRINTF(2, 3);

static void chain_error(sluice_buf_t *errors, const char *fmt, ...)
{
    if (sluice_buf_len(errors))
        sluice_buf_putc(errors, '\n');
    va_list ap;
    va_start(ap, fmt);
    sluice_buf_vprintf(errors, fmt, ap);
    va_end(ap);
}

/* The class name without its package: "InsertField$Value", as Kafka's
 * stage names read (the text after the last '.'). */
static const char *chain_short_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : name;
}

/* The props under prefix (stripped of it or not), without the keys prefix + skip[i]. */
static sluice_strmap_t *chain_props_under(const sluice_strmap_t *props, const char *prefix,
                                          bool strip, const char *const *skip)
{
    sluice_strmap_t *sub = sluice_strmap_subset(props, prefix, strip);
    size_t plen = strlen(prefix);
    for (size_t i = 0; skip && skip[i]; i++) {
        if (strip) {
            sluice_strmap_remove(sub, skip[i]);
        } else {
            char *key = mem_alloc(plen + strlen(skip[i]) + 1);
            memcpy(key, prefix, plen);
            strcpy(key + plen, skip[i]);
            sluice_strmap_remove(sub, key);
            free(key);
        }
    }
    return sub;
}

/* A copy of keys with prefix in front of every name; free it with
 * chain_keys_free. */
static sluice_config_key_t *chain_keys_prefixed(const sluice_config_key_t *keys, const char *prefix)
{
    size_t n = 0;
    while (keys && keys[n].name)
        n++;
    sluice_config_key_t *out = mem_calloc(n + 1, sizeof(*out));
    sluice_buf_t *name = sluice_buf_new();
    for (size_t i = 0; i < n; i++) {
        out[i] = keys[i];
        sluice_buf_reset(name);
        sluice_buf_printf(name, "%s%s", prefix, keys[i].name);
        out[i].name = mem_strdup(sluice_buf_data(name));
    }
    sluice_buf_destroy(name);
    return out;
}

static void chain_keys_free(sluice_config_key_t *keys)
{
    for (size_t i = 0; keys && keys[i].name; i++)
        free((char *)keys[i].name);
    free(keys);
}

/*
 * Parses the properties under prefix (stripped, without skip) against cls's
 * table. Returns the config, or NULL with the problems appended to errors
 * under their full key names: the table is parsed again with the prefix on
 * its names, so each message reads as Kafka's validation of the enriched
 * connector config does ("Missing required configuration
 * \"transforms.route.regex\" which has no default value.").
 */
static sluice_config_t *chain_parse(const sluice_class_t *cls, const sluice_strmap_t *props,
                                    const char *prefix, const char *const *skip,
                                    const char *context, sluice_buf_t *errors)
{
    char why[CHAIN_ERRSTR_SIZE];
    sluice_strmap_t *sub = chain_props_under(props, prefix, true, skip);
    sluice_config_t *config = sluice_config_new(cls->config, sub, why, sizeof why);
    if (config) {
        config_warn_unknown_keys(context, cls->config, sub, NULL);
        sluice_strmap_destroy(sub);
        return config;
    }
    sluice_strmap_destroy(sub);

    sluice_config_key_t *keys = chain_keys_prefixed(cls->config, prefix);
    sluice_strmap_t *full = chain_props_under(props, prefix, false, skip);
    char why_full[CHAIN_ERRSTR_SIZE];
    sluice_config_t *again = sluice_config_new(keys, full, why_full, sizeof why_full);
    if (again) {
        /* a validator that looks at the key name: keep the short text */
        sluice_config_destroy(again);
        chain_error(errors, "%s: %s", prefix, why);
    } else {
        chain_error(errors, "%s", why_full);
    }
    sluice_strmap_destroy(full);
    chain_keys_free(keys);
    return NULL;
}

/*
 * Finds the class of kind named by the key type_key (prefix + "type") in
 * props. Returns it, or NULL with the problem appended to errors.
 */
static const sluice_class_t *chain_find_class(const plugin_registry_t *registry,
                                              sluice_class_kind_t kind,
                                              const sluice_strmap_t *props, const char *prefix,
                                              sluice_buf_t *errors)
{
    const char *what = kind == SLUICE_CLASS_TRANSFORM ? "Transformation" : "Predicate";
    sluice_buf_t *key = sluice_buf_new();
    sluice_buf_printf(key, "%stype", prefix);
    sluice_config_key_t keys[] = {{.name = sluice_buf_data(key),
                                   .type = SLUICE_CONFIG_CLASS,
                                   .required = true,
                                   .importance = SLUICE_IMPORTANCE_HIGH,
                                   .validator = SLUICE_NON_EMPTY},
                                  SLUICE_CONFIG_END};
    char why[CHAIN_ERRSTR_SIZE];
    sluice_config_t *config = sluice_config_new(keys, props, why, sizeof why);
    const sluice_class_t *cls = NULL;
    if (!config) {
        chain_error(errors, "%s", why);
        goto done;
    }
    const char *name = sluice_config_get_string(config, keys[0].name);
    cls = plugin_registry_find(registry, kind, name);
    if (cls)
        goto done;

    const sluice_class_t *other = plugin_registry_find_any(registry, name);
    if (other) {
        chain_error(errors, "Invalid value %s for configuration %s: %s is a %s, not a %s", name,
                    keys[0].name, other->name, sluice_class_kind_name(other->kind), what);
        goto done;
    }
    const char *close[3];
    size_t n = plugin_registry_suggest(registry, kind, name, close, 3);
    sluice_buf_t *msg = sluice_buf_new();
    sluice_buf_printf(msg, "Invalid value %s for configuration %s: Class %s could not be found",
                      name, keys[0].name, name);
    for (size_t i = 0; i < n; i++)
        sluice_buf_printf(msg, "%s%s", i ? (i + 1 < n ? ", " : " or ") : "; did you mean ",
                          close[i]);
    sluice_buf_puts(msg, n ? "?" : ".");
    chain_error(errors, "%s", sluice_buf_data(msg));
    sluice_buf_destroy(msg);
done:
    sluice_config_destroy(config);
    sluice_buf_destroy(key);
    return cls;
}

/* The aliases of a LIST key, refusing empty and duplicate ones as Kafka's
 * aliasValidator does. Returns how many; *items points into config. */
static size_t chain_aliases(const sluice_config_t *config, const sluice_strmap_t *props,
                            const char *key, const char *const **items, sluice_buf_t *errors)
{
    size_t n = sluice_config_get_list(config, key, items);
    for (size_t i = 0; i < n; i++) {
        if (!(*items)[i][0]) {
            chain_error(errors, "Invalid value %s for configuration %s: an alias is empty",
                        sluice_strmap_get(props, key), key);
            return 0;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp((*items)[i], (*items)[j]) == 0) {
                chain_error(errors,
                            "Invalid value %s for configuration %s: Duplicate alias provided "
                            "('%s').",
                            sluice_strmap_get(props, key), key, (*items)[i]);
                return 0;
            }
        }
    }
    return n;
}

static char *chain_join(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = mem_alloc(la + lb + lc + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

/* why without a leading "<short_name>: ", which transforms put on their
 * messages and the stage prefix already says. */
static const char *chain_unprefix(const char *why, const char *short_name)
{
    size_t n = strlen(short_name);
    if (strncmp(why, short_name, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
        return why + n + 2;
    return why;
}

static bool chain_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/*
 * Appends to errors the message of a plugin whose create refused its config.
 * Where it says "configuration <key>" of a key of the class's table, the key
 * gets its full path (transforms.<alias>.<key>), as the table's own errors
 * have; a message naming no key is put after "<prefix> (<class>): ".
 */
static void chain_create_error(sluice_buf_t *errors, const char *why, const sluice_class_t *cls,
                               const char *prefix)
{
    static const char needle[] = "configuration ";
    const char *short_name = chain_short_name(cls->name);
    why = why[0] ? chain_unprefix(why, short_name) : "could not be created";
    sluice_buf_t *msg = sluice_buf_new();
    bool named = false;
    const char *p = why, *hit;
    while ((hit = strstr(p, needle)) != NULL) {
        hit += sizeof needle - 1;
        if (*hit == '"')
            hit++;
        sluice_buf_append(msg, p, (size_t)(hit - p));
        p = hit;
        for (size_t k = 0; cls->config && cls->config[k].name; k++) {
            size_t n = strlen(cls->config[k].name);
            if (strncmp(hit, cls->config[k].name, n) == 0 && !chain_name_char(hit[n])) {
                sluice_buf_puts(msg, prefix);
                named = true;
                break;
            }
        }
    }
    sluice_buf_puts(msg, p);
    if (named) {
        chain_error(errors, "%s", sluice_buf_data(msg));
    } else {
        size_t plen = strlen(prefix);
        chain_error(errors, "%.*s (%s): %s", (int)(plen ? plen - 1 : 0), prefix, short_name,
                    sluice_buf_data(msg));
    }
    sluice_buf_destroy(msg);
}

/* Resolves and configures one alias of `predicates`. */
static void chain_predicate_init(chain_predicate_t *pred, const plugin_registry_t *registry,
                                 const sluice_strmap_t *props, const char *alias,
                                 const char *context, sluice_buf_t *errors)
{
    static const char *const skip[] = {"type", NULL};
    char *prefix = chain_join(CHAIN_PREDICATES ".", alias, ".");
    char *name = chain_join(context, "|predicate-", alias);
    pred->alias = mem_strdup(alias);
    pred->cls = chain_find_class(registry, SLUICE_CLASS_PREDICATE, props, prefix, errors);
    if (pred->cls)
        pred->config = chain_parse(pred->cls, props, prefix, skip, name, errors);
    free(name);
    free(prefix);
}

/*
 * Builds stage st for alias: the transform instance and, if one is named,
 * its predicate instance. Problems go to errors; st keeps what was made so
 * far for transform_chain_destroy.
 */
static void chain_stage_init(transform_chain_t *chain, chain_stage_t *st,
                             const plugin_registry_t *registry, const sluice_strmap_t *props,
                             const char *alias, const char *context, sluice_buf_t *errors)
{
    static const char *const skip[] = {"type", "predicate", "negate", NULL};
    char *prefix = chain_join(CHAIN_TRANSFORMS ".", alias, ".");
    char *name = chain_join(context, "|transform-", alias);
    char *pred_key = chain_join(prefix, "predicate", "");
    char *negate_key = chain_join(prefix, "negate", "");
    char why[CHAIN_ERRSTR_SIZE];
    st->alias = mem_strdup(alias);

    /* the implicit keys every transformation has (ConnectorConfig.enrich) */
    sluice_config_key_t keys[] = {
        {.name = pred_key, .type = SLUICE_CONFIG_STRING, .importance = SLUICE_IMPORTANCE_MEDIUM},
        {.name = negate_key,
         .type = SLUICE_CONFIG_BOOLEAN,
         .default_value = "false",
         .importance = SLUICE_IMPORTANCE_MEDIUM},
        SLUICE_CONFIG_END};
    sluice_config_t *implicit = sluice_config_new(keys, props, why, sizeof why);
    const char *pred_alias = NULL;
    bool bad = false;
    if (!implicit) {
        chain_error(errors, "%s", why);
        bad = true;
    } else {
        pred_alias = sluice_config_get_string(implicit, pred_key);
        st->negate = sluice_config_get_bool(implicit, negate_key);
        if (!pred_alias && sluice_strmap_get(props, negate_key)) {
            chain_error(errors,
                        "Config '%s' was provided but there is no config '%s' defining a "
                        "predicate to be negated.",
                        negate_key, pred_key);
            bad = true;
        }
    }
    if (pred_alias) {
        for (size_t i = 0; i < chain->pred_count; i++)
            if (strcmp(chain->preds[i].alias, pred_alias) == 0)
                st->pred = &chain->preds[i];
        if (!st->pred) {
            chain_error(errors,
                        "Invalid value %s for configuration %s: predicate alias '%s' is not "
                        "listed in %s",
                        pred_alias, pred_key, pred_alias, CHAIN_PREDICATES);
            bad = true;
        } else if (!st->pred->config) {
            bad = true; /* its own problem is reported already */
        }
    }

    st->cls = chain_find_class(registry, SLUICE_CLASS_TRANSFORM, props, prefix, errors);
    if (!st->cls)
        goto done;
    st->short_name = chain_short_name(st->cls->name);
    st->config = chain_parse(st->cls, props, prefix, skip, name, errors);
    if (!st->config || bad)
        goto done;

    st->ctx = ctx_new(name, st->short_name);
    why[0] = '\0';
    if (st->cls->transform->create(st->ctx, st->config, &st->self, why, sizeof why) != SLUICE_OK) {
        st->self = NULL;
        chain_create_error(errors, why, st->cls, prefix);
        goto done;
    }
    if (st->pred) {
        char *pred_prefix = chain_join(CHAIN_PREDICATES ".", st->pred->alias, ".");
        char *pred_name = chain_join(context, "|predicate-", st->pred->alias);
        st->pred_ctx = ctx_new(pred_name, chain_short_name(st->pred->cls->name));
        free(pred_name);
        why[0] = '\0';
        if (st->pred->cls->predicate->create(st->pred_ctx, st->pred->config, &st->pred_self, why,
                                             sizeof why) != SLUICE_OK) {
            st->pred_self = NULL;
            chain_create_error(errors, why, st->pred->cls, pred_prefix);
        }
        free(pred_prefix);
    }
done:
    sluice_config_destroy(implicit);
    free(negate_key);
    free(pred_key);
    free(name);
    free(prefix);
}

transform_chain_t *transform_chain_new(const plugin_registry_t *registry,
                                       const sluice_strmap_t *props, const char *context,
                                       char *errstr, size_t errstr_size)
{
    transform_chain_t *chain = mem_calloc(1, sizeof(*chain));
    chain->failed = -1;
    if (!context)
        context = "";
    sluice_buf_t *errors = sluice_buf_new();
    char why[CHAIN_ERRSTR_SIZE];
    sluice_config_t *aliases = sluice_config_new(chain_alias_keys, props, why, sizeof why);
    if (!aliases) {
        chain_error(errors, "%s", why);
        goto done;
    }

    const char *const *names = NULL;
    size_t n = chain_aliases(aliases, props, CHAIN_PREDICATES, &names, errors);
    chain->preds = mem_calloc(n ? n : 1, sizeof(*chain->preds));
    for (size_t i = 0; i < n; i++, chain->pred_count++)
        chain_predicate_init(&chain->preds[i], registry, props, names[i], context, errors);

    n = chain_aliases(aliases, props, CHAIN_TRANSFORMS, &names, errors);
    chain->stages = mem_calloc(n ? n : 1, sizeof(*chain->stages));
    for (size_t i = 0; i < n; i++, chain->count++)
        chain_stage_init(chain, &chain->stages[i], registry, props, names[i], context, errors);

done:
    sluice_config_destroy(aliases);
    if (sluice_buf_len(errors)) {
        if (errstr_size)
            snprintf(errstr, errstr_size, "%s", sluice_buf_data(errors));
        sluice_buf_destroy(errors);
        transform_chain_destroy(chain);
        return NULL;
    }
    sluice_buf_destroy(errors);
    if (errstr_size)
        errstr[0] = '\0';
    return chain;
}

void transform_chain_destroy(transform_chain_t *chain)
{
    if (!chain)
        return;
    for (size_t i = 0; i < chain->count; i++) {
        chain_stage_t *st = &chain->stages[i];
        if (st->self)
            st->cls->transform->destroy(st->self);
        if (st->pred_self)
            st->pred->cls->predicate->destroy(st->pred_self);
        ctx_destroy(st->ctx);
        ctx_destroy(st->pred_ctx);
        sluice_config_destroy(st->config);
        free(st->alias);
    }
    for (size_t i = 0; i < chain->pred_count; i++) {
        sluice_config_destroy(chain->preds[i].config);
        free(chain->preds[i].alias);
    }
    free(chain->stages);
    free(chain->preds);
    free(chain);
}

size_t transform_chain_count(const transform_chain_t *chain)
{
    return chain ? chain->count : 0;
}

const char *transform_chain_alias_at(const transform_chain_t *chain, size_t i)
{
    return chain && i < chain->count ? chain->stages[i].alias : NULL;
}

const char *transform_chain_class_at(const transform_chain_t *chain, size_t i)
{
    return chain && i < chain->count ? chain->stages[i].cls->name : NULL;
}

int transform_chain_failed_stage(const transform_chain_t *chain)
{
    return chain ? chain->failed : -1;
}

sluice_result_t transform_chain_apply(transform_chain_t *chain, sluice_record_t *record,
                                      char *errstr, size_t errstr_size)
{
    return transform_chain_apply_from(chain, 0, record, errstr, errstr_size);
}

sluice_result_t transform_chain_apply_stage(transform_chain_t *chain, size_t i,
                                            sluice_record_t *record, char *errstr,
                                            size_t errstr_size)
{
    chain->failed = -1;
    if (errstr_size)
        errstr[0] = '\0';
    if (i >= chain->count)
        return SLUICE_OK;
    chain_stage_t *st = &chain->stages[i];
    if (st->pred && st->pred->cls->predicate->test(st->pred_self, record) == st->negate)
        return SLUICE_OK;
    chain->scratch[0] = '\0';
    sluice_result_t rc =
        st->cls->transform->apply(st->self, record, chain->scratch, sizeof chain->scratch);
    if (rc == SLUICE_OK)
        return SLUICE_OK;
    chain->failed = (int)i;
    if (rc == SLUICE_DROP) {
        if (sluice_log_enabled(st->ctx, SLUICE_LOG_TRACE))
            sluice_log(st->ctx, SLUICE_LOG_TRACE, "Dropped the record of topic %s",
                       sluice_record_topic(record) ? sluice_record_topic(record) : "(none)");
        return SLUICE_DROP;
    }
    const char *why =
        chain->scratch[0] ? chain_unprefix(chain->scratch, st->short_name) : "no reason given";
    if (rc != SLUICE_RETRY && rc != SLUICE_FATAL) {
        snprintf(chain->scratch, sizeof chain->scratch, "returned an unknown result (%d)", (int)rc);
        why = chain->scratch;
        rc = SLUICE_FATAL;
    }
    if (errstr_size)
        snprintf(errstr, errstr_size, "transform '%s' (%s) failed: %s", st->alias, st->short_name,
                 why);
    return rc;
}

sluice_result_t transform_chain_apply_from(transform_chain_t *chain, size_t first,
                                           sluice_record_t *record, char *errstr,
                                           size_t errstr_size)
{
    for (size_t i = first; i < chain->count; i++) {
        sluice_result_t rc = transform_chain_apply_stage(chain, i, record, errstr, errstr_size);
        if (rc != SLUICE_OK)
            return rc;
    }
    chain->failed = -1;
    if (errstr_size)
        errstr[0] = '\0';
    return SLUICE_OK;
}
