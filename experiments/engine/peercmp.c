/* Comparison tables of pyvet, bandit, packj and GuardDog: verdicts, rules, packj agreement,
 * per-package rows, timing. */
#include "experiments/engine/peercmp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "core/base/csvio.h"
#include "core/base/err.h"
#include "core/ml/metrics.h"

#define CMP_Z95 1.959963984540054 /* standard normal quantile 0.975 */

const char *const cmp_tool_names[CMP_N_TOOLS] = {"bandit", "packj_equiv", "packj", "guarddog",
                                                 "pyvet"};
const char *const cmp_rule_names[CMP_N_TOOLS][CMP_MAX_RULES] = {
    {"any_high", NULL, NULL},
    {"process_or_obfuscation", NULL, NULL},
    {"any_static_risk", "any_api_risk", NULL},
    {"any_issue", "label_suspicious_or_high", "label_high_risk"},
    {NULL, NULL, NULL}};

void cmp_result_init(struct cmp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->alerts[0] = r->alerts[1] = -1;
	r->wall_s = r->cpu_s = r->score = NAN;
}

/* Format helpers: a number into a static-size cell. */
struct cell {
	char s[48];
};

static const char *cl(struct cell *c, long v)
{
	snprintf(c->s, sizeof(c->s), "%ld", v);
	return c->s;
}

static const char *cd(struct cell *c, double v)
{
	if (isnan(v))
		c->s[0] = '\0';
	else
		snprintf(c->s, sizeof(c->s), "%.17g", v);
	return c->s;
}

static int finish(struct csvio_out *o, int bad, const char *path)
{
	if (bad) {
		csvio_out_abort(o);
		return err_report("'%s': write failed", path);
	}
	return csvio_out_commit(o);
}

/* Counts of one verdict rule over the packages: `flag(p, arg)` gives 0/1, or -1 when the tool
 * gave no result for p. */
struct tally {
	size_t n[2], fl[2], err;
};

static int fixed_flag(const struct cmp_package *p, int tool, int rule)
{
	const struct cmp_result *r = &p->r[tool];
	return r->ok ? r->flag[rule] != 0 : -1;
}

static int pyvet_flag(const struct cmp_package *p, double t)
{
	const struct cmp_result *r = &p->r[CMP_PYVET];
	return r->ok && !isnan(r->score) ? r->score > t : -1;
}

static int write_tally(FILE *f, const char *dataset, const char *tool, const char *rule, double thr,
                       double target, const struct tally *t)
{
	struct cell c[14];
	double rlo, rhi, flo, fhi;
	double rec = metrics_wilson(t->fl[1], t->n[1], CMP_Z95, &rlo, &rhi);
	double fpr = metrics_wilson(t->fl[0], t->n[0], CMP_Z95, &flo, &fhi);
	const char *row[] = {dataset,
	                     tool,
	                     rule,
	                     cd(&c[0], thr),
	                     cd(&c[1], target),
	                     cl(&c[2], (long)t->n[1]),
	                     cl(&c[3], (long)t->fl[1]),
	                     cd(&c[4], rec),
	                     cd(&c[5], rlo),
	                     cd(&c[6], rhi),
	                     cl(&c[7], (long)t->n[0]),
	                     cl(&c[8], (long)t->fl[0]),
	                     cd(&c[9], fpr),
	                     cd(&c[10], flo),
	                     cd(&c[11], fhi),
	                     cl(&c[12], (long)t->err)};
	return csvio_write_row(f, row, 16);
}

int cmp_write_verdicts(const char *path, const char *dataset, const struct cmp_package *p, size_t n,
                       const char *learner, const struct cmp_threshold *thr, size_t n_thr)
{
	static const char *const head[] = {"dataset",    "tool",        "rule",     "threshold",
	                                   "target_fpr", "n_malicious", "tp",       "recall",
	                                   "recall_lo",  "recall_hi",   "n_benign", "fp",
	                                   "fpr",        "fpr_lo",      "fpr_hi",   "n_error"};
	struct csvio_out o;
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 16);
	for (int t = 0; t < CMP_N_TOOLS && !bad; t++) {
		size_t ran = 0;
		for (size_t i = 0; i < n; i++)
			ran += p[i].r[t].ran != 0;
		if (!ran)
			continue;
		size_t n_rules = t == CMP_PYVET ? n_thr : 0;
		while (t != CMP_PYVET && n_rules < CMP_MAX_RULES && cmp_rule_names[t][n_rules])
			n_rules++;
		for (size_t k = 0; k < n_rules && !bad; k++) {
			struct tally ty;
			char rule[96];
			memset(&ty, 0, sizeof(ty));
			for (size_t i = 0; i < n; i++) {
				if (!p[i].r[t].ran)
					continue;
				int f = t == CMP_PYVET ? pyvet_flag(&p[i], thr[k].t)
				                       : fixed_flag(&p[i], t, (int)k);
				if (f < 0) {
					ty.err++;
					continue;
				}
				ty.n[p[i].y != 0]++;
				ty.fl[p[i].y != 0] += (size_t)f;
			}
			if (t == CMP_PYVET)
				snprintf(rule, sizeof(rule), "%s score > threshold", learner);
			bad |= write_tally(o.f, dataset, cmp_tool_names[t],
			                   t == CMP_PYVET ? rule : cmp_rule_names[t][k],
			                   t == CMP_PYVET ? thr[k].t : (double)NAN,
			                   t == CMP_PYVET ? thr[k].target_fpr : (double)NAN, &ty);
		}
	}
	return finish(&o, bad, path);
}

/* ---- rules ---- */

struct rule_tally {
	const char *name;
	size_t fired[2];
	long findings[2];
};

static int cmp_rule_tally(const void *a, const void *b)
{
	const struct rule_tally *x = a, *y = b;
	if (x->fired[0] != y->fired[0])
		return x->fired[0] < y->fired[0] ? 1 : -1;
	if (x->fired[1] != y->fired[1])
		return x->fired[1] < y->fired[1] ? 1 : -1;
	return strcmp(x->name, y->name);
}

int cmp_write_rules(const char *path, const struct cmp_package *p, size_t n)
{
	static const char *const head[] = {"tool",
	                                   "rule",
	                                   "benign_fired",
	                                   "n_benign",
	                                   "malicious_fired",
	                                   "n_malicious",
	                                   "benign_findings",
	                                   "malicious_findings"};
	static const int tools[] = {CMP_PACKJ_EQUIV, CMP_PACKJ, CMP_GUARDDOG};
	struct csvio_out o;
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 8);
	for (size_t k = 0; k < 3 && !bad; k++) {
		int t = tools[k];
		size_t cap = 0, m = 0, n_ok[2] = {0, 0};
		struct rule_tally *rt = NULL;
		for (size_t i = 0; i < n; i++)
			if (p[i].r[t].ok)
				cap += p[i].r[t].n_counts;
		rt = calloc(cap ? cap : 1, sizeof(*rt));
		if (!rt) {
			bad = 1;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			const struct cmp_result *r = &p[i].r[t];
			int y = p[i].y != 0;
			if (!r->ok)
				continue;
			n_ok[y]++;
			for (size_t c = 0; c < r->n_counts; c++) {
				size_t j = 0;
				while (j < m && strcmp(rt[j].name, r->counts[c].name))
					j++;
				if (j == m)
					rt[m++].name = r->counts[c].name;
				if (r->counts[c].n > 0)
					rt[j].fired[y]++;
				rt[j].findings[y] += r->counts[c].n;
			}
		}
		qsort(rt, m, sizeof(*rt), cmp_rule_tally);
		for (size_t j = 0; j < m && !bad; j++) {
			struct cell c[6];
			const char *row[] = {cmp_tool_names[t],
			                     rt[j].name,
			                     cl(&c[0], (long)rt[j].fired[0]),
			                     cl(&c[1], (long)n_ok[0]),
			                     cl(&c[2], (long)rt[j].fired[1]),
			                     cl(&c[3], (long)n_ok[1]),
			                     cl(&c[4], rt[j].findings[0]),
			                     cl(&c[5], rt[j].findings[1])};
			bad |= csvio_write_row(o.f, row, 8);
		}
		free(rt);
	}
	return finish(&o, bad, path);
}

/* ---- packj agreement ---- */

static long count_of(const struct cmp_result *r, const char *name)
{
	for (size_t c = 0; c < r->n_counts; c++)
		if (!strcmp(r->counts[c].name, name))
			return r->counts[c].n;
	return 0;
}

/* One agreement row over x (equivalent) and y (real), m pairs. */
static int agreement_row(FILE *f, const char *scope, const char *cat, double *x, double *y,
                         size_t m)
{
	size_t both = 0, eo = 0, ro = 0, neither = 0;
	double sx = 0, sy = 0, rho = NAN;
	for (size_t i = 0; i < m; i++) {
		int a = x[i] > 0, b = y[i] > 0;
		both += a && b;
		eo += a && !b;
		ro += !a && b;
		neither += !a && !b;
		sx += x[i];
		sy += y[i];
	}
	if (m >= 2) {
		double *work = malloc(2 * m * sizeof(*work));
		if (!work)
			return -1;
		rho = gsl_stats_spearman(x, 1, y, 1, m, work);
		free(work);
		if (!isfinite(rho))
			rho = NAN;
	}
	struct cell c[10];
	const char *row[] = {scope,
	                     cat,
	                     cl(&c[0], (long)m),
	                     cd(&c[1], rho),
	                     cl(&c[2], (long)(both + neither)),
	                     cd(&c[3], m ? (double)(both + neither) / (double)m : (double)NAN),
	                     cl(&c[4], (long)both),
	                     cl(&c[5], (long)eo),
	                     cl(&c[6], (long)ro),
	                     cl(&c[7], (long)neither),
	                     cd(&c[8], sx),
	                     cd(&c[9], sy)};
	return csvio_write_row(f, row, 12);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int name_seen(const char *const *names, size_t m, const char *s)
{
	for (size_t i = 0; i < m; i++)
		if (!strcmp(names[i], s))
			return 1;
	return 0;
}

int cmp_write_packj_agreement(const char *path, const struct cmp_package *p, size_t n)
{
	static const char *const head[] = {
	    "scope", "category",   "n",         "spearman", "agree_any", "agree_any_share",
	    "both",  "equiv_only", "real_only", "neither",  "equiv_sum", "real_sum"};
	struct csvio_out o;
	double *x = calloc(n ? n : 1, sizeof(*x)), *y = calloc(n ? n : 1, sizeof(*y));
	const char **names = NULL;
	size_t n_names = 0, cap = 0;
	int bad = 0;
	if (!x || !y) {
		free(x);
		free(y);
		return err_report("out of memory");
	}
	if (csvio_out_open(&o, path) < 0) {
		free(x);
		free(y);
		return -1;
	}
	bad = csvio_write_row(o.f, head, 12);
	for (int s = 0; s < 2 && !bad; s++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			const struct cmp_result *e = &p[i].r[CMP_PACKJ_EQUIV],
			                        *r = &p[i].r[CMP_PACKJ];
			if (!e->ok || !r->ok || e->alerts[s] < 0 || r->alerts[s] < 0)
				continue;
			x[m] = (double)e->alerts[s];
			y[m++] = (double)r->alerts[s];
		}
		bad |= agreement_row(o.f, s ? "setup" : "package", "all", x, y, m) < 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!p[i].r[CMP_PACKJ_EQUIV].ok || !p[i].r[CMP_PACKJ].ok)
			continue;
		for (int t = CMP_PACKJ_EQUIV; t <= CMP_PACKJ; t++)
			cap += p[i].r[t].n_counts;
	}
	names = calloc(cap ? cap : 1, sizeof(*names));
	if (!names)
		bad = 1;
	for (size_t i = 0; i < n && !bad; i++) {
		if (!p[i].r[CMP_PACKJ_EQUIV].ok || !p[i].r[CMP_PACKJ].ok)
			continue;
		for (int t = CMP_PACKJ_EQUIV; t <= CMP_PACKJ; t++)
			for (size_t c = 0; c < p[i].r[t].n_counts; c++)
				if (!name_seen(names, n_names, p[i].r[t].counts[c].name))
					names[n_names++] = p[i].r[t].counts[c].name;
	}
	qsort(names, n_names, sizeof(*names), cmp_str);
	for (size_t k = 0; k < n_names && !bad; k++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			const struct cmp_result *e = &p[i].r[CMP_PACKJ_EQUIV],
			                        *r = &p[i].r[CMP_PACKJ];
			if (!e->ok || !r->ok)
				continue;
			x[m] = (double)count_of(e, names[k]);
			y[m++] = (double)count_of(r, names[k]);
		}
		bad |= agreement_row(o.f, "package", names[k], x, y, m) < 0;
	}
	free(names);
	free(x);
	free(y);
	return finish(&o, bad, path);
}

/* ---- one row per package and tool ---- */

int cmp_write_packages(const char *path, const struct cmp_package *p, size_t n)
{
	static const char *const head[] = {
	    "id",      "name",   "version",      "label",      "tool",  "ran",      "ok",
	    "flagged", "alerts", "setup_alerts", "risk_label", "score", "evidence", "status"};
	struct csvio_out o;
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 14);
	for (size_t i = 0; i < n && !bad; i++)
		for (int t = 0; t < CMP_N_TOOLS && !bad; t++) {
			const struct cmp_result *r = &p[i].r[t];
			struct cell c[6];
			if (!r->ran)
				continue;
			const char *row[] = {
			    p[i].id,
			    p[i].name,
			    p[i].version,
			    p[i].label,
			    cmp_tool_names[t],
			    "1",
			    r->ok ? "1" : "0",
			    r->ok ? cl(&c[0], r->flag[0]) : "",
			    r->ok && r->alerts[0] >= 0 ? cl(&c[1], r->alerts[0]) : "",
			    r->ok && r->alerts[1] >= 0 ? cl(&c[2], r->alerts[1]) : "",
			    r->label ? r->label : "",
			    cd(&c[3], r->score),
			    r->evidence ? r->evidence : "",
			    r->status && r->status[0] ? r->status : "ok"};
			bad |= csvio_write_row(o.f, row, 14);
		}
	return finish(&o, bad, path);
}

int cmp_write_counts(const char *path, const struct cmp_package *p, size_t n)
{
	static const char *const head[] = {"id", "label", "tool", "name", "count"};
	struct csvio_out o;
	if (csvio_out_open(&o, path) < 0)
		return -1;
	int bad = csvio_write_row(o.f, head, 5);
	for (size_t i = 0; i < n && !bad; i++)
		for (int t = 0; t < CMP_N_TOOLS && !bad; t++) {
			const struct cmp_result *r = &p[i].r[t];
			for (size_t c = 0; r->ok && c < r->n_counts && !bad; c++) {
				struct cell v;
				if (r->counts[c].n <= 0)
					continue;
				const char *row[] = {p[i].id, p[i].label, cmp_tool_names[t],
				                     r->counts[c].name, cl(&v, r->counts[c].n)};
				bad |= csvio_write_row(o.f, row, 5);
			}
		}
	return finish(&o, bad, path);
}

/* ---- timing ---- */

static void add_quantiles(cJSON *o, const char *what, double *v, size_t k)
{
	char key[48];
	double total = 0;
	for (size_t i = 0; i < k; i++)
		total += v[i];
	gsl_sort(v, 1, k);
	snprintf(key, sizeof(key), "%s_median_s", what);
	cJSON_AddNumberToObject(
	    o, key, k ? gsl_stats_quantile_from_sorted_data(v, 1, k, 0.5) : (double)NAN);
	snprintf(key, sizeof(key), "%s_p95_s", what);
	cJSON_AddNumberToObject(
	    o, key, k ? gsl_stats_quantile_from_sorted_data(v, 1, k, 0.95) : (double)NAN);
	snprintf(key, sizeof(key), "%s_total_s", what);
	cJSON_AddNumberToObject(o, key, total);
}

struct cJSON *cmp_timing_json(const struct cmp_package *p, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	double *w = calloc(n ? n : 1, sizeof(*w)), *c = calloc(n ? n : 1, sizeof(*c));
	if (!arr || !w || !c) {
		cJSON_Delete(arr);
		free(w);
		free(c);
		return NULL;
	}
	for (int t = 0; t < CMP_N_TOOLS; t++) {
		size_t k = 0, err = 0, to = 0;
		for (size_t i = 0; i < n; i++) {
			const struct cmp_result *r = &p[i].r[t];
			if (!r->ran)
				continue;
			err += !r->ok;
			to += r->timed_out != 0;
			if (r->timed && !isnan(r->wall_s) && !isnan(r->cpu_s)) {
				w[k] = r->wall_s;
				c[k++] = r->cpu_s;
			}
		}
		if (!k && !err)
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddStringToObject(o, "tool", cmp_tool_names[t]);
		cJSON_AddNumberToObject(o, "n_timed", (double)k);
		cJSON_AddNumberToObject(o, "n_error", (double)err);
		cJSON_AddNumberToObject(o, "n_timed_out", (double)to);
		add_quantiles(o, "wall", w, k);
		add_quantiles(o, "cpu", c, k);
		double cpu_total = 0;
		for (size_t i = 0; i < k; i++)
			cpu_total += c[i];
		cJSON_AddNumberToObject(o, "packages_per_cpu_second",
		                        cpu_total > 0 ? (double)k / cpu_total : (double)NAN);
		cJSON_AddItemToArray(arr, o);
	}
	free(w);
	free(c);
	return arr;
}
