# The JDBC sink connector (plugins/jdbc/jdbc_sink*): its server-free parts
# (columns, statements, type mapping) as a unit test, and the whole
# connector against a throwaway MariaDB in tests/e2e/jdbc_sink.py.
sluice_add_unit_test(test_jdbc_sink_sql unit/test_jdbc_sink_sql.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_sink_sql.c ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_common.c)
target_include_directories(test_jdbc_sink_sql PRIVATE ${CMAKE_SOURCE_DIR}/plugins/jdbc)

# The sink against a real MariaDB (tests/e2e/mariadb.py starts a throwaway
# server), driven through `sluice standalone` and its REST API; Debian's
# python3 is the one that imports kafka-python.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME jdbc_sink_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/jdbc_sink.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(jdbc_sink_e2e PROPERTIES TIMEOUT 180
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
