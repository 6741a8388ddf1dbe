/* Bench: fit+score time, macro F1 and ROC-AUC of every registered learner on a CSV written by
 * scripts/bench/learners_data.py (first 80% of rows train, the rest test). Not a test: timings
 * are printed, never asserted. Usage: learners_bench FILE.csv [name,name...] [seed] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ml/dataset.h"
#include "core/base/rng.h"
#include "core/base/toolkit.h"
#include "learners/learner.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static struct dataset *read_csv(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, d = 0, cap = 1 << 16;
	char *line = malloc(cap);
	struct dataset *ds;
	if (!f || !line)
		die("cannot read '%s'", path);
	while (fgets(line, (int)cap, f)) {
		if (!n)
			for (char *p = line; *p; p++)
				d += *p == ',';
		n++;
	}
	rewind(f);
	ds = dataset_alloc(n, d);
	for (size_t i = 0; i < n && fgets(line, (int)cap, f); i++) {
		char *p = line;
		ds->y[i] = (int)strtod(p, &p);
		for (size_t j = 0; j < d; j++)
			dataset_row(ds, i)[j] = strtod(p + 1, &p);
	}
	fclose(f);
	free(line);
	return ds;
}

static double auc(const double *s, const int *y, size_t n)
{
	double num = 0, np = 0, nn = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (y[i] && !y[j])
				num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
	for (size_t i = 0; i < n; i++) {
		np += y[i];
		nn += !y[i];
	}
	return num / (np * nn);
}

static double f1_macro(const int *p, const int *y, size_t n)
{
	double f = 0;
	for (int c = 0; c < 2; c++) {
		double tp = 0, fp = 0, fn = 0;
		for (size_t i = 0; i < n; i++) {
			tp += p[i] == c && y[i] == c;
			fp += p[i] == c && y[i] != c;
			fn += p[i] != c && y[i] == c;
		}
		f += tp ? 2 * tp / (2 * tp + fp + fn) : 0;
	}
	return f / 2;
}

int main(int argc, char **argv)
{
	struct dataset *all, *tr, *te;
	size_t *idx, k;
	unsigned long seed = argc > 3 ? strtoul(argv[3], NULL, 10) : 1;
	toolkit_init();
	if (argc < 2)
		die("usage: learners_bench FILE.csv [names] [seed]");
	all = read_csv(argv[1]);
	k = all->n * 8 / 10;
	idx = malloc(all->n * sizeof(size_t));
	for (size_t i = 0; i < all->n; i++)
		idx[i] = i;
	tr = dataset_subset(all, idx, k);
	te = dataset_subset(all, idx + k, all->n - k);
	for (size_t t = 0; learner_types[t]; t++) {
		const struct learner_type *ty = learner_types[t];
		struct diag d;
		struct learner *l;
		gsl_rng *r;
		double *s = malloc(te->n * sizeof(double)), t0, t1, t2;
		int *p = malloc(te->n * sizeof(int));
		if (argc > 2 && *argv[2]) {
			char list[512];
			snprintf(list, sizeof(list), ",%s,", argv[2]);
			char key[80];
			snprintf(key, sizeof(key), ",%s,", ty->name);
			if (!strstr(list, key)) {
				free(s);
				free(p);
				continue;
			}
		}
		diag_init(&d);
		if (!(l = learner_alloc(ty, NULL, &d)))
			die("%s", diag_message(&d));
		r = rng_alloc(seed);
		t0 = now();
		if (learner_fit(l, tr, r, &d) < 0)
			die("%s", diag_message(&d));
		t1 = now();
		if (learner_score(l, te, s, &d) < 0)
			die("%s", diag_message(&d));
		t2 = now();
		for (size_t i = 0; i < te->n; i++)
			p[i] = s[i] > learner_threshold(l);
		printf("%-7s %8.3f s  f1_macro %.4f  auc %.4f  (fit %.3f, score %.3f)\n", ty->name,
		       t2 - t0, f1_macro(p, te->y, te->n), auc(s, te->y, te->n), t1 - t0, t2 - t1);
		fflush(stdout);
		rng_free(r);
		learner_free(l);
		free(s);
		free(p);
	}
	dataset_free(all);
	dataset_free(tr);
	dataset_free(te);
	free(idx);
	return 0;
}
