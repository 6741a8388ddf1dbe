/* pkgfs: package archives and directories read into memory with libarchive. */
#include "core/pkg/pkgfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/digest.h"
#include "core/base/sbuf.h"

#define MSG_PATH_MAX 120       /* member paths quoted in messages are cut to this many bytes */
#define READ_CHUNK (64 * 1024) /* first allocation for a member of unknown size */
#define DIR_MAX_DEPTH 64       /* directory inputs: nesting of sub-directories */
#define LINK_TARGET_MAX 4096   /* link targets are cut to this many bytes */

/* Members of one archive level being collected. */
struct builder {
	struct pkgfs_member *m;
	size_t n, cap;
	size_t n_skipped;
};

/* State shared by every level of one open call. */
struct run {
	const struct pkgfs_options *o;
	struct diag *d;
	size_t input_len;    /* bytes of the outermost input (ratio denominator) */
	size_t loaded;       /* bytes loaded so far, all levels */
	size_t uncompressed; /* loaded plus declared sizes of members skipped unread */
};

/* A path made safe for a one-line message: control bytes become '?', long paths are cut. */
static const char *msg_path(const char *s, char out[MSG_PATH_MAX + 4])
{
	size_t i = 0;
	if (!s)
		s = "";
	for (; s[i] && i < MSG_PATH_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

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

static int builder_push(struct builder *b, struct pkgfs_member *m)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		struct pkgfs_member *nm = realloc(b->m, nc * sizeof(*nm));
		if (!nm)
			return -1;
		b->m = nm;
		b->cap = nc;
	}
	b->m[b->n++] = *m;
	return 0;
}

static void member_release(struct pkgfs_member *m)
{
	free(m->path);
	free(m->data);
	free(m->link_target);
	memset(m, 0, sizeof(*m));
}

static void builder_release(struct builder *b)
{
	for (size_t i = 0; i < b->n; i++)
		member_release(&b->m[i]);
	free(b->m);
	memset(b, 0, sizeof(*b));
}

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct pkgfs_member *)a)->path,
	              ((const struct pkgfs_member *)b)->path);
}

/* Sort by path, keeping insertion order among equal paths, then keep the last copy of each. */
struct keyed {
	struct pkgfs_member m;
	size_t idx;
};
static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->m.path, y->m.path);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int builder_finish(struct builder *b, struct diag *d)
{
	if (b->n < 2)
		return 0;
	struct keyed *k = malloc(b->n * sizeof(*k));
	if (!k)
		return diag_error(d, "out of memory");
	for (size_t i = 0; i < b->n; i++) {
		k[i].m = b->m[i];
		k[i].idx = i;
	}
	qsort(k, b->n, sizeof(*k), cmp_keyed);
	size_t o = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (i + 1 < b->n && !strcmp(k[i].m.path, k[i + 1].m.path)) {
			char mp[MSG_PATH_MAX + 4];
			if (k[i].m.kind != PKGFS_DIR || k[i + 1].m.kind != PKGFS_DIR) {
				diag_warn(d, "'%s': duplicate member, keeping the last copy",
				          msg_path(k[i].m.path, mp));
				b->n_skipped++;
			}
			member_release(&k[i].m);
			continue;
		}
		b->m[o++] = k[i].m;
	}
	b->n = o;
	free(k);
	return 0;
}

static char *xstrndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

/* Ratio limit on the uncompressed bytes seen so far. */
static int check_ratio(struct run *r)
{
	const struct pkgfs_limits *l = &r->o->limits;
	if (r->uncompressed > PKGFS_RATIO_FLOOR && l->max_ratio > 0) {
		double ratio = (double)r->uncompressed / (double)(r->input_len ? r->input_len : 1);
		if (ratio > l->max_ratio)
			return diag_error(
			    r->d,
			    "compression ratio over %g (%zu bytes from %zu): possible archive bomb",
			    l->max_ratio, r->uncompressed, r->input_len);
	}
	return 0;
}

/* Read the current entry's data into a new buffer. Returns 0 (loaded, *out set), 1 (over
 * `limit`: the rest was skipped, *out NULL, *got = bytes seen), or -1 (error on r->d). */
static int read_entry_data(struct run *r, struct archive *a, const char *path, size_t declared,
                           size_t limit, unsigned char **out, size_t *got)
{
	const struct pkgfs_limits *l = &r->o->limits;
	size_t cap = declared && declared <= limit ? declared + 1 : READ_CHUNK;
	if (cap > limit + 1)
		cap = limit + 1;
	if (cap < 16)
		cap = 16;
	unsigned char *buf = malloc(cap);
	size_t len = 0;
	char mp[MSG_PATH_MAX + 4];
	*out = NULL;
	*got = 0;
	if (!buf)
		return diag_error(r->d, "out of memory");
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > limit) {
				/* More than `limit` bytes: stop reading and skip the rest. */
				free(buf);
				*got = len;
				if (archive_read_data_skip(a) < ARCHIVE_WARN)
					return diag_error(r->d, "'%s': %s", msg_path(path, mp),
					                  archive_error_string(a)
					                      ? archive_error_string(a)
					                      : "read error");
				return 1;
			}
			size_t nc = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
			unsigned char *nb = realloc(buf, nc + 1);
			if (!nb) {
				free(buf);
				return diag_error(r->d, "out of memory");
			}
			buf = nb;
			cap = nc + 1;
		}
		la_ssize_t n = archive_read_data(a, buf + len, cap - 1 - len);
		if (n < 0) {
			const char *e = archive_error_string(a);
			diag_error(r->d, "'%s': %s", msg_path(path, mp), e ? e : "read error");
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		r->loaded += (size_t)n;
		r->uncompressed += (size_t)n;
		if (r->loaded > l->max_total_bytes) {
			free(buf);
			return diag_error(r->d, "more than %zu bytes loaded in total",
			                  l->max_total_bytes);
		}
		if (check_ratio(r) < 0) {
			free(buf);
			return -1;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*got = len;
	return 0;
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
};

static int is_deb_data(const char *path)
{
	return !strcmp(path, "data.tar") || !strncmp(path, "data.tar.", 9);
}

/* Read one archive level into `b`. `force` names a member to load whole (bounded by
 * max_input_bytes) whatever want() says; ar levels also load data.tar.* that way. */
static int read_level(struct run *r, const void *buf, size_t len, struct builder *b,
                      struct level *lv, const char *force)
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
		char mp[MSG_PATH_MAX + 4];
		if (!raw) {
			diag_warn(r->d, "member %zu skipped: no usable name", count);
			b->n_skipped++;
			continue;
		}
		if (pkgfs_normalise_path(raw, np, l->max_path_bytes + 2, l->max_path_bytes,
		                         &reason) < 0) {
			diag_warn(r->d, "'%s': member skipped: %s", msg_path(raw, mp), reason);
			b->n_skipped++;
			continue;
		}
		if (!np[0])
			continue; /* the archive root itself ("./") */
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
			m.link_target = xstrndup(t ? t : "", LINK_TARGET_MAX);
		} else if (ft == AE_IFDIR) {
			m.kind = PKGFS_DIR;
		} else if (ft == AE_IFREG || ft == 0) {
			m.kind = PKGFS_FILE;
			m.size = declared;
		} else {
			m.kind = PKGFS_OTHER;
			diag_warn(r->d, "'%s': special file ignored", msg_path(np, mp));
			b->n_skipped++;
		}
		m.path = strdup(np);
		if (!m.path || (m.kind == PKGFS_LINK && !m.link_target)) {
			member_release(&m);
			diag_error(r->d, "out of memory");
			goto out;
		}
		int load = 0;
		size_t limit = l->max_member_bytes;
		if (m.kind == PKGFS_FILE) {
			if ((force && !strcmp(np, force)) ||
			    (!strcmp(lv->base, "ar") && is_deb_data(np))) {
				load = 1;
				limit = l->max_input_bytes;
			} else {
				load = r->o->want ? r->o->want(np, declared, r->o->want_ctx) : 1;
			}
		}
		if (load) {
			unsigned char *data;
			size_t got;
			int x = read_entry_data(r, a, np, declared, limit, &data, &got);
			if (x < 0) {
				const char *es = diag_message(r->d);
				if (strstr(es, "Passphrase required"))
					diag_error(r->d, "'%s': passphrase required",
					           msg_path(np, mp));
				else if (strstr(es, "Incorrect passphrase"))
					diag_error(r->d, "'%s': incorrect passphrase",
					           msg_path(np, mp));
				else if (archive_entry_is_encrypted(e) && strstr(es, "CRC"))
					/* ZipCrypto checks one byte of its 12-byte header, so 1
					 * wrong password in 256 passes that check and only the CRC
					 * of the decrypted data catches it. */
					diag_error(r->d,
					           "'%s': incorrect passphrase (decrypted data "
					           "fails its CRC)",
					           msg_path(np, mp));
				member_release(&m);
				goto out;
			}
			if (x == 1) {
				if (limit != l->max_member_bytes) {
					diag_error(r->d,
					           "'%s': nested archive larger than %zu bytes",
					           msg_path(np, mp), limit);
					member_release(&m);
					goto out;
				}
				diag_warn(r->d, "'%s': member not loaded: larger than %zu bytes",
				          msg_path(np, mp), limit);
				b->n_skipped++;
				m.size = declared > got ? declared : got;
				r->uncompressed +=
				    m.size - got; /* the unread rest counts for the ratio */
				if (check_ratio(r) < 0) {
					member_release(&m);
					goto out;
				}
			} else {
				m.data = data;
				m.size = got;
			}
		} else if (m.kind == PKGFS_FILE) {
			r->uncompressed += declared;
			if (check_ratio(r) < 0) {
				member_release(&m);
				goto out;
			}
			if (archive_read_data_skip(a) < ARCHIVE_WARN) {
				archive_fail(r, a, msg_path(np, mp));
				member_release(&m);
				goto out;
			}
		}
		if (builder_push(b, &m) < 0) {
			member_release(&m);
			diag_error(r->d, "out of memory");
			goto out;
		}
	}
	if (!strcmp(lv->base, "zip") || !strcmp(lv->base, "ar"))
		lv->filters[0] = '\0';
	ret = builder_finish(b, r->d);
out:
	free(np);
	archive_read_free(a);
	return ret;
}

static void level_format(const struct level *lv, const struct builder *b, const void *buf,
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
	struct builder b = {0};
	struct level lv;
	char fmt[64];
	char mp[MSG_PATH_MAX + 4];
	*not_archive = 0;
	if (read_level(r, buf, len, &b, &lv, NULL) < 0) {
		*not_archive = lv.not_archive;
		builder_release(&b);
		return -1;
	}
	level_format(&lv, &b, buf, len, fmt, sizeof(fmt));
	const struct pkgfs_member *inner = NULL;
	if (!strcmp(lv.base, "ar")) {
		for (size_t i = 0; i < b.n && !inner; i++)
			if (b.m[i].kind == PKGFS_FILE && b.m[i].data && is_deb_data(b.m[i].path))
				inner = &b.m[i];
		if (!inner) {
			builder_release(&b);
			return diag_error(r->d,
			                  "ar archive without a data.tar member (not a .deb)");
		}
	} else if (!strcmp(lv.base, "zip")) {
		size_t n_reg = 0, idx = 0;
		for (size_t i = 0; i < b.n; i++)
			if (b.m[i].kind != PKGFS_DIR) {
				n_reg++;
				idx = i;
			}
		if (n_reg == 1 && b.m[idx].kind == PKGFS_FILE) {
			if (!b.m[idx].data) {
				/* Second pass: load the single member whole. */
				struct builder b2 = {0};
				struct level lv2;
				char *want_path = strdup(b.m[idx].path);
				if (!want_path) {
					builder_release(&b);
					return diag_error(r->d, "out of memory");
				}
				int x = read_level(r, buf, len, &b2, &lv2, want_path);
				free(want_path);
				if (x < 0) {
					builder_release(&b2);
					builder_release(&b);
					return -1;
				}
				builder_release(&b);
				b = b2;
				lv = lv2;
				idx = 0;
				for (size_t i = 0; i < b.n; i++)
					if (b.m[i].kind == PKGFS_FILE)
						idx = i;
			}
			if (b.m[idx].data)
				inner = &b.m[idx];
		}
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
			struct builder pb = {0};
			struct level plv;
			po.limits.max_members = 1;
			r2.o = &po;
			x = read_level(&r2, inner->data, inner->size, &pb, &plv, NULL);
			builder_release(&pb);
			int is_archive = !plv.not_archive;
			diag_release(&sub);
			if (is_archive || !strcmp(lv.base, "ar")) {
				diag_error(r->d, "'%s': nested archive deeper than %zu level%s",
				           msg_path(inner->path, mp), r->o->limits.max_depth,
				           r->o->limits.max_depth == 1 ? "" : "s");
				builder_release(&b);
				return -1;
			}
			(void)x;
		} else {
			x = open_level(&r2, inner->data, inner->size, depth + 1, &sfs,
			               &sub_not_archive);
			r->loaded = r2.loaded;
			r->uncompressed = r2.uncompressed;
			if (x < 0 && (sub_not_archive && strcmp(lv.base, "ar"))) {
				/* A zip holding one plain file: the zip is the package. */
				diag_release(&sub);
			} else {
				for (int i = 0; i < sub.n_warnings && i < DIAG_WARN_KEEP; i++)
					diag_warn(r->d, "%s", sub.warnings[i]);
				if (x < 0) {
					diag_error(r->d, "'%s': %s", msg_path(inner->path, mp),
					           diag_message(&sub));
					diag_release(&sub);
					builder_release(&b);
					return -1;
				}
				diag_release(&sub);
				snprintf(fs->format, sizeof(fs->format), "%.20s>%.40s", fmt,
				         sfs.format);
				fs->members = sfs.members;
				fs->n = sfs.n;
				fs->n_skipped = sfs.n_skipped + b.n_skipped;
				builder_release(&b);
				return 0;
			}
		}
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
	struct run r = {o, d, len, 0, 0};
	int not_archive;
	/* libarchive converts member names to the current locale's charset; under the "C" locale
	 * UTF-8 names (zip flag bit 11, pax) would come back as NULL. Use a UTF-8 LC_CTYPE for this
	 * thread only while reading. */
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	int rc = open_level(&r, buf, len, 0, fs, &not_archive);
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	if (rc < 0) {
		pkgfs_free(fs);
		return -1;
	}
	fs->loaded_bytes = r.loaded;
	*out = fs;
	return 0;
}

/* Directory inputs. */

struct walk {
	const struct pkgfs_options *o;
	struct diag *d;
	struct builder b;
	size_t entries, loaded;
};

static int load_file(struct walk *w, const char *full, const char *rel, struct pkgfs_member *m)
{
	const struct pkgfs_limits *l = &w->o->limits;
	char mp[MSG_PATH_MAX + 4];
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		diag_warn(w->d, "'%s': not loaded: %s", msg_path(rel, mp),
		          fd < 0 ? strerror(errno) : "not a regular file");
		w->b.n_skipped++;
		return 0;
	}
	if ((size_t)st.st_size > l->max_member_bytes) {
		close(fd);
		diag_warn(w->d, "'%s': member not loaded: larger than %zu bytes", msg_path(rel, mp),
		          l->max_member_bytes);
		w->b.n_skipped++;
		return 0;
	}
	size_t cap = (size_t)st.st_size + 1, len = 0;
	unsigned char *buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return diag_error(w->d, "out of memory");
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_error(w->d, "'%s': %s", msg_path(rel, mp), strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap) /* grew while reading: keep what the size said */
			break;
	}
	close(fd);
	if (len > l->max_member_bytes)
		len = l->max_member_bytes;
	w->loaded += len;
	if (w->loaded > l->max_total_bytes) {
		free(buf);
		return diag_error(w->d, "more than %zu bytes loaded in total", l->max_total_bytes);
	}
	buf[len] = '\0';
	m->data = buf;
	m->size = len;
	return 0;
}

static int walk_dir(struct walk *w, const char *full, const char *rel, int depth)
{
	const struct pkgfs_limits *l = &w->o->limits;
	char mp[MSG_PATH_MAX + 4];
	if (depth > DIR_MAX_DEPTH)
		return diag_error(w->d, "'%s': directories nested deeper than %d",
		                  msg_path(rel, mp), DIR_MAX_DEPTH);
	DIR *dir = opendir(full);
	if (!dir)
		return diag_error(w->d, "'%s': %s", msg_path(full, mp), strerror(errno));
	struct dirent *de;
	struct sbuf fp = SBUF_INIT, rp = SBUF_INIT;
	int ret = 0;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++w->entries > l->max_dir_entries) {
			ret =
			    diag_error(w->d, "more than %zu directory entries", l->max_dir_entries);
			break;
		}
		sbuf_reset(&fp);
		sbuf_reset(&rp);
		if (sbuf_addf(&fp, "%s/%s", full, de->d_name) < 0 ||
		    sbuf_addf(&rp, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name) < 0) {
			ret = diag_error(w->d, "out of memory");
			break;
		}
		const char *reason = NULL;
		char *np = malloc(rp.len + 2);
		if (!np) {
			ret = diag_error(w->d, "out of memory");
			break;
		}
		if (pkgfs_normalise_path(rp.buf, np, rp.len + 2, l->max_path_bytes, &reason) < 0) {
			diag_warn(w->d, "'%s': member skipped: %s", msg_path(rp.buf, mp), reason);
			w->b.n_skipped++;
			free(np);
			continue;
		}
		struct stat st;
		if (lstat(fp.buf, &st) < 0) {
			diag_warn(w->d, "'%s': member skipped: %s", msg_path(np, mp),
			          strerror(errno));
			w->b.n_skipped++;
			free(np);
			continue;
		}
		struct pkgfs_member m;
		memset(&m, 0, sizeof(m));
		m.path = np;
		m.mtime = (int64_t)st.st_mtime;
		if (S_ISLNK(st.st_mode)) {
			char t[LINK_TARGET_MAX + 1];
			ssize_t n = readlink(fp.buf, t, LINK_TARGET_MAX);
			t[n < 0 ? 0 : n] = '\0';
			m.kind = PKGFS_LINK;
			m.link_target = strdup(t);
		} else if (S_ISDIR(st.st_mode)) {
			m.kind = PKGFS_DIR;
		} else if (S_ISREG(st.st_mode)) {
			m.kind = PKGFS_FILE;
			m.size = (size_t)st.st_size;
			if (!w->o->want || w->o->want(np, m.size, w->o->want_ctx))
				if (load_file(w, fp.buf, np, &m) < 0) {
					member_release(&m);
					ret = -1;
					break;
				}
		} else {
			m.kind = PKGFS_OTHER;
			diag_warn(w->d, "'%s': special file ignored", msg_path(np, mp));
			w->b.n_skipped++;
		}
		if ((m.kind == PKGFS_LINK && !m.link_target) || builder_push(&w->b, &m) < 0) {
			member_release(&m);
			ret = diag_error(w->d, "out of memory");
			break;
		}
		if (m.kind == PKGFS_DIR) {
			char *sub_full = strdup(fp.buf);
			if (!sub_full) {
				ret = diag_error(w->d, "out of memory");
				break;
			}
			ret = walk_dir(w, sub_full, np, depth + 1);
			free(sub_full);
			if (ret < 0)
				break;
		}
	}
	closedir(dir);
	sbuf_release(&fp);
	sbuf_release(&rp);
	return ret;
}

static int open_dir(struct pkgfs **out, const char *path, const struct pkgfs_options *o,
                    struct diag *d)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.d = d;
	if (walk_dir(&w, path, "", 0) < 0 || builder_finish(&w.b, d) < 0) {
		builder_release(&w.b);
		return -1;
	}
	struct pkgfs *fs = calloc(1, sizeof(*fs));
	if (!fs) {
		builder_release(&w.b);
		return diag_error(d, "out of memory");
	}
	fs->members = w.b.m;
	fs->n = w.b.n;
	fs->n_skipped = w.b.n_skipped;
	fs->loaded_bytes = w.loaded;
	snprintf(fs->format, sizeof(fs->format), "dir");
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
		return open_dir(out, path, o, d);
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
		member_release(&fs->members[i]);
	free(fs->members);
	free(fs);
}
