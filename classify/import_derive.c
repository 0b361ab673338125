/*
 * import_derive.c: match terms derived from the wording of a control point.
 *
 * The problem. A control point says what is controlled in one official
 * phrase: "通过离子交换法、树脂法等方法从氧化铝母液中提取金属镓的技术和工艺".
 * A document about that technology rarely repeats the phrase; it mentions
 * its concepts (氧化铝母液, 金属镓, an ion-exchange method) near each other,
 * together with words of technology (工艺, 技术). Words such as 技术 or 制备
 * alone match every contract, so they may never fire a rule alone.
 *
 * The idea. Take the point's subject (its text up to the first clause that
 * states conditions or numbers); cut it at the words that join different
 * concepts (的, 通过, 从, 用于, "X用Y"); cut each part at enumerations
 * (、，和及与或/) into alternatives; within a part that is a single phrase,
 * cut at the generic heads and tails (技术, 工艺, 方法, 制备, 生产, 设计,
 * 制造...), which are kept aside as the point's technology words. What
 * remains are the distinctive cores: each part gives one group of
 * alternatives, each concept its own group, and the rule requires every
 * group within a window, plus one technology word when the point is about
 * a technique (its phrase ends in 技术, 工艺, 方法...). A short parenthesis
 * ("(CAD)") is an alternative of what it follows; a long one is detail
 * and not required.
 *
 * Guards against generic cores: a core of one character is dropped; a core
 * that is itself a generic word (系统, 算法, 还原...) is dropped, or, in an
 * enumeration, borrows the shared head of its neighbours ("汉字压缩、还原"
 * gives 汉字还原); groups made only of two-character cores are dropped
 * when a stronger group exists. When nothing distinctive is left, the
 * phrase is cut more coarsely (only at its ends), then the item's name
 * joins in, and at last the whole phrase is the term (reported).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_impl.h"
#include "normalize.h"

/* Words of technology: cut out of cores, kept as the technology group. */
static const char *const act_words[] = {
    "技术", "工艺", "方法", "制备", "生产", "设计", "制造", "加工",
    "利用", "开发", "提炼", "提取", "研制", "研发", "应用", "制作",
    "培育", "繁育", "栽培", "养殖", "炮制", "技艺", "诀窍",
};

/* Always in the technology group of a derived point. */
static const char *const act_extra[] = {
    "技术",	"工艺",	    "方法",	"制备",	    "生产",	"制造",
    "设计",	"开发",	    "配方",	"工艺流程", "工艺参数", "工艺包",
    "专有技术", "技术秘密", "技术诀窍", "技术资料", "技术转让", "技术许可",
    "图纸",	"源代码",   "源程序",	"算法",	    "软件",
};

/* A phrase with nothing distinctive in it fires only with one of these:
 * evidence that the technology itself is handed over. */
static const char *const transfer[] = {
    "技术转让", "转让",	    "技术许可", "许可使用", "专有技术",
    "技术秘密", "技术诀窍", "技术资料", "源代码",   "源程序",
    "工艺包",	"技术服务", "合作开发",
};

const char im_fallback_frame[] = "技术转让：";

/* Words that join two different concepts. */
static const char *const joiners[] = {
    "通过", "基于", "采用", "用于", "经过", "借助", "对于", "针对", "从", "的",
};
static const char *const joiner_exempt[] = {
    "目的", "从而", "从事", "服从", "的确",
};

/* Enumerations: the alternatives of one concept. */
static const char *const enums[] = {
    "和/或", "and/or", "以及", "及其", "、", ",", "/", "和", "及", "与", "或",
};
static const char *const enum_exempt[] = {
    "共和", "和平", "饱和", "中和", "和谐", "总和", "缓和", "调和", "温和",
    "涉及", "普及", "及时", "危及", "波及", "参与", "给与", "或者",
};

/* "X用Y" means Y for X, except in these words. */
static const char *const yong_exempt[] = {
    "应用", "使用", "利用", "采用", "专用",   "通用", "作用", "适用", "实用",
    "药用", "食用", "军用", "民用", "商用",   "家用", "费用", "信用", "引用",
    "调用", "运用", "共用", "公用", "试用",   "选用", "服用", "饮用", "常用",
    "可用", "备用", "禁用", "复用", "用于",   "用户", "用途", "用品", "用量",
    "用水", "用电", "用地", "农用", "工业用",
};

static const char *const heads[] = {
    "具有", "实现", "各种", "各类", "相关", "主要", "其他", "有关", "核心",
    "关键", "一种", "新型", "我国", "国家", "世界", "中国", "用于",
};

static const char *const tails[] = {
    "中收录", "收录", "所列", "列入", "原材料", "系统", "设备", "装置", "装备",
    "工具",   "软件", "程序", "算法", "材料",	"产品", "部件", "流程", "工程",
    "功能",   "相关", "等",   "中",   "其",	"的",	"之",	"上",
};

/* Cores that are generic on their own. */
static const char *const generic[] = {
    "系统", "设备",   "装置", "装备", "产品",	"材料",	  "部件",     "零部件",
    "工具", "软件",   "算法", "程序", "源程序", "源代码", "程序结构", "数据",
    "信息", "结构",   "原理", "参数", "标准",	"规范",	  "资料",     "文件",
    "图纸", "样品",   "模型", "平台", "模块",	"接口",	  "控制",     "管理",
    "服务", "功能",   "性能", "技艺", "诀窍",	"配方",	  "流程",     "合金",
    "金属", "计算机", "电子", "核心", "关键",	"相关",	  "主要",     "其他",
    "一般", "专用",   "通用", "综合", "成套",	"全套",	  "集成",     "工程",
    "应用", "研究",   "试验", "实验", "检测",	"测试",	  "分析",     "处理",
    "路径", "规划",   "还原", "压缩", "识别",	"合成",	  "分离",     "优化",
    "仿真", "监测",   "测量", "计算", "存储",	"传输",	  "通信",     "显示",
    "输入", "输出",   "编码", "解码", "加密",	"安全",	  "网络",     "硬件",
    "交互", "自学",   "自主", "智能", "生物",	"化学",	  "物理",     "机械",
    "电气", "原料",   "设施", "方案", "体系",	"产业",	  "行业",     "领域",
    "过程", "环境",   "条件", "要求", "能力",	"水平",	  "方法",     "技术",
    "工艺", "电池",   "基础", "资源", "品种",	"系列",	  "类型",     "形式",
    "方式", "部分",   "内容", "项目", "原材料",
};

/* Words after which a clause states conditions, not the subject. */
static const char *const conditions[] = {
    "同时满足", "满足", "其中", "并且", "且", "要求",
    "指标",	"包括", "包含", "具体", "即",
};

const char im_counter_text[] = "会议纪要：双方就市场推广计划和售后服务达成一致"
			       "意见，下次会议定于下月召开。";

static bool at(const char *s, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return i + n <= len && memcmp(s + i, w, n) == 0;
}

static bool in_list(const char *s, size_t n, const char *const *list,
		    size_t count)
{
	for (size_t k = 0; k < count; k++)
		if (strlen(list[k]) == n && memcmp(s, list[k], n) == 0)
			return true;
	return false;
}

/* Whether the separator sep at s[i] is inside one of the exempt words. */
static bool exempt_at(const char *s, size_t len, size_t i, const char *sep,
		      const char *const *ex, size_t nex)
{
	for (size_t k = 0; k < nex; k++) {
		const char *p = strstr(ex[k], sep);
		if (!p)
			continue;
		size_t off = (size_t)(p - ex[k]);
		if (i >= off && at(s, len, i - off, ex[k]))
			return true;
	}
	return false;
}

/* The word of list at s[i] (longest first in the lists), its length. */
static size_t word_at(const char *s, size_t len, size_t i,
		      const char *const *list, size_t count)
{
	size_t best = 0;
	for (size_t k = 0; k < count; k++) {
		size_t n = strlen(list[k]);
		if (n > best && at(s, len, i, list[k]))
			best = n;
	}
	return best;
}

static size_t char_len(const char *s, size_t len, size_t i)
{
	uint32_t cp;
	return im_u8(s, len, i, &cp);
}

static size_t chars_of(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* "X用Y" at s[i]: 用 between two Han characters, not in a word. */
static bool yong_at(const char *s, size_t len, size_t i)
{
	if (!at(s, len, i, "用") || i < 6 || i + 9 > len)
		return false;
	uint32_t a, b;
	im_u8(s, len, i - 3, &a);
	im_u8(s, len, i + 3, &b);
	if (!im_is_han(a) || !im_is_han(b))
		return false;
	return !exempt_at(s, len, i, "用", yong_exempt,
			  CS_ARRAY_LEN(yong_exempt));
}

/* ---- a growable list of strings ------------------------------------------ */

typedef struct strs {
	char *v[IM_MAX_MEMBERS];
	size_t n;
	bool full;
} strs;

static bool strs_has(const strs *l, const char *s, size_t n)
{
	for (size_t k = 0; k < l->n; k++)
		if (strlen(l->v[k]) == n && memcmp(l->v[k], s, n) == 0)
			return true;
	return false;
}

static bool strs_add(strs *l, const char *s, size_t n)
{
	if (!n || strs_has(l, s, n))
		return true;
	if (l->n >= IM_MAX_MEMBERS) {
		l->full = true;
		return true;
	}
	char *c = cs_strndup(s, n);
	if (!c)
		return false;
	/* a term may not hold the list separator */
	for (char *p = c; *p; p++)
		if (*p == '|')
			*p = ' ';
	l->v[l->n++] = c;
	return true;
}

static void strs_free(strs *l)
{
	for (size_t k = 0; k < l->n; k++)
		free(l->v[k]);
	l->n = 0;
}

/* ---- cores ------------------------------------------------------------------
 */

typedef struct group {
	strs members;
	bool strong;
} group;

typedef struct deriv {
	group groups[IM_MAX_GROUPS * 4];
	size_t ngroups;
	strs acts; /* technology words found */
	bool oom;
} deriv;

/* Trims spaces, heads and tails off [*a, *b). Tails that are technology
 * words are recorded in d->acts. */
static void strip_ends(deriv *d, const char *s, size_t *a, size_t *b)
{
	for (int guard = 0; guard < 16; guard++) {
		while (*a < *b && s[*a] == ' ')
			(*a)++;
		while (*b > *a && s[*b - 1] == ' ')
			(*b)--;
		size_t n = *b - *a;
		bool cut = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(heads) && !cut; k++) {
			size_t hl = strlen(heads[k]);
			if (n > hl && memcmp(s + *a, heads[k], hl) == 0) {
				*a += hl;
				cut = true;
			}
		}
		for (size_t k = 0; k < CS_ARRAY_LEN(act_words) && !cut; k++) {
			size_t al = strlen(act_words[k]);
			if (n >= al &&
			    memcmp(s + *b - al, act_words[k], al) == 0) {
				if (!strs_add(&d->acts, act_words[k], al))
					d->oom = true;
				*b -= al;
				cut = true;
			}
		}
		for (size_t k = 0; k < CS_ARRAY_LEN(tails) && !cut; k++) {
			size_t tl = strlen(tails[k]);
			/* 外部设备 stays: 外部 alone says nothing */
			if (n > tl && memcmp(s + *b - tl, tails[k], tl) == 0 &&
			    (tl <= 3 || chars_of(s + *a, n - tl) > 2)) {
				*b -= tl;
				cut = true;
			}
		}
		if (!cut)
			return;
	}
}

/* 0: not a core; 1: weak (two characters); 2: strong. */
static int core_strength(const char *s, size_t n)
{
	if (in_list(s, n, generic, CS_ARRAY_LEN(generic)))
		return 0;
	size_t c = chars_of(s, n);
	bool latin = n && (unsigned char)s[0] < 0x80;
	if (latin)
		return n >= 3 ? 2 : n == 2 ? 1 : 0;
	return c >= 3 ? 2 : c == 2 ? 1 : 0;
}

/* Cuts a single phrase at the technology words inside it (fine) into
 * separate concepts; each becomes its own group. */
static void add_concepts(deriv *d, const char *s, size_t a, size_t b, bool fine)
{
	size_t start = a;
	for (size_t i = a; i <= b;) {
		size_t w =
		    i < b ? word_at(s, b, i, act_words, CS_ARRAY_LEN(act_words))
			  : 0;
		bool verb = false;
		if (fine && !w && i < b && at(s, b, i, "提") && i > start &&
		    !at(s, b, i, "提高") && !at(s, b, i, "提供") &&
		    !at(s, b, i, "提纯") && !at(s, b, i, "提拉") &&
		    !at(s, b, i, "提升") && !at(s, b, i, "提出") &&
		    !at(s, b, i, "提示") && !at(s, b, i, "提交")) {
			/* "锂辉石提锂": 提 joins the source and the product */
			w = strlen("提");
			verb = true;
		}
		if (i == b || (fine && w)) {
			size_t x = start, y = i;
			strip_ends(d, s, &x, &y);
			int st = y > x ? core_strength(s + x, y - x) : 0;
			if (st && d->ngroups < CS_ARRAY_LEN(d->groups)) {
				group *g = &d->groups[d->ngroups++];
				if (!strs_add(&g->members, s + x, y - x))
					d->oom = true;
				g->strong = st == 2;
			}
			if (i == b)
				break;
			if (!verb && !strs_add(&d->acts, s + i, w))
				d->oom = true;
			i += w;
			start = i;
			continue;
		}
		i += char_len(s, b, i);
	}
}

typedef struct span {
	size_t a, b;
} span;

/* One part (between joiners): its enumeration members. */
static void add_part(deriv *d, const char *s, size_t a, size_t b, bool fine)
{
	span m[IM_MAX_MEMBERS];
	size_t nm = 0, start = a;
	for (size_t i = a; i <= b && nm < IM_MAX_MEMBERS;) {
		size_t w =
		    i < b ? word_at(s, b, i, enums, CS_ARRAY_LEN(enums)) : 0;
		if (w == 3) {
			const char one[4] = {s[i], s[i + 1], s[i + 2], 0};
			if (exempt_at(s, b, i, one, enum_exempt,
				      CS_ARRAY_LEN(enum_exempt)))
				w = 0;
		}
		if (i == b || w) {
			if (i > start)
				m[nm++] = (span){start, i};
			if (i == b)
				break;
			i += w;
			start = i;
			continue;
		}
		i += char_len(s, b, i);
	}
	if (nm == 1) {
		add_concepts(d, s, m[0].a, m[0].b, fine);
		return;
	}
	/* several members: one group of alternatives; a member keeps only its
	 * core (its ends cut), since a conjunction inside an alternative
	 * cannot be required */
	group g;
	memset(&g, 0, sizeof g);
	span core[IM_MAX_MEMBERS];
	int strength[IM_MAX_MEMBERS];
	for (size_t k = 0; k < nm; k++) {
		core[k] = m[k];
		strip_ends(d, s, &core[k].a, &core[k].b);
		/* an act word inside a member: keep its longest piece */
		size_t best_a = core[k].a, best_b = core[k].a, x = core[k].a;
		for (size_t i = core[k].a; i <= core[k].b;) {
			size_t w = i < core[k].b
				       ? word_at(s, core[k].b, i, act_words,
						 CS_ARRAY_LEN(act_words))
				       : 0;
			if (i == core[k].b || w) {
				if (i - x > best_b - best_a) {
					best_a = x;
					best_b = i;
				}
				if (i == core[k].b)
					break;
				if (!strs_add(&d->acts, s + i, w))
					d->oom = true;
				i += w;
				x = i;
				continue;
			}
			i += char_len(s, core[k].b, i);
		}
		core[k] = (span){best_a, best_b};
		strip_ends(d, s, &core[k].a, &core[k].b);
		strength[k] =
		    core[k].b > core[k].a
			? core_strength(s + core[k].a, core[k].b - core[k].a)
			: 0;
	}
	for (size_t k = 0; k < nm; k++) {
		size_t n = core[k].b - core[k].a;
		const char *c = s + core[k].a;
		if (strength[k] == 0 && n && chars_of(c, n) == 2 &&
		    in_list(c, n, generic, CS_ARRAY_LEN(generic))) {
			/* a generic member borrows its neighbours' shared head
			 */
			char buf[64];
			const span *f = &core[0], *l = &core[nm - 1];
			size_t fl = f->b - f->a, ll = l->b - l->a;
			int bn = -1;
			if (k == nm - 1 && k > 0 &&
			    chars_of(s + f->a, fl) >= 3) {
				size_t two = char_len(s, f->b, f->a);
				two += char_len(s, f->b, f->a + two);
				bn = snprintf(buf, sizeof buf, "%.*s%.*s",
					      (int)two, s + f->a, (int)n, c);
			} else if (k < nm - 1 && chars_of(s + l->a, ll) >= 3) {
				size_t from = l->b;
				for (int back = 0; back < 2; back++) {
					from--;
					while (from > l->a &&
					       ((unsigned char)s[from] &
						0xC0) == 0x80)
						from--;
				}
				bn = snprintf(buf, sizeof buf, "%.*s%.*s",
					      (int)n, c, (int)(l->b - from),
					      s + from);
			}
			if (bn > 0 && (size_t)bn < sizeof buf &&
			    core_strength(buf, (size_t)bn) == 2) {
				if (!strs_add(&g.members, buf, (size_t)bn))
					d->oom = true;
				g.strong = true;
			}
			continue;
		}
		if (!strength[k])
			continue;
		if (!strs_add(&g.members, c, n))
			d->oom = true;
		g.strong |= strength[k] == 2;
	}
	if (g.members.n && d->ngroups < CS_ARRAY_LEN(d->groups))
		d->groups[d->ngroups++] = g;
	else
		strs_free(&g.members);
}

/* The subject of a point: its text up to the first clause that states
 * conditions, numbers or a list after a colon. Fresh string. */
static char *subject_of(const char *n)
{
	size_t len = strlen(n);
	cs_buf b;
	cs_buf_init(&b, len + 16);
	size_t start = 0;
	int depth = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? n[i] : '\0';
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		bool cut = c == '\0' ||
			   (depth == 0 && (c == ',' || c == ';' || c == ':' ||
					   at(n, len, i, "。")));
		if (!cut)
			continue;
		const char *cl = n + start;
		size_t cn = i - start;
		while (cn && *cl == ' ') {
			cl++;
			cn--;
		}
		bool stop =
		    c == ':' && b.len; /* what follows a colon is detail */
		bool cond = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(conditions); k++)
			cond |= cn >= strlen(conditions[k]) &&
				memcmp(cl, conditions[k],
				       strlen(conditions[k])) == 0;
		static const char *const cmp[] = {
		    "≥",      "≤",	">",	  "<",	    "%",
		    "不低于", "不小于", "不超过", "不大于", "大于",
		    "小于",   "高于",	"低于"};
		for (size_t k = 0; k < CS_ARRAY_LEN(cmp) && !cond; k++) {
			const char *f = strstr(cl, cmp[k]);
			cond = f && f < cl + cn;
		}
		if (cond && b.len)
			break;
		if (!cond && cn) {
			if (b.len && cs_buf_adds(&b, "、") != CS_OK)
				break;
			if (cs_buf_add(&b, cl, cn) != CS_OK)
				break;
		}
		if (stop || c == ':')
			break;
		start = i + (at(n, len, i, "。") ? 3 : 1);
		if (at(n, len, i, "。"))
			i += 2;
	}
	if (!b.len && cs_buf_adds(&b, n) != CS_OK) {
		cs_buf_free(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

/* Drops "除...以外(的)" (what is excepted) and turns short parentheses
 * into alternatives, long ones into nothing. In place. */
static void simplify(char *s)
{
	/* titles: 《A》《B》 are two alternatives, the brackets go */
	for (int guard = 0; guard < 64; guard++) {
		char *t = strstr(s, "》《");
		if (!t)
			break;
		memcpy(t, "、", 3);
		memmove(t + 3, t + 6, strlen(t + 6) + 1);
	}
	for (int guard = 0; guard < 64; guard++) {
		char *t = strstr(s, "《");
		if (!t)
			t = strstr(s, "》");
		if (!t)
			break;
		memmove(t, t + 3, strlen(t + 3) + 1);
	}
	char *p = strstr(s, "除");
	if (p) {
		char *e = strstr(p, "以外");
		if (!e)
			e = strstr(p, "之外");
		if (e && chars_of(p, (size_t)(e - p)) <= 40) {
			e += strlen("以外");
			if (strncmp(e, "的", 3) == 0)
				e += 3;
			memmove(p, e, strlen(e) + 1);
		}
	}
	for (int guard = 0; guard < 32; guard++) {
		char *open = strchr(s, '(');
		if (!open)
			break;
		char *close = strchr(open, ')');
		if (!close) {
			*open = ' ';
			continue;
		}
		size_t inner = (size_t)(close - open - 1);
		bool list = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(enums); k++) {
			const char *f = strstr(open + 1, enums[k]);
			list |= f && f < close;
		}
		/* a short Latin abbreviation ("(CAD)") names too much else */
		bool abbrev = inner <= 4;
		for (size_t k = 0; k < inner && abbrev; k++)
			abbrev = (unsigned char)open[1 + k] < 0x80;
		/* "（包括...）", "（如...）": examples, not another name */
		static const char *const detail[] = {"包括", "包含", "含", "如",
						     "例如", "即",   "指"};
		bool example = false;
		for (size_t k = 0; k < CS_ARRAY_LEN(detail); k++)
			example |= strncmp(open + 1, detail[k],
					   strlen(detail[k])) == 0;
		if (!list && !abbrev && !example && inner &&
		    chars_of(open + 1, inner) <= 8) {
			*open = '/';
			memmove(close, close + 1, strlen(close + 1) + 1);
		} else {
			/* detail: what stood around it are two concepts */
			size_t rest = strlen(close + 1);
			uint32_t before = 0, after = 0;
			if (open > s) {
				size_t k = (size_t)(open - s) - 1;
				while (k > 0 &&
				       ((unsigned char)s[k] & 0xC0) == 0x80)
					k--;
				im_u8(s, (size_t)(open - s), k, &before);
			}
			if (rest)
				im_u8(close + 1, rest, 0, &after);
			if (close + 1 - open >= 3 && im_is_han(before) &&
			    im_is_han(after)) {
				memcpy(open, "的", 3);
				memmove(open + 3, close + 1, rest + 1);
			} else {
				memmove(open, close + 1, rest + 1);
			}
		}
	}
}

/* Splits the subject at joiners into parts. */
static void derive_from(deriv *d, const char *s, bool fine)
{
	size_t len = strlen(s), start = 0;
	for (size_t i = 0; i <= len;) {
		size_t w =
		    i < len ? word_at(s, len, i, joiners, CS_ARRAY_LEN(joiners))
			    : 0;
		if (w == 3) {
			const char one[4] = {s[i], s[i + 1], s[i + 2], 0};
			if (exempt_at(s, len, i, one, joiner_exempt,
				      CS_ARRAY_LEN(joiner_exempt)))
				w = 0;
		}
		if (!w && i < len && yong_at(s, len, i))
			w = strlen("用");
		if (i == len || w) {
			if (i > start)
				add_part(d, s, start, i, fine);
			if (i == len)
				break;
			i += w;
			start = i;
			continue;
		}
		i += char_len(s, len, i);
	}
}

static void deriv_free(deriv *d)
{
	for (size_t g = 0; g < d->ngroups; g++)
		strs_free(&d->groups[g].members);
	d->ngroups = 0;
	strs_free(&d->acts);
}

static bool any_strong(const deriv *d)
{
	for (size_t g = 0; g < d->ngroups; g++)
		if (d->groups[g].strong)
			return true;
	return false;
}

/* Drops weak groups when a strong one exists; keeps IM_MAX_GROUPS. */
static void prune(deriv *d)
{
	bool strong = any_strong(d);
	size_t o = 0;
	for (size_t g = 0; g < d->ngroups; g++) {
		if ((strong && !d->groups[g].strong) || o >= IM_MAX_GROUPS) {
			strs_free(&d->groups[g].members);
			continue;
		}
		d->groups[o++] = d->groups[g];
	}
	d->ngroups = o;
}

/* Whether the subject ends with a technology word (the point is about a
 * technique, not a resource such as 遗传资源). */
static bool ends_with_act(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '/'))
		n--;
	for (int guard = 0; guard < 4; guard++) {
		if (n >= 3 && (memcmp(s + n - 3, "等", 3) == 0 ||
			       memcmp(s + n - 3, "的", 3) == 0)) {
			n -= 3;
			continue;
		}
		break;
	}
	for (size_t k = 0; k < CS_ARRAY_LEN(act_words); k++) {
		size_t al = strlen(act_words[k]);
		if (n >= al && memcmp(s + n - al, act_words[k], al) == 0)
			return true;
	}
	return false;
}

static cs_code write_group(cs_buf *out, const char *name, int weight,
			   const strs *l)
{
	cs_code rc = cs_buf_printf(out, "terms %s %d : ", name, weight);
	for (size_t k = 0; k < l->n && rc == CS_OK; k++)
		rc = cs_buf_printf(out, "%s%s", k ? " | " : "", l->v[k]);
	if (rc == CS_OK)
		rc = cs_buf_addc(out, '\n');
	return rc;
}

static cs_code write_params(cs_buf *out, const ic_param *ps, size_t n)
{
	cs_code rc = CS_OK;
	for (size_t k = 0; k < n && rc == CS_OK; k++) {
		const ic_param *p = &ps[k];
		if (strcmp(p->op, "in") == 0)
			rc = cs_buf_printf(
			    out, "param %s in %.10g .. %.10g %s near %s\n",
			    p->name, p->value, p->value2, p->unit, p->anchors);
		else
			rc = cs_buf_printf(
			    out, "param %s %s %.10g %s near %s\n", p->name,
			    p->op, p->value, p->unit, p->anchors);
	}
	return rc;
}

cs_code im_derive_rule(const char *text, const char *name,
		       const ic_param *params, size_t nparams, cs_buf *out,
		       bool *fallback)
{
	deriv d = {0};
	cs_code rc = CS_OK;
	char *norm = nz_normalize_str(text);
	char *subj = norm ? subject_of(norm) : NULL;
	*fallback = false;
	if (!subj) {
		rc = CS_ENOMEM;
		goto done;
	}
	simplify(subj);
	derive_from(&d, subj, true);
	if (!any_strong(&d)) {
		/* too fine: cut only at joiners, enumerations and the ends */
		deriv_free(&d);
		derive_from(&d, subj, false);
	}
	if (!any_strong(&d) && d.ngroups < 2 && name &&
	    strcmp(name, text) != 0) {
		/* one weak concept: the item's name must come with it */
		char *nn = nz_normalize_str(name);
		char *ns = nn ? subject_of(nn) : NULL;
		if (ns) {
			simplify(ns);
			deriv nd = {0};
			derive_from(&nd, ns, false);
			for (size_t g = 0; g < nd.ngroups; g++) {
				if (nd.groups[g].strong &&
				    d.ngroups < CS_ARRAY_LEN(d.groups))
					d.groups[d.ngroups++] = nd.groups[g];
				else
					strs_free(&nd.groups[g].members);
			}
			strs_free(&nd.acts);
			d.oom |= nd.oom;
		}
		free(nn);
		free(ns);
	}
	if (d.ngroups == 0) {
		/* nothing distinctive: the phrase less its last word of
		 * technology, and a word of transfer must come with it */
		size_t a = 0, b = strlen(subj);
		for (size_t k = 0; k < CS_ARRAY_LEN(act_words); k++) {
			size_t al = strlen(act_words[k]);
			if (b > al &&
			    memcmp(subj + b - al, act_words[k], al) == 0) {
				b -= al;
				break;
			}
		}
		group *g = &d.groups[d.ngroups++];
		if (!strs_add(&g->members, subj + a, b - a))
			d.oom = true;
		g->strong = true;
		*fallback = true;
	}
	prune(&d);
	if (d.oom) {
		rc = CS_ENOMEM;
		goto done;
	}
	bool act = *fallback || ends_with_act(subj);
	if (*fallback) {
		strs_free(&d.acts);
		for (size_t k = 0; k < CS_ARRAY_LEN(transfer); k++)
			if (!strs_add(&d.acts, transfer[k],
				      strlen(transfer[k]))) {
				rc = CS_ENOMEM;
				goto done;
			}
	}
	for (size_t k = 0; act && !*fallback && k < CS_ARRAY_LEN(act_extra);
	     k++)
		if (!strs_add(&d.acts, act_extra[k], strlen(act_extra[k]))) {
			rc = CS_ENOMEM;
			goto done;
		}
	char gname[32];
	for (size_t g = 0; g < d.ngroups && rc == CS_OK; g++) {
		snprintf(gname, sizeof gname, "c%zu", g + 1);
		rc = write_group(out, gname, 2, &d.groups[g].members);
	}
	if (rc == CS_OK && act)
		rc = write_group(out, "act", 1, &d.acts);
	size_t window = 2 * im_chars(subj) + 40;
	window = window < 100 ? 100 : window > 300 ? 300 : window;
	if (rc == CS_OK)
		rc = cs_buf_adds(out, "match all(");
	for (size_t g = 0; g < d.ngroups && rc == CS_OK; g++)
		rc = cs_buf_printf(out, "%sc%zu", g ? ", " : "", g + 1);
	if (rc == CS_OK && act)
		rc = cs_buf_adds(out, ", act");
	if (rc == CS_OK)
		rc = cs_buf_printf(out, ") within %zu\n", window);
	if (rc == CS_OK)
		rc = write_params(out, params, nparams);
done:
	deriv_free(&d);
	free(norm);
	free(subj);
	return rc;
}
