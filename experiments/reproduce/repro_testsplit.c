/* Drivers of `pyvet reproduce` that read per-package scores: Table 5 and the temporal split
 * (D30, D31, spec 8.3), Fig. 4 regions (D33), hard negatives, operating points and ROC/PR
 * curves (spec 8.7). Inputs are the out-of-fold scores of the final set's stratified CV cell
 * (repeat 0: every training package scored once) and the train -> test score files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/base/csvio.h"
#include "core/ml/intersection.h"
#include "core/pkg/manifest.h"
#include "core/ml/metrics.h"
#include "core/base/results.h"
#include "experiments/reproduce/repro.h"

static const char *const six[] = {"rf", "svm", "dt", "mlp", "nb", "stack"};
#define N_SIX 6

static void oof_path(const struct repro *r, char *buf, size_t n)
{
	char name[256];
	snprintf(name, sizeof(name), "cells/oof_stratified_%s.csv", r->final_set);
	repro_path(r, name, buf, n);
}

static int write_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		buf[0] = '\0';
	else
		snprintf(buf, n, "%.17g", v);
	return 0;
}

/* One table5-format row. */
static int t5_row(FILE *f, const char *learner, const char *split, const struct repro_scores *s,
                  const char *status)
{
	struct metrics m;
	char v[19][40];
	size_t nb = 0, nm = 0;
	memset(&m, 0, sizeof(m));
	if (s) {
		metrics_compute(s->score, s->y, s->n, s->threshold, &m);
		for (size_t i = 0; i < s->n; i++)
			nm += s->y[i] != 0;
		nb = s->n - nm;
	}
	double vals[] = {(double)nb,      (double)nm,      (double)m.cm.tp, (double)m.cm.fp,
	                 (double)m.cm.tn, (double)m.cm.fn, m.p_macro,       m.r_macro,
	                 m.f1_macro,      m.p_mal,         m.r_mal,         m.f1_mal,
	                 m.p_ben,         m.r_ben,         m.f1_ben,        m.roc_auc,
	                 m.pr_auc};
	const char *row[20];
	row[0] = learner;
	row[1] = split;
	for (int i = 0; i < 17; i++) {
		if (s)
			write_num(v[i], sizeof(v[i]), vals[i]);
		else
			v[i][0] = '\0';
		row[2 + i] = v[i];
	}
	row[19] = status;
	return csvio_write_row(f, row, 20);
}

static const char *const t5_head[] = {"learner",  "split",  "n_benign", "n_malicious", "tp",
                                      "fp",       "tn",     "fn",       "p_macro",     "r_macro",
                                      "f1_macro", "p_mal",  "r_mal",    "f1_mal",      "p_ben",
                                      "r_ben",    "f1_ben", "roc_auc",  "pr_auc",      "status"};

/* Write `name` with the rows of each learner from the OOF file (train_oof) and/or a test scores
 * file under the split label `test_label`. */
static int write_t5(struct repro *r, const char *name, const char *oof, const char *scores,
                    const char *test_label, const char *manifest, struct diag *d)
{
	char out[REPRO_PATH_MAX];
	struct csvio_out o;
	int n_ok = 0;
	repro_path(r, name, out, sizeof(out));
	if (csvio_out_open(&o, out) < 0)
		return diag_error(d, "'%s': cannot write", out);
	int bad = csvio_write_row(o.f, t5_head, 20);
	for (int pass = 0; pass < 2; pass++) {
		const char *file = pass ? scores : oof;
		if (!file)
			continue;
		for (int l = 0; l < N_SIX && !bad; l++) {
			struct repro_scores s;
			struct diag sd;
			diag_init(&sd);
			int rc = pass ? repro_load_test(file, six[l], &s, &sd)
			              : repro_load_oof(file, six[l], 0, &s, &sd);
			bad |= t5_row(o.f, six[l], pass ? test_label : "train_oof", rc ? NULL : &s,
			              rc ? diag_message(&sd) : "ok");
			n_ok += rc == 0;
			if (!rc)
				repro_scores_release(&s);
			diag_release(&sd);
		}
	}
	if (bad) {
		csvio_out_abort(&o);
		return diag_error(d, "'%s': write failed", out);
	}
	if (csvio_out_commit(&o) < 0)
		return diag_error(d, "'%s': commit failed", out);
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		sidecar_set_seed(sc, r->seed);
		sidecar_set_string(sc, "set", r->final_set);
		sidecar_set_string(sc, "train_tally", "repeat-1 out-of-fold predictions (D30)");
		sidecar_set_string(sc, "manifest", manifest);
		/* The malicious test cutoff: the oldest first_seen of a malicious test row. */
		struct manifest *m = NULL;
		struct diag md;
		diag_init(&md);
		if (manifest_read(manifest, &m, &md) == 0) {
			const char *cut = NULL;
			for (size_t i = 0; i < m->n; i++)
				if (m->rows[i].y && !strcmp(m->rows[i].split, "test") &&
				    (!cut || strcmp(m->rows[i].first_seen, cut) < 0))
					cut = m->rows[i].first_seen;
			if (cut)
				sidecar_set_string(sc, "cutoff", cut);
		}
		manifest_free(m);
		diag_release(&md);
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	return n_ok ? 0 : diag_error(d, "'%s': no learner had scores", name);
}

int repro_train_test(struct repro *r, struct diag *d)
{
	char oof[REPRO_PATH_MAX], test[REPRO_PATH_MAX], temporal[REPRO_PATH_MAX];
	oof_path(r, oof, sizeof(oof));
	repro_path(r, "cells/test_scores.csv", test, sizeof(test));
	repro_path(r, "cells/temporal_scores.csv", temporal, sizeof(temporal));
	int a = write_t5(r, "table5_train_test.csv", oof, test, "test", r->manifest, d);
	int b = write_t5(r, "temporal.csv", NULL, temporal, "temporal_test", r->full_manifest, d);
	return a || b ? -1 : 0;
}

/* Verdicts of the four Fig. 4 models on one split, rows aligned on the stack's row order. */
static int fig4_split(const char *file, int oof, int **verdict, int **y, size_t *n, struct diag *d)
{
	static const char *const models[INTERSECTION_N_MODELS] = {"stack", "mlp", "svm", "rf"};
	struct repro_scores s[INTERSECTION_N_MODELS];
	int got = 0, ret = -1;
	memset(s, 0, sizeof(s));
	for (int m = 0; m < INTERSECTION_N_MODELS; m++, got++)
		if ((oof ? repro_load_oof(file, models[m], 0, &s[m], d)
		         : repro_load_test(file, models[m], &s[m], d)) < 0)
			goto end;
	*n = s[0].n;
	*y = malloc(*n * sizeof(**y));
	for (int m = 0; m < INTERSECTION_N_MODELS; m++)
		verdict[m] = calloc(*n ? *n : 1, sizeof(int));
	if (!*y)
		goto end;
	memcpy(*y, s[0].y, *n * sizeof(**y));
	for (int m = 0; m < INTERSECTION_N_MODELS; m++) {
		if (!verdict[m] || s[m].n != *n) {
			diag_error(d, "'%s': models scored different rows", file);
			goto end;
		}
		/* Align by id (the files list rows in the same order for every learner; check). */
		for (size_t i = 0; i < *n; i++) {
			if (strcmp(s[m].id[i], s[0].id[i])) {
				diag_error(d, "'%s': row order differs between learners", file);
				goto end;
			}
			verdict[m][i] = s[m].score[i] > s[m].threshold;
		}
	}
	ret = 0;
end:
	for (int m = 0; m < got; m++)
		repro_scores_release(&s[m]);
	return ret;
}

int repro_intersection(struct repro *r, struct diag *d)
{
	char oof[REPRO_PATH_MAX], test[REPRO_PATH_MAX], out[REPRO_PATH_MAX];
	struct csvio_out o;
	int *v[2][INTERSECTION_N_MODELS] = {{NULL}}, *y[2] = {NULL, NULL};
	size_t n[2] = {0, 0};
	int ret = -1;
	oof_path(r, oof, sizeof(oof));
	repro_path(r, "cells/test_scores.csv", test, sizeof(test));
	repro_path(r, "fig4_intersection.csv", out, sizeof(out));
	if (fig4_split(oof, 1, v[0], &y[0], &n[0], d) < 0 ||
	    fig4_split(test, 0, v[1], &y[1], &n[1], d) < 0)
		goto end;
	if (csvio_out_open(&o, out) < 0) {
		diag_error(d, "'%s': cannot write", out);
		goto end;
	}
	for (int s = 0; s < 2; s++) {
		struct intersection x;
		const int *vv[INTERSECTION_N_MODELS] = {v[s][0], v[s][1], v[s][2], v[s][3]};
		intersection_compute(&x, vv, y[s], n[s], 1);
		if (intersection_write_csv(o.f, s ? "test" : "train", &x, s == 0) < 0) {
			csvio_out_abort(&o);
			diag_error(d, "'%s': write failed", out);
			goto end;
		}
	}
	if (csvio_out_commit(&o) < 0) {
		diag_error(d, "'%s': commit failed", out);
		goto end;
	}
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		sidecar_set_seed(sc, r->seed);
		sidecar_set_string(sc, "train", "repeat-1 out-of-fold verdicts (D30)");
		sidecar_set_string(sc, "test", "models fitted on the training split (D31)");
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	ret = 0;
end:
	for (int s = 0; s < 2; s++) {
		free(y[s]);
		for (int m = 0; m < INTERSECTION_N_MODELS; m++)
			free(v[s][m]);
	}
	return ret;
}

/* artifacts.n_members of every package id in the extraction: parallel arrays, sorted by id. */
struct members {
	struct csv_table *t;
	long ci, cm;
};

static double members_of(const struct members *mb, const char *id)
{
	for (size_t i = 0; i < mb->t->n_rows; i++)
		if (!strcmp(mb->t->rows[i][mb->ci], id)) {
			double v;
			return csvio_parse_double(mb->t->rows[i][mb->cm], &v) < 0 ? (double)NAN : v;
		}
	return NAN;
}

int repro_hard_negatives(struct repro *r, struct diag *d)
{
	char path[REPRO_PATH_MAX], out[REPRO_PATH_MAX], test[REPRO_PATH_MAX];
	struct members mb = {NULL, -1, -1};
	struct csvio_out o;
	double *counts = NULL, cut = NAN;
	int ret = -1;
	if ((size_t)snprintf(path, sizeof(path), "%.*s/features.csv", REPRO_PATH_MAX - 16,
	                     r->features) >= sizeof(path))
		return diag_error(d, "path too long");
	if (csvio_read(path, 0, &mb.t, d) < 0)
		return -1;
	mb.ci = csvio_column(mb.t, "id");
	mb.cm = csvio_column(mb.t, "artifacts.n_members");
	if (mb.ci < 0 || mb.cm < 0) {
		diag_error(d, "'%s': needs the artifacts feature set (artifacts.n_members)", path);
		goto end;
	}
	/* The cut: 25th percentile of the member counts of the benign packages scored by stack
	 * (training out-of-fold and test together). */
	struct repro_scores s[2][N_SIX];
	memset(s, 0, sizeof(s));
	oof_path(r, path, sizeof(path));
	repro_path(r, "cells/test_scores.csv", test, sizeof(test));
	for (int l = 0; l < N_SIX; l++) {
		struct diag ld;
		diag_init(&ld);
		repro_load_oof(path, six[l], 0, &s[0][l], &ld);
		repro_load_test(test, six[l], &s[1][l], &ld);
		diag_release(&ld);
	}
	size_t nc = 0;
	for (int k = 0; k < 2; k++)
		nc += s[k][N_SIX - 1].n;
	counts = calloc(nc + 1, sizeof(*counts));
	if (!counts) {
		diag_error(d, "out of memory");
		goto freescores;
	}
	nc = 0;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < s[k][N_SIX - 1].n; i++)
			if (!s[k][N_SIX - 1].y[i]) {
				double c = members_of(&mb, s[k][N_SIX - 1].id[i]);
				if (!isnan(c))
					counts[nc++] = c;
			}
	if (!nc) {
		diag_error(d,
		           "no scored benign packages (stack out-of-fold or test scores missing)");
		goto freescores;
	}
	gsl_sort(counts, 1, nc);
	cut = gsl_stats_quantile_from_sorted_data(counts, 1, nc, 0.25);
	repro_path(r, "hard_negatives.csv", out, sizeof(out));
	if (csvio_out_open(&o, out) < 0) {
		diag_error(d, "'%s': cannot write", out);
		goto freescores;
	}
	static const char *const head[] = {"learner", "split", "group", "n_benign", "fp", "fpr"};
	int bad = csvio_write_row(o.f, head, 6);
	for (int l = 0; l < N_SIX; l++)
		for (int k = 0; k < 2; k++)
			for (int g = 0; g < 2; g++) {
				const struct repro_scores *x = &s[k][l];
				size_t nb = 0, fp = 0;
				if (!x->n)
					continue;
				for (size_t i = 0; i < x->n; i++) {
					if (x->y[i])
						continue;
					if (g == 0 && !(members_of(&mb, x->id[i]) <= cut))
						continue;
					nb++;
					fp += x->score[i] > x->threshold;
				}
				char a[32], b[32], c[40];
				snprintf(a, sizeof(a), "%zu", nb);
				snprintf(b, sizeof(b), "%zu", fp);
				write_num(c, sizeof(c), nb ? (double)fp / (double)nb : (double)NAN);
				const char *f[] = {
				    six[l], k ? "test" : "train_oof", g ? "all" : "small", a, b, c};
				bad |= csvio_write_row(o.f, f, 6);
			}
	if (bad || csvio_out_commit(&o) < 0) {
		if (bad)
			csvio_out_abort(&o);
		diag_error(d, "'%s': write failed", out);
		goto freescores;
	}
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		char rule[200];
		snprintf(rule, sizeof(rule),
		         "benign packages with at most %g members (25th percentile of the scored "
		         "benign packages' member counts)",
		         cut);
		sidecar_set_string(sc, "rule", rule);
		sidecar_set_number(sc, "max_members", cut);
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	ret = 0;
freescores:
	for (int k = 0; k < 2; k++)
		for (int l = 0; l < N_SIX; l++)
			repro_scores_release(&s[k][l]);
end:
	free(counts);
	csvio_table_free(mb.t);
	return ret;
}

/* Order indices by score, highest first. */
static const double *sort_key;
static int cmp_desc(const void *a, const void *b)
{
	double x = sort_key[*(const size_t *)a], y = sort_key[*(const size_t *)b];
	return (x < y) - (x > y);
}

/* ROC (fpr,tpr) and PR (recall,precision) points: one per block of tied scores (metrics.h),
 * flagging that block and every higher one. */
static int write_curves(struct repro *r, const char *learner, const struct repro_scores *s)
{
	char p1[REPRO_PATH_MAX], p2[REPRO_PATH_MAX], name[64];
	size_t *idx = malloc((s->n + 1) * sizeof(*idx)), P = 0, N = 0;
	struct csvio_out a, b;
	if (!idx)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		idx[i] = i;
		P += s->y[i] != 0;
	}
	N = s->n - P;
	sort_key = s->score; /* single-threaded driver */
	qsort(idx, s->n, sizeof(*idx), cmp_desc);
	snprintf(name, sizeof(name), "roc_%s.csv", learner);
	repro_path(r, name, p1, sizeof(p1));
	snprintf(name, sizeof(name), "pr_%s.csv", learner);
	repro_path(r, name, p2, sizeof(p2));
	if (csvio_out_open(&a, p1) < 0) {
		free(idx);
		return -1;
	}
	if (csvio_out_open(&b, p2) < 0) {
		csvio_out_abort(&a);
		free(idx);
		return -1;
	}
	fprintf(a.f, "fpr,tpr\n0,0\n");
	fprintf(b.f, "recall,precision\n");
	size_t tp = 0, fp = 0;
	for (size_t k = 0; k < s->n; k++) {
		size_t i = idx[k];
		if (isnan(s->score[i]))
			continue;
		if (s->y[i])
			tp++;
		else
			fp++;
		if (k + 1 < s->n && metrics_tied(s->score[idx[k + 1]], s->score[i]))
			continue; /* ties (metrics_tied()): one point per block of tied scores */
		fprintf(a.f, "%.17g,%.17g\n", N ? (double)fp / (double)N : 0.0,
		        P ? (double)tp / (double)P : 0.0);
		fprintf(b.f, "%.17g,%.17g\n", P ? (double)tp / (double)P : 0.0,
		        (double)tp / (double)(tp + fp));
	}
	free(idx);
	int rc = csvio_out_commit(&a);
	if (csvio_out_commit(&b) < 0 || rc < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		struct sidecar *sc = sidecar_new(0, NULL);
		if (!sc)
			return -1;
		sidecar_set_seed(sc, r->seed);
		sidecar_set_string(sc, "learner", learner);
		sidecar_set_string(sc, "set", r->final_set);
		sidecar_set_string(
		    sc, "data",
		    "repeat-1 out-of-fold scores of the stratified CV of the training "
		    "split (each package scored by the model of its fold); one point "
		    "per distinct score, flagging score >= t");
		sidecar_set_number(sc, "n_malicious", (double)P);
		sidecar_set_number(sc, "n_benign", (double)N);
		rc = sidecar_write(sc, k ? p2 : p1);
		sidecar_free(sc);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int repro_operating_points(struct repro *r, struct diag *d)
{
	static const double targets[] = {0.10, 0.05, 0.01, 0.001};
	char oof[REPRO_PATH_MAX], test[REPRO_PATH_MAX], out[REPRO_PATH_MAX];
	struct csvio_out o;
	int n_ok = 0;
	oof_path(r, oof, sizeof(oof));
	repro_path(r, "cells/test_scores.csv", test, sizeof(test));
	repro_path(r, "operating_points.csv", out, sizeof(out));
	if (csvio_out_open(&o, out) < 0)
		return diag_error(d, "'%s': cannot write", out);
	static const char *const head[] = {
	    "learner", "target_fpr",  "status",      "threshold", "cv_recall",
	    "cv_fpr",  "cv_n_benign", "test_recall", "test_fpr",  "test_n_benign"};
	int bad = csvio_write_row(o.f, head, 10);
	for (int l = 0; l < N_SIX && !bad; l++) {
		struct repro_scores cv, te;
		struct diag ld;
		diag_init(&ld);
		if (repro_load_oof(oof, six[l], 0, &cv, &ld) < 0) {
			diag_release(&ld);
			continue;
		}
		int have_test = repro_load_test(test, six[l], &te, &ld) == 0;
		diag_release(&ld);
		n_ok++;
		if (write_curves(r, six[l], &cv) < 0)
			bad = 1;
		size_t cvb = 0, teb = 0, tem = 0;
		for (size_t i = 0; i < cv.n; i++)
			cvb += !cv.y[i];
		for (size_t i = 0; have_test && i < te.n; i++) {
			teb += !te.y[i];
			tem += te.y[i] != 0;
		}
		for (size_t k = 0; k < sizeof(targets) / sizeof(*targets); k++) {
			double rec, fpr,
			    t = metrics_threshold_at_fpr(cv.score, cv.y, cv.n, targets[k], &rec,
			                                 &fpr);
			double trec = NAN, tfpr = NAN;
			/* The lowest admissible threshold flags nothing: no operating point with
			 * any detection meets the target (the top score block holds too many benign
			 * packages). Marked, never written as a threshold. */
			int unreachable =
			    isnan(t) || isinf(t) || ((rec == 0 || isnan(rec)) && fpr == 0);
			if (unreachable) {
				t = rec = fpr = NAN;
			} else if (have_test) {
				size_t tp = 0, fp = 0;
				for (size_t i = 0; i < te.n; i++)
					if (metrics_flagged(te.score[i], t)) {
						tp += te.y[i] != 0;
						fp += !te.y[i];
					}
				trec = tem ? (double)tp / (double)tem : (double)NAN;
				tfpr = teb ? (double)fp / (double)teb : (double)NAN;
			}
			char v[8][40];
			write_num(v[0], sizeof(v[0]), targets[k]);
			write_num(v[1], sizeof(v[1]), t);
			write_num(v[2], sizeof(v[2]), rec);
			write_num(v[3], sizeof(v[3]), fpr);
			snprintf(v[4], sizeof(v[4]), "%zu", cvb);
			write_num(v[5], sizeof(v[5]), trec);
			write_num(v[6], sizeof(v[6]), tfpr);
			snprintf(v[7], sizeof(v[7]), "%zu", teb);
			const char *f[] = {six[l], v[0], unreachable ? "unreachable" : "ok",
			                   v[1],   v[2], v[3],
			                   v[4],   v[5], v[6],
			                   v[7]};
			bad |= csvio_write_row(o.f, f, 10);
		}
		repro_scores_release(&cv);
		if (have_test)
			repro_scores_release(&te);
	}
	if (bad) {
		csvio_out_abort(&o);
		return diag_error(d, "'%s': write failed", out);
	}
	if (csvio_out_commit(&o) < 0)
		return diag_error(d, "'%s': commit failed", out);
	struct sidecar *sc = sidecar_new(0, NULL);
	if (sc) {
		sidecar_set_string(
		    sc, "rule",
		    "threshold = metrics_threshold_at_fpr on the repeat-1 out-of-fold scores (each "
		    "scored by the model of its CV fold, fitted without it); applied unchanged to "
		    "the "
		    "test scores of the final model (fitted on the whole training split); status "
		    "unreachable = the lowest admissible threshold flags nothing, so no threshold "
		    "is "
		    "written; thresholds as %.17g (round-trip exact)");
		sidecar_write(sc, out);
		sidecar_free(sc);
	}
	return n_ok ? 0 : diag_error(d, "no out-of-fold scores for any learner");
}
