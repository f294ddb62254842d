# In-process appends to the integrated broker (broker/local_append.c, the
# broker side of worker/local_broker.h), read back with librdkafka.
sluice_add_broker_test(test_broker_local_append unit/test_broker_local_append.c)
# The record batches source tasks write for those appends (worker/batch_writer.c),
# checked with the broker's own validation and decoding.
sluice_add_broker_test(test_batch_writer unit/test_batch_writer.c)
