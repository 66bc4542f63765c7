//go:build race

package qr

// raceEnabled reports a build with the race detector, under which decoding
// is ten times slower.
const raceEnabled = true
