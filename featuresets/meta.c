/* The `meta` feature set: the two metadata features of Table 2, read from the package's
 * PKG-INFO/METADATA (paper.md sections 3.3-3.6, spec D4-D7).
 *
 *   meta.is_valid_homepage      1 if a homepage or source-repository URL is https and on a
 *                               popular domain ("Has invalid or no homepage", Sec. 4.2; D6)
 *   meta.is_valid_author_email  1 if an author e-mail address is well formed and its domain is
 *                               popular ("Has invalid or no author email", Sec. 4.2; D7)
 *
 * Both read the popular-domain list of the analysis context (D5); running without one is an
 * error, never a silent "everything is unpopular". */
#include "featuresets/featureset.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/analysis/analysis.h"
#include "core/analysis/domains.h"
#include "core/analysis/evidence.h"
#include "core/pkg/pkginfo.h"
#include "core/analysis/urls.h"

/* Evidence items kept per feature (every candidate is still evaluated). */
#define META_EVIDENCE_MAX 32
/* Addresses read per e-mail field. */
#define META_ADDRESSES_MAX 64
/* Longest host or e-mail domain looked at. */
#define META_HOST_MAX 260

struct meta_state {
	int homepage_sources; /* 0 = home, 1 = home+project */
	int homepage_require_https;
	int email_fields;   /* 0 = author, 1 = author+maintainer */
	int reserved_valid; /* 1: example.com/.org/.net and localhost count like any host */
};

static const struct param_spec meta_params[] = {
    {"homepage_sources", PARAM_ENUM, offsetof(struct meta_state, homepage_sources), "home+project",
     "home|home+project",
     "homepage candidates: Home-page only, or also source-like Project-URLs (D6)"},
    {"homepage_require_https", PARAM_BOOL, offsetof(struct meta_state, homepage_require_https), "1",
     NULL, "a valid homepage must use https (D6)"},
    {"email_fields", PARAM_ENUM, offsetof(struct meta_state, email_fields), "author",
     "author|author+maintainer", "e-mail fields read: Author-email, or also Maintainer-email (D7)"},
    {"reserved_valid", PARAM_BOOL, offsetof(struct meta_state, reserved_valid), "1", NULL,
     "0: hosts under example.com/.org/.net and localhost never make a homepage or e-mail valid "
     "(they are in the shipped list)"},
    {NULL, 0, 0, NULL, NULL, NULL}};

static const char *const meta_feature_names[] = {"is_valid_homepage", "is_valid_author_email"};

/* Project-URL labels that name a homepage or source repository (D6), normalised. */
static const char *const homepage_labels[] = {"homepage",   "home", "source", "sourcecode",
                                              "repository", "code", "github", NULL};

static const char *metadata_path(const struct analysis *a)
{
	return a->view && a->view->metadata ? a->view->metadata->path : NULL;
}

static void add_ev(struct evidence_list *ev, size_t *n_ev, const char *rule, const char *file,
                   size_t line, const char *snippet, const char *detail, int *oom)
{
	if (!ev || *n_ev >= META_EVIDENCE_MAX)
		return;
	if (evidence_add(ev, rule, file, line, line, snippet, snippet ? strlen(snippet) : 0,
	                 detail) < 0)
		*oom = 1;
	(*n_ev)++;
}

static int is_reserved(const char *host)
{
	static const char *const names[] = {"example.com", "example.org", "example.net", NULL};
	size_t hl = strlen(host);
	if (!strcmp(host, "localhost"))
		return 1;
	for (size_t i = 0; names[i]; i++) {
		size_t nl = strlen(names[i]);
		if (hl == nl
		        ? !strcmp(host, names[i])
		        : hl > nl && host[hl - nl - 1] == '.' && !strcmp(host + hl - nl, names[i]))
			return 1;
	}
	return 0;
}

/* Verdict on one homepage candidate: 1 valid, 0 not; the reason into why. */
static int homepage_valid(const struct meta_state *s, const struct domains *dl, const char *url,
                          char *why, size_t n)
{
	char scheme[16], host[META_HOST_MAX];
	if (url_parse(url, scheme, sizeof(scheme), host, sizeof(host)) < 0) {
		snprintf(why, n, "not a url");
		return 0;
	}
	if (strcmp(scheme, "https") && (s->homepage_require_https || strcmp(scheme, "http"))) {
		snprintf(why, n, "scheme '%s' is not https", scheme);
		return 0;
	}
	if (!s->reserved_valid && is_reserved(host)) {
		snprintf(why, n, "reserved host '%s'", host);
		return 0;
	}
	if (!domains_match(dl, host)) {
		char reg[META_HOST_MAX];
		if (!domains_registrable(dl, host, reg, sizeof(reg)))
			snprintf(why, n, "host '%s' is an IP literal or a public suffix", host);
		else
			snprintf(why, n, "domain '%s' is not a popular domain", reg);
		return 0;
	}
	snprintf(why, n, "valid: %s on popular domain '%s'", scheme, host);
	return 1;
}

/* Normalise a Project-URL label: lower case, letters and digits only. */
static int label_is_homepage(const char *v, size_t n)
{
	char buf[64];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (k + 1 >= sizeof(buf))
				return 0;
			buf[k++] = (char)c;
		}
	}
	buf[k] = '\0';
	for (size_t i = 0; homepage_labels[i]; i++)
		if (!strcmp(buf, homepage_labels[i]))
			return 1;
	return 0;
}

/* is_valid_homepage (D6). Returns the value; evidence appended. */
static double homepage_feature(const struct meta_state *s, const struct analysis *a,
                               struct evidence_list *ev, int *oom)
{
	const struct domains *dl = a->ctx->domains;
	const struct pkginfo_field *f = NULL;
	const char *mp = metadata_path(a);
	size_t n_ev = 0, n_cand = 0;
	int valid = 0;
	char why[META_HOST_MAX + 64];

	if (!a->info) {
		add_ev(ev, &n_ev, "homepage", mp, 0, NULL, "no metadata file: no homepage", oom);
		return 0;
	}
	while ((f = pkginfo_next(a->info, "Home-page", f))) {
		n_cand++;
		if (homepage_valid(s, dl, f->value, why, sizeof(why)))
			valid = 1;
		add_ev(ev, &n_ev, "homepage", mp, f->line, f->value, why, oom);
	}
	if (s->homepage_sources == 1) {
		f = NULL;
		while ((f = pkginfo_next(a->info, "Project-URL", f))) {
			const char *comma = strchr(f->value, ',');
			if (!comma || !label_is_homepage(f->value, (size_t)(comma - f->value)))
				continue;
			n_cand++;
			if (homepage_valid(s, dl, comma + 1, why, sizeof(why)))
				valid = 1;
			add_ev(ev, &n_ev, "homepage", mp, f->line, f->value, why, oom);
		}
	}
	if (!n_cand)
		add_ev(ev, &n_ev, "homepage", mp, 0, NULL, "no homepage or repository url", oom);
	return valid;
}

static int is_label_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* Check the syntax of address a[0..n) (D7); the lower-cased domain into dom. 1 if well
 * formed, else 0 with the reason in why. */
static int address_syntax(const char *a, size_t n, char *dom, size_t dn, char *why, size_t wn)
{
	const char *at = NULL;
	size_t labels = 1, label = 0, dl;
	for (size_t i = 0; i < n; i++) {
		if (a[i] == '@') {
			if (at) {
				snprintf(why, wn, "more than one '@'");
				return 0;
			}
			at = a + i;
		}
	}
	if (!at) {
		snprintf(why, wn, "no '@'");
		return 0;
	}
	if (at == a) {
		snprintf(why, wn, "empty local part");
		return 0;
	}
	for (const char *p = a; p < at; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			snprintf(why, wn, "whitespace in the local part");
			return 0;
		}
	}
	dl = n - (size_t)(at + 1 - a);
	if (!dl || dl + 1 > dn) {
		snprintf(why, wn, dl ? "domain too long" : "empty domain");
		return 0;
	}
	for (size_t i = 0; i < dl; i++) {
		unsigned char c = (unsigned char)at[1 + i];
		if (c == '.') {
			if (!label) {
				snprintf(why, wn, "empty domain label");
				return 0;
			}
			labels++;
			label = 0;
		} else if (is_label_char(c)) {
			label++;
		} else {
			snprintf(why, wn, "bad character in the domain");
			return 0;
		}
		dom[i] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
	}
	dom[dl] = '\0';
	if (!label || labels < 2) {
		snprintf(why, wn, label ? "domain has one label" : "empty domain label");
		return 0;
	}
	return 1;
}

/* Evaluate every address of one e-mail field value; returns 1 if one is valid. */
static int email_field(const struct meta_state *s, const struct domains *dl, const char *rule,
                       const char *mp, const struct pkginfo_field *f, struct evidence_list *ev,
                       size_t *n_ev, int *oom)
{
	const char *v = f->value;
	size_t start = 0, i, n = strlen(v), count = 0;
	int quoted = 0, angle = 0, valid = 0;
	for (i = 0; i <= n && count < META_ADDRESSES_MAX; i++) {
		char c = i < n ? v[i] : ',';
		if (c == '"' && !angle)
			quoted = !quoted;
		else if (c == '<' && !quoted)
			angle = 1;
		else if (c == '>' && !quoted)
			angle = 0;
		if (c != ',' || quoted || angle)
			continue;
		/* one address in v[start..i) */
		{
			const char *p = v + start, *e = v + i, *lt, *gt;
			char dom[META_HOST_MAX], why[META_HOST_MAX + 64], snip[256];
			size_t pl;
			start = i + 1;
			while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
				p++;
			while (e > p &&
			       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
				e--;
			if (p == e)
				continue;
			count++;
			snprintf(snip, sizeof(snip), "%.*s", (int)(e - p < 255 ? e - p : 255), p);
			lt = memchr(p, '<', (size_t)(e - p));
			if (lt) {
				gt = memchr(lt, '>', (size_t)(e - lt));
				if (!gt) {
					add_ev(ev, n_ev, rule, mp, f->line, snip, "unclosed '<'",
					       oom);
					continue;
				}
				p = lt + 1;
				e = gt;
			}
			pl = (size_t)(e - p);
			if (!address_syntax(p, pl, dom, sizeof(dom), why, sizeof(why))) {
				add_ev(ev, n_ev, rule, mp, f->line, snip, why, oom);
				continue;
			}
			if (!s->reserved_valid && is_reserved(dom)) {
				snprintf(why, sizeof(why), "reserved domain '%s'", dom);
			} else if (!domains_match(dl, dom)) {
				snprintf(why, sizeof(why), "domain '%s' is not a popular domain",
				         dom);
			} else {
				snprintf(why, sizeof(why), "valid: popular domain '%s'", dom);
				valid = 1;
			}
			add_ev(ev, n_ev, rule, mp, f->line, snip, why, oom);
		}
	}
	return valid;
}

/* is_valid_author_email (D7). */
static double email_feature(const struct meta_state *s, const struct analysis *a,
                            struct evidence_list *ev, int *oom)
{
	static const char *const keys[] = {"Author-email", "Maintainer-email"};
	const char *mp = metadata_path(a);
	size_t n_ev = 0, n_fields = 0;
	int valid = 0;
	if (!a->info) {
		add_ev(ev, &n_ev, "author_email", mp, 0, NULL, "no metadata file: no author e-mail",
		       oom);
		return 0;
	}
	for (int k = 0; k < (s->email_fields == 1 ? 2 : 1); k++) {
		const struct pkginfo_field *f = NULL;
		while ((f = pkginfo_next(a->info, keys[k], f))) {
			n_fields++;
			if (email_field(s, a->ctx->domains, "author_email", mp, f, ev, &n_ev, oom))
				valid = 1;
		}
	}
	if (!n_fields)
		add_ev(ev, &n_ev, "author_email", mp, 0, NULL,
		       s->email_fields == 1 ? "no Author-email or Maintainer-email"
		                            : "no Author-email",
		       oom);
	return valid;
}

static int meta_extract(const void *state, const struct analysis *a, double *out,
                        struct evidence_list *ev, struct diag *d)
{
	const struct meta_state *s = state;
	int oom = 0;
	out[0] = out[1] = NAN;
	if (!a->ctx || !a->ctx->domains)
		return diag_error(d,
		                  "meta: no popular-domain list loaded (spec D5: set meta.domains "
		                  "or PYVET_DOMAINS)");
	out[0] = homepage_feature(s, a, ev, &oom);
	out[1] = email_feature(s, a, ev, &oom);
	if (oom)
		return diag_error(d, "meta: out of memory");
	return 0;
}

const struct featureset_type fs_meta = {
    .name = "meta",
    .summary = "metadata features: valid homepage, valid author e-mail (paper Sec. 4.2; D5-D7)",
    .version = 2,
    .state_size = sizeof(struct meta_state),
    .params = meta_params,
    .check = NULL,
    .needs = FEATURESET_NEEDS_DOMAINS, /* D5: the popular-domain list */
    .n_features = 2,
    .feature_names = meta_feature_names,
    .extract = meta_extract,
    .document = NULL,
    .release = NULL,
};
