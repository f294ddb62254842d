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

/* The deepest nesting of arrays and objects accepted (Jackson's default
 * limit since 2.15 is the same). */
#define JSONR_MAX_DEPTH 1000

typedef struct jsonr_long_number {
    double value;
    char *text;
    bool used;
} jsonr_long_number_t;

typedef struct jsonr_doc {
    json_t *root; /* NULL when the input held no value at all */
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

/* Jackson's node type names: "OBJECT", "ARRAY", "STRING", "NUMBER",
 * "BOOLEAN", "NULL", and "MISSING" for NULL. */
const char *jsonr_type_name(const json_t *json);

/* A hash of the value that equal values (json_equal) share. */
uint64_t jsonr_hash(const json_t *json);

#endif
