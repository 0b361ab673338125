/*
 * office.c: OOXML (docx, xlsx, pptx) and ODF (odt, ods, odp): the zip is
 * read with libarchive under the limits (archive.c), the XML members that
 * carry text are parsed with libxml2, and pictures and embedded objects
 * become child parts (pictures get OCRed by the image handler, an embedded
 * workbook is read as a workbook).
 *
 * Which members carry text:
 *   docx  word/document.xml, header*, footer*, footnotes, endnotes, comments
 *   xlsx  xl/sharedStrings.xml (looked up from the cells), worksheets,
 *         comments, drawings (text boxes)
 *   pptx  ppt/slides/slide*.xml (page = slide number), notesSlides,
 *         comments, diagrams (SmartArt)
 *   ODF   content.xml (office:body), styles.xml (headers and footers in
 *         office:master-styles), and the same for embedded "Object N/".
 * Zip order is not document order, so the text members are collected
 * first and read in document order (slide 2 before slide 10).
 *
 * Words: Word splits a word over runs (<w:r>) freely, so text within a
 * paragraph is joined with nothing between runs; paragraphs end a line,
 * table cells a field. Deleted text (tracked changes) is still in the file
 * and is read; mc:Fallback copies of mc:Choice content are not.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* Text members of one document, and shared strings of one workbook. */
#define MAX_MEMBERS 4096
#define MAX_SHARED 1000000

typedef enum kind { K_WORD, K_SHEET, K_SLIDE, K_ODF } kind;

typedef struct member {
	char *name;
	char *data;
	size_t len;
	int group;  /* reading order: body before headers before notes */
	long num;   /* number in the name: slide10 after slide2 */
	kind kind;
	bool odf_styles;
} member;

typedef struct office {
	ex_job *job;
	size_t part;
	bool odf;
	member *m;
	size_t n, cap;
	char **shared; /* xlsx shared strings, by index */
	size_t nshared;
} office;

static bool office_accepts(const char *mime, const void *data, size_t len)
{
	return strncmp(mime, "application/vnd.openxmlformats-officedocument.", 46) == 0 ||
	       strncmp(mime, "application/vnd.oasis.opendocument.", 35) == 0;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The number in the last path component ("slide12.xml": 12), else 0. */
static long name_num(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	while (*base && (*base < '0' || *base > '9'))
		base++;
	return strtol(base, NULL, 10);
}

/*
 * What to do with a member: 1 read it as text (group, kind set), 2 hand
 * it on as a child part, 0 ignore it.
 */
static int classify(const office *o, const char *name, int *group, kind *k,
		    bool *styles)
{
	static const struct {
		const char *prefix, *suffix;
		int group;
		kind kind;
	} text[] = {
		{"word/document", ".xml", 0, K_WORD},
		{"word/header", ".xml", 1, K_WORD},
		{"word/footer", ".xml", 2, K_WORD},
		{"word/footnotes", ".xml", 3, K_WORD},
		{"word/endnotes", ".xml", 4, K_WORD},
		{"word/comments.xml", "", 5, K_WORD},
		{"xl/sharedStrings.xml", "", -1, K_SHEET},
		{"xl/worksheets/sheet", ".xml", 0, K_SHEET},
		{"xl/comments", ".xml", 1, K_WORD},
		{"xl/drawings/drawing", ".xml", 2, K_WORD},
		{"ppt/slides/slide", ".xml", 0, K_SLIDE},
		{"ppt/notesSlides/notesSlide", ".xml", 1, K_SLIDE},
		{"ppt/comments/", ".xml", 2, K_WORD},
		{"ppt/diagrams/data", ".xml", 3, K_WORD},
	};
	static const char *const children[] = {
		"word/media/", "ppt/media/", "xl/media/", "word/embeddings/",
		"ppt/embeddings/", "xl/embeddings/", "Pictures/",
	};
	*styles = false;
	if (o->odf) {
		*k = K_ODF;
		if (strcmp(name, "content.xml") == 0 ||
		    (starts(name, "Object ") && ends(name, "/content.xml"))) {
			*group = 0;
			return 1;
		}
		if (strcmp(name, "styles.xml") == 0) {
			*group = 1;
			*styles = true;
			return 1;
		}
	} else {
		for (size_t i = 0; i < CS_ARRAY_LEN(text); i++)
			if (starts(name, text[i].prefix) && ends(name, text[i].suffix) &&
			    !strchr(name + strlen(text[i].prefix), '/')) {
				*group = text[i].group;
				*k = text[i].kind;
				return 1;
			}
	}
	for (size_t i = 0; i < CS_ARRAY_LEN(children); i++)
		if (starts(name, children[i]) && !ends(name, "/"))
			return 2;
	return 0;
}

/* --- walking the XML ---------------------------------------------- */

typedef struct walker {
	office *o;
	kind kind;
	cs_buf out;
	int page;
	int pages;     /* draw:page elements seen (odp) */
	bool styles;   /* ODF styles.xml: only master-styles carry text */
	cs_code rc;
} walker;

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static void put(walker *w, const char *s, size_t n)
{
	if (w->rc == CS_OK)
		w->rc = ex_buf_fill(&w->out, s, n);
}

static void puts_(walker *w, const char *s)
{
	put(w, s, strlen(s));
}

/* Ends a line or a field unless the text already ends one. */
static void separate(walker *w, char c)
{
	if (w->out.len == 0)
		return;
	char last = w->out.data[w->out.len - 1];
	if (last == '\n' || last == c)
		return;
	put(w, &c, 1);
}

static void flush(walker *w)
{
	if (w->rc == CS_OK && w->out.len)
		w->rc = ex_job_text(w->o->job, w->o->part, w->page, w->out.data, w->out.len);
	cs_buf_reset(&w->out);
}

/* Text of every text node under n (but not under a skipped element). */
static void subtree_text(walker *w, const xmlNode *n);

/* One spreadsheet cell: a shared string, an inline string or a value. */
static void cell(walker *w, const xmlNode *c)
{
	xmlChar *t = xmlGetProp(c, (const xmlChar *)"t");
	for (const xmlNode *k = c->children; k; k = k->next) {
		if (is(k, "is")) {
			subtree_text(w, k);
		} else if (is(k, "v")) {
			xmlChar *v = xmlNodeGetContent(k);
			if (v && t && strcmp((const char *)t, "s") == 0) {
				char *end;
				unsigned long i = strtoul((const char *)v, &end, 10);
				if (*end == '\0' && i < w->o->nshared && w->o->shared[i])
					puts_(w, w->o->shared[i]);
			} else if (v) {
				puts_(w, (const char *)v);
			}
			xmlFree(v);
		}
	}
	xmlFree(t);
	separate(w, '\t');
}

/* True when the subtree at n holds no text to read. */
static bool skip(const walker *w, const xmlNode *n)
{
	static const char *const names[] = {"Fallback", "rPh", "instrText",
					    "font-face-decls", "automatic-styles"};
	for (size_t i = 0; i < CS_ARRAY_LEN(names); i++)
		if (is(n, names[i]))
			return true;
	if (w->styles && (is(n, "styles") || is(n, "font-face-decls")))
		return true;
	return false;
}

/* Runs as element n starts; true when its children were consumed. */
static bool enter(walker *w, const xmlNode *n)
{
	if (w->kind == K_SHEET && is(n, "c")) {
		cell(w, n);
		return true;
	}
	if (w->kind == K_ODF) {
		if (is(n, "s")) {
			put(w, " ", 1);
		} else if (is(n, "tab")) {
			put(w, "\t", 1);
		} else if (is(n, "line-break")) {
			put(w, "\n", 1);
		} else if (is(n, "page") && n->parent && is(n->parent, "presentation")) {
			flush(w);
			w->page = ++w->pages;
		}
		return false;
	}
	if (is(n, "tab"))
		put(w, "\t", 1);
	else if (is(n, "br") || is(n, "cr"))
		put(w, "\n", 1);
	return false;
}

/* True for the last paragraph of a table cell: the cell ends the field. */
static bool last_in_cell(const xmlNode *n)
{
	return !n->next && n->parent && (is(n->parent, "tc") || is(n->parent, "table-cell"));
}

static void leave(walker *w, const xmlNode *n)
{
	if ((is(n, "p") || is(n, "h")) && last_in_cell(n))
		return;
	if (is(n, "p") || is(n, "h") || is(n, "tr") || is(n, "row") ||
	    is(n, "table-row") || is(n, "si"))
		separate(w, '\n');
	else if (is(n, "tc") || is(n, "table-cell"))
		separate(w, '\t');
}

/* True for a text node whose text is document text in this format. */
static bool text_node(const walker *w, const xmlNode *n)
{
	if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE)
		return false;
	if (w->kind == K_ODF)
		return true;
	/* OOXML keeps text in <w:t>, <a:t>, <t> and <w:delText> only. */
	return n->parent && (is(n->parent, "t") || is(n->parent, "delText"));
}

/* Visits the subtree at root once, without recursion. */
static void walk(walker *w, const xmlNode *root)
{
	const xmlNode *n = root;
	while (n && w->rc == CS_OK) {
		bool descend = false;
		if (n->type == XML_ELEMENT_NODE) {
			if (!skip(w, n) && !enter(w, n) && n->children)
				descend = true;
			else
				leave(w, n);
		} else if (text_node(w, n) && n->content) {
			puts_(w, (const char *)n->content);
		}
		if (descend) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next) {
			n = n->parent;
			if (n)
				leave(w, n);
		}
		n = n && n != root ? n->next : NULL;
	}
}

static void subtree_text(walker *w, const xmlNode *n)
{
	for (const xmlNode *k = n->children; k; k = k->next)
		walk(w, k);
}

static xmlDoc *parse(const member *m, bool *damaged)
{
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	xmlDoc *doc = NULL;
	if (!ctxt)
		return NULL;
	int len = m->len > (size_t)INT32_MAX ? INT32_MAX : (int)m->len;
	doc = xmlCtxtReadMemory(ctxt, m->data, len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING | XML_PARSE_RECOVER);
	*damaged = !doc || !ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static void mark_damaged(office *o, const char *name, const char *what)
{
	char why[512];
	snprintf(why, sizeof why, "corrupt: %s %s", name, what);
	ex_doc_set_status(ex_job_doc(o->job), o->part, EX_PARTIAL, why);
}

/* Reads the shared strings of a workbook: the text of each <si>. */
static cs_code read_shared(office *o, const member *m)
{
	bool damaged;
	cs_code rc = CS_OK;
	xmlDoc *doc = parse(m, &damaged);
	if (damaged)
		mark_damaged(o, m->name, doc ? "is not well-formed" : "does not parse");
	if (!doc)
		return CS_OK;
	xmlNode *root = xmlDocGetRootElement(doc);
	size_t count = 0;
	for (xmlNode *si = root ? root->children : NULL; si; si = si->next)
		count += is(si, "si");
	if (count > MAX_SHARED)
		count = MAX_SHARED;
	if (count && !(o->shared = calloc(count, sizeof *o->shared))) {
		rc = CS_ENOMEM;
		goto done;
	}
	walker w = {.o = o, .kind = K_SHEET};
	cs_buf_init(&w.out, ex_job_text_left(o->job) + 1);
	for (xmlNode *si = root ? root->children : NULL; si && o->nshared < count; si = si->next) {
		if (!is(si, "si"))
			continue;
		cs_buf_reset(&w.out);
		subtree_text(&w, si);
		if (w.rc != CS_OK)
			break;
		if (!(o->shared[o->nshared++] = cs_strdup(w.out.data ? w.out.data : ""))) {
			w.rc = CS_ENOMEM;
			break;
		}
	}
	rc = w.rc == CS_ELIMIT ? CS_OK : w.rc;
	cs_buf_free(&w.out);
done:
	xmlFreeDoc(doc);
	return rc;
}

static cs_code read_text(office *o, const member *m)
{
	bool damaged;
	xmlDoc *doc = parse(m, &damaged);
	if (damaged)
		mark_damaged(o, m->name, doc ? "is not well-formed" : "does not parse");
	if (!doc)
		return CS_OK;
	walker w = {.o = o, .kind = m->kind, .styles = m->odf_styles};
	if (m->kind == K_SLIDE)
		w.page = (int)m->num;
	cs_buf_init(&w.out, ex_job_text_left(o->job) + 1);
	walk(&w, xmlDocGetRootElement(doc));
	if (w.rc == CS_OK || w.rc == CS_ELIMIT) {
		w.rc = CS_OK;
		flush(&w);
	}
	cs_buf_free(&w.out);
	xmlFreeDoc(doc);
	return w.rc;
}

static int by_order(const void *a, const void *b)
{
	const member *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return strcmp(x->name, y->name);
}

static cs_code keep(office *o, const char *name, cs_buf *data, int group,
		    kind k, bool styles)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		member *m = realloc(o->m, cap * sizeof *m);
		if (!m)
			return CS_ENOMEM;
		o->m = m;
		o->cap = cap;
	}
	member *m = &o->m[o->n];
	if (!(m->name = cs_strdup(name)))
		return CS_ENOMEM;
	m->data = cs_buf_steal(data, &m->len);
	if (!m->data) {
		free(m->name);
		return CS_ENOMEM;
	}
	m->group = group;
	m->num = name_num(name);
	m->kind = k;
	m->odf_styles = styles;
	o->n++;
	return CS_OK;
}

/* Reads every member: text members are kept, pictures handed on. */
static cs_code collect(office *o, const void *data, size_t len)
{
	cs_code rc = CS_OK;
	ex_doc *doc = ex_job_doc(o->job);
	char why[CS_ERROR_MAX];
	cs_buf buf;
	cs_buf_init(&buf, SIZE_MAX / 2);
	ex_arc *a = ex_arc_open(o->job, o->part, data, len, false, &rc);
	if (!a)
		goto done;
	for (;;) {
		const char *name;
		size_t size;
		bool dir;
		int group;
		kind k;
		bool styles;
		if (ex_job_expired(o->job)) {
			snprintf(why, sizeof why, "wall-time limit (wall_seconds %g) reached",
				 ex_job_limits(o->job)->wall_seconds);
			ex_doc_set_status(doc, o->part, EX_PARTIAL, why);
			break;
		}
		if (ex_arc_next(a, &name, &size, &dir) <= 0)
			break;
		int what = dir ? 0 : classify(o, name, &group, &k, &styles);
		if (what == 0)
			continue;
		if (what == 1 && o->n >= MAX_MEMBERS) {
			ex_doc_set_status(doc, o->part, EX_PARTIAL,
					  "more than 4096 text members; the rest not read");
			continue;
		}
		rc = ex_arc_read(a, &buf, ex_job_limits(o->job)->max_input, why, sizeof why);
		if (rc == CS_ENOMEM)
			break;
		if (rc != CS_OK && what == 2) {
			rc = ex_job_unread(o->job, o->part, name, size, EX_UNSCANNABLE, why);
		} else if (rc != CS_OK) {
			char msg[CS_ERROR_MAX + 300];
			snprintf(msg, sizeof msg, "%s: %s", name, why);
			ex_doc_set_status(doc, o->part, EX_PARTIAL, msg);
			rc = CS_OK;
		} else if (what == 2) {
			rc = ex_job_child(o->job, o->part, name, buf.data ? buf.data : "", buf.len);
		} else if (ex_job_charge(o->job, o->part, buf.len)) {
			rc = keep(o, name, &buf, group, k, styles);
		}
		if (rc != CS_OK)
			break;
		cs_buf_free(&buf);
	}
done:
	ex_arc_free(a);
	cs_buf_free(&buf);
	return rc;
}

static cs_code office_extract(ex_job *job, size_t part, const void *data,
			      size_t len)
{
	const char *mime = ex_doc_part(ex_job_doc(job), part)->type;
	office o = {.job = job, .part = part, .odf = strstr(mime, "opendocument") != NULL};
	cs_code rc = collect(&o, data, len);
	if (rc != CS_OK)
		goto done;
	if (o.n)
		qsort(o.m, o.n, sizeof *o.m, by_order);
	for (size_t i = 0; i < o.n && rc == CS_OK; i++)
		rc = o.m[i].group < 0 ? read_shared(&o, &o.m[i]) : read_text(&o, &o.m[i]);
done:
	for (size_t i = 0; i < o.n; i++) {
		free(o.m[i].name);
		free(o.m[i].data);
	}
	free(o.m);
	for (size_t i = 0; i < o.nshared; i++)
		free(o.shared[i]);
	free(o.shared);
	return rc;
}

const ex_handler ex_handler_office = {
	.name = "office",
	.accepts = office_accepts,
	.extract = office_extract,
};
