/* Unit tests for core/folds: class ratios, coverage, determinism, groups and the temporal split. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ml/folds.h"
#include "core/base/rng.h"
#include "core/base/toolkit.h"
#include "tests/harness.h"

#define N 203 /* 173 benign, 30 malicious: neither divisible by 10 */
#define K 10

static int y[N];

static int same_folds(const struct folds *a, const struct folds *b)
{
	return a->n == b->n && !memcmp(a->fold, b->fold, a->n * sizeof(int));
}

static void test_stratified(void)
{
	struct diag d;
	struct folds f, g, h;
	size_t counts[2 * K], total[K], lo[2] = {N, N}, hi[2] = {0, 0}, tlo = N, thi = 0;
	int covered = 1;
	gsl_rng *r = rng_alloc(rng_derive(42, 0));
	diag_init(&d);
	{
		size_t m = 0;
		for (size_t i = 0; i < N; i++) {
			y[i] = (i * 37) % 6 == 5 && m < 30; /* 30 scattered malicious rows */
			m += (size_t)y[i];
		}
		CHECK_INT(m, 30, "fixture has 30 malicious rows");
	}
	CHECK_INT(folds_stratified(&f, y, N, K, r, &d), 0, "stratified folds");
	CHECK_INT(f.n, N, "n");
	CHECK_INT(f.k, K, "k");
	for (size_t i = 0; i < N; i++)
		if (f.fold[i] < 0 || f.fold[i] >= K)
			covered = 0;
	CHECK(covered, "every row has exactly one test fold in [0, k)");
	CHECK_INT(folds_class_counts(&f, y, counts), 0, "class counts");
	for (size_t j = 0; j < K; j++) {
		total[j] = counts[2 * j] + counts[2 * j + 1];
		for (size_t c = 0; c < 2; c++) {
			lo[c] = counts[2 * j + c] < lo[c] ? counts[2 * j + c] : lo[c];
			hi[c] = counts[2 * j + c] > hi[c] ? counts[2 * j + c] : hi[c];
		}
		tlo = total[j] < tlo ? total[j] : tlo;
		thi = total[j] > thi ? total[j] : thi;
	}
	CHECK(lo[0] == 17 && hi[0] == 18, "benign per fold 17 or 18 (173 / 10), got %zu..%zu",
	      lo[0], hi[0]);
	CHECK(lo[1] == 3 && hi[1] == 3, "malicious per fold exactly 3 (30 / 10)");
	CHECK(thi - tlo <= 1, "fold sizes differ by at most one overall");
	{
		size_t *tr, *te, ntr, nte, sum = 0;
		for (size_t j = 0; j < K; j++) {
			CHECK_INT(folds_split(&f, j, &tr, &ntr, &te, &nte), 0, "split %zu", j);
			CHECK_INT(ntr + nte, N, "split %zu covers every row", j);
			sum += nte;
			free(tr);
			free(te);
		}
		CHECK_INT(sum, N, "test folds partition the rows");
	}
	/* Same seed, same folds; another repeat stream, other folds. */
	rng_free(r);
	r = rng_alloc(rng_derive(42, 0));
	folds_stratified(&g, y, N, K, r, &d);
	CHECK(same_folds(&f, &g), "same seed gives the same folds");
	rng_free(r);
	r = rng_alloc(rng_derive(42, 1));
	folds_stratified(&h, y, N, K, r, &d);
	CHECK(!same_folds(&f, &h), "another repeat stream gives other folds");
	folds_release(&f);
	folds_release(&g);
	folds_release(&h);
	folds_release(NULL);

	/* Errors and warnings. */
	CHECK_INT(folds_stratified(&f, y, N, 1, r, &d), -1, "k = 1 is an error");
	CHECK(strstr(diag_message(&d), "at least 2 folds") != NULL, "message: %s",
	      diag_message(&d));
	CHECK_INT(folds_stratified(&f, y, 0, K, r, &d), -1, "no rows is an error");
	CHECK_INT(folds_stratified(&f, (const int[]){0, 2, 1}, 3, 2, r, &d), -1,
	          "label 2 rejected");
	d.n_warnings = 0;
	CHECK_INT(folds_stratified(&f, (const int[]){0, 0, 0, 1}, 4, 3, r, &d), 0,
	          "a class smaller than k is allowed");
	CHECK(d.n_warnings == 1, "... with a warning");
	folds_release(&f);
	rng_free(r);
	diag_release(&d);
}

static void test_grouped(void)
{
	/* 60 rows, groups of sizes 1..7 (mal groups and benign groups), one big malicious group. */
	enum { NG = 90 };
	char *keys[NG];
	const char *ckeys[NG];
	int yy[NG];
	struct folds f, g;
	struct diag d;
	size_t counts[2 * 5], mal_lo = NG, mal_hi = 0, ben_lo = NG, ben_hi = 0, ns;
	int intact = 1;
	gsl_rng *r = rng_alloc(rng_derive(7, 0));
	diag_init(&d);
	for (size_t i = 0; i < NG; i++) {
		char buf[32];
		/* group id = i / 3 for i < 60 (benign, 20 groups of 3), then malicious groups of
		 * 1, 2, 3, 4, 5, 15 rows, interleaved in row order */
		size_t gidx;
		if (i < 60) {
			gidx = i % 20;
			yy[i] = 0;
		} else {
			size_t k = i - 60;
			gidx = 100 + (k < 1    ? 0
			              : k < 3  ? 1
			              : k < 6  ? 2
			              : k < 10 ? 3
			              : k < 15 ? 4
			                       : 5);
			yy[i] = 1;
		}
		snprintf(buf, sizeof(buf), "grp-%zu", gidx);
		keys[i] = strdup(buf);
		ckeys[i] = keys[i];
	}
	ckeys[5] = NULL; /* a NULL key is a group of its own */
	CHECK_INT(folds_grouped(&f, yy, ckeys, NG, 5, r, &d), 0, "grouped folds");
	for (size_t i = 0; i < NG; i++)
		for (size_t j = i + 1; j < NG; j++)
			if (ckeys[i] && ckeys[j] && !strcmp(ckeys[i], ckeys[j]) &&
			    f.fold[i] != f.fold[j])
				intact = 0;
	CHECK(intact, "no group is split across folds");
	CHECK_INT(folds_count_straddling(&f, ckeys, &ns), 0, "straddling count");
	CHECK_INT(ns, 0, "no group straddles two folds");
	folds_class_counts(&f, yy, counts);
	for (size_t j = 0; j < 5; j++) {
		ben_lo = counts[2 * j] < ben_lo ? counts[2 * j] : ben_lo;
		ben_hi = counts[2 * j] > ben_hi ? counts[2 * j] : ben_hi;
		mal_lo = counts[2 * j + 1] < mal_lo ? counts[2 * j + 1] : mal_lo;
		mal_hi = counts[2 * j + 1] > mal_hi ? counts[2 * j + 1] : mal_hi;
	}
	/* Greedy by class: the 15-row group sits alone; the 15 other malicious rows fill the
	 * remaining four folds as 4+..; benign 60 rows in groups of 3 (and a singleton split). */
	CHECK(mal_hi == 15, "the largest malicious group is one fold's malicious rows");
	CHECK(mal_lo >= 3, "every fold gets malicious rows (min %zu)", mal_lo);
	CHECK(ben_hi - ben_lo <= 3, "benign rows balanced within one group size (%zu..%zu)", ben_lo,
	      ben_hi);
	rng_free(r);
	r = rng_alloc(rng_derive(7, 0));
	folds_grouped(&g, yy, ckeys, NG, 5, r, &d);
	CHECK(same_folds(&f, &g), "grouped: same seed, same folds");
	folds_release(&g);
	/* A group with mixed labels. */
	yy[61] = 0;
	CHECK_INT(folds_grouped(&g, yy, ckeys, NG, 5, r, &d), -1, "mixed-label group is an error");
	CHECK(strstr(diag_message(&d), "'grp-101'") != NULL, "message names the group: %s",
	      diag_message(&d));
	CHECK(g.fold == NULL, "nothing left allocated on error");
	folds_release(&f);
	for (size_t i = 0; i < NG; i++)
		free(keys[i]);
	rng_free(r);
	diag_release(&d);
}

static void test_temporal(void)
{
	const char *date[] = {"2021-01-05", "2022-03-01", "",   "2023-02-29", "2022-12-31",
	                      "2023-01-01", "2024-02-29", NULL, "2022-6-01",  "2020-07-07"};
	const int yt[] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
	const char *grp[] = {"a", "b", "c", "d", "b", "b", "e", "f", "g", "a"};
	struct folds f;
	struct diag d;
	char cut[16];
	size_t ng, nr;
	diag_init(&d);
	CHECK_INT(folds_parse_date("2024-02-29"), 20240229, "leap day parses");
	CHECK_INT(folds_parse_date("2023-02-29"), -1, "non-leap 29 Feb rejected");
	CHECK_INT(folds_parse_date("1900-02-29"), -1, "1900 is not a leap year");
	CHECK_INT(folds_parse_date("2022-13-01"), -1, "month 13 rejected");
	CHECK_INT(folds_parse_date("2022-01-01T00:00"), -1, "trailing text rejected");
	CHECK_INT(folds_temporal(&f, date, 10, "2022-12-31", &d), 0, "temporal split");
	CHECK_INT(f.k, 2, "two sides");
	{
		const int want[] = {0, 0, -1, -1, 1, 1, 1, -1, -1, 0};
		int ok = 1;
		for (size_t i = 0; i < 10; i++)
			ok &= f.fold[i] == want[i];
		CHECK(ok, "before cutoff train, on/after test, undated or invalid excluded");
	}
	CHECK(d.n_warnings >= 1, "excluded rows are reported as a warning");
	CHECK_INT(folds_count_straddling(&f, grp, &ng), 0, "straddling");
	CHECK_INT(ng, 1, "group 'b' straddles the cutoff");
	CHECK_INT(folds_drop_straddling(&f, grp, 1, &ng, &nr), 0, "drop straddling");
	CHECK(ng == 1 && nr == 2 && f.fold[4] == -1 && f.fold[5] == -1 && f.fold[1] == 0,
	      "later members of 'b' dropped from the test side");
	folds_release(&f);
	CHECK_INT(folds_temporal(&f, date, 10, "2022-02-30", &d), -1, "invalid cutoff is an error");
	/* Quantile cutoff over valid malicious dates: 2021-01-05, 2022-03-01, 2022-12-31,
	 * 2023-01-01, 2024-02-29 (m = 5); q = 0.8 -> index 4. */
	CHECK_INT(folds_temporal_quantile_cutoff(date, yt, 10, 0.8, cut, sizeof(cut), &d), 0,
	          "quantile cutoff");
	CHECK_STR(cut, "2024-02-29", "q = 0.8 of 5 dates: index 4");
	folds_temporal_quantile_cutoff(date, yt, 10, 0.5, cut, sizeof(cut), &d);
	CHECK_STR(cut, "2022-12-31", "q = 0.5: index 2");
	folds_temporal_quantile_cutoff(date, yt, 10, 1.0, cut, sizeof(cut), &d);
	CHECK_STR(cut, "2024-02-29", "q = 1: the last date");
	CHECK_INT(folds_temporal_quantile_cutoff(date, yt, 10, 1.5, cut, sizeof(cut), &d), -1,
	          "q out of range");
	CHECK_INT(
	    folds_temporal_quantile_cutoff(date, (const int[10]){0}, 10, 0.8, cut, sizeof(cut), &d),
	    -1, "no malicious dates");
	diag_release(&d);
}

int main(void)
{
	toolkit_init();
	test_stratified();
	test_grouped();
	test_temporal();
	return harness_done();
}
