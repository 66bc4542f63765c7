package platform

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/hubstore"
)

// userRow is one user on the 用户 page.
type userRow struct {
	*hubstore.User
	TeamsText, RegionsText string
	RegionNames            []string
	Locked                 bool
}

type usersData struct {
	Users []userRow
}

func (c *console) users(w http.ResponseWriter, r *http.Request, v *visitor) {
	c.showUsers(w, r, v, http.StatusOK, r.URL.Query().Get("flash"), "")
}

func (c *console) showUsers(w http.ResponseWriter, r *http.Request, v *visitor, status int, flash, msg string) {
	var d usersData
	now := c.s.opt.Now()
	err := c.s.store.View(r.Context(), func(tx hubstore.Tx) error {
		return tx.Users(func(u *hubstore.User) error {
			row := userRow{User: u, TeamsText: strings.Join(u.Teams, "，"), RegionsText: strings.Join(u.Regions, "，"), Locked: now.Before(u.LockedUntil)}
			for _, code := range u.Regions {
				row.RegionNames = append(row.RegionNames, forms.Regions().FullName(code))
			}
			d.Users = append(d.Users, row)
			return nil
		})
	})
	if err != nil {
		c.log.Error("console users failed", "err", err)
		c.fail(w, r, v, http.StatusInternalServerError, "读取用户失败。")
		return
	}
	c.render(w, r, status, "users", page{Title: "用户", Nav: "users", V: v, Flash: flash, Error: msg, Data: d})
}

// splitList reads a list typed in one field: commas (either width),
// semicolons or spaces between items.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，;；、 \t\n", r) })
}

func (c *console) createUser(w http.ResponseWriter, r *http.Request, v *visitor) {
	nu := NewUser{Name: r.PostFormValue("name"), Display: r.PostFormValue("display"), Password: r.PostFormValue("password"),
		Role: hubstore.Role(r.PostFormValue("role")), Teams: splitList(r.PostFormValue("teams")), Regions: splitList(r.PostFormValue("regions"))}
	if err := c.s.CreateUser(r.Context(), nu, v.User.Name, clientAddr(r)); err != nil {
		c.showUsers(w, r, v, http.StatusBadRequest, "", "未创建："+userMessage(err))
		return
	}
	http.Redirect(w, r, "/console/users?flash="+urlQuery("已创建用户 "+strings.TrimSpace(nu.Name)+"。"), http.StatusSeeOther)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// errLastAdmin: a change would leave the hub without an enabled admin.
var errLastAdmin = consoleError{"这是最后一位可用的管理员，不能停用或改为审核员。"}

func (c *console) updateUser(w http.ResponseWriter, r *http.Request, v *visitor) {
	name := r.PathValue("name")
	action := r.PostFormValue("action")
	if action == "password" {
		if err := c.s.SetPassword(r.Context(), name, r.PostFormValue("password"), v.User.Name, clientAddr(r)); err != nil {
			c.showUsers(w, r, v, http.StatusBadRequest, "", "未修改："+userMessage(err))
			return
		}
		http.Redirect(w, r, "/console/users?flash="+urlQuery("已为 "+name+" 设置新密码，其登录会话已全部结束。"), http.StatusSeeOther)
		return
	}
	now := c.s.opt.Now().UTC()
	var detail string
	err := c.s.store.Update(r.Context(), func(tx hubstore.Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		switch action {
		case "disable":
			u.Disabled, detail = true, "停用"
		case "enable":
			u.Disabled, u.FailedLogins, u.LockedUntil, detail = false, 0, time.Time{}, "启用"
		case "save":
			role := hubstore.Role(r.PostFormValue("role"))
			if !role.Valid() {
				return consoleError{"角色须为管理员或审核员。"}
			}
			teams, regions, err := cleanScope(splitList(r.PostFormValue("teams")), splitList(r.PostFormValue("regions")))
			if err != nil {
				return err
			}
			if role == hubstore.RoleReviewer && len(teams) == 0 && len(regions) == 0 {
				return consoleError{"审核员须至少有一个团队或地区作为审核范围。"}
			}
			u.Role, u.Teams, u.Regions = role, teams, regions
			u.Display = strings.TrimSpace(r.PostFormValue("display"))
			detail = string(role) + " 团队:" + strings.Join(teams, ",") + " 地区:" + strings.Join(regions, ",")
		default:
			return consoleError{"未知的操作。"}
		}
		if (u.Disabled || u.Role != hubstore.RoleAdmin) && !otherAdmin(tx, name) {
			return errLastAdmin
		}
		u.UpdatedAt = now
		if err := tx.PutUser(u); err != nil {
			return err
		}
		if u.Disabled {
			if _, err := tx.DeleteSessions(name, now); err != nil {
				return err
			}
		}
		_, err = tx.AppendAudit(&hubstore.AuditEntry{At: now, User: v.User.Name, Action: auditUserUpdate, Target: name, Detail: detail, Addr: clientAddr(r)})
		return err
	})
	if err != nil {
		var ce consoleError
		if !errors.As(err, &ce) && !errors.Is(err, hubstore.ErrNotFound) {
			c.log.Error("console user update failed", "err", err)
		}
		c.showUsers(w, r, v, http.StatusBadRequest, "", "未修改："+userMessage(err))
		return
	}
	http.Redirect(w, r, "/console/users?flash="+urlQuery("已更新用户 "+name+"："+detail+"。"), http.StatusSeeOther)
}

// otherAdmin reports whether an enabled admin other than name exists.
func otherAdmin(tx hubstore.Tx, name string) bool {
	found := false
	_ = tx.Users(func(u *hubstore.User) error {
		if u.Name != name && u.Role == hubstore.RoleAdmin && !u.Disabled {
			found = true
		}
		return nil
	})
	return found
}
