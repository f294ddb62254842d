/*
 * JsonConverter's reading fast path (converters/json_reader.c,
 * jsonr_fast_*): plain documents are read without jansson, everything else
 * through it, and both must give the same schema, value or error on every
 * input. The suites read a document as it is (fast path when it can) and
 * in a form only the jansson path reads, then compare:
 *   - without schemas, X against the first element of [X,01] (the fast
 *     path leaves leading zeros to jansson);
 *   - with schemas, an envelope against the same one whose "schema" key is
 *     written with an escape (the fast path takes plain keys only).
 */
#include <stdlib.h>
#include <string.h>

#include <sluice/plugin.h>

#include "converter_harness.h"
#include "test_util.h"

#define json_open(...) conv_open(SLUICE_CLASS_CONVERTER, "JsonConverter", __VA_ARGS__)

/* What reading one document gave. */
typedef struct outcome {
    sluice_result_t rc;
    const sluice_schema_t *schema;
    sluice_value_t *value;
    char err[2048];
} outcome_t;

static outcome_t read_doc(conv_t *c, const char *text)
{
    outcome_t o;
    o.rc = conv_read(c, text, strlen(text), &o.schema, &o.value);
    snprintf(o.err, sizeof o.err, "%s", conv_err);
    return o;
}

static void outcome_clear(outcome_t *o)
{
    sluice_schema_unref(o->schema);
    sluice_value_destroy(o->value);
}

/* The text a schemaless converter writes for value: keeps map order. */
static char *written(conv_t *writer, const sluice_value_t *value)
{
    sluice_result_t rc;
    sluice_buf_t *out = conv_write(writer, NULL, value, &rc);
    CU_ASSERT_EQUAL(rc, SLUICE_OK);
    char *text = strdup(sluice_buf_is_null(out) ? "(null)" : sluice_buf_data(out));
    sluice_buf_destroy(out);
    return text;
}

/* Asserts that a and b are the same value, type and (for maps) order. */
static void assert_same_value(conv_t *writer, const sluice_value_t *a, const sluice_value_t *b,
                              const char *input)
{
    bool same = (a == NULL) == (b == NULL) &&
                (!a || (sluice_value_type(a) == sluice_value_type(b) && sluice_value_equals(a, b)));
    char *ta = written(writer, a);
    char *tb = written(writer, b);
    if (!same || strcmp(ta, tb) != 0)
        fprintf(stderr, "\n  input %s\n  fast  %s\n  slow  %s\n", input, ta, tb);
    CU_ASSERT(same);
    CU_ASSERT_STRING_EQUAL(ta, tb);
    free(ta);
    free(tb);
}

/* ---- without schemas ------------------------------------------------------------ */

/* Valid documents, plain and not: every one must read alike both ways. */
static const char *const schemaless_docs[] = {
    "\"plain text\"",
    "\"12345678\"",
    "\"1234567890123456\"",
    "\"a long line of text with an escape \\t after many plain bytes, then more\"",
    "\"plain for a while and then a raw \xc3\xa9 and more plain bytes after it\"",
    "\"seventeen bytes!!\\\"\"",
    "\"\"",
    "\"quote \\\" backslash \\\\ slash \\/ controls \\b\\f\\n\\r\\t\"",
    "\"\\u00e9t\\u00C9 \\u20ac \\ud83d\\ude00 and NUL \\u0000 inside\"",
    "\"\\ud800\\udc00 \\udbff\\udfff \\uffff \\u007f\"",
    "\"raw UTF-8: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe4\xb8\xad\"",
    "\"0000000000000000000000000000000000000000000000000000000000000000000000000000000001\"",
    "0",
    "-0",
    "42",
    "-17",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "0.1",
    "-0.0",
    "1e5",
    "1E+5",
    "-1.5e-3",
    "2.5E-308",
    "5e-324",
    "1.7976931348623157e308",
    "3.141592653589793238462643383279",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[1,\"two\",3.5,true,null,[[]],{}]",
    "{\"a\":1,\"b\":{\"c\":[1,2,{\"d\":null}]},\"e\":\"f\"}",
    "{\"a\":1,\"b\":2,\"a\":3}",
    "{\"z\":1,\"y\":2,\"x\":3,\"w\":4,\"v\":5,\"u\":6,\"t\":7,\"s\":8,\"r\":9,\"q\":10}",
    "{\"k\\u00e9y\":\"v\",\"\\\"quoted\\\"\":1}",
    " \t\r\n {\"spaced\" : [ 1 , 2 ] } \n",
    "\xef\xbb\xbf\"after a byte order mark\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]"
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "007",
    "[-00.5e1]",
};

static void test_schemaless_reads_alike(void)
{
    conv_t *c = json_open("schemas.enable", "false", NULL);
    for (size_t i = 0; i < sizeof schemaless_docs / sizeof schemaless_docs[0]; i++) {
        const char *doc = schemaless_docs[i];
        /* The document as the second element's leading zero makes jansson
         * read it: [X,01] with the BOM and outer whitespace of X kept out. */
        const char *body = doc;
        if (strncmp(body, "\xef\xbb\xbf", 3) == 0)
            body += 3;
        size_t len = strlen(body) + 16;
        char *wrapped = malloc(len);
        snprintf(wrapped, len, "[%s,01]", body);

        outcome_t fast = read_doc(c, doc);
        outcome_t slow = read_doc(c, wrapped);
        if (fast.rc != SLUICE_OK || slow.rc != SLUICE_OK)
            fprintf(stderr, "\n  %s: %s / %s\n", doc, fast.err, slow.err);
        CU_ASSERT_EQUAL(fast.rc, SLUICE_OK);
        CU_ASSERT_EQUAL_FATAL(slow.rc, SLUICE_OK);
        CU_ASSERT_EQUAL_FATAL(sluice_value_array_count(slow.value), 2);
        assert_same_value(c, fast.value, sluice_value_array_get(slow.value, 0), doc);
        outcome_clear(&fast);
        outcome_clear(&slow);
        free(wrapped);
    }
    conv_close(c);
}

static void test_schemaless_refuses_what_jansson_refuses(void)
{
    static const char *const bad[] = {
        "\"\\ud800\"",        /* a lone high surrogate */
        "\"\\udc00\"",        /* a lone low surrogate */
        "\"\\ud800\\u0041\"", /* a high surrogate without its pair */
        "\"\\x\"",            /* an unknown escape */
        "\"\\u12G4\"",        /* not hex */
        "\"tab\there\"",      /* a raw control character */
        "\"a raw control character \x1f after twenty-odd plain bytes\"",
        "\"a raw DEL is fine but a bad byte \xff is not\"",
        "\"unterminated after more than eight bytes",
        "\"\xc0\xaf\"",         /* an overlong encoding */
        "\"\xed\xa0\x80\"",     /* a UTF-16 surrogate in UTF-8 */
        "\"\xf4\x90\x80\x80\"", /* beyond U+10FFFF */
        "\"\xe2\x82\"",         /* a truncated sequence */
        "\"unterminated",
        "{\"a\\u0000b\":1}", /* NUL in a key */
        "tru",
        "truex",
        "nul",
        "1.",
        "1.e5",
        "1e",
        "-",
        "+1",
        ".5",
        "1 2",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{a:1}",
        "[",
        "]",
        "1e999",
        "\"a\"x",
        "\x01",
    };
    conv_t *c = json_open("schemas.enable", "false", NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        outcome_t o = read_doc(c, bad[i]);
        if (o.rc == SLUICE_OK)
            fprintf(stderr, "\n  read, but should not: %s\n", bad[i]);
        CU_ASSERT_NOT_EQUAL(o.rc, SLUICE_OK);
        ASSERT_CONTAINS(o.err, "Converting byte[] to Kafka Connect data failed");
        outcome_clear(&o);
    }
    /* An empty document is null, as before. */
    outcome_t o = read_doc(c, " \n");
    CU_ASSERT_EQUAL(o.rc, SLUICE_OK);
    CU_ASSERT_PTR_NULL(o.value);
    conv_close(c);
}

/* ---- with schemas ---------------------------------------------------------------- */

typedef struct envelope_case {
    const char *schema;
    const char *payload;
} envelope_case_t;

static const envelope_case_t envelope_cases[] = {
    {"{\"type\":\"string\",\"optional\":false}", "\"a line of text\""},
    {"{\"type\":\"string\",\"optional\":false}", "\"esc\\u00e9 \\\" \\n\""},
    {"{\"type\":\"string\",\"optional\":false}", "null"},
    {"{\"type\":\"string\",\"optional\":true}", "null"},
    {"{\"type\":\"string\",\"optional\":false}", "42"},
    {"{\"type\":\"string\",\"optional\":true,\"default\":\"dflt\"}", "null"},
    {"{\"type\":\"int8\",\"optional\":false}", "127"},
    {"{\"type\":\"int8\",\"optional\":false}", "128"},
    {"{\"type\":\"int16\",\"optional\":false}", "-32768"},
    {"{\"type\":\"int32\",\"optional\":false}", "5.0"},
    {"{\"type\":\"int32\",\"optional\":false}", "5.5"},
    {"{\"type\":\"int32\",\"optional\":false}", "3000000000"},
    {"{\"type\":\"int64\",\"optional\":false}", "-9223372036854775808"},
    {"{\"type\":\"int64\",\"optional\":false}", "9223372036854775808"},
    {"{\"type\":\"float32\",\"optional\":false}", "1.25"},
    {"{\"type\":\"float64\",\"optional\":false}", "7"},
    {"{\"type\":\"float64\",\"optional\":false}", "\"NaN\""},
    {"{\"type\":\"float64\",\"optional\":false}", "2.5e-3"},
    {"{\"type\":\"boolean\",\"optional\":false}", "true"},
    {"{\"type\":\"boolean\",\"optional\":false}", "1"},
    {"{\"type\":\"bytes\",\"optional\":false}", "\"AQID\""},
    {"{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Date\","
     "\"version\":1}",
     "19000"},
    {"{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\","
     "\"version\":1,\"parameters\":{\"scale\":\"2\"}}",
     "\"AOY=\""},
    {"{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
     "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"}],\"optional\":false,"
     "\"name\":\"rec\"}",
     "{\"id\":7,\"name\":\"seven\",\"extra\":1}"},
    {"{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}],"
     "\"optional\":false}",
     "{\"name\":\"no id\"}"},
    {"{\"type\":\"array\",\"items\":{\"type\":\"int64\",\"optional\":false},\"optional\":false}",
     "[1,2,3]"},
    {"{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":false},"
     "\"values\":{\"type\":\"int32\",\"optional\":true},\"optional\":false}",
     "{\"b\":1,\"a\":null}"},
    {"{\"type\":\"int64\",\"optional\":false,\"default\":12345678901234567890}", "1"},
    {"null", "{\"free\":[1,\"form\"]}"},
    {"null", "\"just a string\""},
    {"{\"type\":\"nonsense\"}", "1"},
    {"{\"optional\":false}", "1"},
};

/* Builds {"schema":S,"payload":P}, its "schema" key written plainly or
 * with an escape; the caller frees it. */
static char *envelope(const envelope_case_t *e, bool escaped, bool payload_first)
{
    const char *key = escaped ? "\"sch\\u0065ma\"" : "\"schema\"";
    size_t len = strlen(e->schema) + strlen(e->payload) + 64;
    char *text = malloc(len);
    if (payload_first)
        snprintf(text, len, "{\"payload\" : %s , %s:%s}", e->payload, key, e->schema);
    else
        snprintf(text, len, "{%s:%s,\"payload\":%s}", key, e->schema, e->payload);
    return text;
}

static void assert_envelopes_read_alike(conv_t *c, conv_t *writer, const envelope_case_t *e,
                                        bool payload_first)
{
    char *plain = envelope(e, false, payload_first);
    char *escaped = envelope(e, true, payload_first);
    outcome_t fast = read_doc(c, plain);
    outcome_t slow = read_doc(c, escaped);
    if (fast.rc != slow.rc || (fast.rc != SLUICE_OK && strcmp(fast.err, slow.err) != 0))
        fprintf(stderr, "\n  input %s\n  fast  %d %s\n  slow  %d %s\n", plain, fast.rc, fast.err,
                slow.rc, slow.err);
    CU_ASSERT_EQUAL(fast.rc, slow.rc);
    if (fast.rc == SLUICE_OK && slow.rc == SLUICE_OK) {
        CU_ASSERT((fast.schema == NULL) == (slow.schema == NULL));
        CU_ASSERT(!fast.schema || sluice_schema_equals(fast.schema, slow.schema));
        assert_same_value(writer, fast.value, slow.value, plain);
    } else {
        CU_ASSERT_STRING_EQUAL(fast.err, slow.err);
    }
    outcome_clear(&fast);
    outcome_clear(&slow);
    free(plain);
    free(escaped);
}

static void test_envelopes_read_alike(void)
{
    conv_t *c = json_open(NULL);
    conv_t *replacing = json_open("replace.null.with.default", "true", NULL);
    conv_t *uncached = json_open("schemas.cache.size", "0", NULL);
    conv_t *writer = json_open("schemas.enable", "false", NULL);
    size_t n = sizeof envelope_cases / sizeof envelope_cases[0];
    /* Twice over, so that schemas come from the text cache the second
     * time, and in both member orders. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            assert_envelopes_read_alike(c, writer, &envelope_cases[i], round == 1);
            assert_envelopes_read_alike(replacing, writer, &envelope_cases[i], round == 1);
            assert_envelopes_read_alike(uncached, writer, &envelope_cases[i], round == 1);
        }
    }
    conv_close(c);
    conv_close(replacing);
    conv_close(uncached);
    conv_close(writer);
}

/* Many schemas taking turns (more than the text cache holds): each record
 * still gets its own schema. */
static void test_alternating_schemas(void)
{
    conv_t *c = json_open(NULL);
    for (int i = 0; i < 40; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":\"n%d\"},"
                 "\"payload\":%d}",
                 i % 7, i);
        outcome_t o = read_doc(c, text);
        CU_ASSERT_EQUAL_FATAL(o.rc, SLUICE_OK);
        char name[8];
        snprintf(name, sizeof name, "n%d", i % 7);
        CU_ASSERT_STRING_EQUAL(sluice_schema_name(o.schema), name);
        CU_ASSERT_EQUAL(sluice_value_get_int32(o.value), i);
        outcome_clear(&o);
    }
    conv_close(c);
}

/* Envelopes the fast path must not take as one. */
static void test_envelope_shapes(void)
{
    conv_t *c = json_open(NULL);
    static const char *const refused[] = {
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\",\"extra\":1}",
        "{\"schema\":{\"type\":\"string\"}}",
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"} trailing",
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"",
        "{\"schema\":{\"type\":\"string\"]},\"payload\":\"x\"}",
        "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\",}",
        "[{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"}]",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        outcome_t o = read_doc(c, refused[i]);
        if (o.rc == SLUICE_OK)
            fprintf(stderr, "\n  read, but should not: %s\n", refused[i]);
        CU_ASSERT_NOT_EQUAL(o.rc, SLUICE_OK);
        outcome_clear(&o);
    }
    /* A repeated member: jansson keeps the last one, and so does the
     * converter, whichever path reads it. */
    outcome_t o = read_doc(c, "{\"schema\":{\"type\":\"int32\"},\"payload\":1,\"payload\":2}");
    CU_ASSERT_EQUAL_FATAL(o.rc, SLUICE_OK);
    CU_ASSERT_EQUAL(sluice_value_get_int32(o.value), 2);
    outcome_clear(&o);
    conv_close(c);
}

void test_register(void)
{
    TEST_SUITE("json fast path: without schemas",
               {"reads as jansson does", test_schemaless_reads_alike},
               {"refuses what jansson refuses", test_schemaless_refuses_what_jansson_refuses});
    TEST_SUITE("json fast path: with schemas", {"envelopes read alike", test_envelopes_read_alike},
               {"alternating schemas", test_alternating_schemas},
               {"envelope shapes", test_envelope_shapes});
}
