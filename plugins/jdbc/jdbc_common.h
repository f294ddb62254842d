/*
 * Helpers every part of the JDBC connectors plugin shares: allocation with
 * the host's policy, and the plugin's version. The library may use only libc,
 * MariaDB Connector/C and the public sluice_* ABI.
 */
#ifndef PLUGINS_JDBC_JDBC_COMMON_H
#define PLUGINS_JDBC_JDBC_COMMON_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/sluice.h>

/* Confluent reports the connector's own release; these report Sluice's. */
#define JDBC_CONNECTORS_VERSION SLUICE_VERSION_STRING

/* Allocation that aborts when memory runs out, as the host does. */
void *jdbc_alloc(size_t size);
void *jdbc_calloc(size_t count, size_t size);
void *jdbc_realloc(void *ptr, size_t size);
char *jdbc_strdup(const char *str);
char *jdbc_strndup(const char *str, size_t len);

/* The monotonic clock in milliseconds (the runtime's worker/clock.h is not
 * part of the plugin ABI). */
int64_t jdbc_now_ms(void);

/* Sleeps ms milliseconds, in slices of at most 100 ms, returning early (true)
 * once *stop is set. stop may be NULL. */
bool jdbc_sleep_ms(long ms, const atomic_int *stop);

#endif
