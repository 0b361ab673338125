/*
 * mkpdf: writes the PDF fixtures the PDF tests and the OCR benchmark read,
 * one page per argument, with cairo's PDF surface.
 *
 *   mkpdf OUT.pdf SPEC...
 *
 *   text:FILE     FILE's lines as real text: a born-digital page
 *   outline:FILE  the same lines drawn as glyph outlines, so the page has
 *                 no text layer and is not one image either: it must be
 *                 rendered before OCR
 *   image:PNG     the PNG alone on the page at 300 dpi: a scanned page
 *   junk:PNG      a scanned page over a text layer of private-use
 *                 characters, as left by a broken OCR tool
 *
 * Lines that do not fit on an A4 page are cut off: the callers write pages
 * that fit. Only the fixture scripts run this; it is no part of catscan.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.0 /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 56.0
#define FONT_PT 11.0
#define LINE_PT 17.0
#define SCAN_DPI 300.0
#define FONT_FAMILY "Noto Sans CJK SC"

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "mkpdf: %s: %s\n", what, arg);
	return 1;
}

/* Draws the lines of path, as text or as filled outlines. */
static int draw_lines(cairo_t *cr, const char *path, int outline)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail("cannot open", path);
	char line[4096];
	double y = MARGIN + FONT_PT;
	cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, FONT_PT);
	cairo_set_source_rgb(cr, 0, 0, 0);
	while (fgets(line, sizeof line, f) && y < PAGE_H - MARGIN) {
		line[strcspn(line, "\r\n")] = '\0';
		cairo_move_to(cr, MARGIN, y);
		if (outline) {
			cairo_text_path(cr, line);
			cairo_fill(cr);
		} else {
			cairo_show_text(cr, line);
		}
		y += LINE_PT;
	}
	fclose(f);
	return 0;
}

/* Paints a PNG over the whole page, the page sized to it at 300 dpi. */
static int draw_scan(cairo_surface_t *pdf, cairo_t *cr, const char *path,
		     int junk)
{
	cairo_surface_t *img = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return fail("cannot read PNG", path);
	}
	double w = cairo_image_surface_get_width(img) * 72.0 / SCAN_DPI;
	double h = cairo_image_surface_get_height(img) * 72.0 / SCAN_DPI;
	cairo_pdf_surface_set_size(pdf, w, h);
	if (junk) {
		/* Under the image, so only text extraction sees it. */
		static const char pua[] = "\xee\x80\x80\xee\x80\x81\xee\x80\x82"
					  "\xee\x80\x83\xee\x80\x84";
		cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
				       CAIRO_FONT_WEIGHT_NORMAL);
		cairo_set_font_size(cr, FONT_PT);
		for (double y = MARGIN; y < h - MARGIN; y += LINE_PT) {
			cairo_move_to(cr, MARGIN, y);
			for (int i = 0; i < 8; i++)
				cairo_show_text(cr, pua);
		}
	}
	cairo_save(cr);
	cairo_scale(cr, 72.0 / SCAN_DPI, 72.0 / SCAN_DPI);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_surface_destroy(img);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkpdf OUT.pdf text:FILE|outline:FILE|"
				"image:PNG|junk:PNG...\n");
		return 2;
	}
	cairo_surface_t *pdf =
	    cairo_pdf_surface_create(argv[1], PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(pdf);
	int rc = 0;
	for (int i = 2; i < argc && rc == 0; i++) {
		const char *spec = argv[i];
		const char *colon = strchr(spec, ':');
		if (!colon) {
			rc = fail("bad page spec", spec);
			break;
		}
		size_t kind = (size_t)(colon - spec);
		const char *arg = colon + 1;
		cairo_pdf_surface_set_size(pdf, PAGE_W, PAGE_H);
		if (kind == 4 && !strncmp(spec, "text", 4))
			rc = draw_lines(cr, arg, 0);
		else if (kind == 7 && !strncmp(spec, "outline", 7))
			rc = draw_lines(cr, arg, 1);
		else if (kind == 5 && !strncmp(spec, "image", 5))
			rc = draw_scan(pdf, cr, arg, 0);
		else if (kind == 4 && !strncmp(spec, "junk", 4))
			rc = draw_scan(pdf, cr, arg, 1);
		else
			rc = fail("bad page kind", spec);
		if (rc == 0)
			cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	if (rc == 0 && cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS)
		rc = fail("cairo",
			  cairo_status_to_string(cairo_surface_status(pdf)));
	cairo_surface_destroy(pdf);
	return rc;
}
