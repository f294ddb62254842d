/*
 * Source topic creation (KIP-158): which group a topic falls in, the
 * settings refused with Kafka's messages, and topics really created through
 * librdkafka's admin API on the integrated broker, started in this process.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "broker.h"
#include "test_util.h"
#include "topic_creation.h"

static char errstr[2048];

static sluice_strmap_t *map(const char *const *kv)
{
    sluice_strmap_t *m = sluice_strmap_new();
    for (size_t i = 0; kv && kv[i]; i += 2)
        sluice_strmap_set(m, kv[i], kv[i + 1]);
    return m;
}

static topic_creation_t *tc_from(const char *const *kv, bool worker_enabled)
{
    sluice_strmap_t *props = map(kv);
    errstr[0] = '\0';
    topic_creation_t *tc = topic_creation_new(props, worker_enabled, errstr, sizeof errstr);
    sluice_strmap_destroy(props);
    return tc;
}

/* ---- groups ------------------------------------------------------------------- */

static void test_disabled(void)
{
    /* no topic.creation.* settings: the broker's auto-creation applies */
    topic_creation_t *tc = tc_from((const char *const[]){"name", "src", "topic", "t", NULL}, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_FALSE(topic_creation_enabled(tc));
    /* nothing is asked of any client */
    CU_ASSERT_EQUAL(topic_creation_ensure(tc, NULL, "t", 1000, errstr, sizeof errstr), 0);
    topic_creation_destroy(tc);

    /* the worker's topic.creation.enable=false wins, and nothing is checked */
    tc = tc_from((const char *const[]){"topic.creation.default.partitions", "0", NULL}, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_FALSE(topic_creation_enabled(tc));
    topic_creation_destroy(tc);
    topic_creation_destroy(NULL);
}

static const char *const groups_props[] = {
    "topic.creation.groups",
    "compacted, audit, empty",
    "topic.creation.compacted.include",
    "orders.*, users.*",
    "topic.creation.compacted.exclude",
    "users-tmp",
    "topic.creation.compacted.partitions",
    "3",
    "topic.creation.compacted.cleanup.policy",
    "compact",
    "topic.creation.audit.include",
    "users.*, audit-\\d+",
    "topic.creation.default.partitions",
    "2",
    "topic.creation.default.replication.factor",
    "-1",
    /* ignored for the default group, as in Kafka */
    "topic.creation.default.include",
    "nothing",
    NULL,
};

static void test_group_matching(void)
{
    topic_creation_t *tc = tc_from(groups_props, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_TRUE(topic_creation_enabled(tc));
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "orders"), "compacted");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "orders-eu"), "compacted");
    /* the first group in topic.creation.groups that matches wins */
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "users"), "compacted");
    /* exclusion wins over inclusion; the next group may still take it */
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "users-tmp"), "audit");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "audit-42"), "audit");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "audit-x"), "default");
    /* a regex matches the whole topic, not a part of it */
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "old-orders"), "default");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "audit-42x"), "default");
    /* the default group's include is ignored; a group without include takes nothing */
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "nothing"), "default");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, ""), "default");
    topic_creation_destroy(tc);
}

static void test_java_regexes(void)
{
    topic_creation_t *tc = tc_from(
        (const char *const[]){
            "topic.creation.groups",
            "a,b,c,d",
            "topic.creation.a.include",
            "db\\.t\\d+",
            "topic.creation.b.include",
            "(?:in|out)-.*?-v\\d",
            "topic.creation.c.include",
            "[\\w.\\-]+_x",
            "topic.creation.d.include",
            "[^\\d]+\\D",
            "topic.creation.default.partitions",
            "1",
            "topic.creation.default.replication.factor",
            "1",
            NULL,
        },
        true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "db.t12"), "a");
    CU_ASSERT_STRING_NOT_EQUAL(topic_creation_group_for(tc, "dbxt12"), "a");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "in-foo-v2"), "b");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "out--v9"), "b");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "a.b-c_d_x"), "c");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "abc"), "d");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "a b_x"), "d");
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "123"), "default");
    topic_creation_destroy(tc);
}

static void expect_error(const char *const *kv, const char *needle)
{
    topic_creation_t *tc = tc_from(kv, true);
    CU_ASSERT_PTR_NULL(tc);
    topic_creation_destroy(tc);
    ASSERT_CONTAINS(errstr, needle);
}

static void test_parse_errors(void)
{
    expect_error((const char *const[]){"topic.creation.default.partitions", "1", NULL},
                 "Missing required configuration \"topic.creation.default.replication.factor\" "
                 "which has no default value.");
    expect_error((const char *const[]){"topic.creation.default.replication.factor", "1", NULL},
                 "Missing required configuration \"topic.creation.default.partitions\"");
    expect_error((const char *const[]){"topic.creation.default.partitions", "0",
                                       "topic.creation.default.replication.factor", "1", NULL},
                 "Invalid value 0 for configuration topic.creation.default.partitions: Value "
                 "must be -1 or at least 1");
    expect_error((const char *const[]){"topic.creation.default.partitions", "many",
                                       "topic.creation.default.replication.factor", "1", NULL},
                 "Invalid value many for configuration topic.creation.default.partitions");
    expect_error((const char *const[]){"topic.creation.default.partitions", "1",
                                       "topic.creation.default.replication.factor", "40000", NULL},
                 "topic.creation.default.replication.factor");
    expect_error((const char *const[]){"topic.creation.groups", "g", "topic.creation.g.include",
                                       "ok, orders(", "topic.creation.default.partitions", "1",
                                       "topic.creation.default.replication.factor", "1", NULL},
                 "Invalid value orders( for configuration topic.creation.g.include");
    expect_error((const char *const[]){"topic.creation.groups", "g", "topic.creation.g.include",
                                       "x", "topic.creation.g.partitions", "-2",
                                       "topic.creation.default.partitions", "1",
                                       "topic.creation.default.replication.factor", "1", NULL},
                 "topic.creation.g.partitions: Value must be -1 or at least 1");
    expect_error((const char *const[]){"topic.creation.groups", "g, h, g",
                                       "topic.creation.default.partitions", "1",
                                       "topic.creation.default.replication.factor", "1", NULL},
                 "topic.creation.groups: Duplicate alias provided.");

    /* listing "default" is harmless */
    topic_creation_t *tc =
        tc_from((const char *const[]){"topic.creation.groups", "default",
                                      "topic.creation.default.partitions", "1",
                                      "topic.creation.default.replication.factor", "1", NULL},
                true);
    CU_ASSERT_PTR_NOT_NULL(tc);
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "x"), "default");
    topic_creation_destroy(tc);
}

/* ---- against the integrated broker --------------------------------------- */

static char data_dir[64];
static broker_t *broker;
static rd_kafka_t *producer;

/* A port free right now (the broker advertises the port it is given, so it
 * cannot be given 0). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

static int broker_suite_init(void)
{
    snprintf(data_dir, sizeof data_dir, "/tmp/topic-creation-test-XXXXXX");
    if (!mkdtemp(data_dir))
        return -1;
    char err[1024] = "";
    for (int attempt = 0; attempt < 5 && !broker; attempt++) {
        int port = free_port();
        if (port < 0)
            return -1;
        char listener[64];
        snprintf(listener, sizeof listener, "PLAINTEXT://127.0.0.1:%d", port);
        sluice_strmap_t *props =
            map((const char *const[]){"listeners", listener, "log.dirs", data_dir, "num.partitions",
                                      "1", "auto.create.topics.enable", "false", NULL});
        broker_config_t *config = broker_config_new(props, "test", err, sizeof err);
        sluice_strmap_destroy(props);
        if (!config)
            break;
        broker = broker_new(config);
        if (broker_start(broker, err, sizeof err) < 0) {
            broker_destroy(broker);
            broker = NULL;
        }
    }
    if (!broker) {
        fprintf(stderr, "\n  broker: %s\n", err);
        return -1;
    }
    char servers[64];
    snprintf(servers, sizeof servers, "127.0.0.1:%d", broker_port(broker));
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", servers, err, sizeof err) ||
        rd_kafka_conf_set(conf, "allow.auto.create.topics", "false", err, sizeof err)) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!producer) {
        fprintf(stderr, "\n  producer: %s\n", err);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    return 0;
}

static int broker_suite_clean(void)
{
    if (producer)
        rd_kafka_destroy(producer);
    producer = NULL;
    if (broker) {
        broker_stop(broker);
        broker_destroy(broker);
    }
    broker = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The partition count of topic in the broker's metadata, or -1. */
static int partition_count(const char *topic)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(producer, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    int n = -1;
    if (rd_kafka_metadata(producer, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
            n = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return n;
}

/* The value of a topic config as DescribeConfigs reports it (malloc'd), or NULL. */
static char *topic_config(const char *topic, const char *name)
{
    rd_kafka_ConfigResource_t *res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    rd_kafka_queue_t *q = rd_kafka_queue_new(producer);
    rd_kafka_DescribeConfigs(producer, &res, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 10000);
    char *value = NULL;
    const rd_kafka_DescribeConfigs_result_t *r =
        ev ? rd_kafka_event_DescribeConfigs_result(ev) : NULL;
    size_t nres = 0;
    const rd_kafka_ConfigResource_t **rs =
        r ? rd_kafka_DescribeConfigs_result_resources(r, &nres) : NULL;
    if (nres == 1 && rd_kafka_ConfigResource_error(rs[0]) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        size_t nc = 0;
        const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(rs[0], &nc);
        for (size_t i = 0; i < nc; i++)
            if (strcmp(rd_kafka_ConfigEntry_name(entries[i]), name) == 0 &&
                rd_kafka_ConfigEntry_value(entries[i]))
                value = strdup(rd_kafka_ConfigEntry_value(entries[i]));
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_ConfigResource_destroy(res);
    return value;
}

static void test_create_with_group_settings(void)
{
    topic_creation_t *tc = tc_from(groups_props, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    int rc = topic_creation_ensure(tc, producer, "orders-1", 10000, errstr, sizeof errstr);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_EQUAL(partition_count("orders-1"), 3);
    char *policy = topic_config("orders-1", "cleanup.policy");
    CU_ASSERT_PTR_NOT_NULL(policy);
    if (policy)
        CU_ASSERT_STRING_EQUAL(policy, "compact");
    free(policy);

    /* handled once: the same instance does not ask again */
    CU_ASSERT_EQUAL(topic_creation_ensure(tc, producer, "orders-1", 10000, errstr, sizeof errstr),
                    0);
    topic_creation_destroy(tc);

    /* a new instance (a restarted task) finds it existing: still success,
     * and the topic is left as it was */
    tc = tc_from(groups_props, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_EQUAL(topic_creation_ensure(tc, producer, "orders-1", 10000, errstr, sizeof errstr),
                    0);
    CU_ASSERT_EQUAL(partition_count("orders-1"), 3);
    topic_creation_destroy(tc);
}

static void test_create_with_default_group(void)
{
    topic_creation_t *tc = tc_from(groups_props, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    CU_ASSERT_STRING_EQUAL(topic_creation_group_for(tc, "metrics"), "default");
    int rc = topic_creation_ensure(tc, producer, "metrics", 10000, errstr, sizeof errstr);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    /* the default group's 2, not the broker's num.partitions=1 */
    CU_ASSERT_EQUAL(partition_count("metrics"), 2);
    char *policy = topic_config("metrics", "cleanup.policy");
    CU_ASSERT_PTR_NOT_NULL(policy);
    if (policy)
        CU_ASSERT_STRING_EQUAL(policy, "delete");
    free(policy);
    topic_creation_destroy(tc);
}

static void test_create_refused(void)
{
    topic_creation_t *tc = tc_from(
        (const char *const[]){"topic.creation.groups", "wide", "topic.creation.wide.include",
                              "wide-.*", "topic.creation.wide.replication.factor", "3",
                              "topic.creation.default.partitions", "-1",
                              "topic.creation.default.replication.factor", "-1", NULL},
        true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tc);
    /* a single broker cannot hold three replicas: the broker's reason */
    CU_ASSERT_EQUAL(topic_creation_ensure(tc, producer, "wide-1", 10000, errstr, sizeof errstr),
                    -1);
    ASSERT_CONTAINS(errstr, "Failed to create topic 'wide-1' (group wide): ");
    ASSERT_CONTAINS(errstr, "Replication factor");
    /* not remembered: the next call asks again, and fails again */
    errstr[0] = '\0';
    CU_ASSERT_EQUAL(topic_creation_ensure(tc, producer, "wide-1", 10000, errstr, sizeof errstr),
                    -1);
    ASSERT_CONTAINS(errstr, "Failed to create topic 'wide-1'");
    CU_ASSERT_EQUAL(partition_count("wide-1"), -1);
    /* -1 and -1 in the default group: the broker's num.partitions */
    CU_ASSERT_EQUAL(topic_creation_ensure(tc, producer, "narrow", 10000, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(partition_count("narrow"), 1);
    topic_creation_destroy(tc);
}

void test_register(void)
{
    TEST_SUITE("topic_creation", {"disabled", test_disabled},
               {"group matching", test_group_matching}, {"Java regexes", test_java_regexes},
               {"parse errors", test_parse_errors});
    CU_pSuite suite = CU_add_suite("topic_creation_broker", broker_suite_init, broker_suite_clean);
    CU_add_test(suite, "create with a group's settings", test_create_with_group_settings);
    CU_add_test(suite, "create with the default group", test_create_with_default_group);
    CU_add_test(suite, "create refused by the broker", test_create_refused);
}
