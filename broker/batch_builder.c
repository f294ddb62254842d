#include "batch_builder.h"

#include "batch_writer.h"

void broker_batch_build(sluice_buf_t *out, const broker_batch_record_t *records, size_t count,
                        int64_t timestamp_ms)
{
    batch_writer_t w;
    batch_writer_begin(&w, out);
    for (size_t i = 0; i < count; i++)
        batch_writer_add(&w, records[i].key, records[i].key_len, records[i].value,
                         records[i].value_len, timestamp_ms, NULL, 0);
    batch_writer_finish(&w);
}
