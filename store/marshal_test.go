package store

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/xunbang/xunbang/forms/demo"
)

// TestMarshalRecordIsJSONMarshal checks that revision rows are the bytes
// json.Marshal writes, for every need and enterprise of a demo set, with
// HTML characters, control characters and U+2028 in their values.
func TestMarshalRecordIsJSONMarshal(t *testing.T) {
	set := demo.Generate(3, 300)
	set.Needs[0].Values.Set("problem", "a<b && c>d\u2028\n\t\"引号\" \\ <script>")
	set.Enterprises[0].Values.Set("address", "<苏州> & 昆山")
	check := func(r json.Marshaler) {
		t.Helper()
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("marshalRecord:\n%s\njson.Marshal:\n%s", got, want)
		}
	}
	for _, n := range set.Needs {
		check(n)
	}
	for _, e := range set.Enterprises {
		check(e)
	}
}
