package protocol

import (
	"encoding/json"
	"testing"
)

// A solution travels as any record: in a push and in the feed.
func TestSolutionRecords(t *testing.T) {
	rec := Record{Kind: KindSolution, ID: "s1", Rev: "r2", BaseRev: "r1",
		Body: json.RawMessage(`{"id":"s1","rev":"r2","base_rev":"r1","need_id":"n1","status":"screened","source":"public_page"}`)}
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	push := PushRequest{Protocol: Version, Records: []Record{rec}}
	if err := push.Validate(); err != nil {
		t.Fatal(err)
	}
	ch := Change{Kind: ChangeRecord, Record: &rec}
	if err := ch.Validate(); err != nil {
		t.Fatal(err)
	}
	rec.Kind = "evaluation"
	if err := rec.Validate(); err == nil {
		t.Error("an unknown kind validated")
	}
	if len(OptionalKinds) != 1 || OptionalKinds[0] != KindSolution {
		t.Errorf("optional kinds %v", OptionalKinds)
	}
}
