/*
 * proto.c: checks what clients send before anything else looks at it.
 *
 * Everything from a client is hostile: frames are counted and sized first,
 * the metadata must be one JSON object of bounded size whose few known
 * fields have the right types, and the file name is kept only as a display
 * string with control characters replaced. Unknown metadata fields are
 * ignored so that newer clients can talk to older daemons.
 */
#include "proto.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool frame_is(const cd_frame *f, const char *s)
{
	size_t n = strlen(s);
	return f->len == n && memcmp(f->data, s, n) == 0;
}

/* Copies a display string, replacing control characters (a name ends up in
 * log lines and terminals) and cutting at a UTF-8 character boundary. */
static void copy_display(char *dst, size_t max, const char *src)
{
	size_t n = strlen(src);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];
		dst[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	dst[n] = '\0';
}

static cs_code parse_meta(const cd_frame *f, cd_request *req, const char **code,
			  cs_error *err)
{
	if (f->len == 0)
		return CS_OK; /* no metadata: every field takes its default */
	if (f->len > CD_META_MAX) {
		*code = CD_E_TOO_LARGE;
		return cs_fail(err, CS_ELIMIT, "metadata larger than %d bytes",
			       CD_META_MAX);
	}
	json_error_t je;
	json_t *meta = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je);
	cs_code rc = CS_OK;
	*code = CD_E_MALFORMED;
	if (!meta || !json_is_object(meta)) {
		rc = cs_fail(err, CS_ESYNTAX, "metadata is not a JSON object%s%s",
			     meta ? "" : ": ", meta ? "" : je.text);
		goto done;
	}
	json_t *v = json_object_get(meta, "id");
	if (v) {
		if (!json_is_string(v) || json_string_length(v) > CD_ID_MAX) {
			rc = cs_fail(err, CS_EINVAL,
				     "id must be a string of at most %d bytes",
				     CD_ID_MAX);
			goto done;
		}
		copy_display(req->id, CD_ID_MAX, json_string_value(v));
	}
	v = json_object_get(meta, "name");
	if (v) {
		if (!json_is_string(v)) {
			rc = cs_fail(err, CS_EINVAL, "name must be a string");
			goto done;
		}
		copy_display(req->name, CD_NAME_MAX, json_string_value(v));
	}
	v = json_object_get(meta, "as_of");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || !cs_date_valid(json_string_value(v))) {
			*code = CD_E_INVALID;
			rc = cs_fail(err, CS_EINVAL,
				     "as_of must be a date written YYYY-MM-DD");
			goto done;
		}
		snprintf(req->as_of, sizeof req->as_of, "%s", json_string_value(v));
	}
	v = json_object_get(meta, "options");
	if (v && !json_is_object(v)) {
		rc = cs_fail(err, CS_EINVAL, "options must be an object");
		goto done;
	}
done:
	json_decref(meta);
	return rc;
}

cs_code cd_request_parse(const cd_frame *f, size_t n, size_t max_message,
			 cd_request *req, const char **code, cs_error *err)
{
	memset(req, 0, sizeof *req);
	snprintf(req->name, sizeof req->name, "document");
	*code = CD_E_MALFORMED;
	if (n < 2)
		return cs_fail(err, CS_ESYNTAX,
			       "expected at least 2 frames: protocol, command");
	if (!frame_is(&f[0], CD_PROTO)) {
		*code = CD_E_VERSION;
		return cs_fail(err, CS_EINVAL,
			       "unsupported protocol; this daemon speaks " CD_PROTO);
	}
	size_t want;
	if (frame_is(&f[1], CD_SCAN)) {
		req->cmd = CD_CMD_SCAN;
		want = 4;
	} else if (frame_is(&f[1], CD_PING)) {
		req->cmd = CD_CMD_PING;
		want = 3;
	} else if (frame_is(&f[1], CD_STATUS)) {
		req->cmd = CD_CMD_STATUS;
		want = 3;
	} else {
		*code = CD_E_COMMAND;
		return cs_fail(err, CS_EINVAL,
			       "unknown command; expected SCAN, PING or STATUS");
	}
	/* PING and STATUS may leave out their (empty) metadata frame. */
	if (n > want || n < want - (want == 3)) {
		if (n >= 3)
			parse_meta(&f[2], req, code, NULL); /* for the id only */
		*code = CD_E_MALFORMED;
		return cs_fail(err, CS_ESYNTAX, "%.*s takes %zu frames, got %zu",
			       (int)f[1].len, (const char *)f[1].data, want, n);
	}
	if (n >= 3) {
		cs_code rc = parse_meta(&f[2], req, code, err);
		if (rc)
			return rc;
	}
	if (req->cmd == CD_CMD_SCAN) {
		req->body_frame = 3;
		if (f[3].len > max_message) {
			*code = CD_E_TOO_LARGE;
			return cs_fail(err, CS_ELIMIT,
				       "document of %zu bytes is over the limit of "
				       "%zu bytes",
				       f[3].len, max_message);
		}
	}
	*code = NULL;
	return CS_OK;
}

/* Item codes are short ASCII words; anything else in a result is not
 * put in a topic, where a space would break the prefix scheme. */
static bool topic_word(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 96)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return false;
	return true;
}

cs_code cd_result_summary(const char *json, size_t len, char *verdict,
			  size_t verdict_max, char *items, size_t items_max,
			  char *type, size_t type_max, cs_error *err)
{
	json_t *r = json_loadb(json, len, 0, NULL);
	cs_code rc = CS_OK;
	verdict[0] = items[0] = type[0] = '\0';
	const char *v = r ? json_string_value(json_object_get(r, "verdict")) : NULL;
	if (!v || !topic_word(v)) {
		rc = cs_fail(err, CS_ESYNTAX, "result has no verdict");
		goto done;
	}
	snprintf(verdict, verdict_max, "%s", v);
	const char *t = json_string_value(json_object_get(r, "type"));
	if (!t) {
		json_t *parts = json_object_get(r, "parts");
		t = json_string_value(json_object_get(json_array_get(parts, 0), "type"));
	}
	snprintf(type, type_max, "%s", t ? t : "-");

	json_t *hits = json_object_get(r, "hits");
	size_t len_items = 0;
	size_t nhits = json_array_size(hits);
	for (size_t i = 0; i < nhits && i < 10000; i++) {
		const char *code = json_string_value(
			json_object_get(json_array_get(hits, i), "item"));
		if (!code || !topic_word(code))
			continue;
		size_t cl = strlen(code);
		/* distinct: look for ",code," in ",items," */
		bool seen = false;
		for (const char *p = items; *p && !seen; p += strcspn(p, ",")) {
			if (*p == ',')
				p++;
			seen = strncmp(p, code, cl) == 0 &&
			       (p[cl] == ',' || p[cl] == '\0');
		}
		if (seen)
			continue;
		if (len_items + cl + 2 > items_max)
			break;
		if (len_items)
			items[len_items++] = ',';
		memcpy(items + len_items, code, cl + 1);
		len_items += cl;
	}
done:
	json_decref(r);
	return rc;
}

cs_code cd_topics(const char *verdict, const char *items, cs_buf *out)
{
	cs_code rc = cs_buf_printf(out, "verdict %s\n", verdict);
	const char *p = items;
	for (int guard = 0; !rc && *p && guard < 10000; guard++) {
		size_t n = strcspn(p, ",");
		rc = cs_buf_printf(out, "item %.*s %s\n", (int)n, p, verdict);
		p += n;
		if (*p == ',')
			p++;
	}
	return rc;
}

char *cd_error_meta(const char *id, const char *code, const char *message)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "id", id ? id : "", "code", code,
			      "message", message);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}
