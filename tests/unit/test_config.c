/* Typed configs against a config table (worker/config.c). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/sluice.h>

#include "config_internal.h"
#include "test_util.h"

static int check_even(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    if (!value)
        return 0;
    if (strtol(value, NULL, 10) % 2) {
        snprintf(errstr, errstr_size, "%s must be even", name);
        return -1;
    }
    return 0;
}

/* A careless validator that quotes the password it rejects. */
static int check_strong(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    (void)name;
    if (value && strlen(value) < 8) {
        snprintf(errstr, errstr_size, "password '%s' is shorter than 8", value);
        return -1;
    }
    return 0;
}

static const sluice_config_key_t keys[] = {
    {.name = "name",
     .type = SLUICE_CONFIG_STRING,
     .required = true,
     .validator = SLUICE_NON_EMPTY_NO_CTRL,
     .doc = "Connector name"},
    {.name = "flag", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "false"},
    {.name = "count",
     .type = SLUICE_CONFIG_INT,
     .default_value = "10",
     .validator = SLUICE_RANGE(1, 100)},
    {.name = "port", .type = SLUICE_CONFIG_INT, .default_value = "8083"},
    {.name = "small", .type = SLUICE_CONFIG_SHORT, .default_value = "-5"},
    {.name = "big", .type = SLUICE_CONFIG_LONG, .default_value = "9223372036854775807"},
    {.name = "ratio",
     .type = SLUICE_CONFIG_DOUBLE,
     .default_value = "0.5",
     .validator = SLUICE_RANGE(0, 1)},
    {.name = "factor", .type = SLUICE_CONFIG_DOUBLE, .default_value = "2"},
    {.name = "topics", .type = SLUICE_CONFIG_LIST, .default_value = ""},
    {.name = "cls", .type = SLUICE_CONFIG_CLASS},
    {.name = "secret", .type = SLUICE_CONFIG_PASSWORD},
    {.name = "mode",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "bulk",
     .validator = SLUICE_ONE_OF("bulk", "incrementing", "timestamp")},
    {.name = "tolerance",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "none",
     .validator = SLUICE_ONE_OF_NOCASE("none", "all")},
    {.name = "formats",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "json",
     .validator = SLUICE_LIST_OF("json", "avro")},
    {.name = "prefix",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "x",
     .validator = SLUICE_NON_EMPTY},
    {.name = "hosts",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "h1",
     .validator = SLUICE_NON_EMPTY},
    {.name = "even",
     .type = SLUICE_CONFIG_INT,
     .default_value = "2",
     .validator = SLUICE_CHECK(check_even)},
    {.name = "db.password",
     .type = SLUICE_CONFIG_PASSWORD,
     .default_value = "changeme-default",
     .validator = SLUICE_CHECK(check_strong)},
    {.name = "min.bytes",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "1",
     .validator = SLUICE_AT_LEAST(0)},
    SLUICE_CONFIG_END};

static char errstr[4096];

/* Parses name=n plus the given key/value pairs (NULL-terminated). */
static sluice_config_t *config_with(const char *first, ...)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "name", "n");
    va_list ap;
    va_start(ap, first);
    for (const char *k = first; k; k = va_arg(ap, const char *))
        sluice_strmap_set(props, k, va_arg(ap, const char *));
    va_end(ap);
    errstr[0] = '\0';
    sluice_config_t *config = sluice_config_new(keys, props, errstr, sizeof errstr);
    sluice_strmap_destroy(props);
    return config;
}

/* Expects parsing key=value (with name=n) to fail with exactly message. */
static void expect_error(const char *key, const char *value, const char *message)
{
    sluice_config_t *config = config_with(key, value, NULL);
    CU_ASSERT_PTR_NULL(config);
    if (strcmp(errstr, message) != 0)
        fprintf(stderr, "\n  %s=%s: got \"%s\"\n  want \"%s\"\n", key, value, errstr, message);
    CU_ASSERT_STRING_EQUAL(errstr, message);
    sluice_config_destroy(config);
}

static void test_defaults(void)
{
    sluice_config_t *c = config_with(NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(errstr, "");
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "name"), "n");
    CU_ASSERT_FALSE(sluice_config_get_bool(c, "flag"));
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "count"), 10);
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "small"), -5);
    CU_ASSERT_EQUAL(sluice_config_get_long(c, "big"), INT64_MAX);
    CU_ASSERT_DOUBLE_EQUAL(sluice_config_get_double(c, "ratio"), 0.5, 1e-12);
    CU_ASSERT_EQUAL(sluice_config_get_list(c, "topics", NULL), 0);
    const char *const *items;
    CU_ASSERT_EQUAL(sluice_config_get_list(c, "formats", &items), 1);
    CU_ASSERT_STRING_EQUAL(items[0], "json");
    CU_ASSERT_PTR_NULL(items[1]);
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "mode"), "bulk");
    /* null defaults */
    CU_ASSERT_TRUE(sluice_config_is_null(c, "cls"));
    CU_ASSERT_PTR_NULL(sluice_config_get_string(c, "cls"));
    CU_ASSERT_TRUE(sluice_config_is_null(c, "secret"));
    CU_ASSERT_FALSE(sluice_config_is_null(c, "topics"));
    CU_ASSERT_PTR_EQUAL(sluice_config_keys(c), keys);
    sluice_config_destroy(c);
    sluice_config_destroy(NULL);
}

static void test_boolean(void)
{
    sluice_config_t *c = config_with("flag", " TRUE ", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(sluice_config_get_bool(c, "flag"));
    sluice_config_destroy(c);
    c = config_with("flag", "False", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_FALSE(sluice_config_get_bool(c, "flag"));
    sluice_config_destroy(c);
    expect_error("flag", "yes",
                 "Invalid value yes for configuration flag: Expected value to be either true or "
                 "false");
    expect_error("flag", "",
                 "Invalid value  for configuration flag: Expected value to be either "
                 "true or false");
}

static void test_integers(void)
{
    sluice_config_t *c = config_with("port", " 2147483647 ", "small", "-32768", "big",
                                     "-9223372036854775808", "count", "+7", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "port"), INT32_MAX);
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "small"), -32768);
    CU_ASSERT_EQUAL(sluice_config_get_long(c, "big"), INT64_MIN);
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "count"), 7);
    sluice_config_destroy(c);

    c = config_with("port", "-2147483648", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "port"), INT32_MIN);
    sluice_config_destroy(c);

    expect_error("port", "abc",
                 "Invalid value abc for configuration port: Not a number of type INT");
    expect_error("port", "2147483648",
                 "Invalid value 2147483648 for configuration port: Not a number of type INT");
    expect_error("port", "-2147483649",
                 "Invalid value -2147483649 for configuration port: Not a number of type INT");
    expect_error("port", "5.0",
                 "Invalid value 5.0 for configuration port: Not a number of type INT");
    expect_error("port", "", "Invalid value  for configuration port: Not a number of type INT");
    expect_error("port", "-", "Invalid value - for configuration port: Not a number of type INT");
    expect_error("port", "0x10",
                 "Invalid value 0x10 for configuration port: Not a number of type "
                 "INT");
    expect_error("small", "32768",
                 "Invalid value 32768 for configuration small: Not a number of type SHORT");
    expect_error("big", "9223372036854775808",
                 "Invalid value 9223372036854775808 for configuration big: Not a number of type "
                 "LONG");
    expect_error("big", "99999999999999999999999",
                 "Invalid value 99999999999999999999999 for configuration big: Not a number of "
                 "type LONG");
}

static void test_doubles(void)
{
    static const struct {
        const char *text;
        double value;
    } good[] = {
        {"0.25", 0.25}, {" 1e-3 ", 0.001}, {"1.5f", 1.5},    {"-2D", -2},
        {".5", 0.5},    {"3.", 3},         {"0x1p-2", 0.25}, {"1E2", 100},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        sluice_config_t *c = config_with("factor", good[i].text, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_DOUBLE_EQUAL(sluice_config_get_double(c, "factor"), good[i].value, 1e-12);
        sluice_config_destroy(c);
    }
    sluice_config_t *c = config_with("factor", "NaN", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(isnan(sluice_config_get_double(c, "factor")));
    sluice_config_destroy(c);
    c = config_with("factor", "-Infinity", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(isinf(sluice_config_get_double(c, "factor")));
    sluice_config_destroy(c);

    static const char *const bad[] = {"abc", "1e", "1.2.3", "inf", "nan", "", ".", "0x1", "1,5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[256];
        snprintf(want, sizeof want,
                 "Invalid value %s for configuration factor: Not a number of type DOUBLE", bad[i]);
        expect_error("factor", bad[i], want);
    }
}

static void test_lists_strings_classes(void)
{
    const char *const *items;
    sluice_config_t *c = config_with("topics", " a , b ,c ", "cls", "  com.example.Foo  ", "mode",
                                     " timestamp ", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL_FATAL(sluice_config_get_list(c, "topics", &items), 3);
    CU_ASSERT_STRING_EQUAL(items[0], "a");
    CU_ASSERT_STRING_EQUAL(items[1], "b");
    CU_ASSERT_STRING_EQUAL(items[2], "c");
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "cls"), "com.example.Foo");
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "mode"), "timestamp");
    /* the originals stay as given */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(sluice_config_originals(c), "cls"),
                           "  com.example.Foo  ");
    sluice_config_destroy(c);

    c = config_with("topics", "a,,b,", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL_FATAL(sluice_config_get_list(c, "topics", &items), 4);
    CU_ASSERT_STRING_EQUAL(items[1], "");
    CU_ASSERT_STRING_EQUAL(items[3], "");
    sluice_config_destroy(c);

    c = config_with("topics", "   ", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(sluice_config_get_list(c, "topics", &items), 0);
    CU_ASSERT_PTR_NOT_NULL(items);
    sluice_config_destroy(c);
}

static void test_getters_of_the_wrong_type(void)
{
    sluice_config_t *c = config_with("secret", " s3cret ", "unknown.key", "u", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(sluice_config_get_password(c, "secret"), "s3cret");
    CU_ASSERT_PTR_NULL(sluice_config_get_string(c, "secret")); /* passwords only via get_password */
    CU_ASSERT_PTR_NULL(sluice_config_get_password(c, "name"));
    CU_ASSERT_EQUAL(sluice_config_get_int(c, "big"), 0);
    CU_ASSERT_EQUAL(sluice_config_get_long(c, "count"), 0);
    CU_ASSERT_FALSE(sluice_config_get_bool(c, "name"));
    CU_ASSERT_EQUAL(sluice_config_get_double(c, "count"), 0);
    CU_ASSERT_EQUAL(sluice_config_get_list(c, "name", NULL), 0);
    /* unknown keys: not typed, but kept in the originals */
    CU_ASSERT_PTR_NULL(sluice_config_get_string(c, "unknown.key"));
    CU_ASSERT_TRUE(sluice_config_is_null(c, "unknown.key"));
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(sluice_config_originals(c), "unknown.key"), "u");
    sluice_config_destroy(c);
}

static void test_required(void)
{
    sluice_strmap_t *props = sluice_strmap_new();
    CU_ASSERT_PTR_NULL(sluice_config_new(keys, props, errstr, sizeof errstr));
    CU_ASSERT_STRING_EQUAL(errstr,
                           "Missing required configuration \"name\" which has no default value.");
    sluice_strmap_destroy(props);
    /* no table: anything goes */
    props = sluice_strmap_new();
    sluice_strmap_set(props, "a", "b");
    sluice_config_t *c = sluice_config_new(NULL, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(sluice_config_originals(c), "a"), "b");
    sluice_config_destroy(c);
    sluice_strmap_destroy(props);
}

static void test_validators(void)
{
    expect_error("count", "0", "Invalid value 0 for configuration count: Value must be at least 1");
    expect_error("count", "101",
                 "Invalid value 101 for configuration count: Value must be no more than 100");
    expect_error("ratio", "1.5",
                 "Invalid value 1.5 for configuration ratio: Value must be no more than 1");
    expect_error("ratio", "1e10",
                 "Invalid value 1.0E10 for configuration ratio: Value must be no more than 1");
    expect_error("ratio", "-0.001",
                 "Invalid value -0.001 for configuration ratio: Value must be at least 0");
    expect_error("min.bytes", "-1",
                 "Invalid value -1 for configuration min.bytes: Value must be at least 0");
    expect_error("mode", "Bulk",
                 "Invalid value Bulk for configuration mode: String must be one of: bulk, "
                 "incrementing, timestamp");
    expect_error("tolerance", "some",
                 "Invalid value some for configuration tolerance: String must be one of (case "
                 "insensitive): none, all");
    expect_error("formats", "json, xml",
                 "Invalid value xml for configuration formats: String must be one of: json, avro");
    expect_error("prefix", "  ",
                 "Invalid value  for configuration prefix: String must be non-empty");
    expect_error("hosts", "", "Invalid value [] for configuration hosts: List must be non-empty");
    expect_error("name", "", "Invalid value  for configuration name: String may not be empty");
    expect_error("name",
                 "a\tb\x7f"
                 "c\xc2\x85",
                 "Invalid value a\\u0009b\\u007Fc\xc2\x85 for configuration name: String may not "
                 "contain control sequences but had the following ASCII chars: 9, 127, 133");
    expect_error("even", "3", "Invalid value 3 for configuration even: even must be even");

    /* and what passes */
    sluice_config_t *c = config_with("count", "100", "ratio", "1", "tolerance", "ALL", "formats",
                                     "avro,json", "name", "caf\xc3\xa9 \xe2\x82\xac", "even", "4",
                                     "min.bytes", "9223372036854775807", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(sluice_config_get_string(c, "tolerance"), "ALL");
    CU_ASSERT_EQUAL(sluice_config_get_long(c, "min.bytes"), INT64_MAX);
    sluice_config_destroy(c);
}

static void test_passwords_never_in_errors(void)
{
    expect_error("db.password", "hunter2",
                 "Invalid value [hidden] for configuration db.password: password '[hidden]' is "
                 "shorter than 8");

    /* the text a user logs is masked too */
    sluice_config_t *c = config_with("db.password", "correct horse", "secret", "xyzzy", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    sluice_buf_t *out = sluice_buf_new();
    config_render(c, "JdbcSourceConnectorConfig", out);
    const char *text = sluice_buf_data(out);
    ASSERT_CONTAINS(text, "JdbcSourceConnectorConfig values: \n");
    ASSERT_CONTAINS(text, "\tdb.password = [hidden]\n");
    ASSERT_CONTAINS(text, "\tsecret = [hidden]\n");
    ASSERT_CONTAINS(text, "\tcls = null\n");
    ASSERT_CONTAINS(text, "\tformats = [json]\n");
    ASSERT_CONTAINS(text, "\tratio = 0.5\n");
    CU_ASSERT_PTR_NULL(strstr(text, "correct horse"));
    CU_ASSERT_PTR_NULL(strstr(text, "xyzzy"));
    /* sorted by name */
    CU_ASSERT_TRUE(strstr(text, "\tbig =") < strstr(text, "\tcls ="));
    CU_ASSERT_TRUE(strstr(text, "\tcls =") < strstr(text, "\tdb.password ="));

    sluice_buf_reset(out);
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "secret", "xyzzy");
    sluice_strmap_set(props, "producer.override.sasl.jaas.config", "user pass");
    sluice_strmap_set(props, "consumer.ssl.key.password", "kp");
    sluice_strmap_set(props, "mode", "bulk");
    config_render_props(keys, props, out);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "\tsecret = [hidden]\n"
                                                 "\tproducer.override.sasl.jaas.config = [hidden]\n"
                                                 "\tconsumer.ssl.key.password = [hidden]\n"
                                                 "\tmode = bulk\n");
    sluice_strmap_destroy(props);
    sluice_buf_destroy(out);
    sluice_config_destroy(c);
}

static void test_all_errors_collected(void)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "mode", "x");
    sluice_strmap_set(props, "count", "abc");
    sluice_strmap_set(props, "db.password", "tiny1");
    CU_ASSERT_PTR_NULL(sluice_config_new(keys, props, errstr, sizeof errstr));
    /* table order, one per line */
    CU_ASSERT_STRING_EQUAL(
        errstr, "Missing required configuration \"name\" which has no default value.\n"
                "Invalid value abc for configuration count: Not a number of type INT\n"
                "Invalid value x for configuration mode: String must be one of: bulk, "
                "incrementing, timestamp\n"
                "Invalid value [hidden] for configuration db.password: password '[hidden]' is "
                "shorter than 8");
    /* a short buffer is cut, never overrun */
    char tiny[16];
    CU_ASSERT_PTR_NULL(sluice_config_new(keys, props, tiny, sizeof tiny));
    CU_ASSERT_EQUAL(strlen(tiny), sizeof tiny - 1);
    CU_ASSERT_PTR_NULL(sluice_config_new(keys, props, NULL, 0));
    sluice_strmap_destroy(props);
}

static void test_validation_api(void)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "count", "0");
    sluice_strmap_set(props, "port", "x");
    sluice_strmap_set(props, "db.password", "pw");
    sluice_strmap_set(props, "undeclared", "u");
    sluice_config_validation_t *v = sluice_config_validate(keys, props);
    size_t nkeys = sizeof keys / sizeof keys[0] - 1;
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_count(v), nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        CU_ASSERT_STRING_EQUAL(sluice_config_validation_name_at(v, i), keys[i].name);
        CU_ASSERT_PTR_EQUAL(sluice_config_validation_key_at(v, i), &keys[i]);
    }
    const char *const *errors;
    /* name: required and missing */
    CU_ASSERT_PTR_NULL(sluice_config_validation_value_at(v, 0));
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_errors_at(v, 0, &errors), 1);
    CU_ASSERT_STRING_EQUAL(errors[0],
                           "Missing required configuration \"name\" which has no default value.");
    /* count: given and out of range */
    CU_ASSERT_STRING_EQUAL(sluice_config_validation_value_at(v, 2), "0");
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_errors_at(v, 2, &errors), 1);
    CU_ASSERT_STRING_EQUAL(errors[0], "Invalid value 0 for configuration count: Value must be at "
                                      "least 1");
    /* port: not a number */
    CU_ASSERT_EQUAL(sluice_config_validation_errors_at(v, 3, NULL), 1);
    /* flag: the default, no error */
    CU_ASSERT_STRING_EQUAL(sluice_config_validation_value_at(v, 1), "false");
    CU_ASSERT_EQUAL(sluice_config_validation_errors_at(v, 1, &errors), 0);
    CU_ASSERT_PTR_NOT_NULL(errors);
    /* a null default */
    CU_ASSERT_PTR_NULL(sluice_config_validation_value_at(v, 9));
    /* the password value is there for the caller to mask; its error is masked */
    size_t pw = nkeys - 2;
    CU_ASSERT_STRING_EQUAL(sluice_config_validation_value_at(v, pw), "pw");
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_errors_at(v, pw, &errors), 1);
    CU_ASSERT_PTR_NULL(strstr(errors[0], "'pw'"));
    CU_ASSERT_EQUAL(sluice_config_validation_error_count(v), 4);

    /* a connector's own checks */
    sluice_config_validation_add_error(v, "count", "Database %s is unreachable", "db1");
    sluice_config_validation_add_error(v, "connection.url", "Could not connect: %d", 111);
    CU_ASSERT_EQUAL(sluice_config_validation_error_count(v), 6);
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_errors_at(v, 2, &errors), 2);
    CU_ASSERT_STRING_EQUAL(errors[1], "Database db1 is unreachable");
    CU_ASSERT_PTR_NULL(errors[2]);
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_count(v), nkeys + 1);
    CU_ASSERT_STRING_EQUAL(sluice_config_validation_name_at(v, nkeys), "connection.url");
    CU_ASSERT_PTR_NULL(sluice_config_validation_key_at(v, nkeys));
    CU_ASSERT_PTR_NULL(sluice_config_validation_value_at(v, nkeys));
    CU_ASSERT_EQUAL_FATAL(sluice_config_validation_errors_at(v, nkeys, &errors), 1);
    CU_ASSERT_STRING_EQUAL(errors[0], "Could not connect: 111");
    /* out of range indexes answer nothing */
    CU_ASSERT_PTR_NULL(sluice_config_validation_name_at(v, nkeys + 1));
    CU_ASSERT_EQUAL(sluice_config_validation_errors_at(v, nkeys + 1, NULL), 0);
    sluice_config_validation_destroy(v);
    sluice_config_validation_destroy(NULL);

    /* a valid config validates clean */
    sluice_strmap_set(props, "name", "ok");
    sluice_strmap_set(props, "count", "5");
    sluice_strmap_set(props, "port", "1");
    sluice_strmap_set(props, "db.password", "long enough");
    v = sluice_config_validate(keys, props);
    CU_ASSERT_EQUAL(sluice_config_validation_error_count(v), 0);
    sluice_config_validation_destroy(v);
    sluice_strmap_destroy(props);
}

static void test_unknown_keys(void)
{
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "name", "n");
    sluice_strmap_set(props, "cuont", "1");                    /* swapped letters */
    sluice_strmap_set(props, "Mode", "bulk");                  /* case */
    sluice_strmap_set(props, "db.pasword", "x");               /* a dropped letter */
    sluice_strmap_set(props, "zzz.qqq", "1");                  /* nothing close */
    sluice_strmap_set(props, "producer.override.acks", "all"); /* an ignored prefix */
    static const char *const prefixes[] = {"producer.override.", "transforms.", NULL};
    sluice_strmap_t *unknown = config_unknown_keys(keys, props, prefixes);
    CU_ASSERT_EQUAL_FATAL(sluice_strmap_count(unknown), 4);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(unknown, 0), "cuont");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(unknown, "cuont"), "count");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(unknown, "Mode"), "mode");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(unknown, "db.pasword"), "db.password");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(unknown, "zzz.qqq"), "");
    sluice_strmap_destroy(unknown);

    /* they do not stop a config from parsing */
    sluice_config_t *c = sluice_config_new(keys, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL(c);
    sluice_config_destroy(c);
    CU_ASSERT_EQUAL(config_warn_unknown_keys("test", keys, props, prefixes), 4);
    sluice_strmap_destroy(props);
}

static void test_table_check(void)
{
    CU_ASSERT_EQUAL(config_table_check(keys, errstr, sizeof errstr), 0);
    CU_ASSERT_STRING_EQUAL(errstr, "");
    CU_ASSERT_EQUAL(config_table_check(NULL, errstr, sizeof errstr), 0);

    static const sluice_config_key_t bad[] = {
        {.name = "a", .type = SLUICE_CONFIG_INT, .default_value = "ten"},
        {.name = "a", .type = SLUICE_CONFIG_INT},
        {.name = "r", .type = SLUICE_CONFIG_STRING, .validator = SLUICE_RANGE(1, 2)},
        {.name = "q", .type = SLUICE_CONFIG_INT, .required = true, .default_value = "1"},
        {.name = "v",
         .type = SLUICE_CONFIG_INT,
         .default_value = "0",
         .validator = SLUICE_AT_LEAST(1)},
        {.name = "c", .type = SLUICE_CONFIG_STRING, .validator = {.kind = SLUICE_VALIDATOR_CUSTOM}},
        SLUICE_CONFIG_END};
    CU_ASSERT_EQUAL(config_table_check(bad, errstr, sizeof errstr), -1);
    CU_ASSERT_STRING_EQUAL(
        errstr,
        "Invalid value ten for configuration a: Not a number of type INT (the declared default; "
        "a bug in the plugin's config table)\n"
        "config key a is declared twice\n"
        "config key r (STRING): a RANGE validator needs an INT, SHORT, LONG or DOUBLE key\n"
        "config key q is required but has a default\n"
        "Invalid value 0 for configuration v: Value must be at least 1 (the declared default; a "
        "bug in the plugin's config table)\n"
        "config key c (STRING): a CUSTOM validator needs a check function");
}

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(sluice_config_type_name(SLUICE_CONFIG_BOOLEAN), "BOOLEAN");
    CU_ASSERT_STRING_EQUAL(sluice_config_type_name(SLUICE_CONFIG_SHORT), "SHORT");
    CU_ASSERT_STRING_EQUAL(sluice_config_type_name(SLUICE_CONFIG_PASSWORD), "PASSWORD");
    CU_ASSERT_STRING_EQUAL(sluice_config_type_name((sluice_config_type_t)99), "UNKNOWN");
    CU_ASSERT_STRING_EQUAL(sluice_importance_name(SLUICE_IMPORTANCE_HIGH), "HIGH");
    CU_ASSERT_STRING_EQUAL(sluice_importance_name(SLUICE_IMPORTANCE_LOW), "LOW");
    CU_ASSERT_STRING_EQUAL(sluice_importance_name((sluice_importance_t)7), "UNKNOWN");
}

void test_register(void)
{
    TEST_SUITE("config", {"defaults", test_defaults}, {"BOOLEAN", test_boolean},
               {"INT, SHORT, LONG", test_integers}, {"DOUBLE", test_doubles},
               {"LIST, STRING, CLASS", test_lists_strings_classes},
               {"getters of the wrong type", test_getters_of_the_wrong_type},
               {"required keys", test_required}, {"validators", test_validators},
               {"passwords never in errors or logs", test_passwords_never_in_errors},
               {"all errors collected", test_all_errors_collected},
               {"validation API", test_validation_api},
               {"unknown keys and suggestions", test_unknown_keys},
               {"table check", test_table_check}, {"type and importance names", test_names});
}
