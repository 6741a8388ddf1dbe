/* toolkit_init(): one place that configures GSL, libsvm, liblinear and the locale. */
#include "core/base/toolkit.h"

#include <archive.h>
#include <cjson/cJSON.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <libpsl.h>
#include <libsvm/svm.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

extern int liblinear_version;
/* liblinear's print hook; declared here to avoid including <linear.h> outside its adapter. */
extern void set_print_string_function(void (*print_func)(const char *));
extern char *openblas_get_config(void);

static void quiet_print(const char *s)
{
	(void)s;
}

void toolkit_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	setlocale(LC_NUMERIC, "C");
	gsl_set_error_handler_off();
	svm_set_print_string_function(quiet_print);
	set_print_string_function(quiet_print);
	(void)toolkit_git_commit();
}

struct cJSON *toolkit_versions_json(void)
{
	cJSON *o = cJSON_CreateObject();
	char buf[64];
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "pyvet", PYVET_VERSION);
	cJSON_AddStringToObject(o, "gsl", gsl_version);
	snprintf(buf, sizeof(buf), "%d", libsvm_version);
	cJSON_AddStringToObject(o, "libsvm", buf);
	snprintf(buf, sizeof(buf), "%d", liblinear_version);
	cJSON_AddStringToObject(o, "liblinear", buf);
	cJSON_AddStringToObject(o, "cjson", cJSON_Version());
	cJSON_AddStringToObject(o, "libarchive", archive_version_string());
	cJSON_AddStringToObject(o, "libpsl", psl_get_version());
	cJSON_AddStringToObject(o, "openblas", openblas_get_config());
	return o;
}

const char *toolkit_git_commit(void)
{
	static char commit[80];
	FILE *p;
	if (commit[0])
		return commit;
	strcpy(commit, "unknown");
	p = popen("git rev-parse HEAD 2>/dev/null && (git diff --quiet HEAD -- . 2>/dev/null || "
	          "echo dirty)",
	          "r");
	if (p) {
		char line[80], out[80] = "";
		int n = 0;
		while (fgets(line, sizeof(line), p)) {
			line[strcspn(line, "\n")] = '\0';
			if (n == 0 && strlen(line) == 40)
				snprintf(out, sizeof(out), "%s", line);
			else if (n == 1 && !strcmp(line, "dirty") && out[0])
				strncat(out, "-dirty", sizeof(out) - strlen(out) - 1);
			n++;
		}
		pclose(p);
		if (out[0])
			snprintf(commit, sizeof(commit), "%s", out);
	}
	return commit;
}
