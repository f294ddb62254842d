/*
 * /admin/loggers (Kafka's LoggingResource, KIP-495 and KIP-976): read and
 * change log levels at run time. Logger names are the ones at the end of
 * log lines; see worker/log.h for the hierarchy.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "log.h"

#define LOGGERS_LOGGER "LoggingResource"

static json_t *level_entry(sluice_log_level_t level, int64_t last_modified_ms)
{
    return json_pack("{s:s, s:o}", "level", log_level_name(level), "last_modified",
                     last_modified_ms >= 0 ? json_integer(last_modified_ms) : json_null());
}

static void loggers_list(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    (void)req;
    log_logger_info_t *all;
    size_t n = log_loggers(&all);
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(out, all[i].name, level_entry(all[i].level, all[i].last_modified_ms));
    log_loggers_free(all, n);
    rest_reply(resp, 200, out);
}

static void logger_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    const char *name = rest_request_param(req, 0);
    log_logger_info_t info;
    if (!log_logger_get(name, &info)) {
        rest_error(resp, 404, "Logger %s not found.", name);
        return;
    }
    rest_reply(resp, 200, level_entry(info.level, info.last_modified_ms));
}

static void logger_put(void *app, const rest_request_t *req, rest_response_t *resp)
{
    (void)app;
    const char *name = rest_request_param(req, 0);
    json_t *body = rest_request_body(req);
    json_t *level_json = json_is_object(body) ? json_object_get(body, "level") : NULL;
    if (!level_json || json_is_null(level_json)) {
        rest_error(resp, 400, "Desired 'level' parameter was not specified in request.");
        return;
    }
    sluice_log_level_t level;
    if (!json_is_string(level_json) || !log_level_parse(json_string_value(level_json), &level)) {
        rest_error(resp, 404, "Invalid log level '%s'.",
                   json_is_string(level_json) ? json_string_value(level_json) : "(not a string)");
        return;
    }
    const char *scope = rest_request_query(req, "scope");
    bool cluster = false;
    if (scope && strcasecmp(scope, "cluster") == 0) {
        cluster = true;
    } else if (scope && strcasecmp(scope, "worker") != 0) {
        log_warn(NULL, LOGGERS_LOGGER, "Ignoring unrecognized logging scope '%s'; using 'worker'",
                 scope);
    }
    char **affected;
    size_t n = log_logger_set(name, level, &affected);
    log_info(NULL, LOGGERS_LOGGER, "Set level of logger %s to %s (%zu logger(s))", name,
             log_level_name(level), n);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_string(affected[i]));
        free(affected[i]);
    }
    free(affected);
    if (cluster) {
        /* One worker is the whole cluster here: the change is made and,
         * as Kafka answers a cluster-scoped change, nothing is returned. */
        json_decref(list);
        rest_reply(resp, 204, NULL);
        return;
    }
    rest_reply(resp, 200, list);
}

const rest_route_t rest_loggers_routes[] = {
    {"GET", "/admin/loggers", loggers_list, REST_ROUTE_ADMIN},
    {"GET", "/admin/loggers/{}", logger_get, REST_ROUTE_ADMIN},
    {"PUT", "/admin/loggers/{}", logger_put, REST_ROUTE_ADMIN | REST_ROUTE_BODY},
    {NULL, NULL, NULL, 0},
};
