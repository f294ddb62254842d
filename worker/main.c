/*
 * The sluice command: dispatches its first argument through the command
 * table below. A new subcommand is one row here and one cli_<name>.c file.
 */
#include <stdio.h>
#include <string.h>

#include "broker.h"
#include "cli.h"
#include "log.h"

#ifdef SLUICE_JEMALLOC
/*
 * jemalloc's defaults for this program (the MALLOC_CONF environment
 * variable still wins): freed pages go back to the system within 100 ms
 * instead of 10 s, which keeps the worker's peak RSS near glibc's while
 * records are allocated and freed by the million.
 */
const char *malloc_conf = "dirty_decay_ms:100,muzzy_decay_ms:0";
#endif

static const cli_command_t cli_commands[] = {
    {"plugins", cli_plugins, "List the plugin classes, or describe one's configuration", true},
    {"standalone", cli_standalone, "Run connectors from properties files in a single process",
     true},
    {"distributed", cli_not_implemented, "Join a Connect cluster and serve the REST API", false},
    {"broker", broker_cli, "Run the integrated Kafka-compatible broker", true},
    {"topics", cli_topics, "Create, list, describe, alter or delete topics", true},
    {"console-producer", cli_console_producer, "Send lines from standard input to a topic", true},
    {"console-consumer", cli_console_consumer, "Print a topic's messages to standard output", true},
    {"consumer-groups", cli_consumer_groups, "List consumer groups, or describe their lag", true},
    {"perf", cli_perf, "Measure producer or consumer throughput and latency", true},
};

#define CLI_COMMAND_COUNT (sizeof cli_commands / sizeof cli_commands[0])

static void usage(FILE *out)
{
    fprintf(out, "Usage: sluice COMMAND [ARGS...]\n"
                 "       sluice --version | --help\n"
                 "\n"
                 "Commands:\n");
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        if (cli_commands[i].implemented)
            fprintf(out, "  %-18s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(out, "\nPlanned, not implemented yet:");
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        if (!cli_commands[i].implemented)
            fprintf(out, " %s", cli_commands[i].name);
    fprintf(out, "\n\n"
                 "Options:\n"
                 "  -h, --help     Show this help ('sluice COMMAND --help' for a command's).\n"
                 "  -V, --version  Show the sluice version and its plugin ABI version.\n"
                 "\n"
                 "Environment:\n"
                 "  SLUICE_LOG_LEVEL  ERROR, WARN, INFO (default), DEBUG, TRACE or OFF.\n");
}

static const cli_command_t *find_command(const char *name)
{
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    log_init();
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0 || strcmp(first, "help") == 0) {
        const cli_command_t *command = argc > 2 ? find_command(argv[2]) : NULL;
        if (command && command->implemented) {
            char help[] = "--help";
            char *args[] = {argv[2], help, NULL};
            return command->handler(2, args);
        }
        if (argc > 2 && !command) {
            fprintf(stderr, "sluice: unknown command '%s'\n\n", argv[2]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0 ||
        strcmp(first, "version") == 0) {
        if (argc > 2) {
            fprintf(stderr, "sluice: %s takes no arguments\n\n", first);
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
        cli_print_version(stdout);
        return CLI_EXIT_OK;
    }
    const cli_command_t *command = find_command(first);
    if (!command) {
        if (first[0] == '-')
            fprintf(stderr, "sluice: unknown option '%s'\n\n", first);
        else
            fprintf(stderr, "sluice: unknown command '%s'\n\n", first);
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return command->handler(argc - 1, argv + 1);
}
