/* trained_model: a learner fitted by `pyvet train` together with everything needed to score new
 * packages with it -- feature-set name, fixed columns, fitted vocabulary, the verdict threshold
 * and its provenance, the extraction record (experiments/engine/extractrec.h), the training
 * majority values -- and its versioned model file, read by `pyvet predict` and `pyvet scan`.
 * (Not LIBLINEAR's `struct model`, which only learners/ sees.) The format is documented in
 * docs/model-format.md.
 *
 * Format 2 (text, written):
 *   line 1   "pyvet-model 2"
 *   line 2   one JSON object (no newline inside): format, pyvet version, git commit, learner and
 *            resolved parameters, threshold, calibration (calibrate.h), feature-set name, fixed
 *            column names (in matrix order), vocabulary, majority (one value per matrix column),
 *            extraction (extractrec.h; null when the training extraction had no sidecar),
 *            training data (rows, malicious, hashes), seeds
 *   then     the learner as written by learner_save() (learners/learner.h)
 *   last     "pyvet-model-sha256 HEX": the SHA-256 of every byte before this line
 * Format 1 (read): the same first three parts without calibration, majority, extraction and the
 * checksum line; its threshold is the learner's.
 * Reading is bounded: a file larger than MODEL_MAX_BYTES is refused before it is read, the
 * checksum is verified before anything is parsed (a truncated or bit-flipped file fails with a
 * clear message), and the learner's own sizes are bounded by learner_load().
 *
 * Memory management: struct trained_model is caller-owned; trained_model_read() fills it and
 * trained_model_release() frees it (NULL-safe). */
#ifndef PYVET_TRAINED_MODEL_H
#define PYVET_TRAINED_MODEL_H

#include <stddef.h>

#include "experiments/engine/calibrate.h"
#include "experiments/engine/cvrun.h"
#include "core/ml/dataset.h"
#include "core/ml/featdata.h"
#include "core/ml/vocab.h"
#include "learners/learner.h"

#define MODEL_MAGIC "pyvet-model"
#define MODEL_VERSION 2     /* the format written */
#define MODEL_VERSION_MIN 1 /* the oldest format read */
#define MODEL_TRAILER "pyvet-model-sha256"
#define MODEL_MAX_BYTES ((size_t)512 << 20)

/* How a model's threshold applies to a score (trained_model_flags()). */
enum trained_model_rule {
	MODEL_RULE_STRICT = 0, /* score > threshold (the learner's own threshold, D26) */
	MODEL_RULE_TIES        /* metrics_flagged(): score > threshold and not tied with it (a
	                        * threshold calibrated on scores, calibrate.h) */
};

struct trained_model {
	int version;             /* format of the file read */
	struct learner *learner; /* fitted */
	char *set;               /* feature-set name */
	char **fixed;            /* fixed column names */
	size_t n_fixed;
	int text; /* has vocabulary columns */
	int mode; /* enum vocab_mode */
	struct vocab vocab;
	double threshold; /* the verdict threshold */
	int rule;         /* enum trained_model_rule */
	/* parts of the header (borrowed from it; NULL when absent): */
	const struct cJSON *extraction;  /* the extraction record (extractrec.h) */
	const struct cJSON *calibration; /* the threshold's provenance (calibrate.h) */
	const struct cJSON *majority;    /* training majority value per matrix column */
	struct cJSON *header;            /* the parsed header (owned) */
};

/* What `pyvet train` knows about a fit besides the fit itself. */
struct trained_model_info {
	const char *set_name;
	const struct featdata *fd_train; /* the featdata the fit used (for hashes) */
	const struct vocab_params *vp;   /* vocabulary parameters */
	int preprocess;                  /* keyword and stop-word removal applied */
	const struct vocab_filter *filter;
	unsigned long seed;
	const struct cJSON *extraction; /* extraction record, NULL if unknown (borrowed) */
	const struct calibration *cal;  /* the threshold; NULL: the learner's own */
};

/** Write a model fitted by cvrun_train_test() to `path` (tmp + rename), in format
 *  MODEL_VERSION, with the training majority value of every matrix column (the most frequent
 *  value of the column in fit->train, the smaller on a tie). 0 or -1 (err_report). */
int trained_model_write(const char *path, const struct cvrun_fit *fit,
                        const struct trained_model_info *info);

/** Read a model file (formats MODEL_VERSION_MIN to MODEL_VERSION). 0, or -1 with a message on
 *  stderr that says what is wrong: not a model, a format this pyvet does not read (newer or
 *  older), too large, truncated, corrupted (checksum), a malformed header or learner. */
int trained_model_read(const char *path, struct trained_model *m);

/** 1 if `score` is judged malicious by the model's threshold and rule, else 0 (NaN: 0). */
int trained_model_flags(const struct trained_model *m, double score);

/** The matrix of rows idx[0..n-1] of `fd` in the model's columns. NULL on error (err_report). */
struct dataset *trained_model_matrix(const struct trained_model *m, const struct featdata *fd,
                                     const size_t *idx, size_t n);

/** Free. NULL-safe. */
void trained_model_release(struct trained_model *m);

#endif
