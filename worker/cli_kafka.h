/*
 * What Sluice's Kafka command-line tools (perf, topics, console-producer,
 * console-consumer, consumer-groups) share: Kafka-style option parsing with
 * usage text generated from one option table, client properties gathered
 * from --xxx-props lists and properties files, the translation of the Java
 * client's property names to librdkafka's, and error reporting that names
 * what failed and where.
 *
 * The tools speak the Kafka protocol only through librdkafka, so they work
 * against the integrated broker and any Kafka-compatible cluster.
 *
 * Thread use: the tool's main thread, except cli_kafka_last_error and the
 * librdkafka log callback installed by cli_kafka_conf_new, which librdkafka
 * calls from its own threads.
 */
#ifndef WORKER_CLI_KAFKA_H
#define WORKER_CLI_KAFKA_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <librdkafka/rdkafka.h>
#include <sluice/common.h>

#include "cli.h"

/* ---- options ------------------------------------------------------------------ */

typedef enum cli_kafka_opt_kind {
    CLI_KAFKA_OPT_FLAG,     /* --from-beginning */
    CLI_KAFKA_OPT_VALUE,    /* --topic T (given at most once) */
    CLI_KAFKA_OPT_LIST,     /* --config k=v, repeatable */
    CLI_KAFKA_OPT_VALUES,   /* --producer-props k=v k=v ...: values up to the next --option */
    CLI_KAFKA_OPT_OPTIONAL, /* --compression-codec [CODEC]: a value only if one follows */
} cli_kafka_opt_kind_t;

typedef struct cli_kafka_opt {
    const char *name; /* without the dashes: "bootstrap-server" */
    cli_kafka_opt_kind_t kind;
    const char *metavar; /* "TOPIC"; NULL for flags */
    const char *help;
} cli_kafka_opt_t;

/* A command: its name for messages, its usage text and its option table
 * (ended by an entry whose name is NULL). */
typedef struct cli_kafka_command {
    const char *tool;        /* "sluice topics" */
    const char *synopsis;    /* the "Usage:" lines after the tool name */
    const char *description; /* a paragraph */
    const cli_kafka_opt_t *opts;
} cli_kafka_command_t;

typedef struct cli_kafka_args cli_kafka_args_t;

/*
 * Parses argv[1..argc-1] (argv[0] is the command name) as "--name VALUE" or
 * "--name=VALUE" options of cmd. Returns the arguments (free them with
 * cli_kafka_args_destroy), or NULL with *status set: CLI_EXIT_OK after
 * printing the usage for -h/--help, CLI_EXIT_USAGE after printing what is
 * wrong and the usage to stderr.
 */
cli_kafka_args_t *cli_kafka_args_parse(const cli_kafka_command_t *cmd, int argc, char **argv,
                                       int *status);
void cli_kafka_args_destroy(cli_kafka_args_t *args);

/* Whether the option was given. */
bool cli_kafka_args_has(const cli_kafka_args_t *args, const char *name);

/* The value of a VALUE or OPTIONAL option (NULL when absent or given
 * without one); for LIST and VALUES options the last value. Borrowed. */
const char *cli_kafka_args_get(const cli_kafka_args_t *args, const char *name);

/* All the values of a LIST or VALUES option, in order. Borrowed. */
size_t cli_kafka_args_count(const cli_kafka_args_t *args, const char *name);
const char *cli_kafka_args_at(const cli_kafka_args_t *args, const char *name, size_t i);

/* Prints "Usage: ...", the description and the option table. */
void cli_kafka_usage(const cli_kafka_command_t *cmd, FILE *out);

/* Prints "<tool>: <message>", a blank line and the usage to stderr;
 * returns CLI_EXIT_USAGE. */
int cli_kafka_usage_error(const cli_kafka_command_t *cmd, const char *fmt, ...) SLUICE_PRINTF(2, 3);

/*
 * Reads option name as an integer in [min, max]; absent, *out is dflt.
 * Returns 0, or -1 after printing a usage error that names the option, the
 * range and the text given.
 */
int cli_kafka_args_int(const cli_kafka_command_t *cmd, const cli_kafka_args_t *args,
                       const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out);

/* Parses all of text as a decimal integer in [min, max]. */
bool cli_kafka_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);

/* ---- client properties -------------------------------------------------------- */

/* Properties for a client, each remembering where it came from (a file path
 * or an option name) so errors can say so. */
typedef struct cli_kafka_props cli_kafka_props_t;

cli_kafka_props_t *cli_kafka_props_new(void);
void cli_kafka_props_destroy(cli_kafka_props_t *props);

/* Sets key to value (both copied); origin (copied) names the source. */
void cli_kafka_props_set(cli_kafka_props_t *props, const char *key, const char *value,
                         const char *origin);
/* Sets key only if it is not set yet (a tool's default). */
void cli_kafka_props_default(cli_kafka_props_t *props, const char *key, const char *value);
const char *cli_kafka_props_get(const cli_kafka_props_t *props, const char *key);
void cli_kafka_props_unset(cli_kafka_props_t *props, const char *key);

/* Adds "key=value" (split at the first '='; the key must not be empty).
 * Returns 0, or -1 with the problem and origin in errstr. */
int cli_kafka_props_add_kv(cli_kafka_props_t *props, const char *kv, const char *origin,
                           char *errstr, size_t errstr_size);

/* Adds every entry of the properties file at path (Java .properties
 * syntax). Returns 0, or -1 with "path:line: problem" lines in errstr. */
int cli_kafka_props_load_file(cli_kafka_props_t *props, const char *path, char *errstr,
                              size_t errstr_size);

/* ---- clients ------------------------------------------------------------------ */

typedef enum cli_kafka_role {
    CLI_KAFKA_PRODUCER,
    CLI_KAFKA_CONSUMER,
    CLI_KAFKA_ADMIN, /* a producer handle used only for admin requests */
} cli_kafka_role_t;

/*
 * A librdkafka configuration from props: Java client names that librdkafka
 * spells differently are translated (buffer.memory, max.request.size,
 * fetch.max.wait.ms, partition.assignment.strategy class names, ...), Java
 * settings with no librdkafka meaning (serializer classes, max.block.ms,
 * ...) are left out, and a librdkafka log callback prints warnings and
 * errors as "<tool>: ..." lines. Returns the conf (the caller passes it to
 * cli_kafka_new or destroys it), or NULL with an error naming the property,
 * its value and where it came from in errstr.
 */
rd_kafka_conf_t *cli_kafka_conf_new(const char *tool, cli_kafka_role_t role,
                                    const cli_kafka_props_t *props, char *errstr,
                                    size_t errstr_size);

/* rd_kafka_new for role; conf belongs to the callee in every case. Returns
 * NULL with the reason in errstr. */
rd_kafka_t *cli_kafka_new(cli_kafka_role_t role, rd_kafka_conf_t *conf, char *errstr,
                          size_t errstr_size);

/*
 * Copies the last warning or error librdkafka logged (e.g. "Connect to
 * ipv4#127.0.0.1:1 failed: Connection refused") into buf; "" if none.
 * Returns buf. Any thread.
 */
const char *cli_kafka_last_error(char *buf, size_t size);

/*
 * Waits up to timeout_ms for cluster metadata (of topic only, or of no
 * topic when NULL), proving the cluster at bootstrap answers. Returns 0, or
 * -1 with "cannot reach the Kafka cluster at <bootstrap> ..." and the last
 * broker error in errstr. With md non-NULL, *md receives the metadata (the
 * caller frees it with rd_kafka_metadata_destroy).
 */
int cli_kafka_connect(rd_kafka_t *rk, const char *bootstrap, const char *topic, int timeout_ms,
                      const struct rd_kafka_metadata **md, char *errstr, size_t errstr_size);

/*
 * The admin client of a tool taking Kafka's --bootstrap-server and
 * --command-config options (both must be in the tool's option table):
 * properties from the file, bootstrap.servers from the option. Sets
 * *timeout_ms to default.api.timeout.ms (the Java Admin's, 60000 by
 * default), which bounds each admin request. Returns the client, or NULL
 * after printing what went wrong, with *status the exit status. The
 * bootstrap servers are copied to bootstrap (for messages).
 */
rd_kafka_t *cli_kafka_admin_new(const cli_kafka_command_t *cmd, const cli_kafka_args_t *args,
                                char *bootstrap, size_t bootstrap_size, int *timeout_ms,
                                int *status);

/* Admin options for op with request and operation timeouts of timeout_ms. */
rd_kafka_AdminOptions_t *cli_kafka_admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op,
                                                 int timeout_ms);

/*
 * Waits up to timeout_ms (plus a margin) on queue for an admin result event
 * of type. Returns the event (the caller destroys it), or NULL with the
 * request-level error in errstr.
 */
rd_kafka_event_t *cli_kafka_admin_wait(rd_kafka_queue_t *queue, rd_kafka_event_type_t type,
                                       int timeout_ms, char *errstr, size_t errstr_size);

/* Kafka's internal topics (__consumer_offsets, __transaction_state). */
bool cli_kafka_topic_is_internal(const char *topic);

/* Milliseconds of the wall clock (for dates) and of a monotonic clock (for
 * intervals). */
int64_t cli_kafka_wallclock_ms(void);
int64_t cli_kafka_monotonic_us(void);

/* Installs SIGINT/SIGTERM handlers that set *flag (a tool stops cleanly on
 * them, as Kafka's shutdown hooks do). */
void cli_kafka_stop_on_signals(volatile sig_atomic_t *flag);

#endif
