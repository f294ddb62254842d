# The broker against real clients (kcat, kafka-python, confluent-kafka), run
# with Debian's python3, the one that can import kafka-python.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME broker_clients_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/broker_clients.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(broker_clients_e2e PROPERTIES TIMEOUT 600
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
