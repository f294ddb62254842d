# The JdbcSourceConnector end to end against a throwaway MariaDB server
# (tests/e2e/mariadb.py) and `sluice standalone`, checked with kcat; run with
# Debian's python3.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME jdbc_source_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/jdbc_source.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(jdbc_source_e2e PROPERTIES TIMEOUT 180
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
