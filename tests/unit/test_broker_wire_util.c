/* Helpers shared by the broker wire-codec suites. */
#include "test_broker_wire_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

bool wire_bytes_equal(const void *expected, size_t expected_len, const void *actual,
                      size_t actual_len, const char *what)
{
    const uint8_t *e = expected, *a = actual;
    size_t n = expected_len < actual_len ? expected_len : actual_len;
    size_t i = 0;
    while (i < n && e[i] == a[i])
        i++;
    if (i == n && expected_len == actual_len)
        return true;
    fprintf(stderr, "\n  %s: bytes differ at offset %zu (expected %zu bytes, got %zu)\n", what, i,
            expected_len, actual_len);
    size_t from = i > 8 ? i - 8 : 0;
    fprintf(stderr, "    expected:");
    for (size_t j = from; j < expected_len && j < from + 24; j++)
        fprintf(stderr, " %02x", e[j]);
    fprintf(stderr, "\n    actual:  ");
    for (size_t j = from; j < actual_len && j < from + 24; j++)
        fprintf(stderr, " %02x", a[j]);
    fprintf(stderr, "\n");
    return false;
}

const test_wire_vector_t *wire_vector(const char *name)
{
    for (size_t i = 0; i < test_wire_vector_count; i++)
        if (strcmp(test_wire_vectors[i].name, name) == 0)
            return &test_wire_vectors[i];
    fprintf(stderr, "no test vector named %s\n", name);
    abort();
}

const broker_proto_message_t *wire_message(int16_t api_key, bool response)
{
    const broker_proto_api_t *api = broker_proto_api_find(api_key);
    if (!api)
        abort();
    return response ? api->response : api->request;
}

/* ---- Comparison ---------------------------------------------------------- */

typedef BROKER_PROTO_ARRAY(void) wire_array_t;

static wire_array_t array_at(const void *p)
{
    wire_array_t a;
    memcpy(&a, p, sizeof a);
    return a;
}

static bool nullable_in(const broker_proto_field_t *f, int16_t v)
{
    return f->nullable && v >= f->nullable_from;
}

static bool present_in(const broker_proto_field_t *f, int16_t v)
{
    return v >= f->min_version && v <= f->max_version;
}

static bool struct_equal(const broker_proto_struct_t *s, int16_t v, const void *exp,
                         const void *act);

/* Compares one non-array value; `nullable` tells whether null survives the
 * wire. */
static bool scalar_equal(broker_proto_type_t type, bool nullable, const void *e, const void *a)
{
    switch (type) {
    case BROKER_PROTO_INT8: return *(const int8_t *)e == *(const int8_t *)a;
    case BROKER_PROTO_INT16: return *(const int16_t *)e == *(const int16_t *)a;
    case BROKER_PROTO_INT32: return *(const int32_t *)e == *(const int32_t *)a;
    case BROKER_PROTO_INT64: return *(const int64_t *)e == *(const int64_t *)a;
    case BROKER_PROTO_BOOL: return *(const bool *)e == *(const bool *)a;
    case BROKER_PROTO_STRING:
    case BROKER_PROTO_BYTES: {
        /* str and bytes share a layout: pointer, length */
        const broker_proto_bytes_t *eb = e, *ab = a;
        bool enull = !eb->data && nullable, anull = !ab->data;
        if (enull || anull)
            return enull == anull;
        size_t elen = eb->data ? eb->len : 0;
        return elen == ab->len && (elen == 0 || memcmp(eb->data, ab->data, elen) == 0);
    }
    case BROKER_PROTO_RECORDS: {
        const broker_proto_records_t *er = e, *ar = a;
        size_t elen = er->bytes.data ? er->bytes.len : 0;
        return elen == ar->bytes.len && ar->range_count == 0 &&
               (elen == 0 || memcmp(er->bytes.data, ar->bytes.data, elen) == 0);
    }
    case BROKER_PROTO_ARRAY:
    case BROKER_PROTO_STRUCT: break;
    }
    return false;
}

static bool array_equal(const broker_proto_field_t *f, int16_t v, const void *e, const void *a)
{
    wire_array_t ea = array_at(e), aa = array_at(a);
    int32_t ecount = ea.count < 0 && !nullable_in(f, v) ? 0 : ea.count;
    if (ecount != aa.count)
        return false;
    for (int32_t i = 0; i < ecount; i++) {
        const uint8_t *ei = (const uint8_t *)ea.items + (size_t)i * f->elem_size;
        const uint8_t *ai = (const uint8_t *)aa.items + (size_t)i * f->elem_size;
        if (f->elem ? !struct_equal(f->elem, v, ei, ai)
                    : !scalar_equal(f->elem_type, false, ei, ai))
            return false;
    }
    return true;
}

/* Whether an absent field holds its decoded default. */
static bool is_default(const broker_proto_field_t *f, const void *a)
{
    switch (f->type) {
    case BROKER_PROTO_INT8: return *(const int8_t *)a == (int8_t)f->default_value;
    case BROKER_PROTO_INT16: return *(const int16_t *)a == (int16_t)f->default_value;
    case BROKER_PROTO_INT32: return *(const int32_t *)a == (int32_t)f->default_value;
    case BROKER_PROTO_INT64: return *(const int64_t *)a == f->default_value;
    case BROKER_PROTO_BOOL: return *(const bool *)a == (f->default_value != 0);
    case BROKER_PROTO_STRING:
    case BROKER_PROTO_BYTES: {
        const broker_proto_bytes_t *b = a;
        return b->len == 0 && (f->nullable ? b->data == NULL : b->data != NULL);
    }
    case BROKER_PROTO_RECORDS: return ((const broker_proto_records_t *)a)->bytes.data == NULL;
    case BROKER_PROTO_ARRAY: {
        wire_array_t arr = array_at(a);
        return arr.count == 0 && arr.items == NULL;
    }
    case BROKER_PROTO_STRUCT: break;
    }
    return false;
}

static bool struct_equal(const broker_proto_struct_t *s, int16_t v, const void *exp,
                         const void *act)
{
    for (size_t i = 0; i < s->field_count; i++) {
        const broker_proto_field_t *f = &s->fields[i];
        const uint8_t *e = (const uint8_t *)exp + f->offset;
        const uint8_t *a = (const uint8_t *)act + f->offset;
        bool ok;
        if (!present_in(f, v))
            ok = is_default(f, a);
        else if (f->type == BROKER_PROTO_ARRAY)
            ok = array_equal(f, v, e, a);
        else
            ok = scalar_equal(f->type, nullable_in(f, v), e, a);
        if (!ok) {
            fprintf(stderr, "\n  v%d %s.%s differs%s\n", v, s->name, f->name,
                    present_in(f, v) ? "" : " from its default (absent in this version)");
            return false;
        }
    }
    return true;
}

bool wire_struct_equal(const broker_proto_message_t *m, int16_t version, const void *expected,
                       const void *actual)
{
    return struct_equal(&m->body, version, expected, actual);
}

int wire_round_trip(const broker_proto_message_t *m, int16_t version, const void *src)
{
    int failures = 0;
    sluice_buf_t *first = sluice_buf_new(), *second = sluice_buf_new();
    broker_proto_encode(first, NULL, m, version, src);

    void *decoded = mem_calloc(1, m->size);
    broker_proto_reader_t r;
    broker_proto_reader_init(&r, sluice_buf_data(first), sluice_buf_len(first));
    if (broker_proto_decode(&r, m, version, decoded) != 0) {
        fprintf(stderr, "\n  %s v%d: decoding our own encoding failed: %s\n", m->name, version,
                broker_proto_reader_errstr(&r));
        failures++;
        goto out;
    }
    if (broker_proto_reader_remaining(&r) != 0) {
        fprintf(stderr, "\n  %s v%d: %zu bytes left after decoding\n", m->name, version,
                broker_proto_reader_remaining(&r));
        failures++;
    }
    if (!wire_struct_equal(m, version, src, decoded)) {
        fprintf(stderr, "  (%s v%d round trip)\n", m->name, version);
        failures++;
    }
    broker_proto_encode(second, NULL, m, version, decoded);
    if (!wire_bytes_equal(sluice_buf_data(first), sluice_buf_len(first), sluice_buf_data(second),
                          sluice_buf_len(second), m->name))
        failures++;
    failures += wire_check_prefixes(m, version, (const uint8_t *)sluice_buf_data(first),
                                    sluice_buf_len(first));
out:
    broker_proto_free(m, decoded);
    free(decoded);
    sluice_buf_destroy(first);
    sluice_buf_destroy(second);
    return failures;
}

int wire_check_prefixes(const broker_proto_message_t *m, int16_t version, const uint8_t *body,
                        size_t len)
{
    int failures = 0;
    void *decoded = mem_calloc(1, m->size);
    for (size_t cut = 0; cut <= len; cut++) {
        /* A copy of exactly `cut` bytes, so ASan sees any read past it. */
        uint8_t *copy = mem_alloc(cut ? cut : 1);
        if (cut)
            memcpy(copy, body, cut);
        broker_proto_reader_t r;
        broker_proto_reader_init(&r, copy, cut);
        int rc = broker_proto_decode(&r, m, version, decoded);
        if (cut < len && rc == 0) {
            fprintf(stderr, "\n  %s v%d: a body cut to %zu of %zu bytes decoded\n", m->name,
                    version, cut, len);
            failures++;
        }
        if (cut < len && rc != 0 && broker_proto_reader_errstr(&r)[0] == '\0') {
            fprintf(stderr, "\n  %s v%d: failure without a message\n", m->name, version);
            failures++;
        }
        if (cut == len && (rc != 0 || broker_proto_reader_remaining(&r) != 0)) {
            fprintf(stderr, "\n  %s v%d: the whole body did not decode exactly: %s\n", m->name,
                    version, broker_proto_reader_errstr(&r));
            failures++;
        }
        broker_proto_free(m, decoded);
        free(copy);
    }
    free(decoded);
    return failures;
}
