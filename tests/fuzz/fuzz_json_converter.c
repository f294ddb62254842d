/*
 * JsonConverter (converters/json_converter.c) reading arbitrary bytes, with
 * schemas.enable true and false and with decimal.format NUMERIC (and a
 * one-entry schema cache, so eviction runs too). Beyond not crashing or
 * leaking:
 *  - a message it rejects gets an error message;
 *  - what it reads it can write (from_connect of to_connect's result);
 *  - what it writes it reads back as the same schema and value, and writing
 *    that again gives the same bytes.
 */
#include "fuzz_plugin.h"

#include "log.h"

typedef struct fuzz_conv {
    const char *label;
    const sluice_class_t *cls;
    sluice_config_t *config;
} fuzz_conv_t;

static fuzz_conv_t convs[3];
static sluice_ctx_t *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(SLUICE_LOG_OFF);
    const sluice_class_t *cls =
        fuzz_find_class(SLUICE_CLASS_CONVERTER, "org.apache.kafka.connect.json.JsonConverter");
    convs[0] = (fuzz_conv_t){"schemas.enable=true", cls,
                             fuzz_class_config(cls, "schemas.enable", "true", NULL)};
    convs[1] = (fuzz_conv_t){"schemas.enable=false", cls,
                             fuzz_class_config(cls, "schemas.enable", "false", NULL)};
    convs[2] = (fuzz_conv_t){"schemas.enable=true, decimal.format=NUMERIC, cache 1", cls,
                             fuzz_class_config(cls, "schemas.enable", "true", "decimal.format",
                                               "NUMERIC", "replace.null.with.default", "false",
                                               "schemas.cache.size", "1", NULL)};
    ctx = ctx_new("fuzz", "JsonConverter");
    return 0;
}

static void check_one(const fuzz_conv_t *c, const uint8_t *data, size_t size)
{
    const sluice_converter_ops_t *ops = c->cls->converter;
    void *self = NULL;
    char errstr[1024];
    FUZZ_CHECK(ops->create(ctx, c->config, false, &self, errstr, sizeof errstr) == SLUICE_OK,
               "create: %s", errstr);
    /* A record per input for its (empty) headers: from_connect may add to
     * them, and no input may see what an earlier one left. */
    sluice_record_t *record = sluice_record_new("topic");
    sluice_headers_t *headers = sluice_record_headers(record);

    const sluice_schema_t *schema = NULL;
    sluice_value_t *value = NULL;
    errstr[0] = '\0';
    sluice_result_t r =
        ops->to_connect(self, "topic", headers, data, size, &schema, &value, errstr, sizeof errstr);
    if (r != SLUICE_OK) {
        FUZZ_CHECK(errstr[0], "[%s] to_connect failed without a message", c->label);
        FUZZ_CHECK(!schema && !value, "[%s] to_connect failed but gave a result", c->label);
        ops->destroy(self);
        sluice_record_destroy(record);
        return;
    }

    sluice_buf_t *out = sluice_buf_new();
    r = ops->from_connect(self, "topic", headers, schema, value, out, errstr, sizeof errstr);
    FUZZ_CHECK(r == SLUICE_OK, "[%s] writing what was read failed: %s", c->label, errstr);

    /* The bytes written read back as the same data, and write the same. */
    const sluice_schema_t *schema2 = NULL;
    sluice_value_t *value2 = NULL;
    bool is_null = sluice_buf_is_null(out);
    r = ops->to_connect(self, "topic", headers, is_null ? NULL : sluice_buf_data(out),
                        sluice_buf_len(out), &schema2, &value2, errstr, sizeof errstr);
    FUZZ_CHECK(r == SLUICE_OK, "[%s] reading what was written failed: %s\n--- written ---\n%s",
               c->label, errstr, sluice_buf_data(out));
    FUZZ_CHECK(sluice_schema_equals(schema, schema2),
               "[%s] the schema read back differs\n--- written ---\n%s", c->label,
               sluice_buf_data(out));
    FUZZ_CHECK((!value && !value2) || (value && value2 && sluice_value_equals(value, value2)),
               "[%s] the value read back differs\n--- written ---\n%s", c->label,
               sluice_buf_data(out));
    sluice_buf_t *again = sluice_buf_new();
    r = ops->from_connect(self, "topic", headers, schema2, value2, again, errstr, sizeof errstr);
    FUZZ_CHECK(r == SLUICE_OK, "[%s] writing again failed: %s", c->label, errstr);
    FUZZ_CHECK(sluice_buf_is_null(again) == is_null &&
                   sluice_buf_len(again) == sluice_buf_len(out) &&
                   memcmp(sluice_buf_data(again), sluice_buf_data(out), sluice_buf_len(out)) == 0,
               "[%s] writing again gives other bytes\n--- first ---\n%s\n--- again ---\n%s",
               c->label, sluice_buf_data(out), sluice_buf_data(again));

    sluice_buf_destroy(again);
    sluice_schema_unref(schema2);
    sluice_value_destroy(value2);
    sluice_buf_destroy(out);
    sluice_schema_unref(schema);
    sluice_value_destroy(value);
    ops->destroy(self);
    sluice_record_destroy(record);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++)
        check_one(&convs[i], data, size);
    return 0;
}
