# A JDBC round trip: JdbcSourceConnector -> topic -> JdbcSinkConnector between
# two databases of one throwaway MariaDB (tests/e2e/mariadb.py), with rows
# inserted and updated while it runs; both tables compared at the end.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME jdbc_roundtrip_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/jdbc_roundtrip.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(jdbc_roundtrip_e2e PROPERTIES TIMEOUT 120
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
