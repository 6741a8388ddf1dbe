/* Test helper: build small archives in memory with libarchive's write API (tests only; the
 * library itself never writes archives). Header-only so every test program can include it. */
#ifndef PYVET_TESTS_ARCHIVE_FIXTURE_H
#define PYVET_TESTS_ARCHIVE_FIXTURE_H

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"

enum fx_type { FX_FILE = 0, FX_DIR, FX_SYMLINK, FX_HARDLINK, FX_CHARDEV, FX_FIFO };

struct fx_entry {
	const char *path;
	enum fx_type type;
	const void *data; /* FX_FILE: bytes (NULL with len > 0: that many zero bytes) */
	size_t len;
	const char *target; /* links */
};

/* Build an archive. fmt: "tar" (pax), "ustar", "zip", "ar". filter: NULL, "gzip", "bzip2", "xz",
 * "zstd". options: libarchive write options ("zip:encryption=zipcrypt") or NULL; passphrase
 * or NULL. Returns a malloc'd buffer (*len bytes) or NULL. */
UNUSED static unsigned char *fx_build(const char *fmt, const char *filter, const char *options,
                                      const char *passphrase, const struct fx_entry *e, size_t n,
                                      size_t *len)
{
	size_t cap = 1 << 20;
	for (size_t i = 0; i < n; i++)
		cap += e[i].len + 1024;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	size_t used = 0;
	int ok = buf && a;
	if (ok) {
		if (!strcmp(fmt, "tar"))
			archive_write_set_format_pax_restricted(a);
		else if (!strcmp(fmt, "ustar"))
			archive_write_set_format_ustar(a);
		else if (!strcmp(fmt, "zip"))
			archive_write_set_format_zip(a);
		else
			archive_write_set_format_ar_svr4(a);
		if (filter && !strcmp(filter, "gzip"))
			archive_write_add_filter_gzip(a);
		else if (filter && !strcmp(filter, "bzip2"))
			archive_write_add_filter_bzip2(a);
		else if (filter && !strcmp(filter, "xz"))
			archive_write_add_filter_xz(a);
		else if (filter && !strcmp(filter, "zstd"))
			archive_write_add_filter_zstd(a);
		if (passphrase)
			archive_write_set_passphrase(a, passphrase);
		if (options && archive_write_set_options(a, options) != ARCHIVE_OK)
			ok = 0;
		archive_write_set_bytes_in_last_block(a, 1);
		if (ok && archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK)
			ok = 0;
	}
	for (size_t i = 0; ok && i < n; i++) {
		struct archive_entry *en = archive_entry_new();
		archive_entry_set_pathname(en, e[i].path);
		archive_entry_set_mtime(en, 946684800, 0);
		archive_entry_set_perm(en, 0644);
		switch (e[i].type) {
		case FX_FILE:
			archive_entry_set_filetype(en, AE_IFREG);
			archive_entry_set_size(en, (la_int64_t)e[i].len);
			break;
		case FX_DIR:
			archive_entry_set_filetype(en, AE_IFDIR);
			archive_entry_set_perm(en, 0755);
			break;
		case FX_SYMLINK:
			archive_entry_set_filetype(en, AE_IFLNK);
			archive_entry_set_symlink(en, e[i].target);
			break;
		case FX_HARDLINK:
			archive_entry_set_filetype(en, AE_IFREG);
			archive_entry_set_hardlink(en, e[i].target);
			archive_entry_set_size(en, 0);
			break;
		case FX_CHARDEV:
			archive_entry_set_filetype(en, AE_IFCHR);
			archive_entry_set_rdevmajor(en, 1);
			archive_entry_set_rdevminor(en, 3);
			break;
		case FX_FIFO:
			archive_entry_set_filetype(en, AE_IFIFO);
			break;
		}
		if (archive_write_header(a, en) < ARCHIVE_WARN)
			ok = 0;
		if (ok && e[i].type == FX_FILE && e[i].len) {
			if (e[i].data) {
				if (archive_write_data(a, e[i].data, e[i].len) < 0)
					ok = 0;
			} else {
				static const unsigned char zeros[65536];
				for (size_t k = 0; ok && k < e[i].len; k += sizeof(zeros)) {
					size_t c = e[i].len - k < sizeof(zeros) ? e[i].len - k
					                                        : sizeof(zeros);
					if (archive_write_data(a, zeros, c) < 0)
						ok = 0;
				}
			}
		}
		archive_entry_free(en);
	}
	if (a) {
		if (ok && archive_write_close(a) != ARCHIVE_OK)
			ok = 0;
		archive_write_free(a);
	}
	if (!ok) {
		free(buf);
		return NULL;
	}
	*len = used;
	return buf;
}

#endif
