#include "match.h"

#include <hs.h>
#include <limits.h>
#include <stdlib.h>

struct mt_db {
	hs_database_t *hs;
};

struct mt_scratch {
	hs_scratch_t *hs;
};

cs_code mt_db_compile(const char *const *text, const size_t *len, size_t n,
		      mt_db **out, cs_error *err)
{
	cs_code rc = CS_OK;
	unsigned *ids = NULL;
	unsigned *flags = NULL;
	hs_compile_error_t *cerr = NULL;
	mt_db *db = NULL;

	if (n == 0 || n > UINT_MAX)
		return cs_fail(err, CS_EINVAL, "matcher: %zu patterns", n);
	ids = malloc(n * sizeof *ids);
	flags = calloc(n, sizeof *flags);
	db = calloc(1, sizeof *db);
	if (!ids || !flags || !db) {
		rc = cs_fail(err, CS_ENOMEM, "matcher: out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = (unsigned)i;
	/* Single-match would hide the second occurrence of a term, which the
	 * proximity windows need, so every match is reported. */
	if (hs_compile_lit_multi(text, flags, ids, len, (unsigned)n, HS_MODE_BLOCK,
				 NULL, &db->hs, &cerr) != HS_SUCCESS) {
		rc = cs_fail(err, CS_EBACKEND, "matcher: pattern %d: %s",
			     cerr ? cerr->expression : -1,
			     cerr ? cerr->message : "compile failed");
		goto done;
	}
	*out = db;
	db = NULL;
done:
	if (cerr)
		hs_free_compile_error(cerr);
	free(ids);
	free(flags);
	mt_db_free(db);
	return rc;
}

void mt_db_free(mt_db *db)
{
	if (!db)
		return;
	hs_free_database(db->hs);
	free(db);
}

size_t mt_db_size(const mt_db *db)
{
	size_t size = 0;
	if (hs_database_size(db->hs, &size) != HS_SUCCESS)
		return 0;
	return size;
}

cs_code mt_scratch_new(const mt_db *db, mt_scratch **out, cs_error *err)
{
	mt_scratch *s = calloc(1, sizeof *s);
	if (!s)
		return cs_fail(err, CS_ENOMEM, "matcher: out of memory");
	if (hs_alloc_scratch(db->hs, &s->hs) != HS_SUCCESS) {
		free(s);
		return cs_fail(err, CS_EBACKEND, "matcher: cannot allocate scratch");
	}
	*out = s;
	return CS_OK;
}

void mt_scratch_free(mt_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	free(s);
}

struct trampoline {
	mt_on_match cb;
	void *ctx;
};

static int on_hs_match(unsigned id, unsigned long long from,
		       unsigned long long to, unsigned flags, void *ctx)
{
	struct trampoline *t = ctx;
	return t->cb(id, (size_t)to, t->ctx);
}

cs_code mt_scan(const mt_db *db, mt_scratch *s, const char *text, size_t len,
		mt_on_match cb, void *ctx, cs_error *err)
{
	if (len >= UINT_MAX)
		return cs_fail(err, CS_ELIMIT, "matcher: text of %zu bytes", len);
	struct trampoline t = {cb, ctx};
	hs_error_t rc = hs_scan(db->hs, text, (unsigned)len, 0, s->hs,
				on_hs_match, &t);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
		return cs_fail(err, CS_EBACKEND, "matcher: scan failed (%d)", rc);
	return CS_OK;
}
