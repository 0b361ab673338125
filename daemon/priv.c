#include "priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static cs_code make_dir(const char *dir, uid_t uid, gid_t gid, bool chown_it,
			cs_error *err)
{
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return cs_fail(err, CS_EIO, "cannot create runtime directory %s: %s",
			       dir, strerror(errno));
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cs_fail(err, CS_EIO, "runtime directory %s is not a directory",
			       dir);
	if (chown_it && (st.st_uid != uid || st.st_gid != gid) &&
	    chown(dir, uid, gid) != 0)
		return cs_fail(err, CS_EIO, "cannot chown %s: %s", dir,
			       strerror(errno));
	return CS_OK;
}

cs_code cd_priv_drop(const char *user, const char *dir, cs_error *err)
{
	bool root = geteuid() == 0;
	if (!root || !user || !user[0])
		return dir ? make_dir(dir, 0, 0, false, err) : CS_OK;

	struct passwd *pw = getpwnam(user);
	if (!pw)
		return cs_fail(err, CS_EINVAL,
			       "no user '%s' to run as (create it, or set user)",
			       user);
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	cs_code rc = dir ? make_dir(dir, uid, gid, true, err) : CS_OK;
	if (rc)
		return rc;
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		return cs_fail(err, CS_EIO, "cannot switch to user %s: %s", user,
			       strerror(errno));
	/* Make sure root cannot be had back. */
	if (uid != 0 && setuid(0) == 0)
		return cs_fail(err, CS_EIO, "could regain root after dropping it");
	return CS_OK;
}

cs_code cd_limit_memory(long long bytes, cs_error *err)
{
	struct rlimit as = {(rlim_t)bytes, (rlim_t)bytes};
	struct rlimit core = {0, 0};
	if (setrlimit(RLIMIT_AS, &as) != 0 || setrlimit(RLIMIT_CORE, &core) != 0)
		return cs_fail(err, CS_EIO, "setrlimit: %s", strerror(errno));
	return CS_OK;
}

cs_code cd_limit_cpu(long long seconds, cs_error *err)
{
	struct rusage ru;
	struct rlimit cur;
	if (getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &cur) != 0)
		return cs_fail(err, CS_EIO, "getrusage: %s", strerror(errno));
	rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
	struct rlimit lim = {used + (rlim_t)seconds, cur.rlim_max};
	if (cur.rlim_max != RLIM_INFINITY && lim.rlim_cur > cur.rlim_max)
		lim.rlim_cur = cur.rlim_max;
	if (setrlimit(RLIMIT_CPU, &lim) != 0)
		return cs_fail(err, CS_EIO, "setrlimit(RLIMIT_CPU): %s",
			       strerror(errno));
	return CS_OK;
}

long cd_peak_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}
