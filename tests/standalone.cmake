# `sluice standalone` end to end: Kafka's sample worker and file connector
# configs, restarts (clean and kill -9), a 3-task sink, the dead letter
# queue, refused configs, transforms, topic creation and an external broker,
# checked with kcat and kafka-python; run with Debian's python3, the one that
# can import kafka-python.
find_program(SLUICE_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
add_test(NAME standalone_e2e
         COMMAND ${SLUICE_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/standalone.py
                 $<TARGET_FILE:sluice>)
set_tests_properties(standalone_e2e PROPERTIES TIMEOUT 300
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
