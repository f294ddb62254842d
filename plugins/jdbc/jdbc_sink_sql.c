/*
 * The JDBC sink's server-free parts: which columns records of one key and
 * value schema write to (Confluent's FieldsMetadata rules), the SQL text of
 * its statements in MySQL's dialect, and the reverse type mapping used by
 * auto.create / auto.evolve. Values are never spliced into DML: statements
 * carry placeholders the writer binds. Only DDL defaults are written as
 * literals, as Confluent does.
 *
 * Threads: every function here is pure and may run on any thread.
 */
#include "jdbc_sink.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jdbc_common.h"

int jdbc_sink_insert_mode_parse(const char *name)
{
    static const char *const names[] = {"insert", "upsert", "update"};
    for (int i = 0; name && i < 3; i++)
        if (strcasecmp(name, names[i]) == 0)
            return i;
    return -1;
}

int jdbc_sink_pk_mode_parse(const char *name)
{
    static const char *const names[] = {"none", "kafka", "record_key", "record_value"};
    for (int i = 0; name && i < 4; i++)
        if (strcasecmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* ---- columns ------------------------------------------------------------------------ */

/* A column list under construction, with the names that are keys. */
typedef struct fields_builder {
    jdbc_sink_column_t *cols;
    size_t ncols;
    size_t cap;
} fields_builder_t;

static int builder_find(const fields_builder_t *b, const char *name)
{
    for (size_t i = 0; i < b->ncols; i++)
        if (strcmp(b->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void builder_add(fields_builder_t *b, const char *name, const sluice_schema_t *schema,
                        bool is_key, jdbc_sink_source_t source, int index)
{
    if (builder_find(b, name) >= 0)
        return; /* a key column named twice in pk.fields counts once */
    if (b->ncols == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 8;
        b->cols = jdbc_realloc(b->cols, b->cap * sizeof *b->cols);
    }
    b->cols[b->ncols++] = (jdbc_sink_column_t){
        .name = jdbc_strdup(name),
        .schema = sluice_schema_ref(schema),
        .is_key = is_key,
        .source = source,
        .index = index,
    };
}

static void builder_free(fields_builder_t *b)
{
    for (size_t i = 0; i < b->ncols; i++) {
        free(b->cols[i].name);
        sluice_schema_unref(b->cols[i].schema);
    }
    free(b->cols);
}

void jdbc_sink_fields_destroy(jdbc_sink_fields_t *fields)
{
    if (!fields)
        return;
    fields_builder_t b = {.cols = fields->cols, .ncols = fields->ncols};
    builder_free(&b);
    free(fields->keys);
    free(fields->nonkeys);
    free(fields);
}

static bool type_is_primitive(sluice_type_t type)
{
    return type != SLUICE_TYPE_ARRAY && type != SLUICE_TYPE_MAP && type != SLUICE_TYPE_STRUCT;
}

static bool name_in(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* "[a, b]" for messages, as Java prints a list. */
static void list_text(char *out, size_t size, const char *const *list, size_t n)
{
    size_t len = (size_t)snprintf(out, size, "[");
    for (size_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", list[i]);
    if (len < size)
        snprintf(out + len, size - len, "]");
}

static int extract_kafka(fields_builder_t *b, const char *table, const char *const *pk_fields,
                         size_t npk, char *errstr, size_t errstr_size)
{
    static const char *const defaults[] = {JDBC_SINK_KAFKA_PK_TOPIC, JDBC_SINK_KAFKA_PK_PARTITION,
                                           JDBC_SINK_KAFKA_PK_OFFSET};
    const char *const *names = defaults;
    if (npk == 3) {
        names = pk_fields;
    } else if (npk != 0) {
        char given[512];
        list_text(given, sizeof given, pk_fields, npk);
        snprintf(errstr, errstr_size,
                 "PK mode for table '%s' is KAFKA so there should either be no field names "
                 "defined for defaults [%s, %s, %s] to be applicable, or exactly 3, defined "
                 "fields are: %s",
                 table, defaults[0], defaults[1], defaults[2], given);
        return -1;
    }
    builder_add(b, names[0], sluice_schema_of(SLUICE_TYPE_STRING, false), true,
                JDBC_SINK_FROM_TOPIC, -1);
    builder_add(b, names[1], sluice_schema_of(SLUICE_TYPE_INT32, false), true,
                JDBC_SINK_FROM_PARTITION, -1);
    builder_add(b, names[2], sluice_schema_of(SLUICE_TYPE_INT64, false), true,
                JDBC_SINK_FROM_OFFSET, -1);
    return 0;
}

/*
 * The primary key from the fields of a struct key or value (part "KEY" or
 * "VALUE", named "key"/"value" in messages): every field when pk.fields is
 * empty, else the fields it names, each of which must exist.
 */
static int add_struct_pk(fields_builder_t *b, const char *table, const char *const *pk_fields,
                         size_t npk, const sluice_schema_t *schema, const char *part,
                         const char *part_lower, jdbc_sink_source_t from, char *errstr,
                         size_t errstr_size)
{
    if (npk == 0) {
        for (size_t i = 0; i < sluice_schema_field_count(schema); i++)
            builder_add(b, sluice_schema_field_name(schema, i),
                        sluice_schema_field_schema(schema, i), true, from, (int)i);
        return 0;
    }
    for (size_t i = 0; i < npk; i++) {
        if (sluice_schema_field_index(schema, pk_fields[i]) < 0) {
            char given[512];
            list_text(given, sizeof given, pk_fields, npk);
            snprintf(errstr, errstr_size,
                     "PK mode for table '%s' is RECORD_%s with configured PK fields %s, but "
                     "record %s schema does not contain field: %s",
                     table, part, given, part_lower, pk_fields[i]);
            return -1;
        }
    }
    for (size_t i = 0; i < npk; i++) {
        int idx = sluice_schema_field_index(schema, pk_fields[i]);
        builder_add(b, pk_fields[i], sluice_schema_field_schema(schema, (size_t)idx), true, from,
                    idx);
    }
    return 0;
}

static int extract_record_key(fields_builder_t *b, const char *table, const char *const *pk_fields,
                              size_t npk, const sluice_schema_t *key_schema, char *errstr,
                              size_t errstr_size)
{
    if (!key_schema) {
        snprintf(errstr, errstr_size,
                 "PK mode for table '%s' is RECORD_KEY, but record key schema is missing", table);
        return -1;
    }
    sluice_type_t type = sluice_schema_type(key_schema);
    if (type_is_primitive(type)) {
        if (npk != 1) {
            char given[512];
            list_text(given, sizeof given, pk_fields, npk);
            snprintf(errstr, errstr_size,
                     "Need exactly one PK column defined since the key schema for records is a "
                     "primitive type, defined columns are: %s",
                     given);
            return -1;
        }
        builder_add(b, pk_fields[0], key_schema, true, JDBC_SINK_FROM_KEY, -1);
        return 0;
    }
    if (type != SLUICE_TYPE_STRUCT) {
        snprintf(errstr, errstr_size,
                 "Key schema must be primitive type or Struct, but is of type: %s",
                 sluice_type_name(type));
        return -1;
    }
    return add_struct_pk(b, table, pk_fields, npk, key_schema, "KEY", "key",
                         JDBC_SINK_FROM_KEY_FIELD, errstr, errstr_size);
}

static int extract_record_value(fields_builder_t *b, const char *table,
                                const char *const *pk_fields, size_t npk,
                                const sluice_schema_t *value_schema, char *errstr,
                                size_t errstr_size)
{
    if (!value_schema) {
        snprintf(errstr, errstr_size,
                 "PK mode for table '%s' is RECORD_VALUE, but record value schema is missing",
                 table);
        return -1;
    }
    return add_struct_pk(b, table, pk_fields, npk, value_schema, "VALUE", "value",
                         JDBC_SINK_FROM_VALUE_FIELD, errstr, errstr_size);
}

static int cmp_names(const void *a, const void *b)
{
    const jdbc_sink_column_t *x = a, *y = b;
    return strcmp(x->name, y->name);
}

jdbc_sink_fields_t *jdbc_sink_fields_new(const char *table, jdbc_sink_pk_mode_t pk_mode,
                                         const char *const *pk_fields, size_t npk_fields,
                                         const char *const *whitelist, size_t nwhitelist,
                                         const sluice_schema_t *key_schema,
                                         const sluice_schema_t *value_schema, char *errstr,
                                         size_t errstr_size)
{
    if (value_schema && sluice_schema_type(value_schema) != SLUICE_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "Value schema must be of type Struct, not %s",
                 sluice_type_name(sluice_schema_type(value_schema)));
        return NULL;
    }
    fields_builder_t b = {0};
    int r = 0;
    switch (pk_mode) {
    case JDBC_SINK_PK_NONE: break;
    case JDBC_SINK_PK_KAFKA:
        r = extract_kafka(&b, table, pk_fields, npk_fields, errstr, errstr_size);
        break;
    case JDBC_SINK_PK_RECORD_KEY:
        r = extract_record_key(&b, table, pk_fields, npk_fields, key_schema, errstr, errstr_size);
        break;
    case JDBC_SINK_PK_RECORD_VALUE:
        r = extract_record_value(&b, table, pk_fields, npk_fields, value_schema, errstr,
                                 errstr_size);
        break;
    }
    if (r < 0)
        goto fail;
    size_t nkeys = b.ncols;

    for (size_t i = 0; value_schema && i < sluice_schema_field_count(value_schema); i++) {
        const char *name = sluice_schema_field_name(value_schema, i);
        if (builder_find(&b, name) >= 0)
            continue;
        if (nwhitelist && !name_in(name, whitelist, nwhitelist))
            continue;
        builder_add(&b, name, sluice_schema_field_schema(value_schema, i), false,
                    JDBC_SINK_FROM_VALUE_FIELD, (int)i);
    }
    if (b.ncols == 0) {
        snprintf(errstr, errstr_size, "No fields found using key and value schemas for table: %s",
                 table);
        goto fail;
    }
    for (size_t i = 0; i < b.ncols; i++) {
        if (!type_is_primitive(sluice_schema_type(b.cols[i].schema))) {
            snprintf(errstr, errstr_size,
                     "Column %s of table %s has type %s, which the JDBC sink cannot write",
                     b.cols[i].name, table, sluice_type_name(sluice_schema_type(b.cols[i].schema)));
            goto fail;
        }
    }

    jdbc_sink_fields_t *f = jdbc_calloc(1, sizeof *f);
    f->quote = true;
    f->keys = jdbc_calloc(nkeys + 1, sizeof *f->keys);
    f->nonkeys = jdbc_calloc(b.ncols - nkeys + 1, sizeof *f->nonkeys);
    /* Statement order: keys as extracted, then non-keys in value order. The
     * table order (Confluent's allFieldsOrdered): Kafka coordinates, value
     * fields in schema order, then any other (record key) columns by name. */
    jdbc_sink_column_t *ordered = jdbc_calloc(b.ncols, sizeof *ordered);
    size_t n = 0;
    bool *taken = jdbc_calloc(b.ncols, sizeof *taken);
    for (size_t i = 0; i < b.ncols; i++) {
        jdbc_sink_source_t s = b.cols[i].source;
        if (s == JDBC_SINK_FROM_TOPIC || s == JDBC_SINK_FROM_PARTITION ||
            s == JDBC_SINK_FROM_OFFSET) {
            ordered[n++] = b.cols[i];
            taken[i] = true;
        }
    }
    for (size_t v = 0; value_schema && v < sluice_schema_field_count(value_schema); v++) {
        int i = builder_find(&b, sluice_schema_field_name(value_schema, v));
        if (i >= 0 && !taken[i]) {
            ordered[n++] = b.cols[i];
            taken[i] = true;
        }
    }
    size_t rest = n;
    for (size_t i = 0; i < b.ncols; i++)
        if (!taken[i])
            ordered[n++] = b.cols[i];
    qsort(ordered + rest, n - rest, sizeof *ordered, cmp_names);
    f->cols = ordered;
    f->ncols = n;
    for (size_t i = 0; i < nkeys; i++)
        f->keys[f->nkeys++] = (size_t)jdbc_sink_fields_find(f, b.cols[i].name);
    for (size_t i = nkeys; i < b.ncols; i++)
        f->nonkeys[f->nnonkeys++] = (size_t)jdbc_sink_fields_find(f, b.cols[i].name);
    free(taken);
    free(b.cols); /* the columns themselves moved into f->cols */
    return f;

fail:
    builder_free(&b);
    return NULL;
}

int jdbc_sink_fields_find(const jdbc_sink_fields_t *fields, const char *name)
{
    for (size_t i = 0; i < fields->ncols; i++)
        if (strcmp(fields->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- names ------------------------------------------------------------------------ */

char *jdbc_sink_table_name(const char *format, const char *topic)
{
    static const char placeholder[] = "${topic}";
    sluice_buf_t *out = sluice_buf_new();
    const char *p = format;
    const char *hit;
    while ((hit = strstr(p, placeholder)) != NULL) {
        sluice_buf_append(out, p, (size_t)(hit - p));
        sluice_buf_puts(out, topic);
        p = hit + sizeof placeholder - 1;
    }
    sluice_buf_puts(out, p);
    char *name = sluice_buf_detach(out, NULL);
    sluice_buf_destroy(out);
    return name;
}

static void quote_part(sluice_buf_t *out, const char *ident, size_t len, bool quote)
{
    if (!quote) {
        sluice_buf_append(out, ident, len);
        return;
    }
    sluice_buf_putc(out, '`');
    for (size_t i = 0; i < len; i++) {
        if (ident[i] == '`')
            sluice_buf_putc(out, '`');
        sluice_buf_putc(out, ident[i]);
    }
    sluice_buf_putc(out, '`');
}

void jdbc_sink_quote(sluice_buf_t *out, const char *ident, bool quote)
{
    quote_part(out, ident, strlen(ident), quote);
}

void jdbc_sink_quote_table(sluice_buf_t *out, const char *table, bool quote)
{
    /* Confluent's TableId: "catalog.table" names a table in another database. */
    const char *dot = strchr(table, '.');
    if (dot && dot != table && dot[1] && !strchr(dot + 1, '.')) {
        quote_part(out, table, (size_t)(dot - table), quote);
        sluice_buf_putc(out, '.');
        quote_part(out, dot + 1, strlen(dot + 1), quote);
        return;
    }
    quote_part(out, table, strlen(table), quote);
}

/* ---- the reverse type mapping ------------------------------------------------------- */

const char *jdbc_sink_sql_type(const jdbc_sink_column_t *col, char *buf, size_t buf_size,
                               char *errstr, size_t errstr_size)
{
    const sluice_schema_t *s = col->schema;
    const char *logical = sluice_schema_name(s);
    if (logical) {
        if (strcmp(logical, SLUICE_LOGICAL_DECIMAL) == 0) {
            const char *scale = sluice_schema_parameter(s, SLUICE_DECIMAL_SCALE_PARAM);
            snprintf(buf, buf_size, "DECIMAL(65,%d)", scale ? atoi(scale) : 0);
            return buf;
        }
        if (strcmp(logical, SLUICE_LOGICAL_DATE) == 0)
            return "DATE";
        if (strcmp(logical, SLUICE_LOGICAL_TIME) == 0)
            return "TIME(3)";
        if (strcmp(logical, SLUICE_LOGICAL_TIMESTAMP) == 0)
            return "DATETIME(3)";
    }
    switch (sluice_schema_type(s)) {
    case SLUICE_TYPE_INT8: return "TINYINT";
    case SLUICE_TYPE_INT16: return "SMALLINT";
    case SLUICE_TYPE_INT32: return "INT";
    case SLUICE_TYPE_INT64: return "BIGINT";
    case SLUICE_TYPE_FLOAT32: return "FLOAT";
    case SLUICE_TYPE_FLOAT64: return "DOUBLE";
    case SLUICE_TYPE_BOOLEAN: return "TINYINT";
    case SLUICE_TYPE_STRING: return col->is_key ? "VARCHAR(256)" : "TEXT";
    case SLUICE_TYPE_BYTES: return col->is_key ? "VARBINARY(1024)" : "BLOB";
    default:
        snprintf(errstr, errstr_size,
                 "%s (%s) type doesn't have a mapping to the SQL database column type",
                 logical ? logical : "null", sluice_type_name(sluice_schema_type(s)));
        return NULL;
    }
}

/* ---- DML ---------------------------------------------------------------------------- */

static void column_list(sluice_buf_t *out, const jdbc_sink_fields_t *f)
{
    for (size_t i = 0; i < f->nkeys; i++) {
        if (i)
            sluice_buf_putc(out, ',');
        jdbc_sink_quote(out, f->cols[f->keys[i]].name, f->quote);
    }
    for (size_t i = 0; i < f->nnonkeys; i++) {
        if (i || f->nkeys)
            sluice_buf_putc(out, ',');
        jdbc_sink_quote(out, f->cols[f->nonkeys[i]].name, f->quote);
    }
}

static void placeholders(sluice_buf_t *out, size_t count)
{
    for (size_t i = 0; i < count; i++)
        sluice_buf_puts(out, i ? ",?" : "?");
}

int jdbc_sink_sql_insert(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         jdbc_sink_insert_mode_t mode, size_t rows, char *errstr,
                         size_t errstr_size)
{
    if (mode == JDBC_SINK_UPDATE)
        return jdbc_sink_sql_update(out, table, fields, errstr, errstr_size);
    if (mode == JDBC_SINK_UPSERT && fields->nkeys == 0) {
        snprintf(errstr, errstr_size,
                 "Write to table '%s' in UPSERT mode requires key field names to be known, check "
                 "the primary key configuration",
                 table);
        return -1;
    }
    size_t ncols = fields->nkeys + fields->nnonkeys;
    sluice_buf_puts(out, mode == JDBC_SINK_UPSERT ? "insert into " : "INSERT INTO ");
    jdbc_sink_quote_table(out, table, fields->quote);
    sluice_buf_putc(out, '(');
    column_list(out, fields);
    sluice_buf_puts(out, mode == JDBC_SINK_UPSERT ? ") values" : ") VALUES");
    for (size_t r = 0; r < rows; r++) {
        sluice_buf_puts(out, r ? ",(" : "(");
        placeholders(out, ncols);
        sluice_buf_putc(out, ')');
    }
    if (mode == JDBC_SINK_UPSERT) {
        /* With key columns only, the keys update themselves: a no-op that
         * keeps a replayed row from failing. */
        const size_t *idx = fields->nnonkeys ? fields->nonkeys : fields->keys;
        size_t n = fields->nnonkeys ? fields->nnonkeys : fields->nkeys;
        sluice_buf_puts(out, " on duplicate key update ");
        for (size_t i = 0; i < n; i++) {
            if (i)
                sluice_buf_putc(out, ',');
            jdbc_sink_quote(out, fields->cols[idx[i]].name, fields->quote);
            sluice_buf_puts(out, "=values(");
            jdbc_sink_quote(out, fields->cols[idx[i]].name, fields->quote);
            sluice_buf_putc(out, ')');
        }
    }
    return 0;
}

int jdbc_sink_sql_update(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         char *errstr, size_t errstr_size)
{
    if (fields->nkeys == 0) {
        snprintf(errstr, errstr_size,
                 "Write to table '%s' in UPDATE mode requires key field names to be known, check "
                 "the primary key configuration",
                 table);
        return -1;
    }
    if (fields->nnonkeys == 0) {
        snprintf(errstr, errstr_size,
                 "Write to table '%s' in UPDATE mode needs at least one non-key column to set",
                 table);
        return -1;
    }
    sluice_buf_puts(out, "UPDATE ");
    jdbc_sink_quote_table(out, table, fields->quote);
    sluice_buf_puts(out, " SET ");
    for (size_t i = 0; i < fields->nnonkeys; i++) {
        if (i)
            sluice_buf_puts(out, ", ");
        jdbc_sink_quote(out, fields->cols[fields->nonkeys[i]].name, fields->quote);
        sluice_buf_puts(out, " = ?");
    }
    sluice_buf_puts(out, " WHERE ");
    for (size_t i = 0; i < fields->nkeys; i++) {
        if (i)
            sluice_buf_puts(out, " AND ");
        jdbc_sink_quote(out, fields->cols[fields->keys[i]].name, fields->quote);
        sluice_buf_puts(out, " = ?");
    }
    return 0;
}

int jdbc_sink_sql_delete(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         size_t rows, char *errstr, size_t errstr_size)
{
    if (fields->nkeys == 0) {
        snprintf(errstr, errstr_size,
                 "Delete from table '%s' requires key field names to be known, check the primary "
                 "key configuration",
                 table);
        return -1;
    }
    sluice_buf_puts(out, "DELETE FROM ");
    jdbc_sink_quote_table(out, table, fields->quote);
    sluice_buf_puts(out, " WHERE ");
    if (rows == 1) {
        for (size_t i = 0; i < fields->nkeys; i++) {
            if (i)
                sluice_buf_puts(out, " AND ");
            jdbc_sink_quote(out, fields->cols[fields->keys[i]].name, fields->quote);
            sluice_buf_puts(out, " = ?");
        }
        return 0;
    }
    /* Several rows: one row-constructor IN list, which MySQL matches
     * against the primary key index. */
    sluice_buf_putc(out, '(');
    for (size_t i = 0; i < fields->nkeys; i++) {
        if (i)
            sluice_buf_putc(out, ',');
        jdbc_sink_quote(out, fields->cols[fields->keys[i]].name, fields->quote);
    }
    sluice_buf_puts(out, ") IN (");
    for (size_t r = 0; r < rows; r++) {
        sluice_buf_puts(out, r ? ",(" : "(");
        placeholders(out, fields->nkeys);
        sluice_buf_putc(out, ')');
    }
    sluice_buf_putc(out, ')');
    return 0;
}

/* ---- DDL ---------------------------------------------------------------------------- */

/* Days since 1970-01-01 to a proleptic Gregorian civil date. */
static void civil_from_days(int64_t days, int *y, int *m, int *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* A string literal in MySQL's default SQL mode, where backslash escapes. */
static void string_literal(sluice_buf_t *out, const char *s, size_t len)
{
    sluice_buf_putc(out, '\'');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\'' || s[i] == '\\')
            sluice_buf_putc(out, s[i]);
        sluice_buf_putc(out, s[i]);
    }
    sluice_buf_putc(out, '\'');
}

/* A default value as a literal (Confluent's formatColumnValue); times in UTC. */
static void default_literal(sluice_buf_t *out, const sluice_schema_t *s, const sluice_value_t *v)
{
    const char *logical = sluice_schema_name(s);
    if (logical && strcmp(logical, SLUICE_LOGICAL_DECIMAL) == 0) {
        size_t len;
        const uint8_t *bytes = sluice_value_get_bytes(v, &len);
        const char *scale = sluice_schema_parameter(s, SLUICE_DECIMAL_SCALE_PARAM);
        if (len)
            sluice_decimal_to_string(bytes, len, scale ? atoi(scale) : 0, out);
        else
            sluice_buf_putc(out, '0');
        return;
    }
    if (logical && strcmp(logical, SLUICE_LOGICAL_DATE) == 0) {
        int y, m, d;
        civil_from_days(sluice_value_get_int32(v), &y, &m, &d);
        sluice_buf_printf(out, "'%04d-%02d-%02d'", y, m, d);
        return;
    }
    if (logical && strcmp(logical, SLUICE_LOGICAL_TIME) == 0) {
        int32_t ms = sluice_value_get_int32(v);
        sluice_buf_printf(out, "'%02d:%02d:%02d.%03d'", ms / 3600000, ms / 60000 % 60,
                          ms / 1000 % 60, ms % 1000);
        return;
    }
    if (logical && strcmp(logical, SLUICE_LOGICAL_TIMESTAMP) == 0) {
        int64_t ms = sluice_value_get_int64(v);
        int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
        int64_t rem = ms - days * 86400000;
        int y, m, d;
        civil_from_days(days, &y, &m, &d);
        sluice_buf_printf(out, "'%04d-%02d-%02d %02d:%02d:%02d.%03d'", y, m, d,
                          (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                          (int)(rem % 1000));
        return;
    }
    switch (sluice_schema_type(s)) {
    case SLUICE_TYPE_INT8: sluice_buf_printf(out, "%d", sluice_value_get_int8(v)); break;
    case SLUICE_TYPE_INT16: sluice_buf_printf(out, "%d", sluice_value_get_int16(v)); break;
    case SLUICE_TYPE_INT32: sluice_buf_printf(out, "%" PRId32, sluice_value_get_int32(v)); break;
    case SLUICE_TYPE_INT64: sluice_buf_printf(out, "%" PRId64, sluice_value_get_int64(v)); break;
    case SLUICE_TYPE_FLOAT32: sluice_format_double(sluice_value_get_float32(v), true, out); break;
    case SLUICE_TYPE_FLOAT64: sluice_format_double(sluice_value_get_float64(v), false, out); break;
    case SLUICE_TYPE_BOOLEAN: sluice_buf_putc(out, sluice_value_get_boolean(v) ? '1' : '0'); break;
    case SLUICE_TYPE_STRING: {
        size_t len;
        const char *str = sluice_value_get_string(v, &len);
        string_literal(out, str, len);
        break;
    }
    case SLUICE_TYPE_BYTES: {
        size_t len;
        const uint8_t *bytes = sluice_value_get_bytes(v, &len);
        sluice_buf_puts(out, "x'");
        for (size_t i = 0; i < len; i++)
            sluice_buf_printf(out, "%02X", bytes[i]);
        sluice_buf_putc(out, '\'');
        break;
    }
    default: sluice_buf_puts(out, "NULL"); break;
    }
}

/* Confluent's writeColumnSpec: name, type, then DEFAULT, NULL or NOT NULL. A
 * key column is never NULL. */
static int column_spec(sluice_buf_t *out, const jdbc_sink_column_t *col, bool quote, char *errstr,
                       size_t errstr_size)
{
    char type_buf[32];
    const char *type = jdbc_sink_sql_type(col, type_buf, sizeof type_buf, errstr, errstr_size);
    if (!type)
        return -1;
    jdbc_sink_quote(out, col->name, quote);
    sluice_buf_putc(out, ' ');
    sluice_buf_puts(out, type);
    const sluice_value_t *def = sluice_schema_default(col->schema);
    /* MySQL refuses a literal DEFAULT on TEXT and BLOB columns before 8.0.13
     * (MariaDB accepts it), so those keep their defaults client-side only. */
    bool lob = strcmp(type, "TEXT") == 0 || strcmp(type, "BLOB") == 0;
    if (def && !lob) {
        sluice_buf_puts(out, " DEFAULT ");
        default_literal(out, col->schema, def);
    } else if (!col->is_key && (sluice_schema_is_optional(col->schema) || def)) {
        sluice_buf_puts(out, " NULL");
    } else {
        sluice_buf_puts(out, " NOT NULL");
    }
    return 0;
}

int jdbc_sink_sql_create(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                         char *errstr, size_t errstr_size)
{
    sluice_buf_puts(out, "CREATE TABLE ");
    jdbc_sink_quote_table(out, table, fields->quote);
    sluice_buf_puts(out, " (");
    for (size_t i = 0; i < fields->ncols; i++) {
        sluice_buf_puts(out, i ? ",\n" : "\n");
        if (column_spec(out, &fields->cols[i], fields->quote, errstr, errstr_size) < 0)
            return -1;
    }
    bool any_key = false;
    for (size_t i = 0; i < fields->ncols; i++) {
        if (!fields->cols[i].is_key)
            continue;
        sluice_buf_puts(out, any_key ? "," : ",\nPRIMARY KEY(");
        jdbc_sink_quote(out, fields->cols[i].name, fields->quote);
        any_key = true;
    }
    if (any_key)
        sluice_buf_putc(out, ')');
    sluice_buf_putc(out, ')');
    return 0;
}

static bool name_in_nocase(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i], name) == 0)
            return true;
    return false;
}

int jdbc_sink_sql_alter(sluice_buf_t *out, const char *table, const jdbc_sink_fields_t *fields,
                        const char *const *existing, size_t nexisting, size_t *added, char *errstr,
                        size_t errstr_size)
{
    *added = 0;
    size_t missing = 0;
    for (size_t i = 0; i < fields->ncols; i++) {
        const jdbc_sink_column_t *col = &fields->cols[i];
        if (name_in_nocase(col->name, existing, nexisting))
            continue;
        bool optional = !col->is_key && sluice_schema_is_optional(col->schema);
        if (!optional && !sluice_schema_default(col->schema)) {
            snprintf(errstr, errstr_size,
                     "Cannot ALTER TABLE %s to add missing field %s, as the field is not optional "
                     "and does not have a default value",
                     table, col->name);
            return -1;
        }
        missing++;
    }
    if (missing == 0)
        return 0;
    size_t start = sluice_buf_len(out);
    sluice_buf_puts(out, "ALTER TABLE ");
    jdbc_sink_quote_table(out, table, fields->quote);
    sluice_buf_putc(out, ' ');
    size_t n = 0;
    for (size_t i = 0; i < fields->ncols; i++) {
        const jdbc_sink_column_t *col = &fields->cols[i];
        if (name_in_nocase(col->name, existing, nexisting))
            continue;
        if (n)
            sluice_buf_putc(out, ',');
        if (missing > 1)
            sluice_buf_putc(out, '\n');
        sluice_buf_puts(out, "ADD ");
        if (column_spec(out, col, fields->quote, errstr, errstr_size) < 0) {
            sluice_buf_truncate(out, start);
            return -1;
        }
        n++;
    }
    *added = n;
    return 0;
}

/* ---- records ------------------------------------------------------------------------ */

int jdbc_sink_check_record(const sluice_record_t *record, bool delete_enabled, char *errstr,
                           size_t errstr_size)
{
    const sluice_schema_t *schema = sluice_record_value_schema(record);
    const sluice_value_t *value = sluice_record_value(record);
    if (!value && delete_enabled)
        return 0;
    if (schema && value && sluice_schema_type(schema) == SLUICE_TYPE_STRUCT &&
        sluice_value_type(value) == SLUICE_TYPE_STRUCT)
        return 0;
    const char *why = !value    ? "a null value (a tombstone, while delete.enabled is false)"
                      : !schema ? "no value schema (schemaless data)"
                                : "a value that is not a Struct";
    snprintf(errstr, errstr_size,
             "Sink connector requires records with a non-null Struct value and non-null Struct "
             "schema, but found %s in the record at topic %s, partition %" PRId32
             ", offset %" PRId64
             ". Produce the topic with schemas (for JsonConverter, schemas.enable=true and the "
             "{\"schema\":…,\"payload\":…} envelope)",
             why, sluice_record_topic(record), sluice_record_partition(record),
             sluice_record_kafka_offset(record));
    return -1;
}
