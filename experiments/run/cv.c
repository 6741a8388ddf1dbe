/* `pyvet cv`: options and body (see cv.h). */
#include "experiments/run/cv.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/base/results.h"
#include "experiments/cli/exitstatus.h"
#include "experiments/cli/protocli.h"
#include "experiments/engine/resultcsv.h"

#define O struct cv_opts
static const struct cli_option cv_options[] = {
    {CLI_STRING("features", O, features, "DIR", NULL, "extraction written by 'pyvet extract'"),
     .flags = CLI_REQUIRED},
    {CLI_STRING("set", O, sets, "NAME[,NAME...]", "T+MCF+pre",
                "feature sets: M, C, F, T, MCF, T+pre, T+MCF, T+MCF+pre, or e.g. artifacts, "
                "apis, MCF-min_cfg")},
    {CLI_STRING("learner", O, learners, "NAME[,...]", "paper",
                "learners (paper = dt,rf,svm,mlp,nb,stack; all = every learner)")},
    {CLI_SIZE("folds", O, folds, "K", "10", "[2, 100000]", "folds per repeat")},
    {CLI_SIZE("repeats", O, repeats, "R", "10", "[1, 100000]", "repeats")},
    {CLI_ULONG("seed", O, seed, "S", "1", NULL, "run seed")},
    {CLI_ENUM("group", O, group, "none", "none|cluster",
              "cluster: grouped folds by the cluster column")},
    {CLI_LIST("param", O, param, "KEY=VALUE", NULL,
              "text.num_words=500, text.mode=binary, text.vocab_scope=fold, rf.trees=12, ...")},
    {CLI_STRING("out", O, out, "FILE", "results/cv.csv",
                "long CSV; also FILE's .summary.csv and a .json sidecar for each")},
    {CLI_SIZE("jobs", O, jobs, "N", "1", "[0, 256]",
              "worker threads (results do not depend on N)")},
    {CLI_STRING("manifest", O, manifest, "M", NULL,
                "rows (and their order) from a dataset manifest")},
    {CLI_STRING("split", O, split, "S", NULL,
                "with --manifest: only rows whose split column is S")},
    {CLI_STRING("write-folds", O, folds_out, "FILE", NULL,
                "fold assignment as id,repeat,fold (0-based)")},
    {CLI_STRING("oof", O, oof_out, "FILE", NULL,
                "out-of-fold scores as set,learner,repeat,id,label,fold,score")},
    {CLI_STRING("test", O, test_split, "S", NULL,
                "train -> test instead of CV (D31): fit on the rows of --split (default train) "
                "and score the rows whose manifest split is S; long CSV rows have cv=test")},
    {CLI_STRING("scores", O, scores_out, "FILE", NULL,
                "with --test: set,learner,id,label,score,threshold,verdict")},
    {CLI_SHARD("cells", O, cells,
               "run part I of N of the grid's (set, repeat, fold) items and write part files "
               "for 'pyvet merge'")},
    {CLI_FLAG("quiet", O, quiet, "no progress and no summary table")},
    {CLI_END}};
#undef O

static const char *const cv_synopsis[] = {"cv --features DIR [options]", NULL};

const struct cli_command cv_command = {
    .name = "cv",
    .synopsis = cv_synopsis,
    .about = "Repeated k-fold cross-validation (spec D29) of learners on feature sets of an "
             "extraction\n"
             "written by 'pyvet extract'. The vocabulary is fitted on each training fold only\n"
             "(text.vocab_scope=fold). Every learner and set shares the folds of a repeat.\n",
    .options = cv_options,
    .epilog =
        "With --cells I/N the grid's items k = (set x repeats + repeat) x folds + fold with\n"
        "k mod N = I run; --out and --oof are part files that 'pyvet merge --out FILE PART...'\n"
        "joins into the bytes of one run (--write-folds is the same in every part).\n\n"
        "Exit status: 0 every cell done; 2 usage error or an unreadable extraction or\n"
        "manifest; 4 some cells failed (rows metric=error; the others are written) or a\n"
        "write error.\n"};

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
					if (c->skipped)
						continue; /* another shard's cell */
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
					if (c->skipped)
						continue; /* another shard's cell */
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
						bad += !c->skipped;
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

void cv_summary_path(const char *out, char *buf, size_t n)
{
	size_t len = strlen(out);
	if (len > 4 && !strcmp(out + len - 4, ".csv"))
		snprintf(buf, n, "%.*s.summary.csv", (int)(len - 4), out);
	else
		snprintf(buf, n, "%s.summary.csv", out);
}

/* The "shard" object of a part's sidecar: what `pyvet merge` checks and orders by. */
static cJSON *shard_json(const struct cv_opts *o, const struct protocli *pc, const char *kind)
{
	cJSON *j = cJSON_CreateObject(), *sets, *ls;
	cJSON_AddStringToObject(j, "kind", kind);
	cJSON_AddNumberToObject(j, "index", (double)o->cells.index);
	cJSON_AddNumberToObject(j, "count", (double)o->cells.count);
	sets = cJSON_AddArrayToObject(j, "sets");
	for (size_t s = 0; s < pc->n_sets; s++)
		cJSON_AddItemToArray(sets, cJSON_CreateString(pc->sets[s].name));
	ls = cJSON_AddArrayToObject(j, "learners");
	for (size_t l = 0; l < pc->n_learners; l++)
		cJSON_AddItemToArray(ls, cJSON_CreateString(pc->learners[l].type->name));
	cJSON_AddNumberToObject(j, "repeats", (double)pc->o.repeats);
	cJSON_AddNumberToObject(j, "folds", (double)pc->o.folds);
	cJSON_AddStringToObject(j, "cv", cvrun_kind_name(pc->o.kind));
	return j;
}

/* One error line naming the first failed cell (what `pyvet reproduce` records). */
static void report_failed(const struct protocli *pc, const struct cvrun_result *res)
{
	for (size_t s = 0; s < res->n_sets; s++)
		for (size_t l = 0; l < res->n_learners; l++)
			for (size_t r = 0; r < res->repeats; r++)
				for (size_t f = 0; f < res->folds; f++) {
					const struct cvrun_cell *c = cvrun_cell_at(res, s, l, r, f);
					if (c->ok || c->skipped)
						continue;
					err_report("cv: %d failed cells; first %s/%s/%zu/%zu: %s",
					           res->n_failed, pc->sets[s].name,
					           pc->learners[l].type->name, r, f, c->error);
					return;
				}
}

/* The CV grid (or this shard's part of it) and its outputs. An exit status. */
static int run_grid(const struct cv_opts *o, const struct protocli *pc, const struct featdata *fd,
                    struct sidecar *sc)
{
	struct cvrun_result res = {0};
	struct diag d;
	char spath[4096];
	int status = EXIT_INTERNAL, part = o->cells.count > 1, rc;
	diag_init(&d);
	rc = cvrun_run(fd, pc->sets, pc->n_sets, pc->learners, pc->n_learners, &pc->o, &res, &d);
	for (int w = 0; w < d.n_warnings && w < DIAG_WARN_KEEP; w++)
		err_report("cv: warning: %s", d.warnings[w]);
	if (rc < 0) {
		err_report("cv: %s", diag_message(&d));
		goto end;
	}
	if (write_long(o->out, pc, &res) < 0)
		goto end;
	cv_summary_path(o->out, spath, sizeof(spath));
	if (!part && resultcsv_summary(o->out, spath, &d) < 0) {
		err_report("cv: summary: %s", diag_message(&d));
		goto end;
	}
	if (o->folds_out && write_folds(o->folds_out, fd, &res) < 0)
		goto end;
	if (o->oof_out && write_oof(o->oof_out, pc, fd, &res) < 0)
		goto end;
	if (sc) {
		fill_sidecar(sc, pc, fd, o->features, o->manifest, o->split, &res);
		if (part)
			sidecar_set_json(sc, "shard", shard_json(o, pc, "cv"));
		if (sidecar_write(sc, o->out) < 0 || (!part && sidecar_write(sc, spath) < 0))
			goto end;
	}
	if (part && o->oof_out) { /* a part file too: its sidecar says which */
		struct sidecar *osc = cli_sidecar_new(&cv_command, o, o->argc, o->argv, NULL, 0);
		int bad = !osc || sidecar_set_json(osc, "shard", shard_json(o, pc, "cv-oof")) < 0 ||
		          sidecar_write(osc, o->oof_out) < 0;
		sidecar_free(osc);
		if (bad)
			goto end;
	}
	if (!o->quiet && !part) {
		print_table(pc, &res);
		err_report("cv: wrote %s and %s (%.1f s, %d failed cells)", o->out, spath,
		           res.wall_seconds, res.n_failed);
	} else if (!o->quiet) {
		err_report("cv: wrote part %zu/%zu of the grid to %s (%.1f s, %d failed cells)",
		           o->cells.index, o->cells.count, o->out, res.wall_seconds, res.n_failed);
	}
	if (res.n_failed)
		report_failed(pc, &res);
	status = res.n_failed ? EXIT_INTERNAL : EXIT_OK;
end:
	diag_release(&d);
	cvrun_result_release(&res);
	return status;
}

/* Train -> test (--test) and its sidecar. An exit status. */
static int run_test(const struct cv_opts *o, const struct protocli *pc, const struct featdata *fd,
                    struct sidecar *sc)
{
	const char *train_split = o->split ? o->split : "train";
	if (run_train_test(pc, fd, o->manifest, train_split, o->test_split, o->out, o->scores_out,
	                   sc, o->quiet) < 0)
		return EXIT_INTERNAL;
	if (!sc)
		return EXIT_OK;
	sidecar_set_seed(sc, pc->o.seed);
	sidecar_set_string(sc, "command", "cv --test");
	sidecar_set_string(sc, "vocab_scope",
	                   pc->o.vp.scope == VOCAB_SCOPE_ALL
	                       ? "all: vocabulary fitted on all training rows (the "
	                         "test rows never enter the fit, D12)"
	                       : "fold: vocabulary fitted on the training rows (D12)");
	sidecar_set_string(sc, "features", o->features);
	sidecar_set_string(sc, "manifest", o->manifest);
	sidecar_set_json(sc, "parameters", options_json(pc, fd));
	sidecar_add_hash(sc, "features.csv", fd->features_sha256);
	if (fd->tokens_sha256[0])
		sidecar_add_hash(sc, "tokens.tsv", fd->tokens_sha256);
	return sidecar_write(sc, o->out) < 0 ? EXIT_INTERNAL : EXIT_OK;
}

int cv_run(const struct cv_opts *o)
{
	struct protocli pc;
	int status = EXIT_USAGE;
	struct featdata *fd = NULL;
	struct sidecar *sc = NULL;
	protocli_init(&pc);
	/* the options first: --param cv.KEY=V overrides them */
	pc.o.folds = o->folds;
	pc.o.repeats = o->repeats;
	pc.o.seed = o->seed;
	pc.o.kind = o->group;
	pc.o.jobs = o->jobs;
	pc.o.shard = o->cells.index;
	pc.o.n_shards = o->cells.count;
	if (protocli_setup(&pc, o->sets, o->learners, o->param.v, o->param.n) < 0)
		goto end;
	pc.o.verbose = !o->quiet;
	if (o->test_split && !o->manifest) {
		err_report("cv: --test needs --manifest");
		goto end;
	}
	if (o->test_split && o->cells.count > 1) {
		err_report("cv: --cells is for cross-validation, not --test");
		goto end;
	}
	sc = cli_sidecar_new(&cv_command, o, o->argc, o->argv, NULL, 0);
	if (protocli_load(o->features, o->manifest, o->test_split ? NULL : o->split, &fd) < 0)
		goto end; /* EXIT_USAGE */
	status = o->test_split ? run_test(o, &pc, fd, sc) : run_grid(o, &pc, fd, sc);
end:
	sidecar_free(sc);
	featdata_free(fd);
	protocli_release(&pc);
	return status;
}
