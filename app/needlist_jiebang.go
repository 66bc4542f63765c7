package app

import (
	"strconv"

	"fyne.io/fyne/v2/lang"

	"github.com/xunbang/xunbang/forms"
)

// The need list's 揭榜 column and filter (issue 15.4): how many solutions
// each need received, and a filter for the needs with some, or with three
// or more (those go to 竞榜).

// jiebangLeast are the filter's options: the fewest solutions a need must
// have, in the order of jiebangFilterLabels.
var jiebangLeast = []int{0, 1, forms.EvaluationMinSolutions}

func jiebangFilterLabels() []string {
	return []string{lang.L("needs.filter.jiebang.all"), lang.L("needs.filter.jiebang.some"), lang.L("needs.filter.jiebang.three")}
}

// leastSolutions is the fewest solutions the 揭榜 filter asks of a need.
func (l *needList) leastSolutions() int {
	if i := l.jiebang.SelectedIndex(); i >= 0 && i < len(jiebangLeast) {
		return jiebangLeast[i]
	}
	return 0
}

// setSolutions counts each need's solutions from their statuses by need id
// (store.Store.SolutionStatuses). Call it before the index is shared.
func (ix *needIndex) setSolutions(byNeed map[string][]forms.SolutionStatus) {
	if len(byNeed) == 0 {
		ix.solutions = nil
		return
	}
	ix.solutions = make([]int32, ix.Len())
	for i := range ix.solutions {
		ix.solutions[i] = int32(len(byNeed[ix.sum(int32(i)).ID]))
	}
}

// solutionCount returns how many solutions the need at position i has.
func (ix *needIndex) solutionCount(i int32) int {
	if int(i) < len(ix.solutions) {
		return int(ix.solutions[i])
	}
	return 0
}

// solutionText is the 揭榜 column's text for the need at position i: the
// count, or nothing when none.
func (ix *needIndex) solutionText(i int32) string {
	if n := ix.solutionCount(i); n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

// statusTexts are the need statuses' names, which the status column shows
// whole.
func statusTexts(lng string) []string {
	var out []string
	for _, s := range forms.Statuses {
		out = append(out, s.Label(lng))
	}
	return out
}

// needTypeTexts are the need types' names, which the type column shows
// whole.
func needTypeTexts(lng string) []string {
	var out []string
	for _, o := range forms.Default().Vocabulary("need_type").Options {
		out = append(out, o.Label(lng))
	}
	return out
}
