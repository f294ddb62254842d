/*
 * /connector-plugins (Kafka's ConnectorPluginsResource): the plugin list,
 * a plugin's config definitions (KIP-769) and config validation
 * (ConfigInfos).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "connector_config.h"

/* Kafka's PluginType names, lower-case; NULL for kinds REST never lists. */
static const char *plugin_type(sluice_class_kind_t kind)
{
    switch (kind) {
    case SLUICE_CLASS_SOURCE_CONNECTOR: return "source";
    case SLUICE_CLASS_SINK_CONNECTOR: return "sink";
    case SLUICE_CLASS_CONVERTER: return "converter";
    case SLUICE_CLASS_HEADER_CONVERTER: return "header_converter";
    case SLUICE_CLASS_TRANSFORM: return "transformation";
    case SLUICE_CLASS_PREDICATE: return "predicate";
    default: return NULL;
    }
}

static bool is_connector(sluice_class_kind_t kind)
{
    return kind == SLUICE_CLASS_SOURCE_CONNECTOR || kind == SLUICE_CLASS_SINK_CONNECTOR;
}

typedef struct plugin_row {
    const sluice_class_t *cls;
    const char *type;
} plugin_row_t;

static int plugin_row_cmp(const void *a, const void *b)
{
    const plugin_row_t *x = a, *y = b;
    return strcmp(x->cls->name, y->cls->name);
}

static void plugins_list(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    const char *only = rest_request_query(req, "connectorsOnly");
    bool connectors_only = !(only && strcasecmp(only, "false") == 0);
    size_t n = plugin_registry_count(api->registry);
    plugin_row_t *rows = calloc(n ? n : 1, sizeof *rows);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const sluice_class_t *cls = plugin_registry_class_at(api->registry, i);
        const char *type = plugin_type(cls->kind);
        if (!type || (connectors_only && !is_connector(cls->kind)))
            continue;
        rows[count++] = (plugin_row_t){cls, type};
    }
    /* Kafka sorts its plugin descriptors by class name. */
    qsort(rows, count, sizeof *rows, plugin_row_cmp);
    json_t *out = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_pack("{s:s, s:s}", "class", rows[i].cls->name, "type", rows[i].type);
        if (rows[i].cls->version && *rows[i].cls->version)
            json_object_set_new(o, "version", json_string(rows[i].cls->version));
        json_array_append_new(out, o);
    }
    free(rows);
    rest_reply(resp, 200, out);
}

/* Kafka's ConfigKeyInfo for one key. */
static json_t *config_key_info(const sluice_config_key_t *key)
{
    json_t *def;
    if (key->required)
        def = json_null();
    else if (!key->default_value)
        def = json_null();
    else if (key->type == SLUICE_CONFIG_PASSWORD)
        def = json_string("[hidden]");
    else
        def = json_string(key->default_value);
    return json_pack("{s:s, s:s, s:b, s:o, s:s, s:s, s:o, s:i, s:s, s:s, s:[]}", "name", key->name,
                     "type", sluice_config_type_name(key->type), "required", key->required,
                     "default_value", def, "importance", sluice_importance_name(key->importance),
                     "documentation", key->doc ? key->doc : "", "group",
                     key->group ? json_string(key->group) : json_null(), "order",
                     key->group ? key->order_in_group : -1, "width", "NONE", "display_name",
                     key->display_name ? key->display_name : key->name, "dependents");
}

static const sluice_class_t *find_plugin(rest_api_t *api, const char *name, rest_response_t *resp)
{
    const sluice_class_t *cls = plugin_registry_find_any(api->registry, name);
    if (!cls || !plugin_type(cls->kind))
        rest_error(resp, 404, "Unknown plugin %s.", name);
    return cls && plugin_type(cls->kind) ? cls : NULL;
}

static void plugin_config(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    const sluice_class_t *cls = find_plugin(api, rest_request_param(req, 0), resp);
    if (!cls)
        return;
    json_t *out = json_array();
    for (const sluice_config_key_t *k = cls->config; k && k->name; k++)
        json_array_append_new(out, config_key_info(k));
    rest_reply(resp, 200, out);
}

/* Kafka's check: the class in the body must end with the one in the path,
 * both without a trailing "Connector". */
static size_t normalized_len(const char *name)
{
    static const char suffix[] = "Connector";
    size_t len = strlen(name), s = sizeof suffix - 1;
    if (len > s && strcmp(name + len - s, suffix) == 0)
        return len - s;
    return len;
}

static bool class_matches(const char *included, const char *requested)
{
    size_t a = normalized_len(included), b = normalized_len(requested);
    return a >= b && strncmp(included + a - b, requested, b) == 0;
}

static json_t *config_value_info(const sluice_config_validation_t *res, size_t i)
{
    const sluice_config_key_t *key = sluice_config_validation_key_at(res, i);
    const char *value = sluice_config_validation_value_at(res, i);
    json_t *v;
    if (!value)
        v = json_null();
    else if (key && key->type == SLUICE_CONFIG_PASSWORD)
        v = json_string("[hidden]");
    else
        v = json_string(value);
    const char *const *errors;
    size_t n = sluice_config_validation_errors_at(res, i, &errors);
    json_t *errs = json_array();
    for (size_t e = 0; e < n; e++)
        json_array_append_new(errs, json_string(errors[e]));
    return json_pack("{s:s, s:o, s:[], s:o, s:b}", "name", sluice_config_validation_name_at(res, i),
                     "value", v, "recommended_values", "errors", errs, "visible", 1);
}

static void plugin_validate(void *app, const rest_request_t *req, rest_response_t *resp)
{
    rest_api_t *api = app;
    const char *requested = rest_request_param(req, 0);
    const sluice_class_t *cls = find_plugin(api, requested, resp);
    if (!cls)
        return;
    sluice_strmap_t *props = rest_strmap_from_json(rest_request_body(req), "", resp);
    if (!props)
        return;
    const char *included = sluice_strmap_get(props, "connector.class");
    if (!included) {
        rest_error(resp, 400, "Connector config contains no connector type: set connector.class");
        sluice_strmap_destroy(props);
        return;
    }
    if (!class_matches(included, requested) && !class_matches(cls->name, included)) {
        rest_error(resp, 400, "Included connector type %s does not match request type %s", included,
                   requested);
        sluice_strmap_destroy(props);
        return;
    }
    connector_config_validation_t *v = connector_config_validate(api->registry, props);
    sluice_strmap_destroy(props);
    const sluice_config_validation_t *res = connector_config_validation_result(v);
    const char *const *groups;
    size_t ng = connector_config_validation_groups(v, &groups);
    json_t *jgroups = json_array();
    for (size_t i = 0; i < ng; i++)
        json_array_append_new(jgroups, json_string(groups[i]));
    json_t *configs = json_array();
    size_t n = sluice_config_validation_count(res);
    for (size_t i = 0; i < n; i++) {
        const sluice_config_key_t *key = sluice_config_validation_key_at(res, i);
        json_array_append_new(configs, json_pack("{s:o, s:o}", "definition",
                                                 key ? config_key_info(key) : json_null(), "value",
                                                 config_value_info(res, i)));
    }
    const char *name = connector_config_validation_class_name(v);
    rest_reply(resp, 200,
               json_pack("{s:s, s:i, s:o, s:o}", "name", name ? name : included, "error_count",
                         (int)connector_config_validation_error_count(v), "groups", jgroups,
                         "configs", configs));
    connector_config_validation_destroy(v);
}

const rest_route_t rest_plugins_routes[] = {
    {"GET", "/connector-plugins", plugins_list, 0},
    {"GET", "/connector-plugins/{}/config", plugin_config, 0},
    {"PUT", "/connector-plugins/{}/config/validate", plugin_validate, REST_ROUTE_BODY},
    {NULL, NULL, NULL, 0},
};
