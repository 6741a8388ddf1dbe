/* toolkit_init(): one place that configures GSL, libsvm, liblinear and the locale; the versions
 * and the build commit every sidecar records. */
#include "core/base/toolkit.h"

#include <archive.h>
#include <cjson/cJSON.h>
#include <csv.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <libpsl.h>
#include <libsvm/svm.h>
#include <locale.h>
#include <nettle/version.h>
#include <stdio.h>
#include <string.h>
#include <unistring/version.h>

#include "gen/version.h" /* PYVET_BUILD_COMMIT, PYVET_BUILD_DIRTY: written by make */

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
	snprintf(buf, sizeof(buf), "%d.%d", nettle_version_major(), nettle_version_minor());
	cJSON_AddStringToObject(o, "nettle", buf);
	snprintf(buf, sizeof(buf), "%d.%d.%d (headers)", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
	cJSON_AddStringToObject(o, "libcsv", buf);
	snprintf(buf, sizeof(buf), "%d.%d.%d", _libunistring_version >> 16,
	         (_libunistring_version >> 8) & 0xff, _libunistring_version & 0xff);
	cJSON_AddStringToObject(o, "libunistring", buf);
	return o;
}

const char *toolkit_build_commit(void)
{
	return PYVET_BUILD_DIRTY ? PYVET_BUILD_COMMIT "-dirty" : PYVET_BUILD_COMMIT;
}
