//go:build ci || android || ios || mobile || wasm || js || tamago || noos || tinygo

package app

import "fyne.io/fyne/v2"

// workArea cannot tell the screen's size without GLFW (Fyne's test driver
// under the build tag ci, mobile systems): the window keeps the size it asks
// for.
func workArea(float32) (fyne.Size, bool) { return fyne.Size{}, false }
