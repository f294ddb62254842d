/*
 * The worker's key table and the loading of worker.properties.
 */
#include "worker_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sluice/buf.h>

#include "config_internal.h"
#include "log.h"
#include "mem.h"
#include "properties.h"

#define WORKER_DEFAULT_LISTENER "http://:8083"

struct worker_config {
    worker_mode_t mode;
    sluice_strmap_t *props; /* resolved */
    sluice_config_t *values;
    config_providers_t *providers;
    char **listeners; /* NULL-terminated */
    size_t listener_count;
    char *log_dir;
};

/* Kafka accepts the policy's short name or its class; we keep the short
 * names and also take the class names Kafka's docs show. */
static int worker_check_override_policy(const char *name, const char *value, char *errstr,
                                        size_t errstr_size)
{
    static const char *const policies[] = {"None", "Principal", "All", NULL};
    (void)name;
    if (!value) {
        snprintf(errstr, errstr_size, "String must be one of: None, Principal, All");
        return -1;
    }
    const char *simple = plugin_registry_simple_name(value);
    for (size_t i = 0; policies[i]; i++) {
        size_t n = strlen(policies[i]);
        if (strcasecmp(value, policies[i]) == 0 ||
            (strncmp(simple, policies[i], n) == 0 &&
             strcmp(simple + n, "ConnectorClientConfigOverridePolicy") == 0))
            return 0;
    }
    snprintf(errstr, errstr_size, "String must be one of: None, Principal, All");
    return -1;
}

static int worker_check_listeners(const char *name, const char *value, char *errstr,
                                  size_t errstr_size)
{
    (void)name;
    if (!value)
        return 0;
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, ",");
        size_t end = len;
        while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        if (end) {
            bool http = end > 7 && strncasecmp(p, "http://", 7) == 0;
            bool https = end > 8 && strncasecmp(p, "https://", 8) == 0;
            const char *colon = memrchr(p, ':', end);
            bool port_ok = colon && colon > p + 5 && (size_t)(colon - p) + 1 < end;
            for (const char *d = colon ? colon + 1 : p + end; port_ok && d < p + end; d++)
                port_ok = *d >= '0' && *d <= '9';
            if (!(http || https) || !port_ok) {
                snprintf(errstr, errstr_size,
                         "Invalid listener '%.*s': expected http://[host]:port or "
                         "https://[host]:port",
                         (int)end, p);
                return -1;
            }
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* clang-format off */
#define WORKER_COMMON_KEYS \
    {.name = "bootstrap.servers", .type = SLUICE_CONFIG_LIST, .default_value = "localhost:9092", \
     .importance = SLUICE_IMPORTANCE_HIGH, \
     .doc = "host:port pairs of the Kafka brokers the worker first contacts to find the whole " \
            "cluster, comma-separated. With broker.embedded=true the embedded broker listens " \
            "on the first local address of this list."}, \
    {.name = "key.converter", .type = SLUICE_CONFIG_CLASS, .required = true, \
     .importance = SLUICE_IMPORTANCE_HIGH, \
     .doc = "Converter class turning record keys between Connect's data format and the bytes " \
            "stored in Kafka, e.g. org.apache.kafka.connect.json.JsonConverter. Connectors may " \
            "override it."}, \
    {.name = "value.converter", .type = SLUICE_CONFIG_CLASS, .required = true, \
     .importance = SLUICE_IMPORTANCE_HIGH, \
     .doc = "Converter class turning record values between Connect's data format and the bytes " \
            "stored in Kafka, e.g. org.apache.kafka.connect.json.JsonConverter. Connectors may " \
            "override it."}, \
    {.name = "header.converter", .type = SLUICE_CONFIG_CLASS, \
     .default_value = "org.apache.kafka.connect.storage.SimpleHeaderConverter", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "HeaderConverter class turning header values between Connect's data format and " \
            "bytes. The default writes them as strings and reads them back with a schema " \
            "inferred from the text."}, \
    {.name = "offset.flush.interval.ms", .type = SLUICE_CONFIG_LONG, .default_value = "60000", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "How often, in milliseconds, tasks' offsets are committed."}, \
    {.name = "offset.flush.timeout.ms", .type = SLUICE_CONFIG_LONG, .default_value = "5000", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "How long, in milliseconds, an offset commit may wait for records to be acknowledged " \
            "before it is abandoned and retried at the next interval."}, \
    {.name = "task.shutdown.graceful.timeout.ms", .type = SLUICE_CONFIG_LONG, \
     .default_value = "5000", .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "How long, in milliseconds, shutdown waits for all tasks together to stop cleanly."}, \
    {.name = "plugin.path", .type = SLUICE_CONFIG_LIST, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Comma-separated directories or library files holding plugins (connectors, " \
            "converters, transforms, predicates, config providers). A directory's *.so files " \
            "and those of its immediate subdirectories are loaded."}, \
    {.name = "plugin.discovery", .type = SLUICE_CONFIG_STRING, .default_value = "hybrid_warn", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .validator = SLUICE_ONE_OF_NOCASE("only_scan", "hybrid_warn", "hybrid_fail", "service_load"), \
     .doc = "Accepted for compatibility with Kafka; plugins are always found through their " \
            "entry symbol."}, \
    {.name = "config.providers", .type = SLUICE_CONFIG_LIST, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Names of ConfigProvider instances, each set up with config.providers.<name>.class " \
            "and config.providers.<name>.param.<key>; ${name:[path:]key} in config values is " \
            "replaced by what the provider returns."}, \
    {.name = "connector.client.config.override.policy", .type = SLUICE_CONFIG_STRING, \
     .default_value = "All", .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .validator = SLUICE_CHECK(worker_check_override_policy), \
     .doc = "Which producer.override.*, consumer.override.* and admin.override.* settings a " \
            "connector may give: None (no override), Principal (only the SASL/security " \
            "settings) or All."}, \
    {.name = "topic.creation.enable", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Whether source connectors may create their topics through topic.creation.* " \
            "settings."}, \
    {.name = "topic.tracking.enable", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Whether the topics each connector uses are tracked for GET /connectors/{name}/topics."}, \
    {.name = "topic.tracking.allow.reset", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Whether PUT /connectors/{name}/topics/reset may clear a connector's tracked topics."}, \
    {.name = "client.dns.lookup", .type = SLUICE_CONFIG_STRING, .default_value = "use_all_dns_ips", \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .validator = SLUICE_ONE_OF("use_all_dns_ips", "resolve_canonical_bootstrap_servers_only"), \
     .doc = "How the Kafka clients use the addresses a broker name resolves to."}, \
    {.name = "metrics.sample.window.ms", .type = SLUICE_CONFIG_LONG, .default_value = "30000", \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_AT_LEAST(0), \
     .doc = "The window, in milliseconds, over which metrics samples are computed."}, \
    {.name = "metrics.num.samples", .type = SLUICE_CONFIG_INT, .default_value = "2", \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_AT_LEAST(1), \
     .doc = "How many samples are kept to compute metrics."}, \
    {.name = "metrics.recording.level", .type = SLUICE_CONFIG_STRING, .default_value = "INFO", \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_ONE_OF("INFO", "DEBUG"), \
     .doc = "The highest recording level of metrics."}, \
    {.name = "metric.reporters", .type = SLUICE_CONFIG_LIST, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Accepted for compatibility with Kafka; Java metric reporters do not apply."}, \
    {.name = "listeners", .type = SLUICE_CONFIG_LIST, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_CHECK(worker_check_listeners), \
     .doc = "Where the REST API listens: comma-separated URIs PROTOCOL://HOST:PORT with " \
            "PROTOCOL http or https; an empty HOST means every interface, port 0 any free " \
            "port. Default http://:8083. An https listener reads PEM key material from " \
            "listeners.https.ssl.keystore.location (one file with the certificate chain and " \
            "the private key, as Kafka's ssl.keystore.type=PEM), or from the pair " \
            "listeners.https.ssl.certificate.location and listeners.https.ssl.key.location, " \
            "with listeners.https.ssl.key.password for an encrypted key. As in Kafka, the " \
            "same keys without the listeners.https. prefix (ssl.keystore.location, ...) are " \
            "used when no listeners.https.* key is set. Only PEM files are read " \
            "(ssl.keystore.type JKS or PKCS12 is refused) and client certificates are not " \
            "asked for (ssl.client.auth other than none is refused)."}, \
    {.name = "rest.host.name", .type = SLUICE_CONFIG_STRING, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Deprecated: use listeners. The host the REST API binds to when listeners is not " \
            "set."}, \
    {.name = "rest.port", .type = SLUICE_CONFIG_INT, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_RANGE(0, 65535), \
     .doc = "Deprecated: use listeners. The port the REST API listens on when listeners is not " \
            "set (8083 when neither is)."}, \
    {.name = "rest.advertised.host.name", .type = SLUICE_CONFIG_STRING, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "The host name other workers use to reach this one, when it differs from the one " \
            "it binds to."}, \
    {.name = "rest.advertised.port", .type = SLUICE_CONFIG_INT, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_RANGE(0, 65535), \
     .doc = "The port other workers use to reach this one, when it differs from the one it " \
            "listens on."}, \
    {.name = "rest.advertised.listener", .type = SLUICE_CONFIG_STRING, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_ONE_OF_NOCASE("http", "https"), \
     .doc = "The protocol (http or https) other workers use to reach this one."}, \
    {.name = "admin.listeners", .type = SLUICE_CONFIG_LIST, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_CHECK(worker_check_listeners), \
     .doc = "Where the /admin endpoints listen; unset means on listeners, empty disables them. " \
            "An https admin listener reads its key material as listeners does, from " \
            "admin.listeners.https.ssl.* keys (or the unprefixed ssl.* ones when none is set)."}, \
    {.name = "rest.auth.credentials.file", .type = SLUICE_CONFIG_STRING, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .doc = "Sluice: turns on HTTP Basic authentication of every REST request. The file holds " \
            "one 'user: password' line per user, as the JAAS PropertyFileLoginModule file of " \
            "Kafka's BasicAuthSecurityRestExtension; lines starting with # and blank lines are " \
            "ignored, and a comma after the password starts a role list, which is ignored. A " \
            "file without any user refuses every request."}, \
    {.name = "rest.request.max.bytes", .type = SLUICE_CONFIG_LONG, .default_value = "1048576", \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_AT_LEAST(1), \
     .doc = "Sluice: the largest REST request body accepted, in bytes; a larger one is " \
            "answered 413."}, \
    {.name = "rest.threads", .type = SLUICE_CONFIG_INT, .default_value = "4", \
     .importance = SLUICE_IMPORTANCE_LOW, .validator = SLUICE_RANGE(1, 64), \
     .doc = "Sluice: how many threads serve each REST listener's requests."}, \
    {.name = "rest.extension.classes", .type = SLUICE_CONFIG_LIST, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Accepted for compatibility with Kafka; Java REST extensions do not apply."}, \
    {.name = "access.control.allow.origin", .type = SLUICE_CONFIG_STRING, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "The value of the Access-Control-Allow-Origin header for cross-origin REST " \
            "requests: '*' for any origin, a comma-separated list of origins, or empty to " \
            "leave CORS off."}, \
    {.name = "access.control.allow.methods", .type = SLUICE_CONFIG_STRING, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "The methods allowed in cross-origin REST requests, comma-separated; empty means " \
            "GET, POST and HEAD."}, \
    {.name = "response.http.headers.config", .type = SLUICE_CONFIG_STRING, .default_value = "", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Headers added to every REST response: comma-separated rules '[action] [header " \
            "name]: [header value]' with action set, add, setDate or addDate (the date ones " \
            "take milliseconds from now), as Jetty's HeaderFilter; a rule holding a comma is " \
            "put in double quotes ('set X-Frame-Options: DENY, \"add Cache-Control: no-cache, " \
            "no-store\"'). A malformed rule stops the worker at start."}, \
    {.name = "log.level", .type = SLUICE_CONFIG_STRING, .default_value = "INFO", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .validator = SLUICE_ONE_OF_NOCASE("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"), \
     .doc = "Sluice: the log level of the worker (the SLUICE_LOG_LEVEL environment variable " \
            "wins over it)."}, \
    {.name = "broker.embedded", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true", \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .doc = "Sluice: run the integrated broker inside the worker, listening on the first local " \
            "address of bootstrap.servers. Set false to use an external Kafka cluster. Any " \
            "broker.<key> setting is passed to the embedded broker as <key> " \
            "(broker.num.partitions=3)."}, \
    {.name = "broker.embedded.direct", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true", \
     .importance = SLUICE_IMPORTANCE_LOW, \
     .doc = "Sluice: source tasks whose producer talks to the embedded broker (the worker's " \
            "bootstrap.servers, no compression, no transactions) append their record batches " \
            "to it directly instead of through the network, with the same validation, offsets " \
            "and acknowledgements. Set false to always go through librdkafka."}, \
    {.name = "log.dirs", .type = SLUICE_CONFIG_LIST, .default_value = NULL, \
     .importance = SLUICE_IMPORTANCE_MEDIUM, \
     .doc = "Sluice: where the embedded broker keeps its data. Default: a data directory " \
            "beside offset.storage.file.filename, else in the working directory."}

static const sluice_config_key_t worker_standalone_keys[] = {
    WORKER_COMMON_KEYS,
    {.name = "offset.storage.file.filename", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH, .validator = SLUICE_NON_EMPTY,
     .doc = "The file source connectors' offsets are stored in."},
    {.name = "config.storage.file.filename", .type = SLUICE_CONFIG_STRING, .default_value = NULL,
     .importance = SLUICE_IMPORTANCE_MEDIUM,
     .doc = "Sluice: a file where connectors created, changed or deleted through the REST API "
            "are kept, so they survive a restart. Unset: REST-created connectors are forgotten "
            "on restart, as in Kafka."},
    SLUICE_CONFIG_END,
};

static const sluice_config_key_t worker_distributed_keys[] = {
    WORKER_COMMON_KEYS,
    {.name = "group.id", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The Connect cluster this worker belongs to: the group the workers join."},
    {.name = "config.storage.topic", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The topic connector and task configurations are stored in (one partition, "
            "compacted)."},
    {.name = "config.storage.replication.factor", .type = SLUICE_CONFIG_SHORT,
     .default_value = "3", .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Replication factor of the config topic when it is created; -1 uses the broker's "
            "default."},
    {.name = "offset.storage.topic", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The topic source connectors' offsets are stored in."},
    {.name = "offset.storage.partitions", .type = SLUICE_CONFIG_INT, .default_value = "25",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Partitions of the offsets topic when it is created; -1 uses the broker's default."},
    {.name = "offset.storage.replication.factor", .type = SLUICE_CONFIG_SHORT,
     .default_value = "3", .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Replication factor of the offsets topic when it is created; -1 uses the broker's "
            "default."},
    {.name = "status.storage.topic", .type = SLUICE_CONFIG_STRING, .required = true,
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "The topic connector and task statuses are stored in."},
    {.name = "status.storage.partitions", .type = SLUICE_CONFIG_INT, .default_value = "5",
     .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Partitions of the status topic when it is created; -1 uses the broker's default."},
    {.name = "status.storage.replication.factor", .type = SLUICE_CONFIG_SHORT,
     .default_value = "3", .importance = SLUICE_IMPORTANCE_LOW,
     .doc = "Replication factor of the status topic when it is created; -1 uses the broker's "
            "default."},
    {.name = "session.timeout.ms", .type = SLUICE_CONFIG_INT, .default_value = "10000",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "How long the group waits for a worker's heartbeat before it removes the worker."},
    {.name = "heartbeat.interval.ms", .type = SLUICE_CONFIG_INT, .default_value = "3000",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "How often a worker heartbeats to the group coordinator."},
    {.name = "rebalance.timeout.ms", .type = SLUICE_CONFIG_INT, .default_value = "60000",
     .importance = SLUICE_IMPORTANCE_HIGH,
     .doc = "How long a worker may take to rejoin the group once a rebalance starts."},
    {.name = "scheduled.rebalance.max.delay.ms", .type = SLUICE_CONFIG_INT,
     .default_value = "300000", .importance = SLUICE_IMPORTANCE_LOW,
     .validator = SLUICE_RANGE(0, 2147483647),
     .doc = "How long the work of a departed worker waits for it to come back before it is "
            "reassigned."},
    {.name = "connect.protocol", .type = SLUICE_CONFIG_STRING, .default_value = "sessioned",
     .importance = SLUICE_IMPORTANCE_LOW,
     .validator = SLUICE_ONE_OF_NOCASE("eager", "compatible", "sessioned"),
     .doc = "The group protocol of the workers."},
    {.name = "exactly.once.source.support", .type = SLUICE_CONFIG_STRING,
     .default_value = "disabled", .importance = SLUICE_IMPORTANCE_HIGH,
     .validator = SLUICE_ONE_OF_NOCASE("disabled", "preparing", "enabled"),
     .doc = "Whether source connectors may run with exactly-once delivery."},
    SLUICE_CONFIG_END,
};
/* clang-format on */

/* Settings that belong to someone else and are passed through unchecked. */
static const char *const worker_passthrough_prefixes[] = {
    "producer.",
    "consumer.",
    "admin.",
    "key.converter.",
    "value.converter.",
    "header.converter.",
    "config.providers.",
    "listeners.https.",
    "admin.listeners.https.",
    "ssl.",
    "sasl.",
    "broker.", /* the embedded broker's server.properties keys */
    NULL,
};

/* Keys Kafka 3.0 removed (KIP-738): internal topics always use JSON. */
static const char *const worker_retired_keys[] = {
    "internal.key.converter",
    "internal.value.converter",
    NULL,
};

const sluice_config_key_t *worker_config_keys(worker_mode_t mode)
{
    return mode == WORKER_MODE_DISTRIBUTED ? worker_distributed_keys : worker_standalone_keys;
}

bool worker_config_is_retired(const char *name)
{
    for (size_t i = 0; worker_retired_keys[i]; i++) {
        size_t n = strlen(worker_retired_keys[i]);
        if (strncmp(name, worker_retired_keys[i], n) == 0 && (name[n] == '\0' || name[n] == '.'))
            return true;
    }
    return false;
}

static void worker_copy_errors(sluice_buf_t *errors, char *errstr, size_t errstr_size)
{
    if (errstr_size)
        snprintf(errstr, errstr_size, "%s", sluice_buf_data(errors));
}

/* Appends "source: text" per line of text to errors. */
static void worker_add_lines(sluice_buf_t *errors, const char *source, const char *text)
{
    while (*text) {
        size_t len = strcspn(text, "\n");
        if (len) {
            if (sluice_buf_len(errors))
                sluice_buf_putc(errors, '\n');
            sluice_buf_printf(errors, "%s: %.*s", source, (int)len, text);
        }
        text += len;
        if (*text)
            text++;
    }
}

/* Warns about retired and deprecated keys; returns props without the
 * retired ones (the caller destroys it). */
static sluice_strmap_t *worker_drop_retired(const sluice_strmap_t *props, const char *source)
{
    sluice_strmap_t *kept = sluice_strmap_new();
    for (size_t i = 0; i < sluice_strmap_count(props); i++) {
        const char *k = sluice_strmap_key_at(props, i);
        if (worker_config_is_retired(k)) {
            log_warn(source, "config",
                     "The worker configuration '%s' was removed in Kafka 3.0 and is ignored: "
                     "Connect's internal topics always use JSON without schemas",
                     k);
            continue;
        }
        sluice_strmap_set(kept, k, sluice_strmap_value_at(props, i));
    }
    bool has_listeners = sluice_strmap_get(kept, "listeners") != NULL;
    for (const char *const *old = (const char *const[]){"rest.host.name", "rest.port", NULL}; *old;
         old++)
        if (sluice_strmap_get(kept, *old))
            log_warn(source, "config",
                     has_listeners ? "The worker configuration '%s' is deprecated and is ignored "
                                     "because listeners is set"
                                   : "The worker configuration '%s' is deprecated; use "
                                     "listeners instead",
                     *old);
    return kept;
}

static void worker_build_listeners(worker_config_t *wc)
{
    size_t cap = 0;
    const char *const *items = NULL;
    size_t n = 0;
    bool have_list = !sluice_config_is_null(wc->values, "listeners");
    if (have_list)
        n = sluice_config_get_list(wc->values, "listeners", &items);
    mem_grow((void **)&wc->listeners, &cap, n + 2, sizeof(char *));
    if (have_list) {
        for (size_t i = 0; i < n; i++)
            if (items[i][0])
                wc->listeners[wc->listener_count++] = mem_strdup(items[i]);
    } else {
        const char *host = sluice_config_get_string(wc->values, "rest.host.name");
        bool has_port = !sluice_config_is_null(wc->values, "rest.port");
        if (host || has_port) {
            sluice_buf_t *b = sluice_buf_new();
            sluice_buf_printf(b, "http://%s:%d", host ? host : "",
                              has_port ? (int)sluice_config_get_int(wc->values, "rest.port")
                                       : 8083);
            wc->listeners[wc->listener_count++] = mem_strdup(sluice_buf_data(b));
            sluice_buf_destroy(b);
        } else {
            wc->listeners[wc->listener_count++] = mem_strdup(WORKER_DEFAULT_LISTENER);
        }
    }
    wc->listeners[wc->listener_count] = NULL;
}

static void worker_build_log_dir(worker_config_t *wc)
{
    const char *const *dirs = NULL;
    if (sluice_config_get_list(wc->values, "log.dirs", &dirs) && dirs[0][0]) {
        wc->log_dir = mem_strdup(dirs[0]);
        return;
    }
    const char *offsets = wc->mode == WORKER_MODE_STANDALONE
                              ? sluice_config_get_string(wc->values, "offset.storage.file.filename")
                              : NULL;
    const char *slash = offsets ? strrchr(offsets, '/') : NULL;
    if (!slash) {
        wc->log_dir = mem_strdup("data");
        return;
    }
    sluice_buf_t *b = sluice_buf_new();
    sluice_buf_printf(b, "%.*s/data", (int)(slash - offsets), offsets);
    wc->log_dir = mem_strdup(sluice_buf_data(b));
    sluice_buf_destroy(b);
}

worker_config_t *worker_config_new(const sluice_strmap_t *props, worker_mode_t mode,
                                   const plugin_registry_t *registry, const char *source,
                                   char *errstr, size_t errstr_size)
{
    if (!source)
        source = "<worker config>";
    char err[4096] = "";
    sluice_buf_t *errors = sluice_buf_new();
    worker_config_t *wc = mem_calloc(1, sizeof(*wc));
    wc->mode = mode;
    sluice_strmap_t *kept = worker_drop_retired(props, source);

    wc->providers = config_providers_new(registry, kept, err, sizeof err);
    if (!wc->providers) {
        worker_add_lines(errors, source, err);
        goto fail;
    }
    wc->props = config_providers_resolve(wc->providers, kept, err, sizeof err);
    if (!wc->props) {
        worker_add_lines(errors, source, err);
        goto fail;
    }

    /* validate key by key, so each error names its key */
    const sluice_config_key_t *keys = worker_config_keys(mode);
    sluice_config_validation_t *validation = sluice_config_validate(keys, wc->props);
    for (size_t i = 0; i < sluice_config_validation_count(validation); i++) {
        const char *const *msgs = NULL;
        size_t n = sluice_config_validation_errors_at(validation, i, &msgs);
        for (size_t j = 0; j < n; j++) {
            if (sluice_buf_len(errors))
                sluice_buf_putc(errors, '\n');
            sluice_buf_printf(errors, "%s: %s: %s", source,
                              sluice_config_validation_name_at(validation, i), msgs[j]);
        }
    }
    sluice_config_validation_destroy(validation);
    if (sluice_buf_len(errors))
        goto fail;

    wc->values = sluice_config_new(keys, wc->props, err, sizeof err);
    if (!wc->values) {
        worker_add_lines(errors, source, err);
        goto fail;
    }
    config_warn_unknown_keys(source, keys, wc->props, worker_passthrough_prefixes);
    worker_build_listeners(wc);
    worker_build_log_dir(wc);
    sluice_strmap_destroy(kept);
    sluice_buf_destroy(errors);
    if (errstr_size)
        errstr[0] = '\0';
    return wc;

fail:
    worker_copy_errors(errors, errstr, errstr_size);
    sluice_buf_destroy(errors);
    sluice_strmap_destroy(kept);
    worker_config_destroy(wc);
    return NULL;
}

worker_config_t *worker_config_load_file(const char *path, worker_mode_t mode,
                                         const plugin_registry_t *registry, char *errstr,
                                         size_t errstr_size)
{
    sluice_strmap_t *props = sluice_strmap_new();
    if (props_parse_file(path, props, errstr, errstr_size) < 0) {
        sluice_strmap_destroy(props);
        return NULL;
    }
    worker_config_t *wc = worker_config_new(props, mode, registry, path, errstr, errstr_size);
    sluice_strmap_destroy(props);
    return wc;
}

void worker_config_destroy(worker_config_t *wc)
{
    if (!wc)
        return;
    sluice_config_destroy(wc->values);
    sluice_strmap_destroy(wc->props);
    config_providers_destroy(wc->providers);
    for (size_t i = 0; i < wc->listener_count; i++)
        free(wc->listeners[i]);
    free(wc->listeners);
    free(wc->log_dir);
    free(wc);
}

worker_mode_t worker_config_mode(const worker_config_t *wc)
{
    return wc->mode;
}

const sluice_config_t *worker_config_values(const worker_config_t *wc)
{
    return wc ? wc->values : NULL;
}

const sluice_strmap_t *worker_config_props(const worker_config_t *wc)
{
    return wc ? wc->props : NULL;
}

config_providers_t *worker_config_providers(const worker_config_t *wc)
{
    return wc ? wc->providers : NULL;
}

sluice_strmap_t *worker_config_client_props(const worker_config_t *wc, const char *prefix)
{
    sluice_strmap_t *out = sluice_strmap_new();
    const char *servers = sluice_strmap_get(wc->props, "bootstrap.servers");
    sluice_strmap_set(out, "bootstrap.servers", servers ? servers : "localhost:9092");
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < sluice_strmap_count(wc->props); i++) {
        const char *k = sluice_strmap_key_at(wc->props, i);
        /* a declared key that happens to share the prefix (admin.listeners)
         * is the worker's, not the client's */
        if (strncmp(k, prefix, plen) != 0 || k[plen] != '.' || !k[plen + 1] ||
            config_find_key(worker_config_keys(wc->mode), k))
            continue;
        sluice_strmap_set(out, k + plen + 1, sluice_strmap_value_at(wc->props, i));
    }
    return out;
}

sluice_strmap_t *worker_config_converter_props(const worker_config_t *wc, const char *which)
{
    sluice_buf_t *prefix = sluice_buf_new();
    sluice_buf_printf(prefix, "%s.", which);
    sluice_strmap_t *out = sluice_strmap_subset(wc->props, sluice_buf_data(prefix), true);
    sluice_buf_destroy(prefix);
    return out;
}

size_t worker_config_listeners(const worker_config_t *wc, const char *const **items)
{
    if (items)
        *items = (const char *const *)wc->listeners;
    return wc->listener_count;
}

const char *worker_config_log_dir(const worker_config_t *wc)
{
    return wc->log_dir;
}
