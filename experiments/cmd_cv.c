/* `pyvet cv`: repeated k-fold cross-validation of learners x feature sets on an extraction
 * (spec D29, D30, 8.1, 8.2), written as the long results CSV, its summary and JSON sidecars. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "experiments/engine/resultcsv.h"
#include "core/base/results.h"
#include "experiments/cli/protocli.h"
#include "experiments/commands.h"

int cmd_cv(int argc, char **argv);

static int cv_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet cv --features DIR [options]\n\n"
	    "Repeated k-fold cross-validation (spec D29) of learners on feature sets of an "
	    "extraction\n"
	    "written by 'pyvet extract'. The vocabulary is fitted on each training fold only\n"
	    "(text.vocab_scope=fold). Every learner and set shares the folds of a repeat.\n\n"
	    "  --set NAME[,NAME...]      feature sets (default T+MCF+pre): M, C, F, T, MCF, "
	    "T+pre,\n"
	    "                            T+MCF, T+MCF+pre, or e.g. artifacts, apis, MCF-min_cfg\n"
	    "  --learner NAME[,...]      learners (default paper = dt,rf,svm,mlp,nb,stack; all)\n"
	    "  --folds K --repeats R     (default 10 x 10)\n"
	    "  --seed S                  run seed (default 1)\n"
	    "  --group cluster|none      grouped folds by the cluster column (default none)\n"
	    "  --param KEY=VALUE         text.num_words=500, text.mode=binary, "
	    "text.vocab_scope=fold,\n"
	    "                            rf.trees=12, ... (repeatable)\n"
	    "  --out FILE                long CSV (default results/cv.csv); also FILE's "
	    ".summary.csv\n"
	    "                            and a .json sidecar for each\n"
	    "  --jobs N                  worker threads (results do not depend on N)\n"
	    "  --manifest M [--split S]  rows (and order) from a dataset manifest, split column = "
	    "S\n"
	    "  --write-folds FILE        fold assignment as id,repeat,fold (0-based)\n"
	    "  --oof FILE                out-of-fold scores as "
	    "set,learner,repeat,id,label,fold,score\n"
	    "  --test S                  train -> test instead of CV (D31): fit on the rows of\n"
	    "                            --split (default train) and score the rows whose "
	    "manifest\n"
	    "                            split is S; long CSV rows have cv=test\n"
	    "  --scores FILE             with --test: "
	    "set,learner,id,label,score,threshold,verdict\n"
	    "  --quiet                   no progress and no summary table\n\n"
	    "Exit status: 0 every cell done; 2 usage error or an unreadable extraction or\n"
	    "manifest; 4 some cells failed (rows metric=error; the others are written) or a\n"
	    "write error.\n");
	return f == stdout ? 0 : 2;
}

/* results/cv.csv -> results/cv.summary.csv */
static void summary_path(const char *out, char *buf, size_t n)
{
	size_t len = strlen(out);
	if (len > 4 && !strcmp(out + len - 4, ".csv"))
		snprintf(buf, n, "%.*s.summary.csv", (int)(len - 4), out);
	else
		snprintf(buf, n, "%s.summary.csv", out);
}

static int write_folds(const char *path, const struct featdata *fd, const struct cvrun_result *res)
{
	struct csvio_out o;
	if (protocli_mkdir_parent(path) < 0 || csvio_out_open(&o, path) < 0)
		return -1;
	fputs("id,repeat,fold\n", o.f);
	for (size_t r = 0; r < res->repeats; r++)
		for (size_t i = 0; i < res->n; i++) {
			csvio_write_field(o.f, fd->fixed->row_id[i]);
			fprintf(o.f, ",%zu,%d\n", r, res->fold[r * res->n + i]);
		}
	return csvio_out_commit(&o);
}

static int write_oof(const char *path, const struct protocli *pc, const struct featdata *fd,
                     const struct cvrun_result *res)
{
	struct csvio_out o;
	if (protocli_mkdir_parent(path) < 0 || csvio_out_open(&o, path) < 0)
		return -1;
	fputs("set,learner,repeat,id,label,fold,score\n", o.f);
	for (size_t s = 0; s < res->n_sets; s++)
		for (size_t l = 0; l < res->n_learners; l++)
			for (size_t r = 0; r < res->repeats; r++) {
				const double *sc = cvrun_oof_at(res, s, l, r);
				for (size_t i = 0; i < res->n; i++) {
					csvio_write_field(o.f, pc->sets[s].name);
					fprintf(o.f, ",%s,%zu,", pc->learners[l].type->name, r);
					csvio_write_field(o.f, fd->fixed->row_id[i]);
					fprintf(o.f, ",%d,%d,", fd->fixed->y[i],
					        res->fold[r * res->n + i]);
					csvio_write_double(o.f, sc[i]);
					fputc('\n', o.f);
				}
			}
	return csvio_out_commit(&o);
}

static cJSON *options_json(const struct protocli *pc, const struct featdata *fd)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *cv = cJSON_AddObjectToObject(o, "cv");
	cJSON_AddNumberToObject(cv, "folds", (double)pc->o.folds);
	cJSON_AddNumberToObject(cv, "repeats", (double)pc->o.repeats);
	cJSON_AddNumberToObject(cv, "seed", (double)pc->o.seed);
	cJSON_AddStringToObject(cv, "kind", cvrun_kind_name(pc->o.kind));
	cJSON_AddNumberToObject(cv, "jobs", (double)pc->o.jobs);
	cJSON_AddItemToObject(o, "text", params_to_json(vocab_param_specs, &pc->o.vp));
	cJSON *ls = cJSON_AddObjectToObject(o, "learners");
	for (size_t l = 0; l < pc->n_learners; l++) {
		struct learner *lr =
		    learner_alloc(pc->learners[l].type, pc->learners[l].params, NULL);
		if (!lr)
			continue;
		cJSON_AddItemToObject(ls, pc->learners[l].type->name,
		                      params_to_json(lr->type->params, lr->state));
		learner_free(lr);
	}
	cJSON *sets = cJSON_AddArrayToObject(o, "sets");
	for (size_t s = 0; s < pc->n_sets; s++) {
		cJSON *js = cJSON_CreateObject();
		size_t *cols = NULL, nc = 0;
		cJSON_AddStringToObject(js, "name", pc->sets[s].name);
		cJSON_AddBoolToObject(js, "text", pc->sets[s].text);
		cJSON_AddBoolToObject(js, "preprocess", pc->sets[s].pre || pc->o.vp.preprocess);
		cJSON *cj = cJSON_AddArrayToObject(js, "fixed_columns");
		if (featspec_columns(&pc->sets[s], fd->fixed, &cols, &nc, NULL) == 0)
			for (size_t c = 0; c < nc; c++)
				cJSON_AddItemToArray(
				    cj, cJSON_CreateString(fd->fixed->feature_name[cols[c]]));
		size_t nan = 0;
		for (size_t i = 0; i < fd->fixed->n; i++)
			for (size_t c = 0; c < nc; c++)
				nan += isnan(dataset_get(fd->fixed, i, cols[c])) != 0;
		cJSON_AddNumberToObject(js, "nan_cells_as_zero", (double)nan);
		free(cols);
		cJSON_AddItemToArray(sets, js);
	}
	return o;
}

static void fill_sidecar(struct sidecar *sc, const struct protocli *pc, const struct featdata *fd,
                         const char *features_dir, const char *manifest, const char *split,
                         const struct cvrun_result *res)
{
	char cell[1024];
	sidecar_set_seed(sc, pc->o.seed);
	sidecar_set_string(sc, "command", "cv");
	sidecar_set_string(sc, "features", features_dir);
	if (manifest)
		sidecar_set_string(sc, "manifest", manifest);
	if (split)
		sidecar_set_string(sc, "split", split);
	sidecar_set_string(
	    sc, "vocab_scope",
	    pc->o.vp.scope == VOCAB_SCOPE_ALL
	        ? "all: vocabulary fitted on every row before CV (paper-like leak, D12)"
	        : "fold: vocabulary fitted on each training fold only (D12)");
	sidecar_set_json(sc, "parameters", options_json(pc, fd));
	sidecar_add_hash(sc, "features.csv", fd->features_sha256);
	if (fd->tokens_sha256[0])
		sidecar_add_hash(sc, "tokens.tsv", fd->tokens_sha256);
	if (pc->filter_loaded) {
		sidecar_add_hash(sc, "python_keywords.txt", pc->filter.sha256[0]);
		sidecar_add_hash(sc, "stopwords_en.txt", pc->filter.sha256[1]);
	}
	size_t mal = dataset_count_positive(fd->fixed);
	cJSON *data = cJSON_CreateObject();
	cJSON_AddNumberToObject(data, "rows", (double)fd->fixed->n);
	cJSON_AddNumberToObject(data, "malicious", (double)mal);
	cJSON_AddNumberToObject(data, "benign", (double)(fd->fixed->n - mal));
	cJSON_AddNumberToObject(data, "rows_with_tokens", (double)fd->n_with_tokens);
	sidecar_set_json(sc, "data", data);
	cJSON *cc = cJSON_CreateArray();
	for (size_t r = 0; r < res->repeats; r++)
		for (size_t f = 0; f < res->folds; f++) {
			cJSON *row = cJSON_CreateObject();
			cJSON_AddNumberToObject(row, "repeat", (double)r);
			cJSON_AddNumberToObject(row, "fold", (double)f);
			cJSON_AddNumberToObject(row, "test_benign",
			                        (double)res->class_count[(r * res->folds + f) * 2]);
			cJSON_AddNumberToObject(
			    row, "test_malicious",
			    (double)res->class_count[(r * res->folds + f) * 2 + 1]);
			cJSON_AddItemToArray(cc, row);
		}
	sidecar_set_json(sc, "fold_class_counts", cc);
	cJSON *secs = cJSON_CreateObject();
	for (size_t s = 0; s < res->n_sets; s++)
		for (size_t l = 0; l < res->n_learners; l++) {
			double t = 0;
			for (size_t r = 0; r < res->repeats; r++)
				for (size_t f = 0; f < res->folds; f++) {
					const struct cvrun_cell *c = cvrun_cell_at(res, s, l, r, f);
					t += c->seconds;
					snprintf(cell, sizeof(cell), "%s/%s/%zu/%zu",
					         pc->sets[s].name, pc->learners[l].type->name, r,
					         f);
					sidecar_add_cell(sc, cell, c->ok ? "ok" : c->error);
				}
			snprintf(cell, sizeof(cell), "%s/%s", pc->sets[s].name,
			         pc->learners[l].type->name);
			cJSON_AddNumberToObject(secs, cell, t);
		}
	sidecar_set_json(sc, "cell_seconds", secs);
	sidecar_set_threads(sc, res->thread_stats, res->n_threads);
	sidecar_set_number(sc, "failed_cells", res->n_failed);
}

static int write_long(const char *out, const struct protocli *pc, const struct cvrun_result *res)
{
	struct resultcsv rc;
	const char *kind = cvrun_kind_name(pc->o.kind);
	if (protocli_mkdir_parent(out) < 0 || resultcsv_open(&rc, out) < 0)
		return -1;
	for (size_t s = 0; s < res->n_sets; s++)
		for (size_t l = 0; l < res->n_learners; l++)
			for (size_t r = 0; r < res->repeats; r++)
				for (size_t f = 0; f < res->folds; f++) {
					const struct cvrun_cell *c = cvrun_cell_at(res, s, l, r, f);
					const char *sn = pc->sets[s].name,
					           *ln = pc->learners[l].type->name;
					int e = c->ok
					            ? resultcsv_add_metrics(&rc, sn, ln, kind,
					                                    (int)r, (int)f, &c->m)
					            : resultcsv_add_error(&rc, sn, ln, kind, (int)r,
					                                  (int)f, c->error);
					if (e < 0) {
						resultcsv_abort(&rc);
						return -1;
					}
				}
	return resultcsv_commit(&rc);
}

static void print_table(const struct protocli *pc, const struct cvrun_result *res)
{
	printf("%-14s %-8s %7s %7s %7s %7s %6s\n", "set", "learner", "P", "R", "F1", "sd(F1)",
	       "failed");
	for (size_t s = 0; s < res->n_sets; s++)
		for (size_t l = 0; l < res->n_learners; l++) {
			double sp = 0, sr = 0, sf = 0, sf2 = 0;
			size_t k = 0, bad = 0;
			for (size_t r = 0; r < res->repeats; r++)
				for (size_t f = 0; f < res->folds; f++) {
					const struct cvrun_cell *c = cvrun_cell_at(res, s, l, r, f);
					if (!c->ok) {
						bad++;
						continue;
					}
					sp += c->m.p_macro;
					sr += c->m.r_macro;
					sf += c->m.f1_macro;
					sf2 += c->m.f1_macro * c->m.f1_macro;
					k++;
				}
			double mf = k ? sf / (double)k : (double)NAN;
			double sd =
			    k > 1 ? sqrt(fmax(0, (sf2 - (double)k * mf * mf) / (double)(k - 1)))
			          : (double)NAN;
			printf("%-14s %-8s %7.4f %7.4f %7.4f %7.4f %6zu\n", pc->sets[s].name,
			       pc->learners[l].type->name, k ? sp / (double)k : (double)NAN,
			       k ? sr / (double)k : (double)NAN, mf, sd, bad);
		}
}

/* Row indices of `fd` whose manifest split equals `want`, in row order. */
static int split_rows(const struct featdata *fd, const char *manifest, const char *want,
                      size_t **idx, size_t *n)
{
	struct csv_table *t = NULL;
	struct diag d;
	diag_init(&d);
	*idx = NULL;
	*n = 0;
	if (csvio_read(manifest, 0, &t, &d) < 0) {
		err_report("%s", diag_message(&d));
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	long ci = csvio_column(t, "id"), cs = csvio_column(t, "split");
	if (ci < 0 || cs < 0) {
		csvio_table_free(t);
		return err_report("manifest '%s' needs 'id' and 'split' columns", manifest);
	}
	*idx = malloc((fd->fixed->n ? fd->fixed->n : 1) * sizeof(size_t));
	if (!*idx) {
		csvio_table_free(t);
		return err_report("out of memory");
	}
	/* fd rows are in manifest order (featdata_select_manifest), so walk both in step */
	size_t row = 0;
	for (size_t i = 0; i < t->n_rows && row < fd->fixed->n; i++) {
		if (strcmp(t->rows[i][ci], fd->fixed->row_id[row]))
			continue; /* a manifest id missing from the extraction */
		if (!strcmp(t->rows[i][cs], want))
			(*idx)[(*n)++] = row;
		row++;
	}
	csvio_table_free(t);
	return 0;
}

static int run_train_test(const struct protocli *pc, const struct featdata *fd,
                          const char *manifest, const char *train_split, const char *test_split,
                          const char *out, const char *scores_out, struct sidecar *sc, int quiet)
{
	size_t *tr = NULL, *te = NULL, ntr = 0, nte = 0;
	struct resultcsv rc;
	struct csvio_out so = {0};
	int status = -1, opened = 0;
	if (split_rows(fd, manifest, train_split, &tr, &ntr) < 0 ||
	    split_rows(fd, manifest, test_split, &te, &nte) < 0)
		goto end;
	if (!ntr || !nte) {
		err_report("train split '%s' has %zu rows, test split '%s' %zu", train_split, ntr,
		           test_split, nte);
		goto end;
	}
	if (protocli_mkdir_parent(out) < 0 || resultcsv_open(&rc, out) < 0)
		goto end;
	opened = 1;
	if (scores_out) {
		if (protocli_mkdir_parent(scores_out) < 0 || csvio_out_open(&so, scores_out) < 0)
			goto end;
		fputs("set,learner,id,label,score,threshold,verdict\n", so.f);
	}
	if (!quiet)
		printf("%-14s %-8s %7s %7s %7s %5s %5s\n", "set", "learner", "P", "R", "F1", "FP",
		       "FN");
	for (size_t s = 0; s < pc->n_sets; s++) {
		struct cvrun_tt tt;
		struct diag d;
		const char *sn = pc->sets[s].name;
		diag_init(&d);
		if (cvrun_train_test_many(fd, &pc->sets[s], pc->learners, pc->n_learners, &pc->o,
		                          tr, ntr, te, nte, &tt, &d) < 0) {
			/* the whole set failed: one error row per learner */
			int e = 0;
			for (size_t l = 0; l < pc->n_learners && !e; l++) {
				char cell[1024];
				const char *ln = pc->learners[l].type->name;
				snprintf(cell, sizeof(cell), "%s/%s/test", sn, ln);
				if (sc)
					sidecar_add_cell(sc, cell, diag_message(&d));
				e = resultcsv_add_error(&rc, sn, ln, "test", -1, -1,
				                        diag_message(&d));
			}
			diag_release(&d);
			if (e < 0)
				goto end;
			continue;
		}
		diag_release(&d);
		for (size_t l = 0; l < pc->n_learners; l++) {
			const struct cvrun_tt_fit *fit = &tt.fit[l];
			const char *ln = pc->learners[l].type->name;
			char cell[1024];
			int e;
			snprintf(cell, sizeof(cell), "%s/%s/test", sn, ln);
			if (!fit->ok) {
				if (sc)
					sidecar_add_cell(sc, cell, fit->error);
				if (resultcsv_add_error(&rc, sn, ln, "test", -1, -1, fit->error) <
				    0) {
					cvrun_tt_release(&tt);
					goto end;
				}
				continue;
			}
			if (sc)
				sidecar_add_cell(sc, cell, "ok");
			e = resultcsv_add_metrics(&rc, sn, ln, "test", -1, -1, &fit->m);
			for (size_t i = 0; so.f && i < tt.test->n; i++) {
				csvio_write_field(so.f, sn);
				fprintf(so.f, ",%s,", ln);
				csvio_write_field(so.f, tt.test->row_id[i]);
				fprintf(so.f, ",%s,", tt.test->y[i] ? "malicious" : "benign");
				csvio_write_double(so.f, fit->score[i]);
				fputc(',', so.f);
				csvio_write_double(so.f, fit->threshold);
				fprintf(so.f, ",%s\n",
				        fit->score[i] > fit->threshold ? "malicious" : "benign");
			}
			if (!quiet)
				printf("%-14s %-8s %7.4f %7.4f %7.4f %5zu %5zu\n", sn, ln,
				       fit->m.p_macro, fit->m.r_macro, fit->m.f1_macro,
				       fit->m.cm.fp, fit->m.cm.fn);
			if (e < 0) {
				cvrun_tt_release(&tt);
				goto end;
			}
		}
		if (sc && s == 0)
			sidecar_set_threads(sc, tt.thread_stats, tt.n_threads);
		cvrun_tt_release(&tt);
	}
	opened = 0;
	if (resultcsv_commit(&rc) < 0)
		goto end;
	if (so.f && csvio_out_commit(&so) < 0)
		goto end;
	if (sc) {
		cJSON *tt = cJSON_CreateObject();
		cJSON_AddStringToObject(tt, "train_split", train_split);
		cJSON_AddStringToObject(tt, "test_split", test_split);
		cJSON_AddNumberToObject(tt, "train_rows", (double)ntr);
		cJSON_AddNumberToObject(tt, "test_rows", (double)nte);
		sidecar_set_json(sc, "train_test", tt);
	}
	status = 0;
end:
	if (opened)
		resultcsv_abort(&rc);
	if (so.f)
		csvio_out_abort(&so);
	free(tr);
	free(te);
	return status;
}

int cmd_cv(int argc, char **argv)
{
	struct protocli pc;
	const char *features = NULL, *sets = "T+MCF+pre", *learners = "paper",
	           *out = "results/cv.csv";
	const char *manifest = NULL, *split = NULL, *folds_out = NULL, *oof_out = NULL;
	const char *test_split = NULL, *scores_out = NULL;
	const char *params[256];
	size_t n_params = 0;
	int quiet = 0, status = EXIT_USAGE;
	struct featdata *fd = NULL;
	struct cvrun_result res = {0};
	struct sidecar *sc = NULL;
	protocli_init(&pc);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			protocli_release(&pc);
			return cv_usage(stdout);
		}
		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (!v) {
			err_report("cv: '%s' needs a value or is unknown", a);
			protocli_release(&pc);
			return cv_usage(stderr);
		}
		i++;
		int bad = 0;
		if (!strcmp(a, "--features"))
			features = v;
		else if (!strcmp(a, "--set"))
			sets = v;
		else if (!strcmp(a, "--learner"))
			learners = v;
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--manifest"))
			manifest = v;
		else if (!strcmp(a, "--split"))
			split = v;
		else if (!strcmp(a, "--write-folds"))
			folds_out = v;
		else if (!strcmp(a, "--oof"))
			oof_out = v;
		else if (!strcmp(a, "--test"))
			test_split = v;
		else if (!strcmp(a, "--scores"))
			scores_out = v;
		else if (!strcmp(a, "--folds"))
			bad = protocli_size(a, v, &pc.o.folds);
		else if (!strcmp(a, "--repeats"))
			bad = protocli_size(a, v, &pc.o.repeats);
		else if (!strcmp(a, "--jobs"))
			bad = protocli_size(a, v, &pc.o.jobs);
		else if (!strcmp(a, "--seed")) {
			size_t s = 0;
			bad = protocli_size(a, v, &s);
			pc.o.seed = (unsigned long)s;
		} else if (!strcmp(a, "--group")) {
			if (!strcmp(v, "cluster"))
				pc.o.kind = CVRUN_GROUPED;
			else if (!strcmp(v, "none"))
				pc.o.kind = CVRUN_STRATIFIED;
			else
				bad = err_report("--group: 'cluster' or 'none', not '%s'", v);
		} else if (!strcmp(a, "--param")) {
			if (n_params == sizeof(params) / sizeof(params[0]))
				bad = err_report("too many --param options");
			else
				params[n_params++] = v;
		} else {
			err_report("cv: unknown option '%s'", a);
			protocli_release(&pc);
			return cv_usage(stderr);
		}
		if (bad) {
			protocli_release(&pc);
			return EXIT_USAGE;
		}
	}
	if (!features) {
		err_report("cv: --features DIR is required");
		protocli_release(&pc);
		return cv_usage(stderr);
	}
	if (protocli_sets(&pc, sets) < 0 || protocli_learners(&pc, learners) < 0)
		goto end_usage;
	for (size_t i = 0; i < n_params; i++)
		if (protocli_param(&pc, params[i]) < 0)
			goto end_usage;
	if (protocli_finish(&pc) < 0)
		goto end_usage;
	pc.o.verbose = !quiet;
	sc = sidecar_new(argc, argv);
	if (test_split) {
		if (!manifest) {
			err_report("cv: --test needs --manifest");
			goto end_usage;
		}
		if (protocli_load(features, manifest, NULL, &fd) < 0)
			goto end; /* EXIT_USAGE */
		status = EXIT_INTERNAL;
		const char *train_split = split ? split : "train";
		if (run_train_test(&pc, fd, manifest, train_split, test_split, out, scores_out, sc,
		                   quiet) < 0)
			goto end;
		if (sc) {
			sidecar_set_seed(sc, pc.o.seed);
			sidecar_set_string(sc, "command", "cv --test");
			sidecar_set_string(
			    sc, "vocab_scope",
			    pc.o.vp.scope == VOCAB_SCOPE_ALL
			        ? "all: vocabulary fitted on all training rows (the "
			          "test rows never enter the fit, D12)"
			        : "fold: vocabulary fitted on the training rows (D12)");
			sidecar_set_string(sc, "features", features);
			sidecar_set_string(sc, "manifest", manifest);
			sidecar_set_json(sc, "parameters", options_json(&pc, fd));
			sidecar_add_hash(sc, "features.csv", fd->features_sha256);
			if (fd->tokens_sha256[0])
				sidecar_add_hash(sc, "tokens.tsv", fd->tokens_sha256);
			if (sidecar_write(sc, out) < 0)
				goto end;
		}
		status = EXIT_OK;
		goto end;
	}
	if (protocli_load(features, manifest, split, &fd) < 0)
		goto end; /* EXIT_USAGE */
	status = EXIT_INTERNAL;
	{
		struct diag d;
		diag_init(&d);
		int rc =
		    cvrun_run(fd, pc.sets, pc.n_sets, pc.learners, pc.n_learners, &pc.o, &res, &d);
		for (int w = 0; w < d.n_warnings && w < DIAG_WARN_KEEP; w++)
			err_report("cv: warning: %s", d.warnings[w]);
		if (rc < 0) {
			err_report("cv: %s", diag_message(&d));
			diag_release(&d);
			goto end;
		}
		diag_release(&d);
	}
	if (write_long(out, &pc, &res) < 0)
		goto end;
	char spath[4096];
	summary_path(out, spath, sizeof(spath));
	{
		struct diag d;
		diag_init(&d);
		if (resultcsv_summary(out, spath, &d) < 0) {
			err_report("cv: summary: %s", diag_message(&d));
			diag_release(&d);
			goto end;
		}
		diag_release(&d);
	}
	if (folds_out && write_folds(folds_out, fd, &res) < 0)
		goto end;
	if (oof_out && write_oof(oof_out, &pc, fd, &res) < 0)
		goto end;
	if (sc) {
		fill_sidecar(sc, &pc, fd, features, manifest, split, &res);
		if (sidecar_write(sc, out) < 0 || sidecar_write(sc, spath) < 0)
			goto end;
	}
	if (!quiet) {
		print_table(&pc, &res);
		err_report("cv: wrote %s and %s (%.1f s, %d failed cells)", out, spath,
		           res.wall_seconds, res.n_failed);
	}
	status = res.n_failed ? EXIT_INTERNAL : EXIT_OK;
	goto end;
end_usage:
	status = EXIT_USAGE;
end:
	sidecar_free(sc);
	cvrun_result_release(&res);
	featdata_free(fd);
	protocli_release(&pc);
	return status;
}
