/*
 * Reads JSON as Kafka's JsonDeserializer accepts it, through jansson:
 * any value at the top level, NUL characters in strings, an optional UTF-8
 * byte order mark, numbers with leading zeros (Kafka turns on Jackson's
 * ALLOW_LEADING_ZEROS_FOR_NUMBERS) and integers of any size (those beyond
 * int64 become reals). Empty input is Jackson's "missing" node.
 *
 * jansson keeps real numbers as doubles. Decimals read as JSON numbers need
 * their exact digits, so the reader also remembers the text of every number
 * with more significant digits than a double holds.
 */
#ifndef CONVERTERS_JSON_READER_H
#define CONVERTERS_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sluice/buf.h>
#include <sluice/value.h>

/* The deepest nesting of arrays and objects accepted (Jackson's default
 * limit since 2.15 is the same). */
#define JSONR_MAX_DEPTH 1000

typedef struct jsonr_long_number {
    double value;
    char *text;
    bool used;
} jsonr_long_number_t;

typedef struct jsonr_doc {
    json_t *root;     /* NULL when the input held no value at all */
    size_t max_depth; /* the deepest nesting of arrays and objects in the input */
    jsonr_long_number_t *long_numbers;
    size_t long_count;
    size_t long_cap;
    size_t long_next; /* where jsonr_number_text looks first */
} jsonr_doc_t;

/*
 * Parses len bytes at data into doc (which the caller zeroes first and
 * clears with jsonr_doc_clear even on failure). Returns 0, or -1 with
 * errstr saying what is wrong and where (line, column and byte offset).
 */
int jsonr_parse(const void *data, size_t len, jsonr_doc_t *doc, char *errstr, size_t errstr_size);

void jsonr_doc_clear(jsonr_doc_t *doc);

/*
 * Appends the text of a number node that reads back exactly (for decimals):
 * an integer's digits; for a real, the digits it was written with when the
 * reader kept them, else the shortest digits of its double ("12345E-4").
 */
void jsonr_number_text(jsonr_doc_t *doc, const json_t *number, sluice_buf_t *out);

/* The digits a real number was written with when the reader kept them (it
 * had more than a double holds), else NULL. Borrowed from doc. */
const char *jsonr_long_text(const jsonr_doc_t *doc, const json_t *real);

/* ---- the fast path ----------------------------------------------------------
 *
 * Most messages are plain: strings without odd characters, small integers,
 * the same schema envelope again and again. These read them straight into
 * Connect values without building a jansson tree, and give up (returning
 * JSONR_FAST_NO, with nothing allocated) on anything else: malformed input,
 * leading zeros, integers beyond int64, NUL in a key, deep nesting. The
 * caller then takes the jansson path, which gives the exact value or error,
 * so both paths agree on every input.
 */
#define JSONR_FAST_OK 0
#define JSONR_FAST_NO 1

/*
 * Reads a whole document (BOM and whitespace as jsonr_parse takes them) as
 * the schemaless JsonConverter does: objects become maps, arrays arrays,
 * integers INT64, other numbers FLOAT64, null and an empty document NULL.
 * Returns JSONR_FAST_OK with *out (owned by the caller), or JSONR_FAST_NO.
 */
int jsonr_fast_read(const void *data, size_t len, sluice_value_t **out);

typedef enum jsonr_scalar_kind {
    JSONR_SCALAR_NULL,
    JSONR_SCALAR_TRUE,
    JSONR_SCALAR_FALSE,
    JSONR_SCALAR_INTEGER,
    JSONR_SCALAR_REAL,
    JSONR_SCALAR_STRING,
} jsonr_scalar_kind_t;

typedef struct jsonr_scalar {
    jsonr_scalar_kind_t kind;
    int64_t integer;
    double real;
    const char *str; /* STRING: into the input or scratch, str_len bytes (may hold NUL) */
    size_t str_len;
} jsonr_scalar_t;

/*
 * Reads data (no BOM, no surrounding whitespace: a value as it lies inside a
 * document) when it is exactly one scalar. scratch holds an unescaped
 * string. Returns JSONR_FAST_OK or JSONR_FAST_NO.
 */
int jsonr_fast_scalar(const void *data, size_t len, sluice_buf_t *scratch, jsonr_scalar_t *out);

/* Where a value lies in a document: data[off, off + len). */
typedef struct jsonr_span {
    size_t off;
    size_t len;
} jsonr_span_t;

/*
 * When data (BOM and whitespace as jsonr_parse takes them) is an object with
 * exactly the members "schema" and "payload", in either order, with keys
 * written plainly, sets where their values lie and returns JSONR_FAST_OK.
 * The values are only delimited, not checked: parsed on their own, each
 * gives what it would inside the document, and if both parse, so does the
 * document. Else JSONR_FAST_NO.
 */
int jsonr_split_envelope(const void *data, size_t len, jsonr_span_t *schema, jsonr_span_t *payload);

/* Jackson's node type names: "OBJECT", "ARRAY", "STRING", "NUMBER",
 * "BOOLEAN", "NULL", and "MISSING" for NULL. */
const char *jsonr_type_name(const json_t *json);

/* A hash of the value that equal values (json_equal) share. */
uint64_t jsonr_hash(const json_t *json);

#endif
