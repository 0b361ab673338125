/*
 * ocr.h: Tesseract through its C API on Leptonica images.
 *
 * An ex_ocr is made once per extraction context and reused: loading the
 * language data costs seconds. It runs Tesseract with one thread (on two
 * cores, Tesseract's own OpenMP threading measured 3x slower than one).
 */
#ifndef EX_OCR_H
#define EX_OCR_H

#include <leptonica/allheaders.h>

#include "cs.h"

typedef struct ex_ocr ex_ocr;

/*
 * langs: "chi_sim+chi_tra+eng" when NULL; tessdata: NULL for Tesseract's
 * default. Errors: CS_EBACKEND (language data missing), CS_ENOMEM.
 */
cs_code ex_ocr_new(const char *langs, const char *tessdata, ex_ocr **out,
		   cs_error *err);
void ex_ocr_free(ex_ocr *ocr);

/*
 * Recognises the text of pix (any depth; it is converted and deskewed as
 * OCR needs). On success *text is a malloc'd UTF-8 string the caller frees
 * and *confidence the mean word confidence (0..100). seconds bounds the
 * recognition (0: no bound). Errors: CS_EBACKEND, CS_ETIMEOUT, CS_ENOMEM.
 */
cs_code ex_ocr_pix(ex_ocr *ocr, PIX *pix, double seconds, char **text,
		   float *confidence, cs_error *err);

#endif
