/* Unit tests for core/base/sbuf's file reader: the whole file is appended, a file of exactly
 * `max` bytes is read and one byte more is refused, a missing file is an error naming it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/sbuf.h"
#include "tests/harness.h"

static void write_bytes(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");
	for (size_t i = 0; f && i < n; i++)
		fputc('a' + (int)(i % 26), f);
	if (f)
		fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/pyvet-sbuf-XXXXXX", path[64];
	struct sbuf b = SBUF_INIT;
	struct diag d;
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/t.txt", dir);

	write_bytes(path, 20000); /* more than one read chunk */
	diag_init(&d);
	CHECK_INT(sbuf_read_file(&b, path, 20000, "test table", &d), 0, "a file of exactly max");
	CHECK_INT((long long)b.len, 20000, "every byte appended");
	CHECK(b.buf && b.buf[0] == 'a' && b.buf[19999] == 'a' + 19999 % 26 && b.buf[20000] == 0,
	      "content in order, NUL-terminated");
	sbuf_release(&b);
	diag_release(&d);

	diag_init(&d);
	CHECK_INT(sbuf_read_file(&b, path, 19999, "test table", &d), -1, "one byte over max");
	CHECK(strstr(diag_message(&d), "test table") && strstr(diag_message(&d), "too large"),
	      "too large names the file kind: %s", diag_message(&d));
	sbuf_release(&b);
	diag_release(&d);

	unlink(path);
	diag_init(&d);
	CHECK_INT(sbuf_read_file(&b, path, 100, "test table", &d), -1, "a missing file");
	CHECK(strstr(diag_message(&d), "cannot read test table"), "missing: %s", diag_message(&d));
	sbuf_release(&b);
	diag_release(&d);
	rmdir(dir);
	return harness_done();
}
