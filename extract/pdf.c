/*
 * pdf.c: the handler for PDF, on poppler-glib, with OCR for scanned pages.
 *
 * Most PDFs carry a text layer and reading it costs milliseconds a page.
 * A scan carries none, or a useless one: a page number stamped on the
 * image, or a broken OCR layer of private-use characters (U+E000-U+F8FF)
 * and replacement characters left by a font without a Unicode map. So
 * each page's text layer is judged (see judge()) and the page is OCRed
 * when the layer is garbage, empty, or thin while pictures cover most of
 * the page.
 *
 * A scanned page is usually one image covering the page. That image is
 * OCRed as stored: the scanner's own pixels at the scanner's resolution,
 * not a resampling. (OCR time grows with the pixels and dominates either
 * way: four 300 dpi scans took 6.3 s as stored and 6.3 s rendered at 300
 * dpi.) Any other page without usable text (text drawn as outlines,
 * several pictures) is rendered with cairo at RENDER_DPI and OCRed. A
 * stored image may be turned by the page's /Rotate or by its placement,
 * which only rendering applies, so when the stored image reads badly
 * (confidence under LOW_CONFIDENCE) the page is rendered too and the
 * better reading kept.
 *
 * Page numbers are 1-based. Pages past max_pages, a passed wall-time limit
 * and pages OCR could not read mark the part partial; a document of which
 * no page could be read at all is unscannable. Attached files go through
 * ex_job_child(). Pictures on pages that have a good text layer are not
 * OCRed (that would cost a second or more a page for the rare figure with
 * text in it).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

#include "detect.h"
#include "handler.h"
#include "ocr.h"

/*
 * Resolution for rendering a page for OCR. Measured on four A4 pages of
 * 11 pt Chinese and English drawn as outlines (character accuracy after
 * normalisation, seconds for the four): 150 dpi 99.48% 4.3 s, 200 dpi
 * 99.51% 5.4 s, 300 dpi 99.80% 6.3 s. Small print needs the pixels more.
 */
#define RENDER_DPI 300.0
/* A text layer thinner than this many characters per square inch of a
 * page mostly covered by pictures is taken for a scan's stamp; an A4 page
 * of text holds 15 to 30 per square inch. */
#define THIN_PER_SQIN 0.5
/* Pictures covering this share of a page make it a scan candidate. */
#define PICTURE_SHARE 0.5
/* A single picture covering this share of the page is the page. */
#define FULL_PAGE_SHARE 0.9
/* Share of bad characters above which a text layer is garbage. */
#define GARBAGE_SHARE 0.2
#define LOW_CONFIDENCE 60.0f

typedef enum layer {
	LAYER_GOOD, /* use the text layer alone */
	LAYER_THIN, /* use the text layer and OCR the page */
	LAYER_NONE, /* no text layer worth keeping: OCR the page */
} layer;

static bool pdf_accepts(const char *mime, const void *data, size_t len)
{
	if (mime && (!strcmp(mime, "application/pdf") ||
		     !strcmp(mime, "application/x-pdf")))
		return true;
	return len >= 5 && !memcmp(data, "%PDF-", 5);
}

/* Counts the characters of text that carry meaning and those that are
 * junk: private use, replacement, controls, bytes that are not UTF-8. */
static void count_chars(const char *text, size_t *good, size_t *bad)
{
	const char *p = text, *end = text + strlen(text);
	*good = *bad = 0;
	while (p < end) {
		gunichar c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			(*bad)++;
			p++;
			continue;
		}
		p = g_utf8_next_char(p);
		if ((c >= 0xe000 && c <= 0xf8ff) || c == 0xfffd ||
		    (c < 0x20 && !g_unichar_isspace(c)) ||
		    (c >= 0x7f && c < 0xa0))
			(*bad)++;
		else if (!g_unichar_isspace(c))
			(*good)++;
	}
}

static bool thin(size_t good, double pw, double ph)
{
	return (double)good < THIN_PER_SQIN * pw * ph / (72.0 * 72.0);
}

/* The one picture that makes up a scanned page, if there is one. */
typedef struct scan {
	bool single;	 /* one picture covers (nearly) all of the page */
	gint id;	 /* its image id on the page */
	double width_pt; /* its width as placed, in points */
} scan;

/* Share of the page area covered by pictures; *sc says whether one
 * picture is the whole page. */
static double picture_share(PopplerPage *page, double pw, double ph, scan *sc)
{
	GList *maps = poppler_page_get_image_mapping(page);
	double covered = 0, area = pw * ph;
	guint n = g_list_length(maps);
	for (GList *l = maps; l; l = l->next) {
		PopplerImageMapping *m = l->data;
		double w = fabs(m->area.x2 - m->area.x1);
		double h = fabs(m->area.y2 - m->area.y1);
		covered += w * h;
		if (n == 1 && area > 0 && w * h >= FULL_PAGE_SHARE * area)
			*sc = (scan){
			    .single = true, .id = m->image_id, .width_pt = w};
	}
	poppler_page_free_image_mapping(maps);
	return area > 0 ? covered / area : 0;
}

/* Judges a text layer of good and bad characters on a page of pw x ph
 * points, pictures covering the share pics of it. */
static layer judge(size_t good, size_t bad, double pw, double ph, double pics)
{
	if (good == 0 || (double)bad > GARBAGE_SHARE * (double)(good + bad))
		return LAYER_NONE;
	if (thin(good, pw, ph) && pics >= PICTURE_SHARE)
		return LAYER_THIN;
	return LAYER_GOOD;
}

/*
 * Copies an image surface into a new 8 bpp grey PIX, transparent parts
 * on white. NULL on ENOMEM or a surface that is not an image.
 */
static PIX *surface_to_pix(cairo_surface_t *s)
{
	if (cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE)
		return NULL;
	cairo_surface_flush(s);
	cairo_format_t f = cairo_image_surface_get_format(s);
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	if (f != CAIRO_FORMAT_ARGB32 && f != CAIRO_FORMAT_RGB24) {
		/* Other formats (A1, A8, RGB16...) painted on white first. */
		cairo_surface_t *rgb =
		    cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		cairo_t *cr = cairo_create(rgb);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_set_source_surface(cr, s, 0, 0);
		cairo_paint(cr);
		cairo_destroy(cr);
		PIX *pix = cairo_surface_status(rgb) == CAIRO_STATUS_SUCCESS
			       ? surface_to_pix(rgb)
			       : NULL;
		cairo_surface_destroy(rgb);
		return pix;
	}
	PIX *pix = pixCreate(w, h, 8);
	if (!pix)
		return NULL;
	const unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	l_uint32 *lines = pixGetData(pix);
	l_int32 wpl = pixGetWpl(pix);
	for (int y = 0; y < h; y++) {
		const uint32_t *row =
		    (const uint32_t *)(data + (size_t)y * stride);
		l_uint32 *line = lines + (size_t)y * wpl;
		for (int x = 0; x < w; x++) {
			uint32_t v = row[x];
			/* Premultiplied: adding the missing alpha is white. */
			uint32_t lift =
			    f == CAIRO_FORMAT_ARGB32 ? 255 - (v >> 24) : 0;
			uint32_t r = ((v >> 16) & 0xff) + lift;
			uint32_t g = ((v >> 8) & 0xff) + lift;
			uint32_t b = (v & 0xff) + lift;
			uint32_t grey = (r * 77 + g * 150 + b * 29) >> 8;
			SET_DATA_BYTE(line, x, grey > 255 ? 255 : grey);
		}
	}
	pixSetResolution(pix, 0, 0);
	return pix;
}

/*
 * Renders page at RENDER_DPI (less when that would pass max_pixels) into a
 * new grey PIX. NULL when the page is degenerate or memory runs out.
 */
static PIX *render(PopplerPage *page, double pw, double ph, size_t max_pixels)
{
	double scale = RENDER_DPI / 72.0;
	double pixels = pw * scale * ph * scale;
	if (pixels > (double)max_pixels)
		scale *= sqrt((double)max_pixels / pixels);
	double w = ceil(pw * scale), h = ceil(ph * scale);
	if (w < 1 || h < 1 || w > 32767 || h > 32767)
		return NULL; /* cairo's limit */
	cairo_surface_t *s =
	    cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	PIX *pix = NULL;
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
		pix = surface_to_pix(s);
		if (pix)
			pixSetResolution(pix, (l_int32)lround(scale * 72),
					 (l_int32)lround(scale * 72));
	}
	cairo_surface_destroy(s);
	return pix;
}

/* One page's OCR reading. */
typedef struct reading {
	char *text;
	float conf;
	cs_code rc;
	cs_error err;
} reading;

static void ocr_into(ex_ocr *ocr, PIX *pix, double seconds, reading *r)
{
	r->text = NULL;
	r->conf = 0;
	r->rc = ex_ocr_pix(ocr, pix, seconds, &r->text, &r->conf, &r->err);
}

/*
 * OCRs page number pageno and adds what it reads. Marks the part partial
 * when OCR fails or reads with low confidence. Sets *read when some
 * reading succeeded. Returns CS_ENOMEM only.
 */
static cs_code ocr_page(ex_job *job, ex_ocr *ocr, size_t part, int pageno,
			PopplerPage *page, double pw, double ph, const scan *sc,
			bool *read)
{
	const ex_limits *lim = ex_job_limits(job);
	reading best = {.rc = CS_EBACKEND}, alt = {.rc = CS_EBACKEND};
	cs_code rc = CS_OK;
	PIX *pix = NULL;

	if (sc->single) {
		cairo_surface_t *s = poppler_page_get_image(page, sc->id);
		if (s) {
			int w = cairo_image_surface_get_width(s);
			int h = cairo_image_surface_get_height(s);
			if ((uint64_t)w * (uint64_t)h <= lim->max_pixels)
				pix = surface_to_pix(s);
			cairo_surface_destroy(s);
			/* The scan's resolution, from its size as placed. */
			if (pix && sc->width_pt > 0) {
				l_int32 dpi =
				    (l_int32)lround(w * 72.0 / sc->width_pt);
				pixSetResolution(pix, dpi, dpi);
			}
		}
		if (pix)
			ocr_into(ocr, pix, lim->ocr_seconds, &best);
		pixDestroy(&pix);
	}
	if (best.rc == CS_ENOMEM)
		goto done;
	if (best.rc != CS_OK || best.conf < LOW_CONFIDENCE) {
		pix = render(page, pw, ph, lim->max_pixels);
		if (!pix) {
			if (best.rc != CS_OK)
				cs_fail(&best.err, CS_EBACKEND,
					"cannot render the page");
		} else {
			ocr_into(ocr, pix, lim->ocr_seconds, &alt);
			pixDestroy(&pix);
			if (alt.rc == CS_ENOMEM) {
				best.rc = CS_ENOMEM;
				goto done;
			}
			/* A failed first reading gives way even to a failure,
			 * whose message is then the one reported. */
			if (best.rc != CS_OK ||
			    (alt.rc == CS_OK && alt.conf > best.conf)) {
				reading t = best;
				best = alt;
				alt = t;
			}
		}
	}
	if (best.rc != CS_OK) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL, "page %d: %s", pageno,
		     best.err.msg);
		goto done;
	}
	*read = true;
	size_t len = strlen(best.text);
	if (strspn(best.text, " \t\r\n\f") < len) {
		rc = ex_job_ocr_text(job, part, pageno, true, best.conf,
				     best.text, len);
		if (rc == CS_OK && best.conf < LOW_CONFIDENCE)
			ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
			     "low OCR confidence (%.0f) on page %d", best.conf,
			     pageno);
	}
done:
	free(best.text);
	free(alt.text);
	return best.rc == CS_ENOMEM ? CS_ENOMEM : rc;
}

/* Reads page i (0-based): its text layer, or OCR when that is poor. */
static cs_code read_page(ex_job *job, PopplerDocument *pdf, size_t part, int i,
			 ex_ocr **ocr, bool *read)
{
	cs_code rc = CS_OK;
	PopplerPage *page = poppler_document_get_page(pdf, i);
	if (!page) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL, "page %d: corrupt: cannot be read",
		     i + 1);
		return CS_OK;
	}
	double pw, ph;
	poppler_page_get_size(page, &pw, &ph);
	char *text = poppler_page_get_text(page);
	size_t good = 0, bad = 0;
	if (text)
		count_chars(text, &good, &bad);
	/* Pictures matter only when the layer is not plainly good. */
	scan sc = {.single = false};
	double pics = 0;
	if (thin(good, pw, ph) ||
	    (double)bad > GARBAGE_SHARE * (double)(good + bad))
		pics = picture_share(page, pw, ph, &sc);
	layer l = judge(good, bad, pw, ph, pics);
	if (l != LAYER_NONE) {
		rc = ex_job_text(job, part, i + 1, text, strlen(text));
		*read = true;
	}
	if (rc == CS_OK && l != LAYER_GOOD) {
		if (!*ocr) {
			cs_error err;
			cs_error_clear(&err);
			*ocr = ex_job_ocr(job, &err);
			if (!*ocr && err.code == CS_ENOMEM)
				rc = CS_ENOMEM;
			else if (!*ocr)
				ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
				     "page %d: OCR unavailable: %s", i + 1,
				     err.msg);
		}
		if (*ocr)
			rc = ocr_page(job, *ocr, part, i + 1, page, pw, ph, &sc,
				      read);
	}
	g_free(text);
	g_object_unref(page);
	return rc;
}

/* Collects an attachment's bytes, refusing more than the ceiling. */
static gboolean collect(const gchar *buf, gsize count, gpointer data,
			GError **error)
{
	if (cs_buf_add(data, buf, count) != CS_OK) {
		g_set_error_literal(
		    error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
		    "expanded-bytes limit (max_expanded) reached");
		return FALSE;
	}
	return TRUE;
}

static cs_code read_attachments(ex_job *job, PopplerDocument *pdf, size_t part)
{
	cs_code rc = CS_OK;
	if (!poppler_document_has_attachments(pdf))
		return CS_OK;
	GList *list = poppler_document_get_attachments(pdf);
	int n = 0;
	for (GList *l = list; l && rc == CS_OK; l = l->next) {
		PopplerAttachment *a = l->data;
		const char *name = poppler_attachment_get_name(a);
		char fallback[32];
		n++;
		if (!name || !*name) {
			snprintf(fallback, sizeof fallback, "attachment %d", n);
			name = fallback;
		}
		cs_buf buf;
		cs_buf_init(&buf, ex_job_expand_left(job));
		GError *gerr = NULL;
		if (!poppler_attachment_save_to_callback(a, collect, &buf,
							 &gerr)) {
			ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL, "attachment %s: %s", name,
			     gerr ? gerr->message : "cannot be read");
			g_clear_error(&gerr);
		} else {
			rc = ex_job_child(job, part, name,
					  buf.data ? buf.data : "", buf.len);
		}
		cs_buf_free(&buf);
	}
	g_list_free_full(list, g_object_unref);
	return rc;
}

static cs_code pdf_extract(ex_job *job, size_t part, const void *data,
			   size_t len)
{
	const ex_limits *lim = ex_job_limits(job);
	cs_code rc = CS_OK;
	GError *gerr = NULL;
	ex_ocr *ocr = NULL;
	bool read = false;

	setMsgSeverity(L_SEVERITY_NONE); /* Leptonica must not print */
	/*
	 * Static: the bytes outlive the document, freed before we return.
	 * No password: poppler then tries the empty user password itself,
	 * while a password given makes poppler 22.12 retry a wrong one on a
	 * freed stream and crash.
	 */
	GBytes *bytes = g_bytes_new_static(data, len);
	PopplerDocument *pdf =
	    poppler_document_new_from_bytes(bytes, NULL, &gerr);
	if (!pdf) {
		if (gerr && g_error_matches(gerr, POPPLER_ERROR,
					    POPPLER_ERROR_ENCRYPTED))
			ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "encrypted");
		else
			ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "corrupt: %s",
			     gerr ? gerr->message : "cannot be opened");
		goto done;
	}
	int pages = poppler_document_get_n_pages(pdf);
	int last = pages < lim->max_pages ? pages : lim->max_pages;
	int i;
	for (i = 0; i < last && rc == CS_OK; i++) {
		if (ex_job_expired(job)) {
			ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
			     "wall-time limit (wall_seconds %g) reached at "
			     "page %d of %d",
			     lim->wall_seconds, i + 1, pages);
			break;
		}
		rc = read_page(job, pdf, part, i, &ocr, &read);
	}
	if (rc != CS_OK)
		goto done;
	if (pages > lim->max_pages)
		ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
		     "page limit (max_pages %d) reached; %d of %d pages read",
		     lim->max_pages, lim->max_pages, pages);
	rc = read_attachments(job, pdf, part);
	if (rc != CS_OK)
		goto done;
	if (pages <= 0) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "corrupt: no pages");
	} else if (!read && i == last) {
		const ex_part *p = ex_doc_part(ex_job_doc(job), part);
		ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "no page could be read (%s)",
		     p->reason ? p->reason : "no text");
	}
done:
	g_clear_error(&gerr);
	if (pdf)
		g_object_unref(pdf);
	g_bytes_unref(bytes);
	return rc;
}

const ex_handler ex_handler_pdf = {
    .name = "pdf",
    .accepts = pdf_accepts,
    .extract = pdf_extract,
};
