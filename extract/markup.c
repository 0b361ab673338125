/*
 * markup.c: HTML and XML through libxml2, text content only.
 *
 * The bytes are converted to UTF-8 first (detect.c: mark, then the charset
 * the document or its container declares, then a guess) and parsed as
 * UTF-8 with the document's own declaration ignored, so that a page whose
 * meta tag lies or is missing is still read right.
 *
 * Safety: no network (XML_PARSE_NONET), no external DTD or entity is
 * loaded, and entities are not substituted (no XML_PARSE_NOENT): an
 * internal entity contributes its replacement text once, unexpanded, so a
 * "billion laughs" document costs what its bytes cost. libxml2's own
 * amplification checks stay on (no XML_PARSE_HUGE).
 *
 * Layout: HTML block elements end a line and table cells a field; script,
 * style and template are dropped. In XML an element ends a line unless it
 * sits in mixed content (text beside elements), where it is inline.
 * Comments, processing instructions and attribute values are not text.
 */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "detect.h"

/* Bytes at the start searched for a declared charset. */
#define DECL_BYTES 4096

static bool is_html(const char *mime)
{
	return strcmp(mime, "text/html") == 0 ||
	       strcmp(mime, "application/xhtml+xml") == 0;
}

static bool markup_accepts(const char *mime, const void *data, size_t len)
{
	return is_html(mime) || strcmp(mime, "text/xml") == 0 ||
	       strcmp(mime, "application/xml") == 0 ||
	       strcmp(mime, "image/svg+xml") == 0;
}

/*
 * The charset named after key ("charset=" or "encoding=") in the first
 * bytes, copied to out; false when none.
 */
static bool declared_charset(const char *p, size_t len, const char *key,
			     char *out, size_t size)
{
	size_t n = len < DECL_BYTES ? len : DECL_BYTES, k = strlen(key);
	for (size_t i = 0; i + k < n; i++) {
		if (strncasecmp(p + i, key, k) != 0)
			continue;
		size_t j = i + k, o = 0;
		while (j < n && (p[j] == '"' || p[j] == '\'' || p[j] == ' '))
			j++;
		while (j < n && o + 1 < size &&
		       (p[j] == '-' || p[j] == '_' || p[j] == '.' || p[j] == ':' ||
			(p[j] >= '0' && p[j] <= '9') || ((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z')))
			out[o++] = p[j++];
		out[o] = '\0';
		if (o > 0)
			return true;
	}
	return false;
}

typedef struct walk {
	cs_buf *out;
	bool html;
	cs_code rc;
} walk;

static void put(walk *w, const char *s, size_t n)
{
	if (w->rc == CS_OK)
		w->rc = ex_buf_fill(w->out, s, n);
}

/* Ends a line or a field, never two in a row. */
static void separate(walk *w, char c)
{
	cs_buf *b = w->out;
	if (b->len == 0)
		return;
	char last = b->data[b->len - 1];
	if (last == '\n' || (last == c))
		return;
	if (last == ' ' || last == '\t')
		b->data[--b->len] = '\0';
	char s[1] = {c};
	put(w, s, 1);
}

/* Appends text; in HTML, runs of white space become one space. */
static void put_text(walk *w, const char *s)
{
	if (!w->html) {
		put(w, s, strlen(s));
		return;
	}
	for (size_t i = 0; s[i] && w->rc == CS_OK; i++) {
		bool space = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
			     s[i] == '\f';
		/* U+00A0 (&nbsp;) is a space to a reader. */
		if ((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] == 0xa0)
			space = true, i++;
		if (space) {
			char last = w->out->len ? w->out->data[w->out->len - 1] : '\n';
			if (last != ' ' && last != '\n' && last != '\t')
				put(w, " ", 1);
		} else {
			put(w, s + i, 1);
		}
	}
}

static bool name_in(const xmlChar *name, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp((const char *)name, set[i]) == 0)
			return true;
	return false;
}

static bool skipped(const walk *w, const xmlNode *n)
{
	static const char *const drop[] = {"script", "style", "template"};
	return w->html && name_in(n->name, drop, CS_ARRAY_LEN(drop));
}

/* True when n's parent holds non-blank text beside elements. */
static bool mixed(const xmlNode *n)
{
	for (const xmlNode *s = n->parent ? n->parent->children : NULL; s; s = s->next)
		if (s->type == XML_TEXT_NODE && !xmlIsBlankNode((xmlNode *)s))
			return true;
	return false;
}

static void leave(walk *w, const xmlNode *n)
{
	static const char *const blocks[] = {
		"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
		"title", "table", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote",
		"section", "article", "header", "footer", "nav", "aside", "form",
		"hr", "address", "figure", "figcaption", "caption", "option", "body",
	};
	static const char *const cells[] = {"td", "th"};
	if (w->html) {
		if (name_in(n->name, blocks, CS_ARRAY_LEN(blocks)))
			separate(w, '\n');
		else if (name_in(n->name, cells, CS_ARRAY_LEN(cells)))
			separate(w, '\t');
	} else if (!mixed(n)) {
		separate(w, '\n');
	}
}

static void entity_text(walk *w, xmlDoc *doc, const xmlNode *n)
{
	xmlEntity *ent = xmlGetDocEntity(doc, n->name);
	if (ent && ent->etype == XML_INTERNAL_GENERAL_ENTITY && ent->content)
		put_text(w, (const char *)ent->content);
}

/* Visits every node once, without recursion: depth costs no stack. */
static cs_code walk_tree(xmlDoc *doc, bool html, cs_buf *out)
{
	walk w = {.out = out, .html = html, .rc = CS_OK};
	xmlNode *n = doc->children;
	while (n && w.rc == CS_OK) {
		bool descend = false;
		switch (n->type) {
		case XML_ELEMENT_NODE:
			if (!skipped(&w, n) && n->children)
				descend = true;
			else
				leave(&w, n);
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content)
				put_text(&w, (const char *)n->content);
			break;
		case XML_ENTITY_REF_NODE:
			entity_text(&w, doc, n);
			break;
		default:
			break;
		}
		if (descend) {
			n = n->children;
			continue;
		}
		while (n && !n->next) {
			n = n->parent;
			if (!n || n->type != XML_ELEMENT_NODE) {
				n = NULL;
				break;
			}
			leave(&w, n);
		}
		if (n)
			n = n->next;
	}
	return w.rc;
}

/*
 * Parses UTF-8 markup and adds its text to part. A document libxml2
 * cannot parse at all is unscannable; XML that parsed only in recovery
 * mode is partial.
 */
static cs_code parse_utf8(ex_job *job, size_t part, const char *utf8, size_t len,
			  bool html)
{
	ex_doc *d = ex_job_doc(job);
	xmlDoc *doc = NULL;
	xmlParserCtxt *ctxt = NULL;
	cs_buf text;
	cs_code rc = CS_OK;
	int n = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;
	cs_buf_init(&text, ex_job_text_left(job) + 1);
	if (html) {
		doc = htmlReadMemory(utf8, n, NULL, "UTF-8",
				     HTML_PARSE_NONET | HTML_PARSE_NOERROR |
					     HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC);
	} else if ((ctxt = xmlNewParserCtxt())) {
		doc = xmlCtxtReadMemory(ctxt, utf8, n, NULL, "UTF-8",
					XML_PARSE_NONET | XML_PARSE_NOERROR |
						XML_PARSE_NOWARNING | XML_PARSE_RECOVER |
						XML_PARSE_IGNORE_ENC);
	}
	if (!doc) {
		ex_doc_set_status(d, part, EX_UNSCANNABLE,
				  html ? "corrupt: HTML does not parse"
				       : "corrupt: XML does not parse");
		goto done;
	}
	if (ctxt && !ctxt->wellFormed)
		ex_doc_set_status(d, part, EX_PARTIAL,
				  "corrupt: XML is not well-formed; read what parsed");
	rc = walk_tree(doc, html, &text);
	if (rc == CS_OK || rc == CS_ELIMIT)
		rc = ex_job_text(job, part, 0, text.data ? text.data : "", text.len);
done:
	cs_buf_free(&text);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

static cs_code markup_read(ex_job *job, size_t part, const void *data,
			   size_t len, const char *cs, bool html)
{
	char decl[64];
	cs_buf utf8;
	/* UTF-8 of any charset is at most three bytes per input byte. */
	cs_buf_init(&utf8, 3 * len + 64);
	if (!cs && declared_charset(data, len, html ? "charset=" : "encoding=", decl,
				    sizeof decl))
		cs = decl;
	cs_code rc = ex_to_utf8(data, len, cs, &utf8, NULL, NULL);
	if (rc == CS_OK)
		rc = parse_utf8(job, part, utf8.data ? utf8.data : "", utf8.len, html);
	cs_buf_free(&utf8);
	return rc == CS_ELIMIT ? CS_OK : rc;
}

cs_code ex_markup_html(ex_job *job, size_t part, const void *data, size_t len,
		       const char *cs)
{
	return markup_read(job, part, data, len, cs, true);
}

static cs_code markup_extract(ex_job *job, size_t part, const void *data,
			      size_t len)
{
	const char *mime = ex_doc_part(ex_job_doc(job), part)->type;
	return markup_read(job, part, data, len, NULL, is_html(mime));
}

const ex_handler ex_handler_markup = {
	.name = "markup",
	.accepts = markup_accepts,
	.extract = markup_extract,
};
