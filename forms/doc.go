// Package forms is xunbang's domain: the records an official keeps about
// enterprises and their technology needs, the field catalogue of the unified
// 《需求征集表》 that describes every field once, as data, and the rules that
// read it — validation, the status lifecycle, the canonical content hash a
// confirmation binds to, and redaction by a need's visibility.
//
// The catalogue is embedded (data/catalogue.json) and versioned. Records keep
// their field values by catalogue field id in a [Values] map, so a new field is
// a catalogue change, not a code change in every layer. Every record stores the
// catalogue version it was written with.
//
// forms is pure Go: it imports nothing else of xunbang's and no UI toolkit.
// Storage lives in package store, Excel in forms/xlsx, cards in forms/card.
package forms
