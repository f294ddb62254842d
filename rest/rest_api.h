/*
 * The worker's REST API (Kafka Connect's, on port 8083): the resources
 * served by rest/server.c, driving the herder.
 *
 * Start-up order: rest_api_start binds the listeners (so the worker id, the
 * REST host:port Kafka shows in status, is known even with port 0), the
 * herder is built with that id, then rest_api_attach hands it over. Until
 * then every endpoint but GET / answers 503. Stop the API before destroying
 * the herder.
 */
#ifndef REST_REST_API_H
#define REST_REST_API_H

#include "herder.h"
#include "plugin_registry.h"
#include "worker_config.h"

typedef struct rest_api rest_api_t;

/* Binds every listener of wc. wc and registry are borrowed and must outlive
 * the API. Returns NULL with errstr naming the listener or key at fault. */
rest_api_t *rest_api_start(const worker_config_t *wc, const plugin_registry_t *registry,
                           char *errstr, size_t errstr_size);

/* The worker id ("host:port"): rest.advertised.host.name / rest.advertised.port
 * when set, else the first listener's host (this machine's name when it
 * listens on every interface) and bound port. Owned by the API. */
const char *rest_api_worker_id(const rest_api_t *api);

/* The URL of the first listener as bound ("http://127.0.0.1:8083/"). */
const char *rest_api_url(const rest_api_t *api);

/* Starts serving the herder (borrowed) and the Kafka cluster id (copied;
 * NULL shows null). */
void rest_api_attach(rest_api_t *api, herder_t *herder, const char *kafka_cluster_id);

/* Stops the listeners, waiting for requests in progress. NULL does nothing. */
void rest_api_stop(rest_api_t *api);

#endif
