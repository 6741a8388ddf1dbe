/* `pyvet train`: fit the vocabulary and one learner on every (selected) row of an extraction
 * and write a versioned model file (spec D31; format in experiments/engine/trained_model.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/err.h"
#include "experiments/engine/trained_model.h"
#include "experiments/cli/protocli.h"
#include "experiments/commands.h"

int cmd_train(int argc, char **argv);

static int train_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: pyvet train --features DIR --learner NAME --out MODEL [options]\n\n"
	    "Fit the vocabulary (D12: on the training rows) and the learner on every row of the\n"
	    "extraction (or the rows of --manifest/--split) and write a model file.\n\n"
	    "  --set NAME                feature set (default T+MCF+pre)\n"
	    "  --seed S                  run seed (default 1); the learner's stream is derived\n"
	    "                            from it as in 'pyvet cv' train/test fits\n"
	    "  --param KEY=VALUE         text.*, <learner>.* (repeatable)\n"
	    "  --manifest M [--split S]  training rows from a dataset manifest (e.g. --split "
	    "train)\n\n"
	    "Exit status: 0 written; 2 usage error or an unreadable extraction or manifest; 4 the\n"
	    "fit or the write failed.\n");
	return f == stdout ? 0 : 2;
}

int cmd_train(int argc, char **argv)
{
	struct protocli pc;
	const char *features = NULL, *set = "T+MCF+pre", *learner = NULL, *out = NULL;
	const char *manifest = NULL, *split = NULL, *params[256];
	size_t n_params = 0;
	int status = EXIT_USAGE;
	struct featdata *fd = NULL;
	struct cvrun_fit fit = {0};
	size_t *idx = NULL;
	protocli_init(&pc);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			protocli_release(&pc);
			return train_usage(stdout);
		}
		if (!v) {
			err_report("train: '%s' needs a value or is unknown", a);
			goto usage;
		}
		i++;
		if (!strcmp(a, "--features"))
			features = v;
		else if (!strcmp(a, "--set"))
			set = v;
		else if (!strcmp(a, "--learner"))
			learner = v;
		else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--manifest"))
			manifest = v;
		else if (!strcmp(a, "--split"))
			split = v;
		else if (!strcmp(a, "--seed")) {
			size_t s;
			if (protocli_size(a, v, &s) < 0)
				goto usage;
			pc.o.seed = (unsigned long)s;
		} else if (!strcmp(a, "--param")) {
			if (n_params == sizeof(params) / sizeof(params[0]))
				goto usage;
			params[n_params++] = v;
		} else {
			err_report("train: unknown option '%s'", a);
			goto usage;
		}
	}
	if (!features || !learner || !out) {
		err_report("train: --features, --learner and --out are required");
		goto usage;
	}
	if (strchr(set, ',') || strchr(learner, ',')) {
		err_report("train: one --set and one --learner");
		goto usage;
	}
	if (protocli_sets(&pc, set) < 0 || protocli_learners(&pc, learner) < 0)
		goto usage;
	for (size_t i = 0; i < n_params; i++)
		if (protocli_param(&pc, params[i]) < 0)
			goto usage;
	if (protocli_finish(&pc) < 0 || pc.n_learners != 1)
		goto usage;
	if (protocli_load(features, manifest, split, &fd) < 0)
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
		diag_release(&d);
	}
	if (protocli_mkdir_parent(out) < 0 ||
	    trained_model_write(out, &fit, pc.sets[0].name, fd, &pc.o.vp,
	                        pc.sets[0].pre || pc.o.vp.preprocess, pc.o.filter, pc.o.seed) < 0)
		goto end;
	err_report("train: %s on %zu rows (%zu malicious), %zu columns -> %s",
	           pc.learners[0].type->name, fit.train->n, dataset_count_positive(fit.train),
	           fit.train->d, out);
	status = EXIT_OK;
	goto end;
usage:
	status = EXIT_USAGE;
end:
	free(idx);
	cvrun_fit_release(&fit);
	featdata_free(fd);
	protocli_release(&pc);
	return status;
}
