package forms

// PublicNeed is what may be shown in public about a need under its
// visibility: on a card, in the 《技术需求汇编》, in a publication payload.
// It holds no internal, secret or personal field, and no field that
// identifies the enterprise unless the need is 实名公开.
type PublicNeed struct {
	ID         string
	Status     Status
	Visibility Visibility
	// Publisher is the enterprise's name (实名公开) or its public alias (匿名公开).
	Publisher string
	// Region is the enterprise's region code.
	Region string
	// Values are the need's public fields (visibility and public_alias excluded).
	Values Values
	// Contact holds the contact's public details, for 实名公开 only (the
	// handbook lists a contact so solvers can reach the enterprise).
	Contact Values
	// Confirmed reports whether the enterprise's confirmation is current.
	Confirmed bool
	// URL is the platform's public address, once published.
	URL string
}

// Publish returns the public view of a need, or false for a need that is 不公开
// and so appears in no public output.
func (c *Catalogue) Publish(n *Need, e *Enterprise) (PublicNeed, bool) {
	vis := n.Visibility()
	if vis == VisibilityPrivate {
		return PublicNeed{}, false
	}
	p := PublicNeed{
		ID: n.ID, Status: n.Status, Visibility: vis,
		Values:    c.PublicValues(EntityNeed, n.Values, vis),
		Confirmed: c.ConfirmationCurrent(n, e),
		URL:       n.Platform.URL,
	}
	delete(p.Values, "visibility")
	delete(p.Values, "public_alias")
	if e != nil {
		p.Region = e.Values.Get("region")
	}
	switch vis {
	case VisibilityNamed:
		if e != nil {
			p.Publisher = e.Name()
			if ct, ok := e.Contact(n.ContactID); ok {
				p.Contact = ct.Values.Clone()
			} else if len(e.Contacts) > 0 {
				p.Contact = e.Contacts[0].Values.Clone()
			}
		}
	case VisibilityAnonymous:
		p.Publisher = n.Values.Get("public_alias")
	}
	return p, true
}

// PublicValues returns the values of an entity that may be published under a
// visibility: public fields only, and identifying ones only when 实名公开.
// 不公开 yields nothing.
func (c *Catalogue) PublicValues(entity Entity, v Values, vis Visibility) Values {
	out := Values{}
	if vis != VisibilityNamed && vis != VisibilityAnonymous {
		return out
	}
	for id, l := range v {
		f, ok := c.Field(id)
		if !ok || f.Entity != entity || f.Class != ClassPublic {
			continue
		}
		if f.Identifying && vis != VisibilityNamed {
			continue
		}
		out[id] = append([]string(nil), l...)
	}
	return out
}

// MaskMobile shows a mobile number as 138****5678, for screens and lists
// where the full number is not needed.
func MaskMobile(s string) string {
	if len(s) != 11 {
		return s
	}
	return s[:3] + "****" + s[7:]
}
