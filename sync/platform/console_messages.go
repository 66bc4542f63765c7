package platform

// The console's words. Every page, label, button, hint, flash and error
// message the console shows is a message of consoleMessages, keyed by an
// id, in both of the console's languages: Chinese (the default) and
// English. Templates write {{t "id"}} (or {{th "id"}} for a message that
// carries markup of its own), Go code lang.t("id"). What the records hold
// (needs, enterprises, names, teams, comments, place names) is shown as
// it is, never translated.
//
// Which language a request gets (langOf): the language cookie the switch
// in every page's header sets (/console/lang); without it, English only
// for a browser whose Accept-Language asks for English and for no Chinese
// at all; else — Chinese asked for, anything else, nothing — Chinese.

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// lang is one of the console's languages.
type lang string

// The console's languages.
const (
	langZH lang = "zh"
	langEN lang = "en"
)

// cookieLang keeps the language chosen with the switch.
const cookieLang = "xunbang_lang"

// message is one text of the console in each language. A text with verbs
// is a fmt format; both languages take the same arguments in the same
// order.
type message struct{ zh, en string }

// t returns message id in l, formatted with args. An id missing from the
// table is a bug (TestConsoleMessages finds those the code names): it is
// shown as the id itself.
func (l lang) t(id string, args ...any) string {
	m, ok := consoleMessages[id]
	if !ok {
		return id
	}
	s := m.zh
	if l == langEN {
		s = m.en
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// templateFuncs are the template functions of the messages in l: t, and
// th, whose format may hold markup (it is ours) while its arguments are
// escaped. Both fail the page on an unknown id.
func (l lang) templateFuncs() template.FuncMap {
	known := func(id string) error {
		if _, ok := consoleMessages[id]; !ok {
			return fmt.Errorf("console: no message %q", id)
		}
		return nil
	}
	return template.FuncMap{
		"t": func(id string, args ...any) (string, error) {
			return l.t(id, args...), known(id)
		},
		"th": func(id string, args ...any) (template.HTML, error) {
			for i, a := range args {
				args[i] = template.HTMLEscapeString(fmt.Sprint(a))
			}
			// The format is the console's own; the arguments are escaped.
			return template.HTML(l.t(id, args...)), known(id)
		},
	}
}

// langOf is the language of a console request: the cookie, else the
// browser's Accept-Language (English only when it asks for English and
// for no Chinese), else Chinese.
func langOf(r *http.Request) lang {
	if ck, err := r.Cookie(cookieLang); err == nil {
		switch lang(ck.Value) {
		case langEN:
			return langEN
		case langZH:
			return langZH
		}
	}
	return acceptLang(r.Header.Get("Accept-Language"))
}

// acceptLang reads an Accept-Language header: English when it names
// English (en, en-GB, …) with a weight above zero and no Chinese (zh,
// zh-CN, zh-Hant, …) with a weight above zero; else Chinese.
func acceptLang(header string) lang {
	var en, zh bool
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if w, err := strconv.ParseFloat(strings.TrimSpace(q), 64); err != nil || w <= 0 {
				continue
			}
		}
		primary, _, _ := strings.Cut(tag, "-")
		switch primary {
		case "en":
			en = true
		case "zh":
			zh = true
		}
	}
	if en && !zh {
		return langEN
	}
	return langZH
}

// statusTitles are the error page's headings by HTTP status.
var statusTitles = map[int]string{
	http.StatusBadRequest: "status.400", http.StatusUnauthorized: "status.401", http.StatusForbidden: "status.403",
	http.StatusNotFound: "status.404", http.StatusTooManyRequests: "status.429", http.StatusInternalServerError: "status.500",
}

// consoleMessages are the console's words, by id.
var consoleMessages = map[string]message{
	// The layout.
	"html.lang":      {"zh-CN", "en"},
	"site.name":      {"寻榜汇集节点", "Xunbang hub"},
	"brand":          {"寻榜 · 汇集节点", "Xunbang · Hub"},
	"nav.needs":      {"审核队列", "Review queue"},
	"nav.hub":        {"全局概况", "Overview"},
	"nav.tokens":     {"外业令牌", "Field tokens"},
	"nav.users":      {"用户", "Users"},
	"nav.audit":      {"操作记录", "Audit log"},
	"nav.settings":   {"设置", "Settings"},
	"nav.account":    {"%s（%s）", "%s (%s)"},
	"paren":          {"%s（%s）", "%s (%s)"},
	"nav.logout":     {"退出", "Log out"},
	"lang.switch":    {"English", "中文"},
	"lang.switchTo":  {"en", "zh"},
	"lang.switchTag": {"en", "zh-CN"},
	"lang.label":     {"界面语言", "Language"},

	// Errors any page may show.
	"status.400":     {"请求有误", "Bad request"},
	"status.401":     {"需要登录", "Login needed"},
	"status.403":     {"不允许", "Not allowed"},
	"status.404":     {"找不到", "Not found"},
	"status.429":     {"请求过多", "Too many requests"},
	"status.500":     {"服务器出错", "Server error"},
	"error.back":     {"回到审核队列", "Back to the review queue"},
	"err.noPage":     {"没有这个页面。", "There is no such page."},
	"err.session":    {"读取会话失败，请稍后再试。", "Reading your session failed; please try again later."},
	"err.expired":    {"登录已过期，请重新登录。", "Your login has expired; please log in again."},
	"err.form":       {"表单无法读取。", "The form could not be read."},
	"err.csrf":       {"这个表单已失效或来自其他网站（CSRF 校验未通过）。请回到页面重新提交。", "This form has expired or comes from another site (CSRF check failed). Go back to the page and submit it again."},
	"err.adminOnly":  {"只有管理员可以使用这个页面。", "Only administrators may use this page."},
	"err.render":     {"页面生成失败", "The page could not be made"},
	"err.failed":     {"操作失败，请稍后再试。", "That failed; please try again later."},
	"err.saveFailed": {"保存失败，请稍后再试。", "Saving failed; please try again later."},
	"err.canceled":   {"请求已取消。", "The request was cancelled."},

	// Login and account.
	"login.title":         {"登录", "Log in"},
	"login.heading":       {"登录汇集节点", "Log in to the hub"},
	"login.user":          {"用户名", "User name"},
	"login.password":      {"密码", "Password"},
	"login.submit":        {"登录", "Log in"},
	"login.hint":          {"账户由管理员在“用户”页创建；第一位管理员用命令 <code>xunbang serve admin create --user 用户名</code> 创建。", "Accounts are made by an administrator on the Users page; the first administrator with the command <code>xunbang serve admin create --user NAME</code>."},
	"err.loginForm":       {"登录表单已失效，请重新登录。", "The login form has expired; please log in again."},
	"err.loginRate":       {"登录失败次数过多，请 15 分钟后再试。", "Too many failed logins; please try again in 15 minutes."},
	"err.loginLocked":     {"登录失败次数过多，这个账户已暂时锁定，请 15 分钟后再试。", "Too many failed logins: this account is locked for now; please try again in 15 minutes."},
	"err.loginWrong":      {"用户名或密码不对。", "Wrong user name or password."},
	"err.loginFailed":     {"登录失败，请稍后再试。", "Logging in failed; please try again later."},
	"account.title":       {"我的账户", "My account"},
	"account.password":    {"修改密码", "Change the password"},
	"account.old":         {"原密码", "Current password"},
	"account.new":         {"新密码（至少 10 个字符）", "New password (at least 10 characters)"},
	"account.again":       {"再输一遍", "The new password again"},
	"account.submit":      {"修改密码", "Change the password"},
	"account.hint":        {"修改后所有登录会话都会结束，请用新密码重新登录。", "Changing it ends all your sessions: log in again with the new password."},
	"err.oldPassword":     {"原密码不对。", "The current password is wrong."},
	"err.passwordsDiffer": {"两次输入的新密码不一样。", "The two new passwords differ."},
	"err.passwordShort":   {"密码至少 %d 个字符。", "A password has at least %d characters."},
	"err.passwordLong":    {"密码太长。", "The password is too long."},

	// Users.
	"users.title":         {"用户", "Users"},
	"users.new":           {"新建用户", "New user"},
	"users.name":          {"用户名", "User name"},
	"users.display":       {"姓名", "Full name"},
	"users.role":          {"角色", "Role"},
	"users.teams":         {"审核的团队（逗号分隔）", "Teams reviewed (comma-separated)"},
	"users.teamsExample":  {"吴江镇长团，昆山技术经理人", "Team A, Team B"},
	"users.regions":       {"审核的地区代码（逗号分隔）", "Region codes reviewed (comma-separated)"},
	"users.password":      {"初始密码（至少 10 个字符）", "First password (at least 10 characters)"},
	"users.create":        {"创建", "Create"},
	"users.all":           {"全部用户", "All users"},
	"users.disabled":      {"已停用", "disabled"},
	"users.locked":        {"暂时锁定", "locked for now"},
	"users.scope":         {"范围：", "Scope: "},
	"users.teamsShort":    {"审核的团队", "Teams reviewed"},
	"users.regionsShort":  {"审核的地区代码", "Region codes reviewed"},
	"users.save":          {"保存", "Save"},
	"users.newPassword":   {"新密码", "New password"},
	"users.resetPassword": {"重设密码", "Reset the password"},
	"users.enable":        {"启用", "Enable"},
	"users.disable":       {"停用", "Disable"},
	"err.readUsers":       {"读取用户失败。", "Reading the users failed."},
	"err.notCreated":      {"未创建：%s", "Not created: %s"},
	"err.notChanged":      {"未修改：%s", "Not changed: %s"},
	"err.userExists":      {"已有同名用户。", "A user of that name exists."},
	"err.noUser":          {"没有这个用户。", "There is no such user."},
	"err.badRegion":       {"地区代码“%s”不是有效的行政区划代码（如 320509）。", "Region code “%s” is not a valid administrative division code (e.g. 320509)."},
	"err.userName":        {"用户名须为 1 到 64 个字符，不含空格和“/”。", "A user name has 1 to 64 characters, with no spaces and no “/”."},
	"err.role":            {"角色须为管理员或审核员。", "The role must be administrator or reviewer."},
	"err.scope":           {"审核员须至少有一个团队或地区作为审核范围。", "A reviewer needs at least one team or region to review."},
	"err.lastAdmin":       {"这是最后一位可用的管理员，不能停用或改为审核员。", "This is the last enabled administrator: it can be neither disabled nor made a reviewer."},
	"err.unknownAction":   {"未知的操作。", "Unknown action."},
	"flash.userCreated":   {"已创建用户 %s。", "User %s created."},
	"flash.passwordSet":   {"已为 %s 设置新密码，其登录会话已全部结束。", "%s has a new password; their sessions have all ended."},
	"flash.userDisabled":  {"已停用用户 %s，其登录会话已全部结束。", "User %s disabled; their sessions have all ended."},
	"flash.userEnabled":   {"已启用用户 %s。", "User %s enabled."},
	"flash.userSaved":     {"已保存用户 %s 的姓名、角色和审核范围。", "Saved the name, role and scope of user %s."},

	// Field tokens.
	"tokens.title":         {"外业令牌", "Field tokens"},
	"tokens.createdFor":    {"已为 %s（%s）签发令牌", "Token issued to %s (%s)"},
	"tokens.once":          {"令牌只显示这一次，汇集节点只保存它的摘要。请把下面整段文字发给这位成员，在寻榜桌面端“平台连接”中粘贴即可连接。", "The token is shown this once: the hub keeps only its digest. Send the whole text below to this member; pasted into Platform connection in the xunbang desktop app, it connects."},
	"tokens.copy":          {"复制连接文字", "Copy the connect text"},
	"tokens.copied":        {"已复制", "Copied"},
	"tokens.cli":           {"命令行：<code>xunbang login --server %s</code>，然后粘贴令牌。", "Command line: <code>xunbang login --server %s</code>, then paste the token."},
	"tokens.new":           {"签发新令牌", "Issue a new token"},
	"tokens.user":          {"成员", "Member"},
	"tokens.userExample":   {"如 李科技", "e.g. Li Keji"},
	"tokens.team":          {"所属团队", "Team"},
	"tokens.teamExample":   {"如 吴江镇长团", "e.g. Wujiang team"},
	"tokens.issue":         {"签发令牌", "Issue the token"},
	"tokens.issued":        {"已签发的令牌", "Tokens issued"},
	"tokens.count":         {"%d 个", "%d"},
	"tokens.colUser":       {"成员", "Member"},
	"tokens.colTeam":       {"团队", "Team"},
	"tokens.colID":         {"编号", "ID"},
	"tokens.colCreated":    {"签发时间", "Issued"},
	"tokens.admin":         {"管理令牌", "admin token"},
	"tokens.revokeConfirm": {"吊销 %s 的令牌？这台电脑将不能再同步。", "Revoke the token of %s? That computer will no longer sync."},
	"tokens.revoke":        {"吊销", "Revoke"},
	"tokens.none":          {"还没有令牌。", "No tokens yet."},
	"err.readTokens":       {"读取令牌失败。", "Reading the tokens failed."},
	"err.tokenFields":      {"请填写成员姓名和所属团队。", "Fill in the member's name and team."},
	"err.tokenCreate":      {"签发令牌失败。", "Issuing the token failed."},
	"err.noToken":          {"没有这个令牌（可能已被吊销）。", "There is no such token (it may have been revoked)."},
	"err.tokenRevoke":      {"吊销令牌失败。", "Revoking the token failed."},
	"flash.tokenRevoked":   {"已吊销 %s（%s）的令牌：这台电脑下次同步时会被拒绝。", "Revoked the token of %s (%s): that computer is refused at its next sync."},

	// The audit log.
	"audit.title":                {"操作记录", "Audit log"},
	"audit.at":                   {"时间", "Time"},
	"audit.user":                 {"用户", "User"},
	"audit.action":               {"操作", "Action"},
	"audit.target":               {"对象", "Object"},
	"audit.detail":               {"说明", "Detail"},
	"audit.addr":                 {"地址", "Address"},
	"audit.none":                 {"没有记录。", "Nothing recorded."},
	"audit.older":                {"更早的记录", "Older entries"},
	"err.readAudit":              {"读取操作记录失败。", "Reading the audit log failed."},
	"audit.action.login":         {"登录", "Login"},
	"audit.action.login.failed":  {"登录失败", "Failed login"},
	"audit.action.logout":        {"退出", "Logout"},
	"audit.action.review":        {"审核", "Verdict"},
	"audit.action.token.create":  {"签发令牌", "Token issued"},
	"audit.action.token.revoke":  {"吊销令牌", "Token revoked"},
	"audit.action.user.create":   {"新建用户", "User created"},
	"audit.action.user.update":   {"修改用户", "User changed"},
	"audit.action.user.password": {"设置密码", "Password set"},
	"audit.action.export":        {"导出", "Export"},
	"audit.action.settings":      {"修改设置", "Settings changed"},

	// The overview.
	"hub.title":              {"全局概况", "Overview"},
	"hub.enterprises":        {"服务企业", "Enterprises served"},
	"hub.needs":              {"需求", "Needs"},
	"hub.valid":              {"有效需求", "Valid needs"},
	"hub.confirmed":          {"企业已确认", "Confirmed by the enterprise"},
	"hub.waiting":            {"待审核", "Awaiting review"},
	"hub.published":          {"已公开", "Published"},
	"hub.matches":            {"意向对接", "Matches"},
	"hub.deals":              {"签约", "Contracts"},
	"hub.teams":              {"各团队", "Teams"},
	"hub.colTeam":            {"团队", "Team"},
	"hub.colEnterprises":     {"企业", "Enterprises"},
	"hub.colNeeds":           {"需求", "Needs"},
	"hub.colValid":           {"有效", "Valid"},
	"hub.colConfirmed":       {"已确认", "Confirmed"},
	"hub.colWaiting":         {"待审核", "Waiting"},
	"hub.colPublished":       {"已公开", "Published"},
	"hub.colReturned":        {"退回", "Returned"},
	"hub.colMatches":         {"意向对接", "Matches"},
	"hub.colDeals":           {"签约", "Contracts"},
	"hub.noTeams":            {"还没有团队同步过需求。", "No team has synced needs yet."},
	"hub.countsHint":         {"计数口径与桌面端工作台和统计报表相同（有效需求、意向对接、签约按同一规则），按汇集节点上的审核结果计。揭榜方案的统计在揭榜功能上线后显示在这里。", "Counted as the desktop's dashboard and the report count (valid needs, matches and contracts by the same rules), by the verdicts on the hub. Counts of the solutions received will show here."},
	"hub.verdicts":           {"审核结果", "Verdicts"},
	"hub.exports":            {"导出全部团队的数据", "Export every team's data"},
	"hub.exportPlatform":     {"平台批量上传表（Excel）", "Platform upload sheet (Excel)"},
	"hub.exportPlatformHint": {"仅含企业确认有效、选择公开的需求，按公开方式脱敏", "only needs confirmed and chosen to be public, redacted by their visibility"},
	"hub.exportHandbook":     {"技术需求汇编（Excel）", "Booklet of technology needs (Excel)"},
	"hub.exportReport":       {"统计报表（Excel，内部）", "Report (Excel, internal)"},
	"err.count":              {"统计失败。", "Counting failed."},
	"err.noExport":           {"没有这种导出。", "There is no such export."},

	// The review queue.
	"queue.title":         {"审核队列", "Review queue"},
	"queue.total":         {"%d 条", "%d"},
	"queue.totalWaiting":  {"%d 条待审核", "%d awaiting review"},
	"queue.scope":         {"您的审核范围：", "Your scope: "},
	"queue.state":         {"状态", "Status"},
	"queue.waiting":       {"待审核（%d）", "Awaiting review (%d)"},
	"queue.all":           {"全部", "All"},
	"queue.none":          {"未审核", "Not reviewed"},
	"queue.unconfirmed":   {"企业未确认", "Not confirmed by the enterprise"},
	"queue.team":          {"团队", "Team"},
	"queue.allTeams":      {"全部团队", "All teams"},
	"queue.region":        {"地区代码", "Region code"},
	"queue.regionExample": {"如 320509", "e.g. 320509"},
	"queue.session":       {"专场", "Special session"},
	"queue.allSessions":   {"全部专场", "All sessions"},
	"queue.from":          {"更新自", "Updated from"},
	"queue.to":            {"至", "to"},
	"queue.filter":        {"筛选", "Filter"},
	"queue.regionIs":      {"地区：%s", "Region: %s"},
	"queue.teamRecord":    {"团队记录：%s", "Team's record: %s"},
	"queue.prev":          {"上一页", "Previous page"},
	"queue.next":          {"下一页", "Next page"},
	"queue.empty":         {"没有符合条件的需求。", "No needs match."},
	"untitled":            {"（无标题）", "(untitled)"},
	"state.none":          {"未审核", "Not reviewed"},
	"err.readNeeds":       {"读取需求失败。", "Reading the needs failed."},

	// A need.
	"need.revision":             {"第 %d 版 · %s", "revision %d · %s"},
	"need.verdict":              {"审核结果", "Verdict"},
	"need.current":              {"当前：<strong>%s</strong>（%s）", "Now: <strong>%s</strong> (%s)"},
	"need.notReviewed":          {"尚未审核。", "Not reviewed yet."},
	"need.pick":                 {"请选择…", "Choose…"},
	"need.url":                  {"公开网址（已发布时必填）", "Public address (needed for Published)"},
	"need.comment":              {"审核意见（退回时请写明要补充什么）", "Comment (when returning it, say what to add)"},
	"need.record":               {"记录审核结果", "Record the verdict"},
	"need.recordHint":           {"结果进入变更流，团队下次同步时收到；已发布的需求按企业选择的公开方式对其他团队和公众显示。", "The verdict enters the change feed and reaches the team at its next sync; a published need is shown to other teams and the public as the enterprise chose."},
	"need.content":              {"需求（企业确认的内容）", "The need (as the enterprise confirmed it)"},
	"need.enterprise":           {"企业", "Enterprise"},
	"need.contact":              {"联系人", "Contact"},
	"need.noEnterprise":         {"团队尚未同步这家企业。", "The team has not synced this enterprise yet."},
	"need.diagnosis":            {"诊断", "Diagnosis"},
	"need.criterion":            {"要素", "Criterion"},
	"need.judgement":            {"判断", "Judgement"},
	"need.remark":               {"意见", "Comment"},
	"need.conclusion":           {"结论：<strong>%s</strong>", "Conclusion: <strong>%s</strong>"},
	"need.diagnosedBy":          {"诊断人 %s", "diagnosed by %s"},
	"need.notDiagnosed":         {"尚未诊断。", "Not diagnosed yet."},
	"need.confirmation":         {"企业确认", "Confirmation by the enterprise"},
	"need.confirmer":            {"确认人", "Confirmed by"},
	"need.method":               {"确认方式", "Method"},
	"need.confirmedAt":          {"确认时间", "Confirmed at"},
	"need.agreedVisibility":     {"同意的公开方式", "Visibility agreed"},
	"need.confirmationState":    {"确认状态", "State of the confirmation"},
	"need.confirmationCurrent":  {"有效：内容与企业确认时一致", "Current: the content is as the enterprise confirmed it"},
	"need.confirmationStale":    {"已失效：确认后内容有修改，须企业重新确认", "Stale: changed since it was confirmed; the enterprise must confirm it again"},
	"need.hash":                 {"内容摘要", "Content digest"},
	"need.signature":            {"企业确认人签名", "The confirmer's signature"},
	"need.notConfirmed":         {"企业尚未确认。", "Not confirmed by the enterprise yet."},
	"need.notePrivate":          {"企业选择了“不公开”：这条需求不能发布，其他团队和公众都看不到它。", "The enterprise chose not to publish: this need cannot be published, and neither other teams nor the public see it."},
	"need.noteUnconfirmed":      {"企业尚未确认：发布后其他团队和公众也看不到它，直到企业确认。", "Not confirmed by the enterprise: published, other teams and the public do not see it until the enterprise confirms it."},
	"need.noteStale":            {"企业确认后内容又有修改，确认已失效：发布后其他团队和公众看不到它，直到企业重新确认。", "Changed since the enterprise confirmed it, so the confirmation is stale: published, other teams and the public do not see it until the enterprise confirms it again."},
	"value.yes":                 {"是", "yes"},
	"value.no":                  {"否", "no"},
	"value.money":               {"%s 万元", "%s × 10,000 yuan"},
	"value.listSep":             {"、", ", "},
	"value.textSep":             {"；", "; "},
	"err.noNeed":                {"没有这条需求，或它不在您的审核范围内。", "There is no such need, or it is outside your scope."},
	"err.readNeed":              {"读取需求失败。", "Reading the need failed."},
	"err.notRecorded":           {"未记录：%s", "Not recorded: %s"},
	"err.reviewState":           {"请选择审核结果。", "Choose a verdict."},
	"err.reviewURL":             {"“已发布”需要填写公开网址。", "Published needs the public address."},
	"err.reviewPrivate":         {"这条需求是“不公开”的，不能发布。企业同意公开后，由团队在寻榜里改为实名公开或匿名公开、请企业确认并同步，再来审核。", "This need is not public and cannot be published. If the enterprise agrees, the team changes its visibility in xunbang, has it confirmed and syncs; then review it again."},
	"err.reviewOnceNamed":       {"这条需求曾以“实名公开”发布过，现在改成了“匿名公开”：同一个编号（它的网页、印好的二维码）仍会让人认出企业，不能这样发布。请团队为匿名公开另建一条需求，请企业确认并同步后再审核那一条。", "This need was published named and is now anonymous: under the same id (its page, the printed QR codes) it would still be linked to the enterprise, so it cannot be published so. Ask the team to make a new need for the anonymous version, have it confirmed and sync; then review that one."},
	"err.reviewNamesPlace":      {"这条需求是“匿名公开”的，公开称谓或文字里写出了比公开地区更细的地名（区县或乡镇），而那里登记的企业不足 5 家，发布后能被认出。请团队改写（例如只写到地级市）、请企业重新确认并同步后再审核。", "This need is anonymous, and its alias or text names a place finer than the region it is shown with (a county or town) where fewer than five enterprises are listed: it could be recognised. Ask the team to reword it (say, to the city), have it confirmed again and sync; then review it again."},
	"err.reviewNamesEnterprise": {"这条需求公开的内容里写出了联系人的个人信息（姓名、电话或邮箱），或者它是“匿名公开”的，却写出了企业（名称、字号、信用代码或地址），不能发布。请团队在寻榜里改写、请企业重新确认并同步后再审核。", "What this need would publish gives a contact's personal details (name, phone or e-mail), or it is anonymous and yet names the enterprise (its name, trade name, credit code or address): it cannot be published. Ask the team to reword it in xunbang, have it confirmed again and sync; then review it again."},
	"err.reviewNoEnterprise":    {"汇集节点上没有这条需求的企业记录，无法核对要公开的内容，不能发布。请团队同步这家企业后再审核。", "The hub holds no record of this need's enterprise, so it cannot check what would be published: it cannot be published. Ask the team to sync the enterprise; then review it again."},
	"err.reviewUnconfirmed":     {"企业尚未确认这条需求现在的内容，不能发布。请团队在寻榜里请企业确认并同步后再审核。", "The enterprise has not confirmed this need's current content, so it cannot be published. Ask the team to have it confirmed in xunbang and sync; then review it again."},
	"err.reviewWebAddress":      {"公开网址须以 https:// 或 http:// 开头。", "The public address starts with https:// or http://."},
	"err.commentLong":           {"审核意见最多 2000 字。", "A comment has at most 2000 characters."},
	"flash.reviewed":            {"已记录审核结果：%s。团队下次同步时收到。", "Verdict recorded: %s. The team receives it at its next sync."},

	// Settings.
	"settings.title":            {"设置", "Settings"},
	"settings.public":           {"公开需求页与揭榜表单", "Public need pages and the solution form"},
	"settings.hint":             {"这些设置显示在每条已发布需求的公开页（<a href=\"/n/\">/n/</a>）和揭榜表单上；截止日期当天（北京时间）结束后，揭榜表单关闭。", "These settings show on the public page of every published need (<a href=\"/n/\">/n/</a>) and on its solution form; the form closes when the deadline day ends, China time."},
	"settings.formState":        {"揭榜表单：", "Solution form: "},
	"settings.open":             {"开放中", "open"},
	"settings.closed":           {"已截止，不再受理解决方案", "closed: the deadline has passed"},
	"settings.event":            {"活动名称", "Event"},
	"settings.eventExample":     {"如 2026“科技镇长团杯”苏州国际创新挑战赛", "e.g. 2026 Suzhou International Innovation Challenge"},
	"settings.organiser":        {"主办单位", "Organiser"},
	"settings.organiserExample": {"如 苏州市科学技术局", "e.g. Suzhou Science and Technology Bureau"},
	"settings.deadline":         {"揭榜截止日期（北京时间，YYYY-MM-DD；留空表示不设截止）", "Last day solutions are taken (China time, YYYY-MM-DD; empty for none)"},
	"settings.contact":          {"咨询方式（电话或邮箱）", "Contact for questions (phone or e-mail)"},
	"settings.contactExample":   {"如 0512-65246015", "e.g. 0512-65246015"},
	"settings.save":             {"保存设置", "Save the settings"},
	"settings.cli":              {"命令行也可以修改：<code>xunbang serve site --event … --organiser … --deadline … --contact …</code>。每次修改都记入操作记录。", "The command line changes them too: <code>xunbang serve site --event … --organiser … --deadline … --contact …</code>. Every change goes into the audit log."},
	"settings.tooLong":          {"最多 %d 个字。", "At most %d characters."},
	"settings.oneLine":          {"只能写一行。", "One line only."},
	"settings.notADate":         {"请写成 YYYY-MM-DD（如 2026-09-15），须是真实的日期；不设截止日期请留空。", "Write it YYYY-MM-DD (e.g. 2026-09-15), a day that exists; leave it empty for no deadline."},
	"err.notSaved":              {"未保存：请按提示修改。", "Not saved: correct what is marked."},
	"err.readSettings":          {"读取设置失败。", "Reading the settings failed."},
	"flash.settingsSaved":       {"已保存设置：公开需求页和揭榜表单即刻使用。", "Settings saved: the public need pages and the solution form use them at once."},
	"flash.settingsUnchanged":   {"设置没有变化。", "Nothing changed."},
}
