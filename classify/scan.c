#include "scan.h"

#include <glib.h>
#include <jansson.h>
#include <stdlib.h>
#include <time.h>

#include "classify.h"

struct sc_engine {
	rl_pack *pack;
	ex_ctx *ex;
	cl_scanner *cl;
};

const char *sc_verdict_name(sc_verdict v)
{
	switch (v) {
	case SC_CLEAR:
		return "clear";
	case SC_REVIEW:
		return "review";
	case SC_RESTRICTED:
		return "restricted";
	case SC_PROHIBITED:
		return "prohibited";
	case SC_UNSCANNABLE:
		return "unscannable";
	}
	return "unscannable";
}

cs_code sc_engine_new(rl_pack *pack, const ex_config *cfg, sc_engine **out,
		      cs_error *err)
{
	cs_code rc;
	sc_engine *e = calloc(1, sizeof *e);
	if (!e) {
		rl_pack_free(pack);
		return cs_fail(err, CS_ENOMEM, "engine: out of memory");
	}
	e->pack = pack;
	ex_config defaults = {0};
	rc = ex_ctx_new(cfg ? cfg : &defaults, &e->ex, err);
	if (rc == CS_OK)
		rc = cl_scanner_new(pack, &e->cl, err);
	if (rc != CS_OK) {
		sc_engine_free(e);
		return rc;
	}
	*out = e;
	return CS_OK;
}

void sc_engine_free(sc_engine *e)
{
	if (!e)
		return;
	cl_scanner_free(e->cl);
	ex_ctx_free(e->ex);
	rl_pack_free(e->pack);
	free(e);
}

const rl_pack *sc_engine_pack(const sc_engine *e)
{
	return e->pack;
}

static json_t *parts_json(const ex_doc *doc)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < ex_doc_part_count(doc); i++) {
		const ex_part *p = ex_doc_part(doc, i);
		json_t *o = json_object();
		json_object_set_new(o, "path", json_string(p->path));
		json_object_set_new(o, "type", json_string(p->type));
		json_object_set_new(o, "size", json_integer((json_int_t)p->size));
		json_object_set_new(o, "status", json_string(ex_status_name(p->status)));
		json_object_set_new(o, "reason",
				    p->reason ? json_string(p->reason) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

/*
 * Fail closed: a document not read in full is never clear, and a weak
 * signal (review) on what could be read does not hide what could not.
 * Only a firm hit outranks the missing parts.
 */
static sc_verdict final_verdict(sc_verdict hits, ex_status read)
{
	if (hits >= SC_RESTRICTED || read == EX_OK)
		return hits;
	return SC_UNSCANNABLE;
}

cs_code sc_scan(sc_engine *e, const void *data, size_t len,
		const sc_options *opt, char **json, sc_verdict *verdict,
		cs_error *err)
{
	const char *name = opt && opt->name ? opt->name : "document";
	ex_doc *doc = NULL;
	cl_result *res = NULL;
	json_t *root = NULL;
	cs_code rc = ex_extract(e->ex, data, len, name, &doc, err);
	if (rc != CS_OK)
		goto done;
	rc = cl_classify(e->cl, doc, opt ? opt->as_of : NULL, &res, err);
	if (rc != CS_OK)
		goto done;

	size_t cut;
	if (cl_result_limited(res, &cut))
		ex_doc_set_status(doc, ex_doc_segment(doc, cut)->part, EX_PARTIAL,
				  "match limit reached: a text repeats rule phrases "
				  "millions of times; the rest of it was not matched");
	sc_verdict v = final_verdict(cl_result_verdict(res), ex_doc_status(doc));
	const ex_part *outer = ex_doc_part(doc, 0);
	char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
	root = json_object();
	json_object_set_new(root, "file", json_string(name));
	json_object_set_new(root, "verdict", json_string(sc_verdict_name(v)));
	json_object_set_new(root, "type",
			    json_string(outer ? outer->type : "application/octet-stream"));
	json_object_set_new(root, "size", json_integer((json_int_t)len));
	json_object_set_new(root, "sha256", json_string(sha ? sha : ""));
	g_free(sha);
	/* for the audit trail: which scanner, when (UTC) */
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(root, "scanner", json_string("catscan " CS_VERSION));
	json_object_set_new(root, "scanned_at", json_string(when));
	json_object_set_new(root, "catalogue", cl_result_catalogue_json(res));
	json_object_set_new(root, "hits", cl_result_hits_json(res, doc));
	json_object_set_new(root, "other_editions",
			    cl_result_other_editions_json(res, doc));
	json_object_set_new(root, "parts", parts_json(doc));
	json_object_set_new(root, "next_step", json_string(cl_next_step(v)));
	*json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!*json) {
		rc = cs_fail(err, CS_ENOMEM, "engine: out of memory");
		goto done;
	}
	*verdict = v;
done:
	json_decref(root);
	cl_result_free(res);
	ex_doc_free(doc);
	return rc;
}
