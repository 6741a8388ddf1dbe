/* Shared command-line plumbing of the cv/train/predict commands (see protocli.h). */
#include "experiments/cli/protocli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/err.h"
#include "core/base/params.h"

#define PROTOCLI_MAX_ITEMS 64

void protocli_init(struct protocli *pc)
{
	memset(pc, 0, sizeof(*pc));
	cvrun_options_default(&pc->o);
}

void protocli_release(struct protocli *pc)
{
	if (!pc)
		return;
	for (size_t i = 0; i < pc->n_sets; i++)
		featspec_release(&pc->sets[i]);
	free(pc->sets);
	for (size_t i = 0; pc->lparams && i < pc->n_learners; i++)
		sbuf_release(&pc->lparams[i]);
	free(pc->lparams);
	free(pc->learners);
	vocab_filter_release(&pc->filter);
	memset(pc, 0, sizeof(*pc));
}

/* Split a comma list into at most PROTOCLI_MAX_ITEMS items of < 1024 bytes. */
static int each_item(const char *list, int (*fn)(struct protocli *, const char *),
                     struct protocli *pc)
{
	const char *p = list;
	size_t n = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		char item[1024];
		if (!len || len >= sizeof(item))
			return err_report("bad list item in '%s'", list);
		if (++n > PROTOCLI_MAX_ITEMS)
			return err_report("more than %d items in '%s'", PROTOCLI_MAX_ITEMS, list);
		memcpy(item, p, len);
		item[len] = '\0';
		if (fn(pc, item) < 0)
			return -1;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!n)
		return err_report("empty list");
	return 0;
}

static int add_set(struct protocli *pc, const char *name)
{
	struct featspec fs;
	struct diag d;
	diag_init(&d);
	for (size_t i = 0; i < pc->n_sets; i++)
		if (!strcmp(pc->sets[i].name, name))
			return err_report("feature set '%s' given twice", name);
	if (featspec_parse(name, &fs, &d) < 0) {
		err_report("%s", diag_message(&d));
		diag_release(&d);
		return -1;
	}
	struct featspec *ns = realloc(pc->sets, (pc->n_sets + 1) * sizeof(*ns));
	if (!ns) {
		featspec_release(&fs);
		return err_report("out of memory");
	}
	pc->sets = ns;
	pc->sets[pc->n_sets++] = fs;
	return 0;
}

int protocli_sets(struct protocli *pc, const char *list)
{
	return each_item(list, add_set, pc);
}

static int add_learner_type(struct protocli *pc, const struct learner_type *t)
{
	for (size_t i = 0; i < pc->n_learners; i++)
		if (pc->learners[i].type == t)
			return err_report("learner '%s' given twice", t->name);
	struct cvrun_learner *nl = realloc(pc->learners, (pc->n_learners + 1) * sizeof(*nl));
	if (!nl)
		return err_report("out of memory");
	pc->learners = nl;
	struct sbuf *np = realloc(pc->lparams, (pc->n_learners + 1) * sizeof(*np));
	if (!np)
		return err_report("out of memory");
	pc->lparams = np;
	sbuf_init(&pc->lparams[pc->n_learners]);
	pc->learners[pc->n_learners].type = t;
	pc->learners[pc->n_learners].params = NULL;
	pc->n_learners++;
	return 0;
}

static int add_learner(struct protocli *pc, const char *name)
{
	if (!strcmp(name, "paper")) {
		static const char *const six[] = {"dt", "rf", "svm", "mlp", "nb", "stack"};
		for (size_t i = 0; i < 6; i++) {
			const struct learner_type *t = learner_find(six[i]);
			if (!t)
				return err_report("learner '%s' is not built in", six[i]);
			if (add_learner_type(pc, t) < 0)
				return -1;
		}
		return 0;
	}
	if (!strcmp(name, "all")) {
		for (size_t i = 0; learner_types[i]; i++)
			if (!(learner_types[i]->flags & LEARNER_INTERNAL) &&
			    add_learner_type(pc, learner_types[i]) < 0)
				return -1;
		return 0;
	}
	const struct learner_type *t = learner_find(name);
	if (!t) {
		struct sbuf known = SBUF_INIT;
		for (size_t i = 0; learner_types[i]; i++)
			sbuf_addf(&known, "%s%s", i ? ", " : "", learner_types[i]->name);
		err_report("'%s': unknown learner (known: %s)", name, sbuf_cstr(&known));
		sbuf_release(&known);
		return -1;
	}
	return add_learner_type(pc, t);
}

int protocli_learners(struct protocli *pc, const char *list)
{
	return each_item(list, add_learner, pc);
}

/* cv.folds, cv.repeats, cv.seed: non-negative integers, refused in the words of
 * core/base/params (cvrun_run() checks the folds and repeats it can use). */
static const struct param_spec cv_specs[] = {{"folds", PARAM_SIZE, 0, "10", NULL, "folds"},
                                             {"repeats", PARAM_SIZE, 0, "10", NULL, "repeats"},
                                             {"seed", PARAM_SIZE, 0, "1", NULL, "run seed"}};

static int cv_param(const char *kv, const struct param_spec *s, const char *val, size_t *out)
{
	struct diag d;
	int rc;
	diag_init(&d);
	rc = params_parse_value(s, out, val, &d);
	if (rc < 0)
		err_report("'%s': %s", kv, diag_message(&d));
	diag_release(&d);
	return rc;
}

static int add_learner_param(struct protocli *pc, size_t i, const char *k, const char *v)
{
	struct sbuf *sb = &pc->lparams[i];
	if (sb->len && sbuf_addch(sb, ',') < 0)
		return err_report("out of memory");
	if (sbuf_addf(sb, "%s=%s", k, v) < 0)
		return err_report("out of memory");
	return 0;
}

int protocli_param(struct protocli *pc, const char *kv)
{
	const char *eq = strchr(kv, '='), *dot = strchr(kv, '.');
	char group[128], key[256];
	if (!eq || !dot || dot > eq || dot == kv || (size_t)(dot - kv) >= sizeof(group) ||
	    (size_t)(eq - dot - 1) >= sizeof(key) || eq == dot + 1)
		return err_report("'%s': expected --param group.key=value", kv);
	memcpy(group, kv, (size_t)(dot - kv));
	group[dot - kv] = '\0';
	memcpy(key, dot + 1, (size_t)(eq - dot - 1));
	key[eq - dot - 1] = '\0';
	const char *val = eq + 1;
	struct diag d;
	diag_init(&d);
	if (!strcmp(group, "text")) {
		if (params_set(vocab_param_specs, &pc->o.vp, key, val, &d) < 0) {
			err_report("'%s': %s", kv, diag_message(&d));
			diag_release(&d);
			return -1;
		}
		return 0;
	}
	if (!strcmp(group, "cv")) {
		if (!strcmp(key, "folds"))
			return cv_param(kv, &cv_specs[0], val, &pc->o.folds);
		if (!strcmp(key, "repeats"))
			return cv_param(kv, &cv_specs[1], val, &pc->o.repeats);
		if (!strcmp(key, "seed")) {
			size_t s;
			if (cv_param(kv, &cv_specs[2], val, &s) < 0)
				return -1;
			pc->o.seed = (unsigned long)s;
			return 0;
		}
		if (!strcmp(key, "kind")) {
			int k = cvrun_kind_parse(val);
			if (k < 0)
				return err_report("'%s': cv.kind is stratified or grouped", kv);
			pc->o.kind = k;
			return 0;
		}
		return err_report("'%s': unknown cv parameter (folds, repeats, seed, kind)", kv);
	}
	for (size_t i = 0; i < pc->n_learners; i++)
		if (!strcmp(pc->learners[i].type->name, group))
			return add_learner_param(pc, i, key, val);
	if (learner_find(group))
		return err_report("'%s': learner '%s' is not selected", kv, group);
	return err_report("'%s': unknown parameter group '%s' (text, cv or a learner)", kv, group);
}

int protocli_finish(struct protocli *pc)
{
	int need = 0;
	for (size_t i = 0; i < pc->n_sets; i++)
		if (pc->sets[i].text && (pc->sets[i].pre || pc->o.vp.preprocess))
			need = 1;
	if (need && !pc->filter_loaded) {
		struct diag d;
		diag_init(&d);
		if (vocab_filter_load_default(&pc->filter, &d) < 0) {
			err_report("%s", diag_message(&d));
			diag_release(&d);
			return -1;
		}
		diag_release(&d);
		pc->filter_loaded = 1;
	}
	pc->o.filter = pc->filter_loaded ? &pc->filter : NULL;
	for (size_t i = 0; i < pc->n_learners; i++)
		pc->learners[i].params = sbuf_cstr(&pc->lparams[i]);
	return 0;
}

int protocli_setup(struct protocli *pc, const char *sets, const char *learners,
                   const char *const *params, size_t n_params)
{
	if (protocli_sets(pc, sets) < 0 || protocli_learners(pc, learners) < 0)
		return -1;
	for (size_t i = 0; i < n_params; i++)
		if (protocli_param(pc, params[i]) < 0)
			return -1;
	return protocli_finish(pc);
}

static void print_warnings(const struct diag *d)
{
	for (int i = 0; i < d->n_warnings && i < DIAG_WARN_KEEP; i++)
		err_report("warning: %s", d->warnings[i]);
	if (d->n_warnings > DIAG_WARN_KEEP)
		err_report("warning: %d more warnings", d->n_warnings - DIAG_WARN_KEEP);
}

int protocli_load(const char *dir, const char *manifest, const char *split, struct featdata **out)
{
	struct diag d;
	struct featdata *fd = NULL;
	diag_init(&d);
	*out = NULL;
	if (featdata_load(dir, &fd, &d) < 0) {
		err_report("%s", diag_message(&d));
		diag_release(&d);
		return -1;
	}
	if (manifest) {
		struct featdata *sel = NULL;
		if (featdata_select_manifest(fd, manifest, split, &sel, NULL, &d) < 0) {
			err_report("%s", diag_message(&d));
			featdata_free(fd);
			diag_release(&d);
			return -1;
		}
		featdata_free(fd);
		fd = sel;
	} else if (split) {
		featdata_free(fd);
		diag_release(&d);
		return err_report("--split needs --manifest");
	}
	print_warnings(&d);
	diag_release(&d);
	*out = fd;
	return 0;
}

int protocli_mkdir_parent(const char *path)
{
	char buf[4096];
	if (strlen(path) >= sizeof(buf))
		return err_report("path too long: '%s'", path);
	snprintf(buf, sizeof(buf), "%s", path);
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return err_report("cannot create '%s': %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return err_report("cannot create '%s': %s", buf, strerror(errno));
	return 0;
}
