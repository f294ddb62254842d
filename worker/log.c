#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "mem.h"

/* The most verbose level of root and every logger: the fast check. */
static _Atomic int log_level = SLUICE_LOG_INFO;

/* Named loggers. Lines that pass the fast check look their logger up here;
 * only loggers with a level of their own change the outcome, so the common
 * case (none) skips the lock. */
typedef struct log_logger {
    char *name;
    int level; /* -1: inherited */
    int64_t last_modified_ms;
} log_logger_t;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_root_level = SLUICE_LOG_INFO;
static int64_t log_root_modified_ms = -1;
static log_logger_t *log_table;
static size_t log_count, log_cap;

static const char *const log_level_names[] = {"OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

void log_init(void)
{
    const char *env = getenv("SLUICE_LOG_LEVEL");
    sluice_log_level_t level;
    if (env && *env) {
        if (log_level_parse(env, &level))
            log_set_level(level);
        else
            log_write(SLUICE_LOG_WARN, NULL, "log",
                      "SLUICE_LOG_LEVEL=%s is not a level (OFF, ERROR, WARN, INFO, DEBUG, TRACE); "
                      "keeping INFO",
                      env);
    }
}

static void log_update_max_locked(void)
{
    int max = log_root_level;
    for (size_t i = 0; i < log_count; i++)
        if (log_table[i].level > max)
            max = log_table[i].level;
    atomic_store(&log_level, max);
}

void log_set_level(sluice_log_level_t level)
{
    pthread_mutex_lock(&log_lock);
    log_root_level = (int)level;
    log_update_max_locked();
    pthread_mutex_unlock(&log_lock);
}

static log_logger_t *log_find_locked(const char *name)
{
    for (size_t i = 0; i < log_count; i++)
        if (strcmp(log_table[i].name, name) == 0)
            return &log_table[i];
    return NULL;
}

static log_logger_t *log_add_locked(const char *name)
{
    log_logger_t *l = log_find_locked(name);
    if (l)
        return l;
    mem_grow((void **)&log_table, &log_cap, log_count + 1, sizeof *log_table);
    l = &log_table[log_count++];
    l->name = mem_strdup(name);
    l->level = -1;
    l->last_modified_ms = -1;
    return l;
}

/* The level name writes at: its own, else its nearest dotted ancestor's,
 * else root's. */
static int log_effective_locked(const char *name)
{
    size_t len = strlen(name);
    for (;;) {
        for (size_t i = 0; i < log_count; i++) {
            const log_logger_t *l = &log_table[i];
            if (l->level >= 0 && strncmp(l->name, name, len) == 0 && l->name[len] == '\0')
                return l->level;
        }
        while (len > 0 && name[len - 1] != '.')
            len--;
        if (len == 0)
            return log_root_level;
        len--; /* drop the dot */
    }
}

static int log_info_cmp(const void *a, const void *b)
{
    const log_logger_info_t *x = a, *y = b;
    return strcmp(x->name, y->name);
}

size_t log_loggers(log_logger_info_t **out)
{
    pthread_mutex_lock(&log_lock);
    size_t n = log_count + 1;
    log_logger_info_t *res = mem_calloc(n, sizeof *res);
    res[0].name = mem_strdup(LOG_ROOT_LOGGER);
    res[0].level = (sluice_log_level_t)log_root_level;
    res[0].last_modified_ms = log_root_modified_ms;
    for (size_t i = 0; i < log_count; i++) {
        res[i + 1].name = mem_strdup(log_table[i].name);
        res[i + 1].level = (sluice_log_level_t)log_effective_locked(log_table[i].name);
        res[i + 1].last_modified_ms = log_table[i].last_modified_ms;
    }
    pthread_mutex_unlock(&log_lock);
    qsort(res + 1, n - 1, sizeof *res, log_info_cmp);
    *out = res;
    return n;
}

void log_loggers_free(log_logger_info_t *loggers, size_t count)
{
    if (!loggers)
        return;
    for (size_t i = 0; i < count; i++)
        free(loggers[i].name);
    free(loggers);
}

bool log_logger_get(const char *name, log_logger_info_t *out)
{
    bool found = true;
    pthread_mutex_lock(&log_lock);
    if (strcmp(name, LOG_ROOT_LOGGER) == 0) {
        out->level = (sluice_log_level_t)log_root_level;
        out->last_modified_ms = log_root_modified_ms;
    } else {
        const log_logger_t *l = log_find_locked(name);
        if (l) {
            out->level = (sluice_log_level_t)log_effective_locked(name);
            out->last_modified_ms = l->last_modified_ms;
        } else {
            found = false;
        }
    }
    pthread_mutex_unlock(&log_lock);
    out->name = NULL;
    return found;
}

static int log_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t log_logger_set(const char *name, sluice_log_level_t level, char ***affected)
{
    bool root = strcmp(name, LOG_ROOT_LOGGER) == 0;
    size_t len = strlen(name);
    int64_t now = clock_wall_ms();
    pthread_mutex_lock(&log_lock);
    if (!root)
        log_add_locked(name);
    char **names = mem_calloc(log_count + 1, sizeof *names);
    size_t n = 0;
    if (root) {
        log_root_level = (int)level;
        log_root_modified_ms = now;
        names[n++] = mem_strdup(LOG_ROOT_LOGGER);
    }
    for (size_t i = 0; i < log_count; i++) {
        log_logger_t *l = &log_table[i];
        if (!root &&
            !(strncmp(l->name, name, len) == 0 && (l->name[len] == '\0' || l->name[len] == '.')))
            continue;
        l->level = (int)level;
        l->last_modified_ms = now;
        names[n++] = mem_strdup(l->name);
    }
    log_update_max_locked();
    pthread_mutex_unlock(&log_lock);
    qsort(names, n, sizeof *names, log_name_cmp);
    if (affected) {
        *affected = names;
    } else {
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
    return n;
}

/* Records logger as known and tells whether level passes its own level. */
static bool log_logger_allows(const char *logger, sluice_log_level_t level)
{
    pthread_mutex_lock(&log_lock);
    if (logger)
        log_add_locked(logger);
    int effective = logger ? log_effective_locked(logger) : log_root_level;
    pthread_mutex_unlock(&log_lock);
    return (int)level <= effective;
}

sluice_log_level_t log_get_level(void)
{
    return (sluice_log_level_t)atomic_load(&log_level);
}

bool log_level_parse(const char *text, sluice_log_level_t *level)
{
    for (size_t i = 0; i < sizeof log_level_names / sizeof log_level_names[0]; i++) {
        if (strcasecmp(text, log_level_names[i]) == 0) {
            *level = (sluice_log_level_t)i;
            return true;
        }
    }
    return false;
}

const char *log_level_name(sluice_log_level_t level)
{
    if ((int)level < 0 || (size_t)level >= sizeof log_level_names / sizeof log_level_names[0])
        return "UNKNOWN";
    return log_level_names[level];
}

void log_vwrite(sluice_log_level_t limit, sluice_log_level_t level, const char *context,
                const char *logger, const char *fmt, va_list ap)
{
    if (level == SLUICE_LOG_OFF || level > limit || !log_logger_allows(logger, level))
        return;
    char line[4096];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(line, sizeof line, "[%Y-%m-%d %H:%M:%S", &tm);
    int w = snprintf(line + n, sizeof line - n, ",%03ld] %s %s%s%s", ts.tv_nsec / 1000000L,
                     log_level_name(level), context ? "[" : "", context ? context : "",
                     context ? "] " : "");
    if (w > 0)
        n += (size_t)w < sizeof line - n ? (size_t)w : sizeof line - n - 1;
    w = vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (w > 0)
        n += (size_t)w < sizeof line - n ? (size_t)w : sizeof line - n - 1;
    if (logger && n < sizeof line - 1) {
        w = snprintf(line + n, sizeof line - n, " (%s)", logger);
        if (w > 0)
            n += (size_t)w < sizeof line - n ? (size_t)w : sizeof line - n - 1;
    }
    if (n >= sizeof line - 1)
        n = sizeof line - 2;
    line[n++] = '\n';
    fwrite(line, 1, n, stderr);
}

void log_write(sluice_log_level_t level, const char *context, const char *logger, const char *fmt,
               ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(log_get_level(), level, context, logger, fmt, ap);
    va_end(ap);
}
