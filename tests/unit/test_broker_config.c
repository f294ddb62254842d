/* The broker's server.properties handling. */
#include <stdlib.h>
#include <string.h>

#include "broker_config.h"
#include "broker_internal.h"
#include "config_internal.h"
#include "properties.h"
#include "test_util.h"

static broker_config_t *parse(const char *text, char *err, size_t errlen)
{
    sluice_strmap_t *props = sluice_strmap_new();
    char perr[512] = "";
    int rc = props_parse_buffer(text, strlen(text), "server.properties", props, perr, sizeof perr);
    CU_ASSERT_EQUAL(rc, 0);
    broker_config_t *bc = broker_config_new(props, "server.properties", err, errlen);
    sluice_strmap_destroy(props);
    return bc;
}

static void test_table_is_consistent(void)
{
    char err[1024] = "";
    CU_ASSERT_EQUAL(config_table_check(broker_config_keys, err, sizeof err), 0);
    if (err[0])
        fprintf(stderr, "\n%s\n", err);
}

static void test_defaults(void)
{
    char err[1024] = "";
    broker_config_t *bc = parse("", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_STRING_EQUAL(bc->listener_host, "localhost");
    CU_ASSERT_EQUAL(bc->listener_port, 9092);
    CU_ASSERT_STRING_EQUAL(bc->advertised_host, "localhost");
    CU_ASSERT_EQUAL(bc->advertised_port, 9092);
    CU_ASSERT_EQUAL(bc->node_id, 0);
    CU_ASSERT_STRING_EQUAL(bc->log_dir, "/tmp/kafka-logs");
    CU_ASSERT_EQUAL(bc->num_partitions, 1);
    CU_ASSERT_TRUE(bc->auto_create_topics);
    CU_ASSERT_TRUE(bc->delete_topic_enable);
    CU_ASSERT_EQUAL(bc->segment_bytes, 1073741824);
    CU_ASSERT_EQUAL(bc->roll_ms, 168LL * 3600000);
    CU_ASSERT_EQUAL(bc->retention_ms, 168LL * 3600000);
    CU_ASSERT_EQUAL(bc->retention_bytes, -1);
    CU_ASSERT_EQUAL(bc->index_interval_bytes, 4096);
    CU_ASSERT_EQUAL(bc->flush_interval_ms, -1);
    CU_ASSERT_EQUAL(bc->flush_interval_messages, INT64_MAX);
    CU_ASSERT_TRUE(bc->cleanup_delete);
    CU_ASSERT_FALSE(bc->cleanup_compact);
    CU_ASSERT_EQUAL(bc->message_max_bytes, 1048588);
    CU_ASSERT_EQUAL(bc->socket_request_max_bytes, 104857600);
    CU_ASSERT_EQUAL(bc->offsets_topic_partitions, 50);
    CU_ASSERT_EQUAL(bc->group_initial_rebalance_delay_ms, 3000);
    CU_ASSERT_EQUAL(bc->group_min_session_timeout_ms, 6000);
    CU_ASSERT_EQUAL(bc->group_max_session_timeout_ms, 1800000);
    broker_config_destroy(bc);
    broker_config_destroy(NULL);
}

/* The keys of Kafka's stock config/server.properties (ZooKeeper era), with
 * their stock values: it must load as it is. */
static void test_kafka_server_properties_verbatim(void)
{
    const char *text = "broker.id=0\n"
                       "num.network.threads=3\n"
                       "num.io.threads=8\n"
                       "socket.send.buffer.bytes=102400\n"
                       "socket.receive.buffer.bytes=102400\n"
                       "socket.request.max.bytes=104857600\n"
                       "log.dirs=/tmp/kafka-logs\n"
                       "num.partitions=1\n"
                       "num.recovery.threads.per.data.dir=1\n"
                       "offsets.topic.replication.factor=1\n"
                       "transaction.state.log.replication.factor=1\n"
                       "transaction.state.log.min.isr=1\n"
                       "log.retention.hours=168\n"
                       "log.segment.bytes=1073741824\n"
                       "log.retention.check.interval.ms=300000\n"
                       "zookeeper.connect=localhost:2181\n"
                       "zookeeper.connection.timeout.ms=18000\n"
                       "group.initial.rebalance.delay.ms=0\n";
    char err[1024] = "";
    broker_config_t *bc = parse(text, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(err[0], '\0');
    CU_ASSERT_EQUAL(bc->group_initial_rebalance_delay_ms, 0);
    CU_ASSERT_EQUAL(bc->retention_ms, 168LL * 3600000);
    broker_config_destroy(bc);
}

static void test_precedence(void)
{
    char err[1024] = "";
    broker_config_t *bc = parse("log.retention.hours=1\nlog.retention.minutes=5\n"
                                "log.roll.hours=2\nnode.id=7\nbroker.id=3\n"
                                "log.dirs=/data/a,/data/b\nlog.dir=/ignored\n",
                                err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(bc->retention_ms, 5 * 60000);
    CU_ASSERT_EQUAL(bc->roll_ms, 2 * 3600000);
    CU_ASSERT_EQUAL(bc->node_id, 7);
    CU_ASSERT_STRING_EQUAL(bc->log_dir, "/data/a");
    broker_config_destroy(bc);

    bc = parse("log.retention.ms=-1\nlog.retention.minutes=5\nlog.roll.ms=1000\nbroker.id=3\n"
               "log.cleanup.policy=compact,delete\n",
               err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(bc->retention_ms, -1);
    CU_ASSERT_EQUAL(bc->roll_ms, 1000);
    CU_ASSERT_EQUAL(bc->node_id, 3);
    CU_ASSERT_TRUE(bc->cleanup_compact);
    CU_ASSERT_TRUE(bc->cleanup_delete);
    broker_config_destroy(bc);
}

static void test_listeners(void)
{
    char err[1024] = "";
    broker_config_t *bc = parse("listeners=PLAINTEXT://127.0.0.1:19092\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_STRING_EQUAL(bc->listener_host, "127.0.0.1");
    CU_ASSERT_EQUAL(bc->listener_port, 19092);
    CU_ASSERT_STRING_EQUAL(bc->advertised_host, "127.0.0.1");
    broker_config_destroy(bc);

    bc = parse("listeners=PLAINTEXT://:9093\nadvertised.listeners=PLAINTEXT://broker1:19093\n", err,
               sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_STRING_EQUAL(bc->listener_host, "");
    CU_ASSERT_STRING_EQUAL(bc->advertised_host, "broker1");
    CU_ASSERT_EQUAL(bc->advertised_port, 19093);
    broker_config_destroy(bc);

    char *host = NULL;
    int port = 0;
    CU_ASSERT_EQUAL(
        broker_config_parse_listener("PLAINTEXT://[::1]:9092", &host, &port, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(host, "::1");
    CU_ASSERT_EQUAL(port, 9092);
    free(host);

    CU_ASSERT_PTR_NULL(parse("listeners=SSL://localhost:9093\n", err, sizeof err));
    ASSERT_CONTAINS(err, "server.properties: listeners: listener 'SSL://localhost:9093': only "
                         "PLAINTEXT listeners are supported");
    CU_ASSERT_PTR_NULL(parse("listeners=PLAINTEXT://localhost:99999\n", err, sizeof err));
    ASSERT_CONTAINS(err, "port must be a number from 0 to 65535");
    CU_ASSERT_PTR_NULL(parse("listeners=localhost:9092\n", err, sizeof err));
    ASSERT_CONTAINS(err, "is not of the form PLAINTEXT://host:port");
}

static void test_bad_values_named(void)
{
    char err[2048] = "";
    CU_ASSERT_PTR_NULL(parse("num.partitions=zero\nlog.segment.bytes=-5\n", err, sizeof err));
    ASSERT_CONTAINS(err, "server.properties: ");
    ASSERT_CONTAINS(err, "num.partitions");
    ASSERT_CONTAINS(err, "log.segment.bytes");
    CU_ASSERT_PTR_NULL(parse("default.replication.factor=3\n", err, sizeof err));
    ASSERT_CONTAINS(err, "default.replication.factor");
    CU_ASSERT_PTR_NULL(parse("group.min.session.timeout.ms=9000\n"
                             "group.max.session.timeout.ms=8000\n",
                             err, sizeof err));
    ASSERT_CONTAINS(err, "group.min.session.timeout.ms is larger");
}

static void test_flush_scheduler_interval(void)
{
    char err[1024] = "";
    broker_config_t *bc = parse("", err, sizeof err); /* Kafka's default: Long.MAX_VALUE */
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(broker_background_period_ms(bc), 1000);
    broker_config_destroy(bc);
    bc = parse("log.flush.scheduler.interval.ms=50\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(broker_background_period_ms(bc), 50);
    broker_config_destroy(bc);
    bc = parse("log.flush.scheduler.interval.ms=1\n", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bc);
    CU_ASSERT_EQUAL(broker_background_period_ms(bc), 10);
    broker_config_destroy(bc);
}

void test_register(void)
{
    TEST_SUITE("broker config", {"table is consistent", test_table_is_consistent},
               {"defaults", test_defaults},
               {"Kafka's server.properties verbatim", test_kafka_server_properties_verbatim},
               {"precedence", test_precedence}, {"listeners", test_listeners},
               {"bad values named", test_bad_values_named},
               {"flush scheduler interval", test_flush_scheduler_interval});
}
