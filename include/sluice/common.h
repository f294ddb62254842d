/*
 * Sluice public plugin ABI: common definitions.
 *
 * Everything under include/sluice/ is the stable C ABI that plugins compile
 * against. These headers include only libc headers and each other.
 *
 * Memory policy: every host function that allocates aborts the process when
 * memory runs out (as Redis and librdkafka do), so no host function returns
 * NULL merely because an allocation failed.
 */
#ifndef SLUICE_COMMON_H
#define SLUICE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The ABI version. A plugin records the version it was built against in its
 * descriptor; the loader refuses a plugin whose version differs. Additions
 * that keep old plugins working (new host functions, new fields appended to a
 * struct that carries struct_size) do not change it.
 */
#define SLUICE_ABI_VERSION 1

/* The release of the headers, informational only. */
#define SLUICE_VERSION_STRING "0.1.0"

#if defined(__GNUC__)
#define SLUICE_EXPORT __attribute__((visibility("default")))
#define SLUICE_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#else
#define SLUICE_EXPORT
#define SLUICE_PRINTF(fmt_idx, arg_idx)
#endif

/*
 * The outcome of a plugin callback. The runtime owns the policy for each:
 * retries and backoff for SLUICE_RETRY, failing the task (or, with
 * errors.tolerance=all, the dead letter queue) for SLUICE_FATAL.
 * SLUICE_DROP is only meaningful from a transform: the record is discarded.
 */
typedef enum sluice_result {
    SLUICE_OK = 0,
    SLUICE_RETRY = 1,
    SLUICE_FATAL = 2,
    SLUICE_DROP = 3
} sluice_result_t;

/* Returns "OK", "RETRY", "FATAL" or "DROP"; never NULL. */
const char *sluice_result_name(sluice_result_t result);

/* Log levels, in Kafka's (log4j) order of severity. */
typedef enum sluice_log_level {
    SLUICE_LOG_OFF = 0,
    SLUICE_LOG_ERROR = 1,
    SLUICE_LOG_WARN = 2,
    SLUICE_LOG_INFO = 3,
    SLUICE_LOG_DEBUG = 4,
    SLUICE_LOG_TRACE = 5
} sluice_log_level_t;

/* A Kafka topic partition, with an offset where one is meant. */
typedef struct sluice_topic_partition {
    const char *topic;
    int32_t partition;
    int64_t offset; /* -1 where no offset is meant */
} sluice_topic_partition_t;

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_COMMON_H */
