/*
 * msword.c: legacy Word 97-2003 binary documents (.doc).
 *
 * A .doc is a compound file (OLE2/CFB) holding a "WordDocument" stream
 * that opens with the FIB, and a table stream ("0Table" or "1Table", the
 * FIB's fWhichTblStm says which). libgsf reads the compound file from
 * memory; the rest is small enough to read here, after [MS-DOC]: the FIB
 * gives the place of the Clx in the table stream, the Clx holds the piece
 * table, and the piece table maps character positions (CPs) to runs of
 * text in the WordDocument stream, each either 8-bit cp1252
 * ("compressed") or UTF-16LE. Reading the pieces in CP order gives the
 * text in document order even when a fast save left them scattered, and
 * it covers every story: body, footnotes, headers, comments, text boxes.
 *
 * Word's control characters become layout (paragraph and line ends a
 * newline, a cell mark a tab), field instructions (0x13 to 0x14) are
 * dropped and field results (0x14 to 0x15) kept; other controls (picture
 * anchors, note references) are dropped. Embedded OLE objects and pictures
 * live in other streams and are not read.
 *
 * Every offset and length comes from a hostile file and is checked against
 * the stream it points into. Pieces may claim in total no more characters
 * than the WordDocument stream has bytes, so overlapping pieces cannot
 * make the work grow past the size of the input.
 *
 * Debian's other reader of the format, libwv, is unmaintained and has
 * open memory-safety bugs; this one does only what screening needs: text.
 */
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "detect.h"

/* Bytes asked of libgsf at a time; a damaged stream is kept up to here. */
#define READ_CHUNK 4096
/* Fields nested deeper than Word itself writes are followed by count only. */
#define MAX_FIELDS 64

/* FibBase: wIdent, nFib, flags; then csw, cslw and cbRgFcLcb counts. */
#define FIB_IDENT 0xA5EC
#define FIB_BASE_SIZE 32
#define FIB_ENCRYPTED 0x0100
#define FIB_WHICH_TBL 0x0200
/* Word 97 writes nFib 0x00C1 (some builds 0x00C0); below is Word 6/95. */
#define NFIB_WORD97 0x00C0
/* fcClx/lcbClx is pair 33 (0-based) of FibRgFcLcb97. */
#define FC_CLX_PAIR 33

#define CLXT_PRC 0x01
#define CLXT_PCDT 0x02
#define PCD_SIZE 8
#define FC_COMPRESSED 0x40000000u
#define FC_MASK 0x3FFFFFFFu

typedef struct stream {
	cs_buf b;
	size_t size;    /* as the directory says */
	bool truncated; /* fewer than size bytes could be read */
} stream;

typedef struct word {
	ex_job *job;
	size_t part;
	const unsigned char *wd, *tbl;
	size_t wd_len, tbl_len;
	cs_buf run;  /* one piece, filtered, in its own encoding */
	cs_buf text; /* UTF-8 out */
	int depth;   /* open fields */
	int deep;    /* open fields past MAX_FIELDS */
	int hiding;  /* open fields still in their instructions */
	bool instr[MAX_FIELDS];
	bool after_cell;
	size_t chars, bad;
} word;

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void drop_log(const gchar *domain, GLogLevelFlags level,
		     const gchar *message, gpointer unused)
{
	(void)domain, (void)level, (void)message, (void)unused;
}

/*
 * libgsf reports a damaged compound file (a stream longer than the file)
 * through g_return_if_fail, which prints a CRITICAL line on stderr; the
 * damage is already reported on the part, so libgsf's own log domains
 * (and only those) are silenced, once.
 */
static gpointer quiet_libgsf(gpointer unused)
{
	(void)unused;
	static const char *const domains[] = {"libgsf", "libgsf:msole"};
	for (size_t i = 0; i < CS_ARRAY_LEN(domains); i++)
		g_log_set_handler(domains[i],
				  G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING |
					  G_LOG_LEVEL_MESSAGE,
				  drop_log, NULL);
	return NULL;
}

static GsfInfile *open_ole(const void *data, size_t len, GError **gerr)
{
	static GOnce once = G_ONCE_INIT;
	g_once(&once, quiet_libgsf, NULL);
	GsfInput *in = gsf_input_memory_new(data, (gsf_off_t)len, FALSE);
	if (!in)
		return NULL;
	GsfInfile *ole = gsf_infile_msole_new(in, gerr);
	/* The infile holds its own reference to the input. */
	g_object_unref(in);
	return ole;
}

static bool has_child(GsfInfile *ole, const char *name)
{
	GsfInput *s = gsf_infile_child_by_name(ole, name);
	if (!s)
		return false;
	g_object_unref(s);
	return true;
}

/*
 * application/msword is libmagic's answer when the compound file has a
 * WordDocument stream; a generic compound file (application/x-ole-storage,
 * application/CDFV2) is taken only when it has one too.
 */
static bool msword_accepts(const char *mime, const void *data, size_t len)
{
	if (strcmp(mime, "application/msword") == 0)
		return true;
	if (strcmp(mime, "application/x-ole-storage") != 0 &&
	    strncmp(mime, "application/CDFV2", 17) != 0)
		return false;
	GsfInfile *ole = open_ole(data, len, NULL);
	if (!ole)
		return false;
	bool yes = has_child(ole, "WordDocument");
	g_object_unref(ole);
	return yes;
}

/*
 * Reads stream name of ole into s, at most cap bytes (no stream of a
 * well-formed file is larger than the file). Returns CS_OK (s->truncated
 * set when it was cut short), CS_ECORRUPT when the stream is missing or
 * claims more than cap (why says which), CS_ENOMEM.
 */
static cs_code read_stream(GsfInfile *ole, const char *name, size_t cap,
			   stream *s, char *why, size_t size)
{
	GsfInput *in = gsf_infile_child_by_name(ole, name);
	cs_code rc = CS_OK;
	if (!in) {
		/* libgsf drops a stream that claims more than the file holds. */
		snprintf(why, size, "corrupt: no readable %s stream (missing, or "
			 "larger than the file)", name);
		return CS_ECORRUPT;
	}
	gsf_off_t n = gsf_input_size(in);
	if (n < 0 || (uint64_t)n > cap) {
		snprintf(why, size, "corrupt: %s stream claims %lld bytes, more than the file",
			 name, (long long)n);
		rc = CS_ECORRUPT;
		goto done;
	}
	s->size = (size_t)n;
	if ((rc = cs_buf_reserve(&s->b, s->size)) != CS_OK)
		goto done;
	/* Each pass reads a chunk or stops. */
	while (s->b.len < s->size) {
		size_t k = s->size - s->b.len < READ_CHUNK ? s->size - s->b.len : READ_CHUNK;
		if (!gsf_input_read(in, k, (guint8 *)s->b.data + s->b.len)) {
			s->truncated = true;
			break;
		}
		s->b.len += k;
	}
done:
	g_object_unref(in);
	return rc;
}

/* --- text ------------------------------------------------------------ */

static cs_code put_unit(word *w, unsigned u, bool wide)
{
	char c[2] = {(char)(u & 0xff), (char)(u >> 8)};
	return cs_buf_add(&w->run, c, wide ? 2 : 1);
}

/* A field begins (0x13), reaches its result (0x14) or ends (0x15). */
static void field_mark(word *w, unsigned u)
{
	if (u == 0x13) {
		if (w->depth >= MAX_FIELDS) {
			w->deep++;
			return;
		}
		w->instr[w->depth++] = true;
		w->hiding++;
	} else if (w->deep > 0) {
		if (u == 0x15)
			w->deep--;
	} else if (w->depth > 0) {
		bool *in = &w->instr[w->depth - 1];
		if (*in)
			w->hiding--;
		*in = false;
		if (u == 0x15)
			w->depth--;
	}
}

/* Adds one character of a piece to the run, mapping Word's controls. */
static cs_code put_char(word *w, unsigned u, bool wide)
{
	bool cell = false;
	cs_code rc = CS_OK;
	if (u == 0x13 || u == 0x14 || u == 0x15) {
		field_mark(w, u);
		return CS_OK;
	}
	if (w->hiding > 0)
		return CS_OK;
	switch (u) {
	case 0x0D: /* paragraph end */
	case 0x0B: /* line break */
	case 0x0C: /* page or section break */
		rc = put_unit(w, '\n', wide);
		break;
	case 0x07:
		/* A cell mark, or the row mark that follows the last cell's. */
		rc = put_unit(w, w->after_cell ? '\n' : '\t', wide);
		cell = !w->after_cell;
		break;
	case 0x09:
		rc = put_unit(w, '\t', wide);
		break;
	case 0x1E: /* non-breaking hyphen */
		rc = put_unit(w, '-', wide);
		break;
	default:
		if (u >= 0x20)
			rc = put_unit(w, u, wide);
		break;
	}
	w->after_cell = cell;
	return rc;
}

/*
 * Adds the n characters of a piece at byte off of the WordDocument stream
 * (the caller checked they lie inside it). Errors: CS_ELIMIT (text full),
 * CS_ENOMEM.
 */
static cs_code read_piece(word *w, size_t off, size_t n, bool compressed)
{
	const unsigned char *p = w->wd + off;
	cs_code rc = CS_OK;
	size_t bad = 0;
	cs_buf_reset(&w->run);
	for (size_t i = 0; i < n && rc == CS_OK; i++)
		rc = compressed ? put_char(w, p[i], false) : put_char(w, rd16(p + 2 * i), true);
	if (rc != CS_OK)
		return rc;
	if (w->run.len == 0)
		return CS_OK;
	rc = ex_iconv_utf8(w->run.data, w->run.len, compressed ? "CP1252" : "UTF-16LE",
			   &w->text, &bad);
	w->bad += bad;
	return rc;
}

/*
 * Reads the pieces of the PlcPcd of size lcb at plc in the table stream.
 * A piece that is damaged is skipped or cut and marks the part partial.
 * Errors: CS_ELIMIT (text full), CS_ENOMEM.
 */
static cs_code read_pieces(word *w, const unsigned char *plc, size_t lcb)
{
	ex_doc *doc = ex_job_doc(w->job);
	size_t n = (lcb - 4) / (4 + PCD_SIZE);
	const unsigned char *pcd = plc + 4 * (n + 1);
	size_t budget = w->wd_len;
	for (size_t i = 0; i < n; i++, pcd += PCD_SIZE) {
		uint32_t cp0 = rd32(plc + 4 * i), cp1 = rd32(plc + 4 * (i + 1));
		uint32_t fc = rd32(pcd + 2);
		bool compressed = (fc & FC_COMPRESSED) != 0;
		size_t off = compressed ? (fc & FC_MASK) / 2 : (fc & FC_MASK);
		size_t unit = compressed ? 1 : 2;
		if (ex_job_expired(w->job)) {
			ex_doc_set_statusf(doc, w->part, EX_PARTIAL,
					   "wall-time limit (wall_seconds %g) reached at piece %zu of %zu",
					   ex_job_limits(w->job)->wall_seconds, i + 1, n);
			return CS_OK;
		}
		if (cp1 < cp0) {
			ex_doc_set_statusf(doc, w->part, EX_PARTIAL,
					   "corrupt: piece %zu ends before it starts (CP %u to %u)",
					   i + 1, cp0, cp1);
			continue;
		}
		size_t chars = cp1 - cp0;
		if (chars > budget) {
			ex_doc_set_status(doc, w->part, EX_PARTIAL,
					  "corrupt: the pieces claim more text than the "
					  "WordDocument stream holds");
			return CS_OK;
		}
		budget -= chars;
		size_t fit = off >= w->wd_len ? 0 : (w->wd_len - off) / unit;
		if (fit < chars) {
			ex_doc_set_statusf(doc, w->part, EX_PARTIAL,
					   "corrupt: piece %zu runs past the end of the "
					   "WordDocument stream", i + 1);
			chars = fit;
		}
		w->chars += chars;
		cs_code rc = read_piece(w, off, chars, compressed);
		if (rc != CS_OK)
			return rc;
	}
	return CS_OK;
}

/*
 * Finds the Pcdt in the Clx (after any Prc) and reads its pieces. Returns
 * CS_ECORRUPT with why filled when there is no readable piece table,
 * CS_ELIMIT, CS_ENOMEM.
 */
static cs_code read_clx(word *w, size_t fc, size_t lcb, char *why, size_t size)
{
	if (lcb == 0) {
		snprintf(why, size, "corrupt: the FIB gives no Clx (lcbClx 0)");
		return CS_ECORRUPT;
	}
	if (fc > w->tbl_len || lcb > w->tbl_len - fc) {
		snprintf(why, size, "corrupt: the Clx (%zu bytes at %zu) runs past the "
			 "end of the table stream (%zu bytes)", lcb, fc, w->tbl_len);
		return CS_ECORRUPT;
	}
	const unsigned char *p = w->tbl + fc, *end = p + lcb;
	/* Each Prc is skipped whole; every pass moves p forward. */
	while (p < end && *p == CLXT_PRC) {
		if (end - p < 3) {
			snprintf(why, size, "corrupt: a Prc in the Clx is cut short");
			return CS_ECORRUPT;
		}
		int16_t cb = (int16_t)rd16(p + 1);
		if (cb < 0 || cb > end - p - 3) {
			snprintf(why, size, "corrupt: a Prc in the Clx runs past its end");
			return CS_ECORRUPT;
		}
		p += 3 + cb;
	}
	if (p >= end || *p != CLXT_PCDT || end - p < 5) {
		snprintf(why, size, "corrupt: the Clx has no piece table");
		return CS_ECORRUPT;
	}
	uint32_t plc = rd32(p + 1);
	p += 5;
	if (plc > (size_t)(end - p)) {
		snprintf(why, size, "corrupt: the piece table (%u bytes) runs past the Clx", plc);
		return CS_ECORRUPT;
	}
	if (plc < 4 || (plc - 4) % (4 + PCD_SIZE) != 0) {
		snprintf(why, size, "corrupt: piece table of %u bytes is not 4 + 12n", plc);
		return CS_ECORRUPT;
	}
	return read_pieces(w, p, plc);
}

/*
 * Checks the FIB and reads the place of the Clx. Returns CS_OK,
 * CS_EENCRYPTED, CS_EUNSUPPORTED (Word 6/95) or CS_ECORRUPT, with why
 * filled for the last two.
 */
static cs_code read_fib(const unsigned char *p, size_t len, bool *table1,
			size_t *fc_clx, size_t *lcb_clx, char *why, size_t size)
{
	if (len < FIB_BASE_SIZE + 2) {
		snprintf(why, size, "corrupt: the FIB is cut short (%zu bytes)", len);
		return CS_ECORRUPT;
	}
	uint16_t ident = rd16(p), nfib = rd16(p + 2), flags = rd16(p + 10);
	if (ident != FIB_IDENT) {
		snprintf(why, size, "corrupt: no Word FIB (wIdent 0x%04x)", ident);
		return CS_ECORRUPT;
	}
	if (flags & FIB_ENCRYPTED)
		return CS_EENCRYPTED;
	if (nfib < NFIB_WORD97) {
		snprintf(why, size, "unsupported format: Word 6/95 document (nFib 0x%04x)", nfib);
		return CS_EUNSUPPORTED;
	}
	*table1 = (flags & FIB_WHICH_TBL) != 0;
	/* csw words, cslw longs, cbRgFcLcb pairs, each after its count. */
	size_t off = FIB_BASE_SIZE;
	size_t csw = rd16(p + off);
	off += 2 + 2 * csw;
	if (off + 2 > len)
		goto short_fib;
	size_t cslw = rd16(p + off);
	off += 2 + 4 * cslw;
	if (off + 2 > len)
		goto short_fib;
	size_t pairs = rd16(p + off);
	off += 2;
	if (pairs <= FC_CLX_PAIR) {
		snprintf(why, size, "corrupt: the FIB has no fcClx (cbRgFcLcb %zu)", pairs);
		return CS_ECORRUPT;
	}
	off += 8 * FC_CLX_PAIR;
	if (off + 8 > len)
		goto short_fib;
	*fc_clx = rd32(p + off);
	*lcb_clx = rd32(p + off + 4);
	return CS_OK;
short_fib:
	snprintf(why, size, "corrupt: the FIB is cut short (%zu bytes)", len);
	return CS_ECORRUPT;
}

static cs_code msword_extract(ex_job *job, size_t part, const void *data, size_t len)
{
	ex_doc *doc = ex_job_doc(job);
	stream wd = {.size = 0}, tbl = {.size = 0};
	word w = {.job = job, .part = part};
	GError *gerr = NULL;
	char why[256] = "";
	bool table1 = false;
	const char *tname = "1Table";
	size_t fc_clx = 0, lcb_clx = 0;
	cs_code rc = CS_OK, got;
	cs_buf_init(&wd.b, len);
	cs_buf_init(&tbl.b, len);
	cs_buf_init(&w.run, 2 * len + 16);
	/* One byte over what may be kept, so that reaching the limit shows. */
	cs_buf_init(&w.text, ex_job_text_left(job) + 1);
	GsfInfile *ole = open_ole(data, len, &gerr);
	if (!ole) {
		ex_doc_set_statusf(doc, part, EX_UNSCANNABLE, "corrupt: not a compound file (%s)",
				   gerr && gerr->message ? gerr->message : "libgsf cannot open it");
		goto done;
	}
	if ((got = read_stream(ole, "WordDocument", len, &wd, why, sizeof why)) != CS_OK)
		goto fail;
	got = read_fib((unsigned char *)wd.b.data, wd.b.len, &table1, &fc_clx, &lcb_clx,
		       why, sizeof why);
	if (got == CS_EENCRYPTED) {
		ex_doc_set_status(doc, part, EX_UNSCANNABLE, "encrypted");
		goto done;
	}
	if (got != CS_OK)
		goto fail;
	tname = table1 ? "1Table" : "0Table";
	if ((got = read_stream(ole, tname, len, &tbl, why, sizeof why)) != CS_OK)
		goto fail;
	w.wd = (unsigned char *)wd.b.data;
	w.wd_len = wd.b.len;
	w.tbl = (unsigned char *)tbl.b.data;
	w.tbl_len = tbl.b.len;
	got = read_clx(&w, fc_clx, lcb_clx, why, sizeof why);
	if (got == CS_ECORRUPT) {
		/* A piece table cut off by a damaged table stream says so. */
		if (tbl.truncated)
			snprintf(why, sizeof why, "corrupt: %s stream truncated (%zu of %zu bytes)",
				 tname, tbl.b.len, tbl.size);
		goto fail;
	}
	if (got != CS_OK && got != CS_ELIMIT) {
		rc = got;
		goto done;
	}
	rc = ex_job_text(job, part, 0, w.text.data ? w.text.data : "", w.text.len);
	if (wd.truncated)
		ex_doc_set_statusf(doc, part, EX_PARTIAL,
				   "corrupt: WordDocument stream truncated (%zu of %zu bytes)",
				   wd.b.len, wd.size);
	if (w.bad * 100 > w.chars)
		ex_doc_set_statusf(doc, part, EX_PARTIAL,
				   "%zu characters could not be decoded", w.bad);
	goto done;
fail:
	if (got == CS_ENOMEM)
		rc = got;
	else
		ex_doc_set_status(doc, part, EX_UNSCANNABLE, why);
done:
	if (gerr)
		g_error_free(gerr);
	if (ole)
		g_object_unref(ole);
	cs_buf_free(&wd.b);
	cs_buf_free(&tbl.b);
	cs_buf_free(&w.run);
	cs_buf_free(&w.text);
	return rc;
}

const ex_handler ex_handler_msword = {
	.name = "msword",
	.accepts = msword_accepts,
	.extract = msword_extract,
};
