/*
 * catscand's wire protocol as pure functions: the checks every client
 * request passes before the broker acts on it, the result summary used for
 * logs and topics, the topic scheme and the error metadata.
 *
 * The daemon's objects are not in libcatscan.a, so this test compiles the
 * module itself in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "proto.c"

#define F(s) {(s), sizeof(s) - 1}

/* One line per case: the frames, and the error code expected (NULL: ok). */
#define REQ(want, ...)                                                         \
	do {                                                                   \
		cd_frame f_[] = {__VA_ARGS__};                                 \
		const char *code_ = NULL;                                      \
		cs_code rc_ = cd_request_parse(f_, CS_ARRAY_LEN(f_), 16, &req, \
					       &code_, &err);                  \
		if ((want) == NULL) {                                          \
			assert_int_equal(rc_, CS_OK);                          \
			assert_null(code_);                                    \
		} else {                                                       \
			assert_int_not_equal(rc_, CS_OK);                      \
			assert_string_equal(code_, (const char *)(want));     \
		}                                                              \
	} while (0)

static cd_request req;
static cs_error err;
static const char *const OK = NULL;

static void test_good_requests(void **state)
{
	(void)state;
	REQ(OK, F("CATSCAN/1"), F("SCAN"), F("{\"id\":\"j1\",\"name\":\"a.pdf\"}"), F("doc"));
	assert_int_equal(req.cmd, CD_CMD_SCAN);
	assert_string_equal(req.id, "j1");
	assert_string_equal(req.name, "a.pdf");
	assert_int_equal(req.body_frame, 3);
	REQ(OK, F("CATSCAN/1"), F("SCAN"), F(""), F(""));
	assert_string_equal(req.name, "document"); /* the default name */
	assert_string_equal(req.id, "");
	REQ(OK, F("CATSCAN/1"), F("SCAN"), F("{\"as_of\":\"2024-02-29\",\"options\":{},\"future\":1}"), F("x"));
	assert_string_equal(req.as_of, "2024-02-29");
	REQ(OK, F("CATSCAN/1"), F("SCAN"), F("{\"as_of\":null}"), F("x"));
	REQ(OK, F("CATSCAN/1"), F("PING"));
	assert_int_equal(req.cmd, CD_CMD_PING);
	REQ(OK, F("CATSCAN/1"), F("PING"), F("{\"id\":\"p\"}"));
	assert_string_equal(req.id, "p");
	REQ(OK, F("CATSCAN/1"), F("STATUS"), F(""));
	assert_int_equal(req.cmd, CD_CMD_STATUS);
	REQ(OK, F("CATSCAN/1"), F("SCAN"), F("{}"), F("0123456789abcdef")); /* at the limit */
}

static void test_bad_requests(void **state)
{
	(void)state;
	REQ(CD_E_MALFORMED, F("CATSCAN/1"));
	REQ(CD_E_VERSION, F("CATSCAN/2"), F("PING"));
	REQ(CD_E_VERSION, F("catscan/1"), F("PING"));
	REQ(CD_E_COMMAND, F("CATSCAN/1"), F("scan"), F("{}"), F("x"));
	REQ(CD_E_COMMAND, F("CATSCAN/1"), F(""));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{}"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{}"), F("x"), F("y"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("PING"), F("{}"), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{\"id\":"), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("[1,2]"), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("\"s\""), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{\"id\":1}"), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{\"id\":\"a\",\"id\":\"b\"}"), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{\"name\":[]}"), F("x"));
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), F("{\"options\":1}"), F("x"));
	REQ(CD_E_INVALID, F("CATSCAN/1"), F("SCAN"), F("{\"as_of\":\"2023-02-29\"}"), F("x"));
	REQ(CD_E_INVALID, F("CATSCAN/1"), F("SCAN"), F("{\"as_of\":\"20240101\"}"), F("x"));
	REQ(CD_E_INVALID, F("CATSCAN/1"), F("SCAN"), F("{\"as_of\":20240101}"), F("x"));
	REQ(CD_E_TOO_LARGE, F("CATSCAN/1"), F("SCAN"), F("{\"id\":\"big\"}"), F("0123456789abcdefX"));
	assert_string_equal(req.id, "big"); /* the error can still name the job */
	assert_non_null(strstr(err.msg, "17 bytes"));
}

static void test_meta_bounds(void **state)
{
	(void)state;
	char *big = malloc(CD_META_MAX + 16);
	memset(big, ' ', CD_META_MAX + 15);
	big[0] = '{';
	big[CD_META_MAX + 14] = '}';
	big[CD_META_MAX + 15] = '\0';
	REQ(CD_E_TOO_LARGE, F("CATSCAN/1"), F("SCAN"), {big, strlen(big)}, F("x"));
	free(big);

	char id[CD_ID_MAX + 32];
	snprintf(id, sizeof id, "{\"id\":\"%0*d\"}", CD_ID_MAX + 1, 0);
	REQ(CD_E_MALFORMED, F("CATSCAN/1"), F("SCAN"), {id, strlen(id)}, F("x"));
}

/* The name is a display string: control characters are replaced (it goes
 * into log lines), and a long one is cut at a character boundary. */
static void test_name_is_display_only(void **state)
{
	(void)state;
	REQ(OK, F("CATSCAN/1"), F("SCAN"), F("{\"name\":\"../../etc/passwd\\n<3>x\\u0007\"}"), F("x"));
	assert_string_equal(req.name, "../../etc/passwd?<3>x?");
	cs_buf b;
	cs_buf_init(&b, 1 << 16);
	cs_buf_adds(&b, "{\"name\":\"a");
	for (int i = 0; i < CD_NAME_MAX; i++)
		cs_buf_adds(&b, "中");
	cs_buf_adds(&b, "\"}");
	REQ(OK, F("CATSCAN/1"), F("SCAN"), {b.data, b.len}, F("x"));
	/* "a" + whole 3-byte characters only */
	assert_int_equal(strlen(req.name) % 3, 1);
	assert_true(strlen(req.name) <= CD_NAME_MAX);
	cs_buf_free(&b);
}

static void test_dates(void **state)
{
	(void)state;
	assert_true(cs_date_valid("2024-02-29"));
	assert_true(cs_date_valid("2000-02-29"));
	assert_false(cs_date_valid("1900-02-29"));
	assert_false(cs_date_valid("2023-02-29"));
	assert_false(cs_date_valid("2023-04-31"));
	assert_false(cs_date_valid("2023-13-01"));
	assert_false(cs_date_valid("2023-00-10"));
	assert_false(cs_date_valid("2023-1-01"));
	assert_false(cs_date_valid("2023-01-01x"));
	assert_false(cs_date_valid(""));
}

static void test_result_summary(void **state)
{
	(void)state;
	char v[32], items[64], type[64];
	const char *r = "{\"verdict\":\"restricted\",\"type\":\"application/pdf\","
			"\"hits\":[{\"item\":\"252604X\"},{\"item\":\"086501X\"},"
			"{\"item\":\"252604X\"},{\"item\":\"has space\"},{}]}";
	assert_int_equal(cd_result_summary(r, strlen(r), v, sizeof v, items,
					   sizeof items, type, sizeof type, &err), CS_OK);
	assert_string_equal(v, "restricted");
	assert_string_equal(items, "252604X,086501X");
	assert_string_equal(type, "application/pdf");
	/* a code that is a prefix of another is still its own item */
	r = "{\"verdict\":\"review\",\"hits\":[{\"item\":\"252604X1\"},{\"item\":\"252604X\"}]}";
	assert_int_equal(cd_result_summary(r, strlen(r), v, sizeof v, items,
					   sizeof items, type, sizeof type, &err), CS_OK);
	assert_string_equal(items, "252604X1,252604X");
	assert_string_equal(type, "-");
	/* items that do not fit are cut at a whole code */
	char small[12];
	r = "{\"verdict\":\"review\",\"hits\":[{\"item\":\"252604X\"},{\"item\":\"086501X\"}]}";
	assert_int_equal(cd_result_summary(r, strlen(r), v, sizeof v, small,
					   sizeof small, type, sizeof type, &err), CS_OK);
	assert_string_equal(small, "252604X");
	r = "{\"hits\":[]}";
	assert_int_equal(cd_result_summary(r, strlen(r), v, sizeof v, items,
					   sizeof items, type, sizeof type, &err), CS_ESYNTAX);
	assert_int_equal(cd_result_summary("nope", 4, v, sizeof v, items,
					   sizeof items, type, sizeof type, &err), CS_ESYNTAX);
}

static void test_topics(void **state)
{
	(void)state;
	cs_buf b;
	cs_buf_init(&b, 4096);
	assert_int_equal(cd_topics("restricted", "252604X,086501X", &b), CS_OK);
	assert_string_equal(b.data, "verdict restricted\n"
				    "item 252604X restricted\n"
				    "item 086501X restricted\n");
	cs_buf_reset(&b);
	assert_int_equal(cd_topics("unscannable", "", &b), CS_OK);
	assert_string_equal(b.data, "verdict unscannable\n");
	cs_buf_free(&b);
}

static void test_error_meta(void **state)
{
	(void)state;
	char *m = cd_error_meta("j\"1", CD_E_BUSY, "try again");
	assert_string_equal(m, "{\"id\":\"j\\\"1\",\"code\":\"busy\",\"message\":\"try again\"}");
	free(m);
	m = cd_error_meta(NULL, CD_E_MALFORMED, "x");
	assert_non_null(strstr(m, "\"id\":\"\""));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_requests),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_meta_bounds),
		cmocka_unit_test(test_name_is_display_only),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_result_summary),
		cmocka_unit_test(test_topics),
		cmocka_unit_test(test_error_meta),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
