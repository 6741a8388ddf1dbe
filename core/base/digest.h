/* digest: SHA-256 over GNU Nettle (nettle-dev) for package ids, data-file and cache hashes. */
#ifndef PYVET_DIGEST_H
#define PYVET_DIGEST_H

#include <stddef.h>
#include <nettle/sha2.h>

struct digest {
	struct sha256_ctx ctx;
};

/** Start a digest. */
void digest_init(struct digest *s);
/** Add `n` bytes. */
void digest_update(struct digest *s, const void *data, size_t n);
/** Finish and write 64 lower-case hex characters plus NUL into hex[65]. */
void digest_hex(struct digest *s, char hex[65]);
/** One-shot digest of a buffer as hex. */
void digest_buffer_hex(const void *data, size_t n, char hex[65]);

#endif
