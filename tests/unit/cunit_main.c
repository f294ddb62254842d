/*
 * The main() shared by every CUnit test executable: the executable's own
 * file defines test_register(), which adds its suites to the registry.
 * Exits non-zero when any assertion failed, so ctest sees the failure.
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "test_util.h"

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    test_register();
    if (CU_get_error() != CUE_SUCCESS) {
        fprintf(stderr, "suite registration failed: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (run == 0) {
        fprintf(stderr, "no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
