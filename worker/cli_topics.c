/*
 * `sluice topics`: Kafka's kafka-topics tool on librdkafka's Admin API:
 * --create, --list, --describe (in Kafka's layout), --alter (add
 * partitions) and --delete, with --topic taking a regular expression except
 * for --create, as in Kafka.
 */
#include "cli.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "cli_kafka.h"
#include "mem.h"

static const cli_kafka_opt_t topics_opts[] = {
    {"bootstrap-server", CLI_KAFKA_OPT_VALUE, "SERVERS",
     "REQUIRED: the Kafka server(s) to connect to."},
    {"command-config", CLI_KAFKA_OPT_VALUE, "FILE",
     "Property file with configs for the admin client (security settings, "
     "default.api.timeout.ms, ...)."},
    {"create", CLI_KAFKA_OPT_FLAG, NULL, "Create a new topic."},
    {"list", CLI_KAFKA_OPT_FLAG, NULL, "List all available topics."},
    {"describe", CLI_KAFKA_OPT_FLAG, NULL, "List details for the given topics."},
    {"alter", CLI_KAFKA_OPT_FLAG, NULL, "Alter the number of partitions."},
    {"delete", CLI_KAFKA_OPT_FLAG, NULL, "Delete a topic."},
    {"topic", CLI_KAFKA_OPT_VALUE, "TOPIC",
     "The topic to create, alter, describe or delete. It also accepts a regular expression, "
     "except for --create."},
    {"partitions", CLI_KAFKA_OPT_VALUE, "N",
     "The number of partitions for the topic being created or altered (default for --create: "
     "the cluster's num.partitions)."},
    {"replication-factor", CLI_KAFKA_OPT_VALUE, "N",
     "The replication factor of the topic being created (default: the cluster's)."},
    {"replica-assignment", CLI_KAFKA_OPT_VALUE, "B1:B2,B3:B4",
     "Manual partition-to-broker assignment for the topic being created: partitions separated "
     "by ',', their replicas' broker ids by ':'."},
    {"config", CLI_KAFKA_OPT_LIST, "NAME=VALUE",
     "A topic configuration override for the topic being created (repeatable)."},
    {"if-exists", CLI_KAFKA_OPT_FLAG, NULL,
     "With --alter, --delete or --describe: act only if the topic exists."},
    {"if-not-exists", CLI_KAFKA_OPT_FLAG, NULL,
     "With --create: do not fail if the topic already exists."},
    {"exclude-internal", CLI_KAFKA_OPT_FLAG, NULL,
     "Exclude internal topics when listing or describing topics."},
    {"topics-with-overrides", CLI_KAFKA_OPT_FLAG, NULL,
     "With --describe: only show topics that have overridden configs."},
    {"under-replicated-partitions", CLI_KAFKA_OPT_FLAG, NULL,
     "With --describe: only show under-replicated partitions."},
    {"unavailable-partitions", CLI_KAFKA_OPT_FLAG, NULL,
     "With --describe: only show partitions whose leader is not available."},
    {"under-min-isr-partitions", CLI_KAFKA_OPT_FLAG, NULL,
     "With --describe: only show partitions whose ISR count is below min.insync.replicas."},
    {"at-min-isr-partitions", CLI_KAFKA_OPT_FLAG, NULL,
     "With --describe: only show partitions whose ISR count equals min.insync.replicas."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t topics_cmd = {
    .tool = "sluice topics",
    .synopsis = "--bootstrap-server SERVERS [--command-config FILE]\n"
                "           (--create --topic T [--partitions N] [--replication-factor R]\n"
                "                     [--config K=V ...] | --list | --describe [--topic T] |\n"
                "            --alter --topic T --partitions N | --delete --topic T)",
    .description = "Creates, deletes, describes or changes topics, as Kafka's kafka-topics "
                   "does, on any Kafka-compatible cluster.",
    .opts = topics_opts,
};

#define TOPICS_ERROR "Error while executing topic command : "

/* ---- selecting topics ------------------------------------------------------------- */

typedef struct topics_filter {
    bool any;
    regex_t re;
} topics_filter_t;

/* Kafka's IncludeList: commas mean '|', blanks and surrounding quotes are
 * dropped, and the expression must match the whole name. */
static int topics_filter_init(topics_filter_t *f, const char *pattern, char *errstr,
                              size_t errstr_size)
{
    f->any = !pattern;
    if (!pattern)
        return 0;
    size_t len = strlen(pattern);
    char *clean = mem_alloc(len + 1), *q = clean;
    for (const char *p = pattern; *p; p++) {
        if (*p == ' ')
            continue;
        *q++ = *p == ',' ? '|' : *p;
    }
    *q = '\0';
    char *start = clean;
    while (*start == '"' || *start == '\'')
        start++;
    while (q > start && (q[-1] == '"' || q[-1] == '\''))
        *--q = '\0';
    char *anchored = mem_alloc(strlen(start) + 5);
    sprintf(anchored, "^(%s)$", start);
    int rc = regcomp(&f->re, anchored, REG_EXTENDED | REG_NOSUB);
    free(anchored);
    free(clean);
    if (rc) {
        char why[256];
        regerror(rc, &f->re, why, sizeof why);
        snprintf(errstr, errstr_size, "--topic '%s' is not a valid regular expression: %s", pattern,
                 why);
        f->any = true; /* nothing to free */
        return -1;
    }
    return 0;
}

static bool topics_filter_match(const topics_filter_t *f, const char *topic)
{
    return f->any || regexec(&f->re, topic, 0, NULL, 0) == 0;
}

static void topics_filter_free(topics_filter_t *f)
{
    if (!f->any)
        regfree(&f->re);
}

static int topics_cmp_name(const void *a, const void *b)
{
    const rd_kafka_metadata_topic_t *x = *(const rd_kafka_metadata_topic_t *const *)a;
    const rd_kafka_metadata_topic_t *y = *(const rd_kafka_metadata_topic_t *const *)b;
    return strcmp(x->topic, y->topic);
}

/*
 * The topics of md that the filter selects (internal ones unless
 * exclude_internal), sorted by name, in a new array (the caller frees it;
 * the entries are borrowed from md).
 */
static const rd_kafka_metadata_topic_t **topics_select(const struct rd_kafka_metadata *md,
                                                       const topics_filter_t *filter,
                                                       bool exclude_internal, size_t *count)
{
    const rd_kafka_metadata_topic_t **out = mem_calloc((size_t)md->topic_cnt + 1, sizeof(*out));
    size_t n = 0;
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *t = &md->topics[i];
        if (t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
            continue;
        if (exclude_internal && cli_kafka_topic_is_internal(t->topic))
            continue;
        if (topics_filter_match(filter, t->topic))
            out[n++] = t;
    }
    qsort(out, n, sizeof(*out), topics_cmp_name);
    *count = n;
    return out;
}

/* ---- actions --------------------------------------------------------------------- */

typedef struct topics_ctx {
    const cli_kafka_args_t *args;
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue;
    char bootstrap[1024];
    int timeout_ms;
} topics_ctx_t;

/* Prints the per-topic errors of an admin result; returns how many failed
 * (TOPIC_ALREADY_EXISTS counts only if !ignore_exists). */
static int topics_report(const rd_kafka_topic_result_t **results, size_t n, bool ignore_exists)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (!err || (ignore_exists && err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS))
            continue;
        const char *msg = rd_kafka_topic_result_error_string(results[i]);
        fprintf(stderr, TOPICS_ERROR "%s (topic '%s', %s)\n",
                msg && *msg ? msg : rd_kafka_err2str(err), rd_kafka_topic_result_name(results[i]),
                rd_kafka_err2name(err));
        failed++;
    }
    return failed;
}

/* "0:1,1:2" -> per-partition broker lists. Returns the partition count, or
 * -1 with the problem in errstr. */
static int topics_parse_assignment(const char *text, int32_t ***replicas, size_t **counts,
                                   char *errstr, size_t errstr_size)
{
    int nparts = 0;
    *replicas = NULL;
    *counts = NULL;
    size_t cap_r = 0, cap_c = 0;
    char *copy = mem_strdup(text);
    char *save = NULL;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        mem_grow((void **)replicas, &cap_r, (size_t)nparts + 1, sizeof(**replicas));
        mem_grow((void **)counts, &cap_c, (size_t)nparts + 1, sizeof(**counts));
        (*replicas)[nparts] = NULL;
        (*counts)[nparts] = 0;
        size_t cap_b = 0;
        char *save2 = NULL;
        for (char *b = strtok_r(part, ":", &save2); b; b = strtok_r(NULL, ":", &save2)) {
            while (*b == ' ')
                b++;
            char *end = b + strlen(b);
            while (end > b && end[-1] == ' ')
                *--end = '\0';
            int64_t id;
            if (!cli_kafka_parse_int(b, 0, INT32_MAX, &id)) {
                snprintf(errstr, errstr_size,
                         "--replica-assignment: '%s' in partition %d is not a broker id", b,
                         nparts);
                nparts++;
                goto fail;
            }
            for (size_t k = 0; k < (*counts)[nparts]; k++) {
                if ((*replicas)[nparts][k] == (int32_t)id) {
                    snprintf(errstr, errstr_size,
                             "--replica-assignment: partition %d lists broker %d twice", nparts,
                             (int)id);
                    nparts++;
                    goto fail;
                }
            }
            mem_grow((void **)&(*replicas)[nparts], &cap_b, (*counts)[nparts] + 1, sizeof(int32_t));
            (*replicas)[nparts][(*counts)[nparts]++] = (int32_t)id;
        }
        if (!(*counts)[nparts] || (nparts > 0 && (*counts)[nparts] != (*counts)[0])) {
            snprintf(errstr, errstr_size,
                     "--replica-assignment: partition %d has %zu replicas, partition 0 has %zu",
                     nparts, (*counts)[nparts], (*counts)[0]);
            nparts++;
            goto fail;
        }
        nparts++;
    }
    free(copy);
    if (!nparts) {
        snprintf(errstr, errstr_size, "--replica-assignment is empty");
        return -1;
    }
    return nparts;

fail:
    free(copy);
    for (int i = 0; i < nparts; i++)
        free((*replicas)[i]);
    free(*replicas);
    free(*counts);
    *replicas = NULL;
    *counts = NULL;
    return -1;
}

static int topics_create(topics_ctx_t *ctx)
{
    const cli_kafka_args_t *args = ctx->args;
    const char *topic = cli_kafka_args_get(args, "topic");
    int64_t partitions, rf;
    if (cli_kafka_args_int(&topics_cmd, args, "partitions", 1, INT32_MAX, -1, &partitions) < 0 ||
        cli_kafka_args_int(&topics_cmd, args, "replication-factor", 1, 32767, -1, &rf) < 0)
        return CLI_EXIT_USAGE;
    char errstr[1024];
    int32_t **replicas = NULL;
    size_t *counts = NULL;
    int nassigned = 0;
    const char *assignment = cli_kafka_args_get(args, "replica-assignment");
    if (assignment) {
        nassigned = topics_parse_assignment(assignment, &replicas, &counts, errstr, sizeof errstr);
        if (nassigned < 0)
            return cli_kafka_usage_error(&topics_cmd, "%s", errstr);
        partitions = nassigned;
    }
    int status = CLI_EXIT_FAILURE;
    rd_kafka_NewTopic_t *nt =
        rd_kafka_NewTopic_new(topic, (int)partitions, (int)rf, errstr, sizeof errstr);
    if (!nt) {
        fprintf(stderr, TOPICS_ERROR "%s\n", errstr);
        goto out;
    }
    for (int p = 0; p < nassigned; p++) {
        if (rd_kafka_NewTopic_set_replica_assignment(nt, p, replicas[p], counts[p], errstr,
                                                     sizeof errstr)) {
            fprintf(stderr, TOPICS_ERROR "%s\n", errstr);
            goto out;
        }
    }
    for (size_t i = 0; i < cli_kafka_args_count(args, "config"); i++) {
        const char *kv = cli_kafka_args_at(args, "config", i);
        const char *eq = strchr(kv, '=');
        /* Kafka splits on "\s*=\s*" and trims both sides. */
        const char *k = kv, *kend = eq;
        while (eq && k < kend && (*k == ' ' || *k == '\t'))
            k++;
        while (eq && kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
            kend--;
        if (!eq || kend == k || strchr(eq + 1, '=')) {
            status = cli_kafka_usage_error(&topics_cmd,
                                           "invalid topic config '%s': configs must be in the "
                                           "format \"key=val\"",
                                           kv);
            goto out;
        }
        const char *v = eq + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        char *key = mem_strndup(k, (size_t)(kend - k));
        char *value = mem_strdup(v);
        for (char *e = value + strlen(value); e > value && (e[-1] == ' ' || e[-1] == '\t');)
            *--e = '\0';
        rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(nt, key, value);
        free(key);
        free(value);
        if (err) {
            fprintf(stderr, TOPICS_ERROR "config '%s': %s\n", kv, rd_kafka_err2str(err));
            goto out;
        }
    }
    rd_kafka_AdminOptions_t *options =
        cli_kafka_admin_options(ctx->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, ctx->timeout_ms);
    rd_kafka_CreateTopics(ctx->rk, &nt, 1, options, ctx->queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_event_t *ev = cli_kafka_admin_wait(ctx->queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT,
                                                ctx->timeout_ms, errstr, sizeof errstr);
    if (!ev) {
        fprintf(stderr, TOPICS_ERROR "creating topic '%s' at %s: %s\n", topic, ctx->bootstrap,
                errstr);
        goto out;
    }
    size_t n;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    bool exists =
        n == 1 && rd_kafka_topic_result_error(results[0]) == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS;
    if (topics_report(results, n, cli_kafka_args_has(args, "if-not-exists")) == 0) {
        if (!exists)
            printf("Created topic %s.\n", topic);
        status = CLI_EXIT_OK;
    }
    rd_kafka_event_destroy(ev);

out:
    rd_kafka_NewTopic_destroy(nt); /* NULL is fine */
    for (int p = 0; p < nassigned; p++)
        free(replicas[p]);
    free(replicas);
    free(counts);
    return status;
}

/* Metadata of every topic, or NULL after printing why. */
static const struct rd_kafka_metadata *topics_metadata(topics_ctx_t *ctx)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(ctx->rk, 1, NULL, &md, ctx->timeout_ms);
    if (err) {
        char last[512];
        cli_kafka_last_error(last, sizeof last);
        fprintf(stderr,
                TOPICS_ERROR "cannot get the topics of the cluster at %s within %d ms: %s%s%s%s\n",
                ctx->bootstrap, ctx->timeout_ms, rd_kafka_err2str(err),
                last[0] ? " (last broker error: " : "", last, last[0] ? ")" : "");
        return NULL;
    }
    return md;
}

/* The selected topics; NULL (after printing why) when --topic names no
 * existing topic and --if-exists is not given, or on errors. */
static const rd_kafka_metadata_topic_t **
topics_find(topics_ctx_t *ctx, const struct rd_kafka_metadata *md, size_t *count, int *status)
{
    const char *pattern = cli_kafka_args_get(ctx->args, "topic");
    topics_filter_t filter;
    char errstr[512];
    if (topics_filter_init(&filter, pattern, errstr, sizeof errstr) < 0) {
        *status = cli_kafka_usage_error(&topics_cmd, "%s", errstr);
        return NULL;
    }
    const rd_kafka_metadata_topic_t **found =
        topics_select(md, &filter, cli_kafka_args_has(ctx->args, "exclude-internal"), count);
    topics_filter_free(&filter);
    if (pattern && *pattern && !*count && !cli_kafka_args_has(ctx->args, "if-exists")) {
        fprintf(stderr, TOPICS_ERROR "Topic '%s' does not exist as expected\n", pattern);
        free(found);
        *status = CLI_EXIT_FAILURE;
        return NULL;
    }
    return found;
}

static int topics_list(topics_ctx_t *ctx)
{
    const struct rd_kafka_metadata *md = topics_metadata(ctx);
    if (!md)
        return CLI_EXIT_FAILURE;
    topics_filter_t filter;
    char errstr[512];
    int status = CLI_EXIT_OK;
    if (topics_filter_init(&filter, cli_kafka_args_get(ctx->args, "topic"), errstr, sizeof errstr) <
        0) {
        status = cli_kafka_usage_error(&topics_cmd, "%s", errstr);
    } else {
        size_t n;
        const rd_kafka_metadata_topic_t **found =
            topics_select(md, &filter, cli_kafka_args_has(ctx->args, "exclude-internal"), &n);
        for (size_t i = 0; i < n; i++)
            printf("%s\n", found[i]->topic);
        free(found);
        topics_filter_free(&filter);
    }
    rd_kafka_metadata_destroy(md);
    return status;
}

/* ---- describe -------------------------------------------------------------------- */

typedef struct topics_config {
    const char *topic;
    const rd_kafka_ConfigEntry_t **entries;
    size_t n;
} topics_config_t;

static const topics_config_t *topics_config_find(const topics_config_t *configs, size_t n,
                                                 const char *topic)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(configs[i].topic, topic) == 0)
            return &configs[i];
    return NULL;
}

static int topics_min_isr(const topics_config_t *config)
{
    for (size_t i = 0; config && i < config->n; i++) {
        if (strcmp(rd_kafka_ConfigEntry_name(config->entries[i]), "min.insync.replicas") == 0) {
            const char *v = rd_kafka_ConfigEntry_value(config->entries[i]);
            return v ? atoi(v) : 1;
        }
    }
    return 1;
}

static bool topics_broker_live(const struct rd_kafka_metadata *md, int32_t id)
{
    for (int i = 0; i < md->broker_cnt; i++)
        if (md->brokers[i].id == id)
            return true;
    return false;
}

static void topics_print_ids(const char *label, const int32_t *ids, int n)
{
    printf("\t%s: ", label);
    for (int i = 0; i < n; i++)
        printf("%s%d", i ? "," : "", (int)ids[i]);
}

static int topics_cmp_partition(const void *a, const void *b)
{
    const rd_kafka_metadata_partition_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int topics_describe(topics_ctx_t *ctx)
{
    const cli_kafka_args_t *args = ctx->args;
    int status = CLI_EXIT_FAILURE;
    const struct rd_kafka_metadata *md = topics_metadata(ctx);
    if (!md)
        return status;
    size_t n = 0;
    const rd_kafka_metadata_topic_t **found = topics_find(ctx, md, &n, &status);
    rd_kafka_event_t *ev = NULL;
    topics_config_t *configs = NULL;
    size_t nconfigs = 0;
    if (!found)
        goto out;

    /* The topics' configs, in one DescribeConfigs request. */
    if (n) {
        rd_kafka_ConfigResource_t **resources = mem_calloc(n, sizeof(*resources));
        for (size_t i = 0; i < n; i++)
            resources[i] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, found[i]->topic);
        rd_kafka_AdminOptions_t *options =
            cli_kafka_admin_options(ctx->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, ctx->timeout_ms);
        rd_kafka_DescribeConfigs(ctx->rk, resources, n, options, ctx->queue);
        rd_kafka_AdminOptions_destroy(options);
        rd_kafka_ConfigResource_destroy_array(resources, n);
        free(resources);
        char errstr[1024];
        ev = cli_kafka_admin_wait(ctx->queue, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT,
                                  ctx->timeout_ms, errstr, sizeof errstr);
        if (!ev) {
            fprintf(stderr, TOPICS_ERROR "describing the configs of the topics at %s: %s\n",
                    ctx->bootstrap, errstr);
            goto out;
        }
        size_t nres;
        const rd_kafka_ConfigResource_t **res = rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(ev), &nres);
        configs = mem_calloc(nres + 1, sizeof(*configs));
        for (size_t i = 0; i < nres; i++) {
            if (rd_kafka_ConfigResource_error(res[i])) {
                fprintf(stderr, TOPICS_ERROR "describing the configs of topic '%s': %s\n",
                        rd_kafka_ConfigResource_name(res[i]),
                        rd_kafka_ConfigResource_error_string(res[i]));
                goto out;
            }
            configs[nconfigs].topic = rd_kafka_ConfigResource_name(res[i]);
            configs[nconfigs].entries =
                rd_kafka_ConfigResource_configs(res[i], &configs[nconfigs].n);
            nconfigs++;
        }
    }

    bool under_replicated = cli_kafka_args_has(args, "under-replicated-partitions");
    bool unavailable = cli_kafka_args_has(args, "unavailable-partitions");
    bool under_min_isr = cli_kafka_args_has(args, "under-min-isr-partitions");
    bool at_min_isr = cli_kafka_args_has(args, "at-min-isr-partitions");
    bool overrides_only = cli_kafka_args_has(args, "topics-with-overrides");
    /* As Kafka: a partition filter prints only matching partitions, no
     * topic lines; --topics-with-overrides prints only topic lines. */
    bool partition_filter = under_replicated || unavailable || under_min_isr || at_min_isr;
    for (size_t t = 0; t < n; t++) {
        const rd_kafka_metadata_topic_t *topic = found[t];
        const topics_config_t *config = topics_config_find(configs, nconfigs, topic->topic);
        rd_kafka_metadata_partition_t *parts =
            mem_calloc((size_t)topic->partition_cnt + 1, sizeof(*parts));
        if (topic->partition_cnt)
            memcpy(parts, topic->partitions, (size_t)topic->partition_cnt * sizeof(*parts));
        qsort(parts, (size_t)topic->partition_cnt, sizeof(*parts), topics_cmp_partition);

        if (!partition_filter) {
            bool overridden = false;
            for (size_t i = 0; config && i < config->n; i++)
                overridden |= !rd_kafka_ConfigEntry_is_default(config->entries[i]);
            if (!overrides_only || overridden) {
                /* librdkafka 2.0 does not return topic ids: Kafka leaves the
                 * field out for a zero id, so do we. */
                printf(
                    "Topic: %s\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: ", topic->topic,
                    topic->partition_cnt, topic->partition_cnt ? parts[0].replica_cnt : 0);
                bool first = true;
                for (size_t i = 0; config && i < config->n; i++) {
                    const rd_kafka_ConfigEntry_t *e = config->entries[i];
                    if (rd_kafka_ConfigEntry_is_default(e))
                        continue;
                    const char *value = rd_kafka_ConfigEntry_value(e);
                    printf("%s%s=%s", first ? "" : ",", rd_kafka_ConfigEntry_name(e),
                           value ? value : "null");
                    first = false;
                }
                printf("\n");
            }
        }
        if (!overrides_only) {
            int min_isr = topics_min_isr(config);
            for (int p = 0; p < topic->partition_cnt; p++) {
                const rd_kafka_metadata_partition_t *part = &parts[p];
                bool has_leader = part->leader >= 0;
                if (partition_filter &&
                    !((under_replicated && part->replica_cnt - part->isr_cnt > 0) ||
                      (unavailable && (!has_leader || !topics_broker_live(md, part->leader))) ||
                      (under_min_isr && (!has_leader || part->isr_cnt < min_isr)) ||
                      (at_min_isr && part->isr_cnt == min_isr)))
                    continue;
                printf("\tTopic: %s\tPartition: %d", topic->topic, (int)part->id);
                if (has_leader)
                    printf("\tLeader: %d", (int)part->leader);
                else
                    printf("\tLeader: none");
                topics_print_ids("Replicas", part->replicas, part->replica_cnt);
                topics_print_ids("Isr", part->isrs, part->isr_cnt);
                printf("\n");
            }
        }
        free(parts);
    }
    status = CLI_EXIT_OK;

out:
    free(configs);
    if (ev)
        rd_kafka_event_destroy(ev);
    free(found);
    rd_kafka_metadata_destroy(md);
    return status;
}

/* ---- delete and alter ------------------------------------------------------------ */

static int topics_delete(topics_ctx_t *ctx)
{
    int status = CLI_EXIT_FAILURE;
    const struct rd_kafka_metadata *md = topics_metadata(ctx);
    if (!md)
        return status;
    size_t n = 0;
    const rd_kafka_metadata_topic_t **found = topics_find(ctx, md, &n, &status);
    if (!found)
        goto out;
    status = CLI_EXIT_OK;
    if (n) {
        rd_kafka_DeleteTopic_t **del = mem_calloc(n, sizeof(*del));
        for (size_t i = 0; i < n; i++)
            del[i] = rd_kafka_DeleteTopic_new(found[i]->topic);
        rd_kafka_AdminOptions_t *options =
            cli_kafka_admin_options(ctx->rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, ctx->timeout_ms);
        rd_kafka_DeleteTopics(ctx->rk, del, n, options, ctx->queue);
        rd_kafka_AdminOptions_destroy(options);
        rd_kafka_DeleteTopic_destroy_array(del, n);
        free(del);
        char errstr[1024];
        rd_kafka_event_t *ev = cli_kafka_admin_wait(ctx->queue, RD_KAFKA_EVENT_DELETETOPICS_RESULT,
                                                    ctx->timeout_ms, errstr, sizeof errstr);
        if (!ev) {
            fprintf(stderr, TOPICS_ERROR "deleting topics at %s: %s\n", ctx->bootstrap, errstr);
            status = CLI_EXIT_FAILURE;
        } else {
            size_t nres;
            const rd_kafka_topic_result_t **res =
                rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &nres);
            if (topics_report(res, nres, false))
                status = CLI_EXIT_FAILURE;
            rd_kafka_event_destroy(ev);
        }
    }
    free(found);
out:
    rd_kafka_metadata_destroy(md);
    return status;
}

static int topics_alter(topics_ctx_t *ctx)
{
    int64_t partitions;
    if (cli_kafka_args_int(&topics_cmd, ctx->args, "partitions", 1, INT32_MAX, -1, &partitions) < 0)
        return CLI_EXIT_USAGE;
    int status = CLI_EXIT_FAILURE;
    const struct rd_kafka_metadata *md = topics_metadata(ctx);
    if (!md)
        return status;
    size_t n = 0;
    const rd_kafka_metadata_topic_t **found = topics_find(ctx, md, &n, &status);
    if (!found)
        goto out;
    status = CLI_EXIT_OK;
    if (n) {
        rd_kafka_NewPartitions_t **np = mem_calloc(n, sizeof(*np));
        char errstr[1024];
        for (size_t i = 0; i < n; i++)
            np[i] = rd_kafka_NewPartitions_new(found[i]->topic, (size_t)partitions, errstr,
                                               sizeof errstr);
        rd_kafka_AdminOptions_t *options =
            cli_kafka_admin_options(ctx->rk, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, ctx->timeout_ms);
        rd_kafka_CreatePartitions(ctx->rk, np, n, options, ctx->queue);
        rd_kafka_AdminOptions_destroy(options);
        rd_kafka_NewPartitions_destroy_array(np, n);
        free(np);
        rd_kafka_event_t *ev =
            cli_kafka_admin_wait(ctx->queue, RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT,
                                 ctx->timeout_ms, errstr, sizeof errstr);
        if (!ev) {
            fprintf(stderr, TOPICS_ERROR "adding partitions at %s: %s\n", ctx->bootstrap, errstr);
            status = CLI_EXIT_FAILURE;
        } else {
            size_t nres;
            const rd_kafka_topic_result_t **res = rd_kafka_CreatePartitions_result_topics(
                rd_kafka_event_CreatePartitions_result(ev), &nres);
            if (topics_report(res, nres, false))
                status = CLI_EXIT_FAILURE;
            rd_kafka_event_destroy(ev);
        }
    }
    free(found);
out:
    rd_kafka_metadata_destroy(md);
    return status;
}

/* ---- sluice topics ---------------------------------------------------------------- */

/* Kafka's checks of which options go with which action. */
static int topics_check(const cli_kafka_args_t *args)
{
    static const char *const actions[] = {"create", "list", "describe", "alter", "delete"};
    int nactions = 0;
    for (size_t i = 0; i < 5; i++)
        nactions += cli_kafka_args_has(args, actions[i]);
    if (nactions != 1)
        return cli_kafka_usage_error(&topics_cmd, "Command must include exactly one action: "
                                                  "--list, --describe, --create, --alter or "
                                                  "--delete");
    bool create = cli_kafka_args_has(args, "create"), alter = cli_kafka_args_has(args, "alter");
    bool describe = cli_kafka_args_has(args, "describe"), list = cli_kafka_args_has(args, "list");
    bool del = cli_kafka_args_has(args, "delete");
    static const struct {
        const char *opt;
        const char *valid_with;
        bool create, alter, describe, list, del;
    } rules[] = {
        {"config", "--create", true, false, false, false, false},
        {"partitions", "--create or --alter", true, true, false, false, false},
        {"replication-factor", "--create", true, false, false, false, false},
        {"replica-assignment", "--create", true, false, false, false, false},
        {"if-exists", "--alter, --delete or --describe", false, true, true, false, true},
        {"if-not-exists", "--create", true, false, false, false, false},
        {"exclude-internal", "--list or --describe", false, false, true, true, false},
        {"topics-with-overrides", "--describe", false, false, true, false, false},
        {"under-replicated-partitions", "--describe", false, false, true, false, false},
        {"unavailable-partitions", "--describe", false, false, true, false, false},
        {"under-min-isr-partitions", "--describe", false, false, true, false, false},
        {"at-min-isr-partitions", "--describe", false, false, true, false, false},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (!cli_kafka_args_has(args, rules[i].opt))
            continue;
        if (!((create && rules[i].create) || (alter && rules[i].alter) ||
              (describe && rules[i].describe) || (list && rules[i].list) || (del && rules[i].del)))
            return cli_kafka_usage_error(&topics_cmd, "option --%s is only valid with %s",
                                         rules[i].opt, rules[i].valid_with);
    }
    if ((create || alter || del) && !cli_kafka_args_get(args, "topic"))
        return cli_kafka_usage_error(&topics_cmd, "--topic is required with --%s",
                                     create  ? "create"
                                     : alter ? "alter"
                                             : "delete");
    if (alter && !cli_kafka_args_has(args, "partitions"))
        return cli_kafka_usage_error(&topics_cmd, "--partitions is required with --alter");
    if (create && cli_kafka_args_has(args, "replica-assignment") &&
        (cli_kafka_args_has(args, "partitions") || cli_kafka_args_has(args, "replication-factor")))
        return cli_kafka_usage_error(&topics_cmd, "--replica-assignment cannot be combined with "
                                                  "--partitions or --replication-factor");
    if (cli_kafka_args_has(args, "topics-with-overrides") &&
        (cli_kafka_args_has(args, "under-replicated-partitions") ||
         cli_kafka_args_has(args, "unavailable-partitions") ||
         cli_kafka_args_has(args, "under-min-isr-partitions") ||
         cli_kafka_args_has(args, "at-min-isr-partitions")))
        return cli_kafka_usage_error(&topics_cmd, "--topics-with-overrides cannot be combined "
                                                  "with a partition filter");
    return CLI_EXIT_OK;
}

int cli_topics(int argc, char **argv)
{
    int status;
    cli_kafka_args_t *args = cli_kafka_args_parse(&topics_cmd, argc, argv, &status);
    if (!args)
        return status;
    if (argc < 2) {
        cli_kafka_usage(&topics_cmd, stderr);
        status = CLI_EXIT_USAGE;
        goto out_args;
    }
    status = topics_check(args);
    if (status != CLI_EXIT_OK)
        goto out_args;

    topics_ctx_t ctx = {.args = args};
    ctx.rk = cli_kafka_admin_new(&topics_cmd, args, ctx.bootstrap, sizeof ctx.bootstrap,
                                 &ctx.timeout_ms, &status);
    if (!ctx.rk)
        goto out_args;
    ctx.queue = rd_kafka_queue_new(ctx.rk);
    if (cli_kafka_args_has(args, "create"))
        status = topics_create(&ctx);
    else if (cli_kafka_args_has(args, "list"))
        status = topics_list(&ctx);
    else if (cli_kafka_args_has(args, "describe"))
        status = topics_describe(&ctx);
    else if (cli_kafka_args_has(args, "delete"))
        status = topics_delete(&ctx);
    else
        status = topics_alter(&ctx);
    rd_kafka_queue_destroy(ctx.queue);
    rd_kafka_destroy(ctx.rk);

out_args:
    cli_kafka_args_destroy(args);
    return status;
}
