# The broker's storage layer: CRC-32C, record batches, segments and indexes,
# partition logs, retention and compaction.
sluice_add_broker_test(test_broker_record_batch unit/test_broker_record_batch.c)
sluice_add_broker_test(test_broker_partition_log unit/test_broker_partition_log.c)
sluice_add_broker_test(test_broker_log_cleaner unit/test_broker_log_cleaner.c)
