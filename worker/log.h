/*
 * The runtime's logger. Every line carries a timestamp, the level and the
 * context of whoever logs ("[local-file-source|task-0]"), like Kafka's
 * connect-log4j format:
 *
 *     [2026-11-22 16:30:01,123] INFO [local-file-source|task-0] Started (worker)
 *
 * Lines go to stderr. Any thread may log; each line is written with one call.
 */
#ifndef WORKER_LOG_H
#define WORKER_LOG_H

#include <stdarg.h>
#include <sluice/common.h>

/* The global level (default INFO, or the SLUICE_LOG_LEVEL environment
 * variable read by log_init). */
void log_init(void);
void log_set_level(sluice_log_level_t level);
sluice_log_level_t log_get_level(void);

/* Parses "ERROR", "warn", "Info", "DEBUG", "TRACE", "OFF"; false if unknown. */
bool log_level_parse(const char *text, sluice_log_level_t *level);
const char *log_level_name(sluice_log_level_t level);

/*
 * Named loggers (Kafka's /admin/loggers). A logger is the name shown at the
 * end of a line ("Herder", "FileStreamSourceTask"); names form a hierarchy
 * by dots, and "root" is the top. A logger without a level of its own takes
 * its nearest ancestor's, else root's (the global level above). Loggers are
 * known once they have written a line or been given a level.
 *
 * log_get_level() is the most verbose level any logger has, so the LOG_AT
 * check stays one atomic load; the per-logger check happens only for lines
 * that pass it.
 */
#define LOG_ROOT_LOGGER "root"

typedef struct log_logger_info {
    char *name;
    sluice_log_level_t level; /* the effective level */
    int64_t last_modified_ms; /* wall clock of the last REST change, -1 never */
} log_logger_info_t;

/* Every known logger, root first, then by name; *out gets a malloc()ed
 * array (free with log_loggers_free). */
size_t log_loggers(log_logger_info_t **out);
void log_loggers_free(log_logger_info_t *loggers, size_t count);

/* The effective level of a known logger; false when name is unknown. */
bool log_logger_get(const char *name, log_logger_info_t *out);

/*
 * Sets the level of name and of every known logger under it ("root": every
 * logger), stamping them modified now, as Kafka's PUT
 * /admin/loggers/{name} does. *affected (may be NULL) gets the sorted names
 * changed (malloc()ed array of malloc()ed strings); returns their count.
 */
size_t log_logger_set(const char *name, sluice_log_level_t level, char ***affected);

/* Writes one line at level with context (may be NULL) and logger name (may
 * be NULL) unless level is above limit or the logger's own level. */
void log_vwrite(sluice_log_level_t limit, sluice_log_level_t level, const char *context,
                const char *logger, const char *fmt, va_list ap);
void log_write(sluice_log_level_t level, const char *context, const char *logger, const char *fmt,
               ...) SLUICE_PRINTF(4, 5);

#define LOG_AT(level, context, logger, ...)                                                        \
    do {                                                                                           \
        if ((level) <= log_get_level())                                                            \
            log_write((level), (context), (logger), __VA_ARGS__);                                  \
    } while (0)

#define log_error(context, logger, ...) LOG_AT(SLUICE_LOG_ERROR, context, logger, __VA_ARGS__)
#define log_warn(context, logger, ...) LOG_AT(SLUICE_LOG_WARN, context, logger, __VA_ARGS__)
#define log_info(context, logger, ...) LOG_AT(SLUICE_LOG_INFO, context, logger, __VA_ARGS__)
#define log_debug(context, logger, ...) LOG_AT(SLUICE_LOG_DEBUG, context, logger, __VA_ARGS__)

#endif
