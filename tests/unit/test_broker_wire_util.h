/* Helpers shared by the broker wire-codec suites. */
#ifndef TEST_BROKER_WIRE_UTIL_H
#define TEST_BROKER_WIRE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto_request.h"
#include "proto_schema.h"
#include "test_broker_wire_vectors.h"

/* A protocol string / bytes from a literal, usable in static initialisers. */
#define WSTR(lit)                                                                                  \
    {                                                                                              \
        (lit), sizeof(lit) - 1                                                                     \
    }
#define WBYTES(lit)                                                                                \
    {                                                                                              \
        (const uint8_t *)(lit), sizeof(lit) - 1                                                    \
    }
#define WNULL                                                                                      \
    {                                                                                              \
        NULL, 0                                                                                    \
    }
/* An array member from a compound literal of items. */
#define WARRAY(type, ...)                                                                          \
    {                                                                                              \
        .items = (type[]){__VA_ARGS__},                                                            \
        .count = (int32_t)(sizeof((type[]){__VA_ARGS__}) / sizeof(type))                           \
    }
#define WNULL_ARRAY                                                                                \
    {                                                                                              \
        .items = NULL, .count = -1                                                                 \
    }

/* Asserts equal bytes; on a difference prints where and both sides. */
#define ASSERT_BYTES_EQ(exp, exp_len, act, act_len, what)                                          \
    CU_ASSERT(wire_bytes_equal((exp), (exp_len), (act), (act_len), (what)))
bool wire_bytes_equal(const void *expected, size_t expected_len, const void *actual,
                      size_t actual_len, const char *what);

/* The vector of that name (aborts the test run when missing). */
const test_wire_vector_t *wire_vector(const char *name);

/* The request or response table of an implemented api key. */
const broker_proto_message_t *wire_message(int16_t api_key, bool response);

/*
 * Compares two structs of message m field by field as `version` sees them:
 * fields of the version must be equal (a null non-nullable string or array
 * equals an empty one), fields outside it must hold their decoded default in
 * `actual`. Prints the first difference, naming the field.
 */
bool wire_struct_equal(const broker_proto_message_t *m, int16_t version, const void *expected,
                       const void *actual);

/* Encodes src, decodes the bytes, compares, re-encodes and compares the
 * bytes; returns the number of failed checks (0 = good). */
int wire_round_trip(const broker_proto_message_t *m, int16_t version, const void *src);

/* Decodes every strict prefix of body (all must fail cleanly) and the whole
 * body (must succeed and consume everything); returns failed checks. */
int wire_check_prefixes(const broker_proto_message_t *m, int16_t version, const uint8_t *body,
                        size_t len);

#endif
