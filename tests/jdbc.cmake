# The JDBC connectors (plugins/jdbc): URL parsing, masking and the date-time
# arithmetic, compiled straight into the test (no server needed).
pkg_check_modules(MARIADB_TEST REQUIRED IMPORTED_TARGET libmariadb)
sluice_add_unit_test(test_jdbc_url unit/test_jdbc_url.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_url.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_conn.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_tz.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_common.c)
target_link_libraries(test_jdbc_url PRIVATE PkgConfig::MARIADB_TEST)

# jdbc_conn against a throwaway MariaDB server (tests/unit/mariadb_harness.c).
sluice_add_unit_test(test_jdbc_conn unit/test_jdbc_conn.c unit/mariadb_harness.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_url.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_conn.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_tz.c
  ${CMAKE_SOURCE_DIR}/plugins/jdbc/jdbc_common.c)
target_link_libraries(test_jdbc_conn PRIVATE PkgConfig::MARIADB_TEST)
