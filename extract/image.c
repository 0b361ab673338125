/*
 * image.c: the handler for pictures (PNG, JPEG, TIFF with all its pages,
 * BMP, GIF, WebP, JPEG 2000, PNM): decode with Leptonica, OCR each page.
 *
 * Every image is hostile, and a decoder allocates what the header says:
 * a 177-byte PNG can claim 100000 x 100000 pixels. So the size is read
 * from the header and checked against max_pixels before anything is
 * decoded, which makes a refusal cost microseconds. Leptonica's header
 * reader decodes a GIF in full to learn its size, and giflib decodes every
 * frame at once, so GIF frames are counted here by walking the GIF blocks
 * (a few dozen lines; no library offers it without decoding).
 *
 * A TIFF is read page by page (header, check, decode, OCR, free), never
 * all at once. Leptonica walks the TIFF directories from the start for
 * each page, which is quadratic in the page count but negligible beside
 * OCR at max_pages = 2000.
 *
 * Pages are numbered from 1; a single picture is page 1. OCR below
 * LOW_CONFIDENCE marks the part partial: the text is kept and the doubt
 * reported.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "detect.h"
#include "handler.h"
#include "ocr.h"

/* Mean word confidence under which OCR text is reported as doubtful. */
#define LOW_CONFIDENCE 60.0f

static bool image_format(const void *data, size_t len, l_int32 *format)
{
	/* Leptonica reads 12 bytes to tell the format. */
	if (len < 12 || findFileFormatBuffer(data, format) != 0)
		return false;
	switch (*format) {
	case IFF_BMP:
	case IFF_JFIF_JPEG:
	case IFF_PNG:
	case IFF_PNM:
	case IFF_GIF:
	case IFF_JP2:
	case IFF_WEBP:
		return true;
	default:
		return L_FORMAT_IS_TIFF(*format);
	}
}

static bool image_accepts(const char *mime, const void *data, size_t len)
{
	l_int32 format;
	return mime && !strncmp(mime, "image/", 6) &&
	       image_format(data, len, &format);
}

/* Sets *n to the size in bytes of the GIF sub-blocks at p, or fails. */
static bool gif_skip_blocks(const uint8_t *p, size_t len, size_t *n)
{
	size_t i = 0;
	while (i < len) {
		size_t b = p[i];
		i += 1 + b;
		if (b == 0) {
			*n = i;
			return true;
		}
	}
	return false;
}

/*
 * Sums the pixels of every frame of a GIF, as giflib will decode them all.
 * Returns false when the block structure is broken before the trailer
 * (which giflib would refuse too). Each step moves forward, so the walk
 * ends within len bytes.
 */
static bool gif_pixels(const uint8_t *p, size_t len, uint64_t *pixels)
{
	if (len < 13)
		return false;
	uint64_t total = (uint64_t)(p[6] | p[7] << 8) * (p[8] | p[9] << 8);
	size_t i = 13, n;
	if (p[10] & 0x80)
		i += (size_t)3 << ((p[10] & 7) + 1); /* global colour table */
	while (i < len && p[i] != 0x3b) {
		if (p[i] == 0x21) { /* extension: label, sub-blocks */
			if (i + 2 > len ||
			    !gif_skip_blocks(p + i + 2, len - i - 2, &n))
				return false;
			i += 2 + n;
		} else if (p[i] == 0x2c) { /* image descriptor */
			if (i + 10 > len)
				return false;
			total += (uint64_t)(p[i + 5] | p[i + 6] << 8) *
				 (p[i + 7] | p[i + 8] << 8);
			uint8_t flags = p[i + 9];
			i += 10;
			if (flags & 0x80)
				i += (size_t)3 << ((flags & 7) + 1);
			/* LZW minimum code size, then the data sub-blocks. */
			if (i + 1 > len ||
			    !gif_skip_blocks(p + i + 1, len - i - 1, &n))
				return false;
			i += 1 + n;
		} else {
			return false;
		}
	}
	*pixels = total;
	return true;
}

static bool too_large(ex_job *job, size_t part, uint64_t pixels)
{
	size_t max = ex_job_limits(job)->max_pixels;
	if (pixels <= max)
		return false;
	ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE,
	     "image too large (%llu pixels, limit %zu)",
	     (unsigned long long)pixels, max);
	return true;
}

/*
 * The OCR engine, loaded on first use (after the header checks and the
 * decoding, so that a refused or broken image costs no language data). NULL,
 * with part marked unscannable or *rc set to CS_ENOMEM, when it cannot load.
 */
static ex_ocr *engine(ex_job *job, size_t part, cs_code *rc)
{
	cs_error err;
	cs_error_clear(&err);
	ex_ocr *ocr = ex_job_ocr(job, &err);
	if (!ocr) {
		if (err.code == CS_ENOMEM)
			*rc = CS_ENOMEM;
		else
			ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "OCR unavailable: %s",
			     err.msg);
	}
	return ocr;
}

/*
 * OCRs pix as page `page` of part and adds its text; low confidence marks
 * the part partial. When OCR fails (or times out) the part gets status
 * on_fail. Sets *read when the page was recognised. Returns CS_ENOMEM
 * only.
 */
static cs_code ocr_page(ex_job *job, ex_ocr *ocr, size_t part, int page,
			PIX *pix, ex_status on_fail, bool *read)
{
	char *text = NULL;
	float conf = 0;
	cs_error err;
	cs_code rc = ex_ocr_pix(ocr, pix, ex_job_limits(job)->ocr_seconds,
				&text, &conf, &err);
	if (rc == CS_ENOMEM)
		return rc;
	if (rc != CS_OK) {
		ex_doc_set_statusf(ex_job_doc(job), part, on_fail, "page %d: %s", page, err.msg);
		return CS_OK;
	}
	*read = true;
	size_t len = strlen(text);
	/* Tesseract returns a bare newline for a page without text. */
	if (strspn(text, " \t\r\n\f") < len) {
		rc = ex_job_ocr_text(job, part, page, true, conf, text, len);
		if (rc == CS_OK && conf < LOW_CONFIDENCE)
			ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
			     "low OCR confidence (%.0f) on page %d", conf,
			     page);
	}
	free(text);
	return rc;
}

/* True when the TIFF has a page n (0-based). */
static bool tiff_has_page(const l_uint8 *data, size_t len, int n)
{
	l_int32 w;
	return readHeaderMemTiff(data, len, n, &w, NULL, NULL, NULL, NULL, NULL,
				 NULL) == 0;
}

/* Reads and OCRs every page of a TIFF, one at a time. */
static cs_code read_tiff(ex_job *job, size_t part, const l_uint8 *data,
			 size_t len)
{
	const ex_limits *lim = ex_job_limits(job);
	cs_code rc = CS_OK;
	ex_ocr *ocr = NULL;
	bool any = false;
	int n;

	for (n = 0; n < lim->max_pages; n++) {
		l_int32 w, h;
		if (readHeaderMemTiff(data, len, n, &w, &h, NULL, NULL, NULL,
				      NULL, NULL) != 0)
			break;
		if (ex_job_expired(job)) {
			ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
			     "wall-time limit (wall_seconds %g) reached at "
			     "page %d",
			     lim->wall_seconds, n + 1);
			goto done;
		}
		if (too_large(job, part, (uint64_t)w * (uint64_t)h))
			goto done;
		PIX *pix = pixReadMemTiff(data, len, n);
		if (!pix) {
			ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
			     "page %d: corrupt: cannot decode the image",
			     n + 1);
			continue;
		}
		if (!ocr && !(ocr = engine(job, part, &rc))) {
			pixDestroy(&pix);
			goto done;
		}
		rc = ocr_page(job, ocr, part, n + 1, pix, EX_PARTIAL, &any);
		pixDestroy(&pix);
		if (rc != CS_OK)
			goto done;
	}
	if (n == 0) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE,
		     "corrupt: cannot read the TIFF header");
	} else if (!any) {
		const ex_part *p = ex_doc_part(ex_job_doc(job), part);
		ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "no page could be read (%s)",
		     p->reason ? p->reason : "no reason given");
	} else if (n == lim->max_pages && tiff_has_page(data, len, n)) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
		     "page limit (max_pages %d) reached; later pages not read",
		     lim->max_pages);
	}
done:
	return rc;
}

/* Reads and OCRs a picture of one page (a GIF's first frame). */
static cs_code read_single(ex_job *job, size_t part, const l_uint8 *data,
			   size_t len, l_int32 format)
{
	cs_code rc = CS_OK;
	uint64_t pixels;
	if (format == IFF_GIF) {
		if (!gif_pixels(data, len, &pixels)) {
			ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE,
			     "corrupt: broken GIF blocks");
			return CS_OK;
		}
	} else {
		l_int32 f, w, h, bps, spp, cmap;
		if (pixReadHeaderMem(data, len, &f, &w, &h, &bps, &spp,
				     &cmap)) {
			ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE,
			     "corrupt: cannot read the image header");
			return CS_OK;
		}
		pixels = (uint64_t)w * (uint64_t)h;
	}
	if (too_large(job, part, pixels))
		return CS_OK;
	/*
	 * A JPEG cut short (a partial download) still holds the top of the
	 * page: decode what is there and say the rest is missing. Luminance
	 * alone is what OCR needs, at a third of the memory.
	 */
	l_int32 warnings = 0;
	PIX *pix = format == IFF_JFIF_JPEG
		       ? pixReadMemJpeg(data, len, 0, 1, &warnings,
					L_JPEG_READ_LUMINANCE |
					    L_JPEG_CONTINUE_WITH_BAD_DATA)
		       : pixReadMem(data, len);
	if (!pix) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE,
		     "corrupt: cannot decode the image");
		return CS_OK;
	}
	if (warnings > 0)
		ex_doc_set_statusf(ex_job_doc(job), part, EX_PARTIAL,
		     "corrupt: damaged JPEG data (%d warnings); read what "
		     "decoded",
		     warnings);
	bool read = false;
	ex_ocr *ocr = engine(job, part, &rc);
	if (ocr)
		rc = ocr_page(job, ocr, part, 1, pix, EX_UNSCANNABLE, &read);
	pixDestroy(&pix);
	return rc;
}

static cs_code image_extract(ex_job *job, size_t part, const void *data,
			     size_t len)
{
	l_int32 format;
	setMsgSeverity(L_SEVERITY_NONE); /* Leptonica must not print */
	if (!image_format(data, len, &format)) {
		ex_doc_set_statusf(ex_job_doc(job), part, EX_UNSCANNABLE, "unsupported image format");
		return CS_OK;
	}
	if (L_FORMAT_IS_TIFF(format))
		return read_tiff(job, part, data, len);
	return read_single(job, part, data, len, format);
}

const ex_handler ex_handler_image = {
    .name = "image",
    .accepts = image_accepts,
    .extract = image_extract,
};
