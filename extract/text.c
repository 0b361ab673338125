/*
 * text.c: plain text in any character set detect.c knows (UTF-8, UTF-16
 * with or without a mark, GB18030/GBK, Big5, single-byte sets), converted
 * to UTF-8. Bytes libmagic calls application/octet-stream are typed
 * text/plain by detect.c only when nearly all of them decode to printable
 * characters; anything else stays an unsupported format.
 */
#include <stdio.h>
#include <string.h>

#include "detect.h"

static bool text_accepts(const char *mime, const void *data, size_t len)
{
	return strncmp(mime, "text/", 5) == 0 || strcmp(mime, "application/json") == 0 ||
	       strcmp(mime, "application/csv") == 0;
}

static cs_code text_extract(ex_job *job, size_t part, const void *data,
			    size_t len)
{
	ex_doc *doc = ex_job_doc(job);
	size_t left = ex_job_text_left(job), bad = 0;
	const char *cs = NULL;
	cs_buf b;
	/* One byte over what may be kept, so that reaching the limit shows. */
	cs_buf_init(&b, left + 1);
	cs_code rc = ex_to_utf8(data, len, NULL, &b, &cs, &bad);
	if (rc != CS_OK && rc != CS_ELIMIT)
		goto done;
	rc = ex_job_text(job, part, 0, b.data ? b.data : "", b.len);
	/* A few bad bytes are damage in the text; many mean a wrong guess. */
	if (bad * 100 > len) {
		char why[128];
		snprintf(why, sizeof why, "%zu bytes could not be decoded as %s", bad, cs);
		ex_doc_set_status(doc, part, EX_PARTIAL, why);
	}
done:
	cs_buf_free(&b);
	return rc;
}

const ex_handler ex_handler_text = {
	.name = "text",
	.accepts = text_accepts,
	.extract = text_extract,
};
