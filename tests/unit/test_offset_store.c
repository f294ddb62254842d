/* The standalone source-offset store: Kafka's key/value JSON, the file round
 * trip, atomic replacement, refusal of corrupt files, concurrency. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/value.h>

#include "offset_store.h"
#include "test_util.h"

static char dir[64];
static char path[128];

static void setup(void)
{
    strcpy(dir, "/tmp/sluice-offsets-XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/connect.offsets", dir);
}

static void teardown(void)
{
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    unlink(tmp);
    unlink(path);
    rmdir(dir);
}

static void write_text(const char *file, const char *text)
{
    FILE *f = fopen(file, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return NULL;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static sluice_value_t *file_partition(const char *filename)
{
    sluice_value_t *p = sluice_value_map_new();
    sluice_value_map_put_str(p, "filename", sluice_value_cstring(filename));
    return p;
}

static sluice_value_t *position(int64_t pos)
{
    sluice_value_t *o = sluice_value_map_new();
    sluice_value_map_put_str(o, "position", sluice_value_int64(pos));
    return o;
}

static int put_one(offset_store_t *store, const char *connector, sluice_value_t *partition,
                   sluice_value_t *offset)
{
    char errstr[512];
    offset_store_entry_t e = {partition, offset};
    int rc = offset_store_put(store, connector, &e, 1, errstr, sizeof errstr);
    sluice_value_destroy(partition);
    sluice_value_destroy(offset);
    return rc;
}

static int64_t get_position(offset_store_t *store, const char *connector, const char *filename)
{
    sluice_value_t *p = file_partition(filename);
    sluice_value_t *o = offset_store_get(store, connector, p);
    sluice_value_destroy(p);
    if (!o)
        return -1;
    const sluice_value_t *pos = sluice_value_map_get_str(o, "position");
    int64_t v =
        pos && sluice_value_type(pos) == SLUICE_TYPE_INT64 ? sluice_value_get_int64(pos) : -2;
    sluice_value_destroy(o);
    return v;
}

/* The bytes are Kafka's: the same as its offsets topic holds. */
static void test_kafka_key_and_value_bytes(void)
{
    char errstr[256];
    sluice_value_t *p = file_partition("/tmp/in.txt");
    size_t len;
    char *key = offset_store_key_encode("file-source", p, &len, errstr, sizeof errstr);
    CU_ASSERT_STRING_EQUAL(key, "[\"file-source\",{\"filename\":\"/tmp/in.txt\"}]");
    CU_ASSERT_EQUAL(len, strlen(key));
    sluice_value_t *o = position(1234);
    char *value = offset_store_value_encode(o, NULL, errstr, sizeof errstr);
    CU_ASSERT_STRING_EQUAL(value, "{\"position\":1234}");

    char *name = NULL;
    sluice_value_t *back = NULL;
    CU_ASSERT_EQUAL(offset_store_key_decode(key, len, &name, &back, errstr, sizeof errstr), 0);
    CU_ASSERT_STRING_EQUAL(name, "file-source");
    CU_ASSERT(sluice_value_equals(back, p));
    sluice_value_t *oback = offset_store_value_decode(value, strlen(value), errstr, sizeof errstr);
    CU_ASSERT(sluice_value_equals(oback, o));

    /* Kafka ignores keys that are not [string, map]; decoding says why. */
    CU_ASSERT_EQUAL(
        offset_store_key_decode("[\"x\"]", 5, &name, &back, errstr, sizeof errstr) == 0 ? 0 : -1,
        -1);
    ASSERT_CONTAINS(errstr, "the key must be");

    free(key);
    free(value);
    free(name);
    sluice_value_destroy(back);
    sluice_value_destroy(oback);
    sluice_value_destroy(p);
    sluice_value_destroy(o);
}

static void test_file_source_round_trip(void)
{
    setup();
    char errstr[512];
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);
    CU_ASSERT_EQUAL(get_position(store, "local-file-source", "/tmp/x"), -1);
    CU_ASSERT_EQUAL(put_one(store, "local-file-source", file_partition("/tmp/x"), position(1234)),
                    0);
    CU_ASSERT(offset_store_dirty(store));
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    CU_ASSERT(!offset_store_dirty(store));
    offset_store_destroy(store);

    /* The documented text format, one entry per line. */
    CU_ASSERT_STRING_EQUAL(read_text(path), "{\"key\":[\"local-file-source\",{\"filename\":"
                                            "\"/tmp/x\"}],\"value\":{\"position\":1234}}\n");

    store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);
    CU_ASSERT_EQUAL(get_position(store, "local-file-source", "/tmp/x"), 1234);
    /* Namespaced by connector. */
    CU_ASSERT_EQUAL(get_position(store, "other-source", "/tmp/x"), -1);
    offset_store_destroy(store);
    teardown();
}

static void test_typed_values_round_trip(void)
{
    setup();
    char errstr[512];
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);

    sluice_value_t *part = sluice_value_map_new();
    sluice_value_map_put_str(part, "table", sluice_value_cstring("orders \"eu\"\n\xc3\xa9"));
    sluice_value_map_put_str(part, "shard", sluice_value_int64(3));

    sluice_value_t *off = sluice_value_map_new();
    sluice_value_map_put_str(off, "position", sluice_value_int64(INT64_MAX));
    sluice_value_map_put_str(off, "negative", sluice_value_int64(INT64_MIN));
    sluice_value_map_put_str(off, "lsn", sluice_value_cstring("0/16B3748"));
    sluice_value_map_put_str(off, "snapshot", sluice_value_boolean(true));
    sluice_value_map_put_str(off, "done", sluice_value_boolean(false));
    sluice_value_map_put_str(off, "ratio", sluice_value_float64(0.1));
    sluice_value_map_put_str(off, "nothing", NULL);
    sluice_value_t *nested = sluice_value_map_new();
    sluice_value_map_put_str(nested, "ts", sluice_value_int64(1700000000000));
    sluice_value_t *inner = sluice_value_map_new();
    sluice_value_map_put_str(inner, "id", sluice_value_string("a\0b", 3));
    sluice_value_map_put_str(nested, "inner", inner);
    sluice_value_t *arr = sluice_value_array_new();
    sluice_value_array_append(arr, sluice_value_int64(1));
    sluice_value_array_append(arr, sluice_value_cstring("two"));
    sluice_value_map_put_str(nested, "list", arr);
    sluice_value_map_put_str(off, "nested", nested);

    offset_store_entry_t e = {part, off};
    CU_ASSERT_EQUAL_FATAL(offset_store_put(store, "jdbc", &e, 1, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    offset_store_destroy(store);

    store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);
    sluice_value_t *back = offset_store_get(store, "jdbc", part);
    CU_ASSERT_FATAL(back != NULL);
    /* Every type above reads back as itself (integers are INT64 already). */
    CU_ASSERT(sluice_value_equals(back, off));
    CU_ASSERT_EQUAL(sluice_value_map_count(back), 8);
    CU_ASSERT_STRING_EQUAL(sluice_value_get_string(sluice_value_map_key_at(back, 0), NULL),
                           "position");
    const sluice_value_t *id = sluice_value_map_get_str(
        sluice_value_map_get_str(sluice_value_map_get_str(back, "nested"), "inner"), "id");
    size_t idlen;
    sluice_value_get_string(id, &idlen);
    CU_ASSERT_EQUAL(idlen, 3);
    sluice_value_destroy(back);

    /* Narrow integers are written as numbers and read back as INT64, as
     * JsonConverter without schemas does. */
    sluice_value_t *o32 = sluice_value_map_new();
    sluice_value_map_put_str(o32, "n", sluice_value_int32(7));
    e.offset = o32;
    CU_ASSERT_EQUAL(offset_store_put(store, "jdbc", &e, 1, errstr, sizeof errstr), 0);
    back = offset_store_get(store, "jdbc", part);
    CU_ASSERT_EQUAL(sluice_value_type(sluice_value_map_get_str(back, "n")), SLUICE_TYPE_INT64);
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(back, "n")), 7);
    sluice_value_destroy(back);
    sluice_value_destroy(o32);

    offset_store_destroy(store);
    sluice_value_destroy(part);
    sluice_value_destroy(off);
    teardown();
}

/* What would not read back as written is refused, and the batch with it. */
static void test_put_refuses_unstorable(void)
{
    char errstr[512];
    offset_store_t *store = offset_store_new(NULL, errstr, sizeof errstr);
    sluice_value_t *good = file_partition("/a");
    sluice_value_t *bad = sluice_value_map_new();
    sluice_value_map_put_str(bad, "blob", sluice_value_bytes("\x01\x02", 2));
    offset_store_entry_t batch[2] = {{good, position(1)}, {good, bad}};
    CU_ASSERT_EQUAL(offset_store_put(store, "c", batch, 2, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "offset 1 of connector c");
    ASSERT_CONTAINS(errstr, "blob");
    CU_ASSERT_EQUAL(get_position(store, "c", "/a"), -1);
    CU_ASSERT(!offset_store_dirty(store));

    sluice_value_t *notmap = sluice_value_int64(5);
    offset_store_entry_t e = {notmap, batch[0].offset};
    CU_ASSERT_EQUAL(offset_store_put(store, "c", &e, 1, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "partition must be a map");

    sluice_value_t *nan = sluice_value_map_new();
    sluice_value_map_put_str(nan, "x", sluice_value_float64(0.0 / 0.0));
    e.partition = good;
    e.offset = nan;
    CU_ASSERT_EQUAL(offset_store_put(store, "c", &e, 1, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "cannot be stored");

    sluice_value_destroy(nan);
    sluice_value_destroy(notmap);
    sluice_value_destroy(batch[0].offset);
    sluice_value_destroy(bad);
    sluice_value_destroy(good);
    offset_store_destroy(store);
}

static void test_missing_file_is_empty(void)
{
    setup();
    char errstr[512];
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);
    CU_ASSERT(!offset_store_dirty(store));
    /* Nothing changed: flushing writes nothing. */
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    offset_store_destroy(store);
    teardown();
}

/* A crash mid-flush leaves a stale or half-written temp file beside the
 * real one; the real file is what loads, and the next flush still works. */
static void test_crash_leaves_old_content(void)
{
    setup();
    char errstr[512], tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(put_one(store, "src", file_partition("/f"), position(100)), 0);
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    offset_store_destroy(store);

    /* The crash: a temp file cut off in the middle of a line. */
    write_text(tmp, "{\"key\":[\"src\",{\"filename\":\"/f\"}],\"value\":{\"posi");

    store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);
    CU_ASSERT_EQUAL(get_position(store, "src", "/f"), 100);
    CU_ASSERT_EQUAL(put_one(store, "src", file_partition("/f"), position(200)), 0);
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    offset_store_destroy(store);
    /* The temp file was consumed by the rename. */
    CU_ASSERT_EQUAL(access(tmp, F_OK), -1);

    store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(get_position(store, "src", "/f"), 200);
    offset_store_destroy(store);
    teardown();
}

/* A flush that fails leaves the old file intact and the store dirty. */
static void test_failed_flush_keeps_old_file(void)
{
    setup();
    char errstr[512], tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(put_one(store, "src", file_partition("/f"), position(1)), 0);
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);

    /* A directory where the temp file must go makes the write fail. */
    CU_ASSERT_EQUAL_FATAL(mkdir(tmp, 0700), 0);
    CU_ASSERT_EQUAL(put_one(store, "src", file_partition("/f"), position(2)), 0);
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, path);
    CU_ASSERT(offset_store_dirty(store));
    rmdir(tmp);

    offset_store_t *other = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(get_position(other, "src", "/f"), 1);
    offset_store_destroy(other);

    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    other = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(get_position(other, "src", "/f"), 2);
    offset_store_destroy(other);
    offset_store_destroy(store);
    teardown();
}

static void expect_refused(const char *text, const char *where, const char *why)
{
    setup();
    char errstr[512];
    write_text(path, text);
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT(store == NULL);
    ASSERT_CONTAINS(errstr, path);
    ASSERT_CONTAINS(errstr, where);
    ASSERT_CONTAINS(errstr, why);
    offset_store_destroy(store);
    teardown();
}

static void test_corrupt_file_refused(void)
{
    const char *good = "{\"key\":[\"s\",{\"filename\":\"/f\"}],\"value\":{\"position\":1}}\n";
    char text[1024];

    /* Torn JSON on line 2: the position is named. */
    snprintf(text, sizeof text, "%s{\"key\":[\"s\",{\"filename\":\"/g\"}],\"value\":{\"po", good);
    expect_refused(text, "line 2, column", "");

    /* Garbage in the middle of line 1. */
    expect_refused("{\"key\": [\"s\", {}], \"value\": {\"position\": 12x}}\n", "line 1, column 44",
                   "");

    /* Valid JSON, wrong shapes. */
    snprintf(text, sizeof text, "%s\n{\"key\":[\"s\"],\"value\":{}}\n", good);
    expect_refused(text, "line 3", "the key must be");
    expect_refused("{\"key\":[\"s\",{}],\"value\":5}\n", "line 1", "value must be a JSON object");
    expect_refused("{\"key\":[\"s\",{}]}\n", "line 1", "exactly \"key\" and \"value\"");
    snprintf(text, sizeof text, "%s%s", good, good);
    expect_refused(text, "line 2", "earlier line");
    /* A Java-serialised file from Kafka is not silently read as empty. */
    expect_refused("\xac\xed\x00\x05sr\x00\x11java.util.HashMap", "line 1, column 1", "");
}

static void test_remove_and_list(void)
{
    char errstr[512];
    offset_store_t *store = offset_store_new(NULL, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(put_one(store, "a", file_partition("/1"), position(1)), 0);
    CU_ASSERT_EQUAL(put_one(store, "ab", file_partition("/1"), position(9)), 0);
    CU_ASSERT_EQUAL(put_one(store, "a", file_partition("/2"), position(2)), 0);
    CU_ASSERT_EQUAL(put_one(store, "a\"", file_partition("/3"), position(3)), 0);

    offset_store_entry_t *entries;
    size_t n = offset_store_list(store, "a", &entries);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    sluice_value_t *p1 = file_partition("/1"), *p2 = file_partition("/2");
    CU_ASSERT(sluice_value_equals(entries[0].partition, p1));
    CU_ASSERT(sluice_value_equals(entries[1].partition, p2));
    CU_ASSERT_EQUAL(sluice_value_get_int64(sluice_value_map_get_str(entries[1].offset, "position")),
                    2);
    offset_store_entries_free(entries, n);

    /* A null offset is Kafka's tombstone. */
    CU_ASSERT_EQUAL(put_one(store, "a", file_partition("/2"), NULL), 0);
    CU_ASSERT_EQUAL(get_position(store, "a", "/2"), -1);

    CU_ASSERT_EQUAL(offset_store_remove_connector(store, "a"), 1);
    CU_ASSERT_EQUAL(offset_store_list(store, "a", &entries), 0);
    CU_ASSERT(entries == NULL);
    /* Connectors whose names merely start the same are untouched. */
    CU_ASSERT_EQUAL(get_position(store, "ab", "/1"), 9);
    CU_ASSERT_EQUAL(get_position(store, "a\"", "/3"), 3);
    CU_ASSERT_EQUAL(offset_store_remove_connector(store, "a"), 0);
    sluice_value_destroy(p1);
    sluice_value_destroy(p2);
    offset_store_destroy(store);
}

static void test_remove_persists(void)
{
    setup();
    char errstr[512];
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(put_one(store, "gone", file_partition("/1"), position(1)), 0);
    CU_ASSERT_EQUAL(put_one(store, "kept", file_partition("/1"), position(2)), 0);
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(offset_store_remove_connector(store, "gone"), 1);
    CU_ASSERT(offset_store_dirty(store));
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    offset_store_destroy(store);
    store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(get_position(store, "gone", "/1"), -1);
    CU_ASSERT_EQUAL(get_position(store, "kept", "/1"), 2);
    offset_store_destroy(store);
    teardown();
}

/* ---- concurrency --------------------------------------------------------- */

#define PUTTERS 2
#define PUTS 2000

struct putter {
    offset_store_t *store;
    int id;
};

static void *putter_main(void *arg)
{
    struct putter *pt = arg;
    char name[32];
    snprintf(name, sizeof name, "task-%d", pt->id);
    for (int i = 1; i <= PUTS; i++) {
        char file[32];
        snprintf(file, sizeof file, "/f%d", i % 50);
        if (put_one(pt->store, name, file_partition(file), position(i)) != 0)
            return (void *)1;
    }
    return NULL;
}

static volatile int putters_done;

static void *flusher_main(void *arg)
{
    offset_store_t *store = arg;
    char errstr[512];
    int flushes = 0;
    while (!__atomic_load_n(&putters_done, __ATOMIC_ACQUIRE) || flushes == 0) {
        if (offset_store_flush(store, errstr, sizeof errstr) != 0)
            return (void *)1;
        flushes++;
    }
    return NULL;
}

static void test_concurrent_put_and_flush(void)
{
    setup();
    char errstr[512];
    offset_store_t *store = offset_store_new(path, errstr, sizeof errstr);
    pthread_t putters[PUTTERS], flusher;
    struct putter args[PUTTERS];
    putters_done = 0;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&flusher, NULL, flusher_main, store), 0);
    for (int i = 0; i < PUTTERS; i++) {
        args[i] = (struct putter){store, i};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&putters[i], NULL, putter_main, &args[i]), 0);
    }
    for (int i = 0; i < PUTTERS; i++) {
        void *rv;
        pthread_join(putters[i], &rv);
        CU_ASSERT(rv == NULL);
    }
    __atomic_store_n(&putters_done, 1, __ATOMIC_RELEASE);
    void *rv;
    pthread_join(flusher, &rv);
    CU_ASSERT(rv == NULL);
    /* The last puts may have landed after the flusher's last write. */
    CU_ASSERT_EQUAL(offset_store_flush(store, errstr, sizeof errstr), 0);
    CU_ASSERT(!offset_store_dirty(store));
    offset_store_destroy(store);

    store = offset_store_new(path, errstr, sizeof errstr);
    CU_ASSERT_FATAL(store != NULL);
    for (int t = 0; t < PUTTERS; t++) {
        char name[32];
        snprintf(name, sizeof name, "task-%d", t);
        offset_store_entry_t *entries;
        CU_ASSERT_EQUAL(offset_store_list(store, name, &entries), 50);
        offset_store_entries_free(entries, 50);
        for (int f = 0; f < 50; f++) {
            char file[32];
            snprintf(file, sizeof file, "/f%d", f);
            /* The last position put for /f<f> is the largest i <= PUTS with i % 50 == f. */
            int64_t want = PUTS - ((PUTS - f) % 50);
            CU_ASSERT_EQUAL(get_position(store, name, file), want);
        }
    }
    offset_store_destroy(store);
    teardown();
}

void test_register(void)
{
    TEST_SUITE("offset_store", {"kafka key and value bytes", test_kafka_key_and_value_bytes},
               {"FileStreamSource shape round trip", test_file_source_round_trip},
               {"typed and nested values round trip", test_typed_values_round_trip},
               {"put refuses what cannot be stored", test_put_refuses_unstorable},
               {"missing file is an empty store", test_missing_file_is_empty},
               {"crash leaves the old content", test_crash_leaves_old_content},
               {"failed flush keeps the old file", test_failed_flush_keeps_old_file},
               {"corrupt file refused with its position", test_corrupt_file_refused},
               {"remove a connector and list offsets", test_remove_and_list},
               {"remove persists", test_remove_persists},
               {"concurrent put and flush", test_concurrent_put_and_flush});
}
