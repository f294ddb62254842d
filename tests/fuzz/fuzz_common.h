/*
 * What the fuzz harnesses share: a loud failure for a broken property (a
 * sanitizer cannot see a wrong answer, only abort() reaches libFuzzer as a
 * crash) and a reader that splits the input into pieces.
 *
 * Each harness is one file defining LLVMFuzzerTestOneInput; run.sh builds it
 * with clang -fsanitize=fuzzer,address,undefined.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/strmap.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with the property that does not hold, so libFuzzer saves the input. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: %s:%d: property failed: %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input, consumed from the front. */
typedef struct fuzz_input {
    const uint8_t *data;
    size_t size;
} fuzz_input_t;

/* The bytes up to the next sep (or the end) as a new NUL-terminated string
 * the caller frees; a NUL inside becomes 0x01, so the piece is one C string. */
static inline char *fuzz_piece(fuzz_input_t *in, uint8_t sep, size_t *len)
{
    const uint8_t *end = in->size ? memchr(in->data, sep, in->size) : NULL;
    size_t n = end ? (size_t)(end - in->data) : in->size;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    for (size_t i = 0; i < n; i++)
        s[i] = in->data[i] ? (char)in->data[i] : '\x01';
    s[n] = '\0';
    if (in->size) {
        in->data += n + (end ? 1 : 0);
        in->size -= n + (end ? 1 : 0);
    }
    if (len)
        *len = n;
    return s;
}

/* True when both maps hold the same entries in the same order. */
static inline int fuzz_strmap_same(const sluice_strmap_t *a, const sluice_strmap_t *b)
{
    size_t n = sluice_strmap_count(a);
    if (n != sluice_strmap_count(b))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(sluice_strmap_key_at(a, i), sluice_strmap_key_at(b, i)) != 0 ||
            strcmp(sluice_strmap_value_at(a, i), sluice_strmap_value_at(b, i)) != 0)
            return 0;
    return 1;
}

#endif
