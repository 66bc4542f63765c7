package protocol

import "testing"

// FuzzDecodeTokenRequest fuzzes the admin token endpoint's decoder: what
// it accepts names a user and a team.
func FuzzDecodeTokenRequest(f *testing.F) {
	f.Add([]byte(`{"protocol":"1","user":"李科技","team":"吴江镇长团"}`))
	f.Add([]byte(`{"protocol":"1","user":"","team":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r TokenRequest
		if err := DecodeBody(b, &r); err != nil {
			return
		}
		if r.User == "" || r.Team == "" || len(r.User) > 200 || len(r.Team) > 200 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzDecodeTokenResponse is FuzzDecodePushResponse for the admin token
// endpoint's answer.
func FuzzDecodeTokenResponse(f *testing.F) {
	fuzzDecodeAnswer[TokenResponse](f,
		`{"protocol":"1","token":"3f9c0a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdd","token_id":"0123456789ab"}`,
		`{"protocol":"1","token":"short"}`,
		`<html>登录</html>`)
}
