/*
 * Worker and connector configs: Kafka's sample files verbatim, retired keys,
 * bad connector configs refused with file, key and reason, and the REST
 * validate shape, with classes found through a real registry.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sluice/sluice.h>

#include "connector_config.h"
#include "plugin_registry.h"
#include "test_util.h"
#include "worker_config.h"

static char dir[64];
static char errstr[8192];
static plugin_registry_t *registry;

static int suite_init(void)
{
    snprintf(dir, sizeof dir, "/tmp/wconf-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    registry = plugin_registry_new();
    char err[2048] = "";
    static const char *const libs[] = {"/converters.so", "/file-connectors.so", "/transforms.so"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", SLUICE_TEST_PLUGIN_DIR, libs[i]);
        if (plugin_registry_load(registry, path, err, sizeof err) != 0) {
            fprintf(stderr, "\n  loading %s: %s\n", path, err);
            return -1;
        }
    }
    return 0;
}

static int suite_clean(void)
{
    plugin_registry_destroy(registry);
    registry = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name; returns the path (static buffer per slot). */
static const char *write_file(const char *name, const char *text)
{
    static char paths[4][512];
    static int slot;
    char *path = paths[slot++ % 4];
    snprintf(path, 512, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static const char standalone_props[] =
    "bootstrap.servers=localhost:9092\n"
    "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
    "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
    "key.converter.schemas.enable=true\n"
    "value.converter.schemas.enable=true\n"
    "offset.storage.file.filename=/tmp/connect.offsets\n"
    "offset.flush.interval.ms=10000\n";

static const char file_source_props[] = "name=local-file-source\n"
                                        "connector.class=FileStreamSource\n"
                                        "tasks.max=1\n"
                                        "file=test.txt\n"
                                        "topic=connect-test\n";

static const char file_sink_props[] = "name=local-file-sink\n"
                                      "connector.class=FileStreamSink\n"
                                      "tasks.max=1\n"
                                      "file=test.sink.txt\n"
                                      "topics=connect-test\n";

static void test_kafka_standalone_sample(void)
{
    const char *path = write_file("connect-standalone.properties", standalone_props);
    worker_config_t *wc =
        worker_config_load_file(path, WORKER_MODE_STANDALONE, registry, errstr, sizeof errstr);
    if (!wc)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    const sluice_config_t *c = worker_config_values(wc);
    CU_ASSERT_EQUAL(sluice_config_get_long(c, "offset.flush.interval.ms"), 10000);
    CU_ASSERT_EQUAL(sluice_config_get_long(c, "offset.flush.timeout.ms"), 5000);
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "header.converter"),
                           "org.apache.kafka.connect.storage.SimpleHeaderConverter");
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "connector.client.config.override.policy"),
                           "All");
    CU_ASSERT_TRUE(sluice_config_get_bool(c, "broker.embedded"));
    CU_ASSERT_STRING_EQUAL(worker_config_log_dir(wc), "/tmp/data");
    const char *const *listeners = NULL;
    CU_ASSERT_EQUAL(worker_config_listeners(wc, &listeners), 1);
    CU_ASSERT_STRING_EQUAL(listeners[0], "http://:8083");

    sluice_strmap_t *conv = worker_config_converter_props(wc, "value.converter");
    CU_ASSERT_EQUAL(sluice_strmap_count(conv), 1);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(conv, "schemas.enable"), "true");
    sluice_strmap_destroy(conv);
    worker_config_destroy(wc);
}

static void test_client_prefixes(void)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "bootstrap.servers", "127.0.0.1:19092");
    sluice_strmap_set(props, "key.converter", "JsonConverter");
    sluice_strmap_set(props, "value.converter", "JsonConverter");
    sluice_strmap_set(props, "offset.storage.file.filename", "offsets");
    sluice_strmap_set(props, "producer.linger.ms", "5");
    sluice_strmap_set(props, "consumer.fetch.min.bytes", "100");
    sluice_strmap_set(props, "admin.listeners", "http://:9000");
    sluice_strmap_set(props, "admin.request.timeout.ms", "1000");
    worker_config_t *wc = worker_config_new(props, WORKER_MODE_STANDALONE, registry, "w.properties",
                                            errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    sluice_strmap_t *p = worker_config_client_props(wc, "producer");
    CU_ASSERT_EQUAL(sluice_strmap_count(p), 2);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "bootstrap.servers"), "127.0.0.1:19092");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(p, "linger.ms"), "5");
    sluice_strmap_destroy(p);
    /* admin.listeners is the worker's REST setting, not the admin client's */
    sluice_strmap_t *a = worker_config_client_props(wc, "admin");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(a, "listeners"));
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(a, "request.timeout.ms"), "1000");
    sluice_strmap_destroy(a);
    CU_ASSERT_STRING_EQUAL(worker_config_log_dir(wc), "data");
    worker_config_destroy(wc);
    sluice_strmap_destroy(props);
}

static void test_retired_keys_warn_but_pass(void)
{
    const char *path =
        write_file("retired.properties",
                   "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                   "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                   "internal.key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                   "internal.value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                   "internal.key.converter.schemas.enable=false\n"
                   "internal.value.converter.schemas.enable=false\n"
                   "offset.storage.file.filename=/tmp/x/connect.offsets\n"
                   "rest.host.name=127.0.0.1\n"
                   "rest.port=18083\n"
                   "offset.flush.intervl.ms=100\n");
    worker_config_t *wc =
        worker_config_load_file(path, WORKER_MODE_STANDALONE, registry, errstr, sizeof errstr);
    if (!wc)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wc);
    CU_ASSERT_TRUE(worker_config_is_retired("internal.key.converter"));
    CU_ASSERT_TRUE(worker_config_is_retired("internal.value.converter.schemas.enable"));
    CU_ASSERT_FALSE(worker_config_is_retired("internal.key.converterx"));
    /* the old REST keys still choose the listener when listeners is unset */
    const char *const *listeners = NULL;
    CU_ASSERT_EQUAL(worker_config_listeners(wc, &listeners), 1);
    CU_ASSERT_STRING_EQUAL(listeners[0], "http://127.0.0.1:18083");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(worker_config_props(wc), "internal.key.converter"));
    worker_config_destroy(wc);
}

static void test_worker_errors_name_file_and_key(void)
{
    const char *path =
        write_file("bad-worker.properties", "bootstrap.servers=localhost:9092\n"
                                            "offset.flush.interval.ms=soon\n"
                                            "connector.client.config.override.policy=Some\n");
    worker_config_t *wc =
        worker_config_load_file(path, WORKER_MODE_STANDALONE, registry, errstr, sizeof errstr);
    CU_ASSERT_PTR_NULL_FATAL(wc);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: key.converter: Missing required configuration \"key.converter\" which has no "
             "default value.",
             path);
    ASSERT_CONTAINS(errstr, want);
    snprintf(want, sizeof want, "%s: offset.storage.file.filename: Missing required", path);
    ASSERT_CONTAINS(errstr, want);
    snprintf(want, sizeof want,
             "%s: offset.flush.interval.ms: Invalid value soon for configuration "
             "offset.flush.interval.ms: Not a number of type LONG",
             path);
    ASSERT_CONTAINS(errstr, want);
    ASSERT_CONTAINS(errstr, "String must be one of: None, Principal, All");

    /* a syntax error is reported with its line */
    path = write_file("syntax.properties", "key.converter=a\n=value\n");
    CU_ASSERT_PTR_NULL(
        worker_config_load_file(path, WORKER_MODE_STANDALONE, registry, errstr, sizeof errstr));
    snprintf(want, sizeof want, "%s:2:", path);
    ASSERT_CONTAINS(errstr, want);

    /* distributed mode requires its topics */
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "key.converter", "JsonConverter");
    sluice_strmap_set(props, "value.converter", "JsonConverter");
    CU_ASSERT_PTR_NULL(worker_config_new(props, WORKER_MODE_DISTRIBUTED, registry, "d.properties",
                                         errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "d.properties: group.id: Missing required configuration");
    ASSERT_CONTAINS(errstr, "d.properties: status.storage.topic: Missing required");
    sluice_strmap_destroy(props);
}

static void test_kafka_file_connector_samples(void)
{
    const char *src = write_file("connect-file-source.properties", file_source_props);
    connector_config_t *cc = connector_config_load_file(src, registry, NULL, errstr, sizeof errstr);
    if (!cc)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
    CU_ASSERT_STRING_EQUAL(connector_config_name(cc), "local-file-source");
    CU_ASSERT_EQUAL(connector_config_kind(cc), SLUICE_CLASS_SOURCE_CONNECTOR);
    CU_ASSERT_STRING_EQUAL(connector_config_class(cc)->name,
                           "org.apache.kafka.connect.file.FileStreamSourceConnector");
    CU_ASSERT_EQUAL(sluice_config_get_int(connector_config_values(cc), "tasks.max"), 1);
    CU_ASSERT_STRING_EQUAL(
        sluice_config_get_string(connector_config_values(cc), "errors.tolerance"), "none");
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(connector_config_plugin_values(cc), "topic"),
                           "connect-test");
    CU_ASSERT_EQUAL(sluice_config_get_int(connector_config_plugin_values(cc), "batch.size"), 2000);
    connector_config_destroy(cc);

    const char *sink = write_file("connect-file-sink.properties", file_sink_props);
    cc = connector_config_load_file(sink, registry, NULL, errstr, sizeof errstr);
    if (!cc)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
    CU_ASSERT_EQUAL(connector_config_kind(cc), SLUICE_CLASS_SINK_CONNECTOR);
    const char *const *topics = NULL;
    CU_ASSERT_EQUAL(sluice_config_get_list(connector_config_values(cc), "topics", &topics), 1);
    CU_ASSERT_STRING_EQUAL(topics[0], "connect-test");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(connector_config_originals(cc), "file"),
                           "test.sink.txt");
    connector_config_destroy(cc);
}

/* Loads text as name and expects refusal with "path: key: reason". */
static void expect_refused(const char *name, const char *text, const char *key, const char *reason)
{
    const char *path = write_file(name, text);
    connector_config_t *cc =
        connector_config_load_file(path, registry, NULL, errstr, sizeof errstr);
    CU_ASSERT_PTR_NULL(cc);
    connector_config_destroy(cc);
    /* one line carries the file, the key and the reason */
    char want[1024];
    snprintf(want, sizeof want, "%s: %s: ", path, key);
    const char *line = strstr(errstr, want);
    ASSERT_CONTAINS(errstr, want);
    if (line) {
        char copy[2048];
        snprintf(copy, sizeof copy, "%.*s", (int)strcspn(line, "\n"), line);
        ASSERT_CONTAINS(copy, reason);
    }
}

static void test_bad_connector_configs(void)
{
    expect_refused("unknown-class.properties", "name=x\nconnector.class=FileStreamSinc\ntopics=t\n",
                   "connector.class",
                   "Failed to find any class that implements Connector and which name matches "
                   "FileStreamSinc; did you mean ");
    ASSERT_CONTAINS(errstr, "FileStreamSink");

    expect_refused("topic-not-topics.properties",
                   "name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\n"
                   "file=test.sink.txt\ntopic=connect-test\n",
                   "topics", "Must configure one of topics or topics.regex");
    ASSERT_CONTAINS(errstr, "did you mean topics?");
    /* the same error is not printed a second time under topics.regex */
    CU_ASSERT_PTR_NULL(strstr(errstr, ": topics.regex: "));

    expect_refused("both.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntopics.regex=a.*\n", "topics",
                   "topics and topics.regex are mutually exclusive options, but both are set.");

    expect_refused("no-name.properties", "connector.class=FileStreamSink\ntopics=a\n", "name",
                   "Missing required configuration \"name\" which has no default value.");

    expect_refused("empty-name.properties", "name=\nconnector.class=FileStreamSink\ntopics=a\n",
                   "name", "String may not be empty");

    expect_refused("tasks-type.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntasks.max=abc\n", "tasks.max",
                   "Invalid value abc for configuration tasks.max: Not a number of type INT");

    expect_refused("tasks-zero.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntasks.max=0\n", "tasks.max",
                   "Invalid value 0 for configuration tasks.max: Value must be at least 1");

    expect_refused("transform-no-type.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntransforms=route\n",
                   "transforms.route.type",
                   "Missing required configuration \"transforms.route.type\" which has no "
                   "default value.");

    expect_refused("transform-unknown.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntransforms=r\n"
                   "transforms.r.type=RegexRoutr\n",
                   "transforms.r.type",
                   "Invalid value RegexRoutr for configuration transforms.r.type: Class RegexRoutr "
                   "could not be found.; did you mean ");

    expect_refused("transform-not.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntransforms=r\n"
                   "transforms.r.type=org.apache.kafka.connect.json.JsonConverter\n",
                   "transforms.r.type", "Not a Transformation");

    expect_refused("predicate-no-type.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\npredicates=p\n",
                   "predicates.p.type", "Missing required configuration");

    expect_refused("negate.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntransforms=f\n"
                   "transforms.f.type=org.apache.kafka.connect.transforms.Filter\n"
                   "transforms.f.negate=true\n",
                   "transforms.f.negate",
                   "Config 'transforms.f.negate' was provided but there is no config "
                   "'transforms.f.predicate' defining a predicate to be negated.");

    expect_refused("tolerance.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\nerrors.tolerance=some\n",
                   "errors.tolerance",
                   "Invalid value some for configuration errors.tolerance: String must be one of: "
                   "none, all");

    expect_refused("dup-alias.properties",
                   "name=s\nconnector.class=FileStreamSink\ntopics=a\ntransforms=f,f\n"
                   "transforms.f.type=org.apache.kafka.connect.transforms.Filter\n",
                   "transforms", "Duplicate alias provided.");

    expect_refused("topic-creation.properties",
                   "name=s\nconnector.class=FileStreamSource\ntopic=a\n"
                   "topic.creation.default.partitions=0\n",
                   "topic.creation.default.replication.factor", "Missing required configuration");
    ASSERT_CONTAINS(errstr, "topic.creation.default.partitions: Invalid value 0 for configuration "
                            "topic.creation.default.partitions: Value must be -1 or at least 1");

    /* the plugin's own table is checked too */
    expect_refused("plugin-key.properties",
                   "name=s\nconnector.class=FileStreamSource\ntopic=a\nbatch.size=-5\n",
                   "batch.size", "Value must be at least 1");

    /* several problems: every one is reported, one per line */
    expect_refused("many.properties", "connector.class=FileStreamSink\ntasks.max=x\n", "name",
                   "Missing required");
    ASSERT_CONTAINS(errstr, "tasks.max: Invalid value x");
    ASSERT_CONTAINS(errstr, "topics: Must configure one of topics or topics.regex");
}

static void test_transform_chain_accepted(void)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "name", "s");
    sluice_strmap_set(props, "connector.class",
                      "org.apache.kafka.connect.file.FileStreamSinkConnector");
    sluice_strmap_set(props, "topics.regex", "connect-.*");
    sluice_strmap_set(props, "transforms", "route, drop");
    sluice_strmap_set(props, "transforms.route.type",
                      "org.apache.kafka.connect.transforms.RegexRouter");
    sluice_strmap_set(props, "transforms.route.regex", "(.*)");
    sluice_strmap_set(props, "transforms.route.replacement", "copy-$1");
    sluice_strmap_set(props, "transforms.drop.type", "org.apache.kafka.connect.transforms.Filter");
    sluice_strmap_set(props, "transforms.drop.predicate", "tomb");
    sluice_strmap_set(props, "predicates", "tomb");
    sluice_strmap_set(props, "predicates.tomb.type",
                      "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone");
    connector_config_t *cc = connector_config_new(registry, props, "rest", errstr, sizeof errstr);
    if (!cc)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cc);
    const sluice_config_t *v = connector_config_values(cc);
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(v, "transforms.route.replacement"), "copy-$1");
    CU_ASSERT_FALSE(sluice_config_get_bool(v, "transforms.drop.negate"));
    const char *const *aliases = NULL;
    CU_ASSERT_EQUAL(sluice_config_get_list(v, "transforms", &aliases), 2);
    CU_ASSERT_STRING_EQUAL(aliases[1], "drop");
    connector_config_destroy(cc);

    /* the transform's own required keys are enforced under its prefix */
    sluice_strmap_remove(props, "transforms.route.replacement");
    CU_ASSERT_PTR_NULL(connector_config_new(registry, props, "rest", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "rest: transforms.route.replacement: Missing required configuration");

    /* a predicate alias that is not listed */
    sluice_strmap_set(props, "transforms.route.replacement", "x");
    sluice_strmap_set(props, "transforms.drop.predicate", "tombb");
    CU_ASSERT_PTR_NULL(connector_config_new(registry, props, "rest", errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "rest: transforms.drop.predicate: ");
    sluice_strmap_destroy(props);
}

static size_t entry_index(sluice_config_validation_t *r, const char *name)
{
    for (size_t i = 0; i < sluice_config_validation_count(r); i++)
        if (strcmp(sluice_config_validation_name_at(r, i), name) == 0)
            return i;
    return (size_t)-1;
}

static void test_rest_validation_shape(void)
{
    /* the second seed example of the REST issue: a sink with topic */
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "connector.class", "FileStreamSink");
    sluice_strmap_set(props, "file", "output1");
    sluice_strmap_set(props, "topic", "kafka-config-topic");
    sluice_strmap_set(props, "name", "from-kafka-to-file");
    sluice_strmap_set(props, "transforms", "r");
    sluice_strmap_set(props, "transforms.r.type", "RegexRouter");
    sluice_strmap_set(props, "transforms.r.regex", "a");
    sluice_strmap_set(props, "transforms.r.replacement", "b");
    connector_config_validation_t *v = connector_config_validate(registry, props);
    sluice_config_validation_t *r = connector_config_validation_result(v);
    CU_ASSERT_STRING_EQUAL(connector_config_validation_class_name(v),
                           "org.apache.kafka.connect.file.FileStreamSinkConnector");
    /* Kafka attaches the topics error to both keys */
    CU_ASSERT_EQUAL(connector_config_validation_error_count(v), 2);
    size_t topics = entry_index(r, "topics"), regex = entry_index(r, "topics.regex");
    CU_ASSERT_NOT_EQUAL_FATAL(topics, (size_t)-1);
    CU_ASSERT_NOT_EQUAL_FATAL(regex, (size_t)-1);
    const char *const *errors = NULL;
    CU_ASSERT_EQUAL(sluice_config_validation_errors_at(r, topics, &errors), 1);
    ASSERT_CONTAINS(errors[0], "Must configure one of topics or topics.regex");

    /* Kafka's order: the worker-level keys first, then the aliases', then the plugin's */
    CU_ASSERT_EQUAL(entry_index(r, "name"), 0);
    CU_ASSERT_EQUAL(entry_index(r, "connector.class"), 1);
    CU_ASSERT_EQUAL(entry_index(r, "tasks.max"), 2);
    size_t tol = entry_index(r, "errors.tolerance"),
           dlq = entry_index(r, "errors.deadletterqueue.topic.name");
    size_t rtype = entry_index(r, "transforms.r.type"),
           rregex = entry_index(r, "transforms.r.regex");
    size_t file = entry_index(r, "file");
    CU_ASSERT(tol < dlq && dlq < rtype && rtype < rregex && rregex < file);
    CU_ASSERT_NOT_EQUAL(file, (size_t)-1);
    CU_ASSERT_EQUAL(sluice_config_validation_errors_at(r, entry_index(r, "name"), NULL), 0);
    CU_ASSERT_STRING_EQUAL(sluice_config_validation_value_at(r, tol), "none");
    const sluice_config_key_t *k = sluice_config_validation_key_at(r, rtype);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_STRING_EQUAL(k->group, "Transforms: r");
    CU_ASSERT_TRUE(k->required);
    CU_ASSERT_EQUAL(k->type, SLUICE_CONFIG_CLASS);

    const char *const *groups = NULL;
    size_t ng = connector_config_validation_groups(v, &groups);
    CU_ASSERT_FATAL(ng >= 5);
    CU_ASSERT_STRING_EQUAL(groups[0], "Common");
    CU_ASSERT_STRING_EQUAL(groups[1], "Transforms");
    CU_ASSERT_STRING_EQUAL(groups[2], "Predicates");
    CU_ASSERT_STRING_EQUAL(groups[3], "Error Handling");
    CU_ASSERT_STRING_EQUAL(groups[4], "Transforms: r");

    sluice_buf_t *out = sluice_buf_new();
    connector_config_validation_render(v, NULL, out);
    ASSERT_CONTAINS(sluice_buf_data(out), "topics: Must configure one of topics or topics.regex");
    sluice_buf_destroy(out);
    connector_config_validation_destroy(v);

    /* a source gets its own keys and the Topic Creation group, no topics */
    sluice_strmap_t *src = sluice_strmap_new();
    sluice_strmap_set(src, "connector.class", "FileStreamSource");
    v = connector_config_validate(registry, src);
    r = connector_config_validation_result(v);
    CU_ASSERT_EQUAL(entry_index(r, "topics"), (size_t)-1);
    CU_ASSERT_NOT_EQUAL(entry_index(r, "exactly.once.support"), (size_t)-1);
    ng = connector_config_validation_groups(v, &groups);
    bool has_tc = false;
    for (size_t i = 0; i < ng; i++)
        has_tc = has_tc || strcmp(groups[i], "Topic Creation") == 0;
    CU_ASSERT_TRUE(has_tc);
    /* name and the plugin's topic are missing */
    CU_ASSERT_EQUAL(connector_config_validation_error_count(v), 2);
    connector_config_validation_destroy(v);

    /* an unknown class: worker-level keys are still validated */
    sluice_strmap_set(src, "connector.class", "NoSuchConnector");
    v = connector_config_validate(registry, src);
    CU_ASSERT_PTR_NULL(connector_config_validation_class(v));
    CU_ASSERT_STRING_EQUAL(connector_config_validation_class_name(v), "NoSuchConnector");
    r = connector_config_validation_result(v);
    errors = NULL;
    CU_ASSERT_EQUAL(
        sluice_config_validation_errors_at(r, entry_index(r, "connector.class"), &errors), 1);
    ASSERT_CONTAINS(errors[0], "available connectors are: ");
    ASSERT_CONTAINS(errors[0], "org.apache.kafka.connect.file.FileStreamSinkConnector");
    connector_config_validation_destroy(v);
    sluice_strmap_destroy(src);
    sluice_strmap_destroy(props);
}

void test_register(void)
{
    CU_pSuite s = CU_add_suite("worker_config", suite_init, suite_clean);
    CU_add_test(s, "Kafka's connect-standalone.properties", test_kafka_standalone_sample);
    CU_add_test(s, "producer./consumer./admin. pass through", test_client_prefixes);
    CU_add_test(s, "retired keys warn but pass", test_retired_keys_warn_but_pass);
    CU_add_test(s, "worker errors name file and key", test_worker_errors_name_file_and_key);
    CU_add_test(s, "Kafka's file connector samples", test_kafka_file_connector_samples);
    CU_add_test(s, "bad connector configs refused", test_bad_connector_configs);
    CU_add_test(s, "transform chain accepted", test_transform_chain_accepted);
    CU_add_test(s, "REST validation shape", test_rest_validation_shape);
}
