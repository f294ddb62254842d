#include "log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static _Atomic int log_level = SLUICE_LOG_INFO;

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

void log_set_level(sluice_log_level_t level)
{
    atomic_store(&log_level, (int)level);
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
    if (level == SLUICE_LOG_OFF || level > limit)
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
