/*
 * The herder's C API (worker/herder.c), which `sluice standalone` and the
 * REST API drive: connectors are created, paused, resumed, stopped,
 * restarted and deleted, and their status follows. The integrated broker
 * runs in-process on port 0 (which also checks that it advertises the port
 * the kernel picked), the connectors are the real file connectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <librdkafka/rdkafka.h>
#include <sluice/sluice.h>

#include "broker.h"
#include "connector_config.h"
#include "herder.h"
#include "offset_store.h"
#include "plugin_registry.h"
#include "test_util.h"
#include "worker_config.h"

#define WAIT_MS 20000

static char dir[64];
static char bootstrap[64];
static broker_t *broker;
static plugin_registry_t *registry;
static worker_config_t *wc;
static offset_store_t *offsets;
static herder_t *herder;
static char errstr[8192];

static const char *path_in_dir(const char *name)
{
    static char paths[4][256];
    static int slot;
    char *path = paths[slot++ % 4];
    snprintf(path, 256, "%s/%s", dir, name);
    return path;
}

static void write_lines(const char *path, int from, int to)
{
    FILE *f = fopen(path, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = from; i < to; i++)
        fprintf(f, "line-%d\n", i);
    fclose(f);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A validated config for a file source (sink when topics is given). */
static connector_config_t *file_connector(const char *name, const char *file, const char *topic,
                                          const char *topics)
{
    sluice_strmap_t *p = sluice_strmap_new();
    sluice_strmap_set(p, "name", name);
    sluice_strmap_set(p, "connector.class", topics ? "FileStreamSink" : "FileStreamSource");
    sluice_strmap_set(p, "file", file);
    if (topic)
        sluice_strmap_set(p, "topic", topic);
    if (topics)
        sluice_strmap_set(p, "topics", topics);
    connector_config_t *cc = connector_config_new(registry, p, name, errstr, sizeof errstr);
    sluice_strmap_destroy(p);
    if (!cc)
        fprintf(stderr, "\n  connector config: %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
    return cc;
}

/* Waits until the connector and all of its want_tasks tasks are in state;
 * returns whether they got there. */
static bool wait_state(const char *name, worker_state_t state, size_t want_tasks)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    for (;;) {
        herder_status_t st;
        if (herder_connector_status(herder, name, &st) != HERDER_OK)
            return false;
        bool ok = st.state == state && st.task_count == want_tasks;
        for (size_t i = 0; ok && i < st.task_count; i++)
            ok = st.tasks[i].state == state;
        herder_status_free(&st);
        if (ok)
            return true;
        if (test_now_ms() > deadline)
            return false;
        test_sleep_ms(20);
    }
}

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/herder-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    sluice_strmap_t *bprops = sluice_strmap_new();
    sluice_strmap_set(bprops, "listeners", "PLAINTEXT://127.0.0.1:0");
    sluice_strmap_set(bprops, "log.dirs", path_in_dir("kafka"));
    sluice_strmap_set(bprops, "group.initial.rebalance.delay.ms", "0");
    sluice_strmap_set(bprops, "offsets.topic.num.partitions", "1");
    char why[2048];
    broker_config_t *bc = broker_config_new(bprops, "test broker", why, sizeof why);
    sluice_strmap_destroy(bprops);
    if (!bc)
        return -1;
    broker = broker_new(bc);
    if (broker_start(broker, why, sizeof why)) {
        fprintf(stderr, "\n  broker: %s\n", why);
        return -1;
    }
    snprintf(bootstrap, sizeof bootstrap, "127.0.0.1:%d", broker_port(broker));

    registry = plugin_registry_new();
    static const char *const libs[] = {"/converters.so", "/file-connectors.so"};
    for (size_t i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", SLUICE_TEST_PLUGIN_DIR, libs[i]);
        why[0] = '\0';
        if (plugin_registry_load(registry, path, why, sizeof why) != 0)
            return -1;
    }
    sluice_strmap_t *wprops = sluice_strmap_new();
    sluice_strmap_set(wprops, "bootstrap.servers", bootstrap);
    sluice_strmap_set(wprops, "key.converter", "org.apache.kafka.connect.storage.StringConverter");
    sluice_strmap_set(wprops, "value.converter",
                      "org.apache.kafka.connect.storage.StringConverter");
    sluice_strmap_set(wprops, "offset.storage.file.filename", path_in_dir("connect.offsets"));
    sluice_strmap_set(wprops, "offset.flush.interval.ms", "100");
    sluice_strmap_set(wprops, "task.shutdown.graceful.timeout.ms", "5000");
    wc =
        worker_config_new(wprops, WORKER_MODE_STANDALONE, registry, "test worker", why, sizeof why);
    sluice_strmap_destroy(wprops);
    if (!wc)
        return -1;
    offsets = offset_store_new(path_in_dir("connect.offsets"), why, sizeof why);
    if (!offsets)
        return -1;
    herder = herder_new(wc, registry, offsets, "127.0.0.1:8083");
    return 0;
}

static int suite_clean(void)
{
    herder_destroy(herder);
    offset_store_destroy(offsets);
    worker_config_destroy(wc);
    plugin_registry_destroy(registry);
    if (broker) {
        broker_stop(broker);
        broker_destroy(broker);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The broker bound port 0: Metadata must name the port it really got. */
static void test_port_zero_is_advertised(void)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[256];
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, why, sizeof why);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rk);
    const struct rd_kafka_metadata *md = NULL;
    CU_ASSERT_EQUAL_FATAL(rd_kafka_metadata(rk, 1, NULL, &md, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(md->broker_cnt, 1);
    CU_ASSERT_EQUAL(md->brokers[0].port, broker_port(broker));
    rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(rk);
}

static void test_lifecycle(void)
{
    const char *in = path_in_dir("in.txt"), *out = path_in_dir("out.txt");
    write_lines(in, 0, 100);
    long in_size = file_size(in);
    bool created = false;
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("src", in, "lines", NULL), false,
                                         HERDER_TARGET_STARTED, &created, errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(created);
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("sink", out, NULL, "lines"), false,
                                         HERDER_TARGET_STARTED, NULL, errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_RUNNING, 1));
    CU_ASSERT(wait_state("sink", WORKER_STATE_RUNNING, 1));

    int64_t deadline = test_now_ms() + WAIT_MS;
    while (file_size(out) < in_size && test_now_ms() < deadline)
        test_sleep_ms(20);
    CU_ASSERT_EQUAL(file_size(out), in_size);

    /* the status names the type and the worker */
    herder_status_t st;
    CU_ASSERT_EQUAL_FATAL(herder_connector_status(herder, "src", &st), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(st.type, "source");
    CU_ASSERT_STRING_EQUAL(st.worker_id, "127.0.0.1:8083");
    herder_status_free(&st);
    CU_ASSERT_EQUAL_FATAL(herder_connector_status(herder, "sink", &st), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(st.type, "sink");
    herder_status_free(&st);

    /* paused: nothing flows */
    CU_ASSERT_EQUAL(herder_pause_connector(herder, "src"), HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_PAUSED, 1));
    write_lines(in, 100, 150);
    test_sleep_ms(600);
    CU_ASSERT_EQUAL(file_size(out), in_size);
    CU_ASSERT_EQUAL(herder_resume_connector(herder, "src"), HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_RUNNING, 1));
    in_size = file_size(in);
    deadline = test_now_ms() + WAIT_MS;
    while (file_size(out) < in_size && test_now_ms() < deadline)
        test_sleep_ms(20);
    CU_ASSERT_EQUAL(file_size(out), in_size);

    /* stopped: no tasks, no task configs; the offset was flushed */
    CU_ASSERT_EQUAL(herder_stop_connector(herder, "src"), HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_STOPPED, 0));
    sluice_strmap_t **configs = NULL;
    size_t n = 99;
    CU_ASSERT_EQUAL(herder_task_configs(herder, "src", &configs, &n), HERDER_OK);
    CU_ASSERT_EQUAL(n, 0);
    free(configs);
    sluice_value_t *partition = sluice_value_map_new();
    sluice_value_map_put_str(partition, "filename", sluice_value_cstring(in));
    sluice_value_t *offset = offset_store_get(offsets, "src", partition);
    CU_ASSERT_PTR_NOT_NULL(offset);
    if (offset)
        CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(offset, "position")),
                        in_size);
    sluice_value_destroy(offset);
    sluice_value_destroy(partition);

    /* resumed from STOPPED: running again with its task, from the offset */
    write_lines(in, 150, 160);
    CU_ASSERT_EQUAL(herder_resume_connector(herder, "src"), HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_RUNNING, 1));
    in_size = file_size(in);
    deadline = test_now_ms() + WAIT_MS;
    while (file_size(out) < in_size && test_now_ms() < deadline)
        test_sleep_ms(20);
    CU_ASSERT_EQUAL(file_size(out), in_size); /* no line twice */
    CU_ASSERT_EQUAL(herder_task_configs(herder, "src", &configs, &n), HERDER_OK);
    CU_ASSERT_EQUAL(n, 1);
    if (n == 1) {
        CU_ASSERT_STRING_EQUAL(sluice_strmap_get(configs[0], "file"), in);
        sluice_strmap_destroy(configs[0]);
    }
    free(configs);

    /* restarts */
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "src", true, false), HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_RUNNING, 1));
    CU_ASSERT_EQUAL(herder_restart_task(herder, "src", 0), HERDER_OK);
    CU_ASSERT(wait_state("src", WORKER_STATE_RUNNING, 1));
    CU_ASSERT_EQUAL(herder_restart_task(herder, "src", 1), HERDER_NOT_FOUND);
    CU_ASSERT_EQUAL(herder_restart_task(herder, "nope", 0), HERDER_NOT_FOUND);

    /* names, conflicts, replacing, deleting */
    char **names = NULL;
    CU_ASSERT_EQUAL(herder_connectors(herder, &names), 2);
    CU_ASSERT_STRING_EQUAL(names[0], "sink");
    CU_ASSERT_STRING_EQUAL(names[1], "src");
    free(names[0]);
    free(names[1]);
    free(names);
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("src", in, "lines", NULL), false,
                                         HERDER_TARGET_STARTED, NULL, errstr, sizeof errstr),
                    HERDER_CONFLICT);
    ASSERT_CONTAINS(errstr, "src");
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("src", in, "other", NULL), true,
                                         HERDER_TARGET_STARTED, &created, errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(!created);
    sluice_strmap_t *cfg = NULL;
    CU_ASSERT_EQUAL(herder_connector_config(herder, "src", &cfg), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(cfg, "topic"), "other");
    sluice_strmap_destroy(cfg);
    CU_ASSERT(wait_state("src", WORKER_STATE_RUNNING, 1));

    CU_ASSERT_EQUAL(herder_delete_connector(herder, "src"), HERDER_OK);
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "src"), HERDER_NOT_FOUND);
    CU_ASSERT_EQUAL(herder_connector_status(herder, "src", &st), HERDER_NOT_FOUND);
    CU_ASSERT_EQUAL(herder_pause_connector(herder, "src"), HERDER_NOT_FOUND);
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "sink"), HERDER_OK);
}

/* A task that cannot start is FAILED with a trace; only-failed restarts
 * restart it, and it fails again the same way. */
static void test_failed_task(void)
{
    const char *bad = path_in_dir("no-such-dir/out.txt");
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("broken", bad, NULL, "lines"),
                                         false, HERDER_TARGET_STARTED, NULL, errstr, sizeof errstr),
                    HERDER_OK);
    int64_t deadline = test_now_ms() + WAIT_MS;
    herder_status_t st = {0};
    for (;;) {
        CU_ASSERT_EQUAL_FATAL(herder_connector_status(herder, "broken", &st), HERDER_OK);
        if ((st.task_count == 1 && st.tasks[0].state == WORKER_STATE_FAILED) ||
            test_now_ms() > deadline)
            break;
        herder_status_free(&st);
        test_sleep_ms(20);
    }
    CU_ASSERT_EQUAL(st.state, WORKER_STATE_RUNNING); /* the connector itself runs */
    CU_ASSERT_EQUAL_FATAL(st.task_count, 1);
    CU_ASSERT_EQUAL(st.tasks[0].state, WORKER_STATE_FAILED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st.tasks[0].trace);
    ASSERT_CONTAINS(st.tasks[0].trace, "no-such-dir");
    herder_status_free(&st);

    CU_ASSERT_EQUAL(herder_restart_connector(herder, "broken", true, true), HERDER_OK);
    deadline = test_now_ms() + WAIT_MS;
    for (;;) {
        CU_ASSERT_EQUAL_FATAL(herder_connector_status(herder, "broken", &st), HERDER_OK);
        if ((st.task_count == 1 && st.tasks[0].state == WORKER_STATE_FAILED) ||
            test_now_ms() > deadline)
            break;
        herder_status_free(&st);
        test_sleep_ms(20);
    }
    CU_ASSERT_EQUAL(st.task_count, 1);
    if (st.task_count == 1)
        CU_ASSERT_EQUAL(st.tasks[0].state, WORKER_STATE_FAILED);
    herder_status_free(&st);
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "broken"), HERDER_OK);
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("herder", suite_init, suite_clean);
    CU_add_test(s, "the embedded broker advertises the port it bound",
                test_port_zero_is_advertised);
    CU_add_test(s, "create, pause, resume, stop, restart, replace, delete", test_lifecycle);
    CU_add_test(s, "a task that cannot start is FAILED with its trace", test_failed_task);
}
