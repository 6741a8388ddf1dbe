/* The peer tools in `pyvet reproduce` (issue 13): packj and GuardDog beside bandit and pyvet on
 * the dataset's test split, and on the Debian slice's test packages. Both steps are
 * `pyvet baseline --peer bandit,packj,guarddog` runs on every package of a split (baseline_run()
 * in process); they run only
 * when ../shared/peers is there and `make peers` wrote build/peers/env, else the step "peers" is
 * recorded as skipped with the reason. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/csvio.h"
#include "core/pkg/manifest.h"
#include "experiments/engine/peer.h"
#include "experiments/reproduce/repro.h"
#include "experiments/run/baseline.h"
#include "experiments/run/cv.h"
#include "experiments/run/extract.h"

int repro_peers_check(struct repro *r, const char *peers_dir, const char *env_file)
{
	struct stat st;
	struct peer_config c;
	struct diag d;
	char msg[DIAG_MSG_MAX + 128];
	diag_init(&d);
	r->peers_on = 0;
	if (stat(peers_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		snprintf(msg, sizeof(msg), "'%s' not found: packj and GuardDog are not run",
		         peers_dir);
	else if (peer_config_load(&c, env_file, NULL, &d) != 0)
		snprintf(msg, sizeof(msg), "%s: packj and GuardDog are not run (make peers)",
		         diag_message(&d));
	else
		r->peers_on = 1;
	if (!r->peers_on)
		repro_skip(r, "peers", msg);
	diag_release(&d);
	return r->peers_on;
}

/* The options of a peer baseline run on every package of the test split of `manifest`. */
static void peer_baseline(const struct repro *r, const char *manifest, const char *scores,
                          const char *ops, const char *dataset, const char *out,
                          struct baseline_opts *o)
{
	memset(o, 0, sizeof(*o));
	cli_defaults(&baseline_command, o);
	o->manifest = manifest;
	o->corpus = r->corpus;
	o->split = "test";
	o->n_benign = r->quick ? "5" : "all";
	o->n_malicious = r->quick ? "5" : "all";
	o->peer = r->no_bandit ? "packj,guarddog" : "bandit,packj,guarddog";
	o->predictions = scores;
	o->operating_points = ops;
	o->dataset = dataset;
	o->seed = r->seed;
	o->jobs = r->jobs;
	o->out = out;
}

int repro_peers(struct repro *r, struct diag *d)
{
	char out[REPRO_PATH_MAX], scores[REPRO_PATH_MAX], ops[REPRO_PATH_MAX], dir[REPRO_PATH_MAX];
	char name[64];
	struct baseline_opts bo;
	snprintf(name, sizeof(name), "%s-test", r->dataset ? r->dataset : "paper");
	repro_path(r, "peers", dir, sizeof(dir));
	mkdir(dir, 0777);
	repro_path(r, "peers/fig3_alerts.csv", out, sizeof(out));
	repro_path(r, "cells/test_scores.csv", scores, sizeof(scores));
	repro_path(r, "operating_points.csv", ops, sizeof(ops));
	peer_baseline(r, r->manifest, scores, ops, name, out, &bo);
	int x = baseline_run(&bo);
	/* 3 = some packages could not be read by pyvet: listed in the tables, not a failure. */
	if (x != 0 && x != 3)
		return diag_error(d, "pyvet baseline --peer exited with status %d", x);
	return 0;
}

/* The dataset's training rows and the realistic dataset's test rows from the Debian slice, in
 * one manifest (the realistic header; `overlap` empty for the training rows). */
static int debian_manifest(const char *train_m, const char *realistic_m, const char *out,
                           size_t *n_test, struct diag *d)
{
	struct csv_table *a = NULL, *b = NULL;
	struct csvio_out o;
	int ret = -1;
	*n_test = 0;
	if (csvio_read(train_m, 0, &a, d) < 0 || csvio_read(realistic_m, 0, &b, d) < 0)
		goto end;
	long sa = csvio_column(a, "split"), sb = csvio_column(b, "split"),
	     pb = csvio_column(b, "path");
	if (sa < 0 || sb < 0 || pb < 0) {
		diag_error(d, "'%s' or '%s': no split or path column", train_m, realistic_m);
		goto end;
	}
	if (csvio_out_open(&o, out) < 0) {
		diag_error(d, "'%s': cannot write", out);
		goto end;
	}
	int bad = csvio_write_row(o.f, (const char *const *)b->header, b->n_cols);
	for (size_t i = 0; i < a->n_rows && !bad; i++) {
		if (strcmp(a->rows[i][sa], "train"))
			continue;
		const char *f[64];
		for (size_t k = 0; k < b->n_cols && k < 64; k++) {
			long ca = csvio_column(a, b->header[k]);
			f[k] = ca >= 0 ? a->rows[i][ca] : "";
		}
		bad |= csvio_write_row(o.f, f, b->n_cols < 64 ? b->n_cols : 64);
	}
	for (size_t i = 0; i < b->n_rows && !bad; i++)
		if (!strcmp(b->rows[i][sb], "test") &&
		    !strncmp(b->rows[i][pb], MANIFEST_DEBIAN_PREFIX,
		             strlen(MANIFEST_DEBIAN_PREFIX))) {
			bad |= csvio_write_row(o.f, (const char *const *)b->rows[i], b->n_cols);
			(*n_test)++;
		}
	if (bad) {
		csvio_out_abort(&o);
		diag_error(d, "'%s': write failed", out);
		goto end;
	}
	ret = csvio_out_commit(&o) < 0 ? diag_error(d, "'%s': commit failed", out) : 0;
end:
	csvio_table_free(a);
	csvio_table_free(b);
	return ret;
}

int repro_peers_debian(struct repro *r, struct diag *d)
{
	char m[REPRO_PATH_MAX], feat[REPRO_PATH_MAX], cells[REPRO_PATH_MAX], scores[REPRO_PATH_MAX];
	char ops[REPRO_PATH_MAX], out[REPRO_PATH_MAX], dir[REPRO_PATH_MAX];
	struct extract_opts eo;
	struct cv_opts co;
	struct baseline_opts bo;
	size_t n_test = 0;
	int x;
	if (!r->debian_dir || !r->realistic_manifest[0])
		return diag_error(d, "no Debian slice");
	repro_path(r, "datasets/peers_debian.csv", m, sizeof(m));
	if (debian_manifest(r->manifest, r->realistic_manifest, m, &n_test, d) < 0)
		return -1;
	if (!n_test)
		return diag_error(d, "the realistic dataset has no Debian test rows");
	/* pyvet's scores: the dataset's final model (same training rows, features and seed as the
	 * train_test step) applied to the Debian test packages. */
	repro_path(r, "features/peers_debian", feat, sizeof(feat));
	memset(&eo, 0, sizeof(eo));
	cli_defaults(&extract_command, &eo);
	eo.manifest = m;
	eo.corpus = r->corpus;
	eo.debian_dir = r->debian_dir;
	eo.out = feat;
	eo.jobs = r->jobs;
	eo.reuse = 1;
	eo.quiet = 1;
	x = extract_run(&eo);
	if (x != 0 && x != 3)
		return diag_error(d, "extract exited with status %d", x);
	repro_path(r, "cells/peers_debian.csv", cells, sizeof(cells));
	repro_path(r, "cells/peers_debian_scores.csv", scores, sizeof(scores));
	memset(&co, 0, sizeof(co));
	cli_defaults(&cv_command, &co);
	co.features = feat;
	co.manifest = m;
	co.split = "train";
	co.test_split = "test";
	co.sets = r->final_set;
	co.learners = "stack";
	co.seed = r->seed;
	co.jobs = r->jobs;
	co.out = cells;
	co.scores_out = scores;
	co.quiet = 1;
	x = cv_run(&co);
	if (x != 0)
		return diag_error(d, "cv --test exited with status %d", x);
	repro_path(r, "peers_debian", dir, sizeof(dir));
	mkdir(dir, 0777);
	repro_path(r, "peers_debian/fig3_alerts.csv", out, sizeof(out));
	repro_path(r, "operating_points.csv", ops, sizeof(ops));
	peer_baseline(r, m, scores, ops, "debian-test", out, &bo);
	bo.debian_dir = r->debian_dir;
	bo.n_malicious = "all";
	x = baseline_run(&bo);
	if (x != 0 && x != 3)
		return diag_error(d, "pyvet baseline --peer exited with status %d", x);
	return 0;
}
