/*
 * What the REST resource files share: the application state every handler
 * gets, the route tables of each resource, and the entity builders
 * (Kafka's ConnectorInfo, ConnectorStateInfo) several endpoints return.
 */
#ifndef REST_API_INTERNAL_H
#define REST_API_INTERNAL_H

#include <stdatomic.h>

#include "rest_api.h"
#include "server.h"

struct rest_api {
    const worker_config_t *wc;
    const plugin_registry_t *registry;
    _Atomic(herder_t *) herder;
    _Atomic(char *) cluster_id;
    rest_server_t *server;
    char *worker_id;
};

/* The herder, or NULL after answering 503 while the worker starts. */
herder_t *rest_api_herder(rest_api_t *api, rest_response_t *resp);

/* Answers a herder error with Kafka's status and message; what names the
 * connector (and task) for 404s. */
void rest_api_herder_error(rest_response_t *resp, herder_err_t err, const char *name,
                           const char *errstr);

/* A strmap as a JSON object of strings (new reference). */
json_t *rest_json_from_strmap(const sluice_strmap_t *map);

/*
 * A flat JSON object as a new strmap, Jackson's way: strings as they are,
 * numbers and booleans as their text, null values left out. Anything else
 * (no object, a nested value) answers 400 naming the key and returns NULL.
 * what names the object in messages ("" for the body itself).
 */
sluice_strmap_t *rest_strmap_from_json(const json_t *obj, const char *what, rest_response_t *resp);

/* Kafka's ConnectorInfo for name, or NULL after answering the error. */
json_t *rest_connector_info(rest_api_t *api, herder_t *herder, const char *name,
                            rest_response_t *resp);

/* Kafka's ConnectorStateInfo for a status (new reference). */
json_t *rest_connector_state(const herder_status_t *status);

/* The route tables of each resource, NULL-method terminated. */
extern const rest_route_t rest_root_routes[];
extern const rest_route_t rest_connectors_routes[];
extern const rest_route_t rest_plugins_routes[];
extern const rest_route_t rest_loggers_routes[];

#endif
