/*
 * The Java .properties reader (worker/properties.c) on arbitrary bytes, and
 * its writer against it:
 *  - whatever the input, parsing returns 0 or -1 with an error, never crashes;
 *  - when it parses, writing the map with props_write and parsing the text
 *    again gives the same map (the writer's promise);
 *  - any map (keys and values of arbitrary bytes, taken from the input)
 *    written with any comment reads back as the same map.
 */
#include "fuzz_common.h"

#include "log.h"
#include "properties.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(SLUICE_LOG_OFF);
    return 0;
}

/* Writes map (with comment) and parses the text back: it must be the same. */
static void check_round_trip(const sluice_strmap_t *map, const char *comment)
{
    sluice_buf_t *text = sluice_buf_new();
    props_write(map, comment, text);
    sluice_strmap_t *back = sluice_strmap_new();
    char errstr[512];
    int r = props_parse_buffer(sluice_buf_data(text), sluice_buf_len(text), "written", back, errstr,
                               sizeof errstr);
    FUZZ_CHECK(r == 0, "props_write output does not parse: %s\n--- text ---\n%s", errstr,
               sluice_buf_data(text));
    FUZZ_CHECK(fuzz_strmap_same(map, back),
               "props_write output reads back as another map\n"
               "--- text ---\n%s",
               sluice_buf_data(text));
    sluice_strmap_destroy(back);
    sluice_buf_destroy(text);
}

/* The input as a file. */
static void check_parse(const uint8_t *data, size_t size)
{
    sluice_strmap_t *map = sluice_strmap_new();
    sluice_strmap_set(map, "kept", "on failure"); /* parsing adds to what is there */
    char errstr[512];
    int r = props_parse_buffer((const char *)data, size, NULL, map, errstr, sizeof errstr);
    FUZZ_CHECK(r == 0 || r == -1, "returned %d", r);
    FUZZ_CHECK(memchr(errstr, '\0', sizeof errstr) != NULL, "errstr is not terminated");
    if (r < 0) {
        FUZZ_CHECK(errstr[0] != '\0', "failed without an error message");
        FUZZ_CHECK(sluice_strmap_count(map) == 1, "a failed parse changed the map");
    } else {
        FUZZ_CHECK(errstr[0] == '\0', "succeeded with an error message: %s", errstr);
        for (size_t i = 0; i < sluice_strmap_count(map); i++)
            FUZZ_CHECK(sluice_strmap_key_at(map, i)[0] != '\0', "an empty key was accepted");
        sluice_strmap_remove(map, "kept");
        check_round_trip(map, NULL);
    }
    sluice_strmap_destroy(map);

    /* A short error buffer truncates, it does not overflow. */
    sluice_strmap_t *other = sluice_strmap_new();
    char tiny[8];
    props_parse_buffer((const char *)data, size, "a-rather-long-source-name", other, tiny,
                       sizeof tiny);
    FUZZ_CHECK(memchr(tiny, '\0', sizeof tiny) != NULL, "a short errstr is not terminated");
    sluice_strmap_destroy(other);
}

/*
 * The input as a map: entries separated by NUL, key and value split at the
 * first '='. A first entry starting with '#' is the comment instead.
 */
static void check_write(const uint8_t *data, size_t size)
{
    fuzz_input_t in = {data, size};
    sluice_strmap_t *map = sluice_strmap_new();
    char *comment = NULL;
    bool first = true;
    while (in.size) {
        char *entry = fuzz_piece(&in, '\0', NULL);
        if (first && entry[0] == '#') {
            comment = entry;
            first = false;
            continue;
        }
        first = false;
        char *eq = strchr(entry, '=');
        if (eq)
            *eq = '\0';
        if (entry[0])
            sluice_strmap_set(map, entry, eq ? eq + 1 : "");
        free(entry);
    }
    check_round_trip(map, comment);
    free(comment);
    sluice_strmap_destroy(map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_parse(data, size);
    check_write(data, size);
    return 0;
}
