# The task error handler (errors.* keys: retries, tolerance, log, DLQ).
sluice_add_unit_test(test_error_handler unit/test_error_handler.c)
