/*
 * `sluice console-producer` and `sluice console-consumer`: Kafka's
 * kafka-console-producer (lines of standard input become messages, parsed
 * as its LineMessageReader parses them) and kafka-console-consumer
 * (messages printed as its DefaultMessageFormatter prints them), with their
 * option names, defaults and precedence.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_kafka.h"
#include "mem.h"

/*
 * Kafka's CommandLineUtils.maybeMergeOptions: an option given on the
 * command line wins over the same setting in the properties; a property
 * wins over the option's default.
 */
static void console_merge(cli_kafka_props_t *props, const cli_kafka_args_t *args,
                          const char *option, const char *key, const char *dflt)
{
    const char *value = cli_kafka_args_get(args, option);
    if (value) {
        char origin[64];
        snprintf(origin, sizeof origin, "--%s", option);
        cli_kafka_props_set(props, key, value, origin);
    } else if (dflt) {
        cli_kafka_props_default(props, key, dflt);
    }
}

/* Loads the config file options, then the key=value list options, of a
 * console tool into props. Returns 0, or an exit status after printing. */
static int console_load_props(const cli_kafka_command_t *cmd, const cli_kafka_args_t *args,
                              const char *const files[2], const char *const lists[2],
                              cli_kafka_props_t *props)
{
    char errstr[2048];
    for (size_t i = 0; i < 2; i++) {
        const char *file = cli_kafka_args_get(args, files[i]);
        if (file && cli_kafka_props_load_file(props, file, errstr, sizeof errstr) < 0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
            return CLI_EXIT_FAILURE;
        }
    }
    for (size_t l = 0; l < 2; l++) {
        char origin[64];
        snprintf(origin, sizeof origin, "--%s", lists[l]);
        for (size_t i = 0; i < cli_kafka_args_count(args, lists[l]); i++)
            if (cli_kafka_props_add_kv(props, cli_kafka_args_at(args, lists[l], i), origin, errstr,
                                       sizeof errstr) < 0)
                return cli_kafka_usage_error(cmd, "%s", errstr);
    }
    return 0;
}

/* Reads the formatter or reader properties (--property k=v, and the
 * option's other name) into a map of settings. */
static int console_settings(const cli_kafka_command_t *cmd, const cli_kafka_args_t *args,
                            const char *const names[2], cli_kafka_props_t *settings)
{
    char errstr[1024];
    for (size_t l = 0; l < 2; l++) {
        if (!names[l])
            continue;
        char origin[64];
        snprintf(origin, sizeof origin, "--%s", names[l]);
        for (size_t i = 0; i < cli_kafka_args_count(args, names[l]); i++)
            if (cli_kafka_props_add_kv(settings, cli_kafka_args_at(args, names[l], i), origin,
                                       errstr, sizeof errstr) < 0)
                return cli_kafka_usage_error(cmd, "%s", errstr);
    }
    return 0;
}

/* Java's Boolean parsing as the Kafka readers and formatters use it. */
static bool console_bool(const cli_kafka_props_t *settings, const char *key, bool dflt)
{
    const char *v = cli_kafka_props_get(settings, key);
    if (!v)
        return dflt;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t len = strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    return len == 4 && strncasecmp(v, "true", 4) == 0;
}

static const char *console_str(const cli_kafka_props_t *settings, const char *key, const char *dflt)
{
    const char *v = cli_kafka_props_get(settings, key);
    return v ? v : dflt;
}

/* ---- console-producer -------------------------------------------------------------- */

static const cli_kafka_opt_t producer_opts[] = {
    {"bootstrap-server", CLI_KAFKA_OPT_VALUE, "SERVERS", "REQUIRED: the server(s) to connect to."},
    {"topic", CLI_KAFKA_OPT_VALUE, "TOPIC", "REQUIRED: the topic to produce messages to."},
    {"property", CLI_KAFKA_OPT_LIST, "PROP",
     "A line reader property (repeatable): parse.key=true|false (default false), "
     "key.separator (default tab), parse.headers=true|false, headers.delimiter (default "
     "tab), headers.separator (default ','), headers.key.separator (default ':'), "
     "ignore.error=true|false, null.marker."},
    {"reader-property", CLI_KAFKA_OPT_LIST, "PROP", "The same as --property (Kafka 4.2's name)."},
    {"producer-property", CLI_KAFKA_OPT_LIST, "PROP",
     "A producer property in the form key=value (repeatable)."},
    {"command-property", CLI_KAFKA_OPT_LIST, "PROP",
     "The same as --producer-property (Kafka 4.2's name)."},
    {"producer.config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE",
     "Producer config properties file; --producer-property takes precedence."},
    {"command-config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE",
     "The same as --producer.config (Kafka 4.2's name)."},
    {"sync", CLI_KAFKA_OPT_FLAG, NULL, "Send each message synchronously, one at a time."},
    {"compression-codec", CLI_KAFKA_OPT_OPTIONAL, "CODEC",
     "none, gzip, snappy, lz4 or zstd; gzip if given without a value."},
    {"request-required-acks", CLI_KAFKA_OPT_VALUE, "ACKS",
     "The required acks of the producer requests (default: -1)."},
    {"request-timeout-ms", CLI_KAFKA_OPT_VALUE, "MS",
     "The ack timeout of the producer requests (default: 1500)."},
    {"message-send-max-retries", CLI_KAFKA_OPT_VALUE, "N",
     "How many times to retry a failed send (default: 3)."},
    {"retry-backoff-ms", CLI_KAFKA_OPT_VALUE, "MS", "The wait before a retry (default: 100)."},
    {"timeout", CLI_KAFKA_OPT_VALUE, "MS",
     "How long a message may wait for a batch to fill (linger.ms; default: 1000)."},
    {"batch-size", CLI_KAFKA_OPT_VALUE, "SIZE", "The batch size in bytes (default: 16384)."},
    {"max-partition-memory-bytes", CLI_KAFKA_OPT_VALUE, "SIZE",
     "The same as --batch-size, which it overrides."},
    {"max-memory-bytes", CLI_KAFKA_OPT_VALUE, "SIZE",
     "The producer's buffer memory (default: 33554432)."},
    {"metadata-expiry-ms", CLI_KAFKA_OPT_VALUE, "MS",
     "The period after which metadata is refreshed (default: 300000)."},
    {"socket-buffer-size", CLI_KAFKA_OPT_VALUE, "SIZE",
     "The TCP send buffer size (default: 102400)."},
    {"max-block-ms", CLI_KAFKA_OPT_VALUE, "MS",
     "Accepted for compatibility; librdkafka never blocks a send."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t producer_cmd = {
    .tool = "sluice console-producer",
    .synopsis = "--bootstrap-server SERVERS --topic TOPIC [--property parse.key=true\n"
                "           --property key.separator=SEP] [--producer-property K=V ...]",
    .description = "Reads lines from standard input and sends each as a message, as Kafka's "
                   "kafka-console-producer does; at the end of input it waits until every "
                   "message is delivered, and exits 1 if any was not.",
    .opts = producer_opts,
};

typedef struct console_reader {
    bool parse_key;
    const char *key_separator;
    bool parse_headers;
    const char *headers_delimiter;
    const char *headers_separator;
    const char *headers_key_separator;
    bool ignore_error;
    const char *null_marker; /* NULL: none */
} console_reader_t;

typedef struct console_producer {
    const char *topic;
    uint64_t failed;
} console_producer_t;

/* Delivery report callback (served by rd_kafka_poll on the main thread). */
static void console_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    console_producer_t *cp = opaque;
    if (!m->err)
        return;
    /* Kafka's ErrorLoggingCallback message. */
    char key[64] = "null", value[64] = "null";
    if (m->key)
        snprintf(key, sizeof key, "%zu bytes", m->key_len);
    if (m->payload)
        snprintf(value, sizeof value, "%zu bytes", m->len);
    fprintf(stderr,
            "%s: Error when sending message to topic %s with key: %s, value: %s with error: %s\n",
            producer_cmd.tool, cp->topic, key, value, rd_kafka_err2str(m->err));
    cp->failed++;
}

/* Splits text at the first sep; NULL when sep is not in it. */
static char *console_split(char *text, const char *sep)
{
    char *at = *sep ? strstr(text, sep) : NULL;
    if (!at)
        return NULL;
    *at = '\0';
    return at + strlen(sep);
}

/*
 * Parses one line as LineMessageReader does: [headers DELIM] [key SEP]
 * value. Sets the pointers into line (NULL for a null key or value) and
 * *hdrs (a new list, or NULL). Returns 0, or -1 with the problem in errstr.
 */
static int console_parse_line(const console_reader_t *r, char *line, uint64_t lineno, char **key,
                              char **value, rd_kafka_headers_t **hdrs, char *errstr,
                              size_t errstr_size)
{
    char *rest = line;
    char *headers = NULL;
    *hdrs = NULL;
    *key = NULL;
    if (r->parse_headers) {
        char *after = console_split(rest, r->headers_delimiter);
        if (after) {
            headers = rest;
            rest = after;
        } else if (!r->ignore_error) {
            snprintf(errstr, errstr_size,
                     "No headers delimiter found on line number %" PRIu64 ": '%s'", lineno, line);
            return -1;
        }
    }
    if (r->parse_key) {
        char *after = console_split(rest, r->key_separator);
        if (after) {
            *key = rest;
            rest = after;
        } else if (!r->ignore_error) {
            snprintf(errstr, errstr_size, "No key separator found on line number %" PRIu64 ": '%s'",
                     lineno, rest);
            return -1;
        }
    }
    *value = rest;
    if (r->null_marker) {
        if (*key && strcmp(*key, r->null_marker) == 0)
            *key = NULL;
        if (strcmp(*value, r->null_marker) == 0)
            *value = NULL;
    }
    if (headers && !(r->null_marker && strcmp(headers, r->null_marker) == 0)) {
        *hdrs = rd_kafka_headers_new(4);
        char *pair = headers;
        while (pair) {
            char *next = console_split(pair, r->headers_separator);
            char *hvalue = console_split(pair, r->headers_key_separator);
            if (!hvalue && !r->ignore_error) {
                snprintf(errstr, errstr_size,
                         "No header key separator found in pair '%s' on line number %" PRIu64, pair,
                         lineno);
                goto fail;
            }
            if (r->null_marker && strcmp(pair, r->null_marker) == 0) {
                snprintf(errstr, errstr_size,
                         "Header keys should not be equal to the null marker '%s' as they "
                         "can't be null",
                         r->null_marker);
                goto fail;
            }
            if (hvalue && r->null_marker && strcmp(hvalue, r->null_marker) == 0)
                hvalue = NULL;
            rd_kafka_header_add(*hdrs, pair, -1, hvalue, hvalue ? -1 : 0);
            pair = next;
        }
    }
    return 0;

fail:
    rd_kafka_headers_destroy(*hdrs);
    *hdrs = NULL;
    return -1;
}

/* Kafka's reader refuses separators that would make lines ambiguous. */
static int console_reader_check(const console_reader_t *r, char *errstr, size_t errstr_size)
{
    const struct {
        const char *a_name, *a, *b_name, *b;
    } pairs[] = {
        {"headers.delimiter", r->headers_delimiter, "headers.separator", r->headers_separator},
        {"headers.delimiter", r->headers_delimiter, "headers.key.separator",
         r->headers_key_separator},
        {"headers.separator", r->headers_separator, "headers.key.separator",
         r->headers_key_separator},
        {"null.marker", r->null_marker, "key.separator", r->key_separator},
        {"null.marker", r->null_marker, "headers.separator", r->headers_separator},
        {"null.marker", r->null_marker, "headers.delimiter", r->headers_delimiter},
        {"null.marker", r->null_marker, "headers.key.separator", r->headers_key_separator},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (pairs[i].a && pairs[i].b && strcmp(pairs[i].a, pairs[i].b) == 0) {
            snprintf(errstr, errstr_size, "%s and %s may not be equal", pairs[i].a_name,
                     pairs[i].b_name);
            return -1;
        }
    }
    if (!*r->key_separator || !*r->headers_delimiter || !*r->headers_separator ||
        !*r->headers_key_separator) {
        snprintf(errstr, errstr_size, "separators and delimiters may not be empty");
        return -1;
    }
    return 0;
}

int cli_console_producer(int argc, char **argv)
{
    const cli_kafka_command_t *cmd = &producer_cmd;
    int status;
    cli_kafka_args_t *args = cli_kafka_args_parse(cmd, argc, argv, &status);
    if (!args)
        return status;
    cli_kafka_props_t *props = cli_kafka_props_new();
    cli_kafka_props_t *settings = cli_kafka_props_new();
    rd_kafka_t *rk = NULL;
    char *line = NULL;
    char errstr[2048];
    console_producer_t cp = {0};

    const char *topic = cli_kafka_args_get(args, "topic");
    const char *bootstrap = cli_kafka_args_get(args, "bootstrap-server");
    if (!topic || !bootstrap) {
        status = cli_kafka_usage_error(cmd, "--bootstrap-server and --topic are required");
        goto out;
    }
    cp.topic = topic;
    const char *files[2] = {"producer.config", "command-config"};
    const char *lists[2] = {"producer-property", "command-property"};
    if ((status = console_load_props(cmd, args, files, lists, props)) != 0)
        goto out;
    const char *reader_names[2] = {"property", "reader-property"};
    if ((status = console_settings(cmd, args, reader_names, settings)) != 0)
        goto out;
    console_reader_t reader = {
        .parse_key = console_bool(settings, "parse.key", false),
        .key_separator = console_str(settings, "key.separator", "\t"),
        .parse_headers = console_bool(settings, "parse.headers", false),
        .headers_delimiter = console_str(settings, "headers.delimiter", "\t"),
        .headers_separator = console_str(settings, "headers.separator", ","),
        .headers_key_separator = console_str(settings, "headers.key.separator", ":"),
        .ignore_error = console_bool(settings, "ignore.error", false),
        .null_marker = cli_kafka_props_get(settings, "null.marker"),
    };
    if (console_reader_check(&reader, errstr, sizeof errstr) < 0) {
        status = cli_kafka_usage_error(cmd, "%s", errstr);
        goto out;
    }

    /* As Kafka's ConsoleProducerOptions: the bootstrap option always wins;
     * the others only over their defaults. */
    cli_kafka_props_set(props, "bootstrap.servers", bootstrap, "--bootstrap-server");
    cli_kafka_props_default(props, "client.id", "console-producer");
    if (cli_kafka_args_has(args, "compression-codec")) {
        const char *codec = cli_kafka_args_get(args, "compression-codec");
        cli_kafka_props_set(props, "compression.type", codec ? codec : "gzip",
                            "--compression-codec");
    }
    console_merge(props, args, "request-required-acks", "acks", "-1");
    console_merge(props, args, "request-timeout-ms", "request.timeout.ms", "1500");
    console_merge(props, args, "message-send-max-retries", "retries", "3");
    console_merge(props, args, "retry-backoff-ms", "retry.backoff.ms", "100");
    console_merge(props, args, "timeout", "linger.ms", "1000");
    console_merge(props, args, "batch-size", "batch.size", "16384");
    console_merge(props, args, "max-partition-memory-bytes", "batch.size", NULL);
    console_merge(props, args, "max-memory-bytes", "buffer.memory", "33554432");
    console_merge(props, args, "metadata-expiry-ms", "metadata.max.age.ms", "300000");
    console_merge(props, args, "socket-buffer-size", "send.buffer.bytes", "102400");
    if (!cli_kafka_props_get(props, "message.timeout.ms"))
        cli_kafka_props_default(props, "delivery.timeout.ms", "120000");
    cli_kafka_props_default(props, "queue.buffering.max.messages", "10000000");

    status = CLI_EXIT_FAILURE;
    rd_kafka_conf_t *conf =
        cli_kafka_conf_new(cmd->tool, CLI_KAFKA_PRODUCER, props, errstr, sizeof errstr);
    if (!conf) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        goto out;
    }
    rd_kafka_conf_set_opaque(conf, &cp);
    rd_kafka_conf_set_dr_msg_cb(conf, console_dr_cb);
    rk = cli_kafka_new(CLI_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "%s: cannot create the producer: %s\n", cmd->tool, errstr);
        goto out;
    }

    volatile sig_atomic_t stop = 0;
    cli_kafka_stop_on_signals(&stop);
    bool sync = cli_kafka_args_has(args, "sync");
    bool prompt = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    size_t cap = 0;
    uint64_t lineno = 0;
    bool bad_line = false;
    for (;;) {
        if (prompt) {
            fputc('>', stdout);
            fflush(stdout);
        }
        errno = 0;
        ssize_t len = getline(&line, &cap, stdin);
        if (len < 0 || stop)
            break;
        lineno++;
        /* As BufferedReader.readLine: the line without its line end. */
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        char *key, *value;
        rd_kafka_headers_t *hdrs;
        if (console_parse_line(&reader, line, lineno, &key, &value, &hdrs, errstr, sizeof errstr) <
            0) {
            fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
            bad_line = true;
            break;
        }
        for (;;) {
            rd_kafka_resp_err_t err = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, key ? strlen(key) : 0),
                RD_KAFKA_V_VALUE(value, value ? strlen(value) : 0), RD_KAFKA_V_HEADERS(hdrs),
                RD_KAFKA_V_END);
            if (!err)
                break;
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !stop) {
                rd_kafka_poll(rk, 100);
                continue;
            }
            rd_kafka_headers_destroy(hdrs); /* still ours on failure */
            fprintf(stderr, "%s: cannot send line %" PRIu64 " to %s: %s\n", cmd->tool, lineno,
                    topic, rd_kafka_err2str(err));
            cp.failed++;
            break;
        }
        if (sync)
            rd_kafka_flush(rk, -1);
        else
            rd_kafka_poll(rk, 0);
    }
    if (ferror(stdin) && errno != EINTR)
        fprintf(stderr, "%s: cannot read standard input: %s\n", cmd->tool, strerror(errno));

    /* Every message ends delivered or failed within delivery.timeout.ms; a
     * signal during the wait gives up on what is left (reported as failed). */
    stop = 0;
    bool purged = false;
    while (rd_kafka_outq_len(rk) > 0) {
        if (stop && !purged) {
            rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
            purged = true;
        }
        rd_kafka_flush(rk, 100);
    }
    status = cp.failed || bad_line ? CLI_EXIT_FAILURE : CLI_EXIT_OK;

out:
    free(line);
    if (rk)
        rd_kafka_destroy(rk);
    cli_kafka_props_destroy(settings);
    cli_kafka_props_destroy(props);
    cli_kafka_args_destroy(args);
    return status;
}

/* ---- console-consumer -------------------------------------------------------------- */

static const cli_kafka_opt_t consumer_opts[] = {
    {"bootstrap-server", CLI_KAFKA_OPT_VALUE, "SERVERS", "REQUIRED: the server(s) to connect to."},
    {"topic", CLI_KAFKA_OPT_VALUE, "TOPIC", "The topic to consume from."},
    {"include", CLI_KAFKA_OPT_VALUE, "REGEX",
     "Regular expression of the topics to consume from (instead of --topic)."},
    {"group", CLI_KAFKA_OPT_VALUE, "GROUP", "The consumer group id of the consumer."},
    {"from-beginning", CLI_KAFKA_OPT_FLAG, NULL,
     "Without a committed offset, start with the earliest message rather than the latest."},
    {"partition", CLI_KAFKA_OPT_VALUE, "PARTITION",
     "The partition to consume from; consumption starts at the end of the partition unless "
     "--offset is given."},
    {"offset", CLI_KAFKA_OPT_VALUE, "OFFSET",
     "The offset to start from with --partition: a non-negative number, 'earliest' or "
     "'latest' (default)."},
    {"max-messages", CLI_KAFKA_OPT_VALUE, "NUM",
     "The number of messages to consume before exiting (default: unlimited)."},
    {"timeout-ms", CLI_KAFKA_OPT_VALUE, "MS",
     "Exit if no message is available for consumption for this long."},
    {"property", CLI_KAFKA_OPT_LIST, "PROP",
     "A formatter property (repeatable): print.timestamp, print.key, print.offset, "
     "print.partition, print.headers, print.value (true|false), key.separator (default "
     "tab), line.separator (default newline), headers.separator (default ','), "
     "null.literal (default 'null')."},
    {"formatter-property", CLI_KAFKA_OPT_LIST, "PROP",
     "The same as --property (Kafka 4.2's name)."},
    {"formatter", CLI_KAFKA_OPT_VALUE, "CLASS",
     "Only Kafka's DefaultMessageFormatter is available (the default)."},
    {"formatter-config", CLI_KAFKA_OPT_VALUE, "FILE",
     "Properties file of formatter properties; --property takes precedence."},
    {"consumer-property", CLI_KAFKA_OPT_LIST, "PROP",
     "A consumer property in the form key=value (repeatable)."},
    {"command-property", CLI_KAFKA_OPT_LIST, "PROP",
     "The same as --consumer-property (Kafka 4.2's name)."},
    {"consumer.config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE", "Consumer config properties file."},
    {"command-config", CLI_KAFKA_OPT_VALUE, "CONFIG-FILE",
     "The same as --consumer.config (Kafka 4.2's name)."},
    {"isolation-level", CLI_KAFKA_OPT_VALUE, "LEVEL",
     "read_committed or read_uncommitted (default)."},
    {"skip-message-on-error", CLI_KAFKA_OPT_FLAG, NULL,
     "Accepted for compatibility: printing a message cannot fail here."},
    {"key-deserializer", CLI_KAFKA_OPT_VALUE, "CLASS",
     "Accepted for compatibility; keys are printed as their bytes."},
    {"value-deserializer", CLI_KAFKA_OPT_VALUE, "CLASS",
     "Accepted for compatibility; values are printed as their bytes."},
    {NULL, 0, NULL, NULL},
};

static const cli_kafka_command_t consumer_cmd = {
    .tool = "sluice console-consumer",
    .synopsis = "--bootstrap-server SERVERS (--topic TOPIC | --include REGEX)\n"
                "           [--from-beginning] [--group GROUP] [--max-messages N]\n"
                "           [--timeout-ms MS] [--partition P [--offset O]] [--property K=V ...]",
    .description = "Prints the messages of a topic to standard output, one per line, as "
                   "Kafka's kafka-console-consumer does, and \"Processed a total of N "
                   "messages\" to standard error at the end.",
    .opts = consumer_opts,
};

typedef struct console_format {
    bool print_timestamp, print_key, print_offset, print_partition, print_headers, print_value;
    const char *key_separator, *line_separator, *headers_separator, *null_literal;
} console_format_t;

static void console_write(FILE *out, const void *data, size_t len, const char *null_literal)
{
    if (data)
        fwrite(data, 1, len, out);
    else
        fputs(null_literal, out);
}

/* DefaultMessageFormatter.writeTo: fields in Kafka's order, separated by
 * key.separator, the last one followed by line.separator. */
static void console_print(const console_format_t *f, const rd_kafka_message_t *m, FILE *out)
{
    bool more_after_ts =
        f->print_partition || f->print_offset || f->print_headers || f->print_key || f->print_value;
    if (f->print_timestamp) {
        rd_kafka_timestamp_type_t type;
        int64_t ts = rd_kafka_message_timestamp(m, &type);
        if (type == RD_KAFKA_TIMESTAMP_CREATE_TIME)
            fprintf(out, "CreateTime:%" PRId64, ts);
        else if (type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME)
            fprintf(out, "LogAppendTime:%" PRId64, ts);
        else
            fputs("NO_TIMESTAMP", out);
        fputs(more_after_ts ? f->key_separator : f->line_separator, out);
    }
    if (f->print_partition) {
        fprintf(out, "Partition:%" PRId32, m->partition);
        fputs(f->print_offset || f->print_headers || f->print_key || f->print_value
                  ? f->key_separator
                  : f->line_separator,
              out);
    }
    if (f->print_offset) {
        fprintf(out, "Offset:%" PRId64, m->offset);
        fputs(f->print_headers || f->print_key || f->print_value ? f->key_separator
                                                                 : f->line_separator,
              out);
    }
    if (f->print_headers) {
        rd_kafka_headers_t *hdrs = NULL;
        if (rd_kafka_message_headers(m, &hdrs) || !hdrs || !rd_kafka_header_cnt(hdrs)) {
            fputs("NO_HEADERS", out);
        } else {
            const char *name;
            const void *value;
            size_t size;
            for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &value, &size); i++) {
                if (i)
                    fputs(f->headers_separator, out);
                fprintf(out, "%s:", name);
                console_write(out, value, size, f->null_literal);
            }
        }
        fputs(f->print_key || f->print_value ? f->key_separator : f->line_separator, out);
    }
    if (f->print_key) {
        console_write(out, m->key, m->key_len, f->null_literal);
        fputs(f->print_value ? f->key_separator : f->line_separator, out);
    }
    if (f->print_value) {
        console_write(out, m->payload, m->len, f->null_literal);
        fputs(f->line_separator, out);
    }
}

static bool console_formatter_ok(const char *name)
{
    return !name || strcmp(name, "kafka.tools.DefaultMessageFormatter") == 0 ||
           strcmp(name, "org.apache.kafka.tools.consumer.DefaultMessageFormatter") == 0 ||
           strcmp(name, "DefaultMessageFormatter") == 0;
}

int cli_console_consumer(int argc, char **argv)
{
    const cli_kafka_command_t *cmd = &consumer_cmd;
    int status;
    cli_kafka_args_t *args = cli_kafka_args_parse(cmd, argc, argv, &status);
    if (!args)
        return status;
    cli_kafka_props_t *props = cli_kafka_props_new();
    cli_kafka_props_t *settings = cli_kafka_props_new();
    rd_kafka_t *rk = NULL;
    char errstr[2048];
    uint64_t count = 0;
    bool counted = false;

    const char *topic = cli_kafka_args_get(args, "topic");
    const char *include = cli_kafka_args_get(args, "include");
    const char *bootstrap = cli_kafka_args_get(args, "bootstrap-server");
    int64_t partition = -1, offset = RD_KAFKA_OFFSET_END, max_messages = -1, timeout_ms = -1;
    if (!topic == !include) {
        status = cli_kafka_usage_error(cmd, "Exactly one of --topic or --include is required");
        goto out;
    }
    if (!bootstrap) {
        status = cli_kafka_usage_error(cmd, "--bootstrap-server is required");
        goto out;
    }
    if (cli_kafka_args_int(cmd, args, "partition", 0, INT32_MAX, -1, &partition) < 0 ||
        cli_kafka_args_int(cmd, args, "max-messages", 0, INT64_MAX, -1, &max_messages) < 0 ||
        cli_kafka_args_int(cmd, args, "timeout-ms", INT64_MIN, INT64_MAX, -1, &timeout_ms) < 0)
        goto out_usage;
    bool from_beginning = cli_kafka_args_has(args, "from-beginning");
    if (partition >= 0) {
        if (!topic) {
            status = cli_kafka_usage_error(cmd, "The topic is required when partition is "
                                                "specified.");
            goto out;
        }
        if (from_beginning && cli_kafka_args_has(args, "offset")) {
            status = cli_kafka_usage_error(cmd, "Options from-beginning and offset cannot be "
                                                "specified together.");
            goto out;
        }
        const char *text = cli_kafka_args_get(args, "offset");
        if (from_beginning || (text && strcasecmp(text, "earliest") == 0))
            offset = RD_KAFKA_OFFSET_BEGINNING;
        else if (!text || strcasecmp(text, "latest") == 0)
            offset = RD_KAFKA_OFFSET_END;
        else if (!cli_kafka_parse_int(text, 0, INT64_MAX, &offset)) {
            status = cli_kafka_usage_error(cmd,
                                           "The provided offset value '%s' is incorrect. "
                                           "Valid values are 'earliest', 'latest', or a "
                                           "non-negative long.",
                                           text);
            goto out;
        }
    } else if (cli_kafka_args_has(args, "offset")) {
        status = cli_kafka_usage_error(cmd, "The partition is required when offset is "
                                            "specified.");
        goto out;
    }
    if (!console_formatter_ok(cli_kafka_args_get(args, "formatter"))) {
        status = cli_kafka_usage_error(cmd,
                                       "formatter %s is not available: only Kafka's "
                                       "DefaultMessageFormatter is",
                                       cli_kafka_args_get(args, "formatter"));
        goto out;
    }

    const char *files[2] = {"consumer.config", "command-config"};
    const char *lists[2] = {"consumer-property", "command-property"};
    if ((status = console_load_props(cmd, args, files, lists, props)) != 0)
        goto out;
    const char *formatter_file = cli_kafka_args_get(args, "formatter-config");
    if (formatter_file &&
        cli_kafka_props_load_file(settings, formatter_file, errstr, sizeof errstr) < 0) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        status = CLI_EXIT_FAILURE;
        goto out;
    }
    const char *formatter_names[2] = {"property", "formatter-property"};
    if ((status = console_settings(cmd, args, formatter_names, settings)) != 0)
        goto out;
    console_format_t format = {
        .print_timestamp = console_bool(settings, "print.timestamp", false),
        .print_key = console_bool(settings, "print.key", false),
        .print_offset = console_bool(settings, "print.offset", false),
        .print_partition = console_bool(settings, "print.partition", false),
        .print_headers = console_bool(settings, "print.headers", false),
        .print_value = console_bool(settings, "print.value", true),
        .key_separator = console_str(settings, "key.separator", "\t"),
        .line_separator = console_str(settings, "line.separator", "\n"),
        .headers_separator = console_str(settings, "headers.separator", ","),
        .null_literal = console_str(settings, "null.literal", "null"),
    };

    /* Group ids given in several places must agree (Kafka checks the same). */
    const char *group = cli_kafka_args_get(args, "group");
    const char *group_prop = cli_kafka_props_get(props, "group.id");
    if (group && group_prop && strcmp(group, group_prop) != 0) {
        status = cli_kafka_usage_error(cmd,
                                       "The group ids provided in different places "
                                       "(directly using '--group', via "
                                       "'--consumer-property', or via '--consumer.config') "
                                       "do not match. Detected group ids: '%s', '%s'",
                                       group, group_prop);
        goto out;
    }
    if ((group || group_prop) && partition >= 0) {
        status = cli_kafka_usage_error(cmd, "Options group and partition cannot be specified "
                                            "together.");
        goto out;
    }
    const char *reset = cli_kafka_props_get(props, "auto.offset.reset");
    if (reset && from_beginning && strcmp(reset, "earliest") != 0) {
        fprintf(stderr,
                "%s: Can't simultaneously specify --from-beginning and 'auto.offset.reset=%s', "
                "please remove one option\n",
                cmd->tool, reset);
        status = CLI_EXIT_USAGE;
        goto out;
    }
    if (!reset)
        cli_kafka_props_set(props, "auto.offset.reset", from_beginning ? "earliest" : "latest",
                            from_beginning ? "--from-beginning" : "the tool's default");
    cli_kafka_props_set(props, "bootstrap.servers", bootstrap, "--bootstrap-server");
    cli_kafka_props_default(props, "client.id", "console-consumer");
    console_merge(props, args, "isolation-level", "isolation.level", "read_uncommitted");
    if (group) {
        cli_kafka_props_set(props, "group.id", group, "--group");
    } else if (!group_prop) {
        char generated[64];
        srand((unsigned)(cli_kafka_wallclock_ms() ^ getpid()));
        snprintf(generated, sizeof generated, "console-consumer-%d", rand() % 100000);
        cli_kafka_props_set(props, "group.id", generated, "the tool's default");
        /* The generated group is never used again: do not store its offsets. */
        cli_kafka_props_default(props, "enable.auto.commit", "false");
    }

    status = CLI_EXIT_FAILURE;
    rd_kafka_conf_t *conf =
        cli_kafka_conf_new(cmd->tool, CLI_KAFKA_CONSUMER, props, errstr, sizeof errstr);
    if (!conf) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        goto out;
    }
    rk = cli_kafka_new(CLI_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "%s: cannot create the consumer: %s\n", cmd->tool, errstr);
        goto out;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_resp_err_t err;
    if (partition >= 0) {
        rd_kafka_topic_partition_list_add(parts, topic, (int32_t)partition)->offset = offset;
        err = rd_kafka_assign(rk, parts);
    } else {
        char *pattern = NULL;
        if (include) {
            /* librdkafka takes a subscription starting with '^' as a regex. */
            pattern = mem_alloc(strlen(include) + 2);
            sprintf(pattern, "%s%s", include[0] == '^' ? "" : "^", include);
        }
        rd_kafka_topic_partition_list_add(parts, pattern ? pattern : topic, RD_KAFKA_PARTITION_UA);
        free(pattern);
        err = rd_kafka_subscribe(rk, parts);
    }
    rd_kafka_topic_partition_list_destroy(parts);
    if (err) {
        fprintf(stderr, "%s: cannot consume from %s: %s\n", cmd->tool, topic ? topic : include,
                rd_kafka_err2str(err));
        goto out;
    }

    volatile sig_atomic_t stop = 0;
    cli_kafka_stop_on_signals(&stop);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout shows up as a write error */
    counted = true;
    status = CLI_EXIT_OK;
    int64_t last_us = cli_kafka_monotonic_us();
    rd_kafka_resp_err_t last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    while (!stop && (max_messages < 0 || count < (uint64_t)max_messages)) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) {
            fflush(stdout);
            if (timeout_ms >= 0 && cli_kafka_monotonic_us() - last_us > timeout_ms * 1000)
                break;
            continue;
        }
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && m->err != last_err)
                fprintf(stderr, "%s: %s\n", cmd->tool, rd_kafka_message_errstr(m));
            last_err = m->err;
            bool fatal = m->err == RD_KAFKA_RESP_ERR__FATAL;
            rd_kafka_message_destroy(m);
            if (fatal) {
                status = CLI_EXIT_FAILURE;
                break;
            }
            continue;
        }
        last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
        count++;
        console_print(&format, m, stdout);
        rd_kafka_message_destroy(m);
        last_us = cli_kafka_monotonic_us();
        if (ferror(stdout)) {
            fprintf(stderr, "Unable to write to standard out, closing consumer.\n");
            break;
        }
    }
    if (fflush(stdout) != 0 && !ferror(stdout))
        fprintf(stderr, "Unable to write to standard out, closing consumer.\n");

out:
    if (rk) {
        rd_kafka_consumer_close(rk); /* commits what was printed, with a group */
        rd_kafka_destroy(rk);
    }
    if (counted)
        fprintf(stderr, "Processed a total of %" PRIu64 " messages\n", count);
    cli_kafka_props_destroy(settings);
    cli_kafka_props_destroy(props);
    cli_kafka_args_destroy(args);
    return status;

out_usage:
    status = CLI_EXIT_USAGE;
    goto out;
}
