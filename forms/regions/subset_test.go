package regions

import (
	"slices"
	"testing"
)

// TestSubsetAnswersAsTheWholeTable checks that the subset of a list's
// towns answers for them as the whole table does, holds every province,
// city and county, and nothing of the towns not asked for.
func TestSubsetAnswersAsTheWholeTable(t *testing.T) {
	full := Default()
	var asked, notAsked []string
	counties := 0
	for i := range int32(full.Len()) {
		switch {
		case full.level(i) != Town:
			counties++
		case i%997 == 0:
			asked = append(asked, full.code(i))
		case i%997 == 1:
			notAsked = append(notAsked, full.code(i))
		}
	}
	if len(asked) < 30 || len(notAsked) < 30 {
		t.Fatalf("%d towns to ask for, %d not to: the table is too small", len(asked), len(notAsked))
	}
	padded := asked[0] + "000" // a 12-digit code, as some sheets write it
	sub, err := subset(dataGz, append(slices.Clone(asked), padded, "999999999", "320583", ""))
	if err != nil {
		t.Fatal(err)
	}
	if sub.Len() != counties+len(asked) {
		t.Errorf("the subset has %d regions, want %d (provinces, cities, counties) + %d towns", sub.Len(), counties, len(asked))
	}
	if sub.Source() != full.Source() {
		t.Errorf("Source() = %q, want %q", sub.Source(), full.Source())
	}
	for _, code := range append(asked, padded, "320583", "110105", "441900") {
		want, wok := full.Lookup(code)
		got, gok := sub.Lookup(code)
		if got != want || gok != wok || !wok {
			t.Errorf("Lookup(%s) = %+v %v, want %+v %v", code, got, gok, want, wok)
		}
		if g, w := sub.FullName(code), full.FullName(code); g != w {
			t.Errorf("FullName(%s) = %q, want %q", code, g, w)
		}
		if g, w := regionCodes(sub.Path(code)), regionCodes(full.Path(code)); !slices.Equal(g, w) {
			t.Errorf("Path(%s) = %v, want %v", code, g, w)
		}
	}
	for _, code := range append(notAsked, "999999999") {
		if r, ok := sub.Lookup(code); ok {
			t.Errorf("Lookup(%s) = %+v: a town not asked for is in the subset", code, r)
		}
	}
}

// TestDefaultSubsetIsTheTableOnceLoaded checks that DefaultSubset gives
// the whole index once it is loaded, rather than reading the data again.
func TestDefaultSubsetIsTheTableOnceLoaded(t *testing.T) {
	full := Default()
	if DefaultSubset([]string{"320583100"}) != full {
		t.Error("DefaultSubset read the table again though Default had loaded it")
	}
}
