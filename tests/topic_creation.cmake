# Source topic creation (worker/topic_creation.c): group matching and
# parsing, and topics created on the integrated broker started in-process.
sluice_add_broker_test(test_topic_creation unit/test_topic_creation.c)
