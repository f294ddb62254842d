/*
 * The FileStream connectors (plugins/file): the built file-connectors.so
 * loaded through the real registry, its connector and task callbacks
 * driven directly, with a host context whose offset hook plays the
 * worker's offset store.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <malloc.h>

#include <sluice/sluice.h>

#include "ctx.h"
#include "plugin_registry.h"
#include "record_list.h"
#include "task_configs.h"
#include "test_util.h"

#define FILE_SO SLUICE_TEST_PLUGIN_DIR "/file-connectors.so"
#define SOURCE_CLASS "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define SINK_CLASS "org.apache.kafka.connect.file.FileStreamSinkConnector"

/* ---- helpers ------------------------------------------------------------------ */

/* Bytes the process's heap holds right now (freed blocks not counted). */
#if defined(__SANITIZE_ADDRESS__)
size_t __sanitizer_get_current_allocated_bytes(void);
static size_t live_heap_bytes(void)
{
    return __sanitizer_get_current_allocated_bytes();
}
#else
static size_t live_heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}
#endif

static plugin_registry_t *load_registry(void)
{
    plugin_registry_t *registry = plugin_registry_new();
    char err[2048] = "";
    int refused = plugin_registry_load(registry, FILE_SO, err, sizeof err);
    if (refused != 0) {
        fprintf(stderr, "\n  loading file-connectors.so: %s\n", err);
        plugin_registry_destroy(registry);
        CU_FAIL_FATAL("file-connectors.so was refused");
    }
    return registry;
}

/* A scratch directory; scratch_free removes it and the files in it. */
typedef struct scratch {
    char dir[64];
    char path[256]; /* dir/<name> of the last scratch_path call */
} scratch_t;

static void scratch_init(scratch_t *s)
{
    memset(s, 0, sizeof *s);
    strcpy(s->dir, "/tmp/sluice-file-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(s->dir));
}

static const char *scratch_path(scratch_t *s, const char *name)
{
    snprintf(s->path, sizeof s->path, "%s/%s", s->dir, name);
    return s->path;
}

static void scratch_free(scratch_t *s)
{
    DIR *d = opendir(s->dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(s->dir);
}

/* Writes len bytes to path, appending or replacing. */
static void put_file(const char *path, const char *data, size_t len, bool append)
{
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
    CU_ASSERT_FATAL(fd >= 0);
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        CU_ASSERT_FATAL(n > 0);
        done += (size_t)n;
    }
    close(fd);
}

static void put_text(const char *path, const char *text, bool append)
{
    put_file(path, text, strlen(text), append);
}

/* The whole content of path (malloc()ed), or NULL. */
static char *read_text(const char *path, size_t *len)
{
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    size_t n = fread(text, 1, (size_t)size, f);
    text[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return text;
}

static sluice_strmap_t *props_of(const char *const *pairs)
{
    sluice_strmap_t *props = sluice_strmap_new();
    for (size_t i = 0; pairs && pairs[i]; i += 2)
        sluice_strmap_set(props, pairs[i], pairs[i + 1]);
    return props;
}

/* ---- a task harness: the registry, a context with an offset store, a task ------- */

typedef struct harness {
    plugin_registry_t *registry;
    const sluice_class_t *cls;
    sluice_ctx_t *ctx;
    ctx_hooks_t hooks;
    sluice_value_t *stored; /* what the offset store returns (a copy each time) */
    sluice_value_t *asked;  /* the last partition the task asked about */
    sluice_config_t *config;
    void *task;
    sluice_records_t *records;
    char file[256];
    char errstr[1024];
} harness_t;

static sluice_value_t *harness_offset(void *owner, const sluice_value_t *partition)
{
    harness_t *h = owner;
    sluice_value_destroy(h->asked);
    h->asked = sluice_value_copy(partition);
    return sluice_value_copy(h->stored);
}

static void harness_init(harness_t *h, const char *class_name)
{
    memset(h, 0, sizeof *h);
    h->registry = load_registry();
    h->cls = plugin_registry_find_any(h->registry, class_name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h->cls);
    h->ctx = ctx_new("test-file|task-0", "FileStreamTask");
    h->hooks.offset = harness_offset;
    ctx_set_hooks(h->ctx, &h->hooks, h);
    h->records = records_new();
}

/* Starts the class's task with the given properties (file, if set, is
 * remembered for the record checks). Returns the start result. */
static sluice_result_t harness_start(harness_t *h, const char *const *pairs)
{
    sluice_strmap_t *props = props_of(pairs);
    const char *file = sluice_strmap_get(props, "file");
    snprintf(h->file, sizeof h->file, "%s", file ? file : "");
    const sluice_config_key_t *table = h->cls->task_config ? h->cls->task_config : h->cls->config;
    h->config = sluice_config_new(table, props, h->errstr, sizeof h->errstr);
    sluice_strmap_destroy(props);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h->config);
    h->errstr[0] = '\0';
    if (h->cls->kind == SLUICE_CLASS_SOURCE_CONNECTOR)
        return h->cls->source_task->start(h->ctx, h->config, &h->task, h->errstr, sizeof h->errstr);
    return h->cls->sink_task->start(h->ctx, h->config, &h->task, h->errstr, sizeof h->errstr);
}

static void harness_free(harness_t *h)
{
    if (h->task) {
        if (h->cls->kind == SLUICE_CLASS_SOURCE_CONNECTOR)
            h->cls->source_task->destroy(h->task);
        else
            h->cls->sink_task->destroy(h->task);
    }
    records_destroy(h->records);
    sluice_config_destroy(h->config);
    sluice_value_destroy(h->stored);
    sluice_value_destroy(h->asked);
    ctx_destroy(h->ctx);
    plugin_registry_destroy(h->registry);
}

/* A {"position": n} offset. */
static sluice_value_t *position_offset(int64_t n)
{
    sluice_value_t *offset = sluice_value_map_new();
    sluice_value_map_put_str(offset, "position", sluice_value_int64(n));
    return offset;
}

/* Lines the source emitted, in order, with their positions. */
typedef struct lines {
    char *text[64];
    size_t len[64];
    int64_t pos[64];
    size_t n;
} lines_t;

static void lines_free(lines_t *lines)
{
    for (size_t i = 0; i < lines->n; i++)
        free(lines->text[i]);
    lines->n = 0;
}

/*
 * Checks one source record's shape (topic, schema, key, partition, offset)
 * and returns its position (-1 without an offset).
 */
static int64_t check_source_record(const harness_t *h, const sluice_record_t *record)
{
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(record), "lines");
    const sluice_schema_t *schema = sluice_record_value_schema(record);
    CU_ASSERT_PTR_NOT_NULL_FATAL(schema);
    CU_ASSERT_EQUAL(sluice_schema_type(schema), SLUICE_TYPE_STRING);
    CU_ASSERT_FALSE(sluice_schema_is_optional(schema));
    CU_ASSERT_PTR_NULL(sluice_record_key(record));
    CU_ASSERT_PTR_NULL(sluice_record_key_schema(record));
    CU_ASSERT(sluice_record_timestamp(record) > 0);
    const sluice_value_t *partition = sluice_record_source_partition(record);
    const sluice_value_t *offset = sluice_record_source_offset(record);
    if (!h->file[0]) {
        CU_ASSERT_PTR_NULL(partition);
        CU_ASSERT_PTR_NULL(offset);
        return -1;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(partition);
    CU_ASSERT_EQUAL(sluice_value_map_count(partition), 1);
    const char *filename =
        sluice_value_get_string(sluice_value_map_get_str(partition, "filename"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(filename);
    CU_ASSERT_STRING_EQUAL(filename, h->file);
    CU_ASSERT_PTR_NOT_NULL_FATAL(offset);
    CU_ASSERT_EQUAL(sluice_value_map_count(offset), 1);
    const sluice_value_t *pos = sluice_value_map_get_str(offset, "position");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pos);
    CU_ASSERT_EQUAL(sluice_value_type(pos), SLUICE_TYPE_INT64);
    return sluice_value_get_int64(pos);
}

/* One poll; appends what it returned to lines. Returns the record count. */
static size_t poll_once(harness_t *h, lines_t *lines)
{
    h->errstr[0] = '\0';
    sluice_result_t r = h->cls->source_task->poll(h->task, h->records, h->errstr, sizeof h->errstr);
    if (r != SLUICE_OK)
        fprintf(stderr, "\n  poll failed: %s\n", h->errstr);
    CU_ASSERT_EQUAL(r, SLUICE_OK);
    size_t count = sluice_records_count(h->records);
    for (size_t i = 0; i < count; i++) {
        const sluice_record_t *record = sluice_records_at(h->records, i);
        int64_t pos = check_source_record(h, record);
        if (lines && lines->n < 64) {
            size_t len;
            const char *text = sluice_value_get_string(sluice_record_value(record), &len);
            lines->text[lines->n] = malloc(len + 1);
            memcpy(lines->text[lines->n], text, len + 1);
            lines->len[lines->n] = len;
            lines->pos[lines->n] = pos;
            lines->n++;
        }
    }
    records_clear(h->records);
    return count;
}

/* Polls until lines holds want lines or timeout_ms passes. */
static void poll_until(harness_t *h, lines_t *lines, size_t want, int timeout_ms)
{
    int64_t deadline = test_now_ms() + timeout_ms;
    while (lines->n < want && test_now_ms() < deadline)
        poll_once(h, lines);
}

#define ASSERT_LINE(lines, i, want_text, want_pos)                                                 \
    do {                                                                                           \
        CU_ASSERT_FATAL((lines)->n > (i));                                                         \
        CU_ASSERT_STRING_EQUAL((lines)->text[i], (want_text));                                     \
        CU_ASSERT_EQUAL((lines)->pos[i], (want_pos));                                              \
    } while (0)

/* Starts a source task on scratch file name with batch.size batch (NULL: default). */
static void start_source(harness_t *h, scratch_t *s, const char *name, const char *batch)
{
    const char *file = scratch_path(s, name);
    /* clang-format off */
    const char *pairs[] = {"name", "local-file-source", "connector.class", "FileStreamSource",
                           "file", file, "topic", "lines",
                           batch ? "batch.size" : NULL, batch, NULL};
    /* clang-format on */
    sluice_result_t r = harness_start(h, pairs);
    if (r != SLUICE_OK)
        fprintf(stderr, "\n  start failed: %s\n", h->errstr);
    CU_ASSERT_EQUAL_FATAL(r, SLUICE_OK);
}

/* ---- classes and configs -------------------------------------------------------- */

static const sluice_config_key_t *table_key(const sluice_config_key_t *table, const char *name)
{
    for (; table && table->name; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}

static void test_classes_found_by_name_and_alias(void)
{
    plugin_registry_t *registry = load_registry();
    const char *source_names[] = {SOURCE_CLASS, "FileStreamSource", "FileStreamSourceConnector"};
    const char *sink_names[] = {SINK_CLASS, "FileStreamSink", "FileStreamSinkConnector"};
    for (size_t i = 0; i < 3; i++) {
        const sluice_class_t *src =
            plugin_registry_find(registry, SLUICE_CLASS_SOURCE_CONNECTOR, source_names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(src);
        CU_ASSERT_STRING_EQUAL(src->name, SOURCE_CLASS);
        const sluice_class_t *sink =
            plugin_registry_find(registry, SLUICE_CLASS_SINK_CONNECTOR, sink_names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
        CU_ASSERT_STRING_EQUAL(sink->name, SINK_CLASS);
    }
    const sluice_class_t *src = plugin_registry_find_any(registry, "FileStreamSource");
    const sluice_class_t *sink = plugin_registry_find_any(registry, "FileStreamSink");
    CU_ASSERT_STRING_EQUAL(src->version, SLUICE_VERSION_STRING);
    CU_ASSERT_STRING_EQUAL(sink->version, SLUICE_VERSION_STRING);
    CU_ASSERT_PTR_NOT_NULL(src->connector);
    CU_ASSERT_PTR_NOT_NULL(src->source_task);
    CU_ASSERT_PTR_NOT_NULL(src->source_task->stop);
    CU_ASSERT_PTR_NOT_NULL(sink->connector);
    CU_ASSERT_PTR_NOT_NULL(sink->sink_task);
    CU_ASSERT_PTR_NOT_NULL(sink->sink_task->flush);

    /* Kafka's keys and defaults, from the table the runtime documents. */
    const sluice_config_key_t *file = table_key(src->config, "file");
    const sluice_config_key_t *topic = table_key(src->config, "topic");
    const sluice_config_key_t *batch = table_key(src->config, "batch.size");
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    CU_ASSERT_PTR_NOT_NULL_FATAL(topic);
    CU_ASSERT_PTR_NOT_NULL_FATAL(batch);
    CU_ASSERT_EQUAL(file->type, SLUICE_CONFIG_STRING);
    CU_ASSERT_PTR_NULL(file->default_value);
    CU_ASSERT_FALSE(file->required);
    CU_ASSERT_STRING_EQUAL(file->doc,
                           "Source filename. If not specified, the standard input will be used");
    CU_ASSERT(topic->required);
    CU_ASSERT_STRING_EQUAL(topic->doc, "The topic to publish data to");
    CU_ASSERT_EQUAL(batch->type, SLUICE_CONFIG_INT);
    CU_ASSERT_STRING_EQUAL(batch->default_value, "2000");
    const sluice_config_key_t *sink_file = table_key(sink->config, "file");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink_file);
    CU_ASSERT_PTR_NULL(sink_file->default_value);
    CU_ASSERT_STRING_EQUAL(sink_file->doc,
                           "Destination filename. If not specified, the standard output will be "
                           "used");
    /* topics and topics.regex belong to the runtime */
    CU_ASSERT_PTR_NULL(table_key(sink->config, "topics"));
    CU_ASSERT_PTR_NULL(table_key(sink->config, "topics.regex"));
    plugin_registry_destroy(registry);
}

/* Starts cls's connector with pairs and returns its task configs for max_tasks. */
static sluice_task_configs_t *connector_tasks(const sluice_class_t *cls, const char *const *pairs,
                                              int max_tasks)
{
    sluice_strmap_t *props = props_of(pairs);
    char errstr[512] = "";
    sluice_config_t *config = sluice_config_new(cls->config, props, errstr, sizeof errstr);
    sluice_strmap_destroy(props);
    CU_ASSERT_PTR_NOT_NULL_FATAL(config);
    sluice_ctx_t *ctx = ctx_new("test-file", "FileStreamConnector");
    void *self = NULL;
    CU_ASSERT_EQUAL_FATAL(cls->connector->start(ctx, config, &self, errstr, sizeof errstr),
                          SLUICE_OK);
    sluice_task_configs_t *tasks = task_configs_new();
    CU_ASSERT_EQUAL(cls->connector->task_configs(self, max_tasks, tasks, errstr, sizeof errstr),
                    SLUICE_OK);
    cls->connector->destroy(self);
    ctx_destroy(ctx);
    sluice_config_destroy(config);
    return tasks;
}

static void test_connectors_hand_out_task_configs(void)
{
    plugin_registry_t *registry = load_registry();
    const sluice_class_t *src = plugin_registry_find_any(registry, "FileStreamSource");
    const char *source_pairs[] = {
        "name", "local-file-source", "connector.class", "FileStreamSource", "tasks.max", "3",
        "file", "test.txt",          "topic",           "connect-test",     NULL};
    sluice_task_configs_t *tasks = connector_tasks(src, source_pairs, 3);
    /* one input stream, one task, whatever tasks.max says; with every key */
    CU_ASSERT_EQUAL_FATAL(task_configs_count(tasks), 1);
    const sluice_strmap_t *task = task_configs_at(tasks, 0);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task, "file"), "test.txt");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task, "topic"), "connect-test");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task, "name"), "local-file-source");
    task_configs_destroy(tasks);

    const sluice_class_t *sink = plugin_registry_find_any(registry, "FileStreamSink");
    const char *sink_pairs[] = {"name", "local-file-sink", "connector.class", "FileStreamSink",
                                "file", "test.sink.txt",   "topics",          "connect-test",
                                NULL};
    tasks = connector_tasks(sink, sink_pairs, 3);
    CU_ASSERT_EQUAL_FATAL(task_configs_count(tasks), 3);
    for (size_t i = 0; i < 3; i++) {
        task = task_configs_at(tasks, i);
        CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task, "file"), "test.sink.txt");
        CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task, "topics"), "connect-test");
    }
    task_configs_destroy(tasks);
    plugin_registry_destroy(registry);
}

/* Parses pairs against table; returns whether accepted, errstr filled. */
static bool config_accepts(const sluice_config_key_t *table, const char *const *pairs, char *errstr,
                           size_t errstr_size)
{
    sluice_strmap_t *props = props_of(pairs);
    errstr[0] = '\0';
    sluice_config_t *config = sluice_config_new(table, props, errstr, errstr_size);
    sluice_strmap_destroy(props);
    bool ok = config != NULL;
    sluice_config_destroy(config);
    return ok;
}

static void test_bad_configs_refused_naming_the_key(void)
{
    plugin_registry_t *registry = load_registry();
    const sluice_class_t *src = plugin_registry_find_any(registry, "FileStreamSource");
    const sluice_class_t *sink = plugin_registry_find_any(registry, "FileStreamSink");
    char errstr[1024];

    const char *no_topic[] = {"file", "in.txt", NULL};
    CU_ASSERT_FALSE(config_accepts(src->config, no_topic, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "Missing required configuration \"topic\"");

    const char *empty_topic[] = {"topic", "", NULL};
    CU_ASSERT_FALSE(config_accepts(src->config, empty_topic, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "configuration topic");
    ASSERT_CONTAINS(errstr, "non-empty");

    const char *two_topics[] = {"topic", "a,b", NULL};
    CU_ASSERT_FALSE(config_accepts(src->config, two_topics, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "Invalid value a,b for configuration topic");
    ASSERT_CONTAINS(errstr, "single topic");

    const char *zero_batch[] = {"topic", "t", "batch.size", "0", NULL};
    CU_ASSERT_FALSE(config_accepts(src->config, zero_batch, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "Invalid value 0 for configuration batch.size");

    const char *word_batch[] = {"topic", "t", "batch.size", "lots", NULL};
    CU_ASSERT_FALSE(config_accepts(src->config, word_batch, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "Invalid value lots for configuration batch.size");
    ASSERT_CONTAINS(errstr, "Not a number");

    /* Kafka's sample configs, verbatim, are accepted */
    const char *source_ok[] = {
        "name", "local-file-source", "connector.class", "FileStreamSource", "tasks.max", "1",
        "file", "test.txt",          "topic",           "connect-test",     NULL};
    CU_ASSERT(config_accepts(src->config, source_ok, errstr, sizeof errstr));
    const char *sink_ok[] = {
        "name", "local-file-sink", "connector.class", "FileStreamSink", "tasks.max", "1",
        "file", "test.sink.txt",   "topics",          "connect-test",   NULL};
    CU_ASSERT(config_accepts(sink->config, sink_ok, errstr, sizeof errstr));
    const char *sink_regex[] = {"topics.regex", "connect-.*", NULL};
    CU_ASSERT(config_accepts(sink->config, sink_regex, errstr, sizeof errstr));
    plugin_registry_destroy(registry);
}

/* ---- the source task ------------------------------------------------------------ */

static void test_source_emits_every_line_with_its_position(void)
{
    scratch_t s;
    scratch_init(&s);
    put_text(scratch_path(&s, "in.txt"), "a\nbb\n\nccc\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    /* the task asked the offset store about its partition */
    CU_ASSERT_PTR_NOT_NULL_FATAL(h.asked);
    CU_ASSERT_STRING_EQUAL(
        sluice_value_get_string(sluice_value_map_get_str(h.asked, "filename"), NULL), h.file);
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 4);
    ASSERT_LINE(&lines, 0, "a", 2);
    ASSERT_LINE(&lines, 1, "bb", 5);
    ASSERT_LINE(&lines, 2, "", 6);
    ASSERT_LINE(&lines, 3, "ccc", 10);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_respects_batch_size(void)
{
    scratch_t s;
    scratch_init(&s);
    char text[128] = "";
    for (int i = 0; i < 10; i++)
        sprintf(text + strlen(text), "line%d\n", i);
    put_text(scratch_path(&s, "in.txt"), text, false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", "3");
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 3);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 3);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 3);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 1);
    CU_ASSERT_EQUAL_FATAL(lines.n, 10);
    for (size_t i = 0; i < 10; i++) {
        char want[16];
        snprintf(want, sizeof want, "line%zu", i);
        ASSERT_LINE(&lines, i, want, (int64_t)(i + 1) * 6);
    }
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_returns_nothing_at_eof_promptly_without_spinning(void)
{
    scratch_t s;
    scratch_init(&s);
    put_text(scratch_path(&s, "in.txt"), "only\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 1);
    clock_t cpu_before = clock();
    int64_t before = test_now_ms();
    for (int i = 0; i < 3; i++) {
        int64_t t0 = test_now_ms();
        CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
        CU_ASSERT(test_now_ms() - t0 < 1500);
    }
    int64_t wall = test_now_ms() - before;
    double cpu_ms = (double)(clock() - cpu_before) * 1000.0 / CLOCKS_PER_SEC;
    /* it slept: the CPU was mostly idle while the polls waited */
    CU_ASSERT(wall >= 100);
    if (cpu_ms > wall / 2.0)
        fprintf(stderr, "\n  %.0f ms of CPU in %" PRId64 " ms of EOF polls\n", cpu_ms, wall);
    CU_ASSERT(cpu_ms < wall / 2.0);
    harness_free(&h);
    scratch_free(&s);
}

typedef struct append_job {
    const char *path;
    const char *text;
    int delay_ms;
} append_job_t;

static void *append_later(void *arg)
{
    append_job_t *job = arg;
    test_sleep_ms(job->delay_ms);
    put_text(job->path, job->text, true);
    return NULL;
}

static void test_source_follows_appended_lines(void)
{
    scratch_t s;
    scratch_init(&s);
    const char *path = scratch_path(&s, "in.txt");
    put_text(path, "one\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 1);

    put_text(path, "two\nthree\n", true);
    poll_until(&h, &lines, 3, 5000);
    ASSERT_LINE(&lines, 1, "two", 8);
    ASSERT_LINE(&lines, 2, "three", 14);

    /* a line written in two parts is emitted once, whole */
    put_text(path, "fo", true);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 0);
    put_text(path, "ur\n", true);
    poll_until(&h, &lines, 4, 5000);
    ASSERT_LINE(&lines, 3, "four", 19);

    /* a line appended while a poll waits at the end is returned by that poll */
    pthread_t writer;
    append_job_t job = {.path = path, .text = "five\n", .delay_ms = 100};
    pthread_create(&writer, NULL, append_later, &job);
    int64_t t0 = test_now_ms();
    poll_until(&h, &lines, 5, 5000);
    int64_t took = test_now_ms() - t0;
    pthread_join(writer, NULL);
    ASSERT_LINE(&lines, 4, "five", 24);
    CU_ASSERT(took < 1500);
    CU_ASSERT_EQUAL(lines.n, 5);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_resumes_from_the_stored_offset(void)
{
    scratch_t s;
    scratch_init(&s);
    put_text(scratch_path(&s, "in.txt"), "aa\nbb\ncc\ndd\n", false);

    /* first run: reads two lines; the worker committed the second's offset */
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", "2");
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 2);
    ASSERT_LINE(&lines, 1, "bb", 6);
    int64_t committed = lines.pos[1];
    harness_free(&h);
    lines_free(&lines);

    /* second run: starts right after "bb", neither repeating nor skipping */
    harness_init(&h, "FileStreamSource");
    h.stored = position_offset(committed);
    start_source(&h, &s, "in.txt", NULL);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 2);
    ASSERT_LINE(&lines, 0, "cc", 9);
    ASSERT_LINE(&lines, 1, "dd", 12);
    lines_free(&lines);
    harness_free(&h);

    /* an offset of the wrong type stops the task with a reason */
    harness_init(&h, "FileStreamSource");
    h.stored = sluice_value_map_new();
    sluice_value_map_put_str(h.stored, "position", sluice_value_cstring("9"));
    const char *pairs[] = {"file", scratch_path(&s, "in.txt"), "topic", "lines", NULL};
    CU_ASSERT_EQUAL(harness_start(&h, pairs), SLUICE_FATAL);
    ASSERT_CONTAINS(h.errstr, "position");
    ASSERT_CONTAINS(h.errstr, "incorrect type");
    CU_ASSERT_PTR_NULL(h.task);
    harness_free(&h);

    /* a stored position past the end (the file was truncated meanwhile) reads from the start */
    harness_init(&h, "FileStreamSource");
    h.stored = position_offset(1000);
    start_source(&h, &s, "in.txt", NULL);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 4);
    ASSERT_LINE(&lines, 0, "aa", 3);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_handles_crlf_and_lone_cr(void)
{
    scratch_t s;
    scratch_init(&s);
    const char *path = scratch_path(&s, "in.txt");
    put_text(path, "a\r\nb\rc\n\r\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 4);
    ASSERT_LINE(&lines, 0, "a", 3);
    ASSERT_LINE(&lines, 1, "b", 5);
    ASSERT_LINE(&lines, 2, "c", 7);
    ASSERT_LINE(&lines, 3, "", 9);

    /* a "\r" read last waits for the next byte: "\r\n" is one terminator */
    put_text(path, "x\r", true);
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 0);
    put_text(path, "\ny\n", true);
    poll_until(&h, &lines, 6, 5000);
    CU_ASSERT_EQUAL_FATAL(lines.n, 6);
    ASSERT_LINE(&lines, 4, "x", 12);
    ASSERT_LINE(&lines, 5, "y", 14);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_emits_long_lines_whole(void)
{
    scratch_t s;
    scratch_init(&s);
    /* far beyond the task's 64 KiB buffer */
    size_t long_len = 300000;
    char *text = malloc(long_len + 16);
    for (size_t i = 0; i < long_len; i++)
        text[i] = (char)('a' + i % 26);
    memcpy(text + long_len, "\nshort\n", 8);
    put_file(scratch_path(&s, "in.txt"), text, long_len + 7, false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    lines_t lines = {0};
    poll_until(&h, &lines, 2, 5000);
    CU_ASSERT_EQUAL_FATAL(lines.n, 2);
    CU_ASSERT_EQUAL(lines.len[0], long_len);
    CU_ASSERT(memcmp(lines.text[0], text, long_len) == 0);
    CU_ASSERT_EQUAL(lines.pos[0], (int64_t)long_len + 1);
    ASSERT_LINE(&lines, 1, "short", (int64_t)long_len + 7);
    lines_free(&lines);
    free(text);
    harness_free(&h);
    scratch_free(&s);
}

/* The documented limit: a line longer than 8 MiB is emitted in pieces,
 * cut between UTF-8 characters, with exact positions. */
static void test_source_cuts_a_line_past_the_limit(void)
{
    scratch_t s;
    scratch_init(&s);
    const size_t limit = 8u * 1024 * 1024, len = limit + 1000;
    char *text = malloc(len + 1);
    memset(text, 'a', len);
    /* a two-byte character straddles the limit: it must not be split */
    text[limit - 1] = '\xc3';
    text[limit] = '\xa9';
    text[len] = '\n';
    put_file(scratch_path(&s, "in.txt"), text, len + 1, false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    sluice_records_t *got = records_new();
    int64_t deadline = test_now_ms() + 10000;
    while (sluice_records_count(got) < 2 && test_now_ms() < deadline) {
        CU_ASSERT_EQUAL_FATAL(
            h.cls->source_task->poll(h.task, h.records, h.errstr, sizeof h.errstr), SLUICE_OK);
        for (size_t i = 0; i < sluice_records_count(h.records); i++)
            sluice_records_add(got, sluice_record_copy(sluice_records_at(h.records, i)));
        records_clear(h.records);
    }
    CU_ASSERT_EQUAL_FATAL(sluice_records_count(got), 2);
    size_t len0, len1;
    const char *piece0 =
        sluice_value_get_string(sluice_record_value(sluice_records_at(got, 0)), &len0);
    const char *piece1 =
        sluice_value_get_string(sluice_record_value(sluice_records_at(got, 1)), &len1);
    CU_ASSERT_EQUAL(len0, limit - 1);
    CU_ASSERT_EQUAL(len1, len - (limit - 1));
    CU_ASSERT(len0 + len1 == len && memcmp(piece0, text, len0) == 0 &&
              memcmp(piece1, text + len0, len1) == 0);
    CU_ASSERT_EQUAL(check_source_record(&h, sluice_records_at(got, 0)), (int64_t)limit - 1);
    CU_ASSERT_EQUAL(check_source_record(&h, sluice_records_at(got, 1)), (int64_t)len + 1);
    records_destroy(got);
    free(text);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_repairs_invalid_utf8(void)
{
    scratch_t s;
    scratch_init(&s);
    put_text(scratch_path(&s, "in.txt"),
             "caf\xc3\xa9\n\xff"
             "ok\n",
             false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 2);
    ASSERT_LINE(&lines, 0, "caf\xc3\xa9", 6);
    /* positions count the bytes of the file, not the repaired text */
    ASSERT_LINE(&lines, 1, "\xef\xbf\xbdok", 10);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_waits_for_a_missing_file(void)
{
    scratch_t s;
    scratch_init(&s);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "later.txt", NULL);
    int64_t t0 = test_now_ms();
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
    CU_ASSERT(test_now_ms() - t0 < 1500);
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
    put_text(h.file, "hello\n", false);
    lines_t lines = {0};
    poll_until(&h, &lines, 1, 5000);
    ASSERT_LINE(&lines, 0, "hello", 6);
    lines_free(&lines);
    harness_free(&h);

    /* a file that cannot be read is a failure naming the file */
    harness_init(&h, "FileStreamSource");
    const char *pairs[] = {"file", s.dir, "topic", "lines", NULL};
    CU_ASSERT_EQUAL_FATAL(harness_start(&h, pairs), SLUICE_OK);
    CU_ASSERT_EQUAL(h.cls->source_task->poll(h.task, h.records, h.errstr, sizeof h.errstr),
                    SLUICE_FATAL);
    ASSERT_CONTAINS(h.errstr, s.dir);
    ASSERT_CONTAINS(h.errstr, "directory");
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_rereads_a_truncated_file(void)
{
    scratch_t s;
    scratch_init(&s);
    const char *path = scratch_path(&s, "in.txt");
    put_text(path, "aaa\nbbb\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 2);
    put_text(path, "c\n", false); /* truncates, then writes */
    poll_until(&h, &lines, 3, 5000);
    ASSERT_LINE(&lines, 2, "c", 2);
    CU_ASSERT_EQUAL(lines.n, 3);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_follows_a_rotated_file(void)
{
    scratch_t s;
    scratch_init(&s);
    char path[256], rotated[256];
    snprintf(path, sizeof path, "%s", scratch_path(&s, "in.txt"));
    snprintf(rotated, sizeof rotated, "%s", scratch_path(&s, "in.txt.1"));
    put_text(path, "one\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    lines_t lines = {0};
    CU_ASSERT_EQUAL(poll_once(&h, &lines), 1);
    /* the writer appends, then the file is rotated; its last line has no
     * terminator and nothing will complete it */
    put_text(path, "two\nhalf", true);
    CU_ASSERT_EQUAL_FATAL(rename(path, rotated), 0);
    put_text(path, "three\n", false);
    poll_until(&h, &lines, 4, 5000);
    CU_ASSERT_EQUAL_FATAL(lines.n, 4);
    ASSERT_LINE(&lines, 1, "two", 8);
    ASSERT_LINE(&lines, 2, "half", 12);
    ASSERT_LINE(&lines, 3, "three", 6);
    lines_free(&lines);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_memory_stays_bounded_on_a_large_file(void)
{
    scratch_t s;
    scratch_init(&s);
    const char *path = scratch_path(&s, "big.txt");
    const size_t line_len = 100, total = 50u * 1024 * 1024;
    const size_t line_count = total / line_len;
    {
        char chunk[100 * 1024];
        for (size_t i = 0; i < sizeof chunk; i++)
            chunk[i] = (i + 1) % line_len == 0 ? '\n' : (char)('a' + i % 23);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        CU_ASSERT_FATAL(fd >= 0);
        for (size_t done = 0; done < total; done += sizeof chunk)
            CU_ASSERT_FATAL(write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk);
        close(fd);
    }
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "big.txt", NULL);
    size_t baseline = live_heap_bytes(), peak = baseline;
    size_t count = 0;
    int64_t last = 0;
    int64_t deadline = test_now_ms() + 100000;
    while (count < line_count && test_now_ms() < deadline) {
        CU_ASSERT_EQUAL_FATAL(
            h.cls->source_task->poll(h.task, h.records, h.errstr, sizeof h.errstr), SLUICE_OK);
        size_t n = sluice_records_count(h.records);
        CU_ASSERT(n <= 2000);
        size_t live = live_heap_bytes();
        if (live > peak)
            peak = live;
        if (n) {
            const sluice_record_t *record = sluice_records_at(h.records, n - 1);
            last = sluice_value_get_int64(
                sluice_value_map_get_str(sluice_record_source_offset(record), "position"));
        }
        count += n;
        records_clear(h.records);
    }
    CU_ASSERT_EQUAL(count, line_count);
    CU_ASSERT_EQUAL(last, (int64_t)total);
    /* one batch of records and one bounded buffer, never the file */
    size_t growth = peak - baseline;
    if (growth >= 8u * 1024 * 1024)
        fprintf(stderr, "\n  heap grew by %zu bytes while streaming %zu\n", growth, total);
    CU_ASSERT(growth < 8u * 1024 * 1024);
    harness_free(&h);
    scratch_free(&s);
}

typedef struct poll_job {
    harness_t *h;
    _Atomic int64_t started;
    int64_t took;
    sluice_result_t result;
    size_t count;
} poll_job_t;

static void *poll_in_thread(void *arg)
{
    poll_job_t *job = arg;
    char errstr[256];
    int64_t t0 = test_now_ms();
    atomic_store(&job->started, t0);
    job->result =
        job->h->cls->source_task->poll(job->h->task, job->h->records, errstr, sizeof errstr);
    job->took = test_now_ms() - t0;
    job->count = sluice_records_count(job->h->records);
    return NULL;
}

static void test_source_stop_interrupts_a_waiting_poll(void)
{
    scratch_t s;
    scratch_init(&s);
    put_text(scratch_path(&s, "in.txt"), "only\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSource");
    start_source(&h, &s, "in.txt", NULL);
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 1);

    /* undisturbed, a poll at the end of the file waits a while */
    int64_t t0 = test_now_ms();
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
    int64_t undisturbed = test_now_ms() - t0;
    CU_ASSERT(undisturbed >= 300);

    poll_job_t job = {.h = &h};
    atomic_init(&job.started, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, poll_in_thread, &job);
    while (atomic_load(&job.started) == 0)
        test_sleep_ms(1);
    test_sleep_ms(50);
    h.cls->source_task->stop(h.task);
    pthread_join(thread, NULL);
    CU_ASSERT_EQUAL(job.result, SLUICE_OK);
    CU_ASSERT_EQUAL(job.count, 0);
    if (job.took >= undisturbed - 100)
        fprintf(stderr, "\n  poll took %" PRId64 " ms after stop (%" PRId64 " undisturbed)\n",
                job.took, undisturbed);
    CU_ASSERT(job.took < undisturbed - 100);

    /* after stop, polls no longer wait, but still return what is there */
    t0 = test_now_ms();
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
    CU_ASSERT(test_now_ms() - t0 < 250);
    put_text(h.file, "more\n", true);
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 1);
    harness_free(&h);
    scratch_free(&s);
}

static void test_source_reads_stdin_without_offsets(void)
{
    int saved = dup(STDIN_FILENO);
    int fds[2];
    CU_ASSERT_FATAL(saved >= 0 && pipe(fds) == 0);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    CU_ASSERT_FATAL(write(fds[1], "x\ny\r\n", 5) == 5);

    harness_t h;
    harness_init(&h, "FileStreamSource");
    const char *pairs[] = {"topic", "lines", NULL}; /* no file: stdin */
    CU_ASSERT_EQUAL_FATAL(harness_start(&h, pairs), SLUICE_OK);
    CU_ASSERT_PTR_NULL(h.asked); /* no position to resume in a stream */
    lines_t lines = {0};
    poll_until(&h, &lines, 2, 5000);
    ASSERT_LINE(&lines, 0, "x", -1);
    ASSERT_LINE(&lines, 1, "y", -1);

    /* a line arriving while the poll waits is returned by that poll */
    pthread_t writer;
    int64_t t0 = test_now_ms();
    poll_job_t job = {.h = &h};
    atomic_init(&job.started, 0);
    pthread_create(&writer, NULL, poll_in_thread, &job);
    test_sleep_ms(50);
    CU_ASSERT_FATAL(write(fds[1], "z\n", 2) == 2);
    pthread_join(writer, NULL);
    CU_ASSERT_EQUAL(job.count, 1);
    CU_ASSERT(test_now_ms() - t0 < 1500);
    records_clear(h.records);

    /* the end of stdin: polls return nothing, sleeping rather than spinning */
    close(fds[1]);
    clock_t cpu_before = clock();
    t0 = test_now_ms();
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
    CU_ASSERT_EQUAL(poll_once(&h, NULL), 0);
    int64_t wall = test_now_ms() - t0;
    double cpu_ms = (double)(clock() - cpu_before) * 1000.0 / CLOCKS_PER_SEC;
    CU_ASSERT(wall >= 100 && wall < 3000);
    CU_ASSERT(cpu_ms < wall / 2.0);
    lines_free(&lines);
    harness_free(&h);
    dup2(saved, STDIN_FILENO);
    close(saved);
}

/* ---- the sink task ------------------------------------------------------------- */

static sluice_record_t *sink_record(const sluice_schema_t *schema, sluice_value_t *value)
{
    sluice_record_t *record = sluice_record_new("connect-test");
    sluice_record_set_value(record, schema, value);
    return record;
}

static void start_sink(harness_t *h, const char *file)
{
    const char *pairs[] = {
        "name", "local-file-sink", "topics", "connect-test", file ? "file" : NULL, file, NULL};
    sluice_result_t r = harness_start(h, pairs);
    if (r != SLUICE_OK)
        fprintf(stderr, "\n  start failed: %s\n", h->errstr);
    CU_ASSERT_EQUAL_FATAL(r, SLUICE_OK);
}

static sluice_result_t sink_put(harness_t *h)
{
    sluice_result_t r = h->cls->sink_task->put(h->task, h->records, h->errstr, sizeof h->errstr);
    records_clear(h->records);
    return r;
}

static sluice_result_t sink_flush(harness_t *h)
{
    sluice_topic_partition_t offsets[1] = {{.topic = "connect-test", .partition = 0, .offset = 3}};
    return h->cls->sink_task->flush(h->task, offsets, 1, h->errstr, sizeof h->errstr);
}

static void test_sink_appends_one_line_per_record(void)
{
    scratch_t s;
    scratch_init(&s);
    const char *path = scratch_path(&s, "out.txt");
    put_text(path, "earlier\n", false);
    harness_t h;
    harness_init(&h, "FileStreamSink");
    start_sink(&h, path);
    const sluice_schema_t *str = sluice_schema_of(SLUICE_TYPE_STRING, false);
    sluice_records_add(h.records, sink_record(str, sluice_value_cstring("first")));
    sluice_records_add(h.records, sink_record(str, sluice_value_cstring("")));
    sluice_records_add(h.records, sink_record(NULL, sluice_value_cstring("third, schemaless")));
    CU_ASSERT_EQUAL(sink_put(&h), SLUICE_OK);
    sluice_records_add(h.records, sink_record(str, sluice_value_cstring("fourth")));
    CU_ASSERT_EQUAL(sink_put(&h), SLUICE_OK);
    CU_ASSERT_EQUAL(sink_flush(&h), SLUICE_OK);
    char *text = read_text(path, NULL);
    CU_ASSERT_STRING_EQUAL(text, "earlier\nfirst\n\nthird, schemaless\nfourth\n");
    free(text);
    harness_free(&h);

    /* a file that does not exist yet is created */
    harness_init(&h, "FileStreamSink");
    const char *fresh = scratch_path(&s, "fresh.txt");
    start_sink(&h, fresh);
    sluice_records_add(h.records, sink_record(str, sluice_value_cstring("new")));
    CU_ASSERT_EQUAL(sink_put(&h), SLUICE_OK);
    CU_ASSERT_EQUAL(sink_flush(&h), SLUICE_OK);
    text = read_text(fresh, NULL);
    CU_ASSERT_STRING_EQUAL(text, "new\n");
    free(text);
    harness_free(&h);
    scratch_free(&s);
}

static void test_sink_flush_writes_everything_put(void)
{
    scratch_t s;
    scratch_init(&s);
    const char *path = scratch_path(&s, "out.txt");
    harness_t h;
    harness_init(&h, "FileStreamSink");
    start_sink(&h, path);
    const sluice_schema_t *str = sluice_schema_of(SLUICE_TYPE_STRING, false);
    /* many small lines (through the write buffer) and one longer than it */
    size_t expected = 0;
    for (int i = 0; i < 5000; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "line-%d", i);
        expected += (size_t)n + 1;
        sluice_records_add(h.records, sink_record(str, sluice_value_cstring(line)));
    }
    char *big = malloc(200001);
    memset(big, 'x', 200000);
    big[200000] = '\0';
    sluice_records_add(h.records, sink_record(str, sluice_value_cstring(big)));
    expected += 200001;
    CU_ASSERT_EQUAL(sink_put(&h), SLUICE_OK);

    /* put keeps no more than a small buffer: most of it is in the file already */
    struct stat st;
    CU_ASSERT_FATAL(stat(path, &st) == 0);
    CU_ASSERT((size_t)st.st_size + 128 * 1024 >= expected);

    CU_ASSERT_EQUAL(sink_flush(&h), SLUICE_OK);
    size_t len;
    char *text = read_text(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(len, expected);
    CU_ASSERT(strncmp(text, "line-0\nline-1\n", 14) == 0);
    CU_ASSERT(len > 200001 && memcmp(text + len - 200001, big, 200000) == 0);
    CU_ASSERT_EQUAL(text[len - 1], '\n');
    /* every line whole and in order */
    size_t line_no = 0;
    for (char *p = text; p < text + len - 200001; line_no++) {
        char want[32];
        snprintf(want, sizeof want, "line-%zu\n", line_no);
        CU_ASSERT_FATAL(strncmp(p, want, strlen(want)) == 0);
        p += strlen(want);
    }
    CU_ASSERT_EQUAL(line_no, 5000);
    free(text);
    free(big);
    harness_free(&h);
    scratch_free(&s);
}

/* The line the sink writes for one value. */
static char *sink_line_of(harness_t *h, const char *path, const sluice_schema_t *schema,
                          sluice_value_t *value)
{
    put_text(path, "", false);
    sluice_records_add(h->records, sink_record(schema, value));
    CU_ASSERT_EQUAL(sink_put(h), SLUICE_OK);
    CU_ASSERT_EQUAL(sink_flush(h), SLUICE_OK);
    size_t len;
    char *text = read_text(path, &len);
    CU_ASSERT_FATAL(text && len > 0 && text[len - 1] == '\n');
    text[len - 1] = '\0';
    return text;
}

#define ASSERT_SINK_LINE(h, path, schema, value, want)                                             \
    do {                                                                                           \
        char *got_ = sink_line_of((h), (path), (schema), (value));                                 \
        if (strcmp(got_, (want)) != 0)                                                             \
            fprintf(stderr, "\n  wrote \"%s\", expected \"%s\"\n", got_, (want));                  \
        CU_ASSERT_STRING_EQUAL(got_, (want));                                                      \
        free(got_);                                                                                \
    } while (0)

static void test_sink_writes_null_and_non_string_values(void)
{
    scratch_t s;
    scratch_init(&s);
    char path[256];
    snprintf(path, sizeof path, "%s", scratch_path(&s, "out.txt"));
    harness_t h;
    harness_init(&h, "FileStreamSink");
    start_sink(&h, path);
    /* the sink appends; each check truncates the file first, which O_APPEND follows */
    ASSERT_SINK_LINE(&h, path, NULL, NULL, "null");
    ASSERT_SINK_LINE(&h, path, sluice_schema_of(SLUICE_TYPE_STRING, true), NULL, "null");
    ASSERT_SINK_LINE(&h, path, sluice_schema_of(SLUICE_TYPE_INT32, false), sluice_value_int32(-42),
                     "-42");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_int64(INT64_MAX), "9223372036854775807");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_boolean(true), "true");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_float64(1.5), "1.5");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_float64(100.0), "100.0");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_float64(1e10), "1.0E10");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_float64(0.0001), "1.0E-4");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_float32(0.1f), "0.1");
    /* Top-level bytes are written as they are (StringConverter's choice; Kafka
     * would print an object identity). */
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_bytes("hi!", 3), "hi!");
    ASSERT_SINK_LINE(&h, path, NULL, sluice_value_bytes("hi", 2), "hi");

    sluice_value_t *array = sluice_value_array_new();
    sluice_value_array_append(array, sluice_value_int32(1));
    sluice_value_array_append(array, sluice_value_cstring("two"));
    sluice_value_array_append(array, NULL);
    ASSERT_SINK_LINE(&h, path, NULL, array, "[1, two, null]");

    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "a", sluice_value_int32(1));
    sluice_value_map_put_str(map, "b", sluice_value_cstring("x"));
    ASSERT_SINK_LINE(&h, path, NULL, map, "{a=1, b=x}");

    char err[256];
    sluice_schema_t *person = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_add_field(person, "name", sluice_schema_of(SLUICE_TYPE_STRING, false), err,
                            sizeof err);
    sluice_schema_add_field(person, "nick", sluice_schema_of(SLUICE_TYPE_STRING, true), err,
                            sizeof err);
    sluice_schema_add_field(person, "age", sluice_schema_of(SLUICE_TYPE_INT32, false), err,
                            sizeof err);
    sluice_value_t *st = sluice_value_struct_new(person);
    sluice_value_struct_put(st, "name", sluice_value_cstring("Ann"), err, sizeof err);
    sluice_value_struct_put(st, "age", sluice_value_int32(31), err, sizeof err);
    ASSERT_SINK_LINE(&h, path, person, st, "Struct{name=Ann,age=31}");
    sluice_schema_unref(person);

    /* Logical types as Kafka's sink prints them: String.valueOf of the Connect
     * object, java.util.Date.toString in UTC for dates and timestamps. */
    sluice_schema_t *date = sluice_schema_date();
    ASSERT_SINK_LINE(&h, path, date, sluice_value_int32(19000), "Sat Jan 08 00:00:00 UTC 2022");
    sluice_schema_unref(date);
    sluice_schema_t *ts = sluice_schema_timestamp();
    ASSERT_SINK_LINE(&h, path, ts, sluice_value_int64(1700000000123),
                     "Tue Nov 14 22:13:20 UTC 2023");
    sluice_schema_unref(ts);
    sluice_schema_t *dec = sluice_schema_decimal(2);
    const uint8_t unscaled[] = {0x30, 0x39}; /* 12345 */
    ASSERT_SINK_LINE(&h, path, dec, sluice_value_bytes(unscaled, 2), "123.45");
    sluice_schema_unref(dec);

    harness_free(&h);
    scratch_free(&s);
}

static void test_sink_writes_to_stdout_when_no_file(void)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fds[2];
    CU_ASSERT_FATAL(saved >= 0 && pipe(fds) == 0);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);

    harness_t h;
    harness_init(&h, "FileStreamSink");
    start_sink(&h, NULL);
    sluice_records_add(h.records, sink_record(sluice_schema_of(SLUICE_TYPE_STRING, false),
                                              sluice_value_cstring("to stdout")));
    sluice_result_t put = sink_put(&h);
    /* a pipe cannot be synced; flush still succeeds once the data is written */
    sluice_result_t flushed = sink_flush(&h);
    harness_free(&h);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    char got[64] = "";
    ssize_t n = read(fds[0], got, sizeof got - 1);
    close(fds[0]);
    CU_ASSERT_EQUAL(put, SLUICE_OK);
    CU_ASSERT_EQUAL(flushed, SLUICE_OK);
    CU_ASSERT_EQUAL(n, 10);
    CU_ASSERT_STRING_EQUAL(got, "to stdout\n");
}

static void test_sink_refuses_a_file_it_cannot_create(void)
{
    scratch_t s;
    scratch_init(&s);
    harness_t h;
    harness_init(&h, "FileStreamSink");
    const char *path = scratch_path(&s, "no/such/dir/out.txt");
    const char *pairs[] = {"file", path, "topics", "t", NULL};
    CU_ASSERT_EQUAL(harness_start(&h, pairs), SLUICE_FATAL);
    ASSERT_CONTAINS(h.errstr, "Couldn't find or create file");
    ASSERT_CONTAINS(h.errstr, path);
    ASSERT_CONTAINS(h.errstr, "No such file or directory");
    CU_ASSERT_PTR_NULL(h.task);
    harness_free(&h);
    scratch_free(&s);
}

/* ---- source to sink ------------------------------------------------------------- */

static void test_source_lines_come_out_of_the_sink_unchanged(void)
{
    scratch_t s;
    scratch_init(&s);
    char in[256], out[256];
    snprintf(in, sizeof in, "%s", scratch_path(&s, "test.txt"));
    snprintf(out, sizeof out, "%s", scratch_path(&s, "test.sink.txt"));
    const char *text = "alpha\r\nbeta\n\ngamma \xce\xb3\n";
    put_text(in, text, false);

    harness_t src, sink;
    harness_init(&src, "FileStreamSource");
    start_source(&src, &s, "test.txt", NULL);
    harness_init(&sink, "FileStreamSink");
    start_sink(&sink, out);
    CU_ASSERT_EQUAL(
        src.cls->source_task->poll(src.task, src.records, src.errstr, sizeof src.errstr),
        SLUICE_OK);
    CU_ASSERT_EQUAL(
        sink.cls->sink_task->put(sink.task, src.records, sink.errstr, sizeof sink.errstr),
        SLUICE_OK);
    CU_ASSERT_EQUAL(sink_flush(&sink), SLUICE_OK);
    char *got = read_text(out, NULL);
    CU_ASSERT_STRING_EQUAL(got, "alpha\nbeta\n\ngamma \xce\xb3\n");
    free(got);
    harness_free(&src);
    harness_free(&sink);
    scratch_free(&s);
}

void test_register(void)
{
    TEST_SUITE(
        "file_connectors",
        {"classes are found by name and alias", test_classes_found_by_name_and_alias},
        {"connectors hand out task configs", test_connectors_hand_out_task_configs},
        {"bad configs are refused naming the key", test_bad_configs_refused_naming_the_key},
        {"source emits every line with its position",
         test_source_emits_every_line_with_its_position},
        {"source respects batch.size", test_source_respects_batch_size},
        {"source returns nothing at EOF promptly without spinning",
         test_source_returns_nothing_at_eof_promptly_without_spinning},
        {"source follows appended lines", test_source_follows_appended_lines},
        {"source resumes from the stored offset", test_source_resumes_from_the_stored_offset},
        {"source handles \\r\\n and a lone \\r", test_source_handles_crlf_and_lone_cr},
        {"source emits long lines whole", test_source_emits_long_lines_whole},
        {"source cuts a line past the limit", test_source_cuts_a_line_past_the_limit},
        {"source repairs invalid UTF-8", test_source_repairs_invalid_utf8},
        {"source waits for a missing file", test_source_waits_for_a_missing_file},
        {"source rereads a truncated file", test_source_rereads_a_truncated_file},
        {"source follows a rotated file", test_source_follows_a_rotated_file},
        {"source memory stays bounded on a 50 MB file",
         test_source_memory_stays_bounded_on_a_large_file},
        {"stop interrupts a waiting poll", test_source_stop_interrupts_a_waiting_poll},
        {"source reads stdin without offsets", test_source_reads_stdin_without_offsets},
        {"sink appends one line per record", test_sink_appends_one_line_per_record},
        {"sink flush writes everything put", test_sink_flush_writes_everything_put},
        {"sink writes null and non-string values", test_sink_writes_null_and_non_string_values},
        {"sink writes to stdout when no file is set", test_sink_writes_to_stdout_when_no_file},
        {"sink refuses a file it cannot create", test_sink_refuses_a_file_it_cannot_create},
        {"source lines come out of the sink unchanged",
         test_source_lines_come_out_of_the_sink_unchanged});
}
