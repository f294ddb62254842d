/*
 * The REST application: builds the route table from the resource files,
 * finds the worker id and maps herder results to Kafka's answers.
 */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"

#define REST_API_LOGGER "RestServer"

/* Every route, concatenated once: the server keeps a pointer to it. */
static rest_route_t *api_routes;

static void api_build_routes(void)
{
    if (api_routes)
        return;
    const rest_route_t *tables[] = {rest_root_routes, rest_connectors_routes, rest_plugins_routes,
                                    rest_loggers_routes};
    size_t n = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const rest_route_t *r = tables[t]; r->method; r++)
            n++;
    rest_route_t *all = mem_calloc(n + 1, sizeof *all);
    size_t i = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const rest_route_t *r = tables[t]; r->method; r++)
            all[i++] = *r;
    api_routes = all;
}

/* The host of a listener URI ("http://host:port"): "" for every interface. */
static void listener_host(const char *uri, char *out, size_t size)
{
    const char *p = strstr(uri, "://");
    p = p ? p + 3 : uri;
    const char *end;
    if (*p == '[') { /* [ipv6]:port */
        end = strchr(p, ']');
        p++;
    } else {
        end = strrchr(p, ':');
    }
    size_t len = end ? (size_t)(end - p) : strlen(p);
    snprintf(out, size, "%.*s", (int)len, p);
}

static char *api_worker_id(const worker_config_t *wc, const rest_server_t *server)
{
    const sluice_config_t *v = worker_config_values(wc);
    const char *adv_host = sluice_config_get_string(v, "rest.advertised.host.name");
    char host[256] = "";
    if (adv_host && *adv_host) {
        snprintf(host, sizeof host, "%s", adv_host);
    } else {
        const char *const *items;
        if (worker_config_listeners(wc, &items))
            listener_host(items[0], host, sizeof host);
        if (!host[0] || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
            if (gethostname(host, sizeof host) != 0 || !host[0])
                snprintf(host, sizeof host, "localhost");
    }
    int port = rest_server_port(server, 0);
    if (!sluice_config_is_null(v, "rest.advertised.port"))
        port = sluice_config_get_int(v, "rest.advertised.port");
    char id[300];
    snprintf(id, sizeof id, "%s:%d", host, port);
    return mem_strdup(id);
}

rest_api_t *rest_api_start(const worker_config_t *wc, const plugin_registry_t *registry,
                           char *errstr, size_t errstr_size)
{
    api_build_routes();
    rest_api_t *api = mem_calloc(1, sizeof *api);
    api->wc = wc;
    api->registry = registry;
    atomic_init(&api->herder, NULL);
    atomic_init(&api->cluster_id, NULL);
    api->server = rest_server_start(wc, api_routes, api, errstr, errstr_size);
    if (!api->server) {
        free(api);
        return NULL;
    }
    api->worker_id = api_worker_id(wc, api->server);
    log_info(NULL, REST_API_LOGGER, "REST server listening at %s, advertising URL %s",
             rest_server_url(api->server), api->worker_id);
    return api;
}

const char *rest_api_worker_id(const rest_api_t *api)
{
    return api->worker_id;
}

const char *rest_api_url(const rest_api_t *api)
{
    return rest_server_url(api->server);
}

void rest_api_attach(rest_api_t *api, herder_t *herder, const char *kafka_cluster_id)
{
    if (kafka_cluster_id)
        atomic_store(&api->cluster_id, mem_strdup(kafka_cluster_id));
    atomic_store(&api->herder, herder);
}

void rest_api_stop(rest_api_t *api)
{
    if (!api)
        return;
    rest_server_stop(api->server);
    free(atomic_load(&api->cluster_id));
    free(api->worker_id);
    free(api);
}

herder_t *rest_api_herder(rest_api_t *api, rest_response_t *resp)
{
    herder_t *herder = atomic_load(&api->herder);
    if (!herder)
        rest_error(resp, 503, "Worker is still starting up; try again in a moment");
    return herder;
}

void rest_api_herder_error(rest_response_t *resp, herder_err_t err, const char *name,
                           const char *errstr)
{
    switch (err) {
    case HERDER_OK: break;
    case HERDER_NOT_FOUND: rest_error(resp, 404, "Connector %s not found", name); break;
    case HERDER_CONFLICT:
        rest_error(resp, 409, "%s", errstr && *errstr ? errstr : "Connector already exists");
        break;
    case HERDER_BAD_CONFIG:
    case HERDER_BAD_STATE:
        rest_error(resp, 400, "%s", errstr && *errstr ? errstr : "Bad request");
        break;
    case HERDER_FAILED:
    default: rest_error(resp, 500, "%s", errstr && *errstr ? errstr : "Internal error"); break;
    }
}

json_t *rest_json_from_strmap(const sluice_strmap_t *map)
{
    json_t *obj = json_object();
    size_t n = map ? sluice_strmap_count(map) : 0;
    for (size_t i = 0; i < n; i++)
        json_object_set_new(obj, sluice_strmap_key_at(map, i),
                            json_string(sluice_strmap_value_at(map, i)));
    return obj;
}

sluice_strmap_t *rest_strmap_from_json(const json_t *obj, const char *what, rest_response_t *resp)
{
    if (!json_is_object(obj)) {
        rest_error(resp, 400,
                   "The request body%s%s must be a JSON object of configuration keys "
                   "and string values",
                   *what ? "'s " : "", what);
        return NULL;
    }
    sluice_strmap_t *map = sluice_strmap_new();
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        if (json_is_string(value)) {
            sluice_strmap_set(map, key, json_string_value(value));
        } else if (json_is_number(value) || json_is_boolean(value)) {
            char *text = json_dumps(value, JSON_ENCODE_ANY);
            sluice_strmap_set(map, key, text);
            free(text);
        } else if (!json_is_null(value)) {
            rest_error(resp, 400,
                       "Invalid value for configuration %s%s%s: must be a string, "
                       "not a JSON %s",
                       key, *what ? " in " : "", what, json_is_object(value) ? "object" : "array");
            sluice_strmap_destroy(map);
            return NULL;
        }
    }
    return map;
}

json_t *rest_connector_info(rest_api_t *api, herder_t *herder, const char *name,
                            rest_response_t *resp)
{
    (void)api;
    herder_info_t info;
    herder_err_t err = herder_connector_info(herder, name, &info);
    if (err != HERDER_OK) {
        rest_api_herder_error(resp, err, name, NULL);
        return NULL;
    }
    json_t *tasks = json_array();
    for (size_t i = 0; i < info.task_count; i++)
        json_array_append_new(tasks, json_pack("{s:s, s:i}", "connector", name, "task", (int)i));
    json_t *out = json_pack("{s:s, s:o, s:o, s:s}", "name", name, "config",
                            rest_json_from_strmap(info.config), "tasks", tasks, "type",
                            info.type ? info.type : "unknown");
    herder_info_free(&info);
    return out;
}

/* Adds Kafka's state, worker_id and (when set) trace to o. */
static json_t *state_entry(json_t *o, const char *state, const char *worker_id, const char *trace)
{
    json_object_set_new(o, "state", json_string(state));
    json_object_set_new(o, "worker_id", json_string(worker_id ? worker_id : ""));
    if (trace && *trace)
        json_object_set_new(o, "trace", json_string(trace));
    return o;
}

json_t *rest_connector_state(const herder_status_t *status)
{
    json_t *tasks = json_array();
    for (size_t i = 0; i < status->task_count; i++) {
        const herder_task_status_t *t = &status->tasks[i];
        json_array_append_new(tasks, state_entry(json_pack("{s:i}", "id", (int)t->id),
                                                 worker_state_name(t->state), status->worker_id,
                                                 t->trace));
    }
    return json_pack("{s:s, s:o, s:o, s:s}", "name", status->name, "connector",
                     state_entry(json_object(), worker_state_name(status->state), status->worker_id,
                                 status->trace),
                     "tasks", tasks, "type", status->type ? status->type : "unknown");
}
