package protocol

import (
	"errors"
	"fmt"
	"strings"
)

// The connect text is what the hub's console shows once when it creates a
// token for an official, for them to paste into the desktop's 平台连接
// (or `xunbang login`): the hub's address and the token, on labelled
// lines, readable by a person and copyable as one block:
//
//	寻榜平台连接
//	地址：https://hub.example.cn
//	令牌：3f9c…（64 位）
//
// ParseConnectText reads it back, forgiving what a chat app or an e-mail
// does to pasted text: full- or half-width colons, English labels
// (server, token), blank lines, surrounding text, spaces around values.

// ConnectTitle is the first line of a connect text.
const ConnectTitle = "寻榜平台连接"

// MaxConnectText is the longest text ParseConnectText reads.
const MaxConnectText = 8 << 10

// FormatConnectText writes the connect text for a hub address and a token.
func FormatConnectText(server, token string) string {
	return ConnectTitle + "\n地址：" + strings.TrimRight(server, "/") + "\n令牌：" + token + "\n"
}

// ErrNoConnectText means the text holds no hub address, or no token.
var ErrNoConnectText = errors.New("this text holds no hub address and token (paste the whole 寻榜平台连接 text)")

// ParseConnectText finds the hub's address and the token in a pasted
// connect text. The address is checked as ParseServerURL checks it (https,
// or http to this computer) and returned normalised.
func ParseConnectText(text string) (server, token string, err error) {
	if len(text) > MaxConnectText {
		return "", "", fmt.Errorf("connect text over %d bytes", MaxConnectText)
	}
	var rawServer string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		label, value, ok := cutLabel(line)
		if !ok {
			// An address on a line of its own.
			if rawServer == "" && (strings.HasPrefix(line, "https://") || strings.HasPrefix(line, "http://")) && !strings.ContainsAny(line, " \t") {
				rawServer = line
			}
			continue
		}
		switch label {
		case "地址", "平台地址", "汇集节点", "server", "address", "hub":
			if rawServer == "" {
				rawServer = value
			}
		case "令牌", "token":
			if token == "" {
				token = value
			}
		}
	}
	if rawServer == "" || token == "" {
		return "", "", ErrNoConnectText
	}
	if !validToken(token) {
		return "", "", errors.New("the token in this text is damaged (it has characters a token never has, or is cut short)")
	}
	u, err := ParseServerURL(rawServer)
	if err != nil {
		return "", "", err
	}
	return u.String(), token, nil
}

// cutLabel splits "标签：值" or "label: value".
func cutLabel(line string) (label, value string, ok bool) {
	i := strings.IndexAny(line, ":：")
	if i <= 0 {
		return "", "", false
	}
	label = strings.ToLower(strings.TrimSpace(line[:i]))
	rest := line[i:]
	if strings.HasPrefix(rest, "：") {
		rest = rest[len("："):]
	} else {
		rest = rest[1:]
	}
	if label == "http" || label == "https" {
		return "", "", false // an address, not a label
	}
	return label, strings.TrimSpace(rest), true
}

// validToken: 16 to 256 characters of what a bearer token may hold.
func validToken(t string) bool {
	if len(t) < 16 || len(t) > 256 {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~+/=", c)) {
			return false
		}
	}
	return true
}
