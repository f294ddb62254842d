/*
 * The herder's C API (worker/herder.c), which `sluice standalone` and the
 * REST API drive: connectors are created, paused, resumed, stopped,
 * restarted and deleted, and their status follows; REST-created connectors
 * survive a restart through the connector store; restarts answer Kafka's
 * restart plan; active topics are tracked; offsets are read, altered and
 * reset (the source's in the offset store, the sink's in its consumer group
 * on the broker). The integrated broker runs in-process on port 0 (which
 * also checks that it advertises the port the kernel picked), the
 * connectors are the real file connectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include <librdkafka/rdkafka.h>
#include <sluice/sluice.h>

#include "broker.h"
#include "connector_config.h"
#include "connector_store.h"
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

/* Waits until the file at path has size bytes; returns its size then. */
static long wait_size(const char *path, long size)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    while (file_size(path) < size && test_now_ms() < deadline)
        test_sleep_ms(20);
    test_sleep_ms(100); /* nothing more arrives */
    return file_size(path);
}

/* The bytes of lines [from, to) as write_lines writes them. */
static long lines_size(int from, int to)
{
    long n = 0;
    for (int i = from; i < to; i++)
        n += snprintf(NULL, 0, "line-%d\n", i);
    return n;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
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

/* A config as REST gives it: pairs of key, value (NULL-terminated), with
 * placeholders resolved through the worker's providers. */
static connector_config_t *rest_connector(const worker_config_t *w, const char *const *pairs)
{
    sluice_strmap_t *p = sluice_strmap_new();
    for (size_t i = 0; pairs[i]; i += 2)
        sluice_strmap_set(p, pairs[i], pairs[i + 1]);
    connector_config_t *cc = connector_config_resolve(registry, p, worker_config_providers(w),
                                                      "REST", errstr, sizeof errstr);
    sluice_strmap_destroy(p);
    if (!cc)
        fprintf(stderr, "\n  connector config: %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
    return cc;
}

/* A worker config for this suite's broker, plus extra pairs
 * (NULL-terminated; may be NULL). */
static worker_config_t *new_worker(const char *const *extra)
{
    sluice_strmap_t *wprops = sluice_strmap_new();
    sluice_strmap_set(wprops, "bootstrap.servers", bootstrap);
    sluice_strmap_set(wprops, "key.converter", "org.apache.kafka.connect.storage.StringConverter");
    sluice_strmap_set(wprops, "value.converter",
                      "org.apache.kafka.connect.storage.StringConverter");
    sluice_strmap_set(wprops, "offset.storage.file.filename", path_in_dir("connect.offsets"));
    sluice_strmap_set(wprops, "offset.flush.interval.ms", "100");
    sluice_strmap_set(wprops, "task.shutdown.graceful.timeout.ms", "5000");
    for (size_t i = 0; extra && extra[i]; i += 2)
        sluice_strmap_set(wprops, extra[i], extra[i + 1]);
    char why[4096];
    worker_config_t *w =
        worker_config_new(wprops, WORKER_MODE_STANDALONE, registry, "test worker", why, sizeof why);
    sluice_strmap_destroy(wprops);
    if (!w)
        fprintf(stderr, "\n  worker config: %s\n", why);
    return w;
}

/* Waits until the connector and all of its want_tasks tasks are in state;
 * returns whether they got there. */
static bool wait_state_in(herder_t *h, const char *name, worker_state_t state, size_t want_tasks)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    for (;;) {
        herder_status_t st;
        if (herder_connector_status(h, name, &st) != HERDER_OK)
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

static bool wait_state(const char *name, worker_state_t state, size_t want_tasks)
{
    return wait_state_in(herder, name, state, want_tasks);
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
    static const char *const libs[] = {"/converters.so", "/file-connectors.so",
                                       "/config-providers.so"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", SLUICE_TEST_PLUGIN_DIR, libs[i]);
        why[0] = '\0';
        if (plugin_registry_load(registry, path, why, sizeof why) != 0)
            return -1;
    }
    wc = new_worker(NULL);
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
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, &created,
                                         errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(created);
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("sink", out, NULL, "lines"), false,
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL, errstr,
                                         sizeof errstr),
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
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "src", true, false, NULL), HERDER_OK);
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
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL, errstr,
                                         sizeof errstr),
                    HERDER_CONFLICT);
    ASSERT_CONTAINS(errstr, "src");
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("src", in, "other", NULL), true,
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, &created,
                                         errstr, sizeof errstr),
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
                                         false, HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL,
                                         errstr, sizeof errstr),
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

    CU_ASSERT_EQUAL(herder_restart_connector(herder, "broken", true, true, NULL), HERDER_OK);
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

/* ---- client overrides ---------------------------------------------------------- */

/* A worker whose policy is None refuses a connector's client overrides,
 * naming every refused key, and creates nothing. */
static void test_override_policy(void)
{
    static const char *const extra[] = {"connector.client.config.override.policy", "None", NULL};
    worker_config_t *w = new_worker(extra);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    herder_t *h = herder_new(w, registry, offsets, "127.0.0.1:8083");
    static const char *const props[] = {"name",
                                        "ov-src",
                                        "connector.class",
                                        "FileStreamSource",
                                        "topic",
                                        "ov-lines",
                                        "file",
                                        "/dev/null",
                                        "producer.override.linger.ms",
                                        "5",
                                        "producer.override.acks",
                                        "all",
                                        NULL};
    CU_ASSERT_EQUAL(herder_put_connector(h, rest_connector(w, props), false, HERDER_TARGET_STARTED,
                                         HERDER_ORIGIN_REST, NULL, errstr, sizeof errstr),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "producer.override.linger.ms");
    ASSERT_CONTAINS(errstr, "producer.override.acks");
    ASSERT_CONTAINS(errstr, "'None' policy");
    herder_status_t st;
    CU_ASSERT_EQUAL(herder_connector_status(h, "ov-src", &st), HERDER_NOT_FOUND);
    herder_destroy(h);
    worker_config_destroy(w);
}

/* ---- persistence ---------------------------------------------------------------- */

/* REST-created connectors come back after a restart with their config as
 * written (placeholders unresolved) and their target state; file-origin
 * ones and deleted ones do not; the file is private to its owner. */
static void test_persistence(void)
{
    char in[256], store_path[256];
    snprintf(in, sizeof in, "%s", path_in_dir("p-in.txt"));
    snprintf(store_path, sizeof store_path, "%s", path_in_dir("connectors.json"));
    write_lines(in, 0, 10);
    setenv("HERDER_TEST_TOPIC", "p-lines", 1);
    const char *extra[] = {"config.providers",
                           "env",
                           "config.providers.env.class",
                           "EnvVarConfigProvider",
                           "config.storage.file.filename",
                           store_path,
                           NULL};
    worker_config_t *w = new_worker(extra);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);

    herder_t *h = herder_new(w, registry, offsets, "127.0.0.1:8083");
    CU_ASSERT_EQUAL(herder_load_persisted(h, errstr, sizeof errstr), 0); /* no file yet */
    const char *const src[] = {"name", "p-src", "connector.class", "FileStreamSource",
                               "file", in,      "topic",           "${env:HERDER_TEST_TOPIC}",
                               NULL};
    const char *const gone[] = {"name", "p-gone", "connector.class", "FileStreamSource",
                                "file", in,       "topic",           "p-lines",
                                NULL};
    bool created = false;
    CU_ASSERT_EQUAL(herder_put_connector(h, rest_connector(w, src), false, HERDER_TARGET_STARTED,
                                         HERDER_ORIGIN_REST, &created, errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(created);
    CU_ASSERT_EQUAL(herder_put_connector(h, rest_connector(w, gone), false, HERDER_TARGET_STOPPED,
                                         HERDER_ORIGIN_REST, NULL, errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT_EQUAL(herder_put_connector(h, file_connector("p-file", in, "p-lines", NULL), false,
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL, errstr,
                                         sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(wait_state_in(h, "p-src", WORKER_STATE_RUNNING, 1));
    CU_ASSERT_EQUAL(herder_pause_connector(h, "p-src"), HERDER_OK);
    CU_ASSERT_EQUAL(herder_delete_connector(h, "p-gone"), HERDER_OK);

    /* the file: 0600, the placeholder as written, not its value */
    struct stat sb;
    CU_ASSERT_EQUAL_FATAL(stat(store_path, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
    const char *text = read_text(store_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    ASSERT_CONTAINS(text, "${env:HERDER_TEST_TOPIC}");
    CU_ASSERT_PTR_NULL(strstr(text, "p-lines"));
    CU_ASSERT_PTR_NULL(strstr(text, "p-file"));
    CU_ASSERT_PTR_NULL(strstr(text, "p-gone"));
    herder_destroy(h);

    /* a new worker on the same file: p-src only, paused, same config */
    h = herder_new(w, registry, offsets, "127.0.0.1:8083");
    CU_ASSERT_EQUAL(herder_load_persisted(h, errstr, sizeof errstr), 0);
    char **names = NULL;
    size_t n = herder_connectors(h, &names);
    CU_ASSERT_EQUAL(n, 1);
    if (n == 1)
        CU_ASSERT_STRING_EQUAL(names[0], "p-src");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    CU_ASSERT(wait_state_in(h, "p-src", WORKER_STATE_PAUSED, 1));
    herder_status_t st;
    CU_ASSERT_EQUAL_FATAL(herder_connector_status(h, "p-src", &st), HERDER_OK);
    CU_ASSERT_EQUAL(st.target, HERDER_TARGET_PAUSED);
    herder_status_free(&st);
    herder_info_t info;
    CU_ASSERT_EQUAL_FATAL(herder_connector_info(h, "p-src", &info), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(info.type, "source");
    CU_ASSERT_EQUAL(info.task_count, 1);
    CU_ASSERT_EQUAL(sluice_strmap_count(info.config), 4);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(info.config, "topic"), "${env:HERDER_TEST_TOPIC}");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(info.config, "file"), in);
    herder_info_free(&info);

    /* resumed: stored as STARTED; a connector file replacing it takes it out */
    CU_ASSERT_EQUAL(herder_resume_connector(h, "p-src"), HERDER_OK);
    connector_store_t *cs = connector_store_open(store_path, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
    CU_ASSERT_EQUAL_FATAL(connector_store_count(cs), 1);
    CU_ASSERT_STRING_EQUAL(connector_store_target_at(cs, 0), "STARTED");
    connector_store_destroy(cs);
    CU_ASSERT_EQUAL(herder_put_connector(h, file_connector("p-src", in, "p-lines", NULL), true,
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, &created,
                                         errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(!created);
    cs = connector_store_open(store_path, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
    CU_ASSERT_EQUAL(connector_store_count(cs), 0);
    connector_store_destroy(cs);
    herder_destroy(h);

    /* a stored connector that no longer validates is skipped, not fatal,
     * and stays in the file */
    char good[2048];
    snprintf(good, sizeof good,
             "{\"connectors\":{"
             "\"p-bad\":{\"config\":{\"name\":\"p-bad\",\"connector.class\":\"NoSuchConnector\"},"
             "\"target_state\":\"STARTED\"},"
             "\"p-good\":{\"config\":{\"name\":\"p-good\",\"connector.class\":\"FileStreamSource\","
             "\"file\":\"%s\",\"topic\":\"p-lines\"},\"target_state\":\"STOPPED\"}}}",
             in);
    write_text(store_path, good);
    h = herder_new(w, registry, offsets, "127.0.0.1:8083");
    CU_ASSERT_EQUAL(herder_load_persisted(h, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(herder_connector_status(h, "p-bad", &st), HERDER_NOT_FOUND);
    CU_ASSERT_EQUAL_FATAL(herder_connector_status(h, "p-good", &st), HERDER_OK);
    CU_ASSERT_EQUAL(st.state, WORKER_STATE_STOPPED);
    herder_status_free(&st);
    CU_ASSERT_EQUAL(herder_delete_connector(h, "p-good"), HERDER_OK);
    cs = connector_store_open(store_path, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
    CU_ASSERT_EQUAL(connector_store_count(cs), 1);
    CU_ASSERT(connector_store_contains(cs, "p-bad"));
    connector_store_destroy(cs);
    herder_destroy(h);

    /* a malformed file: refused, naming the file and where */
    write_text(store_path, "{\"connectors\": {\"x\": [");
    h = herder_new(w, registry, offsets, "127.0.0.1:8083");
    errstr[0] = '\0';
    CU_ASSERT_EQUAL(herder_load_persisted(h, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, store_path);
    ASSERT_CONTAINS(errstr, "line 1");
    write_text(store_path, "{\"connectors\": {\"x\": {\"config\": {}, \"target_state\": \"GO\"}}}");
    CU_ASSERT_EQUAL(herder_load_persisted(h, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "connectors.x.target_state");
    herder_destroy(h);
    worker_config_destroy(w);
}

/* ---- restart plans ---------------------------------------------------------------- */

/* Kafka's restart plan: the status when the restart began, with what is
 * restarted shown RESTARTING. */
static void test_restart_plan(void)
{
    const char *bad = path_in_dir("no-such-dir/plan.txt");
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("plan", bad, NULL, "lines"), false,
                                         HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL, errstr,
                                         sizeof errstr),
                    HERDER_OK);
    int64_t deadline = test_now_ms() + WAIT_MS;
    herder_status_t st = {0};
    for (;;) {
        CU_ASSERT_EQUAL_FATAL(herder_connector_status(herder, "plan", &st), HERDER_OK);
        bool failed = st.task_count == 1 && st.tasks[0].state == WORKER_STATE_FAILED;
        herder_status_free(&st);
        if (failed || test_now_ms() > deadline)
            break;
        test_sleep_ms(20);
    }

    /* only the failed: the running connector stays, its failed task restarts */
    herder_status_t plan;
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "plan", true, true, &plan), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(plan.name, "plan");
    CU_ASSERT_STRING_EQUAL(plan.type, "sink");
    CU_ASSERT_STRING_EQUAL(plan.worker_id, "127.0.0.1:8083");
    CU_ASSERT_EQUAL(plan.state, WORKER_STATE_RUNNING);
    CU_ASSERT_EQUAL_FATAL(plan.task_count, 1);
    CU_ASSERT_EQUAL(plan.tasks[0].state, WORKER_STATE_RESTARTING);
    herder_status_free(&plan);

    /* the connector alone */
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "plan", false, false, &plan), HERDER_OK);
    CU_ASSERT_EQUAL(plan.state, WORKER_STATE_RESTARTING);
    CU_ASSERT_EQUAL_FATAL(plan.task_count, 1);
    CU_ASSERT_NOT_EQUAL(plan.tasks[0].state, WORKER_STATE_RESTARTING);
    herder_status_free(&plan);

    /* everything */
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "plan", true, false, &plan), HERDER_OK);
    CU_ASSERT_EQUAL(plan.state, WORKER_STATE_RESTARTING);
    CU_ASSERT_EQUAL_FATAL(plan.task_count, 1);
    CU_ASSERT_EQUAL(plan.tasks[0].state, WORKER_STATE_RESTARTING);
    herder_status_free(&plan);

    /* stopped: nothing restarts, the plan says so */
    CU_ASSERT_EQUAL(herder_stop_connector(herder, "plan"), HERDER_OK);
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "plan", true, false, &plan), HERDER_OK);
    CU_ASSERT_EQUAL(plan.state, WORKER_STATE_STOPPED);
    CU_ASSERT_EQUAL(plan.task_count, 0);
    herder_status_free(&plan);
    CU_ASSERT_EQUAL(herder_restart_connector(herder, "nope", true, false, &plan), HERDER_NOT_FOUND);
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "plan"), HERDER_OK);
}

/* ---- active topics ------------------------------------------------------------------ */

/* The topics, joined with ',' (a static buffer), or "-" when unknown. */
static const char *topics_of(const char *name)
{
    static char out[1024];
    char **topics = NULL;
    size_t n = 0;
    if (herder_connector_topics(herder, name, &topics, &n) != HERDER_OK)
        return "-";
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "", topics[i]);
        free(topics[i]);
    }
    free(topics);
    return out;
}

static bool wait_topics(const char *name, const char *want)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    while (strcmp(topics_of(name), want) && test_now_ms() < deadline)
        test_sleep_ms(20);
    return !strcmp(topics_of(name), want);
}

/* A source reports the topic it produced to, a sink the topics it consumed
 * from; a reset forgets them until they are used again. */
static void test_topics(void)
{
    const char *in = path_in_dir("t-in.txt"), *out = path_in_dir("t-out.txt");
    char in_path[256], out_path[256];
    snprintf(in_path, sizeof in_path, "%s", in);
    snprintf(out_path, sizeof out_path, "%s", out);
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("t-src", in_path, "t-lines", NULL),
                                         false, HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL,
                                         errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT_EQUAL(herder_put_connector(
                        herder, file_connector("t-sink", out_path, NULL, "t-lines,t-none"), false,
                        HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL, errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT(wait_state("t-src", WORKER_STATE_RUNNING, 1));
    CU_ASSERT_STRING_EQUAL(topics_of("t-src"), ""); /* nothing produced yet */
    write_lines(in_path, 0, 20);
    CU_ASSERT(wait_topics("t-src", "t-lines"));
    CU_ASSERT(wait_topics("t-sink", "t-lines")); /* t-none: subscribed, never consumed */
    CU_ASSERT_EQUAL(wait_size(out_path, lines_size(0, 20)), lines_size(0, 20));

    CU_ASSERT_EQUAL(herder_reset_topics(herder, "t-src"), HERDER_OK);
    CU_ASSERT_EQUAL(herder_reset_topics(herder, "t-sink"), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(topics_of("t-src"), "");
    CU_ASSERT_STRING_EQUAL(topics_of("t-sink"), "");
    write_lines(in_path, 20, 30);
    CU_ASSERT(wait_topics("t-src", "t-lines"));
    CU_ASSERT(wait_topics("t-sink", "t-lines"));
    CU_ASSERT_EQUAL(wait_size(out_path, lines_size(0, 30)), lines_size(0, 30));
    CU_ASSERT_EQUAL(herder_reset_topics(herder, "nope"), HERDER_NOT_FOUND);
    CU_ASSERT_STRING_EQUAL(topics_of("nope"), "-");
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "t-src"), HERDER_OK);
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "t-sink"), HERDER_OK);
}

/* ---- offsets ---------------------------------------------------------------------- */

/* The connector's offsets as compact JSON text (a static buffer), or the
 * error. */
static const char *offsets_text(const char *name)
{
    static char text[16384];
    json_t *out = NULL;
    errstr[0] = '\0';
    if (herder_connector_offsets(herder, name, &out, errstr, sizeof errstr) != HERDER_OK) {
        snprintf(text, sizeof text, "error: %s", errstr);
        return text;
    }
    char *dump = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(text, sizeof text, "%s", dump);
    free(dump);
    json_decref(out);
    return text;
}

/* herder_alter_offsets with items given as JSON text (NULL: a reset). */
static herder_err_t alter(const char *name, const char *items, const char **message)
{
    json_t *json = NULL;
    if (items) {
        json = json_loads(items, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(json);
    }
    const char *dummy;
    errstr[0] = '\0';
    herder_err_t err =
        herder_alter_offsets(herder, name, json, message ? message : &dummy, errstr, sizeof errstr);
    json_decref(json);
    return err;
}

/* Asserts an alter's success message, printing the error when there is none. */
static void assert_message(const char *message, const char *want)
{
    if (!message)
        fprintf(stderr, "\n  no message; error: %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(message);
    CU_ASSERT_STRING_EQUAL(message, want);
}

/*
 * A file source and a file sink chained through a topic: the source's
 * offsets (offset store) and the sink's (consumer group connect-o-sink)
 * are shown, refused while the connector runs, checked, altered and reset,
 * and the connectors resume from what was written.
 */
static void test_offsets(void)
{
    char in[256], out[256], want[1024];
    snprintf(in, sizeof in, "%s", path_in_dir("o-in.txt"));
    snprintf(out, sizeof out, "%s", path_in_dir("o-out.txt"));
    write_lines(in, 0, 100);
    const long all = lines_size(0, 100), tail = lines_size(50, 100), head = lines_size(0, 50);
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("o-src", in, "o-lines", NULL),
                                         false, HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL,
                                         errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT_EQUAL(herder_put_connector(herder, file_connector("o-sink", out, NULL, "o-lines"),
                                         false, HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL,
                                         errstr, sizeof errstr),
                    HERDER_OK);
    CU_ASSERT_EQUAL(wait_size(out, all), all);

    /* running: refused with Kafka's message */
    const char *message = NULL;
    CU_ASSERT_EQUAL(alter("o-src", NULL, &message), HERDER_BAD_STATE);
    ASSERT_CONTAINS(errstr, "Connectors must be in the STOPPED state before their offsets can be "
                            "modified");
    ASSERT_CONTAINS(errstr, "'/connectors/o-src/stop'");
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":0},\"offset\":{\"kafka_offset\":1}}]",
                          NULL),
                    HERDER_BAD_STATE);
    CU_ASSERT_EQUAL(alter("nope", NULL, NULL), HERDER_NOT_FOUND);

    /* the source, stopped: its stored position */
    CU_ASSERT_EQUAL(herder_stop_connector(herder, "o-src"), HERDER_OK);
    snprintf(want, sizeof want,
             "{\"offsets\":[{\"offset\":{\"position\":%ld},\"partition\":{\"filename\":\"%s\"}}]}",
             all, in);
    CU_ASSERT_STRING_EQUAL(offsets_text("o-src"), want);

    /* malformed items, each named */
    CU_ASSERT_EQUAL(alter("o-src", "[]", NULL), HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "Partitions / offsets need to be provided");
    CU_ASSERT_EQUAL(alter("o-src",
                          "[{\"partition\":{\"filename\":\"x\"},\"offset\":null},"
                          "{\"partition\":\"x\",\"offset\":{\"position\":1}}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "offsets[1]");
    CU_ASSERT_EQUAL(alter("o-src", "[{\"partition\":{\"filename\":\"x\"},\"offset\":7}]", NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "offsets[0]");
    CU_ASSERT_EQUAL(alter("o-src",
                          "[{\"partition\":{\"filename\":\"x\"},\"offset\":{\"position\":[1]}}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "Offsets may only contain primitive types as values, but field "
                            "position contains ARRAY");
    /* the connector's own checks (FileStreamSourceConnector.alterOffsets) */
    CU_ASSERT_EQUAL(
        alter("o-src", "[{\"partition\":{\"filename\":\"x\"},\"offset\":{\"position\":-1}}]", NULL),
        HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "The value for the 'position' key in the offset should be a "
                            "non-negative value");
    CU_ASSERT_EQUAL(alter("o-src",
                          "[{\"partition\":{\"filename\":\"x\"},\"offset\":{\"position\":\"1\"}}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "expected to be a Long value");
    CU_ASSERT_EQUAL(
        alter("o-src", "[{\"partition\":{\"file\":\"x\"},\"offset\":{\"position\":1}}]", NULL),
        HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "Partition objects should contain the key 'filename'");
    CU_ASSERT_STRING_EQUAL(offsets_text("o-src"), want); /* nothing changed */

    /* altered to line 50: the source reads from there again */
    char items[1024];
    snprintf(items, sizeof items,
             "[{\"partition\":{\"filename\":\"%s\"},\"offset\":{\"position\":%ld}}]", in, head);
    CU_ASSERT_EQUAL(alter("o-src", items, &message), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(message,
                           "The offsets for this connector have been altered successfully");
    snprintf(want, sizeof want,
             "{\"offsets\":[{\"offset\":{\"position\":%ld},\"partition\":{\"filename\":\"%s\"}}]}",
             head, in);
    CU_ASSERT_STRING_EQUAL(offsets_text("o-src"), want);
    CU_ASSERT_EQUAL(herder_resume_connector(herder, "o-src"), HERDER_OK);
    CU_ASSERT_EQUAL(wait_size(out, all + tail), all + tail);

    /* reset: the whole file again */
    CU_ASSERT_EQUAL(herder_stop_connector(herder, "o-src"), HERDER_OK);
    CU_ASSERT_EQUAL(alter("o-src", NULL, &message), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(message, "The offsets for this connector have been reset successfully");
    CU_ASSERT_STRING_EQUAL(offsets_text("o-src"), "{\"offsets\":[]}");
    CU_ASSERT_EQUAL(herder_resume_connector(herder, "o-src"), HERDER_OK);
    CU_ASSERT_EQUAL(wait_size(out, 2 * all + tail), 2 * all + tail);

    /* the sink, stopped: its group's committed offset (250 records) */
    CU_ASSERT_EQUAL(herder_stop_connector(herder, "o-sink"), HERDER_OK);
    CU_ASSERT_STRING_EQUAL(offsets_text("o-sink"),
                           "{\"offsets\":[{\"offset\":{\"kafka_offset\":250},\"partition\":{"
                           "\"kafka_partition\":0,\"kafka_topic\":\"o-lines\"}}]}");
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\"},"
                          "\"offset\":{\"kafka_offset\":1}}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "offsets[0]: The partition for a sink connector offset must contain "
                            "the keys 'kafka_topic' and 'kafka_partition'");
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":0},\"offset\":null},"
                          "{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":\"x\"},\"offset\":null}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "offsets[1]: Failed to parse the following Kafka partition value in "
                            "the provided offsets: 'x'");
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":0},\"offset\":{\"kafka_offset\":-3}}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "offsets[0]");
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":0},\"offset\":{\"offset\":3}}]",
                          NULL),
                    HERDER_BAD_CONFIG);
    ASSERT_CONTAINS(errstr, "should either be null or contain the key 'kafka_offset'");

    /* altered back 50 records: the last 50 lines again */
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":\"0\"},\"offset\":{\"kafka_offset\":200}}]",
                          &message),
                    HERDER_OK);
    assert_message(message, "The offsets for this connector have been altered successfully");
    CU_ASSERT_STRING_EQUAL(offsets_text("o-sink"),
                           "{\"offsets\":[{\"offset\":{\"kafka_offset\":200},\"partition\":{"
                           "\"kafka_partition\":0,\"kafka_topic\":\"o-lines\"}}]}");
    CU_ASSERT_EQUAL(herder_resume_connector(herder, "o-sink"), HERDER_OK);
    CU_ASSERT_EQUAL(wait_size(out, 2 * all + 2 * tail), 2 * all + 2 * tail);

    /* a null offset removes the partition's; a reset deletes the group, and
     * the sink starts over from the earliest record */
    CU_ASSERT_EQUAL(herder_stop_connector(herder, "o-sink"), HERDER_OK);
    CU_ASSERT_EQUAL(alter("o-sink",
                          "[{\"partition\":{\"kafka_topic\":\"o-lines\","
                          "\"kafka_partition\":0},\"offset\":null}]",
                          &message),
                    HERDER_OK);
    assert_message(message, "The offsets for this connector have been altered successfully");
    CU_ASSERT_STRING_EQUAL(offsets_text("o-sink"), "{\"offsets\":[]}");
    CU_ASSERT_EQUAL(alter("o-sink", NULL, &message), HERDER_OK);
    assert_message(message, "The offsets for this connector have been reset successfully");
    CU_ASSERT_EQUAL(alter("o-sink", NULL, &message), HERDER_OK); /* idempotent */
    CU_ASSERT_STRING_EQUAL(offsets_text("o-sink"), "{\"offsets\":[]}");
    CU_ASSERT_EQUAL(herder_resume_connector(herder, "o-sink"), HERDER_OK);
    long total = 2 * all + 2 * tail + (2 * all + tail);
    CU_ASSERT_EQUAL(wait_size(out, total), total);

    CU_ASSERT_EQUAL(herder_delete_connector(herder, "o-src"), HERDER_OK);
    CU_ASSERT_EQUAL(herder_delete_connector(herder, "o-sink"), HERDER_OK);
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("herder", suite_init, suite_clean);
    CU_add_test(s, "the embedded broker advertises the port it bound",
                test_port_zero_is_advertised);
    CU_add_test(s, "create, pause, resume, stop, restart, replace, delete", test_lifecycle);
    CU_add_test(s, "a task that cannot start is FAILED with its trace", test_failed_task);
    CU_add_test(s, "client overrides the policy forbids are refused, each named",
                test_override_policy);
    CU_add_test(s, "REST connectors survive a restart with their config and target state",
                test_persistence);
    CU_add_test(s, "a restart answers Kafka's restart plan", test_restart_plan);
    CU_add_test(s, "active topics are recorded for sources and sinks, and reset", test_topics);
    CU_add_test(s, "source and sink offsets are read, refused while running, altered and reset",
                test_offsets);
}
