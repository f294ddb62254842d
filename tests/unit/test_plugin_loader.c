/*
 * The plugin loader, driven through real .so files (tests/plugins/): what it
 * accepts, what it refuses and how it says so, how names find classes, and
 * that a loaded plugin's callbacks work against the host ABI.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/sluice.h>

#include "ctx.h"
#include "log.h"
#include "plugin_registry.h"
#include "record_list.h"
#include "task_configs.h"
#include "test_util.h"

#define PLUGIN(stem) SLUICE_TEST_LOADER_PLUGIN_DIR "/" stem ".so"

#define GOOD_SO PLUGIN("good_plugin")

/* A registry holding good_plugin.so only. */
static plugin_registry_t *good_registry(void)
{
    plugin_registry_t *registry = plugin_registry_new();
    char errstr[512] = "";
    int refused = plugin_registry_load(registry, GOOD_SO, errstr, sizeof errstr);
    if (refused != 0)
        fprintf(stderr, "\n  good_plugin.so refused: %s\n", errstr);
    CU_ASSERT_EQUAL(refused, 0);
    CU_ASSERT_STRING_EQUAL(errstr, "");
    return registry;
}

/* A parsed config for cls from "key=value" pairs (NULL-terminated). */
static sluice_config_t *class_config(const sluice_class_t *cls, const char *const *pairs)
{
    sluice_strmap_t *props = sluice_strmap_new();
    for (size_t i = 0; pairs && pairs[i]; i += 2)
        sluice_strmap_set(props, pairs[i], pairs[i + 1]);
    char errstr[512] = "";
    sluice_config_t *config = sluice_config_new(cls->config, props, errstr, sizeof errstr);
    if (!config)
        fprintf(stderr, "\n  config for %s refused: %s\n", cls->name, errstr);
    CU_ASSERT_PTR_NOT_NULL(config);
    sluice_strmap_destroy(props);
    return config;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t lt = text ? strlen(text) : 0, ls = strlen(suffix);
    return text && lt >= ls && strcmp(text + lt - ls, suffix) == 0;
}

/* ---- accepted ---------------------------------------------------------------- */

static void test_good_plugin_registers_every_kind(void)
{
    plugin_registry_t *registry = good_registry();
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 7);
    bool seen[SLUICE_CLASS_CONFIG_PROVIDER + 1] = {false};
    for (size_t i = 0; i < plugin_registry_count(registry); i++) {
        const sluice_class_t *cls = plugin_registry_class_at(registry, i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
        seen[cls->kind] = true;
        CU_ASSERT_STRING_EQUAL(cls->version, "1.2.3");
        CU_ASSERT(ends_with(plugin_registry_file_at(registry, i), "/good_plugin.so"));
        CU_ASSERT_PTR_EQUAL(plugin_registry_file_of(registry, cls),
                            plugin_registry_file_at(registry, i));
        CU_ASSERT_STRING_EQUAL(plugin_registry_plugin_at(registry, i)->name, "good-test-plugin");
    }
    for (int k = SLUICE_CLASS_SOURCE_CONNECTOR; k <= SLUICE_CLASS_CONFIG_PROVIDER; k++)
        CU_ASSERT(seen[k]);
    CU_ASSERT_PTR_NULL(plugin_registry_class_at(registry, 7));
    CU_ASSERT_PTR_NULL(plugin_registry_file_at(registry, 7));
    plugin_registry_destroy(registry);
}

static void test_same_file_twice_is_loaded_once(void)
{
    plugin_registry_t *registry = good_registry();
    char errstr[512] = "";
    /* Another spelling of the same path must not count as a duplicate. */
    CU_ASSERT_EQUAL(plugin_registry_load(registry,
                                         SLUICE_TEST_LOADER_PLUGIN_DIR "/./good_plugin.so", errstr,
                                         sizeof errstr),
                    0);
    CU_ASSERT_STRING_EQUAL(errstr, "");
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 7);
    plugin_registry_destroy(registry);
}

static void test_registries_coexist(void)
{
    /* libltdl is initialised per registry; destroying one must not unload
     * what another still uses. */
    plugin_registry_t *first = good_registry();
    plugin_registry_t *second = good_registry();
    plugin_registry_destroy(first);
    const sluice_class_t *cls =
        plugin_registry_find(second, SLUICE_CLASS_PREDICATE, "org.sluice.test.TopicIsPredicate");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    sluice_config_t *config = class_config(cls, (const char *const[]){"topic", "t", NULL});
    void *self = NULL;
    char errstr[128] = "";
    CU_ASSERT_EQUAL(cls->predicate->create(NULL, config, &self, errstr, sizeof errstr), SLUICE_OK);
    cls->predicate->destroy(self);
    sluice_config_destroy(config);
    plugin_registry_destroy(second);
}

/* ---- names ------------------------------------------------------------------- */

static void expect_found(const plugin_registry_t *registry, sluice_class_kind_t kind,
                         const char *name, const char *class_name)
{
    const sluice_class_t *cls = plugin_registry_find(registry, kind, name);
    if (!cls || strcmp(cls->name, class_name) != 0)
        fprintf(stderr, "\n  %s (%s) found %s, expected %s\n", name, sluice_class_kind_name(kind),
                cls ? cls->name : "nothing", class_name);
    CU_ASSERT(cls && strcmp(cls->name, class_name) == 0);
}

static void test_find_by_name_alias_and_short_names(void)
{
    plugin_registry_t *registry = good_registry();
    const char *source = "org.sluice.test.CountingSourceConnector";
    const char *sink = "org.sluice.test.CollectingSinkConnector";
    const char *upper = "org.sluice.test.Uppercase";

    expect_found(registry, SLUICE_CLASS_SOURCE_CONNECTOR, source, source);
    /* Declared aliases. */
    expect_found(registry, SLUICE_CLASS_TRANSFORM, "Upper", upper);
    expect_found(registry, SLUICE_CLASS_TRANSFORM, "UppercaseValue", upper);
    expect_found(registry, SLUICE_CLASS_SINK_CONNECTOR, "CollectingSink", sink);
    /* Kafka's implicit aliases, which the plugin did not list. */
    expect_found(registry, SLUICE_CLASS_SOURCE_CONNECTOR, "CountingSourceConnector", source);
    expect_found(registry, SLUICE_CLASS_SOURCE_CONNECTOR, "CountingSource", source);
    expect_found(registry, SLUICE_CLASS_SINK_CONNECTOR, "CollectingSinkConnector", sink);
    expect_found(registry, SLUICE_CLASS_TRANSFORM, "Uppercase", upper);
    expect_found(registry, SLUICE_CLASS_CONVERTER, "PlainConverter",
                 "org.sluice.test.PlainConverter");
    expect_found(registry, SLUICE_CLASS_CONVERTER, "Plain", "org.sluice.test.PlainConverter");
    expect_found(registry, SLUICE_CLASS_HEADER_CONVERTER, "Plain",
                 "org.sluice.test.PlainHeaderConverter");
    expect_found(registry, SLUICE_CLASS_PREDICATE, "TopicIs", "org.sluice.test.TopicIsPredicate");
    expect_found(registry, SLUICE_CLASS_CONFIG_PROVIDER, "Echo",
                 "org.sluice.test.EchoConfigProvider");

    /* Names are exact: no other kind, case or fragment finds a class. */
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, SLUICE_CLASS_SINK_CONNECTOR, "Upper"));
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, "upper"));
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, "test.Uppercase"));
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, ""));
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, NULL));
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, (sluice_class_kind_t)0, "Upper"));
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, (sluice_class_kind_t)99, "Upper"));
    /* "Connector" alone is no alias: the suffix must not be the whole name. */
    CU_ASSERT_PTR_NULL(plugin_registry_find(registry, SLUICE_CLASS_SOURCE_CONNECTOR, "Connector"));

    /* Any kind: exact names first; an ambiguous short name finds nothing. */
    const sluice_class_t *any = plugin_registry_find_any(registry, "Upper");
    CU_ASSERT(any && strcmp(any->name, upper) == 0);
    any = plugin_registry_find_any(registry, "CountingSource");
    CU_ASSERT(any && strcmp(any->name, source) == 0);
    CU_ASSERT_PTR_NULL(plugin_registry_find_any(registry, "Plain"));
    CU_ASSERT_PTR_NULL(plugin_registry_find_any(registry, "NoSuchThing"));
    plugin_registry_destroy(registry);
}

static void test_suggest_close_names(void)
{
    plugin_registry_t *registry = good_registry();
    const char *out[3];
    size_t n = plugin_registry_suggest(registry, (sluice_class_kind_t)0, "Uppercse", out, 3);
    CU_ASSERT(n >= 1);
    if (n >= 1)
        CU_ASSERT_STRING_EQUAL(out[0], "org.sluice.test.Uppercase");
    n = plugin_registry_suggest(registry, SLUICE_CLASS_SOURCE_CONNECTOR, "countingsource", out, 3);
    CU_ASSERT_EQUAL(n, 1);
    if (n >= 1)
        CU_ASSERT_STRING_EQUAL(out[0], "org.sluice.test.CountingSourceConnector");
    /* A fragment suggests every class containing it, within max. */
    n = plugin_registry_suggest(registry, (sluice_class_kind_t)0, "plain", out, 3);
    CU_ASSERT_EQUAL(n, 2);
    n = plugin_registry_suggest(registry, (sluice_class_kind_t)0, "plain", out, 1);
    CU_ASSERT_EQUAL(n, 1);
    n = plugin_registry_suggest(registry, (sluice_class_kind_t)0, "zzzzqqqq", out, 3);
    CU_ASSERT_EQUAL(n, 0);
    plugin_registry_destroy(registry);
}

/* ---- the good plugin's classes, called through their ops ------------------------ */

static void test_connector_and_task_configs(void)
{
    plugin_registry_t *registry = good_registry();
    const sluice_class_t *cls =
        plugin_registry_find(registry, SLUICE_CLASS_SOURCE_CONNECTOR, "CountingSource");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    sluice_config_t *config =
        class_config(cls, (const char *const[]){"topic", "numbers", "count", "5", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(config);
    sluice_ctx_t *ctx = ctx_new("counting", "CountingSourceConnector");
    void *self = NULL;
    char errstr[256] = "";
    CU_ASSERT_EQUAL_FATAL(cls->connector->start(ctx, config, &self, errstr, sizeof errstr),
                          SLUICE_OK);
    sluice_task_configs_t *tasks = task_configs_new();
    CU_ASSERT_EQUAL(cls->connector->task_configs(self, 2, tasks, errstr, sizeof errstr), SLUICE_OK);
    CU_ASSERT_EQUAL(task_configs_count(tasks), 2);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task_configs_at(tasks, 0), "topic"), "numbers");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task_configs_at(tasks, 0), "count"), "5");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task_configs_at(tasks, 1), "task.id"), "1");
    CU_ASSERT_PTR_NULL(task_configs_at(tasks, 2));
    task_configs_destroy(tasks);
    cls->connector->destroy(self);
    sluice_config_destroy(config);
    ctx_destroy(ctx);
    plugin_registry_destroy(registry);
}

static void test_source_and_sink_tasks(void)
{
    plugin_registry_t *registry = good_registry();
    const sluice_class_t *source =
        plugin_registry_find(registry, SLUICE_CLASS_SOURCE_CONNECTOR, "CountingSourceConnector");
    const sluice_class_t *sink =
        plugin_registry_find(registry, SLUICE_CLASS_SINK_CONNECTOR, "CollectingSink");
    CU_ASSERT_PTR_NOT_NULL_FATAL(source);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
    sluice_config_t *sconfig =
        class_config(source, (const char *const[]){"topic", "numbers", NULL});
    sluice_config_t *kconfig = class_config(sink, (const char *const[]){"topics", "numbers", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(sconfig);
    CU_ASSERT_PTR_NOT_NULL_FATAL(kconfig);
    sluice_ctx_t *ctx = ctx_new("counting|task-0", "CountingSourceTask");
    void *task = NULL, *sink_task = NULL;
    char errstr[256] = "";
    CU_ASSERT_EQUAL_FATAL(source->source_task->start(ctx, sconfig, &task, errstr, sizeof errstr),
                          SLUICE_OK);
    CU_ASSERT_EQUAL_FATAL(sink->sink_task->start(ctx, kconfig, &sink_task, errstr, sizeof errstr),
                          SLUICE_OK);

    sluice_records_t *records = records_new();
    CU_ASSERT_EQUAL(source->source_task->poll(task, records, errstr, sizeof errstr), SLUICE_OK);
    CU_ASSERT_EQUAL_FATAL(sluice_records_count(records), 3); /* the count default */
    const sluice_record_t *last = sluice_records_at(records, 2);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(last), "numbers");
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_record_value(last), NULL), "record-2");
    const sluice_value_t *position =
        sluice_value_map_get_str(sluice_record_source_offset(last), "position");
    CU_ASSERT(position && sluice_value_get_int64(position) == 2);

    CU_ASSERT_EQUAL(sink->sink_task->put(sink_task, records, errstr, sizeof errstr), SLUICE_OK);
    CU_ASSERT_EQUAL(*(size_t *)sink_task, 3);

    /* The counter has finished: the next poll has nothing, which is fine. */
    records_clear(records);
    CU_ASSERT_EQUAL(source->source_task->poll(task, records, errstr, sizeof errstr), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_records_count(records), 0);

    records_destroy(records);
    source->source_task->destroy(task);
    sink->sink_task->destroy(sink_task);
    sluice_config_destroy(sconfig);
    sluice_config_destroy(kconfig);
    ctx_destroy(ctx);
    plugin_registry_destroy(registry);
}

static void test_converters_round_trip(void)
{
    plugin_registry_t *registry = good_registry();
    const sluice_class_t *cls = plugin_registry_find(registry, SLUICE_CLASS_CONVERTER, "Plain");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    sluice_config_t *config = class_config(cls, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(config);
    void *self = NULL;
    char errstr[256] = "";
    CU_ASSERT_EQUAL_FATAL(cls->converter->create(NULL, config, false, &self, errstr, sizeof errstr),
                          SLUICE_OK);
    sluice_buf_t *out = sluice_buf_new();
    sluice_value_t *value = sluice_value_cstring("hello");
    CU_ASSERT_EQUAL(
        cls->converter->from_connect(self, "t", NULL, NULL, value, out, errstr, sizeof errstr),
        SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_buf_len(out), 5);
    CU_ASSERT_NSTRING_EQUAL(sluice_buf_data(out), "hello", 5);
    const sluice_schema_t *schema = NULL;
    sluice_value_t *back = NULL;
    CU_ASSERT_EQUAL(cls->converter->to_connect(self, "t", NULL, sluice_buf_data(out),
                                               sluice_buf_len(out), &schema, &back, errstr,
                                               sizeof errstr),
                    SLUICE_OK);
    CU_ASSERT(sluice_value_equals(value, back));
    CU_ASSERT_EQUAL(sluice_schema_type(schema), SLUICE_TYPE_STRING);
    sluice_schema_unref(schema);
    sluice_value_destroy(back);

    /* A failure comes back as FATAL with a reason, not a crash. */
    sluice_value_t *number = sluice_value_int32(7);
    sluice_buf_reset(out);
    CU_ASSERT_EQUAL(
        cls->converter->from_connect(self, "t", NULL, NULL, number, out, errstr, sizeof errstr),
        SLUICE_FATAL);
    ASSERT_CONTAINS(errstr, "only handles STRING values");
    sluice_value_destroy(number);
    cls->converter->destroy(self);
    sluice_config_destroy(config);

    cls = plugin_registry_find(registry, SLUICE_CLASS_HEADER_CONVERTER, "PlainHeaderConverter");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    config = class_config(cls, NULL);
    CU_ASSERT_EQUAL_FATAL(cls->header_converter->create(NULL, config, &self, errstr, sizeof errstr),
                          SLUICE_OK);
    sluice_buf_reset(out);
    CU_ASSERT_EQUAL(
        cls->header_converter->from_header(self, "t", "h", NULL, value, out, errstr, sizeof errstr),
        SLUICE_OK);
    CU_ASSERT_NSTRING_EQUAL(sluice_buf_data(out), "hello", 5);
    cls->header_converter->destroy(self);
    sluice_config_destroy(config);
    sluice_value_destroy(value);
    sluice_buf_destroy(out);
    plugin_registry_destroy(registry);
}

static void test_transform_and_predicate(void)
{
    plugin_registry_t *registry = good_registry();
    const sluice_class_t *transform =
        plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, "Upper");
    const sluice_class_t *predicate =
        plugin_registry_find(registry, SLUICE_CLASS_PREDICATE, "TopicIs");
    CU_ASSERT_PTR_NOT_NULL_FATAL(transform);
    CU_ASSERT_PTR_NOT_NULL_FATAL(predicate);
    sluice_config_t *tconfig = class_config(transform, (const char *const[]){"prefix", "x-", NULL});
    sluice_config_t *pconfig = class_config(predicate, (const char *const[]){"topic", "in", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(tconfig);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pconfig);
    sluice_ctx_t *ctx = ctx_new("upper", "Uppercase");
    void *t = NULL, *p = NULL;
    char errstr[256] = "";
    CU_ASSERT_EQUAL_FATAL(transform->transform->create(ctx, tconfig, &t, errstr, sizeof errstr),
                          SLUICE_OK);
    CU_ASSERT_EQUAL_FATAL(predicate->predicate->create(ctx, pconfig, &p, errstr, sizeof errstr),
                          SLUICE_OK);

    sluice_record_t *record = sluice_record_new("in");
    sluice_record_set_value(record, sluice_schema_of(SLUICE_TYPE_STRING, false),
                            sluice_value_cstring("quiet"));
    CU_ASSERT_TRUE(predicate->predicate->test(p, record));
    CU_ASSERT_EQUAL(transform->transform->apply(t, record, errstr, sizeof errstr), SLUICE_OK);
    size_t len = 0;
    const char *text = sluice_value_get_string(sluice_record_value(record), &len);
    CU_ASSERT_EQUAL(len, 7);
    CU_ASSERT_NSTRING_EQUAL(text, "x-QUIET", 7);
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_record_value_schema(record)), SLUICE_TYPE_STRING);

    sluice_record_set_topic(record, "other");
    CU_ASSERT_FALSE(predicate->predicate->test(p, record));
    sluice_record_set_value(record, NULL, sluice_value_boolean(true));
    CU_ASSERT_EQUAL(transform->transform->apply(t, record, errstr, sizeof errstr), SLUICE_FATAL);
    ASSERT_CONTAINS(errstr, "STRING");

    sluice_record_destroy(record);
    transform->transform->destroy(t);
    predicate->predicate->destroy(p);
    sluice_config_destroy(tconfig);
    sluice_config_destroy(pconfig);
    ctx_destroy(ctx);
    plugin_registry_destroy(registry);
}

static void test_config_provider(void)
{
    plugin_registry_t *registry = good_registry();
    const sluice_class_t *cls =
        plugin_registry_find(registry, SLUICE_CLASS_CONFIG_PROVIDER, "Echo");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    sluice_config_t *config = class_config(cls, (const char *const[]){"separator", ":", NULL});
    CU_ASSERT_PTR_NOT_NULL_FATAL(config);
    void *self = NULL;
    char errstr[256] = "";
    CU_ASSERT_EQUAL_FATAL(cls->config_provider->create(NULL, config, &self, errstr, sizeof errstr),
                          SLUICE_OK);
    sluice_buf_t *out = sluice_buf_new();
    CU_ASSERT_EQUAL(cls->config_provider->get(self, "/etc/x", "user", out, errstr, sizeof errstr),
                    SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "/etc/x:user");
    CU_ASSERT_EQUAL(
        cls->config_provider->get(self, "/etc/x", "missing", out, errstr, sizeof errstr),
        SLUICE_FATAL);
    ASSERT_CONTAINS(errstr, "missing");
    sluice_buf_destroy(out);
    cls->config_provider->destroy(self);
    sluice_config_destroy(config);
    plugin_registry_destroy(registry);
}

/* ---- refused ------------------------------------------------------------------ */

/*
 * Loads file into a fresh registry and expects it refused with a message
 * that names the file and contains reason; the library must be unloaded.
 */
static void expect_refused(const char *file, const char *reason)
{
    plugin_registry_t *registry = plugin_registry_new();
    char errstr[1024] = "";
    int refused = plugin_registry_load(registry, file, errstr, sizeof errstr);
    if (refused != 1)
        fprintf(stderr, "\n  %s: load returned %d, expected 1 (%s)\n", file, refused, errstr);
    CU_ASSERT_EQUAL(refused, 1);
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 0);
    ASSERT_CONTAINS(errstr, file);
    ASSERT_CONTAINS(errstr, reason);
    CU_ASSERT_PTR_NULL(strchr(errstr, '\n')); /* one line per refused library */
    plugin_registry_destroy(registry);
    /* Nothing keeps the refused library mapped. */
    void *still = dlopen(file, RTLD_NOW | RTLD_NOLOAD);
    CU_ASSERT_PTR_NULL(still);
    if (still)
        dlclose(still);
}

static void test_refuses_other_abi_version(void)
{
    expect_refused(PLUGIN("bad_abi_plugin"), "built for ABI version 2, this sluice supports 1");
}

static void test_refuses_library_without_entry(void)
{
    expect_refused(PLUGIN("no_entry_plugin"), "does not export sluice_plugin_entry");
}

static void test_refuses_undefined_symbol(void)
{
    expect_refused(PLUGIN("undefined_symbol_plugin"), "undefined symbol");
    expect_refused(PLUGIN("undefined_symbol_plugin"), "sluice_function_from_the_future");
}

static void test_refuses_bad_descriptors(void)
{
    static const struct {
        const char *file;
        const char *reason;
    } cases[] = {
        {PLUGIN("bad_descriptor_no_converter_ops"),
         "class org.sluice.test.bad.Defective is a converter but has no converter ops"},
        {PLUGIN("bad_descriptor_small_class"),
         "class #0 declares struct_size 16, smaller than sluice_class_t of ABI version 1"},
        {PLUGIN("bad_descriptor_small_ops"),
         "transform ops declare struct_size 4, smaller than sluice_transform_ops_t"},
        {PLUGIN("bad_descriptor_no_name"), "class #0 has no name"},
        {PLUGIN("bad_descriptor_unknown_kind"), "unknown kind 42"},
        {PLUGIN("bad_descriptor_null_callback"), "required callback transform.apply is NULL"},
        {PLUGIN("bad_descriptor_null_descriptor"), "sluice_plugin_entry() returned NULL"},
        {PLUGIN("bad_descriptor_small_plugin"),
         "descriptor declares struct_size 8, smaller than sluice_plugin_t"},
        {PLUGIN("bad_descriptor_same_name_twice"),
         "class name org.sluice.test.bad.Defective is declared twice"},
        {PLUGIN("bad_descriptor_no_classes"), "declares no classes"},
        {PLUGIN("bad_descriptor_bad_config_type"), "config key odd has an unknown type 99"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_refused(cases[i].file, cases[i].reason);
}

static void test_refuses_file_that_is_no_library(void)
{
    char dir[] = "/tmp/sluice-loader-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/garbage.so", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("not an ELF file\n", f);
    fclose(f);
    expect_refused(path, "cannot be loaded");
    unlink(path);
    rmdir(dir);
}

static void test_refuses_duplicate_naming_both_files(void)
{
    plugin_registry_t *registry = good_registry();
    char errstr[1024] = "";
    CU_ASSERT_EQUAL(
        plugin_registry_load(registry, PLUGIN("duplicate_plugin"), errstr, sizeof errstr), 1);
    ASSERT_CONTAINS(errstr, "/duplicate_plugin.so");
    ASSERT_CONTAINS(errstr, "/good_plugin.so");
    ASSERT_CONTAINS(errstr, "org.sluice.test.Uppercase");
    /* The whole library is refused, not just the clashing class. */
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 7);
    CU_ASSERT_PTR_NULL(plugin_registry_find_any(registry, "org.sluice.test.duplicate.Always"));
    /* The first registration still works. */
    const sluice_class_t *cls = plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, "Upper");
    CU_ASSERT(cls && ends_with(plugin_registry_file_of(registry, cls), "/good_plugin.so"));
    plugin_registry_destroy(registry);
}

static void test_missing_path(void)
{
    plugin_registry_t *registry = plugin_registry_new();
    char errstr[512] = "";
    CU_ASSERT_EQUAL(
        plugin_registry_load(registry, "/nonexistent/sluice/plugins", errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "/nonexistent/sluice/plugins");
    ASSERT_CONTAINS(errstr, "No such file or directory");
    plugin_registry_destroy(registry);
}

static void test_error_text_is_bounded(void)
{
    plugin_registry_t *registry = plugin_registry_new();
    char errstr[24];
    memset(errstr, 'x', sizeof errstr); /* not a string: the loader must start afresh */
    CU_ASSERT_EQUAL(plugin_registry_load(registry, PLUGIN("bad_abi_plugin"), errstr, sizeof errstr),
                    1);
    CU_ASSERT_EQUAL(strnlen(errstr, sizeof errstr), sizeof errstr - 1);
    CU_ASSERT_NSTRING_EQUAL(errstr, SLUICE_TEST_LOADER_PLUGIN_DIR, sizeof errstr - 1);
    /* Two refusals give two lines. */
    char lines[2048] = "";
    CU_ASSERT_EQUAL(plugin_registry_load(registry, PLUGIN("bad_abi_plugin"), lines, sizeof lines),
                    1);
    CU_ASSERT_EQUAL(plugin_registry_load(registry, PLUGIN("no_entry_plugin"), lines, sizeof lines),
                    1);
    const char *nl = strchr(lines, '\n');
    CU_ASSERT(nl && strstr(nl + 1, "no_entry_plugin.so") && !strchr(nl + 1, '\n'));
    plugin_registry_destroy(registry);
}

/* ---- directories and path lists ---------------------------------------------------- */

static void link_into(const char *dir, const char *name, const char *target)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CU_ASSERT_EQUAL(symlink(target, path), 0);
}

static void test_directory_layout(void)
{
    char dir[] = "/tmp/sluice-loader-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char sub[128], deeper[128], path[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/my-plugin", dir);
    snprintf(deeper, sizeof deeper, "%s/my-plugin/deps", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0700), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(deeper, 0700), 0);
    /* Top level: one good library, one refused, one file that is no .so. */
    link_into(dir, "good.so", GOOD_SO);
    link_into(dir, "abi2.so", PLUGIN("bad_abi_plugin"));
    link_into(dir, "README.txt", PLUGIN("no_entry_plugin"));
    /* One level down (Kafka's per-plugin directory) is read... */
    link_into(sub, "noentry.so", PLUGIN("no_entry_plugin"));
    /* ...two levels down is not. */
    link_into(deeper, "unknown.so", PLUGIN("bad_descriptor_unknown_kind"));

    plugin_registry_t *registry = plugin_registry_new();
    char errstr[2048] = "";
    CU_ASSERT_EQUAL(plugin_registry_load(registry, dir, errstr, sizeof errstr), 2);
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 7);
    /* Refusals come in name order: abi2.so before my-plugin/. */
    const char *abi = strstr(errstr, "bad_abi_plugin.so");
    const char *noentry = strstr(errstr, "no_entry_plugin.so");
    CU_ASSERT(abi && noentry && abi < noentry);
    CU_ASSERT_PTR_NULL(strstr(errstr, "unknown kind"));
    plugin_registry_destroy(registry);

    /* A path list: entries trimmed, empty entries skipped, a missing entry
     * reported while the others still load. */
    registry = plugin_registry_new();
    errstr[0] = '\0';
    char list[PATH_MAX * 2];
    snprintf(list, sizeof list, "  %s ,, %s/nope ,", GOOD_SO, dir);
    CU_ASSERT_EQUAL(plugin_registry_load_path_list(registry, list, errstr, sizeof errstr), -1);
    CU_ASSERT_EQUAL(plugin_registry_count(registry), 7);
    snprintf(path, sizeof path, "%s/nope", dir);
    ASSERT_CONTAINS(errstr, path);
    CU_ASSERT_EQUAL(plugin_registry_load_path_list(registry, "", errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(plugin_registry_load_path_list(registry, NULL, errstr, sizeof errstr), 0);
    plugin_registry_destroy(registry);

    const char *names[] = {"deps/unknown.so", "noentry.so", NULL};
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", sub, names[i]);
        unlink(path);
    }
    rmdir(deeper);
    rmdir(sub);
    const char *top[] = {"good.so", "abi2.so", "README.txt", NULL};
    for (size_t i = 0; top[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, top[i]);
        unlink(path);
    }
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

/* ---- the built-in plugins ---------------------------------------------------------- */

static void test_builtin_plugins_load(void)
{
    plugin_registry_t *registry = plugin_registry_new();
    char errstr[2048] = "";
    int refused = plugin_registry_load(registry, SLUICE_TEST_PLUGIN_DIR, errstr, sizeof errstr);
    if (refused != 0)
        fprintf(stderr, "\n  built-in plugins refused: %s\n", errstr);
    CU_ASSERT_EQUAL(refused, 0);
    CU_ASSERT(plugin_registry_count(registry) > 0);
    /* Every built-in class has a kind name and a version the CLI can print. */
    for (size_t i = 0; i < plugin_registry_count(registry); i++) {
        const sluice_class_t *cls = plugin_registry_class_at(registry, i);
        CU_ASSERT_PTR_NOT_NULL(sluice_class_kind_name(cls->kind));
        CU_ASSERT_PTR_NOT_NULL(cls->version);
    }
    plugin_registry_destroy(registry);

    /* The test binary is not beside a plugins directory; whatever the
     * built-in lookup answers must at least be a directory. */
    const char *dir = plugin_registry_builtin_dir();
    struct stat st;
    CU_ASSERT(dir == NULL || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)));
}

static void test_kind_names(void)
{
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_SOURCE_CONNECTOR), "source");
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_SINK_CONNECTOR), "sink");
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_CONVERTER), "converter");
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_HEADER_CONVERTER),
                           "header_converter");
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_TRANSFORM), "transformation");
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_PREDICATE), "predicate");
    CU_ASSERT_STRING_EQUAL(sluice_class_kind_name(SLUICE_CLASS_CONFIG_PROVIDER), "config_provider");
    CU_ASSERT_PTR_NULL(sluice_class_kind_name((sluice_class_kind_t)0));
    CU_ASSERT_PTR_NULL(sluice_class_kind_name((sluice_class_kind_t)8));
    CU_ASSERT_PTR_NULL(sluice_class_kind_name((sluice_class_kind_t)-1));
}

static void test_task_configs_list(void)
{
    sluice_task_configs_t *configs = task_configs_new();
    CU_ASSERT_EQUAL(task_configs_count(configs), 0);
    for (int i = 0; i < 20; i++) {
        char text[8];
        snprintf(text, sizeof text, "%d", i);
        sluice_strmap_set(sluice_task_configs_add(configs), "task.id", text);
    }
    CU_ASSERT_EQUAL(task_configs_count(configs), 20);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(task_configs_at(configs, 19), "task.id"), "19");
    CU_ASSERT_PTR_NULL(task_configs_at(configs, 20));
    task_configs_destroy(configs);
    task_configs_destroy(NULL);
    plugin_registry_destroy(NULL);
}

void test_register(void)
{
    /* Refusals are logged at ERROR by design; keep the test output readable. */
    log_set_level(SLUICE_LOG_OFF);
    TEST_SUITE("plugin_loader",
               {"good plugin registers every kind", test_good_plugin_registers_every_kind},
               {"same file twice is loaded once", test_same_file_twice_is_loaded_once},
               {"registries coexist", test_registries_coexist},
               {"find by name, alias and short names", test_find_by_name_alias_and_short_names},
               {"suggest close names", test_suggest_close_names},
               {"connector and task configs", test_connector_and_task_configs},
               {"source and sink tasks", test_source_and_sink_tasks},
               {"converters round trip", test_converters_round_trip},
               {"transform and predicate", test_transform_and_predicate},
               {"config provider", test_config_provider},
               {"refuses other ABI version", test_refuses_other_abi_version},
               {"refuses library without entry", test_refuses_library_without_entry},
               {"refuses undefined symbol", test_refuses_undefined_symbol},
               {"refuses bad descriptors", test_refuses_bad_descriptors},
               {"refuses file that is no library", test_refuses_file_that_is_no_library},
               {"refuses duplicate naming both files", test_refuses_duplicate_naming_both_files},
               {"missing path", test_missing_path},
               {"error text is bounded", test_error_text_is_bounded},
               {"directory layout", test_directory_layout},
               {"built-in plugins load", test_builtin_plugins_load},
               {"kind names", test_kind_names}, {"task configs list", test_task_configs_list});
}
