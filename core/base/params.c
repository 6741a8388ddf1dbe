/* Parameter tables: defaults, "k=v,k=v" parsing, formatting and JSON export. */
#include "core/base/params.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct param_spec *params_find(const struct param_spec *spec, const char *name)
{
	for (; spec && spec->name; spec++)
		if (!strcmp(spec->name, name))
			return spec;
	return NULL;
}

const char *params_enum_name(const char *choices, int i, char *buf, size_t n)
{
	const char *p = choices;
	buf[0] = '\0';
	while (p && i > 0) {
		p = strchr(p, '|');
		if (p)
			p++;
		i--;
	}
	if (p) {
		size_t len = strcspn(p, "|");
		if (len >= n)
			len = n - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
	}
	return buf;
}

static int enum_index(const char *choices, const char *value)
{
	const char *p = choices;
	size_t vlen = strlen(value);
	int i = 0;
	while (p) {
		size_t len = strcspn(p, "|");
		if (len == vlen && !strncmp(p, value, len))
			return i;
		p = strchr(p, '|');
		if (p)
			p++;
		i++;
	}
	return -1;
}

/* Parse a range "[lo, hi]" ('(' / ')' for open ends; -inf, inf). 0, or -1 if malformed. */
static int parse_range(const char *r, double *lo, double *hi, int *lo_open, int *hi_open)
{
	char *end;
	const char *p = r;
	if (*p != '[' && *p != '(')
		return -1;
	*lo_open = *p++ == '(';
	*lo = strtod(p, &end);
	if (end == p || *end != ',')
		return -1;
	p = end + 1;
	while (*p == ' ')
		p++;
	*hi = strtod(p, &end);
	if (end == p || (*end != ']' && *end != ')') || end[1])
		return -1;
	*hi_open = *end == ')';
	if (isnan(*lo) || isnan(*hi) || *lo > *hi)
		return -1;
	return 0;
}

/* 1 if v lies in the range of `s` (or `s` has none). BUG() on a malformed range. */
static int in_range(const struct param_spec *s, double v)
{
	double lo, hi;
	int lo_open, hi_open;
	if (!s->choices)
		return 1;
	if (parse_range(s->choices, &lo, &hi, &lo_open, &hi_open) < 0)
		BUG("parameter '%s': malformed range '%s'", s->name, s->choices);
	return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
}

int params_parse_value(const struct param_spec *s, void *field, const char *value, struct diag *d)
{
	char *end;
	errno = 0;
	switch (s->kind) {
	case PARAM_INT: {
		long v = strtol(value, &end, 10);
		if (!*value || *end || errno)
			return diag_error(d, "'%s' is not an integer", value);
		if (!in_range(s, (double)v))
			goto out_of_range;
		memcpy(field, &v, sizeof(v));
		break;
	}
	case PARAM_SIZE: {
		unsigned long long v = strtoull(value, &end, 10);
		size_t sz = (size_t)v;
		if (!*value || *value < '0' || *value > '9' || *end || errno || sz != v)
			return diag_error(d, "'%s' is not a non-negative integer", value);
		if (!in_range(s, (double)sz))
			goto out_of_range;
		memcpy(field, &sz, sizeof(sz));
		break;
	}
	case PARAM_DOUBLE: {
		double v = strtod(value, &end);
		if (!*value || *end || errno || isnan(v))
			return diag_error(d, "'%s' is not a number", value);
		if (!in_range(s, v))
			goto out_of_range;
		memcpy(field, &v, sizeof(v));
		break;
	}
	case PARAM_BOOL: {
		int v;
		if (!strcmp(value, "1") || !strcasecmp(value, "true") || !strcasecmp(value, "yes"))
			v = 1;
		else if (!strcmp(value, "0") || !strcasecmp(value, "false") ||
		         !strcasecmp(value, "no"))
			v = 0;
		else
			return diag_error(d, "'%s' is not 0 or 1", value);
		memcpy(field, &v, sizeof(v));
		break;
	}
	case PARAM_ENUM: {
		int v = enum_index(s->choices, value);
		if (v < 0)
			return diag_error(d, "'%s' is not one of %s", value, s->choices);
		memcpy(field, &v, sizeof(v));
		break;
	}
	case PARAM_STRING:
		if (strlen(value) >= PARAM_STR_MAX)
			return diag_error(d, "value too long");
		memcpy(field, value, strlen(value) + 1);
		break;
	default:
		BUG("bad param kind");
	}
	return 0;
out_of_range:
	return diag_error(d, "'%s' is not in %s", value, s->choices);
}

int params_set(const struct param_spec *spec, void *state, const char *key, const char *value,
               struct diag *d)
{
	const struct param_spec *s = params_find(spec, key);
	char msg[DIAG_MSG_MAX];
	if (!s)
		return diag_error(d, "unknown parameter '%s'", key);
	if (params_parse_value(s, (char *)state + s->offset, value, d) == 0)
		return 0;
	/* the one message of every table: "parameter 'KEY': 'VALUE' is not in RANGE" */
	snprintf(msg, sizeof(msg), "%s", diag_message(d));
	return diag_error(d, "parameter '%s': %s", key, msg);
}

int params_check_spec(const struct param_spec *spec, struct diag *d)
{
	for (const struct param_spec *s = spec; s && s->name; s++) {
		double lo, hi;
		int lo_open, hi_open;
		if (!s->choices || s->kind == PARAM_ENUM)
			continue;
		if (s->kind != PARAM_INT && s->kind != PARAM_DOUBLE && s->kind != PARAM_SIZE)
			return diag_error(d, "parameter '%s': a range on a non-numeric parameter",
			                  s->name);
		if (parse_range(s->choices, &lo, &hi, &lo_open, &hi_open) < 0)
			return diag_error(d, "parameter '%s': malformed range '%s'", s->name,
			                  s->choices);
	}
	{
		/* the defaults, set into a scratch state as large as the table needs */
		size_t size = 1;
		char *scratch;
		int rc;
		for (const struct param_spec *s = spec; s && s->name; s++) {
			size_t k = s->kind == PARAM_INT      ? sizeof(long)
			           : s->kind == PARAM_SIZE   ? sizeof(size_t)
			           : s->kind == PARAM_DOUBLE ? sizeof(double)
			           : s->kind == PARAM_STRING ? PARAM_STR_MAX
			                                     : sizeof(int);
			if (s->offset + k > size)
				size = s->offset + k;
		}
		if (!(scratch = calloc(1, size)))
			return diag_error(d, "out of memory");
		rc = params_set_defaults(spec, scratch, d);
		free(scratch);
		return rc;
	}
}

int params_set_defaults(const struct param_spec *spec, void *state, struct diag *d)
{
	for (; spec && spec->name; spec++)
		if (params_set(spec, state, spec->name, spec->def ? spec->def : "", d) < 0)
			return -1;
	return 0;
}

int params_parse(const struct param_spec *spec, void *state, const char *kv, struct diag *d)
{
	char item[PARAM_STR_MAX + 128];
	const char *p = kv;
	while (p && *p) {
		size_t len = strcspn(p, ",");
		char *eq;
		if (len >= sizeof(item))
			return diag_error(d, "parameter list item too long");
		memcpy(item, p, len);
		item[len] = '\0';
		p += len;
		if (*p == ',')
			p++;
		if (!len)
			continue;
		eq = strchr(item, '=');
		if (!eq)
			return diag_error(d, "parameter '%s' has no '=value'", item);
		*eq = '\0';
		if (params_set(spec, state, item, eq + 1, d) < 0)
			return -1;
	}
	return 0;
}

static int format_value(const struct param_spec *s, const void *state, struct sbuf *out)
{
	const char *base = state;
	char buf[128];
	switch (s->kind) {
	case PARAM_INT: {
		long v;
		memcpy(&v, base + s->offset, sizeof(v));
		return sbuf_addf(out, "%ld", v);
	}
	case PARAM_SIZE: {
		size_t v;
		memcpy(&v, base + s->offset, sizeof(v));
		return sbuf_addf(out, "%zu", v);
	}
	case PARAM_DOUBLE: {
		double v;
		memcpy(&v, base + s->offset, sizeof(v));
		return sbuf_addf(out, "%.17g", v);
	}
	case PARAM_BOOL:
	case PARAM_ENUM: {
		int v;
		memcpy(&v, base + s->offset, sizeof(v));
		if (s->kind == PARAM_BOOL)
			return sbuf_addf(out, "%d", v);
		return sbuf_addstr(out, params_enum_name(s->choices, v, buf, sizeof(buf)));
	}
	case PARAM_STRING:
		return sbuf_addstr(out, base + s->offset);
	default:
		BUG("bad param kind");
	}
}

int params_format(const struct param_spec *spec, const void *state, struct sbuf *out)
{
	int first = 1;
	for (; spec && spec->name; spec++) {
		if (!first && sbuf_addch(out, ',') < 0)
			return -1;
		first = 0;
		if (sbuf_addf(out, "%s=", spec->name) < 0 || format_value(spec, state, out) < 0)
			return -1;
	}
	return 0;
}

int params_help(const struct param_spec *spec, struct sbuf *out)
{
	for (; spec && spec->name; spec++) {
		if (sbuf_addf(out, "  %s=%s  %s", spec->name, spec->def ? spec->def : "",
		              spec->doc ? spec->doc : "") < 0)
			return -1;
		if (spec->kind == PARAM_ENUM && sbuf_addf(out, " [%s]", spec->choices) < 0)
			return -1;
		if (spec->kind != PARAM_ENUM && spec->choices &&
		    sbuf_addf(out, "; in %s", spec->choices) < 0)
			return -1;
		if (sbuf_addch(out, '\n') < 0)
			return -1;
	}
	return 0;
}

struct cJSON *params_to_json(const struct param_spec *spec, const void *state)
{
	cJSON *obj = cJSON_CreateObject();
	const char *base = state;
	char buf[128];
	if (!obj)
		return NULL;
	for (; spec && spec->name; spec++) {
		cJSON *item = NULL;
		switch (spec->kind) {
		case PARAM_INT: {
			long v;
			memcpy(&v, base + spec->offset, sizeof(v));
			item = cJSON_CreateNumber((double)v);
			break;
		}
		case PARAM_SIZE: {
			size_t v;
			memcpy(&v, base + spec->offset, sizeof(v));
			item = cJSON_CreateNumber((double)v);
			break;
		}
		case PARAM_DOUBLE: {
			double v;
			memcpy(&v, base + spec->offset, sizeof(v));
			item = cJSON_CreateNumber(v);
			break;
		}
		case PARAM_BOOL: {
			int v;
			memcpy(&v, base + spec->offset, sizeof(v));
			item = cJSON_CreateNumber(v);
			break;
		}
		case PARAM_ENUM: {
			int v;
			memcpy(&v, base + spec->offset, sizeof(v));
			item = cJSON_CreateString(
			    params_enum_name(spec->choices, v, buf, sizeof(buf)));
			break;
		}
		case PARAM_STRING:
			item = cJSON_CreateString(base + spec->offset);
			break;
		default:
			BUG("bad param kind");
		}
		if (!item || !cJSON_AddItemToObject(obj, spec->name, item)) {
			cJSON_Delete(item);
			cJSON_Delete(obj);
			return NULL;
		}
	}
	return obj;
}
