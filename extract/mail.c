/*
 * mail.c: RFC 5322 / MIME messages through GMime 3.
 *
 * The message's Subject, From, To and Cc (encoded words decoded) are one
 * text segment. Each inline text/plain part is decoded (base64, quoted-
 * printable...) and converted from its charset to UTF-8; each inline
 * text/html part goes through the markup reader with its charset. Every
 * other leaf part (attachments, inline images, parts of unknown type) and
 * every attached message (message/rfc822) becomes a child part, named by
 * its filename or "part-N", and is detected and read like any document.
 *
 * Encrypted mail (multipart/encrypted, S/MIME enveloped data) cannot be
 * read and says so; the signature parts of signed mail are not documents
 * and are skipped. GMime's parser reports damage through a callback:
 * a truncated or malformed message, or one that tries to exploit the
 * parser (nesting overflow), is marked partial with GMime's words.
 */
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>

#include "detect.h"

/* Multiparts nested deeper than this are not walked. */
#define MAX_NESTING 64

typedef struct mail {
	ex_job *job;
	size_t part;
	int leaf;     /* number of the last leaf part, for "part-N" */
	bool deep;
	cs_code rc;
} mail;

static once_flag gmime_once = ONCE_FLAG_INIT;

/* GMime keeps global tables for the process; it is initialised once. */
static void gmime_start(void)
{
	g_mime_init();
}

static bool mail_accepts(const char *mime, const void *data, size_t len)
{
	return strcmp(mime, "message/rfc822") == 0 || strcmp(mime, "message/news") == 0;
}

static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
		       gpointer user)
{
	mail *m = user;
	const char *what = NULL;
	switch (code) {
	case GMIME_WARN_TRUNCATED_MESSAGE:
		what = "corrupt: the message is truncated";
		break;
	case GMIME_WARN_MALFORMED_MESSAGE:
		what = "corrupt: the message is malformed";
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		what = "MIME nesting too deep; inner parts not read";
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		what = "corrupt: a multipart has no boundary";
		break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
	case GMIME_CRIT_INVALID_HEADER_NAME:
		what = "corrupt: a part without headers or with invalid headers";
		break;
	default:
		return;
	}
	ex_doc_set_status(ex_job_doc(m->job), m->part, EX_PARTIAL, what);
}

static void add_line(cs_buf *b, const char *label, const char *value)
{
	if (value && *value) {
		cs_buf_adds(b, label);
		cs_buf_adds(b, value);
		cs_buf_addc(b, '\n');
	}
}

static void add_addresses(cs_buf *b, const char *label, InternetAddressList *list)
{
	if (!list || internet_address_list_length(list) == 0)
		return;
	char *s = internet_address_list_to_string(list, NULL, FALSE);
	add_line(b, label, s);
	g_free(s);
}

static cs_code headers(mail *m, GMimeMessage *msg)
{
	cs_buf b;
	cs_buf_init(&b, 1 << 20);
	add_line(&b, "Subject: ", g_mime_message_get_subject(msg));
	add_addresses(&b, "From: ", g_mime_message_get_from(msg));
	add_addresses(&b, "To: ", g_mime_message_get_to(msg));
	add_addresses(&b, "Cc: ", g_mime_message_get_cc(msg));
	cs_code rc = b.len ? ex_job_text(m->job, m->part, 0, b.data, b.len) : CS_OK;
	cs_buf_free(&b);
	return rc;
}

/* Writes obj (decoded when decode) to a fresh memory stream. */
static GMimeStream *to_stream(GMimeObject *obj, bool decode)
{
	GMimeStream *s = g_mime_stream_mem_new();
	if (!s)
		return NULL;
	if (decode) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));
		if (w)
			g_mime_data_wrapper_write_to_stream(w, s);
	} else {
		g_mime_object_write_to_stream(obj, NULL, s);
	}
	return s;
}

static void child(mail *m, GMimeObject *obj, const char *filename, const char *ext,
		  bool decode)
{
	char name[64];
	GMimeStream *s = to_stream(obj, decode);
	if (!s) {
		m->rc = CS_ENOMEM;
		return;
	}
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	snprintf(name, sizeof name, "part-%d%s", m->leaf, ext);
	m->rc = ex_job_child(m->job, m->part, filename && *filename ? filename : name,
			     bytes && bytes->data ? (const char *)bytes->data : "",
			     bytes ? bytes->len : 0);
	g_object_unref(s);
}

/* An inline text/plain or text/html part: text of the mail itself. */
static void body(mail *m, GMimeObject *obj, bool html)
{
	GMimeStream *s = to_stream(obj, true);
	if (!s) {
		m->rc = CS_ENOMEM;
		return;
	}
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	const char *cs = g_mime_object_get_content_type_parameter(obj, "charset");
	const char *data = bytes && bytes->data ? (const char *)bytes->data : "";
	size_t len = bytes ? bytes->len : 0;
	if (!ex_job_charge(m->job, m->part, len)) {
		g_object_unref(s);
		return;
	}
	if (html) {
		m->rc = ex_markup_html(m->job, m->part, data, len, cs);
	} else {
		cs_buf b;
		cs_buf_init(&b, ex_job_text_left(m->job) + 1);
		cs_code rc = ex_to_utf8(data, len, cs, &b, NULL, NULL);
		if (rc == CS_OK || rc == CS_ELIMIT)
			rc = ex_job_text(m->job, m->part, 0, b.data ? b.data : "", b.len);
		m->rc = rc;
		cs_buf_free(&b);
	}
	g_object_unref(s);
}

static void leaf(mail *m, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *filename = g_mime_part_get_filename(GMIME_PART(obj));
	bool attachment = g_mime_part_is_attachment(GMIME_PART(obj)) || filename;
	m->leaf++;
	/* A signature holds no document text; reading it would fail closed. */
	if (g_mime_content_type_is_type(ct, "application", "pkcs7-signature") ||
	    g_mime_content_type_is_type(ct, "application", "x-pkcs7-signature") ||
	    g_mime_content_type_is_type(ct, "application", "pgp-signature"))
		return;
	if (g_mime_content_type_is_type(ct, "application", "pkcs7-mime") ||
	    g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime")) {
		/* Opaque-signed content is inside the PKCS #7 blob too. */
		const char *type = g_mime_content_type_get_parameter(ct, "smime-type");
		ex_doc_set_status(ex_job_doc(m->job), m->part, EX_UNSCANNABLE,
				  type && strcmp(type, "signed-data") == 0
					  ? "unsupported format: S/MIME opaque-signed data"
					  : "encrypted (S/MIME)");
		return;
	}
	if (!attachment && g_mime_content_type_is_type(ct, "text", "plain"))
		body(m, obj, false);
	else if (!attachment && g_mime_content_type_is_type(ct, "text", "html"))
		body(m, obj, true);
	else
		child(m, obj, filename, "", true);
}

static void walk(mail *m, GMimeObject *obj, int depth)
{
	if (!obj || m->rc != CS_OK)
		return;
	if (depth > MAX_NESTING) {
		m->deep = true;
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
		ex_doc_set_status(ex_job_doc(m->job), m->part, EX_UNSCANNABLE,
				  "encrypted (multipart/encrypted)");
	} else if (GMIME_IS_MULTIPART(obj)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (int i = 0; i < n && m->rc == CS_OK; i++) {
			if (ex_job_full(m->job, m->part) || ex_job_expired(m->job))
				break;
			walk(m, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), depth + 1);
		}
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		m->leaf++;
		if (inner)
			child(m, GMIME_OBJECT(inner), NULL, ".eml", false);
	} else if (GMIME_IS_PART(obj)) {
		leaf(m, obj);
	}
}

static cs_code mail_extract(ex_job *job, size_t part, const void *data, size_t len)
{
	mail m = {.job = job, .part = part, .rc = CS_OK};
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeParserOptions *opts = NULL;
	GMimeMessage *msg = NULL;
	call_once(&gmime_once, gmime_start);
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = stream ? g_mime_parser_new_with_stream(stream) : NULL;
	opts = g_mime_parser_options_new();
	if (!parser || !opts) {
		m.rc = CS_ENOMEM;
		goto done;
	}
	g_mime_parser_options_set_warning_callback(opts, on_warning, &m);
	msg = g_mime_parser_construct_message(parser, opts);
	if (!msg) {
		ex_doc_set_status(ex_job_doc(job), part, EX_UNSCANNABLE,
				  "corrupt: not a MIME message");
		goto done;
	}
	if ((m.rc = headers(&m, msg)) != CS_OK)
		goto done;
	walk(&m, g_mime_message_get_mime_part(msg), 0);
	if (m.deep)
		ex_doc_set_status(ex_job_doc(job), part, EX_PARTIAL,
				  "multiparts nested deeper than 64 not read");
	if (ex_job_expired(job))
		ex_doc_set_status(ex_job_doc(job), part, EX_PARTIAL,
				  "wall-time limit reached; later parts not read");
done:
	if (msg)
		g_object_unref(msg);
	if (opts)
		g_mime_parser_options_free(opts);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	return m.rc == CS_ELIMIT ? CS_OK : m.rc;
}

const ex_handler ex_handler_mail = {
	.name = "mail",
	.accepts = mail_accepts,
	.extract = mail_extract,
};
