/* One package for the peer comparison: packj and GuardDog on it, pyvet's extraction timed. */
#include "experiments/engine/peerrun.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/pkg/package.h"
#include "experiments/engine/proc.h"
#include "experiments/engine/scratch.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int peerrun_setup(struct peerrun *pr, const struct peerrun_options *o, struct diag *d)
{
	int any = 0;
	struct diag why;
	for (int t = 0; t < PEER_N_TOOLS; t++)
		any |= o->want[t];
	pr->time_pyvet = o->time_pyvet;
	if (any) {
		diag_init(&why);
		int rc = peer_config_load(&pr->cfg, o->env_file ? o->env_file : "build/peers/env",
		                          o->launchers, &why);
		if (rc < 0) {
			diag_error(d, "%s", diag_message(&why));
			diag_release(&why);
			return -1;
		}
		if (rc > 0) {
			proc_printable(diag_message(&why), strlen(diag_message(&why)), pr->skipped,
			               sizeof(pr->skipped));
		} else {
			for (int t = 0; t < PEER_N_TOOLS; t++)
				pr->on[t] = o->want[t];
			if (o->timeout_s > 0)
				pr->cfg.timeout_s = o->timeout_s;
			if (scratch_base(o->scratch, o->forbidden, pr->cfg.scratch_base,
			                 sizeof(pr->cfg.scratch_base), &pr->cfg.scratch_tmpfs,
			                 d) < 0) {
				diag_release(&why);
				return -1;
			}
		}
		diag_release(&why);
	}
	if (pr->time_pyvet) {
		/* extractrow prints its own "pyvet: baseline: ..." line on failure. */
		if (extractrow_setup(&pr->x, "baseline", PEERRUN_PYVET_SETS, NULL) < 0 ||
		    extractrow_load(&pr->x, "baseline", NULL) < 0) {
			extractrow_release(&pr->x);
			return diag_error(d, "pyvet's feature sets could not be set up");
		}
		pr->x_ready = 1;
	}
	return 0;
}

/* Names of the fixed features that are 1, as evidence of what pyvet saw. */
static void features_evidence(const struct extractrow *x, const double *v, char *out, size_t n)
{
	size_t col = 0, len = 0;
	out[0] = '\0';
	for (size_t k = 0; k < x->n_sets; k++) {
		const struct featureset_type *t = x->sets[k]->type;
		for (size_t f = 0; f < t->n_features; f++, col++) {
			if (!v || v[col] != 1)
				continue;
			int w = snprintf(out + len, n - len, "%s%s.%s", len ? " " : "", t->name,
			                 t->feature_names[f]);
			if (w < 0 || (size_t)w >= n - len) {
				out[len] = '\0';
				return;
			}
			len += (size_t)w;
		}
	}
}

static void time_pyvet(const struct peerrun *pr, const char *path, struct peerrun_pkg *out)
{
	struct extractrow_result res;
	struct diag d;
	memset(&res, 0, sizeof(res));
	diag_init(&d);
	out->pyvet_ran = 1;
	double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	int rc = extractrow_run(&pr->x, path, NULL, &res, &d);
	out->pyvet_cpu_s = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	out->pyvet_wall_s = clock_s(CLOCK_MONOTONIC) - w0;
	out->pyvet_ok = rc == 0;
	if (rc == 0)
		features_evidence(&pr->x, res.x, out->pyvet_evidence, sizeof(out->pyvet_evidence));
	else
		proc_printable(diag_message(&d), strlen(diag_message(&d)), out->pyvet_status,
		               sizeof(out->pyvet_status));
	extractrow_result_release(&res);
	diag_release(&d);
}

void peerrun_package(const struct peerrun *pr, const char *path, struct peerrun_pkg *out)
{
	struct package_options po;
	struct package *p = NULL;
	struct diag d;
	int any = 0;
	memset(out, 0, sizeof(*out));
	for (int t = 0; t < PEER_N_TOOLS; t++) {
		peer_result_init(&out->peer[t]);
		any |= pr->on[t];
	}
	out->pyvet_wall_s = out->pyvet_cpu_s = NAN;
	if (pr->time_pyvet && pr->x_ready)
		time_pyvet(pr, path, out);
	if (!any)
		return;
	diag_init(&d);
	package_options_default(&po);
	po.load_all = 1;
	po.keep_archive = 1;
	if (package_open(&p, path, &po, &d) < 0) {
		proc_printable(diag_message(&d), strlen(diag_message(&d)), out->open_status,
		               sizeof(out->open_status));
		for (int t = 0; t < PEER_N_TOOLS; t++)
			if (pr->on[t]) {
				out->peer[t].ran = 1;
				snprintf(out->peer[t].status, sizeof(out->peer[t].status), "%s",
				         out->open_status);
			}
	} else {
		for (int t = 0; t < PEER_N_TOOLS; t++)
			if (pr->on[t])
				peer_run(&pr->cfg, (enum peer_tool)t, p, &out->peer[t]);
	}
	package_free(p);
	diag_release(&d);
}

void peerrun_pkg_release(struct peerrun_pkg *r)
{
	if (!r)
		return;
	for (int t = 0; t < PEER_N_TOOLS; t++)
		peer_result_release(&r->peer[t]);
}

void peerrun_release(struct peerrun *pr)
{
	if (!pr)
		return;
	if (pr->x_ready)
		extractrow_release(&pr->x);
	pr->x_ready = 0;
}
