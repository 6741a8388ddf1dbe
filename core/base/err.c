/* Error reporting helpers: err_report(), die(), BUG() and per-handle diagnostics. */
#include "core/base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/escape.h"

/* err_capture(): the diag that also receives this thread's err_report() messages. */
static _Thread_local struct diag *captured;

struct diag *err_capture(struct diag *d)
{
	struct diag *old = captured;
	captured = d;
	return old;
}

/* Print "pyvet: <message>\n" to stderr, the message escaped (core/base/escape.h: it may quote
 * member paths or metadata values): the one body of err_report() and die(). */
static void vreport(const char *fmt, va_list ap) PYVET_PRINTF(1, 0);
static void vreport(const char *fmt, va_list ap)
{
	char small[1024], *msg = small;
	va_list aq;
	int n;
	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
	else if (!msg)
		msg = small; /* out of memory: the truncated message */
	fputs("pyvet: ", stderr);
	escape_fputs(n < 0 ? fmt : msg, stderr);
	fputc('\n', stderr);
	if (captured) { /* cut to the diag's size */
		const char *text = n < 0 ? fmt : msg;
		size_t len = strlen(text);
		if (len >= sizeof(captured->error))
			len = sizeof(captured->error) - 1;
		memcpy(captured->error, text, len);
		captured->error[len] = '\0';
		captured->n_errors++;
	}
	if (msg != small)
		free(msg);
}

int err_report(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return -1;
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	exit(4); /* EXIT_INTERNAL of experiments/commands.h */
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_release(struct diag *d)
{
	if (!d)
		return;
	for (int i = 0; i < DIAG_WARN_KEEP; i++)
		free(d->warnings[i]);
	diag_init(d);
}

int diag_error(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	if (!d)
		return -1;
	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	d->n_errors++;
	return -1;
}

void diag_warn(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char buf[DIAG_MSG_MAX];
	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->n_warnings < DIAG_WARN_KEEP) {
		size_t n = strlen(buf) + 1;
		char *copy = malloc(n);
		if (copy)
			memcpy(copy, buf, n);
		d->warnings[d->n_warnings] = copy;
	}
	d->n_warnings++;
}

const char *diag_message(const struct diag *d)
{
	return d ? d->error : "";
}
