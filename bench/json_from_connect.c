/*
 * JsonConverter's Connect → JSON cost per record, for the record the JDBC
 * source benchmark (bench/jdbc_source.py) produces: a 5-field struct
 * (int64 id, string name, Decimal(2) amount, Timestamp created, int32 flag),
 * all required, with schemas.enable=true and then false.
 *
 *     json_from_connect [RECORDS [converters.so]]     (1000000, the build's)
 *
 * The converter is loaded from converters.so through the plugin registry
 * and driven through its ops, as the worker does (one output buffer reset
 * per record). 1024 distinct records are built once and converted in turn.
 * Prints ns per record and an FNV-1a hash of every output byte, so two
 * builds of the converter can be compared for speed and for identical
 * output. Pass another converters.so (say, one built from an older tree) to
 * compare against it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sluice/plugin.h>

#include "ctx.h"
#include "plugin_registry.h"

#define BENCH_DISTINCT 1024

static double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void bench_check(int rc, const char *what, const char *why)
{
    if (rc != 0) {
        fprintf(stderr, "json_from_connect: %s: %s\n", what, why);
        exit(1);
    }
}

/* The schema jdbc_source_columns.c builds for the benchmark's table. */
static sluice_schema_t *bench_schema(void)
{
    char why[256];
    sluice_schema_t *st = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(st, "t");
    sluice_schema_t *amount = sluice_schema_decimal(2);
    sluice_schema_set_parameter(amount, "connect.decimal.precision", "12");
    sluice_schema_t *created = sluice_schema_timestamp();
    const sluice_schema_t *fields[] = {sluice_schema_of(SLUICE_TYPE_INT64, false),
                                       sluice_schema_of(SLUICE_TYPE_STRING, false), amount, created,
                                       sluice_schema_of(SLUICE_TYPE_INT32, false)};
    const char *names[] = {"id", "name", "amount", "created", "flag"};
    for (size_t i = 0; i < 5; i++)
        bench_check(sluice_schema_add_field(st, names[i], fields[i], why, sizeof why), "schema",
                    why);
    sluice_schema_unref(amount);
    sluice_schema_unref(created);
    return st;
}

/* Row seq of the benchmark's table: seq, 'name-seq', seq / 100 (two's
 * complement, minimal), '2024-01-01' + seq seconds, seq % 7. */
static sluice_value_t *bench_row(const sluice_schema_t *schema, int64_t seq)
{
    char why[256], name[32];
    sluice_value_t *row = sluice_value_struct_new(schema);
    int n = snprintf(name, sizeof name, "name-%" PRId64, seq);
    uint8_t unscaled[8];
    size_t len = 0;
    for (int shift = 56; shift >= 0; shift -= 8) {
        uint8_t b = (uint8_t)(seq >> shift);
        /* Skip redundant leading zero bytes, as BigInteger.toByteArray. */
        if (len == 0 && b == 0 && shift > 0 && !((seq >> (shift - 8)) & 0x80))
            continue;
        unscaled[len++] = b;
    }
    sluice_value_t *values[] = {sluice_value_int64(seq), sluice_value_string(name, (size_t)n),
                                sluice_value_bytes(unscaled, len),
                                sluice_value_int64(1704067200000LL + seq * 1000),
                                sluice_value_int32((int32_t)(seq % 7))};
    for (size_t i = 0; i < 5; i++)
        bench_check(sluice_value_struct_put_at(row, i, values[i], why, sizeof why), "row", why);
    return row;
}

/* Converts records records with schemas.enable=schemas; prints the result. */
static void bench_run(const sluice_class_t *cls, const char *schemas, long records)
{
    char why[2048];
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_set(props, "schemas.enable", schemas);
    sluice_config_t *config = sluice_config_new(cls->config, props, why, sizeof why);
    sluice_strmap_destroy(props);
    bench_check(config ? 0 : -1, "config", why);
    sluice_ctx_t *ctx = ctx_new("bench", cls->name);
    void *self;
    bench_check(
        cls->converter->create(ctx, config, false, &self, why, sizeof why) == SLUICE_OK ? 0 : -1,
        "create", why);

    sluice_schema_t *schema = bench_schema();
    sluice_value_t *rows[BENCH_DISTINCT];
    for (size_t i = 0; i < BENCH_DISTINCT; i++)
        rows[i] = bench_row(schema, (int64_t)i * 977 + 1);

    sluice_buf_t *out = sluice_buf_new();
    uint64_t hash = 0xcbf29ce484222325ULL;
    size_t bytes = 0;
    double best = 0;
    /* Three rounds; the best is reported (the others show the noise). */
    for (int round = 0; round < 3; round++) {
        double t0 = bench_now_ns();
        for (long r = 0; r < records; r++) {
            sluice_buf_reset(out);
            sluice_result_t rc = cls->converter->from_connect(
                self, "t", NULL, schema, rows[r % BENCH_DISTINCT], out, why, sizeof why);
            bench_check(rc == SLUICE_OK ? 0 : -1, "from_connect", why);
            if (round == 0) {
                const unsigned char *p = (const unsigned char *)sluice_buf_data(out);
                size_t len = sluice_buf_len(out);
                for (size_t i = 0; i < len; i++)
                    hash = (hash ^ p[i]) * 0x100000001b3ULL;
                bytes += len;
            }
        }
        double ns = (bench_now_ns() - t0) / (double)records;
        if (round == 0 || ns < best)
            best = ns;
    }
    printf("schemas.enable=%-5s %8.1f ns/record  %6.1f bytes/record  hash %016" PRIx64 "\n",
           schemas, best, (double)bytes / (double)records, hash);
    sluice_buf_reset(out);
    bench_check(cls->converter->from_connect(self, "t", NULL, schema, rows[0], out, why,
                                             sizeof why) == SLUICE_OK
                    ? 0
                    : -1,
                "from_connect", why);
    printf("  e.g. %s\n", sluice_buf_data(out));

    sluice_buf_destroy(out);
    for (size_t i = 0; i < BENCH_DISTINCT; i++)
        sluice_value_destroy(rows[i]);
    sluice_schema_unref(schema);
    cls->converter->destroy(self);
    ctx_destroy(ctx);
    sluice_config_destroy(config);
}

int main(int argc, char **argv)
{
    long records = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    const char *path = argc > 2 ? argv[2] : BENCH_PLUGIN_DIR "/converters.so";
    if (records <= 0) {
        fprintf(stderr, "usage: json_from_connect [RECORDS [converters.so]]\n");
        return 2;
    }
    char why[2048] = "";
    plugin_registry_t *registry = plugin_registry_new();
    bench_check(plugin_registry_load(registry, path, why, sizeof why) == 0 ? 0 : -1, path, why);
    const sluice_class_t *cls = plugin_registry_find(registry, SLUICE_CLASS_CONVERTER,
                                                     "org.apache.kafka.connect.json.JsonConverter");
    bench_check(cls ? 0 : -1, path, "no JsonConverter");
    printf("%ld records through %s\n", records, path);
    bench_run(cls, "true", records);
    bench_run(cls, "false", records);
    plugin_registry_destroy(registry);
    return 0;
}
