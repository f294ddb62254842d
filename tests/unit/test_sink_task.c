/*
 * The sink task loop (worker/sink_task.c) end to end: the integrated broker
 * runs in-process on a free 127.0.0.1 port, records are produced with
 * librdkafka, and a FileStreamSink task from the real file-connectors.so
 * consumes them through the real JsonConverter. Checked: every record
 * reaches the file exactly once across a restart, the group's committed
 * offsets reach the end of every partition, a paused task puts nothing,
 * and a value the converter cannot read is skipped under
 * errors.tolerance=all but fails the task, naming the converter, under
 * errors.tolerance=none.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <librdkafka/rdkafka.h>
#include <sluice/sluice.h>

#include "broker.h"
#include "connector_config.h"
#include "log.h"
#include "plugin_registry.h"
#include "task.h"
#include "test_util.h"
#include "worker_config.h"

#define WAIT_MS 30000

static char dir[64];
static char bootstrap[64];
static broker_t *broker;
static plugin_registry_t *registry;
static worker_config_t *wc;
static char errstr[8192];

/* ---- helpers ------------------------------------------------------------------ */

static const char *path_in_dir(const char *name)
{
    static char paths[4][256];
    static int slot;
    char *path = paths[slot++ % 4];
    snprintf(path, 256, "%s/%s", dir, name);
    return path;
}

static rd_kafka_t *new_client(rd_kafka_type_t type, const char *group)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[256];
    CU_ASSERT_FATAL(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, why, sizeof why) ==
                    RD_KAFKA_CONF_OK);
    rd_kafka_conf_set(conf, "log_level", "3", why, sizeof why);
    if (group)
        rd_kafka_conf_set(conf, "group.id", group, why, sizeof why);
    rd_kafka_t *rk = rd_kafka_new(type, conf, why, sizeof why);
    if (!rk)
        fprintf(stderr, "\n  rd_kafka_new: %s\n", why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rk);
    return rk;
}

static void create_topic(const char *topic, int partitions)
{
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, NULL);
    char why[256];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions, 1, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(nt);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 10000);
    rd_kafka_NewTopic_destroy(nt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
    const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t **results = rd_kafka_CreateTopics_result_topics(res, &n);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR);
    if (n == 1)
        CU_ASSERT_EQUAL(rd_kafka_topic_result_error(results[0]), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
}

/* Produces values[i] to partition i % partitions, with a header on each. */
static void produce(const char *topic, int partitions, const char *const *values, size_t n)
{
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, NULL);
    for (size_t i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "%zu", i);
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION((int32_t)(i % (size_t)partitions)),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, strlen(key)),
            RD_KAFKA_V_VALUE((void *)values[i], strlen(values[i])),
            RD_KAFKA_V_HEADER("origin", "test", 4), RD_KAFKA_V_END);
        CU_ASSERT_EQUAL_FATAL(err, RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_poll(rk, 0);
    }
    CU_ASSERT_EQUAL(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    CU_ASSERT_EQUAL(rd_kafka_outq_len(rk), 0);
    rd_kafka_destroy(rk);
}

/* Produces JSON strings "<prefix>-<i>" for i in [from, to). */
static void produce_range(const char *topic, int partitions, const char *prefix, int from, int to)
{
    size_t n = (size_t)(to - from);
    char **values = calloc(n, sizeof *values);
    for (size_t i = 0; i < n; i++) {
        values[i] = malloc(64);
        snprintf(values[i], 64, "\"%s-%d\"", prefix, from + (int)i);
    }
    produce(topic, partitions, (const char *const *)values, n);
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
}

/* Produces JSON strings "<prefix>-<i>" for i in [0, n) to partition 0 of
 * topic, in record batches of at most per_batch records. */
static void produce_batched(const char *topic, const char *prefix, int n, int per_batch)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char why[256];
    char batch[16];
    snprintf(batch, sizeof batch, "%d", per_batch);
    CU_ASSERT_FATAL(rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, why, sizeof why) ==
                    RD_KAFKA_CONF_OK);
    rd_kafka_conf_set(conf, "log_level", "3", why, sizeof why);
    CU_ASSERT_FATAL(rd_kafka_conf_set(conf, "batch.num.messages", batch, why, sizeof why) ==
                    RD_KAFKA_CONF_OK);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rk);
    for (int i = 0; i < n; i++) {
        char value[64];
        snprintf(value, sizeof value, "\"%s-%d\"", prefix, i);
        rd_kafka_resp_err_t err =
            rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_VALUE(value, strlen(value)), RD_KAFKA_V_END);
        CU_ASSERT_EQUAL_FATAL(err, RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_poll(rk, 0);
    }
    CU_ASSERT_EQUAL(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(rk);
}

/* The lines of a file (NULL-terminated, caller frees), *count set. */
static char **read_lines(const char *path, size_t *count)
{
    *count = 0;
    char **lines = calloc(1, sizeof *lines);
    FILE *f = fopen(path, "r");
    if (!f)
        return lines;
    char buf[512];
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        lines = realloc(lines, (*count + 2) * sizeof *lines);
        lines[(*count)++] = strdup(buf);
        lines[*count] = NULL;
    }
    fclose(f);
    return lines;
}

static void free_lines(char **lines)
{
    for (size_t i = 0; lines[i]; i++)
        free(lines[i]);
    free(lines);
}

static size_t line_count(const char *path)
{
    size_t n;
    free_lines(read_lines(path, &n));
    return n;
}

/* Waits until path has at least want lines; returns how many it has. */
static size_t wait_lines(const char *path, size_t want)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    size_t n = line_count(path);
    while (n < want && test_now_ms() < deadline) {
        test_sleep_ms(50);
        n = line_count(path);
    }
    return n;
}

/* Asserts that path holds "<prefix>-<i>" exactly once for every i in [from,
 * to) and nothing else; with probe, each line is the probe's
 * "<where> <value>". */
static void assert_values_once(const char *path, bool probe, const char *prefix, int from, int to)
{
    int n = to;
    size_t count;
    char **lines = read_lines(path, &count);
    CU_ASSERT_EQUAL(count, (size_t)(to - from));
    int *seen = calloc((size_t)n, sizeof *seen);
    size_t plen = strlen(prefix);
    for (size_t i = 0; lines[i]; i++) {
        const char *value = lines[i];
        if (probe)
            value = strchr(value, ' ') ? strchr(value, ' ') + 1 : "";
        int k = -1;
        if (strncmp(value, prefix, plen) == 0 && value[plen] == '-')
            k = atoi(value + plen + 1);
        CU_ASSERT(k >= from && k < n);
        if (k >= from && k < n)
            seen[k]++;
    }
    int missing = 0, duplicated = 0;
    for (int i = from; i < n; i++) {
        missing += seen[i] == 0;
        duplicated += seen[i] > 1;
    }
    if (missing || duplicated)
        fprintf(stderr, "\n  %s: %d missing, %d duplicated of %d\n", path, missing, duplicated, n);
    CU_ASSERT_EQUAL(missing, 0);
    CU_ASSERT_EQUAL(duplicated, 0);
    free(seen);
    free_lines(lines);
}

static void assert_each_once(const char *path, const char *prefix, int n)
{
    assert_values_once(path, false, prefix, 0, n);
}

/* The group's committed offset of topic-partition (-1 when none). */
static int64_t committed_offset(const char *group, const char *topic, int32_t partition)
{
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, group);
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic, partition);
    int64_t offset = -1;
    if (rd_kafka_committed(rk, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR && !list->elems[0].err)
        offset = list->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return offset < 0 ? -1 : offset;
}

static int64_t wait_committed_offset(const char *group, const char *topic, int64_t want)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    int64_t offset = committed_offset(group, topic, 0);
    while (offset != want && test_now_ms() < deadline) {
        test_sleep_ms(100);
        offset = committed_offset(group, topic, 0);
    }
    return offset;
}

/* True when the group's committed offset of every partition of topic is
 * its end offset. */
static bool committed_at_end(const char *group, const char *topic, int partitions)
{
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, group);
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++)
        rd_kafka_topic_partition_list_add(list, topic, p);
    bool ok = rd_kafka_committed(rk, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int p = 0; ok && p < partitions; p++) {
        int64_t lo = -1, hi = -1;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000) || list->elems[p].err ||
            list->elems[p].offset != hi)
            ok = false;
    }
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return ok;
}

static bool wait_committed_at_end(const char *group, const char *topic, int partitions)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    while (!committed_at_end(group, topic, partitions)) {
        if (test_now_ms() >= deadline)
            return false;
        test_sleep_ms(200);
    }
    return true;
}

static worker_state_t wait_state(task_t *task, worker_state_t want)
{
    int64_t deadline = test_now_ms() + WAIT_MS;
    worker_state_t s = task_status(task, NULL);
    while (s != want && test_now_ms() < deadline) {
        test_sleep_ms(20);
        s = task_status(task, NULL);
    }
    return s;
}

/* A FileStreamSink connector name consuming topic into file, with extra
 * key=value pairs (NULL-terminated). */
static connector_config_t *connector_config(const char *cls, const char *name, const char *topic,
                                            const char *file, const char *const *extra)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "name", name);
    sluice_strmap_set(props, "connector.class", cls);
    sluice_strmap_set(props, "tasks.max", "1");
    sluice_strmap_set(props, "file", file);
    sluice_strmap_set(props, "topics", topic);
    for (size_t i = 0; extra && extra[i] && extra[i + 1]; i += 2)
        sluice_strmap_set(props, extra[i], extra[i + 1]);
    connector_config_t *cc = connector_config_new(registry, props, NULL, errstr, sizeof errstr);
    sluice_strmap_destroy(props);
    if (!cc)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
    return cc;
}

static connector_config_t *sink_config(const char *name, const char *topic, const char *file,
                                       const char *const *extra)
{
    return connector_config("FileStreamSink", name, topic, file, extra);
}

static connector_config_t *probe_config(const char *name, const char *topic, const char *file,
                                        const char *const *extra)
{
    return connector_config("SinkProbe", name, topic, file, extra);
}

static task_t *start_task(const connector_config_t *cc)
{
    task_env_t env = {
        .wc = wc,
        .registry = registry,
        .cc = cc,
        .props = connector_config_props(cc),
        .id = 0,
        .worker_id = "127.0.0.1:8083",
    };
    task_t *task = task_new(&env);
    CU_ASSERT_EQUAL_FATAL(task_start(task, false), 0);
    return task;
}

/* Stops and frees the task, returning its final state (and trace). */
static worker_state_t stop_task(task_t *task, char **trace)
{
    task_request_stop(task);
    task_join(task, WAIT_MS);
    worker_state_t s = task_status(task, trace);
    task_destroy(task);
    return s;
}

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
    int port = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* ---- suite ----------------------------------------------------------------------- */

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/sink-task-XXXXXX");
    if (!mkdtemp(dir))
        return -1;

    int port = free_port();
    if (port <= 0)
        return -1;
    char listener[64];
    snprintf(listener, sizeof listener, "PLAINTEXT://127.0.0.1:%d", port);
    sluice_strmap_t *bprops = sluice_strmap_new();
    sluice_strmap_set(bprops, "listeners", listener);
    sluice_strmap_set(bprops, "log.dirs", path_in_dir("kafka"));
    sluice_strmap_set(bprops, "group.initial.rebalance.delay.ms", "0");
    sluice_strmap_set(bprops, "offsets.topic.num.partitions", "1");
    char why[2048];
    broker_config_t *bc = broker_config_new(bprops, "test broker", why, sizeof why);
    sluice_strmap_destroy(bprops);
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

    registry = plugin_registry_new();
    static const char *const libs[] = {"/converters.so", "/file-connectors.so", "/transforms.so",
                                       NULL};
    for (size_t i = 0; i < 4; i++) {
        char path[512];
        if (libs[i])
            snprintf(path, sizeof path, "%s%s", SLUICE_TEST_PLUGIN_DIR, libs[i]);
        else
            snprintf(path, sizeof path, "%s", SLUICE_TEST_SINK_PROBE);
        if (plugin_registry_load(registry, path, why, sizeof why) != 0) {
            fprintf(stderr, "\n  loading %s: %s\n", path, why);
            return -1;
        }
    }

    sluice_strmap_t *wprops = sluice_strmap_new();
    sluice_strmap_set(wprops, "bootstrap.servers", bootstrap);
    sluice_strmap_set(wprops, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
    sluice_strmap_set(wprops, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    sluice_strmap_set(wprops, "key.converter.schemas.enable", "false");
    sluice_strmap_set(wprops, "value.converter.schemas.enable", "false");
    sluice_strmap_set(wprops, "offset.storage.file.filename", path_in_dir("connect.offsets"));
    sluice_strmap_set(wprops, "offset.flush.interval.ms", "100");
    wc =
        worker_config_new(wprops, WORKER_MODE_STANDALONE, registry, "test worker", why, sizeof why);
    sluice_strmap_destroy(wprops);
    if (!wc) {
        fprintf(stderr, "\n  worker config: %s\n", why);
        return -1;
    }
    return 0;
}

static int suite_clean(void)
{
    worker_config_destroy(wc);
    wc = NULL;
    plugin_registry_destroy(registry);
    registry = NULL;
    if (broker) {
        broker_stop(broker);
        broker_destroy(broker);
        broker = NULL;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------------------ */

/* Every record once, offsets committed to the end, and a second task for
 * the same connector starts where the first committed. */
static void test_every_record_once_and_committed(void)
{
    const char *topic = "orders";
    const char *file = path_in_dir("orders.txt");
    create_topic(topic, 3);
    produce_range(topic, 3, "rec", 0, 300);

    connector_config_t *cc = sink_config("orders-sink", topic, file, NULL);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 300), 300);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-orders-sink", topic, 3));
    CU_ASSERT_EQUAL(task_status(task, NULL), WORKER_STATE_RUNNING);
    task_counters_t counters;
    task_counters(task, &counters);
    CU_ASSERT_EQUAL(counters.records, 300);
    CU_ASSERT_EQUAL(counters.written, 300);
    CU_ASSERT(counters.offset_commits > 0);
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_each_once(file, "rec", 300);

    /* A new task of the same connector resumes from the committed offsets. */
    produce_range(topic, 3, "rec", 300, 450);
    task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 450), 450);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-orders-sink", topic, 3));
    task_counters(task, &counters);
    CU_ASSERT_EQUAL(counters.records, 150);
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_each_once(file, "rec", 450);
    connector_config_destroy(cc);
}

/* While paused nothing is put; after resume everything arrives. */
static void test_pause_stops_the_flow(void)
{
    const char *topic = "paused";
    const char *file = path_in_dir("paused.txt");
    create_topic(topic, 3);
    produce_range(topic, 3, "p", 0, 30);

    connector_config_t *cc = sink_config("paused-sink", topic, file, NULL);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 30), 30);

    task_pause(task);
    CU_ASSERT_EQUAL(wait_state(task, WORKER_STATE_PAUSED), WORKER_STATE_PAUSED);
    produce_range(topic, 3, "p", 30, 60);
    /* Long enough for several polls, commits and puts had the task been
     * running (the first batch arrived well within this). */
    int64_t until = test_now_ms() + 2000;
    while (test_now_ms() < until) {
        CU_ASSERT_EQUAL_FATAL(line_count(file), 30);
        test_sleep_ms(100);
    }
    task_counters_t counters;
    task_counters(task, &counters);
    CU_ASSERT_EQUAL(counters.written, 30);

    task_resume(task);
    CU_ASSERT_EQUAL(wait_state(task, WORKER_STATE_RUNNING), WORKER_STATE_RUNNING);
    CU_ASSERT_EQUAL(wait_lines(file, 60), 60);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-paused-sink", topic, 3));
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_each_once(file, "p", 60);
    connector_config_destroy(cc);
}

/* A task started paused puts nothing until resumed. */
static void test_started_paused(void)
{
    const char *topic = "startpaused";
    const char *file = path_in_dir("startpaused.txt");
    create_topic(topic, 1);
    produce_range(topic, 1, "s", 0, 10);

    connector_config_t *cc = sink_config("startpaused-sink", topic, file, NULL);
    task_env_t env = {
        .wc = wc,
        .registry = registry,
        .cc = cc,
        .props = connector_config_props(cc),
        .worker_id = "127.0.0.1:8083",
    };
    task_t *task = task_new(&env);
    CU_ASSERT_EQUAL_FATAL(task_start(task, true), 0);
    CU_ASSERT_EQUAL(wait_state(task, WORKER_STATE_PAUSED), WORKER_STATE_PAUSED);
    int64_t until = test_now_ms() + 1500;
    while (test_now_ms() < until) {
        CU_ASSERT_EQUAL_FATAL(line_count(file), 0);
        test_sleep_ms(100);
    }
    task_resume(task);
    CU_ASSERT_EQUAL(wait_lines(file, 10), 10);
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_each_once(file, "s", 10);
    connector_config_destroy(cc);
}

static const char *const bad_values[] = {"\"bad-0\"", "{not json", "\"bad-1\""};

/* errors.tolerance=all: the unreadable value is skipped, its offset still
 * committed. */
static void test_bad_value_skipped_when_tolerated(void)
{
    const char *topic = "badjson-all";
    const char *file = path_in_dir("badjson-all.txt");
    create_topic(topic, 1);
    produce(topic, 1, bad_values, 3);

    const char *extra[] = {"errors.tolerance", "all", NULL};
    connector_config_t *cc = sink_config("badjson-all-sink", topic, file, extra);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 2), 2);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-badjson-all-sink", topic, 1));
    CU_ASSERT_EQUAL(task_status(task, NULL), WORKER_STATE_RUNNING);
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_each_once(file, "bad", 2);
    connector_config_destroy(cc);
}

/* errors.tolerance=none: the task fails with a trace naming the stage and
 * the converter, and the bad record's offset is not committed. */
static void test_bad_value_fails_when_not_tolerated(void)
{
    const char *topic = "badjson-none";
    const char *file = path_in_dir("badjson-none.txt");
    create_topic(topic, 1);
    produce(topic, 1, bad_values, 3);

    connector_config_t *cc = sink_config("badjson-none-sink", topic, file, NULL);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_state(task, WORKER_STATE_FAILED), WORKER_STATE_FAILED);
    char *trace = NULL;
    CU_ASSERT_EQUAL(stop_task(task, &trace), WORKER_STATE_FAILED);
    ASSERT_CONTAINS(trace, "VALUE_CONVERTER");
    ASSERT_CONTAINS(trace, "JsonConverter");
    ASSERT_CONTAINS(trace, "offset=1");
    free(trace);
    CU_ASSERT_FALSE(committed_at_end("connect-badjson-none-sink", topic, 1));
    connector_config_destroy(cc);
}

/* A put that asks to be retried gets the same records again (after a
 * backoff, the consumer paused meanwhile) and nothing is lost or doubled. */
static void test_put_retry_redelivers(void)
{
    const char *topic = "retry";
    const char *file = path_in_dir("retry.txt");
    create_topic(topic, 3);
    produce_range(topic, 3, "r", 0, 60);

    const char *extra[] = {"put.retries", "3", NULL};
    connector_config_t *cc = probe_config("retry-sink", topic, file, extra);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 60), 60);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-retry-sink", topic, 3));
    CU_ASSERT_EQUAL(task_status(task, NULL), WORKER_STATE_RUNNING);
    task_counters_t counters;
    task_counters(task, &counters);
    CU_ASSERT_EQUAL(counters.records, 60);
    CU_ASSERT_EQUAL(counters.written, 60);
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_values_once(file, true, "r", 0, 60);
    connector_config_destroy(cc);
}

/* pre_commit decides what is committed: two behind what was put. */
static void test_pre_commit_lowers_offsets(void)
{
    const char *topic = "lag";
    const char *file = path_in_dir("lag.txt");
    create_topic(topic, 1);
    produce_range(topic, 1, "l", 0, 10);

    const char *extra[] = {"commit.lag", "2", NULL};
    connector_config_t *cc = probe_config("lag-sink", topic, file, extra);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 10), 10);
    CU_ASSERT_EQUAL(wait_committed_offset("connect-lag-sink", topic, 8), 8);
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    CU_ASSERT_EQUAL(committed_offset("connect-lag-sink", topic, 0), 8);
    connector_config_destroy(cc);
}

/* A seek made in open is where consumption starts. */
static void test_seek_in_open(void)
{
    const char *topic = "seek";
    const char *file = path_in_dir("seek.txt");
    create_topic(topic, 1);
    produce_range(topic, 1, "k", 0, 10);

    const char *extra[] = {"open.seek", "5", NULL};
    connector_config_t *cc = probe_config("seek-sink", topic, file, extra);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 5), 5);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-seek-sink", topic, 1));
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_values_once(file, true, "k", 5, 10);
    size_t n;
    char **lines = read_lines(file, &n);
    CU_ASSERT_FATAL(n > 0);
    ASSERT_CONTAINS(lines[0], "seek-0@5 k-5");
    free_lines(lines);
    connector_config_destroy(cc);
}

/* topics.regex matches whole topic names, as Java's Pattern.matches does. */
static void test_topics_regex(void)
{
    const char *file = path_in_dir("regex.txt");
    create_topic("rx-a", 1);
    create_topic("rx-b", 1);
    create_topic("rx-ab", 1);
    produce_range("rx-a", 1, "x", 0, 5);
    produce_range("rx-b", 1, "x", 5, 10);
    produce_range("rx-ab", 1, "x", 10, 15);

    const char *extra[] = {"topics", "", "topics.regex", "rx-[ab]", NULL};
    connector_config_t *cc = probe_config("regex-sink", "", file, extra);
    task_t *task = start_task(cc);
    CU_ASSERT_EQUAL(wait_lines(file, 10), 10);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-regex-sink", "rx-a", 1));
    CU_ASSERT_TRUE(wait_committed_at_end("connect-regex-sink", "rx-b", 1));
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_values_once(file, true, "x", 0, 10);
    CU_ASSERT_EQUAL(committed_offset("connect-regex-sink", "rx-ab", 0), -1);
    connector_config_destroy(cc);
}

/* Asserts that path holds "<prefix>-<i>" for i in [0, n), in that order. */
static void assert_in_order(const char *path, const char *prefix, int n)
{
    size_t count;
    char **lines = read_lines(path, &count);
    CU_ASSERT_EQUAL(count, (size_t)n);
    int wrong = 0;
    for (size_t i = 0; lines[i]; i++) {
        char want[64];
        snprintf(want, sizeof want, "%s-%zu", prefix, i);
        if (strcmp(lines[i], want) != 0 && wrong++ == 0)
            fprintf(stderr, "\n  line %zu is %s, not %s\n", i, lines[i], want);
    }
    CU_ASSERT_EQUAL(wrong, 0);
    free_lines(lines);
}

/*
 * The task's own queue is bounded by queued.min.messages: here 40 records,
 * a hundredth of the topic, fetched a few batches at a time, so fetching is
 * paused and resumed over and over (and once more by a pause of the task).
 * Every record still arrives once and in order, and without the fetcher's
 * one-second sleeps (librdkafka stops fetching at that bound and waits a
 * second before it looks again) that would make this take minutes.
 */
static void test_small_queue_keeps_every_record_in_order(void)
{
    const char *topic = "flow";
    const char *file = path_in_dir("flow.txt");
    create_topic(topic, 1);
    produce_batched(topic, "f", 4000, 20);

    const char *extra[] = {"consumer.override.queued.min.messages",
                           "40",
                           "consumer.override.queued.max.messages.kbytes",
                           "1",
                           "consumer.override.max.partition.fetch.bytes",
                           "256",
                           "consumer.override.max.poll.records",
                           "7",
                           NULL};
    connector_config_t *cc = sink_config("flow-sink", topic, file, extra);
    task_t *task = start_task(cc);
    CU_ASSERT(wait_lines(file, 1000) >= 1000);
    task_pause(task);
    CU_ASSERT_EQUAL(wait_state(task, WORKER_STATE_PAUSED), WORKER_STATE_PAUSED);
    test_sleep_ms(300);
    task_resume(task);
    CU_ASSERT_EQUAL(wait_lines(file, 4000), 4000);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-flow-sink", topic, 1));
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_in_order(file, "f", 4000);
    connector_config_destroy(cc);
}

/* A task subscribed to a topic that does not exist yet reads it once it
 * is created (and once only, however often it subscribed meanwhile). */
static void test_topic_created_after_subscribing(void)
{
    const char *topic = "late";
    const char *file = path_in_dir("late.txt");
    connector_config_t *cc = sink_config("late-sink", topic, file, NULL);
    task_t *task = start_task(cc);
    test_sleep_ms(200);
    create_topic(topic, 1);
    produce_range(topic, 1, "t", 0, 20);
    CU_ASSERT_EQUAL(wait_lines(file, 20), 20);
    CU_ASSERT_TRUE(wait_committed_at_end("connect-late-sink", topic, 1));
    CU_ASSERT_EQUAL(stop_task(task, NULL), WORKER_STATE_UNASSIGNED);
    assert_each_once(file, "t", 20);
    connector_config_destroy(cc);
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("sink_task", suite_init, suite_clean);
    CU_add_test(s, "every record once, offsets committed, restart resumes",
                test_every_record_once_and_committed);
    CU_add_test(s, "pause stops the flow", test_pause_stops_the_flow);
    CU_add_test(s, "a task started paused puts nothing", test_started_paused);
    CU_add_test(s, "bad value skipped with errors.tolerance=all",
                test_bad_value_skipped_when_tolerated);
    CU_add_test(s, "bad value fails the task with errors.tolerance=none",
                test_bad_value_fails_when_not_tolerated);
    CU_add_test(s, "a put asking to be retried gets the batch again", test_put_retry_redelivers);
    CU_add_test(s, "pre_commit lowers the committed offsets", test_pre_commit_lowers_offsets);
    CU_add_test(s, "a seek in open sets where consumption starts", test_seek_in_open);
    CU_add_test(s, "topics.regex matches whole names", test_topics_regex);
    CU_add_test(s, "a small queue keeps every record, in order",
                test_small_queue_keeps_every_record_in_order);
    CU_add_test(s, "a topic created after subscribing is read",
                test_topic_created_after_subscribing);
}
