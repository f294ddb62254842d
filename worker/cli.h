/*
 * The sluice command line. main() dispatches argv[1] through a table of
 * cli_command_t; each handler gets the arguments from the command name on
 * and returns the process exit status.
 *
 * Exit statuses, as for most Unix tools: 0 success, 1 the command failed,
 * 2 the command line itself is wrong (usage printed to stderr).
 *
 * Thread use: the main thread, before anything else runs.
 */
#ifndef WORKER_CLI_H
#define WORKER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE 2

/* argv[0] is the command name; argv[argc] is NULL. */
typedef int (*cli_handler_fn)(int argc, char **argv);

typedef struct cli_command {
    const char *name;
    cli_handler_fn handler;
    const char *summary;
    bool implemented; /* false: listed as planned, not as working */
} cli_command_t;

/* `sluice plugins [list|describe CLASS] [--plugin-path P] [--type KIND]`. */
int cli_plugins(int argc, char **argv);

/* `sluice standalone WORKER.properties [CONNECTOR.properties ...]`
 * (cli_standalone.c, linked into the binary with the broker). */
int cli_standalone(int argc, char **argv);

/* Kafka's command-line tools, built on librdkafka (cli_kafka.h): `sluice perf
 * produce|consume` (kafka-producer-perf-test, kafka-consumer-perf-test),
 * `sluice topics`, `sluice console-producer`, `sluice console-consumer` and
 * `sluice consumer-groups`, with Kafka's option names and output. */
int cli_perf(int argc, char **argv);
int cli_topics(int argc, char **argv);
int cli_console_producer(int argc, char **argv);
int cli_console_consumer(int argc, char **argv);
int cli_consumer_groups(int argc, char **argv);

/* For commands that are planned but not written yet: says so, returns 1. */
int cli_not_implemented(int argc, char **argv);

/* The release ("0.1.0"). */
const char *cli_version(void);

/* Prints "sluice <version>" and the plugin ABI version. */
void cli_print_version(FILE *out);

/*
 * Matches argv[*i] against option (e.g. "--plugin-path") in the forms
 * "--opt VALUE" and "--opt=VALUE". Returns 1 and sets *value (borrowed from
 * argv), advancing *i past a separate value; 0 when argv[*i] is another
 * argument; -1 when the option has no value (an error was printed).
 */
int cli_option_value(int argc, char **argv, int *i, const char *option, const char **value);

/* ---- aligned tables for terminal output ------------------------------------ */

typedef struct cli_table cli_table_t;

/* A table with ncols columns titled by headers (copied). */
cli_table_t *cli_table_new(size_t ncols, const char *const *headers);
void cli_table_destroy(cli_table_t *table);

/* Appends a row of ncols cells (copied; NULL prints as empty). */
void cli_table_add_row(cli_table_t *table, const char *const *cells);

size_t cli_table_rows(const cli_table_t *table);

/*
 * Prints the header and rows, each column padded to its widest cell and
 * separated by two spaces; the last column is not padded. Line breaks inside
 * a cell print as spaces.
 */
void cli_table_print(const cli_table_t *table, FILE *out);

#endif
