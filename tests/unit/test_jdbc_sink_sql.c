/* The JDBC sink's server-free parts: columns per pk.mode, statements, the
 * reverse type mapping and the refusal of schemaless records. */
#include <stdlib.h>
#include <string.h>

#include "jdbc_sink.h"
#include "test_util.h"

static sluice_schema_t *value_schema(void)
{
    char err[256];
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_set_name(s, "person");
    sluice_schema_add_field(s, "id", sluice_schema_of(SLUICE_TYPE_INT32, false), err, sizeof err);
    sluice_schema_add_field(s, "name", sluice_schema_of(SLUICE_TYPE_STRING, true), err, sizeof err);
    sluice_schema_add_field(s, "age", sluice_schema_of(SLUICE_TYPE_INT8, true), err, sizeof err);
    return s;
}

static sluice_schema_t *key_schema(void)
{
    char err[256];
    sluice_schema_t *s = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_add_field(s, "region", sluice_schema_of(SLUICE_TYPE_STRING, false), err,
                            sizeof err);
    sluice_schema_add_field(s, "id", sluice_schema_of(SLUICE_TYPE_INT32, false), err, sizeof err);
    return s;
}

/* The column names of f in table order, comma-separated, into out. */
static void names(const jdbc_sink_fields_t *f, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < f->ncols; i++) {
        strncat(out, i ? "," : "", size - strlen(out) - 1);
        strncat(out, f->cols[i].name, size - strlen(out) - 1);
        if (f->cols[i].is_key)
            strncat(out, "*", size - strlen(out) - 1);
    }
}

static jdbc_sink_fields_t *fields(jdbc_sink_pk_mode_t mode, const char *const *pk, size_t npk,
                                  const sluice_schema_t *ks, const sluice_schema_t *vs, char *err,
                                  size_t errsize)
{
    return jdbc_sink_fields_new("people", mode, pk, npk, NULL, 0, ks, vs, err, errsize);
}

static char *sql_of(int (*fn)(sluice_buf_t *, const char *, const jdbc_sink_fields_t *,
                              jdbc_sink_insert_mode_t, size_t, char *, size_t),
                    const jdbc_sink_fields_t *f, jdbc_sink_insert_mode_t mode, size_t rows)
{
    char err[512] = "";
    sluice_buf_t *b = sluice_buf_new();
    int r = fn(b, "people", f, mode, rows, err, sizeof err);
    char *s = r == 0 ? sluice_buf_detach(b, NULL) : NULL;
    sluice_buf_destroy(b);
    return s;
}

static void test_pk_none_insert_multirow(void)
{
    char err[512];
    sluice_schema_t *vs = value_schema();
    jdbc_sink_fields_t *f = fields(JDBC_SINK_PK_NONE, NULL, 0, NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(f->nkeys, 0);
    char *s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_INSERT, 1);
    CU_ASSERT_STRING_EQUAL(s, "INSERT INTO `people`(`id`,`name`,`age`) VALUES(?,?,?)");
    free(s);
    s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_INSERT, 3);
    CU_ASSERT_STRING_EQUAL(s,
                           "INSERT INTO `people`(`id`,`name`,`age`) VALUES(?,?,?),(?,?,?),(?,?,?)");
    free(s);
    /* Upsert and update need key columns: refused with Confluent's message. */
    char err2[512] = "";
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_EQUAL(jdbc_sink_sql_insert(b, "people", f, JDBC_SINK_UPSERT, 1, err2, sizeof err2),
                    -1);
    ASSERT_CONTAINS(err2, "UPSERT mode requires key field names");
    CU_ASSERT_EQUAL(jdbc_sink_sql_update(b, "people", f, err2, sizeof err2), -1);
    ASSERT_CONTAINS(err2, "UPDATE mode requires key field names");
    sluice_buf_destroy(b);
    jdbc_sink_fields_destroy(f);
    sluice_schema_unref(vs);
}

static void test_pk_record_value_upsert_update_delete(void)
{
    char err[512];
    sluice_schema_t *vs = value_schema();
    const char *pk[] = {"id"};
    jdbc_sink_fields_t *f = fields(JDBC_SINK_PK_RECORD_VALUE, pk, 1, NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char n[256];
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "id*,name,age");
    char *s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_UPSERT, 2);
    CU_ASSERT_STRING_EQUAL(s, "insert into `people`(`id`,`name`,`age`) values(?,?,?),(?,?,?) on "
                              "duplicate key update `name`=values(`name`),`age`=values(`age`)");
    free(s);
    s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_UPDATE, 1);
    CU_ASSERT_STRING_EQUAL(s, "UPDATE `people` SET `name` = ?, `age` = ? WHERE `id` = ?");
    free(s);
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_EQUAL(jdbc_sink_sql_delete(b, "people", f, 1, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "DELETE FROM `people` WHERE `id` = ?");
    sluice_buf_reset(b);
    CU_ASSERT_EQUAL(jdbc_sink_sql_delete(b, "people", f, 3, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b),
                           "DELETE FROM `people` WHERE (`id`) IN ((?),(?),(?))");
    sluice_buf_destroy(b);
    /* quote.sql.identifiers=never: the names as they are, in every statement. */
    f->quote = false;
    s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_UPSERT, 1);
    CU_ASSERT_STRING_EQUAL(s, "insert into people(id,name,age) values(?,?,?) on "
                              "duplicate key update name=values(name),age=values(age)");
    free(s);
    s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_UPDATE, 1);
    CU_ASSERT_STRING_EQUAL(s, "UPDATE people SET name = ?, age = ? WHERE id = ?");
    free(s);
    jdbc_sink_fields_destroy(f);

    /* No pk.fields: every value field is a key; upsert then updates the keys. */
    f = fields(JDBC_SINK_PK_RECORD_VALUE, NULL, 0, NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "id*,name*,age*");
    s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_UPSERT, 1);
    ASSERT_CONTAINS(s, "on duplicate key update `id`=values(`id`),`name`=values(`name`)");
    free(s);
    jdbc_sink_fields_destroy(f);

    const char *bad[] = {"nope"};
    CU_ASSERT_PTR_NULL(fields(JDBC_SINK_PK_RECORD_VALUE, bad, 1, NULL, vs, err, sizeof err));
    ASSERT_CONTAINS(err, "record value schema does not contain field: nope");
    sluice_schema_unref(vs);
}

static void test_pk_kafka(void)
{
    char err[512];
    sluice_schema_t *vs = value_schema();
    jdbc_sink_fields_t *f = fields(JDBC_SINK_PK_KAFKA, NULL, 0, NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char n[256];
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n,
                           "__connect_topic*,__connect_partition*,__connect_offset*,id,name,age");
    CU_ASSERT_EQUAL(f->cols[0].source, JDBC_SINK_FROM_TOPIC);
    CU_ASSERT_EQUAL(f->cols[2].source, JDBC_SINK_FROM_OFFSET);
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_EQUAL(jdbc_sink_sql_create(b, "people", f, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(
        sluice_buf_data(b),
        "CREATE TABLE `people` (\n"
        "`__connect_topic` VARCHAR(256) NOT NULL,\n"
        "`__connect_partition` INT NOT NULL,\n"
        "`__connect_offset` BIGINT NOT NULL,\n"
        "`id` INT NOT NULL,\n"
        "`name` TEXT NULL,\n"
        "`age` TINYINT NULL,\n"
        "PRIMARY KEY(`__connect_topic`,`__connect_partition`,`__connect_offset`))");
    sluice_buf_destroy(b);
    jdbc_sink_fields_destroy(f);

    const char *three[] = {"t", "p", "o"};
    f = fields(JDBC_SINK_PK_KAFKA, three, 3, NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "t*,p*,o*,id,name,age");
    jdbc_sink_fields_destroy(f);
    CU_ASSERT_PTR_NULL(fields(JDBC_SINK_PK_KAFKA, three, 2, NULL, vs, err, sizeof err));
    ASSERT_CONTAINS(err, "or exactly 3");
    sluice_schema_unref(vs);
}

static void test_pk_record_key(void)
{
    char err[512];
    char n[256];
    sluice_schema_t *vs = value_schema();
    /* A primitive key needs exactly one name. */
    const sluice_schema_t *prim = sluice_schema_of(SLUICE_TYPE_INT64, false);
    CU_ASSERT_PTR_NULL(fields(JDBC_SINK_PK_RECORD_KEY, NULL, 0, prim, vs, err, sizeof err));
    ASSERT_CONTAINS(err, "Need exactly one PK column");
    const char *kid[] = {"kid"};
    jdbc_sink_fields_t *f = fields(JDBC_SINK_PK_RECORD_KEY, kid, 1, prim, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "id,name,age,kid*");
    CU_ASSERT_EQUAL(f->cols[3].source, JDBC_SINK_FROM_KEY);
    char *s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_INSERT, 1);
    CU_ASSERT_STRING_EQUAL(s, "INSERT INTO `people`(`kid`,`id`,`name`,`age`) VALUES(?,?,?,?)");
    free(s);
    jdbc_sink_fields_destroy(f);

    /* A struct key: every field, or the listed ones; key columns shadow
     * value fields of the same name. */
    sluice_schema_t *ks = key_schema();
    f = fields(JDBC_SINK_PK_RECORD_KEY, NULL, 0, ks, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "id*,name,age,region*");
    CU_ASSERT_EQUAL(f->cols[0].source, JDBC_SINK_FROM_KEY_FIELD);
    s = sql_of(jdbc_sink_sql_insert, f, JDBC_SINK_INSERT, 1);
    CU_ASSERT_STRING_EQUAL(s, "INSERT INTO `people`(`region`,`id`,`name`,`age`) VALUES(?,?,?,?)");
    free(s);
    jdbc_sink_fields_destroy(f);
    const char *region[] = {"region"};
    f = fields(JDBC_SINK_PK_RECORD_KEY, region, 1, ks, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "id,name,age,region*");
    jdbc_sink_fields_destroy(f);
    const char *missing[] = {"zone"};
    CU_ASSERT_PTR_NULL(fields(JDBC_SINK_PK_RECORD_KEY, missing, 1, ks, vs, err, sizeof err));
    ASSERT_CONTAINS(err, "record key schema does not contain field: zone");
    CU_ASSERT_PTR_NULL(fields(JDBC_SINK_PK_RECORD_KEY, NULL, 0, NULL, vs, err, sizeof err));
    ASSERT_CONTAINS(err, "record key schema is missing");

    /* A tombstone (no value schema) still gives the key columns for DELETE. */
    f = fields(JDBC_SINK_PK_RECORD_KEY, NULL, 0, ks, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_EQUAL(jdbc_sink_sql_delete(b, "people", f, 2, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b),
                           "DELETE FROM `people` WHERE (`region`,`id`) IN ((?,?),(?,?))");
    sluice_buf_destroy(b);
    jdbc_sink_fields_destroy(f);
    sluice_schema_unref(ks);
    sluice_schema_unref(vs);
}

static void test_whitelist_and_names(void)
{
    char err[512];
    char n[256];
    sluice_schema_t *vs = value_schema();
    const char *pk[] = {"id"};
    const char *wl[] = {"age"};
    jdbc_sink_fields_t *f = jdbc_sink_fields_new("people", JDBC_SINK_PK_RECORD_VALUE, pk, 1, wl, 1,
                                                 NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    names(f, n, sizeof n);
    CU_ASSERT_STRING_EQUAL(n, "id*,age"); /* the key stays although not listed */
    jdbc_sink_fields_destroy(f);
    const char *none[] = {"nothing"};
    CU_ASSERT_PTR_NULL(jdbc_sink_fields_new("people", JDBC_SINK_PK_NONE, NULL, 0, none, 1, NULL, vs,
                                            err, sizeof err));
    ASSERT_CONTAINS(err, "No fields found using key and value schemas for table: people");

    char *t = jdbc_sink_table_name("kafka_${topic}_${topic}", "orders");
    CU_ASSERT_STRING_EQUAL(t, "kafka_orders_orders");
    free(t);
    sluice_buf_t *b = sluice_buf_new();
    jdbc_sink_quote_table(b, "db.t`x", true);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "`db`.`t``x`");
    sluice_buf_reset(b);
    jdbc_sink_quote_table(b, "db.t", false);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "db.t");
    sluice_buf_destroy(b);
    sluice_schema_unref(vs);
}

static void test_type_mapping_and_alter(void)
{
    char err[512];
    sluice_schema_t *vs = sluice_schema_new(SLUICE_TYPE_STRUCT);
    sluice_schema_t *dec = sluice_schema_decimal(2);
    sluice_schema_t *date = sluice_schema_date();
    sluice_schema_t *time = sluice_schema_time();
    sluice_schema_t *ts = sluice_schema_timestamp();
    sluice_schema_t *defaulted = sluice_schema_new(SLUICE_TYPE_STRING);
    sluice_schema_set_default(defaulted, sluice_value_cstring("it's"), err, sizeof err);
    sluice_schema_t *defint = sluice_schema_new(SLUICE_TYPE_INT16);
    sluice_schema_set_default(defint, sluice_value_int16(7), err, sizeof err);
    struct {
        const char *name;
        const sluice_schema_t *schema;
    } cols[] = {
        {"k", sluice_schema_of(SLUICE_TYPE_BYTES, false)},
        {"i8", sluice_schema_of(SLUICE_TYPE_INT8, false)},
        {"i16", sluice_schema_of(SLUICE_TYPE_INT16, false)},
        {"i32", sluice_schema_of(SLUICE_TYPE_INT32, false)},
        {"i64", sluice_schema_of(SLUICE_TYPE_INT64, false)},
        {"f32", sluice_schema_of(SLUICE_TYPE_FLOAT32, false)},
        {"f64", sluice_schema_of(SLUICE_TYPE_FLOAT64, false)},
        {"b", sluice_schema_of(SLUICE_TYPE_BOOLEAN, true)},
        {"s", sluice_schema_of(SLUICE_TYPE_STRING, true)},
        {"raw", sluice_schema_of(SLUICE_TYPE_BYTES, true)},
        {"dec", dec},
        {"d", date},
        {"t", time},
        {"ts", ts},
        {"def", defaulted},
        {"n", defint},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        CU_ASSERT_EQUAL(sluice_schema_add_field(vs, cols[i].name, cols[i].schema, err, sizeof err),
                        0);
    const char *pk[] = {"k"};
    jdbc_sink_fields_t *f = jdbc_sink_fields_new("all", JDBC_SINK_PK_RECORD_VALUE, pk, 1, NULL, 0,
                                                 NULL, vs, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_EQUAL(jdbc_sink_sql_create(b, "all", f, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "CREATE TABLE `all` (\n"
                                               "`k` VARBINARY(1024) NOT NULL,\n"
                                               "`i8` TINYINT NOT NULL,\n"
                                               "`i16` SMALLINT NOT NULL,\n"
                                               "`i32` INT NOT NULL,\n"
                                               "`i64` BIGINT NOT NULL,\n"
                                               "`f32` FLOAT NOT NULL,\n"
                                               "`f64` DOUBLE NOT NULL,\n"
                                               "`b` TINYINT NULL,\n"
                                               "`s` TEXT NULL,\n"
                                               "`raw` BLOB NULL,\n"
                                               "`dec` DECIMAL(65,2) NOT NULL,\n"
                                               "`d` DATE NOT NULL,\n"
                                               "`t` TIME(3) NOT NULL,\n"
                                               "`ts` DATETIME(3) NOT NULL,\n"
                                               "`def` TEXT NULL,\n"
                                               "`n` SMALLINT DEFAULT 7,\n"
                                               "PRIMARY KEY(`k`))");

    /* ALTER adds only what is missing (names compared ignoring case), and
     * refuses a required column without a default. */
    sluice_buf_reset(b);
    size_t added = 0;
    const char *have[] = {"K", "i8", "i16", "i32", "i64", "f32", "f64", "b", "dec", "d", "t", "ts"};
    CU_ASSERT_EQUAL(jdbc_sink_sql_alter(b, "all", f, have, 12, &added, err, sizeof err), 0);
    CU_ASSERT_EQUAL(added, 4);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "ALTER TABLE `all` \nADD `s` TEXT NULL,\n"
                                               "ADD `raw` BLOB NULL,\nADD `def` TEXT NULL,\n"
                                               "ADD `n` SMALLINT DEFAULT 7");
    sluice_buf_reset(b);
    const char *all_but_i8[] = {"k",   "i16", "i32", "i64", "f32", "f64", "b", "s",
                                "raw", "dec", "d",   "t",   "ts",  "def", "n"};
    CU_ASSERT_EQUAL(jdbc_sink_sql_alter(b, "all", f, all_but_i8, 15, &added, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "Cannot ALTER TABLE all to add missing field i8");
    CU_ASSERT_EQUAL(sluice_buf_len(b), 0);
    sluice_buf_destroy(b);
    jdbc_sink_fields_destroy(f);
    sluice_schema_unref(dec);
    sluice_schema_unref(date);
    sluice_schema_unref(time);
    sluice_schema_unref(ts);
    sluice_schema_unref(defaulted);
    sluice_schema_unref(defint);
    sluice_schema_unref(vs);
}

static void test_schemaless_refused(void)
{
    char err[1024];
    sluice_record_t *r = sluice_record_new("orders");
    sluice_record_set_partition(r, 2);
    sluice_record_set_kafka_offset(r, 41);
    sluice_value_t *map = sluice_value_map_new();
    sluice_value_map_put_str(map, "id", sluice_value_int32(1));
    sluice_record_set_value(r, NULL, map);
    CU_ASSERT_EQUAL(jdbc_sink_check_record(r, false, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "non-null Struct value and non-null Struct schema");
    ASSERT_CONTAINS(err, "topic orders, partition 2, offset 41");
    ASSERT_CONTAINS(err, "no value schema");
    /* A tombstone is fine only with delete.enabled. */
    sluice_record_set_value(r, NULL, NULL);
    CU_ASSERT_EQUAL(jdbc_sink_check_record(r, true, err, sizeof err), 0);
    CU_ASSERT_EQUAL(jdbc_sink_check_record(r, false, err, sizeof err), -1);
    ASSERT_CONTAINS(err, "tombstone");
    sluice_record_destroy(r);
}

void test_register(void)
{
    TEST_SUITE(
        "jdbc_sink_sql", {"pk none, multi-row insert", test_pk_none_insert_multirow},
        {"pk record_value: upsert, update, delete", test_pk_record_value_upsert_update_delete},
        {"pk kafka", test_pk_kafka}, {"pk record_key", test_pk_record_key},
        {"fields.whitelist and table names", test_whitelist_and_names},
        {"reverse type mapping, create and alter", test_type_mapping_and_alter},
        {"schemaless records refused", test_schemaless_refused});
}
