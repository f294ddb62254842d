# librdkafka's consumer-group admin calls (ListConsumerGroupOffsets,
# AlterConsumerGroupOffsets, DeleteConsumerGroupOffsets, DeleteGroups)
# against the integrated broker run in-process, across a restart.
sluice_add_broker_test(test_broker_group_admin unit/test_broker_group_admin.c)
