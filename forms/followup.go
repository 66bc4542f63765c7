package forms

import "time"

// Visit is one visit to an enterprise (走访记录).
type Visit struct {
	ID           string    `json:"id"`
	EnterpriseID string    `json:"enterprise_id"`
	Date         string    `json:"date"` // 2006-01-02
	Who          string    `json:"who"`  // the officials who went
	Notes        string    `json:"notes,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// FollowUpKind is the kind of progress a follow-up records.
type FollowUpKind string

// Follow-up kinds (跟踪问效): the organisers count intents and deals.
const (
	FollowUpIntent   FollowUpKind = "intent"   // 意向对接
	FollowUpContract FollowUpKind = "contract" // 签订合同 (a technology deal)
	FollowUpPayment  FollowUpKind = "payment"  // 付款
)

// Label returns the kind's name in the given language.
func (k FollowUpKind) Label(lang string) string {
	zh := map[FollowUpKind]string{FollowUpIntent: "意向", FollowUpContract: "合同", FollowUpPayment: "付款"}
	en := map[FollowUpKind]string{FollowUpIntent: "Intent", FollowUpContract: "Contract", FollowUpPayment: "Payment"}
	if lang == "en" {
		return en[k]
	}
	return zh[k]
}

// FollowUp is one step of progress on a need after publication.
type FollowUp struct {
	ID        string       `json:"id"`
	NeedID    string       `json:"need_id"`
	Kind      FollowUpKind `json:"kind"`
	Date      string       `json:"date"`                 // 2006-01-02
	Partner   string       `json:"partner,omitempty"`    // the university, institute or company
	AmountWan string       `json:"amount_wan,omitempty"` // 万元, canonical decimal
	Notes     string       `json:"notes,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
}
