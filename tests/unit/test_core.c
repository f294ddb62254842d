/* The small core pieces: byte buffer, string map, log levels, contexts. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sluice/plugin.h>

#include "ctx.h"
#include "log.h"
#include "test_util.h"

static void test_buf_append_and_offsets(void)
{
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_EQUAL(sluice_buf_len(b), 0);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "");
    CU_ASSERT_EQUAL(sluice_buf_puts(b, "abc"), 0);
    CU_ASSERT_EQUAL(sluice_buf_putc(b, '-'), 3);
    size_t off = sluice_buf_printf(b, "%d/%s", 42, "x");
    CU_ASSERT_EQUAL(off, 4);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "abc-42/x");
    sluice_buf_write_at(b, 0, "XY", 2);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "XYc-42/x");
    sluice_buf_truncate(b, 3);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "XYc");
    CU_ASSERT_EQUAL(sluice_buf_len(b), 3);
    sluice_buf_destroy(b);
    sluice_buf_destroy(NULL);
}

static void test_buf_grows_past_many_pages(void)
{
    sluice_buf_t *b = sluice_buf_new();
    char chunk[1000];
    memset(chunk, 'z', sizeof chunk);
    for (int i = 0; i < 1000; i++)
        sluice_buf_append(b, chunk, sizeof chunk);
    CU_ASSERT_EQUAL(sluice_buf_len(b), 1000000);
    CU_ASSERT_EQUAL(sluice_buf_data(b)[999999], 'z');
    CU_ASSERT_EQUAL(sluice_buf_data(b)[1000000], '\0');
    /* A formatted append longer than the spare room takes the second path. */
    sluice_buf_reset(b);
    sluice_buf_printf(b, "%0500d", 7);
    CU_ASSERT_EQUAL(sluice_buf_len(b), 500);
    CU_ASSERT_EQUAL(sluice_buf_data(b)[499], '7');
    sluice_buf_destroy(b);
}

static void test_buf_null_state(void)
{
    sluice_buf_t *b = sluice_buf_new();
    CU_ASSERT_FALSE(sluice_buf_is_null(b));
    sluice_buf_puts(b, "data");
    sluice_buf_set_null(b);
    CU_ASSERT_TRUE(sluice_buf_is_null(b));
    CU_ASSERT_EQUAL(sluice_buf_len(b), 0);
    sluice_buf_puts(b, "");
    CU_ASSERT_FALSE(sluice_buf_is_null(b)); /* appending, even nothing, clears null */
    sluice_buf_set_null(b);
    sluice_buf_reset(b);
    CU_ASSERT_FALSE(sluice_buf_is_null(b));
    sluice_buf_destroy(b);
}

static void test_buf_reserve_commit_detach(void)
{
    sluice_buf_t *b = sluice_buf_new();
    char *p = sluice_buf_reserve(b, 10);
    memcpy(p, "0123456789", 10);
    sluice_buf_commit(b, 6);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(b), "012345");
    size_t len = 0;
    char *s = sluice_buf_detach(b, &len);
    CU_ASSERT_EQUAL(len, 6);
    CU_ASSERT_STRING_EQUAL(s, "012345");
    free(s);
    CU_ASSERT_EQUAL(sluice_buf_len(b), 0);
    s = sluice_buf_detach(b, NULL); /* detaching an empty buffer gives "" */
    CU_ASSERT_STRING_EQUAL(s, "");
    free(s);
    sluice_buf_destroy(b);
}

static void test_strmap_order_and_replace(void)
{
    sluice_strmap_t *m = sluice_strmap_new();
    sluice_strmap_set(m, "name", "a");
    sluice_strmap_set(m, "connector.class", "FileStreamSource");
    sluice_strmap_set(m, "tasks.max", "1");
    sluice_strmap_set(m, "name", "b"); /* replaces in place */
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 3);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(m, 0), "name");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_value_at(m, 0), "b");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(m, "tasks.max"), "1");
    CU_ASSERT_PTR_NULL(sluice_strmap_get(m, "missing"));
    CU_ASSERT_PTR_NULL(sluice_strmap_key_at(m, 3));
    CU_ASSERT_TRUE(sluice_strmap_remove(m, "connector.class"));
    CU_ASSERT_FALSE(sluice_strmap_remove(m, "connector.class"));
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 2);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(m, 1), "tasks.max");
    sluice_strmap_destroy(m);
    sluice_strmap_destroy(NULL);
}

static void test_strmap_copy_and_subset(void)
{
    sluice_strmap_t *m = sluice_strmap_new();
    sluice_strmap_set(m, "value.converter", "JsonConverter");
    sluice_strmap_set(m, "value.converter.schemas.enable", "false");
    sluice_strmap_set(m, "key.converter.schemas.enable", "true");
    sluice_strmap_set(m, "value.converter.decimal.format", "NUMERIC");
    sluice_strmap_t *sub = sluice_strmap_subset(m, "value.converter.", true);
    CU_ASSERT_EQUAL(sluice_strmap_count(sub), 2);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(sub, 0), "schemas.enable");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(sub, "decimal.format"), "NUMERIC");
    sluice_strmap_t *kept = sluice_strmap_subset(m, "key.", false);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(kept, 0), "key.converter.schemas.enable");
    sluice_strmap_t *copy = sluice_strmap_copy(m);
    sluice_strmap_set(m, "value.converter", "changed");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_get(copy, "value.converter"), "JsonConverter");
    CU_ASSERT_EQUAL(sluice_strmap_count(copy), 4);
    sluice_strmap_t *empty = sluice_strmap_copy(NULL);
    CU_ASSERT_EQUAL(sluice_strmap_count(empty), 0);
    sluice_strmap_destroy(empty);
    sluice_strmap_destroy(copy);
    sluice_strmap_destroy(kept);
    sluice_strmap_destroy(sub);
    sluice_strmap_destroy(m);
}

static void test_log_levels(void)
{
    sluice_log_level_t level;
    CU_ASSERT_TRUE(log_level_parse("warn", &level));
    CU_ASSERT_EQUAL(level, SLUICE_LOG_WARN);
    CU_ASSERT_TRUE(log_level_parse("TRACE", &level));
    CU_ASSERT_EQUAL(level, SLUICE_LOG_TRACE);
    CU_ASSERT_FALSE(log_level_parse("LOUD", &level));
    CU_ASSERT_STRING_EQUAL(log_level_name(SLUICE_LOG_INFO), "INFO");
}

/* Captures what a function writes to stderr. */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
    char path[] = "/tmp/sluice-test-log-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    fn(arg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char *text = calloc(1, 8192);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, text, 8191);
    if (n < 0)
        n = 0;
    text[n] = '\0';
    close(fd);
    unlink(path);
    return text;
}

static void log_through_ctx(void *arg)
{
    sluice_ctx_t *ctx = arg;
    sluice_log(ctx, SLUICE_LOG_INFO, "started %d lines", 3);
    sluice_log(ctx, SLUICE_LOG_DEBUG, "hidden at INFO");
}

static void test_ctx_logs_with_context(void)
{
    sluice_log_level_t saved = log_get_level();
    log_set_level(SLUICE_LOG_INFO);
    sluice_ctx_t *ctx = ctx_new("local-file-source|task-0", "FileStreamSourceTask");
    CU_ASSERT_STRING_EQUAL(sluice_ctx_name(ctx), "local-file-source|task-0");
    CU_ASSERT_TRUE(sluice_log_enabled(ctx, SLUICE_LOG_INFO));
    CU_ASSERT_FALSE(sluice_log_enabled(ctx, SLUICE_LOG_DEBUG));
    char *out = capture_stderr(log_through_ctx, ctx);
    ASSERT_CONTAINS(out, " INFO [local-file-source|task-0] started 3 lines (FileStreamSourceTask)");
    CU_ASSERT_PTR_NULL(strstr(out, "hidden at INFO"));
    CU_ASSERT_EQUAL(out[0], '[');
    free(out);
    ctx_destroy(ctx);
    ctx_destroy(NULL);
    log_set_level(saved);
}

static void log_named_lines(void *arg)
{
    (void)arg;
    log_debug(NULL, "Herder.sub", "sub debug shown");
    log_debug(NULL, "Herder", "herder debug shown");
    log_debug(NULL, "WorkerSinkTask", "sink debug hidden");
    log_info(NULL, "Quiet", "quiet info hidden");
}

/* Kafka's /admin/loggers semantics: a level set on a logger applies to it
 * and its dotted descendants, root covers every logger, and the listing
 * shows the effective level and when it was changed. */
static void test_named_logger_levels(void)
{
    sluice_log_level_t saved = log_get_level();
    log_set_level(SLUICE_LOG_INFO);
    log_info(NULL, "Herder.sub", "registers the logger");
    log_logger_info_t info;
    CU_ASSERT_FALSE(log_logger_get("NoSuchLogger", &info));
    CU_ASSERT_TRUE(log_logger_get("Herder.sub", &info));
    CU_ASSERT_EQUAL(info.level, SLUICE_LOG_INFO);
    CU_ASSERT_EQUAL(info.last_modified_ms, -1);

    char **affected;
    size_t n = log_logger_set("Herder", SLUICE_LOG_DEBUG, &affected);
    CU_ASSERT_EQUAL(n, 2);
    if (n == 2) {
        CU_ASSERT_STRING_EQUAL(affected[0], "Herder");
        CU_ASSERT_STRING_EQUAL(affected[1], "Herder.sub");
    }
    for (size_t i = 0; i < n; i++)
        free(affected[i]);
    free(affected);
    CU_ASSERT_EQUAL(log_get_level(), SLUICE_LOG_DEBUG); /* the fast check lets DEBUG through */
    CU_ASSERT_EQUAL(log_logger_set("Quiet", SLUICE_LOG_WARN, NULL), 1);

    char *out = capture_stderr(log_named_lines, NULL);
    ASSERT_CONTAINS(out, "sub debug shown");
    ASSERT_CONTAINS(out, "herder debug shown");
    CU_ASSERT_PTR_NULL(strstr(out, "sink debug hidden"));
    CU_ASSERT_PTR_NULL(strstr(out, "quiet info hidden"));
    free(out);

    CU_ASSERT_TRUE(log_logger_get("Herder.sub", &info));
    CU_ASSERT_EQUAL(info.level, SLUICE_LOG_DEBUG);
    CU_ASSERT(info.last_modified_ms > 0);
    log_logger_info_t *all;
    size_t count = log_loggers(&all);
    CU_ASSERT(count >= 4);
    CU_ASSERT_STRING_EQUAL(all[0].name, "root");
    for (size_t i = 2; i < count; i++)
        CU_ASSERT(strcmp(all[i - 1].name, all[i].name) < 0);
    log_loggers_free(all, count);

    /* root: every logger follows */
    n = log_logger_set("root", SLUICE_LOG_INFO, NULL);
    CU_ASSERT(n >= 4);
    CU_ASSERT_TRUE(log_logger_get("Herder", &info));
    CU_ASSERT_EQUAL(info.level, SLUICE_LOG_INFO);
    CU_ASSERT_EQUAL(log_get_level(), SLUICE_LOG_INFO);
    log_set_level(saved);
}

static int hook_calls;
static sluice_value_t *hook_offset(void *owner, const sluice_value_t *partition)
{
    (void)partition;
    hook_calls += *(int *)owner;
    return NULL;
}

static void test_ctx_hooks_absent_and_present(void)
{
    sluice_ctx_t *ctx = ctx_new("c", NULL);
    /* Without hooks every runtime call is a harmless no-op. */
    CU_ASSERT_PTR_NULL(sluice_ctx_offset(ctx, NULL));
    sluice_ctx_request_reconfiguration(ctx);
    sluice_ctx_seek(ctx, "t", 0, 5);
    sluice_ctx_request_commit(ctx);
    static const ctx_hooks_t hooks = {.offset = hook_offset};
    int weight = 7;
    ctx_set_hooks(ctx, &hooks, &weight);
    hook_calls = 0;
    CU_ASSERT_PTR_NULL(sluice_ctx_offset(ctx, NULL));
    CU_ASSERT_EQUAL(hook_calls, 7);
    ctx_destroy(ctx);
}

static void test_result_names(void)
{
    CU_ASSERT_STRING_EQUAL(sluice_result_name(SLUICE_OK), "OK");
    CU_ASSERT_STRING_EQUAL(sluice_result_name(SLUICE_RETRY), "RETRY");
    CU_ASSERT_STRING_EQUAL(sluice_result_name(SLUICE_FATAL), "FATAL");
    CU_ASSERT_STRING_EQUAL(sluice_result_name(SLUICE_DROP), "DROP");
}

void test_register(void)
{
    TEST_SUITE("buf", {"append and offsets", test_buf_append_and_offsets},
               {"grows", test_buf_grows_past_many_pages}, {"null state", test_buf_null_state},
               {"reserve, commit, detach", test_buf_reserve_commit_detach});
    TEST_SUITE("strmap", {"order and replace", test_strmap_order_and_replace},
               {"copy and subset", test_strmap_copy_and_subset});
    TEST_SUITE(
        "log and ctx", {"levels", test_log_levels}, {"named loggers", test_named_logger_levels},
        {"ctx logs with context", test_ctx_logs_with_context},
        {"ctx hooks", test_ctx_hooks_absent_and_present}, {"result names", test_result_names});
}
