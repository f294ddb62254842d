# The Kafka client configurations of a connector (worker/client_config.c):
# layering, override policy, Java-to-librdkafka translation.
sluice_add_unit_test(test_client_config unit/test_client_config.c)
