/* The broker's topic registry: create, reopen, configs, delete, grow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "topic_registry.h"

static char dir[64];

static broker_topics_t *open_registry(void)
{
    broker_log_config_t defaults;
    broker_log_config_defaults(&defaults);
    char err[512] = "";
    broker_topics_t *t = broker_topics_open(dir, &defaults, 0, err, sizeof err);
    if (!t)
        fprintf(stderr, "\nopen: %s\n", err);
    return t;
}

static int setup(void)
{
    strcpy(dir, "/tmp/sluice-topics-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_names(void)
{
    CU_ASSERT_TRUE(broker_topic_name_valid("connect-test"));
    CU_ASSERT_TRUE(broker_topic_name_valid("a.b_c-D9"));
    CU_ASSERT_FALSE(broker_topic_name_valid(""));
    CU_ASSERT_FALSE(broker_topic_name_valid("."));
    CU_ASSERT_FALSE(broker_topic_name_valid(".."));
    CU_ASSERT_FALSE(broker_topic_name_valid("has space"));
    CU_ASSERT_FALSE(broker_topic_name_valid("slash/no"));
    char long_name[251];
    memset(long_name, 'x', 250);
    long_name[250] = '\0';
    CU_ASSERT_FALSE(broker_topic_name_valid(long_name));
    long_name[249] = '\0';
    CU_ASSERT_TRUE(broker_topic_name_valid(long_name));
}

static void test_create_reopen_delete(void)
{
    broker_topics_t *t = open_registry();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    char err[512] = "";
    sluice_strmap_t *cfg = sluice_strmap_new();
    sluice_strmap_set(cfg, "cleanup.policy", "compact");
    sluice_strmap_set(cfg, "retention.ms", "60000");
    CU_ASSERT_EQUAL(broker_topics_create(t, "orders", 3, cfg, false, false, 0, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_topics_create(t, "orders", 3, NULL, false, false, 0, err, sizeof err),
                    KAFKA_ERR_TOPIC_ALREADY_EXISTS);
    CU_ASSERT_EQUAL(broker_topics_create(t, "bad name", 1, NULL, false, false, 0, err, sizeof err),
                    KAFKA_ERR_INVALID_TOPIC_EXCEPTION);
    ASSERT_CONTAINS(err, "is illegal");
    CU_ASSERT_EQUAL(broker_topics_create(t, "zero", 0, NULL, false, false, 0, err, sizeof err),
                    KAFKA_ERR_INVALID_PARTITIONS);
    /* validate_only creates nothing */
    CU_ASSERT_EQUAL(broker_topics_create(t, "dry", 2, NULL, false, true, 0, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_PTR_NULL(broker_topics_find(t, "dry"));
    broker_topic_t *o = broker_topics_find(t, "orders");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->partition_count, 3);
    CU_ASSERT_EQUAL(o->conf.cleanup_policy, BROKER_CLEANUP_COMPACT);
    CU_ASSERT_EQUAL(o->conf.retention_ms, 60000);
    CU_ASSERT_PTR_NOT_NULL(broker_topics_log(t, "orders", 2));
    CU_ASSERT_PTR_NULL(broker_topics_log(t, "orders", 3));
    CU_ASSERT_PTR_NULL(broker_topics_log(t, "missing", 0));
    sluice_strmap_destroy(cfg);
    broker_topics_close(t);

    /* A restart finds the topic, its partitions and its overrides. */
    t = open_registry();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(broker_topics_count(t), 1);
    o = broker_topics_find(t, "orders");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->partition_count, 3);
    CU_ASSERT_EQUAL(o->conf.cleanup_policy, BROKER_CLEANUP_COMPACT);
    CU_ASSERT_EQUAL(o->conf.retention_ms, 60000);

    CU_ASSERT_EQUAL(broker_topics_add_partitions(t, "orders", 5, false, 0, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(o->partition_count, 5);
    CU_ASSERT_EQUAL(broker_topics_add_partitions(t, "orders", 4, false, 0, err, sizeof err),
                    KAFKA_ERR_INVALID_PARTITIONS);
    CU_ASSERT_EQUAL(broker_topics_add_partitions(t, "nope", 4, false, 0, err, sizeof err),
                    KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);

    CU_ASSERT_EQUAL(broker_topics_delete(t, "orders"), KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(broker_topics_delete(t, "orders"), KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    CU_ASSERT_EQUAL(broker_topics_count(t), 0);
    broker_topics_close(t);

    t = open_registry();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(broker_topics_count(t), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/orders-0", dir);
    struct stat st;
    CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
    broker_topics_close(t);
}

static void test_configs(void)
{
    broker_log_config_t base, conf;
    broker_log_config_defaults(&base);
    char err[512] = "";
    sluice_strmap_t *cfg = sluice_strmap_new();
    sluice_strmap_set(cfg, "segment.bytes", "1048576");
    sluice_strmap_set(cfg, "cleanup.policy", "compact,delete");
    sluice_strmap_set(cfg, "retention.ms", "-5");
    CU_ASSERT_EQUAL(broker_topic_configs_apply(cfg, &base, &conf, err, sizeof err),
                    KAFKA_ERR_NONE);
    CU_ASSERT_EQUAL(conf.segment_bytes, 1048576);
    CU_ASSERT_EQUAL(conf.cleanup_policy, BROKER_CLEANUP_COMPACT | BROKER_CLEANUP_DELETE);
    CU_ASSERT_EQUAL(conf.retention_ms, -1);
    CU_ASSERT_EQUAL(conf.max_message_bytes, base.max_message_bytes);

    sluice_strmap_set(cfg, "retention.mss", "1");
    CU_ASSERT_EQUAL(broker_topic_configs_apply(cfg, &base, &conf, err, sizeof err),
                    KAFKA_ERR_INVALID_CONFIG);
    ASSERT_CONTAINS(err, "Unknown topic config name: retention.mss");
    sluice_strmap_remove(cfg, "retention.mss");

    sluice_strmap_set(cfg, "segment.bytes", "ten");
    CU_ASSERT_EQUAL(broker_topic_configs_apply(cfg, &base, &conf, err, sizeof err),
                    KAFKA_ERR_INVALID_CONFIG);
    ASSERT_CONTAINS(err, "segment.bytes");
    sluice_strmap_set(cfg, "segment.bytes", "1048576");

    sluice_strmap_set(cfg, "compression.type", "gzip");
    CU_ASSERT_EQUAL(broker_topic_configs_apply(cfg, &base, &conf, err, sizeof err),
                    KAFKA_ERR_INVALID_CONFIG);
    ASSERT_CONTAINS(err, "compression.type=gzip is not supported");
    sluice_strmap_set(cfg, "compression.type", "producer");
    CU_ASSERT_EQUAL(broker_topic_configs_apply(cfg, &base, &conf, err, sizeof err),
                    KAFKA_ERR_NONE);
    sluice_strmap_destroy(cfg);
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("broker topics", setup, teardown);
    CU_add_test(s, "names", test_names);
    CU_add_test(s, "create, reopen, delete", test_create_reopen_delete);
    CU_add_test(s, "configs", test_configs);
}
