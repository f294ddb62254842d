/*
 * The plumbing Sluice's Kafka tools share: option parsing, client
 * properties, Java-to-librdkafka property names, librdkafka logging and
 * admin request helpers. See cli_kafka.h.
 */
#include "cli_kafka.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sluice/strmap.h>

#include "clock.h"
#include "mem.h"
#include "properties.h"

/* ---- options ------------------------------------------------------------------ */

typedef struct cli_kafka_arg_values {
    bool given;
    size_t count;
    size_t cap;
    const char **values; /* borrowed from argv */
} cli_kafka_arg_values_t;

struct cli_kafka_args {
    const cli_kafka_command_t *cmd;
    size_t nopts;
    cli_kafka_arg_values_t *opts; /* parallel to cmd->opts */
};

static size_t args_opt_count(const cli_kafka_opt_t *opts)
{
    size_t n = 0;
    while (opts[n].name)
        n++;
    return n;
}

static ssize_t args_find(const cli_kafka_command_t *cmd, const char *name, size_t len)
{
    for (size_t i = 0; cmd->opts[i].name; i++)
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return (ssize_t)i;
    return -1;
}

static void args_push(cli_kafka_arg_values_t *v, const char *value)
{
    mem_grow((void **)&v->values, &v->cap, v->count + 1, sizeof(*v->values));
    v->values[v->count++] = value;
}

/* Prints the help text of an option wrapped to the terminal's usual width,
 * every line after the first indented to col. */
static void usage_wrap(FILE *out, const char *text, int col, int start)
{
    const int width = 96;
    int pos = start;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (*p == '\n') {
            fprintf(out, "\n%*s", col, "");
            pos = col;
            p++;
            continue;
        }
        size_t word = strcspn(p, " \n");
        if (!word)
            break;
        if (pos > col && pos + 1 + (int)word > width) {
            fprintf(out, "\n%*s", col, "");
            pos = col;
        } else if (pos > col) {
            fputc(' ', out);
            pos++;
        }
        fwrite(p, 1, word, out);
        pos += (int)word;
        p += word;
    }
    fputc('\n', out);
}

void cli_kafka_usage(const cli_kafka_command_t *cmd, FILE *out)
{
    fprintf(out, "Usage: %s %s\n\n", cmd->tool, cmd->synopsis);
    if (cmd->description)
        usage_wrap(out, cmd->description, 0, 0);
    fprintf(out, "\nOptions:\n");
    const int col = 34;
    for (size_t i = 0; cmd->opts[i].name; i++) {
        const cli_kafka_opt_t *opt = &cmd->opts[i];
        char left[128];
        switch (opt->kind) {
        case CLI_KAFKA_OPT_FLAG: snprintf(left, sizeof left, "  --%s", opt->name); break;
        case CLI_KAFKA_OPT_VALUES:
            snprintf(left, sizeof left, "  --%s %s ...", opt->name, opt->metavar);
            break;
        case CLI_KAFKA_OPT_OPTIONAL:
            snprintf(left, sizeof left, "  --%s [%s]", opt->name, opt->metavar);
            break;
        default: snprintf(left, sizeof left, "  --%s %s", opt->name, opt->metavar); break;
        }
        int len = (int)strlen(left);
        if (len + 2 > col) {
            fprintf(out, "%s\n%*s", left, col, "");
        } else {
            fprintf(out, "%s%*s", left, col - len, "");
        }
        usage_wrap(out, opt->help, col, col);
    }
    fprintf(out, "  -h, --help%*sShow this help.\n", col - 12, "");
}

int cli_kafka_usage_error(const cli_kafka_command_t *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cmd->tool);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n\n");
    va_end(ap);
    cli_kafka_usage(cmd, stderr);
    return CLI_EXIT_USAGE;
}

void cli_kafka_args_destroy(cli_kafka_args_t *args)
{
    if (!args)
        return;
    for (size_t i = 0; i < args->nopts; i++)
        free(args->opts[i].values);
    free(args->opts);
    free(args);
}

cli_kafka_args_t *cli_kafka_args_parse(const cli_kafka_command_t *cmd, int argc, char **argv,
                                       int *status)
{
    cli_kafka_args_t *args = mem_calloc(1, sizeof(*args));
    args->cmd = cmd;
    args->nopts = args_opt_count(cmd->opts);
    args->opts = mem_calloc(args->nopts ? args->nopts : 1, sizeof(*args->opts));

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_kafka_usage(cmd, stdout);
            *status = CLI_EXIT_OK;
            goto fail;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            *status = cli_kafka_usage_error(cmd, "unexpected argument '%s'", arg);
            goto fail;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        ssize_t idx = args_find(cmd, name, name_len);
        if (idx < 0) {
            *status = cli_kafka_usage_error(cmd, "unknown option '--%.*s'", (int)name_len, name);
            goto fail;
        }
        const cli_kafka_opt_t *opt = &cmd->opts[idx];
        cli_kafka_arg_values_t *v = &args->opts[idx];
        switch (opt->kind) {
        case CLI_KAFKA_OPT_FLAG:
            if (eq) {
                *status = cli_kafka_usage_error(cmd, "option --%s takes no value", opt->name);
                goto fail;
            }
            break;
        case CLI_KAFKA_OPT_VALUE:
        case CLI_KAFKA_OPT_LIST: {
            if (opt->kind == CLI_KAFKA_OPT_VALUE && v->given) {
                *status =
                    cli_kafka_usage_error(cmd, "option --%s is given more than once", opt->name);
                goto fail;
            }
            const char *value = eq ? eq + 1 : NULL;
            /* A following "--x" is the next option, not a value; "-1" is a value. */
            if (!value && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                value = argv[++i];
            if (!value) {
                *status = cli_kafka_usage_error(cmd, "option --%s needs a value (%s)", opt->name,
                                                opt->metavar);
                goto fail;
            }
            args_push(v, value);
            break;
        }
        case CLI_KAFKA_OPT_VALUES: {
            size_t before = v->count;
            if (eq)
                args_push(v, eq + 1);
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                args_push(v, argv[++i]);
            if (v->count == before) {
                *status = cli_kafka_usage_error(cmd, "option --%s needs at least one %s", opt->name,
                                                opt->metavar);
                goto fail;
            }
            break;
        }
        case CLI_KAFKA_OPT_OPTIONAL:
            if (eq)
                args_push(v, eq + 1);
            else if (i + 1 < argc && argv[i + 1][0] != '-')
                args_push(v, argv[++i]);
            break;
        }
        v->given = true;
    }
    return args;

fail:
    cli_kafka_args_destroy(args);
    return NULL;
}

static const cli_kafka_arg_values_t *args_lookup(const cli_kafka_args_t *args, const char *name)
{
    ssize_t idx = args_find(args->cmd, name, strlen(name));
    if (idx < 0) {
        /* A tool asking for an option it does not declare is a bug in the tool. */
        fprintf(stderr, "%s: internal error: no option --%s\n", args->cmd->tool, name);
        abort();
    }
    return &args->opts[idx];
}

bool cli_kafka_args_has(const cli_kafka_args_t *args, const char *name)
{
    return args_lookup(args, name)->given;
}

const char *cli_kafka_args_get(const cli_kafka_args_t *args, const char *name)
{
    const cli_kafka_arg_values_t *v = args_lookup(args, name);
    return v->count ? v->values[v->count - 1] : NULL;
}

size_t cli_kafka_args_count(const cli_kafka_args_t *args, const char *name)
{
    return args_lookup(args, name)->count;
}

const char *cli_kafka_args_at(const cli_kafka_args_t *args, const char *name, size_t i)
{
    const cli_kafka_arg_values_t *v = args_lookup(args, name);
    return i < v->count ? v->values[i] : NULL;
}

bool cli_kafka_parse_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
    if (!text || !*text || isspace((unsigned char)*text))
        return false;
    char *end;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (errno || *end || n < min || n > max)
        return false;
    *out = n;
    return true;
}

int cli_kafka_args_int(const cli_kafka_command_t *cmd, const cli_kafka_args_t *args,
                       const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
    const char *text = cli_kafka_args_get(args, name);
    if (!text) {
        *out = dflt;
        return 0;
    }
    if (!cli_kafka_parse_int(text, min, max, out)) {
        cli_kafka_usage_error(cmd,
                              "--%s must be an integer from %" PRId64 " to %" PRId64 ", not '%s'",
                              name, min, max, text);
        return -1;
    }
    return 0;
}

/* ---- client properties -------------------------------------------------------- */

struct cli_kafka_props {
    sluice_strmap_t *values;
    sluice_strmap_t *origins;
};

cli_kafka_props_t *cli_kafka_props_new(void)
{
    cli_kafka_props_t *props = mem_calloc(1, sizeof(*props));
    props->values = sluice_strmap_new();
    props->origins = sluice_strmap_new();
    return props;
}

void cli_kafka_props_destroy(cli_kafka_props_t *props)
{
    if (!props)
        return;
    sluice_strmap_destroy(props->values);
    sluice_strmap_destroy(props->origins);
    free(props);
}

void cli_kafka_props_set(cli_kafka_props_t *props, const char *key, const char *value,
                         const char *origin)
{
    sluice_strmap_set(props->values, key, value);
    sluice_strmap_set(props->origins, key, origin);
}

void cli_kafka_props_default(cli_kafka_props_t *props, const char *key, const char *value)
{
    if (!sluice_strmap_get(props->values, key))
        cli_kafka_props_set(props, key, value, "the tool's default");
}

const char *cli_kafka_props_get(const cli_kafka_props_t *props, const char *key)
{
    return sluice_strmap_get(props->values, key);
}

void cli_kafka_props_unset(cli_kafka_props_t *props, const char *key)
{
    sluice_strmap_remove(props->values, key);
    sluice_strmap_remove(props->origins, key);
}

int cli_kafka_props_add_kv(cli_kafka_props_t *props, const char *kv, const char *origin,
                           char *errstr, size_t errstr_size)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(errstr, errstr_size, "%s takes key=value, not '%s'", origin, kv);
        return -1;
    }
    char *key = mem_strndup(kv, (size_t)(eq - kv));
    cli_kafka_props_set(props, key, eq + 1, origin);
    free(key);
    return 0;
}

int cli_kafka_props_load_file(cli_kafka_props_t *props, const char *path, char *errstr,
                              size_t errstr_size)
{
    sluice_strmap_t *file = sluice_strmap_new();
    if (props_parse_file(path, file, errstr, errstr_size) < 0) {
        sluice_strmap_destroy(file);
        return -1;
    }
    for (size_t i = 0; i < sluice_strmap_count(file); i++)
        cli_kafka_props_set(props, sluice_strmap_key_at(file, i), sluice_strmap_value_at(file, i),
                            path);
    sluice_strmap_destroy(file);
    return 0;
}

/* ---- Java client names -------------------------------------------------------- */

typedef enum java_map {
    JAVA_DROP,      /* set by the Java tools themselves (serializers): drop quietly */
    JAVA_IGNORE,    /* no librdkafka equivalent: drop with a warning */
    JAVA_RENAME,    /* same meaning, another name */
    JAVA_KBYTES,    /* bytes -> kilobytes */
    JAVA_SOCKBUF,   /* -1 (the OS default) -> 0 */
    JAVA_ASSIGNOR,  /* Java assignor class names -> librdkafka assignor names */
    JAVA_LOWERCASE, /* enum values Java writes in upper case */
    JAVA_RESET,     /* auto.offset.reset=none -> error */
} java_map_t;

static const struct java_name {
    const char *java;
    const char *rdkafka;
    java_map_t map;
    const char *hint; /* for JAVA_IGNORE */
} java_names[] = {
    {"key.serializer", NULL, JAVA_DROP, NULL},
    {"value.serializer", NULL, JAVA_DROP, NULL},
    {"key.deserializer", NULL, JAVA_DROP, NULL},
    {"value.deserializer", NULL, JAVA_DROP, NULL},
    {"default.api.timeout.ms", NULL, JAVA_DROP, NULL}, /* read by the admin tools */
    {"max.block.ms", NULL, JAVA_IGNORE, "librdkafka never blocks produce()"},
    {"partitioner.class", NULL, JAVA_IGNORE, "librdkafka's is 'partitioner'"},
    {"interceptor.classes", NULL, JAVA_IGNORE, "Java classes cannot be loaded"},
    {"metric.reporters", NULL, JAVA_IGNORE, "Java classes cannot be loaded"},
    {"max.poll.records", NULL, JAVA_IGNORE, "librdkafka returns one message per poll"},
    {"exclude.internal.topics", NULL, JAVA_IGNORE, "librdkafka never subscribes to them"},
    {"client.dns.lookup", NULL, JAVA_IGNORE, "librdkafka's is broker.address.family"},
    {"sasl.jaas.config", NULL, JAVA_IGNORE, "set sasl.username and sasl.password instead"},
    {"ssl.truststore.location", NULL, JAVA_IGNORE, "set ssl.ca.location to a PEM file instead"},
    {"ssl.truststore.password", NULL, JAVA_IGNORE, "set ssl.ca.location to a PEM file instead"},
    {"ssl.truststore.type", NULL, JAVA_IGNORE, "set ssl.ca.location to a PEM file instead"},
    {"ssl.keystore.type", NULL, JAVA_IGNORE, "librdkafka's keystore is PKCS#12"},
    {"buffer.memory", "queue.buffering.max.kbytes", JAVA_KBYTES, NULL},
    {"max.request.size", "message.max.bytes", JAVA_RENAME, NULL},
    {"fetch.max.wait.ms", "fetch.wait.max.ms", JAVA_RENAME, NULL},
    {"send.buffer.bytes", "socket.send.buffer.bytes", JAVA_SOCKBUF, NULL},
    {"receive.buffer.bytes", "socket.receive.buffer.bytes", JAVA_SOCKBUF, NULL},
    {"partition.assignment.strategy", "partition.assignment.strategy", JAVA_ASSIGNOR, NULL},
    {"security.protocol", "security.protocol", JAVA_LOWERCASE, NULL},
    {"sasl.mechanism", "sasl.mechanism", JAVA_RENAME, NULL},
    {"auto.offset.reset", "auto.offset.reset", JAVA_RESET, NULL},
};

static const struct java_name *java_name_find(const char *key)
{
    for (size_t i = 0; i < sizeof java_names / sizeof java_names[0]; i++)
        if (strcmp(java_names[i].java, key) == 0)
            return &java_names[i];
    return NULL;
}

/* "org.apache.kafka.clients.consumer.RoundRobinAssignor,range" -> "roundrobin,range". */
static int java_assignors(const char *value, char *out, size_t out_size, char *errstr,
                          size_t errstr_size)
{
    static const struct {
        const char *java;
        const char *rdkafka;
    } names[] = {{"RangeAssignor", "range"},
                 {"RoundRobinAssignor", "roundrobin"},
                 {"CooperativeStickyAssignor", "cooperative-sticky"}};
    out[0] = '\0';
    char *copy = mem_strdup(value);
    char *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        const char *simple = strrchr(tok, '.') ? strrchr(tok, '.') + 1 : tok;
        const char *name = tok;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(simple, names[i].java) == 0)
                name = names[i].rdkafka;
        if (strchr(name, '.') || strcmp(simple, "StickyAssignor") == 0) {
            snprintf(errstr, errstr_size,
                     "assignor '%s' is not available in librdkafka (range, roundrobin, "
                     "cooperative-sticky are)",
                     tok);
            rc = -1;
            break;
        }
        size_t used = strlen(out);
        snprintf(out + used, out_size - used, "%s%s", used ? "," : "", name);
    }
    free(copy);
    return rc;
}

/* ---- librdkafka logging ------------------------------------------------------- */

static pthread_mutex_t kafka_log_lock = PTHREAD_MUTEX_INITIALIZER;
static char kafka_log_last[512];
static const char *kafka_log_tool = "sluice";
static int kafka_log_threshold = 4; /* syslog levels: warnings and worse */
/* The admin tools end every failure with one message that includes the
 * last broker error, so they keep connection failures out of the way. */
static bool kafka_log_quiet_fail;

/* librdkafka's log callback: any librdkafka thread. */
static void kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= 4) {
        pthread_mutex_lock(&kafka_log_lock);
        snprintf(kafka_log_last, sizeof kafka_log_last, "%s", buf);
        pthread_mutex_unlock(&kafka_log_lock);
    }
    if (level > kafka_log_threshold)
        return;
    if (kafka_log_quiet_fail && kafka_log_threshold < 7 &&
        (strcmp(fac, "FAIL") == 0 || strcmp(fac, "ERROR") == 0))
        return;
    const char *what = level <= 3 ? "error" : level == 4 ? "warning" : "debug";
    if (level >= 5)
        fprintf(stderr, "%s: %s %s: %s\n", kafka_log_tool, what, fac, buf);
    else
        fprintf(stderr, "%s: %s: %s\n", kafka_log_tool, what, buf);
}

const char *cli_kafka_last_error(char *buf, size_t size)
{
    pthread_mutex_lock(&kafka_log_lock);
    snprintf(buf, size, "%s", kafka_log_last);
    pthread_mutex_unlock(&kafka_log_lock);
    return buf;
}

/* ---- clients ------------------------------------------------------------------ */

static int conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, const char *shown,
                    const char *origin, char *errstr, size_t errstr_size)
{
    char why[512];
    rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, key, value, why, sizeof why);
    if (res == RD_KAFKA_CONF_OK)
        return 0;
    snprintf(errstr, errstr_size, "property %s=%s (from %s): %s%s", shown, value, origin, why,
             res == RD_KAFKA_CONF_UNKNOWN
                 ? " (the tools take librdkafka's property names and the Java client's "
                   "common ones; see docs/TOOLS.md)"
                 : "");
    return -1;
}

rd_kafka_conf_t *cli_kafka_conf_new(const char *tool, cli_kafka_role_t role,
                                    const cli_kafka_props_t *props, char *errstr,
                                    size_t errstr_size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kafka_log_tool = tool;
    if (cli_kafka_props_get(props, "debug") || cli_kafka_props_get(props, "log_level"))
        kafka_log_threshold = 7;
    kafka_log_quiet_fail = role == CLI_KAFKA_ADMIN;
    rd_kafka_conf_set_log_cb(conf, kafka_log_cb);
    /* Lines read "sluice topics: error: 127.0.0.1:1/bootstrap: Connect to ...". */
    char unused[256];
    rd_kafka_conf_set(conf, "log.thread.name", "false", unused, sizeof unused);

    for (size_t i = 0; i < sluice_strmap_count(props->values); i++) {
        const char *key = sluice_strmap_key_at(props->values, i);
        const char *value = sluice_strmap_value_at(props->values, i);
        const char *origin = sluice_strmap_get(props->origins, key);
        const struct java_name *java = java_name_find(key);
        if (!java) {
            /* A producer setting in a consumer's file (or the reverse) is
             * common with shared client files: librdkafka warns about those. */
            if (role == CLI_KAFKA_CONSUMER && strcmp(key, "request.timeout.ms") == 0)
                continue;
            if (conf_set(conf, key, value, key, origin, errstr, errstr_size) < 0)
                goto fail;
            continue;
        }
        char buf[512];
        const char *mapped = value;
        switch (java->map) {
        case JAVA_DROP: continue;
        case JAVA_IGNORE:
            fprintf(stderr,
                    "%s: ignoring %s (from %s): a Java client setting with no "
                    "librdkafka equivalent; %s\n",
                    tool, key, origin, java->hint);
            continue;
        case JAVA_RENAME: break;
        case JAVA_KBYTES: {
            int64_t bytes;
            if (!cli_kafka_parse_int(value, 1, INT64_MAX, &bytes)) {
                snprintf(errstr, errstr_size, "property %s=%s (from %s): not a number of bytes",
                         key, value, origin);
                goto fail;
            }
            snprintf(buf, sizeof buf, "%" PRId64, (bytes + 1023) / 1024);
            mapped = buf;
            break;
        }
        case JAVA_SOCKBUF: mapped = strcmp(value, "-1") == 0 ? "0" : value; break;
        case JAVA_ASSIGNOR: {
            char why[256];
            if (java_assignors(value, buf, sizeof buf, why, sizeof why) < 0) {
                snprintf(errstr, errstr_size, "property %s=%s (from %s): %s", key, value, origin,
                         why);
                goto fail;
            }
            mapped = buf;
            break;
        }
        case JAVA_LOWERCASE:
            snprintf(buf, sizeof buf, "%s", value);
            for (char *p = buf; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            mapped = buf;
            break;
        case JAVA_RESET:
            /* Java's "none" (fail when there is no committed offset) is librdkafka's "error". */
            mapped = strcmp(value, "none") == 0 ? "error" : value;
            break;
        }
        if (conf_set(conf, java->rdkafka, mapped, key, origin, errstr, errstr_size) < 0)
            goto fail;
    }
    return conf;

fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

rd_kafka_t *cli_kafka_new(cli_kafka_role_t role, rd_kafka_conf_t *conf, char *errstr,
                          size_t errstr_size)
{
    rd_kafka_t *rk =
        rd_kafka_new(role == CLI_KAFKA_CONSUMER ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf,
                     errstr, errstr_size);
    if (!rk)
        rd_kafka_conf_destroy(conf); /* rd_kafka_new owns it only on success */
    return rk;
}

int cli_kafka_connect(rd_kafka_t *rk, const char *bootstrap, const char *topic, int timeout_ms,
                      const struct rd_kafka_metadata **md, char *errstr, size_t errstr_size)
{
    rd_kafka_topic_t *rkt = topic ? rd_kafka_topic_new(rk, topic, NULL) : NULL;
    const struct rd_kafka_metadata *metadata = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &metadata, timeout_ms);
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    if (err) {
        char last[512];
        cli_kafka_last_error(last, sizeof last);
        snprintf(errstr, errstr_size, "cannot reach the Kafka cluster at %s within %d ms: %s%s%s%s",
                 bootstrap, timeout_ms, rd_kafka_err2str(err),
                 last[0] ? " (last broker error: " : "", last, last[0] ? ")" : "");
        return -1;
    }
    if (md)
        *md = metadata;
    else
        rd_kafka_metadata_destroy(metadata);
    return 0;
}

rd_kafka_t *cli_kafka_admin_new(const cli_kafka_command_t *cmd, const cli_kafka_args_t *args,
                                char *bootstrap, size_t bootstrap_size, int *timeout_ms,
                                int *status)
{
    char errstr[2048];
    rd_kafka_t *rk = NULL;
    cli_kafka_props_t *props = cli_kafka_props_new();
    const char *file = cli_kafka_args_get(args, "command-config");
    *status = CLI_EXIT_FAILURE;
    if (file && cli_kafka_props_load_file(props, file, errstr, sizeof errstr) < 0) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        goto out;
    }
    if (cli_kafka_args_has(args, "bootstrap-server"))
        cli_kafka_props_set(props, "bootstrap.servers",
                            cli_kafka_args_get(args, "bootstrap-server"), "--bootstrap-server");
    /* Kafka's tools insist on the option; a file naming the cluster is as good. */
    if (!cli_kafka_props_get(props, "bootstrap.servers")) {
        *status = cli_kafka_usage_error(cmd, "--bootstrap-server must be specified");
        goto out;
    }
    snprintf(bootstrap, bootstrap_size, "%s", cli_kafka_props_get(props, "bootstrap.servers"));
    int64_t timeout = 60000;
    const char *text = cli_kafka_props_get(props, "default.api.timeout.ms");
    if (text && !cli_kafka_parse_int(text, 1, INT32_MAX, &timeout)) {
        fprintf(stderr, "%s: property default.api.timeout.ms=%s (from %s): not a number of ms\n",
                cmd->tool, text, file);
        goto out;
    }
    *timeout_ms = (int)timeout;
    cli_kafka_props_default(props, "client.id", "sluice-admin");
    rd_kafka_conf_t *conf =
        cli_kafka_conf_new(cmd->tool, CLI_KAFKA_ADMIN, props, errstr, sizeof errstr);
    if (!conf) {
        fprintf(stderr, "%s: %s\n", cmd->tool, errstr);
        goto out;
    }
    rk = cli_kafka_new(CLI_KAFKA_ADMIN, conf, errstr, sizeof errstr);
    if (!rk)
        fprintf(stderr, "%s: cannot create the admin client: %s\n", cmd->tool, errstr);
    else
        *status = CLI_EXIT_OK;

out:
    cli_kafka_props_destroy(props);
    return rk;
}

rd_kafka_AdminOptions_t *cli_kafka_admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op,
                                                 int timeout_ms)
{
    rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, op);
    char why[256];
    rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, why, sizeof why);
    /* Only CreateTopics, DeleteTopics and CreatePartitions take an operation timeout. */
    if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
        op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS)
        rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, why, sizeof why);
    return options;
}

rd_kafka_event_t *cli_kafka_admin_wait(rd_kafka_queue_t *queue, rd_kafka_event_type_t type,
                                       int timeout_ms, char *errstr, size_t errstr_size)
{
    /* librdkafka times the request out itself; the margin only guards a lost event. */
    int64_t deadline = cli_kafka_monotonic_us() + ((int64_t)timeout_ms + 5000) * 1000;
    for (;;) {
        int64_t left_ms = (deadline - cli_kafka_monotonic_us()) / 1000;
        if (left_ms <= 0) {
            snprintf(errstr, errstr_size, "no answer within %d ms", timeout_ms);
            return NULL;
        }
        rd_kafka_event_t *ev = rd_kafka_queue_poll(queue, (int)left_ms);
        if (!ev)
            continue;
        if (rd_kafka_event_type(ev) != type) {
            if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_ERROR) {
                /* A client-level error (e.g. all brokers down) while waiting. */
                char last[512];
                snprintf(last, sizeof last, "%s", rd_kafka_event_error_string(ev));
                bool fatal = rd_kafka_event_error_is_fatal(ev);
                rd_kafka_event_destroy(ev);
                if (fatal) {
                    snprintf(errstr, errstr_size, "%s", last);
                    return NULL;
                }
                continue;
            }
            rd_kafka_event_destroy(ev);
            continue;
        }
        if (rd_kafka_event_error(ev)) {
            char last[512];
            cli_kafka_last_error(last, sizeof last);
            rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
            snprintf(errstr, errstr_size, "%s%s%s%s", rd_kafka_event_error_string(ev),
                     err == RD_KAFKA_RESP_ERR__TIMED_OUT && last[0] ? " (last broker error: " : "",
                     err == RD_KAFKA_RESP_ERR__TIMED_OUT ? last : "",
                     err == RD_KAFKA_RESP_ERR__TIMED_OUT && last[0] ? ")" : "");
            rd_kafka_event_destroy(ev);
            return NULL;
        }
        return ev;
    }
}

bool cli_kafka_topic_is_internal(const char *topic)
{
    return strcmp(topic, "__consumer_offsets") == 0 || strcmp(topic, "__transaction_state") == 0;
}

int64_t cli_kafka_wallclock_ms(void)
{
    return clock_wall_ms();
}

int64_t cli_kafka_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static volatile sig_atomic_t *kafka_stop_flag;

static void kafka_on_signal(int sig)
{
    (void)sig;
    if (kafka_stop_flag)
        *kafka_stop_flag = 1;
}

void cli_kafka_stop_on_signals(volatile sig_atomic_t *flag)
{
    kafka_stop_flag = flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = kafka_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
