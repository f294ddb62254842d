/*
 * CRC-32C (Castagnoli), the checksum of a magic-2 record batch. Uses the
 * SSE4.2 crc32 instruction when the CPU has it, checked once at run time,
 * and a slicing-by-8 table otherwise; both give the same results. It lives
 * in the core because both the broker and the source tasks' direct path to
 * the embedded broker (batch_writer.h) write record batches.
 */
#ifndef WORKER_CRC32C_H
#define WORKER_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Returns the CRC-32C of len bytes at data, continuing from crc: pass 0 to
 * start, or the result of the previous call to checksum data given in pieces
 * (zlib's crc32() convention). Any thread.
 */
uint32_t broker_crc32c(uint32_t crc, const void *data, size_t len);

/* The table-driven implementation, whatever the CPU; for tests and
 * benchmarks. Any thread. */
uint32_t broker_crc32c_sw(uint32_t crc, const void *data, size_t len);

/* Whether broker_crc32c() uses the CPU's crc32 instruction. Any thread. */
bool broker_crc32c_hw_available(void);

#endif
