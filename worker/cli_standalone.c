/*
 * `sluice standalone worker.properties [connector.properties ...]`: one
 * worker process running the connectors of the given files, as Kafka's
 * connect-standalone.sh, with the integrated broker embedded unless the
 * worker config says broker.embedded=false.
 *
 * Every file is read and validated before anything is started, so a bad
 * config exits non-zero without creating the offsets file or the broker's
 * data. SIGINT and SIGTERM stop the worker cleanly: tasks stop, source
 * offsets and sink commits are flushed, then the broker closes its logs.
 *
 * This file is linked into the binary only (it embeds the broker), not into
 * sluice_core.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "cli.h"
#include "local_append.h"
#include "local_broker.h"
#include "client_config.h"
#include "clock.h"
#include "herder.h"
#include "log.h"
#include "mem.h"
#include "offset_store.h"
#include "properties.h"
#include "rest_api.h"
#include "worker_config.h"

#define STANDALONE_LOGGER "ConnectStandalone"

static void standalone_usage(FILE *out)
{
    fprintf(out, "Usage: sluice standalone WORKER.properties [CONNECTOR.properties ...]\n"
                 "\n"
                 "Runs a Connect worker in one process, with the connectors of the given files,\n"
                 "like Kafka's connect-standalone.sh. Unless the worker config sets\n"
                 "broker.embedded=false, the integrated broker runs inside the worker, listening\n"
                 "on the first local address of bootstrap.servers, with its data under log.dirs\n"
                 "(default: a 'data' directory beside offset.storage.file.filename).\n"
                 "The REST API listens on listeners (default http://:8083); with no connector\n"
                 "files the worker starts empty and connectors are managed through it.\n"
                 "SIGINT or SIGTERM stops the worker cleanly.\n");
}

/* True when host:port names an address of this machine (it can be bound). */
static bool standalone_is_local(const char *host)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    if (getaddrinfo(*host ? host : NULL, "0", &hints, &res) != 0)
        return false;
    bool local = false;
    for (struct addrinfo *ai = res; ai && !local; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        local = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
        close(fd);
    }
    freeaddrinfo(res);
    return local;
}

/*
 * The embedded broker's listener: the first bootstrap.servers entry that is
 * local. Returns "PLAINTEXT://host:port" (malloc()ed) or NULL with errstr.
 */
static char *standalone_listener(const worker_config_t *wc, char *errstr, size_t errstr_size)
{
    const char *const *servers;
    size_t n = sluice_config_get_list(worker_config_values(wc), "bootstrap.servers", &servers);
    for (size_t i = 0; i < n; i++) {
        const char *entry = servers[i];
        const char *scheme = strstr(entry, "://");
        if (scheme)
            entry = scheme + 3;
        const char *colon = strrchr(entry, ':');
        if (!colon || !colon[1]) {
            snprintf(errstr, errstr_size, "bootstrap.servers: '%s' is not host:port", servers[i]);
            return NULL;
        }
        char host[256];
        size_t hlen = (size_t)(colon - entry);
        if (hlen >= sizeof host)
            continue;
        memcpy(host, entry, hlen);
        host[hlen] = '\0';
        char bare[256];
        snprintf(bare, sizeof bare, "%s", host);
        if (bare[0] == '[') { /* [::1] */
            size_t blen = strlen(bare);
            if (blen > 2 && bare[blen - 1] == ']') {
                memmove(bare, bare + 1, blen - 2);
                bare[blen - 2] = '\0';
            }
        }
        if (!standalone_is_local(bare))
            continue;
        size_t len = strlen(entry) + 16;
        char *listener = mem_alloc(len);
        snprintf(listener, len, "PLAINTEXT://%s", entry);
        return listener;
    }
    snprintf(errstr, errstr_size,
             "bootstrap.servers: no address in it is local to this machine, so the embedded "
             "broker has nowhere to listen; set broker.embedded=false to use an external Kafka "
             "cluster");
    return NULL;
}

static broker_t *standalone_start_broker(const worker_config_t *wc, char *errstr,
                                         size_t errstr_size)
{
    char *listener = standalone_listener(wc, errstr, errstr_size);
    if (!listener)
        return NULL;
    sluice_strmap_t *props = sluice_strmap_new();
    /* One process joins the groups of its own sink tasks: waiting 3 s for
     * more members (Kafka's group.initial.rebalance.delay.ms) only delays
     * the first records. */
    sluice_strmap_set(props, "group.initial.rebalance.delay.ms", "0");
    sluice_strmap_t *given = sluice_strmap_subset(worker_config_props(wc), "broker.", true);
    for (size_t i = 0; i < sluice_strmap_count(given); i++)
        if (strcmp(sluice_strmap_key_at(given, i), "embedded") &&
            strcmp(sluice_strmap_key_at(given, i), "embedded.direct"))
            sluice_strmap_set(props, sluice_strmap_key_at(given, i),
                              sluice_strmap_value_at(given, i));
    sluice_strmap_destroy(given);
    sluice_strmap_set(props, "listeners", listener);
    sluice_strmap_set(props, "log.dirs", worker_config_log_dir(wc));
    char why[2048];
    broker_config_t *config = broker_config_new(props, "embedded broker", why, sizeof why);
    sluice_strmap_destroy(props);
    if (!config) {
        snprintf(errstr, errstr_size, "embedded broker: %s", why);
        free(listener);
        return NULL;
    }
    broker_t *broker = broker_new(config);
    if (broker_start(broker, why, sizeof why)) {
        snprintf(errstr, errstr_size, "embedded broker on %s: %s", listener, why);
        broker_destroy(broker);
        free(listener);
        return NULL;
    }
    log_info(NULL, STANDALONE_LOGGER, "Embedded broker listening on %s, data in %s", listener,
             worker_config_log_dir(wc));
    free(listener);
    return broker;
}

/*
 * The Kafka cluster id GET / shows: the embedded broker's, else the external
 * cluster's as its metadata tells (NULL when it cannot be reached within a
 * few seconds; the worker still starts, as its clients retry).
 */
static char *standalone_cluster_id(const worker_config_t *wc, const broker_t *broker)
{
    if (broker)
        return mem_strdup(broker_cluster_id(broker));
    char err[512];
    rd_kafka_conf_t *conf =
        client_config_build(wc, NULL, CLIENT_ADMIN, NULL, "cluster-id", err, sizeof err);
    if (!conf)
        return NULL;
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    char *id = rd_kafka_clusterid(rk, 5000);
    char *out = id ? mem_strdup(id) : NULL;
    if (id)
        rd_kafka_mem_free(rk, id);
    else
        log_warn(NULL, STANDALONE_LOGGER, "Could not read the Kafka cluster id from %s",
                 sluice_config_get_string(worker_config_values(wc), "bootstrap.servers"));
    rd_kafka_destroy(rk);
    return out;
}

int cli_standalone(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        standalone_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc < 2) {
        standalone_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    int64_t t0 = clock_monotonic_ms();
    const char *worker_file = argv[1];
    static char err[16384];
    int status = CLI_EXIT_FAILURE;

    plugin_registry_t *registry = plugin_registry_new();
    worker_config_t *wc = NULL;
    connector_config_t **ccs = mem_calloc((size_t)argc, sizeof *ccs);
    size_t ncc = 0;
    offset_store_t *offsets = NULL;
    broker_t *broker = NULL;
    herder_t *herder = NULL;
    rest_api_t *rest = NULL;

    /* plugin.path is read before the worker config is validated: config
     * providers are plugins too. */
    sluice_strmap_t *raw = sluice_strmap_new();
    err[0] = '\0';
    if (props_parse_file(worker_file, raw, err, sizeof err) < 0) {
        fprintf(stderr, "sluice standalone: %s\n", err);
        sluice_strmap_destroy(raw);
        goto out;
    }
    err[0] = '\0';
    if (plugin_registry_load_builtin(registry, err, sizeof err) < 0)
        log_warn(NULL, STANDALONE_LOGGER, "Built-in plugins: %s", err);
    const char *plugin_path = sluice_strmap_get(raw, "plugin.path");
    if (plugin_path && *plugin_path) {
        err[0] = '\0';
        if (plugin_registry_load_path_list(registry, plugin_path, err, sizeof err) != 0)
            log_warn(NULL, STANDALONE_LOGGER, "plugin.path: %s", err);
    }
    sluice_strmap_destroy(raw);

    wc = worker_config_load_file(worker_file, WORKER_MODE_STANDALONE, registry, err, sizeof err);
    if (!wc) {
        fprintf(stderr, "sluice standalone: invalid worker configuration:\n%s\n", err);
        goto out;
    }
    if (!getenv("SLUICE_LOG_LEVEL")) {
        sluice_log_level_t level;
        if (log_level_parse(sluice_config_get_string(worker_config_values(wc), "log.level"),
                            &level))
            log_set_level(level);
    }

    /* Every connector file, all checked before anything starts. */
    bool bad = false;
    for (int i = 2; i < argc; i++) {
        connector_config_t *cc = connector_config_load_file(
            argv[i], registry, worker_config_providers(wc), err, sizeof err);
        if (!cc) {
            fprintf(stderr, "sluice standalone: invalid connector configuration:\n%s\n", err);
            bad = true;
            continue;
        }
        const char *policy = sluice_config_get_string(worker_config_values(wc),
                                                      "connector.client.config.override.policy");
        if (client_config_check_overrides(policy, connector_config_props(cc), err, sizeof err)) {
            for (char *line = strtok(err, "\n"); line; line = strtok(NULL, "\n"))
                fprintf(stderr, "%s: %s\n", argv[i], line);
            bad = true;
        }
        for (size_t j = 0; j < ncc; j++)
            if (!strcmp(connector_config_name(ccs[j]), connector_config_name(cc))) {
                fprintf(stderr, "sluice standalone: %s: name: Connector %s already exists\n",
                        argv[i], connector_config_name(cc));
                bad = true;
            }
        ccs[ncc++] = cc;
    }
    if (bad)
        goto out;

    /* Signals are taken by sigwait below; every thread started from here on
     * inherits the mask, so none of them is interrupted. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    const char *offsets_file =
        sluice_config_get_string(worker_config_values(wc), "offset.storage.file.filename");
    offsets = offset_store_new(offsets_file, err, sizeof err);
    if (!offsets) {
        fprintf(stderr, "sluice standalone: offset.storage.file.filename: %s\n", err);
        goto out;
    }
    if (sluice_config_get_bool(worker_config_values(wc), "broker.embedded")) {
        broker = standalone_start_broker(wc, err, sizeof err);
        if (!broker) {
            fprintf(stderr, "sluice standalone: %s\n", err);
            goto out;
        }
        /* Source tasks producing to it may append directly (source_local.h):
         * their producer's bootstrap.servers is the worker's unless overridden. */
        const char *servers = sluice_strmap_get(worker_config_props(wc), "bootstrap.servers");
        local_broker_register(&broker_local_ops, broker, servers ? servers : "localhost:9092");
    }

    /* The REST listeners are bound first: the worker id status shows is
     * their address. */
    rest = rest_api_start(wc, registry, err, sizeof err);
    if (!rest) {
        fprintf(stderr, "sluice standalone: REST server: %s\n", err);
        goto out;
    }
    const char *worker_id = rest_api_worker_id(rest);
    herder = herder_new(wc, registry, offsets, worker_id);
    char *cluster_id = standalone_cluster_id(wc, broker);
    rest_api_attach(rest, herder, cluster_id);
    free(cluster_id);
    /* Connectors kept from earlier REST calls first, so that the files
     * given now win over a stored config of the same name. */
    if (herder_load_persisted(herder, err, sizeof err) < 0) {
        fprintf(stderr, "sluice standalone: config.storage.file.filename: %s\n", err);
        goto out;
    }
    for (size_t i = 0; i < ncc; i++) {
        connector_config_t *cc = ccs[i];
        ccs[i] = NULL;
        if (herder_put_connector(herder, cc, true, HERDER_TARGET_STARTED, HERDER_ORIGIN_FILE, NULL,
                                 err, sizeof err) != HERDER_OK)
            log_error(NULL, STANDALONE_LOGGER, "%s", err);
    }
    log_info(NULL, STANDALONE_LOGGER,
             "Sluice worker %s started in %lld ms with %zu connector(s); REST API at %s", worker_id,
             (long long)(clock_monotonic_ms() - t0), ncc, rest_api_url(rest));

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0)
        ;
    log_info(NULL, STANDALONE_LOGGER, "Received %s; stopping the worker",
             sig == SIGINT ? "SIGINT" : "SIGTERM");
    status = CLI_EXIT_OK;

out:
    /* REST first: no request may reach a herder being destroyed. */
    rest_api_stop(rest);
    herder_destroy(herder);
    if (offsets && offset_store_flush(offsets, err, sizeof err)) {
        log_error(NULL, STANDALONE_LOGGER, "Could not write the offsets: %s", err);
        status = CLI_EXIT_FAILURE;
    }
    offset_store_destroy(offsets);
    if (broker) {
        /* Every task has stopped with the herder: nothing appends any more. */
        local_broker_register(NULL, NULL, NULL);
        broker_stop(broker);
        broker_destroy(broker);
    }
    for (size_t i = 0; i < ncc; i++)
        connector_config_destroy(ccs[i]);
    free(ccs);
    worker_config_destroy(wc);
    plugin_registry_destroy(registry);
    if (status == CLI_EXIT_OK)
        log_info(NULL, STANDALONE_LOGGER, "Worker stopped");
    return status;
}
