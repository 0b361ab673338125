/*
 * ocr.c: Tesseract through its C API.
 *
 * One TessBaseAPI per ex_ocr, initialised once (loading chi_sim, chi_tra and
 * eng costs about half a second) and reused for every page: SetImage,
 * Recognize, read the text, Clear.
 *
 * Threads. Debian's Tesseract is built with OpenMP and runs parts of its
 * LSTM with four threads. On two cores that made a page about 4x slower in
 * wall time than one thread (3.2 s against 0.7 s), and a worker per core
 * already keeps every core busy. OMP_THREAD_LIMIT=1 in the environment
 * fixes it, but libgomp reads its environment when it is loaded, before
 * any code of ours runs, so setenv() here would be too late. Instead we
 * look up omp_set_max_active_levels in the running process and set it to
 * 0: every parallel region started by this thread then runs on this
 * thread alone. It is a per-thread setting of the process's OpenMP runtime
 * (any other OpenMP code on the same thread runs serial too); when the
 * runtime is absent the lookup fails and nothing changes.
 *
 * Time. The C API takes a monitor (ETEXT_DESC) with a deadline, which
 * Tesseract checks between words while recognising; it does not cover page
 * layout analysis, which is bounded by the image size instead (callers
 * check max_pixels before decoding).
 *
 * Preprocessing, measured on 4-page sets of clean 300 dpi scans, 150 and
 * 100 dpi scans, tilted noisy photos, phone shots and photos with a
 * shadow (character accuracy after normalisation): grey, alpha blended on
 * white, upscaled when small (100 dpi: 96.9% without, 98.6% with),
 * deskewed (a 2.5 degree tilt: 60% without, 99.7% with), background
 * flattened and binarised with one Otsu threshold (shadow: 25% without,
 * 99.6% with; 100 dpi: 95% -> 98.6%; the others within 0.2% either way).
 * Downscaling 300 dpi pages changed nothing after normalisation.
 *
 * Noise. Tesseract writes its warnings through tprintf, which goes to the
 * file named by the debug_file variable; pointing it at the null device
 * keeps library code quiet. Leptonica's messages are switched off for the
 * process with setMsgSeverity().
 */
#include "ocr.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tesseract/capi.h>

#define DEFAULT_LANGS "chi_sim+chi_tra+eng"
/* Below this many pixels on the long side an image is scaled up: text in
 * a small picture is too few pixels high for the LSTM (measured). */
#define SMALL_SIDE 1600
#define MAX_UPSCALE 3.0f
/* Resolution claimed to Tesseract when the image does not carry one. */
#define DEFAULT_PPI 300

struct ex_ocr {
	TessBaseAPI *api;
	ETEXT_DESC *monitor;
};

/* Runs OpenMP parallel regions of the calling thread on that thread. */
static void serial_openmp(void)
{
	void (*set_levels)(int);
	*(void **)&set_levels =
	    dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
	if (set_levels)
		set_levels(0);
}

cs_code ex_ocr_new(const char *langs, const char *tessdata, ex_ocr **out,
		   cs_error *err)
{
	cs_code rc = CS_OK;
	ex_ocr *ocr = calloc(1, sizeof *ocr);
	if (!ocr)
		return cs_fail(err, CS_ENOMEM, "OCR: out of memory");
	if (!langs || !*langs)
		langs = DEFAULT_LANGS;

	setMsgSeverity(L_SEVERITY_NONE);
	serial_openmp();
	ocr->api = TessBaseAPICreate();
	ocr->monitor = TessMonitorCreate();
	if (!ocr->api || !ocr->monitor) {
		rc = cs_fail(err, CS_ENOMEM, "OCR: out of memory");
		goto done;
	}
	/* Before Init, so that loading is quiet too. */
	TessBaseAPISetVariable(ocr->api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(ocr->api, tessdata, langs) != 0) {
		rc = cs_fail(
		    err, CS_EBACKEND,
		    "OCR: cannot load Tesseract language data \"%s\"%s%s",
		    langs, tessdata ? " from " : "", tessdata ? tessdata : "");
		goto done;
	}
	/* The API's default is one uniform block; pages have layout. */
	TessBaseAPISetPageSegMode(ocr->api, PSM_AUTO);
	*out = ocr;
done:
	if (rc != CS_OK)
		ex_ocr_free(ocr);
	return rc;
}

void ex_ocr_free(ex_ocr *ocr)
{
	if (!ocr)
		return;
	if (ocr->api) {
		TessBaseAPIEnd(ocr->api);
		TessBaseAPIDelete(ocr->api);
	}
	if (ocr->monitor)
		TessMonitorDelete(ocr->monitor);
	free(ocr);
}

/*
 * Returns a new image of pix ready for Tesseract: alpha blended on white,
 * grey, scaled up when small, deskewed, background flattened and
 * binarised. *ppi is the resolution to tell Tesseract. NULL when Leptonica
 * fails (which it does only on ENOMEM or a degenerate image).
 */
static PIX *prepare(PIX *pix, int *ppi)
{
	PIX *noalpha = NULL, *grey = NULL, *scaled = NULL, *straight = NULL;
	PIX *flat = NULL, *out = NULL;
	int w = pixGetWidth(pix), h = pixGetHeight(pix);
	int res = pixGetXRes(pix);

	noalpha = pixGetSpp(pix) == 4 ? pixRemoveAlpha(pix) : pixClone(pix);
	if (!noalpha)
		goto done;
	grey = pixConvertTo8(noalpha, 0);
	if (!grey)
		goto done;
	int side = w > h ? w : h;
	if (side > 0 && side < SMALL_SIDE) {
		float f = (float)SMALL_SIDE / (float)side;
		if (f > MAX_UPSCALE)
			f = MAX_UPSCALE;
		scaled = pixScaleGrayLI(grey, f, f);
		if (res > 0)
			res = (int)((float)res * f);
	} else {
		scaled = pixClone(grey);
	}
	if (!scaled)
		goto done;
	/* A clone when no skew is found; 0 picks the default reduction. */
	straight = pixFindSkewAndDeskew(scaled, 0, NULL, NULL);
	if (!straight)
		goto done;
	/*
	 * Tesseract's own global Otsu fails on an uneven background (a phone
	 * photo with a shadow read 25% right, 99.6% after this); flattening
	 * the background first and then one global Otsu threshold reads at
	 * least as well everywhere else. Grey is kept if either step fails.
	 */
	flat = pixBackgroundNormSimple(straight, NULL, NULL);
	if (flat)
		pixOtsuAdaptiveThreshold(flat, pixGetWidth(flat),
					 pixGetHeight(flat), 0, 0, 0.1f, NULL,
					 &out);
	if (!out)
		out = pixClone(straight);
done:
	pixDestroy(&noalpha);
	pixDestroy(&grey);
	pixDestroy(&scaled);
	pixDestroy(&straight);
	pixDestroy(&flat);
	*ppi = res >= 70 && res <= 2400 ? res : DEFAULT_PPI;
	return out;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cs_code ex_ocr_pix(ex_ocr *ocr, PIX *pix, double seconds, char **text,
		   float *confidence, cs_error *err)
{
	cs_code rc = CS_OK;
	char *raw = NULL;
	int ppi;
	PIX *img = prepare(pix, &ppi);
	if (!img)
		return cs_fail(err, CS_EBACKEND,
			       "OCR: cannot prepare a %dx%d image",
			       pixGetWidth(pix), pixGetHeight(pix));

	/* Each page may run on its own thread in a daemon; cheap to repeat. */
	serial_openmp();
	TessBaseAPISetImage2(ocr->api, img);
	TessBaseAPISetSourceResolution(ocr->api, ppi);
	double start = now();
	/* The monitor keeps an absolute end time: reset it for every page. */
	double ms = seconds > 0 ? seconds * 1000 : 1e9;
	TessMonitorSetDeadlineMSecs(ocr->monitor, (int)(ms < 1	   ? 1
							: ms > 1e9 ? 1e9
								   : ms));
	if (TessBaseAPIRecognize(ocr->api, ocr->monitor) != 0) {
		if (seconds > 0 && now() - start >= seconds)
			rc = cs_fail(err, CS_ETIMEOUT,
				     "OCR: time limit (%g s) reached", seconds);
		else
			rc = cs_fail(
			    err, CS_EBACKEND,
			    "OCR: Tesseract could not recognise the page");
		goto done;
	}
	raw = TessBaseAPIGetUTF8Text(ocr->api);
	*text = cs_strdup(raw ? raw : "");
	if (!*text) {
		rc = cs_fail(err, CS_ENOMEM, "OCR: out of memory");
		goto done;
	}
	int conf = TessBaseAPIMeanTextConf(ocr->api);
	*confidence = (float)(conf < 0 ? 0 : conf > 100 ? 100 : conf);
done:
	if (raw)
		TessDeleteText(raw);
	TessBaseAPIClear(ocr->api);
	pixDestroy(&img);
	return rc;
}
