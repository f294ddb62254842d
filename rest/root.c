/*
 * GET / (Kafka's ServerInfo) and GET /health (KIP-1017).
 */
#include "api_internal.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif
#ifndef SLUICE_COMMIT
#define SLUICE_COMMIT "unknown"
#endif

static void root_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)req;
    rest_api_t *api = app;
    const char *cluster = atomic_load(&api->cluster_id);
    rest_reply(resp, 200,
               json_pack("{s:s, s:s, s:o}", "version", SLUICE_VERSION, "commit", SLUICE_COMMIT,
                         "kafka_cluster_id", cluster ? json_string(cluster) : json_null()));
}

static void health_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)req;
    rest_api_t *api = app;
    if (!atomic_load(&api->herder)) {
        rest_reply(resp, 503,
                   json_pack("{s:s, s:s}", "status", "starting", "message",
                             "Worker is still starting up."));
        return;
    }
    rest_reply(resp, 200,
               json_pack("{s:s, s:s}", "status", "healthy", "message",
                         "Worker has completed startup and is ready to handle requests."));
}

const rest_route_t rest_root_routes[] = {
    {"GET", "/", root_get, 0},
    {"GET", "/health", health_get, 0},
    {NULL, NULL, NULL, 0},
};
