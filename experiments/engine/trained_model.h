/* trained_model: a learner fitted by `pyvet train` together with everything needed to score new
 * packages with it -- feature-set name, fixed columns, fitted vocabulary, threshold -- and its
 * versioned model file, read by `pyvet predict` and `pyvet scan`. (Not LIBLINEAR's `struct
 * model`, which only learners/ sees.)
 *
 * Format (text):
 *   line 1  "pyvet-model 1"
 *   line 2  one JSON object (no newline inside): pyvet version, git commit, learner name and
 *           resolved parameters, threshold, feature-set name, fixed column names (in matrix
 *           order), vocabulary (num_words, mode, lower, preprocess, document_count, tokens in
 *           index order with their document counts, word-list hashes), training data (rows,
 *           malicious, hashes of features.csv/tokens.tsv and of the sorted training ids), seed
 *   rest    the learner as written by learner_save() (learners/learner.h), read back by
 *           learner_load()
 *
 * Memory management: struct trained_model is caller-owned; trained_model_read() fills it and
 * trained_model_release() frees it (NULL-safe). */
#ifndef PYVET_TRAINED_MODEL_H
#define PYVET_TRAINED_MODEL_H

#include <stddef.h>

#include "experiments/engine/cvrun.h"
#include "core/ml/dataset.h"
#include "core/ml/featdata.h"
#include "core/ml/vocab.h"
#include "learners/learner.h"

#define MODEL_MAGIC "pyvet-model"
#define MODEL_VERSION 1

struct trained_model {
	struct learner *learner; /* fitted */
	char *set;               /* feature-set name */
	char **fixed;            /* fixed column names */
	size_t n_fixed;
	int text; /* has vocabulary columns */
	int mode; /* enum vocab_mode */
	struct vocab vocab;
	double threshold;
	struct cJSON *header; /* the parsed header (owned) */
};

/** Write a model fitted by cvrun_train_test() to `path` (tmp + rename). `fd_train` is the
 *  featdata the fit used (for hashes); `vp` the vocabulary parameters. 0 or -1 (err_report). */
int trained_model_write(const char *path, const struct cvrun_fit *fit, const char *set_name,
                        const struct featdata *fd_train, const struct vocab_params *vp,
                        int preprocess, const struct vocab_filter *filter, unsigned long seed);

/** Read a model file. 0 or -1 (err_report). */
int trained_model_read(const char *path, struct trained_model *m);

/** The matrix of rows idx[0..n-1] of `fd` in the model's columns. NULL on error (err_report). */
struct dataset *trained_model_matrix(const struct trained_model *m, const struct featdata *fd,
                                     const size_t *idx, size_t n);

/** Free. NULL-safe. */
void trained_model_release(struct trained_model *m);

#endif
