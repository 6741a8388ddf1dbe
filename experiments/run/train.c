/* `pyvet train`: options and body (see train.h). */
#include "experiments/run/train.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/calibrate.h"
#include "experiments/engine/extractrec.h"
#include "experiments/engine/trained_model.h"

#define O struct train_opts
static const struct cli_option train_options[] = {
    {CLI_STRING("features", O, features, "DIR", NULL, "extraction written by 'pyvet extract'"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("learner", O, learner, "NAME", NULL, "the learner (one name)"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("out", O, out, "MODEL", NULL, "the model file to write"), .flags = CLI_REQUIRED},
    {CLI_STRING("set", O, set, "NAME", "T+MCF+pre", "feature set (one name)")},
    {CLI_ULONG("seed", O, seed, "S", "1", NULL,
               "run seed; the learner's stream is derived from it as in 'pyvet cv' train/test "
               "fits")},
    {CLI_LIST("param", O, param, "KEY=VALUE", NULL, "text.*, <learner>.*")},
    {CLI_STRING("manifest", O, manifest, "M", NULL, "training rows from a dataset manifest")},
    {CLI_STRING("split", O, split, "S", NULL,
                "with --manifest: only rows of this split (e.g. train)")},
    {CLI_STRING("fpr", O, fpr, "F", NULL,
                "calibrate the verdict threshold: the lowest score whose benign false-positive "
                "rate on out-of-fold scores of the training rows is <= F (0 <= F < 1); an F no "
                "threshold can meet while flagging anything is an error")},
    {CLI_STRING("threshold", O, threshold, "T", NULL,
                "use T as the verdict threshold (its out-of-fold rates are recorded); default: "
                "the learner's (0.5, or 0)")},
    {CLI_SIZE("folds", O, folds, "K", "10", "[2, 1000]",
              "out-of-fold scores from K stratified folds (the folds of repeat 1 of 'pyvet cv' "
              "with this --seed)")},
    {CLI_SIZE("jobs", O, jobs, "N", "1", "[1, 256]", "worker threads for the out-of-fold fits")},
    {CLI_END}};
#undef O

static const char *const train_synopsis[] = {
    "train --features DIR --learner NAME --out MODEL [options]", NULL};

const struct cli_command train_command = {
    .name = "train",
    .synopsis = train_synopsis,
    .about = "Fit the vocabulary (D12: on the training rows) and the learner on every row of the\n"
             "extraction (or the rows of --manifest/--split) and write a model file, with its\n"
             "verdict threshold -- the learner's own, or calibrated on out-of-fold scores\n"
             "(--fpr, --threshold) -- and the record of the extraction it was trained on.\n",
    .options = train_options,
    .epilog =
        "The model records the threshold with its provenance (F, K, seed, class counts, the\n"
        "out-of-fold FPR and recall at the threshold with 95 % Wilson intervals, a warning\n"
        "when fewer than 3/F benign rows support F) and, from the extraction's features.json,\n"
        "every parameter and data-file hash 'pyvet scan' needs to reproduce the extraction\n"
        "(docs/model-format.md). The final model is fitted on every training row.\n\n"
        "Exit status: 0 written; 2 usage error, an unreadable extraction or manifest, or an\n"
        "unreachable --fpr; 4 the fit or the write failed.\n"};

/* --fpr F or --threshold T (at most one) into `req`. 0, or the usage exit status (reported). */
static int calibration_request(const struct train_opts *o, struct calibrate_request *req)
{
	const char *name = o->fpr ? "--fpr" : "--threshold", *v = o->fpr ? o->fpr : o->threshold;
	char *e;
	double x;
	calibrate_request_default(req);
	req->folds = o->folds;
	req->seed = o->seed;
	if (!v)
		return 0;
	if (o->fpr && o->threshold)
		return cli_error(&train_command, "one of --fpr and --threshold");
	x = strtod(v, &e);
	if (!*v || *e || !isfinite(x))
		return cli_error(&train_command, "%s '%s': expected a number", name, v);
	if (o->fpr && !(x >= 0 && x < 1))
		return cli_error(&train_command, "--fpr '%s': expected a rate from 0 to below 1",
		                 v);
	req->method = o->fpr ? CALIBRATE_FPR : CALIBRATE_FIXED;
	if (o->fpr)
		req->target_fpr = x;
	else
		req->threshold = x;
	return 0;
}

int train_run(const struct train_opts *o)
{
	struct protocli pc;
	int status = EXIT_USAGE;
	struct featdata *fd = NULL;
	struct cvrun_fit fit = {0};
	struct calibrate_request req;
	struct calibration cal = {0};
	struct trained_model_info info;
	cJSON *rec = NULL;
	size_t *idx = NULL;
	protocli_init(&pc);
	pc.o.seed = o->seed; /* before the --param values: cv.seed=S overrides it */
	pc.o.jobs = o->jobs;
	if (calibration_request(o, &req))
		goto end;
	if (strchr(o->set, ',') || strchr(o->learner, ',')) {
		err_report("train: one --set and one --learner");
		goto end;
	}
	if (protocli_setup(&pc, o->set, o->learner, o->param.v, o->param.n) < 0 ||
	    pc.n_learners != 1)
		goto end;
	if (protocli_load(o->features, o->manifest, o->split, &fd) < 0)
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
		if (extractrec_from_sidecar(o->features,
		                            (const char *const *)fit.train->feature_name,
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
			    o->features);
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
	if (protocli_mkdir_parent(o->out) < 0 || trained_model_write(o->out, &fit, &info) < 0)
		goto end;
	err_report("train: %s on %zu rows (%zu malicious), %zu columns -> %s",
	           pc.learners[0].type->name, fit.train->n, dataset_count_positive(fit.train),
	           fit.train->d, o->out);
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
end:
	cJSON_Delete(rec);
	free(idx);
	cvrun_fit_release(&fit);
	featdata_free(fd);
	protocli_release(&pc);
	return status;
}
