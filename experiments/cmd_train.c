/* `pyvet train`: fit the vocabulary and one learner on every (selected) row of an extraction
 * and write a versioned model file (spec D31; format in experiments/engine/trained_model.h and
 * docs/model-format.md), with its verdict threshold -- the learner's own, or calibrated on
 * out-of-fold scores (--fpr, --threshold; experiments/engine/calibrate.h) -- and the record of
 * the extraction it was trained on (experiments/engine/extractrec.h). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"
#include "experiments/engine/calibrate.h"
#include "experiments/engine/extractrec.h"
#include "experiments/engine/trained_model.h"
#include "experiments/cli/protocli.h"
#include "experiments/commands.h"

int cmd_train(int argc, char **argv);

static int train_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet train --features DIR --learner NAME --out MODEL [options]\n\n"
	    "Fit the vocabulary (D12: on the training rows) and the learner on every row of the\n"
	    "extraction (or the rows of --manifest/--split) and write a model file.\n\n"
	    "  --set NAME                feature set (default T+MCF+pre)\n"
	    "  --seed S                  run seed (default 1); the learner's stream is derived\n"
	    "                            from it as in 'pyvet cv' train/test fits\n"
	    "  --param KEY=VALUE         text.*, <learner>.* (repeatable)\n"
	    "  --manifest M [--split S]  training rows from a dataset manifest (e.g. --split "
	    "train)\n"
	    "  --fpr F                   calibrate the verdict threshold: the lowest score whose\n"
	    "                            benign false-positive rate on out-of-fold scores of the\n"
	    "                            training rows is <= F (0 <= F < 1); an F no threshold\n"
	    "                            can meet while flagging anything is an error\n"
	    "  --threshold T             use T as the verdict threshold (its out-of-fold rates\n"
	    "                            are recorded); default: the learner's (0.5, or 0)\n"
	    "  --folds K                 out-of-fold scores from K stratified folds (default 10;\n"
	    "                            the folds of repeat 1 of 'pyvet cv' with this --seed)\n"
	    "  --jobs N                  worker threads for the out-of-fold fits (default 1)\n\n"
	    "The model records the threshold with its provenance (F, K, seed, class counts, the\n"
	    "out-of-fold FPR and recall at the threshold with 95 %% Wilson intervals, a warning\n"
	    "when fewer than 3/F benign rows support F) and, from the extraction's features.json,\n"
	    "every parameter and data-file hash 'pyvet scan' needs to reproduce the extraction\n"
	    "(docs/model-format.md). The final model is fitted on every training row.\n\n"
	    "Exit status: 0 written; 2 usage error, an unreadable extraction or manifest, or an\n"
	    "unreachable --fpr; 4 the fit or the write failed.\n");
	return f == stdout ? 0 : 2;
}

int cmd_train(int argc, char **argv)
{
	struct protocli pc;
	const char *features = NULL, *set = "T+MCF+pre", *learner = NULL, *out = NULL;
	const char *manifest = NULL, *split = NULL, *params[256];
	size_t n_params = 0;
	int status = EXIT_USAGE;
	struct featdata *fd = NULL;
	struct cvrun_fit fit = {0};
	struct calibrate_request req;
	struct calibration cal = {0};
	struct trained_model_info info;
	cJSON *rec = NULL;
	size_t *idx = NULL;
	protocli_init(&pc);
	calibrate_request_default(&req);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			protocli_release(&pc);
			return train_usage(stdout);
		}
		if (!v) {
			err_report("train: '%s' needs a value or is unknown", a);
			goto usage;
		}
		i++;
		if (!strcmp(a, "--features"))
			features = v;
		else if (!strcmp(a, "--set"))
			set = v;
		else if (!strcmp(a, "--learner"))
			learner = v;
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--manifest"))
			manifest = v;
		else if (!strcmp(a, "--split"))
			split = v;
		else if (!strcmp(a, "--seed")) {
			size_t s;
			if (protocli_size(a, v, &s) < 0)
				goto usage;
			pc.o.seed = (unsigned long)s;
		} else if (!strcmp(a, "--fpr") || !strcmp(a, "--threshold")) {
			char *e;
			double x = strtod(v, &e);
			if (!*v || *e || !isfinite(x)) {
				err_report("train: %s '%s': expected a number", a, v);
				goto usage;
			}
			if (req.method != CALIBRATE_LEARNER) {
				err_report("train: one of --fpr and --threshold");
				goto usage;
			}
			if (!strcmp(a, "--fpr") && !(x >= 0 && x < 1)) {
				err_report("train: --fpr '%s': expected a rate from 0 to below 1",
				           v);
				goto usage;
			}
			req.method = !strcmp(a, "--fpr") ? CALIBRATE_FPR : CALIBRATE_FIXED;
			if (req.method == CALIBRATE_FPR)
				req.target_fpr = x;
			else
				req.threshold = x;
		} else if (!strcmp(a, "--folds")) {
			if (protocli_size(a, v, &req.folds) < 0)
				goto usage;
			if (req.folds < 2 || req.folds > 1000) {
				err_report("train: --folds '%s': expected 2 to 1000", v);
				goto usage;
			}
		} else if (!strcmp(a, "--jobs")) {
			if (protocli_size(a, v, &pc.o.jobs) < 0)
				goto usage;
			if (pc.o.jobs < 1 || pc.o.jobs > 256) {
				err_report("train: --jobs '%s': expected 1 to 256", v);
				goto usage;
			}
		} else if (!strcmp(a, "--param")) {
			if (n_params == sizeof(params) / sizeof(params[0]))
				goto usage;
			params[n_params++] = v;
		} else {
			err_report("train: unknown option '%s'", a);
			goto usage;
		}
	}
	if (!features || !learner || !out) {
		err_report("train: --features, --learner and --out are required");
		goto usage;
	}
	if (strchr(set, ',') || strchr(learner, ',')) {
		err_report("train: one --set and one --learner");
		goto usage;
	}
	if (protocli_sets(&pc, set) < 0 || protocli_learners(&pc, learner) < 0)
		goto usage;
	for (size_t i = 0; i < n_params; i++)
		if (protocli_param(&pc, params[i]) < 0)
			goto usage;
	if (protocli_finish(&pc) < 0 || pc.n_learners != 1)
		goto usage;
	if (protocli_load(features, manifest, split, &fd) < 0)
		goto end; /* EXIT_USAGE */
	status = EXIT_INTERNAL;
	idx = malloc((fd->fixed->n ? fd->fixed->n : 1) * sizeof(size_t));
	if (!idx)
		goto end;
	for (size_t i = 0; i < fd->fixed->n; i++)
		idx[i] = i;
	{
		struct diag d;
		diag_init(&d);
		if (cvrun_train_test(fd, &pc.sets[0], &pc.learners[0], &pc.o, idx, fd->fixed->n,
		                     NULL, 0, &fit, &d) < 0) {
			err_report("train: %s", diag_message(&d));
			diag_release(&d);
			goto end;
		}
		/* what the extraction computed and from which data (its features.json) */
		if (extractrec_from_sidecar(features, (const char *const *)fit.train->feature_name,
		                            fit.n_fixed, fit.vocab.num_words > 0, &rec, &d) < 0) {
			err_report("train: %s", diag_message(&d));
			diag_release(&d);
			status = EXIT_USAGE;
			goto end;
		}
		if (!rec)
			err_report(
			    "train: warning: '%s' has no features.json: the model records no "
			    "extraction parameters or data-file hashes, and 'pyvet scan' cannot "
			    "check them",
			    features);
		if (req.method != CALIBRATE_LEARNER) {
			req.seed = pc.o.seed;
			if (calibrate_run(fd, &pc.sets[0], &pc.learners[0], &pc.o, &req, &cal, &d) <
			    0) {
				err_report("train: calibration: %s", diag_message(&d));
				/* an unreachable target is a setting the data cannot meet */
				status = cal.unreachable ? EXIT_USAGE : EXIT_INTERNAL;
				diag_release(&d);
				goto end;
			}
			if (cal.warning[0])
				err_report("train: warning: %s", cal.warning);
		}
		diag_release(&d);
	}
	info = (struct trained_model_info){
	    pc.sets[0].name, fd,        &pc.o.vp, pc.sets[0].pre || pc.o.vp.preprocess,
	    pc.o.filter,     pc.o.seed, rec,      req.method != CALIBRATE_LEARNER ? &cal : NULL};
	if (protocli_mkdir_parent(out) < 0 || trained_model_write(out, &fit, &info) < 0)
		goto end;
	err_report("train: %s on %zu rows (%zu malicious), %zu columns -> %s",
	           pc.learners[0].type->name, fit.train->n, dataset_count_positive(fit.train),
	           fit.train->d, out);
	if (req.method == CALIBRATE_FPR)
		err_report("train: threshold %.17g for --fpr %g", cal.threshold, cal.target_fpr);
	else if (req.method == CALIBRATE_FIXED)
		err_report("train: threshold %.17g (--threshold)", cal.threshold);
	if (req.method != CALIBRATE_LEARNER)
		err_report("train: out-of-fold (%zu folds) at the threshold: FPR %.6g [%.6g, %.6g] "
		           "(%zu of %zu benign), recall %.6g [%.6g, %.6g] (%zu of %zu malicious); "
		           "95 %% Wilson intervals",
		           cal.folds, cal.fpr, cal.fpr_lo, cal.fpr_hi, cal.cm.fp, cal.n_benign,
		           cal.recall, cal.recall_lo, cal.recall_hi, cal.cm.tp, cal.n_malicious);
	status = EXIT_OK;
	goto end;
usage:
	status = EXIT_USAGE;
end:
	cJSON_Delete(rec);
	free(idx);
	cvrun_fit_release(&fit);
	featdata_free(fd);
	protocli_release(&pc);
	return status;
}
