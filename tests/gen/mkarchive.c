/*
 * mkarchive: writes a 7z archive, or a zip whose members are encrypted
 * with the traditional PKWARE cipher, from files given as NAME=PATH, for
 * the fixtures that python's standard library cannot write.
 * Usage: mkarchive 7z|zipcrypt OUT NAME=PATH...
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: mkarchive 7z|zipcrypt OUT NAME=PATH...\n");
		return 2;
	}
	struct archive *a = archive_write_new();
	if (strcmp(argv[1], "7z") == 0) {
		archive_write_set_format_7zip(a);
	} else {
		archive_write_set_format_zip(a);
		if (archive_write_set_options(a, "zip:encryption=zipcrypt") ||
		    archive_write_set_passphrase(a, "secret")) {
			fprintf(stderr, "mkarchive: %s\n", archive_error_string(a));
			return 1;
		}
	}
	if (archive_write_open_filename(a, argv[2]) != ARCHIVE_OK) {
		fprintf(stderr, "mkarchive: %s\n", archive_error_string(a));
		return 1;
	}
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			return 2;
		*eq = '\0';
		FILE *f = fopen(eq + 1, "rb");
		if (!f)
			return 1;
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, argv[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)n);
		archive_write_header(a, e);
		archive_write_data(a, buf, n);
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		fprintf(stderr, "mkarchive: %s\n", archive_error_string(a));
		return 1;
	}
	archive_write_free(a);
	return 0;
}
