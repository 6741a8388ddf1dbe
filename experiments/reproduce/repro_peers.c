/* The peer tools in `pyvet reproduce` (issue 13): packj and GuardDog beside bandit and pyvet on
 * the dataset's test split, and on the Debian slice's test packages. Both steps are
 * `pyvet baseline --peer bandit,packj,guarddog` runs on every package of a split; they run only
 * when ../shared/peers is there and `make peers` wrote build/peers/env, else the step "peers" is
 * recorded as skipped with the reason. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/csvio.h"
#include "core/pkg/manifest.h"
#include "experiments/engine/peer.h"
#include "experiments/reproduce/repro.h"

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

int repro_peers(struct repro *r, const struct repro_cmds *c, struct diag *d)
{
	char out[REPRO_PATH_MAX], scores[REPRO_PATH_MAX], ops[REPRO_PATH_MAX], dir[REPRO_PATH_MAX];
	char seed[32], jobs[32], name[64];
	snprintf(seed, sizeof(seed), "%lu", r->seed);
	snprintf(jobs, sizeof(jobs), "%zu", r->jobs);
	snprintf(name, sizeof(name), "%s-test", r->dataset ? r->dataset : "paper");
	repro_path(r, "peers", dir, sizeof(dir));
	mkdir(dir, 0777);
	repro_path(r, "peers/fig3_alerts.csv", out, sizeof(out));
	repro_path(r, "cells/test_scores.csv", scores, sizeof(scores));
	repro_path(r, "operating_points.csv", ops, sizeof(ops));
	int x = c->baseline == NULL
	            ? -1
	            : repro_call(c->baseline, "baseline", "--manifest", r->manifest, "--corpus",
	                         r->corpus, "--split", "test", "--n-benign", r->quick ? "5" : "all",
	                         "--n-malicious", r->quick ? "5" : "all", "--peer",
	                         r->no_bandit ? "packj,guarddog" : "bandit,packj,guarddog",
	                         "--predictions", scores, "--operating-points", ops, "--dataset",
	                         name, "--seed", seed, "--jobs", jobs, "--out", out, (char *)NULL);
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

int repro_peers_debian(struct repro *r, const struct repro_cmds *c, struct diag *d)
{
	char m[REPRO_PATH_MAX], feat[REPRO_PATH_MAX], cells[REPRO_PATH_MAX], scores[REPRO_PATH_MAX];
	char ops[REPRO_PATH_MAX], out[REPRO_PATH_MAX], dir[REPRO_PATH_MAX];
	char seed[32], jobs[32];
	size_t n_test = 0;
	if (!r->debian_dir || !r->realistic_manifest[0])
		return diag_error(d, "no Debian slice");
	snprintf(seed, sizeof(seed), "%lu", r->seed);
	snprintf(jobs, sizeof(jobs), "%zu", r->jobs);
	repro_path(r, "datasets/peers_debian.csv", m, sizeof(m));
	if (debian_manifest(r->manifest, r->realistic_manifest, m, &n_test, d) < 0)
		return -1;
	if (!n_test)
		return diag_error(d, "the realistic dataset has no Debian test rows");
	/* pyvet's scores: the dataset's final model (same training rows, features and seed as the
	 * train_test step) applied to the Debian test packages. */
	repro_path(r, "features/peers_debian", feat, sizeof(feat));
	int x = repro_call(c->extract, "extract", "--manifest", m, "--corpus", r->corpus,
	                   "--debian-dir", r->debian_dir, "--out", feat, "--jobs", jobs, "--reuse",
	                   "--quiet", (char *)NULL);
	if (x != 0 && x != 3)
		return diag_error(d, "extract exited with status %d", x);
	repro_path(r, "cells/peers_debian.csv", cells, sizeof(cells));
	repro_path(r, "cells/peers_debian_scores.csv", scores, sizeof(scores));
	x = repro_call(c->cv, "cv", "--features", feat, "--manifest", m, "--split", "train",
	               "--test", "test", "--set", r->final_set, "--learner", "stack", "--seed",
	               seed, "--jobs", jobs, "--out", cells, "--scores", scores, "--quiet",
	               (char *)NULL);
	if (x != 0)
		return diag_error(d, "cv --test exited with status %d", x);
	repro_path(r, "peers_debian", dir, sizeof(dir));
	mkdir(dir, 0777);
	repro_path(r, "peers_debian/fig3_alerts.csv", out, sizeof(out));
	repro_path(r, "operating_points.csv", ops, sizeof(ops));
	x = repro_call(c->baseline, "baseline", "--manifest", m, "--corpus", r->corpus,
	               "--debian-dir", r->debian_dir, "--split", "test", "--n-benign",
	               r->quick ? "5" : "all", "--n-malicious", "all", "--peer",
	               r->no_bandit ? "packj,guarddog" : "bandit,packj,guarddog", "--predictions",
	               scores, "--operating-points", ops, "--dataset", "debian-test", "--seed",
	               seed, "--jobs", jobs, "--out", out, (char *)NULL);
	if (x != 0 && x != 3)
		return diag_error(d, "pyvet baseline --peer exited with status %d", x);
	return 0;
}
