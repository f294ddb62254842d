/*
 * `sluice consumer-groups`: Kafka's kafka-consumer-groups tool on librdkafka:
 * --list, and --describe with each partition's committed offset, log end
 * offset and lag (or --members, or --state), in Kafka's column layout.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli_kafka.h"
#include "mem.h"

static const cli_kafka_opt_t groups_opts[] = {
    {"bootstrap-server", CLI_KAFKA_OPT_VALUE, "SERVERS", "REQUIRED: the server(s) to connect to."},
    {"command-config", CLI_KAFKA_OPT_VALUE, "FILE",
     "Property file with configs for the admin client."},
    {"list", CLI_KAFKA_OPT_FLAG, NULL, "List all consumer groups."},
    {"describe", CLI_KAFKA_OPT_FLAG, NULL,
     "Describe consumer groups and list the offset lag of their partitions."},
    {"group", CLI_KAFKA_OPT_LIST, "GROUP", "The consumer group to describe (repeatable)."},
    {"all-groups", CLI_KAFKA_OPT_FLAG, NULL, "With --describe: describe every consumer group."},
    {"offsets", CLI_KAFKA_OPT_FLAG, NULL,
     "With --describe: list the groups' offsets and lag (the default)."},
    {"members", CLI_KAFKA_OPT_FLAG, NULL, "With --describe: list the groups' members."},
    {"state", CLI_KAFKA_OPT_OPTIONAL, "STATES",
     "With --describe: show the groups' state. With --list: show the state column, and only "
     "groups in the comma-separated STATES if given (Stable, Empty, PreparingRebalance, "
     "CompletingRebalance, Dead)."},
    {"timeout", CLI_KAFKA_OPT_VALUE, "MS",
     "How long to wait for the cluster's answers (default: 5000)."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t groups_cmd = {
    .tool = "sluice consumer-groups",
    .synopsis = "--bootstrap-server SERVERS [--command-config FILE]\n"
                "           (--list [--state [STATES]] |\n"
                "            --describe (--group G ... | --all-groups) [--members | --state])",
    .description = "Lists consumer groups, or describes them with their partitions' "
                   "committed offsets, log end offsets and lag, as Kafka's "
                   "kafka-consumer-groups does.",
    .opts = groups_opts,
};

#define GROUPS_MISSING "-"

typedef struct groups_ctx {
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue;
    char bootstrap[1024];
    int timeout_ms;
} groups_ctx_t;

static void groups_error(const char *fmt, const char *a, const char *b)
{
    /* Kafka prints "\nError: ..." for these; on stderr, where errors belong. */
    fprintf(stderr, "\nError: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n");
}

static int groups_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- list ------------------------------------------------------------------------ */

static int groups_cmp_info(const void *a, const void *b)
{
    const struct rd_kafka_group_info *x = *(const struct rd_kafka_group_info *const *)a;
    const struct rd_kafka_group_info *y = *(const struct rd_kafka_group_info *const *)b;
    return strcmp(x->group, y->group);
}

static int groups_list(groups_ctx_t *ctx, const cli_kafka_args_t *args)
{
    const struct rd_kafka_group_list *list = NULL;
    rd_kafka_resp_err_t err = rd_kafka_list_groups(ctx->rk, NULL, &list, ctx->timeout_ms);
    if (err && err != RD_KAFKA_RESP_ERR__PARTIAL) {
        char last[512];
        cli_kafka_last_error(last, sizeof last);
        groups_error("Executing consumer group command failed due to %s%s", rd_kafka_err2str(err),
                     "");
        if (last[0])
            fprintf(stderr, "(cluster at %s; last broker error: %s)\n", ctx->bootstrap, last);
        return CLI_EXIT_FAILURE;
    }
    bool with_state = cli_kafka_args_has(args, "state");
    const char *states = cli_kafka_args_get(args, "state");
    /* Consumer groups only, as Kafka lists them: protocol type "consumer" or
     * none (offsets committed without joining); Connect's own groups are not. */
    const struct rd_kafka_group_info **found =
        mem_calloc((size_t)list->group_cnt + 1, sizeof(*found));
    size_t n = 0, width = 15;
    for (int i = 0; i < list->group_cnt; i++) {
        const struct rd_kafka_group_info *g = &list->groups[i];
        if (g->protocol_type && *g->protocol_type && strcmp(g->protocol_type, "consumer") != 0)
            continue;
        if (states) {
            bool wanted = false;
            char *copy = mem_strdup(states), *save = NULL;
            for (char *s = strtok_r(copy, ", ", &save); s; s = strtok_r(NULL, ", ", &save))
                wanted |= strcasecmp(s, g->state ? g->state : "") == 0;
            free(copy);
            if (!wanted)
                continue;
        }
        found[n++] = g;
        if (strlen(g->group) > width)
            width = strlen(g->group);
    }
    qsort(found, n, sizeof(*found), groups_cmp_info);
    if (with_state) {
        printf("%-*s %-20s\n", (int)width + 10, "GROUP", "STATE");
        for (size_t i = 0; i < n; i++)
            printf("%-*s %-20s\n", (int)width + 10, found[i]->group,
                   found[i]->state ? found[i]->state : "Unknown");
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", found[i]->group);
    }
    free(found);
    rd_kafka_group_list_destroy(list);
    return CLI_EXIT_OK;
}

/* ---- describe -------------------------------------------------------------------- */

typedef struct groups_row {
    const char *topic;
    int32_t partition;
    int64_t offset; /* -1: no committed offset */
    int64_t end;    /* -1: unknown */
    const char *consumer_id, *host, *client_id;
} groups_row_t;

static int groups_cmp_row(const void *a, const void *b)
{
    const groups_row_t *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

/* Members by assignment size, largest first, as Kafka orders them. */
static int groups_cmp_member(const void *a, const void *b)
{
    const rd_kafka_MemberDescription_t *x = *(const rd_kafka_MemberDescription_t *const *)a;
    const rd_kafka_MemberDescription_t *y = *(const rd_kafka_MemberDescription_t *const *)b;
    int nx = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(x))->cnt;
    int ny = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(y))->cnt;
    return (ny > nx) - (ny < nx);
}

/*
 * Every partition of the cluster, to ask for a group's committed offsets:
 * librdkafka 2.0 sends an empty topic list rather than null for "all the
 * group's partitions", which brokers answer with nothing. A list the caller
 * destroys, or NULL with the reason printed.
 */
static rd_kafka_topic_partition_list_t *groups_all_partitions(groups_ctx_t *ctx)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(ctx->rk, 1, NULL, &md, ctx->timeout_ms);
    if (err) {
        char last[512];
        cli_kafka_last_error(last, sizeof last);
        fprintf(stderr,
                "\nError: Executing consumer group command failed due to %s (cluster at %s%s%s)\n",
                rd_kafka_err2str(err), ctx->bootstrap, last[0] ? "; last broker error: " : "",
                last);
        return NULL;
    }
    rd_kafka_topic_partition_list_t *all = rd_kafka_topic_partition_list_new(64);
    for (int t = 0; t < md->topic_cnt; t++)
        for (int p = 0; p < md->topics[t].partition_cnt; p++)
            rd_kafka_topic_partition_list_add(all, md->topics[t].topic,
                                              md->topics[t].partitions[p].id);
    rd_kafka_metadata_destroy(md);
    return all;
}

/* The group's committed offsets (a list the caller destroys), or NULL with
 * the reason printed. */
static rd_kafka_topic_partition_list_t *groups_committed(groups_ctx_t *ctx, const char *group)
{
    rd_kafka_topic_partition_list_t *all = groups_all_partitions(ctx);
    if (!all)
        return NULL;
    if (!all->cnt) /* no topics, so no offsets */
        return all;
    rd_kafka_ListConsumerGroupOffsets_t *req = rd_kafka_ListConsumerGroupOffsets_new(group, all);
    rd_kafka_topic_partition_list_destroy(all);
    rd_kafka_AdminOptions_t *options = cli_kafka_admin_options(
        ctx->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, ctx->timeout_ms);
    rd_kafka_ListConsumerGroupOffsets(ctx->rk, &req, 1, options, ctx->queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    char errstr[1024];
    rd_kafka_event_t *ev =
        cli_kafka_admin_wait(ctx->queue, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
                             ctx->timeout_ms, errstr, sizeof errstr);
    if (!ev) {
        groups_error("Executing consumer group command failed due to %s (group '%s')", errstr,
                     group);
        return NULL;
    }
    size_t n;
    const rd_kafka_group_result_t **res = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
    rd_kafka_topic_partition_list_t *out = NULL;
    if (n != 1 || rd_kafka_group_result_error(res[0])) {
        const rd_kafka_error_t *error = n == 1 ? rd_kafka_group_result_error(res[0]) : NULL;
        groups_error("Executing consumer group command failed due to %s (group '%s')",
                     error ? rd_kafka_error_string(error) : "no result", group);
    } else {
        const rd_kafka_topic_partition_list_t *parts = rd_kafka_group_result_partitions(res[0]);
        out = parts ? rd_kafka_topic_partition_list_copy(parts)
                    : rd_kafka_topic_partition_list_new(0);
    }
    rd_kafka_event_destroy(ev);
    return out;
}

static int64_t groups_committed_offset(const rd_kafka_topic_partition_list_t *committed,
                                       const char *topic, int32_t partition)
{
    rd_kafka_topic_partition_t *tp =
        rd_kafka_topic_partition_list_find(committed, topic, partition);
    return tp && !tp->err && tp->offset >= 0 ? tp->offset : -1;
}

static void groups_fmt_offset(char *buf, size_t size, int64_t v)
{
    if (v < 0)
        snprintf(buf, size, GROUPS_MISSING);
    else
        snprintf(buf, size, "%" PRId64, v);
}

/* Prints the offsets table of one group in Kafka's layout (a blank line,
 * the header, the rows, a newline). */
static void groups_print_offsets(const char *group, groups_row_t *rows, size_t nrows)
{
    int gw = 15, tw = 15, cw = 15, hw = 15;
    for (size_t i = 0; i < nrows; i++) {
        int g = (int)strlen(group), t = (int)strlen(rows[i].topic);
        int c = (int)strlen(rows[i].consumer_id), h = (int)strlen(rows[i].host);
        gw = g > gw ? g : gw;
        tw = t > tw ? t : tw;
        cw = c > cw ? c : cw;
        hw = h > hw ? h : hw;
    }
    printf("\n%-*s %-*s %-10s %-15s %-15s %-15s %-*s %-*s %s", gw, "GROUP", tw, "TOPIC",
           "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", cw, "CONSUMER-ID", hw, "HOST",
           "CLIENT-ID");
    for (size_t i = 0; i < nrows; i++) {
        const groups_row_t *r = &rows[i];
        char partition[16], offset[24], end[24], lag[24];
        snprintf(partition, sizeof partition, "%" PRId32, r->partition);
        groups_fmt_offset(offset, sizeof offset, r->offset);
        groups_fmt_offset(end, sizeof end, r->end);
        groups_fmt_offset(lag, sizeof lag, r->offset >= 0 && r->end >= 0 ? r->end - r->offset : -1);
        printf("\n%-*s %-*s %-10s %-15s %-15s %-15s %-*s %-*s %s", gw, group, tw, r->topic,
               partition, offset, end, lag, cw, r->consumer_id, hw, r->host, r->client_id);
    }
    printf("\n");
}

/* Kafka's shouldPrintMemberState: says what is unusual about the group's
 * state; returns whether its table should be printed. */
static bool groups_state_ok(const char *group, rd_kafka_consumer_group_state_t state, size_t rows,
                            bool *missing)
{
    switch (state) {
    case RD_KAFKA_CONSUMER_GROUP_STATE_DEAD:
        groups_error("Consumer group '%s' does not exist.%s", group, "");
        *missing = true;
        return false;
    case RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY:
        fprintf(stderr, "\nConsumer group '%s' has no active members.\n", group);
        break;
    case RD_KAFKA_CONSUMER_GROUP_STATE_PREPARING_REBALANCE:
    case RD_KAFKA_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE:
        fprintf(stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", group);
        break;
    default: break;
    }
    return rows > 0;
}

static int groups_describe_one(groups_ctx_t *ctx, const rd_kafka_ConsumerGroupDescription_t *desc,
                               const cli_kafka_args_t *args, bool *missing)
{
    const char *group = rd_kafka_ConsumerGroupDescription_group_id(desc);
    rd_kafka_consumer_group_state_t state = rd_kafka_ConsumerGroupDescription_state(desc);
    size_t nmembers = rd_kafka_ConsumerGroupDescription_member_count(desc);
    const rd_kafka_MemberDescription_t **members = mem_calloc(nmembers + 1, sizeof(*members));
    for (size_t i = 0; i < nmembers; i++)
        members[i] = rd_kafka_ConsumerGroupDescription_member(desc, i);

    if (cli_kafka_args_has(args, "state")) {
        const rd_kafka_Node_t *node = rd_kafka_ConsumerGroupDescription_coordinator(desc);
        if (groups_state_ok(group, state, 1, missing)) {
            char coordinator[512];
            snprintf(coordinator, sizeof coordinator, "%s:%u  (%d)",
                     node ? rd_kafka_Node_host(node) : "", node ? rd_kafka_Node_port(node) : 0,
                     node ? rd_kafka_Node_id(node) : -1);
            int cw = (int)strlen(coordinator) > 25 ? (int)strlen(coordinator) : 25;
            int gw = (int)strlen(group) > 15 ? (int)strlen(group) : 15;
            const char *assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(desc);
            printf("\n%-*s %-*s %-20s %-20s %s", gw, "GROUP", cw, "COORDINATOR (ID)",
                   "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
            printf("\n%-*s %-*s %-20s %-20s %zu\n", gw, group, cw, coordinator,
                   assignor && *assignor ? assignor : GROUPS_MISSING,
                   rd_kafka_consumer_group_state_name(state), nmembers);
        }
        free(members);
        return CLI_EXIT_OK;
    }

    if (cli_kafka_args_has(args, "members")) {
        if (groups_state_ok(group, state, nmembers, missing)) {
            int gw = 15, cw = 15, hw = 15, lw = 15;
            for (size_t i = 0; i < nmembers; i++) {
                int c = (int)strlen(rd_kafka_MemberDescription_consumer_id(members[i]));
                int h = (int)strlen(rd_kafka_MemberDescription_host(members[i]));
                int l = (int)strlen(rd_kafka_MemberDescription_client_id(members[i]));
                gw = (int)strlen(group) > gw ? (int)strlen(group) : gw;
                cw = c > cw ? c : cw;
                hw = h > hw ? h : hw;
                lw = l > lw ? l : lw;
            }
            printf("\n%-*s %-*s %-*s %-*s %-15s \n", gw, "GROUP", cw, "CONSUMER-ID", hw, "HOST", lw,
                   "CLIENT-ID", "#PARTITIONS");
            for (size_t i = 0; i < nmembers; i++) {
                char count[16];
                snprintf(count, sizeof count, "%d",
                         rd_kafka_MemberAssignment_partitions(
                             rd_kafka_MemberDescription_assignment(members[i]))
                             ->cnt);
                printf("%-*s %-*s %-*s %-*s %-15s \n", gw, group, cw,
                       rd_kafka_MemberDescription_consumer_id(members[i]), hw,
                       rd_kafka_MemberDescription_host(members[i]), lw,
                       rd_kafka_MemberDescription_client_id(members[i]), count);
            }
        }
        free(members);
        return CLI_EXIT_OK;
    }

    /* Offsets: the assigned partitions of each member, then the committed
     * partitions nobody is assigned. */
    rd_kafka_topic_partition_list_t *committed = groups_committed(ctx, group);
    if (!committed) {
        free(members);
        return CLI_EXIT_FAILURE;
    }
    qsort(members, nmembers, sizeof(*members), groups_cmp_member);
    size_t cap = 0, nrows = 0;
    groups_row_t *rows = NULL;
    rd_kafka_topic_partition_list_t *assigned = rd_kafka_topic_partition_list_new(16);
    for (size_t i = 0; i < nmembers; i++) {
        const rd_kafka_topic_partition_list_t *parts =
            rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(members[i]));
        size_t first = nrows;
        for (int p = 0; p < parts->cnt; p++) {
            mem_grow((void **)&rows, &cap, nrows + 1, sizeof(*rows));
            rows[nrows++] = (groups_row_t){
                .topic = parts->elems[p].topic,
                .partition = parts->elems[p].partition,
                .offset = groups_committed_offset(committed, parts->elems[p].topic,
                                                  parts->elems[p].partition),
                .consumer_id = rd_kafka_MemberDescription_consumer_id(members[i]),
                .host = rd_kafka_MemberDescription_host(members[i]),
                .client_id = rd_kafka_MemberDescription_client_id(members[i]),
            };
            rd_kafka_topic_partition_list_add(assigned, parts->elems[p].topic,
                                              parts->elems[p].partition);
        }
        if (nrows > first)
            qsort(rows + first, nrows - first, sizeof(*rows), groups_cmp_row);
    }
    size_t first = nrows;
    for (int i = 0; i < committed->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &committed->elems[i];
        if (tp->err || tp->offset < 0 ||
            rd_kafka_topic_partition_list_find(assigned, tp->topic, tp->partition))
            continue;
        mem_grow((void **)&rows, &cap, nrows + 1, sizeof(*rows));
        rows[nrows++] = (groups_row_t){.topic = tp->topic,
                                       .partition = tp->partition,
                                       .offset = tp->offset,
                                       .consumer_id = GROUPS_MISSING,
                                       .host = GROUPS_MISSING,
                                       .client_id = GROUPS_MISSING};
    }
    if (nrows > first)
        qsort(rows + first, nrows - first, sizeof(*rows), groups_cmp_row);
    for (size_t i = 0; i < nrows; i++) {
        int64_t low, high;
        rows[i].end = rd_kafka_query_watermark_offsets(ctx->rk, rows[i].topic, rows[i].partition,
                                                       &low, &high, ctx->timeout_ms)
                          ? -1
                          : high;
    }
    if (groups_state_ok(group, state, nrows, missing))
        groups_print_offsets(group, rows, nrows);
    free(rows);
    rd_kafka_topic_partition_list_destroy(assigned);
    rd_kafka_topic_partition_list_destroy(committed);
    free(members);
    return CLI_EXIT_OK;
}

static int groups_describe(groups_ctx_t *ctx, const cli_kafka_args_t *args)
{
    size_t ngroups = 0;
    const char **groups = NULL;
    const struct rd_kafka_group_list *list = NULL;
    if (cli_kafka_args_has(args, "all-groups")) {
        rd_kafka_resp_err_t err = rd_kafka_list_groups(ctx->rk, NULL, &list, ctx->timeout_ms);
        if (err && err != RD_KAFKA_RESP_ERR__PARTIAL) {
            groups_error("Executing consumer group command failed due to %s%s",
                         rd_kafka_err2str(err), "");
            return CLI_EXIT_FAILURE;
        }
        groups = mem_calloc((size_t)list->group_cnt + 1, sizeof(*groups));
        for (int i = 0; i < list->group_cnt; i++) {
            const char *type = list->groups[i].protocol_type;
            if (!type || !*type || strcmp(type, "consumer") == 0)
                groups[ngroups++] = list->groups[i].group;
        }
    } else {
        ngroups = cli_kafka_args_count(args, "group");
        groups = mem_calloc(ngroups + 1, sizeof(*groups));
        for (size_t i = 0; i < ngroups; i++)
            groups[i] = cli_kafka_args_at(args, "group", i);
    }
    qsort(groups, ngroups, sizeof(*groups), groups_cmp_str);
    int status = CLI_EXIT_OK;
    bool missing = false;
    if (ngroups) {
        rd_kafka_AdminOptions_t *options = cli_kafka_admin_options(
            ctx->rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, ctx->timeout_ms);
        rd_kafka_DescribeConsumerGroups(ctx->rk, groups, ngroups, options, ctx->queue);
        rd_kafka_AdminOptions_destroy(options);
        char errstr[1024];
        rd_kafka_event_t *ev =
            cli_kafka_admin_wait(ctx->queue, RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
                                 ctx->timeout_ms, errstr, sizeof errstr);
        if (!ev) {
            groups_error("Executing consumer group command failed due to %s (cluster at %s)",
                         errstr, ctx->bootstrap);
            status = CLI_EXIT_FAILURE;
        } else {
            size_t n;
            const rd_kafka_ConsumerGroupDescription_t **descs =
                rd_kafka_DescribeConsumerGroups_result_groups(
                    rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
            for (size_t i = 0; i < n; i++) {
                const rd_kafka_error_t *error = rd_kafka_ConsumerGroupDescription_error(descs[i]);
                if (error && rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
                    groups_error("Consumer group '%s' does not exist.%s",
                                 rd_kafka_ConsumerGroupDescription_group_id(descs[i]), "");
                    missing = true;
                } else if (error) {
                    groups_error("Executing consumer group command failed due to %s (group "
                                 "'%s')",
                                 rd_kafka_error_string(error),
                                 rd_kafka_ConsumerGroupDescription_group_id(descs[i]));
                    status = CLI_EXIT_FAILURE;
                } else if (groups_describe_one(ctx, descs[i], args, &missing) != CLI_EXIT_OK) {
                    status = CLI_EXIT_FAILURE;
                }
            }
            rd_kafka_event_destroy(ev);
        }
    }
    if (missing)
        status = CLI_EXIT_FAILURE;
    free(groups);
    if (list)
        rd_kafka_group_list_destroy(list);
    return status;
}

int cli_consumer_groups(int argc, char **argv)
{
    const cli_kafka_command_t *cmd = &groups_cmd;
    int status;
    cli_kafka_args_t *args = cli_kafka_args_parse(cmd, argc, argv, &status);
    if (!args)
        return status;
    bool list = cli_kafka_args_has(args, "list"), describe = cli_kafka_args_has(args, "describe");
    int64_t timeout;
    if (list == describe) {
        status = cli_kafka_usage_error(cmd, "Command must include exactly one action: --list, "
                                            "--describe");
        goto out;
    }
    if (describe && !cli_kafka_args_count(args, "group") &&
        !cli_kafka_args_has(args, "all-groups")) {
        status = cli_kafka_usage_error(cmd, "Option --describe takes one of these options: "
                                            "--all-groups, --group");
        goto out;
    }
    if (describe && cli_kafka_args_count(args, "group") && cli_kafka_args_has(args, "all-groups")) {
        status = cli_kafka_usage_error(cmd, "Option --all-groups cannot be combined with --group");
        goto out;
    }
    if (list && (cli_kafka_args_count(args, "group") || cli_kafka_args_has(args, "all-groups") ||
                 cli_kafka_args_has(args, "members") || cli_kafka_args_has(args, "offsets"))) {
        status = cli_kafka_usage_error(cmd, "with --list, only --state may be given");
        goto out;
    }
    if (describe && cli_kafka_args_has(args, "members") + cli_kafka_args_has(args, "state") +
                            cli_kafka_args_has(args, "offsets") >
                        1) {
        status = cli_kafka_usage_error(cmd, "give at most one of --offsets, --members, --state");
        goto out;
    }
    if (describe && cli_kafka_args_get(args, "state")) {
        status = cli_kafka_usage_error(cmd, "with --describe, --state takes no value");
        goto out;
    }
    if (cli_kafka_args_int(cmd, args, "timeout", 1, INT32_MAX, 5000, &timeout) < 0) {
        status = CLI_EXIT_USAGE;
        goto out;
    }

    groups_ctx_t ctx = {0};
    int ignored;
    ctx.rk = cli_kafka_admin_new(cmd, args, ctx.bootstrap, sizeof ctx.bootstrap, &ignored, &status);
    if (!ctx.rk)
        goto out;
    ctx.timeout_ms = (int)timeout;
    ctx.queue = rd_kafka_queue_new(ctx.rk);
    status = list ? groups_list(&ctx, args) : groups_describe(&ctx, args);
    rd_kafka_queue_destroy(ctx.queue);
    rd_kafka_destroy(ctx.rk);

out:
    cli_kafka_args_destroy(args);
    return status;
}
