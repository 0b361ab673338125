/*
 * detect.c: recognising bytes: their type and their character set.
 *
 * Types come from the content, never the name: libmagic, after a cheap
 * look for fixed signatures and plain text (see ex_detect_type). libmagic knows
 * OOXML and ODF only when the zip lists its members in the usual order, so
 * every zip is also opened (headers only, plus the few bytes of ODF's
 * "mimetype" member) to tell a document from an archive whatever the order.
 *
 * Character sets: a byte-order mark wins, then what the container declared,
 * then valid UTF-8, then uchardet's guess. uchardet does not know UTF-16
 * without a mark (common in files saved by Windows tools), so when it has
 * no answer the bytes are read as UTF-16 both ways and kept if nearly every
 * code unit is a letter, digit, CJK ideograph or punctuation.
 */
#include "detect.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <uchardet.h>

/* Bytes of a text looked at to guess its character set. */
#define SNIFF_BYTES 65536
/* Zip members listed to tell OOXML from a plain zip. */
#define PEEK_ENTRIES 4096

static bool valid_utf8(const unsigned char *p, size_t n, bool cut);

static void set_mime(char *mime, size_t size, const char *s)
{
	snprintf(mime, size, "%s", s);
}

/* Refines a zip into an OOXML or ODF type when its members say so. */
static void peek_zip(const void *data, size_t len, char *mime, size_t size)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	bool types = false, word = false, xl = false, ppt = false;
	char odf[128] = "";
	if (!a)
		return;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
		goto done;
	for (int i = 0; i < PEEK_ENTRIES; i++) {
		if (archive_read_next_header(a, &e) != ARCHIVE_OK)
			break;
		const char *n = archive_entry_pathname(e);
		if (!n)
			continue;
		if (strcmp(n, "[Content_Types].xml") == 0)
			types = true;
		else if (strncmp(n, "word/", 5) == 0)
			word = true;
		else if (strncmp(n, "xl/", 3) == 0)
			xl = true;
		else if (strncmp(n, "ppt/", 4) == 0)
			ppt = true;
		else if (strcmp(n, "mimetype") == 0 && !odf[0]) {
			la_ssize_t r = archive_read_data(a, odf, sizeof odf - 1);
			odf[r > 0 ? r : 0] = '\0';
		}
	}
	if (types && word)
		set_mime(mime, size, "application/vnd.openxmlformats-officedocument"
				     ".wordprocessingml.document");
	else if (types && xl)
		set_mime(mime, size, "application/vnd.openxmlformats-officedocument"
				     ".spreadsheetml.sheet");
	else if (types && ppt)
		set_mime(mime, size, "application/vnd.openxmlformats-officedocument"
				     ".presentationml.presentation");
	else if (strncmp(odf, "application/vnd.oasis.opendocument.", 35) == 0) {
		odf[strcspn(odf, " \t\r\n")] = '\0';
		set_mime(mime, size, odf);
	}
done:
	archive_read_free(a);
}

/*
 * True when the text opens with RFC 5322 header fields, one of them a
 * field only mail has; libmagic calls such a mail text/plain when it does
 * not start with Received: or From:.
 */
static bool looks_like_mail(const char *p, size_t len)
{
	static const char *const fields[] = {
		"mime-version:", "from:", "to:", "subject:", "date:",
		"message-id:", "return-path:", "received:", "delivered-to:",
	};
	bool mailish = false;
	size_t i = 0;
	for (int line = 0; line < 40 && i < len; line++) {
		size_t end = i;
		while (end < len && p[end] != '\n')
			end++;
		size_t n = end - i;
		if (n == 0 || (n == 1 && p[i] == '\r'))
			return mailish;
		if (p[i] != ' ' && p[i] != '\t') {
			size_t k = 0;
			while (k < n && p[i + k] > ' ' && p[i + k] < 127 && p[i + k] != ':')
				k++;
			if (k == 0 || k == n || p[i + k] != ':')
				return false;
			for (size_t f = 0; f < CS_ARRAY_LEN(fields); f++)
				if (strncasecmp(p + i, fields[f], strlen(fields[f])) == 0)
					mailish = true;
		}
		i = end + 1;
	}
	return mailish;
}

/*
 * Formats named by a fixed signature at offset 0, where libmagic would
 * answer the same; checked first because they cost nothing.
 */
static const char *signature(const unsigned char *p, size_t len)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *mime;
	} sigs[] = {
		{"%PDF-", 5, "application/pdf"},
		{"\x89PNG\r\n\x1a\n", 8, "image/png"},
		{"\xff\xd8\xff", 3, "image/jpeg"},
		{"GIF87a", 6, "image/gif"},
		{"GIF89a", 6, "image/gif"},
		{"II*\0", 4, "image/tiff"},
		{"MM\0*", 4, "image/tiff"},
		{"\x1f\x8b\x08", 3, "application/gzip"},
		{"\xfd" "7zXZ\0", 6, "application/x-xz"},
		{"7z\xbc\xaf\x27\x1c", 6, "application/x-7z-compressed"},
		{"{\\rtf", 5, "text/rtf"},
		{"PK\003\004", 4, "application/zip"},
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(sigs); i++)
		if (len >= sigs[i].len && memcmp(p, sigs[i].magic, sigs[i].len) == 0)
			return sigs[i].mime;
	return NULL;
}

/*
 * True for text libmagic could only call some text/... type that every
 * handler reads as plain text: valid UTF-8, no control characters, and
 * nothing a markup, RTF, PostScript or script detector keys on ('<' in
 * the first bytes, a leading '{', '%' or "#!").
 */
static bool plain_text(const unsigned char *p, size_t len)
{
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	if (n == 0 || p[0] == '{' || p[0] == '%' || (n > 1 && p[0] == '#' && p[1] == '!'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '<' || (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
				    p[i] != '\r' && p[i] != '\f') || p[i] == 0x7f)
			return false;
	return valid_utf8(p, n, n < len);
}

/* libmagic's DOS .COM rule keys on a first byte only; an MZ executable
 * has its signature. */
static bool dos_com_guess(const char *mime, const unsigned char *p, size_t len)
{
	return strcmp(mime, "application/x-dosexec") == 0 &&
	       !(len >= 2 && p[0] == 'M' && p[1] == 'Z');
}

/*
 * libmagic 5.44 walks its whole rule set for text, 250 to 500 us a call
 * (measured): a mail of 10000 small parts took 2.5 s in detection alone.
 * Signatures and plain UTF-8 text are therefore recognised here first;
 * everything else goes to libmagic.
 */
void ex_detect_type(magic_t magic, const void *data, size_t len, char *mime,
		    size_t size)
{
	const char *m = signature(data, len);
	if (!m && plain_text(data, len))
		m = "text/plain";
	if (!m && magic)
		m = magic_buffer(magic, data, len);
	set_mime(mime, size, m ? m : "application/octet-stream");
	if (strcmp(mime, "application/zip") == 0 ||
	    strncmp(mime, "application/vnd.openxmlformats", 30) == 0 ||
	    strncmp(mime, "application/vnd.oasis.opendocument", 34) == 0)
		peek_zip(data, len, mime, size);
	else if (strcmp(mime, "text/plain") == 0 &&
		 looks_like_mail(data, len < SNIFF_BYTES ? len : SNIFF_BYTES))
		set_mime(mime, size, "message/rfc822");
	else if ((strcmp(mime, "application/octet-stream") == 0 ||
		  dos_com_guess(mime, data, len)) &&
		 ex_looks_like_text(data, len))
		/* UTF-16 without a mark, or text libmagic gave up on or took
		 * for a DOS .COM program (GB18030 text may begin with the
		 * byte of a MOV instruction). */
		set_mime(mime, size, "text/plain");
}

/* --- character sets ------------------------------------------------ */

static const char REPLACEMENT[] = "\xef\xbf\xbd";

cs_code ex_buf_fill(cs_buf *b, const void *data, size_t len)
{
	cs_code rc = cs_buf_add(b, data, len);
	if (rc != CS_ELIMIT || b->len >= b->max)
		return rc;
	rc = cs_buf_add(b, data, b->max - b->len);
	return rc == CS_OK ? CS_ELIMIT : rc;
}

/* The iconv name for a declared charset, widened to its superset. */
static const char *charset_name(const char *cs)
{
	static const struct {
		const char *alias, *name;
	} map[] = {
		{"gb2312", "GB18030"},  {"gbk", "GB18030"},
		{"cp936", "GB18030"},   {"x-gbk", "GB18030"},
		{"euc-cn", "GB18030"},  {"ms936", "GB18030"},
		{"windows-936", "GB18030"}, {"gb_2312-80", "GB18030"},
		{"big5", "CP950"},      {"x-big5", "CP950"},
		{"cp950", "CP950"},     {"big5-hkscs", "BIG5-HKSCS"},
		{"iso-8859-1", "WINDOWS-1252"}, {"latin1", "WINDOWS-1252"},
		{"us-ascii", "WINDOWS-1252"},   {"ascii", "WINDOWS-1252"},
		{"utf8", "UTF-8"},
	};
	for (size_t i = 0; i < CS_ARRAY_LEN(map); i++)
		if (strcasecmp(cs, map[i].alias) == 0)
			return map[i].name;
	return cs;
}

cs_code ex_iconv_utf8(const void *data, size_t len, const char *cs,
		      cs_buf *out, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", charset_name(cs));
	if (cd == (iconv_t)-1)
		return CS_EUNSUPPORTED;
	cs_code rc = CS_OK;
	char chunk[8192];
	char *in = (char *)data;
	size_t left = len;
	/* Each pass converts or skips at least one byte, or flushes output. */
	while (left > 0) {
		char *o = chunk;
		size_t room = sizeof chunk;
		size_t r = iconv(cd, &in, &left, &o, &room);
		int e = errno;
		if ((rc = ex_buf_fill(out, chunk, (size_t)(o - chunk))) != CS_OK)
			break;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		/* EILSEQ or EINVAL (cut short at the end): mark and skip a byte. */
		if ((rc = ex_buf_fill(out, REPLACEMENT, 3)) != CS_OK)
			break;
		if (bad)
			(*bad)++;
		in++;
		left--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return rc;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t k;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/*
 * True when p is valid UTF-8. A sequence cut by the end of a sniffed
 * prefix (cut) still counts as valid.
 */
static bool valid_utf8(const unsigned char *p, size_t n, bool cut)
{
	size_t i = 0;
	while (i < n) {
		size_t k = utf8_seq(p + i, n - i);
		if (k == 0)
			return cut && n - i < 4 && p[i] >= 0xc2;
		i += k;
	}
	return true;
}

/* True for a UTF-16 code unit that ordinary text is made of. */
static bool texty_unit(unsigned u)
{
	return (u >= 0x20 && u < 0x7f) || u == '\t' || u == '\n' || u == '\r' ||
	       (u >= 0xa0 && u < 0x250) || (u >= 0x2000 && u < 0x2070) ||
	       (u >= 0x3000 && u < 0x3100) || (u >= 0x3400 && u < 0x4dc0) ||
	       (u >= 0x4e00 && u < 0xa000) || (u >= 0xff00 && u < 0xfff0) ||
	       (u >= 0x0370 && u < 0x0530) || (u >= 0xac00 && u < 0xd7a4);
}

/* "UTF-16LE" or "UTF-16BE" when the bytes read as one, else NULL. */
static const char *guess_utf16(const unsigned char *p, size_t n)
{
	if (n < 4 || n % 2)
		return NULL;
	size_t le = 0, be = 0, units = n / 2;
	for (size_t i = 0; i + 1 < n; i += 2) {
		le += texty_unit((unsigned)p[i] | (unsigned)p[i + 1] << 8);
		be += texty_unit((unsigned)p[i] << 8 | (unsigned)p[i + 1]);
	}
	if (le * 100 >= units * 95 && le > be)
		return "UTF-16LE";
	if (be * 100 >= units * 95 && be > le)
		return "UTF-16BE";
	return NULL;
}

/* The character set of text without a mark or declaration; NULL: none. */
static const char *guess_charset(const unsigned char *p, size_t n,
				 char *found, size_t size)
{
	size_t sniff = n < SNIFF_BYTES ? n : SNIFF_BYTES;
	if (valid_utf8(p, sniff, sniff < n))
		return "UTF-8";
	const char *cs = NULL;
	uchardet_t ud = uchardet_new();
	if (ud) {
		if (uchardet_handle_data(ud, (const char *)p, sniff) == 0) {
			uchardet_data_end(ud);
			const char *g = uchardet_get_charset(ud);
			if (g && *g) {
				snprintf(found, size, "%s", g);
				cs = found;
			}
		}
		uchardet_delete(ud);
	}
	if (!cs || strcasecmp(cs, "ASCII") == 0) {
		const char *u16 = guess_utf16(p, sniff & ~(size_t)1);
		if (u16)
			cs = u16;
	}
	return cs;
}

cs_code ex_to_utf8(const void *data, size_t len, const char *hint,
		   cs_buf *out, const char **used, size_t *bad)
{
	const unsigned char *p = data;
	const char *cs = NULL;
	char guessed[64];
	size_t skip = 0;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		cs = "UTF-8", skip = 3;
	else if (len >= 4 && memcmp(p, "\xff\xfe\0\0", 4) == 0)
		cs = "UTF-32LE", skip = 4;
	else if (len >= 4 && memcmp(p, "\0\0\xfe\xff", 4) == 0)
		cs = "UTF-32BE", skip = 4;
	else if (len >= 2 && memcmp(p, "\xff\xfe", 2) == 0)
		cs = "UTF-16LE", skip = 2;
	else if (len >= 2 && memcmp(p, "\xfe\xff", 2) == 0)
		cs = "UTF-16BE", skip = 2;
	if (!cs && hint && *hint) {
		/* A declared set iconv does not know is ignored, not trusted. */
		iconv_t cd = iconv_open("UTF-8", charset_name(hint));
		if (cd != (iconv_t)-1) {
			iconv_close(cd);
			cs = charset_name(hint);
		}
	}
	if (!cs)
		cs = guess_charset(p, len, guessed, sizeof guessed);
	if (!cs)
		cs = "WINDOWS-1252";
	/* uchardet names are iconv names; guessed[] does not outlive us. */
	if (used) {
		static const char *const known[] = {
			"UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE",
			"GB18030", "CP950", "BIG5-HKSCS", "WINDOWS-1252", "BIG5",
		};
		*used = "other";
		for (size_t i = 0; i < CS_ARRAY_LEN(known); i++)
			if (strcasecmp(cs, known[i]) == 0)
				*used = known[i];
	}
	cs_code rc = ex_iconv_utf8(p + skip, len - skip, cs, out, bad);
	if (rc == CS_EUNSUPPORTED)
		rc = ex_iconv_utf8(p + skip, len - skip, "WINDOWS-1252", out, bad);
	return rc;
}

bool ex_looks_like_text(const void *data, size_t len)
{
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	size_t bad = 0, chars = 0, ctrl = 0;
	cs_buf b;
	bool text = false;
	if (n == 0)
		return false;
	cs_buf_init(&b, 8 * SNIFF_BYTES);
	if (ex_to_utf8(data, n, NULL, &b, NULL, &bad) != CS_OK)
		goto done;
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];
		if ((c & 0xc0) != 0x80)
			chars++;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
		    c == 0x7f)
			ctrl++;
	}
	/* One odd byte in a hundred is damage; more is not text. */
	text = chars > 0 && (bad + ctrl) * 100 <= chars;
done:
	cs_buf_free(&b);
	return text;
}
