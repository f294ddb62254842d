/*
 * The host side of sluice_ctx_t: one per plugin instance. The runtime that
 * owns the instance (a worker task, a converter user …) fills in the hooks
 * for what it can answer; the public sluice_ctx_* functions fall back to
 * doing nothing where a hook is absent.
 */
#ifndef WORKER_CTX_H
#define WORKER_CTX_H

#include <sluice/plugin.h>

typedef struct ctx_hooks {
    sluice_value_t *(*offset)(void *owner, const sluice_value_t *partition);
    void (*request_reconfiguration)(void *owner);
    void (*raise_error)(void *owner, const char *message);
    void (*seek)(void *owner, const char *topic, int32_t partition, int64_t offset);
    void (*request_commit)(void *owner);
} ctx_hooks_t;

struct sluice_ctx {
    char *name;   /* "connector|task-0"; shown in every log line */
    char *logger; /* the class that logs, e.g. "FileStreamSourceTask" */
    int level;    /* a sluice_log_level_t, or -1 for the global level */
    const ctx_hooks_t *hooks;
    void *owner;
};

/* A context named name (copied), logging as logger (copied; may be NULL). */
sluice_ctx_t *ctx_new(const char *name, const char *logger);
void ctx_destroy(sluice_ctx_t *ctx);
void ctx_set_hooks(sluice_ctx_t *ctx, const ctx_hooks_t *hooks, void *owner);

#endif
