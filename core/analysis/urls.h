/* urls: URL and IP-literal extraction from text and their suspicion verdict (spec D15).
 *
 * Extraction: `(https?|ftp)://` + host (letters, digits, '-', '.', or a bracketed IPv6
 * literal) + optional port + optional path; and bare IPv4 literals (four decimal octets <= 255,
 * not adjacent to another digit or dot). Suspicious if: the scheme is http or ftp (when
 * insecure_is_suspicious), the host is not matched by the domain list, or the host is a public
 * IP literal. Never suspicious: localhost, example.com/.org/.net, 127/8, 0.0.0.0, ::1, and the
 * private and link-local ranges (unless private_ip_is_suspicious), and hosts in the allow list.
 *
 * Memory management: struct url_finds is caller-owned (url_finds_release()); each find owns its
 * strings. */
#ifndef PYVET_URLS_H
#define PYVET_URLS_H

#include <stddef.h>

#include "core/analysis/domains.h"
#include "core/base/err.h"

struct url_rules {
	int insecure_is_suspicious;   /* url.insecure_is_suspicious (default 1) */
	int private_ip_is_suspicious; /* url.private_ip_is_suspicious (default 0) */
	const char *const *allow;     /* extra never-suspicious hosts, NULL-terminated, or NULL */
};

/** Defaults of spec D15. */
void url_rules_default(struct url_rules *r);

enum url_reason {
	URL_INSECURE = 1 << 0,  /* http:// or ftp:// */
	URL_UNLISTED = 1 << 1,  /* registrable domain not in the popular list */
	URL_PUBLIC_IP = 1 << 2, /* host is a public IP literal */
	URL_EXEMPT = 1 << 3,    /* reserved / private / allowed host: never suspicious */
	URL_IS_IP = 1 << 4,     /* bare IPv4 literal or URL with an IP host */
};

struct url_find {
	size_t line;      /* 1-based line in the scanned text */
	size_t col;       /* 0-based byte column */
	char *text;       /* the matched URL or IP as written (owned) */
	char *host;       /* lower-cased host without brackets (owned) */
	unsigned reasons; /* enum url_reason bits */
	int suspicious;   /* the verdict */
};

struct url_finds {
	struct url_find *v;
	size_t n, cap;
	size_t scanned; /* bytes examined by urls_scan() calls on this list, look-ahead and
	                 * re-reads included: a work measure (a small constant per byte) */
};

/** Free every find and reset (`scanned` too). NULL-safe. */
void url_finds_release(struct url_finds *f);

/** Extract every URL and IPv4 literal of `text` (in order) and append them with their verdicts.
 *  `dl` may be NULL only if the caller accepts that every domain counts as unlisted.
 *  `max_finds` bounds the number appended (0 = 100,000); reaching it is not an error.
 *  0, or -1 on out of memory. */
int urls_scan(const struct domains *dl, const struct url_rules *r, const char *text, size_t len,
              size_t max_finds, struct url_finds *out, struct diag *d);

/** Longest `text` kept in a find (longer matches are truncated; the host is always whole up to
 *  255 bytes). */
#define URLS_TEXT_MAX 2048

/** Parse one URL `s` (surrounding whitespace ignored; the whole rest must be
 *  `(https?|ftp)://[userinfo@]host[:port][path]` as the scanner reads it): the lower-cased
 *  scheme into scheme (size scheme_n) and the lower-cased host (no brackets, no trailing dot)
 *  into host (size host_n). 0, or -1 if `s` is not such a URL or a buffer is too small. */
int url_parse(const char *s, char *scheme, size_t scheme_n, char *host, size_t host_n);

/** The D15 verdict on a single host (lower case; an IPv6 literal without brackets) as enum
 *  url_reason bits; `insecure` is 1 for an http or ftp URL. *suspicious (may be NULL) gets the
 *  verdict. */
int url_host_verdict(const struct domains *dl, const struct url_rules *r, const char *host,
                     int insecure, int *suspicious);

/** A short human-readable reason list ("insecure,unlisted") for `reasons` into buf. */
const char *url_reasons_string(unsigned reasons, char *buf, size_t n);

#endif
