/*
 * archive.c: archives and compressed files through libarchive (zip, tar,
 * 7z, cpio, ar, rar, cab, ISO 9660, and gzip, bzip2, xz, zstd... around
 * them or around a single file), and the bounded member reader the Office
 * handler shares.
 *
 * Members are read into memory in chunks and handed to ex_job_child(),
 * which recurses. Reading stops, and the member is marked unscannable with
 * the limit named, as soon as it passes the first of: its cap (max_input),
 * the document's remaining expanded-bytes budget, the expansion ratio, the
 * wall time. The ratio is the member's bytes out over the compressed bytes
 * libarchive consumed while producing them (archive_filter_bytes(-1)); it
 * is checked only past RATIO_FLOOR bytes, because tiny members compress by
 * large factors without harm and solid formats (7z) consume input in
 * blocks.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

#define CHUNK 65536
/* Below this many bytes out a member is never stopped for its ratio. */
#define RATIO_FLOOR ((size_t)1 << 20)

struct ex_arc {
	struct archive *a;
	struct archive_entry *e;
	ex_job *job;
	size_t part;
	cs_buf name;
	char *chunk;
};

static bool archive_accepts(const char *mime, const void *data, size_t len)
{
	static const char *const types[] = {
		"application/zip", "application/x-zip-compressed",
		"application/java-archive", "application/x-tar",
		"application/gzip", "application/x-gzip", "application/x-bzip2",
		"application/x-xz", "application/x-7z-compressed",
		"application/x-rar", "application/vnd.rar",
		"application/x-rar-compressed", "application/vnd.ms-cab-compressed",
		"application/x-cpio", "application/x-archive",
		"application/x-iso9660-image", "application/zstd",
		"application/x-lzma", "application/x-lzip", "application/x-compress",
		"application/x-lzh-compressed", "application/x-xar",
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(types); i++)
		if (strcmp(mime, types[i]) == 0)
			return true;
	return false;
}

void ex_arc_free(ex_arc *a)
{
	if (!a)
		return;
	if (a->a)
		archive_read_free(a->a);
	cs_buf_free(&a->name);
	free(a->chunk);
	free(a);
}

ex_arc *ex_arc_open(ex_job *job, size_t part, const void *data, size_t len,
		    bool raw, cs_code *rc)
{
	ex_arc *a = calloc(1, sizeof *a);
	*rc = CS_ENOMEM;
	if (!a || !(a->chunk = malloc(CHUNK)) || !(a->a = archive_read_new()))
		goto fail;
	a->job = job;
	a->part = part;
	cs_buf_init(&a->name, 4096);
	archive_read_support_filter_all(a->a);
	/* Named formats only: "all" includes mtree, which claims plain text. */
	archive_read_support_format_zip(a->a);
	archive_read_support_format_tar(a->a);
	archive_read_support_format_7zip(a->a);
	archive_read_support_format_cpio(a->a);
	archive_read_support_format_ar(a->a);
	archive_read_support_format_rar(a->a);
	archive_read_support_format_rar5(a->a);
	archive_read_support_format_cab(a->a);
	archive_read_support_format_iso9660(a->a);
	archive_read_support_format_lha(a->a);
	archive_read_support_format_xar(a->a);
	if (raw)
		archive_read_support_format_raw(a->a);
	*rc = CS_OK;
	if (archive_read_open_memory(a->a, data, len) != ARCHIVE_OK) {
		char why[CS_ERROR_MAX];
		snprintf(why, sizeof why, "corrupt: %s",
			 archive_error_string(a->a) ? archive_error_string(a->a)
						    : "not a readable archive");
		ex_doc_set_status(ex_job_doc(job), part, EX_UNSCANNABLE, why);
		goto fail;
	}
	return a;
fail:
	ex_arc_free(a);
	return NULL;
}

/* The name of a single compressed stream: its container's, less ".gz". */
static void raw_name(ex_arc *a)
{
	static const char *const exts[] = {".gz", ".bz2", ".xz", ".zst", ".lz",
					   ".lzma", ".Z", ".tgz", ".txz"};
	const char *path = ex_doc_part(ex_job_doc(a->job), a->part)->path;
	const char *base = strrchr(path, '>');
	base = base ? base + 2 : path;
	size_t n = strlen(base);
	for (size_t i = 0; i < CS_ARRAY_LEN(exts); i++) {
		size_t k = strlen(exts[i]);
		if (n > k && strcmp(base + n - k, exts[i]) == 0) {
			n -= k;
			break;
		}
	}
	cs_buf_reset(&a->name);
	if (n == 0 || cs_buf_add(&a->name, base, n) != CS_OK)
		cs_buf_adds(&a->name, "data");
}

int ex_arc_next(ex_arc *a, const char **name, size_t *size, bool *is_dir)
{
	int r = archive_read_next_header(a->a, &a->e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		char why[CS_ERROR_MAX];
		snprintf(why, sizeof why, "corrupt: %s",
			 archive_error_string(a->a) ? archive_error_string(a->a)
						    : "damaged archive");
		ex_doc_set_status(ex_job_doc(a->job), a->part, EX_PARTIAL, why);
		return -1;
	}
	if (archive_format(a->a) == ARCHIVE_FORMAT_RAW) {
		raw_name(a);
	} else {
		const char *n = archive_entry_pathname_utf8(a->e);
		if (!n)
			n = archive_entry_pathname(a->e);
		if (!n)
			n = "unnamed";
		/* Zips made on Chinese Windows name members in GBK. */
		cs_buf_reset(&a->name);
		if (ex_to_utf8(n, strlen(n), NULL, &a->name, NULL, NULL) != CS_OK) {
			cs_buf_reset(&a->name);
			cs_buf_adds(&a->name, "unnamed");
		}
	}
	*name = a->name.data ? a->name.data : "";
	*size = archive_entry_size_is_set(a->e) && archive_entry_size(a->e) > 0
			? (size_t)archive_entry_size(a->e)
			: 0;
	*is_dir = archive_entry_filetype(a->e) != AE_IFREG;
	return 1;
}

bool ex_arc_encrypted(ex_arc *a)
{
	return a->e && archive_entry_is_data_encrypted(a->e);
}

cs_code ex_arc_read(ex_arc *a, cs_buf *out, size_t cap, char *why, size_t size)
{
	const ex_limits *lim = ex_job_limits(a->job);
	size_t budget = ex_job_expand_left(a->job);
	la_int64_t start = archive_filter_bytes(a->a, -1);
	cs_buf_reset(out);
	if (ex_arc_encrypted(a)) {
		snprintf(why, size, "encrypted");
		return CS_EENCRYPTED;
	}
	/* Each pass reads at least one byte or ends the member. */
	for (;;) {
		la_ssize_t n = archive_read_data(a->a, a->chunk, CHUNK);
		if (n == 0)
			return CS_OK;
		if (n < 0) {
			const char *e = archive_error_string(a->a);
			if (e && strstr(e, "assphrase")) {
				snprintf(why, size, "encrypted");
				return CS_EENCRYPTED;
			}
			snprintf(why, size, "corrupt: %s", e ? e : "damaged member");
			return CS_ECORRUPT;
		}
		size_t total = out->len + (size_t)n;
		if (total > cap) {
			snprintf(why, size, "input limit (max_input %zu bytes) exceeded", cap);
			return CS_ELIMIT;
		}
		if (total > budget) {
			snprintf(why, size, "expanded-bytes limit (max_expanded %zu) reached",
				 lim->max_expanded);
			return CS_ELIMIT;
		}
		la_int64_t used = archive_filter_bytes(a->a, -1) - start;
		if (total > RATIO_FLOOR &&
		    (double)total > lim->max_ratio * (double)(used > 0 ? used : 1)) {
			snprintf(why, size, "expansion ratio limit (max_ratio %g) exceeded",
				 lim->max_ratio);
			return CS_ELIMIT;
		}
		if (ex_job_expired(a->job)) {
			snprintf(why, size, "wall-time limit (wall_seconds %g) reached",
				 lim->wall_seconds);
			return CS_ETIMEOUT;
		}
		cs_code rc = cs_buf_add(out, a->chunk, (size_t)n);
		if (rc != CS_OK)
			return rc == CS_ELIMIT ? CS_ENOMEM : rc;
	}
}

static cs_code archive_extract(ex_job *job, size_t part, const void *data,
			       size_t len)
{
	ex_doc *doc = ex_job_doc(job);
	cs_code rc = CS_OK;
	cs_buf buf;
	char why[CS_ERROR_MAX];
	cs_buf_init(&buf, SIZE_MAX / 2);
	ex_arc *a = ex_arc_open(job, part, data, len, true, &rc);
	if (!a)
		goto done;
	/* Bounded by max_parts: every member read or skipped adds a part. */
	for (;;) {
		const char *name;
		size_t size;
		bool dir;
		if (ex_job_full(job, part))
			break;
		if (ex_job_expired(job)) {
			snprintf(why, sizeof why, "wall-time limit (wall_seconds %g) reached",
				 ex_job_limits(job)->wall_seconds);
			ex_doc_set_status(doc, part, EX_PARTIAL, why);
			break;
		}
		int r = ex_arc_next(a, &name, &size, &dir);
		if (r <= 0)
			break;
		if (dir)
			continue;
		rc = ex_arc_read(a, &buf, ex_job_limits(job)->max_input, why, sizeof why);
		if (rc == CS_ENOMEM)
			break;
		if (rc == CS_OK)
			rc = ex_job_child(job, part, name, buf.data ? buf.data : "", buf.len);
		else
			rc = ex_job_unread(job, part, name, size ? size : buf.len,
					   EX_UNSCANNABLE, why);
		if (rc != CS_OK)
			break;
		cs_buf_free(&buf);
	}
done:
	ex_arc_free(a);
	cs_buf_free(&buf);
	return rc;
}

const ex_handler ex_handler_archive = {
	.name = "archive",
	.accepts = archive_accepts,
	.extract = archive_extract,
};
