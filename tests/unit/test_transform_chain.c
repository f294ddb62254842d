/*
 * The transform chain built from connector properties, as Kafka's
 * transforms / predicates configs describe it, over the real transforms.so
 * loaded through the plugin registry.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/plugin.h>

#include "plugin_registry.h"
#include "test_util.h"
#include "transform_chain.h"

#define SMT "org.apache.kafka.connect.transforms."

static plugin_registry_t *registry;
static char err[4096];

static plugin_registry_t *load_registry(void)
{
    char loaderr[2048] = "";
    plugin_registry_t *reg = plugin_registry_new();
    int refused =
        plugin_registry_load(reg, SLUICE_TEST_PLUGIN_DIR "/transforms.so", loaderr, sizeof loaderr);
    if (refused)
        fprintf(stderr, "\n  loading transforms.so: %s\n", loaderr);
    CU_ASSERT_EQUAL_FATAL(refused, 0);
    return reg;
}

/* Builds a chain from "key", "value" … pairs; NULL with the reason in err
 * when it is refused. */
static transform_chain_t *chain_vof(const char *first, va_list ap)
{
    if (!registry)
        registry = load_registry();
    sluice_strmap_t *props = sluice_strmap_new();
    /* a connector's own keys sit beside the chain's and must not disturb it */
    sluice_strmap_set(props, "name", "local-file-source");
    sluice_strmap_set(props, "connector.class", "FileStreamSource");
    for (const char *k = first; k; k = va_arg(ap, const char *))
        sluice_strmap_set(props, k, va_arg(ap, const char *));
    err[0] = '\0';
    transform_chain_t *chain =
        transform_chain_new(registry, props, "local-file-source|task-0", err, sizeof err);
    sluice_strmap_destroy(props);
    return chain;
}

/* The pairs are NULL-terminated. */
static transform_chain_t *chain_of(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    transform_chain_t *chain = chain_vof(first, ap);
    va_end(ap);
    return chain;
}

/* As chain_of, failing the test when the chain is refused. */
static transform_chain_t *chain_ok(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    transform_chain_t *chain = chain_vof(first, ap);
    va_end(ap);
    if (!chain)
        fprintf(stderr, "\n  chain refused: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(chain);
    return chain;
}

#define CHAIN_OK(...) chain_ok(__VA_ARGS__, NULL)

/* A schemaless source record: value {"id": 7}. */
static sluice_record_t *map_record(const char *topic)
{
    sluice_record_t *r = sluice_record_new(topic);
    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "id", sluice_value_int64(7));
    sluice_record_set_value(r, NULL, map);
    return r;
}

static const char *str_of(const sluice_value_t *v)
{
    return v && sluice_value_type(v) == SLUICE_TYPE_STRING ? sluice_value_get_string(v, NULL)
                                                           : "(not a string)";
}

static sluice_result_t run(transform_chain_t *chain, sluice_record_t *r)
{
    err[0] = '\0';
    return transform_chain_apply(chain, r, err, sizeof err);
}

/* ---- applying --------------------------------------------------------------------- */

static void test_empty_chain_passes_through(void)
{
    transform_chain_t *chain = CHAIN_OK("topic", "connect-test");
    CU_ASSERT_EQUAL(transform_chain_count(chain), 0);
    sluice_record_t *r = map_record("orders");
    CU_ASSERT_EQUAL(run(chain, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "orders");
    CU_ASSERT_EQUAL(sluice_value_map_count(sluice_record_value(r)), 1);
    CU_ASSERT_EQUAL(transform_chain_failed_stage(chain), -1);
    sluice_record_destroy(r);
    transform_chain_destroy(chain);

    /* an explicitly empty list, blanks around it, is the same */
    chain = CHAIN_OK("transforms", " ", "predicates", "");
    CU_ASSERT_EQUAL(transform_chain_count(chain), 0);
    transform_chain_destroy(chain);
    transform_chain_destroy(NULL);
}

static void test_stages_run_in_order(void)
{
    transform_chain_t *chain = CHAIN_OK(
        "transforms", "insertSource, route", /* items are trimmed */
        "transforms.insertSource.type", SMT "InsertField$Value",
        "transforms.insertSource.static.field", "source", "transforms.insertSource.static.value",
        "orders-db", "transforms.insertSource.topic.field", "origin", "transforms.route.type",
        "RegexRouter", "transforms.route.regex", "(.*)s", "transforms.route.replacement",
        "copy-$1");
    CU_ASSERT_EQUAL(transform_chain_count(chain), 2);
    CU_ASSERT_STRING_EQUAL(transform_chain_alias_at(chain, 0), "insertSource");
    CU_ASSERT_STRING_EQUAL(transform_chain_alias_at(chain, 1), "route");
    CU_ASSERT_STRING_EQUAL(transform_chain_class_at(chain, 1), SMT "RegexRouter");
    CU_ASSERT_PTR_NULL(transform_chain_alias_at(chain, 2));

    sluice_record_t *r = map_record("orders");
    CU_ASSERT_EQUAL(run(chain, r), SLUICE_OK);
    /* the router ran after InsertField: the inserted topic is the original one */
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "copy-order");
    const sluice_value_t *v = sluice_record_value(r);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(v, "source")), "orders-db");
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(v, "origin")), "orders");
    CU_ASSERT_PTR_NOT_NULL(sluice_value_map_get_str(v, "id"));
    sluice_record_destroy(r);

    /* the reverse order routes first, so the inserted topic is the new one */
    transform_chain_destroy(chain);
    chain = CHAIN_OK("transforms", "route,insertSource", "transforms.insertSource.type",
                     "InsertField$Value", "transforms.insertSource.topic.field", "origin",
                     "transforms.route.type", "RegexRouter", "transforms.route.regex", "(.*)s",
                     "transforms.route.replacement", "copy-$1");
    r = map_record("orders");
    CU_ASSERT_EQUAL(run(chain, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(sluice_record_value(r), "origin")),
                           "copy-order");
    sluice_record_destroy(r);
    transform_chain_destroy(chain);
}

static void test_filter_drops_and_stops(void)
{
    transform_chain_t *chain = CHAIN_OK(
        "transforms", "drop,route", "transforms.drop.type", "Filter", "transforms.route.type",
        "RegexRouter", "transforms.route.regex", ".*", "transforms.route.replacement", "routed");
    sluice_record_t *r = map_record("orders");
    CU_ASSERT_EQUAL(run(chain, r), SLUICE_DROP);
    CU_ASSERT_EQUAL(transform_chain_failed_stage(chain), 0);
    /* the stages after the drop did not run */
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "orders");
    sluice_record_destroy(r);
    transform_chain_destroy(chain);
}

static void test_predicate_selects_records(void)
{
    transform_chain_t *chain =
        CHAIN_OK("transforms", "dropOrders", "transforms.dropOrders.type", SMT "Filter",
                 "transforms.dropOrders.predicate", "isOrders", "predicates", "isOrders",
                 "predicates.isOrders.type", SMT "predicates.TopicNameMatches",
                 "predicates.isOrders.pattern", "orders-.*");
    sluice_record_t *orders = map_record("orders-eu");
    sluice_record_t *users = map_record("users");
    CU_ASSERT_EQUAL(run(chain, orders), SLUICE_DROP);
    CU_ASSERT_EQUAL(run(chain, users), SLUICE_OK);
    CU_ASSERT_EQUAL(transform_chain_failed_stage(chain), -1);
    transform_chain_destroy(chain);

    /* negate=true: the filter applies to every topic but the matching ones */
    chain = CHAIN_OK("transforms", "dropOrders", "transforms.dropOrders.type", "Filter",
                     "transforms.dropOrders.predicate", "isOrders", "transforms.dropOrders.negate",
                     "TRUE", "predicates", "isOrders", "predicates.isOrders.type",
                     "TopicNameMatches", "predicates.isOrders.pattern", "orders-.*");
    CU_ASSERT_EQUAL(run(chain, orders), SLUICE_OK);
    CU_ASSERT_EQUAL(run(chain, users), SLUICE_DROP);
    transform_chain_destroy(chain);

    /* negate=false is the default, written out */
    chain = CHAIN_OK("transforms", "dropOrders", "transforms.dropOrders.type", "Filter",
                     "transforms.dropOrders.predicate", "isOrders", "transforms.dropOrders.negate",
                     "false", "predicates", "isOrders", "predicates.isOrders.type",
                     "TopicNameMatches", "predicates.isOrders.pattern", "orders-.*");
    CU_ASSERT_EQUAL(run(chain, orders), SLUICE_DROP);
    CU_ASSERT_EQUAL(run(chain, users), SLUICE_OK);
    transform_chain_destroy(chain);
    sluice_record_destroy(orders);
    sluice_record_destroy(users);
}

static void test_predicate_shared_by_stages(void)
{
    /* two stages use one predicate alias; a predicate skips only its stage */
    transform_chain_t *chain = CHAIN_OK(
        "transforms", "tagOrders,tagOthers,route", "transforms.tagOrders.type", "InsertField$Value",
        "transforms.tagOrders.static.field", "kind", "transforms.tagOrders.static.value", "order",
        "transforms.tagOrders.predicate", "isOrders", "transforms.tagOthers.type",
        "InsertField$Value", "transforms.tagOthers.static.field", "kind",
        "transforms.tagOthers.static.value", "other", "transforms.tagOthers.predicate", "isOrders",
        "transforms.tagOthers.negate", "true", "transforms.route.type", "RegexRouter",
        "transforms.route.regex", "(.*)", "transforms.route.replacement", "all-$1", "predicates",
        "isOrders,unused", "predicates.isOrders.type", "TopicNameMatches",
        "predicates.isOrders.pattern", "orders", "predicates.unused.type", "RecordIsTombstone");
    sluice_record_t *orders = map_record("orders");
    sluice_record_t *users = map_record("users");
    CU_ASSERT_EQUAL(run(chain, orders), SLUICE_OK);
    CU_ASSERT_EQUAL(run(chain, users), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(sluice_record_value(orders), "kind")),
                           "order");
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(sluice_record_value(users), "kind")),
                           "other");
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(orders), "all-orders");
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(users), "all-users");
    sluice_record_destroy(orders);
    sluice_record_destroy(users);
    transform_chain_destroy(chain);
}

static void test_apply_error_names_stage(void)
{
    transform_chain_t *chain =
        CHAIN_OK("transforms", "route,insertSource", "transforms.route.type", "RegexRouter",
                 "transforms.route.regex", "(.*)", "transforms.route.replacement", "x-$1",
                 "transforms.insertSource.type", SMT "InsertField$Value",
                 "transforms.insertSource.static.field", "source",
                 "transforms.insertSource.static.value", "db");
    /* a bare string value: InsertField needs a map without a schema */
    sluice_record_t *r = sluice_record_new("orders");
    sluice_record_set_value(r, NULL, sluice_value_cstring("plain"));
    CU_ASSERT_EQUAL(run(chain, r), SLUICE_FATAL);
    ASSERT_CONTAINS(err, "transform 'insertSource' (InsertField$Value) failed: ");
    ASSERT_CONTAINS(err, "failed: Only Map objects supported");
    CU_ASSERT_EQUAL(transform_chain_failed_stage(chain), 1);
    CU_ASSERT_STRING_EQUAL(transform_chain_class_at(chain, 1), SMT "InsertField$Value");
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "x-orders");

    /* resuming at the failed stage does not run the router a second time */
    sluice_value_t *map = sluice_value_map_new();
    sluice_record_set_value(r, NULL, map);
    err[0] = 'x';
    CU_ASSERT_EQUAL(transform_chain_apply_from(chain, 1, r, err, sizeof err), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(err, "");
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "x-orders");
    CU_ASSERT_STRING_EQUAL(str_of(sluice_value_map_get_str(sluice_record_value(r), "source")),
                           "db");
    CU_ASSERT_EQUAL(transform_chain_failed_stage(chain), -1);

    /* a tiny errstr is cut, not overrun */
    sluice_record_set_value(r, NULL, sluice_value_cstring("plain"));
    char tiny[12];
    CU_ASSERT_EQUAL(transform_chain_apply(chain, r, tiny, sizeof tiny), SLUICE_FATAL);
    CU_ASSERT_EQUAL(strlen(tiny), sizeof tiny - 1);
    sluice_record_destroy(r);
    transform_chain_destroy(chain);
}

/* ---- refusing bad configs ------------------------------------------------------------- */

static void expect_refused(transform_chain_t *chain, const char *needle1, const char *needle2)
{
    CU_ASSERT_PTR_NULL(chain);
    transform_chain_destroy(chain);
    ASSERT_CONTAINS(err, needle1);
    if (needle2)
        ASSERT_CONTAINS(err, needle2);
}

static void test_unknown_class(void)
{
    expect_refused(chain_of("transforms", "route", "transforms.route.type", "RegexRoutr",
                            "transforms.route.regex", ".*", "transforms.route.replacement", "x",
                            NULL),
                   "Invalid value RegexRoutr for configuration transforms.route.type: Class "
                   "RegexRoutr could not be found",
                   "did you mean " SMT "RegexRouter");
    /* a class of another kind is named as such */
    expect_refused(chain_of("transforms", "t", "transforms.t.type", "TopicNameMatches", NULL),
                   "transforms.t.type", "is a predicate, not a Transformation");
    expect_refused(chain_of("transforms", "f", "transforms.f.type", "Filter",
                            "transforms.f.predicate", "p", "predicates", "p", "predicates.p.type",
                            "Filter", NULL),
                   "predicates.p.type", "is a transformation, not a Predicate");
    expect_refused(
        chain_of("transforms", "f", "transforms.f.type", "Filter", "transforms.f.predicate", "p",
                 "predicates", "p", "predicates.p.type", "NoSuchPredicate", NULL),
        "configuration predicates.p.type: Class NoSuchPredicate could not be found", NULL);
}

static void test_missing_type(void)
{
    expect_refused(chain_of("transforms", "route", "transforms.route.regex", ".*", NULL),
                   "Missing required configuration \"transforms.route.type\"", NULL);
    expect_refused(chain_of("transforms", "route", "transforms.route.type", "", NULL),
                   "transforms.route.type", NULL);
    expect_refused(chain_of("predicates", "p", NULL),
                   "Missing required configuration \"predicates.p.type\"", NULL);
}

static void test_predicate_alias_not_declared(void)
{
    expect_refused(chain_of("transforms", "f", "transforms.f.type", "Filter",
                            "transforms.f.predicate", "isFoo", "predicates", "isBar",
                            "predicates.isBar.type", "RecordIsTombstone", NULL),
                   "configuration transforms.f.predicate",
                   "predicate alias 'isFoo' is not listed in predicates");
    /* no predicates at all */
    expect_refused(chain_of("transforms", "f", "transforms.f.type", "Filter",
                            "transforms.f.predicate", "isFoo", NULL),
                   "transforms.f.predicate", "'isFoo'");
}

static void test_negate_rules(void)
{
    /* Kafka refuses negate without a predicate, with this wording */
    expect_refused(chain_of("transforms", "f", "transforms.f.type", "Filter", "transforms.f.negate",
                            "true", NULL),
                   "Config 'transforms.f.negate' was provided but there is no config "
                   "'transforms.f.predicate' defining a predicate to be negated.",
                   NULL);
    expect_refused(chain_of("transforms", "f", "transforms.f.type", "Filter",
                            "transforms.f.predicate", "p", "transforms.f.negate", "yes",
                            "predicates", "p", "predicates.p.type", "RecordIsTombstone", NULL),
                   "Invalid value yes for configuration transforms.f.negate", "true or false");
}

static void test_bad_transform_config(void)
{
    /* a required key missing, named with its full path */
    expect_refused(chain_of("transforms", "route", "transforms.route.type", "RegexRouter",
                            "transforms.route.replacement", "x", NULL),
                   "Missing required configuration \"transforms.route.regex\"", NULL);
    /* a value the class's validator refuses */
    expect_refused(chain_of("transforms", "route", "transforms.route.type", "RegexRouter",
                            "transforms.route.regex", "a(", "transforms.route.replacement", "x",
                            NULL),
                   "for configuration transforms.route.regex", NULL);
    /* a bad predicate config */
    expect_refused(chain_of("transforms", "f", "transforms.f.type", "Filter",
                            "transforms.f.predicate", "p", "predicates", "p", "predicates.p.type",
                            "TopicNameMatches", NULL),
                   "Missing required configuration \"predicates.p.pattern\"", NULL);
    /* a cross-key rule the transform's create refuses: its key gets the path */
    expect_refused(chain_of("transforms", "ins", "transforms.ins.type", "InsertField$Value",
                            "transforms.ins.static.field", "source", NULL),
                   "for configuration transforms.ins.static.value: ", NULL);
    /* one naming no key gets the alias and class in front */
    expect_refused(chain_of("transforms", "ins", "transforms.ins.type", "InsertField$Value", NULL),
                   "transforms.ins (InsertField$Value): ", NULL);
}

static void test_alias_lists(void)
{
    expect_refused(chain_of("transforms", "a,a", "transforms.a.type", "Filter", NULL),
                   "Invalid value a,a for configuration transforms: Duplicate alias provided",
                   NULL);
    expect_refused(chain_of("predicates", "p,p", "predicates.p.type", "RecordIsTombstone", NULL),
                   "configuration predicates: Duplicate alias", NULL);
    expect_refused(chain_of("transforms", "a,,b", "transforms.a.type", "Filter",
                            "transforms.b.type", "Filter", NULL),
                   "configuration transforms: an alias is empty", NULL);
}

static void test_every_problem_reported(void)
{
    transform_chain_t *chain =
        chain_of("transforms", "one,two,three", "transforms.one.type", "Filtr",
                 "transforms.two.type", "RegexRouter", "transforms.three.type", "Filter",
                 "transforms.three.predicate", "nope", NULL);
    CU_ASSERT_PTR_NULL(chain);
    ASSERT_CONTAINS(err, "transforms.one.type");
    ASSERT_CONTAINS(err, "transforms.two.regex");
    ASSERT_CONTAINS(err, "transforms.two.replacement");
    ASSERT_CONTAINS(err, "transforms.three.predicate");
    /* one problem per line */
    size_t lines = 1;
    for (const char *p = err; *p; p++)
        lines += *p == '\n';
    CU_ASSERT_EQUAL(lines, 4);
}

static void test_stage_config_is_stripped(void)
{
    /* type, predicate and negate are the chain's, not the transform's: an
     * InsertField would warn about them but still work; the router's own
     * keys arrive without the prefix */
    transform_chain_t *chain = CHAIN_OK(
        "transforms", "r", "transforms.r.type", "RegexRouter", "transforms.r.regex", "a",
        "transforms.r.replacement", "b", "transforms.r.predicate", "always", "predicates", "always",
        "predicates.always.type", "TopicNameMatches", "predicates.always.pattern", ".*",
        /* another alias's keys do not leak in */
        "transforms.rr.regex", "(");
    sluice_record_t *r = map_record("a");
    CU_ASSERT_EQUAL(run(chain, r), SLUICE_OK);
    CU_ASSERT_STRING_EQUAL(sluice_record_topic(r), "b");
    sluice_record_destroy(r);
    transform_chain_destroy(chain);
}

static void test_cleanup(void)
{
    plugin_registry_destroy(registry);
    registry = NULL;
}

void test_register(void)
{
    TEST_SUITE(
        "transform_chain", {"empty chain passes through", test_empty_chain_passes_through},
        {"stages run in order", test_stages_run_in_order},
        {"Filter drops and stops the chain", test_filter_drops_and_stops},
        {"predicate and negate select records", test_predicate_selects_records},
        {"predicate shared by stages", test_predicate_shared_by_stages},
        {"apply error names the stage; resume", test_apply_error_names_stage},
        {"unknown class refused", test_unknown_class}, {"missing type refused", test_missing_type},
        {"undeclared predicate alias refused", test_predicate_alias_not_declared},
        {"negate rules", test_negate_rules},
        {"bad transform config refused", test_bad_transform_config},
        {"alias lists", test_alias_lists}, {"every problem reported", test_every_problem_reported},
        {"stage config is stripped", test_stage_config_is_stripped}, {"cleanup", test_cleanup});
}
