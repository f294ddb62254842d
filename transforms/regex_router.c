/*
 * RegexRouter: when the whole topic name matches regex, the topic becomes
 * replacement, in which $n stands for group n ($0 the whole match) and \x
 * for the character x, as Java's Matcher.replaceFirst. A topic that does
 * not match is left unchanged.
 */
#include <ctype.h>

#include "java_regex.h"
#include "transforms.h"

/* The replacement, compiled: literal runs and group references. */
typedef struct regex_router_piece {
    char *text; /* a literal, or NULL for a group */
    size_t group;
} regex_router_piece_t;

typedef struct regex_router {
    sluice_ctx_t *ctx;
    tf_regex_t *re;
    regex_router_piece_t *pieces;
    size_t count;
    regmatch_t *groups;
    sluice_buf_t *topic;
} regex_router_t;

/* The syntax check that needs no regex: Java refuses these when the first
 * record is routed; here they are refused with the config. */
static int regex_router_replacement_check(const char *name, const char *value, char *errstr,
                                          size_t errstr_size)
{
    (void)name;
    for (size_t i = 0; value && value[i]; i++) {
        if (value[i] == '\\') {
            if (!value[++i]) {
                snprintf(errstr, errstr_size,
                         "the replacement ends in a backslash: the character to be escaped is "
                         "missing (write \\\\ for a backslash)");
                return -1;
            }
        } else if (value[i] == '$') {
            char next = value[i + 1];
            if (next == '{') {
                snprintf(errstr, errstr_size,
                         "named group references (${name}) are not supported, because named "
                         "groups are not; use $n, or \\$ for a literal $");
                return -1;
            }
            if (!isdigit((unsigned char)next)) {
                snprintf(errstr, errstr_size,
                         "Illegal group reference at index %zu: $ must be followed by a group "
                         "number (write \\$ for a literal $)",
                         i);
                return -1;
            }
        }
    }
    return 0;
}

/* clang-format off */
static const sluice_config_key_t regex_router_config[] = {
    {.name = "regex", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_CHECK(tf_regex_check),
     .doc = "The Java regular expression the whole topic name must match for the record to "
            "be rerouted (see the transforms README for the constructs that are refused)."},
    {.name = "replacement", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .validator = SLUICE_CHECK(regex_router_replacement_check),
     .doc = "The new topic name; $1, $2 … insert the regex's groups and \\$ a literal $."},
    SLUICE_CONFIG_END};
/* clang-format on */

static void regex_router_destroy(void *self)
{
    regex_router_t *rr = self;
    if (!rr)
        return;
    tf_regex_destroy(rr->re);
    for (size_t i = 0; i < rr->count; i++)
        free(rr->pieces[i].text);
    free(rr->pieces);
    free(rr->groups);
    sluice_buf_destroy(rr->topic);
    free(rr);
}

static void regex_router_add(regex_router_t *rr, char *text, size_t group)
{
    rr->pieces = tf_realloc(rr->pieces, (rr->count + 1) * sizeof(regex_router_piece_t));
    rr->pieces[rr->count++] = (regex_router_piece_t){.text = text, .group = group};
}

/* Compiles the replacement against the regex's group count, reading group
 * numbers as Java does: as many digits as still name an existing group. */
static int regex_router_compile(regex_router_t *rr, const char *replacement, char *errstr,
                                size_t errstr_size)
{
    size_t groups = tf_regex_group_count(rr->re);
    sluice_buf_t *lit = sluice_buf_new();
    int rc = -1;
    for (size_t i = 0; replacement[i];) {
        char c = replacement[i];
        if (c == '\\' && replacement[i + 1]) {
            sluice_buf_putc(lit, replacement[i + 1]);
            i += 2;
            continue;
        }
        if (c != '$' || !isdigit((unsigned char)replacement[i + 1])) {
            sluice_buf_putc(lit, c); /* the validator refused the bad cases */
            i++;
            continue;
        }
        size_t ref = (size_t)(replacement[i + 1] - '0');
        size_t at = i;
        i += 2;
        if (ref > groups) {
            tf_fail(errstr, errstr_size,
                    "Invalid value %s for configuration replacement: No group %zu (at index %zu); "
                    "the regex has %zu group%s",
                    replacement, ref, at, groups, groups == 1 ? "" : "s");
            goto done;
        }
        while (isdigit((unsigned char)replacement[i])) {
            size_t longer = ref * 10 + (size_t)(replacement[i] - '0');
            if (longer > groups)
                break;
            ref = longer;
            i++;
        }
        if (sluice_buf_len(lit)) {
            regex_router_add(rr, sluice_buf_detach(lit, NULL), 0);
            sluice_buf_reset(lit);
        }
        regex_router_add(rr, NULL, ref);
    }
    if (sluice_buf_len(lit))
        regex_router_add(rr, sluice_buf_detach(lit, NULL), 0);
    rc = 0;
done:
    sluice_buf_destroy(lit);
    return rc;
}

static sluice_result_t regex_router_create(sluice_ctx_t *ctx, const sluice_config_t *config,
                                           void **self, char *errstr, size_t errstr_size)
{
    const char *regex = sluice_config_get_string(config, "regex");
    const char *replacement = sluice_config_get_string(config, "replacement");
    if (!regex || !replacement)
        return tf_fail(errstr, errstr_size, "RegexRouter needs both regex and replacement");
    regex_router_t *rr = tf_calloc(1, sizeof(*rr));
    rr->ctx = ctx;
    char why[384];
    rr->re = tf_regex_new(regex, why, sizeof why);
    if (!rr->re) {
        tf_fail(errstr, errstr_size, "Invalid value %s for configuration regex: Invalid regex: %s",
                regex, why);
        goto fail;
    }
    if (regex_router_compile(rr, replacement, errstr, errstr_size) < 0)
        goto fail;
    rr->groups = tf_calloc(tf_regex_group_count(rr->re) + 1, sizeof(regmatch_t));
    rr->topic = sluice_buf_new();
    *self = rr;
    return SLUICE_OK;
fail:
    regex_router_destroy(rr);
    return SLUICE_FATAL;
}

static sluice_result_t regex_router_apply(void *self, sluice_record_t *record, char *errstr,
                                          size_t errstr_size)
{
    regex_router_t *rr = self;
    const char *topic = sluice_record_topic(record);
    if (!topic || !tf_regex_matches(rr->re, topic, rr->groups)) {
        if (sluice_log_enabled(rr->ctx, SLUICE_LOG_TRACE))
            sluice_log(rr->ctx, SLUICE_LOG_TRACE,
                       "Not rerouting topic '%s' as it does not match the configured regex",
                       topic ? topic : "(null)");
        return SLUICE_OK;
    }
    sluice_buf_reset(rr->topic);
    for (size_t i = 0; i < rr->count; i++) {
        const regex_router_piece_t *piece = &rr->pieces[i];
        if (piece->text) {
            sluice_buf_puts(rr->topic, piece->text);
            continue;
        }
        regmatch_t g = rr->groups[piece->group];
        if (g.rm_so >= 0 && g.rm_eo >= g.rm_so)
            sluice_buf_append(rr->topic, topic + g.rm_so, (size_t)(g.rm_eo - g.rm_so));
    }
    if (sluice_buf_len(rr->topic) == 0)
        return tf_fail(errstr, errstr_size,
                       "RegexRouter: the replacement turned topic '%s' into an empty topic name",
                       topic);
    if (sluice_log_enabled(rr->ctx, SLUICE_LOG_TRACE))
        sluice_log(rr->ctx, SLUICE_LOG_TRACE, "Rerouting from topic '%s' to new topic '%s'", topic,
                   sluice_buf_data(rr->topic));
    sluice_record_set_topic(record, sluice_buf_data(rr->topic));
    return SLUICE_OK;
}

static const sluice_transform_ops_t regex_router_ops = {
    .struct_size = sizeof(sluice_transform_ops_t),
    .create = regex_router_create,
    .apply = regex_router_apply,
    .destroy = regex_router_destroy,
};

const sluice_class_t tf_regex_router_class = {
    .struct_size = sizeof(sluice_class_t),
    .kind = SLUICE_CLASS_TRANSFORM,
    .name = TF_PACKAGE "RegexRouter",
    .version = TF_VERSION,
    .doc = "Renames the topic of records whose topic matches a regular expression.",
    .config = regex_router_config,
    .transform = &regex_router_ops,
};
