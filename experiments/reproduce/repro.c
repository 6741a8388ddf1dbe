/* Shared helpers of `pyvet reproduce`: step markers, status log and readers of out-of-fold and test
 * score files (see repro.h). */
#include "experiments/reproduce/repro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/base/sbuf.h"
#include "core/pkg/manifest.h"
#include "learners/learner.h"

double repro_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *repro_path(const struct repro *r, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", r->out, name);
	return buf;
}

static void marker_path(const struct repro *r, const char *step, char *buf, size_t n)
{
	snprintf(buf, n, "%s/.steps/%s.ok", r->out, step);
}

int repro_done(const struct repro *r, const char *step)
{
	char p[REPRO_PATH_MAX];
	struct stat st;
	if (r->force)
		return 0;
	marker_path(r, step, p, sizeof(p));
	return stat(p, &st) == 0;
}

int repro_record(struct repro *r, const char *step, int rc, double seconds, const char *msg)
{
	char p[REPRO_PATH_MAX];
	marker_path(r, step, p, sizeof(p));
	if (rc == 0) {
		FILE *f = fopen(p, "w");
		if (f) {
			fprintf(f, "ok\n");
			fclose(f);
		}
	} else {
		remove(p);
		r->n_failed++;
	}
	if (r->status) {
		const char *f[] = {step, rc == 0 ? "ok" : "error", "", msg ? msg : ""};
		char sec[32];
		snprintf(sec, sizeof(sec), "%.1f", seconds);
		f[2] = sec;
		csvio_write_row(r->status, f, 4);
		fflush(r->status);
	}
	err_report("reproduce: %s: %s (%.1f s)%s%s", step, rc == 0 ? "ok" : "FAILED", seconds,
	           msg && msg[0] ? ": " : "", msg ? msg : "");
	return rc;
}

void repro_skip(struct repro *r, const char *step, const char *msg)
{
	if (r->status) {
		const char *f[] = {step, "skipped", "0.0", msg};
		csvio_write_row(r->status, f, 4);
		fflush(r->status);
	}
	err_report("reproduce: %s: skipped: %s", step, msg);
}

int repro_debian_check(struct repro *r)
{
	struct manifest *m = NULL;
	struct diag d;
	struct sbuf path = SBUF_INIT, msg = SBUF_INIT;
	size_t missing = 0;
	diag_init(&d);
	if (!r->debian_dir) {
		sbuf_addstr(&msg, "no Debian slice given (--debian DIR)");
	} else if (manifest_read(r->debian_manifest, &m, &d) < 0) {
		sbuf_addf(&msg, "%s", diag_message(&d));
	} else {
		for (size_t i = 0; i < m->n; i++) {
			struct stat st;
			sbuf_reset(&path);
			if (manifest_row_file(&m->rows[i], r->debian_dir, NULL, &path) < 0 ||
			    stat(path.buf, &st) != 0)
				missing++;
		}
		if (missing)
			sbuf_addf(&msg, "%zu of the %zu packages of '%s' are not in '%s'", missing,
			          m->n, r->debian_manifest, r->debian_dir);
	}
	if (msg.len) {
		sbuf_addstr(&msg,
		            "; the Debian steps are skipped. Fetch the slice (about 560 MB) "
		            "with scripts/fetch-debian-slice.sh, or run make reproduce DEBIAN=1");
		repro_skip(r, "debian_slice", sbuf_cstr(&msg));
		r->debian_dir = NULL;
	}
	manifest_free(m);
	sbuf_release(&path);
	sbuf_release(&msg);
	diag_release(&d);
	return r->debian_dir != NULL;
}

double repro_threshold(const char *name)
{
	const struct learner_type *t = learner_find(name);
	return t && (t->flags & LEARNER_PROBABILISTIC) ? 0.5 : 0.0;
}

void repro_scores_release(struct repro_scores *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->id && i < s->n; i++)
		free(s->id[i]);
	free(s->id);
	free(s->y);
	free(s->score);
	memset(s, 0, sizeof(*s));
}

/* Rows of table `t` whose learner column equals `learner` (and repeat == `repeat` when the
 * repeat column exists and repeat >= 0). */
static int load_scores(const char *path, const char *learner, int repeat, int test,
                       struct repro_scores *s, struct diag *d)
{
	struct csv_table *t = NULL;
	memset(s, 0, sizeof(*s));
	if (csvio_read(path, 0, &t, d) < 0)
		return -1;
	long cl = csvio_column(t, "learner"), ci = csvio_column(t, "id"),
	     cy = csvio_column(t, "label"), cs = csvio_column(t, "score"),
	     cr = csvio_column(t, "repeat"), ct = csvio_column(t, "threshold");
	if (cl < 0 || ci < 0 || cy < 0 || cs < 0 || (!test && cr < 0)) {
		csvio_table_free(t);
		return diag_error(d, "'%s': missing columns", path);
	}
	s->id = calloc(t->n_rows + 1, sizeof(*s->id));
	s->y = calloc(t->n_rows + 1, sizeof(*s->y));
	s->score = calloc(t->n_rows + 1, sizeof(*s->score));
	if (!s->id || !s->y || !s->score)
		goto oom;
	s->threshold = repro_threshold(learner);
	for (size_t i = 0; i < t->n_rows; i++) {
		char **row = t->rows[i];
		if (strcmp(row[cl], learner))
			continue;
		if (!test && repeat >= 0 && atoi(row[cr]) != repeat)
			continue;
		if (!(s->id[s->n] = strdup(row[ci])))
			goto oom;
		const char *lab = row[cy];
		s->y[s->n] = !strcmp(lab, "1") || !strcmp(lab, "malicious");
		if (csvio_parse_double(row[cs], &s->score[s->n]) < 0) {
			free(s->id[s->n]);
			csvio_table_free(t);
			repro_scores_release(s);
			return diag_error(d, "'%s': row %zu: bad score", path, i + 2);
		}
		if (test && ct >= 0)
			csvio_parse_double(row[ct], &s->threshold);
		s->n++;
	}
	csvio_table_free(t);
	if (!s->n) {
		repro_scores_release(s);
		return diag_error(d, "'%s': no rows for learner '%s'", path, learner);
	}
	return 0;
oom:
	csvio_table_free(t);
	repro_scores_release(s);
	return diag_error(d, "out of memory");
}

int repro_load_oof(const char *path, const char *learner, int repeat, struct repro_scores *s,
                   struct diag *d)
{
	return load_scores(path, learner, repeat, 0, s, d);
}

int repro_load_test(const char *path, const char *learner, struct repro_scores *s, struct diag *d)
{
	return load_scores(path, learner, -1, 1, s, d);
}
