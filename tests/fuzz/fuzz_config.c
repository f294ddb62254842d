/*
 * Typed configs (worker/config.c) on properties taken from the input: a
 * fixed table with every type and every kind of validator, parsed with
 * sluice_config_new and checked with sluice_config_validate. Beyond not
 * crashing:
 *  - new fails exactly when validate finds errors, with the same messages;
 *  - every message names its key;
 *  - a PASSWORD value (or that of an undeclared key whose name looks
 *    secret) never shows in an error, in config_render or in
 *    config_render_props;
 *  - the typed getters agree with the types.
 *
 * The input is lines of "key=value" (the value is every byte after the first
 * '=', a NUL becoming 0x01), so the seeds are readable.
 */
#include "fuzz_common.h"

#include <stdbool.h>

#include <sluice/buf.h>
#include <sluice/config.h>

#include "config_internal.h"
#include "log.h"

/* Rejects a value containing '!' and quotes it whole: what a careless
 * plugin validator might do, so the masking of PASSWORD keys is tested. */
static int check_no_bang(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    if (!value || !strchr(value, '!'))
        return 0;
    snprintf(errstr, errstr_size, "%s may not contain '!' but '%s' does", name, value);
    return -1;
}

/* Rejects an empty value, and writes no reason (the default one is used). */
static int check_set(const char *name, const char *value, char *errstr, size_t errstr_size)
{
    (void)name;
    (void)errstr;
    (void)errstr_size;
    return value && !value[0] ? -1 : 0;
}

static const sluice_config_key_t fuzz_keys[] = {
    {.name = "bool", .type = SLUICE_CONFIG_BOOLEAN, .default_value = "true"},
    {.name = "bool.null", .type = SLUICE_CONFIG_BOOLEAN},
    {.name = "string", .type = SLUICE_CONFIG_STRING},
    {.name = "string.required", .type = SLUICE_CONFIG_STRING, .required = true},
    {.name = "string.non.empty",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "x",
     .validator = SLUICE_NON_EMPTY},
    {.name = "string.no.ctrl",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "name",
     .validator = SLUICE_NON_EMPTY_NO_CTRL},
    {.name = "string.one.of",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "earliest",
     .validator = SLUICE_ONE_OF("earliest", "latest", "none")},
    {.name = "string.one.of.nocase",
     .type = SLUICE_CONFIG_STRING,
     .default_value = "BASE64",
     .validator = SLUICE_ONE_OF_NOCASE("BASE64", "NUMERIC")},
    {.name = "string.custom",
     .type = SLUICE_CONFIG_STRING,
     .validator = SLUICE_CHECK(check_no_bang)},
    {.name = "string.custom.set",
     .type = SLUICE_CONFIG_STRING,
     .validator = SLUICE_CHECK(check_set)},
    {.name = "int",
     .type = SLUICE_CONFIG_INT,
     .default_value = "1",
     .validator = SLUICE_RANGE(-5, 100)},
    {.name = "int.at.least",
     .type = SLUICE_CONFIG_INT,
     .default_value = "2000",
     .validator = SLUICE_AT_LEAST(1)},
    {.name = "short",
     .type = SLUICE_CONFIG_SHORT,
     .default_value = "0",
     .validator = SLUICE_RANGE(-10, 10)},
    {.name = "long", .type = SLUICE_CONFIG_LONG, .default_value = "-1"},
    {.name = "long.range",
     .type = SLUICE_CONFIG_LONG,
     .default_value = "60000",
     .validator = SLUICE_RANGE(0, 9.2e18)},
    {.name = "double",
     .type = SLUICE_CONFIG_DOUBLE,
     .default_value = "0.5",
     .validator = SLUICE_RANGE(0.0, 1.0)},
    {.name = "double.null", .type = SLUICE_CONFIG_DOUBLE, .validator = SLUICE_AT_LEAST(-1.5)},
    {.name = "list", .type = SLUICE_CONFIG_LIST, .default_value = ""},
    {.name = "list.of",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "x",
     .validator = SLUICE_LIST_OF("x", "y", "z")},
    {.name = "list.non.empty",
     .type = SLUICE_CONFIG_LIST,
     .default_value = "a,b",
     .validator = SLUICE_NON_EMPTY},
    {.name = "class", .type = SLUICE_CONFIG_CLASS, .default_value = "org.example.Thing"},
    {.name = "class.one.of",
     .type = SLUICE_CONFIG_CLASS,
     .default_value = "JsonConverter",
     .validator = SLUICE_ONE_OF("JsonConverter", "StringConverter")},
    {.name = "password", .type = SLUICE_CONFIG_PASSWORD},
    {.name = "password.custom",
     .type = SLUICE_CONFIG_PASSWORD,
     .validator = SLUICE_CHECK(check_no_bang)},
    {.name = "password.no.ctrl",
     .type = SLUICE_CONFIG_PASSWORD,
     .default_value = "pw",
     .validator = SLUICE_NON_EMPTY_NO_CTRL},
    {.name = "password.one.of",
     .type = SLUICE_CONFIG_PASSWORD,
     .validator = SLUICE_ONE_OF("open", "sesame")},
    SLUICE_CONFIG_END};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(SLUICE_LOG_OFF);
    char errstr[1024];
    if (config_table_check(fuzz_keys, errstr, sizeof errstr) != 0) {
        fprintf(stderr, "fuzz_config: the harness's table is wrong: %s\n", errstr);
        abort();
    }
    return 0;
}

/* A value that must never be shown: of a PASSWORD key, or of an undeclared
 * key whose name looks secret. */
static bool is_secret_key(const char *name)
{
    const sluice_config_key_t *key = config_find_key(fuzz_keys, name);
    return key ? key->type == SLUICE_CONFIG_PASSWORD : config_name_is_sensitive(name);
}

/*
 * Secrets are only looked for when they contain '~' and nothing else shown
 * does (no key name, no other value, no message text): then finding one in
 * an output can only be a leak.
 */
static bool secrets_checkable(const sluice_strmap_t *props)
{
    for (size_t i = 0; i < sluice_strmap_count(props); i++) {
        if (strchr(sluice_strmap_key_at(props, i), '~'))
            return false;
        if (!is_secret_key(sluice_strmap_key_at(props, i)) &&
            strchr(sluice_strmap_value_at(props, i), '~'))
            return false;
    }
    return true;
}

/* Java's String.trim, as the config parser applies it. */
static char *trim_dup(const char *s)
{
    while (*s && (unsigned char)*s <= ' ')
        s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    char *t = malloc(n + 1);
    if (!t)
        abort();
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

static void check_no_secret(const sluice_strmap_t *props, const char *what, const char *text)
{
    for (size_t i = 0; i < sluice_strmap_count(props); i++) {
        const char *name = sluice_strmap_key_at(props, i),
                   *value = sluice_strmap_value_at(props, i);
        if (!is_secret_key(name))
            continue;
        char *trimmed = trim_dup(value);
        FUZZ_CHECK(!strchr(trimmed, '~') || !strstr(text, trimmed),
                   "the value of %s shows in %s:\n%s", name, what, text);
        free(trimmed);
    }
}

static void check_getters(const sluice_config_t *config)
{
    for (const sluice_config_key_t *key = fuzz_keys; key->name; key++) {
        const char *s = sluice_config_get_string(config, key->name);
        const char *pw = sluice_config_get_password(config, key->name);
        bool is_null = sluice_config_is_null(config, key->name);
        const char *const *items = NULL;
        size_t n = sluice_config_get_list(config, key->name, &items);
        sluice_config_get_bool(config, key->name);
        sluice_config_get_int(config, key->name);
        sluice_config_get_long(config, key->name);
        sluice_config_get_double(config, key->name);
        bool stringish = key->type == SLUICE_CONFIG_STRING || key->type == SLUICE_CONFIG_CLASS;
        FUZZ_CHECK(stringish || !s, "get_string gives a value for %s key %s",
                   sluice_config_type_name(key->type), key->name);
        FUZZ_CHECK(key->type == SLUICE_CONFIG_PASSWORD || !pw,
                   "get_password gives a value for %s key %s", sluice_config_type_name(key->type),
                   key->name);
        if (stringish)
            FUZZ_CHECK(is_null == (s == NULL), "%s: is_null %d but get_string %p", key->name,
                       is_null, (const void *)s);
        if (key->type == SLUICE_CONFIG_LIST && !is_null) {
            FUZZ_CHECK(items != NULL, "%s: a list without items", key->name);
            FUZZ_CHECK(items[n] == NULL, "%s: items not NULL-terminated", key->name);
            for (size_t i = 0; i < n; i++)
                FUZZ_CHECK(!strchr(items[i], ','), "%s: an item holds a comma", key->name);
        } else if (key->type != SLUICE_CONFIG_LIST) {
            FUZZ_CHECK(n == 0, "get_list gives %zu items for %s key %s", n,
                       sluice_config_type_name(key->type), key->name);
        }
    }
    FUZZ_CHECK(sluice_config_get_string(config, "no.such.key") == NULL, "an undeclared key");
    FUZZ_CHECK(sluice_config_keys(config) == fuzz_keys, "the table is not kept");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input_t in = {data, size};
    sluice_strmap_t *props = sluice_strmap_new();
    while (in.size) {
        char *line = fuzz_piece(&in, '\n', NULL);
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        sluice_strmap_set(props, line, eq ? eq + 1 : "");
        free(line);
    }
    bool secrets = secrets_checkable(props);

    static char errstr[65536];
    sluice_config_t *config = sluice_config_new(fuzz_keys, props, errstr, sizeof errstr);
    sluice_config_validation_t *validation = sluice_config_validate(fuzz_keys, props);
    size_t error_count = sluice_config_validation_error_count(validation);

    FUZZ_CHECK((config == NULL) == (error_count > 0),
               "sluice_config_new %s but validate found %zu errors: %s",
               config ? "succeeded" : "failed", error_count, errstr);
    FUZZ_CHECK(config || errstr[0], "sluice_config_new failed without a message");
    FUZZ_CHECK(!config || !errstr[0], "sluice_config_new succeeded with a message: %s", errstr);
    if (secrets)
        check_no_secret(props, "the errors of sluice_config_new", errstr);

    /* validate: one entry per declared key, in table order, and the same
     * messages as sluice_config_new, each naming its key. */
    size_t declared = 0;
    while (fuzz_keys[declared].name)
        declared++;
    FUZZ_CHECK(sluice_config_validation_count(validation) == declared,
               "validate gives %zu entries for %zu keys",
               sluice_config_validation_count(validation), declared);
    sluice_buf_t *joined = sluice_buf_new();
    size_t counted = 0;
    for (size_t i = 0; i < declared; i++) {
        FUZZ_CHECK(sluice_config_validation_key_at(validation, i) == &fuzz_keys[i],
                   "entry %zu is not key %s", i, fuzz_keys[i].name);
        FUZZ_CHECK(strcmp(sluice_config_validation_name_at(validation, i), fuzz_keys[i].name) == 0,
                   "entry %zu is named %s", i, sluice_config_validation_name_at(validation, i));
        sluice_config_validation_value_at(validation, i);
        const char *const *errors = NULL;
        size_t n = sluice_config_validation_errors_at(validation, i, &errors);
        FUZZ_CHECK(errors && errors[n] == NULL, "the errors of %s are not NULL-terminated",
                   fuzz_keys[i].name);
        counted += n;
        for (size_t j = 0; j < n; j++) {
            FUZZ_CHECK(strstr(errors[j], fuzz_keys[i].name), "an error of %s does not name it: %s",
                       fuzz_keys[i].name, errors[j]);
            if (secrets)
                check_no_secret(props, "a validation error", errors[j]);
            if (sluice_buf_len(joined))
                sluice_buf_putc(joined, '\n');
            sluice_buf_puts(joined, errors[j]);
        }
    }
    FUZZ_CHECK(counted == error_count, "error_count %zu but the entries hold %zu", error_count,
               counted);
    if (!config && sluice_buf_len(joined) < sizeof errstr - 1)
        FUZZ_CHECK(
            strcmp(errstr, sluice_buf_data(joined)) == 0,
            "sluice_config_new and validate disagree:\n--- new ---\n%s\n--- validate ---\n%s",
            errstr, sluice_buf_data(joined));
    sluice_buf_destroy(joined);

    sluice_buf_t *out = sluice_buf_new();
    config_render_props(fuzz_keys, props, out);
    if (secrets)
        check_no_secret(props, "config_render_props", sluice_buf_data(out));
    if (config) {
        check_getters(config);
        FUZZ_CHECK(fuzz_strmap_same(sluice_config_originals(config), props),
                   "the originals are not the properties given");
        sluice_buf_reset(out);
        config_render(config, "Fuzz", out);
        if (secrets)
            check_no_secret(props, "config_render", sluice_buf_data(out));
    }
    sluice_buf_destroy(out);

    static const char *const ignore[] = {"producer.override.", NULL};
    sluice_strmap_t *unknown = config_unknown_keys(fuzz_keys, props, ignore);
    for (size_t i = 0; i < sluice_strmap_count(unknown); i++) {
        const char *name = sluice_strmap_key_at(unknown, i);
        const char *guess = sluice_strmap_value_at(unknown, i);
        FUZZ_CHECK(!config_find_key(fuzz_keys, name), "%s is declared, not unknown", name);
        FUZZ_CHECK(!guess[0] || config_find_key(fuzz_keys, guess),
                   "%s is suggested for %s but is not declared", guess, name);
    }
    sluice_strmap_destroy(unknown);

    sluice_config_validation_destroy(validation);
    sluice_config_destroy(config);
    sluice_strmap_destroy(props);
    return 0;
}
