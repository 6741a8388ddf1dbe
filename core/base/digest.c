/* SHA-256 helpers on top of Nettle. */
#include "core/base/digest.h"

#include <stdio.h>

void digest_init(struct digest *s)
{
	nettle_sha256_init(&s->ctx);
}

void digest_update(struct digest *s, const void *data, size_t n)
{
	nettle_sha256_update(&s->ctx, n, data);
}

void digest_hex(struct digest *s, char hex[65])
{
	unsigned char dig[SHA256_DIGEST_SIZE];
	nettle_sha256_digest(&s->ctx, sizeof(dig), dig);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", dig[i]);
}

void digest_buffer_hex(const void *data, size_t n, char hex[65])
{
	struct digest s;
	digest_init(&s);
	digest_update(&s, data, n);
	digest_hex(&s, hex);
}
