/* urls: a hand-written, single-pass scanner for URLs and IPv4 literals in source text, and the
 * suspicion verdict of spec D15 (paper.md section 3.11).
 *
 * The scanner walks the text once, left to right. At a scheme that starts a word it reads one
 * URL; at a run of digits and dots it checks for an IPv4 literal; it then continues after what
 * it read, so the work is linear in the text (the userinfo look-ahead is capped and stops at
 * the next '/', which every later URL contains). struct url_finds counts the bytes examined,
 * and tests/test_urls.c holds them under 16 per byte of text on adversarial input. */
#include "core/analysis/urls.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest authority (userinfo@host:port) looked at for an '@'. */
#define AUTHORITY_MAX 1024
/* Longest host kept (a longer one cannot be a DNS name and counts as unlisted). */
#define HOST_KEEP 255

void url_rules_default(struct url_rules *r)
{
	r->insecure_is_suspicious = 1;
	r->private_ip_is_suspicious = 0;
	r->allow = NULL;
}

void url_finds_release(struct url_finds *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].text);
		free(f->v[i].host);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
	f->scanned = 0;
}

const char *url_reasons_string(unsigned reasons, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{URL_INSECURE, "insecure"},
	             {URL_UNLISTED, "unlisted"},
	             {URL_PUBLIC_IP, "public_ip"},
	             {URL_EXEMPT, "exempt"},
	             {URL_IS_IP, "ip"}};
	size_t used = 0;
	if (!buf || !n)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(reasons & names[i].bit))
			continue;
		int k = snprintf(buf + used, n - used, "%s%s", used ? "," : "", names[i].name);
		if (k < 0 || (size_t)k >= n - used)
			break;
		used += (size_t)k;
	}
	return buf;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int is_host_char(int c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

/* Characters of RFC 3986's authority that may come before an '@' (quotes and parentheses
 * excluded: in source code they end the URL). */
static int is_authority_char(int c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("-._~%!$&*+,;=:@[]", c));
}

static int is_v6_char(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
	       c == '.';
}

/* Path, query and fragment: anything printable but whitespace, quotes, backslash and <>. */
static int is_path_char(int c)
{
	return c > 0x20 && c != 0x7f && !strchr("\"'`<>\\", c);
}

/* Parse a dotted-quad of exactly four decimal octets (1-3 digits, <= 255) spanning all of
 * s[0..n). 1 and the address in a[4], else 0. */
static int parse_ipv4(const char *s, size_t n, unsigned char a[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		if (part) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		while (i < n && is_digit((unsigned char)s[i])) {
			if (++digits > 3)
				return 0;
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (!digits || v > 255)
			return 0;
		a[part] = (unsigned char)v;
	}
	return i == n;
}

/* IPv4 classes of D15: 0 public, 1 reserved (loopback, 0.0.0.0), 2 private or link-local. */
static int ipv4_class(const unsigned char a[4])
{
	if (a[0] == 127 || (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0))
		return 1;
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 169 && a[1] == 254))
		return 2;
	return 0;
}

/* The same for IPv6: ::1 and :: reserved; fc00::/7 (unique local) and fe80::/10 (link-local)
 * private; IPv4-mapped ::ffff:a.b.c.d classed as its IPv4 address. */
static int ipv6_class(const unsigned char a[16])
{
	static const unsigned char zero[16],
	    mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(a, zero, 15) && (a[15] == 1 || a[15] == 0))
		return 1;
	if (!memcmp(a, mapped, 12))
		return ipv4_class(a + 12);
	if ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return 2;
	return 0;
}

/* `host` equals `name` or is a subdomain of it (both lower case). */
static int host_within(const char *host, const char *name)
{
	size_t hl = strlen(host), nl = strlen(name);
	if (hl == nl)
		return !strcmp(host, name);
	return hl > nl && host[hl - nl - 1] == '.' && !strcmp(host + hl - nl, name);
}

static int host_allowed(const struct url_rules *r, const char *host)
{
	static const char *const reserved[] = {"example.com", "example.org", "example.net", NULL};
	if (!strcmp(host, "localhost"))
		return 1;
	for (size_t i = 0; reserved[i]; i++)
		if (host_within(host, reserved[i]))
			return 1;
	if (r && r->allow) {
		for (size_t i = 0; r->allow[i]; i++) {
			char low[HOST_KEEP + 2];
			size_t j, n = strlen(r->allow[i]);
			if (!n || n > HOST_KEEP)
				continue;
			for (j = 0; j < n; j++)
				low[j] = (char)lower((unsigned char)r->allow[i][j]);
			if (low[n - 1] == '.')
				n--;
			low[n] = '\0';
			if (n && host_within(host, low))
				return 1;
		}
	}
	return 0;
}

/* The verdict on a host (lower-cased, no brackets, no trailing dot); `scheme_insecure` is 1 for
 * http and ftp URLs, 0 for https and bare IPs. Returns the reason bits; *suspicious set. */
static unsigned verdict(const struct domains *dl, const struct url_rules *r, const char *host,
                        int is_v6, int scheme_insecure, int *suspicious)
{
	unsigned reasons = scheme_insecure ? URL_INSECURE : 0;
	unsigned char a[16];
	int cls = -1;
	if (is_v6) {
		if (inet_pton(AF_INET6, host, a) == 1)
			cls = ipv6_class(a);
		reasons |= URL_IS_IP;
	} else if (parse_ipv4(host, strlen(host), a)) {
		cls = ipv4_class(a);
		reasons |= URL_IS_IP;
	}
	if ((reasons & URL_IS_IP) && cls < 0)
		cls = 0; /* an unparsable bracketed literal: treated as public */
	if (cls == 1 || (cls == 2 && !(r && r->private_ip_is_suspicious)) ||
	    host_allowed(r, host)) {
		*suspicious = 0;
		return reasons | URL_EXEMPT;
	}
	if (reasons & URL_IS_IP)
		reasons |= URL_PUBLIC_IP;
	else if (!dl || !domains_match(dl, host))
		reasons |= URL_UNLISTED;
	*suspicious = (reasons & URL_UNLISTED) || (reasons & URL_PUBLIC_IP) ||
	              ((reasons & URL_INSECURE) && (!r || r->insecure_is_suspicious));
	return reasons;
}

static char *dup_lower(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = (char)lower((unsigned char)s[i]);
	p[n] = '\0';
	return p;
}

/* One parsed URL: offsets into the text. */
struct url_span {
	size_t end;            /* one past the URL */
	size_t host, host_len; /* without brackets */
	int v6;
	int insecure;
};

/* The scheme at s[i..): 1 = https, 2 = http, 3 = ftp (case-insensitive, followed by "://"),
 * else 0; *len = bytes up to and including "://". Adds the bytes compared to *work. */
static int match_scheme(const char *s, size_t n, size_t i, size_t *len, size_t *work)
{
	static const struct {
		const char *name;
		int id;
	} schemes[] = {{"https://", 1}, {"http://", 2}, {"ftp://", 3}};
	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(schemes[k].name), j;
		if (n - i < l)
			continue;
		for (j = 0; j < l; j++)
			if (lower((unsigned char)s[i + j]) != schemes[k].name[j])
				break;
		*work += j + (j < l);
		if (j == l) {
			*len = l;
			return schemes[k].id;
		}
	}
	return 0;
}

/* Parse the URL whose "scheme://" ends at s[i]; 1 and *u, or 0 if no host follows. With
 * `trim`, sentence punctuation at the end of a path is left out. Adds the bytes it examined to
 * *work: the authority look-ahead stops at the first '/', and every scheme holds "//", so the
 * look-aheads of successive URLs do not overlap. */
static int parse_after_scheme(const char *s, size_t n, size_t i, int scheme, int trim,
                              struct url_span *u, size_t *work)
{
	size_t j = i, at = 0, lim = n - i > AUTHORITY_MAX ? i + AUTHORITY_MAX : n, host_start;
	int has_at = 0;
	/* userinfo: the host starts after the last '@' of the authority */
	while (j < lim && is_authority_char((unsigned char)s[j]) && s[j] != '/') {
		if (s[j] == '@') {
			has_at = 1;
			at = j;
		}
		j++;
	}
	*work += j - i;
	j = host_start = has_at ? at + 1 : i;
	memset(u, 0, sizeof(*u));
	u->insecure = scheme != 1;
	if (j < n && s[j] == '[') {
		size_t k = j + 1;
		while (k < n && k - j <= 64 && is_v6_char((unsigned char)s[k]))
			k++;
		*work += k - j;
		if (k >= n || s[k] != ']' || k == j + 1)
			return 0;
		u->v6 = 1;
		u->host = j + 1;
		u->host_len = k - j - 1;
		j = k + 1;
	} else {
		size_t k = j;
		while (k < n && is_host_char((unsigned char)s[k]))
			k++;
		*work += k - j;
		if (k == j)
			return 0;
		u->host = j;
		u->host_len = k - j;
		j = k;
	}
	if (j < n && s[j] == ':') {
		size_t k = j + 1;
		while (k < n && is_digit((unsigned char)s[k]))
			k++;
		if (k > j + 1)
			j = k;
	}
	if (j < n && (s[j] == '/' || s[j] == '?' || s[j] == '#')) {
		size_t k = j;
		while (j < n && is_path_char((unsigned char)s[j]))
			j++;
		*work += 2 * (j - k); /* forward, and at most as far back when trimming */
		/* sentence punctuation after a URL in prose or comments */
		while (trim && j > u->host + u->host_len && strchr(".,;:!?)", s[j - 1]))
			j--;
	}
	(void)host_start;
	u->end = j;
	return 1;
}

static int push(struct url_finds *out, struct url_find *f)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		struct url_find *v = realloc(out->v, cap * sizeof(*v));
		if (!v)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *f;
	return 0;
}

/* Build and append one find; text is s[start..end), host s[h..h+hl). */
static int emit(const struct domains *dl, const struct url_rules *r, const char *s, size_t start,
                size_t end, size_t h, size_t hl, int v6, int insecure, size_t line, size_t col,
                struct url_finds *out)
{
	struct url_find f;
	size_t tl = end - start;
	memset(&f, 0, sizeof(f));
	f.line = line;
	f.col = col;
	if (tl > URLS_TEXT_MAX)
		tl = URLS_TEXT_MAX;
	while (hl && s[h + hl - 1] == '.' && !v6)
		hl--;
	if (hl > HOST_KEEP)
		hl = HOST_KEEP + 1; /* kept too long on purpose: it can never match */
	if (!(f.text = malloc(tl + 1)) || !(f.host = dup_lower(s + h, hl))) {
		free(f.text);
		return -1;
	}
	memcpy(f.text, s + start, tl);
	f.text[tl] = '\0';
	f.reasons = verdict(dl, r, f.host, v6, insecure, &f.suspicious);
	if (push(out, &f) < 0) {
		free(f.text);
		free(f.host);
		return -1;
	}
	return 0;
}

int urls_scan(const struct domains *dl, const struct url_rules *r, const char *text, size_t len,
              size_t max_finds, struct url_finds *out, struct diag *d)
{
	size_t i = 0, line = 1, line_start = 0, added = 0;
	if (!max_finds)
		max_finds = 100000;
	if (!text)
		return 0;
	while (i < len && added < max_finds) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n') {
			line++;
			line_start = ++i;
			continue;
		}
		if ((c == 'h' || c == 'H' || c == 'f' || c == 'F') &&
		    (i == 0 || !(is_alpha((unsigned char)text[i - 1]) ||
		                 is_digit((unsigned char)text[i - 1]) || text[i - 1] == '_'))) {
			size_t sl;
			struct url_span u;
			int scheme = match_scheme(text, len, i, &sl, &out->scanned);
			if (scheme &&
			    parse_after_scheme(text, len, i + sl, scheme, 1, &u, &out->scanned)) {
				if (emit(dl, r, text, i, u.end, u.host, u.host_len, u.v6,
				         u.insecure, line, i - line_start, out) < 0)
					return diag_error(d, "out of memory");
				added++;
				i = u.end;
				continue;
			}
			if (scheme) {
				i += sl;
				continue;
			}
		}
		if (is_digit(c) || c == '.') {
			size_t j = i;
			unsigned char a[4];
			while (j < len && (is_digit((unsigned char)text[j]) || text[j] == '.'))
				j++;
			out->scanned += j - i; /* parse_ipv4() reads the run once more */
			/* the run is maximal, so its ends touch no other digit or dot */
			if (is_digit(c) &&
			    (i == 0 ||
			     (text[i - 1] != '.' && !is_digit((unsigned char)text[i - 1]))) &&
			    parse_ipv4(text + i, j - i, a)) {
				if (emit(dl, r, text, i, j, i, j - i, 0, 0, line, i - line_start,
				         out) < 0)
					return diag_error(d, "out of memory");
				added++;
			}
			i = j;
			continue;
		}
		/* skip letters so that no scheme is matched inside a word ("sftp://", "xhttp://");
		 * digits are not skipped: an IPv4 literal may follow a letter (D15 only forbids an
		 * adjacent digit or dot) */
		if (is_alpha(c) || c == '_') {
			while (i < len && (is_alpha((unsigned char)text[i]) || text[i] == '_'))
				i++;
			continue;
		}
		i++;
	}
	out->scanned += i; /* the main loop reads each byte once */
	return 0;
}

int url_parse(const char *s, char *scheme, size_t scheme_n, char *host, size_t host_n)
{
	size_t n, b = 0, sl, hl, work = 0;
	struct url_span u;
	int id;
	if (!s)
		return -1;
	n = strlen(s);
	while (b < n && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n'))
		b++;
	while (n > b &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (!(id = match_scheme(s, n, b, &sl, &work)) ||
	    !parse_after_scheme(s, n, b + sl, id, 0, &u, &work))
		return -1;
	/* the whole string must be the URL */
	if (u.end != n)
		return -1;
	hl = u.host_len;
	while (hl && s[u.host + hl - 1] == '.' && !u.v6)
		hl--;
	if (!hl || hl + 1 > host_n || sl - 3 + 1 > scheme_n)
		return -1;
	for (size_t k = 0; k < hl; k++)
		host[k] = (char)lower((unsigned char)s[u.host + k]);
	host[hl] = '\0';
	for (size_t k = 0; k < sl - 3; k++)
		scheme[k] = (char)lower((unsigned char)s[b + k]);
	scheme[sl - 3] = '\0';
	return 0;
}

int url_host_verdict(const struct domains *dl, const struct url_rules *r, const char *host,
                     int insecure, int *suspicious)
{
	int s = 0;
	unsigned reasons = verdict(dl, r, host, strchr(host, ':') != NULL, insecure, &s);
	if (suspicious)
		*suspicious = s;
	return (int)reasons;
}
