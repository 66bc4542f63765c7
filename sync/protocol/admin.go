package protocol

// PathAdminTokens issues a team token (admin tokens only): what `xunbang
// serve token create` calls while the server holds its data dir.
const PathAdminTokens = "/v1/admin/tokens"

// TokenRequest is the body of POST /v1/admin/tokens.
type TokenRequest struct {
	Protocol string `json:"protocol"`
	User     string `json:"user"`
	Team     string `json:"team"`
}

// Validate checks a token request.
func (r *TokenRequest) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if r.User == "" || r.Team == "" || len(r.User) > 200 || len(r.Team) > 200 {
		return notProtocol("token request without a user and a team")
	}
	return nil
}

// TokenResponse is the 200 answer to a token request: the token, shown
// once (the hub keeps only its SHA-256).
type TokenResponse struct {
	Protocol string `json:"protocol"`
	Token    string `json:"token"`
	// TokenID is the first 12 hex digits of the token's SHA-256, by which
	// the console lists and revokes it.
	TokenID string `json:"token_id"`
}

// Validate checks a token answer.
func (r *TokenResponse) Validate() error {
	if err := checkVersion(r.Protocol); err != nil {
		return err
	}
	if !validToken(r.Token) {
		return notProtocol("token answer without a token")
	}
	return nil
}
