/*
 * The librdkafka configurations of a connector's clients. See
 * client_config.h.
 *
 * The layers are merged first under Java's names, as Kafka's Worker merges
 * its maps (a later layer replaces a key), so that a translation sees the
 * final value of every key (ssl.truststore.location needs
 * ssl.truststore.type). Then each key goes to librdkafka: through the
 * translation table when librdkafka has the setting under another name,
 * unit or value, else as it is; a key librdkafka does not know is dropped
 * with a warning, an invalid value fails naming where it came from.
 */
#include "client_config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sluice/buf.h>

#include "config_internal.h"
#include "log.h"
#include "mem.h"

#define CC_LOGGER "client_config"

enum { CC_P = 1 << CLIENT_PRODUCER, CC_C = 1 << CLIENT_CONSUMER, CC_A = 1 << CLIENT_ADMIN };

/*
 * Sluice's defaults, in librdkafka's names, applied before anything the
 * user gives.
 *
 * Producers take Kafka Connect's own producer defaults (Worker's
 * baseProducerConfigs: acks=all, retry for as long as it takes, and no
 * reordering on retry: Connect gets that with one request in flight, we
 * with the idempotent producer, which keeps order with five in flight and
 * also drops the duplicates a retried request would write), Java's buffer.memory of
 * 32 MiB where librdkafka would queue up to 1 GiB per producer, and the
 * Java client's key hashing (murmur2) so that a keyed record lands in the
 * partition a Java producer would pick, not librdkafka's CRC32 one.
 * Producers also turn Nagle's algorithm off, as every Java client does
 * (tcpNoDelay), so no produce request waits on a delayed ACK. And they
 * queue at most 20,000 messages (librdkafka: 100,000) on top of the 32 MiB:
 * a source task outruns the network easily, and every queued message keeps
 * its record's offset and librdkafka's copy alive; 20,000 is two full
 * batches (batch.num.messages) and measured as fast, with a third of the
 * memory and less allocator churn, as 100,000 for 100-byte records.
 *
 * Consumers take Connect's enable.auto.commit=false and
 * auto.offset.reset=earliest (Worker's baseConsumerConfigs). librdkafka
 * prefetches up to queued.min.messages (100,000) or queued.max.messages.kbytes
 * (64 MiB) into its queue, and one Fetch response may bring fetch.max.bytes
 * (50 MiB) on top: each sink task could hold well over 100 MiB it has not
 * asked for yet (a queued message costs librdkafka a few hundred bytes
 * besides its payload). A sink task keeps a queue of its own within the same
 * two limits and pauses fetching at them (sink_task.c), so together they
 * bound a task to about twice those plus one response: 10,000 messages or
 * 4 MiB is a few milliseconds of work at a million records a second, several
 * fetch responses of the default 1 MiB per partition, and measured as fast
 * as the larger limits. fetch.max.bytes stays at 16 MiB, many partitions'
 * worth of batches per request.
 */
typedef struct cc_pair {
    const char *key;
    const char *value;
} cc_pair_t;

static const cc_pair_t cc_producer_defaults[] = {
    {"acks", "all"},
    {"enable.idempotence", "true"},
    {"delivery.timeout.ms", "2147483647"},
    {"queue.buffering.max.kbytes", "32768"},
    {"partitioner", "murmur2_random"},
    {"socket.nagle.disable", "true"},
    {"queue.buffering.max.messages", "20000"},
    {NULL, NULL},
};

static const cc_pair_t cc_consumer_defaults[] = {
    {"enable.auto.commit", "false"},  {"auto.offset.reset", "earliest"},
    {"queued.min.messages", "10000"}, {"queued.max.messages.kbytes", "4096"},
    {"fetch.max.bytes", "16777216"},  {NULL, NULL},
};

/* The only keys the Principal policy lets a connector override
 * (Kafka's PrincipalConnectorClientConfigOverridePolicy). */
static const char *const cc_principal_keys[] = {"sasl.jaas.config", "sasl.mechanism",
                                                "security.protocol", NULL};

/* The worker's own security settings an admin client inherits: Kafka gives
 * admin clients every unprefixed worker setting (for compatibility with
 * releases before admin.*); only these mean something to a client. */
static const char *const cc_admin_inherited_prefixes[] = {"security.protocol", "sasl.", "ssl.",
                                                          NULL};

const char *client_kind_name(client_kind_t kind)
{
    switch (kind) {
    case CLIENT_PRODUCER: return "producer";
    case CLIENT_CONSUMER: return "consumer";
    case CLIENT_ADMIN: return "admin";
    }
    return "client";
}

/* ---- override policy ------------------------------------------------------ */

typedef enum { CC_POLICY_NONE, CC_POLICY_PRINCIPAL, CC_POLICY_ALL, CC_POLICY_UNKNOWN } cc_policy_t;

static const char *const cc_policy_names[] = {"None", "Principal", "All"};

/* The policy's short name, any case, or its class name (as the worker
 * config accepts it). */
static cc_policy_t cc_policy_parse(const char *text)
{
    if (!text)
        return CC_POLICY_ALL;
    const char *simple = plugin_registry_simple_name(text);
    for (int p = CC_POLICY_NONE; p <= CC_POLICY_ALL; p++) {
        size_t n = strlen(cc_policy_names[p]);
        if (strcasecmp(text, cc_policy_names[p]) == 0 ||
            (strncmp(simple, cc_policy_names[p], n) == 0 &&
             strcmp(simple + n, "ConnectorClientConfigOverridePolicy") == 0))
            return (cc_policy_t)p;
    }
    return CC_POLICY_UNKNOWN;
}

static bool cc_policy_allows(cc_policy_t policy, const char *key)
{
    if (policy == CC_POLICY_ALL)
        return true;
    if (policy == CC_POLICY_PRINCIPAL)
        for (size_t i = 0; cc_principal_keys[i]; i++)
            if (strcmp(key, cc_principal_keys[i]) == 0)
                return true;
    return false;
}

/*
 * Appends a line to out for every "<kind>.override.<key>" of props the
 * policy refuses, for the kinds in mask. Returns how many were refused.
 */
static size_t cc_policy_check(const char *policy_text, const sluice_strmap_t *props, int mask,
                              sluice_buf_t *out)
{
    cc_policy_t policy = cc_policy_parse(policy_text);
    size_t refused = 0;
    for (size_t i = 0; props && i < sluice_strmap_count(props); i++) {
        const char *k = sluice_strmap_key_at(props, i);
        for (int kind = CLIENT_PRODUCER; kind <= CLIENT_ADMIN; kind++) {
            if (!(mask & (1 << kind)))
                continue;
            const char *name = client_kind_name((client_kind_t)kind);
            size_t n = strlen(name);
            if (strncmp(k, name, n) != 0 || strncmp(k + n, ".override.", 10) != 0)
                continue;
            const char *key = k + n + 10;
            if (policy != CC_POLICY_UNKNOWN && cc_policy_allows(policy, key))
                continue;
            if (refused++)
                sluice_buf_putc(out, '\n');
            if (policy == CC_POLICY_UNKNOWN)
                sluice_buf_printf(out,
                                  "%s: connector.client.config.override.policy '%s' is not one "
                                  "of None, Principal, All",
                                  k, policy_text);
            else
                sluice_buf_printf(out,
                                  "%s: The '%s' policy does not allow '%s' to be overridden in "
                                  "the connector configuration.",
                                  k, cc_policy_names[policy], key);
        }
    }
    return refused;
}

int client_config_check_overrides(const char *policy, const sluice_strmap_t *connector_props,
                                  char *errstr, size_t errstr_size)
{
    sluice_buf_t *out = sluice_buf_new();
    size_t refused = cc_policy_check(policy, connector_props, CC_P | CC_C | CC_A, out);
    if (refused && errstr_size)
        snprintf(errstr, errstr_size, "%s", sluice_buf_data(out));
    sluice_buf_destroy(out);
    return refused ? -1 : 0;
}

/* ---- applying settings ---------------------------------------------------- */

typedef struct cc_apply {
    client_kind_t kind;
    rd_kafka_conf_t *conf;
    sluice_strmap_t *props;        /* what librdkafka was given, in order */
    const sluice_strmap_t *merged; /* every Java-named setting, for lookups */
    const char *context;
    char *errstr;
    size_t errstr_size;
} cc_apply_t;

/* The value as errors may show it. */
static const char *cc_shown(const char *key, const char *value)
{
    return config_name_is_sensitive(key) ? CONFIG_HIDDEN : value;
}

static int cc_fail(cc_apply_t *a, const char *origin, const char *key, const char *value,
                   const char *fmt, ...) SLUICE_PRINTF(5, 6);

/* Writes "<origin><key>=<value>: <reason>" to errstr; returns -1. */
static int cc_fail(cc_apply_t *a, const char *origin, const char *key, const char *value,
                   const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (a->errstr_size)
        snprintf(a->errstr, a->errstr_size, "%s%s=%s: %s", origin, key, cc_shown(key, value),
                 reason);
    return -1;
}

/*
 * Gives librdkafka rk_key=value for the user's origin+key. Returns 0 (set,
 * or dropped with a warning when librdkafka has no such setting) or -1.
 */
static int cc_set(cc_apply_t *a, const char *origin, const char *key, const char *rk_key,
                  const char *value)
{
    char reason[512] = "";
    switch (rd_kafka_conf_set(a->conf, rk_key, value, reason, sizeof reason)) {
    case RD_KAFKA_CONF_OK: sluice_strmap_set(a->props, rk_key, value); return 0;
    case RD_KAFKA_CONF_UNKNOWN:
        log_warn(a->context, CC_LOGGER,
                 "Ignoring %s%s: the %s client (librdkafka) has no such setting", origin, key,
                 client_kind_name(a->kind));
        return 0;
    default: return cc_fail(a, origin, key, value, "%s", reason);
    }
}

static bool cc_parse_long(const char *text, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end)
        return false;
    *out = v;
    return true;
}

/* A translation: sets what librdkafka needs for the Java setting. */
typedef int (*cc_translate_fn)(cc_apply_t *a, const char *origin, const char *key,
                               const char *value, const char *target);

typedef struct cc_translation {
    const char *key; /* the Java client's name */
    int kinds;       /* CC_P | CC_C | CC_A: the clients it applies to */
    cc_translate_fn fn;
    const char *target; /* librdkafka's name, for the functions that need one */
} cc_translation_t;

static int tr_rename(cc_apply_t *a, const char *origin, const char *key, const char *value,
                     const char *target)
{
    return cc_set(a, origin, key, target, value);
}

/* buffer.memory: bytes; queue.buffering.max.kbytes: KiB, rounded up. */
static int tr_kib(cc_apply_t *a, const char *origin, const char *key, const char *value,
                  const char *target)
{
    long long bytes;
    if (!cc_parse_long(value, &bytes) || bytes < 0)
        return cc_fail(a, origin, key, value, "Not a number of bytes");
    char kib[32];
    long long k = (bytes + 1023) / 1024;
    snprintf(kib, sizeof kib, "%lld", k < 1 ? 1 : k);
    return cc_set(a, origin, key, target, kib);
}

/* send.buffer.bytes / receive.buffer.bytes: -1 means the OS default, which
 * librdkafka spells 0. */
static int tr_socket_buffer(cc_apply_t *a, const char *origin, const char *key, const char *value,
                            const char *target)
{
    return cc_set(a, origin, key, target, strcmp(value, "-1") == 0 ? "0" : value);
}

/* auto.offset.reset=none: fail when there is no committed offset, which
 * librdkafka calls "error". */
static int tr_offset_reset(cc_apply_t *a, const char *origin, const char *key, const char *value,
                           const char *target)
{
    return cc_set(a, origin, key, target, strcasecmp(value, "none") == 0 ? "error" : value);
}

/* ssl.endpoint.identification.algorithm: Java turns checking off with an
 * empty value, librdkafka with "none". */
static int tr_endpoint_id(cc_apply_t *a, const char *origin, const char *key, const char *value,
                          const char *target)
{
    char lower[16];
    if (!*value)
        return cc_set(a, origin, key, target, "none");
    size_t i = 0;
    for (; value[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)tolower((unsigned char)value[i]);
    lower[i] = '\0';
    return cc_set(a, origin, key, target, value[i] ? value : lower);
}

/* partition.assignment.strategy: Java's assignor classes to librdkafka's
 * names (librdkafka takes the class names at set time and fails only at
 * rd_kafka_new, so this must happen here). */
static int tr_assignors(cc_apply_t *a, const char *origin, const char *key, const char *value,
                        const char *target)
{
    static const char *const names[][2] = {
        {"RangeAssignor", "range"},
        {"RoundRobinAssignor", "roundrobin"},
        {"CooperativeStickyAssignor", "cooperative-sticky"},
    };
    sluice_buf_t *out = sluice_buf_new();
    const char *p = value;
    int rc = 0;
    while (*p && rc == 0) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *item = mem_strndup(p, len);
        char *s = item, *e = item + len;
        while (*s && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = '\0';
        const char *simple = plugin_registry_simple_name(s);
        const char *mapped = NULL;
        if (strchr(s, '.') || strcmp(simple, s) != 0 || isupper((unsigned char)*s)) {
            for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (strcmp(simple, names[i][0]) == 0)
                    mapped = names[i][1];
            if (!mapped)
                rc = cc_fail(a, origin, key, value,
                             "librdkafka has no assignor like %s (it has range, roundrobin and "
                             "cooperative-sticky)",
                             s);
        } else {
            mapped = s;
        }
        if (mapped && *mapped)
            sluice_buf_printf(out, "%s%s", sluice_buf_len(out) ? "," : "", mapped);
        free(item);
        p = end ? end + 1 : p + len;
    }
    if (rc == 0)
        rc = cc_set(a, origin, key, target, sluice_buf_data(out));
    sluice_buf_destroy(out);
    return rc;
}

static bool cc_merged_is(const cc_apply_t *a, const char *key, const char *want)
{
    const char *v = sluice_strmap_get(a->merged, key);
    return v && strcasecmp(v, want) == 0;
}

/* ssl.truststore.location: a PEM truststore is a CA file to librdkafka; any
 * other kind goes to librdkafka, which refuses Java truststores saying what
 * to use instead. */
static int tr_truststore(cc_apply_t *a, const char *origin, const char *key, const char *value,
                         const char *target)
{
    (void)target;
    if (cc_merged_is(a, "ssl.truststore.type", "PEM"))
        return cc_set(a, origin, key, "ssl.ca.location", value);
    return cc_set(a, origin, key, key, value);
}

/* ssl.keystore.location: librdkafka reads PKCS#12 there; a PEM keystore
 * holds the certificate and the key, which OpenSSL reads from one file. */
static int tr_keystore(cc_apply_t *a, const char *origin, const char *key, const char *value,
                       const char *target)
{
    (void)target;
    if (!cc_merged_is(a, "ssl.keystore.type", "PEM"))
        return cc_set(a, origin, key, key, value);
    if (cc_set(a, origin, key, "ssl.certificate.location", value) < 0)
        return -1;
    return cc_set(a, origin, key, "ssl.key.location", value);
}

/* A key whose value only steers another translation (the store types). */
static int tr_consumed(cc_apply_t *a, const char *origin, const char *key, const char *value,
                       const char *target)
{
    (void)a, (void)origin, (void)key, (void)value, (void)target;
    return 0;
}

/*
 * Reads a JAAS client configuration: one "<LoginModule> <flag> k=v ...;".
 * Returns the module's class name (malloc'd) and the options in opts, or
 * NULL with the reason in err.
 */
static char *cc_jaas_parse(const char *text, sluice_strmap_t *opts, char *err, size_t err_size)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    const char *m = p;
    while (*p && !isspace((unsigned char)*p) && *p != ';')
        p++;
    if (p == m) {
        snprintf(err, err_size, "Expected a login module");
        return NULL;
    }
    char *module = mem_strndup(m, (size_t)(p - m));
    while (isspace((unsigned char)*p))
        p++;
    const char *f = p;
    while (*p && !isspace((unsigned char)*p) && *p != ';')
        p++;
    static const char *const flags[] = {"required", "requisite", "sufficient", "optional"};
    bool flag_ok = false;
    for (size_t i = 0; i < 4; i++)
        flag_ok = flag_ok || ((size_t)(p - f) == strlen(flags[i]) &&
                              strncasecmp(f, flags[i], strlen(flags[i])) == 0);
    if (!flag_ok) {
        snprintf(err, err_size, "Expected a control flag (required, ...) after %s", module);
        goto fail;
    }
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == ';')
            break;
        const char *k = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p) && *p != ';')
            p++;
        char *name = mem_strndup(k, (size_t)(p - k));
        while (isspace((unsigned char)*p))
            p++;
        if (*p != '=' || !*name) {
            snprintf(err, err_size, "Expected option=value in the options of %s", module);
            free(name);
            goto fail;
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
        sluice_buf_t *v = sluice_buf_new();
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                sluice_buf_putc(v, *p++);
            }
            if (*p != '"') {
                snprintf(err, err_size, "Unterminated quoted value of option %s", name);
                sluice_buf_destroy(v);
                free(name);
                goto fail;
            }
            p++;
        } else {
            while (*p && !isspace((unsigned char)*p) && *p != ';')
                sluice_buf_putc(v, *p++);
        }
        sluice_strmap_set(opts, name, sluice_buf_data(v));
        sluice_buf_destroy(v);
        free(name);
    }
    if (*p == ';')
        p++;
    while (isspace((unsigned char)*p))
        p++;
    if (*p) {
        snprintf(err, err_size, "Only one login module may be configured for a client");
        goto fail;
    }
    return module;
fail:
    free(module);
    return NULL;
}

/* sasl.jaas.config: librdkafka has no JAAS; the options of the login
 * modules it can stand in for map to its own SASL settings. Options with no
 * librdkafka meaning (useKeyTab, storeKey ...) are left out. */
static int tr_jaas(cc_apply_t *a, const char *origin, const char *key, const char *value,
                   const char *target)
{
    static const struct {
        const char *module; /* simple class name */
        const char *option;
        const char *setting;
    } map[] = {
        {"PlainLoginModule", "username", "sasl.username"},
        {"PlainLoginModule", "password", "sasl.password"},
        {"ScramLoginModule", "username", "sasl.username"},
        {"ScramLoginModule", "password", "sasl.password"},
        {"Krb5LoginModule", "principal", "sasl.kerberos.principal"},
        {"Krb5LoginModule", "keyTab", "sasl.kerberos.keytab"},
        {"Krb5LoginModule", "serviceName", "sasl.kerberos.service.name"},
        {"OAuthBearerLoginModule", "clientId", "sasl.oauthbearer.client.id"},
        {"OAuthBearerLoginModule", "clientSecret", "sasl.oauthbearer.client.secret"},
        {"OAuthBearerLoginModule", "scope", "sasl.oauthbearer.scope"},
    };
    (void)target;
    char why[256];
    sluice_strmap_t *opts = sluice_strmap_new();
    char *module = cc_jaas_parse(value, opts, why, sizeof why);
    int rc = 0;
    if (!module) {
        rc = cc_fail(a, origin, key, value, "%s", why);
        goto out;
    }
    const char *simple = plugin_registry_simple_name(module);
    bool known = false;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        known = known || strcmp(simple, map[i].module) == 0;
    if (!known) {
        rc = cc_fail(a, origin, key, value,
                     "librdkafka cannot use the login module %s (it stands in for "
                     "PlainLoginModule, ScramLoginModule, Krb5LoginModule and "
                     "OAuthBearerLoginModule)",
                     module);
        goto out;
    }
    for (size_t i = 0; rc == 0 && i < sizeof map / sizeof map[0]; i++) {
        const char *v =
            strcmp(simple, map[i].module) == 0 ? sluice_strmap_get(opts, map[i].option) : NULL;
        if (v)
            rc = cc_set(a, origin, key, map[i].setting, v);
    }
    /* Java's OAuth login with client credentials is librdkafka's OIDC method;
     * its unsecured test tokens are librdkafka's default method */
    const char *sub = sluice_strmap_get(opts, "unsecuredLoginStringClaim_sub");
    if (rc == 0 && strcmp(simple, "OAuthBearerLoginModule") == 0) {
        if (sluice_strmap_get(opts, "clientId")) {
            rc = cc_set(a, origin, key, "sasl.oauthbearer.method", "oidc");
        } else if (sub) {
            sluice_buf_t *cfg = sluice_buf_new();
            sluice_buf_printf(cfg, "principal=%s", sub);
            rc = cc_set(a, origin, key, "sasl.oauthbearer.config", sluice_buf_data(cfg));
            sluice_buf_destroy(cfg);
        }
    }
out:
    free(module);
    sluice_strmap_destroy(opts);
    return rc;
}

/*
 * Java settings librdkafka takes under another name, unit or spelling of
 * the value. Every other key goes to librdkafka as it is; the ones it does
 * not know (key.serializer, interceptor.classes, max.poll.records,
 * metric.reporters, partitioner.class, retry.backoff.max.ms ...) are
 * dropped with a warning, so this table needs no list of them and a newer
 * librdkafka that learns a Java name simply takes it.
 */
static const cc_translation_t cc_translations[] = {
    {"buffer.memory", CC_P, tr_kib, "queue.buffering.max.kbytes"},
    {"max.request.size", CC_P | CC_C | CC_A, tr_rename, "message.max.bytes"},
    {"send.buffer.bytes", CC_P | CC_C | CC_A, tr_socket_buffer, "socket.send.buffer.bytes"},
    {"receive.buffer.bytes", CC_P | CC_C | CC_A, tr_socket_buffer, "socket.receive.buffer.bytes"},
    {"fetch.max.wait.ms", CC_C, tr_rename, "fetch.wait.max.ms"},
    /* for a producer request.timeout.ms is librdkafka's too (the ack
     * timeout); consumers and admin clients time their requests out after
     * socket.timeout.ms */
    {"request.timeout.ms", CC_C | CC_A, tr_rename, "socket.timeout.ms"},
    {"auto.offset.reset", CC_C, tr_offset_reset, "auto.offset.reset"},
    {"partition.assignment.strategy", CC_C, tr_assignors, "partition.assignment.strategy"},
    {"ssl.endpoint.identification.algorithm", CC_P | CC_C | CC_A, tr_endpoint_id,
     "ssl.endpoint.identification.algorithm"},
    {"ssl.truststore.location", CC_P | CC_C | CC_A, tr_truststore, NULL},
    {"ssl.truststore.certificates", CC_P | CC_C | CC_A, tr_rename, "ssl.ca.pem"},
    {"ssl.truststore.type", CC_P | CC_C | CC_A, tr_consumed, NULL},
    {"ssl.keystore.location", CC_P | CC_C | CC_A, tr_keystore, NULL},
    {"ssl.keystore.certificate.chain", CC_P | CC_C | CC_A, tr_rename, "ssl.certificate.pem"},
    {"ssl.keystore.key", CC_P | CC_C | CC_A, tr_rename, "ssl.key.pem"},
    {"ssl.keystore.type", CC_P | CC_C | CC_A, tr_consumed, NULL},
    {"sasl.jaas.config", CC_P | CC_C | CC_A, tr_jaas, NULL},
};

/* One Java-named setting, trimmed as Java's ConfigDef trims typed values
 * (secrets are taken as they are). */
static int cc_apply_one(cc_apply_t *a, const char *origin, const char *key, const char *raw)
{
    char *value = mem_strdup(raw);
    if (!config_name_is_sensitive(key)) {
        char *s = value, *e = value + strlen(value);
        while (*s && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        memmove(value, s, (size_t)(e - s));
        value[e - s] = '\0';
    }
    int rc = -2;
    for (size_t i = 0; rc == -2 && i < sizeof cc_translations / sizeof cc_translations[0]; i++) {
        const cc_translation_t *t = &cc_translations[i];
        if ((t->kinds & (1 << a->kind)) && strcmp(t->key, key) == 0)
            rc = t->fn(a, origin, key, value, t->target);
    }
    if (rc == -2)
        rc = cc_set(a, origin, key, key, value);
    free(value);
    return rc;
}

static bool cc_has_prefix(const char *key, const char *const *prefixes)
{
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* Sets key in merged, remembering the prefix it had in its source. */
static void cc_merge(sluice_strmap_t *merged, sluice_strmap_t *origins, const char *key,
                     const char *value, const char *origin)
{
    sluice_strmap_set(merged, key, value);
    sluice_strmap_set(origins, key, origin);
}

/* Builds conf and/or props (either may be NULL) as client_config.h says. */
static int cc_build(const worker_config_t *wc, const sluice_strmap_t *connector_props,
                    client_kind_t kind, const char *const *forced, const char *context,
                    rd_kafka_conf_t **conf_out, sluice_strmap_t **props_out, char *errstr,
                    size_t errstr_size)
{
    if (errstr_size)
        errstr[0] = '\0';
    const char *name = client_kind_name(kind);
    const char *policy = sluice_config_get_string(worker_config_values(wc),
                                                  "connector.client.config.override.policy");
    sluice_buf_t *refusals = sluice_buf_new();
    size_t refused = cc_policy_check(policy, connector_props, 1 << kind, refusals);
    if (refused) {
        if (errstr_size)
            snprintf(errstr, errstr_size, "%s", sluice_buf_data(refusals));
        sluice_buf_destroy(refusals);
        return -1;
    }
    sluice_buf_destroy(refusals);

    char kind_prefix[32], override_prefix[64];
    snprintf(kind_prefix, sizeof kind_prefix, "%s.", name);
    snprintf(override_prefix, sizeof override_prefix, "%s.override.", name);

    /* the layers, merged under Java's names: later ones replace a key */
    sluice_strmap_t *merged = sluice_strmap_new();
    sluice_strmap_t *origins = sluice_strmap_new();
    const sluice_strmap_t *wprops = worker_config_props(wc);
    sluice_strmap_t *client = worker_config_client_props(wc, name);
    char own_servers[64];
    snprintf(own_servers, sizeof own_servers, "%sbootstrap.servers", kind_prefix);
    cc_merge(merged, origins, "bootstrap.servers", sluice_strmap_get(client, "bootstrap.servers"),
             sluice_strmap_get(wprops, own_servers) ? kind_prefix : "");
    if (kind == CLIENT_ADMIN)
        for (size_t i = 0; i < sluice_strmap_count(wprops); i++)
            if (cc_has_prefix(sluice_strmap_key_at(wprops, i), cc_admin_inherited_prefixes))
                cc_merge(merged, origins, sluice_strmap_key_at(wprops, i),
                         sluice_strmap_value_at(wprops, i), "");
    for (size_t i = 0; i < sluice_strmap_count(client); i++)
        if (strcmp(sluice_strmap_key_at(client, i), "bootstrap.servers") != 0)
            cc_merge(merged, origins, sluice_strmap_key_at(client, i),
                     sluice_strmap_value_at(client, i), kind_prefix);
    sluice_strmap_destroy(client);
    if (connector_props) {
        sluice_strmap_t *overrides = sluice_strmap_subset(connector_props, override_prefix, true);
        for (size_t i = 0; i < sluice_strmap_count(overrides); i++)
            if (*sluice_strmap_key_at(overrides, i))
                cc_merge(merged, origins, sluice_strmap_key_at(overrides, i),
                         sluice_strmap_value_at(overrides, i), override_prefix);
        sluice_strmap_destroy(overrides);
    }

    cc_apply_t a = {
        .kind = kind,
        .conf = rd_kafka_conf_new(),
        .props = sluice_strmap_new(),
        .merged = merged,
        .context = context,
        .errstr = errstr,
        .errstr_size = errstr_size,
    };
    int rc = 0;
    const cc_pair_t *defaults = kind == CLIENT_PRODUCER   ? cc_producer_defaults
                                : kind == CLIENT_CONSUMER ? cc_consumer_defaults
                                                          : NULL;
    for (size_t i = 0; rc == 0 && defaults && defaults[i].key; i++)
        rc = cc_set(&a, "", defaults[i].key, defaults[i].key, defaults[i].value);
    for (size_t i = 0; rc == 0 && i < sluice_strmap_count(merged); i++)
        rc = cc_apply_one(&a, sluice_strmap_value_at(origins, i), sluice_strmap_key_at(merged, i),
                          sluice_strmap_value_at(merged, i));
    for (size_t i = 0; rc == 0 && forced && forced[i] && forced[i + 1]; i += 2)
        rc = cc_apply_one(&a, "", forced[i], forced[i + 1]);

    sluice_strmap_destroy(merged);
    sluice_strmap_destroy(origins);
    if (rc < 0 || !conf_out)
        rd_kafka_conf_destroy(a.conf);
    else
        *conf_out = a.conf;
    if (rc < 0 || !props_out)
        sluice_strmap_destroy(a.props);
    else
        *props_out = a.props;
    return rc;
}

rd_kafka_conf_t *client_config_build(const worker_config_t *wc,
                                     const sluice_strmap_t *connector_props, client_kind_t kind,
                                     const char *const *forced, const char *context, char *errstr,
                                     size_t errstr_size)
{
    rd_kafka_conf_t *conf = NULL;
    if (cc_build(wc, connector_props, kind, forced, context, &conf, NULL, errstr, errstr_size) < 0)
        return NULL;
    return conf;
}

sluice_strmap_t *client_config_props(const worker_config_t *wc,
                                     const sluice_strmap_t *connector_props, client_kind_t kind,
                                     const char *const *forced, const char *context, char *errstr,
                                     size_t errstr_size)
{
    sluice_strmap_t *props = NULL;
    if (cc_build(wc, connector_props, kind, forced, context, NULL, &props, errstr, errstr_size) < 0)
        return NULL;
    return props;
}

int64_t client_config_conf_int(const rd_kafka_conf_t *conf, const char *name, int64_t dflt)
{
    char text[64];
    size_t size = sizeof text;
    if (rd_kafka_conf_get(conf, name, text, &size) != RD_KAFKA_CONF_OK)
        return dflt;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    return end != text && !*end && v > 0 ? (int64_t)v : dflt;
}
