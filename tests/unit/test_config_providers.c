/*
 * Config providers: the built-in plugin (plugins/config_providers), loaded
 * through the real registry, and placeholder resolution
 * (worker/config_transformer.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/sluice.h>

#include "config_internal.h"
#include "config_transformer.h"
#include "plugin_registry.h"
#include "test_util.h"

static char errstr[4096];

static plugin_registry_t *load_registry(void)
{
    plugin_registry_t *registry = plugin_registry_new();
    char err[2048] = "";
    int refused = plugin_registry_load(registry, SLUICE_TEST_PLUGIN_DIR "/config-providers.so", err,
                                       sizeof err);
    if (refused != 0) {
        fprintf(stderr, "\n  loading config-providers.so: %s\n", err);
        plugin_registry_destroy(registry);
        CU_FAIL_FATAL("config-providers.so was refused");
    }
    return registry;
}

/* A scratch directory with files; removed by scratch_free. */
typedef struct scratch {
    char dir[64];
    char paths[8][512];
    int kinds[8]; /* 0 file, 1 dir, 2 symlink */
    size_t count;
} scratch_t;

static void scratch_init(scratch_t *s)
{
    memset(s, 0, sizeof *s);
    strcpy(s->dir, "/tmp/sluice-providers-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(s->dir));
}

/* The next slot's path, dir/name. */
static char *scratch_path(scratch_t *s, const char *name)
{
    char tmp[sizeof s->paths[0]];
    CU_ASSERT_FATAL(s->count < sizeof s->paths / sizeof s->paths[0]);
    snprintf(tmp, sizeof tmp, "%s/%s", s->dir, name);
    memcpy(s->paths[s->count], tmp, sizeof tmp);
    return s->paths[s->count];
}

static const char *scratch_file(scratch_t *s, const char *name, const char *text)
{
    char *path = scratch_path(s, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    s->kinds[s->count++] = 0;
    return path;
}

static const char *scratch_mkdir(scratch_t *s, const char *name)
{
    char *path = scratch_path(s, name);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
    s->kinds[s->count++] = 1;
    return path;
}

static const char *scratch_symlink(scratch_t *s, const char *name, const char *target)
{
    char *path = scratch_path(s, name);
    CU_ASSERT_EQUAL_FATAL(symlink(target, path), 0);
    s->kinds[s->count++] = 2;
    return path;
}

static void scratch_free(scratch_t *s)
{
    for (size_t i = s->count; i-- > 0;) {
        int r = s->kinds[i] == 1 ? rmdir(s->paths[i]) : unlink(s->paths[i]);
        CU_ASSERT_EQUAL(r, 0);
    }
    CU_ASSERT_EQUAL(rmdir(s->dir), 0);
}

/* A map from key/value pairs, NULL-terminated. */
static sluice_strmap_t *map_of(const char *first, ...)
{
    sluice_strmap_t *map = sluice_strmap_new();
    va_list ap;
    va_start(ap, first);
    for (const char *k = first; k; k = va_arg(ap, const char *))
        sluice_strmap_set(map, k, va_arg(ap, const char *));
    va_end(ap);
    return map;
}

static char *fmt(const char *format, ...) SLUICE_PRINTF(1, 2);

static char *fmt(const char *format, ...)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    va_list ap;
    va_start(ap, format);
    vsnprintf(b, sizeof bufs[0], format, ap);
    va_end(ap);
    return b;
}

static void test_plugin_classes(void)
{
    plugin_registry_t *registry = load_registry();
    static const char *const names[][2] = {
        {"org.apache.kafka.common.config.provider.FileConfigProvider", "FileConfigProvider"},
        {"org.apache.kafka.common.config.provider.DirectoryConfigProvider",
         "DirectoryConfigProvider"},
        {"org.apache.kafka.common.config.provider.EnvVarConfigProvider", "EnvVarConfigProvider"},
    };
    for (size_t i = 0; i < 3; i++) {
        const sluice_class_t *cls =
            plugin_registry_find(registry, SLUICE_CLASS_CONFIG_PROVIDER, names[i][0]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
        CU_ASSERT_PTR_EQUAL(
            plugin_registry_find(registry, SLUICE_CLASS_CONFIG_PROVIDER, names[i][1]), cls);
        CU_ASSERT_PTR_NOT_NULL(cls->config_provider);
        CU_ASSERT_EQUAL(config_table_check(cls->config, errstr, sizeof errstr), 0);
    }
    plugin_registry_destroy(registry);
}

static void test_file_provider(void)
{
    /* first: a refused plugin must not leave the scratch directory behind */
    plugin_registry_t *registry = load_registry();
    scratch_t s;
    scratch_init(&s);
    const char *secrets = scratch_file(&s, "db.properties",
                                       "# credentials\n"
                                       "db.user = alice\n"
                                       "db.password=s3cr\\u00e9t\n"
                                       "key\\:with\\:colons=colon-value\n");
    sluice_strmap_t *worker =
        map_of("config.providers", "file", "config.providers.file.class",
               "org.apache.kafka.common.config.provider.FileConfigProvider", NULL);
    config_providers_t *providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    CU_ASSERT_EQUAL(config_providers_count(providers), 1);
    CU_ASSERT_STRING_EQUAL(config_providers_name_at(providers, 0), "file");

    sluice_strmap_t *props =
        map_of("connection.user", fmt("${file:%s:db.user}", secrets), "connection.password",
               fmt("${file:%s:db.password}", secrets), "connection.url",
               fmt("jdbc:mysql://${file:%s:db.user}@db/${file:%s:db.user}", secrets, secrets),
               "colons", fmt("${file:%s:key:with:colons}", secrets), "plain",
               "no placeholders: ${not one} $x {y}", "vault", "${vault:secret/data/x:key}", NULL);
    sluice_strmap_t *resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    if (!resolved)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_EQUAL(sluice_strmap_count(resolved), sluice_strmap_count(props));
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(resolved, 0), "connection.user");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "connection.user"), "alice");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "connection.password"), "s3cr\xc3\xa9t");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "connection.url"),
                           "jdbc:mysql://alice@db/alice");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "colons"), "colon-value");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "plain"),
                           "no placeholders: ${not one} $x {y}");
    /* a provider that is not configured: kept as it is, as Kafka does */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "vault"), "${vault:secret/data/x:key}");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);

    /* a missing key or file fails, naming the config key and the provider,
     * and never a value that did resolve */
    props = map_of("connection.url", fmt("${file:%s:db.user}/${file:%s:nope}", secrets, secrets),
                   "other", fmt("${file:%s/missing.properties:k}", s.dir), NULL);
    CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
    CU_ASSERT_STRING_EQUAL(
        errstr,
        fmt("Could not resolve '${file:%s:nope}' in configuration 'connection.url': config "
            "provider 'file' (org.apache.kafka.common.config.provider.FileConfigProvider) "
            "failed: no key 'nope' in the properties file %s\n"
            "Could not resolve '${file:%s/missing.properties:k}' in configuration 'other': "
            "config provider 'file' (org.apache.kafka.common.config.provider.FileConfigProvider) "
            "failed: cannot read %s/missing.properties: No such file or directory",
            secrets, secrets, s.dir, s.dir));
    CU_ASSERT_PTR_NULL(strstr(errstr, "alice"));
    sluice_strmap_destroy(props);

    /* no path */
    props = map_of("k", "${file:db.user}", NULL);
    CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "a file path is needed");
    sluice_strmap_destroy(props);

    config_providers_destroy(providers);
    sluice_strmap_destroy(worker);
    plugin_registry_destroy(registry);
    scratch_free(&s);
}

static void test_allowed_paths(void)
{
    /* first: a refused plugin must not leave the scratch directory behind */
    plugin_registry_t *registry = load_registry();
    scratch_t s;
    scratch_init(&s);
    const char *allowed = scratch_mkdir(&s, "allowed");
    const char *outside = scratch_mkdir(&s, "outside");
    const char *good = scratch_file(&s, "allowed/ok.properties", "k=inside\n");
    const char *bad = scratch_file(&s, "outside/secret.properties", "k=outside-secret\n");
    scratch_symlink(&s, "allowed/link.properties", bad);
    (void)outside;

    sluice_strmap_t *worker = map_of(
        "config.providers", " file , dir ", "config.providers.file.class", "FileConfigProvider",
        "config.providers.file.param.allowed.paths", allowed, "config.providers.dir.class",
        "DirectoryConfigProvider", "config.providers.dir.param.allowed.paths",
        fmt("/nonexistent-a-b-c,%s", allowed), NULL);
    /* every entry must exist */
    CU_ASSERT_PTR_NULL(config_providers_new(registry, worker, errstr, sizeof errstr));
    CU_ASSERT_STRING_EQUAL(errstr,
                           "Config provider 'dir' "
                           "(org.apache.kafka.common.config.provider.DirectoryConfigProvider)"
                           ": failed to start (FATAL): Path /nonexistent-a-b-c does not "
                           "exist");
    sluice_strmap_set(worker, "config.providers.dir.param.allowed.paths", "relative/dir");
    CU_ASSERT_PTR_NULL(config_providers_new(registry, worker, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "Path relative/dir is not absolute");
    sluice_strmap_set(worker, "config.providers.dir.param.allowed.paths",
                      fmt("%s/./sub/..", allowed));
    config_providers_t *providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    if (!providers)
        fprintf(stderr, "\n  %s\n", errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    CU_ASSERT_EQUAL(config_providers_count(providers), 2);

    sluice_strmap_t *props = map_of("a", fmt("${file:%s:k}", good), "b",
                                    fmt("${file:%s/./x/../ok.properties:k}", allowed), NULL);
    sluice_strmap_t *resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "a"), "inside");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "b"), "inside");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);

    /* outside, through "..", and through a symbolic link: all refused */
    static const char *const refused[] = {"%s", "%s/../outside/secret.properties",
                                          "%s/link.properties"};
    for (size_t i = 0; i < 3; i++) {
        const char *path = i == 0 ? fmt(refused[0], bad) : fmt(refused[i], allowed);
        props = map_of("db.password", fmt("${file:%s:k}", path), NULL);
        CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
        ASSERT_CONTAINS(errstr, "in configuration 'db.password': config provider 'file'");
        ASSERT_CONTAINS(errstr, "is not allowed to be accessed");
        CU_ASSERT_PTR_NULL(strstr(errstr, "outside-secret"));
        sluice_strmap_destroy(props);
    }
    props = map_of("x", fmt("${dir:%s:secret.properties}", outside), NULL);
    CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "config provider 'dir'");
    ASSERT_CONTAINS(errstr, "is not allowed to be accessed");
    CU_ASSERT_PTR_NULL(strstr(errstr, "outside-secret"));
    sluice_strmap_destroy(props);

    config_providers_destroy(providers);
    sluice_strmap_destroy(worker);
    plugin_registry_destroy(registry);
    scratch_free(&s);
}

static void test_env_provider(void)
{
    setenv("SLUICE_TEST_SECRET", "env-secret-value", 1);
    setenv("SLUICE_OTHER_SECRET", "other-secret-value", 1);
    unsetenv("SLUICE_TEST_UNSET");
    plugin_registry_t *registry = load_registry();
    sluice_strmap_t *worker =
        map_of("config.providers", "env", "config.providers.env.class", "EnvVarConfigProvider",
               "config.providers.env.param.allowlist.pattern", "SLUICE_TEST_.*", NULL);
    config_providers_t *providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);

    sluice_strmap_t *props = map_of("password", "${env:SLUICE_TEST_SECRET}", "url",
                                    "x-${env:SLUICE_TEST_SECRET}-y", NULL);
    sluice_strmap_t *resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "password"), "env-secret-value");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "url"), "x-env-secret-value-y");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);

    props = map_of("a", "${env:SLUICE_OTHER_SECRET}", "b", "${env:SLUICE_TEST_UNSET}", "c",
                   "${env:some/path:SLUICE_TEST_SECRET}", NULL);
    CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
    CU_ASSERT_STRING_EQUAL(
        errstr,
        "Could not resolve '${env:SLUICE_OTHER_SECRET}' in configuration 'a': config provider "
        "'env' (org.apache.kafka.common.config.provider.EnvVarConfigProvider) failed: the "
        "environment variable 'SLUICE_OTHER_SECRET' does not match allowlist.pattern\n"
        "Could not resolve '${env:SLUICE_TEST_UNSET}' in configuration 'b': config provider "
        "'env' (org.apache.kafka.common.config.provider.EnvVarConfigProvider) failed: the "
        "environment variable 'SLUICE_TEST_UNSET' is not set\n"
        "Could not resolve '${env:some/path:SLUICE_TEST_SECRET}' in configuration 'c': config "
        "provider 'env' (org.apache.kafka.common.config.provider.EnvVarConfigProvider) failed: "
        "Path is not supported for EnvVarConfigProvider, invalid value 'some/path'");
    CU_ASSERT_PTR_NULL(strstr(errstr, "secret-value"));
    sluice_strmap_destroy(props);
    config_providers_destroy(providers);

    /* the pattern must match the whole name, as Java's Pattern.matches */
    sluice_strmap_set(worker, "config.providers.env.param.allowlist.pattern", "SLUICE_TEST");
    providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    props = map_of("a", "${env:SLUICE_TEST_SECRET}", NULL);
    CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "does not match allowlist.pattern");
    sluice_strmap_destroy(props);
    config_providers_destroy(providers);

    /* alternatives are anchored as a whole */
    sluice_strmap_set(worker, "config.providers.env.param.allowlist.pattern",
                      "FOO|SLUICE_TEST_S.*");
    providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    props = map_of("a", "${env:SLUICE_TEST_SECRET}", "b", "${env:SLUICE_OTHER_SECRET}", NULL);
    CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
    CU_ASSERT_PTR_NULL(strstr(errstr, "'a'"));
    ASSERT_CONTAINS(errstr, "in configuration 'b'");
    sluice_strmap_destroy(props);
    config_providers_destroy(providers);

    /* a bad pattern is caught when the provider is configured */
    sluice_strmap_set(worker, "config.providers.env.param.allowlist.pattern", "(unclosed");
    CU_ASSERT_PTR_NULL(config_providers_new(registry, worker, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "Config provider 'env' "
                            "(org.apache.kafka.common.config.provider.EnvVarConfigProvider): "
                            "Invalid value (unclosed for configuration allowlist.pattern: not a "
                            "valid POSIX extended regular expression");

    /* the default allows every variable */
    sluice_strmap_remove(worker, "config.providers.env.param.allowlist.pattern");
    providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    props = map_of("b", "${env:SLUICE_OTHER_SECRET}", NULL);
    resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "b"), "other-secret-value");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);
    config_providers_destroy(providers);

    sluice_strmap_destroy(worker);
    plugin_registry_destroy(registry);
    unsetenv("SLUICE_TEST_SECRET");
    unsetenv("SLUICE_OTHER_SECRET");
}

static void test_directory_provider(void)
{
    /* first: a refused plugin must not leave the scratch directory behind */
    plugin_registry_t *registry = load_registry();
    scratch_t s;
    scratch_init(&s);
    scratch_file(&s, "db-password", "line one\nline two \n");
    scratch_file(&s, "empty", "");
    scratch_mkdir(&s, "subdir");
    sluice_strmap_t *worker = map_of("config.providers", "dir", "config.providers.dir.class",
                                     "DirectoryConfigProvider", NULL);
    config_providers_t *providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);

    sluice_strmap_t *props = map_of("password", fmt("${dir:%s:db-password}", s.dir), "empty",
                                    fmt("${dir:%s:empty}", s.dir), NULL);
    sluice_strmap_t *resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    /* the content byte for byte, trailing newline included (as Kafka) */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "password"), "line one\nline two \n");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "empty"), "");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);

    static const char *const bad[][2] = {
        {"${dir:%s:../etc}", "is not a file name"},
        {"${dir:%s:subdir}", "is not a regular file"},
        {"${dir:%s:absent}", "No such file or directory"},
        {"${dir:%s/db-password:x}", "is not a directory"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char value[600];
        snprintf(value, sizeof value, bad[i][0], s.dir);
        props = map_of("k", value, NULL);
        CU_ASSERT_PTR_NULL(config_providers_resolve(providers, props, errstr, sizeof errstr));
        ASSERT_CONTAINS(errstr, "in configuration 'k': config provider 'dir'");
        ASSERT_CONTAINS(errstr, bad[i][1]);
        sluice_strmap_destroy(props);
    }
    config_providers_destroy(providers);
    sluice_strmap_destroy(worker);
    plugin_registry_destroy(registry);
    scratch_free(&s);
}

static void test_provider_configuration_errors(void)
{
    plugin_registry_t *registry = load_registry();
    /* a name without a class, a class that does not exist, one good */
    sluice_strmap_t *worker = map_of("config.providers", "file,vault,env,,file",
                                     "config.providers.vault.class", "com.example.VaultProvider",
                                     "config.providers.env.class", "EnvVarConfigProvder", NULL);
    CU_ASSERT_PTR_NULL(config_providers_new(registry, worker, errstr, sizeof errstr));
    ASSERT_CONTAINS(errstr, "config.providers lists 'file' but config.providers.file.class is "
                            "not set\n");
    ASSERT_CONTAINS(errstr, "Invalid value com.example.VaultProvider for configuration "
                            "config.providers.vault.class: Could not find a config provider "
                            "class with that name or alias");
    ASSERT_CONTAINS(errstr, "Invalid value EnvVarConfigProvder for configuration "
                            "config.providers.env.class");
    ASSERT_CONTAINS(errstr, "EnvVarConfigProvider");
    sluice_strmap_destroy(worker);

    /* nothing configured: an empty set that keeps every placeholder */
    worker = map_of("bootstrap.servers", "localhost:9092", NULL);
    config_providers_t *providers = config_providers_new(NULL, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    CU_ASSERT_EQUAL(config_providers_count(providers), 0);
    sluice_strmap_t *props = map_of("a", "${file:/x:y}", NULL);
    sluice_strmap_t *resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "a"), "${file:/x:y}");
    sluice_strmap_destroy(resolved);
    resolved = config_providers_resolve(NULL, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "a"), "${file:/x:y}");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);
    config_providers_destroy(providers);
    config_providers_destroy(NULL);
    sluice_strmap_destroy(worker);
    plugin_registry_destroy(registry);
}

static void test_placeholder_syntax(void)
{
    CU_ASSERT_TRUE(config_providers_has_placeholder("${a:b}"));
    CU_ASSERT_TRUE(config_providers_has_placeholder("x${a:b:c}y"));
    CU_ASSERT_TRUE(config_providers_has_placeholder("${a}${b:c}"));
    CU_ASSERT_TRUE(config_providers_has_placeholder("${:}"));
    CU_ASSERT_FALSE(config_providers_has_placeholder("${a}"));
    CU_ASSERT_FALSE(config_providers_has_placeholder("$ {a:b}"));
    CU_ASSERT_FALSE(config_providers_has_placeholder("${a:b"));
    CU_ASSERT_FALSE(config_providers_has_placeholder("plain"));
    CU_ASSERT_FALSE(config_providers_has_placeholder(NULL));

    /* as Kafka's pattern: the provider runs to the first ':', and "${a}"
     * before a real placeholder is not one */
    setenv("SLUICE_TEST_V", "v", 1);
    plugin_registry_t *registry = load_registry();
    sluice_strmap_t *worker = map_of("config.providers", "env", "config.providers.env.class",
                                     "EnvVarConfigProvider", NULL);
    config_providers_t *providers = config_providers_new(registry, worker, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(providers);
    sluice_strmap_t *props = map_of("a", "${x}${env:SLUICE_TEST_V}$${env:SLUICE_TEST_V}}", "b",
                                    "${env${env:SLUICE_TEST_V}", NULL);
    sluice_strmap_t *resolved = config_providers_resolve(providers, props, errstr, sizeof errstr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(resolved);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "a"), "${x}v$v}");
    /* "${env${env:" is provider "env${env": not configured, kept */
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(resolved, "b"), "${env${env:SLUICE_TEST_V}");
    sluice_strmap_destroy(resolved);
    sluice_strmap_destroy(props);
    config_providers_destroy(providers);
    sluice_strmap_destroy(worker);
    plugin_registry_destroy(registry);
    unsetenv("SLUICE_TEST_V");
}

void test_register(void)
{
    TEST_SUITE("config providers", {"plugin classes and aliases", test_plugin_classes},
               {"FileConfigProvider", test_file_provider}, {"allowed.paths", test_allowed_paths},
               {"EnvVarConfigProvider", test_env_provider},
               {"DirectoryConfigProvider", test_directory_provider},
               {"configuration errors", test_provider_configuration_errors},
               {"placeholder syntax", test_placeholder_syntax});
}
