/* Tests for core/base/params ranges (issue 9.2): interval parsing, the one range message, table
 * checks, help text, and that every registered table (learners, feature sets, extract and
 * vocabulary parameters) is well formed and refuses out-of-range values the same way. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/params.h"
#include "core/pkg/package.h"
#include "core/ml/vocab.h"
#include "experiments/engine/extractrow.h"
#include "featuresets/featureset.h"
#include "learners/learner.h"
#include "tests/harness.h"

struct st {
	long n;
	double x;
	int b;
	char s[PARAM_STR_MAX];
};

static const struct param_spec spec[] = {
    {"n", PARAM_INT, offsetof(struct st, n), "5", "[1, 10]", "an integer"},
    {"x", PARAM_DOUBLE, offsetof(struct st, x), "0.5", "(0, 1)", "a fraction"},
    {"b", PARAM_BOOL, offsetof(struct st, b), "1", NULL, "a flag"},
    {"s", PARAM_STRING, offsetof(struct st, s), "", NULL, "a string"},
    {NULL, 0, 0, NULL, NULL, NULL}};

/* params_set() message for key=value, "" when accepted. */
static const char *set(const char *key, const char *value)
{
	static char msg[DIAG_MSG_MAX];
	struct st s;
	struct diag d;
	diag_init(&d);
	params_set_defaults(spec, &s, &d);
	msg[0] = '\0';
	if (params_set(spec, &s, key, value, &d) < 0)
		snprintf(msg, sizeof(msg), "%s", diag_message(&d));
	diag_release(&d);
	return msg;
}

static void test_ranges(void)
{
	STR_IS(set("n", "1"), "", "closed lower bound included");
	STR_IS(set("n", "10"), "", "closed upper bound included");
	STR_IS(set("n", "0"), "parameter 'n': '0' is not in [1, 10]", "below the range");
	STR_IS(set("n", "11"), "parameter 'n': '11' is not in [1, 10]", "above the range");
	STR_IS(set("n", "x"), "parameter 'n': 'x' is not an integer", "not an integer");
	STR_IS(set("x", "0.999"), "", "inside an open range");
	STR_IS(set("x", "0"), "parameter 'x': '0' is not in (0, 1)", "open lower bound excluded");
	STR_IS(set("x", "1"), "parameter 'x': '1' is not in (0, 1)", "open upper bound excluded");
	STR_IS(set("x", "inf"), "parameter 'x': 'inf' is not in (0, 1)", "inf outside");
	STR_IS(set("x", "nan"), "parameter 'x': 'nan' is not a number", "nan refused");
	{
		struct st s;
		struct diag d;
		diag_init(&d);
		params_set_defaults(spec, &s, &d);
		CHECK(params_set(spec, &s, "n", "99", &d) < 0 && s.n == 5,
		      "a refused value leaves the state unchanged");
		diag_release(&d);
	}
}

static const char *check_spec(const struct param_spec *sp)
{
	static char msg[DIAG_MSG_MAX];
	struct diag d;
	diag_init(&d);
	msg[0] = '\0';
	if (params_check_spec(sp, &d) < 0)
		snprintf(msg, sizeof(msg), "%s", diag_message(&d));
	diag_release(&d);
	return msg;
}

static void test_check_spec(void)
{
	static const struct param_spec bad_default[] = {
	    {"n", PARAM_INT, offsetof(struct st, n), "0", "[1, 10]", "default outside"},
	    {NULL, 0, 0, NULL, NULL, NULL}};
	static const struct param_spec malformed[] = {
	    {"x", PARAM_DOUBLE, offsetof(struct st, x), "1", "[1; 2]", "malformed"},
	    {NULL, 0, 0, NULL, NULL, NULL}};
	static const struct param_spec reversed[] = {
	    {"x", PARAM_DOUBLE, offsetof(struct st, x), "1", "[2, 1]", "min > max"},
	    {NULL, 0, 0, NULL, NULL, NULL}};
	static const struct param_spec on_bool[] = {
	    {"b", PARAM_BOOL, offsetof(struct st, b), "1", "[0, 1]", "range on a bool"},
	    {NULL, 0, 0, NULL, NULL, NULL}};
	static const struct param_spec unbounded[] = {
	    {"x", PARAM_DOUBLE, offsetof(struct st, x), "-3", "(-inf, inf)", "finite"},
	    {NULL, 0, 0, NULL, NULL, NULL}};
	STR_IS(check_spec(spec), "", "the test table is valid");
	STR_IS(check_spec(bad_default), "parameter 'n': '0' is not in [1, 10]",
	       "a default outside its range");
	STR_IS(check_spec(malformed), "parameter 'x': malformed range '[1; 2]'", "malformed range");
	STR_IS(check_spec(reversed), "parameter 'x': malformed range '[2, 1]'", "min > max");
	STR_IS(check_spec(on_bool), "parameter 'b': a range on a non-numeric parameter",
	       "range on a bool");
	STR_IS(check_spec(unbounded), "", "(-inf, inf) is valid");
	{
		struct st s;
		struct diag d;
		diag_init(&d);
		params_set_defaults(unbounded, &s, &d);
		CHECK(params_set(unbounded, &s, "x", "-inf", &d) < 0 &&
		          params_set(unbounded, &s, "x", "1e300", &d) == 0,
		      "(-inf, inf): any finite number");
		diag_release(&d);
	}
}

static void test_help(void)
{
	struct sbuf sb = SBUF_INIT;
	params_help(spec, &sb);
	CHECK(strstr(sbuf_cstr(&sb), "  n=5  an integer; in [1, 10]\n") != NULL,
	      "help shows the range");
	CHECK(strstr(sbuf_cstr(&sb), "  b=1  a flag\n") != NULL, "no range, no suffix");
	sbuf_release(&sb);
	STR_IS(PARAM_RANGE(1, 100000), "[1, 100000]", "PARAM_RANGE stringifies macros");
}

/* A numeric parameter whose range starts at 0 or above. */
static int refuses_minus_one(const struct param_spec *p)
{
	return (p->kind == PARAM_INT || p->kind == PARAM_DOUBLE) && p->choices &&
	       strtod(p->choices + 1, NULL) >= 0;
}

/* Every table of the program is valid, and an out-of-range value of its first ranged parameter
 * is refused with the one message, prefixed by the set or learner name. */
static void test_registered(void)
{
	size_t n_tables = 0, n_ranged = 0;
	for (size_t i = 0; featureset_types[i]; i++) {
		const struct featureset_type *t = featureset_types[i];
		STR_IS(check_spec(t->params), "", "feature set %s: table valid", t->name);
		n_tables++;
		for (const struct param_spec *p = t->params; p && p->name; p++)
			if (refuses_minus_one(p)) {
				char kv[256], err[512], want[512];
				snprintf(kv, sizeof(kv), "%s=-1", p->name);
				snprintf(want, sizeof(want),
				         "%s: parameter '%s': '-1' is not in %s", t->name, p->name,
				         p->choices);
				CHECK(!featureset_alloc(t, kv, err, sizeof(err)) &&
				          !strcmp(err, want),
				      "%s: %s refused as '%s'", t->name, kv, err);
				n_ranged++;
				break;
			}
	}
	for (size_t i = 0; learner_types[i]; i++) {
		const struct learner_type *t = learner_types[i];
		STR_IS(check_spec(t->params), "", "learner %s: table valid", t->name);
		n_tables++;
		for (const struct param_spec *p = t->params; p && p->name; p++)
			if (refuses_minus_one(p)) {
				char kv[256], want[512];
				struct diag d;
				diag_init(&d);
				snprintf(kv, sizeof(kv), "%s=-1", p->name);
				snprintf(want, sizeof(want),
				         "%s: parameter '%s': '-1' is not in %s", t->name, p->name,
				         p->choices);
				CHECK(!learner_alloc(t, kv, &d) && !strcmp(diag_message(&d), want),
				      "%s: %s refused as '%s'", t->name, kv, diag_message(&d));
				diag_release(&d);
				n_ranged++;
				break;
			}
	}
	STR_IS(check_spec(extractrow_param_spec), "", "extract parameters: table valid");
	STR_IS(check_spec(package_param_spec), "", "package reader parameters: table valid");
	STR_IS(check_spec(vocab_param_specs), "", "vocabulary parameters: table valid");
	CHECK(n_tables >= 15 && n_ranged >= 11, "%zu tables, %zu checked with a range", n_tables,
	      n_ranged);
}

int main(void)
{
	test_ranges();
	test_check_spec();
	test_help();
	test_registered();
	return harness_done();
}
