//go:build race

package store

// raceEnabled reports a build with the race detector, which makes the
// process tests' children slow.
const raceEnabled = true
