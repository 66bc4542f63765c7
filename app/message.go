package app

import "fyne.io/fyne/v2/widget"

// showMessage puts text in a screen's message label, in the colour of imp,
// and shows it.
func showMessage(l *widget.Label, text string, imp widget.Importance) {
	l.SetText(text)
	l.Importance = imp
	l.Refresh()
	l.Show()
}
