#include "ctx.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "mem.h"

sluice_ctx_t *ctx_new(const char *name, const char *logger)
{
    sluice_ctx_t *ctx = mem_calloc(1, sizeof(*ctx));
    ctx->name = mem_strdup(name ? name : "");
    ctx->logger = mem_strdup(logger);
    ctx->level = -1;
    return ctx;
}

void ctx_destroy(sluice_ctx_t *ctx)
{
    if (!ctx)
        return;
    free(ctx->name);
    free(ctx->logger);
    free(ctx);
}

void ctx_set_hooks(sluice_ctx_t *ctx, const ctx_hooks_t *hooks, void *owner)
{
    ctx->hooks = hooks;
    ctx->owner = owner;
}

static sluice_log_level_t ctx_level(const sluice_ctx_t *ctx)
{
    return ctx && ctx->level >= 0 ? (sluice_log_level_t)ctx->level : log_get_level();
}

bool sluice_log_enabled(const sluice_ctx_t *ctx, sluice_log_level_t level)
{
    return level != SLUICE_LOG_OFF && level <= ctx_level(ctx);
}

void sluice_log(const sluice_ctx_t *ctx, sluice_log_level_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vwrite(ctx_level(ctx), level, ctx && ctx->name[0] ? ctx->name : NULL,
               ctx ? ctx->logger : NULL, fmt, ap);
    va_end(ap);
}

const char *sluice_ctx_name(const sluice_ctx_t *ctx)
{
    return ctx ? ctx->name : "";
}

sluice_value_t *sluice_ctx_offset(const sluice_ctx_t *ctx, const sluice_value_t *partition)
{
    if (!ctx || !ctx->hooks || !ctx->hooks->offset)
        return NULL;
    return ctx->hooks->offset(ctx->owner, partition);
}

void sluice_ctx_request_reconfiguration(sluice_ctx_t *ctx)
{
    if (ctx && ctx->hooks && ctx->hooks->request_reconfiguration)
        ctx->hooks->request_reconfiguration(ctx->owner);
}

void sluice_ctx_raise_error(sluice_ctx_t *ctx, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (ctx && ctx->hooks && ctx->hooks->raise_error)
        ctx->hooks->raise_error(ctx->owner, message);
    else
        sluice_log(ctx, SLUICE_LOG_ERROR, "%s", message);
}

void sluice_ctx_seek(sluice_ctx_t *ctx, const char *topic, int32_t partition, int64_t offset)
{
    if (ctx && ctx->hooks && ctx->hooks->seek)
        ctx->hooks->seek(ctx->owner, topic, partition, offset);
}

void sluice_ctx_request_commit(sluice_ctx_t *ctx)
{
    if (ctx && ctx->hooks && ctx->hooks->request_commit)
        ctx->hooks->request_commit(ctx->owner);
}

const char *sluice_result_name(sluice_result_t result)
{
    switch (result) {
    case SLUICE_OK: return "OK";
    case SLUICE_RETRY: return "RETRY";
    case SLUICE_FATAL: return "FATAL";
    case SLUICE_DROP: return "DROP";
    }
    return "UNKNOWN";
}
