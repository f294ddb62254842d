/* Helpers shared by the CUnit suites. */
#ifndef SLUICE_TEST_UTIL_H
#define SLUICE_TEST_UTIL_H

#include <CUnit/CUnit.h>
#include <string.h>

/* Defined by each test executable: adds its suites to the CUnit registry. */
void test_register(void);

/* Adds a suite with the given tests: TEST_SUITE("name", { "t", fn }, ...). */
#define TEST_SUITE(suite_name, ...)                                                                \
    do {                                                                                           \
        CU_pSuite suite_ = CU_add_suite((suite_name), NULL, NULL);                                 \
        static const struct {                                                                      \
            const char *n;                                                                         \
            CU_TestFunc f;                                                                         \
        } tests_[] = {__VA_ARGS__};                                                                \
        for (size_t i_ = 0; suite_ && i_ < sizeof tests_ / sizeof tests_[0]; i_++)                 \
            CU_add_test(suite_, tests_[i_].n, tests_[i_].f);                                       \
    } while (0)

/* Asserts that a NUL-terminated string contains a substring, printing both
 * when it does not. */
#define ASSERT_CONTAINS(haystack, needle)                                                          \
    do {                                                                                           \
        const char *h_ = (haystack);                                                               \
        const char *n_ = (needle);                                                                 \
        int ok_ = h_ != NULL && strstr(h_, n_) != NULL;                                            \
        if (!ok_)                                                                                  \
            fprintf(stderr, "\n  expected \"%s\" to contain \"%s\"\n", h_ ? h_ : "(null)", n_);    \
        CU_ASSERT(ok_);                                                                            \
    } while (0)

#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* A monotonic clock in milliseconds, for deadlines in tests that wait on a
 * condition. */
static inline int64_t test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds (between two looks at a condition). */
static inline void test_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

#endif
