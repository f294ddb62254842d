# The REST API end to end (issue 5): every endpoint driven with curl against
# a running `sluice standalone`, pause/resume and offsets observed on a file
# pipeline, persistence across a restart, HTTPS, Basic auth and CORS. It
# imports standalone.py's helpers, so it runs with Debian's python3 too.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME rest_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/rest.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(rest_e2e PROPERTIES TIMEOUT 240
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
