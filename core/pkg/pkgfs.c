/* pkgfs: package archives read into memory with libarchive; directories are walked by
 * pkgwalk.c. */
#include "core/pkg/pkgfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/deadline.h"
#include "core/base/digest.h"
#include "core/pkg/pkgfs_tree.h"
#include "core/pkg/pkgwalk.h"

#define READ_CHUNK (64 * 1024) /* first allocation for a member of unknown size */
/* Bytes asked of libarchive per call when loading a member: with the block a drained member
 * comes in, the most the reader decompresses past a limit before it stops. */
#define READ_STEP ((size_t)256 << 10)
#define LIMIT_MAX ((size_t)-1 >> 2) /* larger member limits are taken as this (no overflow) */

/* State shared by every level of one open call. */
struct run {
	const struct pkgfs_options *o;
	struct diag *d;
	size_t input_len; /* bytes of the outermost input (ratio denominator) */
	size_t loaded;    /* bytes loaded so far, all levels */
	size_t unpacked;  /* bytes decompressed so far (loaded or read through), all levels, plus
	                   * the declared sizes of members skipped unread */
	int crc_password; /* an encrypted entry's data was damaged: maybe a wrong password that
	                   * passed ZipCrypto's one-byte check (see pkgfs_open_memory) */
};

int pkgfs_normalise_path(const char *in, char *out, size_t cap, size_t max_path_bytes,
                         const char **reason)
{
	size_t len = strlen(in), o = 0;
	if (len > max_path_bytes || len >= cap) {
		*reason = "path too long";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f) {
			*reason = "control character in path";
			return -1;
		}
	}
	if (in[0] == '/') {
		*reason = "absolute path";
		return -1;
	}
	const char *p = in;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*reason = "'..' component in path";
			return -1;
		}
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	out[o] = '\0';
	return 0;
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct pkgfs_member *)a)->path,
	              ((const struct pkgfs_member *)b)->path);
}

/* ---- the hard limits on decompressed bytes ---- */

/* Saturating a + b. */
static size_t add_sat(size_t a, size_t b)
{
	return a > (size_t)-1 - b ? (size_t)-1 : a + b;
}

/* Is a total of `total` unpacked bytes over a hard limit? 0 = no, 1 = the unpacked limit, 2 =
 * the ratio limit. */
static int over_limits(const struct run *r, size_t total)
{
	const struct pkgfs_limits *l = &r->o->limits;
	if (l->max_unpacked_bytes && total > l->max_unpacked_bytes)
		return 1;
	if (l->max_ratio > 0 && total > PKGFS_RATIO_FLOOR &&
	    (double)total / (double)(r->input_len ? r->input_len : 1) > l->max_ratio)
		return 2;
	return 0;
}

/* Record the bomb error for member `path`; `declared` > 0 when a declared size tripped it.
 * Always -1. Every message says how many bytes were really decompressed when the reader
 * stopped ("stopped after unpacking N bytes"). */
static int bomb_error(struct run *r, const char *path, int which, size_t declared)
{
	const struct pkgfs_limits *l = &r->o->limits;
	char mp[PKGFS_MSG_PATH_MAX + 4], decl[96] = "";
	if (declared)
		snprintf(decl, sizeof(decl), "the member declares %zu bytes; ", declared);
	if (which == 1)
		return diag_error(
		    r->d,
		    "'%s': possible archive bomb: %sstopped after unpacking %zu bytes "
		    "from a %zu-byte input (unpacked limit %zu bytes)",
		    pkgfs_msg_path(path, mp), decl, r->unpacked, r->input_len,
		    l->max_unpacked_bytes);
	return diag_error(r->d,
	                  "'%s': possible archive bomb: %sstopped after unpacking %zu bytes from a "
	                  "%zu-byte input (ratio limit %g)",
	                  pkgfs_msg_path(path, mp), decl, r->unpacked, r->input_len, l->max_ratio);
}

/* `n` more bytes came out of the decompressor for member `path`: count them, stop at a limit
 * or at the deadline. 0 or -1. */
static int count_unpacked(struct run *r, size_t n, const char *path)
{
	char mp[PKGFS_MSG_PATH_MAX + 4];
	r->unpacked = add_sat(r->unpacked, n);
	int which = over_limits(r, r->unpacked);
	if (which)
		return bomb_error(r, path, which, 0);
	return deadline_check(r->o->deadline, r->d, "reading '%s'", pkgfs_msg_path(path, mp));
}

/* ---- reading one entry ---- */

/* libarchive's message for the entry `path` on r->d (before archive_read_free). Always -1. */
static int entry_fail(struct run *r, struct archive *a, const char *path)
{
	char mp[PKGFS_MSG_PATH_MAX + 4];
	const char *e = archive_error_string(a);
	return diag_error(r->d, "'%s': %s", pkgfs_msg_path(path, mp), e ? e : "read error");
}

/* Read the rest of the current entry's data and drop it, counting every byte. */
static int drain_entry(struct run *r, struct archive *a, const char *path, size_t *seen)
{
	for (;;) {
		const void *block;
		size_t n = 0;
		la_int64_t off;
		int rc = archive_read_data_block(a, &block, &n, &off);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc < ARCHIVE_OK)
			return entry_fail(r, a, path);
		*seen += n;
		if (count_unpacked(r, n, path) < 0)
			return -1;
	}
}

/* How the current level gets past an entry it does not keep. */
enum past { PAST_SKIP, PAST_DRAIN };

/* Consume the current entry. When `keep` is set, load its data into a new buffer if it is at
 * most `limit` bytes: returns 0 with *out (plus a NUL) and *got = its size; a larger entry is
 * read through and dropped: returns 1, *out NULL and *got = the bytes seen. When `keep` is 0
 * the entry is only got past (returns 1). `past` says whether skipping is free here (PAST_SKIP:
 * the declared size is counted instead) or would decompress (PAST_DRAIN: read through, every
 * byte counted). -1 with the reason on r->d. */
static int consume_entry(struct run *r, struct archive *a, enum past past, const char *path,
                         size_t declared, int keep, size_t limit, unsigned char **out, size_t *got)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	*out = NULL;
	*got = 0;
	if (keep) {
		if (limit > LIMIT_MAX)
			limit = LIMIT_MAX;
		cap = declared && declared <= limit ? declared + 1 : READ_CHUNK;
		if (cap < 16)
			cap = 16;
		if (cap > limit + 1)
			cap = limit + 1;
		if (!(buf = malloc(cap)))
			return diag_error(r->d, "out of memory");
		for (;;) {
			if (len + 1 >= cap) {
				if (cap > limit)
					break; /* more than `limit` bytes: get past the rest */
				size_t nc = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
				unsigned char *nb = realloc(buf, nc + 1);
				if (!nb) {
					free(buf);
					return diag_error(r->d, "out of memory");
				}
				buf = nb;
				cap = nc + 1;
			}
			size_t ask = cap - 1 - len < READ_STEP ? cap - 1 - len : READ_STEP;
			la_ssize_t n = archive_read_data(a, buf + len, ask);
			if (n < 0) {
				free(buf);
				return entry_fail(r, a, path);
			}
			if (n == 0) {
				buf[len] = '\0';
				*out = buf;
				*got = len;
				r->loaded += len;
				return 0;
			}
			len += (size_t)n;
			if (count_unpacked(r, (size_t)n, path) < 0) {
				free(buf);
				return -1;
			}
		}
		free(buf);
	}
	*got = len;
	if (past == PAST_SKIP) {
		/* free to skip (tar or ar without a filter): the rest counts at its declared size
		 */
		if (declared > len && count_unpacked(r, declared - len, path) < 0)
			return -1;
		if (archive_read_data_skip(a) < ARCHIVE_WARN)
			return entry_fail(r, a, path);
		return 1;
	}
	return drain_entry(r, a, path, got) < 0 ? -1 : 1;
}

/* Copy libarchive's message to the diag (before archive_read_free). */
static int archive_fail(struct run *r, struct archive *a, const char *what)
{
	const char *e = archive_error_string(a);
	if (e && strstr(e, "Unrecognized archive format"))
		return diag_error(r->d, "not a supported archive (unrecognised format)");
	if (e && strstr(e, "Passphrase required"))
		return diag_error(r->d, "%s: passphrase required", what);
	if (e && strstr(e, "Incorrect passphrase"))
		return diag_error(r->d, "%s: incorrect passphrase", what);
	return diag_error(r->d, "%s: %s", what, e ? e : "read error");
}

static struct archive *new_reader(struct run *r, const void *buf, size_t len, int *not_archive)
{
	struct archive *a = archive_read_new();
	if (!a)
		return NULL;
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	if (r->o->passwords)
		for (const char *const *p = r->o->passwords; *p; p++)
			archive_read_add_passphrase(a, *p);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		const char *es = archive_error_string(a);
		if (es && strstr(es, "Unrecognized archive format"))
			*not_archive = 1;
		archive_fail(r, a, "cannot read archive");
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static const char *filter_name(int code)
{
	switch (code) {
	case ARCHIVE_FILTER_GZIP:
		return "gz";
	case ARCHIVE_FILTER_BZIP2:
		return "bz2";
	case ARCHIVE_FILTER_XZ:
		return "xz";
	case ARCHIVE_FILTER_ZSTD:
		return "zst";
	default:
		return NULL;
	}
}

/* One archive level: what was found besides the members. */
struct level {
	char base[32];    /* "tar", "zip", "ar" */
	char filters[32]; /* ".gz", "" */
	int encrypted;    /* a zip entry was encrypted */
	int not_archive;  /* libarchive did not recognise the format */
	enum past past;   /* how entries that are not kept are got past */
	size_t n_nondir;  /* entries other than directories so far */
	/* A zip's first entry is loaded (up to max_input_bytes) even when want() says no, in
	 * case it is the zip's only entry and itself an archive (a storage zip): that saves
	 * reading it twice. The load is dropped as soon as a second entry shows up. */
	size_t spec_index;     /* builder index of that entry while `spec` */
	int spec;              /* the speculative load is still held */
	const char *spec_path; /* after the level: its path (owned by the member), or NULL */
};

static int is_deb_data(const char *path)
{
	return !strcmp(path, "data.tar") || !strncmp(path, "data.tar.", 9);
}

/* The password errors of a failed entry read, reworded. */
static void reword_entry_error(struct run *r, struct archive_entry *e, const char *np)
{
	char mp[PKGFS_MSG_PATH_MAX + 4];
	const char *es = diag_message(r->d);
	if (strstr(es, "Passphrase required"))
		diag_error(r->d, "'%s': passphrase required", pkgfs_msg_path(np, mp));
	else if (strstr(es, "Incorrect passphrase"))
		diag_error(r->d, "'%s': incorrect passphrase", pkgfs_msg_path(np, mp));
	else if (archive_entry_is_encrypted(e)) {
		/* ZipCrypto checks one byte of its 12-byte header, so 1 wrong password in 256
		 * passes that check and only the decrypted data shows it: a CRC mismatch, or
		 * deflate data that does not decompress. */
		r->crc_password = 1;
		diag_error(r->d, "'%s': incorrect passphrase (decrypted data %s)",
		           pkgfs_msg_path(np, mp),
		           strstr(es, "CRC") ? "fails its CRC" : "is damaged");
	}
}

/* Forget the speculative load of level `lv` (see struct level). */
static void drop_speculative(struct run *r, struct pkgfs_builder *b, struct level *lv)
{
	struct pkgfs_member *m = &b->m[lv->spec_index];
	if (!lv->spec)
		return;
	r->loaded -= m->size;
	free(m->data);
	m->data = NULL;
	lv->spec = 0;
}

/* Read one archive level into `b`. An ar level loads its data.tar.* whole (bounded by
 * max_input_bytes) whatever want() says; a zip level speculatively loads its first entry
 * (struct level). */
static int read_level(struct run *r, const void *buf, size_t len, struct pkgfs_builder *b,
                      struct level *lv)
{
	const struct pkgfs_limits *l = &r->o->limits;
	struct archive_entry *e;
	char *np = NULL;
	size_t count = 0;
	int rc, first = 1, ret = -1;
	memset(lv, 0, sizeof(*lv));
	struct archive *a = new_reader(r, buf, len, &lv->not_archive);
	if (!a)
		return -1;
	np = malloc(l->max_path_bytes + 2);
	if (!np) {
		diag_error(r->d, "out of memory");
		goto out;
	}
	for (;;) {
		if (deadline_check(r->o->deadline, r->d, "listing the archive") < 0)
			goto out;
		rc = archive_read_next_header(a, &e);
		if (first) {
			first = 0;
			if (rc < ARCHIVE_WARN || rc == ARCHIVE_RETRY) {
				const char *es = archive_error_string(a);
				if (es && strstr(es, "Unrecognized archive format"))
					lv->not_archive = 1;
				archive_fail(r, a, "cannot read archive");
				goto out;
			}
			int fmt = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
			snprintf(lv->base, sizeof(lv->base), "%s",
			         fmt == ARCHIVE_FORMAT_ZIP  ? "zip"
			         : fmt == ARCHIVE_FORMAT_AR ? "ar"
			                                    : "tar");
			for (int i = archive_filter_count(a) - 1; i >= 0; i--) {
				const char *fn = filter_name(archive_filter_code(a, i));
				if (fn &&
				    strlen(lv->filters) + strlen(fn) + 2 < sizeof(lv->filters)) {
					strcat(lv->filters, ".");
					strcat(lv->filters, fn);
				}
			}
			/* Skipping is free only in an uncompressed tar or ar held in memory; a
			 * filter decompresses what is skipped, and a zip entry may have no size
			 * (streamed), so there the reader reads through and counts. */
			lv->past = fmt != ARCHIVE_FORMAT_ZIP && archive_filter_count(a) <= 1
			               ? PAST_SKIP
			               : PAST_DRAIN;
		}
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN || rc == ARCHIVE_RETRY) {
			archive_fail(r, a, "damaged archive");
			goto out;
		}
		if (++count > l->max_members) {
			diag_error(r->d, "more than %zu members", l->max_members);
			goto out;
		}
		if (archive_entry_is_encrypted(e))
			lv->encrypted = 1;
		const char *raw = archive_entry_pathname(e);
		if (!raw)
			raw = archive_entry_pathname_utf8(e);
		const char *reason = NULL;
		char mp[PKGFS_MSG_PATH_MAX + 4];
		unsigned char *data = NULL;
		size_t got = 0;
		if (!raw ||
		    pkgfs_normalise_path(raw, np, l->max_path_bytes + 2, l->max_path_bytes,
		                         &reason) < 0 ||
		    !np[0]) {
			if (!raw) {
				diag_warn(r->d, "member %zu skipped: no usable name", count);
				b->n_skipped++;
			} else if (reason) {
				diag_warn(r->d, "'%s': member skipped: %s", pkgfs_msg_path(raw, mp),
				          reason);
				b->n_skipped++;
			} /* else: the archive root itself ("./") */
			if (consume_entry(r, a, lv->past, raw ? raw : "?", 0, 0, 0, &data, &got) <
			    0)
				goto out;
			continue;
		}
		struct pkgfs_member m;
		memset(&m, 0, sizeof(m));
		m.mtime = archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) : 0;
		size_t declared = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
		                      ? (size_t)archive_entry_size(e)
		                      : 0;
		const char *hl = archive_entry_hardlink(e);
		mode_t ft = archive_entry_filetype(e);
		if (hl || ft == AE_IFLNK) {
			const char *t = hl ? hl : archive_entry_symlink(e);
			m.kind = PKGFS_LINK;
			m.hardlink = hl != NULL;
			m.link_target = pkgfs_strndup(t ? t : "", PKGFS_LINK_TARGET_MAX);
		} else if (ft == AE_IFDIR) {
			m.kind = PKGFS_DIR;
		} else if (ft == AE_IFREG || ft == 0) {
			m.kind = PKGFS_FILE;
			m.size = declared;
		} else {
			m.kind = PKGFS_OTHER;
			diag_warn(r->d, "'%s': special file ignored", pkgfs_msg_path(np, mp));
			b->n_skipped++;
		}
		m.path = strdup(np);
		if (!m.path || (m.kind == PKGFS_LINK && !m.link_target)) {
			pkgfs_member_release(&m);
			diag_error(r->d, "out of memory");
			goto out;
		}
		int keep = 0, nested = 0, spec = 0;
		size_t limit = l->max_member_bytes;
		if (m.kind != PKGFS_DIR && ++lv->n_nondir == 2)
			drop_speculative(r, b, lv);
		if (m.kind == PKGFS_FILE) {
			if (!strcmp(lv->base, "ar") && is_deb_data(np)) {
				keep = nested = 1;
				limit = l->max_input_bytes;
			} else {
				keep = r->o->want ? r->o->want(np, declared, r->o->want_ctx) : 1;
				size_t room = r->loaded < l->max_total_bytes
				                  ? l->max_total_bytes - r->loaded
				                  : 0;
				if (room < limit)
					limit = room;
				if (!keep && lv->n_nondir == 1 && !strcmp(lv->base, "zip")) {
					keep = spec = 1;
					limit = l->max_input_bytes;
				}
			}
			/* a tar or ar member's declared size is the size of its data: a member
			 * that would go over a hard limit fails before it is decompressed */
			int which;
			if (strcmp(lv->base, "zip") &&
			    (which = over_limits(r, add_sat(r->unpacked, declared)))) {
				bomb_error(r, np, which, declared);
				pkgfs_member_release(&m);
				goto out;
			}
		}
		int x = consume_entry(r, a, lv->past, np, declared, keep, limit, &data, &got);
		if (x < 0) {
			reword_entry_error(r, e, np);
			pkgfs_member_release(&m);
			goto out;
		}
		if (x == 0) {
			m.data = data;
			m.size = got;
			if (spec) {
				lv->spec = 1;
				lv->spec_index = b->n;
			}
		} else if (spec) {
			m.size = got; /* too large to be a storage zip's archive: only listed */
		} else if (keep) {
			if (nested) {
				diag_error(r->d, "'%s': nested archive larger than %zu bytes",
				           pkgfs_msg_path(np, mp), limit);
				pkgfs_member_release(&m);
				goto out;
			}
			if (limit == l->max_member_bytes)
				diag_warn(r->d, "'%s': member not loaded: larger than %zu bytes",
				          pkgfs_msg_path(np, mp), limit);
			else
				diag_warn(
				    r->d,
				    "'%s': member not loaded: more than %zu bytes loaded in total",
				    pkgfs_msg_path(np, mp), l->max_total_bytes);
			b->n_skipped++;
			m.size = declared > got ? declared : got;
		} else if (m.kind == PKGFS_FILE && got > m.size) {
			m.size = got; /* a streamed zip entry: its size is what came out */
		}
		if (pkgfs_builder_push(b, &m) < 0) {
			pkgfs_member_release(&m);
			diag_error(r->d, "out of memory");
			goto out;
		}
	}
	if (!strcmp(lv->base, "zip") || !strcmp(lv->base, "ar"))
		lv->filters[0] = '\0';
	if (lv->spec)
		lv->spec_path = b->m[lv->spec_index].path;
	ret = pkgfs_builder_finish(b, r->d);
out:
	free(np);
	archive_read_free(a);
	return ret;
}

static void level_format(const struct level *lv, const struct pkgfs_builder *b, const void *buf,
                         size_t len, char *out, size_t cap)
{
	const unsigned char *u = buf;
	if (!strcmp(lv->base, "zip")) {
		int whl = 0;
		for (size_t i = 0; i < b->n && !whl; i++) {
			const char *p = b->m[i].path, *s = strchr(p, '/');
			size_t n = s ? (size_t)(s - p) : 0;
			whl = s && n > 10 && !memcmp(s - 10, ".dist-info", 10) &&
			      !strcmp(s, "/WHEEL");
		}
		const char *enc = "";
		if (lv->encrypted)
			enc = len >= 10 && !memcmp(u, "PK\003\004", 4) && u[8] == 99 && u[9] == 0
			          ? "+aes"
			          : "+zipcrypto";
		snprintf(out, cap, "%s%s", whl ? "whl" : "zip", enc);
	} else if (!strcmp(lv->base, "ar")) {
		snprintf(out, cap, "deb");
	} else {
		snprintf(out, cap, "%s%s", lv->base, lv->filters);
	}
}

/* Open one level (depth levels below the input) into fs; unwraps zips and .debs. */
static int open_level(struct run *r, const void *buf, size_t len, size_t depth, struct pkgfs *fs,
                      int *not_archive)
{
	struct pkgfs_builder b = {0};
	struct level lv;
	char fmt[64];
	char mp[PKGFS_MSG_PATH_MAX + 4];
	*not_archive = 0;
	if (read_level(r, buf, len, &b, &lv) < 0) {
		*not_archive = lv.not_archive;
		pkgfs_builder_release(&b);
		return -1;
	}
	level_format(&lv, &b, buf, len, fmt, sizeof(fmt));
	const struct pkgfs_member *inner = NULL;
	if (!strcmp(lv.base, "ar")) {
		for (size_t i = 0; i < b.n && !inner; i++)
			if (b.m[i].kind == PKGFS_FILE && b.m[i].data && is_deb_data(b.m[i].path))
				inner = &b.m[i];
		if (!inner) {
			pkgfs_builder_release(&b);
			return diag_error(r->d,
			                  "ar archive without a data.tar member (not a .deb)");
		}
	} else if (!strcmp(lv.base, "zip")) {
		/* one entry, loaded (wanted, or speculatively): maybe a storage zip's archive */
		size_t n_reg = 0, idx = 0;
		for (size_t i = 0; i < b.n; i++)
			if (b.m[i].kind != PKGFS_DIR) {
				n_reg++;
				idx = i;
			}
		if (n_reg == 1 && b.m[idx].kind == PKGFS_FILE && b.m[idx].data)
			inner = &b.m[idx];
	}
	if (inner) {
		struct diag sub;
		diag_init(&sub);
		struct run r2 = *r;
		r2.d = &sub;
		struct pkgfs sfs;
		memset(&sfs, 0, sizeof(sfs));
		int sub_not_archive = 0, x;
		if (depth + 1 > r->o->limits.max_depth) {
			/* Probe only: is the member an archive at all? */
			struct pkgfs_options po = *r->o;
			po.want = NULL;
			struct pkgfs_builder pb = {0};
			struct level plv;
			po.limits.max_members = 1;
			r2.o = &po;
			x = read_level(&r2, inner->data, inner->size, &pb, &plv);
			pkgfs_builder_release(&pb);
			int is_archive = !plv.not_archive;
			diag_release(&sub);
			if (is_archive || !strcmp(lv.base, "ar")) {
				diag_error(r->d, "'%s': nested archive deeper than %zu level%s",
				           pkgfs_msg_path(inner->path, mp), r->o->limits.max_depth,
				           r->o->limits.max_depth == 1 ? "" : "s");
				pkgfs_builder_release(&b);
				return -1;
			}
			(void)x;
		} else {
			x = open_level(&r2, inner->data, inner->size, depth + 1, &sfs,
			               &sub_not_archive);
			r->loaded = r2.loaded;
			r->unpacked = r2.unpacked;
			if (x < 0 && (sub_not_archive && strcmp(lv.base, "ar"))) {
				/* A zip holding one plain file: the zip is the package. */
				diag_release(&sub);
			} else {
				for (int i = 0; i < sub.n_warnings && i < DIAG_WARN_KEEP; i++)
					diag_warn(r->d, "%s", sub.warnings[i]);
				if (x < 0) {
					diag_error(r->d, "'%s': %s",
					           pkgfs_msg_path(inner->path, mp),
					           diag_message(&sub));
					diag_release(&sub);
					pkgfs_builder_release(&b);
					return -1;
				}
				diag_release(&sub);
				snprintf(fs->format, sizeof(fs->format), "%.20s>%.40s", fmt,
				         sfs.format);
				fs->members = sfs.members;
				fs->n = sfs.n;
				fs->archive = sfs.archive;
				fs->archive_len = sfs.archive_len;
				fs->n_skipped = sfs.n_skipped + b.n_skipped;
				pkgfs_builder_release(&b);
				return 0;
			}
		}
	}
	/* the level is the package: a speculative load was not wanted by the analysis */
	for (size_t i = 0; lv.spec_path && i < b.n; i++)
		if (b.m[i].path == lv.spec_path && b.m[i].data) {
			r->loaded -= b.m[i].size;
			free(b.m[i].data);
			b.m[i].data = NULL;
		}
	if (r->o->keep_archive) {
		if (!(fs->archive = malloc(len ? len : 1))) {
			pkgfs_builder_release(&b);
			return diag_error(r->d, "out of memory");
		}
		memcpy(fs->archive, buf, len);
		fs->archive_len = len;
	}
	snprintf(fs->format, sizeof(fs->format), "%s", fmt);
	fs->members = b.m;
	fs->n = b.n;
	fs->n_skipped = b.n_skipped;
	return 0;
}

int pkgfs_open_memory(struct pkgfs **out, const void *buf, size_t len,
                      const struct pkgfs_options *o, struct diag *d)
{
	*out = NULL;
	if (len == 0)
		return diag_error(d, "empty file");
	if (len > o->limits.max_input_bytes)
		return diag_error(d, "input larger than %zu bytes", o->limits.max_input_bytes);
	struct pkgfs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return diag_error(d, "out of memory");
	struct run r = {o, d, len, 0, 0, 0};
	int not_archive;
	/* libarchive converts member names to the current locale's charset; under the "C" locale
	 * UTF-8 names (zip flag bit 11, pax) would come back as NULL. Use a UTF-8 LC_CTYPE for this
	 * thread only while reading. */
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	int rc = open_level(&r, buf, len, 0, fs, &not_archive);
	/* libarchive takes the first password that passes ZipCrypto's one-byte header check, so a
	 * wrong one that passes it (1 in 256) hides a right one later in the list: after an
	 * encrypted entry's data fails, try each password on its own, in order. */
	size_t n_pw = 0;
	for (const char *const *p = o->passwords; p && *p; p++)
		n_pw++;
	for (size_t i = 0; rc < 0 && r.crc_password && n_pw > 1 && i < n_pw; i++) {
		const char *one[2] = {o->passwords[i], NULL};
		struct pkgfs_options po = *o;
		po.passwords = one;
		pkgfs_free(fs);
		if (!(fs = calloc(1, sizeof(*fs)))) {
			rc = diag_error(d, "out of memory");
			break;
		}
		struct run r1 = {&po, d, len, 0, 0, 0};
		rc = open_level(&r1, buf, len, 0, fs, &not_archive);
		r.loaded = r1.loaded;
		r.unpacked = r1.unpacked;
	}
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	if (rc < 0) {
		pkgfs_free(fs);
		return -1;
	}
	fs->loaded_bytes = r.loaded;
	fs->unpacked_bytes = r.unpacked;
	*out = fs;
	return 0;
}

int pkgfs_open_file(struct pkgfs **out, const char *path, const struct pkgfs_options *o,
                    char sha256[65], struct diag *d)
{
	struct stat st;
	*out = NULL;
	if (sha256)
		sha256[0] = '\0';
	if (stat(path, &st) < 0)
		return diag_error(d, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return pkgwalk_open(out, path, o, d);
	if (!S_ISREG(st.st_mode))
		return diag_error(d, "not a regular file or directory");
	if ((size_t)st.st_size > o->limits.max_input_bytes)
		return diag_error(d, "input larger than %zu bytes", o->limits.max_input_bytes);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return diag_error(d, "%s", strerror(errno));
	size_t cap = (size_t)st.st_size + 1, len = 0;
	unsigned char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		return diag_error(d, "out of memory");
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return diag_error(d, "%s", strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap) {
			free(buf);
			close(fd);
			return diag_error(d, "file grew while being read");
		}
	}
	close(fd);
	if (sha256)
		digest_buffer_hex(buf, len, sha256);
	int ret = pkgfs_open_memory(out, buf, len, o, d);
	free(buf);
	return ret;
}

const struct pkgfs_member *pkgfs_find(const struct pkgfs *fs, const char *path)
{
	struct pkgfs_member key;
	if (!fs || !fs->n)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	return bsearch(&key, fs->members, fs->n, sizeof(key), cmp_member);
}

const char *pkgfs_format(const struct pkgfs *fs)
{
	return fs->format;
}

void pkgfs_free(struct pkgfs *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++)
		pkgfs_member_release(&fs->members[i]);
	free(fs->members);
	free(fs->archive);
	free(fs);
}
