/*
 * rtf.c: a small RTF reader: text runs, \uN escapes (with the \ucN
 * fallback characters skipped), and \'hh bytes decoded in the code page in
 * force: the current font's \fcharset, else the document's \ansicpg
 * (936 GBK, 950 Big5, 1252...). No library in Debian reads RTF as a C
 * library, and the part of RTF that carries text is small.
 *
 * The reader keeps one state per group ({...}) on a bounded stack.
 * Destinations that hold no document text (font, colour and style tables,
 * field instructions, \*\ destinations it does not know, binary object
 * data) are skipped; the font table is read for its charsets. Pictures in
 * PNG or JPEG (\pngblip, \jpegblip) become child parts, so that the image
 * handler can OCR them; Word's \nonshppict copy of each picture (WMF) is
 * a duplicate and is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* Deeper nesting is not RTF any program writes; the rest is skipped. */
#define MAX_GROUPS 256
#define MAX_FONTS 1024
#define MAX_WORD 32

enum dest { D_TEXT, D_SKIP, D_FONTTBL, D_PICT };

typedef struct state {
	enum dest dest;
	int uc;       /* fallback characters after \uN */
	int cp;       /* code page of \'hh bytes; 0: the document's */
	bool star;    /* \* seen: an unknown destination is skipped */
	bool font_entry;
	bool block;   /* a destination (\title...) that ends a line when closed */
} state;

typedef struct rtf {
	ex_job *job;
	size_t part;
	const unsigned char *p, *end;
	state st[MAX_GROUPS];
	int depth;
	bool too_deep;
	int ansicpg;
	int font_num;                 /* font being defined in \fonttbl */
	struct { int num, cp; } fonts[MAX_FONTS];
	int nfonts;
	int skip_chars;               /* fallback characters still to skip */
	unsigned hi_surrogate;
	cs_buf text, bytes;           /* text out; code-page bytes pending */
	int bytes_cp;
	cs_buf pict;                  /* hex of the picture being read */
	const char *pict_ext;
	int npict;
	cs_code rc;
} rtf;

static bool rtf_accepts(const char *mime, const void *data, size_t len)
{
	return strcmp(mime, "text/rtf") == 0 || strcmp(mime, "application/rtf") == 0;
}

static state *cur(rtf *r)
{
	return &r->st[r->depth];
}

static int charset_cp(int charset, int ansicpg)
{
	static const int map[][2] = {
		{128, 932}, {129, 949}, {130, 1361}, {134, 936}, {136, 950},
		{161, 1253}, {162, 1254}, {163, 1258}, {177, 1255}, {178, 1256},
		{186, 1257}, {204, 1251}, {222, 874}, {238, 1250},
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(map); i++)
		if (map[i][0] == charset)
			return map[i][1];
	return ansicpg;
}

/* Converts pending code-page bytes to UTF-8 text. */
static void flush_bytes(rtf *r)
{
	if (r->bytes.len == 0 || r->rc != CS_OK)
		return;
	char cp[16];
	snprintf(cp, sizeof cp, "CP%d", r->bytes_cp ? r->bytes_cp : 1252);
	cs_code rc = ex_iconv_utf8(r->bytes.data, r->bytes.len, cp, &r->text, NULL);
	if (rc == CS_EUNSUPPORTED)
		rc = ex_iconv_utf8(r->bytes.data, r->bytes.len, "CP1252", &r->text, NULL);
	r->rc = rc;
	cs_buf_reset(&r->bytes);
}

static void put(rtf *r, const char *s, size_t n)
{
	flush_bytes(r);
	if (r->rc == CS_OK)
		r->rc = ex_buf_fill(&r->text, s, n);
}

static void put_byte(rtf *r, unsigned char c)
{
	int cp = cur(r)->cp ? cur(r)->cp : r->ansicpg;
	if (r->bytes.len && cp != r->bytes_cp)
		flush_bytes(r);
	r->bytes_cp = cp;
	if (r->rc == CS_OK)
		r->rc = cs_buf_addc(&r->bytes, (char)c);
}

static void put_cp(rtf *r, unsigned u)
{
	char s[4];
	size_t n;
	if (u >= 0xd800 && u < 0xdc00) {
		r->hi_surrogate = u;
		return;
	}
	if (u >= 0xdc00 && u < 0xe000 && r->hi_surrogate)
		u = 0x10000 + ((r->hi_surrogate - 0xd800) << 10) + (u - 0xdc00);
	r->hi_surrogate = 0;
	if (u < 0x80)
		s[0] = (char)u, n = 1;
	else if (u < 0x800)
		s[0] = (char)(0xc0 | u >> 6), s[1] = (char)(0x80 | (u & 0x3f)), n = 2;
	else if (u < 0x10000)
		s[0] = (char)(0xe0 | u >> 12), s[1] = (char)(0x80 | ((u >> 6) & 0x3f)),
		s[2] = (char)(0x80 | (u & 0x3f)), n = 3;
	else
		s[0] = (char)(0xf0 | u >> 18), s[1] = (char)(0x80 | ((u >> 12) & 0x3f)),
		s[2] = (char)(0x80 | ((u >> 6) & 0x3f)), s[3] = (char)(0x80 | (u & 0x3f)),
		n = 4;
	put(r, s, n);
}

/* A character of text (or a fallback character being skipped). */
static bool skipping_fallback(rtf *r)
{
	if (r->skip_chars > 0) {
		r->skip_chars--;
		return true;
	}
	return false;
}

static void open_group(rtf *r)
{
	if (r->depth + 1 >= MAX_GROUPS) {
		r->too_deep = true;
		r->depth++;
		return;
	}
	r->st[r->depth + 1] = r->st[r->depth];
	r->depth++;
	cur(r)->star = false;
	cur(r)->font_entry = false;
	cur(r)->block = false;
}

static void end_pict(rtf *r)
{
	if (r->pict_ext && r->pict.len >= 2 && r->rc == CS_OK) {
		/* Hex to bytes in place: the output is half the input. */
		size_t n = 0;
		for (size_t i = 0; i + 1 < r->pict.len; i += 2) {
			char h[3] = {r->pict.data[i], r->pict.data[i + 1], 0};
			r->pict.data[n++] = (char)strtol(h, NULL, 16);
		}
		char name[32];
		snprintf(name, sizeof name, "image-%d.%s", ++r->npict, r->pict_ext);
		r->rc = ex_job_child(r->job, r->part, name, r->pict.data, n);
	}
	cs_buf_reset(&r->pict);
	r->pict_ext = NULL;
}

static void close_group(rtf *r)
{
	if (r->depth == 0)
		return;
	if (r->depth >= MAX_GROUPS) {
		r->depth--;
		return;
	}
	state *s = cur(r);
	if (s->dest == D_PICT && r->st[r->depth - 1].dest != D_PICT)
		end_pict(r);
	if (s->font_entry && r->nfonts < MAX_FONTS)
		r->nfonts++;
	if (s->block && s->dest == D_TEXT)
		put(r, "\n", 1);
	r->depth--;
}

static void set_font(rtf *r, int num)
{
	for (int i = 0; i < r->nfonts; i++)
		if (r->fonts[i].num == num) {
			cur(r)->cp = r->fonts[i].cp;
			return;
		}
	cur(r)->cp = 0;
}

/* Control words that start a destination with no document text. */
static bool skipped_dest(const char *w)
{
	static const char *const skip[] = {
		"colortbl", "stylesheet", "listtable", "listoverridetable", "revtbl",
		"rsidtbl", "generator", "objdata", "themedata", "colorschememapping",
		"datastore", "latentstyles", "xmlnstbl", "fldinst", "filetbl",
		"pgdsctbl", "nonshppict", "bkmkstart", "bkmkend", "xmlopen",
		"mmathPr", "wgrffmtfilter", "passwordhash", "panose", "fontemb",
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(skip); i++)
		if (strcmp(w, skip[i]) == 0)
			return true;
	return false;
}

static void control_word(rtf *r, const char *w, bool has_arg, long arg)
{
	state *s = cur(r);
	static const struct {
		const char *word, *text;
	} symbols[] = {
		{"par", "\n"}, {"line", "\n"}, {"sect", "\n"}, {"page", "\n"},
		{"row", "\n"}, {"tab", "\t"}, {"cell", "\t"}, {"emdash", "\xe2\x80\x94"},
		{"endash", "\xe2\x80\x93"}, {"lquote", "\xe2\x80\x98"},
		{"rquote", "\xe2\x80\x99"}, {"ldblquote", "\xe2\x80\x9c"},
		{"rdblquote", "\xe2\x80\x9d"}, {"bullet", "\xe2\x80\xa2"},
		{"emspace", " "}, {"enspace", " "}, {"qmspace", " "},
	};
	if (s->star) {
		s->star = false;
		if (strcmp(w, "shppict") != 0) {
			s->dest = D_SKIP;
			return;
		}
	}
	if (s->dest == D_SKIP)
		return;
	if (strcmp(w, "fonttbl") == 0) {
		s->dest = D_FONTTBL;
	} else if (s->dest == D_FONTTBL) {
		if (strcmp(w, "f") == 0 && has_arg && r->nfonts < MAX_FONTS) {
			s->font_entry = true;
			r->fonts[r->nfonts].num = (int)arg;
			r->fonts[r->nfonts].cp = 0;
		} else if (strcmp(w, "fcharset") == 0 && s->font_entry && r->nfonts < MAX_FONTS) {
			int cp = charset_cp((int)arg, 0);
			r->fonts[r->nfonts].cp = cp;
		}
	} else if (skipped_dest(w)) {
		s->dest = D_SKIP;
	} else if (strcmp(w, "pict") == 0) {
		s->dest = D_PICT;
		r->pict_ext = NULL;
		cs_buf_reset(&r->pict);
	} else if (s->dest == D_PICT) {
		if (strcmp(w, "pngblip") == 0)
			r->pict_ext = "png";
		else if (strcmp(w, "jpegblip") == 0)
			r->pict_ext = "jpg";
	} else if (strcmp(w, "title") == 0 || strcmp(w, "subject") == 0 ||
		   strcmp(w, "keywords") == 0 || strcmp(w, "doccomm") == 0 ||
		   strcmp(w, "footnote") == 0 || strncmp(w, "header", 6) == 0 ||
		   strncmp(w, "footer", 6) == 0) {
		s->block = true;
	} else if (strcmp(w, "ansicpg") == 0 && has_arg) {
		r->ansicpg = (int)arg;
	} else if (strcmp(w, "f") == 0 && has_arg) {
		set_font(r, (int)arg);
	} else if (strcmp(w, "uc") == 0 && has_arg) {
		s->uc = arg < 0 ? 0 : arg > 8 ? 8 : (int)arg;
	} else if (strcmp(w, "u") == 0 && has_arg) {
		put_cp(r, (unsigned)(arg < 0 ? arg + 65536 : arg) & 0xffff);
		r->skip_chars = s->uc;
	} else {
		for (size_t i = 0; i < CS_ARRAY_LEN(symbols); i++)
			if (strcmp(w, symbols[i].word) == 0) {
				if (!skipping_fallback(r))
					put(r, symbols[i].text, strlen(symbols[i].text));
				return;
			}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads one control sequence after its backslash. */
static void control(rtf *r)
{
	const unsigned char *p = r->p;
	if (p >= r->end)
		return;
	if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') {
		char w[MAX_WORD + 1];
		size_t n = 0;
		while (p < r->end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			if (n < MAX_WORD)
				w[n++] = (char)*p;
			p++;
		}
		w[n] = '\0';
		bool neg = false, has_arg = false;
		long arg = 0;
		if (p < r->end && *p == '-')
			neg = true, p++;
		for (int digits = 0; p < r->end && *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 10)
				arg = arg * 10 + (*p - '0'), has_arg = true;
		if (neg)
			arg = -arg;
		if (p < r->end && *p == ' ')
			p++;
		r->p = p;
		if (strcmp(w, "bin") == 0 && has_arg) {
			/* Raw binary data: skipped as a whole. */
			size_t k = arg > 0 ? (size_t)arg : 0;
			r->p += k < (size_t)(r->end - r->p) ? k : (size_t)(r->end - r->p);
			return;
		}
		control_word(r, w, has_arg, arg);
		return;
	}
	r->p = p + 1;
	state *s = cur(r);
	switch (*p) {
	case '*':
		s->star = true;
		return;
	case '\'':
		if (r->end - r->p >= 2 && hexval(r->p[0]) >= 0 && hexval(r->p[1]) >= 0) {
			unsigned char c = (unsigned char)(hexval(r->p[0]) << 4 | hexval(r->p[1]));
			r->p += 2;
			if (s->dest == D_TEXT && !skipping_fallback(r))
				put_byte(r, c);
		}
		return;
	case '\n':
	case '\r':
		if (s->dest == D_TEXT)
			put(r, "\n", 1);
		return;
	case '~':
		if (s->dest == D_TEXT && !skipping_fallback(r))
			put(r, " ", 1);
		return;
	case '_':
		if (s->dest == D_TEXT && !skipping_fallback(r))
			put(r, "-", 1);
		return;
	case '-':
		return;
	default:
		if (s->dest == D_TEXT && !skipping_fallback(r))
			put(r, (const char *)p, 1);
		return;
	}
}

static void plain(rtf *r, unsigned char c)
{
	state *s = cur(r);
	if (c == '\r' || c == '\n')
		return;
	if (s->dest == D_PICT) {
		if (hexval(c) >= 0 && r->pict_ext && r->rc == CS_OK &&
		    cs_buf_addc(&r->pict, (char)c) == CS_ELIMIT)
			r->pict_ext = NULL;
		return;
	}
	if (s->dest != D_TEXT || skipping_fallback(r))
		return;
	if (c >= 0x80)
		put_byte(r, c);
	else
		put(r, (const char *)&c, 1);
}

static cs_code rtf_extract(ex_job *job, size_t part, const void *data, size_t len)
{
	rtf *r = calloc(1, sizeof *r);
	cs_code rc;
	if (!r)
		return CS_ENOMEM;
	r->job = job;
	r->part = part;
	r->p = data;
	r->end = r->p + len;
	r->ansicpg = 1252;
	r->st[0].uc = 1;
	cs_buf_init(&r->text, ex_job_text_left(job) + 1);
	cs_buf_init(&r->bytes, 1 << 20);
	cs_buf_init(&r->pict, 2 * ex_job_limits(job)->max_input);
	if (len < 5 || memcmp(data, "{\\rtf", 5) != 0) {
		ex_doc_set_status(ex_job_doc(job), part, EX_UNSCANNABLE,
				  "corrupt: not RTF (no {\\rtf header)");
		rc = CS_OK;
		goto done;
	}
	/* Every pass consumes at least one byte. */
	while (r->p < r->end && r->rc == CS_OK) {
		unsigned char c = *r->p++;
		if (c == '{')
			open_group(r);
		else if (c == '}')
			close_group(r);
		else if (r->depth >= MAX_GROUPS)
			continue;
		else if (c == '\\')
			control(r);
		else
			plain(r, c);
		if (r->bytes.len >= (1 << 20) - 1)
			flush_bytes(r);
	}
	flush_bytes(r);
	if (r->rc != CS_OK && r->rc != CS_ELIMIT) {
		rc = r->rc;
		goto done;
	}
	rc = ex_job_text(job, part, 0, r->text.data ? r->text.data : "", r->text.len);
	if (r->too_deep)
		ex_doc_set_status(ex_job_doc(job), part, EX_PARTIAL,
				  "groups nested deeper than 256 were skipped");
	if (r->depth > 0)
		ex_doc_set_status(ex_job_doc(job), part, EX_PARTIAL,
				  "corrupt: RTF ends inside a group (truncated?)");
done:
	cs_buf_free(&r->text);
	cs_buf_free(&r->bytes);
	cs_buf_free(&r->pict);
	free(r);
	return rc;
}

const ex_handler ex_handler_rtf = {
	.name = "rtf",
	.accepts = rtf_accepts,
	.extract = rtf_extract,
};
