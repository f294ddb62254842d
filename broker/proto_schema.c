/* The interpreter of the message tables: see proto_schema.h. */
#include "proto_schema.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mem.h"

/* Every BROKER_PROTO_ARRAY(T) has this layout; members are accessed through
 * memcpy so that no struct is read through another struct type. */
typedef BROKER_PROTO_ARRAY(void) proto_array_t;
_Static_assert(offsetof(proto_array_t, count) == sizeof(void *), "array layout");

static proto_array_t array_get(const void *p)
{
    proto_array_t a;
    memcpy(&a, p, sizeof a);
    return a;
}

static void array_set(void *p, void *items, int32_t count)
{
    proto_array_t a = {items, count};
    memcpy(p, &a, sizeof a);
}

static bool field_present(const broker_proto_field_t *f, int16_t version)
{
    return version >= f->min_version && version <= f->max_version;
}

static bool field_nullable(const broker_proto_field_t *f, int16_t version)
{
    return f->nullable && version >= f->nullable_from;
}

/* The fewest bytes a value of the type takes on the wire. */
static size_t type_min_size(broker_proto_type_t type, bool flexible)
{
    switch (type) {
    case BROKER_PROTO_INT8:
    case BROKER_PROTO_BOOL: return 1;
    case BROKER_PROTO_INT16: return 2;
    case BROKER_PROTO_INT32: return 4;
    case BROKER_PROTO_INT64: return 8;
    case BROKER_PROTO_STRING: return flexible ? 1 : 2;
    case BROKER_PROTO_BYTES:
    case BROKER_PROTO_RECORDS:
    case BROKER_PROTO_ARRAY: return flexible ? 1 : 4;
    case BROKER_PROTO_STRUCT: break;
    }
    return 1;
}

static size_t struct_min_size(const broker_proto_struct_t *s, int16_t version, bool flexible)
{
    size_t n = flexible ? 1 : 0; /* the tagged-field count */
    for (size_t i = 0; i < s->field_count; i++)
        if (field_present(&s->fields[i], version))
            n += type_min_size(s->fields[i].type, flexible);
    return n;
}

/* ------------------------------------------------------------------------ */
/* Decoding                                                                  */

typedef struct proto_dec {
    broker_proto_reader_t *r;
    int16_t version;
    bool flexible;
    size_t budget;    /* bytes the arrays of this message may take */
    size_t allocated; /* bytes taken so far, nested arrays included */
} proto_dec_t;

/* Charges n elements of elem_size bytes to the decode's budget; false (the
 * reader failed, nothing charged) when they would not fit. Checked before the
 * allocation, so a refused message never holds more than the budget. */
static bool budget_take(proto_dec_t *d, int32_t n, size_t elem_size)
{
    size_t left = d->budget - d->allocated;
    if (elem_size && (size_t)n > left / elem_size) {
        broker_proto_reader_fail(d->r, "decoding would allocate more than %zu bytes", d->budget);
        return false;
    }
    d->allocated += (size_t)n * elem_size;
    return true;
}

static void decode_struct(proto_dec_t *d, const broker_proto_struct_t *s, void *dst);

static void decode_scalar(proto_dec_t *d, broker_proto_type_t type, bool nullable, void *p)
{
    broker_proto_reader_t *r = d->r;
    switch (type) {
    case BROKER_PROTO_INT8: *(int8_t *)p = broker_proto_read_int8(r); break;
    case BROKER_PROTO_INT16: *(int16_t *)p = broker_proto_read_int16(r); break;
    case BROKER_PROTO_INT32: *(int32_t *)p = broker_proto_read_int32(r); break;
    case BROKER_PROTO_INT64: *(int64_t *)p = broker_proto_read_int64(r); break;
    case BROKER_PROTO_BOOL: *(bool *)p = broker_proto_read_bool(r); break;
    case BROKER_PROTO_STRING:
        if (d->flexible)
            *(broker_proto_str_t *)p = nullable ? broker_proto_read_compact_nullable_string(r)
                                                : broker_proto_read_compact_string(r);
        else
            *(broker_proto_str_t *)p =
                nullable ? broker_proto_read_nullable_string(r) : broker_proto_read_string(r);
        break;
    case BROKER_PROTO_BYTES:
        if (d->flexible)
            *(broker_proto_bytes_t *)p = nullable ? broker_proto_read_compact_nullable_bytes(r)
                                                  : broker_proto_read_compact_bytes(r);
        else
            *(broker_proto_bytes_t *)p =
                nullable ? broker_proto_read_nullable_bytes(r) : broker_proto_read_bytes(r);
        break;
    case BROKER_PROTO_RECORDS: {
        broker_proto_records_t *rec = p;
        memset(rec, 0, sizeof *rec);
        if (d->flexible)
            rec->bytes = nullable ? broker_proto_read_compact_nullable_bytes(r)
                                  : broker_proto_read_compact_bytes(r);
        else
            rec->bytes =
                nullable ? broker_proto_read_nullable_bytes(r) : broker_proto_read_bytes(r);
        break;
    }
    case BROKER_PROTO_ARRAY:
    case BROKER_PROTO_STRUCT: abort(); /* a table bug: arrays are handled by decode_array */
    }
}

static void decode_array(proto_dec_t *d, const broker_proto_field_t *f, void *p)
{
    broker_proto_reader_t *r = d->r;
    bool nullable = field_nullable(f, d->version);
    size_t min = f->elem ? struct_min_size(f->elem, d->version, d->flexible)
                         : type_min_size(f->elem_type, d->flexible);
    int32_t n;
    if (d->flexible)
        n = nullable ? broker_proto_read_compact_nullable_array_count(r, min)
                     : broker_proto_read_compact_array_count(r, min);
    else
        n = nullable ? broker_proto_read_nullable_array_count(r, min)
                     : broker_proto_read_array_count(r, min);
    if (n <= 0) {
        array_set(p, NULL, n);
        return;
    }
    if (!budget_take(d, n, f->elem_size)) {
        array_set(p, NULL, 0);
        return;
    }
    /* Stored before filling, so that a failure half-way frees what was
     * decoded (the elements are zeroed, so the rest free as empty). */
    uint8_t *items = mem_calloc((size_t)n, f->elem_size);
    array_set(p, items, n);
    for (int32_t i = 0; i < n && !r->failed; i++) {
        void *item = items + (size_t)i * f->elem_size;
        if (f->elem)
            decode_struct(d, f->elem, item);
        else
            decode_scalar(d, f->elem_type, false, item);
    }
}

static void set_default(const broker_proto_field_t *f, void *p)
{
    static const char empty[1] = "";
    switch (f->type) {
    case BROKER_PROTO_INT8: *(int8_t *)p = (int8_t)f->default_value; break;
    case BROKER_PROTO_INT16: *(int16_t *)p = (int16_t)f->default_value; break;
    case BROKER_PROTO_INT32: *(int32_t *)p = (int32_t)f->default_value; break;
    case BROKER_PROTO_INT64: *(int64_t *)p = f->default_value; break;
    case BROKER_PROTO_BOOL: *(bool *)p = f->default_value != 0; break;
    case BROKER_PROTO_STRING: {
        broker_proto_str_t s = {f->nullable ? NULL : empty, 0};
        *(broker_proto_str_t *)p = s;
        break;
    }
    case BROKER_PROTO_BYTES: {
        broker_proto_bytes_t b = {f->nullable ? NULL : (const uint8_t *)empty, 0};
        *(broker_proto_bytes_t *)p = b;
        break;
    }
    case BROKER_PROTO_RECORDS: memset(p, 0, sizeof(broker_proto_records_t)); break;
    case BROKER_PROTO_ARRAY: array_set(p, NULL, 0); break;
    case BROKER_PROTO_STRUCT: break;
    }
}

static void decode_struct(proto_dec_t *d, const broker_proto_struct_t *s, void *dst)
{
    for (size_t i = 0; i < s->field_count; i++) {
        const broker_proto_field_t *f = &s->fields[i];
        void *p = (uint8_t *)dst + f->offset;
        if (!field_present(f, d->version)) {
            set_default(f, p);
            continue;
        }
        if (f->type == BROKER_PROTO_ARRAY)
            decode_array(d, f, p);
        else
            decode_scalar(d, f->type, field_nullable(f, d->version), p);
        if (d->r->failed) {
            broker_proto_reader_add_context(d->r, s->name, f->name);
            return;
        }
    }
    if (d->flexible) {
        broker_proto_skip_tagged_fields(d->r);
        if (d->r->failed)
            broker_proto_reader_add_context(d->r, s->name, "_tagged_fields");
    }
}

int broker_proto_decode(broker_proto_reader_t *r, const broker_proto_message_t *m, int16_t version,
                        void *dst)
{
    return broker_proto_decode_with_budget(r, m, version, dst, BROKER_PROTO_DECODE_BUDGET);
}

int broker_proto_decode_with_budget(broker_proto_reader_t *r, const broker_proto_message_t *m,
                                    int16_t version, void *dst, size_t budget)
{
    proto_dec_t d = {r, version, version >= m->flexible_from, budget, 0};
    memset(dst, 0, m->size);
    decode_struct(&d, &m->body, dst);
    if (!r->failed)
        return 0;
    broker_proto_free(m, dst);
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Encoding                                                                  */

typedef struct proto_enc {
    sluice_buf_t *out;
    broker_proto_splices_t *splices;
    int16_t version;
    bool flexible;
} proto_enc_t;

static void encode_struct(proto_enc_t *e, const broker_proto_struct_t *s, const void *src);

static void encode_records(proto_enc_t *e, const broker_proto_records_t *rec)
{
    size_t inline_len = rec->bytes.data ? rec->bytes.len : 0;
    size_t total = inline_len;
    for (size_t i = 0; i < rec->range_count; i++)
        total += rec->ranges[i].len;
    if (total < inline_len || total > INT32_MAX) {
        log_error(NULL, "broker", "cannot encode %zu bytes of records in one partition", total);
        abort(); /* the broker caps fetch sizes well below this */
    }
    if (e->flexible)
        broker_proto_write_uvarint(e->out, (uint32_t)total + 1);
    else
        broker_proto_write_int32(e->out, (int32_t)total);
    sluice_buf_append(e->out, rec->bytes.data, inline_len);
    if (rec->range_count && !e->splices) {
        log_error(NULL, "broker", "records with file ranges encoded without a splice list");
        abort();
    }
    size_t at = sluice_buf_len(e->out);
    for (size_t i = 0; i < rec->range_count; i++)
        broker_proto_splices_add(e->splices, at, &rec->ranges[i]);
}

static void encode_scalar(proto_enc_t *e, broker_proto_type_t type, bool nullable, const void *p)
{
    sluice_buf_t *out = e->out;
    switch (type) {
    case BROKER_PROTO_INT8: broker_proto_write_int8(out, *(const int8_t *)p); break;
    case BROKER_PROTO_INT16: broker_proto_write_int16(out, *(const int16_t *)p); break;
    case BROKER_PROTO_INT32: broker_proto_write_int32(out, *(const int32_t *)p); break;
    case BROKER_PROTO_INT64: broker_proto_write_int64(out, *(const int64_t *)p); break;
    case BROKER_PROTO_BOOL: broker_proto_write_bool(out, *(const bool *)p); break;
    case BROKER_PROTO_STRING: {
        broker_proto_str_t s = *(const broker_proto_str_t *)p;
        if (e->flexible)
            nullable ? broker_proto_write_compact_nullable_string(out, s)
                     : broker_proto_write_compact_string(out, s);
        else
            nullable ? broker_proto_write_nullable_string(out, s)
                     : broker_proto_write_string(out, s);
        break;
    }
    case BROKER_PROTO_BYTES: {
        broker_proto_bytes_t b = *(const broker_proto_bytes_t *)p;
        if (e->flexible)
            nullable ? broker_proto_write_compact_nullable_bytes(out, b)
                     : broker_proto_write_compact_bytes(out, b);
        else
            nullable ? broker_proto_write_nullable_bytes(out, b) : broker_proto_write_bytes(out, b);
        break;
    }
    case BROKER_PROTO_RECORDS: encode_records(e, p); break;
    case BROKER_PROTO_ARRAY:
    case BROKER_PROTO_STRUCT: abort(); /* a table bug */
    }
}

static void encode_array(proto_enc_t *e, const broker_proto_field_t *f, const void *p)
{
    proto_array_t a = array_get(p);
    int32_t n = a.count;
    if (n < 0 && !field_nullable(f, e->version))
        n = 0; /* never null where the version does not allow it */
    if (e->flexible)
        broker_proto_write_compact_array_count(e->out, n);
    else
        broker_proto_write_array_count(e->out, n);
    for (int32_t i = 0; i < n; i++) {
        const void *item = (const uint8_t *)a.items + (size_t)i * f->elem_size;
        if (f->elem)
            encode_struct(e, f->elem, item);
        else
            encode_scalar(e, f->elem_type, false, item);
    }
}

static void encode_struct(proto_enc_t *e, const broker_proto_struct_t *s, const void *src)
{
    for (size_t i = 0; i < s->field_count; i++) {
        const broker_proto_field_t *f = &s->fields[i];
        if (!field_present(f, e->version))
            continue;
        const void *p = (const uint8_t *)src + f->offset;
        if (f->type == BROKER_PROTO_ARRAY)
            encode_array(e, f, p);
        else
            encode_scalar(e, f->type, field_nullable(f, e->version), p);
    }
    if (e->flexible)
        broker_proto_write_empty_tagged_fields(e->out);
}

void broker_proto_encode(sluice_buf_t *out, broker_proto_splices_t *splices,
                         const broker_proto_message_t *m, int16_t version, const void *src)
{
    proto_enc_t e = {out, splices, version, version >= m->flexible_from};
    encode_struct(&e, &m->body, src);
}

/* ------------------------------------------------------------------------ */
/* Freeing                                                                   */

static void free_struct(const broker_proto_struct_t *s, void *obj)
{
    for (size_t i = 0; i < s->field_count; i++) {
        const broker_proto_field_t *f = &s->fields[i];
        if (f->type != BROKER_PROTO_ARRAY)
            continue;
        void *p = (uint8_t *)obj + f->offset;
        proto_array_t a = array_get(p);
        if (f->elem)
            for (int32_t j = 0; j < a.count; j++)
                free_struct(f->elem, (uint8_t *)a.items + (size_t)j * f->elem_size);
        free(a.items);
        array_set(p, NULL, 0);
    }
}

void broker_proto_free(const broker_proto_message_t *m, void *obj)
{
    if (obj)
        free_struct(&m->body, obj);
}
