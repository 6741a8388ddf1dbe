/* Fig. 2 of `pyvet reproduce`: permutation importance of the stacking model fitted on the whole
 * training split with the final feature set, accuracy, evaluated on the training split (D32). */
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "experiments/engine/cvrun.h"
#include "experiments/engine/importance.h"
#include "core/base/results.h"
#include "experiments/cli/protocli.h"
#include "experiments/reproduce/repro.h"

static const double *imp_key;
static int cmp_imp(const void *a, const void *b)
{
	double x = imp_key[*(const size_t *)a], y = imp_key[*(const size_t *)b];
	if (x != y)
		return (x < y) - (x > y);
	return (*(const size_t *)a > *(const size_t *)b) -
	       (*(const size_t *)a < *(const size_t *)b);
}

int repro_importance(struct repro *r, struct diag *d)
{
	struct protocli pc;
	struct featdata *fd = NULL;
	struct cvrun_fit fit;
	double *mean = NULL, *sd = NULL, base = 0;
	size_t *idx = NULL, *order = NULL;
	char out[REPRO_PATH_MAX];
	int ret = -1;
	memset(&fit, 0, sizeof(fit));
	protocli_init(&pc);
	pc.o.seed = r->seed;
	pc.o.jobs = r->jobs;
	if (protocli_sets(&pc, r->final_set) < 0 || protocli_learners(&pc, "stack") < 0 ||
	    protocli_finish(&pc) < 0) {
		diag_error(d, "cannot set up the stacking learner");
		goto end;
	}
	if (protocli_load(r->features, r->manifest, "train", &fd) < 0) {
		diag_error(d, "cannot load '%s' with '%s'", r->features, r->manifest);
		goto end;
	}
	size_t n = fd->fixed->n;
	idx = malloc((n + 1) * sizeof(*idx));
	if (!idx) {
		diag_error(d, "out of memory");
		goto end;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (cvrun_train_test(fd, &pc.sets[0], &pc.learners[0], &pc.o, idx, n, NULL, 0, &fit, d) < 0)
		goto end;
	size_t dcols = fit.train->d;
	mean = calloc(dcols + 1, sizeof(*mean));
	sd = calloc(dcols + 1, sizeof(*sd));
	order = malloc((dcols + 1) * sizeof(*order));
	if (!mean || !sd || !order) {
		diag_error(d, "out of memory");
		goto end;
	}
	if (importance_permutation(fit.learner, fit.train, IMPORTANCE_ACCURACY, r->imp_repeats,
	                           r->seed, r->jobs, mean, sd, &base, d) < 0)
		goto end;
	for (size_t j = 0; j < dcols; j++)
		order[j] = j;
	imp_key = mean;
	qsort(order, dcols, sizeof(*order), cmp_imp);
	repro_path(r, "fig2_importance.csv", out, sizeof(out));
	struct csvio_out o;
	if (csvio_out_open(&o, out) < 0) {
		diag_error(d, "'%s': cannot write", out);
		goto end;
	}
	static const char *const head[] = {"rank", "feature", "importance", "sd"};
	int bad = csvio_write_row(o.f, head, 4);
	for (size_t k = 0; k < dcols && !bad; k++) {
		size_t j = order[k];
		char rk[32], m[40], s[40];
		snprintf(rk, sizeof(rk), "%zu", k + 1);
		snprintf(m, sizeof(m), "%.17g", mean[j]);
		snprintf(s, sizeof(s), "%.17g", sd[j]);
		const char *name = fit.train->feature_name && fit.train->feature_name[j]
		                       ? fit.train->feature_name[j]
		                       : "?";
		const char *f[] = {rk, name, m, s};
		bad |= csvio_write_row(o.f, f, 4);
	}
	if (bad) {
		csvio_out_abort(&o);
		diag_error(d, "'%s': write failed", out);
		goto end;
	}
	if (csvio_out_commit(&o) < 0) {
		diag_error(d, "'%s': commit failed", out);
		goto end;
	}
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		sidecar_set_seed(sc, r->seed);
		sidecar_set_string(sc, "set", r->final_set);
		sidecar_set_string(sc, "scoring", "accuracy");
		sidecar_set_string(sc, "data", "training split (D32)");
		sidecar_set_number(sc, "repeats", (double)r->imp_repeats);
		sidecar_set_number(sc, "baseline_accuracy", base);
		sidecar_set_number(sc, "n_rows", (double)n);
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	ret = 0;
end:
	free(idx);
	free(order);
	free(mean);
	free(sd);
	cvrun_fit_release(&fit);
	featdata_free(fd);
	protocli_release(&pc);
	return ret;
}
