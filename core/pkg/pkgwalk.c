/* pkgwalk: package directories read into memory (see pkgwalk.h). */
#include "core/pkg/pkgwalk.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/deadline.h"
#include "core/base/sbuf.h"
#include "core/pkg/pkgfs_tree.h"

#define DIR_MAX_DEPTH 64 /* nesting of sub-directories */

struct walk {
	const struct pkgfs_options *o;
	struct diag *d;
	struct pkgfs_builder b;
	size_t entries, loaded;
};

/* Load the regular file `full` into m (soft limits: too large = listed, not loaded). */
static int load_file(struct walk *w, const char *full, const char *rel, struct pkgfs_member *m)
{
	const struct pkgfs_limits *l = &w->o->limits;
	char mp[PKGFS_MSG_PATH_MAX + 4];
	int fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		diag_warn(w->d, "'%s': not loaded: %s", pkgfs_msg_path(rel, mp),
		          fd < 0 ? strerror(errno) : "not a regular file");
		w->b.n_skipped++;
		return 0;
	}
	size_t room = w->loaded < l->max_total_bytes ? l->max_total_bytes - w->loaded : 0;
	if ((size_t)st.st_size > l->max_member_bytes || (size_t)st.st_size > room) {
		close(fd);
		if ((size_t)st.st_size > l->max_member_bytes)
			diag_warn(w->d, "'%s': member not loaded: larger than %zu bytes",
			          pkgfs_msg_path(rel, mp), l->max_member_bytes);
		else
			diag_warn(w->d,
			          "'%s': member not loaded: more than %zu bytes loaded in total",
			          pkgfs_msg_path(rel, mp), l->max_total_bytes);
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
			diag_error(w->d, "'%s': %s", pkgfs_msg_path(rel, mp), strerror(errno));
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
	if (len > (size_t)st.st_size)
		len = (size_t)st.st_size;
	w->loaded += len;
	buf[len] = '\0';
	m->data = buf;
	m->size = len;
	return 0;
}

static int walk_dir(struct walk *w, const char *full, const char *rel, int depth)
{
	const struct pkgfs_limits *l = &w->o->limits;
	char mp[PKGFS_MSG_PATH_MAX + 4];
	if (depth > DIR_MAX_DEPTH)
		return diag_error(w->d, "'%s': directories nested deeper than %d",
		                  pkgfs_msg_path(rel, mp), DIR_MAX_DEPTH);
	DIR *dir = opendir(full);
	if (!dir)
		return diag_error(w->d, "'%s': %s", pkgfs_msg_path(full, mp), strerror(errno));
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
		if (deadline_check(w->o->deadline, w->d, "walking the directory") < 0) {
			ret = -1;
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
			diag_warn(w->d, "'%s': member skipped: %s", pkgfs_msg_path(rp.buf, mp),
			          reason);
			w->b.n_skipped++;
			free(np);
			continue;
		}
		struct stat st;
		if (lstat(fp.buf, &st) < 0) {
			diag_warn(w->d, "'%s': member skipped: %s", pkgfs_msg_path(np, mp),
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
			char t[PKGFS_LINK_TARGET_MAX + 1];
			ssize_t n = readlink(fp.buf, t, PKGFS_LINK_TARGET_MAX);
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
					pkgfs_member_release(&m);
					ret = -1;
					break;
				}
		} else {
			m.kind = PKGFS_OTHER;
			diag_warn(w->d, "'%s': special file ignored", pkgfs_msg_path(np, mp));
			w->b.n_skipped++;
		}
		if ((m.kind == PKGFS_LINK && !m.link_target) || pkgfs_builder_push(&w->b, &m) < 0) {
			pkgfs_member_release(&m);
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

int pkgwalk_open(struct pkgfs **out, const char *path, const struct pkgfs_options *o,
                 struct diag *d)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.d = d;
	if (walk_dir(&w, path, "", 0) < 0 || pkgfs_builder_finish(&w.b, d) < 0) {
		pkgfs_builder_release(&w.b);
		return -1;
	}
	struct pkgfs *fs = calloc(1, sizeof(*fs));
	if (!fs) {
		pkgfs_builder_release(&w.b);
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
