/* Parameter tables: every knob of a learner, feature set or limit is declared once, in a table
 * of struct param_spec, and the parser, --help and the results sidecar all read that table.
 *
 * A table is an array of struct param_spec terminated by an entry with name == NULL. Values live
 * in the caller's state struct at `offset`:
 *   PARAM_INT    -> long
 *   PARAM_SIZE   -> size_t (a non-negative integer: sizes, counts, limits)
 *   PARAM_DOUBLE -> double
 *   PARAM_BOOL   -> int (0 or 1; accepts 0/1/true/false/yes/no)
 *   PARAM_ENUM   -> int, the index of the value in `choices` ("a|b|c")
 *   PARAM_STRING -> char[PARAM_STR_MAX]
 * An INT, SIZE or DOUBLE parameter may carry a range in `choices`, its min and max in interval
 * notation:
 * "[1, 100]",
 * "(0, inf)", "[0, 1)", "(-inf, inf)" (= any finite number); '[' and ']' include the bound, '('
 * and ')' exclude it. params_set() refuses a value outside it with one message for every table:
 * "parameter 'KEY': 'VALUE' is not in RANGE". Defaults are checked the same way, so a table with
 * a default outside its range fails params_set_defaults() (params_check_spec() in tests).
 *
 * Memory management: nothing is allocated except by params_to_json() (caller owns the cJSON). */
#ifndef PYVET_PARAMS_H
#define PYVET_PARAMS_H

#include <stddef.h>
#include "core/base/err.h"
#include "core/base/sbuf.h"

#define PARAM_STR_MAX 512

enum param_kind { PARAM_INT, PARAM_DOUBLE, PARAM_BOOL, PARAM_ENUM, PARAM_STRING, PARAM_SIZE };

struct param_spec {
	const char *name; /* "trees", "C", "mode" */
	enum param_kind kind;
	size_t offset;       /* offsetof() into the state struct */
	const char *def;     /* default, as text: "12", "1e-3", "binary" */
	const char *choices; /* the admissible values: PARAM_ENUM "binary|count|freq|tfidf";
	                      * PARAM_INT, PARAM_SIZE, PARAM_DOUBLE: the range "[min, max]" or
	                      * NULL (any) */
	const char *doc;     /* one line; shown by --help, written to the sidecar */
};

/* A range from two integer macros: PARAM_RANGE(1, RF_MAX_TREES) is "[1, 100000]". */
#define PARAM_RANGE(lo, hi) PARAM_RANGE_(lo, hi)
#define PARAM_RANGE_(lo, hi) "[" #lo ", " #hi "]"

/** Write every default of `spec` into `state`. 0, or -1 (a bad default: a bug) with `d` set. */
int params_set_defaults(const struct param_spec *spec, void *state, struct diag *d);

/** Set one parameter from text. -1 with a message on `d` for an unknown key or a bad value. */
int params_set(const struct param_spec *spec, void *state, const char *key, const char *value,
               struct diag *d);

/** Parse `value` as a value of entry `s` into `field` (the value's own storage, e.g. the
 *  state's field at s->offset): the checks of params_set(), with its messages without the
 *  "parameter 'KEY': " prefix ("'0' is not in [1, 100]"), so that other tables (command-line
 *  options, experiments/cli/parseopt.h) refuse values in the same words. 0, or -1 with the
 *  message on `d`. */
int params_parse_value(const struct param_spec *s, void *field, const char *value, struct diag *d);

/** Parse "k=v,k=v" (empty or NULL string: nothing) and apply each pair with params_set(). */
int params_parse(const struct param_spec *spec, void *state, const char *kv, struct diag *d);

/** Append the resolved values as "k=v,k=v" (table order) to `out`. */
int params_format(const struct param_spec *spec, const void *state, struct sbuf *out);

/** Append one help line per parameter ("  name=default  doc [choices]" or
 *  "  name=default  doc; in RANGE") to `out`. */
int params_help(const struct param_spec *spec, struct sbuf *out);

/** Check a table: ranges only on INT/DOUBLE entries and well formed, defaults valid and inside
 *  them. 0, or -1 with the first problem on `d`. (A malformed range met by params_set() is a
 *  BUG().) */
int params_check_spec(const struct param_spec *spec, struct diag *d);

/** Find a spec entry by name, NULL if absent. */
const struct param_spec *params_find(const struct param_spec *spec, const char *name);

/** The ENUM value name at index `i` of `choices` copied into buf (size n). Returns buf. */
const char *params_enum_name(const char *choices, int i, char *buf, size_t n);

struct cJSON;
/** A JSON object {name: resolved value} for the sidecar; numbers as numbers, enums as strings.
 *  The caller owns the result (cJSON_Delete). NULL on out of memory. */
struct cJSON *params_to_json(const struct param_spec *spec, const void *state);

#endif
