package protocol

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodePushResponse checks that no input panics the decoder, that
// everything it rejects is reported as not-a-protocol-answer (or another
// version), and that everything it accepts survives a round trip and
// validates again.
func FuzzDecodePushResponse(f *testing.F) {
	fuzzDecodeAnswer[PushResponse](f,
		`{"protocol":"1","results":[{"kind":"need","id":"n1","rev":"r1","outcome":"accepted"}]}`,
		`{"protocol":"1","results":[{"kind":"need","id":"n1","rev":"r2","outcome":"conflict","current":{"kind":"need","id":"n1","rev":"r1","body":{"id":"n1","rev":"r1"}}}]}`,
		`{"protocol":"1","results":[{"kind":"enterprise","id":"e1","rev":"r1","outcome":"invalid","reasons":[{"field":"title","code":"max_len","message":"太长"}]}]}`,
		`<html><head><title>Portal</title></head></html>`,
		`{"protocol":"1","results":[]} {}`,
		`{"protocol":2}`)
}

// FuzzDecodePullResponse is FuzzDecodePushResponse for the change feed.
func FuzzDecodePullResponse(f *testing.F) {
	fuzzDecodeAnswer[PullResponse](f,
		`{"protocol":"1","cursor":"x-1","more":false,"changes":[]}`,
		`{"protocol":"1","cursor":"x-2","more":true,"changes":[{"kind":"record","record":{"kind":"need","id":"n1","rev":"r1","body":{"id":"n1","rev":"r1"}}}]}`,
		`{"protocol":"1","cursor":"x-3","changes":[{"kind":"status","status":{"need_id":"n1","state":"published","label":"已发布","url":"https://p.example/1","at":"2025-05-01T08:00:00Z"}}]}`,
		`{"protocol":"1","cursor":"x-4","changes":[{"kind":"public_need","need_id":"n2","public":{"id":"n2","state":"matching","values":{"title":["高温合金"]}}},{"kind":"registry","registry":{"id":"e1","name":"某公司","values":{}}}]}`,
		`<!DOCTYPE html><html>请登录</html>`)
}

// fuzzDecodeAnswer fuzzes Decode into a T from the seeds: no input panics
// it, what it rejects is not-a-protocol-answer or another version, and what
// it accepts re-encodes into an answer it accepts again.
func fuzzDecodeAnswer[T any, PT interface {
	*T
	Message
}](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	h := protoHeader()
	f.Fuzz(func(t *testing.T, b []byte) {
		var r T
		err := Decode(h, b, PT(&r))
		if err != nil {
			var ve *VersionError
			if !errors.Is(err, ErrNotProtocol) && !errors.As(err, &ve) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var r2 T
		if err := Decode(h, again, PT(&r2)); err != nil {
			t.Fatalf("re-encoded answer rejected: %v\n%s", err, again)
		}
	})
}

// FuzzDecodePushRequest fuzzes the server's side: the request decoder.
func FuzzDecodePushRequest(f *testing.F) {
	f.Add([]byte(`{"protocol":"1","records":[{"kind":"need","id":"n1","rev":"r1","body":{"id":"n1","rev":"r1","title":"高温合金"}}]}`))
	f.Add([]byte(`{"protocol":"1","records":[{"kind":"need","id":"n1","rev":"r2","base_rev":"r1","body":{"id":"n1","rev":"r2","base_rev":"r1"}}]}`))
	f.Add([]byte(`{"protocol":"1","records":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r PushRequest
		if err := DecodeBody(b, &r); err != nil {
			return
		}
		for _, rec := range r.Records {
			if !ValidID(rec.ID) || !ValidID(rec.Rev) || !validKind(rec.Kind) {
				t.Fatalf("accepted bad record %+v", rec)
			}
		}
	})
}
