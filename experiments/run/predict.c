/* `pyvet predict`: options and body (see predict.h). */
#include "experiments/run/predict.h"

#include <cjson/cJSON.h>
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/ml/metrics.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/extractrec.h"
#include "experiments/engine/trained_model.h"

#define O struct predict_opts
static const struct cli_option predict_options[] = {
    {CLI_STRING("model", O, model, "MODEL", NULL, "model file written by 'pyvet train'"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("features", O, features, "DIR", NULL, "extraction written by 'pyvet extract'"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("out", O, out, "FILE", NULL, "CSV output (default: standard output)")},
    {CLI_STRING("manifest", O, manifest, "M", NULL, "rows from a dataset manifest")},
    {CLI_STRING("split", O, split, "S", NULL,
                "with --manifest: only rows of this split (e.g. test)")},
    {CLI_FLAG("fail-on-malicious", O, fail_on_malicious,
              "exit 1 when a package is judged malicious")},
    {CLI_END}};
#undef O

static const char *const predict_synopsis[] = {"predict --model MODEL --features DIR [options]",
                                               NULL};

const struct cli_command predict_command = {
    .name = "predict",
    .synopsis = predict_synopsis,
    .about = "Score every package of an extraction with a trained model. Writes\n"
             "id,label,score,threshold,verdict (verdict: score > threshold, spec D26; a\n"
             "calibrated threshold never flags a score tied with it). The extraction's\n"
             "parameters, feature-set versions and data-file hashes (its features.json) must "
             "be\nthose the model records.\n",
    .options = predict_options,
    .epilog = "Exit status: 0 done (and, with --fail-on-malicious, nothing judged malicious); 1\n"
              "a malicious verdict with --fail-on-malicious; 2 usage error, an unreadable\n"
              "model, extraction or manifest, or an extraction that differs from the model's;\n"
              "4 scoring or write error.\n"};

static int write_scores(FILE *f, const struct dataset *x, const double *score, double thr,
                        const double *flag)
{
	fputs("id,label,score,threshold,verdict\n", f);
	for (size_t i = 0; i < x->n; i++) {
		csvio_write_field(f, x->row_id[i]);
		fprintf(f, ",%s,", x->y[i] ? "malicious" : "benign");
		csvio_write_double(f, score[i]);
		fputc(',', f);
		csvio_write_double(f, thr);
		fprintf(f, ",%s\n", flag[i] > 0.5 ? "malicious" : "benign");
	}
	return ferror(f) ? -1 : 0;
}

int predict_run(const struct predict_opts *o)
{
	struct trained_model m = {0};
	struct featdata *fd = NULL;
	struct dataset *x = NULL;
	size_t *idx = NULL;
	double *score = NULL, *flag = NULL;
	cJSON *have = NULL;
	struct diag d;
	int status = EXIT_USAGE;
	diag_init(&d);
	if (trained_model_read(o->model, &m) < 0 ||
	    protocli_load(o->features, o->manifest, o->split, &fd) < 0)
		goto end; /* EXIT_USAGE: the inputs cannot be used */
	if (m.extraction) {
		char where[4200];
		snprintf(where, sizeof(where), "the extraction '%s'", o->features);
		if (extractrec_from_sidecar(o->features, (const char *const *)m.fixed, m.n_fixed,
		                            m.text, &have, &d) < 0 ||
		    (have && extractrec_compare(m.extraction, have, NULL, where, &d) < 0)) {
			err_report("predict: model '%s': %s", o->model, diag_message(&d));
			goto end;
		}
		if (!have)
			err_report("predict: warning: '%s' has no features.json: the extraction "
			           "cannot be checked against the model's",
			           o->features);
	}
	status = EXIT_INTERNAL;
	idx = malloc((fd->fixed->n ? fd->fixed->n : 1) * sizeof(size_t));
	score = malloc((fd->fixed->n ? fd->fixed->n : 1) * sizeof(double));
	flag = malloc((fd->fixed->n ? fd->fixed->n : 1) * sizeof(double));
	if (!idx || !score || !flag)
		goto end;
	for (size_t i = 0; i < fd->fixed->n; i++)
		idx[i] = i;
	x = trained_model_matrix(&m, fd, idx, fd->fixed->n);
	if (!x)
		goto end;
	openblas_set_num_threads(1); /* the same sums as the fit path of cvrun */
	if (learner_score(m.learner, x, score, &d) < 0) {
		err_report("predict: %s", diag_message(&d));
		goto end;
	}
	double thr = m.threshold;
	size_t flagged = 0;
	for (size_t i = 0; i < x->n; i++)
		flagged += (flag[i] = trained_model_flags(&m, score[i])) > 0.5;
	if (o->out) {
		struct csvio_out co;
		if (protocli_mkdir_parent(o->out) < 0 || csvio_out_open(&co, o->out) < 0) {
			status = EXIT_USAGE;
			goto end;
		}
		if (write_scores(co.f, x, score, thr, flag) < 0) {
			csvio_out_abort(&co);
			goto end;
		}
		if (csvio_out_commit(&co) < 0)
			goto end;
	} else if (write_scores(stdout, x, score, thr, flag) < 0 || fflush(stdout) != 0) {
		err_report("predict: cannot write to standard output");
		goto end;
	}
	struct metrics mt;
	metrics_compute(flag, x->y, x->n, 0.5, &mt); /* the verdicts, whatever the rule */
	fprintf(stderr,
	        "pyvet: predict: %zu packages, %zu flagged malicious; against the labels: macro "
	        "P %.4f R %.4f F1 %.4f (FP %zu, FN %zu)\n",
	        x->n, flagged, mt.p_macro, mt.r_macro, mt.f1_macro, mt.cm.fp, mt.cm.fn);
	status = o->fail_on_malicious && flagged ? EXIT_MALICIOUS : EXIT_OK;
end:
	dataset_free(x);
	free(idx);
	free(score);
	free(flag);
	cJSON_Delete(have);
	featdata_free(fd);
	trained_model_release(&m);
	diag_release(&d);
	return status;
}
