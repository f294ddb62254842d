/*
 * `sluice broker [server.properties] [--override key=value ...]`: runs the
 * broker alone, as Kafka's kafka-server-start.sh does, until SIGINT or
 * SIGTERM. Main thread.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "broker.h"
#include "log.h"
#include "properties.h"

static broker_t *broker_cli_running;

static void broker_cli_on_signal(int sig)
{
    (void)sig;
    broker_request_stop(broker_cli_running); /* async-signal-safe */
}

static void broker_cli_usage(FILE *out)
{
    fprintf(out, "Usage: sluice broker [server.properties] [--override key=value ...]\n"
                 "\n"
                 "Runs the Kafka-compatible broker on its own until SIGINT or SIGTERM.\n"
                 "server.properties takes Kafka's keys (listeners, log.dirs, num.partitions,\n"
                 "log.retention.hours, ...); --override sets one key over the file, as\n"
                 "kafka-server-start.sh does. Without a file every key has Kafka's default:\n"
                 "listeners=PLAINTEXT://localhost:9092, log.dirs=/tmp/kafka-logs.\n");
}

int broker_cli(int argc, char **argv)
{
    const char *file = NULL;
    sluice_strmap_t *props = sluice_strmap_new();
    sluice_strmap_t *overrides = sluice_strmap_new();
    int status = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            broker_cli_usage(stdout);
            status = 0;
            goto out;
        }
        if (strcmp(argv[i], "--override") == 0) {
            const char *kv = i + 1 < argc ? argv[++i] : NULL;
            const char *eq = kv ? strchr(kv, '=') : NULL;
            if (!eq || eq == kv) {
                fprintf(stderr, "sluice broker: --override takes key=value\n");
                broker_cli_usage(stderr);
                goto out;
            }
            char key[256];
            snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
            sluice_strmap_set(overrides, key, eq + 1);
        } else if (argv[i][0] == '-' || file) {
            fprintf(stderr, "sluice broker: unexpected argument '%s'\n", argv[i]);
            broker_cli_usage(stderr);
            goto out;
        } else {
            file = argv[i];
        }
    }
    status = 1;
    char err[4096] = "";
    if (file && props_parse_file(file, props, err, sizeof err) < 0) {
        fprintf(stderr, "sluice broker: %s\n", err);
        goto out;
    }
    for (size_t i = 0; i < sluice_strmap_count(overrides); i++)
        sluice_strmap_set(props, sluice_strmap_key_at(overrides, i),
                          sluice_strmap_value_at(overrides, i));
    broker_config_t *config =
        broker_config_new(props, file ? file : "command line", err, sizeof err);
    if (!config) {
        fprintf(stderr, "sluice broker: %s\n", err);
        goto out;
    }
    broker_t *broker = broker_new(config);
    if (broker_start(broker, err, sizeof err) < 0) {
        fprintf(stderr, "sluice broker: %s\n", err);
        broker_destroy(broker);
        goto out;
    }
    broker_cli_running = broker;
    struct sigaction sa = {.sa_handler = broker_cli_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    broker_wait(broker);
    broker_cli_running = NULL;
    broker_destroy(broker);
    status = 0;
out:
    sluice_strmap_destroy(props);
    sluice_strmap_destroy(overrides);
    return status;
}
