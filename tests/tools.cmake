# Kafka's command-line tools (sluice topics, console-producer,
# console-consumer, consumer-groups, perf produce/consume) against a broker
# the test starts; run with Debian's python3, as the broker's client tests.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME tools_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/tools.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(tools_e2e PROPERTIES TIMEOUT 300
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")

# Their shared plumbing: option parsing, properties, Java property names.
sluice_add_unit_test(test_cli_kafka unit/test_cli_kafka.c)
