/* The linear decision function w.x + b shared by the svm and linsvm learners. */
#include "learners/linmodel.h"

#include <stdlib.h>

int linmodel_score(const struct linmodel *m, const char *who, const struct dataset *x, double *out,
                   struct diag *dg)
{
	size_t *nz;
	if (x->d != m->d)
		return diag_error(dg, "%s: %zu columns, model has %zu", who, x->d, m->d);
	if (!(nz = malloc((m->d ? m->d : 1) * sizeof(size_t))))
		return diag_error(dg, "%s: out of memory", who);
	for (size_t i = 0; i < x->n; i++) {
		const double *row = dataset_row(x, i);
		double z = 0;
		size_t k = 0;
		/* w.x over the non-zero inputs only, in column order: z starts at +0 and a zero
		 * input adds +-0, so skipping them leaves z exactly as the full sum */
		for (size_t j = 0; j < m->d; j++) {
			nz[k] = j;
			k += row[j] != 0;
		}
		for (size_t q = 0; q < k; q++)
			z += m->w[nz[q]] * row[nz[q]];
		out[i] = z + m->w[m->d];
	}
	free(nz);
	return 0;
}

int linmodel_save(const struct linmodel *m, FILE *f)
{
	fprintf(f, "d %zu\n", m->d);
	for (size_t j = 0; j <= m->d; j++)
		fprintf(f, "%a\n", m->w[j]);
	return ferror(f) ? -1 : 0;
}

int linmodel_load(struct linmodel *m, const char *who, FILE *f, struct diag *dg)
{
	if (fscanf(f, " d %zu", &m->d) != 1 || m->d > 100000000)
		return diag_error(dg, "%s: bad 'd' line", who);
	m->w = calloc(m->d + 1, sizeof(double));
	if (!m->w)
		return diag_error(dg, "%s: out of memory", who);
	for (size_t j = 0; j <= m->d; j++)
		if (fscanf(f, "%la", &m->w[j]) != 1)
			return diag_error(dg, "%s: bad weight %zu", who, j);
	return 0;
}

void linmodel_release(struct linmodel *m)
{
	free(m->w);
	m->w = NULL;
}
