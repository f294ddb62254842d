/*
 * Kafka's built-in transforms and predicates, loaded from the real
 * transforms.so through the plugin registry and driven through the public
 * ABI, as the worker's transform chain will drive them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/plugin.h>

#include "ctx.h"
#include "plugin_registry.h"
#include "test_util.h"

#define SMT "org.apache.kafka.connect.transforms."

static char err[2048];

typedef struct smt {
    plugin_registry_t *registry;
    const sluice_class_t *cls;
    sluice_config_t *config;
    sluice_ctx_t *ctx;
    void *self;
} smt_t;

static plugin_registry_t *load_registry(void)
{
    char loaderr[2048] = "";
    plugin_registry_t *registry = plugin_registry_new();
    int refused = plugin_registry_load(registry, SLUICE_TEST_PLUGIN_DIR "/transforms.so", loaderr,
                                       sizeof loaderr);
    if (refused)
        fprintf(stderr, "\n  loading transforms.so: %s\n", loaderr);
    CU_ASSERT_EQUAL_FATAL(refused, 0);
    return registry;
}

static sluice_strmap_t *props_from(va_list ap)
{
    sluice_strmap_t *props = sluice_strmap_new();
    for (const char *k = va_arg(ap, const char *); k; k = va_arg(ap, const char *))
        sluice_strmap_set(props, k, va_arg(ap, const char *));
    return props;
}

static const sluice_class_t *find_class(plugin_registry_t *registry, sluice_class_kind_t kind,
                                        const char *name)
{
    const sluice_class_t *cls = plugin_registry_find(registry, kind, name);
    if (!cls)
        fprintf(stderr, "\n  no %s class %s\n", sluice_class_kind_name(kind), name);
    return cls;
}

/* Creates an instance of the transform or predicate name with "key", "value"
 * … properties (NULL-terminated); fails the test when it cannot. */
static smt_t *smt_open(sluice_class_kind_t kind, const char *name, ...)
{
    smt_t *t = calloc(1, sizeof(*t));
    t->registry = load_registry();
    t->cls = find_class(t->registry, kind, name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->cls);
    va_list ap;
    va_start(ap, name);
    sluice_strmap_t *props = props_from(ap);
    va_end(ap);
    t->config = sluice_config_new(t->cls->config, props, err, sizeof err);
    sluice_strmap_destroy(props);
    if (!t->config)
        fprintf(stderr, "\n  config of %s: %s\n", name, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->config);
    t->ctx = ctx_new("transforms-test", t->cls->name);
    sluice_result_t rc =
        kind == SLUICE_CLASS_TRANSFORM
            ? t->cls->transform->create(t->ctx, t->config, &t->self, err, sizeof err)
            : t->cls->predicate->create(t->ctx, t->config, &t->self, err, sizeof err);
    if (rc != SLUICE_OK)
        fprintf(stderr, "\n  create %s: %s\n", name, err);
    CU_ASSERT_EQUAL_FATAL(rc, SLUICE_OK);
    return t;
}

static void smt_close(smt_t *t)
{
    if (t->cls->kind == SLUICE_CLASS_TRANSFORM)
        t->cls->transform->destroy(t->self);
    else
        t->cls->predicate->destroy(t->self);
    sluice_config_destroy(t->config);
    ctx_destroy(t->ctx);
    plugin_registry_destroy(t->registry);
    free(t);
}

/*
 * Tries to configure and create name with the properties; returns true when
 * either step refused, with the reason in err.
 */
static bool smt_refuses(sluice_class_kind_t kind, const char *name, ...)
{
    plugin_registry_t *registry = load_registry();
    const sluice_class_t *cls = find_class(registry, kind, name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    va_list ap;
    va_start(ap, name);
    sluice_strmap_t *props = props_from(ap);
    va_end(ap);
    err[0] = '\0';
    bool refused = true;
    sluice_config_t *config = sluice_config_new(cls->config, props, err, sizeof err);
    sluice_strmap_destroy(props);
    if (config) {
        sluice_ctx_t *ctx = ctx_new("transforms-test", cls->name);
        void *self = NULL;
        sluice_result_t rc = kind == SLUICE_CLASS_TRANSFORM
                                 ? cls->transform->create(ctx, config, &self, err, sizeof err)
                                 : cls->predicate->create(ctx, config, &self, err, sizeof err);
        refused = rc != SLUICE_OK;
        if (!refused) {
            if (kind == SLUICE_CLASS_TRANSFORM)
                cls->transform->destroy(self);
            else
                cls->predicate->destroy(self);
        }
        ctx_destroy(ctx);
        sluice_config_destroy(config);
    }
    plugin_registry_destroy(registry);
    return refused;
}

static sluice_result_t apply(smt_t *t, sluice_record_t *record)
{
    err[0] = '\0';
    return t->cls->transform->apply(t->self, record, err, sizeof err);
}

static bool test_pred(smt_t *t, const sluice_record_t *record)
{
    return t->cls->predicate->test(t->self, record);
}

/* ---- fixtures -------------------------------------------------------------------- */

/* struct Person { id: int32, name: optional string, age: optional int32 default 7 } */
static sluice_schema_t *person_schema(void)
{
    sluice_schema_t *schema = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(schema, "com.example.Person");
    sluice_schema_set_version(schema, 3);
    sluice_schema_set_doc(schema, "a person");
    sluice_schema_set_parameter(schema, "origin", "test");
    char why[256];
    CU_ASSERT_EQUAL(sluice_schema_add_field(
                        schema, "id", sluice_schema_of(SLUICE_TYPE_INT32, false), why, sizeof why),
                    0);
    CU_ASSERT_EQUAL(sluice_schema_add_field(schema, "name",
                                            sluice_schema_of(SLUICE_TYPE_STRING, true), why,
                                            sizeof why),
                    0);
    sluice_schema_t *age = sluice_schema_new(SLUICE_TYPE_INT32);
    sluice_schema_set_optional(age, true);
    CU_ASSERT_EQUAL(sluice_schema_set_default(age, sluice_value_int32(7), why, sizeof why), 0);
    CU_ASSERT_EQUAL(sluice_schema_add_field(schema, "age", age, why, sizeof why), 0);
    sluice_schema_unref(age);
    return schema;
}

/* A Person value; age NULL leaves the field null. */
static sluice_value_t *person(const sluice_schema_t *schema, int32_t id, const char *name,
                              const int32_t *age)
{
    char why[256];
    sluice_value_t *st = sluice_value_struct_new(schema);
    CU_ASSERT_EQUAL(sluice_value_struct_put(st, "id", sluice_value_int32(id), why, sizeof why), 0);
    if (name)
        CU_ASSERT_EQUAL(
            sluice_value_struct_put(st, "name", sluice_value_cstring(name), why, sizeof why), 0);
    if (age)
        CU_ASSERT_EQUAL(
            sluice_value_struct_put(st, "age", sluice_value_int32(*age), why, sizeof why), 0);
    return st;
}

/* A schemaless map {"id": 42, "name": "ann"}. */
static sluice_value_t *person_map(void)
{
    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "id", sluice_value_int64(42));
    sluice_value_map_put_str(map, "name", sluice_value_cstring("ann"));
    return map;
}

/* A sink-side record: topic "orders", partition 3, offset 1234, timestamp. */
static sluice_record_t *sink_record(void)
{
    sluice_record_t *r = sluice_record_new("orders");
    sluice_record_set_partition(r, 3);
    sluice_record_set_kafka_offset(r, 1234);
    sluice_record_set_timestamp(r, 1706659200000LL); /* 2024-01-31T00:00:00Z */
    return r;
}

static const char *str_of(const sluice_value_t *v)
{
    return v && sluice_value_type(v) == SLUICE_TYPE_STRING ? sluice_value_get_string(v, NULL)
                                                           : "(not a string)";
}

/* ---- the plugin -------------------------------------------------------------------- */

static void test_classes_and_aliases(void)
{
    plugin_registry_t *registry = load_registry();
    static const char *const transforms[] = {
        SMT "Filter",           SMT "InsertField$Key",    SMT "InsertField$Value",
        SMT "ReplaceField$Key", SMT "ReplaceField$Value", SMT "HoistField$Key",
        SMT "HoistField$Value", SMT "ExtractField$Key",   SMT "ExtractField$Value",
        SMT "ValueToKey",       SMT "RegexRouter",        SMT "TimestampRouter",
        SMT "InsertHeader",     SMT "DropHeaders",        NULL};
    for (size_t i = 0; transforms[i]; i++) {
        const sluice_class_t *cls = find_class(registry, SLUICE_CLASS_TRANSFORM, transforms[i]);
        CU_ASSERT_PTR_NOT_NULL(cls);
        if (cls)
            CU_ASSERT_STRING_EQUAL(cls->name, transforms[i]);
    }
    static const char *const predicates[] = {SMT "predicates.TopicNameMatches",
                                             SMT "predicates.RecordIsTombstone",
                                             SMT "predicates.HasHeaderKey", NULL};
    for (size_t i = 0; predicates[i]; i++)
        CU_ASSERT_PTR_NOT_NULL(find_class(registry, SLUICE_CLASS_PREDICATE, predicates[i]));

    /* simple names: Kafka's aliases for top-level classes, and Key/Value variants */
    const sluice_class_t *cls = find_class(registry, SLUICE_CLASS_TRANSFORM, "RegexRouter");
    CU_ASSERT_PTR_NOT_NULL(cls);
    cls = find_class(registry, SLUICE_CLASS_TRANSFORM, "InsertField$Value");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    CU_ASSERT_STRING_EQUAL(cls->name, SMT "InsertField$Value");
    cls = find_class(registry, SLUICE_CLASS_TRANSFORM, "ExtractField$Key");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    CU_ASSERT_STRING_EQUAL(cls->name, SMT "ExtractField$Key");
    cls = find_class(registry, SLUICE_CLASS_PREDICATE, "TopicNameMatches");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    CU_ASSERT_EQUAL(cls->kind, SLUICE_CLASS_PREDICATE);
    /* a predicate is not a transform */
    CU_ASSERT_PTR_NULL(
        plugin_registry_find(registry, SLUICE_CLASS_TRANSFORM, SMT "predicates.HasHeaderKey"));
    plugin_registry_destroy(registry);
}

/* ---- predicates -------------------------------------------------------------------- */

static void test_topic_name_matches(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "orders-\\d+", NULL);
    sluice_record_t *r = sluice_record_new("orders-12");
    CU_ASSERT_TRUE(test_pred(t, r));
    /* the whole name must match, as Java's matches() */
    sluice_record_set_topic(r, "orders-12-eu");
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_record_set_topic(r, "xorders-12");
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_record_destroy(r);
    r = sluice_record_new(NULL);
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_record_destroy(r);
    smt_close(t);

    /* Java classes and non-capturing groups */
    t = smt_open(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "(?:dev|prod)\\.[\\w.-]+",
                 NULL);
    r = sluice_record_new("prod.db-1.users");
    CU_ASSERT_TRUE(test_pred(t, r));
    sluice_record_set_topic(r, "prod.db 1");
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_record_set_topic(r, "stage.db");
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_record_destroy(r);
    smt_close(t);

    /* bracket special characters keep their Java meaning */
    t = smt_open(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "[\\]\\-^a]+", NULL);
    r = sluice_record_new("a-]^a");
    CU_ASSERT_TRUE(test_pred(t, r));
    sluice_record_set_topic(r, "ab");
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_record_destroy(r);
    smt_close(t);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "(a", NULL));
    ASSERT_CONTAINS(err, "configuration pattern");
    ASSERT_CONTAINS(err, "Invalid regex");
    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "a.*?b", NULL));
    ASSERT_CONTAINS(err, "configuration pattern");
    ASSERT_CONTAINS(err, "reluctant");
    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "(?i)orders", NULL));
    ASSERT_CONTAINS(err, "inline flags");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_PREDICATE, "TopicNameMatches", NULL));
    ASSERT_CONTAINS(err, "pattern");
}

/* Java patterns against topics: whole-match semantics and the translation of
 * Java syntax to POSIX. */
static void test_topic_name_matches_java_syntax(void)
{
    static const struct {
        const char *pattern, *topic;
        bool match;
    } cases[] = {
        {"a{2,3}", "aaa", true},      {"a{2,3}", "aaaa", false},
        {"[^\\d]+", "abc", true},     {"[^\\d]+", "ab1", false},
        {"\\Qa.b\\E", "a.b", true},   {"\\Qa.b\\E", "axb", false},
        {"a\\.b", "axb", false},      {"a|b|", "", true},
        {"\\s*x\\S", "  xy", true},   {"[a-c\\-]+", "a-c", true},
        {"[\\[\\]]+", "[]", true},    {"[\\^]", "^", true},
        {"[x^]", "^", true},          {"\\W", "-", true},
        {"\\W", "_", false},          {"(prod)?\\.?logs", "logs", true},
        {"(a)(?:b)(c)", "abc", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        smt_t *t =
            smt_open(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", cases[i].pattern, NULL);
        sluice_record_t *r = sluice_record_new(cases[i].topic);
        bool got = test_pred(t, r);
        if (got != cases[i].match)
            fprintf(stderr, "\n  pattern %s on topic '%s': expected %s\n", cases[i].pattern,
                    cases[i].topic, cases[i].match ? "a match" : "no match");
        CU_ASSERT_EQUAL(got, cases[i].match);
        sluice_record_destroy(r);
        smt_close(t);
    }
    static const char *const refused[] = {"a(?=b)",     "(?<n>a)", "a++",   "\\bx", "(a)\\1",
                                          "\\p{Alpha}", "[a&&b]",  "[[a]]", "a{x}", "a)"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        bool no =
            smt_refuses(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", refused[i], NULL);
        if (!no)
            fprintf(stderr, "\n  pattern %s was accepted\n", refused[i]);
        CU_ASSERT_TRUE(no);
        ASSERT_CONTAINS(err, "configuration pattern");
    }
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "", NULL));
    ASSERT_CONTAINS(err, "non-empty");
}

static void test_record_is_tombstone(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_PREDICATE, SMT "predicates.RecordIsTombstone", NULL);
    sluice_record_t *r = sluice_record_new("t");
    CU_ASSERT_TRUE(test_pred(t, r));
    sluice_record_set_value(r, NULL, sluice_value_cstring("x"));
    CU_ASSERT_FALSE(test_pred(t, r));
    /* a null value with a schema is still a tombstone; a null key is not what counts */
    sluice_record_set_value(r, sluice_schema_of(SLUICE_TYPE_STRING, true), NULL);
    sluice_record_set_key(r, NULL, sluice_value_cstring("k"));
    CU_ASSERT_TRUE(test_pred(t, r));
    sluice_record_destroy(r);
    smt_close(t);
}

static void test_has_header_key(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_PREDICATE, "HasHeaderKey", "name", "trace-id", NULL);
    sluice_record_t *r = sluice_record_new("t");
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_headers_add(sluice_record_headers(r), "other", NULL, NULL);
    CU_ASSERT_FALSE(test_pred(t, r));
    sluice_headers_add(sluice_record_headers(r), "trace-id", NULL, NULL); /* a null value counts */
    CU_ASSERT_TRUE(test_pred(t, r));
    sluice_record_destroy(r);
    smt_close(t);
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_PREDICATE, "HasHeaderKey", "name", "", NULL));
    ASSERT_CONTAINS(err, "configuration name");
}

/* ---- Filter ---------------------------------------------------------------------- */

static void test_filter(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, SMT "Filter", NULL);
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_value(r, NULL, sluice_value_cstring("x"));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_DROP);
    sluice_record_destroy(r);
    smt_close(t);
}

/* ---- InsertField ------------------------------------------------------------------- */

static void test_insert_field_schemaless(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertField$Value", "topic.field", "t",
                        "partition.field", "p!", "offset.field", "o", "timestamp.field", "ts?",
                        "static.field", "s", "static.value", "fixed", NULL);
    sluice_record_t *r = sink_record();
    sluice_record_set_value(r, NULL, person_map());
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    const sluice_value_t *v = sluice_record_value(r);
    CU_ASSERT_PTR_NULL(sluice_record_value_schema(r));
    CU_ASSERT_EQUAL(sluice_value_map_count(v), 7);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(v, "id")), 42);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(v, "t")), "orders");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_map_get_str(v, "p")), 3);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(v, "o")), 1234);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(v, "ts")), 1706659200000LL);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(v, "s")), "fixed");
    sluice_record_destroy(r);
    smt_close(t);

    /* no partition and no timestamp: those entries are left out, as in Kafka */
    t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertField$Value", "partition.field", "p",
                 "timestamp.field", "ts", "topic.field", "t", NULL);
    r = sluice_record_new("orders");
    sluice_record_set_value(r, NULL, sluice_value_map_new());
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_map_count(sluice_record_value(r)), 1);
    sluice_record_destroy(r);
    smt_close(t);
}

static void test_insert_field_with_schema(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, SMT "InsertField$Value", "topic.field", "topic!",
                        "partition.field", "part", "timestamp.field", "ts!", "static.field", "src",
                        "static.value", "db1", NULL);
    sluice_schema_t *schema = person_schema();
    sluice_record_t *r = sink_record();
    int32_t age = 30;
    sluice_record_set_value(r, schema, person(schema, 1, "ann", &age));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);

    const sluice_schema_t *out = sluice_record_value_schema(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_EQUAL(out, schema);
    /* name, version, doc and parameters carry over, as copySchemaBasics */
    CU_ASSERT_STRING_EQUAL(sluice_schema_name(out), "com.example.Person");
    int32_t version = 0;
    CU_ASSERT_TRUE(sluice_schema_version(out, &version));
    CU_ASSERT_EQUAL(version, 3);
    CU_ASSERT_STRING_EQUAL(sluice_schema_doc(out), "a person");
    CU_ASSERT_STRING_EQUAL(sluice_schema_parameter(out, "origin"), "test");
    CU_ASSERT_EQUAL_FATAL(sluice_schema_field_count(out), 7);
    static const char *const names[] = {"id", "name", "age", "topic", "part", "ts", "src"};
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(out, i), names[i]);
    const sluice_schema_t *f = sluice_schema_field_schema(out, 3);
    CU_ASSERT_EQUAL(sluice_schema_type(f), SLUICE_TYPE_STRING);
    CU_ASSERT_FALSE(sluice_schema_is_optional(f)); /* "!" */
    f = sluice_schema_field_schema(out, 4);
    CU_ASSERT_EQUAL(sluice_schema_type(f), SLUICE_TYPE_INT32);
    CU_ASSERT_TRUE(sluice_schema_is_optional(f)); /* no suffix: optional */
    f = sluice_schema_field_schema(out, 5);
    CU_ASSERT_TRUE(sluice_schema_is_logical(f, SLUICE_LOGICAL_TIMESTAMP));
    CU_ASSERT_EQUAL(sluice_schema_type(f), SLUICE_TYPE_INT64);
    CU_ASSERT_FALSE(sluice_schema_is_optional(f));

    const sluice_value_t *v = sluice_record_value(r);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(v, "id")), 1);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_struct_get(v, "name")), "ann");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(v, "age")), 30);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_struct_get(v, "topic")), "orders");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(v, "part")), 3);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_struct_get(v, "ts")), 1706659200000LL);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_struct_get(v, "src")), "db1");
    CU_ASSERT_EQUAL(sluice_value_validate(out, v, err, sizeof err), 0);

    /* schema caching: the same input schema gives the same derived schema object */
    sluice_record_t *r2 = sink_record();
    sluice_record_set_value(r2, schema, person(schema, 2, NULL, NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r2), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r2), out);
    /* replace.null.with.default=true: the null age takes its default */
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(sluice_record_value(r2), "age")),
                    7);

    /* an equal schema from another object shares the cached entry */
    sluice_schema_t *twin = person_schema();
    sluice_record_t *r3 = sink_record();
    sluice_record_set_value(r3, twin, person(twin, 3, "cy", NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r3), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r3), out);

    /* a different schema gets its own */
    sluice_schema_t *other = sluice_schema_new(SLUICE_TYPE_STRUCT);
    CU_ASSERT_EQUAL(sluice_schema_add_field(
                        other, "x", sluice_schema_of(SLUICE_TYPE_BOOLEAN, false), err, sizeof err),
                    0);
    sluice_record_t *r4 = sink_record();
    sluice_value_t *ov = sluice_value_struct_new(other);
    sluice_value_struct_put(ov, "x", sluice_value_boolean(true), err, sizeof err);
    sluice_record_set_value(r4, other, ov);
    CU_ASSERT_EQUAL_FATAL(apply(t, r4), SLUICE_OK);
    CU_ASSERT_PTR_NOT_EQUAL(sluice_record_value_schema(r4), out);
    CU_ASSERT_EQUAL(sluice_schema_field_count(sluice_record_value_schema(r4)), 5);

    sluice_record_destroy(r);
    sluice_record_destroy(r2);
    sluice_record_destroy(r3);
    sluice_record_destroy(r4);
    sluice_schema_unref(schema);
    sluice_schema_unref(twin);
    sluice_schema_unref(other);
    smt_close(t);
}

static void test_insert_field_key_and_defaults(void)
{
    /* $Key works on the key and leaves the value alone */
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertField$Key", "topic.field", "t",
                        "replace.null.with.default", "false", NULL);
    sluice_schema_t *schema = person_schema();
    sluice_record_t *r = sink_record();
    sluice_record_set_key(r, schema, person(schema, 5, NULL, NULL));
    sluice_record_set_value(r, NULL, sluice_value_cstring("payload"));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    const sluice_value_t *k = sluice_record_key(r);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_struct_get(k, "t")), "orders");
    /* replace.null.with.default=false keeps the null age */
    CU_ASSERT_PTR_NULL(sluice_value_struct_get(k, "age"));
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "payload");
    CU_ASSERT_PTR_NULL(sluice_record_value_schema(r));

    /* a null key passes unchanged (schema kept) */
    sluice_record_set_key(r, schema, NULL);
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_PTR_NULL(sluice_record_key(r));
    CU_ASSERT_PTR_EQUAL(sluice_record_key_schema(r), schema);
    sluice_record_destroy(r);
    sluice_schema_unref(schema);
    smt_close(t);
}

static void test_insert_field_errors(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertField$Value", "offset.field", "off", NULL);
    /* schemaless data must be a map */
    sluice_record_t *r = sink_record();
    sluice_record_set_value(r, NULL, sluice_value_cstring("text"));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "InsertField$Value");
    ASSERT_CONTAINS(err, "Only Map objects supported in absence of schema for [field insertion]");
    ASSERT_CONTAINS(err, "found: string");
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "text"); /* untouched */
    /* schema'd data must be a struct */
    sluice_record_set_value(r, sluice_schema_of(SLUICE_TYPE_INT32, false), sluice_value_int32(1));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "Only Struct objects supported for [field insertion], found: int32");
    sluice_record_destroy(r);
    /* the offset only exists on sink records */
    r = sluice_record_new("orders");
    sluice_record_set_value(r, NULL, sluice_value_map_new());
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "offset.field 'off'");
    ASSERT_CONTAINS(err, "Only SinkRecord supported");
    sluice_record_destroy(r);
    smt_close(t);

    /* a required timestamp field and a record without a timestamp */
    t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertField$Value", "timestamp.field", "ts!", NULL);
    sluice_schema_t *schema = person_schema();
    r = sluice_record_new("orders");
    sluice_record_set_value(r, schema, person(schema, 1, NULL, NULL));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "timestamp.field 'ts'");
    ASSERT_CONTAINS(err, "no timestamp");
    sluice_record_destroy(r);
    smt_close(t);

    /* a field that already exists */
    t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertField$Value", "topic.field", "name", NULL);
    r = sink_record();
    sluice_record_set_value(r, schema, person(schema, 1, NULL, NULL));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "cannot add field 'name' (topic.field)");
    sluice_record_destroy(r);
    sluice_schema_unref(schema);
    smt_close(t);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "InsertField$Value", NULL));
    ASSERT_CONTAINS(err, "No field insertion configured");
    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_TRANSFORM, "InsertField$Value", "static.field", "s", NULL));
    ASSERT_CONTAINS(err, "configuration static.value");
    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_TRANSFORM, "InsertField$Key", "partition.field", "!", NULL));
    ASSERT_CONTAINS(err, "configuration partition.field");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "InsertField$Key", "topic.field", "t",
                               "replace.null.with.default", "maybe", NULL));
    ASSERT_CONTAINS(err, "replace.null.with.default");
}

/* ---- RegexRouter ------------------------------------------------------------------- */

static void test_regex_router(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "RegexRouter", "regex", "(\\w+)-(\\d+)",
                        "replacement", "$2_$1\\$", NULL);
    sluice_record_t *r = sluice_record_new("orders-42");
    sluice_record_set_value(r, NULL, sluice_value_cstring("v"));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "42_orders$");
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "v");
    /* a topic that matches only in part is left alone */
    sluice_record_set_topic(r, "orders-42-x");
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "orders-42-x");
    sluice_record_destroy(r);
    smt_close(t);

    /* the classic prefix strip, and Java's reading of $10 with one group */
    t = smt_open(SLUICE_CLASS_TRANSFORM, SMT "RegexRouter", "regex", "(?:dev|prod)\\.(.*)",
                 "replacement", "$10", NULL);
    r = sluice_record_new("prod.users");
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "users0");
    sluice_record_destroy(r);
    smt_close(t);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "RegexRouter", "regex", "a[b", "replacement",
                               "x", NULL));
    ASSERT_CONTAINS(err, "configuration regex");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "RegexRouter", "regex", "(a)", "replacement",
                               "$x", NULL));
    ASSERT_CONTAINS(err, "configuration replacement");
    ASSERT_CONTAINS(err, "Illegal group reference");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "RegexRouter", "regex", "(a)", "replacement",
                               "${name}", NULL));
    ASSERT_CONTAINS(err, "named group");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "RegexRouter", "regex", "(a)", "replacement",
                               "$2", NULL));
    ASSERT_CONTAINS(err, "configuration replacement");
    ASSERT_CONTAINS(err, "No group 2");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "RegexRouter", "regex", "a", NULL));
    ASSERT_CONTAINS(err, "replacement");
}

/* ---- TimestampRouter --------------------------------------------------------------- */

static void test_timestamp_router(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "TimestampRouter", NULL);
    sluice_record_t *r = sink_record();
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "orders-20240131");
    /* missing timestamp */
    sluice_record_set_timestamp(r, -1);
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "Timestamp missing on record");
    sluice_record_destroy(r);
    smt_close(t);

    t = smt_open(SLUICE_CLASS_TRANSFORM, SMT "TimestampRouter", "topic.format",
                 "${timestamp}_${topic}", "timestamp.format",
                 "yy-M-d'T'HH:mm:ss.SSS 'o''clock' MMM", NULL);
    r = sluice_record_new("logs");
    sluice_record_set_timestamp(r, 1709260245123LL); /* 2024-03-01T02:30:45.123Z */
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "24-3-1T02:30:45.123 o'clock Mar_logs");
    /* midnight on the epoch's first day */
    sluice_record_set_topic(r, "logs");
    sluice_record_set_timestamp(r, 0);
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "70-1-1T00:00:00.000 o'clock Jan_logs");
    sluice_record_destroy(r);
    smt_close(t);

    t = smt_open(SLUICE_CLASS_TRANSFORM, "TimestampRouter", "timestamp.format", "yyyy/MMMM/dd",
                 "topic.format", "archive.${topic}.${timestamp}", NULL);
    r = sink_record();
    sluice_record_set_timestamp(r, 951782400000LL); /* 2000-02-29 */
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "archive.orders.2000/February/29");
    sluice_record_destroy(r);
    smt_close(t);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "TimestampRouter", "timestamp.format",
                               "yyyy-MM-dd EEE", NULL));
    ASSERT_CONTAINS(err, "configuration timestamp.format");
    ASSERT_CONTAINS(err, "'E'");
    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_TRANSFORM, "TimestampRouter", "timestamp.format", "yyyy'", NULL));
    ASSERT_CONTAINS(err, "Unterminated quote");
}

/* ---- ReplaceField ------------------------------------------------------------------ */

static void test_replace_field_schemaless(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "ReplaceField$Value", "exclude", "secret",
                        "renames", "id:user_id, name:full_name", NULL);
    sluice_record_t *r = sluice_record_new("t");
    sluice_value_t *map = person_map();
    sluice_value_map_put_str(map, "secret", sluice_value_cstring("pw"));
    sluice_record_set_value(r, NULL, map);
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    const sluice_value_t *v = sluice_record_value(r);
    CU_ASSERT_EQUAL(sluice_value_map_count(v), 2);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(v, "user_id")), 42);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(v, "full_name")), "ann");
    CU_ASSERT_PTR_NULL(sluice_value_map_get_str(v, "secret"));
    sluice_record_destroy(r);
    smt_close(t);

    /* include keeps only the listed fields, and exclude wins over include */
    t = smt_open(SLUICE_CLASS_TRANSFORM, "ReplaceField$Key", "include", "id,name", "exclude",
                 "name", NULL);
    r = sluice_record_new("t");
    sluice_record_set_key(r, NULL, person_map());
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_map_count(sluice_record_key(r)), 1);
    CU_ASSERT_PTR_NOT_NULL(sluice_value_map_get_str(sluice_record_key(r), "id"));
    /* non-map data */
    sluice_record_set_key(r, NULL, sluice_value_array_new());
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "ReplaceField$Key");
    ASSERT_CONTAINS(err, "found: array");
    /* a map whose keys are not field names */
    sluice_value_t *odd = sluice_value_map_new();
    sluice_value_map_put(odd, sluice_value_int32(1), sluice_value_cstring("x"));
    sluice_record_set_key(r, NULL, odd);
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "string keys");
    sluice_record_destroy(r);
    smt_close(t);
}

static void test_replace_field_with_schema(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "ReplaceField$Value", "exclude", "name", "renames",
                        "age:years", NULL);
    sluice_schema_t *schema = person_schema();
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_value(r, schema, person(schema, 9, "bo", NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    const sluice_schema_t *out = sluice_record_value_schema(r);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_field_count(out), 2);
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(out, 0), "id");
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(out, 1), "years");
    CU_ASSERT_STRING_EQUAL(sluice_schema_name(out), "com.example.Person");
    /* the renamed field keeps its schema, default included */
    CU_ASSERT_PTR_EQUAL(sluice_schema_field_schema(out, 1), sluice_schema_field_schema(schema, 2));
    const sluice_value_t *v = sluice_record_value(r);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(v, "id")), 9);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(v, "years")), 7); /* default */
    CU_ASSERT_EQUAL(sluice_value_validate(out, v, err, sizeof err), 0);

    sluice_record_t *r2 = sluice_record_new("t");
    int32_t age = 40;
    sluice_record_set_value(r2, schema, person(schema, 10, "cy", &age));
    CU_ASSERT_EQUAL_FATAL(apply(t, r2), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r2), out); /* cached */
    CU_ASSERT_EQUAL(
        sluice_value_get_int32(sluice_value_struct_get(sluice_record_value(r2), "years")), 40);
    sluice_record_destroy(r);
    sluice_record_destroy(r2);
    smt_close(t);

    /* renaming onto an existing field */
    t = smt_open(SLUICE_CLASS_TRANSFORM, "ReplaceField$Value", "renames", "age:id", NULL);
    r = sluice_record_new("t");
    sluice_record_set_value(r, schema, person(schema, 1, NULL, NULL));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "cannot rename field age to id");
    sluice_record_destroy(r);
    smt_close(t);
    sluice_schema_unref(schema);

    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_TRANSFORM, "ReplaceField$Value", "renames", "a:b,c", NULL));
    ASSERT_CONTAINS(err, "configuration renames");
    ASSERT_CONTAINS(err, "Invalid rename mapping: c");
    CU_ASSERT_TRUE(
        smt_refuses(SLUICE_CLASS_TRANSFORM, "ReplaceField$Value", "renames", "a:b:c", NULL));
    ASSERT_CONTAINS(err, "Invalid rename mapping: a:b:c");
}

/* ---- ValueToKey -------------------------------------------------------------------- */

static void test_value_to_key(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "ValueToKey", "fields", "name,id", NULL);
    sluice_schema_t *schema = person_schema();
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_value(r, schema, person(schema, 8, "di", NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    const sluice_schema_t *ks = sluice_record_key_schema(r);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_field_count(ks), 2);
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(ks, 0), "name");
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(ks, 1), "id");
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_struct_get(sluice_record_key(r), "name")), "di");
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(sluice_record_key(r), "id")), 8);
    /* the value is unchanged */
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r), schema);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_value_struct_get(sluice_record_value(r), "id")),
                    8);
    sluice_record_t *r2 = sluice_record_new("t");
    sluice_record_set_value(r2, schema, person(schema, 9, "ed", NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r2), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(sluice_record_key_schema(r2), ks);
    sluice_record_destroy(r2);

    /* schemaless */
    sluice_record_set_value(r, NULL, person_map());
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_PTR_NULL(sluice_record_key_schema(r));
    CU_ASSERT_EQUAL(sluice_value_map_count(sluice_record_key(r)), 2);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(sluice_record_key(r), "id")),
                    42);
    /* a tombstone cannot give a key */
    sluice_record_set_value(r, NULL, NULL);
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "ValueToKey: Only Map objects supported");
    ASSERT_CONTAINS(err, "found: null");
    sluice_record_destroy(r);
    smt_close(t);

    t = smt_open(SLUICE_CLASS_TRANSFORM, "ValueToKey", "fields", "id,missing", NULL);
    r = sluice_record_new("t");
    sluice_record_set_value(r, schema, person(schema, 1, NULL, NULL));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "Field does not exist: missing");
    sluice_record_destroy(r);
    smt_close(t);
    sluice_schema_unref(schema);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "ValueToKey", "fields", "", NULL));
    ASSERT_CONTAINS(err, "configuration fields");
}

/* ---- HoistField -------------------------------------------------------------------- */

static void test_hoist_field(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "HoistField$Value", "field", "line", NULL);
    const sluice_schema_t *str = sluice_schema_of(SLUICE_TYPE_STRING, false);
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_value(r, str, sluice_value_cstring("hello"));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    const sluice_schema_t *out = sluice_record_value_schema(r);
    CU_ASSERT_EQUAL(sluice_schema_type(out), SLUICE_TYPE_STRUCT);
    CU_ASSERT_EQUAL_FATAL(sluice_schema_field_count(out), 1);
    CU_ASSERT_STRING_EQUAL(sluice_schema_field_name(out, 0), "line");
    CU_ASSERT_PTR_EQUAL(sluice_schema_field_schema(out, 0), str);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_struct_get(sluice_record_value(r), "line")),
                           "hello");
    sluice_record_t *r2 = sluice_record_new("t");
    sluice_record_set_value(r2, str, sluice_value_cstring("again"));
    CU_ASSERT_EQUAL_FATAL(apply(t, r2), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r2), out);
    sluice_record_destroy(r2);
    /* a null for a required schema cannot be put in the struct */
    sluice_record_set_value(r, str, NULL);
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "null used for required field: \"line\"");
    /* schemaless: a map, null included */
    sluice_record_set_value(r, NULL, sluice_value_int64(5));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(
        sluice_value_get_int64(sluice_value_map_get_str(sluice_record_value(r), "line")), 5);
    sluice_record_set_value(r, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_map_count(sluice_record_value(r)), 1);
    sluice_record_destroy(r);
    smt_close(t);

    t = smt_open(SLUICE_CLASS_TRANSFORM, SMT "HoistField$Key", "field", "id", NULL);
    r = sluice_record_new("t");
    sluice_record_set_key(r, sluice_schema_of(SLUICE_TYPE_INT64, true), sluice_value_int64(77));
    sluice_record_set_value(r, NULL, sluice_value_cstring("v"));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_struct_get(sluice_record_key(r), "id")),
                    77);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "v");
    sluice_record_destroy(r);
    smt_close(t);
}

/* ---- ExtractField ------------------------------------------------------------------ */

static void test_extract_field(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "ExtractField$Value", "field", "name", NULL);
    sluice_schema_t *schema = person_schema();
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_value(r, schema, person(schema, 1, "fay", NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r), sluice_schema_field_schema(schema, 1));
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "fay");
    /* null passes through, taking the field's schema */
    sluice_record_set_value(r, schema, NULL);
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_PTR_NULL(sluice_record_value(r));
    CU_ASSERT_PTR_EQUAL(sluice_record_value_schema(r), sluice_schema_field_schema(schema, 1));
    /* schemaless */
    sluice_record_set_value(r, NULL, person_map());
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "ann");
    sluice_record_set_value(r, NULL, sluice_value_map_new()); /* absent: null */
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_PTR_NULL(sluice_record_value(r));
    sluice_record_set_value(r, NULL, sluice_value_int32(3));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "ExtractField$Value: Only Map objects supported in absence of schema for "
                         "[field extraction], found: int32");
    sluice_record_destroy(r);
    smt_close(t);

    /* the default of a null field, and $Key */
    t = smt_open(SLUICE_CLASS_TRANSFORM, "ExtractField$Key", "field", "age", NULL);
    r = sluice_record_new("t");
    sluice_record_set_key(r, schema, person(schema, 1, NULL, NULL));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_record_key(r)), 7);
    sluice_record_destroy(r);
    smt_close(t);

    t = smt_open(SLUICE_CLASS_TRANSFORM, "ExtractField$Value", "field", "nope", NULL);
    r = sluice_record_new("t");
    sluice_record_set_value(r, schema, person(schema, 1, NULL, NULL));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "Unknown field: nope");
    sluice_record_set_value(r, schema, sluice_value_cstring("not a struct"));
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "Only Struct objects supported for [field extraction], found: string");
    sluice_record_destroy(r);
    smt_close(t);
    sluice_schema_unref(schema);
}

static void test_extract_field_nested(void)
{
    /* { "a.b": { "c": "deep" } } through V2 paths */
    sluice_schema_t *inner = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_add_field(inner, "c", sluice_schema_of(SLUICE_TYPE_STRING, false), err,
                            sizeof err);
    sluice_schema_t *outer = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_add_field(outer, "a.b", inner, err, sizeof err);
    sluice_value_t *iv = sluice_value_struct_new(inner);
    sluice_value_struct_put(iv, "c", sluice_value_cstring("deep"), err, sizeof err);
    sluice_value_t *ov = sluice_value_struct_new(outer);
    sluice_value_struct_put(ov, "a.b", iv, err, sizeof err);

    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "ExtractField$Value", "field", "`a.b`.c",
                        "field.syntax.version", "v2", NULL);
    sluice_record_t *r = sluice_record_new("t");
    sluice_record_set_value(r, outer, ov);
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_record_value(r)), "deep");
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_record_value_schema(r)), SLUICE_TYPE_STRING);

    sluice_value_t *m_inner = sluice_value_map_new();
    sluice_value_map_put_str(m_inner, "c", sluice_value_int8(4));
    sluice_value_t *m = sluice_value_map_new();
    sluice_value_map_put_str(m, "a.b", m_inner);
    sluice_record_set_value(r, NULL, m);
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_get_int8(sluice_record_value(r)), 4);
    sluice_record_destroy(r);
    smt_close(t);
    sluice_schema_unref(inner);
    sluice_schema_unref(outer);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "ExtractField$Value", "field", "`a.b",
                               "field.syntax.version", "V2", NULL));
    ASSERT_CONTAINS(err, "Incomplete backtick pair");
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "ExtractField$Value", "field", "a",
                               "field.syntax.version", "V3", NULL));
    ASSERT_CONTAINS(err, "configuration field.syntax.version");
}

/* ---- headers ----------------------------------------------------------------------- */

/* Runs InsertHeader with literal and checks the header's type. */
static const sluice_value_t *insert_literal(const char *literal, sluice_record_t *r)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, "InsertHeader", "header", "h", "value.literal",
                        literal, NULL);
    CU_ASSERT_EQUAL(apply(t, r), SLUICE_OK);
    smt_close(t);
    const sluice_headers_t *hs = sluice_record_headers_const(r);
    int i = sluice_headers_last_index(hs, "h");
    CU_ASSERT_FATAL(i >= 0);
    return sluice_headers_value_at(hs, (size_t)i);
}

static void test_insert_header(void)
{
    sluice_record_t *r = sluice_record_new("t");
    const sluice_value_t *v = insert_literal("hello world", r);
    CU_ASSERT_STRING_EQUAL(str_of(v), "hello world");
    CU_ASSERT_EQUAL(sluice_schema_type(sluice_headers_schema_at(sluice_record_headers_const(r), 0)),
                    SLUICE_TYPE_STRING);
    v = insert_literal("42", r);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT8);
    CU_ASSERT_EQUAL(sluice_value_get_int8(v), 42);
    v = insert_literal("-1000", r);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT16);
    v = insert_literal("1e5", r);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT32);
    CU_ASSERT_EQUAL(sluice_value_get_int32(v), 100000);
    v = insert_literal("9000000000", r);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT64);
    v = insert_literal("2.50", r);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_FLOAT32);
    CU_ASSERT_DOUBLE_EQUAL(sluice_value_get_float32(v), 2.5, 1e-9);
    v = insert_literal("3.0", r); /* integral: Kafka reads an int */
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_INT8);
    v = insert_literal("true", r);
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_BOOLEAN);
    CU_ASSERT_TRUE(sluice_value_get_boolean(v));
    v = insert_literal("12abc", r);
    CU_ASSERT_STRING_EQUAL(str_of(v), "12abc");
    v = insert_literal("null", r);
    CU_ASSERT_PTR_NULL(v);
    v = insert_literal("", r);
    CU_ASSERT_STRING_EQUAL(str_of(v), "");
    v = insert_literal("123456789012345678901234", r); /* beyond int64: a Decimal */
    CU_ASSERT_EQUAL(sluice_value_type(v), SLUICE_TYPE_BYTES);
    int last = sluice_headers_last_index(sluice_record_headers_const(r), "h");
    CU_ASSERT_TRUE(sluice_schema_is_logical(
        sluice_headers_schema_at(sluice_record_headers_const(r), (size_t)last),
        SLUICE_LOGICAL_DECIMAL));
    /* every run added one more header with the same key */
    CU_ASSERT_EQUAL(sluice_headers_count(sluice_record_headers_const(r)), 12);
    sluice_record_destroy(r);

    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "InsertHeader", "header", "h", NULL));
    ASSERT_CONTAINS(err, "value.literal");
}

static void test_drop_headers(void)
{
    smt_t *t = smt_open(SLUICE_CLASS_TRANSFORM, SMT "DropHeaders", "headers", "a, b", NULL);
    sluice_record_t *r = sluice_record_new("t");
    sluice_headers_t *hs = sluice_record_headers(r);
    sluice_headers_add(hs, "a", NULL, sluice_value_cstring("1"));
    sluice_headers_add(hs, "keep", NULL, sluice_value_cstring("2"));
    sluice_headers_add(hs, "b", NULL, NULL);
    sluice_headers_add(hs, "a", NULL, sluice_value_cstring("3"));
    CU_ASSERT_EQUAL_FATAL(apply(t, r), SLUICE_OK);
    CU_ASSERT_EQUAL_FATAL(sluice_headers_count(hs), 1);
    CU_ASSERT_STRING_EQUAL(sluice_headers_key_at(hs, 0), "keep");
    sluice_record_destroy(r);
    smt_close(t);
    CU_ASSERT_TRUE(smt_refuses(SLUICE_CLASS_TRANSFORM, "DropHeaders", "headers", "", NULL));
    ASSERT_CONTAINS(err, "configuration headers");
}

/* ---- a chain, as a worker would run it ------------------------------------------- */

static void test_chain_value_to_key_then_extract(void)
{
    /* Kafka's documented example: copy a field into the key, then unwrap it */
    smt_t *copy = smt_open(SLUICE_CLASS_TRANSFORM, "ValueToKey", "fields", "id", NULL);
    smt_t *unwrap = smt_open(SLUICE_CLASS_TRANSFORM, "ExtractField$Key", "field", "id", NULL);
    smt_t *only = smt_open(SLUICE_CLASS_PREDICATE, "TopicNameMatches", "pattern", "orders", NULL);
    smt_t *drop = smt_open(SLUICE_CLASS_TRANSFORM, "Filter", NULL);
    sluice_schema_t *schema = person_schema();
    for (int i = 0; i < 3; i++) {
        sluice_record_t *r = sluice_record_new(i == 2 ? "payments" : "orders");
        sluice_record_set_value(r, schema, person(schema, 100 + i, NULL, NULL));
        CU_ASSERT_EQUAL_FATAL(apply(copy, r), SLUICE_OK);
        CU_ASSERT_EQUAL_FATAL(apply(unwrap, r), SLUICE_OK);
        CU_ASSERT_EQUAL(sluice_schema_type(sluice_record_key_schema(r)), SLUICE_TYPE_INT32);
        CU_ASSERT_EQUAL(sluice_value_get_int32(sluice_record_key(r)), 100 + i);
        /* Filter with negate=true on TopicNameMatches: keep only "orders" */
        sluice_result_t rc = !test_pred(only, r) ? apply(drop, r) : SLUICE_OK;
        CU_ASSERT_EQUAL(rc, i == 2 ? SLUICE_DROP : SLUICE_OK);
        sluice_record_destroy(r);
    }
    sluice_schema_unref(schema);
    smt_close(copy);
    smt_close(unwrap);
    smt_close(only);
    smt_close(drop);
}

void test_register(void)
{
    TEST_SUITE("transforms plugin", {"classes and aliases", test_classes_and_aliases});
    TEST_SUITE("predicates", {"TopicNameMatches", test_topic_name_matches},
               {"TopicNameMatches Java syntax", test_topic_name_matches_java_syntax},
               {"RecordIsTombstone", test_record_is_tombstone},
               {"HasHeaderKey", test_has_header_key});
    TEST_SUITE("Filter", {"drops", test_filter});
    TEST_SUITE("InsertField", {"schemaless", test_insert_field_schemaless},
               {"with schema and cache", test_insert_field_with_schema},
               {"$Key and defaults", test_insert_field_key_and_defaults},
               {"errors", test_insert_field_errors});
    TEST_SUITE("RegexRouter", {"routes", test_regex_router});
    TEST_SUITE("TimestampRouter", {"routes", test_timestamp_router});
    TEST_SUITE("ReplaceField", {"schemaless", test_replace_field_schemaless},
               {"with schema", test_replace_field_with_schema});
    TEST_SUITE("ValueToKey", {"copies", test_value_to_key});
    TEST_SUITE("HoistField", {"wraps", test_hoist_field});
    TEST_SUITE("ExtractField", {"extracts", test_extract_field},
               {"nested V2 paths", test_extract_field_nested});
    TEST_SUITE("headers", {"InsertHeader", test_insert_header}, {"DropHeaders", test_drop_headers});
    TEST_SUITE("chains",
               {"ValueToKey, ExtractField, Filter", test_chain_value_to_key_then_extract});
}
