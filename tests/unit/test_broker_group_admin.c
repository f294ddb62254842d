/*
 * The consumer-group admin calls of librdkafka (the ones the worker's REST
 * offsets endpoints use for sink connectors) against the integrated broker
 * run in-process on a free 127.0.0.1 port: ListConsumerGroupOffsets
 * (OffsetFetch, all partitions or chosen ones), AlterConsumerGroupOffsets
 * (OffsetCommit as an admin: generation -1, no member id),
 * DeleteConsumerGroupOffsets (OffsetDelete) and DeleteGroups. Checked: what
 * each returns with and without active members, and that deletions survive
 * a restart of the broker on the same data directory. A second suite drives
 * the coordinator's OffsetDelete directly, for what a client cannot provoke:
 * a failed append, a group of another protocol type, unreadable
 * subscriptions, the records written. A third holds the wire bytes: what
 * the broker advertises for these calls, and how librdkafka 2.0.2's
 * "all partitions" OffsetFetch reads.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <librdkafka/rdkafka.h>

#include "api_group_admin.h"
#include "api_offset_commit.h"
#include "broker.h"
#include "group_coordinator.h"
#include "proto_request.h"
#include "test_util.h"

#define WAIT_MS 30000
#define TOPIC "orders"
#define OTHER_TOPIC "payments"
#define PARTS 3
#define NONE (-1) /* no offset for a partition */

static char dir[64];
static char bootstrap[64];
static int port;
static broker_t *broker;
static rd_kafka_t *admin; /* the admin client, recreated with the broker */

/* ---- the broker ----------------------------------------------------------------- */

/* A port free on 127.0.0.1 right now. The broker is given it rather than
 * port 0, because with port 0 its metadata would advertise port 0. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int found = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        found = ntohs(addr.sin_port);
    close(fd);
    return found;
}

static rd_kafka_t *client_new(rd_kafka_type_t type, const char *group);

/* Starts the broker on dir (again after stop_broker: a restart), and the
 * admin client. */
static int start_broker(void)
{
    char listener[64], logs[128];
    snprintf(listener, sizeof listener, "PLAINTEXT://127.0.0.1:%d", port);
    snprintf(logs, sizeof logs, "%s/kafka", dir);
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "listeners", listener);
    sluice_strmap_set(props, "log.dirs", logs);
    sluice_strmap_set(props, "group.initial.rebalance.delay.ms", "0");
    sluice_strmap_set(props, "offsets.topic.num.partitions", "1");
    char why[2048];
    broker_config_t *bc = broker_config_new(props, "test broker", why, sizeof why);
    sluice_strmap_destroy(props);
    if (!bc) {
        fprintf(stderr, "\n  broker config: %s\n", why);
        return -1;
    }
    broker = broker_new(bc);
    if (broker_start(broker, why, sizeof why)) {
        fprintf(stderr, "\n  broker: %s\n", why);
        broker_destroy(broker);
        broker = NULL;
        return -1;
    }
    snprintf(bootstrap, sizeof bootstrap, "127.0.0.1:%d", broker_port(broker));
    admin = client_new(RD_KAFKA_PRODUCER, NULL);
    return admin ? 0 : -1;
}

static void stop_broker(void)
{
    if (admin) {
        rd_kafka_destroy(admin);
        admin = NULL;
    }
    if (broker) {
        broker_stop(broker);
        broker_destroy(broker);
        broker = NULL;
    }
}

/* ---- clients --------------------------------------------------------------------- */

/* A client of the broker, or NULL (said on stderr). Also used outside
 * tests (suite set-up), so it asserts nothing. */
static rd_kafka_t *client_new(rd_kafka_type_t type, const char *group)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[256];
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, why, sizeof why);
    rd_kafka_conf_set(conf, "log_level", "3", why, sizeof why);
    if (group) {
        rd_kafka_conf_set(conf, "group.id", group, why, sizeof why);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", why, sizeof why);
        rd_kafka_conf_set(conf, "session.timeout.ms", "6000", why, sizeof why);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, why, sizeof why);
    if (!rk)
        fprintf(stderr, "\n  rd_kafka_new: %s\n", why);
    return rk;
}

/* One admin call's result event (the caller destroys it): run(admin, queue,
 * arg) starts the call. */
static rd_kafka_event_t *admin_call(void (*run)(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg),
                                    void *arg)
{
    rd_kafka_queue_t *q = rd_kafka_queue_new(admin);
    run(admin, q, arg);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, WAIT_MS);
    rd_kafka_queue_destroy(q);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    return ev;
}

static void create_topics_run(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg)
{
    (void)arg;
    char why[256];
    rd_kafka_NewTopic_t *nt[2] = {rd_kafka_NewTopic_new(TOPIC, PARTS, 1, why, sizeof why),
                                  rd_kafka_NewTopic_new(OTHER_TOPIC, 1, 1, why, sizeof why)};
    rd_kafka_CreateTopics(rk, nt, 2, NULL, q);
    rd_kafka_NewTopic_destroy_array(nt, 2);
}

/* Creates TOPIC and OTHER_TOPIC (suite set-up): 0 or -1. */
static int create_topics(void)
{
    rd_kafka_queue_t *q = rd_kafka_queue_new(admin);
    create_topics_run(admin, q, NULL);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, WAIT_MS);
    rd_kafka_queue_destroy(q);
    int rc = ev && !rd_kafka_event_error(ev) ? 0 : -1;
    size_t n = 0;
    const rd_kafka_topic_result_t **res =
        rc ? NULL : rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (size_t i = 0; i < n; i++)
        if (rd_kafka_topic_result_error(res[i]))
            rc = -1;
    if (rc)
        fprintf(stderr, "\n  creating the topics failed\n");
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}

/* A list of TOPIC's partitions; offsets[p] == NONE leaves p out (offsets
 * NULL: every partition, offset unset). */
static rd_kafka_topic_partition_list_t *partitions_of(const int64_t *offsets)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(PARTS);
    for (int32_t p = 0; p < PARTS; p++)
        if (!offsets || offsets[p] != NONE)
            rd_kafka_topic_partition_list_add(l, TOPIC, p)->offset = offsets ? offsets[p] : 0;
    return l;
}

/* The group result of a single-group event, or NULL; *n is the count the
 * same call's result getter set (read here, after it ran). */
static const rd_kafka_group_result_t *only_group(const rd_kafka_group_result_t **groups,
                                                 const size_t *n)
{
    CU_ASSERT_EQUAL(*n, 1);
    return *n == 1 ? groups[0] : NULL;
}

/* ---- the four admin calls ----------------------------------------------------------- */

typedef struct call_args {
    const char *group;
    rd_kafka_topic_partition_list_t *partitions; /* may be NULL for a list */
} call_args_t;

static void list_run(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg)
{
    call_args_t *a = arg;
    rd_kafka_ListConsumerGroupOffsets_t *l =
        rd_kafka_ListConsumerGroupOffsets_new(a->group, a->partitions);
    rd_kafka_ListConsumerGroupOffsets(rk, &l, 1, NULL, q);
    rd_kafka_ListConsumerGroupOffsets_destroy(l);
}

/*
 * ListConsumerGroupOffsets for group: every committed partition (all) or
 * TOPIC's partitions. off[p] receives TOPIC's committed offsets (NONE where
 * there is none); returns how many partitions the result lists with an
 * offset, of any topic, or -1 on an error.
 */
static int list_offsets(const char *group, bool all, int64_t off[PARTS])
{
    for (int p = 0; p < PARTS; p++)
        off[p] = NONE;
    call_args_t a = {group, all ? NULL : partitions_of(NULL)};
    rd_kafka_event_t *ev = admin_call(list_run, &a);
    if (a.partitions)
        rd_kafka_topic_partition_list_destroy(a.partitions);
    int found = -1;
    if (rd_kafka_event_error(ev)) {
        fprintf(stderr, "\n  list %s: %s\n", group, rd_kafka_event_error_string(ev));
        goto done;
    }
    size_t n = 0;
    const rd_kafka_group_result_t *g =
        only_group(rd_kafka_ListConsumerGroupOffsets_result_groups(
                       rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n),
                   &n);
    if (!g || rd_kafka_group_result_error(g))
        goto done;
    const rd_kafka_topic_partition_list_t *l = rd_kafka_group_result_partitions(g);
    found = 0;
    for (int i = 0; l && i < l->cnt; i++) {
        CU_ASSERT_EQUAL(l->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
        if (l->elems[i].offset < 0)
            continue;
        found++;
        if (strcmp(l->elems[i].topic, TOPIC) == 0 && l->elems[i].partition >= 0 &&
            l->elems[i].partition < PARTS)
            off[l->elems[i].partition] = l->elems[i].offset;
    }
done:
    rd_kafka_event_destroy(ev);
    return found;
}

static void alter_run(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg)
{
    call_args_t *a = arg;
    rd_kafka_AlterConsumerGroupOffsets_t *alter =
        rd_kafka_AlterConsumerGroupOffsets_new(a->group, a->partitions);
    rd_kafka_AlterConsumerGroupOffsets(rk, &alter, 1, NULL, q);
    rd_kafka_AlterConsumerGroupOffsets_destroy(alter);
}

/* AlterConsumerGroupOffsets of TOPIC's partitions with off[p] != NONE;
 * errs[p] receives each partition's result. Returns the call's error. */
static rd_kafka_resp_err_t alter_offsets(const char *group, const int64_t off[PARTS],
                                         rd_kafka_resp_err_t errs[PARTS])
{
    call_args_t a = {group, partitions_of(off)};
    rd_kafka_event_t *ev = admin_call(alter_run, &a);
    rd_kafka_topic_partition_list_destroy(a.partitions);
    for (int p = 0; p < PARTS; p++)
        errs[p] = RD_KAFKA_RESP_ERR__NOENT;
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    size_t n = 0;
    const rd_kafka_group_result_t *g =
        err ? NULL
            : only_group(rd_kafka_AlterConsumerGroupOffsets_result_groups(
                             rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &n),
                         &n);
    const rd_kafka_topic_partition_list_t *l = g ? rd_kafka_group_result_partitions(g) : NULL;
    for (int i = 0; l && i < l->cnt; i++)
        if (l->elems[i].partition >= 0 && l->elems[i].partition < PARTS)
            errs[l->elems[i].partition] = l->elems[i].err;
    rd_kafka_event_destroy(ev);
    return err;
}

static void delete_offsets_run(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg)
{
    call_args_t *a = arg;
    rd_kafka_DeleteConsumerGroupOffsets_t *d =
        rd_kafka_DeleteConsumerGroupOffsets_new(a->group, a->partitions);
    rd_kafka_DeleteConsumerGroupOffsets(rk, &d, 1, NULL, q);
    rd_kafka_DeleteConsumerGroupOffsets_destroy(d);
}

/* DeleteConsumerGroupOffsets of topic's partition; *part_err receives the
 * partition's result (RD_KAFKA_RESP_ERR__NOENT when the result does not
 * list it). Returns the call's (top-level) error. */
static rd_kafka_resp_err_t delete_offset(const char *group, const char *topic, int32_t partition,
                                         rd_kafka_resp_err_t *part_err)
{
    call_args_t a = {group, rd_kafka_topic_partition_list_new(1)};
    rd_kafka_topic_partition_list_add(a.partitions, topic, partition);
    rd_kafka_event_t *ev = admin_call(delete_offsets_run, &a);
    rd_kafka_topic_partition_list_destroy(a.partitions);
    *part_err = RD_KAFKA_RESP_ERR__NOENT;
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    if (!err) {
        size_t n = 0;
        const rd_kafka_group_result_t *g =
            only_group(rd_kafka_DeleteConsumerGroupOffsets_result_groups(
                           rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &n),
                       &n);
        const rd_kafka_topic_partition_list_t *l = g ? rd_kafka_group_result_partitions(g) : NULL;
        for (int i = 0; l && i < l->cnt; i++)
            if (strcmp(l->elems[i].topic, topic) == 0 && l->elems[i].partition == partition)
                *part_err = l->elems[i].err;
    }
    rd_kafka_event_destroy(ev);
    return err;
}

static void delete_group_run(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg)
{
    rd_kafka_DeleteGroup_t *d = rd_kafka_DeleteGroup_new(arg);
    rd_kafka_DeleteGroups(rk, &d, 1, NULL, q);
    rd_kafka_DeleteGroup_destroy(d);
}

/* DeleteGroups for one group: the group's result. */
static rd_kafka_resp_err_t delete_group(const char *group)
{
    rd_kafka_event_t *ev = admin_call(delete_group_run, (void *)group);
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    if (!err) {
        size_t n = 0;
        const rd_kafka_group_result_t *g = only_group(
            rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &n), &n);
        const rd_kafka_error_t *gerr = g ? rd_kafka_group_result_error(g) : NULL;
        err = gerr ? rd_kafka_error_code(gerr) : RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    rd_kafka_event_destroy(ev);
    return err;
}

static void describe_run(rd_kafka_t *rk, rd_kafka_queue_t *q, void *arg)
{
    const char *groups[] = {arg};
    rd_kafka_DescribeConsumerGroups(rk, groups, 1, NULL, q);
}

/* The group's state as DescribeConsumerGroups reports it. */
static rd_kafka_consumer_group_state_t group_state(const char *group)
{
    rd_kafka_event_t *ev = admin_call(describe_run, (void *)group);
    rd_kafka_consumer_group_state_t state = RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN;
    size_t n = 0;
    const rd_kafka_ConsumerGroupDescription_t **d =
        rd_kafka_event_error(ev) ? NULL
                                 : rd_kafka_DescribeConsumerGroups_result_groups(
                                       rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
    if (d && n == 1)
        state = rd_kafka_ConsumerGroupDescription_state(d[0]);
    rd_kafka_event_destroy(ev);
    return state;
}

/* Waits until the group is in state; returns whether it got there. */
static bool wait_group_state(const char *group, rd_kafka_consumer_group_state_t state)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    while (group_state(group) != state) {
        if (test_now_ms() > deadline)
            return false;
        test_sleep_ms(100);
    }
    return true;
}

/* ---- a consumer group member --------------------------------------------------------- */

/* A consumer of group subscribed to TOPIC, returned once it owns all of
 * TOPIC's partitions (it is the group's only member). */
static rd_kafka_t *join_group(const char *group)
{
    rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, group);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rk);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, TOPIC, RD_KAFKA_PARTITION_UA);
    CU_ASSERT_EQUAL_FATAL(rd_kafka_subscribe(rk, sub), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(sub);
    int64_t deadline = test_now_ms() + WAIT_MS;
    int owned = 0;
    while (owned < PARTS && test_now_ms() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (m)
            rd_kafka_message_destroy(m);
        rd_kafka_topic_partition_list_t *as = NULL;
        if (rd_kafka_assignment(rk, &as) == RD_KAFKA_RESP_ERR_NO_ERROR && as) {
            owned = as->cnt;
            rd_kafka_topic_partition_list_destroy(as);
        }
    }
    CU_ASSERT_EQUAL_FATAL(owned, PARTS);
    return rk;
}

/* The member commits TOPIC's off[p] (and, when other >= 0, OTHER_TOPIC's
 * partition 0 at other), synchronously. */
static void member_commit(rd_kafka_t *rk, const int64_t off[PARTS], int64_t other)
{
    rd_kafka_topic_partition_list_t *l = partitions_of(off);
    if (other >= 0)
        rd_kafka_topic_partition_list_add(l, OTHER_TOPIC, 0)->offset = other;
    CU_ASSERT_EQUAL(rd_kafka_commit(rk, l, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int i = 0; i < l->cnt; i++)
        CU_ASSERT_EQUAL(l->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(l);
}

static void leave_group(rd_kafka_t *rk)
{
    CU_ASSERT_EQUAL(rd_kafka_consumer_close(rk), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(rk);
}

#define ASSERT_OFFSETS(off, o0, o1, o2)                                                            \
    do {                                                                                           \
        CU_ASSERT_EQUAL((off)[0], (o0));                                                           \
        CU_ASSERT_EQUAL((off)[1], (o1));                                                           \
        CU_ASSERT_EQUAL((off)[2], (o2));                                                           \
    } while (0)

/* ---- tests -------------------------------------------------------------------------- */

/* A member's commits are listed: every partition (librdkafka asks with
 * OffsetFetch v7, where its "all partitions" reads as a null array), or the
 * partitions asked for; an unknown group has none. */
static void test_list_offsets(void)
{
    rd_kafka_t *member = join_group("g-list");
    member_commit(member, (int64_t[]){5, 7, 9}, -1);
    int64_t off[PARTS];
    CU_ASSERT_EQUAL(list_offsets("g-list", true, off), 3);
    ASSERT_OFFSETS(off, 5, 7, 9);
    CU_ASSERT_EQUAL(list_offsets("g-list", false, off), 3);
    ASSERT_OFFSETS(off, 5, 7, 9);
    leave_group(member);

    CU_ASSERT_EQUAL(list_offsets("g-never", true, off), 0);
    CU_ASSERT_EQUAL(list_offsets("g-never", false, off), 0);
}

/* While a member is active: altering is refused (UNKNOWN_MEMBER_ID, as
 * Kafka answers a commit without a member), so are deleting the offsets of
 * a topic it subscribes to (GROUP_SUBSCRIBED_TO_TOPIC) and deleting the
 * group (NON_EMPTY_GROUP); offsets of a topic it does not subscribe to may
 * go. Once it has left, altering works. */
static void test_refused_while_member_active(void)
{
    const char *group = "g-active";
    rd_kafka_t *member = join_group(group);
    member_commit(member, (int64_t[]){1, 2, 3}, 40);
    rd_kafka_resp_err_t errs[PARTS], perr;

    CU_ASSERT_EQUAL(alter_offsets(group, (int64_t[]){50, NONE, NONE}, errs),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(errs[0], RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID);

    CU_ASSERT_EQUAL(delete_offset(group, TOPIC, 0, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC);
    CU_ASSERT_EQUAL(delete_offset(group, OTHER_TOPIC, 0, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_NO_ERROR);

    CU_ASSERT_EQUAL(delete_group(group), RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP);

    int64_t off[PARTS];
    CU_ASSERT_EQUAL(list_offsets(group, true, off), 3); /* OTHER_TOPIC's went */
    ASSERT_OFFSETS(off, 1, 2, 3);

    leave_group(member);
    CU_ASSERT_TRUE(wait_group_state(group, RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY));
    CU_ASSERT_EQUAL(alter_offsets(group, (int64_t[]){50, NONE, 70}, errs),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(errs[0], RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(errs[2], RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(list_offsets(group, true, off), 3);
    ASSERT_OFFSETS(off, 50, 2, 70);
    CU_ASSERT_EQUAL(delete_offset(group, TOPIC, 0, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(delete_group(group), RD_KAFKA_RESP_ERR_NO_ERROR);
}

/* Altering the offsets of a group that does not exist creates it, Empty,
 * with those offsets. */
static void test_alter_unknown_group(void)
{
    rd_kafka_resp_err_t errs[PARTS];
    CU_ASSERT_EQUAL(group_state("g-fresh"), RD_KAFKA_CONSUMER_GROUP_STATE_DEAD);
    CU_ASSERT_EQUAL(alter_offsets("g-fresh", (int64_t[]){3, NONE, 4}, errs),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(errs[0], RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(errs[2], RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(group_state("g-fresh"), RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY);
    int64_t off[PARTS];
    CU_ASSERT_EQUAL(list_offsets("g-fresh", true, off), 2);
    ASSERT_OFFSETS(off, 3, NONE, 4);
}

/* Deleting some partitions' offsets leaves the others; deleting the group
 * leaves nothing, and a second delete finds no group. */
static void test_delete_offsets_and_group(void)
{
    const char *group = "g-del";
    rd_kafka_resp_err_t errs[PARTS], perr;
    CU_ASSERT_EQUAL(alter_offsets(group, (int64_t[]){10, 11, 12}, errs),
                    RD_KAFKA_RESP_ERR_NO_ERROR);

    CU_ASSERT_EQUAL(delete_offset(group, TOPIC, 1, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_NO_ERROR);
    int64_t off[PARTS];
    CU_ASSERT_EQUAL(list_offsets(group, true, off), 2);
    ASSERT_OFFSETS(off, 10, NONE, 12);

    /* A partition the topic does not have, and one without an offset. */
    CU_ASSERT_EQUAL(delete_offset(group, TOPIC, 9, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    CU_ASSERT_EQUAL(delete_offset(group, TOPIC, 1, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_NO_ERROR);

    CU_ASSERT_EQUAL(delete_group(group), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(list_offsets(group, true, off), 0);
    CU_ASSERT_EQUAL(delete_group(group), RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND);
    CU_ASSERT_EQUAL(delete_offset(group, TOPIC, 0, &perr), RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND);
}

/* Deleted offsets and groups stay deleted when the broker restarts on the
 * same data directory; what was not deleted is still there. */
static void test_deletions_survive_restart(void)
{
    rd_kafka_resp_err_t errs[PARTS], perr;
    CU_ASSERT_EQUAL(alter_offsets("g-keep", (int64_t[]){1, 2, 3}, errs),
                    RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(delete_offset("g-keep", TOPIC, 1, &perr), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(perr, RD_KAFKA_RESP_ERR_NO_ERROR);
    /* Altered over a member's commits after it left. */
    rd_kafka_t *member = join_group("g-altered");
    member_commit(member, (int64_t[]){1, 1, 1}, -1);
    leave_group(member);
    CU_ASSERT_TRUE(wait_group_state("g-altered", RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY));
    CU_ASSERT_EQUAL(alter_offsets("g-altered", (int64_t[]){7, 8, 9}, errs),
                    RD_KAFKA_RESP_ERR_NO_ERROR);

    /* A group that had a member (so a group metadata record) and offsets. */
    member = join_group("g-gone");
    member_commit(member, (int64_t[]){4, 5, 6}, -1);
    leave_group(member);
    CU_ASSERT_TRUE(wait_group_state("g-gone", RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY));
    CU_ASSERT_EQUAL(delete_group("g-gone"), RD_KAFKA_RESP_ERR_NO_ERROR);

    stop_broker();
    CU_ASSERT_EQUAL_FATAL(start_broker(), 0);

    int64_t off[PARTS];
    CU_ASSERT_EQUAL(list_offsets("g-keep", true, off), 2);
    ASSERT_OFFSETS(off, 1, NONE, 3);
    CU_ASSERT_EQUAL(list_offsets("g-gone", true, off), 0);
    CU_ASSERT_EQUAL(delete_group("g-gone"), RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND);
    CU_ASSERT_EQUAL(group_state("g-gone"), RD_KAFKA_CONSUMER_GROUP_STATE_DEAD);
    CU_ASSERT_EQUAL(list_offsets("g-altered", true, off), 3);
    ASSERT_OFFSETS(off, 7, 8, 9);
}

/* ---- the coordinator's OffsetDelete ----------------------------------------------- */

/* __consumer_offsets as the coordinator appends to it: every record kept
 * (value NULL: a tombstone), or every append refused with fail_with. */
typedef struct appended {
    size_t records;
    size_t tombstones;
    size_t appends;
    int16_t fail_with;
    struct {
        uint8_t *key, *value;
        size_t key_len, value_len;
    } recs[64];
} appended_t;

static int16_t on_append(void *opaque, int32_t partition, const broker_group_record_t *records,
                         size_t count)
{
    (void)partition;
    appended_t *a = opaque;
    if (a->fail_with)
        return a->fail_with;
    a->appends++;
    for (size_t i = 0; i < count && a->records < 64; i++) {
        a->recs[a->records].key = malloc(records[i].key_len);
        memcpy(a->recs[a->records].key, records[i].key, records[i].key_len);
        a->recs[a->records].key_len = records[i].key_len;
        a->recs[a->records].value = NULL;
        if (records[i].value) {
            a->recs[a->records].value = malloc(records[i].value_len + 1);
            memcpy(a->recs[a->records].value, records[i].value, records[i].value_len);
        } else {
            a->tombstones++;
        }
        a->recs[a->records].value_len = records[i].value_len;
        a->records++;
    }
    return KAFKA_ERR_NONE;
}

static void appended_free(appended_t *a)
{
    for (size_t i = 0; i < a->records; i++) {
        free(a->recs[i].key);
        free(a->recs[i].value);
    }
}

static broker_group_coordinator_t *coord_new(appended_t *a)
{
    broker_group_config_t conf;
    broker_group_config_defaults(&conf);
    conf.group_initial_rebalance_delay_ms = 0;
    return broker_group_coordinator_new(&conf, on_append, a);
}

/* The coordinator a restart would load from what was appended. */
static broker_group_coordinator_t *coord_replay(const appended_t *a)
{
    broker_group_coordinator_t *coord = coord_new(NULL);
    for (size_t i = 0; i < a->records; i++)
        CU_ASSERT_EQUAL(broker_group_coordinator_load(coord, a->recs[i].key, a->recs[i].key_len,
                                                      a->recs[i].value, a->recs[i].value_len, 0,
                                                      NULL, 0),
                        0);
    broker_group_coordinator_load_complete(coord, 0);
    return coord;
}

static int16_t coord_commit(broker_group_coordinator_t *coord, const char *group, const char *topic,
                            int32_t partition, int64_t offset)
{
    broker_group_offset_commit_t oc = {topic, partition, offset, -1, NULL, 0};
    broker_group_commit_offsets(coord, group, -1, "", NULL, -1, &oc, 1, 0);
    return oc.error_code;
}

static int64_t coord_fetch(broker_group_coordinator_t *coord, const char *group, const char *topic,
                           int32_t partition)
{
    broker_group_offset_fetch_t f = {.topic = topic, .partition = partition};
    broker_group_fetch_offsets(coord, group, &f, 1);
    return f.committed_offset;
}

static const char *coord_state(broker_group_coordinator_t *coord, const char *group)
{
    broker_group_description_t d;
    broker_group_describe(coord, group, &d);
    broker_group_description_clear(&d);
    return d.group_state;
}

static void on_joined(void *opaque, const broker_group_join_response_t *r)
{
    snprintf(opaque, 128, "%s", r->error_code ? "" : r->member_id);
}

static void on_synced(void *opaque, const broker_group_sync_response_t *r)
{
    *(int16_t *)opaque = r->error_code;
}

/* Makes a one-member group of protocol_type Stable; the member's protocol
 * metadata is the given bytes. member_id receives its id (128 bytes). */
static void coord_stable_member(broker_group_coordinator_t *coord, const char *group,
                                const char *protocol_type, const uint8_t *metadata, size_t len,
                                char *member_id)
{
    broker_group_protocol_t proto = {"range", metadata, len};
    broker_group_join_request_t jr = {
        .api_version = 2,
        .group_id = group,
        .session_timeout_ms = 10000,
        .rebalance_timeout_ms = 10000,
        .member_id = "",
        .protocol_type = protocol_type,
        .protocols = &proto,
        .protocol_count = 1,
    };
    member_id[0] = '\0';
    broker_group_join(coord, &jr, 0, on_joined, member_id);
    CU_ASSERT_FATAL(member_id[0] != '\0');
    broker_group_assignment_t as = {member_id, (const uint8_t *)"", 0};
    broker_group_sync_request_t sr = {group, 1, member_id, NULL, &as, 1};
    int16_t err = -2;
    broker_group_sync(coord, &sr, 0, on_synced, &err);
    CU_ASSERT_EQUAL_FATAL(err, KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(coord_state(coord, group), "Stable");
}

/* A ConsumerProtocolSubscription v1 naming topics (NULL-terminated), with
 * empty user data and no owned partitions: what consumers send. */
static size_t subscription_of(const char *const *topics, uint8_t *out)
{
    size_t n = 0, pos = 0;
    while (topics[n])
        n++;
    out[pos++] = 0;
    out[pos++] = 1; /* version */
    out[pos++] = 0;
    out[pos++] = 0;
    out[pos++] = 0;
    out[pos++] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(topics[i]);
        out[pos++] = 0;
        out[pos++] = (uint8_t)len;
        memcpy(out + pos, topics[i], len);
        pos += len;
    }
    memset(out + pos, 0, 8); /* UserData (empty), OwnedPartitions (none) */
    return pos + 8;
}

static int16_t coord_delete(broker_group_coordinator_t *coord, const char *group,
                            broker_group_offset_delete_t *parts, size_t n)
{
    return broker_group_delete_offsets(coord, group, parts, n, 0);
}

/* An active consumer group keeps the offsets of topics its members
 * subscribe to and loses the others'; once Empty it loses any. */
static void test_coord_subscribed_topics(void)
{
    appended_t a = {0};
    broker_group_coordinator_t *coord = coord_new(&a);
    CU_ASSERT_EQUAL(coord_commit(coord, "g", "orders", 0, 5), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(coord_commit(coord, "g", "orders-archive", 0, 6), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(coord_commit(coord, "g", "payments", 0, 7), KAFKA_ERR_NONE);
    uint8_t sub[128];
    size_t len = subscription_of((const char *[]){"orders", "refunds", NULL}, sub);
    char member[128];
    coord_stable_member(coord, "g", "consumer", sub, len, member);

    broker_group_offset_delete_t parts[] = {
        {"orders", 0, 0}, {"orders-archive", 0, 0}, {"payments", 0, 0}, {"payments", 0, 0}};
    CU_ASSERT_EQUAL(coord_delete(coord, "g", parts, 4), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(parts[0].error_code, KAFKA_ERR_GROUP_SUBSCRIBED_TO_TOPIC);
    CU_ASSERT_EQUAL(parts[1].error_code, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(parts[2].error_code, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(parts[3].error_code, KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(coord_fetch(coord, "g", "orders", 0), 5);
    CU_ASSERT_EQUAL(coord_fetch(coord, "g", "orders-archive", 0), -1);
    CU_ASSERT_EQUAL(coord_fetch(coord, "g", "payments", 0), -1);
    /* One tombstone per offset, even for a partition listed twice. */
    CU_ASSERT_EQUAL(a.tombstones, 2);

    CU_ASSERT_EQUAL(broker_group_leave(coord, "g", member, 0), KAFKA_ERR_NONE);
    CU_ASSERT_STRING_EQUAL(coord_state(coord, "g"), "Empty");
    broker_group_offset_delete_t again = {"orders", 0, 0};
    CU_ASSERT_EQUAL(coord_delete(coord, "g", &again, 1), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(again.error_code, KAFKA_ERR_NONE);
    /* The group's last offset went with it, as offset expiry does: a group
     * tombstone follows the offset's, and a restart finds nothing. */
    CU_ASSERT_STRING_EQUAL(coord_state(coord, "g"), "Dead");
    CU_ASSERT_EQUAL(a.tombstones, 4);
    broker_group_coordinator_t *restarted = coord_replay(&a);
    CU_ASSERT_STRING_EQUAL(coord_state(restarted, "g"), "Dead");
    CU_ASSERT_EQUAL(coord_fetch(restarted, "g", "orders", 0), -1);
    broker_group_coordinator_destroy(restarted);
    broker_group_coordinator_destroy(coord);
    appended_free(&a);
}

/* When the members' subscriptions cannot be read, every topic counts as
 * subscribed; a group of another protocol type with members refuses the
 * whole request. */
static void test_coord_unknown_subscriptions(void)
{
    appended_t a = {0};
    broker_group_coordinator_t *coord = coord_new(&a);
    char member[128];
    CU_ASSERT_EQUAL(coord_commit(coord, "garbled", "orders", 0, 5), KAFKA_ERR_NONE);
    coord_stable_member(coord, "garbled", "consumer", (const uint8_t *)"\0\0\0\0\0\5x", 7, member);
    broker_group_offset_delete_t p = {"orders", 0, 0};
    CU_ASSERT_EQUAL(coord_delete(coord, "garbled", &p, 1), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(p.error_code, KAFKA_ERR_GROUP_SUBSCRIBED_TO_TOPIC);
    CU_ASSERT_EQUAL(coord_fetch(coord, "garbled", "orders", 0), 5);

    CU_ASSERT_EQUAL(coord_commit(coord, "workers", "orders", 0, 5), KAFKA_ERR_NONE);
    coord_stable_member(coord, "workers", "connect", (const uint8_t *)"x", 1, member);
    p.error_code = 0;
    CU_ASSERT_EQUAL(coord_delete(coord, "workers", &p, 1), KAFKA_ERR_NON_EMPTY_GROUP);
    CU_ASSERT_EQUAL(coord_fetch(coord, "workers", "orders", 0), 5);

    CU_ASSERT_EQUAL(coord_delete(coord, "nobody", &p, 1), KAFKA_ERR_GROUP_ID_NOT_FOUND);
    CU_ASSERT_EQUAL(coord_delete(coord, "", &p, 1), KAFKA_ERR_INVALID_GROUP_ID);
    CU_ASSERT_EQUAL(coord_delete(coord, NULL, &p, 1), KAFKA_ERR_INVALID_GROUP_ID);
    CU_ASSERT_EQUAL(a.tombstones, 0);
    broker_group_coordinator_destroy(coord);
    appended_free(&a);
}

/* Tombstones that cannot be appended delete nothing, and the error is
 * Kafka's mapping of the append's. */
static void test_coord_append_failure(void)
{
    appended_t a = {0};
    broker_group_coordinator_t *coord = coord_new(&a);
    CU_ASSERT_EQUAL(coord_commit(coord, "g", "orders", 0, 5), KAFKA_ERR_NONE);
    broker_group_offset_delete_t p = {"orders", 0, 0};
    a.fail_with = KAFKA_ERR_NOT_LEADER_OR_FOLLOWER;
    CU_ASSERT_EQUAL(coord_delete(coord, "g", &p, 1), KAFKA_ERR_NOT_COORDINATOR);
    a.fail_with = KAFKA_ERR_KAFKA_STORAGE_ERROR;
    CU_ASSERT_EQUAL(coord_delete(coord, "g", &p, 1), KAFKA_ERR_COORDINATOR_NOT_AVAILABLE);
    CU_ASSERT_EQUAL(coord_fetch(coord, "g", "orders", 0), 5);
    CU_ASSERT_STRING_EQUAL(coord_state(coord, "g"), "Empty");
    a.fail_with = 0;
    CU_ASSERT_EQUAL(coord_delete(coord, "g", &p, 1), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(coord_fetch(coord, "g", "orders", 0), -1);
    broker_group_coordinator_destroy(coord);
    appended_free(&a);
}

/* ---- wire bytes -------------------------------------------------------------------- */

static bool bytes_are(sluice_buf_t *buf, const uint8_t *want, size_t len)
{
    bool same = sluice_buf_len(buf) == len && memcmp(sluice_buf_data(buf), want, len) == 0;
    if (!same) {
        fprintf(stderr, "\n  got %zu bytes:", sluice_buf_len(buf));
        for (size_t i = 0; i < sluice_buf_len(buf); i++)
            fprintf(stderr, " %02x", ((const uint8_t *)sluice_buf_data(buf))[i]);
        fprintf(stderr, "\n");
    }
    return same;
}

/* The ranges cover what librdkafka 2.0.2 asks for (DeleteGroups 0-1,
 * OffsetDelete 0, OffsetFetch up to 7), and flexible responses start with
 * the tagged header (ApiVersions never does). */
static void test_advertised_ranges(void)
{
    const broker_proto_api_t *api = broker_proto_api_find(BROKER_API_DELETE_GROUPS);
    CU_ASSERT_PTR_NOT_NULL_FATAL(api);
    CU_ASSERT_EQUAL(api->min_version, 0);
    CU_ASSERT_EQUAL(api->max_version, 1);
    api = broker_proto_api_find(BROKER_API_OFFSET_DELETE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(api);
    CU_ASSERT_EQUAL(api->min_version, 0);
    CU_ASSERT_EQUAL(api->max_version, 0);
    api = broker_proto_api_find(BROKER_API_OFFSET_FETCH);
    CU_ASSERT_PTR_NOT_NULL_FATAL(api);
    CU_ASSERT_EQUAL(api->max_version, 7);

    CU_ASSERT_EQUAL(broker_proto_response_header_version(BROKER_API_OFFSET_FETCH, 5), 0);
    CU_ASSERT_EQUAL(broker_proto_response_header_version(BROKER_API_OFFSET_FETCH, 6), 1);
    CU_ASSERT_EQUAL(broker_proto_response_header_version(BROKER_API_OFFSET_FETCH, 7), 1);
    CU_ASSERT_EQUAL(broker_proto_response_header_version(BROKER_API_DELETE_GROUPS, 1), 0);
    CU_ASSERT_EQUAL(broker_proto_response_header_version(BROKER_API_OFFSET_DELETE, 0), 0);
    CU_ASSERT_EQUAL(broker_proto_response_header_version(BROKER_API_API_VERSIONS, 3), 0);
}

/* librdkafka 2.0.2 asks for all of a group's offsets by writing an int32 0
 * where the topics go: at v7 (flexible) the first byte is a null compact
 * array; at v5 it is an empty array, which asks for nothing. */
static void test_offset_fetch_all_as_librdkafka_writes_it(void)
{
    /* GroupId "g" (compact), int32 0, RequireStable, tagged fields */
    static const uint8_t v7[] = {0x02, 'g', 0, 0, 0, 0, 0x00, 0x00};
    broker_proto_reader_t r;
    broker_offset_fetch_request_t req;
    broker_proto_reader_init(&r, v7, sizeof v7);
    CU_ASSERT_EQUAL_FATAL(broker_offset_fetch_request_decode(&r, 7, &req), 0);
    CU_ASSERT_TRUE(broker_proto_str_eq(req.group_id, "g"));
    CU_ASSERT_EQUAL(req.topics.count, -1);
    broker_offset_fetch_request_free(&req);

    static const uint8_t v5[] = {0x00, 0x01, 'g', 0, 0, 0, 0};
    broker_proto_reader_init(&r, v5, sizeof v5);
    CU_ASSERT_EQUAL_FATAL(broker_offset_fetch_request_decode(&r, 5, &req), 0);
    CU_ASSERT_EQUAL(req.topics.count, 0);
    broker_offset_fetch_request_free(&req);

    /* A v7 answer: compact arrays and strings, a tag section per struct. */
    broker_offset_fetch_response_partition_t part = {3, 42, -1, BROKER_PROTO_STR(""), 0};
    broker_offset_fetch_response_topic_t topic = {BROKER_PROTO_STR("t"), {&part, 1}};
    broker_offset_fetch_response_t resp = {0, {&topic, 1}, 0};
    sluice_buf_t *out = sluice_buf_new();
    broker_offset_fetch_response_encode(out, 7, &resp);
    static const uint8_t want[] = {0,    0,    0,   0, /* ThrottleTimeMs */
                                   0x02, 0x02, 't',    /* Topics[1], Name */
                                   0x02, 0,    0,   0, 3,    0,    0,    0,
                                   0,    0,    0,   0, 42,   0xff, 0xff, 0xff, /* Partitions[1] */
                                   0xff, 0x01, 0,   0, 0x00,                   /* "", error, tags */
                                   0x00,                                       /* topic tags */
                                   0,    0,                                    /* ErrorCode */
                                   0x00};                                      /* tags */
    CU_ASSERT_TRUE(bytes_are(out, want, sizeof want));
    sluice_buf_destroy(out);
}

static void test_delete_groups_and_offset_delete_bytes(void)
{
    static const uint8_t dg_req[] = {0, 0, 0, 2, 0, 1, 'a', 0, 1, 'b'};
    broker_proto_reader_t r;
    broker_delete_groups_request_t dreq;
    broker_proto_reader_init(&r, dg_req, sizeof dg_req);
    CU_ASSERT_EQUAL_FATAL(broker_delete_groups_request_decode(&r, 1, &dreq), 0);
    CU_ASSERT_EQUAL_FATAL(dreq.groups_names.count, 2);
    CU_ASSERT_TRUE(broker_proto_str_eq(dreq.groups_names.items[1], "b"));
    broker_delete_groups_request_free(&dreq);

    broker_deletable_group_result_t results[] = {{BROKER_PROTO_STR("a"), 0},
                                                 {BROKER_PROTO_STR("b"), 69}};
    broker_delete_groups_response_t dresp = {0, {results, 2}};
    sluice_buf_t *out = sluice_buf_new();
    broker_delete_groups_response_encode(out, 1, &dresp);
    static const uint8_t dg_resp[] = {0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 'a', 0, 0, 0, 1, 'b', 0, 69};
    CU_ASSERT_TRUE(bytes_are(out, dg_resp, sizeof dg_resp));
    sluice_buf_destroy(out);

    /* GroupId "g", Topics [ "t" [ 0, 2 ] ] */
    static const uint8_t od_req[] = {0, 1, 'g', 0, 0, 0, 1, 0, 1, 't', 0,
                                     0, 0, 2,   0, 0, 0, 0, 0, 0, 0,   2};
    broker_offset_delete_request_t oreq;
    broker_proto_reader_init(&r, od_req, sizeof od_req);
    CU_ASSERT_EQUAL_FATAL(broker_offset_delete_request_decode(&r, 0, &oreq), 0);
    CU_ASSERT_EQUAL_FATAL(oreq.topics.count, 1);
    CU_ASSERT_EQUAL_FATAL(oreq.topics.items[0].partitions.count, 2);
    CU_ASSERT_EQUAL(oreq.topics.items[0].partitions.items[1].partition_index, 2);
    broker_offset_delete_request_free(&oreq);

    broker_offset_delete_response_partition_t parts[] = {{0, 0}, {2, 86}};
    broker_offset_delete_response_topic_t topic = {BROKER_PROTO_STR("t"), {parts, 2}};
    broker_offset_delete_response_t oresp = {0, 0, {&topic, 1}};
    out = sluice_buf_new();
    broker_offset_delete_response_encode(out, 0, &oresp);
    static const uint8_t od_resp[] = {0, 0, 0, 0, 0, 0,         /* ErrorCode, ThrottleTimeMs */
                                      0, 0, 0, 1, 0, 1, 't',    /* Topics[1], Name */
                                      0, 0, 0, 2, 0, 0, 0,   0, /* Partitions[2]: 0 */
                                      0, 0, 0, 0, 0, 2,         /* NONE, 2 */
                                      0, 86};                   /* GROUP_SUBSCRIBED_TO_TOPIC */
    CU_ASSERT_TRUE(bytes_are(out, od_resp, sizeof od_resp));
    sluice_buf_destroy(out);
}

/* ---- suite ----------------------------------------------------------------------- */

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/group-admin-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    port = free_port();
    if (port <= 0 || start_broker() != 0)
        return -1;
    return create_topics();
}

static int suite_clean(void)
{
    stop_broker();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("broker group admin", suite_init, suite_clean);
    CU_add_test(s, "list offsets: all partitions and chosen ones", test_list_offsets);
    CU_add_test(s, "refused while a member is active, allowed after",
                test_refused_while_member_active);
    CU_add_test(s, "alter creates an unknown group", test_alter_unknown_group);
    CU_add_test(s, "delete offsets, then the group", test_delete_offsets_and_group);
    CU_add_test(s, "deletions survive a restart", test_deletions_survive_restart);

    TEST_SUITE(
        "group coordinator OffsetDelete",
        {"subscribed topics keep their offsets", test_coord_subscribed_topics},
        {"unreadable subscriptions, other protocols, bad ids", test_coord_unknown_subscriptions},
        {"a failed append deletes nothing", test_coord_append_failure});
    TEST_SUITE(
        "group admin wire bytes", {"advertised ranges, response headers", test_advertised_ranges},
        {"OffsetFetch all partitions as librdkafka 2.0.2 writes it",
         test_offset_fetch_all_as_librdkafka_writes_it},
        {"DeleteGroups v1 and OffsetDelete v0 bytes", test_delete_groups_and_offset_delete_bytes});
}
