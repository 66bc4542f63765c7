package platform

import (
	"errors"
	"net/http"
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
	c.showUsers(w, r, v, http.StatusOK, "")
}

// showUsers draws the 用户 page; msg is an error as shown, or "".
func (c *console) showUsers(w http.ResponseWriter, r *http.Request, v *visitor, status int, msg string) {
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
		c.fail(w, r, v, http.StatusInternalServerError, "err.readUsers")
		return
	}
	c.render(w, r, status, "users", page{Title: langOf(r).t("users.title"), Nav: "users", V: v, Error: msg, Data: d})
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
		l := langOf(r)
		c.showUsers(w, r, v, http.StatusBadRequest, l.t("err.notCreated", userMessage(l, err)))
		return
	}
	http.Redirect(w, r, flashURL("/console/users", "flash.userCreated", strings.TrimSpace(nu.Name)), http.StatusSeeOther)
}

// errLastAdmin: a change would leave the hub without an enabled admin.
var errLastAdmin = consoleError{id: "err.lastAdmin"}

func (c *console) updateUser(w http.ResponseWriter, r *http.Request, v *visitor) {
	name := r.PathValue("name")
	action := r.PostFormValue("action")
	l := langOf(r)
	if action == "password" {
		if err := c.s.SetPassword(r.Context(), name, r.PostFormValue("password"), v.User.Name, clientAddr(r)); err != nil {
			c.showUsers(w, r, v, http.StatusBadRequest, l.t("err.notChanged", userMessage(l, err)))
			return
		}
		http.Redirect(w, r, flashURL("/console/users", "flash.passwordSet", name), http.StatusSeeOther)
		return
	}
	now := c.s.opt.Now().UTC()
	var detail, flash string
	err := c.s.store.Update(r.Context(), func(tx hubstore.Tx) error {
		u, err := tx.User(name)
		if err != nil {
			return err
		}
		switch action {
		case "disable":
			u.Disabled, detail, flash = true, "停用", "flash.userDisabled"
		case "enable":
			u.Disabled, u.FailedLogins, u.LockedUntil, detail, flash = false, 0, time.Time{}, "启用", "flash.userEnabled"
		case "save":
			role := hubstore.Role(r.PostFormValue("role"))
			if !role.Valid() {
				return consoleError{id: "err.role"}
			}
			teams, regions, err := cleanScope(splitList(r.PostFormValue("teams")), splitList(r.PostFormValue("regions")))
			if err != nil {
				return err
			}
			if role == hubstore.RoleReviewer && len(teams) == 0 && len(regions) == 0 {
				return consoleError{id: "err.scope"}
			}
			u.Role, u.Teams, u.Regions = role, teams, regions
			u.Display = strings.TrimSpace(r.PostFormValue("display"))
			detail = string(role) + " 团队:" + strings.Join(teams, ",") + " 地区:" + strings.Join(regions, ",")
			flash = "flash.userSaved"
		default:
			return consoleError{id: "err.unknownAction"}
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
		c.showUsers(w, r, v, http.StatusBadRequest, l.t("err.notChanged", userMessage(l, err)))
		return
	}
	http.Redirect(w, r, flashURL("/console/users", flash, name), http.StatusSeeOther)
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
