# The REST server core (rest/server.c): real listeners on 127.0.0.1 driven
# with raw HTTP over sockets, and curl for HTTPS.
sluice_add_unit_test(test_rest_server unit/test_rest_server.c)
target_link_libraries(test_rest_server PRIVATE sluice_rest)
