/* Kafka wire bytes written by a real client library (kafka-python 2.0.2),
 * generated once by test_broker_wire_vectors.py. */
#ifndef TEST_BROKER_WIRE_VECTORS_H
#define TEST_BROKER_WIRE_VECTORS_H

#include <stddef.h>
#include <stdint.h>

typedef enum test_wire_kind {
    TEST_WIRE_REQUEST, /* a whole frame: size, header v1, body */
    TEST_WIRE_RESPONSE /* a response body (after the correlation id) */
} test_wire_kind_t;

typedef struct test_wire_vector {
    const char *name;
    test_wire_kind_t kind;
    int16_t api_key;
    int16_t version;
    const uint8_t *data;
    size_t len;
} test_wire_vector_t;

extern const test_wire_vector_t test_wire_vectors[];
extern const size_t test_wire_vector_count;

#endif
