# Coverage-guided fuzzing (tests/fuzz/, docs/FUZZING.md): a short run of
# every libFuzzer target with a fixed seed and number of inputs, so CI replays
# the seed corpora and looks a little further each time. run.sh compiles the
# targets itself with clang (the main build may use gcc) into this build's
# tests/fuzz, and says "fuzz: SKIP:" (reported as skipped) when clang or its
# fuzzer runtime is missing.
add_test(NAME fuzz_smoke
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run.sh --smoke
                 --out ${CMAKE_CURRENT_BINARY_DIR}/fuzz)
set_tests_properties(fuzz_smoke PROPERTIES
  TIMEOUT 150
  SKIP_REGULAR_EXPRESSION "fuzz: SKIP:"
  LABELS fuzz)
