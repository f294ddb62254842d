/* Host-side helpers over the value model (value.c) for other worker files. */
#ifndef WORKER_VALUE_INTERNAL_H
#define WORKER_VALUE_INTERNAL_H

#include <stdint.h>

#include <sluice/value.h>

/* A hash consistent with sluice_value_equals: equal values (maps in any
 * entry order, NaN with the same NaN) hash equally. NULL has a hash too.
 * Any thread. */
uint64_t value_hash(const sluice_value_t *value);

/* True when value has more than one owner (sluice_value_ref), and so will
 * not change while a reference is held. Any thread. */
bool value_is_shared(const sluice_value_t *value);

#endif
