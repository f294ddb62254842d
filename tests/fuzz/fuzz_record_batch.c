/*
 * The broker's record batch validation (broker/record_batch.c) on arbitrary
 * bytes, as a Produce request's records field: counting the batches,
 * validating each header and CRC, and walking an uncompressed batch's
 * records. Checks: what validate accepts has a consistent header
 * (count = lastOffsetDelta + 1 > 0, size within the bytes), every refusal
 * says why, and a record walk never reads outside the batch (ASan).
 */
#include "fuzz_common.h"

#include "log.h"
#include "record_batch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(SLUICE_LOG_OFF);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256] = "";
    int count = 0;
    kafka_error_t ec = broker_batch_count(data, size, &count, err, sizeof err);
    FUZZ_CHECK(ec == KAFKA_ERR_NONE || err[0] != '\0', "batch_count refused without a reason");

    broker_batch_iter_t it;
    broker_batch_iter_init(&it, data, size);
    const uint8_t *batch;
    size_t len;
    broker_batch_header_t hdr;
    while (broker_batch_iter_next(&it, &batch, &len, err, sizeof err) == 1) {
        err[0] = '\0';
        ec = broker_batch_validate(batch, len, 1048588, &hdr, err, sizeof err);
        if (ec != KAFKA_ERR_NONE) {
            FUZZ_CHECK(err[0] != '\0', "validate refused with %s but no reason",
                       kafka_error_name((int16_t)ec));
            continue;
        }
        FUZZ_CHECK(hdr.records_count > 0 && hdr.last_offset_delta + 1 == hdr.records_count,
                   "validate accepted a batch whose count (%d) and last offset delta (%d) "
                   "disagree", hdr.records_count, hdr.last_offset_delta);
        FUZZ_CHECK(broker_batch_size(&hdr) <= len, "validate accepted a batch larger than its bytes");
        int64_t max_ts = 0;
        err[0] = '\0';
        ec = broker_batch_validate_records(batch, len, &hdr, false, &max_ts, err, sizeof err);
        FUZZ_CHECK(ec == KAFKA_ERR_NONE || err[0] != '\0',
                   "validate_records refused with %s but no reason", kafka_error_name((int16_t)ec));
    }
    return 0;
}
