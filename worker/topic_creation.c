/*
 * Source topic creation (KIP-158). See topic_creation.h.
 *
 * The rules follow Kafka's SourceConnectorConfig, TopicCreationGroup and
 * TopicCreation: a group's include and exclude lists are Java regexes, each
 * matched against the whole topic (Kafka joins them with '|' and calls
 * matches()); here each is compiled on its own as ^(...)$, POSIX extended,
 * after turning the Java constructs that topic patterns use and POSIX lacks
 * (\d, (?:...), lazy quantifiers, escapes inside [...]) into POSIX ones.
 */
#include "topic_creation.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/buf.h>

#include "log.h"
#include "mem.h"

#define TC_LOGGER "topic_creation"
#define TC_PREFIX "topic.creation."

typedef struct tc_group {
    char *name;
    regex_t *include; /* none: the group matches no topic (Kafka's empty pattern) */
    size_t include_count;
    regex_t *exclude;
    size_t exclude_count;
    int32_t partitions;         /* -1: the broker's default */
    int16_t replication_factor; /* -1: the broker's default */
    sluice_strmap_t *configs;   /* topic configs (cleanup.policy ...) */
} tc_group_t;

struct topic_creation {
    bool enabled;
    tc_group_t *groups; /* topic.creation.groups, in order, without "default" */
    size_t group_count;
    tc_group_t def;
    sluice_strmap_t *handled; /* topics created or found, as keys */
};

/* ---- parsing ------------------------------------------------------------------ */

/* Kafka's LIST parsing: comma-separated, items trimmed; "" is the empty
 * list. Returns the count; *items (malloc'd strings) the caller frees. */
static size_t tc_split(const char *text, char ***items)
{
    *items = NULL;
    size_t n = 0, cap = 0;
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return 0;
    for (;;) {
        const char *end = strchr(p, ',');
        const char *e = end ? end : p + strlen(p);
        const char *s = p;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        mem_grow((void **)items, &cap, n + 1, sizeof **items);
        (*items)[n++] = mem_strndup(s, (size_t)(e - s));
        if (!end)
            break;
        p = end + 1;
    }
    return n;
}

static void tc_free_items(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

/*
 * A Java regex as POSIX extended, anchored: ^(re)$. Outside brackets \d and
 * \D become classes, (?: a plain group, and the '?' of a lazy quantifier
 * goes (a whole-topic match does not depend on laziness); \w \s \b and the
 * like are glibc extensions and stay. Inside brackets, where POSIX has no
 * escapes, \d \w \s become classes and \x the character itself.
 */
static char *tc_java_to_posix(const char *re)
{
    sluice_buf_t *out = sluice_buf_new();
    sluice_buf_puts(out, "^(");
    const char *p = re;
    bool after_quantifier = false;
    while (*p) {
        if (*p == '[') {
            /* a bracket expression: gather its parts, then lay them out
             * with ']' first and '-' last, the places POSIX takes them
             * literally */
            p++;
            bool negate = *p == '^';
            if (negate)
                p++;
            bool dash = false, rbracket = false;
            sluice_buf_t *body = sluice_buf_new();
            if (*p == ']') {
                rbracket = true;
                p++;
            }
            while (*p && *p != ']') {
                if (*p == '\\' && p[1]) {
                    char c = p[1];
                    p += 2;
                    if (c == 'd')
                        sluice_buf_puts(body, "0-9");
                    else if (c == 'w')
                        sluice_buf_puts(body, "[:alnum:]_");
                    else if (c == 's')
                        sluice_buf_puts(body, "[:space:]");
                    else if (c == '-')
                        dash = true;
                    else if (c == ']')
                        rbracket = true;
                    else
                        sluice_buf_putc(body, c);
                } else if (*p == '[' && p[1] == ':') {
                    const char *end = strstr(p + 2, ":]");
                    size_t len = end ? (size_t)(end + 2 - p) : 1;
                    sluice_buf_append(body, p, len);
                    p += len;
                } else {
                    sluice_buf_putc(body, *p++);
                }
            }
            if (*p == ']')
                p++;
            sluice_buf_printf(out, "[%s%s%s%s]", negate ? "^" : "", rbracket ? "]" : "",
                              sluice_buf_data(body), dash ? "-" : "");
            sluice_buf_destroy(body);
            after_quantifier = false;
            continue;
        }
        if (*p == '\\' && p[1]) {
            if (p[1] == 'd')
                sluice_buf_puts(out, "[0-9]");
            else if (p[1] == 'D')
                sluice_buf_puts(out, "[^0-9]");
            else
                sluice_buf_append(out, p, 2);
            p += 2;
            after_quantifier = false;
            continue;
        }
        if (*p == '(' && p[1] == '?' && p[2] == ':') {
            sluice_buf_putc(out, '(');
            p += 3;
            after_quantifier = false;
            continue;
        }
        if (*p == '?' && after_quantifier) {
            p++;
            after_quantifier = false;
            continue;
        }
        after_quantifier = *p == '*' || *p == '+' || *p == '?' || *p == '}';
        sluice_buf_putc(out, *p++);
    }
    sluice_buf_puts(out, ")$");
    char *posix = mem_strdup(sluice_buf_data(out));
    sluice_buf_destroy(out);
    return posix;
}

/* Compiles the regexes of key (a list); 0, or -1 with errstr. */
static int tc_compile_list(const sluice_strmap_t *props, const char *key, regex_t **res,
                           size_t *count, char *errstr, size_t errstr_size)
{
    *res = NULL;
    *count = 0;
    const char *text = sluice_strmap_get(props, key);
    if (!text)
        return 0;
    char **items;
    size_t n = tc_split(text, &items);
    if (n)
        *res = mem_calloc(n, sizeof **res);
    for (size_t i = 0; i < n; i++) {
        char *posix = tc_java_to_posix(items[i]);
        int rc = regcomp(&(*res)[i], posix, REG_EXTENDED | REG_NOSUB);
        free(posix);
        if (rc != 0) {
            char why[256];
            regerror(rc, &(*res)[i], why, sizeof why);
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration %s: not a valid regular expression: %s",
                     items[i], key, why);
            tc_free_items(items, n);
            return -1;
        }
        (*count)++;
    }
    tc_free_items(items, n);
    return 0;
}

/*
 * Reads an INT key that must be -1 or at least 1 (TopicCreationConfig's
 * validator) and at most max. Absent: *out = fallback, or an error when
 * required. Returns 0 or -1 with errstr in Kafka's words.
 */
static int tc_parse_count(const sluice_strmap_t *props, const char *key, bool required,
                          long fallback, long max, long *out, char *errstr, size_t errstr_size)
{
    const char *text = sluice_strmap_get(props, key);
    if (!text) {
        if (required) {
            snprintf(errstr, errstr_size,
                     "Missing required configuration \"%s\" which has no default value.", key);
            return -1;
        }
        *out = fallback;
        return 0;
    }
    char *end;
    errno = 0;
    while (isspace((unsigned char)*text))
        text++;
    long v = strtol(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == text || *end || v > max || v < -(max + 1)) {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: Not a number of type INT", text, key);
        return -1;
    }
    if (v != -1 && v < 1) {
        snprintf(errstr, errstr_size,
                 "Invalid value %ld for configuration %s: Value must be -1 or at least 1", v, key);
        return -1;
    }
    *out = v;
    return 0;
}

static void tc_group_clear(tc_group_t *g)
{
    for (size_t i = 0; i < g->include_count; i++)
        regfree(&g->include[i]);
    for (size_t i = 0; i < g->exclude_count; i++)
        regfree(&g->exclude[i]);
    free(g->include);
    free(g->exclude);
    free(g->name);
    sluice_strmap_destroy(g->configs);
    memset(g, 0, sizeof *g);
}

/* Reads group name's keys; the default group's regexes are ignored, as
 * Kafka ignores them. Returns 0 or -1 with errstr. */
static int tc_group_parse(tc_group_t *g, const sluice_strmap_t *props, const char *name,
                          const tc_group_t *def, char *errstr, size_t errstr_size)
{
    g->name = mem_strdup(name);
    char prefix[256], key[320];
    snprintf(prefix, sizeof prefix, TC_PREFIX "%s.", name);
    if (def) {
        snprintf(key, sizeof key, "%sinclude", prefix);
        if (tc_compile_list(props, key, &g->include, &g->include_count, errstr, errstr_size) < 0)
            return -1;
        snprintf(key, sizeof key, "%sexclude", prefix);
        if (tc_compile_list(props, key, &g->exclude, &g->exclude_count, errstr, errstr_size) < 0)
            return -1;
    }
    long partitions, rf;
    snprintf(key, sizeof key, "%spartitions", prefix);
    if (tc_parse_count(props, key, def == NULL, def ? def->partitions : 0, INT32_MAX, &partitions,
                       errstr, errstr_size) < 0)
        return -1;
    snprintf(key, sizeof key, "%sreplication.factor", prefix);
    if (tc_parse_count(props, key, def == NULL, def ? def->replication_factor : 0, INT16_MAX, &rf,
                       errstr, errstr_size) < 0)
        return -1;
    g->partitions = (int32_t)partitions;
    g->replication_factor = (int16_t)rf;
    g->configs = sluice_strmap_subset(props, prefix, true);
    static const char *const own[] = {"include", "exclude", "partitions", "replication.factor"};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        sluice_strmap_remove(g->configs, own[i]);
    return 0;
}

/* Kafka's test for whether a connector uses topic creation; a bare
 * topic.creation.groups does not count (as the connector validation has
 * it). */
static bool tc_used(const sluice_strmap_t *props)
{
    for (size_t i = 0; props && i < sluice_strmap_count(props); i++) {
        const char *k = sluice_strmap_key_at(props, i);
        if (strncmp(k, TC_PREFIX, strlen(TC_PREFIX)) == 0 && strcmp(k, TC_PREFIX "groups") != 0)
            return true;
    }
    return false;
}

topic_creation_t *topic_creation_new(const sluice_strmap_t *connector_props, bool worker_enabled,
                                     char *errstr, size_t errstr_size)
{
    topic_creation_t *tc = mem_calloc(1, sizeof *tc);
    tc->handled = sluice_strmap_new();
    if (!worker_enabled || !tc_used(connector_props))
        return tc;
    if (tc_group_parse(&tc->def, connector_props, "default", NULL, errstr, errstr_size) < 0)
        goto fail;
    char **names;
    const char *list = sluice_strmap_get(connector_props, TC_PREFIX "groups");
    size_t n = tc_split(list ? list : "", &names);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration " TC_PREFIX
                         "groups: Duplicate alias provided.",
                         list);
                tc_free_items(names, n);
                goto fail;
            }
    tc->groups = n ? mem_calloc(n, sizeof *tc->groups) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "default") == 0) {
            log_warn(NULL, TC_LOGGER,
                     "'default' topic creation group always exists and does not need to be "
                     "listed explicitly");
            continue;
        }
        if (tc_group_parse(&tc->groups[tc->group_count++], connector_props, names[i], &tc->def,
                           errstr, errstr_size) < 0) {
            tc_free_items(names, n);
            goto fail;
        }
    }
    tc_free_items(names, n);
    tc->enabled = true;
    return tc;
fail:
    topic_creation_destroy(tc);
    return NULL;
}

void topic_creation_destroy(topic_creation_t *tc)
{
    if (!tc)
        return;
    for (size_t i = 0; i < tc->group_count; i++)
        tc_group_clear(&tc->groups[i]);
    free(tc->groups);
    tc_group_clear(&tc->def);
    sluice_strmap_destroy(tc->handled);
    free(tc);
}

bool topic_creation_enabled(const topic_creation_t *tc)
{
    return tc && tc->enabled;
}

static bool tc_any_match(const regex_t *res, size_t n, const char *topic)
{
    for (size_t i = 0; i < n; i++)
        if (regexec(&res[i], topic, 0, NULL, 0) == 0)
            return true;
    return false;
}

static const tc_group_t *tc_find(const topic_creation_t *tc, const char *topic)
{
    for (size_t i = 0; i < tc->group_count; i++) {
        const tc_group_t *g = &tc->groups[i];
        if (tc_any_match(g->include, g->include_count, topic) &&
            !tc_any_match(g->exclude, g->exclude_count, topic))
            return g;
    }
    return &tc->def;
}

const char *topic_creation_group_for(const topic_creation_t *tc, const char *topic)
{
    const tc_group_t *g = tc_find(tc, topic);
    return g->name ? g->name : "default";
}

/* ---- creating -------------------------------------------------------------- */

rd_kafka_resp_err_t topic_creation_create(rd_kafka_t *rk, const char *topic, int partitions,
                                          int replication_factor, const sluice_strmap_t *configs,
                                          int timeout_ms, char *errstr, size_t errstr_size)
{
    rd_kafka_resp_err_t rc = RD_KAFKA_RESP_ERR__FAIL;
    rd_kafka_AdminOptions_t *options = NULL;
    rd_kafka_queue_t *queue = NULL;
    rd_kafka_event_t *ev = NULL;
    rd_kafka_NewTopic_t *nt =
        rd_kafka_NewTopic_new(topic, partitions, replication_factor, errstr, errstr_size);
    if (!nt)
        goto out;
    for (size_t i = 0; configs && i < sluice_strmap_count(configs); i++) {
        rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(nt, sluice_strmap_key_at(configs, i),
                                                               sluice_strmap_value_at(configs, i));
        if (err) {
            snprintf(errstr, errstr_size, "%s: %s", sluice_strmap_key_at(configs, i),
                     rd_kafka_err2str(err));
            goto out;
        }
    }
    options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    if (rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr, errstr_size) ||
        rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, errstr, errstr_size))
        goto out;
    queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, options, queue);
    /* librdkafka answers by the request timeout itself; the margin only
     * covers its scheduling */
    ev = rd_kafka_queue_poll(queue, timeout_ms < INT_MAX - 1000 ? timeout_ms + 1000 : INT_MAX);
    if (!ev) {
        snprintf(errstr, errstr_size, "no answer within %d ms", timeout_ms);
        rc = RD_KAFKA_RESP_ERR__TIMED_OUT;
        goto out;
    }
    if (rd_kafka_event_error(ev)) {
        rc = rd_kafka_event_error(ev);
        snprintf(errstr, errstr_size, "%s", rd_kafka_event_error_string(ev));
        goto out;
    }
    const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
    size_t count = 0;
    const rd_kafka_topic_result_t **results =
        res ? rd_kafka_CreateTopics_result_topics(res, &count) : NULL;
    if (count != 1) {
        snprintf(errstr, errstr_size, "unexpected answer (%zu topic results)", count);
        goto out;
    }
    rc = rd_kafka_topic_result_error(results[0]);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char *msg = rd_kafka_topic_result_error_string(results[0]);
        snprintf(errstr, errstr_size, "%s", msg && *msg ? msg : rd_kafka_err2str(rc));
    }
out:
    if (ev)
        rd_kafka_event_destroy(ev);
    if (queue)
        rd_kafka_queue_destroy(queue);
    if (options)
        rd_kafka_AdminOptions_destroy(options);
    if (nt)
        rd_kafka_NewTopic_destroy(nt);
    return rc;
}

int topic_creation_ensure(topic_creation_t *tc, rd_kafka_t *rk, const char *topic, int timeout_ms,
                          char *errstr, size_t errstr_size)
{
    if (!topic_creation_enabled(tc) || sluice_strmap_get(tc->handled, topic))
        return 0;
    const tc_group_t *g = tc_find(tc, topic);
    char why[512] = "";
    rd_kafka_resp_err_t err = topic_creation_create(rk, topic, g->partitions, g->replication_factor,
                                                    g->configs, timeout_ms, why, sizeof why);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        log_info(NULL, TC_LOGGER, "Created topic '%s' using creation group %s", topic, g->name);
    } else if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        log_info(NULL, TC_LOGGER, "Found existing topic '%s'", topic);
    } else {
        snprintf(errstr, errstr_size, "Failed to create topic '%s' (group %s): %s", topic, g->name,
                 why);
        return -1;
    }
    sluice_strmap_set(tc->handled, topic, "");
    return 0;
}
