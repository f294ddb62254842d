/* Java .properties reading and writing (worker/properties.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/buf.h>
#include <sluice/properties.h>
#include <sluice/strmap.h>

#include "properties.h"
#include "test_util.h"

static char errstr[2048];

/* Parses a NUL-terminated text; returns the map or NULL (errstr says why). */
static sluice_strmap_t *parse(const char *text)
{
    sluice_strmap_t *map = sluice_strmap_new();
    errstr[0] = 'x';
    if (props_parse_buffer(text, strlen(text), "test.properties", map, errstr, sizeof errstr) < 0) {
        sluice_strmap_destroy(map);
        return NULL;
    }
    CU_ASSERT_STRING_EQUAL(errstr, "");
    return map;
}

#define ASSERT_PROP(map, key, expected)                                                            \
    do {                                                                                           \
        const char *v_ = sluice_strmap_get((map), (key));                                          \
        if (!v_ || strcmp(v_, (expected)) != 0)                                                    \
            fprintf(stderr, "\n  %s: got \"%s\", want \"%s\"\n", (key), v_ ? v_ : "(absent)",      \
                    (expected));                                                                   \
        CU_ASSERT_PTR_NOT_NULL(v_);                                                                \
        if (v_)                                                                                    \
            CU_ASSERT_STRING_EQUAL(v_, (expected));                                                \
    } while (0)

static void test_separators(void)
{
    sluice_strmap_t *m = parse("a=1\n"
                               "b:2\n"
                               "c 3\n"
                               "d = 4\n"
                               "e\t:\t5\n"
                               "f  =  = 6\n"
                               "g\n"
                               "h=\n"
                               "i   \n"
                               "j\f\f:x:y=z\n"
                               "k=  spaces kept inside and after  \n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ASSERT_PROP(m, "a", "1");
    ASSERT_PROP(m, "b", "2");
    ASSERT_PROP(m, "c", "3");
    ASSERT_PROP(m, "d", "4");
    ASSERT_PROP(m, "e", "5");
    ASSERT_PROP(m, "f", "= 6"); /* only the first separator is skipped */
    ASSERT_PROP(m, "g", "");    /* a key alone has an empty value */
    ASSERT_PROP(m, "h", "");
    ASSERT_PROP(m, "i", "");
    ASSERT_PROP(m, "j", "x:y=z");
    ASSERT_PROP(m, "k", "spaces kept inside and after  ");
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 11);
    sluice_strmap_destroy(m);
}

static void test_escaped_separators_in_keys(void)
{
    sluice_strmap_t *m = parse("my\\ key=v1\n"
                               "a\\=b=v2\n"
                               "x\\:y:v3\n"
                               "tab\\tkey v4\n"
                               "back\\\\=v5\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ASSERT_PROP(m, "my key", "v1");
    ASSERT_PROP(m, "a=b", "v2");
    ASSERT_PROP(m, "x:y", "v3");
    ASSERT_PROP(m, "tab\tkey", "v4");
    ASSERT_PROP(m, "back\\", "v5"); /* an escaped backslash does not escape the '=' */
    sluice_strmap_destroy(m);
}

static void test_escapes(void)
{
    sluice_strmap_t *m = parse("t=\\t|\\n|\\r|\\f|\\\\|\\q|\\=|\\:|\\ |\\#\n"
                               "u=\\u0041\\u00e9\\u20AC\n"
                               "emoji=\\uD83D\\uDE00!\n"
                               "raw=caf\xc3\xa9 \xe2\x82\xac\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ASSERT_PROP(m, "t", "\t|\n|\r|\f|\\|q|=|:| |#");
    ASSERT_PROP(m, "u", "A\xc3\xa9\xe2\x82\xac");
    ASSERT_PROP(m, "emoji", "\xf0\x9f\x98\x80!");      /* a surrogate pair is one code point */
    ASSERT_PROP(m, "raw", "caf\xc3\xa9 \xe2\x82\xac"); /* UTF-8 bytes are kept */
    sluice_strmap_destroy(m);
}

static void test_continuations(void)
{
    sluice_strmap_t *m = parse("list=one, \\\n"
                               "      two, \\\n"
                               "\t three\n"
                               "even=a\\\\\\\\\n"
                               "odd=a\\\\\\\n"
                               "  b\n"
                               "# a comment ending in a backslash does not continue \\\n"
                               "after=comment\n"
                               "hash=x\\\n"
                               "  #not a comment\n"
                               "cut=y\\\n"
                               "\n"
                               "next=z\n"
                               "key\\\n"
                               "  name=joined\n"
                               "last=end\\");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    ASSERT_PROP(m, "list", "one, two, three");
    ASSERT_PROP(m, "even", "a\\\\");
    ASSERT_PROP(m, "odd", "a\\b");
    ASSERT_PROP(m, "after", "comment");
    ASSERT_PROP(m, "hash", "x#not a comment");
    ASSERT_PROP(m, "cut", "y"); /* an empty continuation line ends the value */
    ASSERT_PROP(m, "next", "z");
    ASSERT_PROP(m, "keyname", "joined");
    ASSERT_PROP(m, "last", "end"); /* a backslash at the end of the input is dropped */
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 9);
    sluice_strmap_destroy(m);
}

static void test_comments_and_blank_lines(void)
{
    sluice_strmap_t *m = parse("# comment\n"
                               "! bang comment\n"
                               "   # indented comment\n"
                               "\t! indented bang\n"
                               "\n"
                               "   \n"
                               "   key = value # not a comment\n"
                               "url=http://host:8083/#frag\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 2);
    ASSERT_PROP(m, "key", "value # not a comment");
    ASSERT_PROP(m, "url", "http://host:8083/#frag");
    sluice_strmap_destroy(m);
}

static void test_line_ends(void)
{
    sluice_strmap_t *m = parse("a=1\r\nb=2\rc=3\nd=x\\\r\n   y\re=\\\r  z");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 5);
    ASSERT_PROP(m, "a", "1");
    ASSERT_PROP(m, "b", "2");
    ASSERT_PROP(m, "c", "3");
    ASSERT_PROP(m, "d", "xy");
    ASSERT_PROP(m, "e", "z");
    sluice_strmap_destroy(m);
}

static void test_later_keys_win_and_keep_position(void)
{
    sluice_strmap_t *m = parse("a=1\nb=2\na=3\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 2);
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(m, 0), "a");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_value_at(m, 0), "3");
    CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(m, 1), "b");

    /* parsing into a map that holds entries merges into it */
    CU_ASSERT_EQUAL(props_parse_buffer("b=9\nc=4", 7, NULL, m, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 3);
    ASSERT_PROP(m, "b", "9");
    ASSERT_PROP(m, "c", "4");
    sluice_strmap_destroy(m);
}

/* Parses text expecting failure; returns errstr. */
static const char *parse_error(const char *text, size_t len)
{
    sluice_strmap_t *m = sluice_strmap_new();
    sluice_strmap_set(m, "before", "kept");
    int r = props_parse_buffer(text, len, "worker.properties", m, errstr, sizeof errstr);
    CU_ASSERT_EQUAL(r, -1);
    /* on failure nothing is added, not even the good lines */
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 1);
    sluice_strmap_destroy(m);
    return errstr;
}

static void test_malformed_unicode_escapes(void)
{
    CU_ASSERT_STRING_EQUAL(parse_error("ok=1\nbad=\\u12G4\n", 16),
                           "worker.properties:2: bad: malformed \\uXXXX escape at column 5");
    CU_ASSERT_STRING_EQUAL(parse_error("x=\\u12", 6),
                           "worker.properties:1: x: malformed \\uXXXX escape at column 3");
    /* the error is reported on the natural line of the escape */
    const char *cont = "k=a\\\n   \\uZZZZ";
    CU_ASSERT_STRING_EQUAL(parse_error(cont, strlen(cont)),
                           "worker.properties:2: k: malformed \\uXXXX escape at column 4");
    const char *hi = "x=\\uD800z";
    ASSERT_CONTAINS(parse_error(hi, strlen(hi)), "worker.properties:1: x: \\uD800 escape at column 3 "
                                                 "is a high surrogate");
    const char *lo = "x=\\uDC00";
    ASSERT_CONTAINS(parse_error(lo, strlen(lo)), "low surrogate");
    const char *two_highs = "x=\\uD800\\uD800";
    ASSERT_CONTAINS(parse_error(two_highs, strlen(two_highs)), "high surrogate");
    const char *nul = "x=\\u0000";
    ASSERT_CONTAINS(parse_error(nul, strlen(nul)), "NUL is not allowed");
    /* in a key too */
    const char *key = "a\\u00=1";
    ASSERT_CONTAINS(parse_error(key, strlen(key)), "worker.properties:1: malformed \\uXXXX");
}

static void test_errors_name_lines_and_never_values(void)
{
    const char *empty_key = "# header\n=value\n:other\n";
    const char *e = parse_error(empty_key, strlen(empty_key));
    CU_ASSERT_STRING_EQUAL(e, "worker.properties:2: empty key (the line starts with '=')\n"
                              "worker.properties:3: empty key (the line starts with ':')");

    const char bin[] = "a=1\nb=x\0y\n# c\0\n";
    e = parse_error(bin, sizeof bin - 1);
    CU_ASSERT_STRING_EQUAL(e, "worker.properties:2: NUL byte at column 4 (is this a binary "
                              "file?)\nworker.properties:3: NUL byte at column 4 (is this a "
                              "binary file?)");

    const char *secret = "password=hunter2\\u00G0\n";
    e = parse_error(secret, strlen(secret));
    CU_ASSERT_PTR_NULL(strstr(e, "hunter2"));
    /* the key is named (it is not secret), the value never */
    ASSERT_CONTAINS(e, "worker.properties:1: password: malformed");

    /* a flood of bad lines is summarised */
    sluice_buf_t *b = sluice_buf_new();
    for (int i = 0; i < 30; i++)
        sluice_buf_puts(b, "=x\n");
    e = parse_error(sluice_buf_data(b), sluice_buf_len(b));
    ASSERT_CONTAINS(e, "worker.properties:20: empty key");
    CU_ASSERT_PTR_NULL(strstr(e, "worker.properties:21:"));
    ASSERT_CONTAINS(e, "worker.properties: 10 more problems not shown");
    sluice_buf_destroy(b);
}

static char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/sluice-props-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    return strdup(dir);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_parse_file(void)
{
    char *dir = make_temp_dir();
    char *path = write_file(dir, "worker.properties",
                            "bootstrap.servers=localhost:9092\nplugin.path=/opt/a, /opt/b\n");
    sluice_strmap_t *m = sluice_strmap_new();
    CU_ASSERT_EQUAL(props_parse_file(path, m, errstr, sizeof errstr), 0);
    ASSERT_PROP(m, "bootstrap.servers", "localhost:9092");
    ASSERT_PROP(m, "plugin.path", "/opt/a, /opt/b");
    sluice_strmap_destroy(m);

    /* the exported host function reads the same way */
    m = sluice_strmap_new();
    CU_ASSERT_EQUAL(sluice_properties_parse_file(path, m, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 2);
    sluice_strmap_destroy(m);

    char *bad = write_file(dir, "bad.properties", "a=1\nb=\\uXYZW\n");
    m = sluice_strmap_new();
    CU_ASSERT_EQUAL(props_parse_file(bad, m, errstr, sizeof errstr), -1);
    char want[1024];
    snprintf(want, sizeof want, "%s:2: b: malformed \\uXXXX escape at column 3", bad);
    CU_ASSERT_STRING_EQUAL(errstr, want);
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 0);

    char missing[512];
    snprintf(missing, sizeof missing, "%s/missing.properties", dir);
    CU_ASSERT_EQUAL(props_parse_file(missing, m, errstr, sizeof errstr), -1);
    snprintf(want, sizeof want, "cannot read %s: No such file or directory", missing);
    CU_ASSERT_STRING_EQUAL(errstr, want);

    CU_ASSERT_EQUAL(props_parse_file(dir, m, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "Is a directory");
    CU_ASSERT_EQUAL(sluice_strmap_count(m), 0);
    sluice_strmap_destroy(m);

    unlink(path);
    unlink(bad);
    rmdir(dir);
    free(path);
    free(bad);
    free(dir);
}

static void test_writer_escapes_like_store(void)
{
    sluice_strmap_t *m = sluice_strmap_new();
    sluice_strmap_set(m, "a b", " x y ");
    sluice_strmap_set(m, "k=:#!", "v=:#!");
    sluice_strmap_set(m, "ctl", "\t\n\r\f\\\x01\x7f");
    sluice_strmap_set(m, "utf8", "caf\xc3\xa9");
    sluice_buf_t *out = sluice_buf_new();
    props_write(m, "written by a test\nsecond line", out);
    CU_ASSERT_STRING_EQUAL(sluice_buf_data(out), "#written by a test\n"
                                                 "#second line\n"
                                                 "a\\ b=\\ x y \n"
                                                 "k\\=\\:\\#\\!=v\\=\\:\\#\\!\n"
                                                 "ctl=\\t\\n\\r\\f\\\\\\u0001\\u007F\n"
                                                 "utf8=caf\xc3\xa9\n");
    sluice_buf_destroy(out);
    sluice_strmap_destroy(m);
}

static void test_round_trip(void)
{
    static const char *const pairs[][2] = {
        {" leading space key", " leading and trailing "},
        {"trailing space key ", "x"},
        {"sep=in:key", "sep=in:value"},
        {"#hash", "!bang"},
        {"tab\tkey", "multi\nline\r\nvalue"},
        {"back\\slash", "ends with backslash\\"},
        {"ctl", "\x01\x02\x1f\x7f"},
        {"utf8 \xe2\x82\xac", "caf\xc3\xa9 \xf0\x9f\x98\x80"},
        {"empty", ""},
        {"spaces", "   "},
    };
    sluice_strmap_t *m = sluice_strmap_new();
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        sluice_strmap_set(m, pairs[i][0], pairs[i][1]);

    sluice_buf_t *text = sluice_buf_new();
    props_write(m, "comment\nwith = and : and \\", text);
    sluice_strmap_t *back = sluice_strmap_new();
    CU_ASSERT_EQUAL_FATAL(props_parse_buffer(sluice_buf_data(text), sluice_buf_len(text), NULL,
                                             back, errstr, sizeof errstr),
                          0);
    CU_ASSERT_EQUAL(sluice_strmap_count(back), sluice_strmap_count(m));
    for (size_t i = 0; i < sluice_strmap_count(m); i++) {
        CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(back, i), sluice_strmap_key_at(m, i));
        CU_ASSERT_STRING_EQUAL(sluice_strmap_value_at(back, i), sluice_strmap_value_at(m, i));
    }
    sluice_strmap_destroy(back);
    sluice_buf_destroy(text);

    /* through a file: written whole, private, and read back the same */
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/connector.properties", dir);
    CU_ASSERT_EQUAL(props_write_file(path, m, NULL, errstr, sizeof errstr), 0);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    back = sluice_strmap_new();
    CU_ASSERT_EQUAL(props_parse_file(path, back, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(sluice_strmap_count(back), sluice_strmap_count(m));
    for (size_t i = 0; i < sluice_strmap_count(m); i++)
        CU_ASSERT_STRING_EQUAL(sluice_strmap_get(back, sluice_strmap_key_at(m, i)),
                               sluice_strmap_value_at(m, i));
    sluice_strmap_destroy(back);

    /* overwriting replaces the whole file */
    sluice_strmap_t *small = sluice_strmap_new();
    sluice_strmap_set(small, "only", "one");
    CU_ASSERT_EQUAL(props_write_file(path, small, NULL, errstr, sizeof errstr), 0);
    back = sluice_strmap_new();
    CU_ASSERT_EQUAL(props_parse_file(path, back, errstr, sizeof errstr), 0);
    CU_ASSERT_EQUAL(sluice_strmap_count(back), 1);
    sluice_strmap_destroy(back);
    sluice_strmap_destroy(small);

    char nodir[600];
    snprintf(nodir, sizeof nodir, "%s/no/such/dir/x.properties", dir);
    CU_ASSERT_EQUAL(props_write_file(nodir, m, NULL, errstr, sizeof errstr), -1);
    ASSERT_CONTAINS(errstr, "No such file or directory");

    unlink(path);
    CU_ASSERT_EQUAL(rmdir(dir), 0); /* no temporary file left behind */
    free(dir);
    sluice_strmap_destroy(m);
}

/*
 * Random inputs built from the bytes the grammar cares about: the reader
 * never crashes or overruns (ASan watches), and whatever it accepts comes
 * back unchanged through the writer.
 */
static void test_random_inputs_round_trip(void)
{
    static const char alphabet[] = "\\\\u=: \t\f\r\n#!aZ089CDdEe\x01\x7f\xc3\xa9"
                                   "\0";
    unsigned seed = 12345;
    size_t accepted = 0;
    for (int round = 0; round < 5000; round++) {
        char text[80];
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof text;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        sluice_strmap_t *m = sluice_strmap_new();
        if (props_parse_buffer(text, len, NULL, m, errstr, sizeof errstr) == 0) {
            accepted++;
            sluice_buf_t *out = sluice_buf_new();
            props_write(m, NULL, out);
            sluice_strmap_t *back = sluice_strmap_new();
            CU_ASSERT_EQUAL(props_parse_buffer(sluice_buf_data(out), sluice_buf_len(out), NULL,
                                               back, errstr, sizeof errstr),
                            0);
            CU_ASSERT_EQUAL(sluice_strmap_count(back), sluice_strmap_count(m));
            for (size_t i = 0; i < sluice_strmap_count(m) && i < sluice_strmap_count(back); i++) {
                CU_ASSERT_STRING_EQUAL(sluice_strmap_key_at(back, i), sluice_strmap_key_at(m, i));
                CU_ASSERT_STRING_EQUAL(sluice_strmap_value_at(back, i),
                                       sluice_strmap_value_at(m, i));
            }
            sluice_strmap_destroy(back);
            sluice_buf_destroy(out);
        } else {
            CU_ASSERT_EQUAL(sluice_strmap_count(m), 0);
            CU_ASSERT_TRUE(strncmp(errstr, "<properties>:", 13) == 0);
        }
        sluice_strmap_destroy(m);
    }
    /* the generator must exercise both outcomes */
    CU_ASSERT_TRUE(accepted > 500);
    CU_ASSERT_TRUE(accepted < 4500);
}

void test_register(void)
{
    TEST_SUITE("properties", {"separators", test_separators},
               {"escaped separators in keys", test_escaped_separators_in_keys},
               {"escapes", test_escapes}, {"continuations", test_continuations},
               {"comments and blank lines", test_comments_and_blank_lines},
               {"CR, LF and CRLF line ends", test_line_ends},
               {"later keys win, first position kept", test_later_keys_win_and_keep_position},
               {"malformed \\u escapes", test_malformed_unicode_escapes},
               {"errors name lines, never values", test_errors_name_lines_and_never_values},
               {"parse a file", test_parse_file},
               {"writer escapes like Properties.store", test_writer_escapes_like_store},
               {"round trip through the writer", test_round_trip},
               {"random inputs round trip", test_random_inputs_round_trip});
}
