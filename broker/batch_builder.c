#include "batch_builder.h"

#include <string.h>

#include "crc32c.h"
#include "proto_writer.h"
#include "record_batch.h"

void broker_batch_build(sluice_buf_t *out, const broker_batch_record_t *records, size_t count,
                        int64_t timestamp_ms)
{
    size_t start = broker_proto_write_int64(out, 0);     /* baseOffset */
    size_t length_at = broker_proto_write_int32(out, 0); /* batchLength, patched */
    broker_proto_write_int32(out, -1);                   /* partitionLeaderEpoch */
    broker_proto_write_int8(out, 2);                     /* magic */
    size_t crc_at = broker_proto_write_uint32(out, 0);   /* crc, patched */
    broker_proto_write_int16(out, 0);                    /* attributes: none */
    broker_proto_write_int32(out, (int32_t)count - 1);   /* lastOffsetDelta */
    broker_proto_write_int64(out, timestamp_ms);         /* baseTimestamp */
    broker_proto_write_int64(out, timestamp_ms);         /* maxTimestamp */
    broker_proto_write_int64(out, -1);                   /* producerId */
    broker_proto_write_int16(out, -1);                   /* producerEpoch */
    broker_proto_write_int32(out, -1);                   /* baseSequence */
    broker_proto_write_int32(out, (int32_t)count);       /* recordsCount */
    sluice_buf_t *rec = sluice_buf_new();
    for (size_t i = 0; i < count; i++) {
        sluice_buf_reset(rec);
        broker_proto_write_int8(rec, 0);            /* attributes */
        broker_proto_write_varlong(rec, 0);         /* timestampDelta */
        broker_proto_write_varint(rec, (int32_t)i); /* offsetDelta */
        if (records[i].key) {
            broker_proto_write_varint(rec, (int32_t)records[i].key_len);
            sluice_buf_append(rec, records[i].key, records[i].key_len);
        } else {
            broker_proto_write_varint(rec, -1);
        }
        if (records[i].value) {
            broker_proto_write_varint(rec, (int32_t)records[i].value_len);
            sluice_buf_append(rec, records[i].value, records[i].value_len);
        } else {
            broker_proto_write_varint(rec, -1);
        }
        broker_proto_write_varint(rec, 0); /* headers */
        broker_proto_write_varint(out, (int32_t)sluice_buf_len(rec));
        sluice_buf_append(out, sluice_buf_data(rec), sluice_buf_len(rec));
    }
    sluice_buf_destroy(rec);
    size_t end = sluice_buf_len(out);
    uint8_t be[4];
    uint32_t length = (uint32_t)(end - start - BROKER_BATCH_LOG_OVERHEAD);
    be[0] = (uint8_t)(length >> 24);
    be[1] = (uint8_t)(length >> 16);
    be[2] = (uint8_t)(length >> 8);
    be[3] = (uint8_t)length;
    sluice_buf_write_at(out, length_at, be, 4);
    const uint8_t *data = (const uint8_t *)sluice_buf_data(out);
    uint32_t crc = broker_crc32c(0, data + start + BROKER_BATCH_CRC_START,
                                 end - start - BROKER_BATCH_CRC_START);
    be[0] = (uint8_t)(crc >> 24);
    be[1] = (uint8_t)(crc >> 16);
    be[2] = (uint8_t)(crc >> 8);
    be[3] = (uint8_t)crc;
    sluice_buf_write_at(out, crc_at, be, 4);
}
