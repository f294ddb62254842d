/*
 * /connectors (Kafka's ConnectorsResource): create, read, change, delete,
 * status, tasks, restarts, target states, active topics and offsets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "connector_config.h"
#include "log.h"
#include "mem.h"

#define CONNECTORS_LOGGER "ConnectorsResource"

/* ---- helpers --------------------------------------------------------------------- */

/* Kafka's answer to an invalid config: every problem on its own line, with
 * the count. errors holds one "key: reason" per line. */
static void invalid_config(rest_response_t *resp, const char *errors)
{
    size_t count = 0;
    for (const char *p = errors; *p;) {
        size_t len = strcspn(p, "\n");
        if (len)
            count++;
        p += len;
        if (*p)
            p++;
    }
    rest_error(resp, 400,
               "Connector configuration is invalid and contains the following %zu error(s):\n%s\n"
               "You can also find the above list of errors at the endpoint "
               "`/connector-plugins/{connectorType}/config/validate`",
               count ? count : 1, errors);
}

/* Kafka's checkAndPutConnectorConfigName. */
static bool check_and_put_name(sluice_strmap_t *config, const char *name, rest_response_t *resp)
{
    const char *included = sluice_strmap_get(config, "name");
    if (included && strcmp(included, name) != 0) {
        rest_error(resp, 400,
                   "Connector name configuration (%s) doesn't match connector name in the URL (%s)",
                   included, name);
        return false;
    }
    if (!included)
        sluice_strmap_set(config, "name", name);
    return true;
}

/* Validates raw (borrowed) and hands it to the herder as a REST-origin
 * config. Answers the error and returns false when it is refused. */
static bool put_config(rest_api_t *api, herder_t *herder, const sluice_strmap_t *raw,
                       bool allow_replace, herder_target_t initial, bool *created,
                       rest_response_t *resp)
{
    char err[16384];
    connector_config_t *cc = connector_config_resolve(
        api->registry, raw, worker_config_providers(api->wc), NULL, err, sizeof err);
    if (!cc) {
        invalid_config(resp, err);
        return false;
    }
    const char *name = sluice_strmap_get(raw, "name");
    herder_err_t e = herder_put_connector(herder, cc, allow_replace, initial, HERDER_ORIGIN_REST,
                                          created, err, sizeof err);
    if (e == HERDER_BAD_CONFIG) {
        invalid_config(resp, err);
        return false;
    }
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, err);
        return false;
    }
    return true;
}

/* "/connectors/<name>" with the name percent-encoded. */
static char *connector_location(const char *name)
{
    sluice_buf_t *b = sluice_buf_new();
    sluice_buf_printf(b, "/connectors/");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p))
            sluice_buf_printf(b, "%c", *p);
        else
            sluice_buf_printf(b, "%%%02X", *p);
    }
    char *out = mem_strdup(sluice_buf_data(b));
    sluice_buf_destroy(b);
    return out;
}

static void reply_info(rest_api_t *api, herder_t *herder, const char *name, bool created,
                       rest_response_t *resp)
{
    json_t *info = rest_connector_info(api, herder, name, resp);
    if (!info)
        return;
    rest_reply(resp, created ? 201 : 200, info);
    if (created)
        resp->location = connector_location(name);
}

static bool parse_task_id(const char *text, int32_t *id)
{
    if (!text || !*text || !isdigit((unsigned char)*text))
        return false;
    errno = 0;
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || errno || v > INT32_MAX)
        return false;
    *id = (int32_t)v;
    return true;
}

static bool query_flag(const rest_request_t *req, const char *key)
{
    const char *v = rest_request_query(req, key);
    return v && strcasecmp(v, "true") == 0;
}

/* ---- list and create --------------------------------------------------------------- */

static void connectors_list(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    char **names;
    size_t n = herder_connectors(herder, &names);
    const char *const *expand;
    size_t ne = rest_request_query_all(req, "expand", &expand);
    json_t *out;
    if (!ne) {
        out = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(out, json_string(names[i]));
    } else {
        bool status = false, info = false;
        for (size_t e = 0; e < ne; e++) {
            if (strcmp(expand[e], "status") == 0)
                status = true;
            else if (strcmp(expand[e], "info") == 0)
                info = true;
            else
                log_info(NULL, CONNECTORS_LOGGER, "Ignoring unknown expansion type %s", expand[e]);
        }
        out = json_object();
        for (size_t i = 0; i < n; i++) {
            json_t *entry = json_object();
            bool gone = false;
            if (status) {
                herder_status_t st;
                if (herder_connector_status(herder, names[i], &st) == HERDER_OK) {
                    json_object_set_new(entry, "status", rest_connector_state(&st));
                    herder_status_free(&st);
                } else {
                    gone = true; /* deleted while listing: skipped, as Kafka does */
                }
            }
            if (info && !gone) {
                rest_response_t ignored = {0};
                json_t *ci = rest_connector_info(api, herder, names[i], &ignored);
                json_decref(ignored.body);
                if (ci)
                    json_object_set_new(entry, "info", ci);
                else
                    gone = true;
            }
            if (gone)
                json_decref(entry);
            else
                json_object_set_new(out, names[i], entry);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    rest_reply(resp, 200, out);
}

static bool parse_initial_state(const json_t *v, herder_target_t *target, rest_response_t *resp)
{
    *target = HERDER_TARGET_STARTED;
    if (!v || json_is_null(v))
        return true;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (s && strcasecmp(s, "RUNNING") == 0)
        *target = HERDER_TARGET_STARTED;
    else if (s && strcasecmp(s, "PAUSED") == 0)
        *target = HERDER_TARGET_PAUSED;
    else if (s && strcasecmp(s, "STOPPED") == 0)
        *target = HERDER_TARGET_STOPPED;
    else {
        rest_error(resp, 400, "Invalid initial_state %s: expected RUNNING, PAUSED or STOPPED",
                   s ? s : "(not a string)");
        return false;
    }
    return true;
}

static void connectors_create(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    json_t *body = rest_request_body(req);
    if (!json_is_object(body)) {
        rest_error(resp, 400,
                   "The request body must be a JSON object "
                   "{\"name\":…,\"config\":{…}}");
        return;
    }
    json_t *jname = json_object_get(body, "name");
    if (jname && !json_is_string(jname) && !json_is_null(jname)) {
        rest_error(resp, 400, "The connector name must be a string");
        return;
    }
    json_t *jconfig = json_object_get(body, "config");
    if (!jconfig || json_is_null(jconfig)) {
        rest_error(resp, 400,
                   "The request body has no config: expected "
                   "{\"name\":…,\"config\":{…}}");
        return;
    }
    herder_target_t initial;
    if (!parse_initial_state(json_object_get(body, "initial_state"), &initial, resp))
        return;
    /* Kafka trims the name and reads a null one as empty. */
    const char *raw_name = json_is_string(jname) ? json_string_value(jname) : "";
    while (isspace((unsigned char)*raw_name))
        raw_name++;
    size_t len = strlen(raw_name);
    while (len && isspace((unsigned char)raw_name[len - 1]))
        len--;
    char *name = mem_alloc(len + 1);
    memcpy(name, raw_name, len);
    name[len] = '\0';
    sluice_strmap_t *config = rest_strmap_from_json(jconfig, "config", resp);
    bool created = false;
    if (config && check_and_put_name(config, name, resp) &&
        put_config(api, herder, config, false, initial, &created, resp))
        reply_info(api, herder, name, true, resp);
    sluice_strmap_destroy(config);
    free(name);
}

/* ---- one connector ------------------------------------------------------------------ */

static void connector_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (herder)
        reply_info(api, herder, rest_request_param(req, 0), false, resp);
}

/* An operation on one connector that answers status with no body. */
typedef herder_err_t (*connector_op_fn)(herder_t *herder, const char *name);

static void connector_op(void *app, const rest_request_t *req, rest_response_t *resp,
                         connector_op_fn fn, int status)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    herder_err_t e = fn(herder, name);
    if (e != HERDER_OK)
        rest_api_herder_error(resp, e, name, NULL);
    else
        rest_reply(resp, status, NULL);
}

static void connector_delete(void *app, const rest_request_t *req, rest_response_t *resp)
{
    connector_op(app, req, resp, herder_delete_connector, 204);
}

static void config_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    sluice_strmap_t *config;
    herder_err_t e = herder_connector_config(herder, name, &config);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return;
    }
    rest_reply(resp, 200, rest_json_from_strmap(config));
    sluice_strmap_destroy(config);
}

static void config_put(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    sluice_strmap_t *config = rest_strmap_from_json(rest_request_body(req), "", resp);
    bool created = false;
    if (config && check_and_put_name(config, name, resp) &&
        put_config(api, herder, config, true, HERDER_TARGET_STARTED, &created, resp))
        reply_info(api, herder, name, created, resp);
    sluice_strmap_destroy(config);
}

/* KIP-477: the patch's keys replace the config's, null removes a key. */
static void config_patch(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    json_t *patch = rest_request_body(req);
    sluice_strmap_t *check = rest_strmap_from_json(patch, "", resp);
    if (!check)
        return;
    sluice_strmap_destroy(check);
    sluice_strmap_t *config;
    herder_err_t e = herder_connector_config(herder, name, &config);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return;
    }
    const char *key;
    json_t *value;
    json_object_foreach(patch, key, value)
    {
        if (json_is_null(value)) {
            sluice_strmap_remove(config, key);
        } else if (json_is_string(value)) {
            sluice_strmap_set(config, key, json_string_value(value));
        } else {
            char *text = json_dumps(value, JSON_ENCODE_ANY);
            sluice_strmap_set(config, key, text);
            free(text);
        }
    }
    bool created = false;
    if (check_and_put_name(config, name, resp) &&
        put_config(api, herder, config, true, HERDER_TARGET_STARTED, &created, resp))
        reply_info(api, herder, name, false, resp);
    sluice_strmap_destroy(config);
}

/* ---- status and tasks ----------------------------------------------------------------- */

static void status_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    herder_status_t st;
    herder_err_t e = herder_connector_status(herder, name, &st);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return;
    }
    rest_reply(resp, 200, rest_connector_state(&st));
    herder_status_free(&st);
}

static bool load_task_configs(herder_t *herder, const char *name, sluice_strmap_t ***configs,
                              size_t *count, rest_response_t *resp)
{
    herder_err_t e = herder_task_configs(herder, name, configs, count);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return false;
    }
    return true;
}

static void free_task_configs(sluice_strmap_t **configs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        sluice_strmap_destroy(configs[i]);
    free(configs);
}

static void tasks_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    sluice_strmap_t **configs;
    size_t n;
    if (!load_task_configs(herder, name, &configs, &n, resp))
        return;
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:{s:s, s:i}, s:o}", "id", "connector", name, "task",
                                             (int)i, "config", rest_json_from_strmap(configs[i])));
    free_task_configs(configs, n);
    rest_reply(resp, 200, out);
}

/* Deprecated in Kafka 3.x and removed in 4.0; served for the scripts that
 * still call it. */
static void tasks_config_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    log_warn(name, CONNECTORS_LOGGER,
             "The GET /connectors/{connector}/tasks-config endpoint is deprecated; use GET "
             "/connectors/{connector}/tasks");
    sluice_strmap_t **configs;
    size_t n;
    if (!load_task_configs(herder, name, &configs, &n, resp))
        return;
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "-%zu", i);
        char *key = mem_alloc(strlen(name) + strlen(id) + 1);
        sprintf(key, "%s%s", name, id);
        json_object_set_new(out, key, rest_json_from_strmap(configs[i]));
        free(key);
    }
    free_task_configs(configs, n);
    rest_reply(resp, 200, out);
}

static void task_status_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    const char *task = rest_request_param(req, 1);
    herder_status_t st;
    herder_err_t e = herder_connector_status(herder, name, &st);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return;
    }
    int32_t id;
    const herder_task_status_t *found = NULL;
    if (parse_task_id(task, &id))
        for (size_t i = 0; i < st.task_count; i++)
            if (st.tasks[i].id == id)
                found = &st.tasks[i];
    if (!found) {
        rest_error(resp, 404, "No status found for task %s-%s", name, task);
    } else {
        json_t *o = json_pack("{s:i, s:s, s:s}", "id", (int)found->id, "state",
                              worker_state_name(found->state), "worker_id",
                              st.worker_id ? st.worker_id : "");
        if (found->trace && *found->trace)
            json_object_set_new(o, "trace", json_string(found->trace));
        rest_reply(resp, 200, o);
    }
    herder_status_free(&st);
}

/* ---- restarts and target states ----------------------------------------------------------- */

static void connector_restart(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    bool include_tasks = query_flag(req, "includeTasks");
    bool only_failed = query_flag(req, "onlyFailed");
    if (!include_tasks && !only_failed) {
        /* Kafka's legacy form: the connector instance only, no body. */
        herder_err_t e = herder_restart_connector(herder, name, false, false, NULL);
        if (e != HERDER_OK)
            rest_api_herder_error(resp, e, name, NULL);
        else
            rest_reply(resp, 204, NULL);
        return;
    }
    herder_status_t plan;
    herder_err_t e = herder_restart_connector(herder, name, include_tasks, only_failed, &plan);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return;
    }
    rest_reply(resp, 202, rest_connector_state(&plan));
    herder_status_free(&plan);
}

static void task_restart(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    const char *task = rest_request_param(req, 1);
    int32_t id;
    herder_err_t e =
        parse_task_id(task, &id) ? herder_restart_task(herder, name, id) : HERDER_NOT_FOUND;
    if (e == HERDER_NOT_FOUND) {
        /* Either the connector or the task: say which. */
        sluice_strmap_t *config;
        if (herder_connector_config(herder, name, &config) == HERDER_OK) {
            sluice_strmap_destroy(config);
            rest_error(resp, 404, "Unknown task %s-%s", name, task);
        } else {
            rest_api_herder_error(resp, e, name, NULL);
        }
    } else if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
    } else {
        rest_reply(resp, 204, NULL);
    }
}

static void connector_pause(void *app, const rest_request_t *req, rest_response_t *resp)
{
    connector_op(app, req, resp, herder_pause_connector, 202);
}

static void connector_resume(void *app, const rest_request_t *req, rest_response_t *resp)
{
    connector_op(app, req, resp, herder_resume_connector, 202);
}

static void connector_stop(void *app, const rest_request_t *req, rest_response_t *resp)
{
    connector_op(app, req, resp, herder_stop_connector, 202);
}

/* ---- active topics (KIP-558) ----------------------------------------------------------------- */

static bool tracking_allowed(rest_api_t *api, bool reset, rest_response_t *resp)
{
    const sluice_config_t *v = worker_config_values(api->wc);
    if (!sluice_config_get_bool(v, "topic.tracking.enable")) {
        rest_error(resp, 403, "Topic tracking is disabled.");
        return false;
    }
    if (reset && !sluice_config_get_bool(v, "topic.tracking.allow.reset")) {
        rest_error(resp, 403, "Topic tracking reset is disabled.");
        return false;
    }
    return true;
}

static void topics_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder || !tracking_allowed(api, false, resp))
        return;
    const char *name = rest_request_param(req, 0);
    char **topics;
    size_t n;
    herder_err_t e = herder_connector_topics(herder, name, &topics, &n);
    if (e != HERDER_OK) {
        rest_api_herder_error(resp, e, name, NULL);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_string(topics[i]));
        free(topics[i]);
    }
    free(topics);
    json_t *out = json_object();
    json_object_set_new(out, name, json_pack("{s:o}", "topics", list));
    rest_reply(resp, 200, out);
}

static void topics_reset(void *app, const rest_request_t *req, rest_response_t *resp)
{
    if (tracking_allowed(app, true, resp))
        connector_op(app, req, resp, herder_reset_topics, 202);
}

/* ---- offsets (KIP-875) ------------------------------------------------------------------------
 */

static void offsets_get(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    char err[1024] = "";
    json_t *out;
    herder_err_t e = herder_connector_offsets(herder, name, &out, err, sizeof err);
    if (e != HERDER_OK)
        rest_api_herder_error(resp, e, name, err);
    else
        rest_reply(resp, 200, out);
}

static void offsets_change(rest_api_t *api, const rest_request_t *req, rest_response_t *resp,
                           const json_t *offsets)
{
    herder_t *herder = rest_api_herder(api, resp);
    if (!herder)
        return;
    const char *name = rest_request_param(req, 0);
    char err[2048] = "";
    const char *message = NULL;
    herder_err_t e = herder_alter_offsets(herder, name, offsets, &message, err, sizeof err);
    if (e != HERDER_OK)
        rest_api_herder_error(resp, e, name, err);
    else
        rest_reply(resp, 200, json_pack("{s:s}", "message", message ? message : ""));
}

static void offsets_patch(void *app, const rest_request_t *req, rest_response_t *resp)
{
    json_t *body = rest_request_body(req);
    json_t *offsets = json_is_object(body) ? json_object_get(body, "offsets") : NULL;
    if (!json_is_array(offsets) || json_array_size(offsets) == 0) {
        rest_error(resp, 400,
                   "Partitions / offsets need to be provided for an alter offsets "
                   "request: expected {\"offsets\":[{\"partition\":{…},"
                   "\"offset\":{…}}]}");
        return;
    }
    offsets_change(app, req, resp, offsets);
}

static void offsets_delete(void *app, const rest_request_t *req, rest_response_t *resp)
{
    offsets_change(app, req, resp, NULL);
}

const rest_route_t rest_connectors_routes[] = {
    {"GET", "/connectors", connectors_list, 0},
    {"POST", "/connectors", connectors_create, REST_ROUTE_BODY},
    {"GET", "/connectors/{}", connector_get, 0},
    {"DELETE", "/connectors/{}", connector_delete, 0},
    {"GET", "/connectors/{}/config", config_get, 0},
    {"PUT", "/connectors/{}/config", config_put, REST_ROUTE_BODY},
    {"PATCH", "/connectors/{}/config", config_patch, REST_ROUTE_BODY},
    {"GET", "/connectors/{}/status", status_get, 0},
    {"GET", "/connectors/{}/tasks", tasks_get, 0},
    {"GET", "/connectors/{}/tasks-config", tasks_config_get, 0},
    {"GET", "/connectors/{}/tasks/{}/status", task_status_get, 0},
    {"POST", "/connectors/{}/tasks/{}/restart", task_restart, 0},
    {"POST", "/connectors/{}/restart", connector_restart, 0},
    {"PUT", "/connectors/{}/pause", connector_pause, 0},
    {"PUT", "/connectors/{}/resume", connector_resume, 0},
    {"PUT", "/connectors/{}/stop", connector_stop, 0},
    {"GET", "/connectors/{}/topics", topics_get, 0},
    {"PUT", "/connectors/{}/topics/reset", topics_reset, 0},
    {"GET", "/connectors/{}/offsets", offsets_get, 0},
    {"PATCH", "/connectors/{}/offsets", offsets_patch, REST_ROUTE_BODY},
    {"DELETE", "/connectors/{}/offsets", offsets_delete, 0},
    {NULL, NULL, NULL, 0},
};
